//! `shopdesk-benchmark` (run by `make benchmark`): measures the figures the issues name and prints
//! them as one table. Targets are judged by reading the table, never by timed assertions in tests.
//!
//! Cold start = spawn of the release binary until its UI reports the first painted frame
//! (`SHOPDESK_RENDERED` on stdout); memory = RSS summed over the app and every process it
//! started (WebKit's web and network processes), sampled after the window settles. Each figure
//! sits beside an empty Tauri window measured the same way in the same run.

mod catalog;
mod counter;
mod customers;
mod desk;
mod orders;
mod packing;
mod reports;
mod stations;
mod sync;

use clap::Parser;
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::{DbKey, Error, FixedClock, Shop};
use shopdesk_testkit::stats::{median, ms_since, Row};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "shopdesk-benchmark", about = "Shopdesk's benchmark table")]
struct Args {
    /// The release build of the Shopdesk app.
    #[arg(long, default_value = "target/release/shopdesk-app")]
    app: PathBuf,
    /// The release build of the empty Tauri window.
    #[arg(long, default_value = "target/release/benchmark-empty")]
    empty: PathBuf,
    /// Launches per app (the median is reported, after one warm-up launch each).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Only the database, catalog, counter and orders figures (no window, no display needed).
    #[arg(long)]
    no_window: bool,
    /// Only the database open, demo load, cold start and memory figures (needs a display).
    #[arg(long)]
    window_only: bool,
    /// Only the catalog figures (CSV import and export, search, stock level).
    #[arg(long)]
    catalog_only: bool,
    /// Only the orders figures (for working on orders).
    #[arg(long)]
    orders_only: bool,
    /// Only the packing figures (labels, complete → print system).
    #[arg(long)]
    packing_only: bool,
    /// Only the marketplace sync figures.
    #[arg(long)]
    sync_only: bool,
    /// Only the customers figures.
    #[arg(long)]
    customers_only: bool,
    /// Only the service desk figures (mailbox fetch from a local Dovecot).
    #[arg(long)]
    desk_only: bool,
    /// Only the several-stations figures (sharing a shop to PostgreSQL; the ported actions on
    /// the server beside the file).
    #[arg(long)]
    stations_only: bool,
    /// Only the catalog, counter and orders figures, on encrypted databases (SQLCipher), to
    /// read beside the same rows of the plain run.
    #[arg(long)]
    encrypted: bool,
}

struct Launch {
    start: Duration,
    rss_kib: u64,
}

/// Direct and indirect children of `root`, read from /proc.
fn process_tree(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // The command name may contain spaces; fields resume after the last ')'.
            let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
            if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
                parents.push((pid, ppid));
            }
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Launches `binary` once. `home` holds its data, config and cache dirs and is reused across
/// launches of the same app, as on a shop's machine: a cold process start with the OS's and
/// WebKit's caches (fonts, Mesa shaders) as they are after the app has run before.
fn launch(binary: &Path, db: Option<&Path>, home: &Path) -> Result<Launch, Error> {
    for dir in ["data", "config", "cache", "logs"] {
        std::fs::create_dir_all(home.join(dir)).map_err(|e| Error::invalid(e.to_string()))?;
    }
    let mut cmd = Command::new(binary);
    cmd.env("SHOPDESK_BENCHMARK", "1")
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("SHOPDESK_LOG_DIR", home.join("logs"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(db) = db {
        cmd.env("SHOPDESK_DB", db);
    }
    let t0 = Instant::now();
    let mut child = cmd.spawn().map_err(|e| {
        Error::invalid(format!(
            "cannot start {}: {e} (build it with `make benchmark`)",
            binary.display()
        ))
    })?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::invalid("no stdout"))?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("SHOPDESK_RENDERED") {
                let _ = tx.send(t0.elapsed());
            }
        }
    });
    let started = rx.recv_timeout(Duration::from_secs(30));
    // Let WebKit finish settling before sampling memory, the same for both apps.
    std::thread::sleep(Duration::from_millis(1500));
    let rss = process_tree(child.id()).into_iter().map(rss_kib).sum();
    let _ = child.kill();
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(300));
    let start = started.map_err(|_| {
        Error::invalid(format!(
            "{} never reported its first frame (is DISPLAY set?)",
            binary.display()
        ))
    })?;
    Ok(Launch {
        start,
        rss_kib: rss,
    })
}

fn time_open(path: &Path) -> Result<f64, Error> {
    let t = Instant::now();
    let shop = Shop::open(path, Arc::new(FixedClock::at(0)))?;
    let ms = ms_since(t);
    drop(shop);
    Ok(ms)
}

