//! What the running app holds: where its database is, the open shop (or why it could not be
//! opened), and who is signed in at this station.

use shopdesk_core::packing::Packing;
use shopdesk_core::{Error, ErrorBody, Session, Shop, SystemClock};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

pub struct AppState {
    pub db_path: PathBuf,
    shop: RwLock<Result<Arc<Shop>, ErrorBody>>,
    session: Mutex<Option<Session>>,
    /// The order open at this station's packing bench, with its scans so far.
    pub packing: Mutex<Option<Packing>>,
}

fn open(path: &std::path::Path) -> Result<Arc<Shop>, ErrorBody> {
    // The quick check finds a damaged file now, where a backup can be offered, not mid-sale.
    Shop::open(path, Arc::new(SystemClock))
        .and_then(|shop| shop.check_database().map(|()| shop))
        .map(Arc::new)
        .map_err(|e| {
            log::error!("could not open {}: {e}", path.display());
            e.body()
        })
}

impl AppState {
    pub fn open(db_path: PathBuf) -> AppState {
        let shop = RwLock::new(open(&db_path));
        AppState {
            db_path,
            shop,
            session: Mutex::new(None),
            packing: Mutex::new(None),
        }
    }

    /// Tries again after the person fixed what stopped the database opening (closed the other
    /// program, freed disk space). Never creates over or deletes the existing file.
    pub fn reopen(&self) {
        let mut guard = self.shop.write().unwrap_or_else(|p| p.into_inner());
        if guard.is_err() {
            *guard = open(&self.db_path);
        }
    }

    pub fn shop(&self) -> Result<Arc<Shop>, ErrorBody> {
        self.shop.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn session(&self) -> Option<Session> {
        self.session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_session(&self, session: Option<Session>) {
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = session;
    }

    pub fn signed_in(&self) -> Result<(Arc<Shop>, Session), ErrorBody> {
        let shop = self.shop()?;
        let session = self.session().ok_or_else(|| Error::NotSignedIn.body())?;
        Ok((shop, session))
    }
}
