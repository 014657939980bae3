//! `shopdesk orders`, `shopdesk order create`, `shopdesk invoice` and `shopdesk mail send`: the
//! orders inbox, bulk manual orders from JSON, invoices as PDF and the outbox from scripts.

use crate::{open, read_text, sign_in, DbArg, StaffArgs};
use clap::Subcommand;
use shopdesk_core::order::{hold_reasons, InboxQuery, InboxSort, InboxView, OrderDraft};
use shopdesk_core::Error;
use shopdesk_documents::invoice_pdf;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum OrdersCommand {
    /// The inbox: orders of every channel and counter sales, newest first.
    List {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// all, on_hold, to_pack, unpaid, counter or cancelled.
        #[arg(long, default_value = "all")]
        view: String,
        /// Only this channel (manual, shopify, counter…).
        #[arg(long, default_value = "")]
        channel: String,
        /// An order number, or part of an e-mail, name or marketplace id.
        #[arg(long, default_value = "")]
        search: String,
        /// newest, oldest or highest_total.
        #[arg(long, default_value = "newest")]
        sort: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Subcommand)]
pub enum OrderCommand {
    /// Enter orders from a JSON file: one order or an array of them (the shape of `OrderDraft`).
    /// Each is verified like one typed in the app; a bad one is reported and the rest go in.
    Create {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum MailCommand {
    /// Send every e-mail that is due (password from SHOPDESK_SMTP_PASSWORD or the keychain).
    Send {
        #[command(flatten)]
        db: DbArg,
    },
    /// Fetch new mail from the shop's mailbox into the service desk (password from
    /// SHOPDESK_IMAP_PASSWORD or the keychain); nothing on the server is marked or deleted.
    Fetch {
        #[command(flatten)]
        db: DbArg,
    },
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, Error> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_lowercase()))
        .map_err(|_| Error::invalid(format!("'{text}' is not a {what}")))
}

pub fn orders(command: OrdersCommand, json: bool) -> Result<(), Error> {
    let OrdersCommand::List {
        db,
        staff,
        view,
        channel,
        search,
        sort,
        limit,
    } = command;
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let rows = shop.inbox(
        &session,
        &InboxQuery {
            view: parse::<InboxView>("view", &view)?,
            channel,
            text: search,
            sort: parse::<InboxSort>("sort", &sort)?,
            offset: 0,
            limit,
        },
    )?;
    if json {
        say!("{}", serde_json::to_string(&rows).unwrap_or_default());
        return Ok(());
    }
    say!(
        "{:<10} {:<12} {:<17} {:<28} {:>12} {:<9} {:<12} {:<15} {:>4}",
        "ORDER",
        "CHANNEL",
        "DATE (UTC)",
        "CUSTOMER",
        "TOTAL",
        "STATUS",
        "FULFILMENT",
        "PAYMENT",
        "RISK"
    );
    for r in &rows {
        let (y, m, d, h, min) = r.created_at.utc_parts();
        let enum_text = |v: serde_json::Value| v.as_str().unwrap_or_default().replace('_', " ");
        say!(
            "{:<10} {:<12} {y:04}-{m:02}-{d:02} {h:02}:{min:02} {:<28} {:>12} {:<9} {:<12} {:<15} {:>4}",
            r.name,
            r.channel,
            r.customer.chars().take(28).collect::<String>(),
            r.total.to_decimal_string(),
            r.status.replace('_', " "),
            enum_text(serde_json::to_value(r.fulfilment).unwrap_or_default()),
            enum_text(serde_json::to_value(r.payment_status).unwrap_or_default()),
            r.risk_score
        );
    }
    Ok(())
}

pub fn order(command: OrderCommand, json: bool) -> Result<(), Error> {
    let OrderCommand::Create { db, staff, file } = command;
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let text = read_text(&file)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("{}: {e}", file.display())))?;
    let drafts: Vec<OrderDraft> = match value {
        serde_json::Value::Array(_) => serde_json::from_value(value),
        other => serde_json::from_value(other).map(|d| vec![d]),
    }
    .map_err(|e| Error::invalid(format!("{}: {e}", file.display())))?;
    let mut failed = 0;
    let mut out = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        match shop.create_order(&session, d) {
            Ok(o) => {
                if !json {
                    let why = hold_reasons(&o.checks);
                    say!(
                        "{} {} {} {}{}",
                        o.name,
                        o.status.as_str().replace('_', " "),
                        o.total.to_decimal_string(),
                        o.total.currency().code(),
                        if why.is_empty() {
                            String::new()
                        } else {
                            format!(" — {why}")
                        }
                    );
                }
                out.push(serde_json::json!({ "ok": true, "order": o.name, "status": o.status }));
            }
            Err(e) => {
                failed += 1;
                if !json {
                    say!("order {} of the file: {e}", i + 1);
                }
                out.push(serde_json::json!({ "ok": false, "error": e.body() }));
            }
        }
    }
    if json {
        say!("{}", serde_json::Value::Array(out));
    }
    if failed > 0 {
        return Err(Error::invalid(format!(
            "{failed} of {} orders were not entered",
            drafts.len()
        )));
    }
    Ok(())
}

pub fn invoice(db: DbArg, staff: StaffArgs, order: String, out: PathBuf) -> Result<(), Error> {
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let o = shop.order_by_number(&session, &order)?;
    let inv = shop.issue_order_invoice(&session, &o.id)?;
    std::fs::write(&out, invoice_pdf(&inv))
        .map_err(|e| Error::invalid(format!("{}: {e}", out.display())))?;
    say!(
        "{} for order {} written to {}",
        inv.code,
        o.name,
        out.display()
    );
    Ok(())
}

pub fn mail(command: MailCommand) -> Result<(), Error> {
    let db = match command {
        MailCommand::Send { db } => db,
        MailCommand::Fetch { db } => {
            let shop = open(&db)?;
            let password = std::env::var("SHOPDESK_IMAP_PASSWORD").ok();
            let r = shopdesk_mail::inbox::fetch_mail(&shop, password.as_deref())?;
            say!(
                "{} fetched: {} new tickets, {} added to tickets, {} already stored",
                r.fetched,
                r.new_tickets,
                r.threaded,
                r.duplicates
            );
            return match r.error {
                Some(e) => Err(Error::Conflict(format!("the fetch stopped: {e}"))),
                None => Ok(()),
            };
        }
    };
    let shop = open(&db)?;
    let password = std::env::var("SHOPDESK_SMTP_PASSWORD").ok();
    let r = shopdesk_mail::send_due(&shop, password.as_deref())?;
    for e in &r.errors {
        say!("waiting: {e}");
    }
    say!("{} sent, {} waiting to retry", r.sent, r.failed);
    Ok(())
}
