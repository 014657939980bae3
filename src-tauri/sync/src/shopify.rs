//! Shopify through the Admin GraphQL API at a pinned version: orders by `updated_at` with cursor
//! pages, the cost-based throttle (`extensions.cost.throttleStatus`, THROTTLED as 200 or 429),
//! stock by `inventorySetQuantities` with compare-and-set and an `@idempotent` key, tracking by
//! `fulfillmentCreate` against the order's fulfillment orders. Money is read from the decimal
//! strings in the shop currency (`shopMoney`), ids are GIDs.

use crate::http::{error_text, Http, SyncError, SyncResult};
use crate::{malformed, money_field, text, Connector, Page, StockOutcome};
use serde_json::{json, Value};
use shopdesk_core::channel::{
    FulfilmentPush, Pulled, RemoteLine, RemoteListing, RemoteOrder, RemoteRefund, StockPush,
    SyncErrorKind,
};
use shopdesk_core::order::Address;
use shopdesk_core::Timestamp;
use std::collections::BTreeMap;
use std::time::Duration;

mod bulk;
mod catalog;

/// The Admin API version every request names; Shopify supports each for a year.
pub const SHOPIFY_API_VERSION: &str = "2026-10";

/// Orders a page to start with. Shopify prices a query before running it (a connection costs
/// `first` × its children, so the 30 lines of each order weigh on it) and refuses one over its
/// single-query limit with MAX_COST_EXCEEDED and the price; the connector then shrinks its page
/// to fit and keeps that size.
const PAGE: usize = 50;

/// What Shopdesk reads of an order, but its lines: by cursor pages and by export alike.
pub(super) const ORDER_FIELDS: &str = "id name updatedAt email phone note cancelledAt
  displayFinancialStatus currencyCode
  totalPriceSet { shopMoney { amount currencyCode } }
  totalShippingPriceSet { shopMoney { amount } }
  shippingLine { title }
  shippingAddress { name company address1 address2 city province zip countryCodeV2 phone }
  billingAddress { name company address1 address2 city province zip countryCodeV2 phone }
  refunds { id totalRefundedSet { shopMoney { amount } } }";

/// What Shopdesk reads of an order's line.
pub(super) const LINE_FIELDS: &str = "id sku title quantity
  originalUnitPriceSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } }";

/// A page of orders by cursor, oldest change first.
fn orders_page_query() -> String {
    format!(
        "query Orders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {ORDER_FIELDS}
      lineItems(first: 30) {{ pageInfo {{ hasNextPage }} nodes {{ {LINE_FIELDS} }} }}
    }}
  }}
}}"
    )
}

const VARIANTS: &str = r#"query Variants($after: String) {
  productVariants(first: 250, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku displayName inventoryQuantity inventoryItem { id } }
  }
}"#;

const SET_STOCK: &str = r#"mutation SetStock($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    userErrors { code field message }
  }
}"#;

const LEVEL: &str = r#"query Level($item: ID!, $location: ID!) {
  inventoryItem(id: $item) {
    inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } }
  }
}"#;

const FULFILMENT_ORDERS: &str = r#"query Fulfilment($id: ID!) {
  order(id: $id) {
    fulfillments(first: 50) { id trackingInfo { number } }
    fulfillmentOrders(first: 20) {
      nodes { id status lineItems(first: 30) { nodes { id remainingQuantity lineItem { id } } } }
    }
  }
}"#;

const FULFIL: &str = r#"mutation Fulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment, message: "Shipped from Shopdesk") {
    fulfillment { id }
    userErrors { field message }
  }
}"#;

pub struct Shopify {
    http: Http,
    endpoint: String,
    token: String,
    location: Option<String>,
    /// Orders a page: PAGE until Shopify says a page that size costs too much.
    page: usize,
    /// The export a big pull is reading (`bulk.rs`), handed to the engine in pages.
    export: Option<Box<bulk::Export>>,
    /// After an export, the pull goes on by cursor pages from when the export started.
    after_export: Option<Timestamp>,
    /// Why the last pull that wanted an export read cursor pages instead.
    paged_because: Option<String>,
}

