//! The shop itself: opening its database, its profile (name, currency, country), and first-run
//! setup that creates the default roles and the owner in one transaction; staff, roles, PINs and
//! permissions in `staff.rs`.

pub mod staff;

use crate::audit::{self, Change};
use crate::clock::Clock;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::money::Currency;
use crate::store::Db;
use crate::Shop;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use staff::{Session, SessionInfo};
use std::path::Path;
use std::sync::Arc;
use ts_rs::TS;

/// Countries a shop can be set up in (ISO 3166-1 alpha-2), with the currency it usually keeps
/// books in; the first-run screen offers these and suggests the currency.
#[rustfmt::skip]
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AT", "Austria", "EUR"), ("AU", "Australia", "AUD"), ("BE", "Belgium", "EUR"),
    ("BG", "Bulgaria", "BGN"), ("BR", "Brazil", "BRL"), ("CA", "Canada", "CAD"),
    ("CH", "Switzerland", "CHF"), ("CL", "Chile", "CLP"), ("CN", "China", "CNY"),
    ("CY", "Cyprus", "EUR"), ("CZ", "Czechia", "CZK"), ("DE", "Germany", "EUR"),
    ("DK", "Denmark", "DKK"), ("EE", "Estonia", "EUR"), ("ES", "Spain", "EUR"),
    ("FI", "Finland", "EUR"), ("FR", "France", "EUR"), ("GB", "United Kingdom", "GBP"),
    ("GR", "Greece", "EUR"), ("HK", "Hong Kong", "HKD"), ("HR", "Croatia", "EUR"),
    ("HU", "Hungary", "HUF"), ("ID", "Indonesia", "IDR"), ("IE", "Ireland", "EUR"),
    ("IL", "Israel", "ILS"), ("IN", "India", "INR"), ("IS", "Iceland", "ISK"),
    ("IT", "Italy", "EUR"), ("JP", "Japan", "JPY"), ("KR", "South Korea", "KRW"),
    ("KW", "Kuwait", "KWD"), ("LT", "Lithuania", "EUR"), ("LU", "Luxembourg", "EUR"),
    ("LV", "Latvia", "EUR"), ("MT", "Malta", "EUR"), ("MX", "Mexico", "MXN"),
    ("MY", "Malaysia", "MYR"), ("NL", "Netherlands", "EUR"), ("NO", "Norway", "NOK"),
    ("NZ", "New Zealand", "NZD"), ("PH", "Philippines", "PHP"), ("PL", "Poland", "PLN"),
    ("PT", "Portugal", "EUR"), ("RO", "Romania", "RON"), ("SE", "Sweden", "SEK"),
    ("SG", "Singapore", "SGD"), ("SI", "Slovenia", "EUR"), ("SK", "Slovakia", "EUR"),
    ("TH", "Thailand", "THB"), ("TR", "Türkiye", "TRY"), ("TW", "Taiwan", "TWD"),
    ("UA", "Ukraine", "UAH"), ("US", "United States", "USD"), ("VN", "Vietnam", "VND"),
    ("ZA", "South Africa", "ZAR"),
];

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Country {
    pub code: String,
    pub name: String,
    pub currency: String,
}

pub fn countries() -> Vec<Country> {
    COUNTRIES
        .iter()
        .map(|&(code, name, currency)| Country {
            code: code.into(),
            name: name.into(),
            currency: currency.into(),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ShopProfile {
    pub name: String,
    pub currency: String,
    pub country: String,
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
pub(crate) fn shop_currency(conn: &Connection) -> Result<Currency> {
    let code: String = conn
        .prepare_cached("SELECT currency FROM shop WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .ok_or(Error::NoShop)?;
    Currency::from_code(&code)
}

impl Shop {
    /// Opens the shop's database at `path` with the given clock.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Shop> {
        Ok(Shop {
            db: Db::open(path)?,
            clock,
        })
    }

    pub fn db_path(&self) -> &Path {
        self.db.path()
    }

    /// The profile, or None before first-run setup.
    pub fn profile(&self) -> Result<Option<ShopProfile>> {
        self.db.read(|c| {
            Ok(c.query_row(
                "SELECT name, currency, country FROM shop WHERE id = 1",
                [],
                |r| {
                    Ok(ShopProfile {
                        name: r.get(0)?,
                        currency: r.get(1)?,
                        country: r.get(2)?,
                    })
                },
            )
            .optional()?)
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
}

impl Setup {
    pub(crate) fn check(new: &NewShop) -> Result<Setup> {
        let country = new.country.trim().to_ascii_uppercase();
        if !COUNTRIES.iter().any(|(c, _, _)| *c == country) {
            return Err(Error::invalid(format!(
                "unknown country code '{}'",
                new.country
            )));
        }
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
                 tax_id, shop_email)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                self.name,
                self.currency.code(),
                self.country,
                now.0,
                self.legal_name,
                self.legal_address,
                self.tax_id,
                self.email
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
