//! `shopdesk journal`, `shopdesk sales` and `shopdesk receipt`: the counter's records from the
//! command line, and the scripted checkouts the crash test drives.

use crate::{open, sign_in, DbArg, StaffArgs};
use clap::Subcommand;
use shopdesk_core::catalog::product::ProductStatus;
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
use shopdesk_core::{Error, Session, Shop};
use shopdesk_documents::{receipt_pdf, Paper};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum JournalCommand {
    /// Recompute the hash chain and compare it with every sale, return and close; exits 1 on
    /// any edited, missing or unjournaled record.
    Verify {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
    },
}

#[derive(Subcommand)]
pub enum SalesCommand {
    /// Recent sales, newest first.
    List {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Scripted checkouts (1–3 random in-stock items, paid in cash), printing each sale's id as
    /// soon as it is complete; the crash test kills this at random moments.
    #[command(hide = true)]
    Drill {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        #[arg(long, default_value_t = 200)]
        count: u32,
    },
}

pub fn journal(command: JournalCommand, json: bool) -> Result<(), Error> {
    let JournalCommand::Verify { db, staff } = command;
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let check = shop.verify_journal(&session)?;
    if json {
        say!("{}", serde_json::to_string(&check).unwrap_or_default());
    } else {
        for p in &check.problems {
            say!("PROBLEM: {p}");
        }
        say!("{} journal entries checked", check.entries);
    }
    if check.problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "the journal does not match the records ({} problems)",
            check.problems.len()
        )))
    }
}

pub fn sales(command: SalesCommand, json: bool) -> Result<(), Error> {
    match command {
        SalesCommand::List { db, staff, limit } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let list = shop.sales(&session, None, limit)?;
            if json {
                say!("{}", serde_json::to_string(&list).unwrap_or_default());
                return Ok(());
            }
            say!(
                "{:<10} {:<10} {:<16} {:<20} {:>5} {:>12}",
                "RECEIPT",
                "STATUS",
                "STAFF",
                "CUSTOMER",
                "ITEMS",
                "TOTAL"
            );
            for s in list {
                say!(
                    "{:<10} {:<10} {:<16} {:<20} {:>5} {:>12}",
                    s.receipt_code.unwrap_or_default(),
                    s.status.as_str(),
                    s.staff_name,
                    s.customer_name.unwrap_or_default(),
                    s.items,
                    s.total.map(|t| t.to_decimal_string()).unwrap_or_default()
                );
            }
        }
        SalesCommand::Drill { db, staff, count } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            drill(&shop, &session, count)?;
        }
    }
    Ok(())
}

fn drill(shop: &Shop, session: &Session, count: u32) -> Result<(), Error> {
    if shop.current_shift(session)?.is_none() {
        shop.open_shift(session, "100")?;
    }
    let mut items: Vec<String> = shop
        .catalog(
            session,
            &CatalogQuery {
                limit: Some(1000),
                ..CatalogQuery::default()
            },
        )?
        .items
        .into_iter()
        .filter(|v| v.available > 0 && v.status == ProductStatus::Active)
        .map(|v| v.sku)
        .collect();
    if items.is_empty() {
        return Err(Error::invalid(
            "the drill needs items in stock (load the demo shop)",
        ));
    }
    let mut out = std::io::stdout().lock();
    for _ in 0..count {
        let sale = shop.new_sale(session)?;
        let mut lines = 0;
        while lines < fastrand::usize(1..=3) {
            if items.is_empty() {
                return Err(Error::invalid("the drill sold everything in stock"));
            }
            let pick = fastrand::usize(..items.len());
            let scan = SaleEdit::Scan {
                code: items[pick].clone(),
            };
            match shop.edit_sale(session, &sale.id, &scan, None) {
                Ok(_) => lines += 1,
                // Sold out: the counter refuses it, so the drill stops offering it.
                Err(Error::NotEnoughStock { .. }) => {
                    items.swap_remove(pick);
                }
                Err(e) => return Err(e),
            }
        }
        let cash = TenderDraft {
            kind: Some(TenderKind::Cash),
            ..TenderDraft::default()
        };
        let done = shop.complete_sale(session, &sale.id, &[cash])?;
        // Reported only after the commit returned: what the UI would show as complete.
        writeln!(out, "completed {} {}", done.id, done.total.minor()).ok();
        out.flush().ok();
    }
    Ok(())
}

pub fn receipt(
    db: DbArg,
    staff: StaffArgs,
    sale: String,
    out: PathBuf,
    narrow: bool,
) -> Result<(), Error> {
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let id = match shop.sale_by_receipt(&session, &sale) {
        Ok(s) => s.id,
        Err(_) => sale,
    };
    let receipt = shop.receipt(&session, &id)?;
    let pdf = receipt_pdf(&receipt, if narrow { Paper::Roll58 } else { Paper::Roll80 });
    std::fs::write(&out, pdf)
        .map_err(|e| Error::invalid(format!("cannot write {}: {e}", out.display())))?;
    eprintln!(
        "Wrote receipt {} to {}",
        receipt.sale.receipt_code.unwrap_or_default(),
        out.display()
    );
    Ok(())
}
