//! The shop's business flows end to end through core's public API, on temporary databases.

use shopdesk_core::catalog::product::{ProductEdit, ProductStatus};
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::shop::staff::{RoleUpdate, StaffUpdate, LOCKOUT_MS, MAX_FAILED_PINS};
use shopdesk_core::shop::NewShop;
use shopdesk_core::{ErrorCode, FixedClock, Permission, Shop};
use std::sync::Arc;

mod common;
use common::{draft, new_shop, staff, Fixture};

fn role_id(f: &Fixture, name: &str) -> String {
    f.shop
        .roles(&f.owner)
        .unwrap()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap()
        .id
}

#[test]
fn first_run_creates_the_shop_roles_and_a_signed_in_owner() {
    let f = new_shop();
    let profile = f.shop.profile().unwrap().expect("shop exists after setup");
    assert_eq!(
        (
            profile.name.as_str(),
            profile.currency.as_str(),
            profile.country.as_str()
        ),
        ("Corner Books", "EUR", "IE")
    );
    let info = f.shop.session_info(&f.owner).unwrap();
    assert_eq!(info.role_name, "Owner");
    assert_eq!(
        info.permissions.len(),
        Permission::ALL.len(),
        "the owner may do everything"
    );
    let names: Vec<String> = f
        .shop
        .roles(&f.owner)
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["Owner", "Manager", "Clerk", "Packer"]);
    let again = f.shop.create_shop(NewShop {
        name: "Other".into(),
        currency: "USD".into(),
        country: "US".into(),
        owner_name: "X".into(),
        owner_pin: "1234".into(),
        ..NewShop::default()
    });
    assert_eq!(
        again.unwrap_err().code(),
        shopdesk_core::ErrorCode::ShopExists,
        "setup runs once"
    );
}

#[test]
fn first_run_takes_the_details_invoices_print() {
    let dir = tempfile::tempdir().unwrap();
    let shop = Shop::open(&dir.path().join("s.sqlite3"), Arc::new(FixedClock::at(0))).unwrap();
    let new = |email: &str, phone: &str, time_zone: &str| NewShop {
        name: "Corner Books".into(),
        currency: "EUR".into(),
        country: "IE".into(),
        owner_name: "Nora".into(),
        owner_pin: "2468".into(),
        legal_name: "Corner Books Ltd".into(),
        legal_address: "3 Shop Street\nGalway H91 A1B2".into(),
        tax_id: "IE7654321X".into(),
        email: email.into(),
        phone: phone.into(),
        time_zone: time_zone.into(),
    };
    for (email, phone, zone) in [
        ("not an address", "", ""),
        ("hello@corner.example", "call me", ""),
        ("hello@corner.example", "12", ""),
        ("hello@corner.example", "", "Europe/Galway"),
    ] {
        let err = shop.create_shop(new(email, phone, zone)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Invalid, "{err}");
    }
    assert!(shop.profile().unwrap().is_none(), "nothing was set up");

    // No zone given: the country's usual one. The window formats in the country's conventions.
    let (owner, _) = shop
        .create_shop(new("hello@corner.example", "+353 (91) 555-0142", ""))
        .unwrap();
    let profile = shop.profile().unwrap().unwrap();
    assert_eq!(
        (
            profile.time_zone.as_str(),
            profile.locale.as_str(),
            profile.phone.as_str()
        ),
        ("Europe/Dublin", "en-IE", "+353 (91) 555-0142")
    );
    let legal = shop.order_settings(&owner).unwrap().legal;
    assert_eq!(
        (
            legal.legal_name.as_str(),
            legal.legal_address.as_str(),
            legal.tax_id.as_str(),
            legal.shop_email.as_str()
        ),
        (
            "Corner Books Ltd",
            "3 Shop Street\nGalway H91 A1B2",
            "IE7654321X",
            "hello@corner.example"
        )
    );
    assert_eq!(legal.phone, "+353 (91) 555-0142");
}

