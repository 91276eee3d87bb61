//! Tolerant readers for provider JSON: strings for numbers, numbers for strings,
//! null vs absent, timestamps with or without a zone, capped lists.
//!
//! None of these functions can panic, whatever the input.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// The most actions (buttons) kept from one response. Midjourney offers at most about 20;
/// a response claiming thousands is cut here, and no more than four times this many raw
/// components are even looked at, so parsing it takes bounded time.
pub const MAX_ACTIONS: usize = 64;
/// The most URLs kept from one list field (`images`, `image_urls`, `video_urls`). A task has
/// four images; longer lists are cut here, after looking at no more than four times this many
/// entries.
pub const MAX_URLS: usize = 16;
/// The most text results kept from one list field (`content`), after looking at no more than
/// four times this many entries.
pub const MAX_TEXTS: usize = 16;
/// The longest single string field kept (longer ones are cut).
pub const MAX_FIELD_CHARS: usize = 16 * 1024;
/// The longest URL kept (longer ones are dropped).
pub const MAX_URL_CHARS: usize = 4096;

/// Cuts `s` to at most `max` bytes on a char boundary.
pub fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while cut > 0 && !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// A field as text: strings as-is, numbers and booleans printed; null, absent,
/// empty or whitespace-only -> None.
pub fn text(v: &Value, key: &str) -> Option<String> {
    let s = match v.get(key)? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    if s.trim().is_empty() {
        None
    } else {
        Some(truncate(s, MAX_FIELD_CHARS))
    }
}

/// The first of several keys that has text.
pub fn text_any(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| text(v, k))
}

/// A number 0..=100 from a JSON number or a numeric string ("45", "45.0", "45%").
/// Out-of-range values are clamped; unreadable ones give None.
pub fn progress_value(v: &Value) -> Option<u8> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if !n.is_finite() {
        return None;
    }
    Some(n.round().clamp(0.0, 100.0) as u8)
}

/// [`progress_value`] of a field.
pub fn progress(v: &Value, key: &str) -> Option<u8> {
    v.get(key).and_then(progress_value)
}

/// A small positive integer from a number or a string ("2", 2, 2.0).
pub fn small_int(v: &Value) -> Option<u8> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if n.is_finite() && n.fract() == 0.0 && (0.0..=255.0).contains(&n) {
        Some(n as u8)
    } else {
        None
    }
}

/// A whole number from a number or a string.
pub fn int(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => {
            let t = s.trim().replace(',', "");
            t.parse::<i64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

/// Parses a timestamp: RFC 3339 with a zone, ISO 8601 without one (read as UTC),
/// a space instead of `T`, or Unix seconds / milliseconds. Garbage -> None.
pub fn timestamp_value(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => parse_timestamp(s),
        Value::Number(n) => {
            let secs = n.as_f64()?;
            if !secs.is_finite() || secs < 0.0 {
                return None;
            }
            // Values past year 2286 in seconds are milliseconds.
            let millis = if secs > 1e10 { secs } else { secs * 1000.0 };
            if millis > 1e15 {
                return None;
            }
            Utc.timestamp_millis_opt(millis as i64).single()
        }
        _ => None,
    }
}

/// [`timestamp_value`] of a field.
pub fn timestamp(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    v.get(key).and_then(timestamp_value)
}

fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&naive));
        }
    }
    None
}

/// True for an absolute http(s) URL with a host and a sane length.
pub fn is_web_url(s: &str) -> bool {
    if s.len() > MAX_URL_CHARS {
        return false;
    }
    match url::Url::parse(s) {
        Ok(u) => {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        }
        Err(_) => false,
    }
}

/// A URL field, kept only when it is an http(s) URL.
pub fn url(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if is_web_url(s.trim()) => Some(s.trim().to_string()),
        _ => None,
    }
}

/// The first of several keys holding an http(s) URL.
pub fn url_any(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| url(v, k))
}

/// A list of http(s) URLs (at most [`MAX_URLS`]); non-URLs are skipped; a single
/// string is taken as a one-item list.
pub fn url_list(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .take(MAX_URLS * 4)
            .filter_map(|i| i.as_str().map(str::trim).filter(|s| is_web_url(s)))
            .take(MAX_URLS)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) if is_web_url(s.trim()) => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

