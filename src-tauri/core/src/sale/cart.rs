//! The counter's entry points for carts: starting one (or starting it with its first scan),
//! applying an edit (with a manager's approval when one is needed), and reading sales back for
//! the screen, a return or a reprint.

use super::edit::{Ctx, SaleEdit};
use super::view;
use super::{require_open, status_of, Approval, Sale, SaleStatus};
use crate::catalog::lookup_in;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Approver, Permission, Session};
use crate::Shop;
use rusqlite::{params, OptionalExtension, Transaction};

impl Shop {
    /// Starts an empty cart for the signed-in clerk.
    pub fn new_sale(&self, session: &Session) -> Result<Sale> {
        self.db.own_write(|tx| {
            authorize(tx, session, Permission::Sell)?;
            let id = insert_sale(tx, session, self.clock.now())?;
            view::load(tx, &id)
        })
    }

    /// Applies one edit to a cart and returns it priced. `approval` is a manager's PIN for an
    /// edit that answers `needs_approval` without one.
    pub fn edit_sale(
        &self,
        session: &Session,
        sale_id: &str,
        edit: &SaleEdit,
        approval: Option<&Approval>,
    ) -> Result<Sale> {
        self.edit_or_start(session, Some(sale_id), edit, approval)
    }

    /// Starts a cart with its first edit (usually a scan) in one transaction: the first scan of
    /// a sale is one round trip, and a refused one (an unknown code) leaves no empty cart.
    pub fn start_sale(
        &self,
        session: &Session,
        edit: &SaleEdit,
        approval: Option<&Approval>,
    ) -> Result<Sale> {
        self.edit_or_start(session, None, edit, approval)
    }

    fn edit_or_start(
        &self,
        session: &Session,
        sale_id: Option<&str>,
        edit: &SaleEdit,
        approval: Option<&Approval>,
    ) -> Result<Sale> {
        // The PIN's slow hash check happens before the write lock, as at sign-in.
        let approver = self.approver(approval)?;
        self.db.own_write(|tx| {
            authorize(tx, session, Permission::Sell)?;
            let now = self.clock.now();
            let id = match sale_id {
                Some(id) => id.to_string(),
                None => insert_sale(tx, session, now)?,
            };
            edit_in(tx, session, approver.as_ref(), &id, edit, now)
        })
    }

    /// The clerk's cart still open from before (a restart, a screen change), if any.
    pub fn current_sale(&self, session: &Session) -> Result<Option<Sale>> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            let id: Option<String> = c
                .query_row(
                    "SELECT id FROM sale WHERE status = 'open' AND staff_id = ?1
                     ORDER BY updated_at DESC LIMIT 1",
                    [session.staff_id()],
                    |r| r.get(0),
                )
                .optional()?;
            id.map(|id| view::load(c, &id)).transpose()
        })
    }

    pub fn sale(&self, session: &Session, sale_id: &str) -> Result<Sale> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            view::load(c, sale_id)
        })
    }

    /// A completed sale by its receipt code or number (for a return or a reprint).
    pub fn sale_by_receipt(&self, session: &Session, code: &str) -> Result<Sale> {
        let (till, number) = super::parse_receipt_code(code)
            .ok_or_else(|| Error::invalid(format!("'{code}' is not a receipt number")))?;
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            let here = crate::till::this_till(c)?;
            // A plain number is one of this till's receipts.
            let plain = code.trim().bytes().all(|b| b.is_ascii_digit());
            let till = if plain { here.clone() } else { till };
            if till != here {
                // A till holds its own sales only (journal-first); the server has the others'.
                let sold = match till.as_str() {
                    "" => "before the shop was shared".to_string(),
                    t => format!("at till {t}"),
                };
                return Err(Error::invalid(format!(
                    "{code} was sold {sold}: a till takes back only its own sales (this is till {here})"
                )));
            }
            let id: String = c
                .query_row(
                    "SELECT id FROM sale WHERE station = ?1 AND number = ?2",
                    rusqlite::params![till, number],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(Error::NotFound { what: "receipt" })?;
            view::load(c, &id)
        })
    }

    /// Recent sales (newest first), or only those with `status` — e.g. the parked ones.
    pub fn sales(
        &self,
        session: &Session,
        status: Option<SaleStatus>,
        limit: u32,
    ) -> Result<Vec<super::SaleSummary>> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            view::list(c, status, limit.clamp(1, 1000) as i64)
        })
    }
}