#[test]
fn a_shop_keeps_the_time_zone_its_owner_picks() {
    let dir = tempfile::tempdir().unwrap();
    let shop = Shop::open(&dir.path().join("s.sqlite3"), Arc::new(FixedClock::at(0))).unwrap();
    shop.create_shop(NewShop {
        name: "Desert Goods".into(),
        currency: "USD".into(),
        country: "US".into(),
        owner_name: "Ana".into(),
        owner_pin: "1357".into(),
        time_zone: "America/Phoenix".into(),
        ..NewShop::default()
    })
    .unwrap();
    let profile = shop.profile().unwrap().unwrap();
    assert_eq!(
        (profile.time_zone.as_str(), profile.locale.as_str()),
        ("America/Phoenix", "en-US")
    );
    let zones = shopdesk_core::shop::time_zones();
    assert!(
        zones.iter().any(|z| z == "America/Phoenix") && zones.iter().any(|z| z == "Europe/Dublin")
    );
    // Every country's suggested zone is one the picker offers.
    for c in shopdesk_core::shop::countries() {
        assert!(zones.contains(&c.time_zone), "{}: {}", c.code, c.time_zone);
    }
}

#[test]
fn bad_setup_is_refused_and_leaves_first_run_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let shop = Shop::open(&dir.path().join("s.sqlite3"), Arc::new(FixedClock::at(0))).unwrap();
    for (currency, country, pin) in [
        ("EUR", "XX", "1234"),
        ("ZZZ", "IE", "1234"),
        ("EUR", "IE", "12"),
        ("EUR", "IE", "12ab"),
    ] {
        let err = shop
            .create_shop(NewShop {
                name: "S".into(),
                currency: currency.into(),
                country: country.into(),
                owner_name: "O".into(),
                owner_pin: pin.into(),
                ..NewShop::default()
            })
            .unwrap_err();
        assert_eq!(
            err.code(),
            shopdesk_core::ErrorCode::Invalid,
            "{currency}/{country}/{pin}: {err}"
        );
    }
    assert!(shop.profile().unwrap().is_none(), "still on first run");
    assert!(shop.staff_list().unwrap().is_empty());
}

#[test]
fn sign_in_checks_the_pin_and_locks_out_after_repeated_failures() {
    let f = new_shop();
    let owner_id = f.owner.staff_id().to_string();
    assert_eq!(
        f.shop.sign_in(&owner_id, "0000").unwrap_err().code(),
        shopdesk_core::ErrorCode::WrongPin
    );
    assert!(
        f.shop.sign_in(&owner_id, "2468").is_ok(),
        "the right PIN works and resets the count"
    );
    for _ in 0..MAX_FAILED_PINS {
        assert_eq!(
            f.shop.sign_in(&owner_id, "9999").unwrap_err().code(),
            shopdesk_core::ErrorCode::WrongPin
        );
    }
    let err = f.shop.sign_in(&owner_id, "2468").unwrap_err();
    assert_eq!(
        err.code(),
        shopdesk_core::ErrorCode::LockedOut,
        "even the right PIN waits out the lock: {err}"
    );
    f.clock.advance_ms(LOCKOUT_MS + 1);
    assert!(
        f.shop.sign_in(&owner_id, "2468").is_ok(),
        "the lock lifts after a minute"
    );
}

#[test]
fn every_action_checks_the_role_of_who_is_signed_in() {
    let f = new_shop();
    let clerk = staff(&f, "Cal", "Clerk", "1357");
    let err = f
        .shop
        .create_product(&clerk, draft("Atlas", "ATL-1", "20"))
        .unwrap_err();
    assert_eq!(
        err.code(),
        shopdesk_core::ErrorCode::Forbidden,
        "a clerk cannot edit the catalog"
    );
    assert!(
        f.shop.catalog(&clerk, &CatalogQuery::default()).is_ok(),
        "but can look it up"
    );
    assert_eq!(
        f.shop.roles(&clerk).unwrap_err().code(),
        shopdesk_core::ErrorCode::Forbidden
    );

    // Giving the clerk role catalog_edit applies at once, without signing in again.
    let clerk_role = role_id(&f, "Clerk");
    f.shop
        .update_role(
            &f.owner,
            RoleUpdate {
                id: clerk_role,
                name: "Clerk".into(),
                permissions: vec![Permission::CatalogView, Permission::CatalogEdit],
            },
        )
        .unwrap();
    assert!(f
        .shop
        .create_product(&clerk, draft("Atlas", "ATL-1", "20"))
        .is_ok());

    // Deactivating someone ends their session at the next action.
    let cal = f
        .shop
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Cal")
        .unwrap();
    f.shop
        .update_staff(
            &f.owner,
            StaffUpdate {
                id: cal.id,
                name: "Cal".into(),
                role_id: cal.role_id,
                active: false,
                new_pin: None,
            },
        )
        .unwrap();
    assert_eq!(
        f.shop
            .catalog(&clerk, &CatalogQuery::default())
            .unwrap_err()
            .code(),
        shopdesk_core::ErrorCode::NotSignedIn
    );
    let at_sign_in: Vec<String> = f
        .shop
        .staff_list()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        at_sign_in,
        ["Nora"],
        "a deactivated member is no longer offered at sign-in"
    );
    assert_eq!(
        f.shop.staff_all(&f.owner).unwrap().len(),
        2,
        "but staff settings still list them"
    );
}

