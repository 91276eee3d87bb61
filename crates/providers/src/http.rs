//! Shared HTTP plumbing for both clients: the authorized request, a request
//! timeout, a streamed body read with a size cap, and the mapping of HTTP
//! statuses and provider error bodies to [`ProviderError`].

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, StatusCode};
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::error::{ProviderError, Result};
use crate::model::ProviderKind;
use crate::parse;

/// The request timeout used unless `with_timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read (bigger ones are refused as malformed).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// The longest wait honoured from a `Retry-After` header.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);
/// The longest provider message quoted in an error.
const MAX_DETAIL_CHARS: usize = 300;

/// How the key goes into the `Authorization` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthScheme {
    /// `Authorization: Bearer <key>` (LinkrAPI).
    Bearer,
    /// `Authorization: <key>` (JourneyAPI).
    Raw,
}

/// One provider endpoint: base URL, key, timeout and a shared connection pool.
#[derive(Clone)]
pub(crate) struct HttpCore {
    client: reqwest::Client,
    provider: ProviderKind,
    base: String,
    /// Zeroized when the last clone of the client is dropped; `Debug` prints it redacted.
    key: SecretString,
    auth: AuthScheme,
    timeout: Duration,
    max_body: usize,
}

impl fmt::Debug for HttpCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpCore")
            .field("provider", &self.provider)
            .field("base", &self.base)
            .field("key", &self.key)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A response whose body has been read (within the cap).
#[derive(Debug)]
pub(crate) struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `Content-Type`, lowercased.
    pub content_type: Option<String>,
    /// The parsed `Retry-After`, if any.
    pub retry_after: Option<Duration>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpCore {
    /// Checks the base URL and key and builds the client. Nothing is sent.
    pub fn new(
        provider: ProviderKind,
        base_url: &str,
        api_key: SecretString,
        auth: AuthScheme,
    ) -> Result<Self> {
        let base = check_base_url(base_url)?;
        let key = api_key.expose_secret().trim();
        if key.is_empty() {
            return Err(ProviderError::invalid(
                "api_key",
                format!(
                    "No {} key is set. Paste your key in Settings.",
                    provider.display_name()
                ),
            ));
        }
        if key
            .get(..7)
            .is_some_and(|start| start.eq_ignore_ascii_case("bearer "))
        {
            return Err(ProviderError::invalid(
                "api_key",
                "Paste the key alone, without \"Bearer \" in front of it.",
            ));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ProviderError::invalid(
                "api_key",
                "The API key contains spaces or characters that cannot be sent. Paste it again.",
            ));
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("Atelier/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| ProviderError::Network {
                detail: format!("could not start the HTTP client: {e}"),
            })?;
        Ok(HttpCore {
            client,
            provider,
            base,
            // Only a key with spaces around it is copied (trimmed, into another SecretString).
            key: if key.len() == api_key.expose_secret().len() {
                api_key.clone()
            } else {
                SecretString::from(key)
            },
            auth,
            timeout: DEFAULT_TIMEOUT,
            max_body: MAX_BODY_BYTES,
        })
    }

    /// Sets the whole-request timeout (connect, send, and reading the body).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET {base}/{path}`.
    pub async fn get(&self, path: &str) -> Result<RawResponse> {
        self.send(Method::GET, path, None).await
    }

    /// `POST {base}/{path}` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Result<RawResponse> {
        self.send(Method::POST, path, Some(body)).await
    }

    /// `GET` and decode a 2xx JSON answer; other statuses become typed errors.
    pub async fn get_json(&self, path: &str) -> Result<Value> {
        json_or_error(self.provider, self.get(path).await?)
    }

    /// `POST` and decode a 2xx JSON answer; other statuses become typed errors.
    pub async fn post_json(&self, path: &str, body: &Value) -> Result<Value> {
        json_or_error(self.provider, self.post(path, body).await?)
    }

    fn auth_header(&self) -> Result<HeaderValue> {
        let key = self.key.expose_secret();
        // The header's own bytes are the one copy left, and it is marked sensitive; the
        // "Bearer ..." text it is built from is wiped at once.
        let text = Zeroizing::new(match self.auth {
            AuthScheme::Bearer => format!("Bearer {key}"),
            AuthScheme::Raw => key.to_owned(),
        });
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| ProviderError::invalid("api_key", "The API key cannot be sent."))?;
        value.set_sensitive(true);
        Ok(value)
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Result<RawResponse> {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let mut rb: RequestBuilder = self
            .client
            .request(method.clone(), &url)
            .header(AUTHORIZATION, self.auth_header()?)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.timeout);
        if let Some(b) = body {
            rb = rb.json(b);
        }
        let started = Instant::now();
        let outcome = tokio::time::timeout(self.timeout, self.exchange(rb)).await;
        let result = match outcome {
            Ok(r) => r,
            Err(_) => Err(ProviderError::Timeout),
        };
        match &result {
            Ok(r) => tracing::debug!(
                provider = ?self.provider, %method, path, status = r.status.as_u16(),
                bytes = r.body.len(), elapsed_ms = started.elapsed().as_millis() as u64,
                "provider request"
            ),
            Err(e) => tracing::debug!(
                provider = ?self.provider, %method, path, error = e.code(),
                elapsed_ms = started.elapsed().as_millis() as u64, "provider request failed"
            ),
        }
        result
    }

    async fn exchange(&self, rb: RequestBuilder) -> Result<RawResponse> {
        let mut resp = rb.send().await.map_err(map_reqwest_error)?;
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase);
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()));
        if resp
            .content_length()
            .is_some_and(|n| n > self.max_body as u64)
        {
            return Err(too_big(self.max_body));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(map_reqwest_error)? {
            if body.len() + chunk.len() > self.max_body {
                return Err(too_big(self.max_body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse {
            status,
            content_type,
            retry_after,
            body,
        })
    }
}

fn too_big(max: usize) -> ProviderError {
    ProviderError::malformed(format!(
        "the answer is larger than {} MiB",
        max / (1024 * 1024)
    ))
}

fn check_base_url(raw: &str) -> Result<String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let bad = || {
        ProviderError::invalid(
            "base_url",
            format!(
                "\"{}\" is not a usable service address. Use an http:// or https:// URL in Settings.",
                parse::truncate(raw.to_string(), 80)
            ),
        )
    };
    let url = url::Url::parse(trimmed).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none_or(str::is_empty)
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(bad());
    }
    Ok(trimmed.to_string())
}

