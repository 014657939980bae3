//! WooCommerce connector against a faithful fake of REST v3 (wiremock): a host that strips the
//! Authorization header (401 woocommerce_rest_cannot_view, then query-string keys), pages with
//! X-WP-TotalPages, 429 with Retry-After, GMT dates, money as strings, a malformed order
//! quarantined while the page goes on, stock by `stock_quantity`, and tracking as a customer
//! note (no fulfilment API installed) that completes the order, written once.

mod common;

use common::*;
use serde_json::{json, Value};
use shopdesk_core::Timestamp;
use shopdesk_sync::{run, SyncOptions, WooCommerce};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Default)]
struct Store {
    orders: Vec<Value>,
    notes: Vec<(String, String)>,
    completed: Vec<String>,
    stock: i64,
    too_many_once: bool,
    saw_query_keys: bool,
}

#[derive(Clone)]
struct FakeWoo(Arc<Mutex<Store>>);

fn woo_order(n: usize, modified: i64) -> Value {
    let gmt = Timestamp(modified).to_rfc3339();
    let gmt = &gmt[..19]; // Woo's *_gmt: no offset, no fraction
    json!({
        "id": n, "number": n.to_string(), "status": "processing", "currency": "USD",
        "date_modified": "2026-11-22T10:00:00", "date_modified_gmt": gmt, "date_paid_gmt": gmt,
        "total": "29.00", "shipping_total": "5.00", "customer_note": "",
        "billing": { "first_name": "Pat", "last_name": "Buyer", "email": format!("w{n}@example.com"), "phone": "",
            "address_1": "350 Fifth Avenue", "city": "New York", "state": "NY", "postcode": "10118", "country": "US" },
        "shipping": { "first_name": "Pat", "last_name": "Buyer", "address_1": "350 Fifth Avenue", "address_2": "",
            "city": "New York", "state": "NY", "postcode": "10118", "country": "US", "company": "" },
        "line_items": [{ "id": n * 10, "sku": "VMUG-BLUE", "name": "Enamel Mug", "quantity": 2,
            "subtotal": "24.00", "total": "24.00", "price": 12.0 }],
        "shipping_lines": [{ "method_title": "Flat rate", "total": "5.00" }],
        "refunds": []
    })
}

fn param(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.to_string())
}

impl Respond for FakeWoo {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap();
        // The host strips Authorization: only query-string keys get through.
        if param(req, "consumer_key").as_deref() != Some("ck_1")
            || param(req, "consumer_secret").as_deref() != Some("cs_1")
        {
            return ResponseTemplate::new(401).set_body_json(json!({
                "code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.", "data": { "status": 401 } }));
        }
        s.saw_query_keys = true;
        if s.too_many_once {
            s.too_many_once = false;
            return ResponseTemplate::new(429).insert_header("Retry-After", "1");
        }
        let p = req.url.path().trim_start_matches("/wp-json").to_string();
        let m = req.method.as_str();
        if p == "/wc/v3/orders" && m == "GET" {
            let after = param(req, "modified_after").and_then(|t| Timestamp::parse_rfc3339(&t));
            let mut list: Vec<&Value> = s
                .orders
                .iter()
                .filter(|o| {
                    let t = Timestamp::parse_rfc3339(&format!(
                        "{}Z",
                        o["date_modified_gmt"].as_str().unwrap_or("x")
                    ));
                    after.is_none_or(|a| t.is_none_or(|t| t > a))
                })
                .collect();
            list.sort_by_key(|o| o["date_modified_gmt"].as_str().unwrap_or("").to_string());
            let per: usize = param(req, "per_page").unwrap().parse().unwrap();
            let page: usize = param(req, "page").unwrap().parse().unwrap();
            let total_pages = list.len().div_ceil(per).max(1);
            let body: Vec<Value> = list
                .iter()
                .skip((page - 1) * per)
                .take(per)
                .map(|v| (*v).clone())
                .collect();
            return ResponseTemplate::new(200)
                .insert_header("X-WP-Total", list.len().to_string().as_str())
                .insert_header("X-WP-TotalPages", total_pages.to_string().as_str())
                .set_body_json(body);
        }
        if p == "/wc/v3/products" {
            return ResponseTemplate::new(200).insert_header("X-WP-TotalPages", "1").set_body_json(json!([
                { "id": 31, "type": "simple", "sku": "VMUG-BLUE", "name": "Enamel Mug", "stock_quantity": s.stock }]));
        }
        if p == "/wc/v3/products/31" && m == "PUT" {
            let b: Value = serde_json::from_slice(&req.body).unwrap();
            assert_eq!(
                b.as_object().unwrap().len(),
                2,
                "only manage_stock and stock_quantity, never the whole product"
            );
            s.stock = b["stock_quantity"].as_i64().unwrap();
            return ResponseTemplate::new(200)
                .set_body_json(json!({ "id": 31, "stock_quantity": s.stock }));
        }
        if let Some(rest) = p.strip_prefix("/wc/v3/orders/") {
            let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
            match (m, tail) {
                ("GET", "notes") => {
                    let notes: Vec<Value> = s
                        .notes
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.0 == id)
                        .map(|(i, n)| json!({ "id": i, "note": n.1, "customer_note": true }))
                        .collect();
                    return ResponseTemplate::new(200).set_body_json(notes);
                }
                ("POST", "notes") => {
                    let b: Value = serde_json::from_slice(&req.body).unwrap();
                    assert_eq!(b["customer_note"], json!(true));
                    s.notes
                        .push((id.to_string(), b["note"].as_str().unwrap().to_string()));
                    return ResponseTemplate::new(201)
                        .set_body_json(json!({ "id": s.notes.len() - 1 }));
                }
                ("PUT", "") => {
                    s.completed.push(id.to_string());
                    return ResponseTemplate::new(200)
                        .set_body_json(json!({ "id": id, "status": "completed" }));
                }
                _ => {}
            }
        }
        ResponseTemplate::new(404).set_body_json(json!({ "code": "rest_no_route", "message": "No route was found matching the URL and request method.", "data": { "status": 404 } }))
    }
}