fn run(args: Args) -> Result<(), Error> {
    let scratch = std::env::temp_dir().join(format!("shopdesk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| Error::invalid(e.to_string()))?;
    if args.encrypted {
        let key = DbKey::generate()?;
        let mut rows = Vec::new();
        crate::catalog::run(&scratch, &mut rows, Some(&key))?;
        crate::orders::run(&scratch, &mut rows, Some(&key))?;
        for row in &mut rows {
            row.what = format!("{} [encrypted]", row.what);
        }
        print_table(rows);
        let _ = std::fs::remove_dir_all(&scratch);
        return Ok(());
    }
    // One section alone, when asked for: its rows, then done.
    type Section = fn(&Path, &mut Vec<Row>) -> Result<(), Error>;
    let sections: [(bool, Section); 7] = [
        (args.catalog_only, |s, r| crate::catalog::run(s, r, None)),
        (args.orders_only, |s, r| crate::orders::run(s, r, None)),
        (args.customers_only, crate::customers::run),
        (args.desk_only, crate::desk::run),
        (args.sync_only, crate::sync::run),
        (args.packing_only, crate::packing::run),
        (args.stations_only, crate::stations::run),
    ];
    if let Some((_, section)) = sections.iter().find(|(asked, _)| *asked) {
        let mut rows = Vec::new();
        section(&scratch, &mut rows)?;
        print_table(rows);
        // SHOPDESK_BENCHMARK_KEEP keeps the generated databases to look into.
        if std::env::var_os("SHOPDESK_BENCHMARK_KEEP").is_some() {
            eprintln!("kept {}", scratch.display());
        } else {
            let _ = std::fs::remove_dir_all(&scratch);
        }
        return Ok(());
    }

    // Database open + migrate: a brand-new file, then a demo shop reopened.
    let mut empty_ms = Vec::new();
    let mut demo_ms = Vec::new();
    let demo_db = scratch.join("demo.sqlite3");
    // At 14:00 on a Sunday in Galway: the day's counter trade is part of the history.
    let loaded = Instant::now();
    Shop::open(&demo_db, Arc::new(FixedClock::at(1_795_960_800_000)))?.load_demo(&DemoRequest {
        country: "IE".into(),
    })?;
    let demo_load = ms_since(loaded);
    for i in 0..args.runs.max(1) {
        empty_ms.push(time_open(&scratch.join(format!("empty-{i}.sqlite3")))?);
        demo_ms.push(time_open(&demo_db)?);
    }

    let mut rows = vec![
        Row::new(
            "db open + migrate, new empty database",
            format!("{:.1} ms", median(&empty_ms)),
        ),
        Row::new(
            "db open + migrate, demo database",
            format!("{:.1} ms", median(&demo_ms)),
        ),
        Row::new(
            "demo shop loaded with 90 days of history (goal < 5 s)",
            format!("{:.2} s", demo_load / 1000.0),
        ),
    ];

    if !args.window_only {
        crate::catalog::run(&scratch, &mut rows, None)?;
        crate::orders::run(&scratch, &mut rows, None)?;
        crate::customers::run(&scratch, &mut rows)?;
        crate::desk::run(&scratch, &mut rows)?;
        crate::packing::run(&scratch, &mut rows)?;
        crate::sync::run(&scratch, &mut rows)?;
        crate::stations::run(&scratch, &mut rows)?;
    }
    if args.no_window {
        print_table(rows);
        if std::env::var_os("SHOPDESK_BENCHMARK_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&scratch);
        }
        return Ok(());
    }

    // Alternate the two apps so drift in the machine's load hits both alike.
    let mut shop = Vec::new();
    let mut empty = Vec::new();
    for i in 0..=args.runs.max(1) {
        let db_copy = scratch.join(format!("launch-{i}.sqlite3"));
        std::fs::copy(&demo_db, &db_copy).map_err(|e| Error::invalid(e.to_string()))?;
        let s = launch(&args.app, Some(&db_copy), &scratch.join("home-shopdesk"))?;
        let e = launch(&args.empty, None, &scratch.join("home-empty"))?;
        if i > 0 {
            shop.push(s);
            empty.push(e);
        }
    }
    let ms = |v: &[Launch]| {
        median(
            &v.iter()
                .map(|l| l.start.as_secs_f64() * 1000.0)
                .collect::<Vec<_>>(),
        )
    };
    let mib = |v: &[Launch]| {
        median(
            &v.iter()
                .map(|l| l.rss_kib as f64 / 1024.0)
                .collect::<Vec<_>>(),
        )
    };
    let (s_ms, e_ms, s_mib, e_mib) = (ms(&shop), ms(&empty), mib(&shop), mib(&empty));
    rows.push(
        Row::new(
            "cold start to first screen, Shopdesk (goal < 1000 ms, <= 1.3x empty)",
            format!("{s_ms:.0} ms"),
        )
        .against(format!("{:.2}x", s_ms / e_ms)),
    );
    rows.push(
        Row::new(
            "cold start to first screen, empty Tauri window",
            format!("{e_ms:.0} ms"),
        )
        .against("1.00x"),
    );
    rows.push(
        Row::new(
            "memory RSS app + WebKit, Shopdesk (goal <= 1.2x empty)",
            format!("{s_mib:.1} MiB"),
        )
        .against(format!("{:.2}x", s_mib / e_mib)),
    );
    rows.push(
        Row::new(
            "memory RSS app + WebKit, empty Tauri window",
            format!("{e_mib:.1} MiB"),
        )
        .against("1.00x"),
    );

    print_table(rows);
    println!(
        "\n(median of {} launches each after one warm-up launch; Shopdesk opens a copy of the demo shop on its sign-in screen)",
        args.runs.max(1)
    );
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

fn print_table(rows: Vec<Row>) {
    println!("| figure | value | vs empty window |");
    println!("|---|---:|---:|");
    for row in rows {
        println!("{}", row.line());
    }
}

fn main() -> std::process::ExitCode {
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shopdesk-benchmark: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
