//! `shopdesk`: the headless command over shopdesk-core for people who automate (cron jobs,
//! scripts) and for tests. Every subcommand takes `--db PATH`, prints JSON with `--json`, and
//! exits non-zero with a clear message on failure.

/// `println!` for the command's output: a reader that goes away early (`shopdesk … | head`) ends
/// the command quietly with success, as Unix tools do, instead of a panic on the broken pipe.
macro_rules! say {
    ($($arg:tt)*) => { $crate::say(format_args!($($arg)*)) };
}

mod backup;
mod counter;
mod orders;
mod packing;
mod report;
mod stations;
mod sync;

use clap::{Parser, Subcommand};
use shopdesk_core::catalog::product::ProductStatus;
use shopdesk_core::catalog::{CatalogQuery, VariantRow};
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::import::shopify_csv::ImportIssue;
use shopdesk_core::{Error, Session, Shop, SystemClock};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "shopdesk", version, about = "Shopdesk from the command line")]
struct Cli {
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct DbArg {
    /// The shop's database file (created if missing).
    #[arg(long, env = "SHOPDESK_DB")]
    db: PathBuf,
}

/// Who runs the command: the same staff names, PINs and permissions as at the counter.
#[derive(clap::Args)]
struct StaffArgs {
    /// Staff member's name.
    #[arg(long, env = "SHOPDESK_STAFF")]
    staff: String,
    /// Their PIN (prefer the SHOPDESK_PIN environment variable in scripts).
    #[arg(long, env = "SHOPDESK_PIN", hide_env_values = true)]
    pin: String,
}

#[derive(Subcommand)]
enum Command {
    /// Marketplace channels: connect, unmatched SKUs, link a SKU.
    Channel {
        #[command(subcommand)]
        command: sync::ChannelCommand,
    },
    /// Pull orders and push stock and tracking for every channel (or one) once; `sync status`
    /// shows each channel's health.
    Sync {
        #[command(subcommand)]
        command: Option<sync::SyncCommand>,
        /// The shop's database file.
        #[arg(long, env = "SHOPDESK_DB")]
        db: Option<PathBuf>,
        /// Only this channel.
        #[arg(long)]
        channel: Option<String>,
    },
    /// Fill a new database with the demo shop (staff, products with variants, stock, suppliers).
    Demo {
        #[command(flatten)]
        db: DbArg,
        /// Where the demo shop trades: IE (EUR), GB (GBP) or US (USD).
        #[arg(long, default_value = "IE")]
        country: String,
    },
    /// The catalog: list and search, Shopify-CSV import and export.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Share this shop with other stations, as Settings → Stations does: its database made on
    /// the shop's PostgreSQL server (or an empty one used), the shop copied and verified, its
    /// logins made, and this computer its station --station (the login kept in the OS
    /// keychain). The admin login is used once and not kept.
    Share {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// An admin login: postgresql://admin:password@host:5432/database.
        #[arg(long, env = "SHOPDESK_SERVER", hide_env_values = true)]
        server: String,
        /// This computer's station name, on its receipts and in the audit trail.
        #[arg(long, default_value = "OFFICE")]
        station: String,
    },
    /// The shop's stations: `station add TILL` makes a one-time pairing code.
    Station {
        #[command(subcommand)]
        command: stations::StationCommand,
    },
    /// Join a shared shop as a station with a pairing code from `station add`: this computer
    /// then works on the shop's server (on its own file beside --db).
    Join {
        #[command(flatten)]
        db: DbArg,
        /// The shop's PostgreSQL server.
        #[arg(long)]
        host: String,
        #[arg(long, default_value_t = 5432)]
        port: u16,
        #[arg(long)]
        database: String,
        /// The pairing code ("B1-7KQF-29XD-M3PA-WQ8R").
        #[arg(long, env = "SHOPDESK_PAIRING_CODE", hide_env_values = true)]
        code: String,
    },
    /// Stock on hand, committed and available per variant and location, valued at cost.
    Stock {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// Only this location (by name).
        #[arg(long)]
        location: Option<String>,
    },
    /// The tamper-evident sales journal.
    Journal {
        #[command(subcommand)]
        command: counter::JournalCommand,
    },
    /// Counter sales.
    Sales {
        #[command(subcommand)]
        command: counter::SalesCommand,
    },
    /// Write a completed sale's receipt as PDF (SALE: receipt number such as R00000042, or id).
    Receipt {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        sale: String,
        #[arg(long)]
        out: PathBuf,
        /// 58 mm paper instead of 80 mm.
        #[arg(long)]
        narrow: bool,
    },
    /// The orders inbox.
    Orders {
        #[command(subcommand)]
        command: orders::OrdersCommand,
    },
    /// Enter orders.
    Order {
        #[command(subcommand)]
        command: orders::OrderCommand,
    },
    /// Write an order's invoice as PDF (issuing it if it has none). ORDER: number such as 1042.
    Invoice {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        order: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The e-mail outbox.
    Mail {
        #[command(subcommand)]
        command: orders::MailCommand,
    },
    /// Write the shipping labels of an order's latest shipment as PDF (one page per parcel).
    Label {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// Order number (1042, #1042), slip code (O1042) or marketplace id.
        order: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "4x6")]
        size: packing::Size,
    },
    /// Write a pick list for open orders: one grouped by item and sorted by bin, or one per order.
    Picklist {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        #[arg(required = true)]
        orders: Vec<String>,
        #[arg(long)]
        per_order: bool,
        #[arg(long)]
        out: PathBuf,
    },
    /// A report for a period of the shop's days: `shopdesk report summary --from 2026-11-01
    /// --to 2026-11-30 --compare previous --format csv`.
    Report(report::ReportArgs),
    /// The shop's backups: take one now, list, verify, restore.
    Backup {
        #[command(subcommand)]
        command: backup::BackupCommand,
    },
    /// Send a document straight to a printer.
    Print {
        #[command(subcommand)]
        command: packing::PrintCommand,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// List or search variants.
    List {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// Words to find in the title, SKU, barcode, vendor, tags or options.
        #[arg(long)]
        search: Option<String>,
        /// active, draft or archived.
        #[arg(long, value_parser = parse_status)]
        status: Option<ProductStatus>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Import a Shopify product CSV: valid rows in one transaction, bad rows listed.
    Import {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        file: PathBuf,
        /// Only check the file: list every bad row and exit non-zero if there are any.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export the catalog as a Shopify product CSV (to stdout unless --out is given).
    Export {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn parse_status(s: &str) -> Result<ProductStatus, String> {
    serde_json::from_value(serde_json::Value::String(s.to_ascii_lowercase()))
        .map_err(|_| format!("'{s}' is not a status (active, draft, archived)"))
}

fn open(db: &DbArg) -> Result<Shop, Error> {
    shopdesk_keychain::open_shop(&db.db, Arc::new(SystemClock))
}

fn sign_in(shop: &Shop, who: &StaffArgs) -> Result<Session, Error> {
    let member = shop
        .staff_list()?
        .into_iter()
        .find(|s| s.name.eq_ignore_ascii_case(who.staff.trim()))
        .ok_or(Error::NotFound {
            what: "staff member",
        })?;
    Ok(shop.sign_in(&member.id, &who.pin)?.0)
}

fn print_variants(items: &[VariantRow], total: u32) {
    say!(
        "{:<20} {:<13} {:<44} {:>10} {:>6} {:<8}",
        "SKU",
        "BARCODE",
        "TITLE",
        "PRICE",
        "AVAIL",
        "STATUS"
    );
    for v in items {
        let title = if v.variant_title.is_empty() {
            v.title.clone()
        } else {
            format!("{} ({})", v.title, v.variant_title)
        };
        say!(
            "{:<20} {:<13} {:<44} {:>10} {:>6} {:<8}",
            v.sku,
            v.barcode,
            title.chars().take(44).collect::<String>(),
            format!(
                "{} {}",
                v.price.to_decimal_string(),
                v.price.currency().code()
            ),
            v.available,
            v.status.as_str()
        );
    }
    say!("{} of {total} variants", items.len());
}

fn print_issues(issues: &[ImportIssue]) {
    for i in issues {
        let column = if i.column.is_empty() {
            String::new()
        } else {
            format!(" [{}]", i.column)
        };
        eprintln!("line {}{column}: {}", i.line, i.message);
    }
}

fn read_text(path: &std::path::Path) -> Result<String, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
    let (text, encoding) = shopdesk_core::import::text::decode(&bytes);
    if encoding != shopdesk_core::import::text::Encoding::Utf8 {
        eprintln!("{} was read as {}.", path.display(), encoding.name());
    }
    Ok(text)
}

fn catalog(command: CatalogCommand, json: bool) -> Result<(), Error> {
    match command {
        CatalogCommand::List {
            db,
            staff,
            search,
            status,
            limit,
            offset,
        } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let page = shop.catalog(
                &session,
                &CatalogQuery {
                    text: search,
                    status,
                    limit: Some(limit),
                    offset: Some(offset),
                    ..CatalogQuery::default()
                },
            )?;
            if json {
                say!("{}", serde_json::to_string(&page).unwrap_or_default());
            } else {
                print_variants(&page.items, page.total);
            }
        }
        CatalogCommand::Import {
            db,
            staff,
            file,
            dry_run,
        } => {
            let text = read_text(&file)?;
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let preview = if dry_run {
                shop.preview_catalog_import(&session, &text)?
            } else {
                shop.import_catalog(&session, &text, &mut |_, _| {})?
                    .preview
            };
            if json {
                say!("{}", serde_json::to_string(&preview).unwrap_or_default());
            } else {
                print_issues(&preview.errors);
                say!(
                    "{} {} new and {} updated products, {} variants, {} images; {} rows skipped",
                    if dry_run { "Would import" } else { "Imported" },
                    preview.products_new,
                    preview.products_updated,
                    preview.variants,
                    preview.images,
                    preview.skipped_rows
                );
                if !preview.ignored_columns.is_empty() {
                    say!("Columns not used: {}", preview.ignored_columns.join(", "));
                }
            }
            if dry_run && !preview.errors.is_empty() {
                return Err(Error::invalid(format!(
                    "{} rows have errors",
                    preview.errors.len()
                )));
            }
        }
        CatalogCommand::Export { db, staff, out } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let count = match &out {
                Some(path) => {
                    let file = std::fs::File::create(path).map_err(|e| {
                        Error::invalid(format!("cannot write {}: {e}", path.display()))
                    })?;
                    let mut w = std::io::BufWriter::new(file);
                    shop.export_catalog(&session, &mut w)?
                }
                None => shop.export_catalog(&session, &mut std::io::stdout().lock())?,
            };
            if let Some(path) = out {
                eprintln!("Exported {count} products to {}", path.display());
            }
        }
    }
    Ok(())
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Demo { db, country } => {
            let shop = open(&db)?;
            let (_, _, summary) = shop.load_demo(&DemoRequest { country })?;
            if cli.json {
                say!("{}", serde_json::to_string(&summary).unwrap_or_default());
            } else {
                say!(
                    "Loaded the demo shop '{}' into {}: {} products, {} variants, {} staff (owner PIN {}).",
                    summary.shop_name,
                    db.db.display(),
                    summary.products,
                    summary.variants,
                    summary.staff,
                    shopdesk_core::demo::DEMO_STAFF[0].2
                );
            }
        }
        Command::Catalog { command } => catalog(command, cli.json)?,
        Command::Report(args) => report::run(args, cli.json)?,
        Command::Backup { command } => backup::run(command, cli.json)?,
        Command::Share {
            db,
            staff,
            server,
            station,
        } => stations::share(db, staff, &server, &station, cli.json)?,
        Command::Station { command } => stations::run(command, cli.json)?,
        Command::Join {
            db,
            host,
            port,
            database,
            code,
        } => stations::join(db, (&host, port, &database), &code, cli.json)?,
        Command::Stock {
            db,
            staff,
            location,
        } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let location_id = match location {
                None => None,
                Some(name) => Some(
                    shop.locations(&session)?
                        .into_iter()
                        .find(|l| l.name.eq_ignore_ascii_case(name.trim()))
                        .ok_or(Error::NotFound { what: "location" })?
                        .id,
                ),
            };
            let report = shop.stock_report(&session, location_id.as_deref())?;
            if cli.json {
                say!("{}", serde_json::to_string(&report).unwrap_or_default());
            } else {
                say!(
                    "{:<20} {:<44} {:<14} {:>8} {:>9} {:>9} {:>12}",
                    "SKU",
                    "ITEM",
                    "LOCATION",
                    "ON HAND",
                    "COMMITTED",
                    "AVAILABLE",
                    "VALUE"
                );
                for l in &report.lines {
                    say!(
                        "{:<20} {:<44} {:<14} {:>8} {:>9} {:>9} {:>12}",
                        l.sku,
                        l.label.chars().take(44).collect::<String>(),
                        l.location,
                        l.on_hand,
                        l.committed,
                        l.available,
                        l.value.to_decimal_string()
                    );
                }
                say!(
                    "{} units on hand, valued at {} {} at cost",
                    report.total_on_hand,
                    report.total_value.to_decimal_string(),
                    report.total_value.currency().code()
                );
            }
        }
        Command::Journal { command } => counter::journal(command, cli.json)?,
        Command::Sales { command } => counter::sales(command, cli.json)?,
        Command::Receipt {
            db,
            staff,
            sale,
            out,
            narrow,
        } => counter::receipt(db, staff, sale, out, narrow)?,
        Command::Orders { command } => orders::orders(command, cli.json)?,
        Command::Order { command } => orders::order(command, cli.json)?,
        Command::Invoice {
            db,
            staff,
            order,
            out,
        } => orders::invoice(db, staff, order, out)?,
        Command::Mail { command } => orders::mail(command)?,
        Command::Label {
            db,
            staff,
            order,
            out,
            size,
        } => packing::label(db, staff, order, out, size)?,
        Command::Picklist {
            db,
            staff,
            orders,
            per_order,
            out,
        } => packing::picklist(db, staff, orders, per_order, out)?,
        Command::Print { command } => packing::print(command)?,
        Command::Channel { command } => sync::channel(command)?,
        Command::Sync {
            command: Some(command),
            ..
        } => sync::status(command)?,
        Command::Sync {
            command: None,
            db,
            channel,
        } => {
            let db = db.ok_or_else(|| Error::invalid("--db is needed"))?;
            sync::sync(DbArg { db }, channel)?
        }
    }
    Ok(())
}

fn say(line: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(line).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("shopdesk: cannot write the output: {e}");
        std::process::exit(1);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                eprintln!("{}", serde_json::to_string(&e.body()).unwrap_or_default());
            } else {
                eprintln!("shopdesk: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
