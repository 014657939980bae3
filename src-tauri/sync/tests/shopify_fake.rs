//! Shopify connector against a faithful fake of the Admin GraphQL API (wiremock): cursor pages
//! to the last one, the cost bucket (THROTTLED as 200 and as 429 with Retry-After), a 500,
//! JSON cut short, a bad token; an order updated mid-pass; compare-and-set stock that finds a
//! changed level; a fulfilment whose answer was lost, found again by reading back. Bulk
//! exports as the bulk operations guide describes them: started by `bulkOperationRunQuery`,
//! polled by `bulkOperation(id:)`, a JSONL file with each line item after its order; refused
//! while another runs, failed, or expired.

mod common;

use common::*;
use serde_json::{json, Value};
use shopdesk_core::channel::SyncErrorKind;
use shopdesk_sync::{run, Connector, Shopify, SyncOptions, SHOPIFY_API_VERSION};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Clone, Debug)]
enum Fault {
    Throttled,
    TooMany,
    ServerError,
    Truncated,
}

/// (order GID, tracking number, (fulfillment-order line, quantity)…)
type Fulfilment = (String, String, Vec<(String, i64)>);
/// Runs before the n-th orders request.
type PageHook = (usize, fn(&mut Store));

/// How the fake's next bulk export goes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Fate {
    /// "A bulk query operation for this app and shop is already in progress".
    #[default]
    Refused,
    Completes,
    Fails,
    Expires,
}

/// A bulk export: its JSONL file, made when it started, and how often it was polled.
struct Export {
    file: String,
    created: String,
    polls: usize,
}

#[derive(Default)]
struct Store {
    /// The fake's own address (for the export files' URLs).
    base: String,
    /// Product nodes with their `variants` and `media` as lists (the export writes them out).
    products: Vec<Value>,
    fate: Fate,
    exports: Vec<Export>,
    /// Runs when an export is first polled (to change data while it runs).
    while_exporting: Option<fn(&mut Store)>,
    orders: Vec<Value>,
    /// (inventory item, available)
    stock: Vec<(String, i64)>,
    fulfilments: Vec<Fulfilment>,
    faults: Vec<Fault>,
    requests: usize,
    clock: i64,
    /// Runs before the n-th orders request (to change data mid-pass).
    on_page: Option<PageHook>,
    orders_requests: usize,
    /// Orders queries refused as over the single-query limit.
    refused: usize,
    /// Shopify's cost bucket; without one every answer reports a nearly full bucket.
    bucket: Option<Bucket>,
}

/// The leaky bucket Shopify keeps per app and store: a query needs its requested cost
/// available before it runs, is charged it, and the bucket refills at `rate` points a second.
struct Bucket {
    available: f64,
    max: f64,
    rate: f64,
    at: Instant,
    throttled: usize,
}

impl Bucket {
    /// Shopify Plus: 1,000 points a second into a bucket of 20,000.
    fn plus() -> Bucket {
        Bucket::new(20_000.0, 1_000.0)
    }

    fn new(max: f64, rate: f64) -> Bucket {
        Bucket {
            available: max,
            max,
            rate,
            at: Instant::now(),
            throttled: 0,
        }
    }

    fn status(&self) -> Value {
        json!({ "maximumAvailable": self.max, "currentlyAvailable": self.available.floor(), "restoreRate": self.rate })
    }
}

/// What the fake charges a query that runs.
const QUERY_COST: f64 = 100.0;
/// Shopify's single-query limit.
const MAX_QUERY_COST: u64 = 1000;

