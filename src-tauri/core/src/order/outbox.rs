//! Messages to and from customers. Outgoing e-mail is queued here in the transaction of the
//! business action that causes it (an order accepted, shipped, refunded), rendered from the
//! owner's templates, and handed to a sender that reports back; a failed send waits and is
//! retried with growing delays. Nothing is lost while the network or the server is down.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::Money;
use crate::order::carrier;
use crate::order::invoice::{self, Invoice};
use crate::order::supplier_order::{self, SupplierOrder};
use crate::order::{self, email_is_valid};
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn, Row};
use crate::store::pg::Job;
use crate::Shop;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// After this many failed attempts a message stops retrying on its own and shows as failed;
/// "retry" puts it back in the queue.
pub const MAX_ATTEMPTS: i64 = 8;

/// An attachment larger than this is not kept (a received message is, with a remark saying so).
pub const ATTACHMENT_MAX_BYTES: usize = 25 * 1024 * 1024;

pub const TEMPLATE_KINDS: [&str; 4] = ["order_confirmation", "invoice", "shipment", "refund"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EmailTemplate {
    pub kind: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Message {
    pub id: String,
    /// "out" or "in".
    pub direction: String,
    pub kind: String,
    pub order_id: Option<String>,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub attachment: Option<String>,
    /// queued, sent, failed (out) or received (in).
    pub status: String,
    #[ts(type = "number")]
    pub attempts: i64,
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AttachmentInfo {
    pub id: String,
    pub name: String,
    pub mime: String,
    #[ts(type = "number")]
    pub size: i64,
    /// For claim evidence: item, inner_packaging, outer_packaging, label, other.
    pub role: String,
}

/// A message ready for the SMTP sender.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingMail {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attachment: Option<Attachment>,
    /// Our Message-ID for it ("<id@shop.example>"), so a customer's answer threads back.
    pub header_id: Option<String>,
    /// The customer's message it answers, and the thread before it.
    pub in_reply_to: Option<String>,
    pub references: String,
}

/// A PDF that travels with a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Attachment {
    Invoice(Box<Invoice>),
    SupplierOrder(Box<SupplierOrder>),
}

/// Delay before attempt `attempts + 1`: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff_ms(attempts: i64) -> i64 {
    let minutes = 1i64 << (attempts - 1).clamp(0, 9);
    (minutes * 60_000).min(6 * 3_600_000)
}

pub(crate) fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn template<'c>(conn: impl Into<Conn<'c>>, kind: &str) -> Result<(String, String)> {
    conn.into()
        .query_opt(
            "SELECT subject, body FROM email_template WHERE kind = ?1",
            args![kind],
            |r| r.tuple(),
        )?
        .ok_or(Error::NotFound {
            what: "e-mail template",
        })
}

/// An outgoing message before it is queued.
pub(crate) struct Draft<'a> {
    pub kind: &'a str,
    pub order_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub invoice_id: Option<&'a str>,
    pub dropship_id: Option<&'a str>,
}

/// Queues the message and says so on its order's timeline.
fn insert_message<'c>(conn: impl Into<Conn<'c>>, m: &Draft, now: Timestamp) -> Result<String> {
    let conn = conn.into();
    let id = new_id();
    conn.execute(
        "INSERT INTO message (id, direction, kind, order_id, customer_id, address, subject, body,
             invoice_id, dropship_id, status, next_attempt_at, created_at)
         VALUES (?1, 'out', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?10, ?10)",
        args![
            id,
            m.kind,
            m.order_id,
            m.customer_id,
            m.to,
            m.subject,
            m.body,
            m.invoice_id,
            m.dropship_id,
            now.0
        ],
    )?;
    if let Some(order_id) = m.order_id {
        order::event(
            conn,
            order_id,
            now,
            None,
            "email_queued",
            &format!("{} to {}", m.kind, m.to),
        )?;
    }
    Ok(id)
}

/// A reply to a ticket, threaded under the customer's message.
pub(crate) struct ReplyDraft<'a> {
    pub ticket_id: &'a str,
    pub order_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub in_reply_to: Option<&'a str>,
    pub refs: &'a str,
}

