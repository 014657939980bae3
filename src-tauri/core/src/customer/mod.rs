//! Customers: who a sale, an order or a return is for, found and created at the counter; the
//! list (`list.rs`); editing and merging (`edit.rs`); and each customer's whole record across the
//! counter and orders with the GDPR requests (`record.rs`); the service desk's tickets
//! (`ticket.rs`), answering them (`reply.rs`) and the shop's mailbox they come from
//! (`mailbox.rs`).
//! Their store credit is a ledger the counter writes (`sale::store_credit`).

pub mod edit;
pub mod list;
pub mod mailbox;
pub mod record;
pub mod reply;
pub mod ticket;

use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::Money;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::Shop;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub store_credit: Money,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct CustomerDraft {
    pub name: String,
    pub email: String,
    pub phone: String,
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

impl Shop {
    pub fn create_customer(&self, session: &Session, draft: &CustomerDraft) -> Result<Customer> {
        let name = draft.name.trim();
        if name.is_empty() {
            return Err(Error::invalid("a customer needs a name"));
        }
        let email = optional(&draft.email);
        if email
            .as_deref()
            .is_some_and(|e| !e.contains('@') || e.contains(' '))
        {
            return Err(Error::invalid(format!(
                "'{}' is not an e-mail address",
                draft.email.trim()
            )));
        }
        let id = new_id();
        // On a till, the new customer is made in its own file and reaches the server with the
        // first sale that names them (the counter never waits on the network).
        self.db.own_write(|tx| {
            authorize(tx, session, Permission::Sell)?;
            let now = self.clock.now().0;
            tx.execute(
                "INSERT INTO customer (id, name, email, phone, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![id, name, email, optional(&draft.phone), now],
            )?;
            Ok(())
        })?;
        self.customers(session, &id).map(|mut c| c.remove(0))
    }

    /// Customers whose name, e-mail or phone contains `text` (or whose id is `text`), by name.
    pub fn customers(&self, session: &Session, text: &str) -> Result<Vec<Customer>> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            let cur = shop_currency(c)?;
            let like = format!("%{}%", text.trim().replace('%', "\\%").replace('_', "\\_"));
            let mut st = c.prepare_cached(
                "SELECT id, name, email, phone FROM customer
                 WHERE merged_into IS NULL
                   AND (id = ?1 OR name LIKE ?2 ESCAPE '\\' OR email LIKE ?2 ESCAPE '\\'
                        OR phone LIKE ?2 ESCAPE '\\')
                 ORDER BY name COLLATE NOCASE LIMIT 20",
            )?;
            let rows: Vec<(String, String, Option<String>, Option<String>)> = st
                .query_map(params![text.trim(), like], |r| r.try_into())?
                .collect::<rusqlite::Result<_>>()?;
            rows.into_iter()
                .map(|(id, name, email, phone)| {
                    Ok(Customer {
                        store_credit: Money::from_minor(crate::sale::store_credit(c, &id)?, cur),
                        id,
                        name,
                        email,
                        phone,
                    })
                })
                .collect()
        })
    }
}
