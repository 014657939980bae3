//! The private PostgreSQL server the multi-station tests stand on: it starts as the tests' own
//! cluster, keeps what was committed through a SIGKILL, and comes back on the same data.

use shopdesk_testkit::postgres::Postgres;

#[test]
fn a_private_server_keeps_what_was_committed_through_a_kill_and_restart() {
    let mut pg = Postgres::start().expect("a private PostgreSQL");
    pg.psql("postgres", "CREATE DATABASE shop").unwrap();
    pg.psql(
        "shop",
        "CREATE TABLE sale (id text PRIMARY KEY, total_minor bigint NOT NULL);
         INSERT INTO sale VALUES ('s1', 1250), ('s2', 399);",
    )
    .unwrap();
    let refused = pg
        .psql("shop", "INSERT INTO sale VALUES ('s1', 1)")
        .unwrap_err();
    assert!(refused.contains("duplicate key"), "{refused}");

    pg.kill();
    assert!(
        pg.psql("shop", "SELECT 1").is_err(),
        "a killed server answers nothing"
    );
    pg.restart().unwrap();
    assert_eq!(
        pg.psql("shop", "SELECT count(*), sum(total_minor) FROM sale")
            .unwrap(),
        "2|1649"
    );
    assert!(pg.url("shop").contains(&format!("port={}", pg.port)));
}
