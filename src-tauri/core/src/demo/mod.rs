//! The demo shop: a realistic small gift-and-homeware shop (staff in every role, a few hundred
//! products at believable prices), generated deterministically so every newcomer sees the same
//! living app, with about ninety days of trade behind it (`history.rs`). The CLI's
//! `shopdesk demo` and the UI's "load demo shop" both call `load_demo`.

mod history;
mod people;

use crate::audit::{self, Change};
use crate::catalog::product::{self, ProductDraft, ProductStatus, VariantDraft};
use crate::error::{Error, Result};
use crate::shop::staff::{self, Session, SessionInfo};
use crate::shop::{NewShop, Setup};
use crate::stock::{self, Move, MoveReason};
use crate::{Shop, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// Days of trade the demo shop has behind it.
const HISTORY_DAYS: i64 = 90;

/// PINs of the demo staff, shown on the sign-in screen of a demo shop and in the README.
pub const DEMO_STAFF: &[(&str, &str, &str)] = &[
    ("Owner", "Alex Morgan", "1111"),
    ("Manager", "Sam Patel", "2222"),
    ("Clerk", "Jo Rivera", "3333"),
    ("Packer", "Kim Novak", "4444"),
];

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
pub struct DemoRequest {
    /// Where the demo shop trades: "IE" (EUR), "GB" (GBP) or "US" (USD).
    pub country: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoSummary {
    pub shop_name: String,
    pub products: u32,
    pub variants: u32,
    pub staff: u32,
}

#[rustfmt::skip]
const COLOURS: &[&str] = &[
    "Sage", "Charcoal", "Ochre", "Sea Blue", "Oat", "Rust", "Forest", "Blush", "Ink", "Sand",
    "Terracotta", "Moss", "Slate", "Cream", "Plum", "Mustard",
];

/// (title, SKU stem, price in whole currency units, usual cents)
#[rustfmt::skip]
const ITEMS: &[(&str, &str, i64, i64)] = &[
    ("Stoneware Mug", "MUG", 18, 0), ("Enamel Camp Mug", "EMUG", 14, 50),
    ("Linen Tea Towel", "TOWEL", 12, 0), ("Oak Cutting Board", "BOARD", 39, 0),
    ("Merino Beanie", "BEANIE", 29, 0), ("Canvas Tote Bag", "TOTE", 16, 0),
    ("Wool Hiking Socks", "SOCK", 15, 95), ("Organic Cotton Tee", "TEE", 24, 0),
    ("Dot Grid Notebook A5", "NOTE", 11, 50), ("Brass Pen", "PEN", 34, 0),
    ("Soy Candle 200g", "CANDLE", 22, 0), ("Ceramic Bud Vase", "VASE", 27, 0),
    ("Cotton Throw Blanket", "THROW", 69, 0), ("Terracotta Plant Pot", "POT", 13, 50),
    ("Art Print A3", "PRINT", 30, 0), ("Linen Apron", "APRON", 36, 0),
    ("Beeswax Wraps Set", "WRAP", 14, 0), ("Glass Carafe", "CARAFE", 26, 0),
    ("Leather Keyring", "KEY", 9, 95), ("Wool Scarf", "SCARF", 45, 0),
];

impl Shop {
    /// Sets up a fresh database as the demo shop and signs its owner in. One transaction: on an
    /// already set-up shop it refuses and changes nothing.
    pub fn load_demo(&self, req: &DemoRequest) -> Result<(Session, SessionInfo, DemoSummary)> {
        // The details its invoices and receipts print, as a real shop's would.
        let (name, currency, address, tax_id, phone, time_zone) =
            match req.country.trim().to_ascii_uppercase().as_str() {
                "IE" => (
                    "Harbour & Pine, Galway",
                    "EUR",
                    "12 Quay Street\nGalway H91 X2Y3",
                    "IE1234567T",
                    "+353 91 555 0140",
                    "Europe/Dublin",
                ),
                "GB" => (
                    "Harbour & Pine, Bristol",
                    "GBP",
                    "5 Harbourside\nBristol BS1 5TX",
                    "GB123456789",
                    "+44 117 496 0123",
                    "Europe/London",
                ),
                "US" => (
                    "Harbour & Pine, Portland",
                    "USD",
                    "210 NW 10th Ave\nPortland, OR 97209",
                    "",
                    "+1 503 555 0142",
                    "America/Los_Angeles",
                ),
                other => {
                    return Err(Error::invalid(format!(
                        "no demo shop for country '{other}' (try IE, GB or US)"
                    )))
                }
            };
        let (_, owner_name, owner_pin) = DEMO_STAFF[0];
        let setup = Setup::check(&NewShop {
            name: name.into(),
            currency: currency.into(),
            country: req.country.clone(),
            owner_name: owner_name.into(),
            owner_pin: owner_pin.into(),
            legal_name: "Harbour & Pine Ltd".into(),
            legal_address: address.into(),
            tax_id: tax_id.into(),
            email: "hello@harbourandpine.example".into(),
            phone: phone.into(),
            time_zone: time_zone.into(),
        })?;
        let others: Vec<(&str, &str, String)> = DEMO_STAFF[1..]
            .iter()
            .map(|&(role, name, pin)| Ok((role, name, staff::hash_pin(pin)?)))
            .collect::<Result<_>>()?;
        let drafts = demo_products();
        let cleaned = drafts
            .iter()
            .map(|d| product::clean_product(d, setup.currency()))
            .collect::<Result<Vec<_>>>()?;
        let variant_count: usize = cleaned.iter().map(|p| p.variants.len()).sum();
        // The shop, its staff and its opening stock date from before the history it trades.
        let now = self.clock.now();
        let opened = Timestamp(now.0 - (HISTORY_DAYS + 2) * 86_400_000);
        let owner_id = self.db.write(|tx| {
            let owner_id = setup.apply(tx, opened)?;
            for (role, name, hash) in &others {
                let role_id: String =
                    tx.query_row("SELECT id FROM role WHERE name = ?1", [role], |r| r.get(0))?;
                staff::insert_staff(tx, opened.0, name, &role_id, hash)?;
            }
            let location = stock::default_location(tx)?;
            let mut rng = fastrand::Rng::with_seed(7);
            for d in &cleaned {
                let id = product::insert_product(tx, opened, None, d)?;
                let variants: Vec<(String, i64)> = tx
                    .prepare("SELECT id, price_minor FROM variant WHERE product_id = ?1")?
                    .query_map([&id], |r| r.try_into())?
                    .collect::<rusqlite::Result<_>>()?;
                for (variant_id, price) in variants {
                    // Opening stock, received at about 45% of the price so reports have a value.
                    let cost = price * 45 / 100;
                    tx.execute(
                        "UPDATE variant SET cost_minor = ?2, updated_at = ?3 WHERE id = ?1",
                        rusqlite::params![variant_id, cost, opened.0],
                    )?;
                    stock::record_move(
                        tx,
                        &Move {
                            variant_id: &variant_id,
                            location_id: &location,
                            reason: MoveReason::Receive,
                            on_hand: rng.i64(0..25),
                            committed: 0,
                            unit_cost: Some(cost),
                            doc: None,
                            note: "opening stock",
                            staff_id: Some(&owner_id),
                            at: opened,
                        },
                    )?;
                }
            }
            audit::record(
                tx,
                Change {
                    at: now,
                    staff_id: Some(&owner_id),
                    action: "demo_loaded",
                    entity: "shop",
                    entity_id: None,
                    detail: json!({ "products": cleaned.len(), "variants": variant_count }),
                },
            )?;
            Ok(owner_id)
        })?;
        history::play(self.db_path(), self.db.key(), opened, now, HISTORY_DAYS)?;
        let session = Session::for_staff(owner_id);
        let info = self.session_info(&session)?;
        let summary = DemoSummary {
            shop_name: name.into(),
            products: cleaned.len() as u32,
            variants: variant_count as u32,
            staff: DEMO_STAFF.len() as u32,
        };
        Ok((session, info, summary))
    }
}

/// Every item in most colours, apparel also in sizes: a few dozen products, several hundred
/// variants with valid EAN-13 barcodes, the same every time.
fn demo_products() -> Vec<ProductDraft> {
    let mut rng = fastrand::Rng::with_seed(20261121);
    let mut out = Vec::new();
    let mut code = 0u64;
    for (i, &(item, stem, units, cents)) in ITEMS.iter().enumerate() {
        let sizes: &[&str] = match stem {
            "TEE" => &["S", "M", "L", "XL"],
            "SOCK" => &["S/M", "L/XL"],
            "APRON" => &["Regular", "Long"],
            _ => &[],
        };
        let status = match rng.u8(0..100) {
            0..=84 => ProductStatus::Active,
            85..=94 => ProductStatus::Draft,
            _ => ProductStatus::Archived,
        };
        let mut variants = Vec::new();
        for (j, colour) in COLOURS.iter().enumerate() {
            // Skip a few combinations so the catalog doesn't look like a grid.
            if (i * 7 + j * 3) % 11 == 0 {
                continue;
            }
            let bump = rng.i64(0..3) * 2; // some colours cost a little more
            let sizes_or_none: Vec<Option<&str>> = if sizes.is_empty() {
                vec![None]
            } else {
                sizes.iter().copied().map(Some).collect()
            };
            for size in sizes_or_none {
                code += 1;
                let mut options = vec![colour.to_string()];
                options.extend(size.map(str::to_string));
                variants.push(VariantDraft {
                    options,
                    sku: format!(
                        "{stem}-{}{}",
                        colour.replace(' ', "").to_ascii_uppercase(),
                        size.map(|s| format!("-{}", s.replace('/', "")))
                            .unwrap_or_default()
                    ),
                    barcode: demo_ean13(code),
                    price: format!("{}.{cents:02}", units + bump),
                    bin: format!("{}-{:02}", (b'A' + (i % 6) as u8) as char, j + 1),
                    ..VariantDraft::default()
                });
            }
        }
        let mut options = vec!["Colour".to_string()];
        if !sizes.is_empty() {
            options.push("Size".into());
        }
        out.push(ProductDraft {
            title: item.into(),
            body_html: format!(
                "<p>{item}, made in small batches. Each colour is dyed by hand.</p>"
            ),
            vendor: VENDORS[i % VENDORS.len()].into(),
            product_type: TYPES[i % TYPES.len()].into(),
            tags: if i % 3 == 0 {
                "bestseller, gift".into()
            } else {
                "gift".into()
            },
            status,
            options,
            origin_country: "IE".into(),
            variants,
            ..ProductDraft::default()
        });
    }
    out
}

const VENDORS: &[&str] = &["Harbour & Pine", "West Coast Makers", "Loom & Kiln"];
const TYPES: &[&str] = &["Homeware", "Apparel", "Stationery", "Accessories"];

/// A valid EAN-13 under a made-up company prefix, so demo items scan like real ones.
fn demo_ean13(n: u64) -> String {
    crate::catalog::barcode::with_check_digit(&format!("539{:09}", 100_000 + n))
}

/// A demo staff member's sign-in details, shown on the sign-in screen of the demo shop only.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoPin {
    pub name: String,
    pub role: String,
    pub pin: String,
}

impl Shop {
    /// The demo staff's PINs if this database holds the demo shop, else nothing.
    /// Adds `n` synthetic customers for benchmarks (names, e-mails, phones, postcodes, a tag on
    /// one in ten) in one transaction, and links the synthetic orders whose e-mail is theirs
    /// (`customer{i}@example.com`), so the figures the list sorts by come from real orders.
    pub fn fill_customers_for_benchmark(&self, n: u32, seed: u64) -> Result<()> {
        const FIRST: &[&str] = &[
            "Aoife", "Liam", "Sofia", "Noah", "Emma", "Oisín", "Zoë", "Mateo", "Chloé", "Ravi",
        ];
        const LAST: &[&str] = &[
            "Byrne", "O'Connor", "Rossi", "Schmidt", "Walsh", "Müller", "Kelly", "Novak", "Dubois",
            "Patel",
        ];
        let mut rng = fastrand::Rng::with_seed(seed);
        let now = self.clock.now().0;
        self.db.write(|tx| {
            let mut add = tx.prepare(
                "INSERT INTO customer (id, name, email, phone, address, tags, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            )?;
            for i in 0..n {
                let name = format!(
                    "{} {}{}",
                    FIRST[rng.usize(..FIRST.len())],
                    LAST[rng.usize(..LAST.len())],
                    i
                );
                let address = format!(
                    "{{\"city\":\"Dublin\",\"postal_code\":\"D{:02} X{:03}\",\"country\":\"IE\"}}",
                    rng.u32(1..25),
                    rng.u32(..1000)
                );
                add.execute(rusqlite::params![
                    crate::id::new_id(),
                    name,
                    format!("customer{i}@example.com"),
                    format!("+353 8{} {:03} {:04}", rng.u32(3..10), rng.u32(..1000), i % 10_000),
                    address,
                    if i % 10 == 0 { "vip" } else { "" },
                    now
                ])?;
            }
            tx.execute_batch(
                "UPDATE customer_order SET customer_id =
                     (SELECT c.id FROM customer c WHERE lower(c.email) = lower(customer_order.email)
                        AND c.email IS NOT NULL)
                 WHERE customer_id IS NULL AND email LIKE 'customer%@example.com'",
            )?;
            Ok(())
        })
    }

    /// Fills the shop with `n` synthetic orders over two years for benchmarks (one line each,
    /// most shipped and paid, some held or cancelled), written straight to the tables in one
    /// transaction: a million through `create_order` would take an hour.
    pub fn fill_orders_for_benchmark(&self, n: u32, seed: u64) -> Result<()> {
        let mut rng = fastrand::Rng::with_seed(seed);
        let now = self.clock.now().0;
        self.db.write(|tx| {
            let location = stock::default_location(tx)?;
            let variants: Vec<(String, String, i64)> = tx
                .prepare("SELECT v.id, p.title, v.price_minor FROM variant v JOIN product p ON p.id = v.product_id LIMIT 500")?
                .query_map([], |r| r.try_into())?
                .collect::<rusqlite::Result<_>>()?;
            if variants.is_empty() {
                return Err(Error::invalid("load products first"));
            }
            let first: i64 = tx.query_row(
                "SELECT ifnull(max(number), 0) + 1 FROM customer_order",
                [],
                |r| r.get(0),
            )?;
            let mut order = tx.prepare(
                "INSERT INTO customer_order (id, number, channel, external_id, status, email, billing, shipping,
                     address_key, location_id, prices_include_tax, subtotal_minor, discount_minor, shipping_minor,
                     tax_minor, total_minor, created_at, updated_at, fulfilled_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, '{}', ?7, ?8, ?9, 1, ?10, 0, 0, 0, ?10, ?11, ?11, ?12)",
            )?;
            let mut line = tx.prepare(
                "INSERT INTO order_line (id, order_id, position, kind, variant_id, title, quantity,
                     unit_price_minor, amount_minor, tax_minor)
                 VALUES (?1, ?2, 1, 'item', ?3, ?4, ?5, ?6, ?7, 0)",
            )?;
            let mut ship = tx.prepare("INSERT INTO shipment (id, order_id, at) VALUES (?1, ?2, ?3)")?;
            let mut ship_line = tx.prepare(
                "INSERT INTO shipment_line (shipment_id, order_line_id, quantity) VALUES (?1, ?2, ?3)",
            )?;
            let mut pay = tx.prepare(
                "INSERT INTO order_payment (id, order_id, kind, amount_minor, method, at)
                 VALUES (?1, ?2, 'payment', ?3, 'card', ?4)",
            )?;
            let span = 2 * 365 * 86_400_000i64;
            for i in 0..n as i64 {
                let id = crate::id::new_id();
                let line_id = crate::id::new_id();
                let (variant, title, price) = &variants[rng.usize(..variants.len())];
                let qty = rng.i64(1..4);
                let total = price * qty;
                let at = now - span + span * i / n.max(1) as i64;
                let roll = rng.u32(..100);
                let status = match roll {
                    0..=1 => "on_hold",
                    2 => "cancelled",
                    _ => "open",
                };
                // Nine in ten open orders have gone out (as their shipment says).
                let shipped = status == "open" && roll >= 10;
                let channel = ["manual", "shopify", "shopify", "woocommerce"][rng.usize(..4)];
                let city = format!("{{\"name\":\"Customer {}\",\"country\":\"IE\"}}", i % 50_000);
                order.execute(rusqlite::params![
                    id,
                    first + i,
                    channel,
                    (channel != "manual").then(|| format!("{channel}-{i}")),
                    status,
                    format!("customer{}@example.com", i % 50_000),
                    city,
                    format!("{}|street|ie", i % 50_000),
                    location,
                    total,
                    at,
                    shipped.then_some(at + 86_400_000)
                ])?;
                line.execute(rusqlite::params![line_id, id, variant, title, qty, price, total])?;
                if shipped {
                    let s = crate::id::new_id();
                    ship.execute(rusqlite::params![s, id, at + 86_400_000])?;
                    ship_line.execute(rusqlite::params![s, line_id, qty])?;
                }
                if status != "cancelled" && !roll.is_multiple_of(4) {
                    pay.execute(rusqlite::params![crate::id::new_id(), id, total, at])?;
                }
            }
            tx.execute(
                "INSERT INTO counter (name, next) VALUES ('order', ?1)
                 ON CONFLICT (name) DO UPDATE SET next = ?1",
                [first + n as i64],
            )?;
            Ok(())
        })
    }

    /// Fills the shop with about `lines` synthetic counter sale lines over three years for
    /// benchmarks (one to four lines a sale, taxed at the standard rate, costed), written
    /// straight to the tables in one transaction like `fill_orders_for_benchmark`. The sales
    /// belong to no shift, so they leave the Z reports as they are.
    pub fn fill_counter_for_benchmark(&self, lines: u32, seed: u64) -> Result<()> {
        let mut rng = fastrand::Rng::with_seed(seed);
        let now = self.clock.now().0;
        self.db.write(|tx| {
            let variants: Vec<(String, String, String, i64)> = tx
                .prepare(
                    "SELECT v.id, p.title, ifnull(v.sku, ''), v.price_minor
                     FROM variant v JOIN product p ON p.id = v.product_id LIMIT 500",
                )?
                .query_map([], |r| r.try_into())?
                .collect::<rusqlite::Result<_>>()?;
            let staff: Vec<String> = tx
                .prepare("SELECT id FROM staff")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if variants.is_empty() || staff.is_empty() {
                return Err(Error::invalid("load the demo shop first"));
            }
            let first: i64 =
                tx.query_row("SELECT ifnull(max(number), 0) + 1 FROM sale", [], |r| r.get(0))?;
            let mut sale = tx.prepare(
                "INSERT INTO sale (id, number, status, staff_id, prices_include_tax, subtotal_minor,
                     discount_minor, tax_minor, rounding_minor, total_minor, change_minor,
                     created_at, updated_at, completed_at)
                 VALUES (?1, ?2, 'completed', ?3, 1, ?4, 0, ?5, 0, ?4, 0, ?6, ?6, ?6)",
            )?;
            let mut line = tx.prepare(
                "INSERT INTO sale_line (id, sale_id, position, kind, variant_id, title, sku, quantity,
                     list_price_minor, unit_price_minor, tax_class, discount_minor, amount_minor,
                     tax_minor, unit_cost_minor)
                 VALUES (?1, ?2, ?3, 'item', ?4, ?5, ?6, ?7, ?8, ?8, 'standard', 0, ?9, ?10, ?11)",
            )?;
            let mut tax = tx.prepare(
                "INSERT INTO sale_line_tax (line_id, name, rate_bp, base_minor, tax_minor)
                 VALUES (?1, 'VAT', 2300, ?2, ?3)",
            )?;
            let span = 3 * 365 * 86_400_000i64;
            let sales = i64::from(lines) * 2 / 5;
            let (mut written, mut number) = (0i64, first);
            while written < i64::from(lines) {
                let id = crate::id::new_id();
                let at = now - span + span * (number - first) / sales.max(1);
                let picked: Vec<_> = (0..rng.i64(1..5))
                    .map(|_| (&variants[rng.usize(..variants.len())], rng.i64(1..3)))
                    .collect();
                let total: i64 = picked.iter().map(|((.., price), qty)| price * qty).sum();
                // 23 % included in the price, taken out line by line.
                let vat_of = |amount: i64| amount - amount * 100 / 123;
                let taxed: i64 = picked.iter().map(|((.., p), q)| vat_of(p * q)).sum();
                let who = &staff[rng.usize(..staff.len())];
                sale.execute(rusqlite::params![id, number, who, total, taxed, at])?;
                for (position, ((variant, title, sku, price), qty)) in picked.into_iter().enumerate() {
                    let (amount, line_id) = (price * qty, crate::id::new_id());
                    line.execute(rusqlite::params![
                        line_id,
                        id,
                        position as i64 + 1,
                        variant,
                        title,
                        sku,
                        qty,
                        price,
                        amount,
                        vat_of(amount),
                        price * 2 / 5
                    ])?;
                    tax.execute(rusqlite::params![line_id, amount - vat_of(amount), vat_of(amount)])?;
                    written += 1;
                }
                number += 1;
            }
            tx.execute(
                "INSERT INTO counter (name, next) VALUES ('receipt', ?1)
                 ON CONFLICT (name) DO UPDATE SET next = ?1",
                [number],
            )?;
            Ok(())
        })
    }

    pub fn demo_pins(&self) -> Result<Vec<DemoPin>> {
        let is_demo: bool = self.db.shared_read(|c| {
            c.query_row(
                "SELECT EXISTS (SELECT 1 FROM audit_event WHERE action = 'demo_loaded')",
                &[],
                |r| r.get(0),
            )
        })?;
        Ok(if is_demo {
            DEMO_STAFF
                .iter()
                .map(|&(role, name, pin)| DemoPin {
                    name: name.into(),
                    role: role.into(),
                    pin: pin.into(),
                })
                .collect()
        } else {
            Vec::new()
        })
    }
}
