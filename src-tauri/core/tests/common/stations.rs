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
    /// A station on the shared shop, its own file `name` in `dir`.
    pub fn station(&self, dir: &Path, name: &str, clock: Arc<FixedClock>) -> Shop {
        Shop::open_station(&dir.join(format!("{name}.sqlite3")), &self.url, clock).unwrap()
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