/// Shopify's price of the orders query before it runs, by its published rule: objects cost 1,
/// scalars 0, and a connection 2 + `first` × what each node selects. An order here selects 11
/// (itself, two money bags of 2, the shipping line, two addresses, refunds with their money bag)
/// plus its lines connection: 2 + lines × 5 (each line and its two money bags).
fn orders_price(query: &str, first: u64) -> u64 {
    let lines: u64 = query
        .split("lineItems(first: ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    2 + first * (11 + 2 + 5 * lines)
}

#[derive(Clone)]
struct FakeShopify(Arc<Mutex<Store>>);

fn iso(ms: i64) -> String {
    shopdesk_core::Timestamp(ms).to_rfc3339()
}

fn fake_order(n: usize, updated: i64) -> Value {
    json!({
        "id": format!("gid://shopify/Order/{n}"), "name": format!("#{}", 1000 + n),
        "updatedAt": iso(updated), "email": format!("b{n}@example.com"), "phone": null, "note": null,
        "cancelledAt": null, "displayFinancialStatus": "PAID", "currencyCode": "USD",
        "totalPriceSet": { "shopMoney": { "amount": "29.00", "currencyCode": "USD" } },
        "totalShippingPriceSet": { "shopMoney": { "amount": "5.00" } },
        "shippingLine": { "title": "Standard" },
        "shippingAddress": { "name": "Pat Buyer", "company": null, "address1": "350 Fifth Avenue", "address2": null,
            "city": "New York", "province": "NY", "zip": "10118", "countryCodeV2": "US", "phone": null },
        "billingAddress": null,
        "lineItems": { "pageInfo": { "hasNextPage": false }, "nodes": [
            { "id": format!("gid://shopify/LineItem/{n}1"), "sku": "VMUG-BLUE", "title": "Enamel Mug", "quantity": 2,
              "originalUnitPriceSet": { "shopMoney": { "amount": "12.00" } }, "totalDiscountSet": { "shopMoney": { "amount": "0.00" } } }
        ] },
        "refunds": []
    })
}

fn cost(requested: f64) -> Value {
    // Shopify Plus figures: a 20,000-point bucket refilling at 1,000 points a second.
    json!({ "cost": { "requestedQueryCost": requested, "actualQueryCost": requested,
        "throttleStatus": { "maximumAvailable": 20000.0, "currentlyAvailable": 19000, "restoreRate": 1000.0 } } })
}

fn key(o: &Value) -> (&str, &str) {
    (o["updatedAt"].as_str().unwrap(), o["id"].as_str().unwrap())
}

impl Respond for FakeShopify {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap();
        s.requests += 1;
        if !s.faults.is_empty() {
            match s.faults.remove(0) {
                Fault::Throttled => {
                    return ResponseTemplate::new(200).set_body_json(json!({
                        "errors": [{ "message": "Throttled", "extensions": { "code": "THROTTLED" } }],
                        "extensions": { "cost": { "requestedQueryCost": 1000, "actualQueryCost": null,
                            "throttleStatus": { "maximumAvailable": 20000.0, "currentlyAvailable": 900, "restoreRate": 1000.0 } } }
                    }))
                }
                Fault::TooMany => return ResponseTemplate::new(429).insert_header("Retry-After", "1.0"),
                Fault::ServerError => {
                    return ResponseTemplate::new(500).set_body_json(json!({ "errors": "Internal Server Error" }))
                }
                Fault::Truncated => return ResponseTemplate::new(200).set_body_string("{\"data\":{\"orders\":{\"nodes\":[{\"id\""),
            }
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let q = body["query"].as_str().unwrap_or("");
        let vars = &body["variables"];
        if q.contains("orders(") {
            let price = orders_price(q, vars["first"].as_u64().unwrap_or(0));
            if price > MAX_QUERY_COST {
                s.refused += 1;
                return ResponseTemplate::new(200).set_body_json(json!({ "errors": [{
                    "message": format!("Query cost is {price}, which exceeds the single query max cost limit ({MAX_QUERY_COST})."),
                    "extensions": { "code": "MAX_COST_EXCEEDED", "cost": price, "maxCost": MAX_QUERY_COST } }] }));
            }
        }
        let mut charged = None;
        if let Some(b) = &mut s.bucket {
            let now = Instant::now();
            b.available = (b.available + b.rate * (now - b.at).as_secs_f64()).min(b.max);
            b.at = now;
            if b.available < QUERY_COST {
                b.throttled += 1;
                return ResponseTemplate::new(200).set_body_json(json!({
                    "errors": [{ "message": "Throttled", "extensions": { "code": "THROTTLED" } }],
                    "extensions": { "cost": { "requestedQueryCost": QUERY_COST, "actualQueryCost": null, "throttleStatus": b.status() } }
                }));
            }
            b.available -= QUERY_COST;
            charged = Some(b.status());
        }
        let data = if q.contains("orders(") {
            s.orders_requests += 1;
            // The store keeps its orders sorted by (updatedAt, id), as Shopify answers with
            // sortKey UPDATED_AT; the cursor is that pair of the page's last node, so it stays
            // put while data changes (Shopify's cursors are opaque; this one need not be).
            if let Some((n, hook)) = s.on_page {
                if s.orders_requests == n {
                    hook(&mut s);
                    s.orders.sort_by(|a, b| key(a).cmp(&key(b)));
                }
            }
            let since = vars["query"]
                .as_str()
                .and_then(|q| q.split('\'').nth(1))
                .and_then(shopdesk_core::Timestamp::parse_rfc3339);
            let mut start = s.orders.partition_point(|o| !newer_than(o, since));
            if let Some(a) = vars["after"].as_str().and_then(|a| a.split_once('|')) {
                start = start.max(s.orders.partition_point(|o| key(o) <= a));
            }
            let first = vars["first"].as_u64().unwrap() as usize;
            assert!(first <= 250, "Shopify refuses first > 250");
            let page: Vec<Value> = s.orders.iter().skip(start).take(first).cloned().collect();
            let end = page.last().map(|o| {
                format!(
                    "{}|{}",
                    o["updatedAt"].as_str().unwrap(),
                    o["id"].as_str().unwrap()
                )
            });
            json!({ "orders": { "nodes": page, "pageInfo": { "hasNextPage": start + first < s.orders.len(), "endCursor": end } } })
        } else if q.contains("ordersCount(") {
            let since = vars["query"]
                .as_str()
                .and_then(|q| q.split('\'').nth(1))
                .and_then(shopdesk_core::Timestamp::parse_rfc3339);
            let n = s.orders.iter().filter(|o| newer_than(o, since)).count();
            json!({ "ordersCount": { "count": n.min(10_000), "precision": if n > 10_000 { "AT_LEAST" } else { "EXACT" } } })
        } else if q.contains("bulkOperationRunQuery(") {
            let export = vars["query"].as_str().unwrap_or("");
            assert!(
                !export.contains("first:"),
                "a bulk query names no page sizes"
            );
            if s.fate == Fate::Refused {
                json!({ "bulkOperationRunQuery": { "bulkOperation": null, "userErrors": [{ "code": "OPERATION_IN_PROGRESS", "field": null,
                    "message": "A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/9." }] } })
            } else {
                let since = export
                    .split('\'')
                    .nth(1)
                    .and_then(shopdesk_core::Timestamp::parse_rfc3339);
                let file = if export.contains("products {") {
                    products_jsonl(&s.products)
                } else {
                    jsonl(s.orders.iter().filter(|o| newer_than(o, since)))
                };
                let created = iso(s.clock);
                s.exports.push(Export {
                    file,
                    created: created.clone(),
                    polls: 0,
                });
                let id = format!("gid://shopify/BulkOperation/{}", s.exports.len());
                json!({ "bulkOperationRunQuery": { "bulkOperation": { "id": id, "status": "CREATED", "createdAt": created }, "userErrors": [] } })
            }
        } else if q.contains("bulkOperation(") {
            let n: usize = vars["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            s.exports[n - 1].polls += 1;
            if s.exports[n - 1].polls == 1 {
                if let Some(hook) = s.while_exporting {
                    hook(&mut s);
                    s.orders.sort_by(|a, b| key(a).cmp(&key(b)));
                }
            }
            let (fate, base) = (s.fate, s.base.clone());
            let e = &s.exports[n - 1];
            let id = format!("gid://shopify/BulkOperation/{n}");
            let (status, error, url) = match (e.polls, fate) {
                (1, _) => ("RUNNING", Value::Null, Value::Null),
                (_, Fate::Fails) => ("FAILED", json!("INTERNAL_SERVER_ERROR"), Value::Null),
                (_, Fate::Expires) => ("EXPIRED", Value::Null, Value::Null),
                _ => (
                    "COMPLETED",
                    Value::Null,
                    json!(format!("{base}/exports/{n}.jsonl")),
                ),
            };
            json!({ "bulkOperation": { "id": id, "status": status, "errorCode": error, "createdAt": e.created,
                "objectCount": e.file.lines().count().to_string(), "url": url } })
        } else if q.contains("productVariants(") {
            let nodes: Vec<Value> = s.stock.iter().enumerate().map(|(i, (item, n))| json!({
                "id": format!("gid://shopify/ProductVariant/{i}"), "sku": (["VMUG-BLUE", "VTOTE-NAT"])[i % 2],
                "displayName": "x", "inventoryQuantity": n, "inventoryItem": { "id": item } })).collect();
            json!({ "productVariants": { "nodes": nodes, "pageInfo": { "hasNextPage": false, "endCursor": null } } })
        } else if q.contains("location {") {
            json!({ "location": { "id": "gid://shopify/Location/1" } })
        } else if q.contains("inventorySetQuantities") {
            assert!(
                q.contains("@idempotent(key: $key)"),
                "stock writes carry an idempotency key"
            );
            let qty = &vars["input"]["quantities"][0];
            let item = qty["inventoryItemId"].as_str().unwrap();
            let slot = s.stock.iter_mut().find(|(i, _)| i == item).unwrap();
            if qty["changeFromQuantity"].as_i64() != Some(slot.1) {
                json!({ "inventorySetQuantities": { "userErrors": [{ "code": "CHANGE_FROM_QUANTITY_STALE", "field": ["input"], "message": "The changeFromQuantity value does not match persisted value." }] } })
            } else {
                slot.1 = qty["quantity"].as_i64().unwrap();
                json!({ "inventorySetQuantities": { "userErrors": [] } })
            }
        } else if q.contains("inventoryItem(") {
            let item = vars["item"].as_str().unwrap();
            let n = s.stock.iter().find(|(i, _)| i == item).unwrap().1;
            json!({ "inventoryItem": { "inventoryLevel": { "quantities": [{ "name": "available", "quantity": n }] } } })
        } else if q.contains("fulfillmentOrders(") {
            let id = vars["id"].as_str().unwrap();
            let n: String = id.rsplit('/').next().unwrap().into();
            let done: i64 = s
                .fulfilments
                .iter()
                .filter(|f| f.0 == id)
                .flat_map(|f| f.2.iter().map(|l| l.1))
                .sum();
            let fs: Vec<Value> = s.fulfilments.iter().enumerate().filter(|(_, f)| f.0 == id)
                .map(|(i, f)| json!({ "id": format!("gid://shopify/Fulfillment/{i}"), "trackingInfo": [{ "number": f.1 }] })).collect();
            json!({ "order": { "fulfillments": fs, "fulfillmentOrders": { "nodes": [{ "id": format!("gid://shopify/FulfillmentOrder/{n}"), "status": "OPEN",
                "lineItems": { "nodes": [{ "id": format!("gid://shopify/FulfillmentOrderLineItem/{n}"), "remainingQuantity": 2 - done,
                    "lineItem": { "id": format!("gid://shopify/LineItem/{n}1") } }] } }] } } })
        } else if q.contains("fulfillmentCreate") {
            let f = &vars["fulfillment"];
            let fo = f["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderId"]
                .as_str()
                .unwrap();
            let order = format!("gid://shopify/Order/{}", fo.rsplit('/').next().unwrap());
            let lines = f["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderLineItems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    (
                        l["id"].as_str().unwrap().to_string(),
                        l["quantity"].as_i64().unwrap(),
                    )
                })
                .collect();
            s.fulfilments.push((
                order,
                f["trackingInfo"]["number"].as_str().unwrap().to_string(),
                lines,
            ));
            json!({ "fulfillmentCreate": { "fulfillment": { "id": format!("gid://shopify/Fulfillment/{}", s.fulfilments.len() - 1) }, "userErrors": [] } })
        } else {
            return ResponseTemplate::new(200)
                .set_body_json(json!({ "errors": [{ "message": format!("unknown query {q}") }] }));
        };
        let extensions = match charged {
            Some(status) => {
                json!({ "cost": { "requestedQueryCost": QUERY_COST, "actualQueryCost": QUERY_COST, "throttleStatus": status } })
            }
            None => cost(QUERY_COST),
        };
        ResponseTemplate::new(200).set_body_json(json!({ "data": data, "extensions": extensions }))
    }
}

