//! Changing a customer — name, main and further e-mails and phones, address, tags, marketing
//! consent (when and where it was given or withdrawn), the note — and merging two customers
//! into one: orders, counter sales, invoices, messages, store credit and contacts move to the
//! one kept. Both audited with before and after.

use super::list::split_tags;
use super::record::{profile, CustomerProfile};
use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::order::Address;
use crate::shop::staff::{authorize, Permission, Session};
use crate::shop::{email_is_valid, phone_is_valid};
use crate::sql::{args, Conn};
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// A further e-mail or phone, with what it is ("work", "mobile").
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, TS)]
pub struct Contact {
    pub value: String,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct CustomerEdit {
    pub id: String,
    pub name: String,
    /// The main e-mail (orders and mail use it); empty for none.
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub emails: Vec<Contact>,
    #[serde(default)]
    pub phones: Vec<Contact>,
    #[serde(default)]
    pub address: Address,
    /// Comma-separated ("vip, wholesale").
    #[serde(default)]
    pub tags: String,
    /// Agreed to marketing e-mail.
    #[serde(default)]
    pub consent: bool,
    /// Where consent was given or withdrawn ("at the counter", "web form", "by e-mail").
    #[serde(default)]
    pub consent_source: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CustomerMerge {
    /// The customer kept.
    pub keep_id: String,
    /// The customer merged into it and retired.
    pub merge_id: String,
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// Trimmed, empty ones dropped, each once (case-insensitively), none equal to `main`.
fn clean_contacts(list: &[Contact], main: Option<&str>) -> Vec<Contact> {
    let mut out: Vec<Contact> = Vec::new();
    for c in list {
        let value = c.value.trim();
        let seen = |v: &str| v.eq_ignore_ascii_case(value);
        if value.is_empty() || main.is_some_and(seen) || out.iter().any(|o| seen(&o.value)) {
            continue;
        }
        out.push(Contact {
            value: value.to_string(),
            label: c.label.trim().to_string(),
        });
    }
    out
}

/// The live customer (not merged away, not erased) other than `id` with this e-mail.
fn email_owner<'c>(conn: impl Into<Conn<'c>>, email: &str, id: &str) -> Result<Option<String>> {
    conn.into().query_opt(
        "SELECT c.name FROM customer c
         WHERE c.id <> ?2 AND c.merged_into IS NULL AND c.erased_at IS NULL
           AND ((lower(c.email) = lower(?1) AND c.email IS NOT NULL)
                OR c.id IN (SELECT customer_id FROM customer_contact
                            WHERE kind = 'email' AND lower(value) = lower(?1)))
         LIMIT 1",
        args![email, id],
        |r| r.get(0),
    )
}

fn live<'c>(conn: impl Into<Conn<'c>>, id: &str) -> Result<()> {
    let conn = conn.into();
    crate::store::customer_exists(conn, id)?;
    let (merged, erased): (Option<String>, Option<i64>) = conn.query_row(
        "SELECT merged_into, erased_at FROM customer WHERE id = ?1",
        args![id],
        |r| r.tuple(),
    )?;
    if merged.is_some() {
        return Err(Error::Conflict(
            "this customer was merged into another; open that one".into(),
        ));
    }
    if erased.is_some() {
        return Err(Error::Conflict("this customer was erased".into()));
    }
    Ok(())
}

fn replace_contacts<'c>(
    conn: impl Into<Conn<'c>>,
    id: &str,
    kind: &str,
    list: &[Contact],
) -> Result<()> {
    let conn = conn.into();
    conn.execute(
        "DELETE FROM customer_contact WHERE customer_id = ?1 AND kind = ?2",
        args![id, kind],
    )?;
    for c in list {
        conn.execute(
            "INSERT INTO customer_contact (id, customer_id, kind, value, label) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![new_id(), id, kind, c.value, c.label],
        )?;
    }
    Ok(())
}

/// The fields an audit entry compares, before and after a change.
fn snapshot(p: &CustomerProfile) -> serde_json::Value {
    json!({
        "name": p.customer.name,
        "email": p.customer.email,
        "phone": p.customer.phone,
        "emails": p.emails,
        "phones": p.phones,
        "address": p.address,
        "tags": p.tags,
        "consent": p.consent.given,
        "note": p.note,
    })
}

