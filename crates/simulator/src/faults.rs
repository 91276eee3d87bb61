//! Fault injection: rules (library + control endpoint), prompt markers, and the responses
//! each fault produces. See the crate README for the full list.

use std::collections::HashMap;
use std::convert::Infallible;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::reply;
use crate::requests::Provider;
use crate::server::ConnAbort;

/// Default size of the `oversized` body: 50 MiB.
pub const DEFAULT_OVERSIZED_BYTES: u64 = 50 * 1024 * 1024;
/// Default `Retry-After` of a `429` marker without an argument, in seconds.
pub const DEFAULT_RETRY_AFTER_SECS: u64 = 2;

/// Which provider a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// LinkrAPI only.
    Linkr,
    /// JourneyAPI only.
    Journey,
    /// Both.
    #[default]
    Any,
}

impl Target {
    fn matches(self, provider: Provider) -> bool {
        matches!(
            (self, provider),
            (Target::Any, _)
                | (Target::Linkr, Provider::Linkr)
                | (Target::Journey, Provider::Journey)
        )
    }
}

/// Which requests a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Create endpoints: Linkr imagine/action; Journey imagine and every follow-up.
    Submit,
    /// Fetch endpoints: Linkr fetch; Journey fetch and fetch-many.
    Poll,
    /// Every API request, including `/account`.
    #[default]
    Any,
}

/// The kind of request being served, for matching rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestPhase {
    /// A create endpoint.
    Submit,
    /// A fetch endpoint.
    Poll,
    /// Anything else (`/account`, unknown paths).
    Other,
}

impl Phase {
    fn matches(self, phase: RequestPhase) -> bool {
        matches!(
            (self, phase),
            (Phase::Any, _)
                | (Phase::Submit, RequestPhase::Submit)
                | (Phase::Poll, RequestPhase::Poll)
        )
    }
}

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Submit: 400 with a policy reason. Poll: the task fails with a policy reason.
    ContentPolicy {
        /// The reason text; a Midjourney-like default when absent.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The task ends with status `failed` and this error text.
    TaskFailed {
        /// The error text; a default when absent.
        #[serde(default)]
        error: Option<String>,
    },
    /// Linkr: the task ends with status `timeout`. Journey: it stays `processing` forever.
    ProviderTimeout,
    /// Linkr's one-time "Thank you for subscribing" failure (a JSON blob in `error`).
    SubscriptionNotice,
    /// 401 in the provider's shape.
    Unauthorized,
    /// 403 (Linkr: "Hold account is suspended").
    Forbidden,
    /// 502 "Failed to connect to Discord": LinkrAPI's documented 502, when the Hold's Discord
    /// login no longer works (JourneyAPI gets the same message in its own shape).
    DiscordUnreachable,
    /// 429, with `Retry-After: <secs>` when set.
    RateLimited {
        /// Seconds for the `Retry-After` header; no header when absent.
        #[serde(default)]
        retry_after_secs: Option<u64>,
    },
    /// Another 4xx (400, 404, 422, ...) in the provider's error shape; statuses outside
    /// 400..=499 become 400.
    ClientError {
        /// The status code.
        #[serde(default = "default_client_status")]
        status: u16,
        /// The message; a plain default for the status when absent.
        #[serde(default)]
        message: Option<String>,
    },
    /// A 5xx status (500, 502, 503, ...); other values become 500.
    ServerError {
        /// The status code.
        #[serde(default = "default_server_status")]
        status: u16,
    },
    /// The TCP connection is dropped (RST) without any response.
    ConnectionReset,
    /// No response ever.
    Hang,
    /// 200 headers and the start of a JSON body, then nothing more, ever.
    HangBody,
    /// 200 `application/json` whose body is cut-off JSON.
    MalformedJson,
    /// 200 `application/json` streaming a huge (valid) JSON body.
    Oversized {
        /// Body size in bytes; 50 MiB when absent.
        #[serde(default)]
        bytes: Option<u64>,
    },
    /// 200 with `text/html` (a proxy's challenge page) instead of JSON.
    WrongContentType,
}