#[test]
fn the_shop_can_never_lose_its_last_staff_manager() {
    let f = new_shop();
    let owner_role = role_id(&f, "Owner");
    let err = f
        .shop
        .update_role(
            &f.owner,
            RoleUpdate {
                id: owner_role,
                name: "Owner".into(),
                permissions: vec![Permission::Sell],
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), shopdesk_core::ErrorCode::Conflict);
    let me = f.shop.staff_list().unwrap().remove(0);
    let err = f
        .shop
        .update_staff(
            &f.owner,
            StaffUpdate {
                id: me.id,
                name: me.name,
                role_id: me.role_id,
                active: false,
                new_pin: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), shopdesk_core::ErrorCode::Conflict);
    assert!(
        f.shop
            .session_info(&f.owner)
            .unwrap()
            .permissions
            .contains(&Permission::StaffManage),
        "nothing changed"
    );
}

#[test]
fn products_are_created_edited_and_audited() {
    let f = new_shop();
    let p = f
        .shop
        .create_product(&f.owner, draft("  The Hobbit ", "HOB-001", "12.99"))
        .unwrap();
    assert_eq!(p.title, "The Hobbit", "titles are trimmed");
    assert_eq!(p.variants[0].price.minor(), 1299);
    assert_eq!(
        p.variants[0].price.currency().code(),
        "EUR",
        "priced in the shop's currency"
    );

    f.clock.advance_ms(5_000);
    let edited = f
        .shop
        .update_product(
            &f.owner,
            ProductEdit {
                id: p.id.clone(),
                product: {
                    let mut d = draft("The Hobbit (hardback)", "HOB-001", "24");
                    d.status = ProductStatus::Draft;
                    d.variants[0].id = Some(p.variants[0].id.clone());
                    d
                },
            },
        )
        .unwrap();
    assert_eq!(edited.variants[0].price.minor(), 2400);
    assert_eq!(
        edited.variants[0].id, p.variants[0].id,
        "the same variant, edited"
    );
    assert_eq!(edited.updated_at.0 - p.created_at.0, 5_000);

    let history = f.shop.product_history(&f.owner, &p.id).unwrap();
    assert_eq!(
        history
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["product_updated", "product_created"]
    );
    assert_eq!(
        history[0].detail["variant default"]["price"][0]["minor"],
        1299
    );
    assert_eq!(
        history[0].detail["variant default"]["price"][1]["minor"],
        2400
    );
    assert_eq!(history[0].staff_id.as_deref(), Some(f.owner.staff_id()));
    assert!(
        history[0].detail["variant default"].get("sku").is_none(),
        "unchanged fields are not recorded"
    );
}

#[test]
fn bad_product_input_is_refused_with_nothing_written() {
    let f = new_shop();
    f.shop
        .create_product(&f.owner, draft("Dune", "DUNE", "9.99"))
        .unwrap();
    let cases = [
        (draft("", "X1", "1"), ErrorCode::Invalid),
        (draft("Ok", "has space", "1"), ErrorCode::Invalid),
        (draft("Ok", "X2", "1.999"), ErrorCode::Invalid),
        (draft("Ok", "X3", "-1"), ErrorCode::Invalid),
        (draft("Ok", "X4", "ten"), ErrorCode::Invalid),
        (draft("Dune again", "dune", "5"), ErrorCode::Conflict),
    ];
    for (d, code) in cases {
        let label = format!("{:?}", d);
        let err = f.shop.create_product(&f.owner, d).unwrap_err();
        assert_eq!(err.code(), code, "{label}: {err}");
    }
    let err = f
        .shop
        .create_product(&f.owner, draft("Dune again", "DUNE", "5"))
        .unwrap_err();
    assert!(
        err.to_string().contains("'Dune'"),
        "the conflict names the product holding the SKU: {err}"
    );
    assert_eq!(
        f.shop
            .catalog(&f.owner, &CatalogQuery::default())
            .unwrap()
            .total,
        1
    );
}

