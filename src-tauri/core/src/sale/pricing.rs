//! Pricing a cart: line discounts, cart discounts spread over the lines, taxes by the rule in
//! `tax.rs`, and the totals. Pure: no database, so every rule here is a unit test away.

use super::{Discount, LineKind};
use crate::error::{Error, Result};
use crate::money::div_round;
use crate::tax::{self, TaxPart, TaxRate, TaxRounding, Taxable};

/// A line as pricing sees it.
pub(crate) struct PriceLine<'a> {
    pub kind: LineKind,
    pub quantity: i64,
    pub unit_price: i64,
    pub discount: Option<Discount>,
    pub rates: Vec<&'a TaxRate>,
    /// A return line's refund, fixed by the sale it came from: amount and taxes (negative).
    pub refund: Option<(i64, Vec<TaxPart>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PricedLine {
    pub discount: i64,
    pub amount: i64,
    pub taxes: Vec<TaxPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Priced {
    pub lines: Vec<PricedLine>,
    /// List value of what is sold (before discounts; returns not included).
    pub subtotal: i64,
    pub discount: i64,
    /// What comes back from returned lines (negative or 0), tax included.
    pub returns: i64,
    pub tax: i64,
    pub total: i64,
    /// Whether the amounts include tax (the shop's convention when priced).
    pub included: bool,
}

pub(crate) struct PriceRules {
    pub included: bool,
    pub rounding: TaxRounding,
}

fn discount_of(d: Discount, base: i64, what: &str) -> Result<i64> {
    let off = match d {
        Discount::Percent(bp) if !(0..=10_000).contains(&bp) => {
            return Err(Error::invalid(format!(
                "the {what} is not between 0 and 100 %"
            )))
        }
        Discount::Percent(bp) => div_round(base as i128 * bp as i128, 10_000) as i64,
        Discount::Fixed(minor) => minor,
    };
    if off > base {
        return Err(Error::invalid(format!(
            "the {what} is more than the amount it comes off"
        )));
    }
    Ok(off)
}

/// The most a cart or order may come to, in minor units (100 billion in a currency of cents).
/// Tax and discount shares multiply an amount by another amount in 128 bits; below this bound
/// they cannot overflow, and no shop sells more in one go.
const MAX_CART: u64 = 10_000_000_000_000;

fn too_large() -> Error {
    Error::invalid("the amount is too large for one sale or order")
}

/// Prices a cart. `cart_discounts` apply in order (a manual discount, then a code), each on what
/// the previous ones left, spread over the sold items by their amounts after line discounts.
pub(crate) fn price(
    lines: &[PriceLine],
    cart_discounts: &[Discount],
    rules: &PriceRules,
) -> Result<Priced> {
    let mut discounts = Vec::with_capacity(lines.len());
    let mut amounts = Vec::with_capacity(lines.len());
    let mut sold: u64 = 0;
    for l in lines {
        let gross = l.unit_price.checked_mul(l.quantity).ok_or_else(too_large)?;
        sold = sold.saturating_add(gross.unsigned_abs());
        if sold > MAX_CART {
            return Err(too_large());
        }
        let off = match (l.kind, l.discount, &l.refund) {
            (_, _, Some((amount, _))) => {
                amounts.push(*amount);
                discounts.push(0);
                continue;
            }
            (LineKind::Item, Some(d), _) => discount_of(d, gross, "line discount")?,
            _ => 0,
        };
        discounts.push(off);
        amounts.push(gross - off);
    }
    let eligible: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].kind == LineKind::Item && amounts[i] > 0)
        .collect();
    for &d in cart_discounts {
        let base: i64 = eligible.iter().map(|&i| amounts[i]).sum();
        let off = discount_of(d, base, "cart discount")?;
        let weights: Vec<i128> = eligible.iter().map(|&i| amounts[i] as i128).collect();
        for (share, &i) in tax::spread(off, &weights).into_iter().zip(&eligible) {
            amounts[i] -= share;
            discounts[i] += share;
        }
    }
    let taxable: Vec<Taxable> = lines
        .iter()
        .zip(&amounts)
        .filter(|(l, _)| l.refund.is_none())
        .map(|(l, &amount)| Taxable {
            amount,
            rates: l.rates.clone(),
        })
        .collect();
    let mut computed = tax::tax_lines(&taxable, rules.included, rules.rounding)?.into_iter();
    let mut out = Vec::with_capacity(lines.len());
    let (mut subtotal, mut discount, mut returns, mut tax_total, mut total) = (0, 0, 0, 0, 0);
    for (i, l) in lines.iter().enumerate() {
        let taxes = match &l.refund {
            Some((_, taxes)) => taxes.clone(),
            None => computed.next().unwrap_or_default(),
        };
        let tax: i64 = taxes.iter().map(|t| t.tax_minor).sum();
        let charged = tax::charged(amounts[i], tax, rules.included);
        if l.refund.is_some() {
            returns += charged;
        } else {
            subtotal += l.unit_price * l.quantity;
            discount += discounts[i];
        }
        tax_total += tax;
        total += charged;
        out.push(PricedLine {
            discount: discounts[i],
            amount: amounts[i],
            taxes,
        });
    }
    Ok(Priced {
        lines: out,
        subtotal,
        discount,
        returns,
        tax: tax_total,
        total,
        included: rules.included,
    })
}

