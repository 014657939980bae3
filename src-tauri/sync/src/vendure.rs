//! Vendure through its Admin GraphQL API: a bearer session from `login` (renewed when it
//! expires), placed orders by `updatedAt` ascending, keyset-paged (the newest time seen plus a
//! skip for ties, so an order updated mid-pass cannot push another out of view), stock by
//! `stockOnHand`, tracking by `addFulfillmentToOrder` then the transition to Shipped. Money is
//! already integer minor units.

use crate::http::{error_text, Http, SyncError, SyncResult};
use crate::{malformed, text, Connector, Page, StockOutcome};
use serde_json::{json, Value};
use shopdesk_core::channel::{
    FulfilmentPush, Pulled, RemoteLine, RemoteListing, RemoteOrder, RemoteRefund, StockPush,
    SyncErrorKind,
};
use shopdesk_core::order::Address;
use shopdesk_core::Timestamp;
use std::time::Duration;

const TAKE: usize = 100;

const ORDERS: &str = r#"query Orders($options: OrderListOptions) {
  orders(options: $options) {
    totalItems
    items {
      id code state updatedAt currencyCode
      customer { emailAddress phoneNumber }
      shippingAddress { fullName company streetLine1 streetLine2 city province postalCode countryCode phoneNumber }
      billingAddress { fullName company streetLine1 streetLine2 city province postalCode countryCode phoneNumber }
      lines { id quantity unitPriceWithTax linePriceWithTax discountedLinePriceWithTax productVariant { sku name } }
      shippingWithTax totalWithTax
      shippingLines { shippingMethod { name } }
      payments { id state amount refunds { id total state } }
    }
  }
}"#;

const VARIANTS: &str = r#"query Variants($options: ProductVariantListOptions) {
  productVariants(options: $options) { totalItems items { id sku name stockOnHand } }
}"#;

const FULFILMENTS: &str = r#"query Fulfilments($id: ID!) {
  order(id: $id) { id state fulfillments { id state trackingCode } }
}"#;

const ADD_FULFILMENT: &str = r#"mutation Fulfil($input: FulfillOrderInput!) {
  addFulfillmentToOrder(input: $input) {
    __typename
    ... on Fulfillment { id state }
    ... on ErrorResult { errorCode message }
  }
}"#;

const SHIPPED: &str = r#"mutation Shipped($id: ID!) {
  transitionFulfillmentToState(id: $id, state: "Shipped") {
    __typename
    ... on Fulfillment { id state }
    ... on ErrorResult { errorCode message }
  }
}"#;

pub struct Vendure {
    http: Http,
    endpoint: String,
    user: String,
    password: String,
    token: Option<String>,
}

fn address(v: &Value) -> Option<Address> {
    if v.is_null() {
        return None;
    }
    Some(Address {
        name: text(v, "fullName"),
        company: text(v, "company"),
        line1: text(v, "streetLine1"),
        line2: text(v, "streetLine2"),
        city: text(v, "city"),
        region: text(v, "province"),
        postal_code: text(v, "postalCode"),
        country: text(v, "countryCode"),
        phone: text(v, "phoneNumber"),
    })
}

fn int(v: &Value, key: &str) -> Result<i64, String> {
    v.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("{key} is not a whole number"))
}

