//! What goes out to a marketplace, through queues that survive a crash.
//!
//! Stock: every stock move marks its variant's listings (a trigger on the ledger, so no path can
//! forget). A push sends the *available* level (on hand − committed, all locations, never below
//! zero) with the level the marketplace was last known to hold, for its compare-and-set; it is
//! acknowledged against the move it covered, so a move that lands during the push is pushed next.
//!
//! Fulfilments: one `channel_push` row per shipment of a marketplace order, written with the
//! shipment. Its id is the idempotency key; failures back off exponentially with jitter, and
//! nothing is ever dropped: a push that keeps failing stays visible in the health panel.

use super::ingest::SkuVariants;
use super::{actor, load_channel};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::order::carrier::find_carrier;
use crate::order::{self, FORWARDED_OF_LINE, SHIPPED_OF_LINE};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A sellable item as the marketplace lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoteListing {
    pub remote_id: String,
    pub inventory_ref: String,
    pub sku: String,
    pub title: String,
    /// The marketplace's stock figure, when it tracks one.
    pub stock: Option<i64>,
}

/// A level to send: `available` now, `last_known` what the marketplace holds (for
/// compare-and-set), `seq` the stock move this covers (for the acknowledgement).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StockPush {
    pub remote_id: String,
    pub inventory_ref: String,
    pub sku: String,
    pub available: i64,
    pub last_known: Option<i64>,
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FulfilmentLine {
    pub remote_line_id: String,
    pub sku: String,
    pub quantity: i64,
}

/// One shipment to tell the marketplace about. `id` is the idempotency key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FulfilmentPush {
    pub id: String,
    pub external_order_id: String,
    pub carrier: String,
    pub tracking: String,
    pub tracking_url: String,
    pub lines: Vec<FulfilmentLine>,
    /// Nothing of the order is left to ship after this shipment.
    pub completes_order: bool,
    pub attempts: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UnmatchedSku {
    pub channel: String,
    pub sku: String,
    pub title: String,
    pub seen_at: Timestamp,
}

/// Backoff before the n-th retry: 5 s doubling to at most 30 min, with up to half of it as
/// random jitter so many failed pushes do not retry in one burst.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let base = 5_000_i64
        .saturating_mul(1 << attempts.clamp(0, 20))
        .min(30 * 60_000);
    base / 2 + fastrand::i64(0..=base / 2)
}

/// A listing's available stock: on hand − committed over every location, never below zero.
fn available(c: Conn) -> String {
    c.greatest(
        "0",
        "coalesce((SELECT sum(on_hand - committed) FROM stock_level s
                   WHERE s.variant_id = l.variant_id), 0)",
    )
}

/// A listing whose stock moved since its last push.
const LISTING_DIRTY: &str =
    "l.channel_id = ?1 AND l.variant_id IS NOT NULL AND l.dirty_seq > l.pushed_seq";
/// A fulfilment of the channel (`?1` its id, `?2` its name) due at `?3`.
const FULFILMENT_DUE: &str = "p.channel = ?2 AND p.kind = 'fulfilment' AND p.status <> 'done'
                   AND coalesce(p.next_attempt_at, 0) <= ?3";

fn latest_move(conn: Conn, variant_id: &str) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM stock_move WHERE variant_id = ?1",
        args![variant_id],
        |r| r.get(0),
    )
}

