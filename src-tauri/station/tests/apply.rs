//! An action applied to the real PostgreSQL exactly once through the faults a shop's network
//! and server make: the COMMIT's reply lost, the server killed and restarted, two stations
//! retrying the same action at once.

mod common;

use shopdesk_station::apply::{apply_once, connect, Applied};
use shopdesk_testkit::postgres::Postgres;
use shopdesk_testkit::proxy::FaultProxy;

fn server() -> (Postgres, FaultProxy) {
    common::server("CREATE TABLE sale (id text PRIMARY KEY, total_minor bigint NOT NULL)")
}

/// The till's sale `id` as an action: its effect is the sale's row.
fn sell(client: &mut postgres::Client, id: &str) -> Result<Applied, postgres::Error> {
    apply_once(client, &format!("action-{id}"), "T1", |tx| {
        tx.execute(
            "INSERT INTO sale (id, total_minor) VALUES ($1, 1250)",
            &[&id],
        )?;
        Ok(())
    })
}

fn sales(pg: &Postgres) -> String {
    pg.psql("shop", "SELECT count(*), count(DISTINCT id) FROM sale")
        .unwrap()
}

#[test]
fn a_sale_whose_commit_reply_was_lost_is_found_applied_on_the_retry() {
    let (pg, proxy) = server();
    let mut till = connect(&pg.url_via(proxy.port, "shop")).unwrap();
    proxy.lose_next_commit_reply();
    let lost = sell(&mut till, "s1").unwrap_err();
    assert!(
        lost.as_db_error().is_none(),
        "a lost connection, not a refusal: {lost}"
    );
    assert_eq!(sales(&pg), "1|1", "the lost reply's COMMIT did commit");

    let mut again = connect(&pg.url_via(proxy.port, "shop")).unwrap();
    assert_eq!(sell(&mut again, "s1").unwrap(), Applied::Before);
    assert_eq!(sell(&mut again, "s2").unwrap(), Applied::Now);
    assert_eq!(sales(&pg), "2|2");
}

#[test]
fn a_killed_server_keeps_what_was_applied_and_takes_the_rest_once_after_its_restart() {
    let (mut pg, proxy) = server();
    let mut till = connect(&pg.url_via(proxy.port, "shop")).unwrap();
    assert_eq!(sell(&mut till, "s1").unwrap(), Applied::Now);
    pg.kill();
    assert!(sell(&mut till, "s2").is_err(), "no server, no apply");
    assert!(connect(&pg.url_via(proxy.port, "shop")).is_err());
    pg.restart().unwrap();

    let mut till = connect(&pg.url_via(proxy.port, "shop")).unwrap();
    assert_eq!(sell(&mut till, "s1").unwrap(), Applied::Before);
    assert_eq!(sell(&mut till, "s2").unwrap(), Applied::Now);
    assert_eq!(sales(&pg), "2|2");
}

#[test]
fn two_stations_retrying_one_action_at_once_apply_it_once() {
    let (pg, _proxy) = server();
    for round in 0..20 {
        let id = format!("s{round}");
        let outcomes: Vec<Applied> = std::thread::scope(|s| {
            let tries: Vec<_> = (0..2)
                .map(|_| {
                    let (url, id) = (pg.url("shop"), id.clone());
                    s.spawn(move || sell(&mut connect(&url).unwrap(), &id).unwrap())
                })
                .collect();
            tries.into_iter().map(|t| t.join().unwrap()).collect()
        });
        let now = outcomes.iter().filter(|a| **a == Applied::Now).count();
        assert_eq!(now, 1, "round {round}: {outcomes:?}");
    }
    assert_eq!(sales(&pg), "20|20");
}
