//! The shop itself: opening its database, its profile (name, currency, country), and first-run
//! setup that creates the default roles and the owner in one transaction; staff, roles, PINs and
//! permissions in `staff.rs`.

pub mod staff;
pub mod trail;

use crate::audit::{self, Change};
use crate::clock::Clock;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::money::Currency;
use crate::sql::Conn;
use crate::store::cipher::DbKey;
use crate::store::Db;
use crate::Shop;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use staff::{Session, SessionInfo};
use std::path::Path;
use std::sync::Arc;
use ts_rs::TS;

/// Countries a shop can be set up in (ISO 3166-1 alpha-2), with the currency it usually keeps
/// books in and the time zone most of its shops keep (for a country with several, the most
/// populous one's; the first-run screen lets the owner pick another). The first-run screen
/// offers these and suggests the currency and zone.
#[rustfmt::skip]
pub const COUNTRIES: &[(&str, &str, &str, &str)] = &[
    ("AT", "Austria", "EUR", "Europe/Vienna"), ("AU", "Australia", "AUD", "Australia/Sydney"),
    ("BE", "Belgium", "EUR", "Europe/Brussels"), ("BG", "Bulgaria", "BGN", "Europe/Sofia"),
    ("BR", "Brazil", "BRL", "America/Sao_Paulo"), ("CA", "Canada", "CAD", "America/Toronto"),
    ("CH", "Switzerland", "CHF", "Europe/Zurich"), ("CL", "Chile", "CLP", "America/Santiago"),
    ("CN", "China", "CNY", "Asia/Shanghai"), ("CY", "Cyprus", "EUR", "Asia/Nicosia"),
    ("CZ", "Czechia", "CZK", "Europe/Prague"), ("DE", "Germany", "EUR", "Europe/Berlin"),
    ("DK", "Denmark", "DKK", "Europe/Copenhagen"), ("EE", "Estonia", "EUR", "Europe/Tallinn"),
    ("ES", "Spain", "EUR", "Europe/Madrid"), ("FI", "Finland", "EUR", "Europe/Helsinki"),
    ("FR", "France", "EUR", "Europe/Paris"), ("GB", "United Kingdom", "GBP", "Europe/London"),
    ("GR", "Greece", "EUR", "Europe/Athens"), ("HK", "Hong Kong", "HKD", "Asia/Hong_Kong"),
    ("HR", "Croatia", "EUR", "Europe/Zagreb"), ("HU", "Hungary", "HUF", "Europe/Budapest"),
    ("ID", "Indonesia", "IDR", "Asia/Jakarta"), ("IE", "Ireland", "EUR", "Europe/Dublin"),
    ("IL", "Israel", "ILS", "Asia/Jerusalem"), ("IN", "India", "INR", "Asia/Kolkata"),
    ("IS", "Iceland", "ISK", "Atlantic/Reykjavik"), ("IT", "Italy", "EUR", "Europe/Rome"),
    ("JP", "Japan", "JPY", "Asia/Tokyo"), ("KR", "South Korea", "KRW", "Asia/Seoul"),
    ("KW", "Kuwait", "KWD", "Asia/Kuwait"), ("LT", "Lithuania", "EUR", "Europe/Vilnius"),
    ("LU", "Luxembourg", "EUR", "Europe/Luxembourg"), ("LV", "Latvia", "EUR", "Europe/Riga"),
    ("MT", "Malta", "EUR", "Europe/Malta"), ("MX", "Mexico", "MXN", "America/Mexico_City"),
    ("MY", "Malaysia", "MYR", "Asia/Kuala_Lumpur"), ("NL", "Netherlands", "EUR", "Europe/Amsterdam"),
    ("NO", "Norway", "NOK", "Europe/Oslo"), ("NZ", "New Zealand", "NZD", "Pacific/Auckland"),
    ("PH", "Philippines", "PHP", "Asia/Manila"), ("PL", "Poland", "PLN", "Europe/Warsaw"),
    ("PT", "Portugal", "EUR", "Europe/Lisbon"), ("RO", "Romania", "RON", "Europe/Bucharest"),
    ("SE", "Sweden", "SEK", "Europe/Stockholm"), ("SG", "Singapore", "SGD", "Asia/Singapore"),
    ("SI", "Slovenia", "EUR", "Europe/Ljubljana"), ("SK", "Slovakia", "EUR", "Europe/Bratislava"),
    ("TH", "Thailand", "THB", "Asia/Bangkok"), ("TR", "Türkiye", "TRY", "Europe/Istanbul"),
    ("TW", "Taiwan", "TWD", "Asia/Taipei"), ("UA", "Ukraine", "UAH", "Europe/Kyiv"),
    ("US", "United States", "USD", "America/New_York"), ("VN", "Vietnam", "VND", "Asia/Ho_Chi_Minh"),
    ("ZA", "South Africa", "ZAR", "Africa/Johannesburg"),
];

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Country {
    pub code: String,
    pub name: String,
    pub currency: String,
    pub time_zone: String,
}

