//! The customer an order belongs to: the one it names, else the one with its e-mail address
//! (main or further), else a new one made from it; and, for a page of marketplace orders, the
//! customers and the orders already entered that its orders would each have asked for.

use super::draft::Prepared;
use super::{OrderDraft, OrderTerms};
use crate::clock::Timestamp;
use crate::error::Result;
use crate::id::new_id;
use crate::sql::{args, Arg, Conn, LaterRows};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// What a page of orders read ahead in a statement or two, so each order asks nothing of these
/// (on the server each ask is a round trip).
#[derive(Default)]
pub(crate) struct Ahead {
    /// The page's orders entered before under its channel's name (by hand, from a file), by
    /// external id. (Those the page enters itself its channel knows from then on.)
    pub entered: HashMap<String, String>,
    /// The customers of the page's e-mail addresses (lowercase), by their main address or a
    /// further one, and those its orders make; an address missing has no customer yet.
    pub customers: RefCell<HashMap<String, String>>,
    /// The page's orders' lines, timeline entries, payments and marketplace keys, written at
    /// its end: nothing reads them before then, save a later version of one of its orders,
    /// before which they are written.
    pub rows: LaterRows,
    /// The order numbers taken for the page's new orders, in one statement: the next to use
    /// and the end of the block (see `OrderTerms::number`).
    pub numbers: Cell<(i64, i64)>,
}

/// The customer an order belongs to: the one given, else the one with its e-mail, else a new
/// one made from the shipping name. Keeps the customer's last address.
pub(super) fn match_customer(
    conn: Conn,
    draft: &OrderDraft,
    p: &Prepared,
    terms: &OrderTerms,
    at: Timestamp,
) -> Result<Option<String>> {
    if let Some(id) = draft.customer_id.as_deref().filter(|s| !s.is_empty()) {
        crate::store::customer_exists(conn, id)?;
        return Ok(Some(id.to_string()));
    }
    let Some(email) = &p.email else {
        return Ok(None);
    };
    let address = serde_json::to_string(&p.shipping).unwrap_or_default();
    let found = match &terms.ahead {
        Some(ahead) => ahead.customers.borrow().get(email).cloned(),
        None => customer_by_email(conn, email)?,
    };
    if let Some(id) = found {
        // Only a new address is a change: the same one again rewrote the customer's search row.
        conn.execute(
            "UPDATE customer SET address = ?2, updated_at = ?3
             WHERE id = ?1 AND address IS DISTINCT FROM CAST(?2 AS TEXT)",
            args![id, address, at.0],
        )?;
        return Ok(Some(id));
    }
    let name = Some(p.shipping.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.clone());
    let id = new_id();
    conn.execute(
        "INSERT INTO customer (id, name, email, phone, address, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        args![id, name, email, p.phone, address, at.0],
    )?;
    if let Some(ahead) = &terms.ahead {
        ahead
            .customers
            .borrow_mut()
            .insert(email.clone(), id.clone());
    }
    Ok(Some(id))
}

/// The customer whose main e-mail address is `email` (lowercase), else the one with it as a
/// further address (a work address, or one of a customer merged into them).
fn customer_by_email(conn: Conn, email: &str) -> Result<Option<String>> {
    let found: Option<String> = conn.query_opt(
        &format!("{MAIN_EMAIL} AND lower(email) = ?1 LIMIT 1"),
        args![email],
        |r| r.get(0),
    )?;
    match found {
        Some(id) => Ok(Some(id)),
        None => conn.query_opt(
            &format!("{FURTHER_EMAIL} AND lower(k.value) = ?1 LIMIT 1"),
            args![email],
            |r| r.get(0),
        ),
    }
}

/// Customers by a further e-mail address of theirs, `k.value`.
const FURTHER_EMAIL: &str = "SELECT c.id, lower(k.value) FROM customer_contact k
     JOIN customer c ON c.id = k.customer_id
     WHERE k.kind = 'email' AND c.erased_at IS NULL AND c.merged_into IS NULL";

/// Customers by their main e-mail address. `email IS NOT NULL` lets the partial index on
/// lower(email) answer; without it every order scanned every customer.
const MAIN_EMAIL: &str = "SELECT id, lower(email) FROM customer
     WHERE email IS NOT NULL AND erased_at IS NULL AND merged_into IS NULL";

/// Reads ahead, for a page of orders from `channel`, what each would ask on its own: which of
/// the `external` ids are entered already, and the customers of the `emails` (lowercase).
pub(crate) fn read_ahead(
    conn: Conn,
    channel: &str,
    external: &[Arg],
    emails: &[Arg],
) -> Result<Ahead> {
    let entered = conn.query_in_with(
        "SELECT external_id, id FROM customer_order WHERE channel = ?1 AND external_id IN ({})",
        &[Arg::from(channel)],
        external,
        |r| r.tuple(),
    )?;
    let pair = |r: &crate::sql::Row| Ok((r.get::<String>(1)?, r.get::<String>(0)?));
    // A main address wins over a further one, as one order on its own finds them.
    let mut customers: HashMap<String, String> = conn
        .query_in(
            &format!("{FURTHER_EMAIL} AND lower(k.value) IN ({{}})"),
            emails,
            pair,
        )?
        .into_iter()
        .collect();
    customers.extend(conn.query_in(
        &format!("{MAIN_EMAIL} AND lower(email) IN ({{}})"),
        emails,
        pair,
    )?);
    Ok(Ahead {
        entered: entered.into_iter().collect(),
        customers: RefCell::new(customers),
        rows: LaterRows::default(),
        numbers: Cell::new((0, 0)),
    })
}
