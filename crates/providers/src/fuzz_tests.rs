//! Property tests: no parser panics on arbitrary JSON or bytes.

use proptest::prelude::*;
use reqwest::StatusCode;
use serde_json::{Map, Value};

use crate::http::{error_from_response, json_or_error, RawResponse};
use crate::{action, journey, linkr, parse};

/// Keys the parsers look at, so generated objects hit the interesting paths.
const KEYS: [&str; 24] = [
    "task_id",
    "action",
    "status",
    "progress",
    "percentage",
    "prompt",
    "image_url",
    "grid_url",
    "images",
    "image_urls",
    "original_image_url",
    "components",
    "custom_id",
    "label",
    "style",
    "emoji",
    "url",
    "error",
    "created_at",
    "task_type",
    "content",
    "index",
    "zoom_ratio",
    "detail",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".*".prop_map(Value::String),
        prop_oneof![
            Just("MJ::JOB::upsample::2::h"),
            Just("MJ::Outpaint::50::1::h::SOLO"),
            Just("https://x.test/a.png"),
            Just("completed"),
            Just("finished"),
            Just("2026-11-23T10:00:00"),
            Just("45"),
            Just("MJ::"),
            Just("::::"),
            Just("pan_"),
            Just("upsample"),
            Just("outpaint"),
            Just("variations"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..10).prop_map(
                |kvs| {
                    let mut m = Map::new();
                    for (k, v) in kvs {
                        m.insert(k.to_string(), v);
                    }
                    Value::Object(m)
                }
            ),
        ]
    })
}

fn exercise(v: &Value) {
    let _ = linkr::parse_task(v, Some("fallback"));
    let _ = linkr::parse_task(v, None);
    let _ = journey::parse_task(v, Some("fallback"));
    let _ = action::linkr_actions(v);
    if let Some(c) = v.get("components") {
        let _ = action::linkr_actions(c);
    }
    for k in KEYS {
        let _ = parse::progress(v, k);
        let _ = parse::timestamp(v, k);
        let _ = parse::url_list(v, k);
        let _ = parse::int(v, k);
        if let Some(s) = v.get(k).and_then(Value::as_str) {
            let _ = action::classify_custom_id(s);
            let _ = action::kind_from_word(s);
            let _ = action::JourneyAction::parse(s);
        }
    }
}

fn response(status: u16, ct: Option<String>, body: Vec<u8>) -> RawResponse {
    RawResponse {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        content_type: ct,
        retry_after: None,
        body,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_on_json(v in arb_json()) {
        exercise(&v);
        let wrapped = serde_json::json!({"tasks": [v.clone()], "components": [v.clone()], "task_id": "x", "status": v});
        exercise(&wrapped);
    }

    #[test]
    fn parsers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512), status in 100u16..600) {
        if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
            exercise(&v);
        }
        let r = response(status, Some("application/json".into()), bytes.clone());
        let _ = error_from_response(&r);
        let _ = json_or_error(r);
        let _ = error_from_response(&response(status, None, bytes));
    }

    #[test]
    fn strings_never_panic(s in ".*") {
        let _ = action::classify_custom_id(&s);
        let _ = action::kind_from_word(&s);
        let _ = action::JourneyAction::parse(&s);
        let _ = parse::progress_value(&Value::String(s.clone()));
        let _ = parse::timestamp_value(&Value::String(s.clone()));
        let _ = crate::http::parse_retry_after(&s, chrono::Utc::now());
        let _ = crate::validate::task_id(&s);
        let _ = crate::validate::http_url("u", &s);
        let _ = crate::validate::prompt(&s);
    }
}