/// The share of a sold line's amount (or tax) that `quantity` more units take back, when
/// `before` were already returned: the differences of rounded cumulative shares, so returning
/// every unit, in any number of returns, gives back exactly what was charged.
pub(crate) fn refund_share(charged: i64, sold: i64, before: i64, quantity: i64) -> i64 {
    let upto = |q: i64| div_round(charged as i128 * q as i128, sold as i128) as i64;
    upto(before + quantity) - upto(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vat(bp: i64) -> TaxRate {
        TaxRate {
            tax_class: "standard".into(),
            name: format!("VAT {bp}"),
            rate_bp: bp,
        }
    }

    fn item<'a>(
        qty: i64,
        price: i64,
        discount: Option<Discount>,
        rate: &'a TaxRate,
    ) -> PriceLine<'a> {
        PriceLine {
            kind: LineKind::Item,
            quantity: qty,
            unit_price: price,
            discount,
            rates: vec![rate],
            refund: None,
        }
    }

    const INCLUDED: PriceRules = PriceRules {
        included: true,
        rounding: TaxRounding::Total,
    };

    #[test]
    fn line_and_cart_discounts_add_up_with_tax_included() {
        let std = vat(2300);
        let red = vat(1350);
        let lines = [
            item(2, 1000, Some(Discount::Percent(1000)), &std), // 20.00 - 2.00
            item(1, 500, None, &red),
        ];
        let p = price(&lines, &[Discount::Fixed(300)], &INCLUDED).unwrap();
        assert_eq!(p.subtotal, 2500);
        // 3.00 off 23.00 spread by amount: 18.00 → 2.35, 5.00 → 0.65.
        assert_eq!(p.lines[0].discount, 200 + 235);
        assert_eq!(p.lines[1].discount, 65);
        assert_eq!(p.discount, 500);
        assert_eq!(p.total, 2000);
        // 15.65 incl. 23 % → 2.93; 4.35 incl. 13.5 % → 0.52.
        assert_eq!(p.lines[0].taxes[0].tax_minor, 293);
        assert_eq!(p.lines[1].taxes[0].tax_minor, 52);
        assert_eq!(p.tax, 345);
    }

    #[test]
    fn tax_added_on_top_raises_the_total() {
        let st = vat(625);
        let rules = PriceRules {
            included: false,
            rounding: TaxRounding::Line,
        };
        let p = price(&[item(3, 333, None, &st)], &[], &rules).unwrap();
        // 9.99 × 6.25 % = 0.624375 → 0.62.
        assert_eq!(p.tax, 62);
        assert_eq!(p.total, 1061);
    }

    #[test]
    fn an_amount_no_shop_sells_is_refused_not_overflowed() {
        // Found by fuzzing: shipping at 66,666,666,666,666,664.95 beside four mugs overflowed
        // the tax spread when tax is rounded on the total.
        let std = vat(2300);
        let lines = [
            item(4, 1800, None, &std),
            item(1, 6_666_666_666_666_666_495, None, &std),
        ];
        let err = price(&lines, &[], &INCLUDED).unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
        // Two lines each under the bound but over it together are refused as well.
        let most = MAX_CART as i64;
        let half = item(1, most / 2 + 1, None, &std);
        assert!(price(&[half, item(1, most / 2 + 1, None, &std)], &[], &INCLUDED).is_err());
        // At the bound, every figure still adds up.
        let p = price(
            &[item(1, most, None, &std)],
            &[Discount::Percent(3333)],
            &INCLUDED,
        )
        .unwrap();
        assert_eq!(p.total + p.discount, most);
    }

    #[test]
    fn a_discount_larger_than_the_line_is_refused() {
        let std = vat(2000);
        let err = price(
            &[item(1, 500, Some(Discount::Fixed(600)), &std)],
            &[],
            &INCLUDED,
        );
        assert!(err.is_err(), "5.00 off a 4.00 line makes no sense");
        let err = price(
            &[item(1, 500, None, &std)],
            &[Discount::Percent(10_001)],
            &INCLUDED,
        );
        assert!(err.is_err());
    }

    #[test]
    fn gift_cards_take_no_discount_and_no_tax() {
        let std = vat(2000);
        let lines = [
            item(1, 1000, None, &std),
            PriceLine {
                kind: LineKind::GiftCard,
                quantity: 1,
                unit_price: 2500,
                discount: None,
                rates: vec![],
                refund: None,
            },
        ];
        let p = price(&lines, &[Discount::Percent(5000)], &INCLUDED).unwrap();
        assert_eq!(p.lines[1].discount, 0);
        assert_eq!(p.lines[1].amount, 2500);
        assert_eq!(p.total, 500 + 2500);
    }

    #[test]
    fn return_lines_give_back_their_fixed_refund() {
        let std = vat(2000);
        let refund = PriceLine {
            kind: LineKind::Return,
            quantity: 1,
            unit_price: 1200,
            discount: None,
            rates: vec![],
            refund: Some((
                -1100,
                vec![TaxPart {
                    name: "VAT".into(),
                    rate_bp: 2000,
                    base_minor: -917,
                    tax_minor: -183,
                }],
            )),
        };
        let p = price(&[refund, item(1, 1500, None, &std)], &[], &INCLUDED).unwrap();
        assert_eq!(p.returns, -1100);
        assert_eq!(p.total, 400, "an exchange: 15.00 new item less 11.00 back");
        assert_eq!(p.tax, 250 - 183);
    }

    #[test]
    fn refunds_in_parts_never_exceed_what_was_charged() {
        // 10.00 charged for 3 units, returned one at a time.
        let parts: Vec<i64> = (0..3).map(|b| refund_share(1000, 3, b, 1)).collect();
        assert_eq!(parts, vec![333, 334, 333]);
        assert_eq!(parts.iter().sum::<i64>(), 1000);
        assert_eq!(refund_share(1000, 3, 1, 2), 667);
    }
}