fn default_server_status() -> u16 {
    500
}

fn default_client_status() -> u16 {
    400
}

/// One fault rule: applies `kind` to the next `times` requests matching provider + phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Which provider (default any).
    #[serde(default)]
    pub provider: Target,
    /// Which requests (default any).
    #[serde(default)]
    pub phase: Phase,
    /// What goes wrong.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many matching requests it applies to; `None` = every one, forever.
    #[serde(default)]
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule for every provider, every phase, forever.
    pub fn new(kind: FaultKind) -> Self {
        FaultRule {
            provider: Target::Any,
            phase: Phase::Any,
            kind,
            times: None,
        }
    }

    /// Restricts the rule to one provider.
    pub fn provider(mut self, provider: Target) -> Self {
        self.provider = provider;
        self
    }

    /// Restricts the rule to one phase.
    pub fn phase(mut self, phase: Phase) -> Self {
        self.phase = phase;
        self
    }

    /// Applies the rule to the next `n` matching requests only.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }
}

/// What a fault does to one task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskFault {
    /// Fail with this error text.
    Fail(String),
    /// Provider timeout (see [`FaultKind::ProviderTimeout`]).
    Timeout,
}

/// What a fault does to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Answer (or not answer) the request at once.
    Respond(FaultKind),
    /// Let the request through, changing the task it creates or fetches.
    Task(TaskFault),
}

/// The error text of a Midjourney content-policy block.
pub fn policy_reason(reason: &Option<String>) -> String {
    reason.clone().unwrap_or_else(|| {
        "Banned prompt detected: your prompt was blocked by Midjourney's content policy \
         (AI moderator)."
            .to_string()
    })
}

/// The error text of Midjourney's one-time "Thank you for subscribing" notice, as LinkrAPI
/// relays it: the Discord message (an embed) as a JSON blob.
pub fn subscription_notice() -> String {
    serde_json::json!({
        "type": "subscription_notice",
        "content": "",
        "embeds": [{
            "type": "rich",
            "title": "Thank you for subscribing to Midjourney",
            "description": "Your subscription is now active. Welcome! Please try your \
                            command again.",
            "color": 5_763_719
        }]
    })
    .to_string()
}

impl FaultKind {
    /// The effect of this fault on a request in `phase`; `None` when it does not apply.
    pub fn effect(&self, phase: RequestPhase) -> Option<Effect> {
        let task_phase = matches!(phase, RequestPhase::Submit | RequestPhase::Poll);
        match self {
            FaultKind::ContentPolicy { reason } => match phase {
                RequestPhase::Submit => Some(Effect::Respond(self.clone())),
                RequestPhase::Poll => Some(Effect::Task(TaskFault::Fail(policy_reason(reason)))),
                RequestPhase::Other => None,
            },
            FaultKind::TaskFailed { error } if task_phase => {
                Some(Effect::Task(TaskFault::Fail(error.clone().unwrap_or_else(
                    || "Midjourney failed to process the job. Please try again.".to_string(),
                ))))
            }
            FaultKind::ProviderTimeout if task_phase => Some(Effect::Task(TaskFault::Timeout)),
            FaultKind::SubscriptionNotice if task_phase => {
                Some(Effect::Task(TaskFault::Fail(subscription_notice())))
            }
            FaultKind::TaskFailed { .. }
            | FaultKind::ProviderTimeout
            | FaultKind::SubscriptionNotice => None,
            _ => Some(Effect::Respond(self.clone())),
        }
    }
}

/// A fault found in a prompt: `[[fault:NAME(:ARG)(@submit|@poll)(*N)]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The marker text, e.g. `[[fault:429:5*1]]`.
    pub raw: String,
    /// What goes wrong.
    pub kind: FaultKind,
    /// `@poll` markers hit the task's fetches; the rest hit the submit (or the task itself).
    pub poll: bool,
    /// How many times it applies (per prompt for submits, per task for polls).
    pub times: Option<u32>,
}