/// The cursor of a pull that reads an export, and of the paged pull after it: Shopify's cursors
/// are opaque base64 and never start with this.
const EXPORT_CURSOR: &str = "shopdesk:export";
const AFTER_EXPORT_CURSOR: &str = "shopdesk:after-export";
/// Orders handed to the engine at a time from an export (one transaction each).
const EXPORT_PAGE: usize = 250;

fn money_at(v: &Value, pointer: &str, currency: &str) -> Result<i64, String> {
    money_field(v.pointer(pointer), pointer, currency)
}

fn address(v: &Value) -> Option<Address> {
    if v.is_null() {
        return None;
    }
    Some(Address {
        name: text(v, "name"),
        company: text(v, "company"),
        line1: text(v, "address1"),
        line2: text(v, "address2"),
        city: text(v, "city"),
        region: text(v, "province"),
        postal_code: text(v, "zip"),
        country: text(v, "countryCodeV2"),
        phone: text(v, "phone"),
    })
}

pub(crate) fn order(node: &Value) -> Result<RemoteOrder, String> {
    let updated = text(node, "updatedAt");
    let updated_at = Timestamp::parse_rfc3339(&updated)
        .ok_or_else(|| format!("updatedAt '{updated}' is not a UTC time"))?;
    let currency = text(node, "currencyCode");
    if node.pointer("/lineItems/pageInfo/hasNextPage") == Some(&Value::Bool(true)) {
        return Err("the order has more than 30 lines; import it by hand".into());
    }
    let mut lines = Vec::new();
    for l in node
        .pointer("/lineItems/nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        lines.push(RemoteLine {
            remote_id: text(l, "id"),
            sku: text(l, "sku"),
            title: text(l, "title"),
            quantity: l
                .get("quantity")
                .and_then(Value::as_i64)
                .ok_or("a line has no quantity")?,
            unit_price_minor: money_at(l, "/originalUnitPriceSet/shopMoney/amount", &currency)?,
            discount_minor: money_at(l, "/totalDiscountSet/shopMoney/amount", &currency)?,
        });
    }
    let mut refunds = Vec::new();
    for r in node
        .get("refunds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        refunds.push(RemoteRefund {
            id: text(r, "id"),
            amount_minor: money_at(r, "/totalRefundedSet/shopMoney/amount", &currency)?,
        });
    }
    let status = text(node, "displayFinancialStatus");
    Ok(RemoteOrder {
        external_id: text(node, "id"),
        number: text(node, "name"),
        updated_at,
        email: text(node, "email"),
        phone: text(node, "phone"),
        shipping: node
            .get("shippingAddress")
            .and_then(address)
            .unwrap_or_default(),
        billing: node.get("billingAddress").and_then(address),
        lines,
        shipping_method: node
            .pointer("/shippingLine/title")
            .and_then(Value::as_str)
            .unwrap_or("")
            .into(),
        shipping_minor: money_at(node, "/totalShippingPriceSet/shopMoney/amount", &currency)?,
        total_minor: money_at(node, "/totalPriceSet/shopMoney/amount", &currency)?,
        paid: matches!(
            status.as_str(),
            "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "AUTHORIZED" | "PARTIALLY_PAID"
        ),
        cancelled: !node.get("cancelledAt").is_none_or(Value::is_null),
        refunds,
        note: text(node, "note"),
        currency,
        raw: node.clone(),
        ..RemoteOrder::default()
    })
}

/// How long until the cost bucket holds `requested` points again (zero when it already does);
/// `unknown` is what to assume is available when the answer does not say.
fn refill_time(body: &Value, unknown: f64) -> Duration {
    let cost = body.pointer("/extensions/cost");
    let get = |p: &str| cost.and_then(|c| c.pointer(p)).and_then(Value::as_f64);
    let requested = get("/requestedQueryCost").unwrap_or(50.0);
    let available = get("/throttleStatus/currentlyAvailable").unwrap_or(unknown);
    let rate = get("/throttleStatus/restoreRate")
        .filter(|r| *r > 0.0)
        .unwrap_or(50.0);
    Duration::from_secs_f64(((requested - available) / rate).max(0.0))
}

impl Shopify {
    pub fn new(base_url: &str, token: &str, timeout: Duration) -> Shopify {
        Shopify {
            // Shopify limits GraphQL by the cost bucket alone, and `gql` paces itself by it; the
            // token bucket only caps bursts (at 4 a second it was what made a 10,000-order pull
            // take 50 s).
            http: Http::new(20.0, 20.0, timeout),
            endpoint: format!(
                "{}/admin/api/{SHOPIFY_API_VERSION}/graphql.json",
                base_url.trim_end_matches('/')
            ),
            token: token.to_string(),
            location: None,
            page: PAGE,
            export: None,
            after_export: None,
            paged_because: None,
        }
    }

