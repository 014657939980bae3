//! One HTTP client per store: a token bucket so Shopdesk never floods a store, `Retry-After`
//! honoured on 429/503, timeouts and 5xx retried with exponential backoff and jitter for reads
//! only (a write is never blindly resent: the engine reads back first), and every failure turned
//! into a `SyncError` a person can act on.

use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;
use shopdesk_core::channel::SyncErrorKind;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(Debug, Clone, PartialEq)]
pub struct SyncError {
    pub kind: SyncErrorKind,
    pub message: String,
}

impl SyncError {
    pub fn new(kind: SyncErrorKind, message: impl Into<String>) -> SyncError {
        SyncError {
            kind,
            message: message.into(),
        }
    }
    /// The marketplace sent something Shopdesk cannot read.
    pub fn unreadable(what: impl std::fmt::Display) -> SyncError {
        SyncError::new(
            SyncErrorKind::Server,
            format!("the store's answer could not be read: {what}"),
        )
    }
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<shopdesk_core::Error> for SyncError {
    fn from(e: shopdesk_core::Error) -> SyncError {
        SyncError::new(
            SyncErrorKind::Rejected,
            format!("Shopdesk could not store it: {e}"),
        )
    }
}

pub type SyncResult<T> = std::result::Result<T, SyncError>;

/// A parsed answer. 404s come back too: connectors use them to detect optional APIs.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// Refuses a 404 where the resource must exist.
    pub fn found(self, what: &str) -> SyncResult<Reply> {
        if self.status == StatusCode::NOT_FOUND {
            return Err(SyncError::new(
                SyncErrorKind::Rejected,
                format!("the store has no {what} (404: {})", error_text(&self.body)),
            ));
        }
        Ok(self)
    }
}

/// The message inside a store's error body (WooCommerce `{code, message}`, GraphQL `errors`,
/// Shopify `{errors: "…"}`), else the body itself, shortened.
pub fn error_text(body: &Value) -> String {
    let text = body
        .get("message")
        .and_then(Value::as_str)
        .map(|m| match body.get("code").and_then(Value::as_str) {
            Some(code) => format!("{m} ({code})"),
            None => m.to_string(),
        })
        .or_else(|| match body.get("errors") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(list)) => Some(
                list.iter()
                    .filter_map(|e| e.get("message").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        })
        .unwrap_or_else(|| body.to_string());
    text.chars().take(300).collect()
}

/// Requests per second a store allows, with a burst.
struct Bucket {
    tokens: f64,
    burst: f64,
    per_sec: f64,
    at: Instant,
}

pub struct Http {
    pub client: reqwest::Client,
    bucket: Mutex<Bucket>,
    /// The longest Shopdesk waits on a store's say-so (`Retry-After`, a throttle) in one call;
    /// beyond it the run ends with a rate-limit error and the next run goes on.
    pub patience: Duration,
    /// Pause before the first retry of a failed read; doubles each time.
    pub backoff: Duration,
    pub retries: u32,
}

fn client(timeout: Duration) -> reqwest::Client {
    // reqwest is built without a default crypto provider; ring is the one already in the tree.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("Shopdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// `Retry-After` as seconds ("2", "1.5") or an HTTP date (then a second: clocks disagree).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get("retry-after")?.to_str().ok()?.trim();
    match v.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Some(Duration::from_secs_f64(s)),
        _ => Some(Duration::from_secs(1)),
    }
}

fn jittered(d: Duration) -> Duration {
    d.mul_f64(0.75 + fastrand::f64() * 0.5)
}

impl Http {
    pub fn new(per_sec: f64, burst: f64, timeout: Duration) -> Http {
        Http {
            client: client(timeout),
            bucket: Mutex::new(Bucket {
                tokens: burst,
                burst,
                per_sec,
                at: Instant::now(),
            }),
            patience: Duration::from_secs(30),
            backoff: Duration::from_millis(500),
            retries: 3,
        }
    }

