//! Paying: tenders (cash with change and optional cash rounding, card on an external terminal,
//! store credit, gift cards, custom), the preview a pay screen shows while tenders are typed, and
//! completing a sale in one transaction — or a refund, when the total is negative.

use super::view::{self, check_returnable, line_rows, price_cart, sale_row, Tender};
use super::{edit::check_cart_stock, require_open, status_of, LineKind, Sale, SaleStatus};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{div_round, Currency, Money};
use crate::sale::journal;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::stock::{record_move, Move, MoveReason};
use crate::store::next_number;
use crate::till::{self, THIS_TILL};
use crate::Shop;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TenderKind {
    Cash,
    Card,
    StoreCredit,
    GiftCard,
    Custom,
}

impl TenderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::Card => "card",
            TenderKind::StoreCredit => "store_credit",
            TenderKind::GiftCard => "gift_card",
            TenderKind::Custom => "custom",
        }
    }
    pub(crate) fn parse(s: &str) -> TenderKind {
        match s {
            "card" => TenderKind::Card,
            "store_credit" => TenderKind::StoreCredit,
            "gift_card" => TenderKind::GiftCard,
            "custom" => TenderKind::Custom,
            _ => TenderKind::Cash,
        }
    }
    fn label(self) -> &'static str {
        match self {
            TenderKind::Cash => "Cash",
            TenderKind::Card => "Card",
            TenderKind::StoreCredit => "Store credit",
            TenderKind::GiftCard => "Gift card",
            TenderKind::Custom => "Other",
        }
    }
}

/// A tender as typed at the pay screen.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct TenderDraft {
    pub kind: Option<TenderKind>,
    /// What this tender pays (on a refund: pays back). Empty: the rest. Cash: what is handed over.
    pub amount: String,
    /// Card: the terminal's approval code. Gift card: its code. Custom: the tender's name.
    pub reference: String,
    /// Card: the last four digits the terminal prints — never the card number.
    pub last4: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PaymentPreview {
    pub total: Money,
    /// Cash rounding (e.g. to 0.05) when cash settles the sale.
    pub rounding: Money,
    pub tenders: Vec<Tender>,
    /// Still to pay (or to pay back), 0 when the sale can complete.
    pub remaining: Money,
    pub change: Money,
}

/// Rounds to the nearest `step`, halves away from zero.
fn round_to(v: i64, step: i64) -> i64 {
    if step <= 1 {
        v
    } else {
        div_round(v as i128, step as i128) as i64 * step
    }
}

/// Refuses anything that could be a card number: Shopdesk never stores one.
fn clean_card(reference: &str, last4: &str) -> Result<Option<String>> {
    let approval = reference.trim();
    let last4 = last4.trim();
    let digits_run = approval
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    if digits_run >= 9 || approval.len() > 20 {
        return Err(Error::invalid(
            "the approval code is short (never type the card number here)",
        ));
    }
    if !last4.is_empty() && (last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Error::invalid("only the card's last four digits, please"));
    }
    let mut parts = Vec::new();
    if !approval.is_empty() {
        parts.push(format!("approval {approval}"));
    }
    if !last4.is_empty() {
        parts.push(format!("•••• {last4}"));
    }
    Ok((!parts.is_empty()).then(|| parts.join(" · ")))
}

fn gift_card_balance(conn: &Connection, code: &str) -> Result<i64> {
    let (exists, balance): (bool, i64) = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM gift_card WHERE code = ?1),
                (SELECT ifnull(sum(delta_minor), 0) FROM gift_card_move WHERE code = ?1)",
        [code],
        |r| r.try_into(),
    )?;
    if !exists {
        return Err(Error::invalid(format!("no gift card '{code}'")));
    }
    Ok(balance)
}

/// Tenders worked out against the total: amounts (signed like the total), rounding, change.
struct Settled {
    tenders: Vec<Tender>,
    rounding: i64,
    change: i64,
    remaining: i64,
}

