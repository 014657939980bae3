//! `shopdesk`: the headless command over shopdesk-core for people who automate (cron jobs,
//! scripts) and for tests. Every subcommand takes `--db PATH`, prints JSON with `--json`, and
//! exits non-zero with a clear message on failure.

mod bench;

use clap::{Parser, Subcommand};
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::product::{Product, ProductQuery, ProductStatus};
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
    /// Fill a new database with the demo shop (staff, a few hundred products).
    Demo {
        #[command(flatten)]
        db: DbArg,
        /// Where the demo shop trades: IE (EUR), GB (GBP) or US (USD).
        #[arg(long, default_value = "IE")]
        country: String,
    },
    /// Products in the catalog.
    Products {
        #[command(subcommand)]
        command: ProductsCommand,
    },
    /// Print the benchmark table (needs a display: run through `make bench`).
    Bench(bench::BenchArgs),
}

#[derive(Subcommand)]
enum ProductsCommand {
    /// List or search products.
    List {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// Words to find in the title or SKU.
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
}

fn parse_status(s: &str) -> Result<ProductStatus, String> {
    serde_json::from_value(serde_json::Value::String(s.to_ascii_lowercase()))
        .map_err(|_| format!("'{s}' is not a status (active, draft, archived)"))
}

fn open(db: &DbArg) -> Result<Shop, Error> {
    Shop::open(&db.db, Arc::new(SystemClock))
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

fn print_products(items: &[Product], total: u32) {
    println!(
        "{:<24} {:<48} {:>10} {:<8}",
        "SKU", "TITLE", "PRICE", "STATUS"
    );
    for p in items {
        let title: String = p.title.chars().take(48).collect();
        println!(
            "{:<24} {:<48} {:>10} {:<8}",
            p.sku,
            title,
            format!(
                "{} {}",
                p.price.to_decimal_string(),
                p.price.currency().code()
            ),
            p.status.as_str()
        );
    }
    println!("{} of {total} products", items.len());
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Demo { db, country } => {
            let shop = open(&db)?;
            let (_, _, summary) = shop.load_demo(&DemoRequest { country })?;
            if cli.json {
                println!("{}", serde_json::to_string(&summary).unwrap_or_default());
            } else {
                println!(
                    "Loaded the demo shop '{}' into {}: {} products, {} staff (owner PIN {}).",
                    summary.shop_name,
                    db.db.display(),
                    summary.products,
                    summary.staff,
                    shopdesk_core::demo::DEMO_STAFF[0].2
                );
            }
        }
        Command::Products {
            command:
                ProductsCommand::List {
                    db,
                    staff,
                    search,
                    status,
                    limit,
                    offset,
                },
        } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let page = shop.products(
                &session,
                &ProductQuery {
                    text: search,
                    status,
                    limit: Some(limit),
                    offset: Some(offset),
                },
            )?;
            if cli.json {
                println!("{}", serde_json::to_string(&page).unwrap_or_default());
            } else {
                print_products(&page.items, page.total);
            }
        }
        Command::Bench(args) => bench::run(args)?,
    }
    Ok(())
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
