//! Shopdesk core: every business rule and the SQLite store (and the shop's PostgreSQL when several
//! stations share it). It never depends on Tauri, any other network or the wall clock; the
//! clock, the database path and the server connection are handed in.
//!
//! Where things live — building blocks at the root, then one folder per domain of the shop, each
//! using only the ones above it (`tests/rules.rs` checks the order):
//!
//! | folder | owns |
//! |---|---|
//! | `error`, `clock`, `id`, `money`, `tax`, `audit`, `sql` | the one error type and its codes; time passed in; device ids; minor units and rounding; tax per rate; the audit trail; one SQL connection over either engine (SQLite, the shop's PostgreSQL) |
//! | `store/` | the SQLite file: connections, migrations (never edited once landed), document numbers, backup files (copy, manifest, checks, putting one back); `store/pg/`: the shop's PostgreSQL — its migrations under the same numbers, the schema-version check, sharing a shop into it |
//! | `shop/` | the shop's profile and first-run setup, staff, roles, PINs and permissions |
//! | `catalog/` | products, variants, barcodes, search and scan lookup |
//! | `stock/` | the stock ledger and levels, locations, reorder rules, transfers, stocktakes, suppliers and purchase orders, the stock report |
//! | `import/` | other systems' files: Shopify's product CSV in (with opening stock) and out |
//! | `till/` | a till on a shared shop: its file seeded from the server with what selling needs, its outbox of sales and shift changes, each sent to the server exactly once |
//! | `sale/` | the counter: carts, pricing, tenders, returns at the till, shifts and Z reports, the hash-chained journal, counter settings |
//! | `order/` | orders from every channel: verification and risk, payments, shipments, returns, claims, invoices and credit notes, carriers, the e-mail outbox, order settings |
//! | `packing/` | the packing bench, its papers, stations and ship promises, the print queue, dropship forwarding |
//! | `channel/` | connected marketplaces: what the sync crate ingests and what it must push |
//! | `customer/` | customers, a customer's whole record and the GDPR requests |
//! | `report/` | the reports (F7): sales, payments, taxes, returns and staff over the shop's days, compared, drilled into documents, tied out |
//! | `backup/` | backups: when they are taken, how many are kept, the second place, restoring one with the owner's PIN (the file format is `store/backup.rs`) |
//! | `demo/` | the demo shop: staff, catalog and opening stock a newcomer can try everything on |

pub mod audit;
pub mod backup;
pub mod catalog;
pub mod channel;
pub mod clock;
pub mod customer;
pub mod demo;
pub mod error;
pub mod id;
pub mod import;
pub mod money;
pub mod order;
pub mod packing;
pub mod report;
pub mod sale;
pub mod shop;
mod sql;
pub mod stock;
mod store;
pub mod tax;
pub mod till;

pub use backup::encryption::encrypt_database;
pub use clock::{Clock, Date, FixedClock, ShopZone, SystemClock, Timestamp};
pub use error::{Error, ErrorBody, ErrorCode, Result};
pub use money::{Currency, Money};
pub use shop::staff::{Permission, Session, SessionInfo};
pub use store::cipher::{is_encrypted, DbKey};
/// The shop's PostgreSQL when several stations share it: its schema, upgrades and checks.
pub use store::pg as server;

use std::sync::Arc;

/// An open shop: its database and the clock every action reads. Cheap to share behind an `Arc`;
/// the store synchronises internally, so callers need no lock of their own.
pub struct Shop {
    db: store::Db,
    clock: Arc<dyn Clock>,
}
