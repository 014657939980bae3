//! The demo shop's past: about ninety days of trade played through the same calls the window
//! makes, on a clock that walks from then to now in the shop's time zone — counter shifts with
//! sales, returns and Z closes; phone and marketplace orders in every state; purchase orders
//! received at changing costs; a stocktake; customers' e-mails about returns and damaged parcels
//! on the service desk, answered. Every report, the inbox and the home screen have
//! something true to show on first launch, and it all ties out because it was made by the rules.

use super::people::{addresses, CUSTOMERS};
use crate::clock::{Date, FixedClock, ShopZone};
use crate::customer::mailbox::{self, IncomingMail, Received};
use crate::customer::ticket::{TicketChange, TicketStatus};
use crate::error::{Error, Result};
use crate::order::{
    Address, ClaimDraft, ClaimKind, OrderDraft, OrderLineDraft, PaymentDraft, ReturnDraft,
    ReturnLineDraft, ReturnReceipt, ShipmentDraft,
};
use crate::sale::shift::{denominations, DenominationCount};
use crate::sale::{DiscountDraft, DiscountKind, SaleEdit, TenderDraft, TenderKind};
use crate::shop::staff::Session;
use crate::stock::purchase::{
    PurchaseDraft, PurchaseLineDraft, PurchaseReceipt, ReceiptLine, SupplierDraft,
};
use crate::stock::stocktake::CountEntry;
use crate::{Clock, Money, Shop, Timestamp};
use std::path::Path;
use std::sync::Arc;

const HOUR: i64 = 3_600_000;
/// Units the history leaves on a shelf it sells from.
const KEEP: i64 = 5;
const MINUTE: i64 = 60_000;

/// A variant the demo sells: id, SKU, cost in minor units, units on the shop floor.
struct Item {
    id: String,
    sku: String,
    cost: i64,
    on_hand: i64,
}

/// An order placed in the history, and what is still to happen to it.
struct Placed {
    id: String,
    at: Timestamp,
    /// (order line id, quantity) of its items.
    lines: Vec<(String, i64)>,
    fate: Fate,
    /// Shipped (its `at` is then the shipping day, for returns and claims to follow).
    shipped: bool,
}

/// What happens at a moment of a day.
#[derive(Clone, Copy)]
enum Event {
    OpenShift,
    Sale,
    CloseShift,
    Order,
    ShipRun,
    Purchase,
    Stocktake,
}

#[derive(Clone, Copy, PartialEq)]
enum Fate {
    Ship,
    PartShip,
    Hold,
    Cancel,
    Return,
    Claim,
}

struct Player<'a> {
    shop: Shop,
    clock: &'a FixedClock,
    zone: ShopZone,
    rng: fastrand::Rng,
    items: Vec<Item>,
    floor: String,
    owner: Session,
    manager: Session,
    clerk: Session,
    packer: Session,
    customers: Vec<(&'static str, &'static str)>,
    addresses: Vec<Address>,
    carrier: &'static str,
    orders: Vec<Placed>,
    /// (sale id, line id) of counter lines that may come back.
    sold: Vec<(String, String)>,
    suppliers: Vec<String>,
    currency: crate::Currency,
    cash: Vec<i64>,
    /// Orders placed so far (numbers the marketplaces' own ids).
    placed: u32,
}