const T0: i64 = 1_790_000_000_000;

#[tokio::test]
async fn orders_stock_and_tracking_through_a_host_that_strips_authorization() {
    let mut orders: Vec<Value> = (1..=205)
        .map(|n| woo_order(n, T0 + n as i64 * 1000))
        .collect();
    orders[3]["total"] = json!(29.0); // a float where Woo sends a string: quarantined
    let server = MockServer::start().await;
    let fake = FakeWoo(Arc::new(Mutex::new(Store {
        orders,
        stock: 7,
        too_many_once: true,
        ..Store::default()
    })));
    Mock::given(wiremock::matchers::any())
        .respond_with(fake.clone())
        .mount(&server)
        .await;

    let f = shop_with("USD", "us", &[("VMUG-BLUE", "12.00", 500)]);
    let ch = f.channel("woo", "woocommerce", &server.uri());
    let mut c = WooCommerce::new(&ch.base_url, "ck_1:cs_1", Duration::from_secs(5));
    let opts = SyncOptions {
        listings: true,
        timeout: Duration::from_secs(5),
    };
    let r = run(&f.shop, &ch, &mut c, opts, &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(
        fake.0.lock().unwrap().saw_query_keys,
        "fell back to query-string keys"
    );
    assert_eq!((r.orders.created, r.orders.quarantined), (204, 1), "{r:?}");
    assert_eq!(f.order_count(), 204);
    let q = f.shop.quarantined_orders(&f.owner).unwrap();
    assert!(
        q[0].error.contains("not a decimal string"),
        "{}",
        q[0].error
    );
    let one = f.shop.order_by_number(&f.owner, "#1").unwrap();
    assert_eq!(
        (one.lines[0].unit_price.minor(), one.shipping_total.minor()),
        (1200, 500),
        "money from strings"
    );
    assert_eq!(
        fake.0.lock().unwrap().stock,
        500 - 204 * 2,
        "available stock pushed"
    );

    let ch = f.shop.channel("woo").unwrap();
    assert_eq!(
        ch.watermark,
        Some(Timestamp((T0 / 1000 + 205) * 1000)),
        "the GMT date read as UTC, and the watermark at the newest order"
    );
    let r = run(&f.shop, &ch, &mut c, opts, &|_| {}).await;
    assert_eq!(r.orders.created, 0);

    let o = f.shop.order_by_number(&f.owner, "#1").unwrap();
    f.ship(&o.id, "usps", "9400111899560000000003", vec![]);
    for _ in 0..2 {
        run(&f.shop, &ch, &mut c, without_listings(opts), &|_| {}).await;
    }
    let s = fake.0.lock().unwrap();
    let notes: Vec<&(String, String)> = s
        .notes
        .iter()
        .filter(|n| n.0 == o.external_id.clone().unwrap())
        .collect();
    assert_eq!(notes.len(), 1, "one note, however often it runs");
    assert!(notes[0].1.contains("9400111899560000000003"));
    assert_eq!(
        s.completed,
        vec![o.external_id.clone().unwrap()],
        "fully shipped: completed"
    );
}