/// Maps a transport error (never containing the key) to a typed error.
fn map_reqwest_error(e: reqwest::Error) -> ProviderError {
    if e.is_timeout() {
        return ProviderError::Timeout;
    }
    if e.is_decode() {
        return ProviderError::malformed(describe_error(&e));
    }
    let detail = if e.is_connect() {
        format!("could not connect: {}", describe_error(&e))
    } else {
        describe_error(&e)
    };
    ProviderError::Network { detail }
}

/// The error and its causes on one line, without the request URL.
fn describe_error(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p == &text) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() {
        parts.push(without_url(e));
    }
    parse::truncate(parts.join(": "), MAX_DETAIL_CHARS)
}

/// A reqwest error's own text with the request URL blanked out.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "<url>");
    }
    text
}

/// Parses `Retry-After`: delay seconds ("7", "1.5") or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(
                secs.min(MAX_RETRY_AFTER.as_secs_f64()),
            ));
        }
        return None;
    }
    let when = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    let wait = (when - now).to_std().unwrap_or(Duration::ZERO);
    Some(wait.min(MAX_RETRY_AFTER))
}

/// Decodes a 2xx JSON body or turns any other answer into a typed error.
pub(crate) fn json_or_error(provider: ProviderKind, resp: RawResponse) -> Result<Value> {
    if !resp.status.is_success() {
        return Err(error_from_response(provider, &resp));
    }
    decode_json(&resp)
}

/// Decodes a JSON body; wrong content type or unparsable bytes -> Malformed.
pub(crate) fn decode_json(resp: &RawResponse) -> Result<Value> {
    if let Some(ct) = &resp.content_type {
        if !ct.contains("json") {
            return Err(ProviderError::malformed(format!(
                "expected JSON but got {}",
                parse::truncate(ct.clone(), 60)
            )));
        }
    }
    serde_json::from_slice::<Value>(&resp.body)
        .map_err(|e| ProviderError::malformed(format!("invalid JSON: {e}")))
}

/// Words that mark a moderation refusal.
const POLICY_WORDS: [&str; 9] = [
    "policy",
    "banned",
    "moderation",
    "not allowed",
    "prohibited",
    "nsfw",
    "inappropriate",
    "blocked",
    "forbidden word",
];
/// Words that mark an empty balance.
const CREDIT_WORDS: [&str; 4] = ["credit", "insufficient", "balance", "out of quota"];

