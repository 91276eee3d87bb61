//! Hostile task responses, parsed without any server: thousands of buttons or image URLs are
//! cut to the documented caps ([`parse::MAX_ACTIONS`], [`parse::MAX_URLS`],
//! [`parse::MAX_TEXTS`]) in bounded time, and image addresses that are not http(s) are
//! dropped. (Private and loopback hosts are refused later, where the provider's base URL is
//! known: `atelier_library::check_source_url`, applied when downloading and before the UI.)

use atelier_providers::{journey, linkr, parse, ActionMode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Parsing one hostile task must take less than this, even unoptimised on a busy machine;
/// a parser that walked every entry (or compared every pair) would take far longer.
const PARSE_BUDGET: Duration = Duration::from_secs(2);

const MANY: usize = 10_000;

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < PARSE_BUDGET, "{what} took {took:?}");
    out
}

fn many_urls(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!(format!("https://cdn.example.com/{i}.png")))
        .collect()
}

/// A LinkrAPI task whose `components` hold `n` distinct buttons.
fn linkr_task_with_buttons(components: Value) -> Value {
    json!({
        "task_id": "hostile-1",
        "action": "imagine",
        "status": "completed",
        "prompt": "a fox",
        "image_url": "https://cdn.example.com/grid.png",
        "images": many_urls(MANY),
        "video_urls": many_urls(MANY),
        "components": components,
    })
}

fn button(i: usize) -> Value {
    json!({
        "type": 2,
        "style": 2,
        "label": format!("U{}", i % 4 + 1),
        "custom_id": format!("MJ::JOB::upsample::{}::hash{i}", i % 4 + 1),
    })
}

#[test]
fn linkr_task_with_ten_thousand_buttons_keeps_at_most_max_actions() {
    let flat = linkr_task_with_buttons(Value::Array((0..MANY).map(button).collect()));
    let task = timed("10,000 flat buttons", || {
        linkr::parse_task(&flat, None).expect("parse")
    });
    assert_eq!(task.actions.len(), parse::MAX_ACTIONS);
    assert!(task.image_urls.len() <= parse::MAX_URLS);
    assert_eq!(task.video_urls.len(), parse::MAX_URLS);

    // 1,000 action rows of 100 buttons: 100,000 buttons in all.
    let rows: Vec<Value> = (0..1_000)
        .map(|r| {
            json!({
                "type": 1,
                "components": (0..100).map(|b| button(r * 100 + b)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let nested = linkr_task_with_buttons(Value::Array(rows));
    let task = timed("100,000 buttons in rows", || {
        linkr::parse_task(&nested, None).expect("parse")
    });
    assert_eq!(task.actions.len(), parse::MAX_ACTIONS);

    // The same button 10,000 times is one button.
    let same = linkr_task_with_buttons(Value::Array(vec![button(0); MANY]));
    let task = timed("one button 10,000 times", || {
        linkr::parse_task(&same, None).expect("parse")
    });
    assert_eq!(task.actions.len(), 1);

    // 10,000 link buttons (style 5): capped too.
    let links: Vec<Value> = (0..MANY)
        .map(|i| json!({"type": 2, "style": 5, "label": "Web", "url": format!("https://example.com/{i}")}))
        .collect();
    let task = timed("10,000 link buttons", || {
        linkr::parse_task(&linkr_task_with_buttons(Value::Array(links)), None).expect("parse")
    });
    assert_eq!(task.actions.len(), parse::MAX_ACTIONS);
    assert!(task.actions.iter().all(|a| a.mode == ActionMode::Link));
}

#[test]
fn journey_task_with_ten_thousand_image_urls_keeps_at_most_max_urls() {
    let contents: Vec<Value> = (0..MANY).map(|i| json!(format!("text {i}"))).collect();
    let v = json!({
        "task_id": "hostile-2",
        "task_type": "imagine",
        "status": "completed",
        "prompt": "a fox",
        "original_image_url": "https://cdn.example.com/grid.png",
        "image_urls": many_urls(MANY),
        "video_urls": many_urls(MANY),
        "content": contents,
        "seed": "1234",
    });
    let task = timed("10,000 image urls", || {
        journey::parse_task(&v, None).expect("parse")
    });
    assert_eq!(task.image_urls.len(), parse::MAX_URLS);
    assert_eq!(task.video_urls.len(), parse::MAX_URLS);
    // The content list is capped; the seed is added after it.
    assert_eq!(task.text_results.len(), parse::MAX_TEXTS + 1);

    // 10,000 entries that are not URLs before a real one: the real one is past the look-ahead
    // window and is not searched for.
    let mut junk: Vec<Value> = (0..MANY).map(|i| json!(i)).collect();
    junk.push(json!("https://cdn.example.com/late.png"));
    let v = json!({"task_id": "hostile-3", "status": "completed", "image_urls": junk});
    let task = timed("10,000 junk entries", || {
        journey::parse_task(&v, None).expect("parse")
    });
    assert!(task.image_urls.is_empty());
}

/// Image addresses that are not http(s), in every field a provider puts images in.
const NOT_WEB: [&str; 10] = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(document.domain)",
    "file:///etc/passwd",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:text/html,<script>alert(1)</script>",
    "blob:https://cdn.example.com/1",
    "ftp://cdn.example.com/a.png",
    "asset://localhost/%2Fetc%2Fpasswd",
    "//cdn.example.com/a.png",
    "/relative.png",
];

#[test]
fn image_addresses_that_are_not_web_links_are_dropped_by_both_parsers() {
    for bad in NOT_WEB {
        let linkr_grid = json!({
            "task_id": "t", "action": "imagine", "status": "completed",
            "image_url": bad, "grid_url": bad, "images": [bad, bad, bad, bad],
            "video_urls": [bad],
            "components": [{"type": 2, "style": 5, "label": "Web", "url": bad}],
        });
        let t = linkr::parse_task(&linkr_grid, None).expect("parse");
        assert_eq!(
            (
                t.grid_url,
                t.image_url,
                t.image_urls.len(),
                t.video_urls.len()
            ),
            (None, None, 0, 0),
            "linkr grid {bad}"
        );
        assert!(
            t.actions.iter().all(|a| a.url.is_none()),
            "linkr link {bad}"
        );

        let linkr_single = json!({
            "task_id": "t", "action": "upsample1", "status": "completed",
            "image_url": bad, "cdn_url": bad,
        });
        let t = linkr::parse_task(&linkr_single, None).expect("parse");
        assert_eq!(t.image_url, None, "linkr single {bad}");

        let journey = json!({
            "task_id": "t", "task_type": "imagine", "status": "completed",
            "original_image_url": bad, "grid_url": bad, "image_url": bad,
            "image_urls": [bad, bad, bad, bad], "video_urls": [bad],
        });
        let t = journey::parse_task(&journey, None).expect("parse");
        assert_eq!(
            (
                t.grid_url,
                t.image_url,
                t.image_urls.len(),
                t.video_urls.len()
            ),
            (None, None, 0, 0),
            "journey {bad}"
        );
    }
}
