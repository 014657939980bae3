//! Shopdesk documents: turning core values (a sale's receipt, a shift's Z report, an invoice or
//! credit note) into PDF, and sending a PDF to a system printer. No rule is decided here: every figure comes computed from
//! core; this crate only lays it out.

mod font;
mod invoice;
mod page;
mod receipt;
mod roll;
mod zreport;

pub use invoice::invoice_pdf;
pub use receipt::receipt_pdf;
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
        match self {
            PrintError::NoSpooler(e) => write!(f, "no print system found (CUPS `lp`): {e}"),
            PrintError::Refused(e) => write!(f, "the printer refused the job: {e}"),
        }
    }
}

/// Sends a PDF to a CUPS queue (`printer`, or the system default) through `lp`, which every
/// Linux and macOS desktop has; returns the spooler's answer ("request id is …").
pub fn print_pdf(pdf: &[u8], printer: Option<&str>) -> Result<String, PrintError> {
    let mut cmd = Command::new("lp");
    if let Some(p) = printer.filter(|p| !p.trim().is_empty()) {
        cmd.args(["-d", p.trim()]);
    }
    let mut child = cmd
        .args(["-o", "fit-to-page", "-"])
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
