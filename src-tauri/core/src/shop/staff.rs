//! Staff, roles and permissions: who may do what, PIN sign-in with lock-out, and the permission
//! check every action passes through (hiding a button is not security).
//!
//! Invariants: a PIN is stored only as an argon2id hash; at least one active staff member can
//! always manage staff, so a shop can never lock itself out.

use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::sql::{args, Conn};
use crate::Shop;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;
use ts_rs::TS;

/// Wrong PINs in a row before a staff member is locked out for `LOCKOUT_MS`.
pub const MAX_FAILED_PINS: i64 = 5;
pub const LOCKOUT_MS: i64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    CatalogView,
    CatalogEdit,
    StockManage,
    Sell,
    /// Approve a price override or a discount above the shop's limit (by PIN at the counter).
    ApproveDiscount,
    /// Void a line or a whole sale.
    Void,
    OrdersView,
    /// Create, edit, hold, release, cancel and refund orders; issue invoices.
    OrdersManage,
    Pack,
    /// Let a shipment leave the bench without every unit scanned (with a reason).
    PackOverride,
    ReportsView,
    StaffManage,
    SettingsManage,
    /// Export everything held about a customer (a GDPR access request).
    CustomersExport,
    /// Erase a customer (a GDPR erasure request); the books stay whole.
    CustomersErase,
}

impl Permission {
    pub const ALL: [Permission; 15] = [
        Permission::CatalogView,
        Permission::CatalogEdit,
        Permission::StockManage,
        Permission::Sell,
        Permission::ApproveDiscount,
        Permission::Void,
        Permission::OrdersView,
        Permission::OrdersManage,
        Permission::Pack,
        Permission::PackOverride,
        Permission::ReportsView,
        Permission::StaffManage,
        Permission::SettingsManage,
        Permission::CustomersExport,
        Permission::CustomersErase,
    ];
    fn code(self) -> String {
        crate::store::word(self)
    }
}

/// The roles a new shop starts with; the owner can edit them and add more.
pub(crate) fn default_roles() -> Vec<(&'static str, Vec<Permission>)> {
    use Permission::*;
    vec![
        ("Owner", Permission::ALL.to_vec()),
        (
            "Manager",
            vec![
                CatalogView,
                CatalogEdit,
                StockManage,
                Sell,
                ApproveDiscount,
                Void,
                OrdersView,
                OrdersManage,
                Pack,
                PackOverride,
                ReportsView,
            ],
        ),
        ("Clerk", vec![CatalogView, Sell, OrdersView, OrdersManage]),
        ("Packer", vec![CatalogView, OrdersView, Pack]),
    ]
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewRole {
    pub name: String,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RoleUpdate {
    pub id: String,
    pub name: String,
    pub permissions: Vec<Permission>,
}

/// A staff member as screens see them: never the PIN hash.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role_id: String,
    pub role_name: String,
    pub active: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewStaff {
    pub name: String,
    pub role_id: String,
    pub pin: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct StaffUpdate {
    pub id: String,
    pub name: String,
    pub role_id: String,
    pub active: bool,
    /// A new PIN, or None to keep the current one.
    pub new_pin: Option<String>,
}

/// Proof that someone signed in. Only core makes one, so the shell cannot forge it; what it may
/// do is looked up afresh on every action, so a role change or deactivation applies at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    staff_id: String,
}

impl Session {
    pub fn staff_id(&self) -> &str {
        &self.staff_id
    }
    pub(crate) fn for_staff(staff_id: String) -> Session {
        Session { staff_id }
    }
}

/// Who is signed in and what they may do, for the screens to show the right things.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SessionInfo {
    pub staff_id: String,
    pub name: String,
    pub role_name: String,
    pub permissions: Vec<Permission>,
    /// The screen they start on.
    pub home: HomeScreen,
}

/// The screen a person lands on after signing in: the one their role works in, so a clerk starts
/// at the counter and a packer at the bench instead of everyone in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HomeScreen {
    /// The owner's home: today's sales and what needs a hand.
    Home,
    Orders,
    Sell,
    Pack,
    Catalog,
}

impl HomeScreen {
    /// Whoever reads the reports (owner, manager) starts on the home screen; whoever runs staff
    /// or settings without them, in the orders inbox; else the counter for those who sell, the
    /// bench for those who pack, the inbox for those who only follow orders, and the catalog for
    /// the rest.
    pub fn of(permissions: &[Permission]) -> HomeScreen {
        let may = |p: Permission| permissions.contains(&p);
        if may(Permission::ReportsView) {
            HomeScreen::Home
        } else if may(Permission::StaffManage) || may(Permission::SettingsManage) {
            HomeScreen::Orders
        } else if may(Permission::Sell) {
            HomeScreen::Sell
        } else if may(Permission::Pack) {
            HomeScreen::Pack
        } else if may(Permission::OrdersView) {
            HomeScreen::Orders
        } else {
            HomeScreen::Catalog
        }
    }
}

