//! The one error type of core, with stable machine codes the UI switches on (never on message text).

use serde::Serialize;
use ts_rs::TS;

/// Everything a core call can refuse or fail with. `code()` is part of the IPC contract: adding a
/// variant is fine, renaming a code breaks the UI.
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
    #[error("wrong PIN")]
    WrongPin,
    #[error("too many wrong PINs for this staff member; try again in {seconds} s")]
    LockedOut { seconds: i64 },
    #[error("the shop has not been set up yet")]
    NoShop,
    #[error("the shop is already set up")]
    ShopExists,
    #[error(
        "this database was written by a newer Shopdesk (schema version {found}, this app knows up \
         to {supported}); install the newer Shopdesk or open another database — nothing was changed"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("the database is locked by another program; close it and try again")]
    Locked,
    #[error("the database file is damaged or is not a Shopdesk database ({0})")]
    Corrupt(String),
    #[error("the database could not be opened: {0}")]
    CannotOpen(String),
    #[error("database error: {0}")]
    Storage(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    /// Stable snake_case code for callers that must branch on the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Conflict(_) => "conflict",
            Error::NotSignedIn => "not_signed_in",
            Error::Forbidden(_) => "forbidden",
            Error::NeedsApproval(_) => "needs_approval",
            Error::WrongPin => "wrong_pin",
            Error::LockedOut { .. } => "locked_out",
            Error::NoShop => "no_shop",
            Error::ShopExists => "shop_exists",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Locked => "db_locked",
            Error::Corrupt(_) => "db_corrupt",
            Error::CannotOpen(_) => "db_cannot_open",
            Error::Storage(_) => "storage",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_string(),
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

/// What crosses the IPC boundary (and the CLI's `--json` error output) when a call fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl From<Error> for ErrorBody {
    fn from(e: Error) -> Self {
        e.body()
    }
}
