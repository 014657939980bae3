//! A shop shared with stations, for the tests that compare the two engines: a private
//! PostgreSQL holding the shop (copied and verified by `share_with_stations`), and a station
//! opened on it with a file of its own.

use postgres::{Client, NoTls};
use shopdesk_core::{FixedClock, Session, Shop};
use shopdesk_testkit::postgres::Postgres;
use std::path::Path;
use std::sync::Arc;

pub struct Shared {
    pub pg: Postgres,
    pub url: String,
    /// A direct connection to the shop's database, for what the test checks there.
    pub client: Client,
}

impl Shared {
    /// The till `name` on the shared shop, its own file `name` in `dir`.
    pub fn station(&self, dir: &Path, name: &str, clock: Arc<FixedClock>) -> Shop {
        Shop::open_station(&dir.join(format!("{name}.sqlite3")), &self.url, name, clock).unwrap()
    }
}

/// Shares `shop` into a new database of a new private PostgreSQL.
pub fn share(shop: &Shop, owner: &Session) -> Shared {
    let pg = Postgres::start().expect("a private PostgreSQL");
    pg.psql("postgres", "CREATE DATABASE shop").unwrap();
    let url = pg.url("shop");
    let mut client = Client::connect(&url, NoTls).unwrap();
    shop.share_with_stations(owner, &mut client).unwrap();
    Shared { pg, url, client }
}

/// Both sides of a comparison: the demo shop (with `orders` synthetic orders and `customers`
/// synthetic customers) standalone in `dir`, the same shop shared, and a station on it.
pub struct Pair {
    pub standalone: Shop,
    pub owner: Session,
    pub shared: Shared,
    pub station: Shop,
}

pub fn demo_pair(dir: &Path, orders: u32, customers: u32) -> Pair {
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let standalone = Shop::open(&dir.join("demo.sqlite3"), clock.clone()).unwrap();
    let (owner, _, _) = standalone
        .load_demo(&shopdesk_core::demo::DemoRequest {
            country: "IE".into(),
        })
        .unwrap();
    if orders > 0 {
        standalone.fill_orders_for_benchmark(orders, 5).unwrap();
    }
    if customers > 0 {
        standalone
            .fill_customers_for_benchmark(customers, 5)
            .unwrap();
    }
    let shared = share(&standalone, &owner);
    let station = shared.station(dir, "station", clock);
    Pair {
        standalone,
        owner,
        shared,
        station,
    }
}

/// A variant of `shop`'s catalog with a SKU and at least `available` units free to sell.
pub fn stocked(shop: &Shop, owner: &Session, available: i64) -> shopdesk_core::catalog::VariantRow {
    shop.catalog(owner, &Default::default())
        .unwrap()
        .items
        .into_iter()
        .find(|v| !v.sku.is_empty() && v.available >= available)
        .expect("a variant in stock")
}
