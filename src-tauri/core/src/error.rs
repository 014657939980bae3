//! The one error type of core, with stable machine codes (`ErrorCode`) the UI switches on, never
//! on message text.

use serde::Serialize;
use ts_rs::TS;

/// Everything a core call can refuse or fail with. Most refusals are `Invalid` or `Conflict` with
/// words for people; a variant of its own exists only where a consumer (a screen, the sync, a
/// script) does something different for it, and it carries the figures that consumer needs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("{0}")]
    Conflict(String),
    #[error("you are not signed in")]
    NotSignedIn,
    #[error("your role does not allow this ({0})")]
    Forbidden(String),
    /// A manager (anyone whose role has the permission) must approve with their PIN.
    #[error("{0} — a manager must approve with their PIN")]
    NeedsApproval(String),
    #[error("that PIN is not right — try again")]
    WrongPin,
    #[error("too many wrong PINs for this staff member; try again in {seconds} s")]
    LockedOut { seconds: i64 },
    #[error("the shop has not been set up yet")]
    NoShop,
    #[error("the shop is already set up")]
    ShopExists,
    /// A scanned or typed SKU/barcode that names no item: the counter shows it in red and keeps
    /// the cart as it was.
    #[error("no item has the code '{code}'")]
    UnknownCode { code: String },
    /// Fewer units than asked for where they must come from.
    #[error("{message}")]
    NotEnoughStock { available: i64, message: String },
    /// A return of more than was sold (or charged) and not yet returned.
    #[error("{message}")]
    NotReturnable { returnable: i64, message: String },
    /// A gift card or store credit tendered beyond its balance (`left` in minor units).
    #[error("{message}")]
    BalanceTooLow { left: i64, message: String },
    /// Selling needs an open shift, whose float the drawer is counted against.
    #[error("open a shift (with its cash float) before selling")]
    NoShiftOpen,
    #[error("this sale is parked; resume it first")]
    SaleParked,
    /// An order on hold cannot be packed or shipped until someone releases it.
    #[error("order {order} is on hold: it cannot be packed until it is released")]
    OnHold { order: String },
    /// A held order whose blocking checks (address, e-mail) still fail.
    #[error("fix this before releasing: {reasons}")]
    ReleaseBlocked { reasons: String },
    /// More units shipped than the order has left to ship.
    #[error("{message}")]
    NothingLeftToShip { left: i64, message: String },
    /// A parcel completed before every unit was scanned, without an override.
    #[error(
        "{scanned} of {units} units scanned: scan the rest, ship only what is here, or override \
         with a reason"
    )]
    NotAllScanned { scanned: i64, units: i64 },
    /// "Send now" with no mail server set up: the messages wait in the outbox, and the screen
    /// leads to the mail settings instead of answering "0 sent".
    #[error(
        "e-mail is not set up yet: enter your mail server in the orders settings (Mail); \
         {waiting} message(s) wait in the outbox until then"
    )]
    MailNotSetUp { waiting: i64 },
    /// The print system refused or is missing: the document is kept and can be printed again or
    /// saved as PDF.
    #[error("{0}")]
    PrintFailed(String),
    /// A file on this computer could not be written (an export, a PDF).
    #[error("{0}")]
    CannotWrite(String),
    #[error(
        "this database was written by a newer Shopdesk (schema version {found}, this app knows up \
         to {supported}); install the newer Shopdesk or open another database — nothing was changed"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    /// A station and the shop's PostgreSQL disagree on the schema: it writes nothing until the
    /// older side is upgraded.
    #[error(
        "the shop's server database has schema version {server} and this Shopdesk knows {station}: \
         {advice} — nothing was written"
    )]
    SchemaSkew {
        server: i64,
        station: i64,
        advice: String,
    },
    /// The shop's PostgreSQL server cannot be reached (stopped, the network down, a wrong
    /// address): what needs it waits; the counter keeps selling into its own journal.
    #[error("the shop's server cannot be reached ({0})")]
    ServerOffline(String),
    #[error("the database is locked by another program; close it and try again")]
    Locked,
    /// An encrypted database and no key for it (this computer's keychain has none: a new
    /// computer, a reinstalled system, a moved file). The owner's printed recovery key opens it.
    #[error(
        "this shop's database is encrypted and this computer holds no key for it; type the \
         recovery key printed when encryption was turned on — nothing was changed"
    )]
    KeyNeeded,
    /// A key that does not open the encrypted database. The file is left as it was.
    #[error(
        "{0} does not open this encrypted database (a key from another shop, or a mistyped \
         recovery key); nothing was changed"
    )]
    WrongKey(String),
    #[error("the database file is damaged or is not a Shopdesk database ({0})")]
    Corrupt(String),
    #[error("the database could not be opened: {0}")]
    CannotOpen(String),
    #[error("database error: {0}")]
    Storage(String),
    /// A failure of the app itself (a worker thread that died), never of the person's input.
    #[error("{0}")]
    Internal(String),
}