/// Parses every `[[...]]` fault marker in `prompt` (unknown markers are ignored).
#[cfg(feature = "test-hooks")]
pub fn parse_markers(prompt: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    let mut rest = prompt;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        let inner = after[..end].trim();
        let raw = format!("[[{}]]", &after[..end]);
        if let Some(marker) = parse_marker(inner, raw) {
            out.push(marker);
        }
        rest = &after[end + 2..];
    }
    out
}

/// Without `test-hooks` (the demo in the shipped app) a prompt holds no markers: `[[...]]` is
/// plain text, and nothing can make the simulator fail on purpose.
#[cfg(not(feature = "test-hooks"))]
pub fn parse_markers(_prompt: &str) -> Vec<Marker> {
    Vec::new()
}

#[cfg(feature = "test-hooks")]
fn parse_marker(inner: &str, raw: String) -> Option<Marker> {
    let lower = inner.to_ascii_lowercase();
    if lower == "thank-you" || lower == "thank_you" {
        return Some(Marker {
            raw,
            kind: FaultKind::SubscriptionNotice,
            poll: false,
            times: Some(1),
        });
    }
    let spec = lower.strip_prefix("fault:")?;
    let (spec, times) = match spec.split_once('*') {
        Some((s, n)) => (s, Some(n.trim().parse::<u32>().ok()?)),
        None => (spec, None),
    };
    let (spec, poll) = match spec.split_once('@') {
        Some((s, "poll")) => (s, true),
        Some((s, "submit")) => (s, false),
        Some(_) => return None,
        None => (spec, false),
    };
    let (name, arg) = match spec.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (spec, None),
    };
    let kind = match name {
        "content_policy" | "banned" => FaultKind::ContentPolicy { reason: None },
        "failed" | "fail" => FaultKind::TaskFailed { error: None },
        "timeout" => FaultKind::ProviderTimeout,
        "thank_you" | "subscription" => FaultKind::SubscriptionNotice,
        "401" | "unauthorized" => FaultKind::Unauthorized,
        "403" | "forbidden" => FaultKind::Forbidden,
        "discord" | "discord_unreachable" => FaultKind::DiscordUnreachable,
        "429" | "rate_limited" => FaultKind::RateLimited {
            retry_after_secs: match arg {
                Some("none") => None,
                Some(a) => Some(a.parse().ok()?),
                None => Some(DEFAULT_RETRY_AFTER_SECS),
            },
        },
        "reset" | "connection_reset" => FaultKind::ConnectionReset,
        "hang" => FaultKind::Hang,
        "hang_body" => FaultKind::HangBody,
        "malformed" | "malformed_json" => FaultKind::MalformedJson,
        "oversized" => FaultKind::Oversized {
            bytes: match arg {
                Some(a) => Some(a.parse().ok()?),
                None => None,
            },
        },
        "wrong_content_type" | "html" => FaultKind::WrongContentType,
        other => {
            let status: u16 = other.parse().ok()?;
            match status {
                400..=499 => FaultKind::ClientError {
                    status,
                    message: None,
                },
                500..=599 => FaultKind::ServerError { status },
                _ => return None,
            }
        }
    };
    let times = if kind == FaultKind::SubscriptionNotice && times.is_none() {
        Some(1)
    } else {
        times
    };
    Some(Marker {
        raw,
        kind,
        poll,
        times,
    })
}

