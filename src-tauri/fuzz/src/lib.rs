//! What every fuzz target shares: one demo shop per fuzzing process (its catalog gives the
//! inputs real SKUs to hit), the owner signed in, one channel per marketplace, and a count of
//! the rows an action must not half-write.

use shopdesk_core::channel::NewChannel;
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::{FixedClock, Session, Shop};
use std::sync::{Arc, OnceLock};

pub struct Fixture {
    pub shop: Shop,
    pub owner: Session,
    /// (kind, channel id) for shopify, woocommerce, vendure.
    pub channels: Vec<(&'static str, String)>,
    db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

pub fn fixture() -> &'static Fixture {
    static SHOP: OnceLock<Fixture> = OnceLock::new();
    SHOP.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("fuzz.sqlite3");
        let shop = Shop::open(&db, Arc::new(FixedClock::at(1_790_000_000_000))).expect("open");
        let (owner, _, _) = shop
            .load_demo(&DemoRequest { country: "IE".into() })
            .expect("the demo shop");
        let channels = ["shopify", "woocommerce", "vendure"]
            .into_iter()
            .map(|kind| {
                let ch = shop
                    .add_channel(
                        &owner,
                        &NewChannel {
                            name: kind.into(),
                            kind: kind.into(),
                            base_url: "http://127.0.0.1:9".into(),
                            interval_secs: 60,
                        },
                    )
                    .expect("a channel");
                (kind, ch.id)
            })
            .collect();
        Fixture { shop, owner, channels, db, _dir: dir }
    })
}

impl Fixture {
    /// Rows in the tables an import, an order or an ingest writes: equal before and after any
    /// action that was refused.
    pub fn written(&self) -> Vec<i64> {
        let c = rusqlite::Connection::open_with_flags(
            &self.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("read the fuzz shop");
        [
            "product",
            "variant",
            "stock_move",
            "customer_order",
            "order_line",
            "customer",
            "channel_order",
            "channel_quarantine",
            "audit_event",
        ]
        .iter()
        .map(|t| c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap())
        .collect()
    }
}
