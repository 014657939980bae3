//! The catalog figures of the benchmark, on a generated catalog of 100k variants: Shopify-CSV
//! import and export, full-text search and exact barcode lookup latency, the catalog's first page,
//! and the stock level of a variant with 10k movements.

use shopdesk_core::catalog::barcode::with_check_digit;
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::shop::NewShop;
use shopdesk_core::stock::StockAdjustment;
use shopdesk_core::{DbKey, Error, Session, Shop, SystemClock};
use shopdesk_testkit::stats::{ms_since, p99, Row};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const WORDS: &[&str] = &[
    "linen",
    "wool",
    "cotton",
    "oak",
    "brass",
    "ceramic",
    "glass",
    "canvas",
    "leather",
    "stoneware",
    "enamel",
    "merino",
    "bamboo",
    "copper",
    "walnut",
    "felt",
    "cork",
    "jute",
    "slate",
    "marble",
];
const THINGS: &[&str] = &[
    "mug", "apron", "tote", "scarf", "beanie", "board", "vase", "candle", "notebook", "throw",
    "socks", "bowl", "jug", "basket", "lamp", "tray", "cushion", "print", "pen", "towel",
];
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL"];
const COLOURS: &[&str] = &["Sage", "Ink"];

/// A Shopify product CSV of `products` × 10 variants with real-shaped data.
pub fn generate_csv(products: usize) -> (String, Vec<String>) {
    let mut rng = fastrand::Rng::with_seed(100_000);
    let mut out = String::with_capacity(products * 10 * 220);
    let mut codes = Vec::with_capacity(products * 10);
    out.push_str("Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Grams,Variant Inventory Qty,Variant Inventory Policy,Variant Price,Variant Barcode,Image Src,Image Position,Cost per item,Status\n");
    for p in 0..products {
        let title = format!(
            "{} {} {}",
            WORDS[rng.usize(..WORDS.len())],
            THINGS[rng.usize(..THINGS.len())],
            p
        );
        let handle = title.to_lowercase().replace(' ', "-");
        let mut n = 0;
        for size in SIZES {
            for colour in COLOURS {
                let code = with_check_digit(&format!("20{:010}", p * 10 + n));
                let sku = format!("SKU-{p}-{size}-{}", &colour[..1]);
                if n == 0 {
                    let _ = writeln!(
                        out,
                        "{handle},{title},<p>Made by hand: {title}.</p>,Vendor {},Type {},\"tag{}, tag{}\",TRUE,Size,{size},Colour,{colour},{sku},250,{},deny,{}.{:02},{code},https://cdn.example/{handle}.jpg,1,4.00,active",
                        p % 50, p % 12, p % 30, p % 7, rng.u32(0..40), rng.u32(5..90), rng.u32(0..100)
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "{handle},,,,,,,,{size},,{colour},{sku},250,{},deny,{}.{:02},{code},,,4.00,",
                        rng.u32(0..40), rng.u32(5..90), rng.u32(0..100)
                    );
                }
                codes.push(code);
                n += 1;
            }
        }
    }
    (out, codes)
}

/// A new shop for a benchmark at `path` (encrypted when `key` is given), its owner signed in.
pub fn bench_shop(path: &Path, key: Option<&DbKey>) -> Result<(Shop, Session), Error> {
    let shop = Shop::open_with_key(path, Arc::new(SystemClock), key)?;
    let (owner, _) = shop.create_shop(NewShop {
        name: "Bench".into(),
        currency: "EUR".into(),
        country: "IE".into(),
        owner_name: "Owner".into(),
        owner_pin: "1234".into(),
        ..NewShop::default()
    })?;
    Ok((shop, owner))
}