fn mentions(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// Maps a non-2xx answer from `provider` to a typed error, quoting the provider's message.
/// LinkrAPI's documented 403 (the Hold is suspended) and 502 naming Discord (the Hold cannot
/// reach Discord) get their own variants.
pub(crate) fn error_from_response(provider: ProviderKind, resp: &RawResponse) -> ProviderError {
    let detail = error_message(resp);
    let status = resp.status.as_u16();
    let linkr = provider == ProviderKind::Linkr;
    match status {
        401 => ProviderError::Unauthorized,
        402 => ProviderError::InsufficientCredits {
            detail: or_default(detail, "payment required"),
        },
        403 if mentions(&detail, &POLICY_WORDS) && !detail.is_empty() => {
            ProviderError::ContentPolicy { reason: detail }
        }
        403 if linkr => ProviderError::HoldSuspended {
            detail: or_default(detail, "access denied"),
        },
        403 => ProviderError::Suspended {
            detail: or_default(detail, "access denied"),
        },
        404 => ProviderError::NotFound {
            what: or_default(detail, "the task"),
        },
        408 => ProviderError::Timeout,
        429 => ProviderError::RateLimited {
            retry_after: resp.retry_after,
        },
        400..=499 if mentions(&detail, &POLICY_WORDS) => {
            ProviderError::ContentPolicy { reason: detail }
        }
        400..=499 if mentions(&detail, &CREDIT_WORDS) => {
            ProviderError::InsufficientCredits { detail }
        }
        400..=499 => ProviderError::Rejected {
            status,
            detail: or_default(detail, "bad request"),
        },
        502 if linkr && mentions(&detail, &["discord"]) => {
            ProviderError::DiscordUnreachable { detail }
        }
        500..=599 => ProviderError::Unavailable { status, detail },
        300..=399 => ProviderError::Rejected {
            status,
            detail: "unexpected redirect; check the service address in Settings".into(),
        },
        _ => ProviderError::malformed(format!("unexpected HTTP status {status}")),
    }
}

fn or_default(detail: String, fallback: &str) -> String {
    if detail.trim().is_empty() {
        fallback.to_string()
    } else {
        detail
    }
}

/// The provider's message from an error body: `{"detail"}`, `{"errors":[{"msg"}]}`,
/// `{"message"}`, `{"error"}` (string or object), or a short plain-text body.
pub(crate) fn error_message(resp: &RawResponse) -> String {
    let text = match serde_json::from_slice::<Value>(&resp.body) {
        Ok(v) => message_from_json(&v).unwrap_or_default(),
        Err(_) => {
            let is_text = resp
                .content_type
                .as_deref()
                .is_none_or(|ct| ct.starts_with("text/plain"));
            if is_text {
                String::from_utf8_lossy(&resp.body[..resp.body.len().min(1024)]).into_owned()
            } else {
                String::new()
            }
        }
    };
    clean_detail(&text)
}

fn message_from_json(v: &Value) -> Option<String> {
    fn as_message(v: &Value) -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Array(items) => {
                let msgs: Vec<String> = items.iter().take(5).filter_map(as_message).collect();
                (!msgs.is_empty()).then(|| msgs.join("; "))
            }
            Value::Object(_) => ["msg", "message", "detail", "error", "reason"]
                .iter()
                .find_map(|k| v.get(k).and_then(as_message)),
            _ => None,
        }
    }
    ["detail", "errors", "message", "error", "msg", "reason"]
        .iter()
        .find_map(|k| v.get(k).and_then(as_message))
}