/// Plays `days` days of trade up to `end` into the shop at `path` (encrypted with `key` if it
/// is), already set up as the demo.
pub(super) fn play(
    path: &Path,
    key: Option<&crate::DbKey>,
    start: Timestamp,
    end: Timestamp,
    days: i64,
) -> Result<()> {
    let clock = Arc::new(FixedClock::at(start.0));
    let shop = Shop::open_with_key(path, clock.clone(), key)?;
    // Hundreds of business actions, each its own transaction as in a real shop: not one of them
    // needs to wait for the disk (a third of the load was fsync).
    shop.db.commit_without_fsync()?;
    let (zone, country, currency, floor) = shop.db.read(|c| {
        let (country, currency): (String, String) =
            c.query_row("SELECT country, currency FROM shop WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok((
            crate::shop::zone(c)?,
            country,
            currency,
            crate::stock::default_location(c)?,
        ))
    })?;
    let staff = |role: &str| -> Result<Session> {
        let id: String = shop.db.read(|c| {
            Ok(c.query_row(
                "SELECT s.id FROM staff s JOIN role r ON r.id = s.role_id WHERE r.name = ?1
                 ORDER BY s.created_at LIMIT 1",
                [role],
                |r| r.get(0),
            )?)
        })?;
        Ok(Session::for_staff(id))
    };
    let items = shop.db.read(|c| {
        let mut st = c.prepare(
            "SELECT v.id, v.sku, ifnull(v.cost_minor, 0), ifnull(l.on_hand, 0)
             FROM variant v JOIN product p ON p.id = v.product_id
             LEFT JOIN stock_level l ON l.variant_id = v.id AND l.location_id = ?1
             WHERE p.status = 'active' AND v.sku IS NOT NULL ORDER BY v.seq",
        )?;
        let rows = st.query_map([&floor], |r| {
            Ok(Item {
                id: r.get(0)?,
                sku: r.get(1)?,
                cost: r.get(2)?,
                on_hand: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    })?;
    let (addresses, carrier) = addresses(&country);
    let currency = crate::Currency::from_code(&currency)?;
    let mut p = Player {
        owner: staff("Owner")?,
        manager: staff("Manager")?,
        clerk: staff("Clerk")?,
        packer: staff("Packer")?,
        shop,
        clock: &clock,
        zone,
        rng: fastrand::Rng::with_seed(90),
        items,
        floor,
        customers: CUSTOMERS.to_vec(),
        addresses,
        carrier,
        orders: Vec::new(),
        sold: Vec::new(),
        suppliers: Vec::new(),
        cash: denominations(currency),
        currency,
        placed: 0,
    };
    p.suppliers()?;
    let today = p.zone.date(end);
    let first = today
        .checked_sub(jiff::Span::new().days(days))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut day = first;
    let mut n = 0;
    while day <= today {
        p.day(day, n, end)?;
        day = day.tomorrow().map_err(|e| Error::Internal(e.to_string()))?;
        n += 1;
    }
    // Mail of the past went out long ago; only today's is still waiting for a mail server.
    let today_start = p.zone.start_of(today);
    p.shop.db.write(|tx| {
        tx.execute(
            "UPDATE message SET status = 'sent', sent_at = created_at, attempts = 1,
                 next_attempt_at = NULL
             WHERE direction = 'out' AND status = 'queued' AND created_at < ?1",
            [today_start.0],
        )?;
        Ok(())
    })
}

impl Player<'_> {
    /// The customer's e-mail about their order arrives in the shop's mailbox: a ticket on the
    /// desk, linked to them and the order. None when the order has no e-mail address.
    fn customer_writes(&self, order_id: &str, subject: &str, body: &str) -> Result<Option<String>> {
        let now = self.clock.now();
        self.shop.db.write(|tx| {
            let (number, email, name): (i64, Option<String>, Option<String>) = tx.query_row(
                "SELECT number, email, json_extract(shipping, '$.name') FROM customer_order WHERE id = ?1",
                [order_id],
                |r| r.try_into(),
            )?;
            let Some(email) = email.filter(|e| crate::order::email_is_valid(e)) else {
                return Ok(None);
            };
            let m = IncomingMail {
                header_id: Some(format!("<demo-{order_id}@mail.example>")),
                from_address: email,
                from_name: name.unwrap_or_default(),
                subject: format!("{subject} {}", crate::order::order_name(number)),
                body: body.into(),
                date: Some(now),
                ..IncomingMail::default()
            };
            Ok(match mailbox::receive_one(tx.into(), &m, now)? {
                Received::NewTicket(t) | Received::Threaded(t) => Some(t),
                Received::Duplicate => None,
            })
        })
    }

    /// The manager answers a ticket with one of the shop's saved replies.
    fn answer(&self, ticket_id: &str, saved_reply: &str) -> Result<()> {
        let text = self
            .shop
            .fill_saved_reply(&self.manager, ticket_id, saved_reply)?;
        self.shop.reply_to_ticket(&self.manager, ticket_id, &text)?;
        Ok(())
    }

    fn at(&self, day: Date, minutes: i64) -> Timestamp {
        Timestamp(self.zone.start_of(day).0 + minutes * MINUTE)
    }

    /// Moves the clock to `t` (never back: the history is played in order).
    fn go(&self, t: Timestamp) {
        let now = self.clock.now().0;
        if t.0 > now {
            self.clock.advance_ms(t.0 - now);
        }
    }

    fn suppliers(&mut self) -> Result<()> {
        for (name, email) in [
            ("Atlantic Homeware Ltd", "orders@atlantichome.example"),
            ("Loom & Kiln Makers", "trade@loomkiln.example"),
        ] {
            let s = self.shop.save_supplier(
                &self.owner,
                SupplierDraft {
                    name: name.into(),
                    email: email.into(),
                    lead_days: 5,
                    ..SupplierDraft::default()
                },
            )?;
            self.suppliers.push(s.id);
        }
        Ok(())
    }

    /// An item with `qty` to spare on the floor, or None when the shelves run low. The shop
    /// reorders before a shelf empties, so the history leaves at least `KEEP` of what it sells,
    /// and lines that were nearly out when the shop opened stay so (Low stock lists them).
    fn pick(&mut self, qty: i64) -> Option<usize> {
        for _ in 0..20 {
            let i = self.rng.usize(0..self.items.len());
            if self.items[i].on_hand >= qty + KEEP {
                return Some(i);
            }
        }
        None
    }

    fn day(&mut self, day: Date, n: i64, end: Timestamp) -> Result<()> {
        let weekend = day.weekday().to_monday_one_offset() >= 6;
        // Business grows a little over the quarter; weekends are busier at the counter.
        let trend = 100 + n;
        let counter_sales = (if weekend { 10 } else { 6 }) * trend / 100 + self.rng.i64(0..3);
        let orders = (if weekend { 3 } else { 4 }) * trend / 100 + self.rng.i64(0..3);
        let mut events: Vec<(i64, Event)> = vec![
            (9 * 60, Event::OpenShift),
            (10 * 60, Event::ShipRun),
            (18 * 60, Event::CloseShift),
        ];
        if n % 14 == 3 {
            events.push((8 * 60, Event::Purchase));
        }
        if n == 45 {
            events.push((8 * 60 + 45, Event::Stocktake));
        }
        for _ in 0..counter_sales {
            events.push((9 * 60 + 10 + self.rng.i64(0..8 * 60 + 40), Event::Sale));
        }
        for _ in 0..orders {
            events.push((self.rng.i64(0..24 * 60), Event::Order));
        }
        events.sort_by_key(|(minute, _)| *minute);
        let mut shift_open = false;
        for (minute, event) in events {
            let t = self.at(day, minute);
            if t >= end {
                // Loaded during opening hours: the morning's shift is closed now, so whoever
                // tries the counter opens their own, with their own float.
                if shift_open {
                    self.go(Timestamp(end.0 - MINUTE));
                    self.close_shift(n)?;
                }
                return Ok(());
            }
            self.go(t);
            match event {
                Event::OpenShift => {
                    self.shop.open_shift(&self.clerk, "150.00")?;
                    shift_open = true;
                }
                Event::Sale if shift_open => self.counter_sale()?,
                Event::Sale => {}
                Event::CloseShift => {
                    if shift_open {
                        self.close_shift(n)?;
                        shift_open = false;
                    }
                }
                Event::Order => self.order()?,
                Event::ShipRun => self.ship_run(day)?,
                Event::Purchase => self.purchase(day)?,
                Event::Stocktake => self.stocktake()?,
            }
        }
        Ok(())
    }

    fn counter_sale(&mut self) -> Result<()> {
        // Now and then someone brings something back from an earlier visit.
        if self.rng.u8(0..100) < 7 && !self.sold.is_empty() {
            let (_, line) = self.sold.swap_remove(self.rng.usize(0..self.sold.len()));
            let r = self.shop.new_sale(&self.clerk)?;
            let back = self.shop.edit_sale(
                &self.clerk,
                &r.id,
                &SaleEdit::Return {
                    line_id: line,
                    quantity: 1,
                    restock: true,
                },
                None,
            );
            match back {
                Ok(_) => {
                    self.shop
                        .complete_sale(&self.clerk, &r.id, &[tender(TenderKind::Cash)])?;
                    return Ok(());
                }
                // Each line comes back once, one unit: a refusal means a rule changed under the
                // demo, and a half-made history is worse than none.
                Err(e) => return Err(e),
            }
        }
        let mut picked: Vec<usize> = Vec::new();
        for _ in 0..1 + self.rng.usize(0..3) {
            if let Some(i) = self.pick(1) {
                self.items[i].on_hand -= 1;
                picked.push(i);
            }
        }
        if picked.is_empty() {
            return Ok(());
        }
        let sale = self.shop.new_sale(&self.clerk)?;
        for i in picked {
            let code = self.items[i].sku.clone();
            self.shop
                .edit_sale(&self.clerk, &sale.id, &SaleEdit::Scan { code }, None)?;
        }
        if self.rng.u8(0..100) < 10 {
            self.shop.edit_sale(
                &self.clerk,
                &sale.id,
                &SaleEdit::CartDiscount {
                    discount: Some(DiscountDraft {
                        kind: DiscountKind::Percent,
                        value: "10".into(),
                    }),
                },
                None,
            )?;
        }
        let kind = if self.rng.u8(0..100) < 70 {
            TenderKind::Card
        } else {
            TenderKind::Cash
        };
        let done = self
            .shop
            .complete_sale(&self.clerk, &sale.id, &[tender(kind)])?;
        if let Some(line) = done.lines.first() {
            if self.rng.u8(0..100) < 12 {
                self.sold.push((done.id.clone(), line.id.clone()));
            }
        }
        Ok(())
    }

    fn close_shift(&mut self, n: i64) -> Result<()> {
        let shift = self
            .shop
            .current_shift(&self.clerk)?
            .ok_or_else(|| Error::Internal("the demo's shift is not open".into()))?;
        // Counted as expected, but now and then a coin short, as tills are.
        let mut left = shift.expected_cash.minor() - if n % 9 == 4 { 50 } else { 0 };
        let mut counts = Vec::new();
        for &d in &self.cash {
            if left >= d {
                counts.push(DenominationCount {
                    denomination_minor: d,
                    count: left / d,
                });
                left %= d;
            }
        }
        self.shop.close_shift(&self.clerk, &counts)?;
        Ok(())
    }

    fn order(&mut self) -> Result<()> {
        let channel = match self.rng.u8(0..100) {
            0..=49 => "shopify",
            50..=69 => "etsy",
            _ => "manual",
        };
        let (name, email) = self.customers[self.rng.usize(0..self.customers.len())];
        let mut lines = Vec::new();
        for _ in 0..1 + self.rng.usize(0..3) {
            let qty = 1 + i64::from(self.rng.u8(0..100) < 15);
            let Some(i) = self.pick(qty) else { continue };
            if lines
                .iter()
                .any(|l: &OrderLineDraft| l.sku == self.items[i].sku)
            {
                continue;
            }
            self.items[i].on_hand -= qty;
            lines.push(OrderLineDraft {
                sku: self.items[i].sku.clone(),
                quantity: qty,
                ..OrderLineDraft::default()
            });
        }
        if lines.is_empty() {
            return Ok(());
        }
        let mut shipping = self.addresses[self.rng.usize(0..self.addresses.len())].clone();
        shipping.name = name.into();
        // Marketplace order ids as the stores give them: one series per store, never reused.
        self.placed += 1;
        let external =
            (channel != "manual").then(|| format!("{channel}-{}", 7_000_000 + self.placed));
        let o = self.shop.create_order(
            &self.manager,
            &OrderDraft {
                channel: channel.into(),
                external_id: external,
                email: email.into(),
                shipping,
                lines,
                shipping_method: self.carrier.into(),
                shipping_price: if self.rng.bool() { "4.95" } else { "0" }.into(),
                ..OrderDraft::default()
            },
        )?;
        let fate = match self.rng.u8(0..100) {
            0..=2 => Fate::Hold,
            3..=5 => Fate::Cancel,
            6..=10 => Fate::PartShip,
            11..=15 => Fate::Return,
            16..=17 => Fate::Claim,
            _ => Fate::Ship,
        };
        if fate != Fate::Cancel && fate != Fate::Hold && o.status == crate::order::OrderStatus::Open
        {
            self.shop.record_order_payment(
                &self.manager,
                &o.id,
                &PaymentDraft {
                    method: if channel == "manual" { "card" } else { channel }.into(),
                    ..PaymentDraft::default()
                },
            )?;
        }
        match fate {
            Fate::Hold if o.status == crate::order::OrderStatus::Open => {
                self.shop.hold_order(
                    &self.manager,
                    &o.id,
                    "customer asked to change the address",
                )?;
            }
            Fate::Cancel => {
                self.shop
                    .cancel_order(&self.manager, &o.id, "customer changed their mind")?;
                for l in &o.lines {
                    if let Some(i) = self.items.iter().position(|it| it.sku == l.sku) {
                        self.items[i].on_hand += l.quantity;
                    }
                }
                return Ok(());
            }
            _ => {}
        }
        self.orders.push(Placed {
            id: o.id,
            at: self.clock.now(),
            lines: o
                .lines
                .iter()
                .filter(|l| l.kind == "item")
                .map(|l| (l.id.clone(), l.quantity))
                .collect(),
            fate,
            shipped: false,
        });
        Ok(())
    }

    /// The morning's packing: orders from before today go out; returns and claims come in
    /// a few days after their parcel.
    fn ship_run(&mut self, day: Date) -> Result<()> {
        let today = self.zone.start_of(day);
        let mut keep = Vec::new();
        for mut o in std::mem::take(&mut self.orders) {
            let age_days = (today.0 - o.at.0) / (24 * HOUR);
            if o.fate == Fate::Hold || age_days > 10 {
                continue;
            }
            if !o.shipped {
                if o.at >= today {
                    keep.push(o);
                    continue;
                }
                let lines = if o.fate == Fate::PartShip && o.lines.len() > 1 {
                    vec![o.lines[0].clone()]
                } else {
                    Vec::new()
                };
                o.shipped = self
                    .shop
                    .ship_order(
                        &self.packer,
                        &o.id,
                        &ShipmentDraft {
                            carrier: self.carrier.into(),
                            tracking: format!("CE{:09}IE", self.rng.u32(0..999_999_999)),
                            lines,
                        },
                    )
                    .is_ok();
                let more_to_come = o.fate == Fate::PartShip && o.lines.len() > 1;
                if o.shipped && (more_to_come || matches!(o.fate, Fate::Return | Fate::Claim)) {
                    o.at = today;
                    keep.push(o);
                }
                continue;
            }
            match o.fate {
                // The rest of a split order follows when it is back in stock.
                Fate::PartShip if age_days >= 2 => {
                    self.shop.ship_order(
                        &self.packer,
                        &o.id,
                        &ShipmentDraft {
                            carrier: self.carrier.into(),
                            tracking: format!("CE{:09}IE", self.rng.u32(0..999_999_999)),
                            lines: Vec::new(),
                        },
                    )?;
                }
                Fate::Return if age_days >= 5 => {
                    let ticket = self.customer_writes(
                        &o.id,
                        "Return for order",
                        "Hello, it does not fit. Can I send it back for a refund?",
                    )?;
                    if let Some(t) = &ticket {
                        self.answer(t, "sr-return")?;
                    }
                    let (line, _) = o.lines[0].clone();
                    let order = self.shop.authorise_return(
                        &self.manager,
                        &o.id,
                        &ReturnDraft {
                            reason: ["too small", "changed my mind", "not as pictured"]
                                [self.rng.usize(0..3)]
                            .into(),
                            lines: vec![ReturnLineDraft {
                                order_line_id: line,
                                quantity: 1,
                            }],
                        },
                    )?;
                    if let Some(r) = order.returns.last() {
                        self.shop.receive_return(
                            &self.manager,
                            &r.id,
                            &ReturnReceipt::default(),
                        )?;
                        self.shop.refund_return(&self.manager, &r.id, "card")?;
                    }
                    if let Some(t) = &ticket {
                        let done = TicketChange {
                            status: Some(TicketStatus::Resolved),
                            ..TicketChange::default()
                        };
                        self.shop.change_ticket(&self.manager, t, &done)?;
                    }
                }
                Fate::Claim if age_days >= 3 => {
                    let draft = ClaimDraft {
                        kind: Some(ClaimKind::Damaged),
                        evidence: "Customer's photo of the broken item, sent by e-mail".into(),
                    };
                    match self.customer_writes(
                        &o.id,
                        "Broken on arrival, order",
                        "The parcel came today and the item inside is broken. What can you do?",
                    )? {
                        Some(t) => {
                            self.answer(&t, "sr-damaged")?;
                            self.shop.claim_from_ticket(&self.manager, &t, &draft)?;
                        }
                        None => {
                            self.shop.open_claim(&self.manager, &o.id, &draft)?;
                        }
                    }
                }
                _ => keep.push(o),
            }
        }
        self.orders = keep;
        Ok(())
    }

    /// A purchase order for the emptiest shelves, received half an hour later at this month's
    /// price: costs move, and margins must keep the cost of their own day.
    fn purchase(&mut self, day: Date) -> Result<()> {
        let mut low: Vec<usize> = (0..self.items.len())
            .filter(|&i| self.items[i].on_hand >= KEEP)
            .collect();
        low.sort_by_key(|&i| self.items[i].on_hand);
        low.truncate(40);
        let supplier = self.suppliers[self.rng.usize(0..self.suppliers.len())].clone();
        let lines: Vec<PurchaseLineDraft> = low
            .iter()
            .map(|&i| {
                let item = &self.items[i];
                let cost = item.cost * (90 + self.rng.i64(0..25)) / 100;
                PurchaseLineDraft {
                    variant_id: item.id.clone(),
                    qty: 12,
                    unit_cost: Money::from_minor(cost.max(1), self.currency).to_decimal_string(),
                }
            })
            .collect();
        let po = self.shop.create_purchase_order(
            &self.owner,
            PurchaseDraft {
                supplier_id: supplier,
                location_id: self.floor.clone(),
                note: String::new(),
                lines,
            },
        )?;
        self.shop.send_purchase_order(&self.owner, &po.id)?;
        self.go(self.at(day, 8 * 60 + 30));
        self.shop.receive_purchase(
            &self.owner,
            PurchaseReceipt {
                po_id: po.id.clone(),
                lines: low
                    .iter()
                    .map(|&i| ReceiptLine {
                        variant_id: self.items[i].id.clone(),
                        qty: 12,
                    })
                    .collect(),
            },
        )?;
        for i in low {
            self.items[i].on_hand += 12;
        }
        Ok(())
    }

    /// A count of a few shelves: most agree, one is a unit short.
    fn stocktake(&mut self) -> Result<()> {
        let take = self.shop.start_stocktake(&self.owner, &self.floor)?;
        for k in 0..6 {
            let i = (k * 37) % self.items.len();
            let short = i64::from(k == 2 && self.items[i].on_hand > KEEP);
            self.shop.set_count(
                &self.owner,
                CountEntry {
                    stocktake_id: take.id.clone(),
                    variant_id: self.items[i].id.clone(),
                    counted: self.items[i].on_hand - short,
                },
            )?;
            self.items[i].on_hand -= short;
        }
        self.shop.apply_stocktake(&self.owner, &take.id)?;
        Ok(())
    }
}

fn tender(kind: TenderKind) -> TenderDraft {
    TenderDraft {
        kind: Some(kind),
        ..TenderDraft::default()
    }
}
