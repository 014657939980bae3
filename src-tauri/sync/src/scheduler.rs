//! The background sync: a thread with its own tokio runtime that runs each channel every
//! `interval_secs` (and at once on "sync now"), and in between pushes changed stock within a few
//! seconds of the move. Nothing is ever switched off: a failing channel is simply tried again at
//! its next turn, and its failure is in the health panel and sent as an event.

use crate::engine::{push_channel_stock, sync_channel, RunReport, SyncOptions};
use shopdesk_core::Shop;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What the window hears about.
#[derive(Debug, Clone)]
pub enum SyncEvent {
    /// A run is under way (pages read so far).
    Progress(RunReport),
    /// A run ended; `errors` is empty when all went well.
    Finished(RunReport),
    /// A fast stock push failed (the full run will retry it).
    StockFailed { channel: String, error: String },
}

/// A stock move waits this long for others to join it before the push (a sale of three lines
/// is one push per item, not three runs).
const STOCK_DEBOUNCE: Duration = Duration::from_secs(2);
/// The catalog (SKUs, the store's own stock figures) is re-read this often.
const LISTINGS_EVERY: Duration = Duration::from_secs(30 * 60);

pub struct Scheduler {
    now: mpsc::UnboundedSender<Option<String>>,
}

impl Scheduler {
    /// Starts the loop. `shop` gives the open shop (none while the database cannot open).
    pub fn start(
        shop: impl Fn() -> Option<Arc<Shop>> + Send + 'static,
        on_event: impl Fn(SyncEvent) + Send + Sync + 'static,
    ) -> std::io::Result<Scheduler> {
        let (tx, mut rx) = mpsc::unbounded_channel::<Option<String>>();
        std::thread::Builder::new()
            .name("marketplace-sync".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    let on_event = Arc::new(on_event);
                    let mut next_run: HashMap<String, Instant> = HashMap::new();
                    let mut listings_at: HashMap<String, Instant> = HashMap::new();
                    let mut stock_seen: HashMap<String, Instant> = HashMap::new();
                    loop {
                        let asked = tokio::select! {
                            m = rx.recv() => match m { Some(m) => Some(m), None => return },
                            _ = tokio::time::sleep(Duration::from_secs(1)) => None,
                        };
                        let Some(shop) = shop() else { continue };
                        let Ok(channels) = shop.channels() else {
                            continue;
                        };
                        let now = Instant::now();
                        for ch in channels {
                            let forced = matches!(&asked, Some(None))
                                || asked
                                    .as_ref()
                                    .is_some_and(|a| a.as_deref() == Some(ch.name.as_str()));
                            let due = next_run.get(&ch.id).is_none_or(|t| now >= *t);
                            if forced || due {
                                let opts = SyncOptions {
                                    listings: listings_at
                                        .get(&ch.id)
                                        .is_none_or(|t| now.duration_since(*t) >= LISTINGS_EVERY)
                                        || forced,
                                    ..SyncOptions::default()
                                };
                                let ev = on_event.clone();
                                let report = sync_channel(&shop, &ch, opts, &move |r| {
                                    ev(SyncEvent::Progress(r.clone()))
                                })
                                .await;
                                if opts.listings && report.errors.is_empty() {
                                    listings_at.insert(ch.id.clone(), now);
                                }
                                on_event(SyncEvent::Finished(report));
                                let interval = Duration::from_secs(ch.interval_secs.max(10) as u64);
                                next_run.insert(ch.id.clone(), Instant::now() + interval);
                                continue;
                            }
                            // The fast path: changed stock goes out once it has settled briefly.
                            if shop.stock_due(&ch.id).is_ok_and(|d| !d.is_empty()) {
                                let first = *stock_seen.entry(ch.id.clone()).or_insert(now);
                                if now.duration_since(first) >= STOCK_DEBOUNCE {
                                    stock_seen.remove(&ch.id);
                                    if let Err(e) = push_channel_stock(
                                        &shop,
                                        &ch,
                                        SyncOptions::default().timeout,
                                    )
                                    .await
                                    {
                                        on_event(SyncEvent::StockFailed {
                                            channel: ch.name.clone(),
                                            error: e.message,
                                        });
                                    }
                                }
                            }
                        }
                    }
                });
            })?;
        Ok(Scheduler { now: tx })
    }

    /// Runs one channel (or all, with `None`) now instead of at its next turn.
    pub fn sync_now(&self, channel: Option<String>) {
        let _ = self.now.send(channel);
    }
}
