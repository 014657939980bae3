//! Orders coming in from a marketplace, exactly once: one `channel_order` row per (channel,
//! external id) written in the same transaction as the order, so a page pulled twice, an
//! overlapping window or a crash between pull and commit can never make a second order. Later
//! versions of the same order bring its payment, refunds and cancellation; each refund is
//! applied once by its marketplace id. An order that cannot be read is quarantined with its error
//! and the rest of the page goes on.

use super::{actor, load_channel, Channel};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::order::{
    self, cancel_in, create_under, read_ahead, record_money, Address, MoneyMove, OrderDraft,
    OrderLineDraft, OrderStatus, OrderTerms,
};
use crate::sql::{args, Arg, Conn, Engine};
use crate::store::with_search_deferred;
use crate::Shop;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use ts_rs::TS;

/// An order as a connector read it: money already exact, in minor units of `currency`; times
/// already UTC.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoteOrder {
    pub external_id: String,
    /// The marketplace's own order number, for the timeline ("#1001").
    pub number: String,
    pub updated_at: Timestamp,
    /// ISO 4217 code of the shop currency the amounts are in.
    pub currency: String,
    pub email: String,
    pub phone: String,
    pub shipping: Address,
    pub billing: Option<Address>,
    pub lines: Vec<RemoteLine>,
    pub shipping_method: String,
    pub shipping_minor: i64,
    pub total_minor: i64,
    /// The customer has paid (captured or authorised on the marketplace).
    pub paid: bool,
    pub cancelled: bool,
    pub refunds: Vec<RemoteRefund>,
    pub risk: Option<String>,
    pub note: String,
    /// The marketplace's JSON, kept as received.
    pub raw: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoteLine {
    /// The marketplace's line id (fulfilments name lines by it).
    pub remote_id: String,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// Off the whole line.
    pub discount_minor: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoteRefund {
    pub id: String,
    pub amount_minor: i64,
}

/// One order of a page: read, or not readable (with why).
#[derive(Debug, Clone, PartialEq)]
pub enum Pulled {
    Order(Box<RemoteOrder>),
    Malformed {
        external_id: String,
        error: String,
        raw: String,
    },
}

/// What one page did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct IngestTally {
    #[ts(type = "number")]
    pub created: i64,
    #[ts(type = "number")]
    pub updated: i64,
    /// Seen before with nothing new (the overlap window, a page served twice).
    #[ts(type = "number")]
    pub unchanged: i64,
    #[ts(type = "number")]
    pub quarantined: i64,
    /// The latest `updated_at` among the orders read (quarantined ones included: they are
    /// listed for a person, and re-reading them forever would not fix them).
    pub newest: Option<Timestamp>,
}

impl IngestTally {
    fn count(&mut self, done: Ingested) {
        match done {
            Ingested::Created => self.created += 1,
            Ingested::Updated => self.updated += 1,
            Ingested::Unchanged => self.unchanged += 1,
        }
    }

    pub fn add(&mut self, o: &IngestTally) {
        self.created += o.created;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.quarantined += o.quarantined;
        self.newest = self.newest.max(o.newest);
    }
}

/// What every order of a page shares: read once per page, not once per order.
struct Page<'a> {
    channel: &'a Channel,
    staff: String,
    terms: OrderTerms,
    now: Timestamp,
    skus: SkuVariants,
    /// The page's orders the channel has entered: the order, and the marketplace's last update
    /// taken in.
    known: HashMap<String, (String, i64)>,
}

impl Page<'_> {
    fn event(&self, conn: Conn, order_id: &str, kind: &str, detail: &str) -> Result<()> {
        let by = (self.now, Some(self.staff.as_str()));
        order::event_later(conn, self.terms.later(), order_id, by, kind, detail)
    }

    /// Writes the rows the page kept for its end, before something reads them.
    fn write_kept(&self, conn: Conn) -> Result<()> {
        match self.terms.later() {
            Some(rows) => rows.write(conn),
            None => Ok(()),
        }
    }
}

