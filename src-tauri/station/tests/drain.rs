//! A till's journal (its own SQLite) drained into the real PostgreSQL: in order, each action
//! once, through a till killed between the server's COMMIT and its own mark, a lost COMMIT reply,
//! and the server cut off mid-drain.

mod common;

use shopdesk_station::apply::connect;
use shopdesk_station::drain::{drain, Action, Drained, Journal};
use shopdesk_testkit::postgres::Postgres;
use shopdesk_testkit::proxy::{Fault, FaultProxy};

/// The till's journal: a table in its own database file.
struct Till {
    db: rusqlite::Connection,
    /// Marks allowed before the till "dies" (an error from `applied`), if any.
    dies_after: Option<usize>,
    _dir: tempfile::TempDir,
}

impl Till {
    fn with_sales(n: usize) -> Till {
        let dir = tempfile::tempdir().unwrap();
        let db = rusqlite::Connection::open(dir.path().join("till.sqlite3")).unwrap();
        db.execute_batch(
            "CREATE TABLE outbox (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                 kind TEXT NOT NULL, payload TEXT NOT NULL, applied INTEGER NOT NULL DEFAULT 0)",
        )
        .unwrap();
        for i in 1..=n {
            db.execute(
                "INSERT INTO outbox (id, kind, payload) VALUES (?1, 'sale', ?2)",
                (format!("T1-{i:04}"), format!("R-T1-{i:06}")),
            )
            .unwrap();
        }
        Till {
            db,
            dies_after: None,
            _dir: dir,
        }
    }

    fn waiting_count(&self) -> i64 {
        self.db
            .query_row("SELECT count(*) FROM outbox WHERE applied = 0", [], |r| {
                r.get(0)
            })
            .unwrap()
    }
}

impl Journal for Till {
    fn waiting(&mut self, max: usize) -> Result<Vec<Action>, String> {
        let mut st = self
            .db
            .prepare("SELECT id, kind, payload FROM outbox WHERE applied = 0 ORDER BY seq LIMIT ?1")
            .map_err(|e| e.to_string())?;
        let rows = st
            .query_map([max as i64], |r| {
                Ok(Action {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    payload: r.get(2)?,
                })
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }

    fn applied(&mut self, id: &str) -> Result<(), String> {
        if let Some(n) = self.dies_after.as_mut() {
            if *n == 0 {
                return Err("the till was killed".into());
            }
            *n -= 1;
        }
        self.db
            .execute("UPDATE outbox SET applied = 1 WHERE id = ?1", [id])
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

fn server() -> (Postgres, FaultProxy) {
    common::server("CREATE TABLE sale (seq bigserial PRIMARY KEY, receipt text NOT NULL UNIQUE)")
}

/// Drains the till through the proxy; each sale's effect is its row on the server.
fn drain_till(
    pg: &Postgres,
    proxy: &FaultProxy,
    till: &mut Till,
    during: impl FnMut(&Action),
) -> Result<Drained, String> {
    let mut client = connect(&pg.url_via(proxy.port, "shop")).map_err(|e| e.to_string())?;
    let mut during = during;
    drain(till, &mut client, "T1", 2, |tx, a| {
        during(a);
        tx.execute("INSERT INTO sale (receipt) VALUES ($1)", &[&a.payload])?;
        Ok::<(), postgres::Error>(())
    })
}

/// The receipts on the server in the order they were applied.
fn receipts(pg: &Postgres) -> String {
    pg.psql(
        "shop",
        "SELECT string_agg(receipt, ',' ORDER BY seq) FROM sale",
    )
    .unwrap()
}

fn series(n: usize) -> String {
    (1..=n)
        .map(|i| format!("R-T1-{i:06}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn a_till_killed_between_the_servers_commit_and_its_own_mark_applies_nothing_twice() {
    let (pg, proxy) = server();
    let mut till = Till::with_sales(5);
    till.dies_after = Some(2);
    let killed = drain_till(&pg, &proxy, &mut till, |_| {}).unwrap_err();
    assert!(killed.contains("killed"));
    assert_eq!(receipts(&pg), series(3), "the third committed, unmarked");

    till.dies_after = None;
    let d = drain_till(&pg, &proxy, &mut till, |_| {}).unwrap();
    assert_eq!((d.applied, d.already, d.stopped), (2, 1, None));
    assert_eq!(receipts(&pg), series(5));
    assert_eq!(till.waiting_count(), 0);
}

#[test]
fn a_lost_commit_reply_stops_the_drain_and_the_next_one_only_marks_that_sale() {
    let (pg, proxy) = server();
    let mut till = Till::with_sales(4);
    proxy.lose_next_commit_reply();
    let d = drain_till(&pg, &proxy, &mut till, |_| {}).unwrap();
    assert_eq!(d.applied, 0);
    assert!(d.stopped.is_some());
    assert_eq!(
        till.waiting_count(),
        4,
        "nothing marked without the server's word"
    );

    let d = drain_till(&pg, &proxy, &mut till, |_| {}).unwrap();
    assert_eq!((d.applied, d.already, d.stopped), (3, 1, None));
    assert_eq!(receipts(&pg), series(4));
}

#[test]
fn a_server_cut_off_mid_drain_leaves_the_rest_waiting_in_order() {
    let (pg, proxy) = server();
    let mut till = Till::with_sales(6);
    let d = drain_till(&pg, &proxy, &mut till, |a| {
        if a.payload == "R-T1-000004" {
            proxy.set(Fault::Sever);
        }
    })
    .unwrap();
    assert_eq!(d.applied, 3);
    assert!(d.stopped.is_some());
    assert_eq!(till.waiting_count(), 3);
    assert!(
        drain_till(&pg, &proxy, &mut till, |_| {}).is_err(),
        "no server"
    );

    proxy.set(Fault::Pass);
    let d = drain_till(&pg, &proxy, &mut till, |_| {}).unwrap();
    assert_eq!((d.applied, d.already, d.stopped), (3, 0, None));
    assert_eq!(receipts(&pg), series(6));
}
