//! A till and two packing benches, each its own process with its own file, work one shared
//! shop through a seeded workload while the network between them and the server is cut, held
//! and made to swallow COMMIT replies, the server is SIGKILLed and restarted, and the till is
//! SIGKILLed mid-run and started again on its file. The till sells journal-first; the benches
//! enter orders for three scarce items (more is ordered than there is) and pack orders both may
//! reach at once, on the server. Afterwards every sale the till acknowledged is on the server
//! exactly once, its receipts run 1, 2, 3… without a gap, every order a bench acknowledged is
//! there once, order and invoice numbers run without a gap, no order shipped twice, no scarce
//! item is reserved beyond its stock, every stock level equals the sum of its moves, and the
//! till's outbox is empty. A failing run prints its seed; `SHOPDESK_FAULT_SEED=<seed>` runs the
//! same faults in the same order again.

mod common;

use common::orders::{dublin, line, order_draft};
use common::stations::{demo_pair, set_free, Pair};
use shopdesk_core::order::{Address, OrderDraft};
use shopdesk_core::packing::{PackDone, ParcelDraft};
use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
use shopdesk_core::till::sharing::StationLogin;
use shopdesk_core::{ErrorCode, FixedClock, Session, Shop};
use shopdesk_testkit::proxy::{Fault, FaultProxy};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The till, then the two benches.
const STATIONS: [&str; 3] = ["T1", "B1", "B2"];
const SALES: usize = 30;
/// Orders each bench enters.
const ORDERS: usize = 15;
/// Units of each scarce item free to order: about half of what the benches order.
const SCARCE: i64 = 12;

/// What a station process is told.
#[derive(Clone)]
struct Role {
    file: PathBuf,
    url: String,
    station: String,
    /// Sales for the till; orders for a bench.
    quota: usize,
    seed: u64,
    /// The till's items; a bench's scarce ones.
    skus: String,
    staff: String,
    pin: String,
    /// The number the benches' first order takes: they pack orders from it on.
    first_order: i64,
}

