//! Shopify bulk operations for pulls too big for cursor pages (a store's first pull, a long
//! outage): `bulkOperationRunQuery` starts an export of the orders, `bulkOperation(id:)` is
//! polled until it ends, and the JSONL file it leaves is read as a stream, an order at a time.
//! Cursor pages pay Shopify's query cost for every 6 orders; an export pays it once.

use super::{user_errors, Shopify, LINE_FIELDS, ORDER_FIELDS};
use crate::http::{SyncError, SyncResult};
use crate::text;
use serde_json::{json, Value};
use shopdesk_core::channel::SyncErrorKind;
use shopdesk_core::Timestamp;
use std::time::Duration;

/// A pull of more orders than this goes through a bulk operation (each cursor page is a round
/// trip and a cost of its own; an export is four calls and a download).
pub(super) const BULK_FROM: i64 = 500;

/// The orders changed since `since` (all when `None`) and their lines, as the paged query reads
/// them. A bulk query names connections without page sizes and writes each line item on a line of
/// its own after its order (grouped under it, `groupObjects: true`), with the order's id as
/// `__parentId`.
pub(super) fn orders_query(since: Option<Timestamp>) -> String {
    let filter = since
        .map(|t| {
            format!(
                r#"(query: "updated_at:>'{}'", sortKey: UPDATED_AT)"#,
                t.to_rfc3339()
            )
        })
        .unwrap_or_else(|| "(sortKey: UPDATED_AT)".into());
    format!(
        "{{ orders{filter} {{ edges {{ node {{ {ORDER_FIELDS}
  lineItems {{ edges {{ node {{ {LINE_FIELDS} }} }} }}
}} }} }} }}"
    )
}

const RUN: &str = r#"mutation Export($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status createdAt }
    userErrors { code field message }
  }
}"#;

const POLL: &str = r#"query Export($id: ID!) {
  bulkOperation(id: $id) { id status errorCode createdAt objectCount url }
}"#;

const COUNT: &str = r#"query Count($query: String) {
  ordersCount(query: $query, limit: 10000) { count }
}"#;

/// The JSONL file of a finished export, read as it arrives.
pub(super) struct Export {
    /// `None` once the file is read to its end (or when there was none).
    body: Option<reqwest::Response>,
    /// Bytes read, whole lines from `from` on.
    pending: Vec<u8>,
    from: usize,
    /// The object being read and its nested objects so far, until the next top-level one.
    object: Option<(Value, Vec<Value>)>,
    /// When the export started: the paged pull after it starts there, so an order changed
    /// while it ran is read again.
    pub started: Timestamp,
}

/// Why an export could not be used; the pull goes on by cursor pages.
pub(super) enum Fallback {
    /// Shopify refused, failed or expired the operation (said in plain words for the log).
    Pages(String),
    /// An error the paged pull would meet too (a bad token, an unreachable store).
    Stop(SyncError),
}

impl From<SyncError> for Fallback {
    fn from(e: SyncError) -> Fallback {
        match e.kind {
            SyncErrorKind::Server | SyncErrorKind::Rejected => Fallback::Pages(e.message),
            _ => Fallback::Stop(e),
        }
    }
}

impl Shopify {
    /// How many orders changed since `since`, up to 10,000 (Shopify's count stops there).
    pub(super) async fn count_since(&self, since: Timestamp) -> SyncResult<i64> {
        let query = format!("updated_at:>'{}'", since.to_rfc3339());
        let data = self.gql(COUNT, json!({ "query": query }), true).await?;
        data.pointer("/ordersCount/count")
            .and_then(Value::as_i64)
            .ok_or_else(|| SyncError::unreadable("no orders count"))
    }