/// Removes every `[[...]]` marker from a prompt (for drawing and display of the subject).
#[cfg(feature = "test-hooks")]
pub fn strip_markers(prompt: &str) -> String {
    let mut out = String::with_capacity(prompt.len());
    let mut rest = prompt;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("]]") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Without `test-hooks` there are no markers to remove: the prompt, whitespace tidied.
#[cfg(not(feature = "test-hooks"))]
pub fn strip_markers(prompt: &str) -> String {
    prompt.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The active rules plus the per-prompt marker counters.
#[derive(Debug, Default)]
pub struct FaultBook {
    rules: Vec<FaultRule>,
    marker_hits: HashMap<String, u32>,
}

/// How many distinct marker counters are kept before they are reset.
const MAX_MARKER_COUNTERS: usize = 10_000;

impl FaultBook {
    /// Adds a rule (rules are tried in the order they were added).
    pub fn inject(&mut self, rule: FaultRule) {
        if rule.times != Some(0) {
            self.rules.push(rule);
        }
    }

    /// Removes every rule and marker counter.
    pub fn clear(&mut self) {
        self.rules.clear();
        self.marker_hits.clear();
    }

    /// The active rules.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.clone()
    }

    /// Finds the first rule matching this request, uses one of its `times`, and returns its effect.
    pub fn take(&mut self, provider: Provider, phase: RequestPhase) -> Option<Effect> {
        let idx = self.rules.iter().position(|r| {
            r.provider.matches(provider) && r.phase.matches(phase) && r.kind.effect(phase).is_some()
        })?;
        let effect = self.rules[idx].kind.effect(phase);
        if let Some(n) = self.rules[idx].times.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.rules.remove(idx);
            }
        }
        effect
    }

    /// Whether a submit-side marker applies this time. Counts per marker + prompt, except the
    /// subscription notice: Midjourney shows it once per account, so its markers share one
    /// counter whatever the prompt (the first task carrying one fails, later ones succeed).
    pub fn marker_fires(&mut self, marker: &Marker, prompt: &str) -> bool {
        let Some(limit) = marker.times else {
            return true;
        };
        if self.marker_hits.len() >= MAX_MARKER_COUNTERS {
            self.marker_hits.clear();
        }
        let key = if marker.kind == FaultKind::SubscriptionNotice {
            "\u{1f}subscription_notice".to_string()
        } else {
            format!("{}\u{1f}{}", marker.raw, prompt)
        };
        let hits = self.marker_hits.entry(key).or_insert(0);
        if *hits < limit {
            *hits += 1;
            true
        } else {
            false
        }
    }
}

/// Produces the response of a transport fault. Resets and hangs never return.
pub async fn respond(kind: &FaultKind, provider: Provider, abort: Option<&ConnAbort>) -> Response {
    match kind {
        FaultKind::ContentPolicy { reason } => reply::error(provider, 400, &policy_reason(reason)),
        FaultKind::Unauthorized => reply::unauthorized(provider),
        FaultKind::Forbidden => match provider {
            Provider::Linkr => reply::linkr_error(403, "Hold account is suspended"),
            Provider::Journey => reply::journey_error(403, "Forbidden: this account is suspended"),
        },
        FaultKind::RateLimited { retry_after_secs } => {
            let mut resp = reply::error(provider, 429, "Too many requests, slow down");
            if let Some(secs) = retry_after_secs {
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            resp
        }
        FaultKind::ServerError { status } => {
            let status = if (500..=599).contains(status) {
                *status
            } else {
                500
            };
            let msg = match status {
                502 => "Bad gateway",
                503 => "Service temporarily unavailable",
                504 => "Gateway timeout",
                _ => "Internal server error",
            };
            reply::error(provider, status, msg)
        }
        FaultKind::DiscordUnreachable => {
            reply::error(provider, 502, "Failed to connect to Discord")
        }
        FaultKind::ClientError { status, message } => {
            let status = if (400..=499).contains(status) {
                *status
            } else {
                400
            };
            let fallback = match status {
                402 => "Insufficient credits",
                404 => "Not found",
                422 => "Unprocessable request",
                _ => "Bad request",
            };
            reply::error(provider, status, message.as_deref().unwrap_or(fallback))
        }
        FaultKind::ConnectionReset => match abort {
            Some(abort) => {
                abort.abort();
                std::future::pending::<Response>().await
            }
            None => broken_body(),
        },
        FaultKind::Hang => std::future::pending::<Response>().await,
        FaultKind::HangBody => {
            let head = futures_util::stream::iter([Ok::<Bytes, Infallible>(Bytes::from_static(
                b"{\"task_id\": \"",
            ))]);
            let stream = futures_util::StreamExt::chain(head, futures_util::stream::pending());
            json_stream(Body::from_stream(stream))
        }
        FaultKind::MalformedJson => {
            let mut resp = reply::json(200, serde_json::Value::Null);
            *resp.body_mut() = Body::from("{\"task_id\": \"7f1c\", \"status\": \"proce");
            resp
        }
        FaultKind::Oversized { bytes } => oversized(bytes.unwrap_or(DEFAULT_OVERSIZED_BYTES)),
        FaultKind::WrongContentType => {
            let mut resp = (
                StatusCode::OK,
                "<!DOCTYPE html><html><head><title>Just a moment...</title></head>\
                 <body><h1>Checking your browser before accessing the API.</h1></body></html>",
            )
                .into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=UTF-8"),
            );
            resp
        }
        FaultKind::TaskFailed { .. }
        | FaultKind::ProviderTimeout
        | FaultKind::SubscriptionNotice => reply::error(provider, 500, "Internal server error"),
    }
}