/// The domain our Message-IDs carry: the sender's, so they are unique to this shop.
fn header_domain(conn: Conn) -> Result<String> {
    let from: String = conn.query_row("SELECT mail_from FROM shop WHERE id = 1", args![], |r| {
        r.get(0)
    })?;
    let domain = super::settings::sender_address(&from).rsplit_once('@');
    Ok(match domain {
        Some((_, d)) if !d.trim().is_empty() => d.trim().to_lowercase(),
        _ => "shopdesk.invalid".into(),
    })
}

/// Queues a ticket's reply with its own Message-ID and the thread's headers.
pub(crate) fn queue_reply(conn: Conn, r: &ReplyDraft, now: Timestamp) -> Result<String> {
    let id = insert_message(
        conn,
        &Draft {
            kind: "reply",
            order_id: r.order_id,
            customer_id: r.customer_id,
            to: r.to,
            subject: r.subject,
            body: r.body,
            invoice_id: None,
            dropship_id: None,
        },
        now,
    )?;
    let header = format!("<{id}@{}>", header_domain(conn)?);
    conn.execute(
        "UPDATE message SET ticket_id = ?2, header_id = ?3, in_reply_to = ?4, refs = ?5 WHERE id = ?1",
        args![id, r.ticket_id, header, r.in_reply_to, r.refs],
    )?;
    Ok(id)
}

/// Queues a supplier's dropship order (its PDF attached) in the caller's transaction.
pub(crate) fn queue_supplier_order(
    conn: Conn,
    order_id: &str,
    dropship_id: &str,
    to: &str,
    vars: &[(&str, String)],
    now: Timestamp,
) -> Result<String> {
    let (subject, body) = template(conn, "supplier_order")?;
    let id = insert_message(
        conn,
        &Draft {
            kind: "supplier_order",
            order_id: Some(order_id),
            customer_id: None,
            to,
            subject: &fill(&subject, vars),
            body: &fill(&body, vars),
            invoice_id: None,
            dropship_id: Some(dropship_id),
        },
        now,
    )?;
    Ok(id)
}

pub(crate) fn already_queued<'c>(
    conn: impl Into<Conn<'c>>,
    order_id: &str,
    kind: &str,
) -> Result<bool> {
    Ok(conn
        .into()
        .query_opt(
            "SELECT 1 FROM message WHERE order_id = ?1 AND kind = ?2 LIMIT 1",
            args![order_id, kind],
            |_| Ok(()),
        )?
        .is_some())
}