    /// Why the last pull that wanted an export (a first pull, or one over many orders) read
    /// cursor pages instead: Shopify refused, failed or expired it.
    pub fn paged_because(&self) -> Option<&str> {
        self.paged_because.as_deref()
    }

    /// One GraphQL call's data; see `gql_answer`.
    async fn gql(&self, query: &str, variables: Value, idempotent: bool) -> SyncResult<Value> {
        data_of(&self.gql_answer(query, variables, idempotent).await?)
    }

    /// One GraphQL call's whole answer; waits out THROTTLED answers by the cost the bucket
    /// reports, and paces the next call by it.
    async fn gql_answer(
        &self,
        query: &str,
        variables: Value,
        idempotent: bool,
    ) -> SyncResult<Value> {
        let payload = json!({ "query": query, "variables": variables });
        loop {
            let reply = self
                .http
                .send(
                    || {
                        self.http
                            .client
                            .post(&self.endpoint)
                            .header("X-Shopify-Access-Token", &self.token)
                            .json(&payload)
                    },
                    idempotent,
                )
                .await?
                .found("Admin API at this address")?;
            let body = reply.body;
            let codes: Vec<&str> = body
                .get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e.pointer("/extensions/code").and_then(Value::as_str))
                .collect();
            if codes.contains(&"THROTTLED") {
                // Throttled without a bucket status: assume it is empty.
                let wait = refill_time(&body, 0.0).max(Duration::from_millis(50));
                self.http.throttle_wait(wait).await?;
                continue;
            }
            if codes.contains(&"ACCESS_DENIED") {
                return Err(SyncError::new(SyncErrorKind::Auth, error_text(&body)));
            }
            // Pace by the bucket the answer reports: when it could not pay for a call like this
            // one, wait for it now rather than spend a round trip on THROTTLED.
            let refill = refill_time(&body, f64::INFINITY);
            if !refill.is_zero() {
                self.http.throttle_wait(refill).await?;
            }
            return Ok(body);
        }
    }

    async fn location(&mut self) -> SyncResult<String> {
        if let Some(l) = &self.location {
            return Ok(l.clone());
        }
        let data = self
            .gql("query { location { id } }", json!({}), true)
            .await?;
        let id = data
            .pointer("/location/id")
            .and_then(Value::as_str)
            .ok_or_else(|| SyncError::unreadable("no primary location"))?
            .to_string();
        self.location = Some(id.clone());
        Ok(id)
    }
}

impl Shopify {
    /// The next orders of the export being read; at its end, the paged pull of what changed
    /// since it started follows.
    async fn export_page(&mut self) -> SyncResult<Page> {
        let export = self
            .export
            .as_mut()
            .ok_or_else(|| SyncError::unreadable("no export is being read"))?;
        let nodes: Vec<Value> = match export.next_objects(EXPORT_PAGE).await {
            Ok(objects) => objects
                .into_iter()
                .map(|(mut order, lines)| {
                    // As the paged query reads it: the lines under the order.
                    order["lineItems"] =
                        json!({ "nodes": lines, "pageInfo": { "hasNextPage": false } });
                    order
                })
                .collect(),
            Err(e) => {
                self.export = None;
                return Err(e);
            }
        };
        let next = if nodes.len() < EXPORT_PAGE {
            // A minute before it started: the export's snapshot and its createdAt are not one
            // instant, and an order read twice is only read again.
            self.after_export = self.export.take().map(|e| Timestamp(e.started.0 - 60_000));
            AFTER_EXPORT_CURSOR
        } else {
            EXPORT_CURSOR
        };
        Ok(Page {
            orders: nodes.iter().map(pulled).collect(),
            next: Some(next.into()),
        })
    }
}

fn pulled(node: &Value) -> Pulled {
    match order(node) {
        Ok(o) => Pulled::Order(Box::new(o)),
        Err(e) => malformed(node, "id", e),
    }
}

