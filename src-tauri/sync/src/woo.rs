//! WooCommerce through REST v3 (`/wp-json/wc/v3/`): consumer key and secret by basic auth,
//! falling back to query-string keys when the host strips the Authorization header; orders by
//! `modified_after` in GMT, oldest first, keyset-paged on the modified time so an order edited
//! mid-pass cannot shift another out of view; `*_gmt` dates only (the others are site-local with
//! no offset); money from the decimal strings (never `line_items[].price`, a float). Tracking
//! through the core Order Fulfillments API, else the Shipment Tracking extension, else a
//! customer note (and "completed" once everything has shipped).

use crate::http::{Http, Reply, SyncError, SyncResult};
use crate::{malformed, money_field, text, Connector, Page, StockOutcome};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shopdesk_core::channel::{
    FulfilmentPush, Pulled, RemoteLine, RemoteListing, RemoteOrder, RemoteRefund, StockPush,
    SyncErrorKind,
};
use shopdesk_core::order::Address;
use shopdesk_core::Timestamp;
use std::time::Duration;

const PER_PAGE: usize = 100;

#[derive(Clone, Copy, PartialEq)]
enum TrackingApi {
    Fulfillments,
    ShipmentTrackingExtension,
    Note,
}

pub struct WooCommerce {
    http: Http,
    base: String,
    key: String,
    secret: String,
    /// The host strips Authorization: keys go in the query string (HTTPS only, as Woo says).
    query_auth: bool,
    tracking: Option<TrackingApi>,
}

/// A `*_gmt` date ("2026-11-22T09:15:00", GMT without an offset) as UTC.
fn gmt(v: &Value, key: &str) -> Option<Timestamp> {
    let t = text(v, key);
    if t.is_empty() {
        return None;
    }
    Timestamp::parse_rfc3339(&t).or_else(|| Timestamp::parse_rfc3339(&format!("{t}Z")))
}

fn address(v: &Value) -> Address {
    Address {
        name: format!("{} {}", text(v, "first_name"), text(v, "last_name"))
            .trim()
            .to_string(),
        company: text(v, "company"),
        line1: text(v, "address_1"),
        line2: text(v, "address_2"),
        city: text(v, "city"),
        region: text(v, "state"),
        postal_code: text(v, "postcode"),
        country: text(v, "country"),
        phone: text(v, "phone"),
    }
}

fn money(v: &Value, key: &str, currency: &str) -> Result<i64, String> {
    money_field(v.get(key), key, currency)
}

pub(crate) fn order(o: &Value) -> Result<RemoteOrder, String> {
    let updated_at =
        gmt(o, "date_modified_gmt").ok_or("date_modified_gmt is missing or not a date")?;
    let currency = text(o, "currency");
    let mut lines = Vec::new();
    for l in o["line_items"].as_array().into_iter().flatten() {
        let quantity = l["quantity"].as_i64().ok_or("a line has no quantity")?;
        let subtotal = money(l, "subtotal", &currency)?;
        let total = money(l, "total", &currency)?;
        let unit = if quantity > 0 { subtotal / quantity } else { 0 };
        lines.push(RemoteLine {
            remote_id: text(l, "id"),
            sku: text(l, "sku"),
            title: text(l, "name"),
            quantity,
            unit_price_minor: unit,
            // What the line lost to coupons, plus any cent the per-unit division left over.
            discount_minor: unit * quantity - total,
        });
    }
    let mut refunds = Vec::new();
    for r in o["refunds"].as_array().into_iter().flatten() {
        refunds.push(RemoteRefund {
            id: text(r, "id"),
            amount_minor: money(r, "total", &currency)?.abs(),
        });
    }
    let status = text(o, "status");
    Ok(RemoteOrder {
        external_id: text(o, "id"),
        number: text(o, "number"),
        updated_at,
        email: text(&o["billing"], "email"),
        phone: text(&o["billing"], "phone"),
        shipping: address(&o["shipping"]),
        billing: Some(address(&o["billing"])),
        lines,
        shipping_method: o["shipping_lines"][0]["method_title"]
            .as_str()
            .unwrap_or("")
            .into(),
        shipping_minor: money(o, "shipping_total", &currency)?,
        total_minor: money(o, "total", &currency)?,
        paid: !o.get("date_paid_gmt").is_none_or(Value::is_null)
            || matches!(status.as_str(), "processing" | "completed"),
        cancelled: status == "cancelled",
        refunds,
        note: text(o, "customer_note"),
        currency,
        raw: o.clone(),
        ..RemoteOrder::default()
    })
}

/// Cursor: the modified time to read after, and the page at that time (for ties).
fn cursor(since: Option<Timestamp>, c: Option<&str>) -> (Option<Timestamp>, u32) {
    match c.and_then(|c| c.split_once('|')) {
        Some((t, p)) => (t.parse().ok().map(Timestamp), p.parse().unwrap_or(1)),
        None => (since, 1),
    }
}