/// The stable machine code of an error: part of the IPC contract, exported to the UI as a string
/// union so its `switch (err.code)` is checked by the compiler. Adding one is fine; renaming one
/// breaks the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Invalid,
    NotFound,
    Conflict,
    NotSignedIn,
    Forbidden,
    NeedsApproval,
    WrongPin,
    LockedOut,
    NoShop,
    ShopExists,
    UnknownCode,
    NotEnoughStock,
    NotReturnable,
    BalanceTooLow,
    NoShiftOpen,
    SaleParked,
    OnHold,
    ReleaseBlocked,
    NothingLeftToShip,
    NotAllScanned,
    MailNotSetUp,
    PrintFailed,
    CannotWrite,
    SchemaTooNew,
    SchemaSkew,
    ServerOffline,
    DbLocked,
    DbKeyNeeded,
    DbWrongKey,
    DbCorrupt,
    DbCannotOpen,
    Storage,
    Internal,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    /// The code callers branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::NotSignedIn => ErrorCode::NotSignedIn,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::NeedsApproval(_) => ErrorCode::NeedsApproval,
            Error::WrongPin => ErrorCode::WrongPin,
            Error::LockedOut { .. } => ErrorCode::LockedOut,
            Error::NoShop => ErrorCode::NoShop,
            Error::ShopExists => ErrorCode::ShopExists,
            Error::UnknownCode { .. } => ErrorCode::UnknownCode,
            Error::NotEnoughStock { .. } => ErrorCode::NotEnoughStock,
            Error::NotReturnable { .. } => ErrorCode::NotReturnable,
            Error::BalanceTooLow { .. } => ErrorCode::BalanceTooLow,
            Error::NoShiftOpen => ErrorCode::NoShiftOpen,
            Error::SaleParked => ErrorCode::SaleParked,
            Error::OnHold { .. } => ErrorCode::OnHold,
            Error::ReleaseBlocked { .. } => ErrorCode::ReleaseBlocked,
            Error::NothingLeftToShip { .. } => ErrorCode::NothingLeftToShip,
            Error::NotAllScanned { .. } => ErrorCode::NotAllScanned,
            Error::MailNotSetUp { .. } => ErrorCode::MailNotSetUp,
            Error::PrintFailed(_) => ErrorCode::PrintFailed,
            Error::CannotWrite(_) => ErrorCode::CannotWrite,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::SchemaSkew { .. } => ErrorCode::SchemaSkew,
            Error::ServerOffline(_) => ErrorCode::ServerOffline,
            Error::Locked => ErrorCode::DbLocked,
            Error::KeyNeeded => ErrorCode::DbKeyNeeded,
            Error::WrongKey(_) => ErrorCode::DbWrongKey,
            Error::Corrupt(_) => ErrorCode::DbCorrupt,
            Error::CannotOpen(_) => ErrorCode::DbCannotOpen,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A business rule refused this (the input, or the state of the shop), as opposed to the
    /// store, the app or the person's rights failing: a batch (a marketplace page, a bulk action)
    /// records it against the one item and goes on. Every variant is classified here, so a new
    /// one cannot be forgotten.
    pub fn is_refusal(&self) -> bool {
        match self {
            Error::Invalid(_)
            | Error::NotFound { .. }
            | Error::Conflict(_)
            | Error::UnknownCode { .. }
            | Error::NotEnoughStock { .. }
            | Error::NotReturnable { .. }
            | Error::BalanceTooLow { .. }
            | Error::NoShiftOpen
            | Error::SaleParked
            | Error::OnHold { .. }
            | Error::ReleaseBlocked { .. }
            | Error::NothingLeftToShip { .. }
            | Error::NotAllScanned { .. } => true,
            Error::NotSignedIn
            | Error::Forbidden(_)
            | Error::NeedsApproval(_)
            | Error::WrongPin
            | Error::LockedOut { .. }
            | Error::NoShop
            | Error::ShopExists
            | Error::MailNotSetUp { .. }
            | Error::PrintFailed(_)
            | Error::CannotWrite(_)
            | Error::SchemaTooNew { .. }
            | Error::SchemaSkew { .. }
            | Error::ServerOffline(_)
            | Error::Locked
            | Error::KeyNeeded
            | Error::WrongKey(_)
            | Error::Corrupt(_)
            | Error::CannotOpen(_)
            | Error::Storage(_)
            | Error::Internal(_) => false,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => Error::Locked,
            Some(C::DatabaseCorrupt | C::NotADatabase) => Error::Corrupt(e.to_string()),
            Some(C::CannotOpen | C::ReadOnly | C::PermissionDenied) => {
                Error::CannotOpen(e.to_string())
            }
            _ => Error::Storage(e.to_string()),
        }
    }
}

impl From<postgres::Error> for Error {
    /// A lost connection is the server gone, not a fault in the data: the caller keeps what it
    /// has and tries again. A serialization failure or a deadlock is the PostgreSQL form of
    /// SQLite's busy database.
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        match e.code() {
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED =>
            {
                Error::Locked
            }
            // A login the server refuses (28…): a station's password replaced or expired.
            Some(c) if c.code().starts_with("28") => Error::CannotOpen(format!(
                "the shop's server refused this station's login ({}): pair the station again",
                e.as_db_error().map_or("", |d| d.message())
            )),
            // The station's role may not do this (an append-only record, the schema).
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::Forbidden(
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_string()),
            ),
            // The server shutting down or crashed (57P01–57P03), the connection broken (08…).
            Some(c) if c.code().starts_with("57P") || c.code().starts_with("08") => {
                Error::ServerOffline(e.to_string())
            }
            Some(_) => Error::Storage(match e.as_db_error() {
                // The server's own words ("db error" alone says nothing).
                Some(db) => match db.detail() {
                    Some(detail) => format!("{} ({detail})", db.message()),
                    None => db.message().to_string(),
                },
                None => e.to_string(),
            }),
            None if e.is_closed()
                || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>()) =>
            {
                Error::ServerOffline(e.to_string())
            }
            None => Error::Storage(e.to_string()),
        }
    }
}

/// What crosses the IPC boundary (and the CLI's `--json` error output) when a call fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

impl From<Error> for ErrorBody {
    fn from(e: Error) -> Self {
        e.body()
    }
}
