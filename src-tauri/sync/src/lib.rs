//! Shopdesk marketplace sync: one `Connector` per marketplace (Shopify Admin GraphQL,
//! WooCommerce REST v3, Vendure Admin GraphQL) mapping their JSON to core values, the engine that
//! pulls orders and pushes stock and tracking through core's queues, and the scheduler. No SQL
//! here: every write is a core call, so exactly-once lives in one place.

mod engine;
pub mod http;
pub mod keychain;
mod scheduler;
mod shopify;
mod vendure;
mod woo;

pub use engine::{
    push_stock, run, store_catalog, sync_channel, Marketplace, RunReport, SyncOptions,
};
pub use http::{SyncError, SyncResult};
pub use scheduler::{Scheduler, SyncEvent};
pub use shopify::{Shopify, SHOPIFY_API_VERSION};
pub use vendure::Vendure;
pub use woo::WooCommerce;

use serde_json::Value;
use shopdesk_core::channel::{FulfilmentPush, Pulled, RemoteListing, StockPush};
use shopdesk_core::money::{Currency, Money};
use shopdesk_core::Timestamp;

/// One page of orders and where the next one starts (`None`: this was the last).
pub struct Page {
    pub orders: Vec<Pulled>,
    pub next: Option<String>,
}

/// What a stock push found.
pub enum StockOutcome {
    /// The store now holds this level.
    Set(i64),
    /// The store held another level than Shopdesk last knew (changed there): this one.
    Stale(i64),
}

/// A marketplace, as the engine drives it. Static dispatch only (the engine is generic), so the
/// futures need not be boxed.
#[allow(async_fn_in_trait)]
pub trait Connector {
    /// Orders updated at or after `since` (all when `None`), oldest first, from `cursor` on.
    async fn orders_page(
        &mut self,
        since: Option<Timestamp>,
        cursor: Option<String>,
    ) -> SyncResult<Page>;
    /// Everything the store sells, with SKUs and stock.
    async fn listings(&mut self) -> SyncResult<Vec<RemoteListing>>;
    /// Sets one listing's available stock; `key` makes a retried write a no-op where the store
    /// supports it.
    async fn set_stock(&mut self, push: &StockPush, key: &str) -> SyncResult<StockOutcome>;
    /// Sends a shipment with its tracking; returns the store's id for it. Reads back first, so a
    /// retry after a lost answer finds the first one instead of making a second.
    async fn fulfil(&mut self, push: &FulfilmentPush) -> SyncResult<String>;
}

/// A decimal money string from a store ("12.50") in minor units, exactly (never through f64).
pub(crate) fn minor(text: &str, currency: &str) -> Result<i64, String> {
    let cur = Currency::from_code(currency).map_err(|e| e.to_string())?;
    Money::parse(text, cur)
        .map(|m| m.minor())
        .map_err(|_| format!("'{text}' is not an amount of money"))
}

/// A money field as stores send it: a decimal string, or missing / null / empty for none.
/// Anything else (a float where the docs promise a string) is refused, never rounded.
pub(crate) fn money_field(v: Option<&Value>, what: &str, currency: &str) -> Result<i64, String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => minor(s, currency),
        None | Some(Value::Null) | Some(Value::String(_)) => Ok(0),
        Some(other) => Err(format!("{what} is {other}, not a decimal string")),
    }
}

/// A JSON string field, empty when missing or null.
pub(crate) fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Keeps a malformed order's id and payload for the quarantine list.
/// One order's JSON as a marketplace sends it, mapped as a sync run maps it: a mapping error
/// becomes a quarantined order, as in a run. The fuzz targets (`src-tauri/fuzz`) feed it.
#[doc(hidden)]
pub fn pulled_from(kind: &str, order: &Value) -> Option<Pulled> {
    let mapped = match kind {
        "shopify" => shopify::order(order),
        "woocommerce" => woo::order(order),
        "vendure" => vendure::order(order),
        _ => return None,
    };
    Some(match mapped {
        Ok(o) => Pulled::Order(Box::new(o)),
        Err(e) => malformed(order, "id", e),
    })
}

pub(crate) fn malformed(raw: &Value, id_key: &str, error: String) -> Pulled {
    Pulled::Malformed {
        external_id: Some(text(raw, id_key))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "?".into()),
        error,
        raw: raw.to_string(),
    }
}
