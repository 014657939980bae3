//! Staff and roles are kept alike on both engines: the same role and staff member made, edited
//! and refused (a taken name, no one left to manage staff, an unknown role) on the standalone
//! shop and on a station of the shared one, which then list the same; a member added at one
//! station signs in at another.

mod common;

use shopdesk_core::shop::staff::{NewRole, NewStaff, RoleUpdate, StaffUpdate};
use shopdesk_core::{ErrorCode, FixedClock, Permission, Session, Shop};
use std::sync::Arc;

/// What the staff settings show, ids aside (each shop made its own).
fn settings(shop: &Shop, owner: &Session) -> Vec<String> {
    let roles = shop.roles(owner).unwrap();
    let staff = shop.staff_all(owner).unwrap();
    roles
        .iter()
        .map(|r| format!("role {} {:?}", r.name, r.permissions))
        .chain(
            staff
                .iter()
                .map(|s| format!("staff {} {} {}", s.name, s.role_name, s.active)),
        )
        .collect()
}

/// The same edits on `shop`: each refusal's code, in order.
fn edit(shop: &Shop, owner: &Session) -> Vec<ErrorCode> {
    let mut refused = Vec::new();
    let packer = shop
        .create_role(
            owner,
            NewRole {
                name: "Weekend packer".into(),
                permissions: vec![Permission::Pack, Permission::OrdersView],
            },
        )
        .unwrap();
    let again = NewRole {
        name: "weekend PACKER".into(),
        permissions: vec![],
    };
    refused.push(shop.create_role(owner, again).unwrap_err().code());
    let kim = shop
        .create_staff(
            owner,
            NewStaff {
                name: "Kim Byrne".into(),
                role_id: packer.id.clone(),
                pin: "4826".into(),
            },
        )
        .unwrap();
    let twin = NewStaff {
        name: "Kim Byrne".into(),
        role_id: packer.id.clone(),
        pin: "4827".into(),
    };
    refused.push(shop.create_staff(owner, twin).unwrap_err().code());
    let nowhere = NewStaff {
        name: "Nobody".into(),
        role_id: "no such role".into(),
        pin: "4828".into(),
    };
    refused.push(shop.create_staff(owner, nowhere).unwrap_err().code());
    shop.update_role(
        owner,
        RoleUpdate {
            id: packer.id.clone(),
            name: "Packer (weekends)".into(),
            permissions: vec![Permission::Pack, Permission::OrdersView, Permission::Sell],
        },
    )
    .unwrap();
    shop.update_staff(
        owner,
        StaffUpdate {
            id: kim.id.clone(),
            name: "Kim Byrne-Walsh".into(),
            role_id: packer.id.clone(),
            active: true,
            new_pin: Some("5937".into()),
        },
    )
    .unwrap();
    // The owner's role may not lose the right to manage staff while no one else has it.
    let owner_role = shop
        .roles(owner)
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Owner")
        .unwrap();
    let stripped = RoleUpdate {
        id: owner_role.id,
        name: "Owner".into(),
        permissions: vec![Permission::Sell],
    };
    refused.push(shop.update_role(owner, stripped).unwrap_err().code());
    refused
}

#[test]
fn staff_and_roles_are_kept_alike_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        shared,
        station,
    } = common::stations::demo_pair(dir.path(), 0, 0);
    assert_eq!(settings(&standalone, &owner), settings(&station, &owner));
    let on_file = edit(&standalone, &owner);
    let on_server = edit(&station, &owner);
    assert_eq!(
        on_file,
        [
            ErrorCode::Conflict,
            ErrorCode::Conflict,
            ErrorCode::NotFound,
            ErrorCode::Conflict
        ]
    );
    assert_eq!(on_server, on_file);
    assert_eq!(settings(&standalone, &owner), settings(&station, &owner));

    // Added at one station, Kim signs in at another with the PIN set there.
    let other = shared.station(
        dir.path(),
        "B2",
        Arc::new(FixedClock::at(1_790_000_000_000)),
    );
    let kim = other
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Kim Byrne-Walsh")
        .expect("on the other station's sign-in screen");
    let (_, info) = other.sign_in(&kim.id, "5937").unwrap();
    assert!(info.permissions.contains(&Permission::Sell));
}