pub(crate) fn hash_pin(pin: &str) -> Result<String> {
    check_pin_shape(pin)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Storage(format!("could not hash PIN: {e}")))
}

fn check_pin_shape(pin: &str) -> Result<()> {
    if !(4..=8).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("a PIN is 4 to 8 digits"));
    }
    Ok(())
}

fn pin_matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

pub(crate) fn clean_name(name: &str, what: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid(format!("{what} cannot be empty")));
    }
    if n.chars().count() > 80 {
        return Err(Error::invalid(format!(
            "{what} is longer than 80 characters"
        )));
    }
    Ok(n.to_string())
}

fn parse_permissions(json_text: &str) -> Vec<Permission> {
    serde_json::from_str(json_text).unwrap_or_default()
}

fn permissions_json(perms: &[Permission]) -> String {
    let set: BTreeSet<Permission> = perms.iter().copied().collect();
    serde_json::to_string(&set).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn insert_role<'c>(
    conn: impl Into<Conn<'c>>,
    at: i64,
    name: &str,
    perms: &[Permission],
) -> Result<String> {
    let id = new_id();
    conn.into().execute_unique(
        "INSERT INTO role (id, name, permissions, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        args![id, name, permissions_json(perms), at],
        || format!("a role named '{name}' already exists"),
    )?;
    Ok(id)
}

pub(crate) fn insert_staff<'c>(
    conn: impl Into<Conn<'c>>,
    at: i64,
    name: &str,
    role_id: &str,
    pin_hash: &str,
) -> Result<String> {
    let id = new_id();
    conn.into().execute_unique(
        "INSERT INTO staff (id, name, role_id, pin_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        args![id, name, role_id, pin_hash, at],
        || format!("a staff member named '{name}' already exists"),
    )?;
    Ok(id)
}

fn role_exists(conn: Conn, role_id: &str) -> Result<()> {
    conn.query_opt("SELECT 1 FROM role WHERE id = ?1", args![role_id], |_| {
        Ok(())
    })?
    .ok_or(Error::NotFound { what: "role" })
}

/// The permission check. Every action that needs one calls this inside its own transaction.
pub(crate) fn authorize<'c>(
    conn: impl Into<Conn<'c>>,
    session: &Session,
    need: Permission,
) -> Result<()> {
    let info = session_info(conn, session)?;
    if info.permissions.contains(&need) {
        Ok(())
    } else {
        Err(Error::Forbidden(need.code()))
    }
}

pub(crate) fn session_info<'c>(
    conn: impl Into<Conn<'c>>,
    session: &Session,
) -> Result<SessionInfo> {
    let row = conn.into().query_opt(
        "SELECT s.name, s.active, r.name, r.permissions FROM staff s JOIN role r ON r.id = s.role_id
         WHERE s.id = ?1",
        args![session.staff_id],
        |r| Ok((r.get::<String>(0)?, r.get::<bool>(1)?, r.get::<String>(2)?, r.get::<String>(3)?)),
    )?;
    match row {
        Some((name, true, role_name, perms)) => {
            let permissions = parse_permissions(&perms);
            Ok(SessionInfo {
                staff_id: session.staff_id.clone(),
                name,
                role_name,
                home: HomeScreen::of(&permissions),
                permissions,
            })
        }
        _ => Err(Error::NotSignedIn),
    }
}

/// Refuses a change that would leave no active staff member able to manage staff.
fn keep_a_staff_manager(conn: Conn) -> Result<()> {
    let any = conn
        .query_map(
            "SELECT r.permissions FROM staff s JOIN role r ON r.id = s.role_id WHERE s.active = 1",
            args![],
            |r| r.get::<String>(0),
        )?
        .iter()
        .any(|p| parse_permissions(p).contains(&Permission::StaffManage));
    if any {
        Ok(())
    } else {
        Err(Error::Conflict(
            "someone active must still be able to manage staff".into(),
        ))
    }
}

pub(crate) fn list_staff<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<StaffMember>> {
    let c = conn.into();
    c.query_map(
        &format!(
            "SELECT s.id, s.name, s.role_id, r.name, s.active FROM staff s JOIN role r ON r.id = s.role_id
             ORDER BY {}",
            c.nocase("s.name")
        ),
        &[],
        |r| {
            Ok(StaffMember {
                id: r.get(0)?,
                name: r.get(1)?,
                role_id: r.get(2)?,
                role_name: r.get(3)?,
                active: r.get(4)?,
            })
        },
    )
}