/// Whether an order was updated after `since` (every order when `None`).
fn newer_than(o: &Value, since: Option<shopdesk_core::Timestamp>) -> bool {
    since.is_none_or(|t| shopdesk_core::Timestamp::parse_rfc3339(key(o).0).unwrap() > t)
}

/// An export's file: each order on a line without its lines connection, then each of its line
/// items on a line of its own naming it as `__parentId`.
fn jsonl<'a>(orders: impl Iterator<Item = &'a Value>) -> String {
    let mut out = String::new();
    for o in orders {
        let mut order = o.clone();
        let lines = order.as_object_mut().unwrap().remove("lineItems").unwrap();
        out += &format!("{order}\n");
        for l in lines["nodes"].as_array().unwrap() {
            let mut l = l.clone();
            l["__parentId"] = order["id"].clone();
            out += &format!("{l}\n");
        }
    }
    out
}

/// A products export's file: each product, then its variants and media each on a line naming
/// it as `__parentId` (a video's line holds nothing else: the query asks only for images).
fn products_jsonl(products: &[Value]) -> String {
    let mut out = String::new();
    for p in products {
        let mut product = p.clone();
        let fields = product.as_object_mut().unwrap();
        let children: Vec<Value> = ["variants", "media"]
            .iter()
            .flat_map(|k| fields.remove(*k).unwrap().as_array().unwrap().clone())
            .collect();
        out += &format!("{product}\n");
        for mut c in children {
            if c["id"].as_str().unwrap().contains("/Video/") {
                c = json!({});
            }
            c["__parentId"] = product["id"].clone();
            out += &format!("{c}\n");
        }
    }
    out
}

