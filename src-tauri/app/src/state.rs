//! What the running app holds: where its database is, the open shop (or why it could not be
//! opened), and who is signed in at this station.

use shopdesk_core::packing::Packing;
use shopdesk_core::{DbKey, Error, ErrorBody, Session, Shop, SystemClock};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, RwLock};

pub struct AppState {
    pub db_path: PathBuf,
    shop: RwLock<Result<Arc<Shop>, ErrorBody>>,
    /// Whether the first open has finished. The shop is opened (migrated, quick-checked) on its
    /// own thread while the window loads; whatever needs it first waits here.
    opened: (Mutex<bool>, Condvar),
    session: Mutex<Option<Session>>,
    /// The order open at this station's packing bench, with its scans so far.
    pub packing: Mutex<Option<Packing>>,
    /// A key made for turning encryption on, between showing its recovery key and using it.
    pub new_key: Mutex<Option<DbKey>>,
}

fn open(path: &std::path::Path) -> Result<Arc<Shop>, ErrorBody> {
    // This computer as a till of a shop shared on a PostgreSQL server (issue 21): for trying
    // and testing until the window's own setup (share, pair) comes.
    let opened = match (
        std::env::var("SHOPDESK_SERVER"),
        std::env::var("SHOPDESK_TILL"),
    ) {
        (Ok(server), Ok(till)) => Shop::open_station(path, &server, &till, Arc::new(SystemClock)),
        _ => shopdesk_keychain::open_shop(path, Arc::new(SystemClock)),
    };
    // The quick check finds a damaged file now, where a backup can be offered, not mid-sale.
    opened
        .and_then(|shop| shop.check_database().map(|()| shop))
        .map(Arc::new)
        .map_err(|e| {
            log::error!("could not open {}: {e}", path.display());
            e.body()
        })
}

impl AppState {
    /// The app's state before its shop is open: `open_shop` opens it.
    pub fn new(db_path: PathBuf) -> AppState {
        AppState {
            db_path,
            shop: RwLock::new(Err(Error::Locked.body())),
            opened: (Mutex::new(false), Condvar::new()),
            session: Mutex::new(None),
            packing: Mutex::new(None),
            new_key: Mutex::new(None),
        }
    }

    /// Opens the shop the first time; callers of `shop()` meanwhile wait for it.
    pub fn open_shop(&self) {
        /// Marks the first open done even if opening panicked, so nothing waits forever (the
        /// shop then stays "locked" and the window says so).
        struct Done<'a>(&'a (Mutex<bool>, Condvar));
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                let (done, ready) = self.0;
                *done.lock().unwrap_or_else(|p| p.into_inner()) = true;
                ready.notify_all();
            }
        }
        let _done = Done(&self.opened);
        *self.shop.write().unwrap_or_else(|p| p.into_inner()) = open(&self.db_path);
    }

    fn wait_opened(&self) {
        let (done, ready) = &self.opened;
        let mut opened = done.lock().unwrap_or_else(|p| p.into_inner());
        while !*opened {
            opened = ready.wait(opened).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Opens an encrypted shop this computer holds no key for with the owner's recovery key
    /// (which the keychain then keeps).
    pub fn unlock(&self, recovery_key: &str) -> Result<(), ErrorBody> {
        self.wait_opened();
        let mut guard = self.shop.write().unwrap_or_else(|p| p.into_inner());
        let shop = shopdesk_keychain::unlock_with_recovery_key(
            &self.db_path,
            Arc::new(SystemClock),
            recovery_key,
        )?;
        shop.check_database()?;
        *guard = Ok(Arc::new(shop));
        Ok(())
    }

    /// Runs `work` with the shop closed — no connection of this app open on its file — and
    /// opens it again after, whatever `work` did. Work in flight (a sync, a backup) is waited
    /// for; new work waits on the lock meanwhile.
    pub fn with_shop_closed<T>(
        &self,
        work: impl FnOnce() -> Result<T, ErrorBody>,
    ) -> Result<T, ErrorBody> {
        self.wait_opened();
        let mut guard = self.shop.write().unwrap_or_else(|p| p.into_inner());
        let mut shop = match &*guard {
            Ok(shop) => shop.clone(),
            Err(e) => return Err(e.clone()),
        };
        *guard = Err(Error::Locked.body());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        // Two holders now: this one and the slot's former value, dropped above.
        loop {
            match Arc::try_unwrap(shop) {
                Ok(only) => {
                    drop(only);
                    break;
                }
                Err(still) if std::time::Instant::now() > deadline => {
                    *guard = Ok(still);
                    return Err(Error::Conflict(
                        "the shop is busy (a sync or a backup is running); try again in a minute"
                            .into(),
                    )
                    .body());
                }
                Err(still) => {
                    shop = still;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            }
        }
        let out = work();
        *guard = open(&self.db_path);
        out
    }

    /// Works from now on with `shop` (this computer became a station of its shared shop); the
    /// person signed in stays signed in.
    pub fn switch_to(&self, shop: Shop) {
        self.wait_opened();
        *self.shop.write().unwrap_or_else(|p| p.into_inner()) = Ok(Arc::new(shop));
    }

    /// Tries again after the person fixed what stopped the database opening (closed the other
    /// program, freed disk space). Never creates over or deletes the existing file.
    pub fn reopen(&self) {
        self.wait_opened();
        let mut guard = self.shop.write().unwrap_or_else(|p| p.into_inner());
        if guard.is_err() {
            *guard = open(&self.db_path);
        }
    }

    pub fn shop(&self) -> Result<Arc<Shop>, ErrorBody> {
        self.wait_opened();
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