/// One line of printable text, at most [`MAX_DETAIL_CHARS`].
fn clean_detail(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let collapsed = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > MAX_DETAIL_CHARS {
        let mut out: String = collapsed.chars().take(MAX_DETAIL_CHARS).collect();
        out.push('…');
        out
    } else {
        collapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn resp(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            content_type: Some("application/json".into()),
            retry_after: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(" 1.5 ", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("1e300", now), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn status_mapping() {
        assert_eq!(
            error_from_response(ProviderKind::Journey, &resp(401, "{}")),
            ProviderError::Unauthorized
        );
        assert_eq!(
            error_from_response(
                ProviderKind::Journey,
                &resp(403, "{\"detail\":\"Hold suspended\"}")
            )
            .code(),
            "suspended"
        );
        assert_eq!(
            error_from_response(
                ProviderKind::Journey,
                &resp(
                    404,
                    "{\"detail\":\"Task not found or does not belong to your hold\"}"
                )
            ),
            ProviderError::NotFound {
                what: "Task not found or does not belong to your hold".into()
            }
        );
        assert_eq!(
            error_from_response(
                ProviderKind::Journey,
                &resp(
                    400,
                    "{\"detail\":\"Prompt blocked by content moderation: gore\"}"
                )
            ),
            ProviderError::ContentPolicy {
                reason: "Prompt blocked by content moderation: gore".into()
            }
        );
        assert_eq!(
            error_from_response(
                ProviderKind::Journey,
                &resp(400, "{\"errors\":[{\"msg\":\"Banned prompt word: x\"}]}")
            )
            .code(),
            "content_policy"
        );
        assert_eq!(
            error_from_response(
                ProviderKind::Journey,
                &resp(400, "{\"errors\":[{\"msg\":\"index must be 1-4\"}]}")
            ),
            ProviderError::Rejected {
                status: 400,
                detail: "index must be 1-4".into()
            }
        );
        assert_eq!(
            error_from_response(
                ProviderKind::Journey,
                &resp(400, "{\"message\":\"Not enough credits\"}")
            )
            .code(),
            "insufficient_credits"
        );
        assert_eq!(
            error_from_response(ProviderKind::Journey, &resp(402, "{}")).code(),
            "insufficient_credits"
        );
        assert_eq!(
            error_from_response(
                ProviderKind::Journey,
                &resp(502, "<html>bad gateway</html>")
            ),
            ProviderError::Unavailable {
                status: 502,
                detail: String::new()
            }
        );
        assert_eq!(
            error_from_response(
                ProviderKind::Journey,
                &resp(503, "{\"error\":{\"message\":\"down\"}}")
            ),
            ProviderError::Unavailable {
                status: 503,
                detail: "down".into()
            }
        );
        let mut r = resp(429, "{}");
        r.retry_after = Some(Duration::from_secs(3));
        assert_eq!(
            error_from_response(ProviderKind::Journey, &r),
            ProviderError::RateLimited {
                retry_after: Some(Duration::from_secs(3))
            }
        );
    }

    #[test]
    fn linkr_hold_and_discord_statuses() {
        let l = ProviderKind::Linkr;
        assert_eq!(
            error_from_response(l, &resp(403, "{\"detail\":\"Hold account is suspended\"}")),
            ProviderError::HoldSuspended {
                detail: "Hold account is suspended".into()
            }
        );
        assert_eq!(
            error_from_response(l, &resp(403, "{}")).code(),
            "hold_suspended"
        );
        let discord = error_from_response(
            l,
            &resp(502, "{\"detail\":\"Failed to connect to Discord\"}"),
        );
        assert_eq!(
            discord,
            ProviderError::DiscordUnreachable {
                detail: "Failed to connect to Discord".into()
            }
        );
        assert!(!discord.is_retryable());
        // A proxy's bare 502, or a 502 from JourneyAPI, stays a retryable outage.
        let bare = error_from_response(l, &resp(502, "<html>bad gateway</html>"));
        assert_eq!(bare.code(), "unavailable");
        assert!(bare.is_retryable());
        let journey = error_from_response(
            ProviderKind::Journey,
            &resp(502, "{\"detail\":\"Failed to connect to Discord\"}"),
        );
        assert_eq!(journey.code(), "unavailable");
        // Policy wording on a Linkr 403 is still a content-policy refusal.
        assert_eq!(
            error_from_response(l, &resp(403, "{\"detail\":\"Banned prompt\"}")).code(),
            "content_policy"
        );
    }

    #[test]
    fn json_decoding() {
        assert!(decode_json(&resp(200, "{\"a\":1}")).is_ok());
        assert_eq!(
            decode_json(&resp(200, "{\"a\":")).unwrap_err().code(),
            "malformed"
        );
        let mut html = resp(200, "{}");
        html.content_type = Some("text/html".into());
        assert_eq!(decode_json(&html).unwrap_err().code(), "malformed");
        let deep = "[".repeat(100_000);
        assert_eq!(
            decode_json(&resp(200, &deep)).unwrap_err().code(),
            "malformed"
        );
    }

    #[test]
    fn construction_checks() {
        let ok = HttpCore::new(
            ProviderKind::Linkr,
            "http://127.0.0.1:9/linkr/api/",
            "lkr_x".into(),
            AuthScheme::Bearer,
        )
        .unwrap();
        assert_eq!(ok.base_url(), "http://127.0.0.1:9/linkr/api");
        let dbg = format!("{ok:?}");
        assert!(!dbg.contains("lkr_x"), "{dbg}");
        assert!(HttpCore::new(
            ProviderKind::Linkr,
            "ftp://x",
            "k".into(),
            AuthScheme::Bearer
        )
        .is_err());
        assert!(HttpCore::new(
            ProviderKind::Linkr,
            "http://x",
            " ".into(),
            AuthScheme::Bearer
        )
        .is_err());
        assert!(HttpCore::new(
            ProviderKind::Linkr,
            "http://x",
            "a\nb".into(),
            AuthScheme::Bearer
        )
        .is_err());
        let err = HttpCore::new(
            ProviderKind::Linkr,
            "http://x",
            "sécret".into(),
            AuthScheme::Bearer,
        )
        .unwrap_err();
        assert!(!err.to_string().contains("sécret"));
        // A multi-byte character across the "Bearer " check's 7th byte is refused, not a panic.
        let err = HttpCore::new(
            ProviderKind::Linkr,
            "http://x",
            "ключ_ключ".into(),
            AuthScheme::Bearer,
        )
        .unwrap_err();
        assert!(err.to_string().contains("cannot be sent"), "{err}");
    }
}
