//! Reading a sale: an open cart is priced live from its lines; a completed one is read from the
//! figures frozen on its rows, so a later change of rates or prices never rewrites a receipt.

use super::pay::TenderKind;
use super::pricing::{self, PriceLine, PriceRules, Priced};
use super::{receipt_code, Discount, LineKind, SaleStatus};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::shop::shop_currency;
use crate::sql::{args, Conn};
use crate::tax::{self, TaxPart, TaxRounding};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SaleLine {
    pub id: String,
    pub kind: LineKind,
    pub variant_id: Option<String>,
    pub title: String,
    pub sku: Option<String>,
    #[ts(type = "number")]
    pub quantity: i64,
    pub list_price: Money,
    pub unit_price: Money,
    /// Who approved a price other than the list price.
    pub price_approved_by: Option<String>,
    pub discount: Option<Discount>,
    /// Line and cart discount this line took.
    pub discount_amount: Money,
    /// What the line charges after discounts, in the shop's price convention (negative when
    /// returned).
    pub amount: Money,
    pub tax: Money,
    pub gift_card_code: Option<String>,
    pub return_of: Option<String>,
    pub restock: Option<bool>,
    pub void_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Tender {
    pub kind: TenderKind,
    pub label: String,
    pub amount: Money,
    pub given: Option<Money>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SaleCustomer {
    pub id: String,
    pub name: String,
    pub store_credit: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Sale {
    pub id: String,
    #[ts(type = "number | null")]
    pub number: Option<i64>,
    pub receipt_code: Option<String>,
    pub status: SaleStatus,
    pub staff_name: String,
    pub customer: Option<SaleCustomer>,
    pub note: String,
    pub cart_discount: Option<Discount>,
    pub discount_code: Option<String>,
    pub prices_include_tax: bool,
    pub lines: Vec<SaleLine>,
    pub subtotal: Money,
    pub discount: Money,
    pub returns: Money,
    pub tax: Money,
    /// Per rate, for the receipt.
    pub taxes: Vec<TaxPart>,
    /// What the customer pays (negative: is paid back); an open cart's is before cash rounding,
    /// a completed sale's after it (see `rounding`).
    pub total: Money,
    pub rounding: Money,
    pub tenders: Vec<Tender>,
    pub change: Money,
    pub void_reason: Option<String>,
    pub created_at: Timestamp,
    pub completed_at: Option<Timestamp>,
}

/// A line of the sales history.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SaleSummary {
    pub id: String,
    #[ts(type = "number | null")]
    pub number: Option<i64>,
    /// As printed: the till's name in it when the shop is shared.
    pub receipt_code: Option<String>,
    pub status: SaleStatus,
    pub staff_name: String,
    pub customer_name: Option<String>,
    #[ts(type = "number")]
    pub items: i64,
    pub total: Option<Money>,
    pub updated_at: Timestamp,
}

/// A line as read from its row.
pub(super) struct LineRow {
    pub id: String,
    pub kind: LineKind,
    pub variant_id: Option<String>,
    pub title: String,
    pub sku: Option<String>,
    pub quantity: i64,
    pub list_price: i64,
    pub unit_price: i64,
    pub price_by: Option<String>,
    pub discount: Option<Discount>,
    pub tax_class: String,
    pub gift_card_code: Option<String>,
    pub return_of: Option<String>,
    pub restock: Option<bool>,
    pub void_reason: Option<String>,
    pub frozen: Option<(i64, i64, i64)>, // discount, amount, tax
}

pub(super) fn line_rows(conn: &Connection, sale_id: &str) -> Result<Vec<LineRow>> {
    let mut st = conn.prepare_cached(
        "SELECT id, kind, variant_id, title, sku, quantity, list_price_minor, unit_price_minor,
                price_by, discount_kind, discount, tax_class, gift_card_code, return_of, restock,
                void_reason, discount_minor, amount_minor, tax_minor
         FROM sale_line WHERE sale_id = ?1 ORDER BY position",
    )?;
    let rows = st.query_map([sale_id], |r| {
        let kind: String = r.get(1)?;
        let frozen = match (r.get(16)?, r.get(17)?, r.get(18)?) {
            (Some(d), Some(a), Some(t)) => Some((d, a, t)),
            _ => None,
        };
        Ok(LineRow {
            id: r.get(0)?,
            kind: LineKind::parse(&kind),
            variant_id: r.get(2)?,
            title: r.get(3)?,
            sku: r.get(4)?,
            quantity: r.get(5)?,
            list_price: r.get(6)?,
            unit_price: r.get(7)?,
            price_by: r.get(8)?,
            discount: Discount::from_row(r.get(9)?, r.get(10)?),
            tax_class: r.get(11)?,
            gift_card_code: r.get(12)?,
            return_of: r.get(13)?,
            restock: r.get(14)?,
            void_reason: r.get(15)?,
            frozen,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Units of a sold line already taken back by completed returns (leaving out `except_sale`).
pub(super) fn returned_before(conn: &Connection, line_id: &str, except_sale: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(l.quantity), 0) FROM sale_line l JOIN sale s ON s.id = l.sale_id
             WHERE l.return_of = ?1 AND s.status = 'completed' AND l.void_reason IS NULL
               AND s.id <> ?2",
        )?
        .query_row([line_id, except_sale], |r| r.get(0))?)
}

/// Refuses taking back more of a sold line than was sold, counting completed returns (other
/// than `except_sale`) and the `wanted` units.
pub(super) fn check_returnable(
    conn: &Connection,
    line_id: &str,
    except_sale: &str,
    wanted: i64,
) -> Result<()> {
    let (title, sold): (String, i64) = conn
        .prepare_cached("SELECT title, quantity FROM sale_line WHERE id = ?1")?
        .query_row([line_id], |r| r.try_into())
        .optional()?
        .ok_or(Error::NotFound { what: "sold line" })?;
    let already = returned_before(conn, line_id, except_sale)?;
    if already + wanted > sold {
        return Err(Error::NotReturnable {
            returnable: sold - already,
            message: format!(
                "{title}: {sold} sold, {already} already returned — cannot take back {wanted} more"
            ),
        });
    }
    Ok(())
}

/// What returning `quantity` of a sold line gives back (amount and taxes, negative), given what
/// earlier returns already took: see `pricing::refund_share`.
pub(super) fn refund_of(
    conn: &Connection,
    line_id: &str,
    quantity: i64,
    except_sale: &str,
) -> Result<(i64, Vec<TaxPart>)> {
    let (sold, amount): (i64, i64) = conn
        .prepare_cached(
            "SELECT quantity, amount_minor FROM sale_line WHERE id = ?1 AND amount_minor IS NOT NULL",
        )?
        .query_row([line_id], |r| r.try_into())
        .optional()?
        .ok_or(Error::NotFound { what: "sold line" })?;
    let before = returned_before(conn, line_id, except_sale)?;
    let share = |v: i64| -pricing::refund_share(v, sold, before, quantity);
    let taxes = tax_parts(conn, line_id)?
        .into_iter()
        .map(|t| TaxPart {
            base_minor: share(t.base_minor),
            tax_minor: share(t.tax_minor),
            ..t
        })
        .collect();
    Ok((share(amount), taxes))
}

pub(super) fn tax_parts(conn: &Connection, line_id: &str) -> Result<Vec<TaxPart>> {
    let mut st = conn.prepare_cached(
        "SELECT name, rate_bp, base_minor, tax_minor FROM sale_line_tax WHERE line_id = ?1
         ORDER BY rate_bp DESC, name",
    )?;
    let rows = st.query_map([line_id], |r| {
        Ok(TaxPart {
            name: r.get(0)?,
            rate_bp: r.get(1)?,
            base_minor: r.get(2)?,
            tax_minor: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The shop's pricing settings.
pub(crate) fn price_rules<'c>(conn: impl Into<Conn<'c>>) -> Result<PriceRules> {
    let (included, rounding): (bool, String) = conn
        .into()
        .query_opt(
            "SELECT prices_include_tax, tax_rounding FROM shop WHERE id = 1",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .ok_or(Error::NoShop)?;
    Ok(PriceRules {
        included,
        rounding: TaxRounding::parse(&rounding),
    })
}

/// The discount a code gives, if it exists and is active.
pub(super) fn code_discount(conn: &Connection, code: &str) -> Result<Option<Discount>> {
    Ok(conn
        .prepare_cached("SELECT kind, value FROM discount_code WHERE code = ?1 AND active = 1")?
        .query_row([code], |r| Ok(Discount::from_row(r.get(0)?, r.get(1)?)))
        .optional()?
        .flatten())
}

pub(super) struct SaleRow {
    pub customer_id: Option<String>,
    pub cart_discount: Option<Discount>,
    pub discount_code: Option<String>,
}

pub(super) fn sale_row(conn: &Connection, sale_id: &str) -> Result<SaleRow> {
    conn.prepare_cached(
        "SELECT customer_id, cart_discount_kind, cart_discount, discount_code FROM sale WHERE id = ?1",
    )?
    .query_row([sale_id], |r| {
        Ok(SaleRow {
            customer_id: r.get(0)?,
            cart_discount: Discount::from_row(r.get(1)?, r.get(2)?),
            discount_code: r.get(3)?,
        })
    })
    .optional()?
    .ok_or(Error::NotFound { what: "sale" })
}

/// Prices an open cart's lines (voided ones are left out and come back as `None`).
pub(super) fn price_cart(
    conn: &Connection,
    sale_id: &str,
    sale: &SaleRow,
    lines: &[LineRow],
) -> Result<(Priced, Vec<Option<usize>>)> {
    let rules = price_rules(conn)?;
    let rates = tax::rates(conn)?;
    let mut inputs = Vec::new();
    let mut index = Vec::with_capacity(lines.len());
    for l in lines {
        if l.void_reason.is_some() {
            index.push(None);
            continue;
        }
        let refund = match (&l.return_of, l.kind) {
            (Some(orig), LineKind::Return) => Some(refund_of(conn, orig, l.quantity, sale_id)?),
            _ => None,
        };
        index.push(Some(inputs.len()));
        inputs.push(PriceLine {
            kind: l.kind,
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount: l.discount,
            rates: rates
                .iter()
                .filter(|r| r.tax_class == l.tax_class)
                .collect(),
            refund,
        });
    }
    let mut cart = Vec::new();
    cart.extend(sale.cart_discount);
    if let Some(code) = &sale.discount_code {
        cart.extend(code_discount(conn, code)?);
    }
    Ok((pricing::price(&inputs, &cart, &rules)?, index))
}

fn tenders(conn: &Connection, sale_id: &str, cur: Currency) -> Result<Vec<Tender>> {
    let mut st = conn.prepare_cached(
        "SELECT kind, label, amount_minor, given_minor, reference FROM tender WHERE sale_id = ?1
         ORDER BY position",
    )?;
    let rows = st.query_map([sale_id], |r| {
        let kind: String = r.get(0)?;
        Ok(Tender {
            kind: TenderKind::parse(&kind),
            label: r.get(1)?,
            amount: Money::from_minor(r.get(2)?, cur),
            given: r
                .get::<_, Option<i64>>(3)?
                .map(|g| Money::from_minor(g, cur)),
            reference: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds per-rate parts of many lines into one breakdown for the receipt.
fn group_taxes<'a>(parts: impl Iterator<Item = &'a TaxPart>) -> Vec<TaxPart> {
    let mut out: Vec<TaxPart> = Vec::new();
    for p in parts {
        match out
            .iter_mut()
            .find(|o| o.name == p.name && o.rate_bp == p.rate_bp)
        {
            Some(o) => {
                o.base_minor += p.base_minor;
                o.tax_minor += p.tax_minor;
            }
            None => out.push(p.clone()),
        }
    }
    out
}

/// Reads a whole sale.
pub(crate) fn load(conn: &Connection, sale_id: &str) -> Result<Sale> {
    let cur = shop_currency(conn)?;
    let m = |v: i64| Money::from_minor(v, cur);
    type Head = (
        Option<i64>,
        String,
        String,
        Option<String>,
        String,
        Option<bool>,
        [Option<i64>; 6],
        Option<String>,
        i64,
        Option<i64>,
        String,
    );
    let head: Head = conn
        .prepare_cached(
            "SELECT s.number, s.status, st.name, s.customer_id, s.note, s.prices_include_tax,
                    s.subtotal_minor, s.discount_minor, s.tax_minor, s.rounding_minor,
                    s.total_minor, s.change_minor, s.void_reason, s.created_at, s.completed_at,
                    s.station
             FROM sale s JOIN staff st ON st.id = s.staff_id WHERE s.id = ?1",
        )?
        .query_row([sale_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                [
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                ],
                r.get(12)?,
                r.get(13)?,
                r.get(14)?,
                r.get(15)?,
            ))
        })
        .optional()?
        .ok_or(Error::NotFound { what: "sale" })?;
    let (
        number,
        status,
        staff_name,
        _,
        note,
        frozen_incl,
        figures,
        void_reason,
        created,
        completed,
        till,
    ) = head;
    let status = SaleStatus::parse(&status);
    let row = sale_row(conn, sale_id)?;
    let rows = line_rows(conn, sale_id)?;
    let customer = match row.customer_id.clone() {
        Some(id) => Some(SaleCustomer {
            name: conn.query_row("SELECT name FROM customer WHERE id = ?1", [&id], |r| {
                r.get(0)
            })?,
            store_credit: m(crate::sale::store_credit(conn, &id)?),
            id,
        }),
        None => None,
    };
    let mut lines = Vec::with_capacity(rows.len());
    let (subtotal, discount, returns, tax, taxes, total, included);
    if let (Some(incl), [Some(sub), Some(disc), Some(tx), _, Some(tot), _]) = (frozen_incl, figures)
    {
        let mut all_parts = Vec::new();
        let mut ret = 0;
        for l in &rows {
            let (d, a, t) = l.frozen.unwrap_or((0, 0, 0));
            if l.kind == LineKind::Return {
                ret += a + if incl { 0 } else { t };
            }
            all_parts.extend(tax_parts(conn, &l.id)?);
            lines.push(line_view(l, m, d, a, t));
        }
        (subtotal, discount, returns, tax, total, included) = (sub, disc, ret, tx, tot, incl);
        taxes = group_taxes(all_parts.iter());
    } else {
        let (priced, index) = price_cart(conn, sale_id, &row, &rows)?;
        for (l, i) in rows.iter().zip(&index) {
            let (d, a, t) = match i {
                Some(i) => {
                    let p = &priced.lines[*i];
                    (
                        p.discount,
                        p.amount,
                        p.taxes.iter().map(|t| t.tax_minor).sum(),
                    )
                }
                None => (0, 0, 0),
            };
            lines.push(line_view(l, m, d, a, t));
        }
        taxes = group_taxes(priced.lines.iter().flat_map(|l| l.taxes.iter()));
        (subtotal, discount, returns, tax, total, included) = (
            priced.subtotal,
            priced.discount,
            priced.returns,
            priced.tax,
            priced.total,
            priced.included,
        );
    }
    Ok(Sale {
        id: sale_id.to_string(),
        number,
        receipt_code: number.map(|n| receipt_code(&till, n)),
        status,
        staff_name,
        customer,
        note,
        cart_discount: row.cart_discount,
        discount_code: row.discount_code,
        prices_include_tax: included,
        lines,
        subtotal: m(subtotal),
        discount: m(discount),
        returns: m(returns),
        tax: m(tax),
        taxes,
        total: m(total),
        rounding: m(figures[3].unwrap_or(0)),
        tenders: tenders(conn, sale_id, cur)?,
        change: m(figures[5].unwrap_or(0)),
        void_reason,
        created_at: Timestamp(created),
        completed_at: completed.map(Timestamp),
    })
}

fn line_view(l: &LineRow, m: impl Fn(i64) -> Money, d: i64, a: i64, t: i64) -> SaleLine {
    SaleLine {
        id: l.id.clone(),
        kind: l.kind,
        variant_id: l.variant_id.clone(),
        title: l.title.clone(),
        sku: l.sku.clone(),
        quantity: l.quantity,
        list_price: m(l.list_price),
        unit_price: m(l.unit_price),
        price_approved_by: l.price_by.clone(),
        discount: l.discount,
        discount_amount: m(d),
        amount: m(a),
        tax: m(t),
        gift_card_code: l.gift_card_code.clone(),
        return_of: l.return_of.clone(),
        restock: l.restock,
        void_reason: l.void_reason.clone(),
    }
}

/// Recent sales, newest first; `status` narrows to one kind.
pub(crate) fn list(
    conn: &Connection,
    status: Option<SaleStatus>,
    limit: i64,
) -> Result<Vec<SaleSummary>> {
    let cur = shop_currency(conn)?;
    let status = status.map(SaleStatus::as_str);
    let mut st = conn.prepare_cached(
        "SELECT s.id, s.number, s.status, st.name, c.name,
                (SELECT coalesce(sum(quantity), 0) FROM sale_line l
                 WHERE l.sale_id = s.id AND l.void_reason IS NULL AND l.kind <> 'return'),
                s.total_minor, s.updated_at, s.station
         FROM sale s JOIN staff st ON st.id = s.staff_id LEFT JOIN customer c ON c.id = s.customer_id
         WHERE ?1 IS NULL OR s.status = ?1
         ORDER BY s.updated_at DESC LIMIT ?2",
    )?;
    let rows = st.query_map(rusqlite::params![status, limit], |r| {
        let status: String = r.get(2)?;
        let number: Option<i64> = r.get(1)?;
        let till: String = r.get(8)?;
        Ok(SaleSummary {
            id: r.get(0)?,
            number,
            receipt_code: number.map(|n| receipt_code(&till, n)),
            status: SaleStatus::parse(&status),
            staff_name: r.get(3)?,
            customer_name: r.get(4)?,
            items: r.get(5)?,
            total: r
                .get::<_, Option<i64>>(6)?
                .map(|t| Money::from_minor(t, cur)),
            updated_at: Timestamp(r.get(7)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A completed sale as its invoice needs it — its frozen figures and lines (voided ones left
/// out) and its tax parts by rate — read on either engine: on a station from the server, where
/// any station may invoice a till's sale once it arrived. (`load` is the file's full view.)
pub(crate) struct Sold {
    pub(crate) status: SaleStatus,
    pub(crate) receipt: Option<String>,
    pub(crate) included: bool,
    pub(crate) discount: i64,
    pub(crate) tax: i64,
    pub(crate) total: i64,
    pub(crate) customer_id: Option<String>,
    pub(crate) customer_name: Option<String>,
    pub(crate) lines: Vec<SoldLine>,
    pub(crate) taxes: Vec<TaxPart>,
}

pub(crate) struct SoldLine {
    pub(crate) title: String,
    pub(crate) sku: Option<String>,
    pub(crate) quantity: i64,
    pub(crate) unit_price: i64,
    pub(crate) discount: i64,
    pub(crate) amount: i64,
    pub(crate) tax: i64,
}

pub(crate) fn sold(c: Conn, sale_id: &str) -> Result<Option<Sold>> {
    type Head = (
        String,
        Option<i64>,
        String,
        Option<bool>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let head: Option<Head> = c.query_opt(
        "SELECT s.status, s.number, s.station, s.prices_include_tax, s.discount_minor,
                s.tax_minor, s.total_minor, s.customer_id, cu.name
         FROM sale s LEFT JOIN customer cu ON cu.id = s.customer_id WHERE s.id = ?1",
        args![sale_id],
        |r| r.tuple(),
    )?;
    let Some((status, number, station, included, discount, tax, total, customer_id, name)) = head
    else {
        return Ok(None);
    };
    let lines = c.query_map(
        "SELECT title, sku, quantity, unit_price_minor, coalesce(discount_minor, 0),
                coalesce(amount_minor, 0), coalesce(tax_minor, 0)
         FROM sale_line WHERE sale_id = ?1 AND void_reason IS NULL ORDER BY position",
        args![sale_id],
        |r| {
            Ok(SoldLine {
                title: r.get(0)?,
                sku: r.get(1)?,
                quantity: r.get(2)?,
                unit_price: r.get(3)?,
                discount: r.get(4)?,
                amount: r.get(5)?,
                tax: r.get(6)?,
            })
        },
    )?;
    // By rate, in the order the lines first charge them (as the sale's own view sums them).
    let parts = c.query_map(
        "SELECT t.name, t.rate_bp, t.base_minor, t.tax_minor
         FROM sale_line_tax t JOIN sale_line l ON l.id = t.line_id
         WHERE l.sale_id = ?1 ORDER BY l.position, t.rate_bp DESC, t.name",
        args![sale_id],
        |r| {
            Ok(TaxPart {
                name: r.get(0)?,
                rate_bp: r.get(1)?,
                base_minor: r.get(2)?,
                tax_minor: r.get(3)?,
            })
        },
    )?;
    Ok(Some(Sold {
        status: SaleStatus::parse(&status),
        receipt: number.map(|n| super::receipt_code(&station, n)),
        included: included.unwrap_or(false),
        discount: discount.unwrap_or(0),
        tax: tax.unwrap_or(0),
        total: total.unwrap_or(0),
        customer_id,
        customer_name: name,
        lines,
        taxes: group_taxes(parts.iter()),
    }))
}
