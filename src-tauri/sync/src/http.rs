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

/// What one try came to.
enum Attempt {
    Done(Reply),
    /// Final: retrying cannot help (a refused key, a refused request).
    Failed(SyncError),
    /// Worth another try; `asked` is the wait the store asked for, if it said.
    Retry {
        error: SyncError,
        asked: Option<Duration>,
    },
}

async fn attempt(request: RequestBuilder) -> Attempt {
    let retry = |kind, message: String| Attempt::Retry {
        error: SyncError::new(kind, message),
        asked: None,
    };
    let resp = match request.send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return retry(
                SyncErrorKind::Network,
                "the store did not answer in time".into(),
            )
        }
        Err(e) if e.is_connect() => {
            return retry(
                SyncErrorKind::Network,
                format!("could not connect to the store: {e}"),
            )
        }
        Err(e) => {
            return retry(
                SyncErrorKind::Network,
                format!("the connection failed: {e}"),
            )
        }
    };
    let (status, headers) = (resp.status(), resp.headers().clone());
    if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
        // 429 means not done; a 503 may have been, so only reads retry it (see `send`).
        let kind = if status == StatusCode::TOO_MANY_REQUESTS {
            SyncErrorKind::RateLimit
        } else {
            SyncErrorKind::Server
        };
        return Attempt::Retry {
            error: SyncError::new(kind, format!("the store asked Shopdesk to wait ({status})")),
            asked: Some(retry_after(&headers).unwrap_or(Duration::from_secs(1))),
        };
    }
    let body = match resp.bytes().await {
        Err(_) => return retry(SyncErrorKind::Network, "the answer was cut off".into()),
        Ok(b) if b.is_empty() => Value::Null,
        Ok(b) => match serde_json::from_slice(&b) {
            Ok(v) => v,
            Err(e) => {
                return retry(
                    SyncErrorKind::Server,
                    format!("the store's answer could not be read: {e} (cut short?)"),
                )
            }
        },
    };
    let said = || format!("{}: {}", status.as_u16(), error_text(&body));
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        Attempt::Failed(SyncError::new(SyncErrorKind::Auth, said()))
    } else if status.is_server_error() {
        retry(
            SyncErrorKind::Server,
            format!("the store failed ({})", said()),
        )
    } else if status.is_client_error() && status != StatusCode::NOT_FOUND {
        Attempt::Failed(SyncError::new(SyncErrorKind::Rejected, said()))
    } else {
        Attempt::Done(Reply {
            status,
            headers,
            body,
        })
    }
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
    /// write the store dedupes by key, so a timeout, 5xx or cut-off answer may be retried here.
    pub async fn send(
        &self,
        make: impl Fn() -> RequestBuilder,
        idempotent: bool,
    ) -> SyncResult<Reply> {
        let mut waited = Duration::ZERO;
        let mut failures = 0;
        loop {
            self.take_token().await;
            let (error, asked) = match attempt(make()).await {
                Attempt::Done(reply) => return Ok(reply),
                Attempt::Failed(e) => return Err(e),
                Attempt::Retry { error, asked } => (error, asked),
            };
            let wait = match asked {
                // The store said how long (429/503): waiting is always safe, within patience.
                Some(w)
                    if waited + w <= self.patience
                        && (idempotent || error.kind == SyncErrorKind::RateLimit) =>
                {
                    w
                }
                Some(_) => return Err(error),
                None if idempotent && failures < self.retries => {
                    jittered(self.backoff * 2u32.pow(failures))
                }
                None => return Err(error),
            };
            failures += 1;
            waited += wait;
            tokio::time::sleep(wait).await;
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
