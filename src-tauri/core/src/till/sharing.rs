//! Sharing this shop with other stations: the owner's standalone shop copied, verified, into
//! the shop's own PostgreSQL server (see `store::pg`) with the logins its stations use, by
//! someone who may change its settings; a new station added with a one-time pairing code, and
//! another computer joining with it.

use super::till_name;
use crate::audit::{self, Change};
use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::args;
use crate::store::cipher::crockford;
use crate::store::pg::{self, roles, Shared};
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use ts_rs::TS;

/// How long a pairing code lets a new station join.
const PAIRING_MS: i64 = 60 * 60 * 1000;

/// Symbols of a pairing code after the station's name (80 random bits).
const CODE_SYMBOLS: usize = 16;

/// The PostgreSQL login of someone who may make databases and roles there (the shop's IT
/// person, or the owner who installed it): used once, to share, and never kept.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ServerLogin {
    pub host: String,
    pub port: u16,
    /// The shop's database: made when missing; an existing one must be empty.
    pub database: String,
    pub user: String,
    pub password: String,
}

impl ServerLogin {
    /// The login a script gives as one URL (`postgresql://admin:secret@host:5432/shop`): every
    /// part but the password is needed, the port defaults to PostgreSQL's.
    pub fn from_url(url: &str) -> Result<ServerLogin> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| Error::invalid(format!("the server's address: {e}")))?;
        let needs = |what: &str| Error::invalid(format!("the server's address names no {what}"));
        let host = match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(host)) => host.clone(),
            _ => return Err(needs("host on the network")),
        };
        Ok(ServerLogin {
            host,
            port: config.get_ports().first().copied().unwrap_or(5432),
            database: config.get_dbname().ok_or_else(|| needs("database"))?.into(),
            user: config
                .get_user()
                .ok_or_else(|| needs("admin login"))?
                .into(),
            password: String::from_utf8_lossy(config.get_password().unwrap_or_default()).into(),
        })
    }

    pub(crate) fn url(&self, database: &str) -> String {
        libpq_url(&self.host, self.port, database, &self.user, &self.password)
    }
}

/// How this computer reaches its shop as a station. The password is not part of what is
/// written down: it lives in the OS keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StationLogin {
    pub host: String,
    pub port: u16,
    pub database: String,
    /// This station's name (T1, OFFICE), on its receipts and in the audit trail.
    pub till: String,
    #[serde(skip)]
    #[ts(skip)]
    pub password: String,
}

impl StationLogin {
    /// This station's login role on the server.
    pub fn role(&self) -> String {
        roles::station_role(&self.database, &self.till)
    }

    /// The libpq connection string of this station's own login.
    pub fn url(&self) -> String {
        libpq_url(
            &self.host,
            self.port,
            &self.database,
            &self.role(),
            &self.password,
        )
    }
}

/// What the back office tells a new station: where the shop is and the one-time code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StationPairing {
    pub till: String,
    /// "T2-7KQF-29XD-M3PA-WQ8R": the station's name, then its first password.
    pub code: String,
    pub valid_until: Timestamp,
    pub host: String,
    pub port: u16,
    pub database: String,
}

fn libpq_url(host: &str, port: u16, database: &str, user: &str, password: &str) -> String {
    // libpq's key=value form: values in single quotes, with \ and ' escaped.
    let quote = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
    format!(
        "host={} port={port} dbname={} user={} password={}",
        quote(host.trim()),
        quote(database),
        quote(user),
        quote(password)
    )
}

/// `n` symbols of Crockford's base32 from the operating system's random source.
fn random_symbols(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n.div_ceil(8) * 5];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no random source for a password: {e}")))?;
    Ok(crockford().encode(&bytes)[..n].to_string())
}

/// A typed pairing code: the station's name and its password, forgiving what people mistype
/// (lower case, spaces, O for 0, I or L for 1).
fn read_code(code: &str) -> Result<(String, String)> {
    let wrong = || {
        Error::invalid(
            "a pairing code is the station's name and four groups of four (T2-7KQF-29XD-M3PA-WQ8R)",
        )
    };
    let (till, secret) = code.trim().split_once('-').ok_or_else(wrong)?;
    let till = till_name(till)?;
    let secret: String = secret
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    let symbols = crockford().specification().symbols;
    if secret.len() != CODE_SYMBOLS || !secret.chars().all(|c| symbols.contains(c)) {
        return Err(wrong());
    }
    Ok((till, secret))
}

impl Shop {
    /// Copies this shop into the empty server database `server` is connected to, in one
    /// verified transaction, making no logins (a server whose roles are kept by hand, and the
    /// tests and benchmarks); on any error the server is left as it was. This file is only read.
    pub fn share_with_stations(
        &self,
        session: &Session,
        server: &mut postgres::Client,
    ) -> Result<Shared> {
        self.db
            .read(|c| authorize(c, session, Permission::SettingsManage))?;
        pg::share(&self.db, server, |_| Ok(()))
    }

