//! Marketplace channels as the shop sees them: which stores are connected, how often they sync,
//! and their health in plain words. A channel is never switched off by Shopdesk: a failing one
//! keeps trying and says so, because an import that silently stops loses orders for days.
//!
//! The HTTP side lives in the sync crate; it hands this module plain values (`ingest`, `push`)
//! and never writes SQL itself.

mod ingest;
mod push;

pub use ingest::{IngestTally, Pulled, RemoteLine, RemoteOrder, RemoteRefund};
pub use push::{FulfilmentLine, FulfilmentPush, RemoteListing, StockPush, UnmatchedSku};

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn, Row};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Shopify,
    WooCommerce,
    Vendure,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Shopify => "shopify",
            ChannelKind::WooCommerce => "woocommerce",
            ChannelKind::Vendure => "vendure",
        }
    }
    pub fn parse(text: &str) -> Result<ChannelKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "shopify" => Ok(ChannelKind::Shopify),
            "woocommerce" | "woo" => Ok(ChannelKind::WooCommerce),
            "vendure" => Ok(ChannelKind::Vendure),
            other => Err(Error::invalid(format!(
                "'{other}' is not a marketplace Shopdesk connects to (shopify, woocommerce, vendure)"
            ))),
        }
    }
}

/// How far back each pull reaches before the watermark: marketplaces stamp `updated_at` when a
/// write starts but make it visible when it commits, so a strict "after" can miss an order.
pub const OVERLAP_MS: i64 = 5 * 60_000;

/// What went wrong last, so the panel can say what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncErrorKind {
    /// The token or key was refused.
    Auth,
    /// The store could not be reached (DNS, refused, timeout).
    Network,
    /// The marketplace throttled us beyond our patience.
    RateLimit,
    /// The marketplace failed (5xx) or answered nonsense.
    Server,
    /// The marketplace refused what we sent.
    Rejected,
}

impl SyncErrorKind {
    fn as_str(self) -> &'static str {
        match self {
            SyncErrorKind::Auth => "auth",
            SyncErrorKind::Network => "network",
            SyncErrorKind::RateLimit => "rate_limit",
            SyncErrorKind::Server => "server",
            SyncErrorKind::Rejected => "rejected",
        }
    }
    fn parse(text: &str) -> Option<SyncErrorKind> {
        Some(match text {
            "auth" => SyncErrorKind::Auth,
            "network" => SyncErrorKind::Network,
            "rate_limit" => SyncErrorKind::RateLimit,
            "server" => SyncErrorKind::Server,
            "rejected" => SyncErrorKind::Rejected,
            _ => return None,
        })
    }
    /// The next step for the person reading the health panel.
    pub fn advice(self) -> &'static str {
        match self {
            SyncErrorKind::Auth => {
                "The store refused Shopdesk's key. Create a new access token or key pair in the \
                 store's admin and enter it under Orders → Marketplaces → Change key."
            }
            SyncErrorKind::Network => {
                "Shopdesk could not reach the store. Check the internet connection and the store \
                 address; Shopdesk keeps retrying and catches up on its own."
            }
            SyncErrorKind::RateLimit => {
                "The store is asking Shopdesk to slow down. Nothing is lost; the next run \
                 continues where this one stopped."
            }
            SyncErrorKind::Server => {
                "The store had a problem answering. Shopdesk retries with growing pauses; if it \
                 lasts, check the store's status page."
            }
            SyncErrorKind::Rejected => {
                "The store refused a change. Read the message, fix the item or order named in it, \
                 then press Retry."
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    pub base_url: String,
    #[ts(type = "number")]
    pub interval_secs: i64,
    pub watermark: Option<Timestamp>,
    /// "Sync now" was pressed (at any station) and the station that syncs has not begun that
    /// run yet.
    pub sync_asked: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct NewChannel {
    /// Shown on orders; the kind when empty.
    pub name: String,
    /// shopify, woocommerce or vendure.
    pub kind: String,
    /// The store's address: https://my-shop.myshopify.com, https://shop.example, http://127.0.0.1:3000.
    pub base_url: String,
    /// Seconds between automatic syncs; 60 when 0.
    #[ts(type = "number")]
    pub interval_secs: i64,
}

/// One channel's line in the sync-health panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChannelHealth {
    pub channel: Channel,
    pub last_attempt_at: Option<Timestamp>,
    pub last_success_at: Option<Timestamp>,
    /// How far behind the marketplace the orders may be: now − the last full pull.
    #[ts(type = "number | null")]
    pub lag_ms: Option<i64>,
    /// Fulfilments waiting to go out.
    #[ts(type = "number")]
    pub fulfilments_queued: i64,
    /// Fulfilments that failed at least once and are waiting for their retry.
    #[ts(type = "number")]
    pub fulfilments_failing: i64,
    /// Fulfilments the marketplace has acknowledged.
    #[ts(type = "number")]
    pub fulfilments_sent: i64,
    /// Listings whose stock changed since it was last pushed.
    #[ts(type = "number")]
    pub stock_queued: i64,
    #[ts(type = "number")]
    pub orders_imported: i64,
    #[ts(type = "number")]
    pub quarantined: i64,
    #[ts(type = "number")]
    pub unmatched_skus: i64,
    pub last_error: Option<String>,
    pub last_error_kind: Option<SyncErrorKind>,
    pub last_error_at: Option<Timestamp>,
    /// What to do about the last error, in plain words.
    pub advice: Option<String>,
    /// True when the last attempt failed after the last success.
    pub failing: bool,
}

/// An order the marketplace sent that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QuarantinedOrder {
    pub channel: String,
    pub external_id: String,
    pub error: String,
    pub seen_at: Timestamp,
}

