//! One sync run for one channel: pull every page of orders since the watermark (minus the
//! overlap), advance the watermark only after the last page, refresh listings, push due stock
//! levels and fulfilments. Each step records its failure in core's health and the run goes on
//! with the next step: one broken push never stops orders coming in.

use crate::http::{SyncError, SyncResult};
use crate::Page;
use crate::{keychain, Connector, Shopify, StockOutcome, Vendure, WooCommerce};
use serde::Serialize;
use shopdesk_core::channel::{
    Channel, ChannelKind, FulfilmentPush, IngestTally, RemoteListing, StockPush, SyncErrorKind,
    OVERLAP_MS,
};
use shopdesk_core::{Shop, Timestamp};
use std::time::Duration;
use ts_rs::TS;

#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Re-read the store's catalog (SKUs, stock) this run.
    pub listings: bool,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            listings: true,
            timeout: Duration::from_secs(30),
        }
    }
}

/// What a run did; also the payload of the window's `sync-progress` / `sync-finished` events.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct RunReport {
    pub channel: String,
    pub pages: usize,
    pub orders: IngestTally,
    pub listings: usize,
    pub stock_pushed: usize,
    pub fulfilments_pushed: usize,
    /// Plain-words failures of this run; empty when everything worked.
    pub errors: Vec<String>,
}

/// Pushes every due stock level of the channel (also the scheduler's fast path, so a stock move
/// reaches the store within seconds, not at the next full run).
pub async fn push_stock<C: Connector>(shop: &Shop, ch: &Channel, c: &mut C) -> SyncResult<usize> {
    let mut pushed = 0;
    for mut p in shop.stock_due(&ch.id)? {
        // Two tries: a stale compare-and-set means someone changed the level in the store;
        // Shopdesk's ledger is the truth, so it sets its level again against the one just seen.
        for _ in 0..2 {
            let key = format!("shopdesk-stock-{}-{}-{}", ch.id, p.remote_id, p.seq);
            match c.set_stock(&p, &key).await? {
                StockOutcome::Set(level) => {
                    shop.stock_pushed(&ch.id, &p.remote_id, level, p.seq)?;
                    pushed += 1;
                    break;
                }
                StockOutcome::Stale(level) => {
                    shop.stock_seen(&ch.id, &p.remote_id, level)?;
                    p.last_known = Some(level);
                }
            }
        }
    }
    Ok(pushed)
}

/// Pushes every due fulfilment with its tracking (a full run's step, and the scheduler's fast
/// path between runs, so a packed parcel's tracking reaches the store within seconds). Returns
/// how many the store acknowledged, and what failed (each failure waits for its backoff).
pub async fn push_fulfilments<C: Connector>(
    shop: &Shop,
    ch: &Channel,
    c: &mut C,
) -> (usize, Vec<SyncError>) {
    let due = match shop.fulfilments_due(&ch.id) {
        Ok(due) => due,
        Err(e) => return (0, vec![e.into()]),
    };
    let (mut sent, mut failures) = (0, Vec::new());
    for p in due {
        match c.fulfil(&p).await {
            Ok(remote) => match shop.fulfilment_pushed(&p.id, &remote) {
                Ok(()) => sent += 1,
                Err(e) => failures.push(e.into()),
            },
            Err(e) => {
                let _ = shop.fulfilment_failed(&p.id, &e.message);
                failures.push(SyncError {
                    message: format!("tracking {}: {}", p.tracking, e.message),
                    ..e
                });
            }
        }
    }
    (sent, failures)
}