/// One edit of an open (or, to resume or void it, parked) cart, priced after.
fn edit_in(
    tx: &Transaction,
    session: &Session,
    approver: Option<&Approver>,
    sale_id: &str,
    edit: &SaleEdit,
    now: Timestamp,
) -> Result<Sale> {
    let ctx = Ctx {
        tx,
        session,
        approver,
        sale_id,
        cur: shop_currency(tx)?,
        now,
    };
    let status = status_of(tx, sale_id)?;
    match edit {
        SaleEdit::Resume if status == SaleStatus::Parked => {}
        SaleEdit::Void { .. } if status == SaleStatus::Parked => {}
        _ => require_open(tx, sale_id)?,
    }
    match edit {
        SaleEdit::Scan { code } => {
            let found = lookup_in(tx, code)?.ok_or_else(|| Error::UnknownCode {
                code: code.trim().to_string(),
            })?;
            ctx.add_variant(&found.variant_id)?;
        }
        SaleEdit::AddVariant { variant_id } => ctx.add_variant(variant_id)?,
        SaleEdit::Quantity { line_id, quantity } => ctx.set_quantity(line_id, *quantity)?,
        SaleEdit::Price { line_id, price } => ctx.set_price(line_id, price)?,
        SaleEdit::LineDiscount { line_id, discount } => {
            ctx.set_line_discount(line_id, discount.as_ref())?
        }
        SaleEdit::CartDiscount { discount } => ctx.set_cart_discount(discount.as_ref())?,
        SaleEdit::DiscountCode { code } => ctx.set_discount_code(code)?,
        SaleEdit::Customer { customer_id } => {
            if let Some(c) = customer_id {
                crate::store::customer_exists(tx, c)?;
            }
            tx.execute(
                "UPDATE sale SET customer_id = ?2 WHERE id = ?1",
                params![sale_id, customer_id],
            )?;
        }
        SaleEdit::Note { note } => {
            tx.execute(
                "UPDATE sale SET note = ?2 WHERE id = ?1",
                params![sale_id, note.trim()],
            )?;
        }
        SaleEdit::GiftCard { code, amount } => ctx.add_gift_card(code, amount)?,
        SaleEdit::VoidLine { line_id, reason } => ctx.void_line(line_id, reason)?,
        SaleEdit::Return {
            line_id,
            quantity,
            restock,
        } => ctx.add_return(line_id, *quantity, *restock)?,
        SaleEdit::Park => {
            let lines: i64 = tx.query_row(
                "SELECT count(*) FROM sale_line WHERE sale_id = ?1 AND void_reason IS NULL",
                [sale_id],
                |r| r.get(0),
            )?;
            if lines == 0 {
                return Err(Error::invalid("an empty cart has nothing to park"));
            }
            tx.execute("UPDATE sale SET status = 'parked' WHERE id = ?1", [sale_id])?;
        }
        SaleEdit::Resume => {
            tx.execute(
                "UPDATE sale SET status = 'open', staff_id = ?2 WHERE id = ?1",
                params![sale_id, session.staff_id()],
            )?;
        }
        SaleEdit::Void { reason } => ctx.void_sale(reason)?,
    }
    tx.execute(
        "UPDATE sale SET updated_at = ?2 WHERE id = ?1",
        params![sale_id, ctx.now.0],
    )?;
    // Prices the cart now, so an edit that breaks pricing (a fixed discount now larger
    // than the cart) is refused instead of saved.
    view::load(tx, sale_id)
}

fn insert_sale(tx: &Transaction, session: &Session, now: Timestamp) -> Result<String> {
    let id = new_id();
    tx.execute(
        "INSERT INTO sale (id, status, staff_id, created_at, updated_at)
         VALUES (?1, 'open', ?2, ?3, ?3)",
        params![id, session.staff_id(), now.0],
    )?;
    Ok(id)
}