fn settle(
    conn: &Connection,
    total: i64,
    customer: Option<&str>,
    drafts: &[TenderDraft],
    cur: Currency,
) -> Result<Settled> {
    let step: i64 = conn.query_row(
        "SELECT cash_rounding_minor FROM shop WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    let sign = if total < 0 { -1 } else { 1 };
    let refund = sign < 0;
    let (mut remaining, mut rounding, mut change) = (total.abs(), 0i64, 0i64);
    let mut tenders = Vec::with_capacity(drafts.len());
    let m = |v: i64| Money::from_minor(v, cur);
    for d in drafts {
        let kind = d.kind.unwrap_or(TenderKind::Cash);
        if remaining == 0 {
            return Err(Error::invalid(
                "nothing is left to pay; remove the extra tender",
            ));
        }
        let typed = match d.amount.trim() {
            "" => None,
            t => Some(Money::parse(t, cur)?.minor()),
        };
        if typed.is_some_and(|a| a <= 0) {
            return Err(Error::invalid("a tender's amount is above 0"));
        }
        let mut given = None;
        // Cash that settles the rest pays it rounded to the shop's step; the difference is the
        // sale's rounding, not a payment.
        let mut rounded_here = 0;
        let applied = if kind == TenderKind::Cash {
            let rounded = round_to(remaining, step);
            let handed = typed.unwrap_or(rounded);
            given = Some(m(handed));
            if handed >= rounded {
                if refund && handed > rounded {
                    return Err(Error::invalid(format!(
                        "pay back {} in cash, not more",
                        m(rounded).to_decimal_string()
                    )));
                }
                rounded_here = rounded - remaining;
                change = handed - rounded;
                rounded
            } else {
                handed
            }
        } else {
            let a = typed.unwrap_or(remaining);
            if a > remaining {
                return Err(Error::invalid(format!(
                    "{} cannot take more than the {} left",
                    kind.label(),
                    m(remaining).to_decimal_string()
                )));
            }
            a
        };
        let (label, reference) = match kind {
            TenderKind::Card => ("Card".to_string(), clean_card(&d.reference, &d.last4)?),
            TenderKind::GiftCard => {
                let code = d.reference.trim().to_ascii_uppercase();
                let balance = gift_card_balance(conn, &code)?;
                if !refund && balance < applied {
                    return Err(Error::BalanceTooLow {
                        left: balance,
                        message: format!(
                            "gift card {code} has only {} left",
                            m(balance).to_decimal_string()
                        ),
                    });
                }
                ("Gift card".to_string(), Some(code))
            }
            TenderKind::StoreCredit => {
                let c = customer.ok_or_else(|| {
                    Error::invalid("attach the customer whose store credit this is")
                })?;
                let balance = crate::sale::store_credit(conn, c)?;
                if !refund && balance < applied {
                    return Err(Error::BalanceTooLow {
                        left: balance,
                        message: format!(
                            "the customer has only {} of store credit",
                            m(balance).to_decimal_string()
                        ),
                    });
                }
                ("Store credit".to_string(), None)
            }
            TenderKind::Custom => {
                let name = d.reference.trim();
                if name.is_empty() {
                    return Err(Error::invalid(
                        "name the tender (voucher, bank transfer, …)",
                    ));
                }
                (name.to_string(), None)
            }
            TenderKind::Cash => ("Cash".to_string(), None),
        };
        rounding += rounded_here;
        remaining -= applied - rounded_here;
        tenders.push(Tender {
            kind,
            label,
            amount: m(sign * applied),
            given,
            reference,
        });
    }
    Ok(Settled {
        tenders,
        rounding: sign * rounding,
        change,
        remaining: sign * remaining,
    })
}

impl Shop {
    /// What the typed tenders would do: amounts, rounding, change and what is left. Writes nothing.
    pub fn payment_preview(
        &self,
        session: &Session,
        sale_id: &str,
        tenders: &[TenderDraft],
    ) -> Result<PaymentPreview> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            require_open(c, sale_id)?;
            let cur = shop_currency(c)?;
            let sale = sale_row(c, sale_id)?;
            let (priced, _) = price_cart(c, sale_id, &sale, &line_rows(c, sale_id)?)?;
            let s = settle(c, priced.total, sale.customer_id.as_deref(), tenders, cur)?;
            Ok(PaymentPreview {
                total: Money::from_minor(priced.total, cur),
                rounding: Money::from_minor(s.rounding, cur),
                tenders: s.tenders,
                remaining: Money::from_minor(s.remaining, cur),
                change: Money::from_minor(s.change, cur),
            })
        })
    }

    /// Completes a sale (or a refund) with its tenders: one transaction for the sale, its frozen
    /// lines and taxes, tenders, stock moves, gift cards, store credit and the journal entry.
    /// Completing a sale that is already complete returns it unchanged, so a retry after a crash
    /// or a double press never doubles it.
    pub fn complete_sale(
        &self,
        session: &Session,
        sale_id: &str,
        tenders: &[TenderDraft],
    ) -> Result<Sale> {
        self.db.own_write(|tx| {
            authorize(tx, session, Permission::Sell)?;
            if status_of(tx, sale_id)? == SaleStatus::Completed {
                return view::load(tx, sale_id);
            }
            require_open(tx, sale_id)?;
            let now = self.clock.now();
            let cur = shop_currency(tx)?;
            let (shift_id, location_id) = crate::sale::shift::open_shift(tx)?
                .ok_or(Error::NoShiftOpen)?;
            let rows = line_rows(tx, sale_id)?;
            if rows.iter().all(|l| l.void_reason.is_some()) {
                return Err(Error::invalid("the cart is empty"));
            }
            let sale = sale_row(tx, sale_id)?;
            let (priced, index) = price_cart(tx, sale_id, &sale, &rows)?;
            let customer = sale.customer_id;
            let s = settle(tx, priced.total, customer.as_deref(), tenders, cur)?;
            // Stock and returns are checked again here: the cart was built edit by edit, and
            // another till or a stock count may have moved things since.
            let mut variants: Vec<&str> = rows
                .iter()
                .filter(|l| l.kind == LineKind::Item && l.void_reason.is_none())
                .filter_map(|l| l.variant_id.as_deref())
                .collect();
            variants.sort_unstable();
            variants.dedup();
            for v in variants {
                check_cart_stock(tx, sale_id, v, 0)?;
            }
            for l in rows.iter().filter(|l| l.kind == LineKind::Return && l.void_reason.is_none()) {
                check_returnable(tx, l.return_of.as_deref().unwrap_or_default(), sale_id, l.quantity)?;
            }
            if s.remaining != 0 {
                return Err(Error::invalid(format!(
                    "{} is still to {}",
                    Money::from_minor(s.remaining.abs(), cur).to_decimal_string(),
                    if s.remaining > 0 { "pay" } else { "pay back" }
                )));
            }
            let number = next_number(tx, "receipt")?;
            let doc = ("sale", sale_id);
            for (l, i) in rows.iter().zip(&index) {
                let Some(i) = i else { continue };
                let p = &priced.lines[*i];
                let tax: i64 = p.taxes.iter().map(|t| t.tax_minor).sum();
                tx.prepare_cached(
                    "UPDATE sale_line SET discount_minor = ?2, amount_minor = ?3, tax_minor = ?4,
                         unit_cost_minor = CASE WHEN return_of IS NULL
                             THEN (SELECT cost_minor FROM variant WHERE id = sale_line.variant_id)
                             ELSE (SELECT o.unit_cost_minor FROM sale_line o WHERE o.id = sale_line.return_of) END
                     WHERE id = ?1",
                )?
                .execute(params![l.id, p.discount, p.amount, tax])?;
                for t in &p.taxes {
                    tx.prepare_cached(
                        "INSERT INTO sale_line_tax (line_id, name, rate_bp, base_minor, tax_minor)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![l.id, t.name, t.rate_bp, t.base_minor, t.tax_minor])?;
                }
                let stock_move = |reason, on_hand| -> Result<()> {
                    let Some(variant_id) = l.variant_id.as_deref() else { return Ok(()) };
                    record_move(
                        tx,
                        &Move {
                            variant_id,
                            location_id: &location_id,
                            reason,
                            on_hand,
                            committed: 0,
                            unit_cost: None,
                            doc: Some(doc),
                            note: "",
                            staff_id: Some(session.staff_id()),
                            at: now,
                        },
                    )
                };
                match l.kind {
                    LineKind::Item => stock_move(MoveReason::Sale, -l.quantity)?,
                    LineKind::Return if l.restock == Some(true) => {
                        stock_move(MoveReason::Return, l.quantity)?
                    }
                    LineKind::Return => {}
                    LineKind::GiftCard => {
                        let code = l.gift_card_code.as_deref().unwrap_or_default();
                        tx.execute(
                            "INSERT INTO gift_card (code, sale_id, created_at) VALUES (?1, ?2, ?3)",
                            params![code, sale_id, now.0],
                        )
                        .map_err(|_| Error::Conflict(format!("gift card {code} already exists")))?;
                        gift_card_move(tx, code, l.unit_price, sale_id, now.0)?;
                    }
                }
            }
            for (pos, t) in s.tenders.iter().enumerate() {
                tx.prepare_cached(
                    "INSERT INTO tender (id, sale_id, position, kind, label, amount_minor, given_minor, reference)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    new_id(),
                    sale_id,
                    pos as i64,
                    t.kind.as_str(),
                    t.label,
                    t.amount.minor(),
                    t.given.map(|g| g.minor()),
                    t.reference
                ])?;
                match (t.kind, &t.reference, &customer) {
                    (TenderKind::GiftCard, Some(code), _) => {
                        gift_card_move(tx, code, -t.amount.minor(), sale_id, now.0)?
                    }
                    (TenderKind::StoreCredit, _, Some(c)) => {
                        tx.execute(
                            "INSERT INTO store_credit_move (id, customer_id, delta_minor, sale_id, at)
                             VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![new_id(), c, -t.amount.minor(), sale_id, now.0],
                        )?;
                    }
                    _ => {}
                }
            }
            let returned: i64 = rows
                .iter()
                .zip(&index)
                .filter(|(l, _)| l.kind == LineKind::Return)
                .filter_map(|(_, i)| i.map(|i| priced.lines[i].amount))
                .sum();
            if returned != 0 {
                // Money back over the counter is on the trail, beside the journal's entry.
                crate::audit::record(
                    tx,
                    crate::audit::Change::by(
                        now,
                        session.staff_id(),
                        "counter_refund",
                        ("sale", sale_id),
                        serde_json::json!({
                            "receipt": super::receipt_code(&till::this_till(tx)?, number),
                            "returned_minor": returned
                        }),
                    ),
                )?;
            }
            tx.execute(
                &format!(
                    "UPDATE sale SET status = 'completed', number = ?2, shift_id = ?3,
                         prices_include_tax = ?4, subtotal_minor = ?5, discount_minor = ?6,
                         tax_minor = ?7, rounding_minor = ?8, total_minor = ?9, change_minor = ?10,
                         completed_at = ?11, updated_at = ?11, station = {THIS_TILL}
                     WHERE id = ?1"
                ),
                params![
                    sale_id,
                    number,
                    shift_id,
                    priced.included,
                    priced.subtotal,
                    priced.discount,
                    priced.tax,
                    s.rounding,
                    priced.total + s.rounding,
                    s.change,
                    now.0
                ],
            )?;
            let kind = if priced.total < 0 || rows.iter().all(|l| l.kind == LineKind::Return) {
                journal::Kind::Return
            } else {
                journal::Kind::Sale
            };
            journal::append(tx, now, kind, sale_id, &journal::sale_payload(tx, sale_id)?)?;
            till::queue(tx, till::Kind::Sale, sale_id, now)?;
            view::load(tx, sale_id)
        })
    }

    /// A gift card's balance, for "how much is left on my card?".
    pub fn gift_card_balance(&self, session: &Session, code: &str) -> Result<Money> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            let cur = shop_currency(c)?;
            let code = code.trim().to_ascii_uppercase();
            Ok(Money::from_minor(gift_card_balance(c, &code)?, cur))
        })
    }
}

fn gift_card_move(conn: &Connection, code: &str, delta: i64, sale_id: &str, at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO gift_card_move (id, code, delta_minor, sale_id, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new_id(), code, delta, sale_id, at],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cash_rounds_to_the_step_halves_away_from_zero() {
        assert_eq!(round_to(1002, 5), 1000);
        assert_eq!(round_to(1003, 5), 1005);
        assert_eq!(round_to(1025, 10), 1030);
        assert_eq!(round_to(-1003, 5), -1005);
        assert_eq!(round_to(1003, 0), 1003);
    }

    #[test]
    fn a_card_number_is_never_accepted() {
        assert!(clean_card("4111111111111111", "").is_err());
        assert!(clean_card("", "41111").is_err());
        assert_eq!(
            clean_card("A1B2C3", "4242").unwrap().as_deref(),
            Some("approval A1B2C3 · •••• 4242")
        );
        assert_eq!(clean_card("", "").unwrap(), None);
    }
}
