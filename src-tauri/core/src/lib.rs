//! Shopdesk core: every business rule and the SQLite store. It never depends on Tauri, the
//! network or the wall clock; the clock and the database path are handed in.

pub mod audit;
pub mod barcode;
pub mod catalog;
pub mod channel;
pub mod clock;
pub mod counter_settings;
pub mod customer;
pub mod customer_record;
mod db;
pub mod demo;
pub mod dropship;
pub mod error;
pub mod id;
pub mod invoice;
pub mod journal;
pub mod money;
pub mod order;
pub mod order_settings;
pub mod outbox;
pub mod packing;
pub mod print_queue;
pub mod product;
mod product_draft;
pub mod purchase;
pub mod sale;
pub mod shift;
pub mod shipping;
pub mod shop;
pub mod shopify_csv;
pub mod staff;
pub mod stock;
pub mod stock_report;
pub mod stocktake;
pub mod tax;
pub mod transfer;

pub use clock::{Clock, FixedClock, SystemClock, Timestamp};
pub use error::{Error, ErrorBody, Result};
pub use money::{Currency, Money};
pub use staff::{Permission, Session, SessionInfo};

use std::sync::Arc;

/// An open shop: its database and the clock every action reads. Cheap to share behind an `Arc`;
/// the store synchronises internally, so callers need no lock of their own.
pub struct Shop {
    db: db::Db,
    clock: Arc<dyn Clock>,
}