/// The file of export `n`, from its signed address (no access token).
struct ExportFile(FakeShopify);

impl Respond for ExportFile {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let name = req.url.path().rsplit('/').next().unwrap();
        let n: usize = name.trim_end_matches(".jsonl").parse().unwrap();
        let s = self.0 .0.lock().unwrap();
        assert!(
            !req.headers.contains_key("X-Shopify-Access-Token"),
            "the token stays with the Admin API"
        );
        ResponseTemplate::new(200)
            .insert_header("Content-Type", "application/jsonl")
            .set_body_string(s.exports[n - 1].file.clone())
    }
}

async fn shopify(mut store: Store) -> (MockServer, FakeShopify) {
    store.orders.sort_by(|a, b| key(a).cmp(&key(b)));
    let server = MockServer::start().await;
    store.base = server.uri();
    let fake = FakeShopify(Arc::new(Mutex::new(store)));
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(r"^/exports/\d+\.jsonl$"))
        .respond_with(ExportFile(fake.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/admin/api/{SHOPIFY_API_VERSION}/graphql.json"
        )))
        .and(header("X-Shopify-Access-Token", "shpat_good"))
        .respond_with(fake.clone())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)" })))
        .mount(&server)
        .await;
    (server, fake)
}

const T0: i64 = 1_790_000_000_000;