fn data_of(body: &Value) -> SyncResult<Value> {
    match body.get("data") {
        Some(data) if !data.is_null() => Ok(data.clone()),
        _ => Err(SyncError::new(SyncErrorKind::Rejected, error_text(body))),
    }
}

/// A page size that fits Shopify's single-query limit, from its MAX_COST_EXCEEDED answer (the
/// query's price and the limit); `None` for any other answer.
fn page_that_fits(body: &Value, page: usize) -> Option<usize> {
    let refused = body
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|e| {
            e.pointer("/extensions/code").and_then(Value::as_str) == Some("MAX_COST_EXCEEDED")
        })?;
    let number = |p: &str| refused.pointer(p).and_then(Value::as_f64);
    let (cost, max) = (
        number("/extensions/cost").unwrap_or(f64::MAX),
        number("/extensions/maxCost").unwrap_or(1000.0),
    );
    let fits = ((page as f64) * max / cost).floor() as usize;
    Some(fits.clamp(1, page.saturating_sub(1).max(1)))
}

fn user_errors(payload: Option<&Value>) -> Vec<(String, String)> {
    payload
        .and_then(|p| p.get("userErrors"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| (text(e, "code"), text(e, "message")))
        .collect()
}

impl Connector for Shopify {
    async fn orders_page(
        &mut self,
        since: Option<Timestamp>,
        cursor: Option<String>,
    ) -> SyncResult<Page> {
        let cursor = match cursor.as_deref() {
            None => {
                // A new pull: the store's first, or one over many orders, reads an export. (An
                // export a failed pull left half read is dropped: this pull reads from its own
                // start.) A count that cannot be had leaves the pull to pages, which meet the same
                // trouble and report it.
                (self.export, self.after_export, self.paged_because) = (None, None, None);
                let big = match since {
                    None => true,
                    Some(t) => self.count_since(t).await.is_ok_and(|n| n > bulk::BULK_FROM),
                };
                if big {
                    match self.export(&bulk::orders_query(since)).await {
                        Ok(export) => self.export = Some(Box::new(export)),
                        Err(bulk::Fallback::Stop(e)) => return Err(e),
                        // Refused, failed or expired: the same orders by cursor pages.
                        Err(bulk::Fallback::Pages(why)) => self.paged_because = Some(why),
                    }
                }
                if self.export.is_some() {
                    return self.export_page().await;
                }
                None
            }
            Some(EXPORT_CURSOR) => return self.export_page().await,
            Some(AFTER_EXPORT_CURSOR) => None,
            Some(_) => cursor,
        };
        let since = self.after_export.or(since);
        let query = since.map(|t| format!("updated_at:>'{}'", t.to_rfc3339()));
        let data = loop {
            let vars = json!({ "first": self.page, "after": cursor, "query": query });
            let answer = self.gql_answer(&orders_page_query(), vars, true).await?;
            match page_that_fits(&answer, self.page) {
                Some(fits) if fits < self.page => self.page = fits,
                _ => break data_of(&answer)?,
            }
        };
        let orders = data
            .pointer("/orders/nodes")
            .and_then(Value::as_array)
            .ok_or_else(|| SyncError::unreadable("no orders list"))?
            .iter()
            .map(pulled)
            .collect();
        let next = (data.pointer("/orders/pageInfo/hasNextPage") == Some(&Value::Bool(true)))
            .then(|| text(&data["orders"]["pageInfo"], "endCursor"));
        Ok(Page { orders, next })
    }

    async fn listings(&mut self) -> SyncResult<Vec<RemoteListing>> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let data = self.gql(VARIANTS, json!({ "after": after }), true).await?;
            let conn = &data["productVariants"];
            for v in conn["nodes"].as_array().into_iter().flatten() {
                out.push(RemoteListing {
                    remote_id: text(v, "id"),
                    inventory_ref: v
                        .pointer("/inventoryItem/id")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .into(),
                    sku: text(v, "sku"),
                    title: text(v, "displayName"),
                    stock: v.get("inventoryQuantity").and_then(Value::as_i64),
                });
            }
            if conn.pointer("/pageInfo/hasNextPage") != Some(&Value::Bool(true)) {
                return Ok(out);
            }
            after = Some(text(&conn["pageInfo"], "endCursor"));
        }
    }

    async fn set_stock(&mut self, p: &StockPush, key: &str) -> SyncResult<StockOutcome> {
        let location = self.location().await?;
        let input = json!({
            "name": "available",
            "reason": "correction",
            "referenceDocumentUri": format!("shopdesk://stock-move/{}", p.seq),
            "quantities": [{
                "inventoryItemId": p.inventory_ref,
                "locationId": location,
                "quantity": p.available,
                "changeFromQuantity": p.last_known,
            }],
        });
        // The idempotency key makes a resend of the same change a no-op, so this write may retry.
        let data = self
            .gql(SET_STOCK, json!({ "input": input, "key": key }), true)
            .await?;
        let errors = user_errors(data.get("inventorySetQuantities"));
        if errors
            .iter()
            .any(|(c, _)| c == "CHANGE_FROM_QUANTITY_STALE")
        {
            let level = self
                .gql(
                    LEVEL,
                    json!({ "item": p.inventory_ref, "location": location }),
                    true,
                )
                .await?;
            let now = level
                .pointer("/inventoryItem/inventoryLevel/quantities/0/quantity")
                .and_then(Value::as_i64)
                .ok_or_else(|| SyncError::unreadable("no available quantity"))?;
            return Ok(StockOutcome::Stale(now));
        }
        if let Some((code, message)) = errors.first() {
            return Err(SyncError::new(
                SyncErrorKind::Rejected,
                format!("{} ({code}): {message}", p.sku),
            ));
        }
        Ok(StockOutcome::Set(p.available))
    }

    async fn fulfil(&mut self, p: &FulfilmentPush) -> SyncResult<String> {
        let data = self
            .gql(
                FULFILMENT_ORDERS,
                json!({ "id": p.external_order_id }),
                true,
            )
            .await?;
        let order = data.get("order").filter(|o| !o.is_null()).ok_or_else(|| {
            SyncError::new(
                SyncErrorKind::Rejected,
                format!("order {} is gone from Shopify", p.external_order_id),
            )
        })?;
        // Read back: a fulfilment with this tracking number means an earlier try got through.
        for f in order["fulfillments"].as_array().into_iter().flatten() {
            let numbers = f["trackingInfo"].as_array().into_iter().flatten();
            if numbers.into_iter().any(|t| text(t, "number") == p.tracking) {
                return Ok(text(f, "id"));
            }
        }
        let mut by_order: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for line in &p.lines {
            let mut left = line.quantity;
            for fo in order
                .pointer("/fulfillmentOrders/nodes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !matches!(
                    text(fo, "status").as_str(),
                    "OPEN" | "IN_PROGRESS" | "SCHEDULED"
                ) {
                    continue;
                }
                for item in fo
                    .pointer("/lineItems/nodes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let remaining = item["remainingQuantity"].as_i64().unwrap_or(0);
                    if left == 0
                        || remaining == 0
                        || item.pointer("/lineItem/id").and_then(Value::as_str)
                            != Some(&line.remote_line_id)
                    {
                        continue;
                    }
                    let take = left.min(remaining);
                    left -= take;
                    by_order
                        .entry(text(fo, "id"))
                        .or_default()
                        .push(json!({ "id": text(item, "id"), "quantity": take }));
                }
            }
            if left > 0 {
                return Err(SyncError::new(
                    SyncErrorKind::Rejected,
                    format!(
                        "Shopify has only {} of {} left to fulfil",
                        line.quantity - left,
                        line.sku
                    ),
                ));
            }
        }
        let fulfillment = json!({
            "lineItemsByFulfillmentOrder": by_order.into_iter().map(|(id, items)| json!({
                "fulfillmentOrderId": id, "fulfillmentOrderLineItems": items })).collect::<Vec<_>>(),
            "trackingInfo": { "company": p.carrier, "number": p.tracking, "url": p.tracking_url },
            // Shopdesk sends its own shipment e-mail.
            "notifyCustomer": false,
        });
        let data = self
            .gql(FULFIL, json!({ "fulfillment": fulfillment }), false)
            .await?;
        let payload = data.get("fulfillmentCreate");
        if let Some((_, message)) = user_errors(payload).first() {
            return Err(SyncError::new(SyncErrorKind::Rejected, message.clone()));
        }
        payload
            .and_then(|p| p.pointer("/fulfillment/id"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| SyncError::unreadable("no fulfillment id"))
    }
}
