//! `shopdesk channel add|list|link` and `shopdesk sync [--channel NAME] | sync status`: the
//! marketplace sync from scripts and cron. Progress goes to stderr, the summary to stdout as
//! JSON; the access key goes to the OS keychain (or comes from SHOPDESK_CHANNEL_KEY_<NAME>).

use crate::{open, sign_in, DbArg, StaffArgs};
use clap::Subcommand;
use shopdesk_core::channel::NewChannel;
use shopdesk_core::server::Job;
use shopdesk_core::Error;
use shopdesk_sync::{keychain, sync_channel, SyncOptions};

#[derive(Subcommand)]
pub enum ChannelCommand {
    /// Connect a marketplace. The key is read from --key-env (an environment variable's name)
    /// and stored in the OS keychain, never in the database.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// shopify, woocommerce or vendure.
        #[arg(long)]
        kind: String,
        /// The store's address (https://my-shop.myshopify.com).
        #[arg(long)]
        url: String,
        /// Shown on orders; the kind when left out.
        #[arg(long, default_value = "")]
        name: String,
        /// Seconds between automatic syncs in the app.
        #[arg(long, default_value_t = 60)]
        interval: i64,
        /// Environment variable holding the key (Shopify access token, WooCommerce
        /// "ck_…:cs_…", Vendure "user:password") to store in the keychain; without it the key
        /// is read from SHOPDESK_CHANNEL_KEY_<NAME> at each sync.
        #[arg(long)]
        key_env: Option<String>,
    },
    /// SKUs a marketplace uses that match no product.
    Unmatched {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// Say which product a marketplace SKU is (its SKU or barcode here).
    Link {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        channel: String,
        sku: String,
        product: String,
    },
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Each channel's health: last success, lag, queues, last error and what to do.
    Status {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
    },
}

fn print_json<T: serde::Serialize>(v: &T) {
    say!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

pub fn channel(command: ChannelCommand) -> Result<(), Error> {
    match command {
        ChannelCommand::Add {
            db,
            staff,
            kind,
            url,
            name,
            interval,
            key_env,
        } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let new = NewChannel {
                name,
                kind,
                base_url: url,
                interval_secs: interval,
            };
            let ch = match key_env {
                Some(var) => {
                    let key = std::env::var(&var)
                        .map_err(|_| Error::invalid(format!("{var} is not set")))?;
                    keychain::connect(&shop, &session, &new, &key)?
                }
                // No keychain here (a server): the key comes from SHOPDESK_CHANNEL_KEY_<NAME>.
                None => shop.add_channel(&session, &new)?,
            };
            print_json(&ch);
        }
        ChannelCommand::Unmatched { db, staff } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            print_json(&shop.unmatched_skus(&session)?);
        }
        ChannelCommand::Link {
            db,
            staff,
            channel,
            sku,
            product,
        } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            shop.link_channel_sku(&session, &channel, &sku, &product)?;
            eprintln!("{channel} SKU {sku} is now {product}");
        }
    }
    Ok(())
}

pub fn status(command: SyncCommand) -> Result<(), Error> {
    let SyncCommand::Status { db, staff } = command;
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    print_json(&shop.sync_health(&session)?);
    Ok(())
}

/// Runs every channel (or one) once; fails when any run reported an error.
pub fn sync(db: DbArg, channel: Option<String>) -> Result<(), Error> {
    let shop = open(&db)?;
    if !shop.runs_job(Job::Sync) {
        return Err(Error::Conflict(
            "another station of this shop runs the marketplace sync now (or the shop's server \
             cannot be reached); press Sync now there, or stop that station first"
                .into(),
        ));
    }
    let channels = match channel {
        Some(name) => vec![shop.channel(&name)?],
        None => shop.channels()?,
    };
    // One worker, multi-threaded: a station's sync steps block on the shop's server between
    // the marketplace's answers.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| Error::Storage(e.to_string()))?;
    let progress = |r: &shopdesk_sync::RunReport| {
        eprintln!(
            "{}: {} pages, {} new, {} updated, {} quarantined",
            r.channel, r.pages, r.orders.created, r.orders.updated, r.orders.quarantined
        )
    };
    let reports: Vec<_> = channels
        .iter()
        .map(|ch| rt.block_on(sync_channel(&shop, ch, SyncOptions::default(), &progress)))
        .collect();
    print_json(&reports);
    match reports.iter().find(|r| !r.errors.is_empty()) {
        Some(r) => Err(Error::Conflict(format!(
            "{}: {}",
            r.channel,
            r.errors.join("; ")
        ))),
        None => Ok(()),
    }
}