#[test]
fn search_finds_by_title_words_and_sku_with_the_exact_sku_first() {
    let f = new_shop();
    for (t, s) in [
        ("Blue Mug", "MUG-1"),
        ("Red Mug", "MUG-10"),
        ("Blue Plate", "PLT-1"),
        ("100% Cotton Tee", "TEE_1"),
    ] {
        f.shop.create_product(&f.owner, draft(t, s, "5")).unwrap();
    }
    let find = |text: &str| -> Vec<String> {
        f.shop
            .catalog(
                &f.owner,
                &CatalogQuery {
                    text: Some(text.into()),
                    ..Default::default()
                },
            )
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.sku)
            .collect()
    };
    assert_eq!(find("blue mug"), ["MUG-1"], "every word must match");
    assert_eq!(
        find("mug-1"),
        ["MUG-1", "MUG-10"],
        "exact SKU first, prefix matches after"
    );
    assert_eq!(find("MUG-10"), ["MUG-10"]);
    assert_eq!(find("100%"), ["TEE_1"], "% is a character, not a wildcard");
    assert_eq!(find("tee_1"), ["TEE_1"]);
    assert_eq!(find("cott"), ["TEE_1"], "words match by their beginning");
    assert_eq!(
        find("\"mug"),
        ["MUG-1", "MUG-10"],
        "typed quotes are not query syntax"
    );
    assert!(find("nothing").is_empty());
    let page = f
        .shop
        .catalog(
            &f.owner,
            &CatalogQuery {
                limit: Some(2),
                offset: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (page.total, page.items.len()),
        (4, 2),
        "pages report the total"
    );
}

