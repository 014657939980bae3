//! A private CUPS scheduler for a test (tests/print/cupsd.sh: own config, spool and socket in a
//! temporary directory, cups-pdf queues; the system's CUPS untouched), finding what cups-pdf
//! wrote, and reading PDFs back with poppler and zbar.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a command line tool (pdfinfo, pdftotext, zbarimg …) and returns its standard output.
pub fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed (poppler-utils, zbar-tools): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn page_sizes(pdf: &Path) -> Vec<String> {
    let p = pdf.to_str().unwrap();
    run("pdfinfo", &["-f", "1", "-l", "99", p])
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| l.split("size:").nth(1).unwrap().trim().to_string())
        .collect()
}

/// Every barcode zbar finds on page `page` rendered at `dpi` in grey, as a thermal head would.
pub fn barcodes(pdf: &Path, page: u32, dpi: u32) -> Vec<String> {
    let out = pdf.with_extension(format!("p{page}"));
    let (p, o) = (pdf.to_str().unwrap(), out.to_str().unwrap());
    let n = page.to_string();
    run(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            &n,
            "-l",
            &n,
            p,
            o,
        ],
    );
    let png = format!("{o}.png");
    let out = Command::new("zbarimg")
        .args(["-q", "--raw", &png])
        .output()
        .expect("zbarimg (zbar-tools)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// A private CUPS scheduler for one test, stopped when dropped.
pub struct Cups {
    dir: tempfile::TempDir,
    /// Where cups-pdf writes this user's jobs.
    pub out: PathBuf,
}

impl Cups {
    pub fn start() -> Cups {
        let dir = tempfile::tempdir().unwrap();
        let script = crate::repo_root().join("tests/print/cupsd.sh");
        let started = run(script.to_str().unwrap(), &[dir.path().to_str().unwrap()]);
        let mut lines = started.lines();
        std::env::set_var("CUPS_SERVER", lines.next().expect("socket"));
        let out = PathBuf::from(lines.next().expect("output directory"));
        Cups { dir, out }
    }
}

impl Drop for Cups {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

/// The file cups-pdf wrote, after `since`, for a spooler answer "request id is QUEUE-N (1 file(s))"
/// (job numbers restart with every scheduler, so older files may share the suffix).
pub fn cups_pdf_output(out: &Path, answer: &str, since: std::time::SystemTime) -> PathBuf {
    let id = answer
        .split_whitespace()
        .nth(3)
        .and_then(|r| r.rsplit('-').next())
        .expect(answer)
        .to_string();
    let suffix = format!("-job_{id}.pdf");
    written_after(out, since, answer, |name| name.ends_with(&suffix))
}

/// The file cups-pdf wrote after `since` for a job whose title starts with `title` (cups-pdf
/// turns spaces and '#' into '_').
pub fn cups_pdf_titled(out: &Path, title: &str, since: std::time::SystemTime) -> PathBuf {
    let prefix: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    written_after(out, since, title, |name| name.starts_with(&prefix))
}

/// Waits (up to 20 s) for a file in `out`, modified after `since`, whose name `fits`.
fn written_after(
    out: &Path,
    since: std::time::SystemTime,
    what: &str,
    fits: impl Fn(&str) -> bool,
) -> PathBuf {
    for _ in 0..200 {
        let found = std::fs::read_dir(out).ok().and_then(|d| {
            d.flatten()
                .filter(|e| {
                    e.metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|m| m >= since)
                })
                .map(|e| e.path())
                .find(|p| p.file_name().is_some_and(|n| fits(&n.to_string_lossy())))
        });
        if let Some(found) = found {
            std::thread::sleep(std::time::Duration::from_millis(200)); // let cups-pdf finish writing
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("cups-pdf wrote nothing for {what} in {}", out.display());
}
