//! The sold lines every report reads: counter sales and returns, marketplace and phone orders and
//! their returns, each turned into one signed fact per line, tax taken out, on the shop's clock.
//! Every report sums these same facts, which is why they cannot disagree with each other.

use crate::error::Result;
use crate::money::share;
use crate::sql::{args, Conn};
use crate::tax::TaxPart;
use crate::Timestamp;
use std::collections::HashMap;

/// What a fact is a line of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Doc {
    /// A completed counter sale (its return lines are facts of the same sale).
    Sale,
    /// A marketplace, phone or manual order that was not cancelled.
    Order,
    /// A refunded return of an order.
    OrderReturn,
}

impl Doc {
    /// As the documents behind a row and the hours' sums name it.
    pub fn text(self) -> &'static str {
        match self {
            Doc::Sale => "sale",
            Doc::Order => "order",
            Doc::OrderReturn => "return",
        }
    }

    pub fn of_text(text: &str) -> Doc {
        match text {
            "sale" => Doc::Sale,
            "order" => Doc::Order,
            _ => Doc::OrderReturn,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum LineKind {
    Item,
    Shipping,
    /// A gift card sold: money taken, but a debt to the holder, not a sale.
    GiftCard,
}

/// One sold or returned line. Amounts are minor units before tax; returns are negative.
#[derive(Debug, Clone)]
pub(crate) struct Fact {
    pub at: Timestamp,
    pub doc: Doc,
    /// The sale's or the order's id (a return's order).
    pub doc_id: String,
    /// "R00000012", "#1042", "RMA-3".
    pub doc_name: String,
    pub channel: String,
    pub location: String,
    pub staff: String,
    pub customer: Option<String>,
    pub kind: LineKind,
    pub variant_id: Option<String>,
    pub title: String,
    pub sku: String,
    pub quantity: i64,
    /// List value before discounts.
    pub gross: i64,
    pub discount: i64,
    /// gross − discount.
    pub net: i64,
    pub tax: i64,
    pub taxes: Vec<TaxPart>,
    /// Cost of the quantity at the time of sale; None when it was not known then.
    pub cost: Option<i64>,
    /// A return's reason (order returns) or "" for a sale.
    pub reason: String,
    /// A returned line's disposition: Some(true) restocked, Some(false) written off.
    pub restocked: Option<bool>,
    /// Where the line's discount came from, before tax: ("Code SUMMER10", 250), ("Line
    /// discount", 120), … Its amounts add up to `discount`.
    pub discounts: Vec<(String, i64)>,
}

impl Fact {
    pub fn is_return(&self) -> bool {
        self.quantity < 0
    }
}

/// Takes tax out of a line priced in the document's convention. A discount in a tax-included
/// price carries tax too: its share before tax is kept in proportion to the line.
fn before_tax(amount: i64, discount: i64, tax: i64, included: bool) -> (i64, i64) {
    if !included {
        return (amount, discount);
    }
    let net = amount - tax;
    let discount = if amount == 0 {
        discount
    } else {
        share(discount, net, amount)
    };
    (net, discount)
}

/// What a counter line's discount is made of. Core stores the line's total discount (its own
/// and its share of the cart's); the line's own part is worked out again by the same rule
/// pricing used, and the rest is the cart's — a code's, or the clerk's manual one.
struct SaleDiscounts {
    code: Option<String>,
    cart: bool,
    line_kind: Option<String>,
    line_value: Option<i64>,
    /// Unit price × quantity, in the sale's price convention.
    list: i64,
}

impl SaleDiscounts {
    /// Splits the line's discount — `charged` as priced, `total` before tax — into its sources.
    fn split(&self, charged: i64, total: i64) -> Vec<(String, i64)> {
        if total == 0 || charged <= 0 {
            return Vec::new();
        }
        let own_charged = match (self.line_kind.as_deref(), self.line_value) {
            (Some("percent"), Some(bp)) => share(self.list, bp, 10_000),
            (Some("fixed"), Some(minor)) => minor,
            _ => 0,
        }
        .clamp(0, charged);
        let own = share(own_charged, total, charged);
        let cart_name = match (&self.code, self.cart) {
            (Some(code), false) => format!("Code {code}"),
            (Some(code), true) => format!("Manual and code {code}"),
            (None, _) => "Cart discount (manual)".to_string(),
        };
        let mut out = Vec::new();
        if own > 0 {
            out.push(("Line discount".to_string(), own));
        }
        if total - own != 0 {
            out.push((cart_name, total - own));
        }
        out
    }
}

fn taxes_json(text: &str) -> Vec<TaxPart> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Every fact in [from, to).
pub(crate) fn load(conn: Conn, from: Timestamp, to: Timestamp) -> Result<Vec<Fact>> {
    load_of(conn, from, to, None)
}

/// The facts in [from, to), only the lines of `variant` when given: the documents behind one
/// product's row skip building every other line.
pub(crate) fn load_of(
    conn: Conn,
    from: Timestamp,
    to: Timestamp,
    variant: Option<&str>,
) -> Result<Vec<Fact>> {
    // Over a long period one variant's lines are found by reading every line once in the
    // table's order and looking up only their documents: 0.5 s for a year of the bench's two
    // million lines against 2.4 s through the documents' time. Over a short period the
    // documents' time is quicker. An index of lines by variant would be quicker still, but
    // would be paid for by every counter sale and incoming order.
    const LONG: i64 = 92 * 86_400_000;
    let reach = Reach {
        variant,
        by_lines: variant.is_some() && to.0 - from.0 > LONG,
    };
    let mut facts = Vec::new();
    counter(conn, from, to, reach, &mut facts)?;
    orders(conn, from, to, reach, &mut facts)?;
    order_returns(conn, from, to, reach, &mut facts)?;
    Ok(facts)
}

/// Which lines a load reads: every line, or one variant's (bound as ?3) — through the documents'
/// time, or over a long period by one pass over the lines.
#[derive(Clone, Copy)]
struct Reach<'v> {
    variant: Option<&'v str>,
    by_lines: bool,
}

impl Reach<'_> {
    /// The FROM of a load: `by_time`, or `by_lines` when the lines are read first (SQLite's
    /// planner hints, `Conn::hinted`).
    fn tables(&self, conn: Conn, by_time: &'static str, by_lines: &'static str) -> String {
        conn.hinted(if self.by_lines { by_lines } else { by_time })
    }

    /// Its WHERE term (the cast tells PostgreSQL the absent variant's type).
    fn term(&self) -> &'static str {
        match self.variant {
            None => "CAST(?3 AS TEXT) IS NULL",
            Some(_) => "l.variant_id = ?3",
        }
    }
}

