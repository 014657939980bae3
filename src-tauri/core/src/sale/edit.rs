//! Changing an open cart (the rules behind each `SaleEdit`; `cart.rs` is the entry point): scans, quantities, price overrides and discounts (over the shop's limit
//! only with a manager's approval, recorded on the line), codes, the customer, gift cards,
//! return lines, voids, parking. Each edit is one small transaction, so the cart on disk is
//! always the cart on screen.

use super::view::{self, check_returnable, line_rows, price_cart};
use super::{Discount, LineKind};
use crate::audit::{self, Change};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{parse_basis_points, Currency, Money};
use crate::sale::journal;
use crate::shop::staff::{answerable, Approver, Permission, Session};
use crate::stock::{default_location, level, variant_label};
use crate::till;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Deserialize;
use serde_json::json;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiscountKind {
    Percent,
    Fixed,
}

/// A discount as typed: "10" percent or "2.50" off.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DiscountDraft {
    pub kind: DiscountKind,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SaleEdit {
    /// A scanned or typed SKU/barcode: one more of that item.
    Scan {
        code: String,
    },
    AddVariant {
        variant_id: String,
    },
    Quantity {
        line_id: String,
        #[ts(type = "number")]
        quantity: i64,
    },
    Price {
        line_id: String,
        price: String,
    },
    LineDiscount {
        line_id: String,
        discount: Option<DiscountDraft>,
    },
    CartDiscount {
        discount: Option<DiscountDraft>,
    },
    /// An empty code removes it.
    DiscountCode {
        code: String,
    },
    Customer {
        customer_id: Option<String>,
    },
    Note {
        note: String,
    },
    GiftCard {
        code: String,
        amount: String,
    },
    VoidLine {
        line_id: String,
        reason: String,
    },
    /// Take back `quantity` of a line of a completed sale.
    Return {
        line_id: String,
        #[ts(type = "number")]
        quantity: i64,
        restock: bool,
    },
    Park,
    Resume,
    Void {
        reason: String,
    },
}

fn parse_percent(text: &str) -> Result<i64> {
    match parse_basis_points(text)? {
        0 => Err(Error::invalid("a discount of 0 % is no discount")),
        bp => Ok(bp),
    }
}

fn parse_discount(d: &DiscountDraft, cur: Currency) -> Result<Discount> {
    match d.kind {
        DiscountKind::Percent => Ok(Discount::Percent(parse_percent(&d.value)?)),
        DiscountKind::Fixed => {
            let m = Money::parse(&d.value, cur)?;
            if m.minor() <= 0 {
                return Err(Error::invalid("a discount is an amount above 0"));
            }
            Ok(Discount::Fixed(m.minor()))
        }
    }
}

/// Whether a discount takes more than `limit_bp` of `base`.
fn over_limit(d: Discount, base: i64, limit_bp: i64) -> bool {
    match d {
        Discount::Percent(bp) => bp > limit_bp,
        Discount::Fixed(off) => off as i128 * 10_000 > base as i128 * limit_bp as i128,
    }
}

pub(super) struct Ctx<'a> {
    pub(super) tx: &'a Transaction<'a>,
    pub(super) session: &'a Session,
    pub(super) approver: Option<&'a Approver>,
    pub(super) sale_id: &'a str,
    pub(super) cur: Currency,
    pub(super) now: Timestamp,
}