impl Shop {
    /// Records what the marketplace sells and matches each to a variant by SKU (or a hand link).
    /// A newly matched listing is due for a push at once, so existing items are never skipped.
    pub fn save_listings(&self, channel_id: &str, listings: &[RemoteListing]) -> Result<usize> {
        let now = self.clock.now();
        self.db.shared_write(|tx| {
            let ch = load_channel(tx, channel_id)?;
            let mut matched = 0;
            let skus = SkuVariants::read(tx, &ch.id, listings.iter().map(|l| l.sku.as_str()))?;
            for l in listings {
                let variant = skus.variant(tx, &ch.id, (&l.sku, &l.title), now)?;
                let seq = match &variant {
                    Some(v) => {
                        matched += 1;
                        latest_move(tx, v)?
                    }
                    None => 0,
                };
                tx.execute(
                    "INSERT INTO channel_listing AS cl (channel_id, remote_id, inventory_ref, sku,
                         title, variant_id, remote_stock, dirty_seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (channel_id, remote_id) DO UPDATE SET
                         inventory_ref = excluded.inventory_ref, sku = excluded.sku,
                         title = excluded.title, remote_stock = excluded.remote_stock,
                         dirty_seq = CASE WHEN cl.variant_id IS DISTINCT FROM excluded.variant_id
                                     THEN excluded.dirty_seq ELSE cl.dirty_seq END,
                         pushed_seq = CASE WHEN cl.variant_id IS DISTINCT FROM excluded.variant_id
                                      THEN -1 ELSE cl.pushed_seq END,
                         variant_id = excluded.variant_id",
                    args![
                        ch.id,
                        l.remote_id,
                        l.inventory_ref,
                        l.sku.trim(),
                        l.title,
                        variant,
                        l.stock,
                        seq
                    ],
                )?;
            }
            Ok(matched)
        })
    }

    /// Whether anything waits to go out to the channel now (tracking past its backoff, or a
    /// listing whose stock moved): the scheduler asks every second, so this reads no rows.
    pub fn pushes_due(&self, channel_id: &str) -> Result<bool> {
        let now = self.clock.now();
        self.db.shared_read(|c| {
            let ch = load_channel(c, channel_id)?;
            c.query_row(
                &format!(
                    "SELECT EXISTS (SELECT 1 FROM channel_listing l WHERE {LISTING_DIRTY})
                         OR EXISTS (SELECT 1 FROM channel_push p WHERE {FULFILMENT_DUE})"
                ),
                args![ch.id, ch.name, now.0],
                |r| r.get(0),
            )
        })
    }

    /// Levels that changed since they were last pushed, for one channel.
    pub fn stock_due(&self, channel_id: &str) -> Result<Vec<StockPush>> {
        self.db.shared_read(|c| {
            let sql = format!(
                "SELECT l.remote_id, l.inventory_ref, l.sku, {}, l.remote_stock, l.dirty_seq
                 FROM channel_listing l WHERE {LISTING_DIRTY} ORDER BY l.dirty_seq",
                available(c)
            );
            c.query_map(&sql, args![channel_id], |r| {
                Ok(StockPush {
                    remote_id: r.get(0)?,
                    inventory_ref: r.get(1)?,
                    sku: r.get(2)?,
                    available: r.get(3)?,
                    last_known: r.get(4)?,
                    seq: r.get(5)?,
                })
            })
        })
    }

    /// The marketplace now holds `level` for this listing, as of stock move `seq`.
    pub fn stock_pushed(
        &self,
        channel_id: &str,
        remote_id: &str,
        level: i64,
        seq: i64,
    ) -> Result<()> {
        let now = self.clock.now();
        self.db.shared_write(|tx| {
            let pushed = tx.greatest("pushed_seq", "?4");
            tx.execute(
                &format!(
                    "UPDATE channel_listing SET remote_stock = ?3, pushed_seq = {pushed}, pushed_at = ?5
                     WHERE channel_id = ?1 AND remote_id = ?2"
                ),
                args![channel_id, remote_id, level, seq, now.0],
            )?;
            Ok(())
        })
    }

    /// The marketplace's stock differed from what Shopdesk last knew (someone changed it there):
    /// remember its figure so the next compare-and-set can succeed.
    pub fn stock_seen(&self, channel_id: &str, remote_id: &str, level: i64) -> Result<()> {
        self.db.shared_write(|tx| {
            tx.execute(
                "UPDATE channel_listing SET remote_stock = ?3 WHERE channel_id = ?1 AND remote_id = ?2",
                args![channel_id, remote_id, level],
            )?;
            Ok(())
        })
    }

