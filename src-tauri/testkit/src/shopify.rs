//! A fake of Shopify's Admin GraphQL API (wiremock) that follows the public docs: cursor pages
//! sorted by `updatedAt`, the cost bucket (THROTTLED as 200 and as 429 with Retry-After), the
//! single-query cost limit, faults (a 500, JSON cut short), a bad token; compare-and-set stock;
//! fulfilment orders; and bulk exports as the bulk operations guide describes them (started by
//! `bulkOperationRunQuery`, polled by `bulkOperation(id:)`, a JSONL file at a signed address
//! with each nested object after its parent; refused while another runs, failed, or expired).
//! For the sync crate's tests and the window journeys.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Clone, Debug)]
pub enum Fault {
    Throttled,
    TooMany,
    ServerError,
    Truncated,
}

/// (order GID, tracking number, (fulfillment-order line, quantity)…)
pub type Fulfilment = (String, String, Vec<(String, i64)>);
/// Runs before the n-th orders request.
pub type PageHook = (usize, fn(&mut Store));

/// How the fake's next bulk export goes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Fate {
    /// "A bulk query operation for this app and shop is already in progress".
    #[default]
    Refused,
    Completes,
    Fails,
    Expires,
}

/// A bulk export: its JSONL file, made when it started, and how often it was polled.
pub struct Export {
    pub file: String,
    pub created: String,
    pub polls: usize,
}

#[derive(Default)]
pub struct Store {
    /// The fake's own address (for the export files' URLs).
    pub base: String,
    /// Product nodes with their `variants` and `media` as lists (the export writes them out).
    pub products: Vec<Value>,
    pub fate: Fate,
    pub exports: Vec<Export>,
    /// Runs when an export is first polled (to change data while it runs).
    pub while_exporting: Option<fn(&mut Store)>,
    /// The next export file is served cut off in the middle of a line (a dropped connection).
    pub cut_next_file: bool,
    pub orders: Vec<Value>,
    /// (inventory item, available)
    pub stock: Vec<(String, i64)>,
    pub fulfilments: Vec<Fulfilment>,
    pub faults: Vec<Fault>,
    pub requests: usize,
    pub clock: i64,
    /// Runs before the n-th orders request (to change data mid-pass).
    pub on_page: Option<PageHook>,
    pub orders_requests: usize,
    /// Orders queries refused as over the single-query limit.
    pub refused: usize,
    /// Shopify's cost bucket; without one every answer reports a nearly full bucket.
    pub bucket: Option<Bucket>,
}

/// The leaky bucket Shopify keeps per app and store: a query needs its requested cost
/// available before it runs, is charged it, and the bucket refills at `rate` points a second.
pub struct Bucket {
    pub available: f64,
    pub max: f64,
    pub rate: f64,
    pub at: Instant,
    pub throttled: usize,
}

impl Bucket {
    /// Shopify Plus: 1,000 points a second into a bucket of 20,000.
    pub fn plus() -> Bucket {
        Bucket::new(20_000.0, 1_000.0)
    }

    pub fn new(max: f64, rate: f64) -> Bucket {
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
pub const QUERY_COST: f64 = 100.0;
/// Shopify's single-query limit.
pub const MAX_QUERY_COST: u64 = 1000;

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
pub struct FakeShopify(pub Arc<Mutex<Store>>);

/// "2026-11-22T09:15:00.123Z", as Shopify writes times (milliseconds always, so the strings
/// sort as the times do).
pub fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .expect("a time in range")
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Milliseconds since 1970 of an RFC 3339 time.
fn parse_ms(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

pub fn fake_order(n: usize, updated: i64) -> Value {
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
                .and_then(parse_ms);
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
                .and_then(parse_ms);
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
                let since = export.split('\'').nth(1).and_then(parse_ms);
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
fn newer_than(o: &Value, since: Option<i64>) -> bool {
    since.is_none_or(|t| parse_ms(key(o).0).expect("an order's updatedAt") > t)
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
        let mut s = self.0 .0.lock().unwrap();
        assert!(
            !req.headers.contains_key("X-Shopify-Access-Token"),
            "the token stays with the Admin API"
        );
        let cut = std::mem::take(&mut s.cut_next_file);
        let file = &s.exports[n - 1].file;
        let body = if cut {
            file[..file.len() / 2].to_string()
        } else {
            file.clone()
        };
        ResponseTemplate::new(200)
            .insert_header("Content-Type", "application/jsonl")
            .set_body_string(body)
    }
}

/// Starts the fake on a port of its own with `store`, answering the Admin API of `version` for
/// the token "shpat_good" (any other is refused as Shopify refuses a bad one).
pub async fn start(mut store: Store, version: &str) -> (MockServer, FakeShopify) {
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
        .and(path(format!("/admin/api/{version}/graphql.json")))
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

/// A store's two products: a tee in two sizes with two images and a video, and a mug under
/// `taken_sku`, a SKU the test's shop already has on another product (so an import skips it and
/// says why).
pub fn products(taken_sku: &str) -> Vec<Value> {
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
    vec![
        json!({ "id": "gid://shopify/Product/1", "handle": "sage-tee", "title": "Sage Tee",
                "descriptionHtml": "<p>Organic cotton</p>", "vendor": "Corner", "productType": "Tops",
                "tags": ["summer", "cotton"], "status": "ACTIVE",
                // Size comes first in the store, whatever order the answer lists options in.
                "options": [{ "name": "Colour", "position": 2 }, { "name": "Size", "position": 1 }],
                "variants": [variant(11, "S", "TEE-S", "25.00", "4006381333931"), variant(12, "M", "TEE-M", "26.50", "")],
                "media": [image(21), { "id": "gid://shopify/Video/22" }, image(23)] }),
        json!({ "id": "gid://shopify/Product/2", "handle": "mug-again", "title": "Mug again",
                "descriptionHtml": "", "vendor": "", "productType": "", "tags": [], "status": "DRAFT",
                "options": [{ "name": "Title", "position": 1 }],
                "variants": [{ "id": "gid://shopify/ProductVariant/31", "sku": taken_sku, "barcode": null,
                    "price": "12.00", "compareAtPrice": "15.00", "selectedOptions": [{ "name": "Title", "value": "Default Title" }],
                    "inventoryItem": { "unitCost": null } }],
                "media": [] }),
    ]
}
