//! Shopdesk documents: turning core values (a sale's receipt, a shift's Z report, an invoice or
//! credit note) into PDF, and sending a PDF to a system printer. No rule is decided here: every figure comes computed from
//! core; this crate only lays it out.

mod bench_papers;
mod customer;
mod font;
mod invoice;
mod jobs;
mod label;
mod page;
mod receipt;
mod recovery;
mod report;
mod roll;
mod zreport;

pub use bench_papers::{packing_slip_pdf, pick_lists_pdf, supplier_order_pdf};
pub use customer::customer_record_pdf;
pub use invoice::invoice_pdf;
pub use jobs::{print_jobs, render_job};
pub use label::{label_page, labels_pdf};
pub use receipt::receipt_pdf;
pub use recovery::recovery_sheet_pdf;
pub use report::report_pdf;
pub use zreport::z_report_pdf;

use std::io::Write;
use std::process::{Command, Stdio};

/// Receipt roll widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    Roll80,
    Roll58,
}

#[derive(Debug)]
pub enum PrintError {
    NoSpooler(String),
    Refused(String),
}

impl std::error::Error for PrintError {}

impl std::fmt::Display for PrintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Said to the person at the bench; what the print system answered is logged where the
        // error arises (`lp`).
        match self {
            PrintError::NoSpooler(_) => {
                write!(
                    f,
                    "This computer has no printing set up. Save the document as PDF, or open it \
                     and print from the PDF viewer."
                )
            }
            PrintError::Refused(e) => {
                let e = e.to_lowercase();
                if e.contains("does not exist") || e.contains("unknown destination") {
                    write!(
                        f,
                        "The printer chosen for this station is not there any more. Pick another in \
                         Station, or save the document as PDF."
                    )
                } else if e.contains("no default destination") {
                    write!(
                        f,
                        "No printer is chosen and the computer has no default one. Pick a printer \
                         in Station, or save the document as PDF."
                    )
                } else {
                    write!(
                        f,
                        "The printer did not take the document. Check it is on and has paper, then \
                         Retry, or save the document as PDF."
                    )
                }
            }
        }
    }
}

/// A failed print is core's `print_failed`: the screen keeps the document and offers to print it
/// again or save it as PDF.
impl From<PrintError> for shopdesk_core::Error {
    fn from(e: PrintError) -> Self {
        shopdesk_core::Error::PrintFailed(e.to_string())
    }
}

/// Sends a receipt or report PDF to a CUPS queue (`printer`, or the system default) through
/// `lp`, which every Linux and macOS desktop has, scaled to the roll the queue has loaded;
/// returns the spooler's answer ("request id is …").
pub fn print_pdf(pdf: &[u8], printer: Option<&str>) -> Result<String, PrintError> {
    lp(pdf, printer, &["-o", "fit-to-page"])
}

/// Sends a document at 100 % on paper of its own size (`page`, in points): a 4 × 6 in label
/// goes out as 4 × 6 in media, never shrunk onto a default A4 or Letter page.
pub fn print_document(
    pdf: &[u8],
    printer: &str,
    title: &str,
    page: (f32, f32),
) -> Result<String, PrintError> {
    let media = media_name(page);
    let printer = Some(printer).filter(|p| !p.trim().is_empty());
    lp(
        pdf,
        printer,
        &[
            "-t",
            title,
            "-o",
            &format!("media={media}"),
            "-o",
            "print-scaling=none",
        ],
    )
}

/// CUPS media names: the standard ones by name, anything else as a custom size in points.
fn media_name((w, h): (f32, f32)) -> String {
    let near = |a: f32, b: f32| (a - b).abs() < 1.5;
    match () {
        _ if near(w, 595.28) && near(h, 841.89) => "A4".into(),
        _ if near(w, 612.0) && near(h, 792.0) => "Letter".into(),
        _ if near(w, 297.64) && near(h, 419.53) => "A6".into(),
        _ => format!("Custom.{}x{}", w.round(), h.round()),
    }
}

/// Hands a PDF to `lp`; a failure's raw answer goes to the log, the person reads its Display.
fn lp(pdf: &[u8], printer: Option<&str>, options: &[&str]) -> Result<String, PrintError> {
    run_lp(pdf, printer, options).inspect_err(|e| log::warn!("printing through lp failed: {e:?}"))
}

fn run_lp(pdf: &[u8], printer: Option<&str>, options: &[&str]) -> Result<String, PrintError> {
    let mut cmd = Command::new("lp");
    if let Some(p) = printer.filter(|p| !p.trim().is_empty()) {
        cmd.args(["-d", p.trim()]);
    }
    let mut child = cmd
        .args(options)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| PrintError::NoSpooler(e.to_string()))?;
    child
        .stdin
        .take()
        .map(|mut s| s.write_all(pdf))
        .transpose()
        .map_err(|e| PrintError::Refused(e.to_string()))?;
    let out = child
        .wait_with_output()
        .map_err(|e| PrintError::Refused(e.to_string()))?;
    if !out.status.success() {
        return Err(PrintError::Refused(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A printer the system knows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Printer {
    pub name: String,
    pub default: bool,
}

/// The system's printers (CUPS destinations), the default marked; none when CUPS is missing.
pub fn printers() -> Vec<Printer> {
    let run = |args: &[&str]| {
        Command::new("lpstat")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default()
    };
    // "system default destination: NAME"
    let default = run(&["-d"])
        .rsplit(':')
        .next()
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    run(&["-e"])
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|name| Printer {
            name: name.to_string(),
            default: name == default,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::media_name;

    #[test]
    fn media_names_match_the_document() {
        assert_eq!(media_name((288.0, 432.0)), "Custom.288x432");
        assert_eq!(media_name((595.28, 841.89)), "A4");
        assert_eq!(media_name((612.0, 792.0)), "Letter");
        assert_eq!(media_name((297.64, 419.53)), "A6");
    }
}