/// How one order went.
enum Ingested {
    Created,
    Updated,
    Unchanged,
}

fn decimal(minor: i64, cur: Currency) -> String {
    Money::from_minor(minor, cur).to_decimal_string()
}

/// The variants of a batch of marketplace SKUs (a page's lines, a channel's listings), read at
/// once: the catalog's SKU, else a link made by hand.
pub(super) struct SkuVariants {
    found: HashMap<String, String>,
    engine: Engine,
}

impl SkuVariants {
    pub(super) fn read<'s>(
        conn: Conn,
        channel_id: &str,
        skus: impl Iterator<Item = &'s str>,
    ) -> Result<SkuVariants> {
        let engine = conn.engine();
        let skus: Vec<Arg> = skus
            .map(str::trim)
            .filter(|sku| !sku.is_empty())
            .map(Arg::from)
            .collect();
        let pair = |r: &crate::sql::Row| Ok((sku_key(engine, &r.get::<String>(0)?), r.get(1)?));
        // A hand link, then the catalog's own SKU over it.
        let mut found: HashMap<String, String> = conn
            .query_in_with(
                "SELECT sku, variant_id FROM channel_sku_link
                 WHERE channel_id = ?1 AND variant_id IS NOT NULL AND sku IN ({})",
                &[Arg::from(channel_id)],
                &skus,
                pair,
            )?
            .into_iter()
            .collect();
        found.extend(conn.query_in(
            "SELECT sku, id FROM variant WHERE sku IN ({})",
            &skus,
            pair,
        )?);
        Ok(SkuVariants { found, engine })
    }

    /// The variants found.
    pub(super) fn variants(&self) -> Vec<String> {
        self.found.values().cloned().collect()
    }

    /// The variant `sku` is; an unknown one goes on the channel's fix-it list.
    pub(super) fn variant(
        &self,
        conn: Conn,
        channel_id: &str,
        (sku, title): (&str, &str),
        now: Timestamp,
    ) -> Result<Option<String>> {
        let sku = sku.trim();
        if sku.is_empty() {
            return Ok(None);
        }
        let found = self.found.get(&sku_key(self.engine, sku)).cloned();
        if found.is_none() {
            conn.execute(
                "INSERT INTO channel_sku_link (channel_id, sku, title, seen_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (channel_id, sku) DO NOTHING",
                args![channel_id, sku, title, now.0],
            )?;
        }
        Ok(found)
    }
}

/// SKUs compare without case (SQLite's NOCASE folds ASCII letters, PostgreSQL's citext
/// lower()s), so the rows found are matched to the SKUs asked the same way.
fn sku_key(engine: Engine, sku: &str) -> String {
    match engine {
        Engine::Sqlite => sku.to_ascii_lowercase(),
        Engine::Postgres => sku.to_lowercase(),
    }
}

fn draft_of(conn: Conn, page: &Page, o: &RemoteOrder) -> Result<OrderDraft> {
    let (cur, now) = (page.terms.currency, page.now);
    let mut lines = Vec::with_capacity(o.lines.len());
    for l in &o.lines {
        let variant = page
            .skus
            .variant(conn, &page.channel.id, (&l.sku, &l.title), now)?;
        let title = match (&variant, l.sku.trim()) {
            (None, sku) if !sku.is_empty() => format!("{} (SKU {sku})", l.title.trim()),
            _ => l.title.trim().to_string(),
        };
        lines.push(OrderLineDraft {
            variant_id: variant,
            title: if title.is_empty() {
                "Item".into()
            } else {
                title
            },
            quantity: l.quantity,
            unit_price: decimal(l.unit_price_minor, cur),
            discount: if l.discount_minor == 0 {
                String::new()
            } else {
                decimal(l.discount_minor, cur)
            },
            ..OrderLineDraft::default()
        });
    }
    Ok(OrderDraft {
        channel: page.channel.name.clone(),
        external_id: Some(o.external_id.clone()),
        email: o.email.clone(),
        phone: o.phone.clone(),
        shipping: o.shipping.clone(),
        billing: o.billing.clone(),
        lines,
        shipping_method: o.shipping_method.clone(),
        shipping_price: decimal(o.shipping_minor, cur),
        channel_risk: o.risk.clone(),
        note: o.note.clone(),
        ..OrderDraft::default()
    })
}