#[test]
fn the_demo_shop_is_realistic_and_loads_only_on_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let shop = Shop::open(
        &dir.path().join("demo.sqlite3"),
        Arc::new(FixedClock::at(0)),
    )
    .unwrap();
    let (owner, info, summary) = shop
        .load_demo(&DemoRequest {
            country: "GB".into(),
        })
        .unwrap();
    assert_eq!(info.role_name, "Owner");
    assert_eq!(shop.profile().unwrap().unwrap().currency, "GBP");
    assert_eq!(summary.products, 20);
    assert!(
        (300..=500).contains(&summary.variants),
        "a few hundred variants, got {}",
        summary.variants
    );
    assert_eq!(shop.staff_list().unwrap().len(), 4, "one of each role");
    let page = shop
        .catalog(
            &owner,
            &CatalogQuery {
                limit: Some(500),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(page.total, summary.variants);
    assert!(page
        .items
        .iter()
        .all(|p| p.price.minor() > 0 && p.price.currency().code() == "GBP"));
    assert!(
        page.items.iter().all(|v| v.barcode.len() == 13),
        "every demo item scans"
    );
    assert!(
        page.items.iter().any(|p| p.status == ProductStatus::Draft),
        "some drafts, like a real shop"
    );
    assert_eq!(
        shop.load_demo(&DemoRequest {
            country: "GB".into()
        })
        .unwrap_err()
        .code(),
        shopdesk_core::ErrorCode::ShopExists
    );
    assert_eq!(
        shop.catalog(&owner, &CatalogQuery::default())
            .unwrap()
            .total,
        summary.variants,
        "nothing doubled"
    );
}

#[test]
fn the_demo_shop_has_ninety_days_of_trade_that_tie_out() {
    use shopdesk_core::report::{ReportName, ReportQuery};
    let dir = tempfile::tempdir().unwrap();
    // 2026-11-30 14:00 UTC, a Monday afternoon in Galway.
    let now = shopdesk_core::Timestamp::parse_rfc3339("2026-11-30T14:00:00Z").unwrap();
    let shop = Shop::open(
        &dir.path().join("demo.sqlite3"),
        Arc::new(FixedClock::at(now.0)),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let (owner, info, _) = shop
        .load_demo(&DemoRequest {
            country: "IE".into(),
        })
        .unwrap();
    eprintln!("demo with history loaded in {:?}", started.elapsed());
    assert_eq!(info.home, shopdesk_core::shop::staff::HomeScreen::Home);
    let q = ReportQuery {
        from: "2026-09-01".into(),
        to: "2026-11-30".into(),
        ..ReportQuery::default()
    };
    let summary = shop.report(&owner, ReportName::Summary, &q).unwrap();
    for t in &summary.tie_outs {
        assert!(
            t.holds(),
            "{}: {} ≠ {}",
            t.what,
            t.expected_minor,
            t.actual_minor
        );
    }
    let kpi = |k: &str| summary.kpis.iter().find(|x| x.key == k).unwrap().value;
    assert!(
        kpi("orders") > 1000,
        "a quarter of trade: {}",
        kpi("orders")
    );
    assert!(kpi("returns") > 0 && kpi("discounts") > 0 && kpi("shipping") > 0);
    let channels = shop.report(&owner, ReportName::Channels, &q).unwrap();
    assert!(
        channels.rows.len() >= 4,
        "counter, phone and two marketplaces"
    );
    let days = shop.report(&owner, ReportName::OverTime, &q).unwrap();
    let quiet = days.points.iter().filter(|p| p.value <= 0).count();
    assert!(quiet <= 2, "every day traded, {quiet} did not");
    // Every state an owner meets in the inbox.
    let home = shop.home(&owner).unwrap();
    assert!(home.today.orders > 0, "today has sales by 14:00");
    assert!(home.last_week.net_minor > 0);
    let change =
        (home.today.net_minor - home.last_week.net_minor) * 10_000 / home.last_week.net_minor;
    assert!(
        home.change_bp.is_some_and(|c| (c - change).abs() <= 1),
        "{:?} against {change}",
        home.change_bp
    );
    assert!(home.to_pack > 0 && home.on_hold > 0);
    assert!(home.last_z.is_some());
    assert!(
        shop.current_shift(&owner).unwrap().is_none(),
        "the morning's shift is closed: the newcomer opens their own"
    );
    assert!(
        home.unsent_mail < 30,
        "yesterday's mail went out: {}",
        home.unsent_mail
    );
    let payments = shop.report(&owner, ReportName::Payments, &q).unwrap();
    assert!(
        payments.rows.len() >= 3,
        "card, cash and marketplace payments"
    );
    let returns = shop.report(&owner, ReportName::Returns, &q).unwrap();
    assert!(returns
        .rows
        .iter()
        .any(|r| r.cells[2] == shopdesk_core::report::Cell::Text("counter".into())));
    assert!(returns
        .rows
        .iter()
        .any(|r| r.cells[2] == shopdesk_core::report::Cell::Text("shopify".into())));
    let margin = shop.report(&owner, ReportName::Products, &q).unwrap();
    assert!(margin.rows.len() > 100);
}

#[test]
fn the_owner_adds_a_role_and_staff_in_it_and_only_staff_managers_see_everyone() {
    let f = new_shop();
    let role = f
        .shop
        .create_role(
            &f.owner,
            shopdesk_core::shop::staff::NewRole {
                name: "Weekend help".into(),
                permissions: vec![Permission::Sell, Permission::CatalogView, Permission::Sell],
            },
        )
        .unwrap();
    assert_eq!(
        role.permissions,
        [Permission::CatalogView, Permission::Sell],
        "stored once each, in order"
    );
    let helper = staff(&f, "Wes", "Weekend help", "8642");
    assert_eq!(
        f.shop.session_info(&helper).unwrap().role_name,
        "Weekend help"
    );
    assert_eq!(
        f.shop.staff_all(&helper).unwrap_err().code(),
        shopdesk_core::ErrorCode::Forbidden
    );
    let dup = f.shop.create_role(
        &f.owner,
        shopdesk_core::shop::staff::NewRole {
            name: "weekend HELP".into(),
            permissions: vec![],
        },
    );
    assert_eq!(
        dup.unwrap_err().code(),
        shopdesk_core::ErrorCode::Conflict,
        "role names are unique, case aside"
    );
    assert_eq!(f.shop.staff_all(&f.owner).unwrap().len(), 2);
}
