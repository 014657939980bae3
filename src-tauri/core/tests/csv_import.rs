//! Shopify product CSV: the export → import round trip and every kind of bad row.

mod common;

use common::{new_shop, Fixture};
use shopdesk_core::catalog::product::{InventoryPolicy, ProductDraft, VariantDraft, WeightUnit};
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::stock::StockAdjustment;

fn export(f: &Fixture) -> String {
    let mut out = Vec::new();
    f.shop.export_catalog(&f.owner, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn import(f: &Fixture, text: &str) -> shopdesk_core::import::shopify_csv::ImportResult {
    f.shop
        .import_catalog(&f.owner, text, &mut |_, _| {})
        .unwrap()
}

fn seed(f: &Fixture) {
    let v = |o: &[&str], sku: &str, code: &str, price: &str| VariantDraft {
        options: o.iter().map(|s| s.to_string()).collect(),
        sku: sku.into(),
        barcode: code.into(),
        price: price.into(),
        compare_at: "30.00".into(),
        cost: "9.50".into(),
        weight: "0.25".into(),
        weight_unit: Some(WeightUnit::Kg),
        bin: "A-03".into(),
        ..VariantDraft::default()
    };
    let mut tee = ProductDraft {
        title: "Organic Tee, \"heavy\"".into(),
        body_html: "<p>Soft <b>cotton</b>,\nline two</p><script>alert(1)</script>".into(),
        vendor: "Loom & Kiln".into(),
        product_type: "Apparel".into(),
        tags: "summer, cotton".into(),
        options: vec!["Size".into(), "Colour".into()],
        images: vec![
            "https://cdn.example/tee-1.jpg".into(),
            "https://cdn.example/tee-2.jpg".into(),
            "https://cdn.example/tee-3.jpg".into(),
        ],
        hs_code: "610910".into(),
        origin_country: "PT".into(),
        variants: vec![
            v(&["S", "Sage"], "TEE-S", "4006381333931", "24.00"),
            v(&["M", "Ink"], "TEE-M", "", "26.50"),
        ],
        ..ProductDraft::default()
    };
    tee.variants[1].image_src = "https://cdn.example/tee-2.jpg".into();
    tee.variants[1].inventory_policy = Some(InventoryPolicy::Continue);
    tee.variants[1].tax_class = "exempt".into();
    let p = f.shop.create_product(&f.owner, tee).unwrap();
    let mug = ProductDraft {
        title: "Mug".into(),
        variants: vec![VariantDraft {
            sku: "MUG".into(),
            price: "12".into(),
            weight: "12".into(),
            weight_unit: Some(WeightUnit::Oz),
            ..VariantDraft::default()
        }],
        ..ProductDraft::default()
    };
    f.shop.create_product(&f.owner, mug).unwrap();
    let floor = f.shop.locations(&f.owner).unwrap()[0].id.clone();
    f.shop
        .adjust_stock(
            &f.owner,
            StockAdjustment {
                variant_id: p.variants[0].id.clone(),
                location_id: floor,
                delta: 7,
                note: "count".into(),
            },
        )
        .unwrap();
}

#[test]
fn export_then_import_gives_back_the_same_catalog() {
    let a = new_shop();
    seed(&a);
    let first = export(&a);
    assert!(first.starts_with("Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name"));
    assert!(
        !first.contains("<script>"),
        "HTML is sanitised before it is stored"
    );
    let image_row = format!(
        "organic-tee-heavy{}https://cdn.example/tee-3.jpg,3",
        ",".repeat(21)
    );
    assert!(first.contains(&image_row), "an image-only row:\n{first}");

    let b = new_shop();
    let result = import(&b, &first);
    assert!(
        result.preview.errors.is_empty(),
        "{:?}",
        result.preview.errors
    );
    assert_eq!(
        (
            result.preview.products_new,
            result.preview.variants,
            result.preview.images
        ),
        (2, 3, 3)
    );
    assert_eq!(export(&b), first, "the same file comes back");

    let find = |f: &Fixture, sku: &str| {
        let row = f.shop.lookup(&f.owner, sku).unwrap().unwrap();
        f.shop.product(&f.owner, &row.product_id).unwrap()
    };
    let (pa, pb) = (find(&a, "TEE-S"), find(&b, "TEE-S"));
    assert_eq!(pb.title, pa.title);
    assert_eq!(pb.body_html, pa.body_html);
    assert_eq!(pb.images, pa.images);
    assert_eq!(
        (pb.hs_code.as_str(), pb.origin_country.as_str()),
        ("610910", "PT")
    );
    let strip = |p: &shopdesk_core::catalog::product::Product| {
        p.variants
            .iter()
            .map(|v| {
                let mut v = v.clone();
                v.id.clear();
                v
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(&pb),
        strip(&pa),
        "every variant field, stock included"
    );
    assert_eq!(find(&b, "MUG").variants[0].weight_grams, 340);
}

#[test]
fn importing_again_updates_by_handle_and_sets_quantities() {
    let f = new_shop();
    seed(&f);
    let before = export(&f);
    let text = before
        .replace(",24.00,", ",22.00,")
        .replace("TEE-S,250,7,", "TEE-S,250,3,");
    assert_ne!(text.matches("22.00").count(), 0);
    assert!(text.contains("TEE-S,250,3,"), "{text}");
    let r = import(&f, &text);
    assert_eq!((r.preview.products_new, r.preview.products_updated), (0, 2));
    let row = f.shop.lookup(&f.owner, "TEE-S").unwrap().unwrap();
    assert_eq!(row.price.minor(), 2200);
    assert_eq!(row.on_hand, 3);
    assert_eq!(
        f.shop
            .catalog(&f.owner, &CatalogQuery::default())
            .unwrap()
            .total,
        3,
        "no duplicates"
    );
    let moves = f.shop.stock_moves(&f.owner, &row.variant_id, 10).unwrap();
    assert_eq!(
        moves.iter().map(|m| m.on_hand_delta).sum::<i64>(),
        row.on_hand
    );
    assert_eq!(moves[0].doc_type, "catalog_import");
}

const HEADER: &str = "Handle,Title,Body (HTML),Vendor,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Grams,Variant Inventory Qty,Variant Price,Variant Barcode,Image Src,Gift Card,SEO Title\n";

#[test]
fn bad_rows_are_reported_with_line_and_column_and_good_rows_still_import() {
    let f = new_shop();
    let file = format!(
        "\u{feff}{HEADER}\
hat,Wool Hat,\"<p>Warm,\nreally</p>\",Loom,Colour,Red,,,HAT-R,100,5,19.00,,https://x/h1.jpg,FALSE,\n\
hat,,,,,Blue,,,HAT-B,abc,5,19.00,,,,\n\
hat,,,,,Green,,,HAT-R,100,5,19.00,,,,\n\
hat,,,,,Grey,,Large,HAT-G,100,5,19.00,,,,\n\
hat,,,,,Black,,,HAT-K,100,5,19.00,4006381333932,,,\n\
hat,,,,,,,,,,,,,https://x/h2.jpg,,\n\
hat,,,,,Red,,,HAT-R2,100,5,19.00,,,,\n\
scarf,Scarf,,,Title,Default Title,,,SCF,200,2,35,,,,\n\
bad,,,,,,,,,,,,,,,\n\
sock,Sock,,,Size,M,,,SOCK-M,50,x,ten,,,,\n\
tote,Tote,\"never closed,,,,,,,,,,,,,,\n\
tote2,Tote 2,,,,,,,T2,1,1,1,,,,\n"
    );
    let preview = f.shop.preview_catalog_import(&f.owner, &file).unwrap();
    let got: Vec<(u64, &str, &str)> = preview
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_str(), e.message.as_str()))
        .collect();
    let expect_has = |line: u64, column: &str, words: &str| {
        assert!(
            got.iter()
                .any(|(l, c, m)| *l == line && *c == column && m.contains(words)),
            "line {line} {column} '{words}' not in {got:#?}"
        );
    };
    expect_has(4, "Variant Grams", "bad number");
    expect_has(5, "Variant SKU", "duplicate SKU 'HAT-R': already on line 2");
    expect_has(6, "Option2 Value", "unknown option value 'Large'");
    expect_has(7, "Variant Barcode", "check digit");
    expect_has(9, "Option1 Value", "duplicate variant");
    expect_has(11, "Title", "needs a Title");
    expect_has(12, "Variant Price", "bad number");
    expect_has(12, "", "no valid variant rows");
    expect_has(13, "", "unbalanced quote");
    // Each row's problem names its product (a store's products are found by it, not by a line
    // of a file nobody saw).
    let products: Vec<(u64, &str)> = preview
        .errors
        .iter()
        .filter(|e| [4, 12].contains(&e.line))
        .map(|e| (e.line, e.product.as_str()))
        .collect();
    assert_eq!(products, [(4, "hat"), (12, "sock"), (12, "sock")]);
    assert_eq!(preview.ignored_columns, ["Gift Card", "SEO Title"]);
    assert_eq!(
        (preview.products_new, preview.variants, preview.images),
        (2, 2, 2)
    );
    assert_eq!(
        f.shop
            .catalog(&f.owner, &CatalogQuery::default())
            .unwrap()
            .total,
        0,
        "a preview writes nothing"
    );

    let r = import(&f, &file);
    assert_eq!(r.preview, preview);
    let hat = f.shop.lookup(&f.owner, "HAT-R").unwrap().unwrap();
    let p = f.shop.product(&f.owner, &hat.product_id).unwrap();
    assert_eq!(p.body_html, "<p>Warm,\nreally</p>");
    assert_eq!(
        p.images,
        ["https://x/h1.jpg", "https://x/h2.jpg"],
        "image-only rows are understood"
    );
    assert_eq!(hat.on_hand, 5);
    assert!(
        f.shop.lookup(&f.owner, "SCF").unwrap().is_some(),
        "Default Title means no options"
    );
    assert_eq!(
        f.shop
            .catalog(&f.owner, &CatalogQuery::default())
            .unwrap()
            .total,
        2
    );
}

#[test]
fn a_file_with_nothing_valid_imports_nothing() {
    let f = new_shop();
    let err = f
        .shop
        .import_catalog(&f.owner, "Name,Price\nx,1\n", &mut |_, _| {})
        .unwrap_err();
    assert_eq!(err.code(), shopdesk_core::ErrorCode::Invalid);
    // Which file problem it was is only in the words; no screen branches on it.
    assert!(
        err.to_string().contains("not a Shopify product CSV"),
        "{err}"
    );
    let err = f
        .shop
        .import_catalog(
            &f.owner,
            &format!("{HEADER}a,A,,,,,,,S1,1,1,oops,,,,\n"),
            &mut |_, _| {},
        )
        .unwrap_err();
    assert_eq!(err.code(), shopdesk_core::ErrorCode::Invalid);
    assert_eq!(
        f.shop
            .catalog(&f.owner, &CatalogQuery::default())
            .unwrap()
            .total,
        0
    );
}

#[test]
fn a_sku_held_by_another_product_is_a_row_error_not_a_failed_import() {
    let f = new_shop();
    seed(&f);
    let file = format!("{HEADER}new,New,,,Title,Default Title,,,MUG,1,1,1,,,,\nother,Other,,,Title,Default Title,,,OTH,1,1,1,,,,\n");
    let r = import(&f, &file);
    assert_eq!(r.preview.errors.len(), 2, "{:?}", r.preview.errors);
    assert!(r.preview.errors[0]
        .message
        .contains("duplicate SKU 'MUG': already used by 'Mug'"));
    assert!(f.shop.lookup(&f.owner, "OTH").unwrap().is_some());
}

#[test]
fn imported_variants_are_found_by_search_and_later_products_too() {
    let a = new_shop();
    seed(&a);
    let text = export(&a);
    let b = new_shop();
    import(&b, &text);
    let found = |f: &Fixture, words: &str| -> Vec<String> {
        let q = CatalogQuery {
            text: Some(words.into()),
            ..CatalogQuery::default()
        };
        let mut skus: Vec<String> = f
            .shop
            .catalog(&f.owner, &q)
            .unwrap()
            .items
            .into_iter()
            .map(|r| r.sku)
            .collect();
        skus.sort();
        skus
    };
    // Indexed once at the end of the import: by title, option value, barcode, vendor.
    assert_eq!(found(&b, "organic"), vec!["TEE-M", "TEE-S"]);
    assert_eq!(found(&b, "sage"), vec!["TEE-S"]);
    assert_eq!(found(&b, "4006381333931"), vec!["TEE-S"]);
    assert_eq!(found(&b, "loom"), vec!["TEE-M", "TEE-S"]);
    assert_eq!(found(&b, "mug"), vec!["MUG"]);
    // Imported again with a new title: found by it, once.
    import(&b, &text.replace(",Mug,", ",Stoneware Mug,"));
    assert_eq!(found(&b, "stoneware"), vec!["MUG"]);
    // After an import, a product saved by hand is searchable at once.
    b.shop
        .create_product(
            &b.owner,
            ProductDraft {
                title: "Linen Apron".into(),
                variants: vec![VariantDraft {
                    sku: "APRON".into(),
                    price: "30".into(),
                    ..VariantDraft::default()
                }],
                ..ProductDraft::default()
            },
        )
        .unwrap();
    assert_eq!(found(&b, "linen"), vec!["APRON"]);
}
