//! Invoices and credit notes: gapless numbers per series and year, given in the transaction that
//! issues the document; the whole document frozen at issue (database triggers refuse any change),
//! so what was sent is what stays. Corrections are credit notes that reference the invoice.
//! Issuing an order's or a sale's invoice twice returns the one already issued.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{Currency, Money};
use crate::order::settings::{self, Legal};
use crate::order::{self, Address};
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::store::next_number;
use crate::tax::TaxPart;
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

impl InvoiceKind {
    fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::CreditNote => "credit_note",
        }
    }
}

/// Paper by the shop's country: Letter in North America and a few others, A4 everywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaperSize {
    A4,
    Letter,
}

impl PaperSize {
    pub fn for_country(country: &str) -> PaperSize {
        match country {
            "US" | "CA" | "MX" | "PH" | "CL" | "CO" | "VE" | "GT" | "DO" | "CR" | "PA" => {
                PaperSize::Letter
            }
            _ => PaperSize::A4,
        }
    }
}

/// Seller or buyer as printed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Party {
    pub name: String,
    pub lines: Vec<String>,
    pub tax_id: String,
    pub email: String,
    /// Invoices issued before phones were kept have none.
    #[serde(default)]
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InvoiceLine {
    pub description: String,
    pub sku: String,
    #[ts(type = "number")]
    pub quantity: i64,
    pub unit_price: Money,
    pub discount: Money,
    /// Before tax.
    pub net: Money,
    pub tax: Money,
    /// Tax included.
    pub total: Money,
    /// The rates that apply ("VAT 23%").
    pub tax_rate: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Invoice {
    pub id: String,
    pub kind: InvoiceKind,
    /// "INV-2026-00017".
    pub code: String,
    pub issued_at: Timestamp,
    pub due_at: Option<Timestamp>,
    /// The shop's IANA zone when issued: the dates print as the shop's days. Empty on invoices
    /// issued before shops had a zone (those print in UTC).
    #[serde(default)]
    pub time_zone: String,
    /// The invoice a credit note corrects.
    pub credits: Option<String>,
    pub order: Option<String>,
    pub receipt: Option<String>,
    pub seller: Party,
    pub buyer: Party,
    pub ship_to: Vec<String>,
    pub currency: String,
    pub paper: PaperSize,
    pub prices_include_tax: bool,
    pub lines: Vec<InvoiceLine>,
    pub taxes: Vec<TaxPart>,
    pub net: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    /// Paid when issued (refunded, for a credit note).
    pub paid: Money,
    pub balance: Money,
    pub payment_terms: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InvoiceRef {
    pub id: String,
    pub kind: InvoiceKind,
    pub code: String,
    pub total: Money,
    pub issued_at: Timestamp,
}

pub(crate) fn refs_of_order(conn: Conn, order_id: &str, cur: Currency) -> Result<Vec<InvoiceRef>> {
    conn.query_map(
        "SELECT id, kind, code, total_minor, issued_at FROM invoice WHERE order_id = ?1
         ORDER BY issued_at, number",
        args![order_id],
        |r| {
            let kind: String = r.get(1)?;
            Ok(InvoiceRef {
                id: r.get(0)?,
                kind: if kind == "credit_note" {
                    InvoiceKind::CreditNote
                } else {
                    InvoiceKind::Invoice
                },
                code: r.get(2)?,
                total: Money::from_minor(r.get(3)?, cur),
                issued_at: Timestamp(r.get(4)?),
            })
        },
    )
}

pub(crate) fn load<'c>(conn: impl Into<Conn<'c>>, invoice_id: &str) -> Result<Invoice> {
    let data: String = conn
        .into()
        .query_opt(
            "SELECT data FROM invoice WHERE id = ?1",
            args![invoice_id],
            |r| r.get(0),
        )?
        .ok_or(Error::NotFound { what: "invoice" })?;
    serde_json::from_str(&data).map_err(|e| Error::Storage(format!("invoice data: {e}")))
}

fn existing<'c>(conn: impl Into<Conn<'c>>, column: &str, id: &str) -> Result<Option<String>> {
    conn.into().query_opt(
        &format!("SELECT id FROM invoice WHERE {column} = ?1 AND kind = 'invoice'"),
        args![id],
        |r| r.get(0),
    )
}

