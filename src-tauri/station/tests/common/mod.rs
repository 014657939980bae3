//! The station tests' server: a private PostgreSQL with the shop database, `applied_actions`
//! and the given sale table, behind a fault proxy.

use shopdesk_station::apply::APPLIED_ACTIONS;
use shopdesk_testkit::postgres::Postgres;
use shopdesk_testkit::proxy::FaultProxy;

pub fn server(sale_table: &str) -> (Postgres, FaultProxy) {
    let pg = Postgres::start().expect("a private PostgreSQL");
    pg.psql("postgres", "CREATE DATABASE shop").unwrap();
    pg.psql("shop", APPLIED_ACTIONS).unwrap();
    pg.psql("shop", sale_table).unwrap();
    let proxy = FaultProxy::start(([127, 0, 0, 1], pg.port).into()).unwrap();
    (pg, proxy)
}