impl Shop {
    /// Everyone who can sign in at this station (active members' names and roles only), for the
    /// sign-in screen; deactivated staff are left out here, not by each screen.
    pub fn staff_list(&self) -> Result<Vec<StaffMember>> {
        let all = self.db.shared_read(|c| list_staff(c))?;
        Ok(all.into_iter().filter(|s| s.active).collect())
    }

    /// Signs a staff member in by PIN. After `MAX_FAILED_PINS` wrong PINs in a row the member is
    /// locked out for a minute, so a PIN cannot be guessed at the counter. A till whose server
    /// is away signs in against its own copy of the staff, and counts failures there.
    pub fn sign_in(&self, staff_id: &str, pin: &str) -> Result<(Session, SessionInfo)> {
        let now = self.clock.now().0;
        let (hash, locked_until, active): (String, Option<i64>, bool) =
            self.db.shared_read(|c| {
                c.query_opt(
                    "SELECT pin_hash, locked_until, active FROM staff WHERE id = ?1",
                    args![staff_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?
                .ok_or(Error::NotFound {
                    what: "staff member",
                })
            })?;
        if !active {
            return Err(Error::Forbidden("this staff member is deactivated".into()));
        }
        if let Some(until) = locked_until.filter(|&u| u > now) {
            return Err(Error::LockedOut {
                seconds: (until - now + 999) / 1000,
            });
        }
        // The slow hash check runs outside the write lock so a sign-in never stalls a sale.
        let ok = pin_matches(pin, &hash);
        let session = Session::for_staff(staff_id.to_string());
        self.db.shared_or_own_write(|tx| {
            if ok {
                tx.execute("UPDATE staff SET failed_pins = 0, locked_until = NULL WHERE id = ?1", args![staff_id])?;
                audit::record(tx, Change::by(self.clock.now(), staff_id, "signed_in", ("staff", staff_id), json!({})))?;
                return session_info(tx, &session).map(|info| Some((session.clone(), info)));
            }
            let failed: i64 = tx.query_row(
                "UPDATE staff SET failed_pins = failed_pins + 1 WHERE id = ?1 RETURNING failed_pins",
                args![staff_id],
                |r| r.get(0),
            )?;
            if failed >= MAX_FAILED_PINS {
                tx.execute(
                    "UPDATE staff SET failed_pins = 0, locked_until = ?2 WHERE id = ?1",
                    args![staff_id, now + LOCKOUT_MS],
                )?;
                audit::record(tx, Change { at: self.clock.now(), staff_id: None, action: "locked_out", entity: "staff", entity_id: Some(staff_id), detail: json!({ "failed_pins": failed }) })?;
            }
            // Ok(None), not Err: the failed-PIN count must commit.
            Ok(None)
        })?
        .ok_or(Error::WrongPin)
    }

    pub fn session_info(&self, session: &Session) -> Result<SessionInfo> {
        self.db.shared_read(|c| session_info(c, session))
    }

    /// Refuses unless the person's role has `need`: for actions carried out outside core (the
    /// keychain, the SMTP send) that still answer to the shop's permissions.
    pub fn require(&self, session: &Session, need: Permission) -> Result<()> {
        self.db.shared_read(|c| authorize(c, session, need))
    }

    pub fn roles(&self, session: &Session) -> Result<Vec<Role>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::StaffManage)?;
            c.query_map(
                "SELECT id, name, permissions FROM role ORDER BY created_at, id",
                args![],
                |r| {
                    Ok(Role {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        permissions: parse_permissions(r.text(2)?),
                    })
                },
            )
        })
    }

    /// Everyone on the staff, deactivated members included, for the staff settings.
    pub fn staff_all(&self, session: &Session) -> Result<Vec<StaffMember>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::StaffManage)?;
            list_staff(c)
        })
    }

    pub fn create_role(&self, session: &Session, new: NewRole) -> Result<Role> {
        let name = clean_name(&new.name, "role name")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StaffManage)?;
            let now = self.clock.now();
            let id = insert_role(tx, now.0, &name, &new.permissions)?;
            audit::record(
                tx,
                Change::by(
                    now,
                    session.staff_id(),
                    "role_created",
                    ("role", &id),
                    json!({ "name": name, "permissions": new.permissions }),
                ),
            )?;
            let permissions = parse_permissions(&permissions_json(&new.permissions));
            Ok(Role {
                id,
                name: name.clone(),
                permissions,
            })
        })
    }

    pub fn update_role(&self, session: &Session, update: RoleUpdate) -> Result<Role> {
        let name = clean_name(&update.name, "role name")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StaffManage)?;
            let n = tx.execute_unique(
                "UPDATE role SET name = ?2, permissions = ?3, updated_at = ?4 WHERE id = ?1",
                args![
                    update.id,
                    name,
                    permissions_json(&update.permissions),
                    self.clock.now().0
                ],
                || format!("a role named '{name}' already exists"),
            )?;
            if n == 0 {
                return Err(Error::NotFound { what: "role" });
            }
            keep_a_staff_manager(tx)?;
            audit::record(
                tx,
                Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "role_updated",
                    ("role", &update.id),
                    json!({ "name": name, "permissions": update.permissions }),
                ),
            )?;
            let perms = parse_permissions(&permissions_json(&update.permissions));
            Ok(Role {
                id: update.id.clone(),
                name: name.clone(),
                permissions: perms,
            })
        })
    }

    pub fn create_staff(&self, session: &Session, new: NewStaff) -> Result<StaffMember> {
        let name = clean_name(&new.name, "staff name")?;
        let hash = hash_pin(&new.pin)?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StaffManage)?;
            role_exists(tx, &new.role_id)?;
            let id = insert_staff(tx, self.clock.now().0, &name, &new.role_id, &hash)?;
            audit::record(
                tx,
                Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "staff_created",
                    ("staff", &id),
                    json!({ "name": name, "role_id": new.role_id }),
                ),
            )?;
            list_staff(tx)?
                .into_iter()
                .find(|s| s.id == id)
                .ok_or(Error::NotFound {
                    what: "staff member",
                })
        })
    }

    pub fn update_staff(&self, session: &Session, update: StaffUpdate) -> Result<StaffMember> {
        let name = clean_name(&update.name, "staff name")?;
        let new_hash = update.new_pin.as_deref().map(hash_pin).transpose()?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StaffManage)?;
            role_exists(tx, &update.role_id)?;
            let n = tx.execute_unique(
                "UPDATE staff SET name = ?2, role_id = ?3, active = ?4, pin_hash = coalesce(?5, pin_hash),
                 updated_at = ?6 WHERE id = ?1",
                args![update.id, name, update.role_id, update.active, new_hash, self.clock.now().0],
                || format!("a staff member named '{name}' already exists"),
            )?;
            if n == 0 {
                return Err(Error::NotFound { what: "staff member" });
            }
            keep_a_staff_manager(tx)?;
            audit::record(tx, Change::by(self.clock.now(), session.staff_id(), "staff_updated", ("staff", &update.id), json!({ "name": name, "role_id": update.role_id, "active": update.active, "pin_changed": new_hash.is_some() })))?;
            list_staff(tx)?.into_iter().find(|s| s.id == update.id).ok_or(Error::NotFound { what: "staff member" })
        })
    }
}

