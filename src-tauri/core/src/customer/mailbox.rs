//! The shop's mailbox as the desk sees it: the IMAP settings (the password stays in the OS
//! keychain), how far each folder has been read, and the rules that turn a fetched message into
//! a ticket — stored once per Message-ID, threaded by In-Reply-To and References, linked to the
//! customer by sender and to an order by a number in the subject or body.

use super::ticket::{self, NewTicket, TicketCategory, TicketChannel, TicketStatus};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::order::outbox::{keep_attachment, AttachmentDraft, ATTACHMENT_MAX_BYTES};
use crate::order::settings::SmtpSecurity;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::store::pg::Job;
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MailboxSettings {
    /// Empty: the shop reads no mailbox.
    pub imap_host: String,
    pub imap_port: u16,
    pub imap_security: SmtpSecurity,
    pub imap_username: String,
    pub imap_folder: String,
    /// How often new mail is fetched while the app runs.
    pub imap_every_minutes: u32,
}

/// How far a folder has been read, as the fetcher needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxPosition {
    pub uid_validity: u32,
    pub last_uid: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MailboxStatus {
    pub configured: bool,
    pub fetched_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

/// A message as the fetcher parsed it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncomingMail {
    /// The Message-ID with its angle brackets; None when the message had none.
    pub header_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from_address: String,
    pub from_name: String,
    pub subject: String,
    pub body: String,
    /// The Date header; the time of fetching when missing or unreadable.
    pub date: Option<Timestamp>,
    pub attachments: Vec<IncomingAttachment>,
    /// The raw message's bytes when it had no Message-ID, to give it a stable one.
    pub raw_digest: Option<String>,
    /// What the parser could not read ("broken MIME: body kept as raw text").
    pub remarks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingAttachment {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// What became of one fetched message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A new ticket was opened for it.
    NewTicket(String),
    /// It joined an existing ticket.
    Threaded(String),
    /// It was already stored (fetched before).
    Duplicate,
}

pub(crate) fn settings(conn: Conn) -> Result<MailboxSettings> {
    conn.query_row(
        "SELECT imap_host, imap_port, imap_security, imap_username, imap_folder, imap_every_minutes
         FROM shop WHERE id = 1",
        args![],
        |r| {
            let security: String = r.get(2)?;
            let port: u32 = r.get(1)?;
            Ok(MailboxSettings {
                imap_host: r.get(0)?,
                imap_port: u16::try_from(port)
                    .map_err(|_| Error::Storage(format!("IMAP port {port} is out of range")))?,
                imap_security: SmtpSecurity::parse(&security),
                imap_username: r.get(3)?,
                imap_folder: r.get(4)?,
                imap_every_minutes: r.get(5)?,
            })
        },
    )
}

/// Words of the subject and body that may be an order: "#1042" or "order 1042" (any length), a
/// bare "1042" or a marketplace's long order id (3 digits or more: shorter bare numbers are too
/// likely quantities or dates).
fn order_candidates(subject: &str, body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in [subject, body] {
        let mut after_order_word = false;
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '#' || c == '-')) {
            let w = word.trim_matches('-');
            if w.is_empty() {
                continue;
            }
            let hashed = w.starts_with('#');
            let digits = w.trim_start_matches('#');
            let is_number = !digits.is_empty()
                && digits.len() <= 20
                && digits.chars().all(|c| c.is_ascii_digit());
            if is_number
                && (hashed || after_order_word || digits.len() >= 3)
                && !out.iter().any(|o| o == digits)
            {
                out.push(digits.to_string());
            }
            let lower = w.to_lowercase();
            after_order_word = matches!(
                lower.as_str(),
                "order" | "no" | "nr" | "number" | "bestellung" | "commande"
            );
        }
    }
    out
}

/// The customer who writes from this address (main e-mail or another contact), not merged away.
fn customer_by_address(conn: Conn, address: &str) -> Result<Option<String>> {
    if address.is_empty() {
        return Ok(None);
    }
    conn.query_opt(
        "SELECT id FROM customer WHERE lower(email) = lower(?1) AND email IS NOT NULL
             AND merged_into IS NULL
         UNION ALL
         SELECT c.id FROM customer_contact k JOIN customer c ON c.id = k.customer_id
         WHERE k.kind = 'email' AND lower(k.value) = lower(?1) AND c.merged_into IS NULL
         LIMIT 1",
        args![address],
        |r| r.get(0),
    )
}