/// A list of texts (at most [`MAX_TEXTS`]); a single string is a one-item list.
pub fn text_list(v: &Value, key: &str) -> Vec<String> {
    let one = |s: &str| {
        let t = s.trim();
        (!t.is_empty()).then(|| truncate(t.to_string(), MAX_FIELD_CHARS))
    };
    match v.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .take(MAX_TEXTS * 4)
            .filter_map(|i| i.as_str().and_then(one))
            .take(MAX_TEXTS)
            .collect(),
        Some(Value::String(s)) => one(s).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The sentence shown instead of Midjourney's one-time "Thank you for subscribing" notice.
pub const SUBSCRIPTION_NOTICE_SENTENCE: &str = "Midjourney showed its one-time welcome notice \
    on your Discord account instead of running this job; press Retry, it works now.";

/// True when a task's `error` is Midjourney's one-time "Thank you for subscribing" notice,
/// however it is relayed: a JSON object with `embeds[].title`, with `title`, or any text
/// that contains the words.
pub fn is_subscription_notice(error: &str) -> bool {
    fn says_thanks(text: &str) -> bool {
        // "Thank you for subscribing", "Thanks for subscribing"; not "you need a subscription".
        text.to_lowercase().contains("for subscribing")
    }
    fn titles(v: &Value, depth: usize) -> bool {
        if depth > 4 {
            return false;
        }
        match v {
            Value::Object(map) => {
                ["title", "description"]
                    .iter()
                    .any(|k| map.get(*k).and_then(Value::as_str).is_some_and(says_thanks))
                    || map
                        .iter()
                        .filter(|(_, child)| child.is_object() || child.is_array())
                        .take(MAX_TEXTS)
                        .any(|(_, child)| titles(child, depth + 1))
            }
            Value::Array(items) => items
                .iter()
                .take(MAX_TEXTS)
                .any(|child| titles(child, depth + 1)),
            Value::String(s) => says_thanks(s),
            _ => false,
        }
    }
    if says_thanks(error) {
        return true;
    }
    match serde_json::from_str::<Value>(error.trim()) {
        Ok(v) => titles(&v, 0),
        Err(_) => false,
    }
}

/// A task's `error` field, with Midjourney's subscription notice replaced by
/// [`SUBSCRIPTION_NOTICE_SENTENCE`] (the raw text stays in the task's `raw` JSON).
pub fn task_error(v: &Value, key: &str) -> Option<String> {
    let error = text(v, key)?;
    if is_subscription_notice(&error) {
        Some(SUBSCRIPTION_NOTICE_SENTENCE.to_string())
    } else {
        Some(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn progress_variants() {
        let p = |v: Value| progress(&json!({ "p": v }), "p");
        assert_eq!(p(json!("45")), Some(45));
        assert_eq!(p(json!(45)), Some(45));
        assert_eq!(p(json!(45.0)), Some(45));
        assert_eq!(p(json!(" 45% ")), Some(45));
        assert_eq!(p(json!(150)), Some(100));
        assert_eq!(p(json!(-3)), Some(0));
        assert_eq!(p(json!(null)), None);
        assert_eq!(p(json!("abc")), None);
        assert_eq!(p(json!("NaN")), None);
        assert_eq!(p(json!([1])), None);
        assert_eq!(progress(&json!({}), "p"), None);
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| timestamp(&json!({ "t": s }), "t");
        let base = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        assert_eq!(t("2026-11-23T10:00:00"), Some(base));
        assert_eq!(t("2026-11-23T10:00:00Z"), Some(base));
        assert_eq!(t("2026-11-23T12:00:00+02:00"), Some(base));
        assert_eq!(
            t("2026-11-23T10:00:00.123456"),
            Some(base + chrono::Duration::microseconds(123456))
        );
        assert_eq!(t("2026-11-23 10:00:00"), Some(base));
        assert_eq!(t("garbage"), None);
        assert_eq!(t(""), None);
        assert_eq!(t("2026-13-45T99:00:00"), None);
        assert_eq!(timestamp(&json!({ "t": null }), "t"), None);
        assert_eq!(timestamp(&json!({ "t": 1795428000 }), "t"), Some(base));
        assert_eq!(
            timestamp(&json!({ "t": 1795428000000i64 }), "t"),
            Some(base)
        );
        assert_eq!(timestamp(&json!({ "t": 1e300 }), "t"), None);
    }

    #[test]
    fn urls_and_texts() {
        let v = json!({
            "u": ["https://a/1.png", "javascript:alert(1)", 5, "file:///x", "http://b/2.png"],
            "s": "https://c/3.png",
            "bad": "ftp://x",
            "t": ["one", "", "  ", 3, "two"],
            "n": "12"
        });
        assert_eq!(url_list(&v, "u"), vec!["https://a/1.png", "http://b/2.png"]);
        assert_eq!(url_list(&v, "s"), vec!["https://c/3.png"]);
        assert_eq!(url(&v, "bad"), None);
        assert_eq!(url_list(&v, "missing"), Vec::<String>::new());
        assert_eq!(text_list(&v, "t"), vec!["one", "two"]);
        assert_eq!(text(&v, "n").as_deref(), Some("12"));
        assert_eq!(int(&v, "n"), Some(12));
        let many: Vec<String> = (0..100).map(|i| format!("https://x/{i}.png")).collect();
        assert_eq!(url_list(&json!({ "u": many }), "u").len(), MAX_URLS);
    }

    #[test]
    fn subscription_notices_in_any_shape() {
        for blob in [
            json!({"embeds": [{"title": "Thank you for subscribing to Midjourney", "description": "..."}]}),
            json!({"title": "Thank you for subscribing", "type": "subscription_notice"}),
            json!({"message": {"embeds": [{"title": "Thanks for subscribing!"}]}}),
            json!([{"title": "Thank you for subscribing to Midjourney!"}]),
        ] {
            assert!(is_subscription_notice(&blob.to_string()), "{blob}");
        }
        assert!(is_subscription_notice(
            "Discord said: Thank you for subscribing to Midjourney"
        ));
        assert!(is_subscription_notice(
            "{\"title\": \"Thanks for subscribing"
        ));
        for other in [
            "Banned prompt detected",
            "You need an active subscription to use this command. Thank you.",
            "{\"title\": \"Job failed\"}",
            "",
            "{}",
            "[[[[[[[[[[[[",
        ] {
            assert!(!is_subscription_notice(other), "{other}");
        }
        let v = json!({"error": json!({"embeds": [{"title": "Thank you for subscribing"}]}).to_string()});
        assert_eq!(
            task_error(&v, "error").as_deref(),
            Some(SUBSCRIPTION_NOTICE_SENTENCE)
        );
        let v = json!({"error": "GPU on fire"});
        assert_eq!(task_error(&v, "error").as_deref(), Some("GPU on fire"));
        assert_eq!(task_error(&json!({"error": null}), "error"), None);
    }

    #[test]
    fn truncation_is_char_safe() {
        let s = "é".repeat(10);
        assert_eq!(truncate(s, 5), "éé");
    }
}