/// On an encrypted database when `key` is given.
pub fn run(scratch: &Path, rows: &mut Vec<Row>, key: Option<&DbKey>) -> Result<(), Error> {
    let name = if key.is_some() {
        "catalog-100k-encrypted"
    } else {
        "catalog-100k"
    };
    let (shop, owner) = bench_shop(&scratch.join(format!("{name}.sqlite3")), key)?;
    let (csv, codes) = generate_csv(10_000);

    let t = Instant::now();
    let imported = shop.import_catalog(&owner, &csv, &mut |_, _| {})?;
    let import_ms = ms_since(t);
    if !imported.preview.errors.is_empty() || imported.preview.variants != 100_000 {
        return Err(Error::invalid(format!(
            "the generated catalog did not import cleanly: {} variants, first error {:?}",
            imported.preview.variants,
            imported.preview.errors.first()
        )));
    }
    rows.push(Row::new(
        format!(
            "Shopify-CSV import, 100k variants, {:.0} MB (goal < 6 s)",
            csv.len() as f64 / 1e6
        ),
        format!("{:.2} s", import_ms / 1000.0),
    ));

    let t = Instant::now();
    let mut out = Vec::with_capacity(csv.len());
    shop.export_catalog(&owner, &mut out)?;
    rows.push(Row::new(
        "Shopify-CSV export, 100k variants (goal < 5 s)",
        format!("{:.2} s", ms_since(t) / 1000.0),
    ));

    let mut rng = fastrand::Rng::with_seed(7);
    let mut search = Vec::new();
    for i in 0..1000 {
        let text = match i % 4 {
            0 => WORDS[rng.usize(..WORDS.len())].to_string(),
            1 => format!(
                "{} {}",
                WORDS[rng.usize(..WORDS.len())],
                THINGS[rng.usize(..THINGS.len())]
            ),
            2 => format!("sku-{}", rng.usize(..10_000)),
            _ => format!("{} ink", &THINGS[rng.usize(..THINGS.len())][..3]),
        };
        let t = Instant::now();
        let page = shop.catalog(
            &owner,
            &CatalogQuery {
                text: Some(text),
                limit: Some(100),
                ..Default::default()
            },
        )?;
        search.push(ms_since(t));
        std::hint::black_box(page);
    }
    rows.push(Row::new(
        "full-text search, first 100 of the matches + count, p99 (goal < 20 ms)",
        format!("{:.1} ms", p99(&search)),
    ));

    let mut lookup = Vec::new();
    for _ in 0..10_000 {
        let code = &codes[rng.usize(..codes.len())];
        let t = Instant::now();
        let found = shop.lookup(&owner, code)?;
        lookup.push(ms_since(t));
        if found.is_none() {
            return Err(Error::invalid(format!("barcode {code} not found")));
        }
    }
    rows.push(Row::new(
        "exact barcode lookup = counter scan -> variant in core, p99 (goal < 1 ms)",
        format!("{:.3} ms", p99(&lookup)),
    ));

    let mut first = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        std::hint::black_box(shop.catalog(&owner, &CatalogQuery::default())?);
        first.push(ms_since(t));
    }
    rows.push(Row::new(
        "catalog screen's first page (100 rows + count) from core, p99",
        format!("{:.1} ms", p99(&first)),
    ));

    // One variant with 10k movements: adjustments in one transaction of raw ledger inserts would
    // bypass core, so they go through core, in 10k separate actions as at a busy counter.
    let variant = shop
        .lookup(&owner, &codes[0])?
        .ok_or(Error::NotFound { what: "variant" })?;
    let location = shop.locations(&owner)?[0].id.clone();
    for i in 0..10_000 {
        shop.adjust_stock(
            &owner,
            StockAdjustment {
                variant_id: variant.variant_id.clone(),
                location_id: location.clone(),
                delta: if i % 2 == 0 { 3 } else { -1 },
                note: "bench".into(),
            },
        )?;
    }
    let mut level = Vec::new();
    for _ in 0..1000 {
        let t = Instant::now();
        std::hint::black_box(shop.stock_levels(&owner, &variant.variant_id)?);
        level.push(ms_since(t));
    }
    rows.push(Row::new(
        "stock level of a variant with 10k movements, p99 (goal < 1 ms)",
        format!("{:.3} ms", p99(&level)),
    ));
    crate::counter::run(&shop, &owner, &codes, rows)
}