/// An order a message names, with whose it is and the address it was placed with.
struct OrderMatch {
    id: String,
    owner: Option<String>,
    email: Option<String>,
}

/// The order the message is about: the first number that names one, preferring the customer's.
fn order_for(
    conn: Conn,
    customer: Option<&str>,
    subject: &str,
    body: &str,
) -> Result<Option<OrderMatch>> {
    let mut first = None;
    for c in order_candidates(subject, body).into_iter().take(20) {
        if let Some(id) = ticket::find_order(conn, &c)? {
            let (owner, email): (Option<String>, Option<String>) = conn.query_row(
                "SELECT customer_id, email FROM customer_order WHERE id = ?1",
                args![id],
                |r| r.tuple(),
            )?;
            let found = OrderMatch { id, owner, email };
            if customer.is_some() && found.owner.as_deref() == customer {
                return Ok(Some(found));
            }
            first.get_or_insert(found);
        }
    }
    Ok(first)
}

pub(crate) fn receive_one(conn: Conn, m: &IncomingMail, now: Timestamp) -> Result<Received> {
    let header_id = match (&m.header_id, &m.raw_digest) {
        (Some(h), _) if !h.trim().is_empty() => h.trim().to_string(),
        // No Message-ID: one made from the bytes is the same however often it is fetched.
        (_, Some(d)) => format!("<{d}@no-message-id.shopdesk.invalid>"),
        _ => {
            return Err(Error::invalid(
                "a message without a Message-ID needs its digest",
            ))
        }
    };
    let seen: Option<i64> = conn.query_opt(
        "SELECT 1 FROM message WHERE header_id = ?1",
        args![header_id],
        |r| r.get(0),
    )?;
    if seen.is_some() {
        return Ok(Received::Duplicate);
    }
    let address = m.from_address.trim().to_lowercase();
    // The thread: any message we hold that this one answers or follows, newest named first.
    let mut thread: Option<String> = None;
    for parent in m.in_reply_to.iter().chain(m.references.iter().rev()) {
        thread = conn.query_opt(
            "SELECT ticket_id FROM message WHERE header_id = ?1 AND ticket_id IS NOT NULL",
            args![parent.trim()],
            |r| r.get(0),
        )?;
        if thread.is_some() {
            break;
        }
    }
    // The sender's clock, unless it is missing or claims the future.
    let at = m.date.filter(|d| d.0 > 0 && d.0 <= now.0).unwrap_or(now);
    let (ticket_id, received, customer, order) = match thread {
        Some(t) => {
            let (customer, order): (Option<String>, Option<String>) = conn.query_row(
                "SELECT customer_id, order_id FROM ticket WHERE id = ?1",
                args![t],
                |r| r.tuple(),
            )?;
            ticket::set_status(conn, &t, TicketStatus::WaitingUs)?;
            (t.clone(), Received::Threaded(t), customer, order)
        }
        None => {
            let mut customer = customer_by_address(conn, &address)?;
            let order = order_for(conn, customer.as_deref(), &m.subject, &m.body)?;
            if customer.is_none() {
                // Writing from the address the order was placed with makes them its customer.
                if let Some(o) = &order {
                    if o.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(&address))
                    {
                        customer = o.owner.clone();
                    }
                }
            }
            let order = order.map(|o| o.id);
            let t = ticket::open(
                conn,
                &NewTicket {
                    subject: &m.subject,
                    channel: TicketChannel::Email,
                    category: guess_category(&m.subject, &m.body),
                    customer_id: customer.as_deref(),
                    order_id: order.as_deref(),
                    address: &address,
                    by: None,
                },
                at,
            )?;
            (t.clone(), Received::NewTicket(t), customer, order)
        }
    };
    let message_id = new_id();
    let mut remarks = m.remarks.clone();
    let kept: Vec<&IncomingAttachment> = m
        .attachments
        .iter()
        .filter(|a| {
            let fits = a.bytes.len() <= ATTACHMENT_MAX_BYTES;
            if !fits {
                remarks.push(format!(
                    "attachment '{}' ({} MB) is over {} MB and was not kept: it is still in the mailbox",
                    a.name,
                    a.bytes.len() / (1024 * 1024),
                    ATTACHMENT_MAX_BYTES / (1024 * 1024)
                ));
            }
            fits
        })
        .collect();
    conn.execute(
        "INSERT INTO message (id, direction, kind, order_id, customer_id, address, subject, body, status,
             created_at, ticket_id, header_id, in_reply_to, refs, sender_name, remark)
         VALUES (?1, 'in', 'email', ?2, ?3, ?4, ?5, ?6, 'received', ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        args![
        message_id,
        order,
        customer,
        address,
        m.subject.trim(),
        m.body,
        at.0,
        ticket_id,
        header_id,
        m.in_reply_to.first(),
        m.references.join(" "),
            m.from_name.trim(),
            remarks.join("; "),
        ],
    )?;
    for a in kept {
        let draft = AttachmentDraft {
            message_id: Some(&message_id),
            claim_id: None,
            role: "other",
            name: &a.name,
            mime: &a.mime,
            bytes: &a.bytes,
            by: None,
        };
        keep_attachment(conn, &draft, at)?;
    }
    ticket::touch(conn, &ticket_id, at)?;
    Ok(received)
}