pub(crate) fn order(o: &Value) -> Result<RemoteOrder, String> {
    let updated = text(o, "updatedAt");
    let updated_at = Timestamp::parse_rfc3339(&updated)
        .ok_or_else(|| format!("updatedAt '{updated}' is not a UTC time"))?;
    let mut lines = Vec::new();
    for l in o["lines"].as_array().into_iter().flatten() {
        lines.push(RemoteLine {
            remote_id: text(l, "id"),
            sku: text(&l["productVariant"], "sku"),
            title: text(&l["productVariant"], "name"),
            quantity: int(l, "quantity")?,
            unit_price_minor: int(l, "unitPriceWithTax")?,
            discount_minor: int(l, "linePriceWithTax")? - int(l, "discountedLinePriceWithTax")?,
        });
    }
    let payments = o["payments"].as_array().cloned().unwrap_or_default();
    let refunds = payments
        .iter()
        .flat_map(|p| p["refunds"].as_array().cloned().unwrap_or_default())
        .filter(|r| text(r, "state") == "Settled")
        .map(|r| {
            Ok(RemoteRefund {
                id: text(&r, "id"),
                amount_minor: int(&r, "total")?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(RemoteOrder {
        external_id: text(o, "id"),
        number: text(o, "code"),
        updated_at,
        currency: text(o, "currencyCode"),
        email: text(&o["customer"], "emailAddress"),
        phone: text(&o["customer"], "phoneNumber"),
        shipping: address(&o["shippingAddress"]).unwrap_or_default(),
        billing: address(&o["billingAddress"]).filter(|a| !a.line1.is_empty()),
        lines,
        shipping_method: o["shippingLines"][0]["shippingMethod"]["name"]
            .as_str()
            .unwrap_or("")
            .into(),
        shipping_minor: int(o, "shippingWithTax")?,
        total_minor: int(o, "totalWithTax")?,
        paid: payments
            .iter()
            .any(|p| matches!(text(p, "state").as_str(), "Settled" | "Authorized")),
        cancelled: text(o, "state") == "Cancelled",
        refunds,
        raw: o.clone(),
        ..RemoteOrder::default()
    })
}

fn result_of(v: &Value, what: &str) -> SyncResult<Value> {
    if v.get("errorCode").is_some() {
        return Err(SyncError::new(
            SyncErrorKind::Rejected,
            format!("{what}: {} ({})", text(v, "message"), text(v, "errorCode")),
        ));
    }
    Ok(v.clone())
}

impl Vendure {
    /// `secret` is "username:password" of an administrator allowed to read orders and update
    /// catalog and fulfilments.
    pub fn new(base_url: &str, secret: &str, timeout: Duration) -> Vendure {
        let (user, password) = secret.split_once(':').unwrap_or((secret, ""));
        Vendure {
            http: Http::new(20.0, 20.0, timeout),
            endpoint: format!("{}/admin-api", base_url.trim_end_matches('/')),
            user: user.to_string(),
            password: password.to_string(),
            token: None,
        }
    }

    async fn post(
        &self,
        query: &str,
        variables: &Value,
        idempotent: bool,
    ) -> SyncResult<crate::http::Reply> {
        let payload = json!({ "query": query, "variables": variables });
        self.http
            .send(
                || {
                    let rq = self.http.client.post(&self.endpoint).json(&payload);
                    match &self.token {
                        Some(t) => rq.bearer_auth(t),
                        None => rq,
                    }
                },
                idempotent,
            )
            .await?
            .found("Vendure Admin API at this address")
    }

    async fn login(&mut self) -> SyncResult<()> {
        self.token = None;
        let q = r#"mutation Login($u: String!, $p: String!) {
          login(username: $u, password: $p) { __typename ... on ErrorResult { errorCode message } } }"#;
        let reply = self
            .post(q, &json!({ "u": self.user, "p": self.password }), true)
            .await?;
        if reply.body.pointer("/data/login/errorCode").is_some() {
            return Err(SyncError::new(
                SyncErrorKind::Auth,
                text(&reply.body["data"]["login"], "message"),
            ));
        }
        let token = reply.header("vendure-auth-token").ok_or_else(|| {
            SyncError::new(
                SyncErrorKind::Auth,
                "Vendure gave no bearer token: enable authOptions.tokenMethod 'bearer'",
            )
        })?;
        self.token = Some(token.to_string());
        Ok(())
    }

    async fn gql(&mut self, query: &str, variables: Value, idempotent: bool) -> SyncResult<Value> {
        if self.token.is_none() {
            self.login().await?;
        }
        for _ in 0..2 {
            let body = self.post(query, &variables, idempotent).await?.body;
            let forbidden = body["errors"].as_array().into_iter().flatten().any(|e| {
                e.pointer("/extensions/code").and_then(Value::as_str) == Some("FORBIDDEN")
            });
            if forbidden {
                // Sessions expire; log in again once.
                self.login().await?;
                continue;
            }
            return match body.get("data") {
                Some(d) if !d.is_null() && body.get("errors").is_none() => Ok(d.clone()),
                _ => Err(SyncError::new(SyncErrorKind::Rejected, error_text(&body))),
            };
        }
        Err(SyncError::new(
            SyncErrorKind::Auth,
            "Vendure refused the administrator's session",
        ))
    }
}

impl Connector for Vendure {
    async fn orders_page(
        &mut self,
        since: Option<Timestamp>,
        cursor: Option<String>,
    ) -> SyncResult<Page> {
        let (after, skip) = match cursor.as_deref().and_then(|c| c.split_once('|')) {
            Some((t, s)) => (t.parse().ok().map(Timestamp), s.parse().unwrap_or(0)),
            None => (since, 0usize),
        };
        let mut filter = json!({ "active": { "eq": false } });
        if let Some(t) = after {
            // "after" is strict: one millisecond earlier keeps orders at exactly `t` in view.
            filter["updatedAt"] = json!({ "after": Timestamp(t.0 - 1).to_rfc3339() });
        }
        let options =
            json!({ "filter": filter, "sort": { "updatedAt": "ASC" }, "skip": skip, "take": TAKE });
        let data = self
            .gql(ORDERS, json!({ "options": options }), true)
            .await?;
        let items = data
            .pointer("/orders/items")
            .and_then(Value::as_array)
            .ok_or_else(|| SyncError::unreadable("no orders"))?;
        let orders = items
            .iter()
            .map(|o| match order(o) {
                Ok(o) => Pulled::Order(Box::new(o)),
                Err(e) => malformed(o, "id", e),
            })
            .collect();
        let times: Vec<Timestamp> = items
            .iter()
            .filter_map(|o| Timestamp::parse_rfc3339(&text(o, "updatedAt")))
            .collect();
        let next = match times.iter().max() {
            _ if items.len() < TAKE => None,
            Some(&newest) if after.is_none_or(|a| newest > a) => {
                let ties = times.iter().filter(|t| **t == newest).count();
                Some(format!("{}|{ties}", newest.0))
            }
            _ => Some(format!("{}|{}", after.map_or(0, |a| a.0), skip + TAKE)),
        };
        Ok(Page { orders, next })
    }

    async fn listings(&mut self) -> SyncResult<Vec<RemoteListing>> {
        let mut out = Vec::new();
        loop {
            let options = json!({ "skip": out.len(), "take": TAKE });
            let data = self
                .gql(VARIANTS, json!({ "options": options }), true)
                .await?;
            let list = &data["productVariants"];
            let items = list["items"].as_array().cloned().unwrap_or_default();
            for v in &items {
                out.push(RemoteListing {
                    remote_id: text(v, "id"),
                    inventory_ref: text(v, "id"),
                    sku: text(v, "sku"),
                    title: text(v, "name"),
                    stock: v["stockOnHand"].as_i64(),
                });
            }
            let total = list["totalItems"].as_u64().unwrap_or(0) as usize;
            if items.is_empty() || out.len() >= total {
                return Ok(out);
            }
        }
    }

    async fn set_stock(&mut self, p: &StockPush, _key: &str) -> SyncResult<StockOutcome> {
        let q = r#"mutation Stock($input: [UpdateProductVariantInput!]!) {
          updateProductVariants(input: $input) { id stockOnHand } }"#;
        // An absolute level: resending it is harmless.
        let data = self
            .gql(
                q,
                json!({ "input": [{ "id": p.remote_id, "stockOnHand": p.available }] }),
                true,
            )
            .await?;
        let level = data
            .pointer("/updateProductVariants/0/stockOnHand")
            .and_then(Value::as_i64)
            .unwrap_or(p.available);
        Ok(StockOutcome::Set(level))
    }

    async fn fulfil(&mut self, p: &FulfilmentPush) -> SyncResult<String> {
        let data = self
            .gql(FULFILMENTS, json!({ "id": p.external_order_id }), true)
            .await?;
        let found = data["order"]["fulfillments"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| text(f, "trackingCode") == p.tracking)
            .cloned();
        let fulfilment = match found {
            // Read back: an earlier try made it; only finish what it started.
            Some(f) => f,
            None => {
                let input = json!({
                    "lines": p.lines.iter().map(|l| json!({ "orderLineId": l.remote_line_id, "quantity": l.quantity })).collect::<Vec<_>>(),
                    "handler": { "code": "manual-fulfillment", "arguments": [
                        { "name": "method", "value": p.carrier },
                        { "name": "trackingCode", "value": p.tracking },
                    ] },
                });
                let made = self
                    .gql(ADD_FULFILMENT, json!({ "input": input }), false)
                    .await?;
                result_of(&made["addFulfillmentToOrder"], "adding the fulfilment")?
            }
        };
        let id = text(&fulfilment, "id");
        if !matches!(text(&fulfilment, "state").as_str(), "Shipped" | "Delivered") {
            let shipped = self.gql(SHIPPED, json!({ "id": id }), false).await?;
            result_of(
                &shipped["transitionFulfillmentToState"],
                "marking it shipped",
            )?;
        }
        Ok(id)
    }
}