const CHANNEL_COLUMNS: &str =
    "id, name, kind, base_url, interval_secs, watermark, run_asked_at IS NOT NULL";

fn channel_row(r: &Row) -> Result<Channel> {
    let kind: String = r.get(2)?;
    Ok(Channel {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: ChannelKind::parse(&kind).unwrap_or(ChannelKind::Shopify),
        base_url: r.get(3)?,
        interval_secs: r.get(4)?,
        watermark: r.get::<Option<i64>>(5)?.map(Timestamp),
        sync_asked: r.get(6)?,
    })
}

fn authorize_catalog(shop: &Shop, session: &Session) -> Result<()> {
    shop.db
        .shared_read(|c| authorize(c, session, Permission::CatalogEdit))
        .map(|_| ())
}

pub(crate) fn load_channel<'c>(conn: impl Into<Conn<'c>>, name_or_id: &str) -> Result<Channel> {
    conn.into()
        .query_opt(
            &format!("SELECT {CHANNEL_COLUMNS} FROM channel WHERE id = ?1 OR name = ?1"),
            args![name_or_id.trim()],
            channel_row,
        )?
        .ok_or(Error::NotFound { what: "channel" })
}

/// Who imports are written as: the person who connected the channel.
fn actor(conn: Conn, channel_id: &str) -> Result<String> {
    conn.query_row(
        "SELECT added_by FROM channel WHERE id = ?1",
        args![channel_id],
        |r| r.get(0),
    )
}

fn check_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let ok = (url.starts_with("https://") || url.starts_with("http://")) && url.len() > 8;
    if !ok {
        return Err(Error::invalid(
            "the store address must start with https:// (http:// only for a store on this computer)",
        ));
    }
    if url.starts_with("http://") && !(url.contains("://127.0.0.1") || url.contains("://localhost"))
    {
        return Err(Error::invalid(
            "the store address must use https://: the access key would travel in clear text",
        ));
    }
    Ok(url.to_string())
}