fn opts() -> SyncOptions {
    SyncOptions {
        listings: true,
        timeout: Duration::from_secs(5),
    }
}

fn shop() -> Fixture {
    shop_with(
        "USD",
        "us",
        &[("VMUG-BLUE", "12.00", 1000), ("VTOTE-NAT", "18.00", 50)],
    )
}

#[tokio::test]
async fn every_page_comes_in_once_through_throttles_errors_and_an_update_mid_pass() {
    let orders = (0..230)
        .map(|n| fake_order(n, T0 + n as i64 * 1000))
        .collect();
    let (server, fake) = shopify(Store {
        orders,
        faults: vec![Fault::Throttled, Fault::TooMany, Fault::ServerError, Fault::Truncated],
        clock: T0 + 1_000_000,
        // Before page 3, order 5 (already read) and order 200 (not yet) are edited.
        on_page: Some((3, |s| {
            s.clock += 1000;
            let t = iso(s.clock);
            s.orders[5]["updatedAt"] = json!(t);
            s.orders[5]["cancelledAt"] = json!(t);
            s.orders[5]["displayFinancialStatus"] = json!("REFUNDED");
            s.orders[5]["refunds"] = json!([{ "id": "gid://shopify/Refund/1", "totalRefundedSet": { "shopMoney": { "amount": "29.00" } } }]);
            s.orders[200]["updatedAt"] = json!(t);
        })),
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let mut c = Shopify::new(&ch.base_url, "shpat_good", opts().timeout);
    let r = run(&f.shop, &ch, &mut c, opts(), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        r.orders.created, 230,
        "every order, once, through the faults: {r:?}"
    );
    assert!(r.pages >= 5, "50 a page: {} pages", r.pages);
    assert_eq!(f.order_count(), 230);
    assert!(
        fake.0.lock().unwrap().faults.is_empty(),
        "every fault was served and survived"
    );

    let ch = f.shop.channel("shopify").unwrap();
    let r = run(&f.shop, &ch, &mut c, opts(), &|_| {}).await;
    assert_eq!(r.orders.created, 0, "a second pass makes nothing new");
    let five = f
        .shop
        .order_by_number(&f.owner, "gid://shopify/Order/5")
        .unwrap();
    assert_eq!(
        five.status,
        shopdesk_core::order::OrderStatus::Cancelled,
        "the mid-pass edit was seen"
    );
    assert_eq!(five.refunded.minor(), five.paid.minor());
    assert_eq!(f.order_count(), 230);
}

#[tokio::test]
async fn the_pull_waits_for_the_cost_bucket_instead_of_being_throttled() {
    // A bucket that pays for three pages, refilling one page's cost in 0.2 s: the connector
    // reads each answer's bucket status and waits before the call it could not pay for. Its
    // first page of 50 is over Shopify's single-query limit: refused once, it shrinks to fit
    // (6 orders with 30 lines each) and keeps that size.
    let orders = (0..60)
        .map(|n| fake_order(n, T0 + n as i64 * 1000))
        .collect();
    let (server, fake) = shopify(Store {
        orders,
        bucket: Some(Bucket::new(3.0 * QUERY_COST, 5.0 * QUERY_COST)),
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let mut c = Shopify::new(&ch.base_url, "shpat_good", opts().timeout);
    let started = Instant::now();
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!((r.pages, r.orders.created), (10, 60));
    let s = fake.0.lock().unwrap();
    assert_eq!(
        s.refused, 1,
        "refused once for its price, then sized to fit"
    );
    assert_eq!(
        s.bucket.as_ref().unwrap().throttled,
        0,
        "never THROTTLED: the connector paced itself"
    );
    drop(s);
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "7 pages beyond the bucket wait about 0.2 s each"
    );
}

#[tokio::test]
async fn a_bad_token_is_reported_in_plain_words_and_the_channel_stays_on() {
    let (server, _) = shopify(Store {
        orders: vec![fake_order(1, T0)],
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let r = run(
        &f.shop,
        &ch,
        &mut Shopify::new(&ch.base_url, "shpat_revoked", opts().timeout),
        opts(),
        &|_| {},
    )
    .await;
    assert!(r.errors[0].contains("Invalid API key"), "{:?}", r.errors);
    let h = &f.shop.sync_health(&f.owner).unwrap()[0];
    assert!(h.failing);
    assert_eq!(h.last_error_kind, Some(SyncErrorKind::Auth));
    assert!(h.advice.as_deref().unwrap().contains("access token"));
    let r = run(
        &f.shop,
        &ch,
        &mut Shopify::new(&ch.base_url, "shpat_good", opts().timeout),
        opts(),
        &|_| {},
    )
    .await;
    assert_eq!(
        r.orders.created, 1,
        "the next run with a good token just works"
    );
    assert!(!f.shop.sync_health(&f.owner).unwrap()[0].failing);
}

#[tokio::test]
async fn stock_is_set_by_compare_and_set_and_a_lost_fulfilment_answer_is_read_back() {
    let (server, fake) = shopify(Store {
        orders: vec![fake_order(7, T0)],
        stock: vec![
            ("gid://shopify/InventoryItem/1".into(), 40),
            ("gid://shopify/InventoryItem/2".into(), 50),
        ],
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let mut c = Shopify::new(&ch.base_url, "shpat_good", opts().timeout);
    let r = run(&f.shop, &ch, &mut c, opts(), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        fake.0.lock().unwrap().stock[0].1,
        998,
        "1000 on hand − 2 committed"
    );

    // Someone sets the level in Shopify's admin; Shopdesk's next push meets a stale CAS, reads
    // the new level and sets its own again.
    fake.0.lock().unwrap().stock[0].1 = 3;
    f.adjust("VMUG-BLUE", -8);
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(fake.0.lock().unwrap().stock[0].1, 990);

    let o = f
        .shop
        .order_by_number(&f.owner, "gid://shopify/Order/7")
        .unwrap();
    f.ship(&o.id, "usps", "9400111899560000000002", vec![]);
    let due = f.shop.fulfilments_due(&ch.id).unwrap();
    c.fulfil(&due[0]).await.unwrap(); // reached Shopify; the answer "lost"
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert_eq!(r.fulfilments_pushed, 1);
    let fs = fake.0.lock().unwrap().fulfilments.clone();
    assert_eq!(fs.len(), 1, "one fulfilment, not two");
    assert_eq!(fs[0].1, "9400111899560000000002");
    assert_eq!(
        fs[0].2,
        vec![("gid://shopify/FulfillmentOrderLineItem/7".to_string(), 2)]
    );
}

#[tokio::test]
async fn a_first_pull_reads_an_export_then_pages_what_changed_while_it_ran() {
    let orders = (0..1200)
        .map(|n| fake_order(n, T0 + n as i64 * 1000))
        .collect();
    let (server, fake) = shopify(Store {
        orders,
        fate: Fate::Completes,
        clock: T0 + 2_000_000,
        // While the export runs (its file already made), order 5 is cancelled and refunded.
        while_exporting: Some(|s| {
            s.clock += 1000;
            let t = iso(s.clock);
            s.orders[5]["updatedAt"] = json!(t);
            s.orders[5]["cancelledAt"] = json!(t);
            s.orders[5]["displayFinancialStatus"] = json!("REFUNDED");
            s.orders[5]["refunds"] = json!([{ "id": "gid://shopify/Refund/1", "totalRefundedSet": { "shopMoney": { "amount": "29.00" } } }]);
        }),
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let mut c = Shopify::new(&ch.base_url, "shpat_good", opts().timeout);
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(c.paged_because(), None);
    assert_eq!(r.orders.created, 1200, "every order of the export, once");
    f.shop
        .order_by_number(&f.owner, "gid://shopify/Order/1199")
        .unwrap();
    let five = f
        .shop
        .order_by_number(&f.owner, "gid://shopify/Order/5")
        .unwrap();
    assert_eq!(
        five.status,
        shopdesk_core::order::OrderStatus::Cancelled,
        "the change made while the export ran came in by the paged pull after it"
    );
    let items: Vec<_> = five.lines.iter().filter(|l| l.kind == "item").collect();
    assert_eq!(
        (items.len(), items[0].sku.as_str(), items[0].quantity),
        (1, "VMUG-BLUE", 2),
        "its line came with it"
    );
    {
        let s = fake.0.lock().unwrap();
        assert_eq!(s.exports.len(), 1);
        assert_eq!(s.orders_requests, 1, "one page of what changed since");
    }

    // The next pull is small: cursor pages, no export.
    let ch = f.shop.channel("shopify").unwrap();
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert_eq!((r.orders.created, r.errors.len()), (0, 0));
    assert_eq!(fake.0.lock().unwrap().exports.len(), 1);

    // 600 new orders (a long time offline): over the few hundred a pull pages, so an export of
    // just what changed since the last pull.
    {
        let mut s = fake.0.lock().unwrap();
        let from = s.clock + 10_000;
        for n in 2000..2600 {
            s.orders.push(fake_order(n, from + n as i64));
        }
        s.clock = from + 100_000;
    }
    let ch = f.shop.channel("shopify").unwrap();
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.orders.created, 600);
    let s = fake.0.lock().unwrap();
    assert_eq!(s.exports.len(), 2);
    assert_eq!(
        s.exports[1].file.lines().count(),
        1202,
        "the second export holds the 600 new orders and their lines, and order 5 again (the \
         last change the pull saw, inside its overlap)"
    );
}

#[tokio::test]
async fn a_failed_or_expired_export_leaves_the_pull_to_cursor_pages() {
    for (fate, said) in [
        (Fate::Fails, "ended FAILED (INTERNAL_SERVER_ERROR)"),
        (Fate::Expires, "ended EXPIRED"),
    ] {
        let orders = (0..120)
            .map(|n| fake_order(n, T0 + n as i64 * 1000))
            .collect();
        let (server, fake) = shopify(Store {
            orders,
            fate,
            ..Store::default()
        })
        .await;
        let f = shop();
        let ch = f.channel("shopify", "shopify", &server.uri());
        let mut c = Shopify::new(&ch.base_url, "shpat_good", opts().timeout);
        let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
        assert!(r.errors.is_empty(), "{fate:?}: {:?}", r.errors);
        assert_eq!(r.orders.created, 120, "{fate:?}");
        assert!(
            c.paged_because().unwrap().ends_with(said),
            "{:?}",
            c.paged_because()
        );
        assert_eq!(
            fake.0.lock().unwrap().orders_requests,
            20,
            "6 a page (30 lines an order)"
        );
    }
}

#[tokio::test]
async fn the_stores_products_come_in_through_the_catalog_imports_preview() {
    let variant = |id: u32, size: &str, sku: &str, price: &str, barcode: &str| {
        json!({ "id": format!("gid://shopify/ProductVariant/{id}"), "sku": sku, "barcode": barcode,
            "price": price, "compareAtPrice": null,
            "selectedOptions": [{ "name": "Colour", "value": "Sage" }, { "name": "Size", "value": size }],
            "inventoryItem": { "unitCost": { "amount": "9.50" } } })
    };
    let image = |id: u32| {
        json!({ "id": format!("gid://shopify/MediaImage/{id}"),
            "image": { "url": format!("https://cdn.shopify.com/s/files/1/tee-{id}.jpg") } })
    };
    let (server, _fake) = shopify(Store {
        fate: Fate::Completes,
        products: vec![
            json!({ "id": "gid://shopify/Product/1", "handle": "sage-tee", "title": "Sage Tee",
                "descriptionHtml": "<p>Organic cotton</p>", "vendor": "Corner", "productType": "Tops",
                "tags": ["summer", "cotton"], "status": "ACTIVE",
                // Size comes first in the store, whatever order the answer lists options in.
                "options": [{ "name": "Colour", "position": 2 }, { "name": "Size", "position": 1 }],
                "variants": [variant(11, "S", "TEE-S", "25.00", "4006381333931"), variant(12, "M", "TEE-M", "26.50", "")],
                "media": [image(21), { "id": "gid://shopify/Video/22" }, image(23)] }),
            // A second mug under the SKU the shop's own mug has: that row is skipped and said.
            json!({ "id": "gid://shopify/Product/2", "handle": "mug-again", "title": "Mug again",
                "descriptionHtml": "", "vendor": "", "productType": "", "tags": [], "status": "DRAFT",
                "options": [{ "name": "Title", "position": 1 }],
                "variants": [{ "id": "gid://shopify/ProductVariant/31", "sku": "VMUG-BLUE", "barcode": null,
                    "price": "12.00", "compareAtPrice": "15.00", "selectedOptions": [{ "name": "Title", "value": "Default Title" }],
                    "inventoryItem": { "unitCost": null } }],
                "media": [] }),
        ],
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let mut c = Shopify::new(&ch.base_url, "shpat_good", opts().timeout);
    let csv = c.catalog_csv().await.unwrap();

    let preview = f.shop.preview_catalog_import(&f.owner, &csv).unwrap();
    assert_eq!(
        (
            preview.products_new,
            preview.variants,
            preview.images,
            preview.skipped_rows
        ),
        (1, 2, 2, 1),
        "{preview:?}"
    );
    assert!(
        preview.errors[0]
            .message
            .contains("duplicate SKU 'VMUG-BLUE'"),
        "{:?}",
        preview.errors
    );
    let done = f
        .shop
        .import_catalog(&f.owner, &csv, &mut |_, _| {})
        .unwrap();
    assert_eq!(done.preview.products_new, 1);
    let row = f.shop.lookup(&f.owner, "4006381333931").unwrap().unwrap();
    let tee = f.shop.product(&f.owner, &row.product_id).unwrap();
    assert_eq!(
        (
            tee.handle.as_str(),
            tee.title.as_str(),
            tee.vendor.as_str(),
            tee.product_type.as_str()
        ),
        ("sage-tee", "Sage Tee", "Corner", "Tops")
    );
    assert_eq!(tee.options, ["Size", "Colour"]);
    assert_eq!(tee.tags, ["summer", "cotton"]);
    assert_eq!(
        tee.images,
        [
            "https://cdn.shopify.com/s/files/1/tee-21.jpg",
            "https://cdn.shopify.com/s/files/1/tee-23.jpg"
        ]
    );
    let v: Vec<String> = tee
        .variants
        .iter()
        .map(|v| {
            format!(
                "{} {} price {} cost {:?} on hand {}",
                v.sku,
                v.options.join("/"),
                v.price.minor(),
                v.cost.map(|c| c.minor()),
                v.on_hand
            )
        })
        .collect();
    assert_eq!(
        v,
        [
            "TEE-S S/Sage price 2500 cost Some(950) on hand 0",
            "TEE-M M/Sage price 2650 cost Some(950) on hand 0"
        ],
        "stock stays the shop's own count"
    );
}

#[tokio::test]
#[ignore = "a benchmark: run by make benchmark"]
async fn benchmark_ten_thousand_orders_pulled_by_an_export() {
    const N: usize = 10_000;
    let orders = (0..N)
        .map(|n| fake_order(n, T0 + n as i64 * 1000))
        .collect();
    let (server, fake) = shopify(Store {
        orders,
        fate: Fate::Completes,
        bucket: Some(Bucket::plus()),
        clock: T0 + N as i64 * 1000,
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let mut c = Shopify::new(&ch.base_url, "shpat_good", Duration::from_secs(30));
    let started = Instant::now();
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    let took = started.elapsed().as_secs_f64();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(c.paged_because(), None);
    assert_eq!(r.orders.created, N as i64, "every order, once");
    let s = fake.0.lock().unwrap();
    shopdesk_testkit::stats::Row::new(
        format!(
            "{N} orders, a store's first pull from the local Shopify fake: one bulk export ({} polls, a {:.1} MB JSONL file read as a stream, Plus cost bucket), {} pages committed",
            s.exports[0].polls,
            s.exports[0].file.len() as f64 / 1e6,
            r.pages
        ),
        format!("{took:.1} s ({:.0} orders/s)", N as f64 / took),
    )
    .against("< 30 s")
    .print();
}