/// Queues an e-mail about an order from the template `kind`, in the caller's transaction.
/// Orders without a valid e-mail address get none (verification already flagged it).
pub(crate) fn queue_for_order<'c>(
    conn: impl Into<Conn<'c>>,
    order_id: &str,
    kind: &str,
    invoice_id: Option<&str>,
    extra: &[(&str, &str)],
    now: Timestamp,
) -> Result<Option<String>> {
    let conn = conn.into();
    let (number, email, customer_id, customer, ship_name, total): (
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    ) = conn.query_row(
        &format!(
            "SELECT o.number, o.email, o.customer_id, c.name, {}, o.total_minor
             FROM customer_order o LEFT JOIN customer c ON c.id = o.customer_id WHERE o.id = ?1",
            conn.json_text("o.shipping", "name")
        ),
        args![order_id],
        |r| r.tuple(),
    )?;
    let Some(to) = email.filter(|e| email_is_valid(e)) else {
        return Ok(None);
    };
    let (subject, body) = template(conn, kind)?;
    let shop: String =
        conn.query_row("SELECT name FROM shop WHERE id = 1", args![], |r| r.get(0))?;
    let cur = shop_currency(conn)?;
    let invoice_code: Option<String> = match invoice_id {
        Some(id) => Some(conn.query_row(
            "SELECT code FROM invoice WHERE id = ?1",
            args![id],
            |r| r.get(0),
        )?),
        None => None,
    };
    let mut vars: Vec<(&str, String)> = vec![
        ("order_number", order::order_name(number)),
        (
            "customer_name",
            customer.or(ship_name).unwrap_or_else(|| "customer".into()),
        ),
        ("shop_name", shop),
        (
            "total",
            format!(
                "{} {}",
                Money::from_minor(total, cur).to_decimal_string(),
                cur.code()
            ),
        ),
        ("invoice_number", invoice_code.unwrap_or_default()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let carrier = extra
        .iter()
        .find(|(k, _)| *k == "carrier")
        .map(|(_, v)| *v)
        .unwrap_or("");
    let tracking = extra
        .iter()
        .find(|(k, _)| *k == "tracking_number")
        .map(|(_, v)| *v)
        .unwrap_or("");
    vars.push((
        "tracking_url",
        carrier::tracking_url(conn, carrier, tracking)?,
    ));
    let id = insert_message(
        conn,
        &Draft {
            kind,
            order_id: Some(order_id),
            customer_id: customer_id.as_deref(),
            to: &to,
            subject: &fill(&subject, &vars),
            body: &fill(&body, &vars),
            invoice_id,
            dropship_id: None,
        },
        now,
    )?;
    Ok(Some(id))
}

pub(crate) fn attachment_info(r: &Row) -> Result<AttachmentInfo> {
    Ok(AttachmentInfo {
        id: r.get(0)?,
        name: r.get(1)?,
        mime: r.get(2)?,
        size: r.get(3)?,
        role: r.get(4)?,
    })
}

/// A file to keep with a message or a claim.
pub(crate) struct AttachmentDraft<'a> {
    pub message_id: Option<&'a str>,
    pub claim_id: Option<&'a str>,
    /// For claims: item, inner_packaging, outer_packaging, label, other.
    pub role: &'a str,
    pub name: &'a str,
    pub mime: &'a str,
    pub bytes: &'a [u8],
    pub by: Option<&'a str>,
}

/// Keeps an attachment's bytes once per SHA-256 and links it to its message or claim.
pub(crate) fn keep_attachment(conn: Conn, a: &AttachmentDraft, now: Timestamp) -> Result<String> {
    let sha = format!("{:x}", Sha256::digest(a.bytes));
    conn.execute(
        "INSERT INTO attachment_data (sha256, bytes) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING",
        args![sha, a.bytes],
    )?;
    let id = new_id();
    conn.execute(
        "INSERT INTO attachment (id, message_id, claim_id, role, name, mime, size, sha256, added_by, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        args![
            id,
            a.message_id,
            a.claim_id,
            a.role,
            a.name,
            a.mime,
            a.bytes.len() as i64,
            sha,
            a.by,
            now.0
        ],
    )?;
    Ok(id)
}

const MESSAGE_COLUMNS: &str = "m.id, m.direction, m.kind, m.order_id, m.address, m.subject, m.body,
    i.code, (SELECT number FROM dropship WHERE id = m.dropship_id), m.status, m.attempts,
    m.next_attempt_at, m.last_error, m.created_at, m.sent_at";

fn message_row(r: &Row) -> Result<Message> {
    // What is attached: the invoice by its code, else the drop-ship order ("DS-00012").
    let attached = r
        .get::<Option<String>>(7)?
        .or(r.get::<Option<i64>>(8)?.map(|n| format!("DS-{n:05}")));
    Ok(Message {
        id: r.get(0)?,
        direction: r.get(1)?,
        kind: r.get(2)?,
        order_id: r.get(3)?,
        address: r.get(4)?,
        subject: r.get(5)?,
        body: r.get(6)?,
        attachment: attached.map(|c| format!("{c}.pdf")),
        status: r.get(9)?,
        attempts: r.get(10)?,
        next_attempt_at: r.get::<Option<i64>>(11)?.map(Timestamp),
        last_error: r.get(12)?,
        created_at: Timestamp(r.get(13)?),
        sent_at: r.get::<Option<i64>>(14)?.map(Timestamp),
    })
}

/// Messages in the order they were written (ids are made in time order: UUIDv7).
fn messages_where(conn: Conn, filter: &str, arg: &str) -> Result<Vec<Message>> {
    conn.query_map(
        &format!(
            "SELECT {MESSAGE_COLUMNS} FROM message m LEFT JOIN invoice i ON i.id = m.invoice_id
             WHERE {filter} ORDER BY m.created_at, m.id"
        ),
        args![arg],
        message_row,
    )
}

pub(crate) fn of_order(conn: Conn, order_id: &str) -> Result<Vec<Message>> {
    messages_where(conn, "m.order_id = ?1", order_id)
}

