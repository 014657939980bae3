//! Taxes: the shop's rates per tax class, the defaults for its country and region, and the one
//! place a sale's tax is worked out.
//!
//! THE TAX RULE. A line's amount is what the customer is charged for it after discounts, in the
//! shop's price convention: tax included (EU VAT, UK, AU/NZ GST) or added on top (US sales tax,
//! Canada). A tax class may carry several rates (state + county); with tax included, a line's
//! taxes are `amount × rate / (1 + sum of the class's rates)`.
//! Rounding follows the shop's setting, half away from zero as everywhere in Shopdesk:
//! - `total` (default; what EU VAT law asks of an invoice): per rate, the exact taxes of every
//!   line are added up and rounded once; that rounded tax is then spread back over the lines by
//!   largest remainder, so each line still carries a tax that returns can refund exactly.
//! - `line`: each line's tax is rounded on its own and the receipt's tax is their sum.
//!   The two can differ by a cent on a long receipt; the setting decides which one the shop owes.

use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{div_round, largest_remainder};
use crate::sql::{args, Conn};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Default rates: (country, region or "", tax class, name, basis points). The owner edits them in
/// Settings; these only spare a new shop from typing its country's VAT.
#[rustfmt::skip]
const DEFAULTS: &[(&str, &str, &str, &str, i64)] = &[
    ("AT", "", "standard", "USt 20%", 2000), ("AT", "", "reduced", "USt 10%", 1000),
    ("AU", "", "standard", "GST 10%", 1000),
    ("BE", "", "standard", "BTW 21%", 2100), ("BE", "", "reduced", "BTW 6%", 600),
    ("CA", "", "standard", "GST 5%", 500),
    ("CA", "ON", "standard", "HST 13%", 1300), ("CA", "BC", "standard", "GST 5%", 500),
    ("CA", "BC", "standard", "PST 7%", 700),
    ("DE", "", "standard", "MwSt 19%", 1900), ("DE", "", "reduced", "MwSt 7%", 700),
    ("DK", "", "standard", "Moms 25%", 2500),
    ("ES", "", "standard", "IVA 21%", 2100), ("ES", "", "reduced", "IVA 10%", 1000),
    ("FI", "", "standard", "ALV 25.5%", 2550), ("FI", "", "reduced", "ALV 14%", 1400),
    ("FR", "", "standard", "TVA 20%", 2000), ("FR", "", "reduced", "TVA 5.5%", 550),
    ("GB", "", "standard", "VAT 20%", 2000), ("GB", "", "reduced", "VAT 5%", 500),
    ("GB", "", "zero", "VAT 0%", 0),
    ("IE", "", "standard", "VAT 23%", 2300), ("IE", "", "reduced", "VAT 13.5%", 1350),
    ("IE", "", "zero", "VAT 0%", 0),
    ("IT", "", "standard", "IVA 22%", 2200), ("IT", "", "reduced", "IVA 10%", 1000),
    ("NL", "", "standard", "BTW 21%", 2100), ("NL", "", "reduced", "BTW 9%", 900),
    ("NO", "", "standard", "MVA 25%", 2500),
    ("NZ", "", "standard", "GST 15%", 1500),
    ("PL", "", "standard", "VAT 23%", 2300), ("PL", "", "reduced", "VAT 8%", 800),
    ("PT", "", "standard", "IVA 23%", 2300), ("PT", "", "reduced", "IVA 6%", 600),
    ("SE", "", "standard", "Moms 25%", 2500), ("SE", "", "reduced", "Moms 12%", 1200),
    ("US", "", "standard", "Sales tax", 0),
    ("US", "CA", "standard", "CA sales tax 7.25%", 725),
    ("US", "NY", "standard", "NY state tax 4%", 400), ("US", "NY", "standard", "NYC tax 4.5%", 450),
    ("US", "TX", "standard", "TX sales tax 6.25%", 625),
    ("US", "WA", "standard", "WA sales tax 6.5%", 650),
];

/// Countries whose shelf prices leave the tax out.
const TAX_ADDED_COUNTRIES: &[&str] = &["US", "CA"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaxRate {
    pub tax_class: String,
    pub name: String,
    /// Basis points: 2000 = 20 %.
    #[ts(type = "number")]
    pub rate_bp: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TaxRounding {
    Line,
    Total,
}

impl TaxRounding {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TaxRounding::Line => "line",
            TaxRounding::Total => "total",
        }
    }
    pub(crate) fn parse(s: &str) -> TaxRounding {
        if s == "line" {
            TaxRounding::Line
        } else {
            TaxRounding::Total
        }
    }
}

