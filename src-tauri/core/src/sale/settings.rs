//! How the counter prices and pays: tax rates and whether prices include them, the tax rounding
//! rule, cash rounding, the discount limit above which a manager approves, the receipt footer,
//! and discount codes.

use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::tax::{self, TaxRate, TaxRounding};
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CounterSettings {
    pub region: String,
    pub prices_include_tax: bool,
    pub tax_rounding: TaxRounding,
    /// Cash is rounded to this step ("0.05"), or "0" for none.
    pub cash_rounding: String,
    /// Discounts above this percent need a manager ("10").
    pub discount_limit_percent: String,
    pub receipt_footer: String,
    pub rates: Vec<TaxRate>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct DiscountCodeDraft {
    pub code: String,
    /// "percent" or "fixed".
    pub kind: String,
    pub value: String,
}

fn load(c: Conn) -> Result<CounterSettings> {
    let cur = shop_currency(c)?;
    let (region, included, rounding, cash, limit, footer): (
        String,
        bool,
        String,
        i64,
        i64,
        String,
    ) = c.query_row(
        "SELECT region, prices_include_tax, tax_rounding, cash_rounding_minor,
                    discount_limit_bp, receipt_footer FROM shop WHERE id = 1",
        args![],
        |r| r.tuple(),
    )?;
    Ok(CounterSettings {
        region,
        prices_include_tax: included,
        tax_rounding: TaxRounding::parse(&rounding),
        cash_rounding: Money::from_minor(cash, cur).to_decimal_string(),
        discount_limit_percent: match limit % 100 {
            0 => format!("{}", limit / 100),
            frac => format!("{}.{frac:02}", limit / 100)
                .trim_end_matches('0')
                .to_string(),
        },
        receipt_footer: footer,
        rates: tax::rates(c)?,
    })
}

impl Shop {
    pub fn counter_settings(&self, session: &Session) -> Result<CounterSettings> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::Sell)?;
            load(c)
        })
    }

    /// Saves the settings and the rates together (one transaction).
    pub fn save_counter_settings(
        &self,
        session: &Session,
        s: &CounterSettings,
    ) -> Result<CounterSettings> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let before = load(tx)?;
            let cur = shop_currency(tx)?;
            let cash = Money::parse(&s.cash_rounding, cur)?.minor();
            if cash < 0 {
                return Err(Error::invalid("cash rounding is 0 or a positive step"));
            }
            let limit = crate::money::parse_basis_points(&s.discount_limit_percent)?;
            tx.execute(
                "UPDATE shop SET region = ?1, prices_include_tax = ?2, tax_rounding = ?3,
                     cash_rounding_minor = ?4, discount_limit_bp = ?5, receipt_footer = ?6 WHERE id = 1",
                args![
                    s.region.trim().to_ascii_uppercase(),
                    s.prices_include_tax,
                    s.tax_rounding.as_str(),
                    cash,
                    limit,
                    s.receipt_footer.trim()
                ],
            )?;
            tax::replace_rates(tx, &s.rates)?;
            let after = load(tx)?;
            audit::record(
                tx,
                Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "settings.counter",
                    ("shop", "1"),
                    Value::Object(audit::diff(&json!(before), &json!(after), &[])),
                ),
            )?;
            Ok(after)
        })
    }

    /// Adds or changes a discount code for the counter's code field.
    pub fn save_discount_code(&self, session: &Session, d: &DiscountCodeDraft) -> Result<()> {
        let code = d.code.trim().to_ascii_uppercase();
        if code.is_empty() || code.contains(char::is_whitespace) {
            return Err(Error::invalid("a discount code is one word"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let value = match d.kind.as_str() {
                "percent" => crate::money::parse_basis_points(&d.value)?,
                "fixed" => Money::parse(&d.value, shop_currency(tx)?)?.minor(),
                _ => return Err(Error::invalid("a code takes a percent or a fixed amount off")),
            };
            if value <= 0 {
                return Err(Error::invalid("a discount code takes something off"));
            }
            tx.execute(
                "INSERT INTO discount_code (code, kind, value, active, created_at) VALUES (?1, ?2, ?3, 1, ?4)
                 ON CONFLICT (code) DO UPDATE SET kind = ?2, value = ?3, active = 1",
                args![code, d.kind, value, self.clock.now().0],
            )?;
            Ok(())
        })
    }
}