impl WooCommerce {
    /// `secret` is "consumer_key:consumer_secret".
    pub fn new(base_url: &str, secret: &str, timeout: Duration) -> WooCommerce {
        let (key, secret) = secret.split_once(':').unwrap_or((secret, ""));
        WooCommerce {
            // Shared hosts throttle hard; Woo itself has no documented limit.
            http: Http::new(5.0, 5.0, timeout),
            base: base_url.trim_end_matches('/').to_string(),
            key: key.to_string(),
            secret: secret.to_string(),
            query_auth: false,
            tracking: None,
        }
    }

    /// Reads back before it writes: the id (`id_key`) of the record under `path` that `is_ours`
    /// finds, else of the one `body` creates there, so a retry after a lost answer finds the
    /// first instead of making a second.
    async fn find_or_create(
        &mut self,
        path: &str,
        is_ours: impl Fn(&Value) -> bool,
        id_key: &str,
        query: &[(&str, String)],
        body: &Value,
    ) -> SyncResult<String> {
        let existing = self
            .call(Method::GET, path, &[], None)
            .await?
            .found("order")?;
        if let Some(found) = existing
            .body
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| is_ours(v))
        {
            return Ok(text(found, id_key));
        }
        let made = self
            .call(Method::POST, path, query, Some(body))
            .await?
            .found("order")?;
        Ok(text(&made.body, id_key))
    }

    async fn call(
        &mut self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> SyncResult<Reply> {
        let url = if path.starts_with("/wc-") {
            format!("{}/wp-json{path}", self.base)
        } else {
            format!("{}/wp-json/wc/v3{path}", self.base)
        };
        let idempotent = matches!(method, Method::GET | Method::PUT);
        loop {
            let send = self.http.send(
                || {
                    let mut rq = self.http.client.request(method.clone(), &url).query(query);
                    rq = if self.query_auth {
                        rq.query(&[
                            ("consumer_key", &self.key),
                            ("consumer_secret", &self.secret),
                        ])
                    } else {
                        rq.basic_auth(&self.key, Some(&self.secret))
                    };
                    match body {
                        Some(b) => rq.json(b),
                        None => rq,
                    }
                },
                idempotent,
            );
            match send.await {
                Err(e) if e.kind == SyncErrorKind::Auth && !self.query_auth => {
                    // Some hosts drop the Authorization header; Woo then answers 401
                    // woocommerce_rest_cannot_view. Try the keys in the query string once.
                    self.query_auth = true;
                }
                other => return other,
            }
        }
    }

    /// Every page of a list endpoint, until `X-WP-TotalPages`.
    async fn all_pages(&mut self, path: &str) -> SyncResult<Vec<Value>> {
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let reply = self
                .call(
                    Method::GET,
                    path,
                    &[
                        ("per_page", PER_PAGE.to_string()),
                        ("page", page.to_string()),
                    ],
                    None,
                )
                .await?
                .found(path)?;
            let total: u32 = reply
                .header("x-wp-totalpages")
                .and_then(|t| t.parse().ok())
                .unwrap_or(1);
            out.extend(reply.body.as_array().cloned().unwrap_or_default());
            if page >= total {
                return Ok(out);
            }
            page += 1;
        }
    }

    async fn detect_tracking(&mut self, order: &str) -> SyncResult<TrackingApi> {
        if let Some(t) = self.tracking {
            return Ok(t);
        }
        let found = if self
            .call(
                Method::GET,
                &format!("/orders/{order}/fulfillments"),
                &[],
                None,
            )
            .await?
            .status
            != StatusCode::NOT_FOUND
        {
            TrackingApi::Fulfillments
        } else if self
            .call(
                Method::GET,
                &format!("/wc-shipment-tracking/v3/orders/{order}/shipment-trackings"),
                &[],
                None,
            )
            .await?
            .status
            != StatusCode::NOT_FOUND
        {
            TrackingApi::ShipmentTrackingExtension
        } else {
            TrackingApi::Note
        };
        self.tracking = Some(found);
        Ok(found)
    }
}

fn has_meta(v: &Value, key: &str, value: &str) -> bool {
    v["meta_data"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|m| text(m, "key") == key && text(m, "value") == value)
}

