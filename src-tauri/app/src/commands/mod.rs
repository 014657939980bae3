//! The Tauri commands, one file per core domain; this module keeps only what they share: running
//! core off the main thread as the signed-in person, the small request types several domains use,
//! and where exports are written. Each command parses its request, calls core and maps the error
//! to `{code, message}`; no business rule or permission check lives in the shell.

pub mod backup;
pub mod catalog;
pub mod channel;
pub mod customer;
pub mod desk;
pub mod import;
pub mod order;
pub mod packing;
pub mod report;
pub mod sale;
pub mod security;
pub mod shop;
pub mod stations;
pub mod stock;

pub use backup::*;
pub use catalog::*;
pub use channel::*;
pub use customer::*;
pub use desk::*;
pub use import::*;
pub use order::*;
pub use packing::*;
pub use report::*;
pub use sale::*;
pub use security::*;
pub use shop::*;
pub use stations::*;
pub use stock::*;

use crate::state::AppState;
use serde::{Deserialize, Serialize};
use shopdesk_core::{Error, ErrorBody, Session, Shop};
use tauri::{AppHandle, Manager};
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct ById {
    pub id: String,
}

/// A typed or scanned code: SKU or barcode.
#[derive(Debug, Deserialize, TS)]
pub struct Code {
    pub code: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct Text {
    pub text: String,
}

/// An id and a text: a reason, a note, an evidence line.
#[derive(Debug, Deserialize, TS)]
pub struct IdText {
    pub id: String,
    pub text: String,
}

/// Where an export was written, for the UI to show.
#[derive(Debug, Serialize, TS)]
pub struct SavedFile {
    pub path: String,
}

/// This machine's station name: the computer's name where the system tells it.
pub(crate) fn station_name() -> String {
    std::env::var("COMPUTERNAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .ok()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "This computer".into())
}

/// Runs `work` on the blocking pool so SQLite and PIN hashing never stall the window.
pub(crate) async fn blocking<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&AppState) -> Result<T, ErrorBody> + Send + 'static,
) -> Result<T, ErrorBody> {
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>()))
        .await
        .map_err(|e| Error::Internal(e.to_string()).body())?
}

/// Like `blocking`, for actions that need someone signed in; core checks what they may do.
pub(crate) async fn as_staff<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&Shop, &Session) -> shopdesk_core::Result<T> + Send + 'static,
) -> Result<T, ErrorBody> {
    blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        work(&shop, &session).map_err(ErrorBody::from)
    })
    .await
}

/// Where exports and saved documents go: the person's Downloads folder, else their home.
pub(crate) fn export_dir(app: &AppHandle) -> Result<std::path::PathBuf, ErrorBody> {
    app.path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| {
            Error::CannotWrite(format!("no Downloads or home folder to save in: {e}")).body()
        })
}

/// A file in the export folder, named for what it holds and when.
pub(crate) fn export_path(
    app: &AppHandle,
    stem: &str,
    ext: &str,
) -> Result<std::path::PathBuf, ErrorBody> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    Ok(export_dir(app)?.join(format!("{stem}-{stamp}.{ext}")))
}

/// Only a PDF Shopdesk itself saved in the export folder may be opened from the window.
fn openable(dir: &std::path::Path, path: &std::path::Path) -> bool {
    path.parent() == Some(dir)
        && path.extension().is_some_and(|e| e == "pdf")
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("shopdesk-"))
}

/// Opens a PDF Shopdesk saved in the system's PDF viewer, whose own print dialog (any printer
/// the system has, including ones CUPS-less setups add) is one key away: the way forward when
/// the station's printer does not take a document.
#[tauri::command]
pub async fn file_open(app: AppHandle, req: Text) -> Result<(), ErrorBody> {
    let path = std::path::PathBuf::from(&req.text);
    if !openable(&export_dir(&app)?, &path) {
        return Err(
            Error::invalid("only a document Shopdesk saved can be opened from here").body(),
        );
    }
    let viewer = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(viewer)
        .arg(&path)
        .spawn()
        .map(drop)
        .map_err(|e| {
            Error::CannotWrite(format!(
                "no PDF viewer could be started ({e}); the document is saved at {}",
                path.display()
            ))
            .body()
        })
}

#[cfg(test)]
mod tests {
    use super::openable;
    use std::path::Path;

    #[test]
    fn only_pdfs_shopdesk_saved_open_from_the_window() {
        let dir = Path::new("/home/ann/Downloads");
        assert!(openable(dir, &dir.join("shopdesk-document-1764547200.pdf")));
        assert!(!openable(dir, &dir.join("invoice.pdf")));
        assert!(!openable(dir, &dir.join("shopdesk-export-1.csv")));
        assert!(!openable(dir, Path::new("/etc/shopdesk-document-1.pdf")));
        assert!(!openable(dir, &dir.join("../shopdesk-document-1.pdf")));
    }
}

/// Writes an export through core into a new file and says where it went.
async fn export_to_file(
    app: AppHandle,
    stem: &'static str,
    write: impl FnOnce(&Shop, &Session, &mut dyn std::io::Write) -> shopdesk_core::Result<()>
        + Send
        + 'static,
) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, stem, "csv")?;
    as_staff(app, move |shop, s| {
        let file = std::fs::File::create(&path).map_err(|e| cannot_write(&path, e))?;
        let mut out = std::io::BufWriter::new(file);
        write(shop, s, &mut out)?;
        std::io::Write::flush(&mut out).map_err(|e| cannot_write(&path, e))?;
        Ok(SavedFile {
            path: path.display().to_string(),
        })
    })
    .await
}

fn cannot_write(path: &std::path::Path, e: std::io::Error) -> Error {
    Error::CannotWrite(format!("cannot write {}: {e}", path.display()))
}

/// Writes a finished document (a PDF, a JSON export) and says where it went.
pub(crate) fn write_file(
    path: std::path::PathBuf,
    bytes: &[u8],
) -> shopdesk_core::Result<SavedFile> {
    std::fs::write(&path, bytes).map_err(|e| cannot_write(&path, e))?;
    Ok(SavedFile {
        path: path.display().to_string(),
    })
}

/// The UI calls this once its first screen has painted. Under `SHOPDESK_BENCHMARK=1` it prints a
/// marker the benchmark command times cold start by; otherwise it does nothing.
#[tauri::command]
pub fn ui_rendered(req: ()) {
    let () = req;
    if std::env::var_os("SHOPDESK_BENCHMARK").is_some() {
        println!("SHOPDESK_RENDERED");
    }
}