    /// Fulfilments due now (queued or failed with their backoff over), oldest first.
    pub fn fulfilments_due(&self, channel_id: &str) -> Result<Vec<FulfilmentPush>> {
        let now = self.clock.now();
        self.db.shared_read(|c| {
            let ch = load_channel(c, channel_id)?;
            let sql = format!(
                "SELECT p.id, co.external_id, s.carrier, s.tracking, p.attempts,
                        NOT EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id
                            AND l.kind = 'item'
                            AND l.quantity - {SHIPPED_OF_LINE} - {FORWARDED_OF_LINE} > 0),
                        s.id, co.line_ids
                 FROM channel_push p
                 JOIN shipment s ON s.id = p.shipment_id
                 JOIN customer_order o ON o.id = p.order_id
                 JOIN channel_order co ON co.order_id = o.id AND co.channel_id = ?1
                 WHERE {FULFILMENT_DUE}
                 ORDER BY p.created_at, p.id"
            );
            // (push without lines, its shipment, the marketplace's line ids by position)
            let due: Vec<(FulfilmentPush, String, String)> =
                c.query_map(&sql, args![ch.id, ch.name, now.0], |r| {
                    let push = FulfilmentPush {
                        id: r.get(0)?,
                        external_order_id: r.get(1)?,
                        carrier: r.get(2)?,
                        tracking: r.get(3)?,
                        tracking_url: String::new(),
                        lines: Vec::new(),
                        attempts: r.get(4)?,
                        completes_order: r.get(5)?,
                    };
                    Ok((push, r.get(6)?, r.get(7)?))
                })?;
            let mut out = Vec::with_capacity(due.len());
            for (mut push, shipment, line_ids) in due {
                // Marketplaces want the carrier's name ("DHL Express"), not Shopdesk's code.
                if let Some(carrier) = find_carrier(c, &push.carrier)? {
                    push.tracking_url = carrier.tracking_page(&push.tracking);
                    push.carrier = carrier.name;
                }
                let line_ids: Vec<String> = serde_json::from_str(&line_ids).unwrap_or_default();
                push.lines = c.query_map(
                    "SELECT l.position, l.sku, sl.quantity FROM shipment_line sl
                     JOIN order_line l ON l.id = sl.order_line_id
                     WHERE sl.shipment_id = ?1 ORDER BY l.position",
                    args![shipment],
                    |r| {
                        let position: u32 = r.get(0)?;
                        Ok(FulfilmentLine {
                            remote_line_id: line_ids
                                .get((position as usize).wrapping_sub(1))
                                .cloned()
                                .unwrap_or_default(),
                            sku: r.get(1)?,
                            quantity: r.get(2)?,
                        })
                    },
                )?;
                out.push(push);
            }
            Ok(out)
        })
    }

    /// The marketplace has the fulfilment (`remote_ref`: its id for it).
    pub fn fulfilment_pushed(&self, push_id: &str, remote_ref: &str) -> Result<()> {
        let now = self.clock.now();
        self.db.shared_write(|tx| {
            let (order_id, channel): (String, String) = tx.query_row(
                "UPDATE channel_push SET status = 'done', attempts = attempts + 1, remote_ref = ?2,
                     last_error = NULL, next_attempt_at = NULL
                 WHERE id = ?1 AND status <> 'done' RETURNING order_id, channel",
                args![push_id, remote_ref],
                |r| r.tuple(),
            )?;
            let ch = load_channel(tx, &channel)?;
            let staff = actor(tx, &ch.id)?;
            order::event(
                tx,
                &order_id,
                now,
                Some(&staff),
                "fulfilment_pushed",
                &format!("tracking sent to {channel}"),
            )
        })
    }

    /// The push failed; it is retried after a backoff and stays listed until it succeeds.
    pub fn fulfilment_failed(&self, push_id: &str, error: &str) -> Result<()> {
        let now = self.clock.now();
        self.db.shared_write(|tx| {
            let attempts: i64 = tx.query_row(
                "SELECT attempts FROM channel_push WHERE id = ?1",
                args![push_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE channel_push SET status = 'failed', attempts = attempts + 1, last_error = ?2,
                     next_attempt_at = ?3
                 WHERE id = ?1 AND status <> 'done'",
                args![push_id, error, now.0 + retry_delay_ms(attempts)],
            )?;
            Ok(())
        })
    }

    /// "Retry now" / "Sync now" from the health panel: every waiting push of the channel is due
    /// at once and a run is asked of the station that syncs; an empty name means every channel. Returns the channel's name as stored (None:
    /// all of them), which is what the sync should run now.
    pub fn retry_channel_now(&self, session: &Session, channel: &str) -> Result<Option<String>> {
        let channel = Some(channel.trim()).filter(|c| !c.is_empty());
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let name = channel
                .map(|c| load_channel(tx, c))
                .transpose()?
                .map(|ch| ch.name);
            tx.execute(
                "UPDATE channel_push SET next_attempt_at = NULL
                 WHERE (CAST(?1 AS TEXT) IS NULL OR channel = ?1) AND status <> 'done'",
                args![name],
            )?;
            // For whichever station runs the sync (this one, or another of a shared shop).
            tx.execute(
                "UPDATE channel SET run_asked_at = ?2 WHERE CAST(?1 AS TEXT) IS NULL OR name = ?1",
                args![name, self.clock.now().0],
            )?;
            Ok(name)
        })
    }

    /// SKUs the marketplace uses that match no variant, for every channel.
    pub fn unmatched_skus(&self, session: &Session) -> Result<Vec<UnmatchedSku>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            c.query_map(
                "SELECT ch.name, s.sku, s.title, s.seen_at FROM channel_sku_link s
                 JOIN channel ch ON ch.id = s.channel_id
                 WHERE s.variant_id IS NULL ORDER BY ch.name, s.sku",
                args![],
                |r| {
                    Ok(UnmatchedSku {
                        channel: r.get(0)?,
                        sku: r.get(1)?,
                        title: r.get(2)?,
                        seen_at: Timestamp(r.get(3)?),
                    })
                },
            )
        })
    }

    /// The fix-it action: this marketplace SKU is that variant (by its SKU or barcode). Its
    /// listings start pushing stock at once; later orders with it import as catalog lines.
    pub fn link_channel_sku(
        &self,
        session: &Session,
        channel: &str,
        sku: &str,
        variant_code: &str,
    ) -> Result<()> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::CatalogEdit)?;
            let ch = load_channel(tx, channel)?;
            let variant: String = tx
                .query_opt(
                    "SELECT id FROM variant WHERE sku = ?1 OR barcode = ?1",
                    args![variant_code.trim()],
                    |r| r.get(0),
                )?
                .ok_or_else(|| {
                    Error::invalid(format!("no product with SKU or barcode '{variant_code}'"))
                })?;
            let changed = tx.execute(
                "UPDATE channel_sku_link SET variant_id = ?3 WHERE channel_id = ?1 AND sku = ?2",
                args![ch.id, sku.trim(), variant],
            )?;
            if changed == 0 {
                return Err(Error::NotFound {
                    what: "unmatched SKU",
                });
            }
            let seq = latest_move(tx, &variant)?;
            let same_sku = tx.nocase_eq("sku", 2);
            tx.execute(
                &format!(
                    "UPDATE channel_listing SET variant_id = ?3, dirty_seq = ?4, pushed_seq = -1
                     WHERE channel_id = ?1 AND {same_sku}"
                ),
                args![ch.id, sku.trim(), variant, seq],
            )?;
            Ok(())
        })
    }
}