/// A new channel's kind, name, address and interval, or why it cannot be.
fn checked(new: &NewChannel) -> Result<(ChannelKind, String, String, i64)> {
    let kind = ChannelKind::parse(&new.kind)?;
    let url = check_url(&new.base_url)?;
    let name = Some(new.name.trim())
        .filter(|n| !n.is_empty())
        .unwrap_or(kind.as_str())
        .to_string();
    if name.eq_ignore_ascii_case("manual") || name.eq_ignore_ascii_case("counter") {
        return Err(Error::invalid(format!(
            "'{name}' is reserved for the shop's own orders"
        )));
    }
    let interval = if new.interval_secs == 0 {
        60
    } else {
        new.interval_secs
    };
    if !(10..=86_400).contains(&interval) {
        return Err(Error::invalid("sync every 10 seconds to once a day"));
    }
    Ok((kind, name, url, interval))
}

fn name_free(conn: Conn, session: &Session, name: &str) -> Result<()> {
    authorize(conn, session, Permission::SettingsManage)?;
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM channel WHERE name = ?1)",
        args![name],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::Conflict(format!(
            "a channel is already called '{name}'"
        )));
    }
    Ok(())
}

impl Shop {
    /// Connects a marketplace. The access key is not taken here: it goes to the OS keychain.
    pub fn add_channel(&self, session: &Session, new: &NewChannel) -> Result<Channel> {
        let (kind, name, url, interval) = checked(new)?;
        self.db.shared_write(|tx| {
            name_free(tx, session, &name)?;
            let id = new_id();
            tx.execute_unique(
                "INSERT INTO channel (id, name, kind, base_url, interval_secs, added_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                args![id, name, kind.as_str(), url, interval, session.staff_id(), self.clock.now().0],
                || format!("a channel is already called '{name}'"),
            )?;
            load_channel(tx, &id)
        })
    }

    /// Everything `add_channel` would refuse, refused now; returns the channel's name. The sync
    /// crate stores the key under that name before adding, so a keychain that refuses the key
    /// leaves no channel without one.
    pub fn check_new_channel(&self, session: &Session, new: &NewChannel) -> Result<String> {
        let (_, name, _, _) = checked(new)?;
        self.db.shared_read(|c| name_free(c, session, &name))?;
        Ok(name)
    }

