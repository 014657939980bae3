//! The Tauri commands, one file per core domain; this module keeps only what they share: running
//! core off the main thread as the signed-in person, the small request types several domains use,
//! and where exports are written. Each command parses its request, calls core and maps the error
//! to `{code, message}`; no business rule or permission check lives in the shell.

pub mod catalog;
pub mod channel;
pub mod customer;
pub mod import;
pub mod order;
pub mod packing;
pub mod sale;
pub mod shop;
pub mod stock;

pub use catalog::*;
pub use channel::*;
pub use customer::*;
pub use import::*;
pub use order::*;
pub use packing::*;
pub use sale::*;
pub use shop::*;
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

/// A file in the person's Downloads folder (else their home), named for what it holds and when.
pub(crate) fn export_path(
    app: &AppHandle,
    stem: &str,
    ext: &str,
) -> Result<std::path::PathBuf, ErrorBody> {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| {
            Error::CannotWrite(format!("no Downloads or home folder to save in: {e}")).body()
        })?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    Ok(dir.join(format!("{stem}-{stamp}.{ext}")))
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