impl Shop {
    /// Saves a customer as edited. Every e-mail and phone is checked first; an e-mail another
    /// customer already has is refused with a word on merging them instead.
    pub fn save_customer(&self, session: &Session, edit: &CustomerEdit) -> Result<CustomerProfile> {
        let name = edit.name.trim();
        if name.is_empty() {
            return Err(Error::invalid("a customer needs a name"));
        }
        let email = optional(&edit.email);
        let phone = optional(&edit.phone);
        let emails = clean_contacts(&edit.emails, email.as_deref());
        let phones = clean_contacts(&edit.phones, phone.as_deref());
        for e in email.iter().chain(emails.iter().map(|c| &c.value)) {
            if !email_is_valid(e) {
                return Err(Error::invalid(format!("'{e}' is not an e-mail address")));
            }
        }
        for p in phone.iter().chain(phones.iter().map(|c| &c.value)) {
            if !phone_is_valid(p) {
                return Err(Error::invalid(format!("'{p}' is not a phone number")));
            }
        }
        let address = edit.address.cleaned();
        let tags = split_tags(&edit.tags).join(", ");
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            live(tx, &edit.id)?;
            for e in email.iter().chain(emails.iter().map(|c| &c.value)) {
                if let Some(other) = email_owner(tx, e, &edit.id)? {
                    return Err(Error::Conflict(format!(
                        "{e} belongs to {other}: merge the two customers instead"
                    )));
                }
            }
            let before = profile(tx, &edit.id)?;
            let now = self.clock.now();
            // Consent keeps the time it was last given or withdrawn, and where.
            let consent_changed = before.consent.given != edit.consent;
            if consent_changed && edit.consent_source.trim().is_empty() {
                return Err(Error::invalid(
                    "say where the customer gave or withdrew consent (at the counter, by e-mail…)",
                ));
            }
            tx.execute(
                "UPDATE customer SET name = ?2, email = ?3, phone = ?4, address = ?5, tags = ?6, note = ?7,
                     consent = ?8,
                     consent_at = CASE WHEN ?9 = 1 THEN ?10 ELSE consent_at END,
                     consent_source = CASE WHEN ?9 = 1 THEN ?11 ELSE consent_source END,
                     updated_at = ?10
                 WHERE id = ?1",
                args![
                    edit.id,
                    name,
                    email,
                    phone,
                    serde_json::to_string(&address).unwrap_or_else(|_| "{}".into()),
                    tags,
                    edit.note.trim(),
                    edit.consent,
                    consent_changed,
                    now.0,
                    edit.consent_source.trim(),
                ],
            )?;
            replace_contacts(tx, &edit.id, "email", &emails)?;
            replace_contacts(tx, &edit.id, "phone", &phones)?;
            let after = profile(tx, &edit.id)?;
            let changes = audit::diff(&snapshot(&before), &snapshot(&after), &[]);
            if !changes.is_empty() {
                audit::record(
                    tx,
                    Change::by(
                        now,
                        session.staff_id(),
                        "customer.update",
                        ("customer", &edit.id),
                        serde_json::Value::Object(changes),
                    ),
                )?;
            }
            Ok(after)
        })
    }

    /// Merges `merge_id` into `keep_id`: its orders, counter sales, messages, tickets and
    /// contacts move; its store credit balance moves by two new credit moves (the ledger is
    /// append-only); its issued invoices stay as issued (they are found through their orders);
    /// its main e-mail and phone become further contacts of the one kept; tags join; notes are
    /// kept one after the other; the later consent wins. The merged customer is retired (left
    /// out of lists and search, its id pointing to the one kept).
    pub fn merge_customers(&self, session: &Session, m: &CustomerMerge) -> Result<CustomerProfile> {
        if m.keep_id == m.merge_id {
            return Err(Error::invalid("choose two different customers to merge"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            live(tx, &m.keep_id)?;
            live(tx, &m.merge_id)?;
            let keep = profile(tx, &m.keep_id)?;
            let gone = profile(tx, &m.merge_id)?;
            let now = self.clock.now();
            let mut moved = serde_json::Map::new();
            for (table, label) in [
                ("customer_order", "orders"),
                ("sale", "counter_sales"),
                ("message", "messages"),
                ("ticket", "tickets"),
                ("customer_contact", "contacts"),
            ] {
                let n = tx.execute(
                    &format!("UPDATE {table} SET customer_id = ?1 WHERE customer_id = ?2"),
                    args![m.keep_id, m.merge_id],
                )?;
                moved.insert(label.into(), json!(n));
            }
            let credit = crate::sale::store_credit(tx, &m.merge_id)?;
            if credit != 0 {
                for (customer, delta) in [(&m.merge_id, -credit), (&m.keep_id, credit)] {
                    tx.execute(
                        "INSERT INTO store_credit_move (id, customer_id, delta_minor, sale_id, at)
                         VALUES (?1, ?2, ?3, NULL, ?4)",
                        args![new_id(), customer, delta, now.0],
                    )?;
                }
            }
            moved.insert("store_credit_minor".into(), json!(credit));
            let mut emails: Vec<Contact> = keep.emails.clone();
            emails.extend(gone.customer.email.iter().map(|e| Contact {
                value: e.clone(),
                label: String::new(),
            }));
            emails.extend(gone.emails.iter().cloned());
            let mut phones: Vec<Contact> = keep.phones.clone();
            phones.extend(gone.customer.phone.iter().map(|p| Contact {
                value: p.clone(),
                label: String::new(),
            }));
            phones.extend(gone.phones.iter().cloned());
            replace_contacts(
                tx,
                &m.keep_id,
                "email",
                &clean_contacts(&emails, keep.customer.email.as_deref()),
            )?;
            replace_contacts(
                tx,
                &m.keep_id,
                "phone",
                &clean_contacts(&phones, keep.customer.phone.as_deref()),
            )?;
            let tags = split_tags(&format!("{}, {}", keep.tags.join(", "), gone.tags.join(", ")));
            let note = match (keep.note.trim(), gone.note.trim()) {
                (a, "") => a.to_string(),
                ("", b) => b.to_string(),
                (a, b) => format!("{a}\n\n(from {}) {b}", gone.customer.name),
            };
            let address_empty = keep.address.is_empty();
            tx.execute(
                "UPDATE customer SET tags = ?2, note = ?3,
                     address = CASE WHEN ?4 = 1 THEN (SELECT address FROM customer WHERE id = ?5) ELSE address END,
                     email = coalesce(email, (SELECT email FROM customer WHERE id = ?5)),
                     phone = coalesce(phone, (SELECT phone FROM customer WHERE id = ?5)),
                     updated_at = ?6
                 WHERE id = ?1",
                args![m.keep_id, tags.join(", "), note, address_empty, m.merge_id, now.0],
            )?;
            // The later consent decision stands.
            if gone.consent.at.is_some_and(|g| keep.consent.at.is_none_or(|k| g > k)) {
                tx.execute(
                    "UPDATE customer SET (consent, consent_at, consent_source) =
                         (SELECT consent, consent_at, consent_source FROM customer WHERE id = ?2)
                     WHERE id = ?1",
                    args![m.keep_id, m.merge_id],
                )?;
            }
            tx.execute(
                "UPDATE customer SET merged_into = ?1, updated_at = ?3 WHERE id = ?2",
                args![m.keep_id, m.merge_id, now.0],
            )?;
            // A main e-mail now held twice (the retired one kept its own): cleared from the
            // retired customer so new orders find only the one kept.
            tx.execute(
                "UPDATE customer SET email = NULL, phone = NULL WHERE id = ?1",
                args![m.merge_id],
            )?;
            tx.execute(
                "DELETE FROM customer_contact WHERE customer_id = ?1 AND kind = 'email'
                   AND lower(value) = lower(coalesce((SELECT email FROM customer WHERE id = ?1), ''))",
                args![m.keep_id],
            )?;
            audit::record(
                tx,
                Change::by(
                    now,
                    session.staff_id(),
                    "customer.merge",
                    ("customer", &m.keep_id),
                    json!({
                        "kept": keep.customer.name,
                        "merged": { "id": m.merge_id, "name": gone.customer.name, "email": gone.customer.email },
                        "moved": moved,
                    }),
                ),
            )?;
            profile(tx, &m.keep_id)
        })
    }
}