fn counter(
    conn: Conn,
    from: Timestamp,
    to: Timestamp,
    reach: Reach,
    out: &mut Vec<Fact>,
) -> Result<()> {
    // The sales are read by completion time (left alone, the planner reads every completed sale
    // by status), or one variant's lines first.
    let lines = reach.tables(
        conn,
        "sale s INDEXED BY sale_completed JOIN sale_line l ON l.sale_id = s.id",
        "sale_line l CROSS JOIN sale s ON s.id = l.sale_id",
    );
    let variant_term = reach.term();
    let sql = format!(
        "SELECT s.id, s.number, s.completed_at, coalesce(sh.location_id, ''), s.staff_id,
                s.prices_include_tax, l.id, l.kind, l.variant_id, l.title, coalesce(l.sku, ''),
                l.quantity, l.amount_minor, l.discount_minor, l.tax_minor, l.unit_cost_minor,
                l.restock, s.customer_id, s.discount_code, s.cart_discount_kind,
                l.discount_kind, l.discount, l.unit_price_minor, s.station
         FROM {lines}
         LEFT JOIN shift sh ON sh.id = s.shift_id
         WHERE s.status = 'completed' AND s.completed_at >= ?1 AND s.completed_at < ?2
           AND l.void_reason IS NULL AND l.amount_minor IS NOT NULL AND {variant_term}
         ORDER BY s.completed_at, s.id, l.position"
    );
    // Every tax part of the period's lines in one read, not one query per line.
    let parts = format!(
        "SELECT t.line_id, t.name, t.rate_bp, t.base_minor, t.tax_minor
         FROM {lines} JOIN sale_line_tax t ON t.line_id = l.id
         WHERE s.status = 'completed' AND s.completed_at >= ?1 AND s.completed_at < ?2
           AND {variant_term}"
    );
    let mut taxes_of: HashMap<String, Vec<TaxPart>> = HashMap::new();
    conn.query_map(&parts, args![from.0, to.0, reach.variant], |t| {
        taxes_of.entry(t.get(0)?).or_default().push(TaxPart {
            name: t.get(1)?,
            rate_bp: t.get(2)?,
            base_minor: t.get(3)?,
            tax_minor: t.get(4)?,
        });
        Ok(())
    })?;
    let facts = conn.query_map(&sql, args![from.0, to.0, reach.variant], |r| {
        let kind: String = r.get(7)?;
        let returned = kind == "return";
        let quantity: i64 = r.get(11)?;
        let (amount, discount, tax): (i64, i64, i64) = (r.get(12)?, r.get(13)?, r.get(14)?);
        let included: bool = r.get::<Option<bool>>(5)?.unwrap_or(true);
        let charged_discount = discount;
        let (net, discount) = before_tax(amount, discount, tax, included);
        let taxes = taxes_of.remove(&r.get::<String>(6)?).unwrap_or_default();
        let unit_cost: Option<i64> = r.get(15)?;
        let signed = if returned { -quantity } else { quantity };
        let sources = SaleDiscounts {
            code: r.get(18)?,
            cart: r.get::<Option<String>>(19)?.is_some(),
            line_kind: r.get(20)?,
            line_value: r.get(21)?,
            list: r.get::<i64>(22)? * quantity,
        };
        let discounts = if returned {
            Vec::new()
        } else {
            sources.split(charged_discount, discount)
        };
        Ok(Fact {
            at: Timestamp(r.get(2)?),
            doc: Doc::Sale,
            doc_id: r.get(0)?,
            doc_name: crate::sale::receipt_code(&r.get::<String>(23)?, r.get(1)?),
            channel: "counter".into(),
            location: r.get(3)?,
            staff: r.get(4)?,
            customer: r.get(17)?,
            kind: if kind == "gift_card" {
                LineKind::GiftCard
            } else {
                LineKind::Item
            },
            variant_id: r.get(8)?,
            title: r.get(9)?,
            sku: r.get(10)?,
            quantity: signed,
            gross: net + discount,
            discount,
            net,
            tax,
            taxes,
            cost: unit_cost.map(|c| c * signed),
            reason: String::new(),
            restocked: r.get(16)?,
            discounts,
        })
    })?;
    out.extend(facts);
    Ok(())
}