    /// Shares this standalone shop with other stations on the PostgreSQL server `admin` signs in
    /// to: the shop's database made (or an empty one used), the shop copied into it and
    /// verified, its logins set up — all in one server transaction, so on any error the server
    /// holds nothing of it (a database made here is dropped again). This shop's file is only
    /// read. Returns the copy and this computer's login as the station `till` (the back office,
    /// the only one that may add stations).
    pub fn share_shop(
        &self,
        session: &Session,
        admin: &ServerLogin,
        till: &str,
    ) -> Result<(Shared, StationLogin)> {
        self.db
            .read(|c| authorize(c, session, Permission::SettingsManage))?;
        if self.db.server().is_some() {
            return Err(Error::Conflict("this shop is already shared".into()));
        }
        let database = roles::database_name(&admin.database)?;
        let till = till_name(till)?;
        let mut server = pg::connect(&admin.url("postgres"))?;
        let exists: bool = server
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
                &[&database],
            )?
            .get(0);
        if !exists {
            server.batch_execute(&format!(
                "CREATE DATABASE \"{database}\" ENCODING 'UTF8' TEMPLATE template0"
            ))?;
        }
        let password = random_symbols(20)?;
        let shared = pg::connect(&admin.url(&database)).and_then(|mut client| {
            let verifier = roles::verifier(&password);
            pg::share(&self.db, &mut client, |tx| {
                roles::set_up(tx, &database, &till, &verifier)
            })
        });
        let shared = match shared {
            Ok(shared) => shared,
            Err(e) => {
                if !exists {
                    // Best effort: the error that stopped the sharing is what the owner needs.
                    let _ =
                        server.batch_execute(&format!("DROP DATABASE IF EXISTS \"{database}\""));
                }
                return Err(e);
            }
        };
        let login = StationLogin {
            host: admin.host.trim().to_string(),
            port: admin.port,
            database,
            till,
            password,
        };
        Ok((shared, login))
    }

    /// A one-time code with which another computer joins this shared shop as the station
    /// `till`; it works for an hour. Adding a station that exists replaces it: its old computer
    /// can no longer sign in (a till that broke, a bench replaced).
    pub fn add_station(&self, session: &Session, till: &str) -> Result<StationPairing> {
        let Some(server) = self.db.server() else {
            return Err(Error::Conflict(
                "share this shop first: a standalone shop has no other stations".into(),
            ));
        };
        let till = till_name(till)?;
        let (host, port, database) = server.address();
        let secret = random_symbols(CODE_SYMBOLS)?;
        if self.till_state()?.till == till {
            return Err(Error::Conflict(format!("{till} is this station")));
        }
        let valid_until = Timestamp(self.clock.now().0 + PAIRING_MS);
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            tx.execute(
                "SELECT shopdesk_add_station(?1, ?2, to_timestamp(CAST(?3 AS BIGINT) / 1000.0))",
                args![
                    roles::station_role(&database, &till),
                    roles::verifier(&secret),
                    valid_until.0
                ],
            )
            .map_err(|e| match e {
                Error::Forbidden(_) => Error::Forbidden(
                    "only the back office that shared the shop adds stations".into(),
                ),
                other => other,
            })?;
            audit::record(
                tx,
                Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "station_added",
                    ("station", &till),
                    json!({ "valid_until": valid_until.0 }),
                ),
            )
        })?;
        let groups: Vec<&str> = secret
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        Ok(StationPairing {
            code: format!("{till}-{}", groups.join("-")),
            till,
            valid_until,
            host,
            port,
            database,
        })
    }

    /// Joins the shop in `database` on the server at `host`:`port` with the pairing code the
    /// back office gave, as the station the code names: the code's password is replaced at once
    /// by one only this computer knows (so the code works once), and the station's own file at
    /// `path` is made from the server. Returns the shop and the login to keep.
    pub fn join_shop(
        path: &Path,
        (host, port, database): (&str, u16, &str),
        code: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<(Shop, StationLogin)> {
        let database = roles::database_name(database)?;
        let (till, secret) = read_code(code)?;
        let mut login = StationLogin {
            host: host.trim().to_string(),
            port,
            database,
            till,
            password: secret,
        };
        let mut client = pg::connect(&login.url()).map_err(|e| match e {
            Error::CannotOpen(_) => Error::invalid(
                "the server did not take that pairing code: it is mistyped, was used already, \
                 or is over an hour old — ask the back office for a new one",
            ),
            other => other,
        })?;
        pg::check_version(&mut client)?;
        login.password = random_symbols(20)?;
        client.execute(
            "SELECT shopdesk_join($1)",
            &[&roles::verifier(&login.password)],
        )?;
        let shop = Shop::open_station(path, &login.url(), &login.till, clock)?;
        Ok((shop, login))
    }
}

#[cfg(test)]
mod tests {
    use super::ServerLogin;

    #[test]
    fn a_scripts_server_url_is_read_whole_or_refused() {
        let login =
            ServerLogin::from_url("postgresql://admin:s%40cret@10.0.0.5:5433/harbour").unwrap();
        assert_eq!(
            (login.host.as_str(), login.port, login.database.as_str()),
            ("10.0.0.5", 5433, "harbour")
        );
        assert_eq!(
            (login.user.as_str(), login.password.as_str()),
            ("admin", "s@cret")
        );
        let default_port = ServerLogin::from_url("postgresql://admin@db.shop.lan/harbour").unwrap();
        assert_eq!(
            (default_port.port, default_port.password.as_str()),
            (5432, "")
        );
        for (url, says) in [
            ("postgresql://admin@db.shop.lan", "no database"),
            ("postgresql://db.shop.lan/harbour", "no admin login"),
            ("postgresql://admin@db.shop.lan:port/harbour", "address"),
        ] {
            let err = ServerLogin::from_url(url).unwrap_err().to_string();
            assert!(err.contains(says), "{url}: {err}");
        }
    }
}
