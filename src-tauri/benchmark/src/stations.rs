//! Several stations, one shop (issue 21), so far: sharing a 100k-variant shop into a private
//! PostgreSQL (the whole copy, verified), and what is ported to both engines measured on the
//! server beside the same reads and writes on the SQLite file — catalog search, the scan
//! lookup, the first page, a stock adjustment, order ingest — each as p99 with the server's
//! cost as a ratio. The reports over two years of orders and counter trade, on the file and on the server.
//! Then the till: its file made from the server, checkout on it beside the standalone shop's
//! (journal-first: the server is not on the path), and how soon sales queued while the server
//! was away reach it once it is back.

use crate::catalog::{bench_shop, generate_csv};
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::channel::Pulled;
use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
use shopdesk_core::stock::StockAdjustment;
use shopdesk_core::{Error, Session, Shop, SystemClock};
use shopdesk_testkit::postgres::Postgres;
use shopdesk_testkit::stats::{median, ms_since, p99, Row};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The p99 of each ported action on one shop (the file or the server).
struct Figures {
    search: f64,
    lookup: f64,
    first_page: f64,
    adjust: f64,
}

/// `location`: where the adjustments go (the locations are not read on the server yet).
fn measure(
    shop: &Shop,
    owner: &Session,
    codes: &[String],
    location: &str,
) -> Result<Figures, Error> {
    let mut rng = fastrand::Rng::with_seed(11);
    let words = ["ink", "sage", "linen mug", "sku-12", "tote", "oak bo"];
    let mut search = Vec::new();
    for i in 0..400 {
        let text = words[i % words.len()].to_string();
        let t = Instant::now();
        std::hint::black_box(shop.catalog(
            owner,
            &CatalogQuery {
                text: Some(text),
                limit: Some(100),
                ..Default::default()
            },
        )?);
        search.push(ms_since(t));
    }
    let mut lookup = Vec::new();
    for _ in 0..2000 {
        let code = &codes[rng.usize(..codes.len())];
        let t = Instant::now();
        if shop.lookup(owner, code)?.is_none() {
            return Err(Error::invalid(format!("barcode {code} not found")));
        }
        lookup.push(ms_since(t));
    }
    let mut first_page = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        std::hint::black_box(shop.catalog(owner, &CatalogQuery::default())?);
        first_page.push(ms_since(t));
    }
    let variant = shop
        .lookup(owner, &codes[1])?
        .ok_or(Error::NotFound { what: "variant" })?;
    let mut adjust = Vec::new();
    for i in 0..500 {
        let t = Instant::now();
        shop.adjust_stock(
            owner,
            StockAdjustment {
                variant_id: variant.variant_id.clone(),
                location_id: location.to_string(),
                delta: if i % 2 == 0 { 2 } else { -1 },
                note: "bench".into(),
            },
        )?;
        adjust.push(ms_since(t));
    }
    Ok(Figures {
        search: p99(&search),
        lookup: p99(&lookup),
        first_page: p99(&first_page),
        adjust: p99(&adjust),
    })
}

/// Order ingest: `n` orders of three lines entered (priced, verified against every order
/// before them, stock committed, a confirmation queued), each its own transaction; their p99
/// and the orders a second.
fn ingest(shop: &Shop, owner: &Session, codes: &[String], n: usize) -> Result<(f64, f64), Error> {
    let mut rng = fastrand::Rng::with_seed(17);
    let mut times = Vec::new();
    let started = Instant::now();
    for i in 0..n {
        let draft = crate::orders::incoming(i, codes, &mut rng);
        let t = Instant::now();
        shop.create_order(owner, &draft)?;
        times.push(ms_since(t));
    }
    let per_second = n as f64 / started.elapsed().as_secs_f64();
    Ok((p99(&times), per_second))
}

/// The marketplace's order `i`, of one of `codes`.
fn pulled(i: usize, codes: &[String]) -> Pulled {
    let mut order = crate::sync::remote(i);
    order.lines[0].sku = codes[i % codes.len()].clone();
    Pulled::Order(Box::new(order))
}