pub fn countries() -> Vec<Country> {
    COUNTRIES
        .iter()
        .map(|&(code, name, currency, time_zone)| Country {
            code: code.into(),
            name: name.into(),
            currency: currency.into(),
            time_zone: time_zone.into(),
        })
        .collect()
}

/// Every IANA time zone name the bundled database knows, sorted, for the first-run picker.
pub fn time_zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .filter(|n| n.contains('/') && !n.starts_with("Etc/"))
        .collect();
    names.sort();
    names
}

/// One of `COUNTRIES` by its code: (code, name, currency, time zone).
pub(crate) fn country(
    code: &str,
) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
    COUNTRIES.iter().find(|(c, ..)| *c == code)
}

/// The shop's time zone as set up (or its country's, for a shop set up before zones were asked).
pub(crate) fn zone<'c>(conn: impl Into<Conn<'c>>) -> Result<crate::ShopZone> {
    let (zone, country): (String, String) = conn.into().query_row(
        "SELECT time_zone, country FROM shop WHERE id = 1",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(crate::ShopZone::named(if zone.is_empty() {
        country_time_zone(&country)
    } else {
        &zone
    }))
}

/// The zone a shop in `country` most likely keeps, for shops set up before they were asked.
fn country_time_zone(code: &str) -> &'static str {
    country(code).map_or("UTC", |(.., zone)| zone)
}

/// A phone number as people write them: digits with spaces, dashes, dots, brackets, a leading
/// `+`, and an extension; at least 6 digits and at most 15 (the E.164 limit) before any
/// extension.
pub(crate) fn phone_is_valid(phone: &str) -> bool {
    let main = phone.split(['x', 'X']).next().unwrap_or_default();
    let main = main.trim().strip_prefix('+').unwrap_or(main.trim());
    let digits = main.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits)
        && main
            .chars()
            .all(|c| c.is_ascii_digit() || " -.()/".contains(c))
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ShopProfile {
    pub name: String,
    pub currency: String,
    pub country: String,
    pub phone: String,
    /// IANA name; times are shown, and days counted, in it.
    pub time_zone: String,
    /// BCP 47 tag the window formats dates, times, numbers and money with: the app speaks
    /// English, in the shop's country's conventions ("en-IE": 1 Dec 2026, 14:05, €20.00).
    pub locale: String,
}

/// First-run setup: the shop, the details its invoices and receipts carry, and its owner.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct NewShop {
    pub name: String,
    pub currency: String,
    pub country: String,
    pub owner_name: String,
    pub owner_pin: String,
    /// The registered name; the shop's name when empty.
    #[serde(default)]
    pub legal_name: String,
    /// Lines of the address documents print.
    #[serde(default)]
    pub legal_address: String,
    /// VAT / tax number (empty for a shop not registered for one).
    #[serde(default)]
    pub tax_id: String,
    /// The contact e-mail documents print and customers reply to.
    #[serde(default)]
    pub email: String,
    /// The contact phone documents print (empty for none).
    #[serde(default)]
    pub phone: String,
    /// IANA time zone; empty takes the country's usual one.
    #[serde(default)]
    pub time_zone: String,
}

/// A practical e-mail syntax check: one `@`, a local part of printable characters, a domain of
/// dot-separated labels of letters, digits and hyphens with at least one dot.
pub(crate) fn email_is_valid(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2);
    local_ok && domain_ok
}

/// The shop's currency, read inside the caller's transaction so an action costs one snapshot.
pub(crate) fn shop_currency<'c>(conn: impl Into<Conn<'c>>) -> Result<Currency> {
    let code: String = conn
        .into()
        .query_opt("SELECT currency FROM shop WHERE id = 1", &[], |r| r.get(0))?
        .ok_or(Error::NoShop)?;
    Currency::from_code(&code)
}

