//! Shared fixtures for the sync tests: a Shopdesk shop with the test catalog, and a real Vendure
//! server on 127.0.0.1 (tests/vendure, installed by `make test`).
#![allow(dead_code)] // each test binary uses its own subset

use serde_json::{json, Value};
use shopdesk_core::channel::{Channel, NewChannel};
use shopdesk_core::stock::StockAdjustment;
use shopdesk_core::{Session, Shop, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;

/// A run that leaves the catalog alone (read once already): it pulls and pushes only.
pub fn without_listings(opts: shopdesk_sync::SyncOptions) -> shopdesk_sync::SyncOptions {
    shopdesk_sync::SyncOptions {
        listings: false,
        ..opts
    }
}

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub shop: Arc<Shop>,
    pub owner: Session,
}

/// A shop in `currency` with each SKU in stock (`qty` on the shop floor).
pub fn shop_with(currency: &str, country: &str, skus: &[(&str, &str, i64)]) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (shop, owner) = shopdesk_testkit::shop::open(
        dir.path(),
        "Sync Test Shop",
        country,
        currency,
        Arc::new(SystemClock),
    );
    for (sku, price, qty) in skus {
        shopdesk_testkit::shop::stocked(
            &shop,
            &owner,
            &format!("Item {sku}"),
            sku,
            price,
            "",
            *qty,
        );
    }
    let shop = Arc::new(shop);
    Fixture {
        _dir: dir,
        shop,
        owner,
    }
}

impl Fixture {
    /// The shop's database file.
    pub fn path(&self) -> PathBuf {
        self._dir.path().join("shop.sqlite3")
    }

    pub fn channel(&self, name: &str, kind: &str, url: &str) -> Channel {
        self.shop
            .add_channel(
                &self.owner,
                &NewChannel {
                    name: name.into(),
                    kind: kind.into(),
                    base_url: url.into(),
                    interval_secs: 0,
                },
            )
            .unwrap()
    }
    pub fn variant_id(&self, sku: &str) -> String {
        let page = self.shop.catalog(&self.owner, &Default::default()).unwrap();
        page.items
            .into_iter()
            .find(|r| r.sku == sku)
            .map(|r| r.variant_id)
            .unwrap()
    }
    pub fn available(&self, sku: &str) -> i64 {
        self.shop
            .stock_levels(&self.owner, &self.variant_id(sku))
            .unwrap()
            .iter()
            .map(|l| l.available)
            .sum()
    }
    pub fn adjust(&self, sku: &str, delta: i64) {
        let floor = self.shop.locations(&self.owner).unwrap()[0].id.clone();
        self.shop
            .adjust_stock(
                &self.owner,
                StockAdjustment {
                    variant_id: self.variant_id(sku),
                    location_id: floor,
                    delta,
                    note: "count".into(),
                },
            )
            .unwrap();
    }
    /// Ships an order (`lines` empty: everything left) with a carrier and tracking number.
    pub fn ship(&self, order_id: &str, carrier: &str, tracking: &str, lines: Vec<(String, i64)>) {
        let draft = shopdesk_core::order::ShipmentDraft {
            carrier: carrier.into(),
            tracking: tracking.into(),
            lines,
        };
        self.shop.ship_order(&self.owner, order_id, &draft).unwrap();
    }

    pub fn order_count(&self) -> usize {
        let all = shopdesk_core::order::InboxQuery {
            limit: 500,
            ..Default::default()
        };
        self.shop.inbox(&self.owner, &all).unwrap().len()
    }
}

pub use shopdesk_testkit::vendure::VendureServer;

/// The Vendure server for the sync tests, on `port`.
pub fn vendure(port: u16) -> VendureServer {
    VendureServer::start(port, None)
}

/// Vendure's Admin API over HTTP, as the sync tests read it back.
pub trait AdminApi {
    /// An Admin API query as the superadmin.
    async fn admin(&self, query: &str, variables: Value) -> Value;
    /// Every variant's SKU and stock on hand.
    async fn stock_on_hand(&self) -> Vec<(String, i64)>;
}

impl AdminApi for VendureServer {
    async fn admin(&self, query: &str, variables: Value) -> Value {
        let client = reqwest::Client::new();
        let url = format!("{}/admin-api", self.url());
        let login = client
            .post(&url)
            .json(&json!({ "query": "mutation { login(username: \"superadmin\", password: \"superadmin\") { __typename } }" }))
            .send()
            .await
            .unwrap();
        let token = login.headers()["vendure-auth-token"]
            .to_str()
            .unwrap()
            .to_string();
        let body: Value = client
            .post(&url)
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }

    async fn stock_on_hand(&self) -> Vec<(String, i64)> {
        let d = self
            .admin(
                "{ productVariants { items { sku stockOnHand } } }",
                json!({}),
            )
            .await;
        d["productVariants"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["sku"].as_str().unwrap().to_string(),
                    v["stockOnHand"].as_i64().unwrap(),
                )
            })
            .collect()
    }
}