/// Sets a shop without rates up with its country's defaults (at first run, and for shops that
/// existed before taxes did). A shop that already has rates is left alone.
pub(crate) fn seed_defaults(conn: &Connection) -> Result<()> {
    let Some((country, region)): Option<(String, String)> = conn
        .query_row("SELECT country, region FROM shop WHERE id = 1", [], |r| {
            r.try_into()
        })
        .optional()?
    else {
        return Ok(());
    };
    let has: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM tax_rate)", [], |r| r.get(0))?;
    if has {
        return Ok(());
    }
    conn.execute(
        "UPDATE shop SET prices_include_tax = ?1 WHERE id = 1",
        [!TAX_ADDED_COUNTRIES.contains(&country.as_str())],
    )?;
    replace_rates(Conn::from(conn), &defaults_for(&country, &region))
}

/// The default rates of a country, the region's own where it has them.
pub fn defaults_for(country: &str, region: &str) -> Vec<TaxRate> {
    let pick = |reg: &str| -> Vec<TaxRate> {
        DEFAULTS
            .iter()
            .filter(|(c, r, ..)| *c == country && *r == reg)
            .map(|&(_, _, class, name, bp)| TaxRate {
                tax_class: class.into(),
                name: name.into(),
                rate_bp: bp,
            })
            .collect()
    };
    let regional = pick(region);
    if region.is_empty() || regional.is_empty() {
        pick("")
    } else {
        regional
    }
}

pub(crate) fn replace_rates(conn: Conn, rates: &[TaxRate]) -> Result<()> {
    conn.execute("DELETE FROM tax_rate", args![])?;
    for (i, r) in rates.iter().enumerate() {
        let class = r.tax_class.trim();
        let name = r.name.trim();
        if class.is_empty() || name.is_empty() {
            return Err(Error::invalid("a tax rate needs a tax class and a name"));
        }
        if !(0..=100_000).contains(&r.rate_bp) {
            return Err(Error::invalid(format!(
                "{name}: a rate is between 0 and 1000 %"
            )));
        }
        conn.execute(
            "INSERT INTO tax_rate (id, tax_class, name, rate_bp, position) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![new_id(), class, name, r.rate_bp, i as i64],
        )?;
    }
    Ok(())
}

pub(crate) fn rates<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<TaxRate>> {
    conn.into().query_map(
        "SELECT tax_class, name, rate_bp FROM tax_rate ORDER BY position, name",
        args![],
        |r| {
            Ok(TaxRate {
                tax_class: r.get(0)?,
                name: r.get(1)?,
                rate_bp: r.get(2)?,
            })
        },
    )
}

/// One rate's share of a line: the amount before tax it applied to, and the tax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaxPart {
    pub name: String,
    #[ts(type = "number")]
    pub rate_bp: i64,
    #[ts(type = "number")]
    pub base_minor: i64,
    #[ts(type = "number")]
    pub tax_minor: i64,
}

/// A line to tax: its amount and the rates of its class.
pub(crate) struct Taxable<'a> {
    pub amount: i64,
    pub rates: Vec<&'a TaxRate>,
}

/// Works out every line's taxes by the rule at the top of this module.
pub(crate) fn tax_lines(
    lines: &[Taxable],
    included: bool,
    rounding: TaxRounding,
) -> Result<Vec<Vec<TaxPart>>> {
    // Exact tax of a line for one rate, as numerator / denominator.
    let exact = |t: &Taxable, bp: i64| -> (i128, i128) {
        let sum: i64 = t.rates.iter().map(|r| r.rate_bp).sum();
        let den = if included { 10_000 + sum } else { 10_000 } as i128;
        (t.amount as i128 * bp as i128, den)
    };
    let mut taxes: Vec<Vec<i64>> = lines
        .iter()
        .map(|t| {
            t.rates
                .iter()
                .map(|r| {
                    let (n, d) = exact(t, r.rate_bp);
                    div_round(n, d) as i64
                })
                .collect()
        })
        .collect();
    if rounding == TaxRounding::Total {
        // Group by rate and by the class's total rate (the denominator), round each group once,
        // and spread it back over the group's lines.
        // (rate name, rate, denominator) → the (line, rate) positions it covers.
        type Group = ((String, i64, i128), Vec<(usize, usize)>);
        let mut groups: Vec<Group> = Vec::new();
        for (li, t) in lines.iter().enumerate() {
            for (ri, r) in t.rates.iter().enumerate() {
                let key = (r.name.clone(), r.rate_bp, exact(t, 0).1);
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, members)) => members.push((li, ri)),
                    None => groups.push((key, vec![(li, ri)])),
                }
            }
        }
        for ((_, bp, den), members) in groups {
            let num: i128 = members
                .iter()
                .map(|&(li, _)| lines[li].amount as i128 * bp as i128)
                .sum();
            let total = div_round(num, den) as i64;
            let weights: Vec<i128> = members
                .iter()
                .map(|&(li, _)| lines[li].amount as i128 * bp as i128)
                .collect();
            for (share, &(li, ri)) in spread(total, &weights).into_iter().zip(&members) {
                taxes[li][ri] = share;
            }
        }
    }
    Ok(lines
        .iter()
        .zip(taxes)
        .map(|(t, tax)| {
            let line_tax: i64 = tax.iter().sum();
            let base = if included {
                t.amount - line_tax
            } else {
                t.amount
            };
            t.rates
                .iter()
                .zip(tax)
                .map(|(r, tax_minor)| TaxPart {
                    name: r.name.clone(),
                    rate_bp: r.rate_bp,
                    base_minor: base,
                    tax_minor,
                })
                .collect()
        })
        .collect())
}

