//! The service desk: every inquiry is a ticket — an e-mail thread from the shop's mailbox
//! (`mailbox.rs` stores and threads it), a phone call or a question at the counter — with a
//! status, an assignee, a category, internal notes, and links to its customer and order. Replies
//! go out through the outbox with the thread's headers; saved replies are filled from the order.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::order::claim_file::{self, ClaimFile};
use crate::order::outbox::{attachment_info, AttachmentInfo};
use crate::order::{carrier, order_name, order_stage, ClaimDraft, ClaimKind, OrderStage};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Arg, Conn, Param, Row};
use crate::store::{from_word, next_number, word};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// New, nobody has answered yet.
    Open,
    WaitingCustomer,
    /// The customer wrote again.
    WaitingUs,
    Resolved,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TicketCategory {
    WhereIsMyOrder,
    Return,
    Damaged,
    WrongItem,
    Question,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TicketChannel {
    Email,
    Phone,
    Counter,
}

/// "T1042": a ticket's number as people say it, never mistaken for an order's "#1042".
pub fn ticket_name(number: i64) -> String {
    format!("T{number}")
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TicketView {
    /// Open or waiting on either side.
    #[default]
    Active,
    /// Waiting on the shop: new or the customer wrote again.
    NeedsAnswer,
    Resolved,
    All,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct TicketQuery {
    pub view: TicketView,
    /// Words of the subject, the sender, a ticket ("T1001") or order ("#1042") number.
    pub text: String,
    pub customer_id: Option<String>,
    pub order_id: Option<String>,
    /// Only the ones assigned to the signed-in staff member.
    pub mine: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TicketRow {
    pub id: String,
    pub name: String,
    pub subject: String,
    pub channel: TicketChannel,
    pub status: TicketStatus,
    pub category: TicketCategory,
    /// The customer's name, or the address it came from when no customer is linked.
    pub who: String,
    pub order_name: Option<String>,
    pub assignee: Option<String>,
    #[ts(type = "number")]
    pub messages: i64,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TicketPage {
    pub rows: Vec<TicketRow>,
    #[ts(type = "number")]
    pub total: i64,
}

/// One line of a ticket's conversation: a message in or out, or something done on it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TicketEntry {
    pub at: Timestamp,
    /// "in" (from the customer), "out" (a reply), "note", or the event: status, assignee,
    /// category, order, customer, claim.
    pub kind: String,
    /// The sender's name and address, or the staff member.
    pub who: String,
    pub subject: String,
    pub body: String,
    /// For replies: queued, sent, failed.
    pub status: String,
    /// How the message was stored when something was left out ("attachment too large").
    pub remark: String,
    pub attachments: Vec<AttachmentInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TicketOrder {
    pub id: String,
    pub name: String,
    pub stage: OrderStage,
    pub carrier: String,
    pub tracking: String,
    pub tracking_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Ticket {
    pub id: String,
    pub name: String,
    pub subject: String,
    pub channel: TicketChannel,
    pub status: TicketStatus,
    pub category: TicketCategory,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub order: Option<TicketOrder>,
    /// Where replies go.
    pub address: String,
    pub assignee_id: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub entries: Vec<TicketEntry>,
    /// Claims opened on the linked order, newest last.
    pub claim_ids: Vec<String>,
}

/// A phone call or a question at the counter, logged as a ticket.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
pub struct NewInquiry {
    pub channel: TicketChannel,
    pub subject: String,
    /// What the customer asked, in the clerk's words.
    pub body: String,
    pub category: TicketCategory,
    pub customer_id: Option<String>,
    /// An order number ("1042", "#1042") or id.
    pub order: Option<String>,
}

/// What to change on a ticket; fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct TicketChange {
    pub status: Option<TicketStatus>,
    pub category: Option<TicketCategory>,
    /// A staff id; "" unassigns.
    pub assignee_id: Option<String>,
    /// An order number or id; "" unlinks.
    pub order: Option<String>,
    /// A customer id; "" unlinks.
    pub customer_id: Option<String>,
}

/// The most rows one page of tickets returns.
const PAGE_MAX: u32 = 500;

pub(crate) fn event(
    conn: Conn,
    ticket_id: &str,
    at: Timestamp,
    staff_id: Option<&str>,
    kind: &str,
    detail: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO ticket_event (id, ticket_id, at, staff_id, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![new_id(), ticket_id, at.0, staff_id, kind, detail],
    )?;
    touch(conn, ticket_id, at)
}

/// The ticket moved at `at` (never back: a message dated earlier does not push it down).
pub(crate) fn touch(conn: Conn, ticket_id: &str, at: Timestamp) -> Result<()> {
    let later = conn.greatest("updated_at", "?2");
    conn.execute(
        &format!("UPDATE ticket SET updated_at = {later} WHERE id = ?1"),
        args![ticket_id, at.0],
    )?;
    Ok(())
}

/// A ticket about to be opened.
pub(crate) struct NewTicket<'a> {
    pub subject: &'a str,
    pub channel: TicketChannel,
    pub category: TicketCategory,
    pub customer_id: Option<&'a str>,
    pub order_id: Option<&'a str>,
    pub address: &'a str,
    /// The staff member who logged it; none for mail.
    pub by: Option<&'a str>,
}

/// Opens a ticket and gives it the next number: from the shop's counter, so stations opening
/// tickets at once each get their own (the counter starts after the highest number a shop
/// already has, T1001 for a new one).
pub(crate) fn open(conn: Conn, t: &NewTicket, now: Timestamp) -> Result<String> {
    let id = new_id();
    let subject = match t.subject.trim() {
        "" => "(no subject)",
        s => s,
    };
    conn.execute(
        "INSERT INTO counter (name, next)
         SELECT 'ticket', coalesce(max(number), 1000) + 1 FROM ticket WHERE TRUE
         ON CONFLICT (name) DO NOTHING",
        args![],
    )?;
    let number = next_number(conn, "ticket")?;
    conn.execute(
        "INSERT INTO ticket (id, number, subject, channel, category, customer_id, order_id, address,
             created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        args![
            id,
            number,
            subject,
            word(t.channel),
            word(t.category),
            t.customer_id,
            t.order_id,
            t.address,
            t.by,
            now.0
        ],
    )?;
    Ok(id)
}

/// The order a number or id names: "#1042", "1042", "O1042", an order id, or a marketplace
/// order id.
pub(crate) fn find_order(conn: Conn, text: &str) -> Result<Option<String>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let by_id: Option<String> = conn.query_opt(
        "SELECT id FROM customer_order WHERE id = ?1",
        args![t],
        |r| r.get(0),
    )?;
    match by_id {
        Some(id) => Ok(Some(id)),
        None => match crate::order::find_order(conn, t) {
            Ok(id) => Ok(Some(id)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        },
    }
}

fn order_of(conn: Conn, text: &str) -> Result<String> {
    find_order(conn, text)?
        .ok_or_else(|| Error::invalid(format!("no order is numbered '{}'", text.trim())))
}

fn ticket_row(r: &Row) -> Result<TicketRow> {
    Ok(TicketRow {
        id: r.get(0)?,
        name: ticket_name(r.get(1)?),
        subject: r.get(2)?,
        channel: from_word(r.text(3)?)?,
        status: from_word(r.text(4)?)?,
        category: from_word(r.text(5)?)?,
        who: r.get(6)?,
        order_name: r.get::<Option<i64>>(7)?.map(order_name),
        assignee: r.get(8)?,
        messages: r.get(9)?,
        updated_at: Timestamp(r.get(10)?),
    })
}

/// A ticket's messages and events in time order; ties in the order they were made (their ids
/// are made in time order), a message before the event it caused.
fn entries(conn: Conn, ticket_id: &str) -> Result<Vec<TicketEntry>> {
    let mut out: Vec<TicketEntry> = Vec::new();
    let rows: Vec<(String, TicketEntry)> = conn.query_map(
        "SELECT m.id, m.created_at, m.direction, m.sender_name, m.address, m.subject, m.body, m.status, m.remark
         FROM message m WHERE m.ticket_id = ?1 ORDER BY m.created_at, m.id",
        args![ticket_id],
        |r| {
            let name: String = r.get(3)?;
            let address: String = r.get(4)?;
            let direction: String = r.get(2)?;
            Ok((
                r.get(0)?,
                TicketEntry {
                    at: Timestamp(r.get(1)?),
                    who: match (direction.as_str(), name.is_empty()) {
                        ("out", _) => address,
                        (_, true) => address,
                        _ => format!("{name} <{address}>"),
                    },
                    kind: direction,
                    subject: r.get(5)?,
                    body: r.get(6)?,
                    status: r.get(7)?,
                    remark: r.get(8)?,
                    attachments: Vec::new(),
                },
            ))
        },
    )?;
    for (id, mut e) in rows {
        e.attachments = conn.query_map(
            "SELECT id, name, mime, size, role FROM attachment WHERE message_id = ?1 ORDER BY id",
            args![id],
            attachment_info,
        )?;
        out.push(e);
    }
    let events = conn.query_map(
        "SELECT e.at, e.kind, coalesce(s.name, ''), e.detail FROM ticket_event e
         LEFT JOIN staff s ON s.id = e.staff_id WHERE e.ticket_id = ?1 ORDER BY e.at, e.id",
        args![ticket_id],
        |r| {
            Ok(TicketEntry {
                at: Timestamp(r.get(0)?),
                kind: r.get(1)?,
                who: r.get(2)?,
                subject: String::new(),
                body: r.get(3)?,
                status: String::new(),
                remark: String::new(),
                attachments: Vec::new(),
            })
        },
    )?;
    out.extend(events);
    // Stable: a message and the event it caused at the same instant keep that order.
    out.sort_by_key(|e| e.at);
    Ok(out)
}

pub(crate) fn load(conn: Conn, id: &str) -> Result<Ticket> {
    let mut t = conn
        .query_opt(
            "SELECT t.id, t.number, t.subject, t.channel, t.status, t.category, t.customer_id, c.name,
                    t.order_id, t.address, t.assignee_id, t.created_at, t.updated_at
             FROM ticket t LEFT JOIN customer c ON c.id = t.customer_id WHERE t.id = ?1",
            args![id],
            |r| {
                Ok(Ticket {
                    id: r.get(0)?,
                    name: ticket_name(r.get(1)?),
                    subject: r.get(2)?,
                    channel: from_word(r.text(3)?)?,
                    status: from_word(r.text(4)?)?,
                    category: from_word(r.text(5)?)?,
                    customer_id: r.get(6)?,
                    customer_name: r.get(7)?,
                    order: r.get::<Option<String>>(8)?.map(|id| TicketOrder {
                        id,
                        name: String::new(),
                        stage: OrderStage::Open,
                        carrier: String::new(),
                        tracking: String::new(),
                        tracking_url: String::new(),
                    }),
                    address: r.get(9)?,
                    assignee_id: r.get(10)?,
                    created_at: Timestamp(r.get(11)?),
                    updated_at: Timestamp(r.get(12)?),
                    entries: Vec::new(),
                    claim_ids: Vec::new(),
                })
            },
        )?
        .ok_or(Error::NotFound { what: "ticket" })?;
    if let Some(o) = t.order.as_mut() {
        let number: i64 = conn.query_row(
            "SELECT number FROM customer_order WHERE id = ?1",
            args![o.id],
            |r| r.get(0),
        )?;
        o.name = order_name(number);
        o.stage = order_stage(conn, &o.id)?;
        let shipped: Option<(String, String)> = conn.query_opt(
            "SELECT carrier, tracking FROM shipment WHERE order_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
            args![o.id],
            |r| r.tuple(),
        )?;
        if let Some((c, tr)) = shipped {
            o.tracking_url = carrier::tracking_url(conn, &c, &tr)?;
            o.carrier = c;
            o.tracking = tr;
        }
        t.claim_ids = conn.query_map(
            "SELECT id FROM claim WHERE order_id = ?1 ORDER BY created_at, id",
            args![o.id],
            |r| r.get(0),
        )?;
    }
    t.entries = entries(conn, id)?;
    Ok(t)
}

/// Sets one of the ticket's columns (a name from this module, never typed text).
fn set(conn: Conn, id: &str, column: &'static str, value: &dyn Param) -> Result<()> {
    conn.execute(
        &format!("UPDATE ticket SET {column} = ?2 WHERE id = ?1"),
        args![id, value],
    )?;
    Ok(())
}

pub(crate) fn set_status(conn: Conn, id: &str, status: TicketStatus) -> Result<()> {
    set(conn, id, "status", &word(status))
}

impl Shop {
    /// The desk's list: a view, a search, a page at a time, liveliest first.
    pub fn tickets(&self, session: &Session, q: &TicketQuery) -> Result<TicketPage> {
        let limit = match q.limit {
            0 => 100,
            n => n.min(PAGE_MAX),
        };
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let mut filter = vec![match q.view {
                TicketView::Active => "t.status IN ('open', 'waiting_customer', 'waiting_us')",
                TicketView::NeedsAnswer => "t.status IN ('open', 'waiting_us')",
                TicketView::Resolved => "t.status IN ('resolved', 'closed')",
                TicketView::All => "1 = 1",
            }
            .to_string()];
            let mut args: Vec<Arg> = Vec::new();
            let text = q.text.trim();
            if !text.is_empty() {
                args.push(Arg::Text(format!(
                    "%{}%",
                    text.replace(['%', '_', '\\'], "")
                )));
                let n = args.len();
                let mut any = ["t.subject", "t.address", "c.name"]
                    .map(|column| c.like(column, n))
                    .join(" OR ");
                if let Ok(number) = text.trim_start_matches(['#', 'T', 't']).parse::<i64>() {
                    args.push(Arg::Int(number));
                    let n = args.len();
                    any.push_str(&format!(" OR t.number = ?{n} OR o.number = ?{n}"));
                }
                filter.push(format!("({any})"));
            }
            for (value, column) in [
                (&q.customer_id, "t.customer_id"),
                (&q.order_id, "t.order_id"),
            ] {
                if let Some(v) = value {
                    args.push(Arg::Text(v.clone()));
                    filter.push(format!("{column} = ?{}", args.len()));
                }
            }
            if q.mine {
                args.push(Arg::Text(session.staff_id().to_string()));
                filter.push(format!("t.assignee_id = ?{}", args.len()));
            }
            let from = format!(
                "FROM ticket t LEFT JOIN customer c ON c.id = t.customer_id
                 LEFT JOIN customer_order o ON o.id = t.order_id WHERE {}",
                filter.join(" AND ")
            );
            let params: Vec<&dyn Param> = args.iter().map(|a| a as &dyn Param).collect();
            let total: i64 =
                c.query_row(&format!("SELECT count(*) {from}"), &params, |r| r.get(0))?;
            let sql = format!(
                "SELECT t.id, t.number, t.subject, t.channel, t.status, t.category,
                        coalesce(c.name, nullif(t.address, ''), '—'), o.number,
                        (SELECT name FROM staff WHERE id = t.assignee_id),
                        (SELECT count(*) FROM message m WHERE m.ticket_id = t.id), t.updated_at
                 {from} ORDER BY t.updated_at DESC, t.number DESC LIMIT {limit} OFFSET {}",
                q.offset
            );
            let rows = c.query_map(&sql, &params, ticket_row)?;
            Ok(TicketPage { rows, total })
        })
    }

    pub fn ticket(&self, session: &Session, id: &str) -> Result<Ticket> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            load(c, id)
        })
    }

    /// Logs a phone call or a counter question as a ticket; anyone who may see orders may.
    pub fn log_inquiry(&self, session: &Session, n: &NewInquiry) -> Result<Ticket> {
        if n.channel == TicketChannel::Email {
            return Err(Error::invalid(
                "e-mail tickets come from the mailbox; log a phone call or a counter question",
            ));
        }
        if n.subject.trim().is_empty() && n.body.trim().is_empty() {
            return Err(Error::invalid("say what the customer asked"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersView)?;
            let now = self.clock.now();
            let order_id = match n.order.as_deref().map(str::trim) {
                Some(o) if !o.is_empty() => Some(order_of(tx, o)?),
                _ => None,
            };
            let mut customer_id = n.customer_id.clone().filter(|c| !c.is_empty());
            if customer_id.is_none() {
                if let Some(o) = &order_id {
                    customer_id = tx.query_row(
                        "SELECT customer_id FROM customer_order WHERE id = ?1",
                        args![o],
                        |r| r.get(0),
                    )?;
                }
            }
            let address: String = match &customer_id {
                Some(c) => tx
                    .query_opt(
                        "SELECT coalesce(email, '') FROM customer WHERE id = ?1",
                        args![c],
                        |r| r.get(0),
                    )?
                    .ok_or(Error::NotFound { what: "customer" })?,
                None => String::new(),
            };
            let subject = match n.subject.trim() {
                "" => n
                    .body
                    .trim()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(80)
                    .collect(),
                s => s.to_string(),
            };
            let id = open(
                tx,
                &NewTicket {
                    subject: &subject,
                    channel: n.channel,
                    category: n.category,
                    customer_id: customer_id.as_deref(),
                    order_id: order_id.as_deref(),
                    address: &address,
                    by: Some(session.staff_id()),
                },
                now,
            )?;
            if !n.body.trim().is_empty() {
                event(
                    tx,
                    &id,
                    now,
                    Some(session.staff_id()),
                    "note",
                    n.body.trim(),
                )?;
            }
            load(tx, &id)
        })
    }

    /// Changes status, category, assignee or links; each change is on the ticket's timeline.
    pub fn change_ticket(&self, session: &Session, id: &str, ch: &TicketChange) -> Result<Ticket> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            let by = Some(session.staff_id());
            let before = load(tx, id)?;
            if let Some(s) = ch.status.filter(|s| *s != before.status) {
                set_status(tx, id, s)?;
                event(tx, id, now, by, "status", &word(s))?;
            }
            if let Some(k) = ch.category.filter(|k| *k != before.category) {
                set(tx, id, "category", &word(k))?;
                event(tx, id, now, by, "category", &word(k))?;
            }
            if let Some(a) = &ch.assignee_id {
                let a = Some(a.as_str()).filter(|a| !a.is_empty());
                if a != before.assignee_id.as_deref() {
                    let name: String = match a {
                        Some(a) => tx
                            .query_opt(
                                "SELECT name FROM staff WHERE id = ?1 AND active = 1",
                                args![a],
                                |r| r.get(0),
                            )?
                            .ok_or(Error::NotFound {
                                what: "staff member",
                            })?,
                        None => "nobody".into(),
                    };
                    set(tx, id, "assignee_id", &a)?;
                    event(tx, id, now, by, "assignee", &name)?;
                }
            }
            if let Some(o) = &ch.order {
                let order = match o.trim() {
                    "" => None,
                    o => Some(order_of(tx, o)?),
                };
                if order.as_deref() != before.order.as_ref().map(|o| o.id.as_str()) {
                    set(tx, id, "order_id", &order)?;
                    let detail = match &order {
                        Some(o) => order_name(tx.query_row(
                            "SELECT number FROM customer_order WHERE id = ?1",
                            args![o],
                            |r| r.get(0),
                        )?),
                        None => "unlinked".into(),
                    };
                    event(tx, id, now, by, "order", &detail)?;
                }
            }
            if let Some(c) = &ch.customer_id {
                let c = Some(c.as_str()).filter(|c| !c.is_empty());
                if c != before.customer_id.as_deref() {
                    let (name, email): (String, Option<String>) = match c {
                        Some(c) => tx
                            .query_opt(
                                "SELECT name, email FROM customer WHERE id = ?1",
                                args![c],
                                |r| r.tuple(),
                            )?
                            .ok_or(Error::NotFound { what: "customer" })?,
                        None => ("unlinked".into(), None),
                    };
                    set(tx, id, "customer_id", &c)?;
                    // Their messages belong to them too: on their record, in an export, erased.
                    tx.execute(
                        "UPDATE message SET customer_id = ?2 WHERE ticket_id = ?1",
                        args![id, c],
                    )?;
                    // A call logged without an address can now be answered by e-mail.
                    if let Some(email) = email.filter(|_| before.address.is_empty()) {
                        set(tx, id, "address", &email)?;
                    }
                    event(tx, id, now, by, "customer", &name)?;
                }
            }
            load(tx, id)
        })
    }

    /// An internal note: staff see it, the customer never does.
    pub fn note_ticket(&self, session: &Session, id: &str, text: &str) -> Result<Ticket> {
        if text.trim().is_empty() {
            return Err(Error::invalid("the note is empty"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersView)?;
            load(tx, id)?;
            event(
                tx,
                id,
                self.clock.now(),
                Some(session.staff_id()),
                "note",
                text.trim(),
            )?;
            load(tx, id)
        })
    }

    /// Opens a claim on the ticket's order from the ticket: the claim carries the ticket, the
    /// ticket's timeline says so and its category follows the claim's kind.
    pub fn claim_from_ticket(
        &self,
        session: &Session,
        ticket_id: &str,
        d: &ClaimDraft,
    ) -> Result<ClaimFile> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            let t = load(tx, ticket_id)?;
            let order = t.order.ok_or_else(|| {
                Error::invalid(format!("link ticket {} to its order first", t.name))
            })?;
            let claim = crate::order::open_claim_in(
                tx,
                session.staff_id(),
                &order.id,
                d,
                Some(ticket_id),
                now,
            )?;
            let category = match d.kind {
                Some(ClaimKind::WrongItem) => TicketCategory::WrongItem,
                _ => TicketCategory::Damaged,
            };
            tx.execute(
                "UPDATE ticket SET category = ?2 WHERE id = ?1",
                args![ticket_id, word(category)],
            )?;
            event(
                tx,
                ticket_id,
                now,
                Some(session.staff_id()),
                "claim",
                &format!("claim opened on {}", order.name),
            )?;
            claim_file::load(tx, &claim, now)
        })
    }

    /// An attachment's name, type and bytes, to open or save.
    pub fn attachment(&self, session: &Session, id: &str) -> Result<(AttachmentInfo, Vec<u8>)> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            c.query_opt(
                "SELECT a.id, a.name, a.mime, a.size, a.role, d.bytes FROM attachment a
                 JOIN attachment_data d ON d.sha256 = a.sha256 WHERE a.id = ?1",
                args![id],
                |r| Ok((attachment_info(r)?, r.get(5)?)),
            )?
            .ok_or(Error::NotFound { what: "attachment" })
        })
    }
}
