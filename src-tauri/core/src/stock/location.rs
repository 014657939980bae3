//! The shop's locations: listing the ones in use, adding, renaming, putting in order and taking
//! one out of use (never while stock is on its shelves or the counter's open shift sells there).

use super::Location;
use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::shop::staff::{authorize, clean_name, Permission, Session};
use crate::sql::args;
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

/// A location as Settings → Locations lists it: inactive ones too, with what is on its shelves.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LocationRow {
    pub id: String,
    pub name: String,
    pub position: u32,
    pub active: bool,
    /// Units on hand there (a location with stock cannot be deactivated).
    #[ts(type = "number")]
    pub on_hand: i64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LocationEdit {
    pub id: String,
    pub name: String,
    pub active: bool,
}

impl Shop {
    pub fn locations(&self, session: &Session) -> Result<Vec<Location>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            c.query_map(
                "SELECT id, name, position FROM location WHERE active = 1 ORDER BY position",
                &[],
                |r| {
                    Ok(Location {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        position: r.get(2)?,
                    })
                },
            )
        })
    }

    pub fn create_location(&self, session: &Session, name: &str) -> Result<Location> {
        let name = clean_name(name, "a location")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let id = new_id();
            let position: u32 = tx.query_row(
                "SELECT coalesce(max(position), 0) + 1 FROM location",
                &[],
                |r| r.get(0),
            )?;
            let now = self.clock.now();
            tx.execute_unique(
                "INSERT INTO location (id, name, position, created_at) VALUES (?1, ?2, ?3, ?4)",
                args![id, name, position, now.0],
                || format!("a location named '{name}' already exists"),
            )?;
            audit::record(
                tx,
                Change::by(
                    now,
                    session.staff_id(),
                    "location_created",
                    ("location", &id),
                    json!({ "name": name }),
                ),
            )?;
            Ok(Location {
                id,
                name: name.clone(),
                position,
            })
        })
    }

    /// Every location, inactive ones too, in the shop's order, with units on hand.
    pub fn all_locations(&self, session: &Session) -> Result<Vec<LocationRow>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::SettingsManage)?;
            c.query_map(
                "SELECT l.id, l.name, l.position, l.active,
                        coalesce((SELECT sum(on_hand) FROM stock_level s WHERE s.location_id = l.id), 0)
                 FROM location l ORDER BY l.active DESC, l.position",
                &[],
                |r| {
                    Ok(LocationRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        position: r.get(2)?,
                        active: r.get(3)?,
                        on_hand: r.get(4)?,
                    })
                },
            )
        })
    }

    /// Renames a location, or takes it out of use (or back). A location with stock on its
    /// shelves, the counter's open shift, or the last one in use stays: the screen says why.
    pub fn update_location(&self, session: &Session, e: &LocationEdit) -> Result<LocationRow> {
        let name = clean_name(&e.name, "a location")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let (old_name, was_active): (String, bool) = tx
                .query_opt(
                    "SELECT name, active FROM location WHERE id = ?1",
                    args![e.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .ok_or(Error::NotFound { what: "location" })?;
            if was_active && !e.active {
                let on_hand: i64 = tx.query_row(
                    "SELECT coalesce(sum(on_hand), 0) FROM stock_level WHERE location_id = ?1",
                    args![e.id],
                    |r| r.get(0),
                )?;
                if on_hand != 0 {
                    return Err(Error::Conflict(format!(
                        "{old_name} still holds {on_hand} unit{}: transfer {} first (Stock → Transfers)",
                        if on_hand == 1 { "" } else { "s" },
                        if on_hand == 1 { "it" } else { "them" }
                    )));
                }
                let shift: bool = tx.query_row(
                    "SELECT count(*) > 0 FROM shift WHERE status = 'open' AND location_id = ?1",
                    args![e.id],
                    |r| r.get(0),
                )?;
                if shift {
                    return Err(Error::Conflict(format!(
                        "the counter's open shift sells from {old_name}: close it first"
                    )));
                }
                let others: i64 = tx.query_row(
                    "SELECT count(*) FROM location WHERE active = 1 AND id <> ?1",
                    args![e.id],
                    |r| r.get(0),
                )?;
                if others == 0 {
                    return Err(Error::Conflict("the shop needs at least one location in use".into()));
                }
            }
            tx.execute_unique(
                "UPDATE location SET name = ?2, active = ?3 WHERE id = ?1",
                args![e.id, name, e.active],
                || format!("a location named '{name}' already exists"),
            )?;
            audit::record(
                tx,
                Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "location_updated",
                    ("location", &e.id),
                    Value::Object(audit::diff(
                        &json!({ "name": old_name, "active": was_active }),
                        &json!({ "name": name, "active": e.active }),
                        &[],
                    )),
                ),
            )?;
            Ok(())
        })?;
        self.all_locations(session)?
            .into_iter()
            .find(|l| l.id == e.id)
            .ok_or(Error::NotFound { what: "location" })
    }

    /// Puts the locations in this order (lists, pickers; the first in use is where imports and
    /// opening stock go). Ids not given keep their place after the ones given.
    pub fn order_locations(&self, session: &Session, ids: &[String]) -> Result<Vec<LocationRow>> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            for id in ids {
                tx.query_opt(
                    "SELECT 1 FROM location WHERE id = ?1",
                    args![id],
                    |_| Ok(()),
                )?
                .ok_or(Error::NotFound { what: "location" })?;
            }
            let rest: Vec<String> = tx
                .query_map("SELECT id FROM location ORDER BY position", &[], |r| {
                    r.get(0)
                })?
                .into_iter()
                .filter(|id| !ids.contains(id))
                .collect();
            for (i, id) in ids.iter().chain(&rest).enumerate() {
                tx.execute(
                    "UPDATE location SET position = ?2 WHERE id = ?1",
                    args![id, i as i64 + 1],
                )?;
            }
            audit::record(
                tx,
                Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "locations_ordered",
                    ("location", ""),
                    json!({ "order": ids }),
                ),
            )
        })?;
        self.all_locations(session)
    }
}