impl Ctx<'_> {
    fn discount_limit(&self) -> Result<i64> {
        Ok(self
            .tx
            .query_row("SELECT discount_limit_bp FROM shop WHERE id = 1", [], |r| {
                r.get(0)
            })?)
    }

    fn line(&self, line_id: &str) -> Result<(LineKind, i64, i64, Option<String>)> {
        self.tx
            .prepare_cached(
                "SELECT kind, quantity, unit_price_minor, variant_id FROM sale_line
                 WHERE id = ?1 AND sale_id = ?2 AND void_reason IS NULL",
            )?
            .query_row([line_id, self.sale_id], |r| {
                let k: String = r.get(0)?;
                Ok((LineKind::parse(&k), r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?
            .ok_or(Error::NotFound { what: "line" })
    }

    fn next_position(&self) -> Result<i64> {
        Ok(self.tx.query_row(
            "SELECT ifnull(max(position), 0) + 1 FROM sale_line WHERE sale_id = ?1",
            [self.sale_id],
            |r| r.get(0),
        )?)
    }

    fn insert_line(&self, l: NewLine) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO sale_line (id, sale_id, position, kind, variant_id, title, sku, quantity,
                     list_price_minor, unit_price_minor, tax_class, gift_card_code, return_of, restock)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                new_id(),
                self.sale_id,
                self.next_position()?,
                l.kind.as_str(),
                l.variant_id,
                l.title,
                l.sku,
                l.quantity,
                l.price,
                l.tax_class,
                l.gift_card_code,
                l.return_of,
                l.restock,
            ])?;
        Ok(())
    }

    /// Adds one of a variant, or one more on its plain line already in the cart.
    pub(super) fn add_variant(&self, variant_id: &str) -> Result<()> {
        let (sku, price, tax_class, status): (Option<String>, i64, String, String) = self
            .tx
            .prepare_cached(
                "SELECT v.sku, v.price_minor, v.tax_class, p.status FROM variant v
                 JOIN product p ON p.id = v.product_id WHERE v.id = ?1",
            )?
            .query_row([variant_id], |r| r.try_into())
            .optional()?
            .ok_or(Error::NotFound { what: "variant" })?;
        if status != "active" {
            let title = variant_label(self.tx, variant_id)?;
            return Err(Error::invalid(format!("{title} is {status}, not for sale")));
        }
        let existing: Option<(String, i64)> = self
            .tx
            .prepare_cached(
                "SELECT id, quantity FROM sale_line WHERE sale_id = ?1 AND variant_id = ?2
                 AND kind = 'item' AND void_reason IS NULL AND price_by IS NULL AND discount IS NULL
                 ORDER BY position DESC LIMIT 1",
            )?
            .query_row([self.sale_id, variant_id], |r| r.try_into())
            .optional()?;
        match existing {
            Some((line_id, qty)) => self.set_quantity(&line_id, qty + 1),
            None => {
                self.check_stock(variant_id, 1)?;
                self.insert_line(NewLine {
                    kind: LineKind::Item,
                    variant_id: Some(variant_id),
                    title: variant_label(self.tx, variant_id)?,
                    sku,
                    quantity: 1,
                    price,
                    tax_class,
                    gift_card_code: None,
                    return_of: None,
                    restock: None,
                })
            }
        }
    }

    fn check_stock(&self, variant_id: &str, extra: i64) -> Result<()> {
        check_cart_stock(self.tx, self.sale_id, variant_id, extra)
    }

    pub(super) fn set_quantity(&self, line_id: &str, quantity: i64) -> Result<()> {
        let (kind, old, _, variant) = self.line(line_id)?;
        if quantity < 1 {
            return Err(Error::invalid(
                "a quantity is at least 1; void the line to remove it",
            ));
        }
        match kind {
            LineKind::GiftCard => {
                return Err(Error::invalid("a gift card line is always one card"))
            }
            LineKind::Return => return Err(Error::invalid("change a return by voiding its line")),
            LineKind::Item => {}
        }
        if let Some(v) = variant.filter(|_| quantity > old) {
            self.check_stock(&v, quantity - old)?;
        }
        self.tx.execute(
            "UPDATE sale_line SET quantity = ?2 WHERE id = ?1",
            params![line_id, quantity],
        )?;
        Ok(())
    }

    pub(super) fn set_price(&self, line_id: &str, price: &str) -> Result<()> {
        let (kind, ..) = self.line(line_id)?;
        if kind != LineKind::Item {
            return Err(Error::invalid("only a sold item's price can be changed"));
        }
        let price = Money::parse(price, self.cur)?.minor();
        if price < 0 {
            return Err(Error::invalid("a price cannot be negative"));
        }
        let list: i64 = self.tx.query_row(
            "SELECT list_price_minor FROM sale_line WHERE id = ?1",
            [line_id],
            |r| r.get(0),
        )?;
        let by = if price == list {
            None
        } else {
            let by = answerable(
                self.tx,
                self.session,
                self.approver,
                Permission::ApproveDiscount,
                "a price override",
            )?;
            self.audit(
                "price_overridden",
                line_id,
                json!({ "list": list, "price": price, "approved_by": by }),
            )?;
            Some(by)
        };
        self.tx.execute(
            "UPDATE sale_line SET unit_price_minor = ?2, price_by = ?3 WHERE id = ?1",
            params![line_id, price, by],
        )?;
        Ok(())
    }

    pub(super) fn set_line_discount(&self, line_id: &str, d: Option<&DiscountDraft>) -> Result<()> {
        let (kind, qty, unit, _) = self.line(line_id)?;
        if kind != LineKind::Item {
            return Err(Error::invalid("only a sold item takes a discount"));
        }
        let d = d.map(|d| parse_discount(d, self.cur)).transpose()?;
        let by = match d {
            Some(d) if over_limit(d, qty * unit, self.discount_limit()?) => Some(answerable(
                self.tx,
                self.session,
                self.approver,
                Permission::ApproveDiscount,
                "a discount above the shop's limit",
            )?),
            _ => None,
        };
        let (kind, value) = Discount::to_row(d);
        self.tx.execute(
            "UPDATE sale_line SET discount_kind = ?2, discount = ?3, discount_by = ?4 WHERE id = ?1",
            params![line_id, kind, value, by],
        )?;
        if let Some(by) = by {
            self.audit(
                "discount_approved",
                line_id,
                json!({ "discount": d, "approved_by": by }),
            )?;
        }
        Ok(())
    }

    pub(super) fn set_cart_discount(&self, d: Option<&DiscountDraft>) -> Result<()> {
        let d = d.map(|d| parse_discount(d, self.cur)).transpose()?;
        let by = match d {
            Some(d) => {
                let base: i64 = self.tx.query_row(
                    "SELECT ifnull(sum(quantity * unit_price_minor), 0) FROM sale_line
                     WHERE sale_id = ?1 AND kind = 'item' AND void_reason IS NULL",
                    [self.sale_id],
                    |r| r.get(0),
                )?;
                if base == 0 {
                    return Err(Error::invalid("scan an item before giving a cart discount"));
                }
                over_limit(d, base, self.discount_limit()?)
                    .then(|| {
                        answerable(
                            self.tx,
                            self.session,
                            self.approver,
                            Permission::ApproveDiscount,
                            "a discount above the shop's limit",
                        )
                    })
                    .transpose()?
            }
            None => None,
        };
        let (kind, value) = Discount::to_row(d);
        self.tx.execute(
            "UPDATE sale SET cart_discount_kind = ?2, cart_discount = ?3, cart_discount_by = ?4 WHERE id = ?1",
            params![self.sale_id, kind, value, by],
        )?;
        Ok(())
    }

    pub(super) fn set_discount_code(&self, code: &str) -> Result<()> {
        let code = code.trim();
        let stored = if code.is_empty() {
            None
        } else {
            view::code_discount(self.tx, code)?
                .ok_or_else(|| Error::invalid(format!("no active discount code '{code}'")))?;
            Some(code.to_ascii_uppercase())
        };
        self.tx.execute(
            "UPDATE sale SET discount_code = ?2 WHERE id = ?1",
            params![self.sale_id, stored],
        )?;
        Ok(())
    }

    pub(super) fn add_gift_card(&self, code: &str, amount: &str) -> Result<()> {
        let code = code.trim().to_ascii_uppercase();
        if code.len() < 4 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Error::invalid(
                "a gift card code is at least 4 letters or digits",
            ));
        }
        let amount = Money::parse(amount, self.cur)?.minor();
        if amount <= 0 {
            return Err(Error::invalid(
                "a gift card is loaded with an amount above 0",
            ));
        }
        let taken: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM gift_card WHERE code = ?1)
                 OR EXISTS (SELECT 1 FROM sale_line WHERE gift_card_code = ?1 AND sale_id = ?2 AND void_reason IS NULL)",
            params![code, self.sale_id],
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::Conflict(format!("gift card {code} already exists")));
        }
        self.insert_line(NewLine {
            kind: LineKind::GiftCard,
            variant_id: None,
            title: format!("Gift card {code}"),
            sku: None,
            quantity: 1,
            price: amount,
            tax_class: "none".into(),
            gift_card_code: Some(code),
            return_of: None,
            restock: None,
        })
    }

    pub(super) fn add_return(&self, line_id: &str, quantity: i64, restock: bool) -> Result<()> {
        type Sold = (
            String,
            String,
            Option<String>,
            Option<String>,
            i64,
            String,
            Option<String>,
        );
        let sold: Sold = self
            .tx
            .prepare_cached(
                "SELECT l.kind, l.title, l.sku, l.variant_id, l.unit_price_minor,
                        s.status, s.customer_id
                 FROM sale_line l JOIN sale s ON s.id = l.sale_id WHERE l.id = ?1",
            )?
            .query_row([line_id], |r| r.try_into())
            .optional()?
            .ok_or(Error::NotFound { what: "sold line" })?;
        let (kind, title, sku, variant_id, unit, status, customer) = sold;
        if status != "completed" || kind != "item" {
            return Err(Error::NotReturnable {
                returnable: 0,
                message: "only items of a completed sale can be returned".into(),
            });
        }
        if quantity < 1 {
            return Err(Error::invalid("return at least one"));
        }
        let in_cart: Option<(String, i64)> = self
            .tx
            .query_row(
                "SELECT id, quantity FROM sale_line WHERE sale_id = ?1 AND return_of = ?2 AND void_reason IS NULL",
                [self.sale_id, line_id],
                |r| r.try_into(),
            )
            .optional()?;
        let here = in_cart.as_ref().map_or(0, |(_, q)| *q);
        check_returnable(self.tx, line_id, self.sale_id, here + quantity)?;
        if let Some(c) = customer {
            self.tx.execute(
                "UPDATE sale SET customer_id = ?2 WHERE id = ?1 AND customer_id IS NULL",
                params![self.sale_id, c],
            )?;
        }
        match in_cart {
            Some((id, q)) => {
                self.tx.execute(
                    "UPDATE sale_line SET quantity = ?2, restock = ?3 WHERE id = ?1",
                    params![id, q + quantity, restock],
                )?;
                Ok(())
            }
            None => self.insert_line(NewLine {
                kind: LineKind::Return,
                variant_id: variant_id.as_deref(),
                title,
                sku,
                quantity,
                price: unit,
                tax_class: "none".into(),
                gift_card_code: None,
                return_of: Some(line_id),
                restock: Some(restock),
            }),
        }
    }

    pub(super) fn void_line(&self, line_id: &str, reason: &str) -> Result<()> {
        self.line(line_id)?;
        let reason = reason_text(reason)?;
        let by = answerable(
            self.tx,
            self.session,
            self.approver,
            Permission::Void,
            "voiding a line",
        )?;
        self.tx.execute(
            "UPDATE sale_line SET void_reason = ?2, voided_by = ?3 WHERE id = ?1",
            params![line_id, reason, by],
        )?;
        self.audit(
            "line_voided",
            line_id,
            json!({ "reason": reason, "by": by }),
        )
    }

    pub(super) fn void_sale(&self, reason: &str) -> Result<()> {
        let reason = reason_text(reason)?;
        let by = answerable(
            self.tx,
            self.session,
            self.approver,
            Permission::Void,
            "voiding a sale",
        )?;
        let (priced, _) = price_cart(
            self.tx,
            self.sale_id,
            &view::sale_row(self.tx, self.sale_id)?,
            &line_rows(self.tx, self.sale_id)?,
        )?;
        let shift = crate::sale::shift::open_shift(self.tx)?.map(|s| s.0);
        self.tx.execute(
            "UPDATE sale SET status = 'voided', void_reason = ?2, voided_by = ?3, shift_id = ?4,
                 total_minor = ?5 WHERE id = ?1",
            params![self.sale_id, reason, by, shift, priced.total],
        )?;
        journal::append(
            self.tx,
            self.now,
            journal::Kind::Void,
            self.sale_id,
            &json!({ "total": priced.total, "reason": reason, "by": by }),
        )?;
        till::queue(self.tx, till::Kind::Sale, self.sale_id, self.now)
    }

    fn audit(&self, action: &str, line_id: &str, detail: serde_json::Value) -> Result<()> {
        audit::record(
            self.tx,
            Change::by(
                self.now,
                self.session.staff_id(),
                action,
                ("sale_line", line_id),
                detail,
            ),
        )
    }
}