/// A station process: opens its file on the server (made from the server the first time,
/// while the faults may be on), signs in, and does its role's work.
#[test]
fn station_process() {
    let Ok(file) = std::env::var("STATION_FILE") else {
        return; // run as a test of its own: nothing to do
    };
    let env = |k: &str| std::env::var(k).unwrap();
    let clock = Arc::new(FixedClock::at(1_790_001_000_000));
    let name = env("STATION_NAME");
    let started = Instant::now();
    let shop = loop {
        match Shop::open_station(Path::new(&file), &env("STATION_URL"), &name, clock.clone()) {
            Ok(shop) => break shop,
            Err(e) if started.elapsed() < Duration::from_secs(60) => {
                eprintln!("opening the station: {e}");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("{e}"),
        }
    };
    let (me, _) = shop
        .sign_in(&env("STATION_STAFF"), &env("STATION_PIN"))
        .unwrap();
    let skus: Vec<String> = env("STATION_SKUS").split(',').map(String::from).collect();
    let rng = fastrand::Rng::with_seed(env("STATION_SEED").parse().unwrap());
    let quota = env("STATION_QUOTA").parse().unwrap();
    if name.starts_with('T') {
        till(&shop, &me, &skus, quota, rng);
    } else {
        let first = env("STATION_FIRST_ORDER").parse().unwrap();
        bench(&shop, &me, &name, &skus, quota, first, rng);
    }
}

/// The till sells its quota — one to three items each, cash — printing `@@ACK <receipt>` once
/// each sale is committed on its file and trying to send after each, then sends until nothing
/// waits.
fn till(shop: &Shop, me: &Session, skus: &[String], sales: usize, mut rng: fastrand::Rng) {
    if shop.current_shift(me).unwrap().is_none() {
        shop.open_shift(me, "0").unwrap();
    }
    for _ in 0..sales {
        let sale = shop.new_sale(me).unwrap();
        for _ in 0..rng.usize(1..=3) {
            let code = skus[rng.usize(..skus.len())].clone();
            shop.edit_sale(me, &sale.id, &SaleEdit::Scan { code }, None)
                .unwrap();
        }
        let cash = TenderDraft {
            kind: Some(TenderKind::Cash),
            ..TenderDraft::default()
        };
        let done = shop.complete_sale(me, &sale.id, &[cash]).unwrap();
        println!("@@ACK {}", done.receipt_code.unwrap());
        let _ = shop.send_waiting();
        std::thread::sleep(Duration::from_millis(rng.u64(0..30)));
    }
    let until = Instant::now() + Duration::from_secs(120);
    while shop.till_state().unwrap().waiting > 0 && Instant::now() < until {
        let _ = shop.send_waiting();
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("@@DONE {}", shop.till_state().unwrap().waiting);
}

/// An online write tried again while the server is away, as a packer does when the bench says
/// so; what the server answered (a write whose COMMIT reply was lost is found done when tried
/// again: the order by its external id, the shipment by nothing left to pack).
fn answered<T>(act: impl Fn() -> shopdesk_core::Result<T>) -> shopdesk_core::Result<T> {
    let started = Instant::now();
    loop {
        match act() {
            Err(e)
                if e.code() == ErrorCode::ServerOffline
                    && started.elapsed() < Duration::from_secs(90) =>
            {
                eprintln!("{e}");
                std::thread::sleep(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

/// A bench enters its quota of orders (one or two scarce items, one or two units each; its
/// external id `<bench>-<k>` makes a retried entry the same order), printing `@@ORDER <external
/// id> <status>`; after each it packs one order picked at random from the benches' numbers so
/// far — often one the other bench is packing or has packed — printing `@@SHIPPED <number>`
/// when the server shipped it for this bench.
fn bench(
    shop: &Shop,
    me: &Session,
    name: &str,
    skus: &[String],
    orders: usize,
    first: i64,
    mut rng: fastrand::Rng,
) {
    let station = answered(|| shop.station(name)).unwrap();
    for k in 0..orders {
        let external = format!("{name}-{k}");
        let lines = (0..rng.usize(1..=2))
            .map(|i| line(&skus[(k + i) % skus.len()], rng.i64(1..=2)))
            .collect();
        let draft = OrderDraft {
            external_id: Some(external.clone()),
            shipping: Address {
                line1: format!("{k} {name} Street"),
                ..dublin(&format!("Buyer {external}"))
            },
            ..order_draft(&format!("{}@example.ie", external.to_lowercase()), lines)
        };
        let order = answered(|| shop.create_order(me, &draft)).unwrap();
        println!("@@ORDER {external} {}", order.status.as_str());

        let number = rng.i64(first..=order.number);
        // Our own tracking number, or the carrier's scanned from its label.
        let (carrier, tracking) = if rng.bool() {
            ("own", vec![])
        } else {
            ("dpd", vec![format!("DPD{name}{k:04}")])
        };
        let packed = answered(|| {
            let mut p = shop.open_packing(me, &number.to_string())?;
            for line in p.lines.clone() {
                for _ in 0..line.to_pack {
                    shop.pack_scan(&mut p, &line.sku)?;
                }
            }
            let done = PackDone {
                carrier: carrier.into(),
                tracking: tracking.clone(),
                parcels: vec![ParcelDraft {
                    weight: "0.4".into(),
                    ..Default::default()
                }],
                station_id: Some(station.id.clone()),
                ..Default::default()
            };
            shop.complete_packing(me, &p, &done, None)
        });
        match packed {
            Ok(_) => println!("@@SHIPPED {number}"),
            // Held short of stock, or packed by the other bench (or by this one, the reply lost).
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::OnHold | ErrorCode::Conflict | ErrorCode::NothingLeftToShip
                ) => {}
            Err(e) => panic!("packing {number}: {e}"),
        }
        std::thread::sleep(Duration::from_millis(rng.u64(0..30)));
    }
    println!("@@DONE 0");
}

/// Starts a station process; its `@@` lines are gathered in `lines` under its name.
fn spawn(role: &Role, lines: &Arc<Mutex<Vec<(String, String)>>>) -> Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "station_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("STATION_FILE", &role.file)
        .env("STATION_URL", &role.url)
        .env("STATION_NAME", &role.station)
        .env("STATION_QUOTA", role.quota.to_string())
        .env("STATION_SEED", role.seed.to_string())
        .env("STATION_SKUS", &role.skus)
        .env("STATION_STAFF", &role.staff)
        .env("STATION_PIN", &role.pin)
        .env("STATION_FIRST_ORDER", role.first_order.to_string())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(role.file.with_extension("log")).unwrap())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (lines, station) = (lines.clone(), role.station.clone());
    std::thread::spawn(move || {
        // The harness prints "test station_process ... " before the test's first line: a
        // line's own part starts at its marker.
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some((_, said)) = line.split_once("@@") {
                lines
                    .lock()
                    .unwrap()
                    .push((station.clone(), said.to_string()));
            }
        }
    });
    child
}

fn said(lines: &Mutex<Vec<(String, String)>>, station: &str, what: &str) -> Vec<String> {
    lines
        .lock()
        .unwrap()
        .iter()
        .filter(|(t, l)| t == station && l.starts_with(what))
        .map(|(_, l)| l[what.len()..].trim().to_string())
        .collect()
}

#[test]
fn a_till_and_two_benches_through_cuts_lost_replies_and_kills_lose_and_double_nothing() {
    let seed: u64 = std::env::var("SHOPDESK_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..1_000_000));
    eprintln!("fault seed: {seed} (SHOPDESK_FAULT_SEED={seed} runs it again)");
    let mut rng = fastrand::Rng::with_seed(seed);

    let dir = tempfile::tempdir().unwrap();
    let Pair {
        standalone,
        owner,
        mut shared,
        station: office,
    } = demo_pair(dir.path(), 0, 0);
    // Eleven items that only run out when the shop says: eight with stock to spare for the
    // till, three scarce ones for the benches' orders.
    let rows = shared
        .client
        .query(
            "SELECT v.sku, v.id FROM variant v JOIN product p ON p.id = v.product_id
             WHERE v.sku IS NOT NULL AND p.status = 'active' AND v.inventory_policy <> 'continue'
             ORDER BY v.sku LIMIT 11",
            &[],
        )
        .unwrap();
    let floor = office.locations(&owner).unwrap()[0].id.clone();
    for (i, r) in rows.iter().enumerate() {
        let free = if i < 8 { 10_000 } else { SCARCE };
        set_free(&office, &owner, &r.get::<_, String>(1), &floor, free);
    }
    let skus: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let scarce: Vec<String> = rows[8..].iter().map(|r| r.get(1)).collect();
    let first_order: i64 = shared
        .client
        .query_one(
            "SELECT coalesce(max(number), 0) + 1 FROM customer_order",
            &[],
        )
        .unwrap()
        .get(0);
    let demo = standalone.demo_pins().unwrap().remove(0);
    let staff = office
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.name == demo.name)
        .unwrap()
        .id;
    drop((standalone, office));

    // Each station is made from the server through its own proxy.
    let proxies: Vec<FaultProxy> = STATIONS
        .iter()
        .map(|_| FaultProxy::start(([127, 0, 0, 1], shared.pg.port).into()).unwrap())
        .collect();
    // Each station signs in with its own login (joined beforehand, elsewhere), through its proxy.
    let joined = dir.path().join("joined");
    std::fs::create_dir(&joined).unwrap();
    let clock = Arc::new(FixedClock::at(1_790_001_000_000));
    let roles: Vec<Role> = STATIONS
        .iter()
        .zip(&proxies)
        .map(|(station, proxy)| Role {
            file: dir.path().join(format!("{station}.sqlite3")),
            url: StationLogin {
                port: proxy.port,
                ..shared.login(&joined, station, clock.clone())
            }
            .url(),
            station: station.to_string(),
            quota: if station.starts_with('T') {
                SALES
            } else {
                ORDERS
            },
            seed: rng.u64(..),
            skus: if station.starts_with('T') {
                skus[..8].join(",")
            } else {
                skus[8..].join(",")
            },
            staff: staff.clone(),
            pin: demo.pin.clone(),
            first_order,
        })
        .collect();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let mut children: Vec<Child> = roles.iter().map(|r| spawn(r, &lines)).collect();

    let started = Instant::now();
    let (mut server_killed, mut till_killed) = (false, false);
    while STATIONS
        .iter()
        .filter(|t| !said(&lines, t, "DONE ").is_empty())
        .count()
        < STATIONS.len()
    {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the stations did not finish (seed {seed})"
        );
        for (station, child) in STATIONS.iter().zip(&mut children) {
            if let Some(status) = child
                .try_wait()
                .unwrap()
                .filter(|_| said(&lines, station, "DONE ").is_empty())
            {
                // Its line may still be on its way.
                std::thread::sleep(Duration::from_millis(500));
                let log = std::fs::read_to_string(dir.path().join(format!("{station}.log")));
                assert!(
                    !said(&lines, station, "DONE ").is_empty(),
                    "{station} died ({status}, seed {seed}): {}",
                    log.unwrap_or_default()
                );
            }
        }
        let proxy = &proxies[rng.usize(..proxies.len())];
        match rng.u8(..10) {
            0 => proxy.set(Fault::Sever),
            1 => proxy.set(Fault::Blackhole),
            2 => proxy.lose_next_commit_reply(),
            _ => proxy.set(Fault::Pass),
        }
        std::thread::sleep(Duration::from_millis(rng.u64(100..400)));
        for p in &proxies {
            p.set(Fault::Pass);
        }
        let acks = said(&lines, "T1", "ACK ").len();
        if !server_killed && acks >= 8 {
            server_killed = true;
            shared.pg.kill();
            std::thread::sleep(Duration::from_millis(rng.u64(300..1500)));
            shared.pg.restart().unwrap();
        }
        // The till is killed before the server is: after the server's restart a till sends
        // what it queued in one burst and may finish before the next turn of this loop (seed
        // 504783 did), leaving nothing mid-drain to kill.
        if !till_killed && acks >= 4 && said(&lines, "T1", "DONE ").is_empty() {
            // SIGKILL, then the same till on the same file with what is left of its quota.
            till_killed = true;
            children[0].kill().unwrap();
            children[0].wait().unwrap();
            // What it committed counts, acknowledged or not (killed between the two).
            let sold: i64 = rusqlite::Connection::open(&roles[0].file)
                .unwrap()
                .query_row(
                    "SELECT count(*) FROM sale WHERE status = 'completed'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            let again = Role {
                quota: SALES - sold as usize,
                seed: rng.u64(..),
                ..roles[0].clone()
            };
            children[0] = spawn(&again, &lines);
        }
    }
    for c in &mut children {
        c.wait().unwrap();
    }
    assert!(
        server_killed && till_killed,
        "every fault happened (seed {seed})"
    );

    // Afterwards, with the network whole. (The server was killed under the test's own
    // connection too.)
    let c = &mut postgres::Client::connect(&shared.url, postgres::NoTls).unwrap();

    // The till's file sent everything, each acknowledged sale once, its series without a gap.
    assert_eq!(
        said(&lines, "T1", "DONE "),
        ["0"],
        "the till's outbox empty (seed {seed})"
    );
    let acked: BTreeSet<String> = said(&lines, "T1", "ACK ").into_iter().collect();
    let on_server: Vec<i64> = c
        .query(
            "SELECT number FROM sale WHERE station = 'T1' AND status = 'completed' ORDER BY number",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        on_server,
        (1..=SALES as i64).collect::<Vec<_>>(),
        "every acknowledged sale once, numbered without a gap (seed {seed})"
    );
    let codes: BTreeSet<String> = on_server
        .iter()
        .map(|n| shopdesk_core::sale::receipt_code("T1", *n))
        .collect();
    assert!(
        acked.is_subset(&codes) && acked.len() + 1 >= SALES,
        "every acknowledged sale on the server (seed {seed})"
    );
    let waiting: i64 = rusqlite::Connection::open(&roles[0].file)
        .unwrap()
        .query_row("SELECT count(*) FROM station_outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(waiting, 0);

    // Each bench's orders there once; the shop's order numbers without a gap.
    for bench in &STATIONS[1..] {
        let entered = said(&lines, bench, "ORDER ");
        assert_eq!(
            entered.len(),
            ORDERS,
            "{bench} entered its orders (seed {seed})"
        );
        let there = c
            .query(
                "SELECT count(*) FROM customer_order WHERE external_id LIKE $1",
                &[&format!("{bench}-%")],
            )
            .unwrap()[0]
            .get::<_, i64>(0);
        assert_eq!(
            there, ORDERS as i64,
            "{bench}: each order once (seed {seed})"
        );
    }
    let numbers: Vec<i64> = c
        .query(
            "SELECT number FROM customer_order WHERE number >= $1 ORDER BY number",
            &[&first_order],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        numbers,
        (first_order..first_order + 2 * ORDERS as i64).collect::<Vec<_>>(),
        "order numbers without a gap (seed {seed})"
    );
    // More was ordered than there is: some orders wait on hold; those taken fit the stock.
    let held = STATIONS[1..]
        .iter()
        .flat_map(|b| said(&lines, b, "ORDER "))
        .filter(|l| l.ends_with("on_hold"))
        .count();
    assert!(held > 0, "the scarce items ran short (seed {seed})");
    for variant in &scarce {
        let (on_hand, committed): (i64, i64) = {
            let r = c
                .query_one(
                    "SELECT on_hand, committed FROM stock_level WHERE variant_id = $1 AND location_id = $2",
                    &[variant, &floor],
                )
                .unwrap();
            (r.get(0), r.get(1))
        };
        assert!(
            on_hand >= 0 && committed <= on_hand,
            "{variant}: {committed} reserved of {on_hand} on hand (seed {seed})"
        );
    }

    // The benches' orders shipped once each and invoiced once at most; invoice numbers without
    // a gap.
    let shipped: BTreeSet<i64> = STATIONS[1..]
        .iter()
        .flat_map(|b| said(&lines, b, "SHIPPED "))
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(
        !shipped.is_empty(),
        "the benches shipped orders (seed {seed})"
    );
    eprintln!(
        "{} sales, {} orders ({held} held short), {} shipped as acknowledged",
        on_server.len(),
        2 * ORDERS,
        shipped.len()
    );
    let sums: BTreeMap<String, i64> = c
        .query(
            "SELECT 'orders shipped twice', count(*) FROM
                 (SELECT s.order_id FROM shipment s JOIN customer_order o ON o.id = s.order_id
                  WHERE o.number >= $1 GROUP BY s.order_id HAVING count(*) > 1) s
             UNION ALL
             SELECT 'orders invoiced twice', count(*) FROM
                 (SELECT i.order_id FROM invoice i JOIN customer_order o ON o.id = i.order_id
                  WHERE o.number >= $1 AND i.kind = 'invoice'
                  GROUP BY i.order_id HAVING count(*) > 1) i
             UNION ALL
             SELECT 'invoice series with a gap', count(*) FROM
                 (SELECT series, year FROM invoice GROUP BY series, year
                  HAVING max(number) - min(number) + 1 <> count(*)) g
             UNION ALL
             SELECT 'off ledger', count(*) FROM stock_level l
             WHERE on_hand <> (SELECT coalesce(sum(on_hand_delta), 0) FROM stock_move m
                               WHERE m.variant_id = l.variant_id AND m.location_id = l.location_id)
                OR committed <> (SELECT coalesce(sum(committed_delta), 0) FROM stock_move m
                                 WHERE m.variant_id = l.variant_id AND m.location_id = l.location_id)
             UNION ALL
             SELECT 'sale lines without their move', count(*) FROM sale_line sl
             JOIN sale s ON s.id = sl.sale_id
             WHERE s.station <> '' AND sl.kind = 'item' AND sl.void_reason IS NULL
               AND NOT EXISTS (SELECT 1 FROM stock_move m WHERE m.doc_type = 'sale'
                               AND m.doc_id = s.id AND m.variant_id = sl.variant_id)
             UNION ALL
             SELECT 'journal entries missing', count(*) FROM sale s
             WHERE s.station <> '' AND NOT EXISTS (SELECT 1 FROM journal j
                                                 WHERE j.station = s.station AND j.doc_id = s.id)",
            &[&first_order],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert!(sums.values().all(|n| *n == 0), "{sums:?} (seed {seed})");
    for number in shipped {
        let shipments: i64 = c
            .query_one(
                "SELECT count(*) FROM shipment s JOIN customer_order o ON o.id = s.order_id
                 WHERE o.number = $1",
                &[&number],
            )
            .unwrap()
            .get(0);
        assert_eq!(shipments, 1, "order {number} shipped once (seed {seed})");
    }
}