fn json_stream(body: Body) -> Response {
    let mut resp = Response::new(body);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// A valid JSON object of exactly `total` bytes (at least its fixed parts), streamed in
/// 64 KiB chunks so nothing large is ever allocated.
fn oversized(total: u64) -> Response {
    const HEAD: &[u8] = b"{\"status\": \"SUCCESS\", \"padding\": \"";
    const TAIL: &[u8] = b"\"}";
    const CHUNK: usize = 64 * 1024;
    let filler = Bytes::from(vec![b'x'; CHUNK]);
    let fixed = (HEAD.len() + TAIL.len()) as u64;
    let mut remaining = total.saturating_sub(fixed);
    let chunks = std::iter::from_fn(move || {
        if remaining == 0 {
            return None;
        }
        let n = remaining.min(CHUNK as u64) as usize;
        remaining -= n as u64;
        Some(filler.slice(..n))
    });
    let body = std::iter::once(Bytes::from_static(HEAD))
        .chain(chunks)
        .chain(std::iter::once(Bytes::from_static(TAIL)))
        .map(Ok::<Bytes, Infallible>);
    json_stream(Body::from_stream(futures_util::stream::iter(body)))
}

/// A body that fails at once: the fallback reset when the connection handle is missing.
fn broken_body() -> Response {
    let stream = futures_util::stream::iter([Err::<Bytes, std::io::Error>(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "simulated reset",
    ))]);
    json_stream(Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "test-hooks")]
    fn markers_parse() {
        let m = parse_markers("a cat [[fault:429:7*2]] and [[fault:503@poll]] [[no-images]]");
        assert_eq!(m.len(), 2);
        assert_eq!(
            m[0].kind,
            FaultKind::RateLimited {
                retry_after_secs: Some(7)
            }
        );
        assert_eq!(m[0].times, Some(2));
        assert!(!m[0].poll);
        assert_eq!(m[1].kind, FaultKind::ServerError { status: 503 });
        assert!(m[1].poll);
        let m = parse_markers("[[fault:discord]] [[fault:discord_unreachable@poll*2]]");
        assert_eq!(m[0].kind, FaultKind::DiscordUnreachable);
        assert_eq!((m[1].poll, m[1].times), (true, Some(2)));
        let m = parse_markers(
            "[[fault:429:none]] [[thank-you]] [[fault:318]] [[fault:oversized:1000]] [[fault:404@poll]]",
        );
        assert_eq!(
            m[0].kind,
            FaultKind::RateLimited {
                retry_after_secs: None
            }
        );
        assert_eq!(m[1].kind, FaultKind::SubscriptionNotice);
        assert_eq!(m[1].times, Some(1));
        assert_eq!(m[2].kind, FaultKind::Oversized { bytes: Some(1000) });
        assert_eq!(
            m[3].kind,
            FaultKind::ClientError {
                status: 404,
                message: None
            }
        );
        assert!(m[3].poll);
        assert!(parse_markers("[[fault:").is_empty());
        assert!(parse_markers("]] [[ [[fault:x@nowhere]]").is_empty());
    }

    #[test]
    #[cfg(feature = "test-hooks")]
    fn strip_removes_markers() {
        assert_eq!(
            strip_markers("a  cat [[fault:500]] on a [[no-images]]mat"),
            "a cat on a mat"
        );
        assert_eq!(strip_markers("odd [[ end"), "odd [[ end");
    }

    #[test]
    fn rules_count_down_and_match() {
        let mut book = FaultBook::default();
        book.inject(
            FaultRule::new(FaultKind::Unauthorized)
                .provider(Target::Journey)
                .phase(Phase::Poll)
                .times(2),
        );
        assert_eq!(book.take(Provider::Linkr, RequestPhase::Poll), None);
        assert_eq!(book.take(Provider::Journey, RequestPhase::Submit), None);
        for _ in 0..2 {
            assert_eq!(
                book.take(Provider::Journey, RequestPhase::Poll),
                Some(Effect::Respond(FaultKind::Unauthorized))
            );
        }
        assert_eq!(book.take(Provider::Journey, RequestPhase::Poll), None);
        assert!(book.rules().is_empty());
    }

    #[test]
    fn task_faults_skip_account_requests() {
        let mut book = FaultBook::default();
        book.inject(FaultRule::new(FaultKind::ProviderTimeout).times(1));
        assert_eq!(book.take(Provider::Journey, RequestPhase::Other), None);
        assert_eq!(
            book.take(Provider::Journey, RequestPhase::Submit),
            Some(Effect::Task(TaskFault::Timeout))
        );
    }

    #[test]
    fn rule_json_is_flat() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"provider":"linkr","phase":"submit","kind":"rate_limited","retry_after_secs":3,"times":1}"#,
        )
        .expect("parses");
        assert_eq!(
            rule,
            FaultRule::new(FaultKind::RateLimited {
                retry_after_secs: Some(3)
            })
            .provider(Target::Linkr)
            .phase(Phase::Submit)
            .times(1)
        );
        let rule: FaultRule = serde_json::from_str(r#"{"kind":"server_error"}"#).expect("parses");
        assert_eq!(rule.kind, FaultKind::ServerError { status: 500 });
        assert_eq!(rule.times, None);
        let back = serde_json::to_value(&rule).expect("serializes");
        assert_eq!(back["kind"], "server_error");
    }

    #[test]
    #[cfg(feature = "test-hooks")]
    fn marker_counters_are_per_prompt() {
        let mut book = FaultBook::default();
        let m = &parse_markers("[[fault:503*1]]")[0];
        assert!(book.marker_fires(m, "p1"));
        assert!(!book.marker_fires(m, "p1"));
        assert!(book.marker_fires(m, "p2"));
    }

    #[test]
    #[cfg(feature = "test-hooks")]
    fn the_subscription_notice_comes_once_whatever_the_prompt() {
        let mut book = FaultBook::default();
        let m = &parse_markers("[[thank-you]]")[0];
        assert!(book.marker_fires(m, "first [[thank-you]]"));
        assert!(!book.marker_fires(m, "first [[thank-you]]"));
        assert!(!book.marker_fires(m, "another prompt [[thank-you]]"));
        book.clear();
        assert!(
            book.marker_fires(m, "another prompt [[thank-you]]"),
            "re-armed"
        );
        let blob: serde_json::Value =
            serde_json::from_str(&subscription_notice()).expect("the notice is JSON");
        assert_eq!(
            blob["embeds"][0]["title"],
            "Thank you for subscribing to Midjourney"
        );
    }

    #[test]
    #[cfg(not(feature = "test-hooks"))]
    fn without_test_hooks_markers_are_plain_text() {
        assert!(
            parse_markers("a cat [[fault:503]] [[thank-you]] [[fault:failed@poll]]").is_empty()
        );
        assert_eq!(strip_markers("a  cat [[fault:500]]"), "a cat [[fault:500]]");
    }
}