/// Marketplace ingest: `n` orders pulled from a channel entered in pages of 50, a transaction
/// each (mapped, priced, verified, committed, stored with their payload and exactly-once key), as
/// the sync does; orders a second.
fn ingest_pages(shop: &Shop, owner: &Session, codes: &[String], n: usize) -> Result<f64, Error> {
    let channel = crate::sync::channel(shop, owner, "shopify")?;
    let orders: Vec<Pulled> = (0..n).map(|i| pulled(i, codes)).collect();
    let started = Instant::now();
    for page in orders.chunks(50) {
        shop.ingest_orders(&channel.id, page)?;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// The server's own time in its statements since the last reset, writing (INSERT, UPDATE,
/// DELETE, COPY: with the triggers and index entries they make) and reading, in ms.
fn server_time(pg: &Postgres) -> Result<(f64, f64), Error> {
    let out = pg
        .psql(
            "shop",
            "SELECT coalesce(sum(total_exec_time) FILTER (WHERE query ~* '^\\s*(INSERT|UPDATE|DELETE|COPY)'), 0),
                    coalesce(sum(total_exec_time) FILTER (WHERE query ~* '^\\s*SELECT'), 0)
             FROM pg_stat_statements",
        )
        .map_err(Error::invalid)?;
    let read = |v: Option<&str>| {
        v.and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| Error::invalid(format!("pg_stat_statements answered '{out}'")))
    };
    let mut ms = out.trim().split('|');
    Ok((read(ms.next())?, read(ms.next())?))
}

/// A marketplace's flash sale taken in by the back office while `busy` holds: pages of 50, one
/// after the other, as the sync takes them in; the orders taken in and the seconds it took.
fn flash_sale(
    office: &Shop,
    owner: &Session,
    codes: &[String],
    busy: &AtomicBool,
) -> Result<(usize, f64), Error> {
    let channel = crate::sync::channel(office, owner, "flash")?;
    let started = Instant::now();
    let mut taken = 0;
    while busy.load(Ordering::Relaxed) {
        let page: Vec<Pulled> = (taken..taken + 50).map(|i| pulled(i, codes)).collect();
        office.ingest_orders(&channel.id, &page)?;
        taken += page.len();
    }
    Ok((taken, started.elapsed().as_secs_f64()))
}

fn joined<T>(run: std::thread::ScopedJoinHandle<'_, Result<T, Error>>) -> Result<T, Error> {
    run.join()
        .unwrap_or_else(|_| Err(Error::invalid("a station panicked")))
}

/// What a busy minute measured: each sale's time on its till and its send's, and the orders a
/// second a back office took in meanwhile.
struct Minute {
    sales: Vec<f64>,
    sends: Vec<f64>,
    orders_a_second: Option<f64>,
}

/// Every till selling 300 sales a minute for a minute, each sale sent at once — with `office`,
/// while that station takes in a marketplace's flash sale all the while.
fn busy_minute(
    tills: &[Shop],
    office: Option<&Shop>,
    owner: &Session,
    codes: &[String],
    seed: u64,
) -> Result<Minute, Error> {
    let busy = AtomicBool::new(true);
    std::thread::scope(|scope| {
        let flash = office.map(|o| scope.spawn(|| flash_sale(o, owner, codes, &busy)));
        let runs: Vec<_> = tills
            .iter()
            .enumerate()
            .map(|(i, till)| scope.spawn(move || sustained(till, owner, codes, seed + i as u64)))
            .collect();
        let runs: Result<Vec<_>, Error> = runs.into_iter().map(joined).collect();
        busy.store(false, Ordering::Relaxed);
        let orders_a_second = flash
            .map(joined)
            .transpose()?
            .map(|(taken, secs)| taken as f64 / secs);
        let (mut sales, mut sends) = (Vec::new(), Vec::new());
        for (s, n) in runs? {
            sales.extend(s);
            sends.extend(n);
        }
        Ok(Minute {
            sales,
            sends,
            orders_a_second,
        })
    })
}

/// The station `name` of the shop at `url`, on its own file in `scratch`.
fn open_station(scratch: &Path, url: &str, name: &str) -> Result<Shop, Error> {
    Shop::open_station(
        &scratch.join(format!("{name}.sqlite3")),
        url,
        name,
        Arc::new(SystemClock),
    )
}

/// Opens the till's shift unless one is open.
fn with_shift(shop: &Shop, owner: &Session) -> Result<(), Error> {
    if shop.current_shift(owner)?.is_none() {
        shop.open_shift(owner, "100")?;
    }
    Ok(())
}

/// One sale of `lines` scans from `codes`, paid in cash: each scan's time and the completion's.
fn ring_up(
    shop: &Shop,
    owner: &Session,
    codes: &[String],
    rng: &mut fastrand::Rng,
    lines: usize,
) -> Result<(Vec<f64>, f64), Error> {
    let sale = shop.new_sale(owner)?;
    let mut scans = Vec::with_capacity(lines);
    for _ in 0..lines {
        let code = codes[rng.usize(..codes.len())].clone();
        let t = Instant::now();
        shop.edit_sale(owner, &sale.id, &SaleEdit::Scan { code }, None)?;
        scans.push(ms_since(t));
    }
    let cash = TenderDraft {
        kind: Some(TenderKind::Cash),
        ..TenderDraft::default()
    };
    let t = Instant::now();
    shop.complete_sale(owner, &sale.id, &[cash])?;
    Ok((scans, ms_since(t)))
}

/// `sales` checkouts of three scans and cash: the p99 of a scan and of the completion.
fn checkout(
    shop: &Shop,
    owner: &Session,
    codes: &[String],
    sales: usize,
) -> Result<(f64, f64), Error> {
    let mut rng = fastrand::Rng::with_seed(5);
    with_shift(shop, owner)?;
    let (mut scans, mut commits) = (Vec::new(), Vec::new());
    for _ in 0..sales {
        let (lines, commit) = ring_up(shop, owner, codes, &mut rng, 3)?;
        scans.extend(lines);
        commits.push(commit);
    }
    Ok((p99(&scans), p99(&commits)))
}

/// One till selling a sale every 200 ms for a minute, each sent at once: the times of the
/// sales (scans and completion) and of their sends.
fn sustained(
    till: &Shop,
    owner: &Session,
    codes: &[String],
    seed: u64,
) -> Result<(Vec<f64>, Vec<f64>), Error> {
    let mut rng = fastrand::Rng::with_seed(seed);
    with_shift(till, owner)?;
    let (mut sales, mut sends) = (Vec::new(), Vec::new());
    let start = Instant::now();
    let tick = std::time::Duration::from_millis(200);
    for n in 1..=300u32 {
        let lines = rng.usize(1..=3);
        let (scans, commit) = ring_up(till, owner, codes, &mut rng, lines)?;
        sales.push(scans.iter().sum::<f64>() + commit);
        let t = Instant::now();
        let sent = till.send_waiting()?;
        if sent.waiting != 0 {
            return Err(Error::invalid(format!(
                "a sale did not reach the server: {sent:?}"
            )));
        }
        sends.push(ms_since(t));
        if let Some(rest) = (tick * n).checked_sub(start.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    Ok((sales, sends))
}

/// The reports on the file and on the server, over the same history: the sums made from all of
/// it once (each engine folds its own), then every report over a month, a quarter and a year.
fn reports(
    shop: &Shop,
    station: &Shop,
    owner: &Session,
    history: u32,
    rows: &mut Vec<Row>,
) -> Result<(), Error> {
    let fold = |s: &Shop| -> Result<f64, Error> {
        let t = Instant::now();
        s.fold_report_hours(owner)?;
        Ok(ms_since(t) / 1000.0)
    };
    let (here, there) = (fold(shop)?, fold(station)?);
    rows.push(Row::new(
        format!("report sums made from {history} orders and {history} counter lines: this file / the shop's server"),
        format!("{here:.1} / {there:.1} s ({:.1}×)", there / here.max(0.001)),
    ));
    for (label, q) in crate::reports::periods() {
        let here = crate::reports::every_report(shop, owner, &q)?;
        let there = crate::reports::every_report(station, owner, &q)?;
        let total = |all: &[(f64, &str)]| all.iter().map(|r| r.0).sum::<f64>();
        let (worst, name) = there
            .iter()
            .zip(&here)
            .map(|(t, h)| (t.0 / h.0.max(0.001), t.1))
            .fold((0.0, ""), |a, b| if b.0 > a.0 { b } else { a });
        rows.push(Row::new(
            format!("… each report over a {label}, p99 of 3: this file / the shop's server"),
            here.iter()
                .zip(&there)
                .map(|(h, t)| format!("{} {:.0}/{:.0}", h.1, h.0, t.0))
                .collect::<Vec<_>>()
                .join(", ")
                + " ms",
        ));
        rows.push(Row::new(
            format!("every report with CSV over a {label} of that history, compared: the 16 summed, this file / the shop's server"),
            format!(
                "{:.0} / {:.0} ms ({:.1}×; the furthest apart: {name} {worst:.1}×)",
                total(&here),
                total(&there),
                total(&there) / total(&here).max(0.001)
            ),
        ));
    }
    Ok(())
}

pub fn run(scratch: &Path, rows: &mut Vec<Row>) -> Result<(), Error> {
    let (shop, owner) = bench_shop(&scratch.join("stations-100k.sqlite3"), None)?;
    let (csv, codes) = generate_csv(10_000);
    shop.import_catalog(&owner, &csv, &mut |_, _| {})?;
    // What the tills sell: 50 items with plenty on the shelf.
    let floor = shop.locations(&owner)?[0].id.clone();
    let sold: Vec<String> = codes.iter().step_by(codes.len() / 50).cloned().collect();
    for code in &sold {
        let v = shop
            .lookup(&owner, code)?
            .ok_or(Error::NotFound { what: "variant" })?;
        shop.adjust_stock(
            &owner,
            StockAdjustment {
                variant_id: v.variant_id,
                location_id: floor.clone(),
                delta: 100_000,
                note: "bench".into(),
            },
        )?;
    }

    // Two years of orders and counter trade for the reports (SHOPDESK_BENCHMARK_STATION_ORDERS
    // orders and as many counter sale lines), shared with the rest.
    let history = crate::orders::size("SHOPDESK_BENCHMARK_STATION_ORDERS", 100_000);
    shop.fill_orders_for_benchmark(history, 9)?;
    shop.fill_counter_for_benchmark(history, 11)?;

    let mut pg = Postgres::start().map_err(Error::invalid)?;
    // The server's own time in each statement, to say how much of an order's time on the
    // server is its work there rather than the trips to it.
    pg.psql(
        "postgres",
        "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'",
    )
    .map_err(Error::invalid)?;
    pg.restart().map_err(Error::invalid)?;
    pg.psql("postgres", "CREATE DATABASE shop")
        .map_err(Error::invalid)?;
    pg.psql("shop", "CREATE EXTENSION pg_stat_statements")
        .map_err(Error::invalid)?;
    let url = pg.url("shop");
    let mut client = shopdesk_core::server::connect(&url)?;
    let t = Instant::now();
    let shared = shop.share_with_stations(&owner, &mut client)?;
    let share_ms = ms_since(t);
    let copied = shared.rows();
    rows.push(Row::new(
        format!(
            "share a 100k-variant shop with stations: copy to PostgreSQL + verify, {copied} rows"
        ),
        format!("{:.1} s", share_ms / 1000.0),
    ));

    let t = Instant::now();
    let station = open_station(scratch, &url, "BENCH")?;
    rows.push(Row::new(
        "a till's file made from the shop's server (catalog, stock, staff, customers of the 100k shop)",
        format!("{:.1} s", ms_since(t) / 1000.0),
    ));
    let here = measure(&shop, &owner, &codes, &floor)?;
    let there = measure(&station, &owner, &codes, &floor)?;
    let pair = |what: &str, file: f64, server: f64| {
        Row::new(
            format!("{what}, p99: this file / the shop's server (PostgreSQL on loopback)"),
            format!(
                "{file:.2} / {server:.2} ms ({:.1}×)",
                server / file.max(0.001)
            ),
        )
    };
    rows.push(pair(
        "catalog search, first 100 + count",
        here.search,
        there.search,
    ));
    rows.push(pair("scan lookup by barcode", here.lookup, there.lookup));
    rows.push(pair(
        "catalog's first page",
        here.first_page,
        there.first_page,
    ));
    rows.push(pair(
        "stock adjustment (one action, committed)",
        here.adjust,
        there.adjust,
    ));
    let (file_order, file_rate) = ingest(&shop, &owner, &sold, 500)?;
    let (server_order, server_rate) = ingest(&station, &owner, &sold, 500)?;
    rows.push(pair(
        "order ingest, 500 orders of 3 lines among the history's (priced, verified, committed)",
        file_order,
        server_order,
    ));
    rows.push(Row::new(
        "order ingest, orders a second: this file / the shop's server",
        format!(
            "{file_rate:.0} / {server_rate:.0} ({:.1}× slower)",
            file_rate / server_rate.max(0.001)
        ),
    ));
    let file_rate = ingest_pages(&shop, &owner, &sold, 1000)?;
    pg.psql("shop", "SELECT pg_stat_statements_reset()")
        .map_err(Error::invalid)?;
    let server_rate = ingest_pages(&station, &owner, &sold, 1000)?;
    let (writing, reading) = server_time(&pg)?;
    rows.push(Row::new(
        "marketplace ingest, 1,000 orders in pages of 50, orders a second: this file / the shop's server",
        format!(
            "{file_rate:.0} / {server_rate:.0} ({:.1}× slower)",
            file_rate / server_rate.max(0.001)
        ),
    ));
    rows.push(Row::new(
        "…the server's own time an order in its statements (pg_stat_statements): writing / reading, of the order's time on the server; the file's whole order",
        format!(
            "{:.3} / {:.3} of {:.3} ms; {:.3} ms",
            writing / 1000.0,
            reading / 1000.0,
            1000.0 / server_rate.max(0.001),
            1000.0 / file_rate.max(0.001)
        ),
    ));

    // What every statement on the server costs at least, whatever it does: the floor under the
    // ingest figures above (each order is a few dozen statements, each a round trip).
    let select = client.prepare("SELECT 1")?;
    let trips = (0..2000)
        .map(|_| {
            let t = Instant::now();
            client.query_one(&select, &[]).map(|_| ms_since(t))
        })
        .collect::<Result<Vec<f64>, _>>()?;
    rows.push(Row::new(
        "a bare round trip to the shop's server (a prepared SELECT 1), median",
        format!("{:.3} ms", median(&trips)),
    ));

    reports(&shop, &station, &owner, history, rows)?;

    let (file_scan, file_commit) = checkout(&shop, &owner, &sold, 200)?;
    let (till_scan, till_commit) = checkout(&station, &owner, &sold, 200)?;
    let beside = |what: &str, file: f64, till: f64| {
        Row::new(
            format!("{what}, p99: standalone / on a till of the shared shop"),
            format!("{file:.2} / {till:.2} ms ({:.1}×)", till / file.max(0.001)),
        )
    };
    rows.push(beside(
        "counter scan (line added, cart priced)",
        file_scan,
        till_scan,
    ));
    rows.push(beside(
        "completing a sale (3 lines; on the till also queued for the server)",
        file_commit,
        till_commit,
    ));
    let t = Instant::now();
    let sent = station.send_waiting()?;
    rows.push(Row::new(
        format!(
            "the till's {} queued actions (a shift, 200 sales) sent to the server, each once",
            sent.applied
        ),
        format!(
            "{:.2} ms each",
            ms_since(t) / f64::from(sent.applied.max(1))
        ),
    ));

    // The server killed: the till sells on, and what it queued arrives once the server is back.
    pg.kill();
    let (_, offline_commit) = checkout(&station, &owner, &sold, 100)?;
    pg.restart().map_err(Error::invalid)?;
    let t = Instant::now();
    let sent = station.send_waiting()?;
    let back_ms = ms_since(t);
    if sent.waiting != 0 || sent.applied != 100 {
        return Err(Error::invalid(format!(
            "the queued sales did not all arrive: {sent:?}"
        )));
    }
    rows.push(Row::new(
        "completing a sale with the server killed (queued on the till), p99",
        format!("{offline_commit:.2} ms"),
    ));
    rows.push(Row::new(
        "100 sales queued while the server was down: all on it after its restart",
        format!("{back_ms:.0} ms ({:.2} ms each)", back_ms / 100.0),
    ));

    // Three tills at 300 sales a minute each, for a minute: each sale completed on the till's
    // file, then sent to the server at once.
    let others = ["T2", "T3"]
        .iter()
        .map(|t| open_station(scratch, &url, t))
        .collect::<Result<Vec<_>, Error>>()?;
    let tills: Vec<Shop> = std::iter::once(station).chain(others).collect();
    let alone = busy_minute(&tills, None, &owner, &sold, 0)?;
    rows.push(Row::new(
        format!(
            "3 tills × 300 sales a minute for a minute ({} sales): completing a sale on the till, p99",
            alone.sales.len()
        ),
        format!("{:.2} ms", p99(&alone.sales)),
    ));
    rows.push(Row::new(
        "… and the same sale sent to the server right after, p99",
        format!("{:.2} ms", p99(&alone.sends)),
    ));
    // What the people at the tills feel of a marketplace sync running at another station.
    let office = open_station(scratch, &url, "OFFICE")?;
    let synced = busy_minute(&tills, Some(&office), &owner, &sold, 3)?;
    rows.push(Row::new(
        format!(
            "the same minute while the back office takes in a marketplace's flash sale ({:.0} orders a second): completing a sale / sent, p99",
            synced.orders_a_second.unwrap_or_default()
        ),
        format!("{:.2} / {:.2} ms", p99(&synced.sales), p99(&synced.sends)),
    ));
    Ok(())
}
