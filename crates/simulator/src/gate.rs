//! The middleware in front of both APIs: logs the request, checks the key in each
//! provider's form, and applies fault rules before the handler runs.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;

use crate::faults::{self, Effect, RequestPhase, TaskFault};
use crate::reply;
use crate::requests::Provider;
use crate::server::ConnAbort;
use crate::state::AppState;
use crate::util::lock;

/// Largest request body read, in bytes.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// A task fault a rule attached to this request, for the handler to apply.
#[derive(Debug, Clone)]
pub struct RuleFault(pub TaskFault);

/// Whether the `Authorization` header carries `key` in `provider`'s form.
pub fn auth_ok(provider: Provider, header_value: Option<&str>, key: &str) -> bool {
    let Some(value) = header_value else {
        return false;
    };
    match provider {
        Provider::Linkr => {
            let mut parts = value.trim().splitn(2, ' ');
            let scheme = parts.next().unwrap_or("");
            let token = parts.next().unwrap_or("").trim();
            scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token == key
        }
        Provider::Journey => !value.is_empty() && value == key,
    }
}

/// Which phase a request is in (create endpoints submit, fetch endpoints poll).
pub fn phase_of(provider: Provider, method: &Method, path: &str) -> RequestPhase {
    match provider {
        Provider::Linkr => {
            let rest = path.strip_prefix("/linkr/api").unwrap_or(path);
            if *method == Method::POST && (rest == "/v1/imagine" || rest == "/v1/action") {
                RequestPhase::Submit
            } else if *method == Method::GET && rest.starts_with("/v1/fetch/") {
                RequestPhase::Poll
            } else {
                RequestPhase::Other
            }
        }
        Provider::Journey => {
            let rest = path.strip_prefix("/journey/api/v1").unwrap_or(path);
            match (method, rest) {
                (&Method::POST, "/fetch" | "/fetch-many") => RequestPhase::Poll,
                (
                    &Method::POST,
                    "/imagine" | "/upscale-1x" | "/upscale-alt" | "/upscale-2x-4x" | "/variations"
                    | "/reroll" | "/pan" | "/outpaint" | "/inpaint" | "/blend" | "/describe"
                    | "/shorten" | "/imagine-video" | "/seed",
                ) => RequestPhase::Submit,
                _ => RequestPhase::Other,
            }
        }
    }
}

/// Whether `path` is the control endpoint's (which exists only with `test-hooks`).
#[cfg(feature = "test-hooks")]
fn is_control(path: &str) -> bool {
    path.starts_with("/_control")
}

/// Without `test-hooks` there is no control endpoint: such a path is an unknown API path.
#[cfg(not(feature = "test-hooks"))]
fn is_control(_path: &str) -> bool {
    false
}

/// The middleware: see the module docs. `/cdn` and `/_control` pass straight through.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/cdn/") || path == "/cdn" || is_control(&path) {
        return next.run(req).await;
    }
    let provider = Provider::from_path(&path);
    let method = req.method().clone();
    let header_value = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let authorized = match provider {
        Some(Provider::Linkr) => {
            auth_ok(Provider::Linkr, header_value.as_deref(), &state.linkr_key)
        }
        Some(Provider::Journey) => auth_ok(
            Provider::Journey,
            header_value.as_deref(),
            &state.journey_key,
        ),
        None => false,
    };
    let (mut parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_REQUEST_BODY).await;
    let json = bytes
        .as_ref()
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok());
    let seq = lock(&state.log).start(provider, method.as_str(), &path, authorized, json);

    let response = match (provider, bytes) {
        (Some(p), Err(_)) => reply::error(p, 413, "Request body too large"),
        (None, _) => reply::json(404, serde_json::json!({ "detail": "Not Found" })),
        (Some(p), Ok(_)) if !authorized => reply::unauthorized(p),
        (Some(p), Ok(bytes)) => {
            let phase = phase_of(p, &method, &path);
            let effect = lock(&state.faults).take(p, phase);
            match effect {
                Some(Effect::Respond(kind)) => {
                    let abort = parts.extensions.get::<ConnAbort>().cloned();
                    faults::respond(&kind, p, abort.as_ref()).await
                }
                Some(Effect::Task(fault)) => {
                    parts.extensions.insert(RuleFault(fault));
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
                None => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
            }
        }
    };
    lock(&state.log).finish(seq, response.status().as_u16());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkr_auth_needs_bearer() {
        let p = Provider::Linkr;
        assert!(auth_ok(p, Some("Bearer lkr_demo"), "lkr_demo"));
        assert!(auth_ok(p, Some("bearer lkr_demo"), "lkr_demo"));
        assert!(!auth_ok(p, Some("lkr_demo"), "lkr_demo"));
        assert!(!auth_ok(p, Some("Bearer lkr_other"), "lkr_demo"));
        assert!(!auth_ok(p, Some("Bearer "), ""));
        assert!(!auth_ok(p, None, "lkr_demo"));
    }

    #[test]
    fn journey_auth_is_the_raw_key() {
        let p = Provider::Journey;
        assert!(auth_ok(p, Some("japi_demo"), "japi_demo"));
        assert!(!auth_ok(p, Some("Bearer japi_demo"), "japi_demo"));
        assert!(!auth_ok(p, Some(""), ""));
        assert!(!auth_ok(p, None, "japi_demo"));
    }

    #[test]
    fn phases() {
        assert_eq!(
            phase_of(Provider::Linkr, &Method::POST, "/linkr/api/v1/action"),
            RequestPhase::Submit
        );
        assert_eq!(
            phase_of(Provider::Linkr, &Method::GET, "/linkr/api/v1/fetch/abc"),
            RequestPhase::Poll
        );
        assert_eq!(
            phase_of(
                Provider::Journey,
                &Method::POST,
                "/journey/api/v1/fetch-many"
            ),
            RequestPhase::Poll
        );
        assert_eq!(
            phase_of(Provider::Journey, &Method::POST, "/journey/api/v1/pan"),
            RequestPhase::Submit
        );
        for path in ["/inpaint", "/shorten", "/imagine-video", "/seed", "/blend"] {
            assert_eq!(
                phase_of(
                    Provider::Journey,
                    &Method::POST,
                    &format!("/journey/api/v1{path}")
                ),
                RequestPhase::Submit,
                "{path}"
            );
        }
        assert_eq!(
            phase_of(Provider::Journey, &Method::GET, "/journey/api/v1/account"),
            RequestPhase::Other
        );
    }
}