/// What the customer pays for an amount in the shop's price convention: the amount itself when
/// prices include tax, the amount plus its tax when tax is added on top.
pub(crate) fn charged(amount: i64, tax: i64, included: bool) -> i64 {
    if included {
        amount
    } else {
        amount + tax
    }
}

/// Splits `total` in proportion to signed `weights`, adding back exactly (largest remainder).
pub(crate) fn spread(total: i64, weights: &[i128]) -> Vec<i64> {
    let sum: i128 = weights.iter().sum();
    if sum == 0 {
        let mut out = vec![0; weights.len()];
        if let Some(first) = out.first_mut() {
            *first = total;
        }
        return out;
    }
    largest_remainder(total as i128, weights)
        .into_iter()
        .map(|p| p as i64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(name: &str, bp: i64) -> TaxRate {
        TaxRate {
            tax_class: "standard".into(),
            name: name.into(),
            rate_bp: bp,
        }
    }

    fn total_tax(parts: &[Vec<TaxPart>]) -> i64 {
        parts.iter().flatten().map(|p| p.tax_minor).sum()
    }

    #[test]
    fn tax_included_is_taken_out_of_the_price() {
        let vat = rate("VAT 23%", 2300);
        // 12.30 incl. 23 % VAT = 10.00 + 2.30.
        let parts = tax_lines(
            &[Taxable {
                amount: 1230,
                rates: vec![&vat],
            }],
            true,
            TaxRounding::Total,
        )
        .unwrap();
        assert_eq!(parts[0][0].tax_minor, 230);
        assert_eq!(parts[0][0].base_minor, 1000);
    }

    #[test]
    fn tax_added_covers_every_rate_of_the_class() {
        let state = rate("NY state", 400);
        let city = rate("NYC", 450);
        let parts = tax_lines(
            &[Taxable {
                amount: 1999,
                rates: vec![&state, &city],
            }],
            false,
            TaxRounding::Line,
        )
        .unwrap();
        // 19.99 × 4 % = 0.7996 → 0.80; × 4.5 % = 0.89955 → 0.90.
        assert_eq!(parts[0][0].tax_minor, 80);
        assert_eq!(parts[0][1].tax_minor, 90);
        assert_eq!(parts[0][0].base_minor, 1999);
    }

    #[test]
    fn rounding_per_total_and_per_line_differ_as_documented() {
        let vat = rate("VAT 20%", 2000);
        // Three lines of 0.10 incl. 20 %: exact tax 0.016666… each.
        let lines: Vec<Taxable> = (0..3)
            .map(|_| Taxable {
                amount: 10,
                rates: vec![&vat],
            })
            .collect();
        let per_line = tax_lines(&lines, true, TaxRounding::Line).unwrap();
        let per_total = tax_lines(&lines, true, TaxRounding::Total).unwrap();
        assert_eq!(
            total_tax(&per_line),
            6,
            "0.02 rounded on each of three lines"
        );
        assert_eq!(
            total_tax(&per_total),
            5,
            "0.05 = round(0.05) once for the receipt"
        );
        let shares: Vec<i64> = per_total.iter().map(|l| l[0].tax_minor).collect();
        assert_eq!(
            shares.iter().sum::<i64>(),
            5,
            "the lines' shares add back to the total"
        );
    }

    #[test]
    fn negative_amounts_round_away_from_zero_too() {
        let vat = rate("VAT 20%", 2000);
        let parts = tax_lines(
            &[Taxable {
                amount: -15,
                rates: vec![&vat],
            }],
            false,
            TaxRounding::Total,
        )
        .unwrap();
        assert_eq!(parts[0][0].tax_minor, -3, "-0.15 × 20 % = -0.03");
    }

    #[test]
    fn regional_defaults_replace_the_country_ones() {
        let ny = defaults_for("US", "NY");
        assert_eq!(ny.len(), 2);
        assert_eq!(defaults_for("US", "ZZ")[0].name, "Sales tax");
        assert_eq!(defaults_for("IE", "")[0].rate_bp, 2300);
    }

    #[test]
    fn spread_adds_back_exactly() {
        assert_eq!(spread(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(spread(-10, &[1, 1, 1]).iter().sum::<i64>(), -10);
        assert_eq!(spread(7, &[0, 0]), vec![7, 0]);
    }
}
