//! The control endpoint under `/_control` (no auth; loopback only): fault rules, the request
//! log, the speed and the credits. Same operations as the `Simulator` methods.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::faults::FaultRule;
use crate::reply;
use crate::state::AppState;
use crate::util::lock;

/// The control routes, to be nested under `/_control`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/requests", get(list_requests).delete(clear_requests))
        .route("/speed", get(get_speed).post(set_speed))
        .route("/credits", get(get_credits).post(set_credits))
        .route("/health", get(health))
}

fn bad(msg: &str) -> Response {
    reply::json(400, json!({ "error": msg }))
}

async fn list_faults(State(state): State<AppState>) -> Response {
    reply::json(200, json!({ "rules": lock(&state.faults).rules() }))
}

async fn add_faults(State(state): State<AppState>, body: Bytes) -> Response {
    let rules: Vec<FaultRule> = match serde_json::from_slice::<Value>(&body) {
        Ok(v @ Value::Array(_)) => match serde_json::from_value(v) {
            Ok(r) => r,
            Err(e) => return bad(&format!("invalid fault rules: {e}")),
        },
        Ok(v) => match serde_json::from_value(v) {
            Ok(r) => vec![r],
            Err(e) => return bad(&format!("invalid fault rule: {e}")),
        },
        Err(e) => return bad(&format!("invalid JSON: {e}")),
    };
    let mut book = lock(&state.faults);
    for rule in rules {
        book.inject(rule);
    }
    reply::json(200, json!({ "rules": book.rules() }))
}

async fn clear_faults(State(state): State<AppState>) -> Response {
    lock(&state.faults).clear();
    reply::json(200, json!({ "rules": [] }))
}

async fn list_requests(State(state): State<AppState>) -> Response {
    reply::json(200, json!({ "requests": lock(&state.log).all() }))
}

async fn clear_requests(State(state): State<AppState>) -> Response {
    lock(&state.log).clear();
    reply::json(200, json!({ "requests": [] }))
}

async fn get_speed(State(state): State<AppState>) -> Response {
    reply::json(200, json!({ "speed": lock(&state.clock).speed() }))
}

async fn set_speed(State(state): State<AppState>, body: Bytes) -> Response {
    let speed = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("speed").and_then(Value::as_f64));
    let Some(speed) = speed else {
        return bad("expected {\"speed\": <number>}");
    };
    let mut clock = lock(&state.clock);
    clock.set_speed(speed);
    reply::json(200, json!({ "speed": clock.speed() }))
}

async fn get_credits(State(state): State<AppState>) -> Response {
    reply::json(200, json!({ "credits": lock(&state.account).credits }))
}

async fn set_credits(State(state): State<AppState>, body: Bytes) -> Response {
    let credits = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("credits").and_then(Value::as_i64));
    let Some(credits) = credits else {
        return bad("expected {\"credits\": <integer>}");
    };
    lock(&state.account).credits = credits;
    reply::json(200, json!({ "credits": credits }))
}

async fn health(State(state): State<AppState>) -> Response {
    reply::json(
        200,
        json!({
            "ok": true,
            "speed": lock(&state.clock).speed(),
            "tasks": lock(&state.tasks).len(),
        }),
    )
}