fn orders(
    conn: Conn,
    from: Timestamp,
    to: Timestamp,
    reach: Reach,
    out: &mut Vec<Fact>,
) -> Result<()> {
    let lines = reach.tables(
        conn,
        "customer_order o JOIN order_line l ON l.order_id = o.id",
        "order_line l CROSS JOIN customer_order o ON o.id = l.order_id",
    );
    let variant_term = reach.term();
    let sql = format!(
        "SELECT o.id, o.number, o.created_at, o.channel, o.location_id, coalesce(o.created_by, ''),
                o.prices_include_tax, l.kind, l.variant_id, l.title, l.sku, l.quantity,
                l.amount_minor, l.discount_minor, l.tax_minor, l.taxes, l.unit_cost_minor,
                o.customer_id
         FROM {lines}
         WHERE o.status <> 'cancelled' AND o.created_at >= ?1 AND o.created_at < ?2
           AND {variant_term}
         ORDER BY o.created_at, o.id, l.position"
    );
    let facts = conn.query_map(&sql, args![from.0, to.0, reach.variant], |r| {
        let kind: String = r.get(7)?;
        let quantity: i64 = r.get(11)?;
        let (amount, discount, tax): (i64, i64, i64) = (r.get(12)?, r.get(13)?, r.get(14)?);
        let (net, discount) = before_tax(amount, discount, tax, r.get(6)?);
        let unit_cost: Option<i64> = r.get(16)?;
        let channel: String = r.get(3)?;
        let discounts = if discount == 0 {
            Vec::new()
        } else {
            vec![(format!("{channel} discount"), discount)]
        };
        Ok(Fact {
            at: Timestamp(r.get(2)?),
            doc: Doc::Order,
            doc_id: r.get(0)?,
            doc_name: crate::order::order_name(r.get(1)?),
            channel,
            location: r.get(4)?,
            staff: r.get(5)?,
            customer: r.get(17)?,
            kind: if kind == "shipping" {
                LineKind::Shipping
            } else {
                LineKind::Item
            },
            variant_id: r.get(8)?,
            title: r.get(9)?,
            sku: r.get(10)?,
            quantity,
            gross: net + discount,
            discount,
            net,
            tax,
            taxes: taxes_json(&r.get::<String>(15)?),
            cost: unit_cost.map(|c| c * quantity),
            reason: String::new(),
            restocked: None,
            discounts,
        })
    })?;
    out.extend(facts);
    Ok(())
}

