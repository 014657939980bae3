//! One customer's whole record: profile with address and notes, order and counter history,
//! lifetime value, messages; and the GDPR requests — export everything as JSON, and erase
//! (anonymise) the person while the books stay whole: amounts, numbers and stock moves remain,
//! and issued invoices are kept as issued because tax law requires keeping them.

use crate::clock::Timestamp;
use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::order::outbox::{self, Message};
use crate::order::Address;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Cell, Conn, Engine};
use crate::Shop;
use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CustomerHistoryRow {
    /// "order" or "sale".
    pub kind: String,
    pub id: String,
    pub name: String,
    pub at: Timestamp,
    pub total: Money,
    pub status: String,
}

/// Marketing consent: given or not, and when and where it was last given or withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Consent {
    pub given: bool,
    pub at: Option<Timestamp>,
    pub source: String,
}

/// A move on the customer's store credit: issued by a return, spent at the counter.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CreditMove {
    pub at: Timestamp,
    pub amount: Money,
    /// The receipt it came from or went to ("R00000042"), if any.
    pub receipt: Option<String>,
}

/// A damaged, missing or wrong-item claim on one of the customer's orders.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CustomerClaim {
    pub id: String,
    pub order_id: String,
    pub order_name: String,
    pub kind: String,
    pub status: String,
    pub resolution: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CustomerProfile {
    pub customer: Customer,
    pub emails: Vec<super::edit::Contact>,
    pub phones: Vec<super::edit::Contact>,
    pub address: Address,
    pub tags: Vec<String>,
    pub consent: Consent,
    pub note: String,
    pub erased: bool,
    /// The customer this one was merged into, if it was.
    pub merged_into: Option<String>,
    pub history: Vec<CustomerHistoryRow>,
    /// Orders not cancelled plus counter sales, less refunds.
    pub lifetime_value: Money,
    /// Orders not cancelled plus completed counter sales.
    #[ts(type = "number")]
    pub orders: i64,
    /// Lifetime value over `orders` (zero with none).
    pub average_order: Money,
    pub first_purchase: Option<Timestamp>,
    pub last_purchase: Option<Timestamp>,
    pub credit_moves: Vec<CreditMove>,
    pub claims: Vec<CustomerClaim>,
    pub messages: Vec<Message>,
    pub created_at: Timestamp,
}

fn history(conn: Conn, id: &str) -> Result<Vec<CustomerHistoryRow>> {
    let cur = shop_currency(conn)?;
    conn.query_map(
        "SELECT 'order', id, number, '', created_at, total_minor, status FROM customer_order
         WHERE customer_id = ?1
         UNION ALL
         SELECT 'sale', id, number, station, completed_at, total_minor, status FROM sale
         WHERE customer_id = ?1 AND status = 'completed'
         ORDER BY 5 DESC, 3 DESC, 1",
        args![id],
        |r| {
            let kind: String = r.get(0)?;
            let number: i64 = r.get(2)?;
            Ok(CustomerHistoryRow {
                name: if kind == "sale" {
                    crate::sale::receipt_code(&r.get::<String>(3)?, number)
                } else {
                    crate::order::order_name(number)
                },
                kind,
                id: r.get(1)?,
                at: Timestamp(r.get(4)?),
                total: Money::from_minor(r.get(5)?, cur),
                status: r.get(6)?,
            })
        },
    )
}

fn lifetime_value(conn: Conn, id: &str) -> Result<i64> {
    conn.query_row(
        "SELECT (SELECT coalesce(sum(total_minor), 0) FROM customer_order WHERE customer_id = ?1 AND status <> 'cancelled')
              - (SELECT coalesce(sum(p.amount_minor), 0) FROM order_payment p JOIN customer_order o ON o.id = p.order_id
                 WHERE o.customer_id = ?1 AND p.kind = 'refund')
              + (SELECT coalesce(sum(total_minor), 0) FROM sale WHERE customer_id = ?1 AND status = 'completed')",
        args![id],
        |r| r.get(0),
    )
}

/// A customer's e-mails or phones in the order they were given (ids are made in time order).
fn contacts(conn: Conn, id: &str, kind: &str) -> Result<Vec<super::edit::Contact>> {
    conn.query_map(
        "SELECT value, label FROM customer_contact WHERE customer_id = ?1 AND kind = ?2 ORDER BY id",
        args![id, kind],
        |r| {
            Ok(super::edit::Contact {
                value: r.get(0)?,
                label: r.get(1)?,
            })
        },
    )
}

fn credit_moves(conn: Conn, id: &str, cur: crate::Currency) -> Result<Vec<CreditMove>> {
    conn.query_map(
        "SELECT m.at, m.delta_minor, s.number, s.station
         FROM store_credit_move m LEFT JOIN sale s ON s.id = m.sale_id
         WHERE m.customer_id = ?1 ORDER BY m.at DESC",
        args![id],
        |r| {
            let number: Option<i64> = r.get(2)?;
            let station: Option<String> = r.get(3)?;
            Ok(CreditMove {
                at: Timestamp(r.get(0)?),
                amount: Money::from_minor(r.get(1)?, cur),
                receipt: number.map(|n| crate::sale::receipt_code(&station.unwrap_or_default(), n)),
            })
        },
    )
}

