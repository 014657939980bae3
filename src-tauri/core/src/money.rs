//! Money: integer minor units with an ISO 4217 currency, exact arithmetic, and Shopdesk's single
//! rounding rule.
//!
//! THE ROUNDING RULE (used everywhere a fraction of a minor unit appears: tax, percentage
//! discounts, proportional splits): round half away from zero to the currency's minor unit, i.e.
//! 0.5 of a cent becomes 1 cent and -0.5 becomes -1. This is "commercial rounding" as written into
//! EU VAT practice and most POS receipts. Splitting an amount into parts never rounds: the parts
//! are allocated by largest remainder so they always add back to the whole.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// ISO 4217 currencies Shopdesk can keep books in, with their minor-unit exponent.
#[rustfmt::skip]
const CURRENCIES: &[(&str, u32)] = &[
    ("AUD", 2), ("BGN", 2), ("BHD", 3), ("BRL", 2), ("CAD", 2), ("CHF", 2), ("CLP", 0),
    ("CNY", 2), ("CZK", 2), ("DKK", 2), ("EUR", 2), ("GBP", 2), ("HKD", 2), ("HUF", 2),
    ("IDR", 2), ("ILS", 2), ("INR", 2), ("ISK", 0), ("JPY", 0), ("KRW", 0), ("KWD", 3),
    ("MXN", 2), ("MYR", 2), ("NOK", 2), ("NZD", 2), ("PHP", 2), ("PLN", 2), ("RON", 2),
    ("SEK", 2), ("SGD", 2), ("THB", 2), ("TRY", 2), ("TWD", 2), ("UAH", 2), ("USD", 2),
    ("VND", 0), ("ZAR", 2),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    exponent: u32,
}

impl Currency {
    pub fn from_code(code: &str) -> Result<Currency> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|&(code, exponent)| Currency { code, exponent })
            .ok_or_else(|| Error::invalid(format!("unknown or unsupported currency '{code}'")))
    }
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// Digits after the decimal point (2 for EUR, 0 for JPY, 3 for KWD).
    pub fn exponent(&self) -> u32 {
        self.exponent
    }
    pub fn all_codes() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|(c, _)| *c)
    }
}

/// An amount of money. Serialised with its exponent so a screen can format it without knowing
/// currencies; screens never do arithmetic on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TS)]
#[ts(as = "MoneyWire")]
pub struct Money {
    minor: i64,
    currency: Currency,
}

#[derive(Serialize, Deserialize, TS)]
#[ts(rename = "Money")]
struct MoneyWire {
    /// Amount in minor units (cents); exact.
    #[ts(type = "number")]
    minor: i64,
    currency: String,
    exponent: u32,
}

impl From<Money> for MoneyWire {
    fn from(m: Money) -> Self {
        MoneyWire {
            minor: m.minor,
            currency: m.currency.code.to_string(),
            exponent: m.currency.exponent,
        }
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        MoneyWire::from(*self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let w = MoneyWire::deserialize(d)?;
        let currency = Currency::from_code(&w.currency).map_err(serde::de::Error::custom)?;
        Ok(Money::from_minor(w.minor, currency))
    }
}

/// A percentage as typed ("12.5") in basis points, 0 to 100 %.
pub(crate) fn parse_basis_points(text: &str) -> Result<i64> {
    let t = text.trim().trim_end_matches('%').trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let ok = !whole.is_empty()
        && frac.len() <= 2
        && whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit());
    let bp = if ok {
        whole
            .parse::<i64>()
            .ok()
            .zip(format!("{frac:0<2}").parse::<i64>().ok())
            .map(|(w, f)| w * 100 + f)
    } else {
        None
    };
    match bp {
        Some(bp) if bp <= 10_000 => Ok(bp),
        _ => Err(Error::invalid(format!(
            "'{text}' is not a percentage between 0 and 100"
        ))),
    }
}