pub(crate) fn of_customer<'c>(
    conn: impl Into<Conn<'c>>,
    customer_id: &str,
) -> Result<Vec<Message>> {
    messages_where(conn.into(), "m.customer_id = ?1", customer_id)
}

impl Shop {
    /// Outgoing messages whose time has come, oldest first, with their attachment.
    pub fn mail_due(&self, limit: u32) -> Result<Vec<OutgoingMail>> {
        let now = self.clock.now();
        // One station of a shop sends its mail, so a message never goes out twice.
        if !self.db.runs(Job::Mail)? {
            return Ok(Vec::new());
        }
        self.db.shared_read(|c| {
            type Due = (
                String,
                String,
                String,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
                String,
            );
            let rows: Vec<Due> = c.query_map(
                "SELECT id, address, subject, body, invoice_id, dropship_id, header_id, in_reply_to, refs
                 FROM message
                 WHERE direction = 'out' AND status = 'queued' AND next_attempt_at <= ?1
                 ORDER BY next_attempt_at, created_at LIMIT ?2",
                args![now.0, limit],
                |r| r.tuple(),
            )?;
            rows.into_iter()
                .map(|(id, to, subject, body, inv, dropship, header_id, in_reply_to, references)| {
                    let attachment = match (inv, dropship) {
                        (Some(i), _) => Some(Attachment::Invoice(Box::new(invoice::load(c, &i)?))),
                        (None, Some(d)) => Some(Attachment::SupplierOrder(Box::new(
                            supplier_order::load(c, &d)?,
                        ))),
                        (None, None) => None,
                    };
                    Ok(OutgoingMail {
                        id,
                        to,
                        subject,
                        body,
                        attachment,
                        header_id,
                        in_reply_to,
                        references,
                    })
                })
                .collect()
        })
    }

    /// The SMTP server took the message: it is sent, and the order's timeline says so.
    pub fn mail_sent(&self, message_id: &str) -> Result<()> {
        self.db.shared_write(|tx| {
            let now = self.clock.now();
            let (order_id, kind, to): (Option<String>, String, String) = tx
                .query_opt(
                    "SELECT order_id, kind, address FROM message WHERE id = ?1",
                    args![message_id],
                    |r| r.tuple(),
                )?
                .ok_or(Error::NotFound { what: "message" })?;
            tx.execute(
                "UPDATE message SET status = 'sent', attempts = attempts + 1, sent_at = ?2,
                     next_attempt_at = NULL, last_error = NULL WHERE id = ?1",
                args![message_id, now.0],
            )?;
            if let Some(o) = order_id {
                order::event(tx, &o, now, None, "emailed", &format!("{kind} to {to}"))?;
            }
            Ok(())
        })
    }

    /// The send failed: try again after a growing delay, or give up after `MAX_ATTEMPTS`.
    pub fn mail_failed(&self, message_id: &str, error: &str) -> Result<()> {
        self.db.shared_write(|tx| {
            let now = self.clock.now();
            let attempts: i64 = tx
                .query_opt(
                    "SELECT attempts FROM message WHERE id = ?1",
                    args![message_id],
                    |r| r.get::<i64>(0),
                )?
                .ok_or(Error::NotFound { what: "message" })?
                + 1;
            let (status, next) = if attempts >= MAX_ATTEMPTS {
                ("failed", None)
            } else {
                ("queued", Some(now.0 + backoff_ms(attempts)))
            };
            tx.execute(
                "UPDATE message SET status = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5 WHERE id = ?1",
                args![message_id, status, attempts, next, error],
            )?;
            Ok(())
        })
    }

