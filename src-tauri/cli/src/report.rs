//! `shopdesk report NAME`: any report for a period, as a table, CSV, JSON or PDF, for scripts
//! and month-end exports.

use crate::{open, sign_in, DbArg, StaffArgs};
use shopdesk_core::order::invoice::PaperSize;
use shopdesk_core::report::{Bucket, Compare, ReportName, ReportQuery};
use shopdesk_core::Error;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    staff: StaffArgs,
    /// summary, over-time, products, categories, vendors, channels, staff, payments, taxes or returns.
    name: String,
    /// First day, in the shop's time zone (2026-11-01).
    #[arg(long)]
    from: String,
    /// Last day, included.
    #[arg(long)]
    to: String,
    /// Compare with the days just before (previous) or a year earlier (year).
    #[arg(long, value_enum)]
    compare: Option<CompareArg>,
    /// How over-time groups: hour (of the day), day, week or month.
    #[arg(long, value_enum, default_value = "day")]
    by: BucketArg,
    /// Only this channel (counter, shopify, …).
    #[arg(long)]
    channel: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Where a PDF goes (required with --format pdf).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CompareArg {
    Previous,
    Year,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum BucketArg {
    Hour,
    Day,
    Week,
    Month,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Pdf,
}

pub fn run(a: ReportArgs, json: bool) -> Result<(), Error> {
    let name = ReportName::from_slug(&a.name)?;
    let shop = open(&a.db)?;
    let session = sign_in(&shop, &a.staff)?;
    let q = ReportQuery {
        from: a.from,
        to: a.to,
        compare: match a.compare {
            None => Compare::None,
            Some(CompareArg::Previous) => Compare::Previous,
            Some(CompareArg::Year) => Compare::Year,
        },
        bucket: match a.by {
            BucketArg::Hour => Bucket::Hour,
            BucketArg::Day => Bucket::Day,
            BucketArg::Week => Bucket::Week,
            BucketArg::Month => Bucket::Month,
        },
        channel: a.channel,
        ..ReportQuery::default()
    };
    let report = shop.report(&session, name, &q)?;
    let format = if json { Format::Json } else { a.format };
    match format {
        Format::Json => say!("{}", serde_json::to_string(&report).unwrap_or_default()),
        Format::Csv => print!("{}", report.to_csv()?),
        Format::Pdf => {
            let out = a
                .out
                .ok_or_else(|| Error::invalid("--format pdf needs --out FILE"))?;
            let country = shop.profile()?.map(|p| p.country).unwrap_or_default();
            let pdf = shopdesk_documents::report_pdf(&report, PaperSize::for_country(&country));
            std::fs::write(&out, pdf)
                .map_err(|e| Error::CannotWrite(format!("{}: {e}", out.display())))?;
            say!("{}", out.display());
        }
        Format::Table => {
            let rows = report.text_rows();
            let widths: Vec<usize> = (0..report.columns.len())
                .map(|i| {
                    rows.iter()
                        .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                        .chain([report.columns[i].label.chars().count()])
                        .max()
                        .unwrap_or(0)
                        .min(40)
                })
                .collect();
            let line = |cells: Vec<String>| {
                cells
                    .iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(i, (c, w))| {
                        let c: String = c.chars().take(*w).collect();
                        if i == 0
                            || report.columns[i].kind == shopdesk_core::report::ColumnKind::Text
                        {
                            format!("{c:<w$}")
                        } else {
                            format!("{c:>w$}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
            };
            say!(
                "{} {} – {} ({})",
                report.title,
                report.from,
                report.to,
                report.currency
            );
            if let Some(c) = &report.compared {
                say!("compared with {c}");
            }
            say!(
                "{}",
                line(report.columns.iter().map(|c| c.label.clone()).collect())
            );
            for r in rows {
                say!("{}", line(r));
            }
            let cur = shopdesk_core::Currency::from_code(&report.currency)?;
            let money = |m: i64| shopdesk_core::Money::from_minor(m, cur).to_decimal_string();
            for t in report.tie_outs.iter().filter(|t| !t.holds()) {
                say!(
                    "DOES NOT RECONCILE: {} (documents {}, report {})",
                    t.what,
                    money(t.expected_minor),
                    money(t.actual_minor)
                );
            }
        }
    }
    Ok(())
}
