//! Response helpers in each provider's error shape.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::requests::Provider;

/// A JSON response with `status`.
pub fn json(status: u16, body: Value) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = (code, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// LinkrAPI error: `{"detail": msg}`.
pub fn linkr_error(status: u16, msg: &str) -> Response {
    json(status, json!({ "detail": msg }))
}

/// JourneyAPI error: `{"errors": [{"msg": msg}]}`.
pub fn journey_error(status: u16, msg: &str) -> Response {
    json(status, json!({ "errors": [{ "msg": msg }] }))
}

/// An error in the shape of `provider`.
pub fn error(provider: Provider, status: u16, msg: &str) -> Response {
    match provider {
        Provider::Linkr => linkr_error(status, msg),
        Provider::Journey => journey_error(status, msg),
    }
}

/// The 401 each provider sends for a bad or missing key.
pub fn unauthorized(provider: Provider) -> Response {
    match provider {
        Provider::Linkr => linkr_error(401, "Invalid or missing API key"),
        Provider::Journey => json(401, json!({})),
    }
}
