//! `shopdesk label`, `shopdesk picklist` and `shopdesk print label`: the bench's papers from
//! scripts — an order's shipping labels or pick lists as PDF, and labels straight to a printer.

use crate::{open, sign_in, DbArg, StaffArgs};
use clap::{Subcommand, ValueEnum};
use shopdesk_core::packing::shipping::LabelSize;
use shopdesk_core::Error;
use shopdesk_documents::{label_page, labels_pdf, pick_lists_pdf, print_document};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum Size {
    /// 4 × 6 in, thermal printers.
    #[value(name = "4x6")]
    FourBySix,
    A6,
    /// Two labels per A4 sheet.
    #[value(name = "a4x2")]
    A4Two,
}

impl From<Size> for LabelSize {
    fn from(s: Size) -> LabelSize {
        match s {
            Size::FourBySix => LabelSize::FourBySix,
            Size::A6 => LabelSize::A6,
            Size::A4Two => LabelSize::A4Two,
        }
    }
}

#[derive(Subcommand)]
pub enum PrintCommand {
    /// Print the labels of an order's latest shipment at 100 % on label media.
    Label {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// Order number (1042, #1042), slip code (O1042) or marketplace id.
        order: String,
        /// A CUPS queue; the system default when left out.
        #[arg(long, default_value = "")]
        printer: String,
        #[arg(long, value_enum, default_value = "4x6")]
        size: Size,
    },
}

fn write(out: &PathBuf, pdf: &[u8]) -> Result<(), Error> {
    std::fs::write(out, pdf).map_err(|e| Error::invalid(format!("{}: {e}", out.display())))
}

pub fn label(
    db: DbArg,
    staff: StaffArgs,
    order: String,
    out: PathBuf,
    size: Size,
) -> Result<(), Error> {
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let labels = shop.order_labels(&session, &order)?;
    write(&out, &labels_pdf(&labels, size.into()))?;
    say!(
        "{} label(s) for order {} written to {}",
        labels.len(),
        order,
        out.display()
    );
    Ok(())
}

pub fn picklist(
    db: DbArg,
    staff: StaffArgs,
    orders: Vec<String>,
    per_order: bool,
    out: PathBuf,
) -> Result<(), Error> {
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let lists = shop.pick_lists(&session, &orders, per_order)?;
    write(&out, &pick_lists_pdf(&lists))?;
    let units: i64 = lists.iter().map(|l| l.units).sum();
    say!(
        "{} pick list(s), {units} units, written to {}",
        lists.len(),
        out.display()
    );
    Ok(())
}

pub fn print(command: PrintCommand) -> Result<(), Error> {
    let PrintCommand::Label {
        db,
        staff,
        order,
        printer,
        size,
    } = command;
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let labels = shop.order_labels(&session, &order)?;
    let title = format!("Label {order}");
    let answer = print_document(
        &labels_pdf(&labels, size.into()),
        &printer,
        &title,
        label_page(size.into()),
    )
    .map_err(|e| Error::Conflict(e.to_string()))?;
    say!("{answer}");
    Ok(())
}