/// A manager's PIN typed at the counter or the packing bench for an action the signed-in role
/// does not allow.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct Approval {
    pub staff_id: String,
    pub pin: String,
}

/// Someone who typed their PIN to approve, and what their role allows.
pub(crate) struct Approver {
    pub(crate) id: String,
    pub(crate) permissions: Vec<Permission>,
}

impl Shop {
    /// Checks an approval's PIN (the slow hash, so before any write lock, as at sign-in).
    pub(crate) fn approver(&self, approval: Option<&Approval>) -> Result<Option<Approver>> {
        approval
            .map(|a| {
                self.sign_in(&a.staff_id, &a.pin).map(|(_, info)| Approver {
                    id: a.staff_id.clone(),
                    permissions: info.permissions,
                })
            })
            .transpose()
    }
}

/// The staff member who answers for an action needing `need`: the signed-in person if their
/// role allows it, else the manager who approved; otherwise the screen must ask for a PIN.
pub(crate) fn answerable<'c>(
    conn: impl Into<Conn<'c>>,
    session: &Session,
    approver: Option<&Approver>,
    need: Permission,
    what: &str,
) -> Result<String> {
    if session_info(conn, session)?.permissions.contains(&need) {
        return Ok(session.staff_id().to_string());
    }
    match approver {
        Some(a) if a.permissions.contains(&need) => Ok(a.id.clone()),
        Some(_) => Err(Error::Forbidden(format!(
            "the approving PIN's role cannot approve {what}"
        ))),
        None => Err(Error::NeedsApproval(what.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_default_role_lands_on_the_screen_it_works_in() {
        let home = |name: &str| {
            let (_, perms) = default_roles()
                .into_iter()
                .find(|(n, _)| *n == name)
                .unwrap();
            HomeScreen::of(&perms)
        };
        assert_eq!(home("Owner"), HomeScreen::Home);
        assert_eq!(home("Manager"), HomeScreen::Home);
        assert_eq!(
            HomeScreen::of(&[Permission::StaffManage, Permission::OrdersView]),
            HomeScreen::Orders
        );
        assert_eq!(home("Clerk"), HomeScreen::Sell);
        assert_eq!(home("Packer"), HomeScreen::Pack);
        assert_eq!(
            HomeScreen::of(&[Permission::OrdersView]),
            HomeScreen::Orders
        );
        assert_eq!(
            HomeScreen::of(&[Permission::CatalogView]),
            HomeScreen::Catalog
        );
    }
}
