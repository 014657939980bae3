//! The background sync: a thread with its own tokio runtime that runs each channel every
//! `interval_secs` (and at once on "sync now", pressed here or at another station of a shared
//! shop), and in between pushes changed stock and new tracking within a few seconds. On a shared
//! shop only the station holding the sync job runs it. Nothing is ever switched off: a failing channel is simply tried again at
//! its next turn, and its failure is in the health panel and sent as an event.

use crate::engine::{
    failed, push_fulfilments, push_stock, run, Marketplace, RunReport, SyncOptions,
};
use crate::http::{SyncError, SyncResult};
use crate::keychain;
use shopdesk_core::channel::Channel;
use shopdesk_core::server::Job;
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
    /// A run (or a push between runs) ended; `errors` is empty when all went well.
    Finished(RunReport),
}

/// A stock move or a shipment waits this long for others to join it before the push (a sale of
/// three lines is one push per item, not three runs).
const SETTLE: Duration = Duration::from_secs(2);
/// The catalog (SKUs, the store's own stock figures) is re-read this often.
const LISTINGS_EVERY: Duration = Duration::from_secs(30 * 60);
/// How often a station without the sync looks in its keychain again.
const KEYS_EVERY: Duration = Duration::from_secs(30);

pub struct Scheduler {
    now: mpsc::UnboundedSender<Option<String>>,
}

/// Each channel's turn: when it runs next, when its catalog was last read, since when stock or
/// tracking has been waiting, and its connected store (kept between runs: one keychain read and one
/// Vendure login per channel, not per push).
#[derive(Default)]
struct Turn {
    next_run: Option<Instant>,
    listings_at: Option<Instant>,
    waiting_since: Option<Instant>,
    store: Option<Marketplace>,
}

impl Turn {
    fn store(&mut self, ch: &Channel) -> SyncResult<&mut Marketplace> {
        if self.store.is_none() {
            self.store = Some(Marketplace::connect(ch, SyncOptions::default().timeout)?);
        }
        Ok(self.store.as_mut().expect("just connected"))
    }

    async fn full_run(&mut self, shop: &Shop, ch: &Channel, forced: bool, on_event: &Events) {
        let now = Instant::now();
        if forced {
            // "Sync now" also follows a changed key: connect afresh.
            self.store = None;
        }
        let opts = SyncOptions {
            listings: forced
                || self
                    .listings_at
                    .is_none_or(|t| now.duration_since(t) >= LISTINGS_EVERY),
            ..SyncOptions::default()
        };
        let ev = on_event.clone();
        let progress = move |r: &RunReport| ev(SyncEvent::Progress(r.clone()));
        let report = match self.store(ch) {
            Ok(store) => run(shop, ch, store, opts, &progress).await,
            Err(e) => failed(shop, ch, e),
        };
        if opts.listings && report.errors.is_empty() {
            self.listings_at = Some(now);
        }
        if !report.errors.is_empty() {
            self.store = None;
        }
        on_event(SyncEvent::Finished(report));
        self.waiting_since = None;
        self.next_run = Some(Instant::now() + Duration::from_secs(ch.interval_secs.max(10) as u64));
    }

    /// The fast path: new tracking and changed stock go out once they have settled briefly.
    async fn between_runs(&mut self, shop: &Shop, ch: &Channel, on_event: &Events) {
        if !shop.pushes_due(&ch.id).unwrap_or(false) {
            return;
        }
        let now = Instant::now();
        let since = *self.waiting_since.get_or_insert(now);
        if now.duration_since(since) < SETTLE {
            return;
        }
        self.waiting_since = None;
        let store = match self.store(ch) {
            Ok(store) => store,
            Err(e) => return on_event(SyncEvent::Finished(failed(shop, ch, e))),
        };
        let (sent, mut failures) = push_fulfilments(shop, ch, store).await;
        let stock = push_stock(shop, ch, store).await.unwrap_or_else(|e| {
            failures.push(SyncError {
                message: format!("stock: {}", e.message),
                ..e
            });
            0
        });
        match failures.into_iter().next() {
            // In health like any failure; the next full run (or the backoff) retries it.
            Some(e) => {
                self.store = None;
                on_event(SyncEvent::Finished(failed(shop, ch, e)));
            }
            None => on_event(SyncEvent::Finished(RunReport {
                channel: ch.name.clone(),
                fulfilments_pushed: sent,
                stock_pushed: stock,
                ..RunReport::default()
            })),
        }
    }
}

/// Whether this computer's keychain holds every channel's key: asked again when the channels
/// change and every half minute (a key entered here with "Change key" counts from then on),
/// not at every one-second turn.
#[derive(Default)]
struct KeysHere {
    known: Option<(Instant, Vec<String>, bool)>,
}

impl KeysHere {
    fn all(&mut self, channels: &[Channel]) -> bool {
        let names: Vec<String> = channels.iter().map(|ch| ch.name.clone()).collect();
        if let Some((at, known, all)) = &self.known {
            if *known == names && at.elapsed() < KEYS_EVERY {
                return *all;
            }
        }
        let all = names.iter().all(|name| keychain::secret(name).is_some());
        self.known = Some((Instant::now(), names, all));
        all
    }
}

type Events = Arc<dyn Fn(SyncEvent) + Send + Sync>;

impl Scheduler {
    /// Starts the loop. `shop` gives the open shop (none while the database cannot open).
    pub fn start(
        shop: impl Fn() -> Option<Arc<Shop>> + Send + 'static,
        on_event: impl Fn(SyncEvent) + Send + Sync + 'static,
    ) -> std::io::Result<Scheduler> {
        let (tx, mut rx) = mpsc::unbounded_channel::<Option<String>>();
        let on_event: Events = Arc::new(on_event);
        std::thread::Builder::new()
            .name("marketplace-sync".into())
            .spawn(move || {
                // Multi-threaded (one worker) so that a station's steps may block on the shop's
                // server in between (see core's `outside_async`).
                let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    let mut turns: HashMap<String, Turn> = HashMap::new();
                    let mut keys_here = KeysHere::default();
                    loop {
                        // `Some(None)`: sync every channel now; `Some(Some(name))`: that one.
                        let asked = tokio::select! {
                            m = rx.recv() => match m { Some(m) => Some(m), None => return },
                            _ = tokio::time::sleep(Duration::from_secs(1)) => None,
                        };
                        let Some(shop) = shop() else { continue };
                        let Ok(channels) = shop.channels() else {
                            continue;
                        };
                        // One station of a shared shop talks to the marketplaces, and only one
                        // with every channel's key: keys stay in the keychain of the computer
                        // they were entered on. The others leave it to that one (their "Sync
                        // now" reaches it through the shop).
                        let keyed = !shop.is_station() || keys_here.all(&channels);
                        if !keyed {
                            shop.leave_job(Job::Sync);
                        }
                        if !keyed || !shop.runs_job(Job::Sync) {
                            turns.clear();
                            continue;
                        }
                        for ch in channels {
                            let forced = asked
                                .as_ref()
                                .is_some_and(|a| a.as_ref().is_none_or(|n| *n == ch.name))
                                || ch.sync_asked;
                            let turn = turns.entry(ch.id.clone()).or_default();
                            if forced || turn.next_run.is_none_or(|t| Instant::now() >= t) {
                                turn.full_run(&shop, &ch, forced, &on_event).await;
                            } else {
                                turn.between_runs(&shop, &ch, &on_event).await;
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