    /// Starts the bulk query `query` (`orders_query`, `catalog::PRODUCTS`), waits for it, and
    /// opens its file.
    pub(super) async fn export(&self, query: &str) -> Result<Export, Fallback> {
        // Not retried blindly: a resend after a lost answer would start a second export.
        let data = self.gql(RUN, json!({ "query": query }), false).await?;
        let run = &data["bulkOperationRunQuery"];
        if let Some((code, message)) = user_errors(Some(run)).first() {
            return Err(Fallback::Pages(format!(
                "Shopify did not start the export ({code}): {message}"
            )));
        }
        let id = run
            .pointer("/bulkOperation/id")
            .and_then(Value::as_str)
            .ok_or_else(|| SyncError::unreadable("no bulk operation id"))?
            .to_string();
        let mut wait = Duration::from_millis(100);
        let op = loop {
            let op = self.gql(POLL, json!({ "id": id }), true).await?["bulkOperation"].take();
            match op.get("status").and_then(Value::as_str) {
                Some("COMPLETED") => break op,
                Some("CREATED" | "RUNNING" | "CANCELING") => {}
                other => {
                    let code = text(&op, "errorCode");
                    return Err(Fallback::Pages(format!(
                        "Shopify's export ended {}{}",
                        other.unwrap_or("without a status"),
                        if code.is_empty() {
                            String::new()
                        } else {
                            format!(" ({code})")
                        }
                    )));
                }
            }
            tokio::time::sleep(wait).await;
            // A big store's export takes minutes: ask less often as it goes on.
            wait = (wait * 2).min(Duration::from_secs(5));
        };
        let started = Timestamp::parse_rfc3339(&text(&op, "createdAt"))
            .ok_or_else(|| SyncError::unreadable("the export has no createdAt"))?;
        let url = text(&op, "url");
        let mut export = Export {
            body: None,
            pending: Vec::new(),
            from: 0,
            object: None,
            started,
        };
        if url.is_empty() {
            // A store with no orders finishes with no file.
            return Ok(export);
        }
        // The file is on Shopify's storage behind a signed address: the access token is not
        // sent there. Its size is the store's history, so the whole-call timeout is lifted.
        let body = self
            .http
            .client
            .get(&url)
            .timeout(Duration::from_secs(3600))
            .send()
            .await
            .map_err(|e| Fallback::Pages(format!("the export's file could not be read: {e}")))?;
        if !body.status().is_success() {
            return Err(Fallback::Pages(format!(
                "the export's file answered {}",
                body.status()
            )));
        }
        export.body = Some(body);
        Ok(export)
    }
}

impl Export {
    /// Up to `most` more objects of the query's top connection, each with the objects of its
    /// nested connections (written after it, naming it as `__parentId`); fewer only at the end
    /// of the file.
    pub(super) async fn next_objects(
        &mut self,
        most: usize,
    ) -> SyncResult<Vec<(Value, Vec<Value>)>> {
        let mut out = Vec::new();
        while out.len() < most {
            let Some(line) = self.next_line().await? else {
                out.extend(self.object.take());
                break;
            };
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut node: Value = serde_json::from_slice(&line)
                .map_err(|e| SyncError::unreadable(format!("a line of the export: {e}")))?;
            match node.as_object_mut().and_then(|o| o.remove("__parentId")) {
                Some(parent) => {
                    let (_, children) = self
                        .object
                        .as_mut()
                        .filter(|(o, _)| o["id"] == parent)
                        .ok_or_else(|| {
                            SyncError::unreadable(format!("an object of {parent} away from it"))
                        })?;
                    children.push(node);
                }
                None => out.extend(self.object.replace((node, Vec::new()))),
            }
        }
        Ok(out)
    }

    /// The next whole line of the file; `None` at its end.
    async fn next_line(&mut self) -> SyncResult<Option<Vec<u8>>> {
        loop {
            let rest = &self.pending[self.from..];
            if let Some(at) = rest.iter().position(|b| *b == b'\n') {
                let line = rest[..at].to_vec();
                self.from += at + 1;
                return Ok(Some(line));
            }
            let Some(body) = self.body.as_mut() else {
                let last = rest.to_vec();
                (self.pending, self.from) = (Vec::new(), 0);
                return Ok((!last.is_empty()).then_some(last));
            };
            match body.chunk().await {
                Ok(Some(bytes)) => {
                    // Lines already read go before the next chunk comes in.
                    self.pending.drain(..self.from);
                    self.from = 0;
                    self.pending.extend_from_slice(&bytes);
                }
                Ok(None) => self.body = None,
                Err(e) => {
                    return Err(SyncError::new(
                        SyncErrorKind::Network,
                        format!("the export's file was cut off: {e}"),
                    ))
                }
            }
        }
    }
}