/// Splits `amount` in proportion to `weights` (whose sum is not 0) so the parts add back exactly:
/// each part is rounded toward zero, then the biggest remainders take one more unit each; ties
/// go to the earlier part so results are stable.
pub(crate) fn largest_remainder(amount: i128, weights: &[i128]) -> Vec<i128> {
    let total: i128 = weights.iter().sum();
    let mut parts: Vec<i128> = weights.iter().map(|w| amount * w / total).collect();
    let mut rest = amount - parts.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse((amount * weights[i] % total).abs()));
    let step = rest.signum();
    for &i in order.iter().cycle() {
        if rest == 0 {
            break;
        }
        parts[i] += step;
        rest -= step;
    }
    parts
}

/// Divide with the rounding rule above: half away from zero.
pub(crate) fn div_round(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0);
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    }
}

/// `value × part ÷ whole`, rounded half away from zero, for shares and ratios whose whole may be
/// negative (a return's line); 0 of nothing is 0.
pub(crate) fn share(value: i64, part: i64, whole: i64) -> i64 {
    if whole == 0 {
        return 0;
    }
    let (num, den) = (value as i128 * part as i128, whole as i128);
    let q = if den < 0 {
        div_round(-num, -den)
    } else {
        div_round(num, den)
    };
    q.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

fn to_i64(v: i128) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::invalid("amount is too large"))
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }
    pub fn zero(currency: Currency) -> Money {
        Money::from_minor(0, currency)
    }
    pub fn minor(&self) -> i64 {
        self.minor
    }
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Parses what a person types ("12.5", "1,299.00" is refused: no thousands separators) into
    /// exact minor units. More decimals than the currency has is an error, never a silent round.
    pub fn parse(text: &str, currency: Currency) -> Result<Money> {
        let t = text.trim();
        let bad = || Error::invalid(format!("'{text}' is not an amount in {}", currency.code));
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > currency.exponent as usize {
            return Err(Error::invalid(format!(
                "'{text}' has more than {} decimal places for {}",
                currency.exponent, currency.code
            )));
        }
        let scale = 10i128.pow(currency.exponent);
        let whole_v: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut frac_v: i128 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        frac_v *= 10i128.pow(currency.exponent - frac.len() as u32);
        let v = whole_v
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac_v))
            .ok_or_else(|| Error::invalid("amount is too large"))?;
        Ok(Money::from_minor(
            to_i64(if neg { -v } else { v })?,
            currency,
        ))
    }

    /// Plain decimal text without currency symbol ("12.50"), for files and the CLI.
    pub fn to_decimal_string(&self) -> String {
        let e = self.currency.exponent;
        if e == 0 {
            return self.minor.to_string();
        }
        let scale = 10u64.pow(e);
        let abs = self.minor.unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = e as usize
        )
    }

    fn same_currency(&self, other: &Money) -> Result<()> {
        if self.currency != other.currency {
            return Err(Error::invalid(format!(
                "cannot combine {} with {}",
                self.currency.code, other.currency.code
            )));
        }
        Ok(())
    }

    pub fn checked_add(&self, other: &Money) -> Result<Money> {
        self.same_currency(other)?;
        let v = self
            .minor
            .checked_add(other.minor)
            .ok_or_else(|| Error::invalid("amount is too large"))?;
        Ok(Money::from_minor(v, self.currency))
    }

    pub fn checked_sub(&self, other: &Money) -> Result<Money> {
        self.same_currency(other)?;
        let v = self
            .minor
            .checked_sub(other.minor)
            .ok_or_else(|| Error::invalid("amount is too large"))?;
        Ok(Money::from_minor(v, self.currency))
    }

    pub fn times(&self, quantity: i64) -> Result<Money> {
        Ok(Money::from_minor(
            to_i64(self.minor as i128 * quantity as i128)?,
            self.currency,
        ))
    }

    /// This amount times a rate in basis points (1 bp = 0.01 %), with the rounding rule.
    pub fn apply_basis_points(&self, bp: i64) -> Result<Money> {
        Ok(Money::from_minor(
            to_i64(div_round(self.minor as i128 * bp as i128, 10_000))?,
            self.currency,
        ))
    }

    /// Splits this amount in proportion to `weights` so that the parts add back exactly to the
    /// whole (largest-remainder method); used to spread a cart discount over lines.
    pub fn allocate(&self, weights: &[i64]) -> Result<Vec<Money>> {
        let total: i128 = weights.iter().map(|&w| w as i128).sum();
        if weights.is_empty() || total <= 0 || weights.iter().any(|&w| w < 0) {
            return Err(Error::invalid(
                "allocation needs non-negative weights with a positive sum",
            ));
        }
        let weights: Vec<i128> = weights.iter().map(|&w| w as i128).collect();
        let parts = largest_remainder(self.minor as i128, &weights);
        parts
            .into_iter()
            .map(|p| Ok(Money::from_minor(to_i64(p)?, self.currency)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    #[test]
    fn parses_typed_amounts_exactly() {
        assert_eq!(Money::parse("12.5", eur()).unwrap().minor(), 1250);
        assert_eq!(Money::parse("0.07", eur()).unwrap().minor(), 7);
        assert_eq!(Money::parse(".99", eur()).unwrap().minor(), 99);
        assert_eq!(Money::parse("-3", eur()).unwrap().minor(), -300);
        assert_eq!(
            Money::parse("1500", Currency::from_code("jpy").unwrap())
                .unwrap()
                .minor(),
            1500
        );
        assert_eq!(
            Money::parse("1.234", Currency::from_code("KWD").unwrap())
                .unwrap()
                .minor(),
            1234
        );
    }

    #[test]
    fn refuses_what_is_not_an_amount_instead_of_guessing() {
        for bad in [
            "", "abc", "1.234", "1,50", "1 000", "--1", "1e3", ".", "12.5.1",
        ] {
            let err = Money::parse(bad, eur()).unwrap_err();
            assert_eq!(
                err.code(),
                crate::ErrorCode::Invalid,
                "'{bad}' must be refused"
            );
        }
        assert!(
            Money::parse("1.5", Currency::from_code("JPY").unwrap()).is_err(),
            "yen has no cents"
        );
        assert!(
            Money::parse("99999999999999999999", eur()).is_err(),
            "overflow is an error"
        );
    }

    #[test]
    fn formats_back_to_the_same_text() {
        for t in ["12.50", "0.07", "-3.00", "0.00"] {
            assert_eq!(Money::parse(t, eur()).unwrap().to_decimal_string(), t);
        }
        assert_eq!(Money::from_minor(-5, eur()).to_decimal_string(), "-0.05");
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        // 0.25 * 10% = 0.025 -> 0.03 ; -0.25 * 10% -> -0.03 ; 0.24 * 10% = 0.024 -> 0.02
        assert_eq!(
            Money::from_minor(25, eur())
                .apply_basis_points(1000)
                .unwrap()
                .minor(),
            3
        );
        assert_eq!(
            Money::from_minor(-25, eur())
                .apply_basis_points(1000)
                .unwrap()
                .minor(),
            -3
        );
        assert_eq!(
            Money::from_minor(24, eur())
                .apply_basis_points(1000)
                .unwrap()
                .minor(),
            2
        );
        // 19.99 at 19 % VAT = 3.7981 -> 3.80
        assert_eq!(
            Money::from_minor(1999, eur())
                .apply_basis_points(1900)
                .unwrap()
                .minor(),
            380
        );
    }

    #[test]
    fn allocation_always_adds_back_to_the_whole() {
        let parts = Money::from_minor(100, eur()).allocate(&[1, 1, 1]).unwrap();
        let minors: Vec<i64> = parts.iter().map(|m| m.minor()).collect();
        assert_eq!(minors, vec![34, 33, 33]);
        let parts = Money::from_minor(-1001, eur()).allocate(&[3, 7]).unwrap();
        assert_eq!(parts.iter().map(|m| m.minor()).sum::<i64>(), -1001);
        assert!(Money::from_minor(1, eur()).allocate(&[0, 0]).is_err());
    }

    #[test]
    fn currencies_do_not_mix() {
        let usd = Money::from_minor(1, Currency::from_code("USD").unwrap());
        assert!(Money::from_minor(1, eur()).checked_add(&usd).is_err());
        assert!(Currency::from_code("XXX").is_err());
    }

    #[test]
    fn crosses_ipc_with_its_exponent() {
        let json = serde_json::to_string(&Money::from_minor(1250, eur())).unwrap();
        assert_eq!(json, r#"{"minor":1250,"currency":"EUR","exponent":2}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back.minor(), 1250);
    }
}