/// Gives the next number of the series and year and writes the document, in the caller's
/// transaction: if anything after fails, the number is rolled back with it — no gaps.
fn write<'c>(
    conn: impl Into<Conn<'c>>,
    mut inv: Invoice,
    links: (Option<&str>, Option<&str>, Option<&str>, Option<&str>),
    staff: &str,
) -> Result<Invoice> {
    let conn = conn.into();
    let legal = settings::legal(conn)?;
    let series = match inv.kind {
        InvoiceKind::Invoice => legal.invoice_prefix.clone(),
        InvoiceKind::CreditNote => legal.credit_note_prefix.clone(),
    };
    // The series restarts on the shop's new year, not UTC's.
    let zone = crate::shop::zone(conn)?;
    inv.time_zone = zone.name().to_string();
    let year = zone.date(inv.issued_at).year();
    let number = next_number(conn, &format!("invoice:{series}:{year}"))?;
    inv.code = format!("{series}-{year}-{number:05}");
    let (order_id, sale_id, credits, customer_id) = links;
    conn.execute(
        "INSERT INTO invoice (id, kind, series, year, number, code, order_id, sale_id, credits,
             customer_id, total_minor, data, issued_by, issued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        args![
            inv.id,
            inv.kind.as_str(),
            series,
            i64::from(year),
            number,
            inv.code,
            order_id,
            sale_id,
            credits,
            customer_id,
            inv.total.minor(),
            serde_json::to_string(&inv).map_err(|e| Error::Storage(e.to_string()))?,
            staff,
            inv.issued_at.0,
        ],
    )?;
    Ok(inv)
}

pub(crate) fn seller(legal: &Legal) -> Party {
    Party {
        name: legal.legal_name.clone(),
        lines: legal
            .legal_address
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        tax_id: legal.tax_id.clone(),
        email: legal.shop_email.clone(),
        phone: legal.phone.clone(),
    }
}

/// A line's amount before and after tax, from its amount in the price convention it was sold in.
fn net_and_total(amount: i64, tax: i64, included: bool) -> (i64, i64) {
    let total = crate::tax::charged(amount, tax, included);
    (total - tax, total)
}