impl Shop {
    /// Opens the shop's database at `path` with the given clock.
    /// An existing shop that this build must migrate is first copied into its backup folder.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Shop> {
        Shop::open_with_key(path, clock, None)
    }

    /// Opens a shop whose database may be encrypted: `key` opens it if it is (and is ignored
    /// if it is plain); a new file is created encrypted with it. No key, or the wrong one, is
    /// refused with nothing written.
    pub fn open_with_key(path: &Path, clock: Arc<dyn Clock>, key: Option<&DbKey>) -> Result<Shop> {
        crate::store::backup::before_migration(path, key, clock.now())?;
        Ok(Shop {
            db: Db::open(path, key)?,
            clock,
        })
    }

    /// A damaged database found at start instead of at the next sale (`PRAGMA quick_check`).
    pub fn check_database(&self) -> Result<()> {
        self.db.quick_check()
    }

    pub fn db_path(&self) -> &Path {
        self.db.path()
    }

    /// The profile, or None before first-run setup.
    pub fn profile(&self) -> Result<Option<ShopProfile>> {
        self.db.shared_read(|c| {
            c.query_opt(
                "SELECT name, currency, country, phone, time_zone FROM shop WHERE id = 1",
                &[],
                |r| {
                    let country: String = r.get(2)?;
                    let zone: String = r.get(4)?;
                    Ok(ShopProfile {
                        name: r.get(0)?,
                        currency: r.get(1)?,
                        locale: format!("en-{country}"),
                        time_zone: if zone.is_empty() {
                            country_time_zone(&country).to_string()
                        } else {
                            zone
                        },
                        country,
                        phone: r.get(3)?,
                    })
                },
            )
        })
    }

    /// Creates the shop, the default roles and the owner, and signs the owner in. One transaction:
    /// a failure leaves the database as it was, still on first run.
    pub fn create_shop(&self, new: NewShop) -> Result<(Session, SessionInfo)> {
        let setup = Setup::check(&new)?;
        let now = self.clock.now();
        let owner_id = self.db.write(|tx| setup.apply(tx, now))?;
        let session = Session::for_staff(owner_id);
        let info = self.session_info(&session)?;
        Ok((session, info))
    }
}

/// A first-run request that passed validation (the PIN already hashed, outside any transaction).
pub(crate) struct Setup {
    name: String,
    owner: String,
    currency: Currency,
    country: String,
    pin_hash: String,
    legal_name: String,
    legal_address: String,
    tax_id: String,
    email: String,
    phone: String,
    time_zone: String,
}

impl Setup {
    pub(crate) fn check(new: &NewShop) -> Result<Setup> {
        let country = new.country.trim().to_ascii_uppercase();
        if self::country(&country).is_none() {
            return Err(Error::invalid(format!(
                "unknown country code '{}'",
                new.country
            )));
        }
        let phone = new.phone.trim();
        if !phone.is_empty() && !phone_is_valid(phone) {
            return Err(Error::invalid(format!(
                "'{phone}' does not look like a phone number: use digits, with spaces or dashes and a leading + if you like"
            )));
        }
        let time_zone = match new.time_zone.trim() {
            "" => country_time_zone(&country).to_string(),
            zone => {
                jiff::tz::db().get(zone).map_err(|_| {
                    Error::invalid(format!(
                        "'{zone}' is not a time zone: pick one from the list, such as {}",
                        country_time_zone(&country)
                    ))
                })?;
                zone.to_string()
            }
        };
        let email = new.email.trim();
        if !email.is_empty() && !email_is_valid(email) {
            return Err(Error::invalid(format!(
                "'{email}' does not look like an e-mail address"
            )));
        }
        Ok(Setup {
            name: staff::clean_name(&new.name, "shop name")?,
            owner: staff::clean_name(&new.owner_name, "owner name")?,
            currency: Currency::from_code(&new.currency)?,
            country,
            pin_hash: staff::hash_pin(&new.owner_pin)?,
            legal_name: new.legal_name.trim().to_string(),
            legal_address: new.legal_address.trim().to_string(),
            tax_id: new.tax_id.trim().to_string(),
            email: email.to_string(),
            phone: phone.to_string(),
            time_zone,
        })
    }

    /// Writes the shop, the default roles and the owner; returns the owner's staff id.
    pub(crate) fn apply(&self, tx: &Connection, now: Timestamp) -> Result<String> {
        let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM shop)", [], |r| r.get(0))?;
        if exists {
            return Err(Error::ShopExists);
        }
        tx.execute(
            "INSERT INTO shop (id, name, currency, country, created_at, legal_name, legal_address,
                 tax_id, shop_email, phone, time_zone)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            rusqlite::params![
                self.name,
                self.currency.code(),
                self.country,
                now.0,
                self.legal_name,
                self.legal_address,
                self.tax_id,
                self.email,
                self.phone,
                self.time_zone
            ],
        )?;
        crate::tax::seed_defaults(tx)?;
        let mut owner_role = None;
        for (role_name, perms) in staff::default_roles() {
            let id = staff::insert_role(tx, now.0, role_name, &perms)?;
            owner_role.get_or_insert(id);
        }
        let owner_role = owner_role.ok_or(Error::NotFound { what: "owner role" })?;
        let owner_id = staff::insert_staff(tx, now.0, &self.owner, &owner_role, &self.pin_hash)?;
        audit::record(
            tx,
            Change {
                at: now,
                staff_id: Some(&owner_id),
                action: "shop_created",
                entity: "shop",
                entity_id: None,
                detail: json!({ "name": self.name, "currency": self.currency.code(), "country": self.country }),
            },
        )?;
        Ok(owner_id)
    }

    pub(crate) fn currency(&self) -> Currency {
        self.currency
    }
}