impl Connector for WooCommerce {
    async fn orders_page(
        &mut self,
        since: Option<Timestamp>,
        c: Option<String>,
    ) -> SyncResult<Page> {
        let (after, page) = cursor(since, c.as_deref());
        let mut query = vec![
            ("dates_are_gmt", "true".to_string()),
            ("orderby", "modified".to_string()),
            ("order", "asc".to_string()),
            ("per_page", PER_PAGE.to_string()),
            ("page", page.to_string()),
        ];
        if let Some(t) = after {
            // Woo takes whole seconds; "after" a second that ends .999 keeps ties in view.
            query.push((
                "modified_after",
                Timestamp(t.0.div_euclid(1000) * 1000 - 1000).to_rfc3339(),
            ));
        }
        let reply = self
            .call(Method::GET, "/orders", &query, None)
            .await?
            .found("orders endpoint")?;
        let total_pages: u32 = reply
            .header("x-wp-totalpages")
            .and_then(|t| t.parse().ok())
            .unwrap_or(1);
        let list = reply
            .body
            .as_array()
            .ok_or_else(|| SyncError::unreadable("orders is not a list"))?;
        let orders: Vec<Pulled> = list
            .iter()
            .map(|o| match order(o) {
                Ok(o) => Pulled::Order(Box::new(o)),
                Err(e) => malformed(o, "id", e),
            })
            .collect();
        let newest = list
            .iter()
            .filter_map(|o| gmt(o, "date_modified_gmt"))
            .max();
        let next = if list.len() < PER_PAGE || page >= total_pages {
            None
        } else {
            match newest {
                // Keyset: read on from the newest time seen, so edits during the pass move
                // orders later instead of shifting unseen ones onto pages already read.
                Some(n) if after.is_none_or(|a| n.0.div_euclid(1000) > a.0.div_euclid(1000)) => {
                    Some(format!("{}|1", n.0))
                }
                // A whole page within one second: step through that second by page number.
                _ => Some(format!("{}|{}", after.map_or(0, |a| a.0), page + 1)),
            }
        };
        Ok(Page { orders, next })
    }

    async fn listings(&mut self) -> SyncResult<Vec<RemoteListing>> {
        let mut out = Vec::new();
        for p in self.all_pages("/products").await? {
            let id = text(&p, "id");
            if text(&p, "type") == "variable" {
                for v in self
                    .all_pages(&format!("/products/{id}/variations"))
                    .await?
                {
                    out.push(RemoteListing {
                        remote_id: format!("{id}/variations/{}", text(&v, "id")),
                        inventory_ref: id.clone(),
                        sku: text(&v, "sku"),
                        title: text(&p, "name"),
                        stock: v["stock_quantity"].as_i64(),
                    });
                }
            } else {
                out.push(RemoteListing {
                    remote_id: id.clone(),
                    inventory_ref: id,
                    sku: text(&p, "sku"),
                    title: text(&p, "name"),
                    stock: p["stock_quantity"].as_i64(),
                });
            }
        }
        Ok(out)
    }

    async fn set_stock(&mut self, p: &StockPush, _key: &str) -> SyncResult<StockOutcome> {
        // An absolute set of one field: resending it is harmless, and nothing else is replaced.
        let body = json!({ "manage_stock": true, "stock_quantity": p.available });
        let reply = self
            .call(
                Method::PUT,
                &format!("/products/{}", p.remote_id),
                &[],
                Some(&body),
            )
            .await?
            .found("product")?;
        Ok(StockOutcome::Set(
            reply.body["stock_quantity"].as_i64().unwrap_or(p.available),
        ))
    }

    async fn fulfil(&mut self, p: &FulfilmentPush) -> SyncResult<String> {
        let order = &p.external_order_id;
        match self.detect_tracking(order).await? {
            TrackingApi::Fulfillments => {
                let body = json!({
                    "status": "fulfilled",
                    "is_fulfilled": true,
                    "items": p.lines.iter().map(|l| json!({ "item_id": l.remote_line_id.parse::<i64>().unwrap_or(0), "qty": l.quantity })).collect::<Vec<_>>(),
                    "meta_data": [
                        { "key": "_tracking_number", "value": p.tracking },
                        { "key": "_shipment_provider", "value": p.carrier },
                        { "key": "_tracking_url", "value": p.tracking_url },
                    ],
                });
                self.find_or_create(
                    &format!("/orders/{order}/fulfillments"),
                    |f| has_meta(f, "_tracking_number", &p.tracking),
                    "id",
                    &[("notify_customer", "false".into())],
                    &body,
                )
                .await
            }
            TrackingApi::ShipmentTrackingExtension => {
                let body = json!({
                    "custom_tracking_provider": p.carrier,
                    "custom_tracking_link": p.tracking_url,
                    "tracking_number": p.tracking,
                });
                self.find_or_create(
                    &format!("/wc-shipment-tracking/v3/orders/{order}/shipment-trackings"),
                    |t| text(t, "tracking_number") == p.tracking,
                    "tracking_id",
                    &[],
                    &body,
                )
                .await
            }
            TrackingApi::Note => {
                let note = format!(
                    "Shipped with {}: tracking {} {}",
                    p.carrier, p.tracking, p.tracking_url
                );
                let body = json!({ "note": note.trim(), "customer_note": true });
                let id = self
                    .find_or_create(
                        &format!("/orders/{order}/notes"),
                        |n| text(n, "note").contains(&p.tracking),
                        "id",
                        &[],
                        &body,
                    )
                    .await?;
                if p.completes_order {
                    let body = json!({ "status": "completed" });
                    self.call(Method::PUT, &format!("/orders/{order}"), &[], Some(&body))
                        .await?
                        .found("order")?;
                }
                Ok(id)
            }
        }
    }
}