/// How an invoice line names its taxes: "VAT 23%" or "NY State + NYC".
pub(crate) fn rate_label(taxes: &[TaxPart]) -> String {
    taxes
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

fn blank(
    kind: InvoiceKind,
    now: Timestamp,
    legal: &Legal,
    cur: Currency,
    included: bool,
) -> Invoice {
    let zero = Money::zero(cur);
    Invoice {
        id: new_id(),
        kind,
        code: String::new(),
        issued_at: now,
        due_at: None,
        time_zone: String::new(),
        credits: None,
        order: None,
        receipt: None,
        seller: seller(legal),
        buyer: Party::default(),
        ship_to: Vec::new(),
        currency: cur.code().to_string(),
        paper: PaperSize::for_country(&legal.country),
        prices_include_tax: included,
        lines: Vec::new(),
        taxes: Vec::new(),
        net: zero,
        discount: zero,
        tax: zero,
        total: zero,
        paid: zero,
        balance: zero,
        payment_terms: String::new(),
        note: String::new(),
    }
}

fn buyer_of(name: &str, address: &Address, email: Option<&str>) -> Party {
    let mut lines = address.lines();
    if lines.first().is_some_and(|l| l == name) {
        lines.remove(0);
    }
    Party {
        name: name.to_string(),
        lines,
        email: email.unwrap_or_default().to_string(),
        ..Party::default()
    }
}

/// The order's invoice, issued now if it has none, in the caller's transaction — which holds the
/// order (`order::lock`), so two stations never issue it twice.
pub(crate) fn issue_for_order<'c>(
    conn: impl Into<Conn<'c>>,
    order_id: &str,
    staff: &str,
    now: Timestamp,
) -> Result<Invoice> {
    let conn = conn.into();
    if let Some(id) = existing(conn, "order_id", order_id)? {
        return load(conn, &id);
    }
    let o = order::load_order(conn, order_id)?;
    if o.status == order::OrderStatus::Cancelled {
        return Err(Error::Conflict(format!(
            "order {} is cancelled: no invoice",
            o.name
        )));
    }
    let legal = settings::legal(conn)?;
    let cur = o.total.currency();
    let mut inv = blank(InvoiceKind::Invoice, now, &legal, cur, o.prices_include_tax);
    inv.order = Some(o.name.clone());
    let name = Some(o.billing.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| o.customer.as_ref().map(|c| c.name.clone()))
        .unwrap_or_default();
    inv.buyer = buyer_of(&name, &o.billing, o.email.as_deref());
    if o.shipping != o.billing {
        inv.ship_to = o.shipping.lines();
    }
    for l in &o.lines {
        let (net, _) = net_and_total(l.amount.minor(), l.tax.minor(), o.prices_include_tax);
        inv.lines.push(InvoiceLine {
            description: l.title.clone(),
            sku: l.sku.clone(),
            quantity: l.quantity,
            unit_price: l.unit_price,
            discount: l.discount,
            net: Money::from_minor(net, cur),
            tax: l.tax,
            total: l.charged,
            tax_rate: rate_label(&l.taxes),
        });
    }
    inv.taxes = o.taxes.clone();
    inv.net = Money::from_minor(inv.lines.iter().map(|l| l.net.minor()).sum(), cur);
    inv.discount = o.discount;
    inv.tax = o.tax;
    inv.total = o.total;
    let paid = o.paid.minor() - o.refunded.minor();
    inv.paid = Money::from_minor(paid, cur);
    inv.balance = Money::from_minor((o.total.minor() - paid).max(0), cur);
    if inv.balance.minor() > 0 {
        let due = Timestamp(now.0 + legal.payment_terms_days * 86_400_000);
        inv.due_at = Some(due);
        inv.payment_terms = format!(
            "Payable within {} days, by {}.",
            legal.payment_terms_days,
            crate::shop::zone(conn)?.date_text(due)
        );
    } else {
        inv.payment_terms = "Paid in full. Thank you.".into();
    }
    let customer = o.customer.as_ref().map(|c| c.id.as_str());
    let inv = write(conn, inv, (Some(order_id), None, None, customer), staff)?;
    order::event(conn, order_id, now, Some(staff), "invoiced", &inv.code)?;
    Ok(inv)
}

/// A credit note against the order's invoice (issued first if there is none yet): the lines
/// given with their taxes per rate (positive amounts; the note stores them negative).
pub(crate) fn credit_order<'c>(
    conn: impl Into<Conn<'c>>,
    order_id: &str,
    lines: Vec<(InvoiceLine, Vec<TaxPart>)>,
    reason: &str,
    staff: &str,
    now: Timestamp,
) -> Result<Invoice> {
    let conn = conn.into();
    let original = issue_for_order(conn, order_id, staff, now)?;
    let legal = settings::legal(conn)?;
    let cur = Currency::from_code(&original.currency)?;
    let neg = |m: Money| Money::from_minor(-m.minor(), cur);
    let mut inv = blank(
        InvoiceKind::CreditNote,
        now,
        &legal,
        cur,
        original.prices_include_tax,
    );
    inv.credits = Some(original.code.clone());
    inv.order = original.order.clone();
    inv.buyer = original.buyer.clone();
    inv.note = reason.to_string();
    let mut parts: Vec<TaxPart> = Vec::new();
    for (l, taxes) in lines {
        parts.extend(taxes.into_iter().map(|t| TaxPart {
            base_minor: -t.base_minor,
            tax_minor: -t.tax_minor,
            ..t
        }));
        inv.lines.push(InvoiceLine {
            unit_price: neg(l.unit_price),
            discount: neg(l.discount),
            net: neg(l.net),
            tax: neg(l.tax),
            total: neg(l.total),
            ..l
        });
    }
    let taxes = order::sum_by_rate(parts.iter());
    inv.taxes = taxes;
    inv.net = Money::from_minor(inv.lines.iter().map(|l| l.net.minor()).sum(), cur);
    inv.tax = Money::from_minor(inv.lines.iter().map(|l| l.tax.minor()).sum(), cur);
    inv.total = Money::from_minor(inv.lines.iter().map(|l| l.total.minor()).sum(), cur);
    inv.paid = inv.total;
    inv.payment_terms = format!(
        "Refunded {}.",
        Money::from_minor(-inv.total.minor(), cur).to_decimal_string()
    );
    let customer: Option<String> = conn.query_row(
        "SELECT customer_id FROM customer_order WHERE id = ?1",
        args![order_id],
        |r| r.get(0),
    )?;
    let inv = write(
        conn,
        inv,
        (
            Some(order_id),
            None,
            Some(&original.id),
            customer.as_deref(),
        ),
        staff,
    )?;
    order::event(
        conn,
        order_id,
        now,
        Some(staff),
        "credit_note",
        &format!("{} corrects {}", inv.code, original.code),
    )?;
    Ok(inv)
}