fn reason_text(reason: &str) -> Result<&str> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(Error::invalid(
            "say why (mis-scan, customer changed their mind, …)",
        ));
    }
    Ok(r)
}

/// Where the counter sells from: the open shift's location, or the one a shift would open at.
pub(super) fn selling_location(conn: &Connection) -> Result<String> {
    match crate::sale::shift::open_shift(conn)? {
        Some((_, location)) => Ok(location),
        None => default_location(conn),
    }
}

/// A variant that must not be oversold cannot be in a cart beyond what is available where the
/// counter sells from: what the cart already holds plus `extra` more.
pub(super) fn check_cart_stock(
    conn: &Connection,
    sale_id: &str,
    variant_id: &str,
    extra: i64,
) -> Result<()> {
    let (in_cart, policy): (i64, String) = conn
        .prepare_cached(
            "SELECT (SELECT ifnull(sum(quantity), 0) FROM sale_line WHERE sale_id = ?1
                     AND variant_id = ?2 AND kind = 'item' AND void_reason IS NULL),
                    inventory_policy
             FROM variant WHERE id = ?2",
        )?
        .query_row([sale_id, variant_id], |r| r.try_into())?;
    if policy == "continue" {
        return Ok(());
    }
    let location = selling_location(conn)?;
    let (on_hand, committed) = level(conn, variant_id, &location)?;
    let available = on_hand - committed;
    if in_cart + extra > available {
        return Err(Error::NotEnoughStock {
            available,
            message: format!(
                "only {available} of {} available here (it is not sold when out of stock)",
                variant_label(conn, variant_id)?
            ),
        });
    }
    Ok(())
}

struct NewLine<'a> {
    kind: LineKind,
    variant_id: Option<&'a str>,
    title: String,
    sku: Option<String>,
    quantity: i64,
    price: i64,
    tax_class: String,
    gift_card_code: Option<String>,
    return_of: Option<&'a str>,
    restock: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_parse_to_basis_points() {
        assert_eq!(parse_percent("10").unwrap(), 1000);
        assert_eq!(parse_percent("12.5%").unwrap(), 1250);
        assert_eq!(parse_percent("0.05").unwrap(), 5);
        assert!(parse_percent("0").is_err());
        assert!(parse_percent("100.01").is_err());
        assert!(parse_percent("1.234").is_err());
        assert!(parse_percent("ten").is_err());
    }

    #[test]
    fn the_limit_compares_fixed_discounts_with_the_base() {
        assert!(!over_limit(Discount::Percent(1000), 0, 1000));
        assert!(over_limit(Discount::Percent(1001), 0, 1000));
        assert!(!over_limit(Discount::Fixed(200), 2000, 1000));
        assert!(over_limit(Discount::Fixed(201), 2000, 1000));
    }
}