fn claims(conn: Conn, id: &str) -> Result<Vec<CustomerClaim>> {
    conn.query_map(
        "SELECT c.id, o.id, o.number, c.kind, c.status, c.resolution, c.created_at
         FROM claim c JOIN customer_order o ON o.id = c.order_id
         WHERE o.customer_id = ?1 ORDER BY c.created_at DESC, c.id",
        args![id],
        |r| {
            Ok(CustomerClaim {
                id: r.get(0)?,
                order_id: r.get(1)?,
                order_name: crate::order::order_name(r.get(2)?),
                kind: r.get(3)?,
                status: r.get(4)?,
                resolution: r.get(5)?,
                created_at: Timestamp(r.get(6)?),
            })
        },
    )
}

pub(crate) fn profile<'c>(conn: impl Into<Conn<'c>>, id: &str) -> Result<CustomerProfile> {
    let conn = conn.into();
    let cur = shop_currency(conn)?;
    #[allow(clippy::type_complexity)]
    let (
        name,
        email,
        phone,
        address,
        note,
        erased,
        tags,
        consent,
        consent_at,
        consent_source,
        merged_into,
        created_at,
    ): (
        String,
        Option<String>,
        Option<String>,
        String,
        String,
        Option<i64>,
        String,
        bool,
        Option<i64>,
        String,
        Option<String>,
        i64,
    ) = conn
        .query_opt(
            "SELECT name, email, phone, address, note, erased_at, tags, consent, consent_at,
                    consent_source, merged_into, created_at
             FROM customer WHERE id = ?1",
            args![id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                ))
            },
        )?
        .ok_or(Error::NotFound { what: "customer" })?;
    let (orders, first, last): (i64, Option<i64>, Option<i64>) = conn
        .query_opt(
            "SELECT orders, first_at, last_at FROM customer_stats WHERE customer_id = ?1",
            args![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?
        .unwrap_or((0, None, None));
    let value = lifetime_value(conn, id)?;
    Ok(CustomerProfile {
        emails: contacts(conn, id, "email")?,
        phones: contacts(conn, id, "phone")?,
        tags: super::list::split_tags(&tags),
        consent: Consent {
            given: consent,
            at: consent_at.map(Timestamp),
            source: consent_source,
        },
        merged_into,
        orders,
        average_order: Money::from_minor(if orders > 0 { value / orders } else { 0 }, cur),
        first_purchase: first.map(Timestamp),
        last_purchase: last.map(Timestamp),
        credit_moves: credit_moves(conn, id, cur)?,
        claims: claims(conn, id)?,
        created_at: Timestamp(created_at),
        customer: Customer {
            id: id.to_string(),
            name,
            email,
            phone,
            store_credit: Money::from_minor(crate::sale::store_credit(conn, id)?, cur),
        },
        address: serde_json::from_str(&address).unwrap_or_default(),
        note,
        erased: erased.is_some(),
        history: history(conn, id)?,
        lifetime_value: Money::from_minor(value, cur),
        messages: outbox::of_customer(conn, id)?,
    })
}

/// The rows `SELECT {columns} {rest}` selects for the customer `?1`, each an object keyed by
/// its columns' names (`o.number` as `number`).
fn rows_as_json(conn: Conn, columns: &str, rest: &str, id: &str) -> Result<Vec<Value>> {
    let names: Vec<&str> = columns
        .split(',')
        .map(|c| c.trim().rsplit('.').next().unwrap_or_default())
        .collect();
    conn.query_map(&format!("SELECT {columns} {rest}"), args![id], |r| {
        let mut obj = serde_json::Map::new();
        for (i, n) in names.iter().enumerate() {
            let j = match r.get::<Cell>(i)? {
                Cell::Null | Cell::Bytes(_) => Value::Null,
                Cell::Int(i) => json!(i),
                Cell::Real(f) => json!(f),
                // Addresses and tax parts are stored as JSON: export them as JSON.
                Cell::Text(t) => serde_json::from_str::<Value>(&t)
                    .ok()
                    .filter(|v| v.is_object() || v.is_array())
                    .unwrap_or(Value::String(t)),
            };
            obj.insert(n.to_string(), j);
        }
        Ok(Value::Object(obj))
    })
}

impl Shop {
    /// A customer's record as the shop's store holds it: on a station, the server's (every
    /// station's sales and every order), refused while it cannot be reached.
    pub fn customer_profile(&self, session: &Session, id: &str) -> Result<CustomerProfile> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            profile(c, id)
        })
    }

    pub fn save_customer_note(
        &self,
        session: &Session,
        id: &str,
        note: &str,
    ) -> Result<CustomerProfile> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            crate::store::customer_exists(tx, id)?;
            tx.execute(
                "UPDATE customer SET note = ?2, updated_at = ?3 WHERE id = ?1",
                args![id, note.trim(), self.clock.now().0],
            )?;
            profile(tx, id)
        })
    }

    /// Everything Shopdesk holds about one person (GDPR access request), as JSON.
    pub fn export_customer(&self, session: &Session, id: &str) -> Result<Value> {
        // The server's whole record, every station's sales included.
        let record = self.db.server_read(|c| {
            authorize(c, session, Permission::CustomersExport)?;
            crate::store::customer_exists(c, id)?;
            let q = |columns: &str, rest: &str| rows_as_json(c, columns, rest, id);
            Ok(json!({
                "exported_at": self.clock.now().0,
                "customer": q("id, name, email, phone, address, note, tags, consent, consent_at, consent_source,
                               created_at, updated_at", "FROM customer WHERE id = ?1")?,
                "contacts": q("kind, value, label", "FROM customer_contact WHERE customer_id = ?1 ORDER BY kind, value")?,
                "orders": q("number, channel, external_id, status, email, phone, billing, shipping, total_minor, created_at",
                            "FROM customer_order WHERE customer_id = ?1 ORDER BY created_at, number")?,
                "order_lines": q("o.number, l.title, l.sku, l.quantity, l.unit_price_minor, l.amount_minor",
                                 "FROM order_line l JOIN customer_order o ON o.id = l.order_id
                                  WHERE o.customer_id = ?1 ORDER BY o.created_at, o.number, l.position")?,
                "counter_sales": q("number, total_minor, completed_at",
                                   "FROM sale WHERE customer_id = ?1 AND status = 'completed' ORDER BY completed_at, id")?,
                "store_credit": q("delta_minor, sale_id, at", "FROM store_credit_move WHERE customer_id = ?1 ORDER BY at, id")?,
                "invoices": q("code, kind, total_minor, issued_at", "FROM invoice WHERE customer_id = ?1 ORDER BY issued_at, code")?,
                "messages": q("direction, kind, address, subject, body, status, created_at",
                              "FROM message WHERE customer_id = ?1 ORDER BY created_at, id")?,
                "tickets": q("number, subject, channel, status, category, created_at",
                             "FROM ticket WHERE customer_id = ?1 ORDER BY created_at, number")?,
                "claims": q("c.kind, c.status, c.evidence, c.resolution, c.created_at",
                            "FROM claim c JOIN customer_order o ON o.id = c.order_id WHERE o.customer_id = ?1
                             ORDER BY c.created_at, c.id")?,
            }))
        })?;
        self.note_export(session, &format!("customer {id}"), 1)?;
        Ok(record)
    }

    /// Erases a person (GDPR erasure): name, contact details, addresses, notes and message texts
    /// are replaced; orders, amounts, stock moves and issued invoices stay, so every report and
    /// the tax books still add up. Invoices are kept as issued (a legal retention duty).
    pub fn erase_customer(&self, session: &Session, id: &str) -> Result<CustomerProfile> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::CustomersErase)?;
            crate::store::customer_exists(tx, id)?;
            let now = self.clock.now();
            tx.execute(
                "UPDATE customer SET name = 'Erased customer', email = NULL, phone = NULL, address = '{}',
                     note = '', tags = '', consent = 0, consent_source = '', erased_at = ?2, updated_at = ?2
                 WHERE id = ?1",
                args![id, now.0],
            )?;
            tx.execute("DELETE FROM customer_contact WHERE customer_id = ?1", args![id])?;
            // Keep the country: it decides taxes in the books.
            let country_only = |column: &str| match tx.engine() {
                Engine::Sqlite => format!("json_object('country', json_extract({column}, '$.country'))"),
                Engine::Postgres => {
                    format!("jsonb_build_object('country', {column}::jsonb -> 'country')::text")
                }
            };
            tx.execute(
                &format!(
                    "UPDATE customer_order SET email = NULL, phone = NULL, billing = {}, shipping = {},
                         address_key = '' WHERE customer_id = ?1",
                    country_only("billing"),
                    country_only("shipping")
                ),
                args![id],
            )?;
            tx.execute(
                "UPDATE message SET address = '', subject = '[erased]', body = '[erased]', sender_name = ''
                 WHERE customer_id = ?1 OR ticket_id IN (SELECT id FROM ticket WHERE customer_id = ?1)",
                args![id],
            )?;
            // Their tickets stay as a count; what they wrote, their address and their files go.
            tx.execute(
                "DELETE FROM attachment WHERE message_id IN
                     (SELECT id FROM message WHERE ticket_id IN (SELECT id FROM ticket WHERE customer_id = ?1))",
                args![id],
            )?;
            tx.execute(
                "DELETE FROM attachment_data WHERE sha256 NOT IN (SELECT sha256 FROM attachment)",
                args![],
            )?;
            tx.execute(
                "UPDATE ticket SET subject = '[erased]', address = '' WHERE customer_id = ?1",
                args![id],
            )?;
            tx.execute(
                "UPDATE ticket_event SET detail = '[erased]'
                 WHERE kind = 'note' AND ticket_id IN (SELECT id FROM ticket WHERE customer_id = ?1)",
                args![id],
            )?;
            crate::audit::record(
                tx,
                crate::audit::Change::by(now, session.staff_id(), "customer.erase", ("customer", id), json!({})),
            )?;
            profile(tx, id)
        })
    }
}