    async fn take_token(&self) {
        let wait = {
            let mut b = self.bucket.lock().await;
            let now = Instant::now();
            b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * b.per_sec).min(b.burst);
            b.at = now;
            b.tokens -= 1.0;
            (b.tokens < 0.0).then(|| Duration::from_secs_f64(-b.tokens / b.per_sec))
        };
        if let Some(w) = wait {
            tokio::time::sleep(w).await;
        }
    }

    /// Sends a request built by `make` (called again for each try). `idempotent`: a read, or a
    /// write the store dedupes by key, so a timeout or 5xx may be retried here.
    pub async fn send(
        &self,
        make: impl Fn() -> RequestBuilder,
        idempotent: bool,
    ) -> SyncResult<Reply> {
        let mut waited = Duration::ZERO;
        let mut failures = 0;
        loop {
            self.take_token().await;
            let outcome = make().send().await;
            let retry_in = match outcome {
                Err(e) => {
                    let what = if e.is_timeout() {
                        "the store did not answer in time".to_string()
                    } else if e.is_connect() {
                        format!("could not connect to the store: {e}")
                    } else {
                        format!("the connection failed: {e}")
                    };
                    if !idempotent || failures >= self.retries {
                        return Err(SyncError::new(SyncErrorKind::Network, what));
                    }
                    failures += 1;
                    jittered(self.backoff * 2u32.pow(failures - 1))
                }
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    let bytes = resp.bytes().await;
                    let body = bytes.as_deref().ok().map(|b| {
                        if b.is_empty() {
                            Ok(Value::Null)
                        } else {
                            serde_json::from_slice::<Value>(b)
                        }
                    });
                    if status == StatusCode::TOO_MANY_REQUESTS
                        || status == StatusCode::SERVICE_UNAVAILABLE
                    {
                        let wait = retry_after(&headers)
                            .unwrap_or_else(|| self.backoff * 2u32.pow(failures.min(6)));
                        if waited + wait > self.patience
                            || (status == StatusCode::SERVICE_UNAVAILABLE && !idempotent)
                        {
                            return Err(SyncError::new(
                                SyncErrorKind::RateLimit,
                                format!("the store asked Shopdesk to wait ({status})"),
                            ));
                        }
                        failures += 1;
                        wait
                    } else if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN
                    {
                        let body = body.and_then(Result::ok).unwrap_or(Value::Null);
                        return Err(SyncError::new(
                            SyncErrorKind::Auth,
                            format!("{}: {}", status.as_u16(), error_text(&body)),
                        ));
                    } else if status.is_server_error() {
                        if !idempotent || failures >= self.retries {
                            let body = body.and_then(Result::ok).unwrap_or(Value::Null);
                            return Err(SyncError::new(
                                SyncErrorKind::Server,
                                format!(
                                    "the store failed ({}): {}",
                                    status.as_u16(),
                                    error_text(&body)
                                ),
                            ));
                        }
                        failures += 1;
                        jittered(self.backoff * 2u32.pow(failures - 1))
                    } else {
                        match body {
                            Some(Ok(body)) => {
                                if status.is_client_error() && status != StatusCode::NOT_FOUND {
                                    return Err(SyncError::new(
                                        SyncErrorKind::Rejected,
                                        format!("{}: {}", status.as_u16(), error_text(&body)),
                                    ));
                                }
                                return Ok(Reply {
                                    status,
                                    headers,
                                    body,
                                });
                            }
                            Some(Err(e)) if idempotent && failures < self.retries => {
                                let _ = e;
                                failures += 1;
                                jittered(self.backoff * 2u32.pow(failures - 1))
                            }
                            Some(Err(e)) => {
                                return Err(SyncError::unreadable(format!("{e} (cut short?)")))
                            }
                            None => {
                                return Err(SyncError::new(
                                    SyncErrorKind::Network,
                                    "the answer was cut off",
                                ))
                            }
                        }
                    }
                }
            };
            waited += retry_in;
            tokio::time::sleep(retry_in).await;
        }
    }

    /// Waits as a store's own throttle asks (Shopify's cost bucket), within the same patience.
    pub async fn throttle_wait(&self, wait: Duration) -> SyncResult<()> {
        if wait > self.patience {
            return Err(SyncError::new(
                SyncErrorKind::RateLimit,
                format!(
                    "the store's query budget needs {} s to refill",
                    wait.as_secs()
                ),
            ));
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }
}