/// A first guess at what the customer wants, from words of the subject and body; staff change it.
fn guess_category(subject: &str, body: &str) -> TicketCategory {
    let text = format!("{subject} {body}").to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&["damaged", "broken", "smashed", "cracked"]) {
        TicketCategory::Damaged
    } else if has(&[
        "wrong item",
        "wrong size",
        "wrong colour",
        "wrong color",
        "not what i ordered",
    ]) {
        TicketCategory::WrongItem
    } else if has(&["return", "refund", "send back"]) {
        TicketCategory::Return
    } else if has(&[
        "where is my",
        "tracking",
        "not arrived",
        "hasn't arrived",
        "not received",
        "delivery",
    ]) {
        TicketCategory::WhereIsMyOrder
    } else {
        TicketCategory::Question
    }
}

impl Shop {
    /// Stores a batch of fetched messages and how far the folder has now been read, in one
    /// transaction: a fetch stopped midway leaves either all of a batch or none of it.
    pub fn receive_mail(
        &self,
        folder: &str,
        position: MailboxPosition,
        mails: &[IncomingMail],
    ) -> Result<Vec<Received>> {
        self.db.shared_write(|tx| {
            let now = self.clock.now();
            let out = mails
                .iter()
                .map(|m| receive_one(tx, m, now))
                .collect::<Result<Vec<_>>>()?;
            tx.execute(
                "INSERT INTO mailbox_state (folder, uid_validity, last_uid, fetched_at, last_error)
                 VALUES (?1, ?2, ?3, ?4, NULL)
                 ON CONFLICT (folder) DO UPDATE SET uid_validity = excluded.uid_validity,
                     last_uid = excluded.last_uid, fetched_at = excluded.fetched_at, last_error = NULL",
                args![folder, position.uid_validity, position.last_uid, now.0],
            )?;
            Ok(out)
        })
    }

    /// A mailbox is set up and its interval has passed since the last fetch (or there was none);
    /// on a shared shop, only at the one station that fetches (it holds the mailbox job), so a
    /// message is fetched once.
    pub fn mail_fetch_due(&self) -> Result<bool> {
        let now = self.clock.now();
        let (s, last) = self.db.shared_read(|c| {
            let s = settings(c)?;
            let last: Option<i64> = c.query_opt(
                "SELECT fetched_at FROM mailbox_state WHERE folder = ?1",
                args![s.imap_folder],
                |r| r.get(0),
            )?;
            Ok((s, last))
        })?;
        let due = last.is_none_or(|at| now.0 - at >= i64::from(s.imap_every_minutes) * 60_000);
        Ok(!s.imap_host.trim().is_empty() && due && self.db.runs(Job::Mailbox)?)
    }

    /// How far the folder has been read; None before the first fetch.
    pub fn mailbox_position(&self, folder: &str) -> Result<Option<MailboxPosition>> {
        self.db.shared_read(|c| {
            c.query_opt(
                "SELECT uid_validity, last_uid FROM mailbox_state WHERE folder = ?1",
                args![folder],
                |r| {
                    Ok(MailboxPosition {
                        uid_validity: r.get(0)?,
                        last_uid: r.get(1)?,
                    })
                },
            )
        })
    }