    /// Puts a waiting or failed message at the front of the queue.
    pub fn retry_message(&self, session: &Session, message_id: &str) -> Result<()> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let n = tx.execute(
                "UPDATE message SET status = 'queued', next_attempt_at = ?2
                 WHERE id = ?1 AND direction = 'out' AND status IN ('queued', 'failed')",
                args![message_id, self.clock.now().0],
            )?;
            if n == 0 {
                return Err(Error::Conflict(
                    "that message is not waiting to be sent".into(),
                ));
            }
            Ok(())
        })
    }

    /// Queues an e-mail about an order from a template (the invoice one attaches the invoice,
    /// issuing it if needed).
    pub fn email_order(&self, session: &Session, order_id: &str, kind: &str) -> Result<Message> {
        if !TEMPLATE_KINDS.contains(&kind) || kind == "refund" {
            return Err(Error::invalid(format!(
                "'{kind}' is not an e-mail that can be sent by hand"
            )));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            let invoice = match kind {
                "invoice" => {
                    super::lock_order(tx, order_id)?;
                    Some(invoice::issue_for_order(tx, order_id, session.staff_id(), now)?.id)
                }
                _ => None,
            };
            let extra: Vec<(String, String)> = match kind {
                "shipment" => tx
                    .query_opt(
                        "SELECT carrier, tracking FROM shipment WHERE order_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
                        args![order_id],
                        |r| Ok(vec![("carrier".to_string(), r.get(0)?), ("tracking_number".to_string(), r.get(1)?)]),
                    )?
                    .ok_or_else(|| Error::Conflict("the order has not shipped yet".into()))?,
                _ => Vec::new(),
            };
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let id = queue_for_order(tx, order_id, kind, invoice.as_deref(), &extra, now)?
                .ok_or_else(|| Error::invalid("the order has no valid e-mail address"))?;
            messages_where(tx, "m.id = ?1", &id)?
                .pop()
                .ok_or(Error::NotFound { what: "message" })
        })
    }

    /// Records a customer's reply (pasted from the mail program) on the order and customer.
    pub fn record_reply(
        &self,
        session: &Session,
        order_id: &str,
        from: &str,
        subject: &str,
        body: &str,
    ) -> Result<Message> {
        if body.trim().is_empty() {
            return Err(Error::invalid("paste the reply's text"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersView)?;
            let now = self.clock.now();
            let customer: Option<String> = tx
                .query_opt("SELECT customer_id FROM customer_order WHERE id = ?1", args![order_id], |r| r.get(0))?
                .ok_or(Error::NotFound { what: "order" })?;
            let id = new_id();
            tx.execute(
                "INSERT INTO message (id, direction, kind, order_id, customer_id, address, subject, body, status, created_at)
                 VALUES (?1, 'in', 'reply', ?2, ?3, ?4, ?5, ?6, 'received', ?7)",
                args![id, order_id, customer, from.trim(), subject.trim(), body.trim(), now.0],
            )?;
            order::event(tx, order_id, now, Some(session.staff_id()), "reply", subject.trim())?;
            messages_where(tx, "m.id = ?1", &id)?
                .pop()
                .ok_or(Error::NotFound { what: "message" })
        })
    }

    /// Every outgoing message not yet sent, for the outbox view.
    pub fn outbox(&self, session: &Session) -> Result<Vec<Message>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            messages_where(c, "m.direction = ?1 AND m.status <> 'sent'", "out")
        })
    }

    pub fn email_templates(&self, session: &Session) -> Result<Vec<EmailTemplate>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            c.query_map(
                &format!(
                    "SELECT kind, subject, body FROM email_template ORDER BY {}",
                    c.nocase("kind")
                ),
                args![],
                |r| {
                    Ok(EmailTemplate {
                        kind: r.get(0)?,
                        subject: r.get(1)?,
                        body: r.get(2)?,
                    })
                },
            )
        })
    }

    pub fn save_email_template(&self, session: &Session, t: &EmailTemplate) -> Result<()> {
        if !TEMPLATE_KINDS.contains(&t.kind.as_str()) {
            return Err(Error::invalid(format!("'{}' is not a template", t.kind)));
        }
        if t.subject.trim().is_empty() || t.body.trim().is_empty() {
            return Err(Error::invalid("a template needs a subject and a body"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            tx.execute(
                "UPDATE email_template SET subject = ?2, body = ?3 WHERE kind = ?1",
                args![t.kind, t.subject.trim(), t.body],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(backoff_ms(1), 60_000);
        assert_eq!(backoff_ms(2), 120_000);
        assert_eq!(backoff_ms(4), 480_000);
        assert_eq!(backoff_ms(30), 6 * 3_600_000);
    }

    #[test]
    fn templates_fill_their_placeholders() {
        let text = fill(
            "Order {order_number} for {customer_name}: {missing}",
            &[
                ("order_number", "#7".into()),
                ("customer_name", "Zoë".into()),
            ],
        );
        assert_eq!(text, "Order #7 for Zoë: {missing}");
    }
}
