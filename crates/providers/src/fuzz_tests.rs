//! Property tests: no parser panics on arbitrary JSON or bytes.
//!
//! The `proptest!` block runs a few hundred cases of each property in every `cargo test`.
//! [`fuzz_for_a_while`] runs the same properties for as long as `ATELIER_FUZZ_SECONDS` says
//! (default 60) with fresh random seeds, and checks the process's peak memory stays bounded:
//! `bash scripts/fuzz.sh` runs it (with the UI's prompt-parameter fuzzing).

use proptest::prelude::*;
use reqwest::StatusCode;
use serde_json::{Map, Value};

use crate::http::{error_from_response, json_or_error, RawResponse};
use crate::model::ProviderKind;
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

/// The bytes-level property: whatever a server sends, reading it as a response never panics.
fn exercise_bytes(bytes: &[u8], status: u16) {
    if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        exercise(&v);
    }
    let r = response(status, Some("application/json".into()), bytes.to_vec());
    let _ = error_from_response(ProviderKind::Linkr, &r);
    let _ = error_from_response(ProviderKind::Journey, &r);
    let _ = json_or_error(ProviderKind::Linkr, r);
    let _ = error_from_response(
        ProviderKind::Journey,
        &response(status, None, bytes.to_vec()),
    );
}

/// The string-level property: ids, custom ids, progress, timestamps, Retry-After, URLs and
/// prompts of any shape are classified or refused, never a panic.
fn exercise_string(s: &str) {
    let _ = action::classify_custom_id(s);
    let _ = action::kind_from_word(s);
    let _ = action::JourneyAction::parse(s);
    let _ = parse::progress_value(&Value::String(s.to_owned()));
    let _ = parse::timestamp_value(&Value::String(s.to_owned()));
    let _ = crate::http::parse_retry_after(s, chrono::Utc::now());
    let _ = crate::validate::task_id(s);
    let _ = crate::validate::http_url("u", s);
    let _ = crate::validate::prompt(s);
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
        exercise_bytes(&bytes, status);
    }

    #[test]
    fn strings_never_panic(s in ".*") {
        exercise_string(&s);
    }
}

/// Peak resident memory of this process in MiB (`VmHWM`), where the OS reports it.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Runs `property` on values of `strategy` in rounds of fresh random cases until `deadline`;
/// returns how many cases ran. A failing case panics with proptest's shrunk input.
fn fuzz_until<S: Strategy>(
    name: &str,
    deadline: std::time::Instant,
    strategy: S,
    property: impl Fn(S::Value),
) -> u64
where
    S::Value: std::fmt::Debug,
{
    use proptest::test_runner::{Config, TestRunner};
    const ROUND: u32 = 2_000;
    let mut cases = 0;
    while std::time::Instant::now() < deadline {
        let mut runner = TestRunner::new(Config {
            cases: ROUND,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(e) = runner.run(&strategy, |v| {
            property(v);
            Ok(())
        }) {
            panic!("fuzz target {name} failed after {cases} cases: {e}");
        }
        cases += u64::from(ROUND);
    }
    cases
}

/// Time-boxed fuzzing of every parser (see the module docs). Ignored in normal test runs.
#[test]
#[ignore = "long-running: run with `bash scripts/fuzz.sh [seconds]`"]
fn fuzz_for_a_while() {
    /// A process that parses hostile input must not grow without bound.
    const PEAK_RSS_BUDGET_MIB: u64 = 512;
    let seconds: u64 = std::env::var("ATELIER_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let share = std::time::Duration::from_secs(seconds) / 3;
    let start = std::time::Instant::now();
    let json = fuzz_until("json", start + share, arb_json(), |v| {
        exercise(&v);
        let wrapped = serde_json::json!({"tasks": [v.clone()], "components": [v.clone()], "task_id": "x", "status": v});
        exercise(&wrapped);
    });
    let bytes = fuzz_until(
        "bytes",
        start + share * 2,
        (prop::collection::vec(any::<u8>(), 0..4096), 100u16..600),
        |(b, status)| exercise_bytes(&b, status),
    );
    let strings = fuzz_until("strings", start + share * 3, ".{0,8000}", |s: String| {
        exercise_string(&s)
    });
    let peak = peak_rss_mib();
    println!(
        "fuzzed for {:.0} s: {json} JSON documents, {bytes} byte bodies, {strings} strings; \
         no panics; peak RSS {} MiB (budget {PEAK_RSS_BUDGET_MIB} MiB)",
        start.elapsed().as_secs_f64(),
        peak.map_or("unknown".to_owned(), |p| p.to_string()),
    );
    if let Some(peak) = peak {
        assert!(
            peak <= PEAK_RSS_BUDGET_MIB,
            "peak RSS {peak} MiB is over the {PEAK_RSS_BUDGET_MIB} MiB budget"
        );
    }
}