impl Shop {
    /// The order's invoice: issued now with the next number, or the one already issued.
    pub fn issue_order_invoice(&self, session: &Session, order_id: &str) -> Result<Invoice> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            // Two stations issuing it at once: the second finds the first's.
            order::lock_order(tx, order_id)?;
            issue_for_order(tx, order_id, session.staff_id(), self.clock.now())
        })
    }

    /// An invoice for a completed counter sale (a business customer asks for one at the till,
    /// or later of the back office). On a station it is the shop's — its number from the shop's
    /// one gapless series — so it is issued on the server from the sale as the server holds it:
    /// any station may issue it once the sale has reached the server.
    pub fn issue_sale_invoice(
        &self,
        session: &Session,
        sale_id: &str,
        buyer: &Party,
    ) -> Result<Invoice> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::Sell)?;
            if let Some(id) = existing(tx, "sale_id", sale_id)? {
                return load(tx, &id);
            }
            let Some(sale) = crate::sale::sold(tx, sale_id)? else {
                // A till's sale is in its own file first: until it reaches the server, say so.
                let here = |c: &rusqlite::Connection| {
                    c.query_row(
                        "SELECT EXISTS (SELECT 1 FROM sale WHERE id = ?1)",
                        [sale_id],
                        |r| r.get::<_, bool>(0),
                    )
                };
                return Err(if self.is_station() && self.db.read(|c| Ok(here(c)?))? {
                    Error::Conflict(
                        "this sale has not reached the shop's server yet (it waits while the \
                         server is away): issue the invoice once the top bar shows no sales waiting"
                            .into(),
                    )
                } else {
                    Error::NotFound { what: "sale" }
                });
            };
            if sale.status != crate::sale::SaleStatus::Completed {
                return Err(Error::Conflict(
                    "only a completed sale gets an invoice".into(),
                ));
            }
            let now = self.clock.now();
            let legal = settings::legal(tx)?;
            let cur = shop_currency(tx)?;
            let m = |v: i64| Money::from_minor(v, cur);
            let mut inv = blank(InvoiceKind::Invoice, now, &legal, cur, sale.included);
            inv.receipt = sale.receipt;
            inv.buyer = Party {
                name: buyer.name.trim().to_string(),
                lines: buyer
                    .lines
                    .iter()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect(),
                tax_id: buyer.tax_id.trim().to_string(),
                email: buyer.email.trim().to_string(),
                phone: String::new(),
            };
            if inv.buyer.name.is_empty() {
                inv.buyer.name = sale.customer_name.unwrap_or_default();
            }
            for l in sale.lines {
                let (net, total) = net_and_total(l.amount, l.tax, sale.included);
                inv.lines.push(InvoiceLine {
                    description: l.title,
                    sku: l.sku.unwrap_or_default(),
                    quantity: l.quantity,
                    unit_price: m(l.unit_price),
                    discount: m(l.discount),
                    net: m(net),
                    tax: m(l.tax),
                    total: m(total),
                    tax_rate: String::new(),
                });
            }
            inv.taxes = sale.taxes;
            inv.net = m(inv.lines.iter().map(|l| l.net.minor()).sum());
            inv.discount = m(sale.discount);
            inv.tax = m(sale.tax);
            inv.total = m(sale.total);
            inv.paid = inv.total;
            inv.payment_terms = "Paid at the counter.".into();
            write(
                tx,
                inv,
                (None, Some(sale_id), None, sale.customer_id.as_deref()),
                session.staff_id(),
            )
        })
    }

    pub fn invoice(&self, session: &Session, invoice_id: &str) -> Result<Invoice> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            load(c, invoice_id)
        })
    }
}