async fn pull<C: Connector>(
    shop: &Shop,
    ch: &Channel,
    c: &mut C,
    report: &mut RunReport,
    progress: &(dyn Fn(&RunReport) + Sync),
) -> SyncResult<()> {
    let since = ch.watermark.map(|w| Timestamp(w.0 - OVERLAP_MS));
    let mut cursor = None;
    let mut tally = IngestTally::default();
    loop {
        let page = c.orders_page(since, cursor.take()).await?;
        let t = shop.ingest_orders(&ch.id, &page.orders)?;
        tally.add(&t);
        report.pages += 1;
        report.orders = tally.clone();
        progress(report);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    shop.finish_pull(&ch.id, tally.newest)?;
    Ok(())
}

/// One full run. Never returns early on a failing step: each failure is recorded in health,
/// reported, and the next step still runs.
pub async fn run<C: Connector>(
    shop: &Shop,
    ch: &Channel,
    c: &mut C,
    opts: SyncOptions,
    progress: &(dyn Fn(&RunReport) + Sync),
) -> RunReport {
    let mut report = RunReport {
        channel: ch.name.clone(),
        ..RunReport::default()
    };
    let _ = shop.sync_started(&ch.id);
    let mut failures: Vec<SyncError> = Vec::new();
    if let Err(e) = pull(shop, ch, c, &mut report, progress).await {
        failures.push(SyncError {
            message: format!("orders: {}", e.message),
            ..e
        });
    }
    if opts.listings {
        match c.listings().await {
            Ok(list) => match shop.save_listings(&ch.id, &list) {
                Ok(_) => report.listings = list.len(),
                Err(e) => failures.push(e.into()),
            },
            Err(e) => failures.push(SyncError {
                message: format!("listings: {}", e.message),
                ..e
            }),
        }
    }
    // Tracking before stock: a store that moves its own stock when a fulfilment ships
    // (Vendure) is then corrected by the level pushed right after.
    let (sent, tracking_failures) = push_fulfilments(shop, ch, c).await;
    report.fulfilments_pushed = sent;
    failures.extend(tracking_failures);
    match push_stock(shop, ch, c).await {
        Ok(n) => report.stock_pushed = n,
        Err(e) => failures.push(SyncError {
            message: format!("stock: {}", e.message),
            ..e
        }),
    }
    report.errors = failures.iter().map(|e| e.message.clone()).collect();
    let _ = match failures.first() {
        None => shop.sync_succeeded(&ch.id),
        Some(e) => shop.sync_failed(&ch.id, e.kind, &e.message),
    };
    progress(&report);
    report
}

/// A connected store of any kind, built from a channel and its key: the one place that maps a
/// channel's kind to its connector.
pub enum Marketplace {
    Shopify(Shopify),
    WooCommerce(WooCommerce),
    Vendure(Vendure),
}

impl Marketplace {
    /// The channel's connector with its key from the keychain (or the environment).
    pub fn connect(ch: &Channel, timeout: Duration) -> SyncResult<Marketplace> {
        let key = keychain::secret(&ch.name).ok_or_else(|| {
            SyncError::new(
                SyncErrorKind::Auth,
                format!("no access key is stored for '{}'", ch.name),
            )
        })?;
        let url = &ch.base_url;
        Ok(match ch.kind {
            ChannelKind::Shopify => Marketplace::Shopify(Shopify::new(url, &key, timeout)),
            ChannelKind::WooCommerce => {
                Marketplace::WooCommerce(WooCommerce::new(url, &key, timeout))
            }
            ChannelKind::Vendure => Marketplace::Vendure(Vendure::new(url, &key, timeout)),
        })
    }
}

macro_rules! each_store {
    ($self:ident, $c:ident => $call:expr) => {
        match $self {
            Marketplace::Shopify($c) => $call,
            Marketplace::WooCommerce($c) => $call,
            Marketplace::Vendure($c) => $call,
        }
    };
}

impl Connector for Marketplace {
    async fn orders_page(
        &mut self,
        since: Option<Timestamp>,
        cursor: Option<String>,
    ) -> SyncResult<Page> {
        each_store!(self, c => c.orders_page(since, cursor).await)
    }
    async fn listings(&mut self) -> SyncResult<Vec<RemoteListing>> {
        each_store!(self, c => c.listings().await)
    }
    async fn set_stock(&mut self, push: &StockPush, key: &str) -> SyncResult<StockOutcome> {
        each_store!(self, c => c.set_stock(push, key).await)
    }
    async fn fulfil(&mut self, push: &FulfilmentPush) -> SyncResult<String> {
        each_store!(self, c => c.fulfil(push).await)
    }
}

/// Runs one channel with its key from the keychain (or the environment, for headless use).
pub async fn sync_channel(
    shop: &Shop,
    ch: &Channel,
    opts: SyncOptions,
    progress: &(dyn Fn(&RunReport) + Sync),
) -> RunReport {
    match Marketplace::connect(ch, opts.timeout) {
        Ok(mut store) => run(shop, ch, &mut store, opts, progress).await,
        Err(e) => failed(shop, ch, e),
    }
}

/// A store's products as a Shopify product CSV, for the catalog import's preview (core's
/// `catalog_store` has said the channel is one whose products can be read).
pub async fn store_catalog(ch: &Channel) -> SyncResult<String> {
    match Marketplace::connect(ch, SyncOptions::default().timeout)? {
        Marketplace::Shopify(mut store) => store.catalog_csv().await,
        _ => Err(SyncError::new(
            SyncErrorKind::Rejected,
            format!("the products of '{}' cannot be read from here", ch.name),
        )),
    }
}

/// A run that could not start (no key) or a stock push between runs that failed: recorded in
/// health like any failure.
pub(crate) fn failed(shop: &Shop, ch: &Channel, e: SyncError) -> RunReport {
    let _ = shop.sync_failed(&ch.id, e.kind, &e.message);
    RunReport {
        channel: ch.name.clone(),
        errors: vec![e.message],
        ..RunReport::default()
    }
}