    /// A fetch that failed says why on the desk until the next one succeeds.
    pub fn mailbox_failed(&self, folder: &str, error: &str) -> Result<()> {
        self.db.shared_write(|tx| {
            tx.execute(
                "INSERT INTO mailbox_state (folder, uid_validity, last_uid, fetched_at, last_error)
                 VALUES (?1, 0, 0, ?2, ?3)
                 ON CONFLICT (folder) DO UPDATE SET fetched_at = excluded.fetched_at, last_error = excluded.last_error",
                args![folder, self.clock.now().0, error],
            )?;
            Ok(())
        })
    }

    /// The settings the fetcher connects with (no session: it runs on its own schedule).
    pub fn mailbox_settings_for_fetch(&self) -> Result<MailboxSettings> {
        self.db.shared_read(settings)
    }

    pub fn mailbox_settings(&self, session: &Session) -> Result<MailboxSettings> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            settings(c)
        })
    }

    pub fn mailbox_status(&self, session: &Session) -> Result<MailboxStatus> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let s = settings(c)?;
            let (fetched_at, last_error) = c
                .query_opt(
                    "SELECT fetched_at, last_error FROM mailbox_state WHERE folder = ?1",
                    args![s.imap_folder],
                    |r| Ok((Some(Timestamp(r.get(0)?)), r.get(1)?)),
                )?
                .unwrap_or((None, None));
            Ok(MailboxStatus {
                configured: !s.imap_host.trim().is_empty(),
                fetched_at,
                last_error,
            })
        })
    }

    pub fn save_mailbox_settings(
        &self,
        session: &Session,
        s: &MailboxSettings,
    ) -> Result<MailboxSettings> {
        let host = s.imap_host.trim();
        if !host.is_empty() && (host.contains(' ') || host.contains('/')) {
            return Err(Error::invalid(format!("'{host}' is not a server name")));
        }
        if !host.is_empty() && s.imap_username.trim().is_empty() {
            return Err(Error::invalid(
                "the mailbox needs a user name to sign in with",
            ));
        }
        if s.imap_port == 0 {
            return Err(Error::invalid("the IMAP port must be 1–65535"));
        }
        if !(1..=1440).contains(&s.imap_every_minutes) {
            return Err(Error::invalid("fetch mail every 1 to 1440 minutes"));
        }
        let folder = match s.imap_folder.trim() {
            "" => "INBOX",
            f => f,
        };
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            tx.execute(
                "UPDATE shop SET imap_host = ?1, imap_port = ?2, imap_security = ?3, imap_username = ?4,
                     imap_folder = ?5, imap_every_minutes = ?6 WHERE id = 1",
                args![
                    host,
                    u32::from(s.imap_port),
                    s.imap_security.as_str(),
                    s.imap_username.trim(),
                    folder,
                    s.imap_every_minutes
                ],
            )?;
            settings(tx)
        })
    }

    /// The account whose password someone who manages settings may change.
    pub fn mailbox_settings_to_change(&self, session: &Session) -> Result<MailboxSettings> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::SettingsManage)?;
            settings(c)
        })
    }

    /// Checks the signed-in staff member may fetch mail now (the fetch itself runs in the mail
    /// crate).
    pub fn ready_to_fetch_mail_now(&self, session: &Session) -> Result<()> {
        self.db
            .shared_read(|c| authorize(c, session, Permission::OrdersView))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_are_found_in_words_not_in_dates_or_short_numbers() {
        assert_eq!(
            order_candidates(
                "Re: Order #1042",
                "I ordered 2 mugs on 12.05, order 1042, ref 55-AB"
            ),
            vec!["1042"]
        );
        assert_eq!(order_candidates("Order 7 broken", "see #8"), vec!["7", "8"]);
        assert_eq!(
            order_candidates("Where is 7001234567890?", ""),
            vec!["7001234567890"]
        );
        assert!(order_candidates("hello", "I ordered 2 mugs").is_empty());
    }

    #[test]
    fn categories_are_guessed_from_the_words_used() {
        assert_eq!(guess_category("Broken mug", ""), TicketCategory::Damaged);
        assert_eq!(
            guess_category("Order 1042", "where is my parcel?"),
            TicketCategory::WhereIsMyOrder
        );
        assert_eq!(
            guess_category("Hi", "can I return this?"),
            TicketCategory::Return
        );
        assert_eq!(
            guess_category("Hi", "do you sell teapots?"),
            TicketCategory::Question
        );
    }
}
