//! Answering a ticket: a reply goes out through the outbox threaded under the customer's latest
//! message (In-Reply-To and References), and saved replies — the answers the shop gives often —
//! are filled in from the ticket's order and customer.

use super::ticket::{load, set_status, Ticket, TicketStatus};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::order::outbox::{self, ReplyDraft};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedReply {
    /// Empty for a new one.
    pub id: String,
    pub title: String,
    pub body: String,
}

/// The fields a saved reply may use, from the ticket's order and customer.
fn reply_fields(conn: Conn, ticket: &Ticket) -> Result<Vec<(&'static str, String)>> {
    let shop: String =
        conn.query_row("SELECT name FROM shop WHERE id = 1", args![], |r| r.get(0))?;
    let mut vars = vec![
        ("shop_name", shop),
        ("ticket_number", ticket.name.clone()),
        (
            "customer_name",
            ticket
                .customer_name
                .clone()
                .unwrap_or_else(|| "there".into()),
        ),
    ];
    let o = ticket.order.as_ref();
    vars.push((
        "order_number",
        o.map(|o| o.name.clone()).unwrap_or_default(),
    ));
    vars.push(("carrier", o.map(|o| o.carrier.clone()).unwrap_or_default()));
    vars.push((
        "tracking_number",
        o.map(|o| o.tracking.clone()).unwrap_or_default(),
    ));
    vars.push((
        "tracking_url",
        o.map(|o| o.tracking_url.clone()).unwrap_or_default(),
    ));
    Ok(vars)
}

impl Shop {
    /// Queues a reply to the ticket's customer through the outbox, threaded under the last
    /// message they sent (In-Reply-To and References), and marks the ticket as waiting on them.
    pub fn reply_to_ticket(&self, session: &Session, id: &str, body: &str) -> Result<Ticket> {
        if body.trim().is_empty() {
            return Err(Error::invalid("the reply is empty"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            let t = load(tx, id)?;
            if !crate::order::email_is_valid(&t.address) {
                return Err(Error::invalid(format!(
                    "ticket {} has no e-mail address to reply to: link a customer with one",
                    t.name
                )));
            }
            // The newest message of the thread with a Message-ID, and the chain it belongs to.
            let last: Option<(String, String)> = tx.query_opt(
                "SELECT header_id, refs FROM message WHERE ticket_id = ?1 AND header_id IS NOT NULL
                 ORDER BY created_at DESC, id DESC LIMIT 1",
                args![id],
                |r| r.tuple(),
            )?;
            let (in_reply_to, refs) = match last {
                Some((h, refs)) => {
                    let chain = format!("{refs} {h}");
                    (Some(h), chain.trim().to_string())
                }
                None => (None, String::new()),
            };
            let subject = if t.subject.to_lowercase().starts_with("re:") {
                t.subject.clone()
            } else {
                format!("Re: {}", t.subject)
            };
            outbox::queue_reply(
                tx,
                &ReplyDraft {
                    ticket_id: id,
                    order_id: t.order.as_ref().map(|o| o.id.as_str()),
                    customer_id: t.customer_id.as_deref(),
                    to: &t.address,
                    subject: &subject,
                    body: body.trim_end(),
                    in_reply_to: in_reply_to.as_deref(),
                    refs: &refs,
                },
                now,
            )?;
            set_status(tx, id, TicketStatus::WaitingCustomer)?;
            tx.execute(
                "UPDATE ticket SET updated_at = ?2 WHERE id = ?1",
                args![id, now.0],
            )?;
            load(tx, id)
        })
    }

    pub fn saved_replies(&self, session: &Session) -> Result<Vec<SavedReply>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            c.query_map(
                &format!(
                    "SELECT id, title, body FROM saved_reply ORDER BY {}, id",
                    c.nocase("title")
                ),
                args![],
                |r| {
                    Ok(SavedReply {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        body: r.get(2)?,
                    })
                },
            )
        })
    }

    /// Adds or changes a saved reply (an empty id adds).
    pub fn save_saved_reply(&self, session: &Session, r: &SavedReply) -> Result<SavedReply> {
        let (title, body) = (r.title.trim(), r.body.trim_end());
        if title.is_empty() || body.trim().is_empty() {
            return Err(Error::invalid("a saved reply needs a title and a text"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let clash: Option<String> = tx.query_opt(
                "SELECT id FROM saved_reply WHERE title = ?1 AND id <> ?2",
                args![title, r.id],
                |r| r.get(0),
            )?;
            if clash.is_some() {
                return Err(Error::Conflict(format!(
                    "a saved reply is already called '{title}'"
                )));
            }
            let id = if r.id.is_empty() {
                new_id()
            } else {
                r.id.clone()
            };
            let n = tx.execute_unique(
                "INSERT INTO saved_reply (id, title, body, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body",
                args![id, title, body, self.clock.now().0],
                || format!("a saved reply is already called '{title}'"),
            )?;
            debug_assert_eq!(n, 1);
            Ok(SavedReply {
                id,
                title: title.to_string(),
                body: body.to_string(),
            })
        })
    }

    pub fn delete_saved_reply(&self, session: &Session, id: &str) -> Result<()> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            if tx.execute("DELETE FROM saved_reply WHERE id = ?1", args![id])? == 0 {
                return Err(Error::NotFound {
                    what: "saved reply",
                });
            }
            Ok(())
        })
    }

    /// A saved reply's text with the ticket's order and customer filled in, ready to edit and
    /// send. A field the ticket cannot fill (no order linked) is left as `{field}` to be seen.
    pub fn fill_saved_reply(
        &self,
        session: &Session,
        ticket_id: &str,
        reply_id: &str,
    ) -> Result<String> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let body: String = c
                .query_opt(
                    "SELECT body FROM saved_reply WHERE id = ?1",
                    args![reply_id],
                    |r| r.get(0),
                )?
                .ok_or(Error::NotFound {
                    what: "saved reply",
                })?;
            let t = load(c, ticket_id)?;
            let vars: Vec<(&str, String)> = reply_fields(c, &t)?
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect();
            Ok(outbox::fill(&body, &vars))
        })
    }
}