/// Brings an order's money and status up to what the marketplace says: payment once, each
/// refund once, then the cancellation. A cancellation Shopdesk cannot follow (already shipped,
/// money still held) lands on the timeline for a person instead of failing the import.
/// `written`: the total and status of an order just entered (nothing paid on it yet), else they
/// are read.
fn apply_state(
    conn: Conn,
    page: &Page,
    order_id: &str,
    o: &RemoteOrder,
    written: Option<(i64, OrderStatus)>,
) -> Result<()> {
    let (name, cur) = (&page.channel.name, page.terms.currency);
    let (total, status, paid) = match written {
        Some((total, status)) => (total, status.as_str().to_string(), 0),
        None => {
            page.write_kept(conn)?;
            let (total, status): (i64, String) = conn.query_row(
                "SELECT total_minor, status FROM customer_order WHERE id = ?1",
                args![order_id],
                |r| r.tuple(),
            )?;
            (total, status, order::paid_refunded(conn, order_id)?.0)
        }
    };
    let staff = page.staff.as_str();
    if o.paid && paid == 0 && total > 0 {
        record_money(
            conn,
            page.terms.later(),
            order_id,
            (MoneyMove::Payment, total),
            ("marketplace", &o.external_id),
            staff,
            page.now,
        )?;
        page.event(
            conn,
            order_id,
            "paid",
            &format!("{} paid on {name}", decimal(total, cur)),
        )?;
        if o.total_minor != total {
            let why = format!(
                "{name} charged {}; Shopdesk's own taxes make it {}",
                decimal(o.total_minor, cur),
                decimal(total, cur)
            );
            page.event(conn, order_id, "note", &why)?;
        }
    }
    // The ledger is the record of which marketplace refunds are in: each carries its id.
    if !o.refunds.is_empty() || o.cancelled {
        page.write_kept(conn)?;
    }
    for r in &o.refunds {
        let applied: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM order_payment
             WHERE order_id = ?1 AND kind = 'refund' AND method = 'marketplace' AND reference = ?2)",
            args![order_id, r.id],
            |row| row.get(0),
        )?;
        if applied {
            continue;
        }
        let (paid, refunded) = order::paid_refunded(conn, order_id)?;
        let amount = r.amount_minor.min(paid - refunded);
        if amount > 0 {
            record_money(
                conn,
                None,
                order_id,
                (MoneyMove::Refund, amount),
                ("marketplace", &r.id),
                staff,
                page.now,
            )?;
            let what = format!("{} refunded on {name}", decimal(amount, cur));
            page.event(conn, order_id, "refunded", &what)?;
        }
    }
    if o.cancelled && status != "cancelled" {
        let why = format!("cancelled on {name}");
        match cancel_in(conn, order_id, staff, page.now, &why) {
            Ok(()) => page.terms.cancelled(),
            Err(Error::Conflict(reason)) => page.event(
                conn,
                order_id,
                "note",
                &format!("{why}, but Shopdesk kept it: {reason}"),
            )?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Imports one order, or brings a known one up to date; the order and the update taken in.
fn upsert(conn: Conn, page: &Page, o: &RemoteOrder) -> Result<(Ingested, String)> {
    let channel_id = &page.channel.id;
    if !o.currency.eq_ignore_ascii_case(page.terms.currency.code()) {
        return Err(Error::invalid(format!(
            "the order is in {} but the shop keeps its books in {}",
            o.currency,
            page.terms.currency.code()
        )));
    }
    let payload = o.raw.to_string();
    match page.known.get(&o.external_id) {
        Some((order_id, seen)) if *seen >= o.updated_at.0 => {
            Ok((Ingested::Unchanged, order_id.clone()))
        }
        Some((order_id, _)) => {
            // Its key and payments may be among the rows kept for the page's end.
            page.write_kept(conn)?;
            conn.execute(
                "UPDATE channel_order SET remote_updated_at = ?3, payload = ?4
                 WHERE channel_id = ?1 AND external_id = ?2",
                args![channel_id, o.external_id, o.updated_at.0, payload],
            )?;
            apply_state(conn, page, order_id, o, None)?;
            Ok((Ingested::Updated, order_id.clone()))
        }
        None => {
            if o.lines.is_empty() {
                return Err(Error::invalid("the order has no lines"));
            }
            let draft = draft_of(conn, page, o)?;
            let created = create_under(conn, &page.terms, &draft, &page.staff, page.now)?;
            let line_ids: Vec<&str> = o.lines.iter().map(|l| l.remote_id.as_str()).collect();
            conn.insert_row(
                page.terms.later(),
                "channel_order (channel_id, external_id, order_id, remote_updated_at, line_ids,
                     payload, imported_at)",
                vec![
                    channel_id.into(),
                    (&o.external_id).into(),
                    (&created.id).into(),
                    o.updated_at.0.into(),
                    serde_json::to_string(&line_ids).unwrap_or_default().into(),
                    payload.into(),
                    page.now.0.into(),
                ],
            )?;
            apply_state(conn, page, &created.id, o, created.written)?;
            Ok((Ingested::Created, created.id))
        }
    }
}

fn quarantine(
    conn: Conn,
    channel_id: &str,
    external_id: &str,
    error: &str,
    raw: &str,
    now: Timestamp,
) -> Result<()> {
    conn.execute(
        "INSERT INTO channel_quarantine (channel_id, external_id, error, payload, seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (channel_id, external_id) DO UPDATE
         SET error = excluded.error, payload = excluded.payload, seen_at = excluded.seen_at",
        args![channel_id, external_id, error, raw, now.0],
    )?;
    Ok(())
}

/// Writes a page's orders. With `each_alone` every order has its own savepoint, so a refused
/// one is quarantined and the others go on; without it the first refusal fails the page.
///
/// What each order would look up on its own — whether the channel has it, its SKUs' variants,
/// its customer, an order already entered under its id — is read for the whole page first, a
/// statement or two each (on the server every statement is a round trip), and kept up to date
/// as the page's orders are written. Not with savepoints: what a refused order wrote is rolled
/// back, and what it added to those would not be, so there each order asks for itself.
fn write_page(
    tx: Conn,
    channel_id: &str,
    now: Timestamp,
    page: &[Pulled],
    each_alone: bool,
) -> Result<IngestTally> {
    let ch = load_channel(tx, channel_id)?;
    let orders: Vec<&RemoteOrder> = page
        .iter()
        .filter_map(|p| match p {
            Pulled::Order(o) => Some(o.as_ref()),
            Pulled::Malformed { .. } => None,
        })
        .collect();
    let external: Vec<Arg> = orders.iter().map(|o| Arg::from(&o.external_id)).collect();
    let known: HashMap<String, (String, i64)> = tx
        .query_in_with(
            "SELECT external_id, order_id, remote_updated_at FROM channel_order
         WHERE channel_id = ?1 AND external_id IN ({})",
            &[Arg::from(&ch.id)],
            &external,
            |r| Ok((r.get::<String>(0)?, (r.get(1)?, r.get(2)?))),
        )?
        .into_iter()
        .collect();
    let lines = orders.iter().flat_map(|o| &o.lines);
    let skus = SkuVariants::read(tx, &ch.id, lines.map(|l| l.sku.as_str()))?;
    let mut terms = OrderTerms::read(tx)?;
    terms.read_variants(tx, &skus.variants())?;
    if !each_alone {
        let emails: Vec<Arg> = orders
            .iter()
            .map(|o| o.email.trim().to_lowercase())
            .filter(|e| !e.is_empty())
            .map(Arg::from)
            .collect();
        let ahead = read_ahead(tx, &ch.name, &external, &emails)?;
        // The page's new orders: neither the channel's nor entered under its name, each once.
        let new: HashSet<&str> = orders
            .iter()
            .map(|o| o.external_id.as_str())
            .filter(|id| !known.contains_key(*id) && !ahead.entered.contains_key(id.trim()))
            .collect();
        terms.ahead = Some(ahead);
        terms.take_numbers(tx, new.len() as i64)?;
    }
    let mut ctx = Page {
        staff: actor(tx, &ch.id)?,
        terms,
        channel: &ch,
        now,
        skus,
        known,
    };
    let mut tally = IngestTally::default();
    // The orders taken in, whose earlier quarantine (if any) is lifted at the end.
    let mut landed: Vec<Arg> = Vec::new();
    for p in page {
        let o = match p {
            Pulled::Malformed {
                external_id,
                error,
                raw,
            } => {
                quarantine(tx, &ch.id, external_id, error, raw, now)?;
                landed.retain(|l| *l != Arg::from(external_id));
                tally.quarantined += 1;
                continue;
            }
            Pulled::Order(o) => o,
        };
        tally.newest = tally.newest.max(Some(o.updated_at));
        let done = if each_alone {
            tx.execute_batch("SAVEPOINT remote_order")?;
            match upsert(tx, &ctx, o) {
                Ok(done) => {
                    tx.execute_batch("RELEASE remote_order")?;
                    done
                }
                Err(e) if e.is_refusal() => {
                    tx.execute_batch("ROLLBACK TO remote_order; RELEASE remote_order")?;
                    let (why, raw) = (e.to_string(), o.raw.to_string());
                    quarantine(tx, &ch.id, &o.external_id, &why, &raw, now)?;
                    landed.retain(|l| *l != Arg::from(&o.external_id));
                    tally.quarantined += 1;
                    continue;
                }
                Err(e) => return Err(e),
            }
        } else {
            upsert(tx, &ctx, o)?
        };
        let (done, order_id) = done;
        if !matches!(done, Ingested::Unchanged) {
            ctx.known
                .insert(o.external_id.clone(), (order_id, o.updated_at.0));
            landed.push(Arg::from(&o.external_id));
        }
        tally.count(done);
    }
    ctx.terms.give_back_numbers(tx)?;
    ctx.write_kept(tx)?;
    tx.execute_in(
        "DELETE FROM channel_quarantine WHERE channel_id = ?1 AND external_id IN ({})",
        &[Arg::from(&ch.id)],
        &landed,
    )?;
    Ok(tally)
}

impl Shop {
    /// Writes one page of pulled orders in one transaction; a bad order is quarantined and the
    /// others still land. The page is first written whole, without savepoints: a savepoint per
    /// order costs a flush of every full-text index (SQLite asks each at every savepoint) and
    /// a copy of each page it touches. Only when an order is refused is that transaction
    /// rolled back and the page written again, each order in its own savepoint.
    pub fn ingest_orders(&self, channel_id: &str, page: &[Pulled]) -> Result<IngestTally> {
        let now = self.clock.now();
        let write = |each_alone| {
            self.db.shared_write(|tx| {
                with_search_deferred(tx, || write_page(tx, channel_id, now, page, each_alone))
            })
        };
        match write(false) {
            Err(e) if e.is_refusal() => write(true),
            done => done,
        }
    }

    /// Ends a full pull: the watermark moves up to the newest order read, never back. Called only
    /// after the last page, so a pass cut short starts again from the same place.
    pub fn finish_pull(&self, channel_id: &str, newest: Option<Timestamp>) -> Result<()> {
        let Some(newest) = newest else {
            return Ok(());
        };
        self.db.shared_write(|tx| {
            let watermark = tx.greatest("coalesce(watermark, ?2)", "?2");
            tx.execute(
                &format!("UPDATE channel SET watermark = {watermark} WHERE id = ?1"),
                args![channel_id, newest.0],
            )?;
            Ok(())
        })
    }
}