    /// Who may change a channel's key: whoever may connect one; the channel must exist.
    pub fn check_channel_key(&self, session: &Session, name: &str) -> Result<Channel> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::SettingsManage)?;
            load_channel(c, name)
        })
    }

    /// Every connected channel (for the scheduler: no session, it acts for whoever added each).
    pub fn channels(&self) -> Result<Vec<Channel>> {
        self.db.shared_read(|c| {
            c.query_map(
                &format!("SELECT {CHANNEL_COLUMNS} FROM channel ORDER BY name"),
                args![],
                channel_row,
            )
        })
    }

    pub fn channel(&self, name_or_id: &str) -> Result<Channel> {
        self.db.shared_read(|c| load_channel(c, name_or_id))
    }

    /// The stores whose products the catalog import can read (Shopify's, by a bulk export in
    /// the sync crate), for whoever may edit the catalog.
    pub fn catalog_stores(&self, session: &Session) -> Result<Vec<Channel>> {
        authorize_catalog(self, session)?;
        Ok(self
            .channels()?
            .into_iter()
            .filter(|ch| ch.kind == ChannelKind::Shopify)
            .collect())
    }

    /// One of `catalog_stores`, before the sync crate reads its products.
    pub fn catalog_store(&self, session: &Session, name: &str) -> Result<Channel> {
        authorize_catalog(self, session)?;
        let ch = self.channel(name)?;
        if ch.kind != ChannelKind::Shopify {
            return Err(Error::invalid(format!(
                "'{}' is a {} store: export its products as a CSV file there and import the file",
                ch.name,
                ch.kind.as_str()
            )));
        }
        Ok(ch)
    }

    /// Marks the start of a sync run (shown as "last attempt"); it answers any "Sync now".
    pub fn sync_started(&self, channel_id: &str) -> Result<()> {
        self.db.shared_write(|tx| {
            tx.execute(
                "UPDATE channel SET last_attempt_at = ?2, run_asked_at = NULL WHERE id = ?1",
                args![channel_id, self.clock.now().0],
            )?;
            Ok(())
        })
    }

    /// Records a failed run in plain words. The channel stays on: the next run tries again.
    pub fn sync_failed(&self, channel_id: &str, kind: SyncErrorKind, message: &str) -> Result<()> {
        self.db.shared_write(|tx| {
            tx.execute(
                "UPDATE channel SET last_error = ?2, last_error_kind = ?3, last_error_at = ?4
                 WHERE id = ?1",
                args![channel_id, message, kind.as_str(), self.clock.now().0],
            )?;
            Ok(())
        })
    }

    /// Records a run in which every step succeeded.
    pub fn sync_succeeded(&self, channel_id: &str) -> Result<()> {
        self.db.shared_write(|tx| {
            tx.execute(
                "UPDATE channel SET last_success_at = ?2 WHERE id = ?1",
                args![channel_id, self.clock.now().0],
            )?;
            Ok(())
        })
    }

    /// The sync-health panel: one line per channel.
    pub fn sync_health(&self, session: &Session) -> Result<Vec<ChannelHealth>> {
        let now = self.clock.now();
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let sql = format!(
                "SELECT {CHANNEL_COLUMNS}, last_attempt_at, last_success_at, last_error,
                     last_error_kind, last_error_at,
                     (SELECT count(*) FROM channel_push p WHERE p.channel = ch.name AND p.status <> 'done'),
                     (SELECT count(*) FROM channel_push p WHERE p.channel = ch.name AND p.status = 'failed'),
                     (SELECT count(*) FROM channel_listing l
                      WHERE l.channel_id = ch.id AND l.variant_id IS NOT NULL AND l.dirty_seq > l.pushed_seq),
                     (SELECT count(*) FROM channel_order o WHERE o.channel_id = ch.id),
                     (SELECT count(*) FROM channel_quarantine q WHERE q.channel_id = ch.id),
                     (SELECT count(*) FROM channel_sku_link s WHERE s.channel_id = ch.id AND s.variant_id IS NULL),
                     (SELECT count(*) FROM channel_push p WHERE p.channel = ch.name AND p.status = 'done')
                 FROM channel ch ORDER BY name"
            );
            c.query_map(&sql, args![], |r| {
                // After the channel's own columns (`channel_row`, 0–6).
                let last_success_at = r.get::<Option<i64>>(8)?.map(Timestamp);
                let last_error_at = r.get::<Option<i64>>(11)?.map(Timestamp);
                let kind = r
                    .get::<Option<String>>(10)?
                    .and_then(|k| SyncErrorKind::parse(&k));
                Ok(ChannelHealth {
                    channel: channel_row(r)?,
                    last_attempt_at: r.get::<Option<i64>>(7)?.map(Timestamp),
                    lag_ms: last_success_at.map(|t| now.0 - t.0),
                    last_success_at,
                    last_error: r.get(9)?,
                    last_error_kind: kind,
                    advice: kind.map(|k| k.advice().to_string()),
                    failing: last_error_at.is_some_and(|e| last_success_at.is_none_or(|s| e > s)),
                    last_error_at,
                    fulfilments_queued: r.get(12)?,
                    fulfilments_failing: r.get(13)?,
                    stock_queued: r.get(14)?,
                    orders_imported: r.get(15)?,
                    quarantined: r.get(16)?,
                    unmatched_skus: r.get(17)?,
                    fulfilments_sent: r.get(18)?,
                })
            })
        })
    }

    /// Orders a channel sent that could not be read, newest first.
    pub fn quarantined_orders(&self, session: &Session) -> Result<Vec<QuarantinedOrder>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            c.query_map(
                "SELECT ch.name, q.external_id, q.error, q.seen_at FROM channel_quarantine q
                 JOIN channel ch ON ch.id = q.channel_id ORDER BY q.seen_at DESC",
                args![],
                |r| {
                    Ok(QuarantinedOrder {
                        channel: r.get(0)?,
                        external_id: r.get(1)?,
                        error: r.get(2)?,
                        seen_at: Timestamp(r.get(3)?),
                    })
                },
            )
        })
    }
}