/// Order returns count on the day they were refunded, each returned line at its share of what
/// the order charged for it.
fn order_returns(
    conn: Conn,
    from: Timestamp,
    to: Timestamp,
    reach: Reach,
    out: &mut Vec<Fact>,
) -> Result<()> {
    let lines = reach.tables(
        conn,
        "order_return r JOIN order_return_line rl ON rl.return_id = r.id
         JOIN order_line l ON l.id = rl.order_line_id",
        "order_line l CROSS JOIN order_return_line rl ON rl.order_line_id = l.id
         CROSS JOIN order_return r ON r.id = rl.return_id",
    );
    let variant_term = reach.term();
    let sql = format!(
        "SELECT o.id, r.number, r.updated_at, o.channel, coalesce(rl.location_id, o.location_id),
                coalesce(r.created_by, ''), o.prices_include_tax, l.variant_id, l.title, l.sku,
                l.quantity, rl.quantity, l.amount_minor, l.discount_minor, l.tax_minor, l.taxes,
                l.unit_cost_minor, r.reason, rl.disposition, o.customer_id
         FROM {lines}
         JOIN customer_order o ON o.id = r.order_id
         WHERE r.status = 'refunded' AND r.updated_at >= ?1 AND r.updated_at < ?2
           AND {variant_term}
         ORDER BY r.updated_at, r.id, l.position"
    );
    let facts = conn.query_map(&sql, args![from.0, to.0, reach.variant], |r| {
        let (sold, back): (i64, i64) = (r.get(10)?, r.get(11)?);
        let (amount, discount, tax): (i64, i64, i64) = (r.get(12)?, r.get(13)?, r.get(14)?);
        let (net, discount) = before_tax(amount, discount, tax, r.get(6)?);
        let taxes = taxes_json(&r.get::<String>(15)?)
            .into_iter()
            .map(|t| TaxPart {
                base_minor: -share(t.base_minor, back, sold),
                tax_minor: -share(t.tax_minor, back, sold),
                ..t
            })
            .collect::<Vec<_>>();
        let unit_cost: Option<i64> = r.get(16)?;
        let disposition: Option<String> = r.get(18)?;
        let (net, discount) = (-share(net, back, sold), -share(discount, back, sold));
        Ok(Fact {
            at: Timestamp(r.get(2)?),
            doc: Doc::OrderReturn,
            doc_id: r.get(0)?,
            doc_name: format!("RMA-{}", r.get::<i64>(1)?),
            channel: r.get(3)?,
            location: r.get(4)?,
            staff: r.get(5)?,
            customer: r.get(19)?,
            kind: LineKind::Item,
            variant_id: r.get(7)?,
            title: r.get(8)?,
            sku: r.get(9)?,
            quantity: -back,
            gross: net + discount,
            discount,
            net,
            tax: taxes.iter().map(|t| t.tax_minor).sum(),
            taxes,
            cost: unit_cost.map(|c| -c * back),
            reason: r.get(17)?,
            restocked: disposition.map(|d| d == "restock"),
            discounts: Vec::new(),
        })
    })?;
    out.extend(facts);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_comes_out_of_an_included_price_and_its_discount() {
        // €24.60 incl. 23 % after a €6.15 discount: €20.00 net, the discount €5.00 before tax.
        assert_eq!(before_tax(2460, 615, 460, true), (2000, 500));
        assert_eq!(before_tax(2000, 500, 460, false), (2000, 500));
        assert_eq!(before_tax(0, 300, 0, true), (0, 300));
    }

    #[test]
    fn a_counter_lines_discount_splits_into_its_own_and_the_carts() {
        // 2 × 24.00 with 10 % off the line (4.80) and a code's share of 2.00: 6.80 charged,
        // 5.53 before 23 % VAT.
        let d = SaleDiscounts {
            code: Some("WELCOME".into()),
            cart: false,
            line_kind: Some("percent".into()),
            line_value: Some(1000),
            list: 4800,
        };
        let parts = d.split(680, 553);
        assert_eq!(
            parts,
            [
                ("Line discount".to_string(), 390),
                ("Code WELCOME".to_string(), 163)
            ]
        );
        assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), 553, "nothing lost");
        let manual = SaleDiscounts {
            code: None,
            cart: true,
            line_kind: None,
            line_value: None,
            list: 4800,
        };
        assert_eq!(
            manual.split(480, 390),
            [("Cart discount (manual)".to_string(), 390)]
        );
        assert!(manual.split(0, 0).is_empty());
    }

    #[test]
    fn a_share_is_rounded_to_the_nearest_cent_whatever_the_signs() {
        // An order return of 1 of 3 units takes a third of the line.
        assert_eq!(share(1000, 1, 3), 333);
        assert_eq!(share(1000, 2, 3), 667);
        assert_eq!(share(1000, 3, 3), 1000);
        assert_eq!(share(1000, 1, 0), 0);
        // A counter return: −24.60 incl. tax, −20.00 net, −6.15 of discount.
        assert_eq!(before_tax(-2460, -615, -460, true), (-2000, -500));
        assert_eq!(share(-1000, 1, -3), 333);
        assert_eq!(share(-1000, 1, 3), -333);
    }
}
