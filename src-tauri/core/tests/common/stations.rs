//! A shop shared with stations, for the tests that compare the two engines: a private
//! PostgreSQL holding the shop (copied, verified and given its logins by `share_shop`), and
//! stations joined to it with pairing codes, each with a file and a login of its own.

use postgres::{Client, NoTls};
use shopdesk_core::till::sharing::{ServerLogin, StationLogin};
use shopdesk_core::{FixedClock, Session, Shop, SystemClock};
use shopdesk_testkit::postgres::{Postgres, USER};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub struct Shared {
    pub pg: Postgres,
    /// The superuser's connection string, for what the test sets up or checks by hand.
    pub url: String,
    /// A direct connection to the shop's database, for what the test checks there.
    pub client: Client,
    /// The back office that shared the shop: it adds each station the test opens.
    office: Shop,
    owner: Session,
    _office_dir: tempfile::TempDir,
    /// Each station's login once it joined (a station opened again signs in with it).
    logins: RefCell<HashMap<String, StationLogin>>,
}

impl Shared {
    /// The station `name` on the shared shop, its own file `name` in `dir`: added by the back
    /// office and joined with its pairing code the first time, signing in with its own role and
    /// password (so every test on a station runs with a station's rights, not a superuser's).
    pub fn station(&self, dir: &Path, name: &str, clock: Arc<FixedClock>) -> Shop {
        let path = dir.join(format!("{name}.sqlite3"));
        if let Some(login) = self.logins.borrow().get(name) {
            return Shop::open_station(&path, &login.url(), name, clock).unwrap();
        }
        let pairing = self.office.add_station(&self.owner, name).unwrap();
        let server = ("127.0.0.1", self.pg.port, DATABASE);
        let (shop, login) = match Shop::join_shop(&path, server, &pairing.code, clock) {
            Ok(joined) => joined,
            Err(e) => panic!("{name} could not join: {e}"),
        };
        self.logins.borrow_mut().insert(name.to_string(), login);
        shop
    }

    /// Station `name`'s login, joining it (its file in `dir`) the first time.
    pub fn login(&self, dir: &Path, name: &str, clock: Arc<FixedClock>) -> StationLogin {
        drop(self.station(dir, name, clock));
        self.logins.borrow()[name].clone()
    }
}

/// The shop's database on the test server.
const DATABASE: &str = "shop";

/// Shares `shop` into a new database of a new private PostgreSQL, as the back office does:
/// with an admin login, making the shop's roles; the back office is station OFFICE.
pub fn share(shop: &Shop, owner: &Session) -> Shared {
    let pg = Postgres::start().expect("a private PostgreSQL");
    let admin = ServerLogin {
        host: "127.0.0.1".into(),
        port: pg.port,
        database: DATABASE.into(),
        user: USER.into(),
        password: String::new(),
    };
    let (_, login) = shop.share_shop(owner, &admin, "OFFICE").unwrap();
    let office_dir = tempfile::tempdir().unwrap();
    // Pairing codes last an hour by the server's clock, so the back office keeps today's.
    let office = Shop::open_station(
        &office_dir.path().join("office.sqlite3"),
        &login.url(),
        &login.till,
        Arc::new(SystemClock),
    )
    .unwrap();
    let url = pg.url(DATABASE);
    let client = Client::connect(&url, NoTls).unwrap();
    Shared {
        pg,
        url,
        client,
        office,
        owner: owner.clone(),
        _office_dir: office_dir,
        logins: RefCell::new(HashMap::new()),
    }
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

/// A value as JSON with every generated id (UUIDv7, 36 characters) replaced, so what two
/// stores made compares on everything else.
pub fn without_ids(value: &impl serde::Serialize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap();
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let id = bytes.get(i..i + 36).is_some_and(|w| {
            w.iter().enumerate().all(|(k, c)| match k {
                8 | 13 | 18 | 23 => *c == b'-',
                _ => c.is_ascii_hexdigit(),
            })
        });
        if id {
            out.push_str("<id>");
            i += 36;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Asserts that the same story told on the standalone file and on a station says the same at
/// every step, and gives the server's line of a step by its name (`"name: …"`).
pub fn alike<'a>(on_file: &[String], on_server: &'a [String]) -> impl Fn(&str) -> String + 'a {
    for (file, server) in on_file.iter().zip(on_server) {
        assert_eq!(file, server, "the file and the server disagree");
    }
    assert_eq!(on_file.len(), on_server.len(), "as many steps on both");
    move |name| {
        on_server
            .iter()
            .find(|s| s.starts_with(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no step {name}"))
            .clone()
    }
}

/// Sets the item's free units at `location` to exactly `free`, on the server.
pub fn set_free(shop: &Shop, owner: &Session, variant_id: &str, location: &str, free: i64) {
    let now: i64 = shop
        .stock_levels(owner, variant_id)
        .unwrap()
        .iter()
        .filter(|l| l.location_id == location)
        .map(|l| l.available)
        .sum();
    shop.adjust_stock(
        owner,
        shopdesk_core::stock::StockAdjustment {
            variant_id: variant_id.into(),
            location_id: location.into(),
            delta: free - now,
            note: "count".into(),
        },
    )
    .unwrap();
}
