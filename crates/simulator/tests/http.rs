//! End-to-end tests over real HTTP on loopback: auth, status progressions, follow-up rules,
//! fetch-many, credits, FLUX, images, every fault (marker and control endpoint), the request
//! log and shutdown.

#[cfg(not(feature = "test-hooks"))]
compile_error!(
    "these tests inject faults and use /_control: run them with `--features test-hooks` \
     (scripts/test.sh does)"
);

mod common;

use std::time::{Duration, Instant};

use atelier_simulator::{FaultKind, FaultRule, Phase, Simulator, SimulatorConfig, Target};
use common::*;
use serde_json::{json, Value};

async fn linkr_post(sim: &Simulator, path: &str, body: Value) -> (u16, Value) {
    post_json(
        format!("{}{path}", sim.linkr_base_url()),
        "Bearer lkr_demo",
        body,
    )
    .await
}

async fn linkr_fetch(sim: &Simulator, id: &str) -> (u16, Value) {
    let resp = client()
        .get(format!("{}/v1/fetch/{id}", sim.linkr_base_url()))
        .header("Authorization", "Bearer lkr_demo")
        .send()
        .await
        .expect("request");
    parse(resp).await
}

async fn linkr_imagine(sim: &Simulator, prompt: &str) -> String {
    let (status, body) = linkr_post(sim, "/v1/imagine", json!({ "prompt": prompt })).await;
    assert_eq!(status, 200, "{body}");
    task_id(&body).to_string()
}

async fn journey_imagine(sim: &Simulator, body: Value) -> String {
    journey_submit(sim, "/imagine", body).await
}

/// Polls until `done(task)` holds (bounded by WAIT), returning every status seen and the last body.
async fn wait_linkr(
    sim: &Simulator,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> (Vec<Value>, Value) {
    poll_until(|| linkr_fetch(sim, id), done).await
}

fn final_linkr(v: &Value) -> bool {
    matches!(
        v["status"].as_str(),
        Some("completed" | "failed" | "timeout")
    )
}

async fn linkr_done(sim: &Simulator, prompt: &str) -> Value {
    let id = linkr_imagine(sim, prompt).await;
    let (_, body) = wait_linkr(sim, &id, final_linkr).await;
    assert_eq!(body["status"], "completed", "{body}");
    body
}

async fn journey_done(sim: &Simulator, prompt: &str) -> Value {
    let id = journey_imagine(sim, json!({ "prompt": prompt })).await;
    let body = journey_settle(sim, &id).await;
    assert_eq!(body["status"], "finished", "{body}");
    body
}

fn assert_in_order(seen: &[&str], order: &[&str]) {
    let mut last = 0;
    for s in seen {
        let idx = order
            .iter()
            .position(|o| o == s)
            .unwrap_or_else(|| panic!("unknown status {s}"));
        assert!(idx >= last, "status {s} came after {}", order[last]);
        last = idx;
    }
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn linkr_auth_forms_and_401_body() {
    let sim = start(FAST).await;
    let url = format!("{}/v1/fetch/not-a-task", sim.linkr_base_url());
    for auth in [
        None,
        Some("lkr_demo"),
        Some("Bearer wrong"),
        Some("Token lkr_demo"),
    ] {
        let mut req = client().get(&url);
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let (status, body) = parse(req.send().await.expect("request")).await;
        assert_eq!(status, 401, "{auth:?}");
        assert!(body["detail"].is_string(), "{body}");
    }
    let (status, body) = linkr_fetch(&sim, "not-a-task").await;
    assert_eq!(status, 404);
    assert_eq!(
        body["detail"],
        "Task not found or does not belong to your hold"
    );
    let log = sim.requests();
    assert_eq!(log.len(), 5);
    assert_eq!(log.iter().filter(|r| r.auth_ok).count(), 1);
    assert!(log
        .iter()
        .all(|r| r.path == "/linkr/api/v1/fetch/not-a-task"));
    assert_eq!(log[0].status, Some(401));
    assert_eq!(log[4].status, Some(404));
}

#[tokio::test]
async fn journey_auth_is_raw_key_and_401_is_empty_object() {
    let sim = start(FAST).await;
    let url = format!("{}/account", sim.journey_base_url());
    for auth in [None, Some("Bearer japi_demo"), Some("japi_wrong")] {
        let mut req = client().get(&url);
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let (status, body) = parse(req.send().await.expect("request")).await;
        assert_eq!(status, 401, "{auth:?}");
        assert_eq!(body, json!({}));
    }
    let resp = client()
        .get(&url)
        .header("Authorization", "japi_demo")
        .send()
        .await
        .expect("request");
    let (status, body) = parse(resp).await;
    assert_eq!(status, 200);
    assert_eq!(body["credits"], 12000);
    assert!(body["email"].is_string() && body["plan"].is_string());
    assert!(body["total_images"].is_number());
}

#[tokio::test]
async fn custom_keys_are_the_only_ones_accepted() {
    let sim = Simulator::start(SimulatorConfig {
        linkr_key: "lkr_k".into(),
        journey_key: "japi_k".into(),
        speed: FAST,
        ..SimulatorConfig::default()
    })
    .await
    .expect("starts");
    let (status, _) = linkr_fetch(&sim, "x").await;
    assert_eq!(status, 401, "the default key is not accepted");
    let resp = client()
        .get(format!("{}/v1/fetch/x", sim.linkr_base_url()))
        .header("Authorization", "Bearer lkr_k")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 404);
    let resp = client()
        .get(format!("{}/account", sim.journey_base_url()))
        .header("Authorization", "japi_k")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200);
}

// ---------------------------------------------------------------- progressions

#[tokio::test]
async fn linkr_imagine_runs_through_the_real_statuses() {
    let sim = start(1.0).await;
    let id = linkr_imagine(&sim, "a lighthouse at dawn").await;
    let (_, first) = linkr_fetch(&sim, &id).await;
    assert_eq!(first["status"], "queued");
    assert_eq!(first["progress"], 0);
    assert!(first["image_url"].is_null() && first["components"].is_null());
    assert!(first["message_id"].is_null());
    sim.set_speed(FAST);
    let (seen, done) = wait_linkr(&sim, &id, final_linkr).await;
    let statuses: Vec<&str> = seen.iter().filter_map(|v| v["status"].as_str()).collect();
    assert_in_order(
        &statuses,
        &[
            "queued",
            "pending",
            "sending",
            "starting",
            "processing",
            "uploading",
            "completed",
        ],
    );
    let mut last = 0;
    for v in &seen {
        let p = v["progress"].as_u64().expect("progress is a JSON number");
        assert!(p >= last && p <= 100);
        last = p;
    }
    assert_eq!(done["status"], "completed");
    assert_eq!(done["progress"], 100);
    assert_eq!(done["action"], "imagine");
    assert_eq!(done["task_id"], id.as_str());
    assert_eq!(done["prompt"], "a lighthouse at dawn");
    assert!(done["message_id"].is_string());
    assert!(done["error"].is_null());
    let created = done["created_at"].as_str().expect("created_at");
    assert!(
        chrono::NaiveDateTime::parse_from_str(created, "%Y-%m-%dT%H:%M:%S%.f").is_ok(),
        "{created}"
    );
    assert!(!created.ends_with('Z') && !created.contains('+'));
    let grid = done["image_url"].as_str().expect("image_url");
    assert!(grid.starts_with(&format!("http://{}/cdn/", sim.addr())));
    // The documented shape: exactly the documented fields, no observed-only extras.
    let mut keys: Vec<&str> = done
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "action",
            "components",
            "created_at",
            "error",
            "image_url",
            "message_id",
            "progress",
            "prompt",
            "status",
            "task_id"
        ]
    );
    let mut first_keys: Vec<&str> = first
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    first_keys.sort_unstable();
    assert_eq!(first_keys, keys, "the same fields while running");
    let comps = done["components"].as_array().expect("components");
    assert_eq!(comps.len(), 9);
    let labels: Vec<&str> = comps.iter().filter_map(|c| c["label"].as_str()).collect();
    assert_eq!(
        labels,
        ["U1", "U2", "U3", "U4", "🔄", "V1", "V2", "V3", "V4"]
    );
    assert!(comps.iter().all(|c| c.get("emoji").is_none()));
    let hash = comps[0]["custom_id"]
        .as_str()
        .and_then(|c| c.strip_prefix("MJ::JOB::upsample::1::"))
        .expect("upsample custom_id");
    assert_eq!(
        comps[4],
        json!({"custom_id": format!("MJ::JOB::reroll::0::{hash}::SOLO"), "label": "🔄", "style": 2})
    );
    assert_eq!(
        comps[8]["custom_id"],
        format!("MJ::JOB::variation::4::{hash}")
    );
}

#[tokio::test]
async fn journey_imagine_runs_through_the_real_statuses() {
    let sim = start(1.0).await;
    let id = journey_imagine(&sim, json!({ "prompt": "a koi pond" })).await;
    let (_, first) = journey_fetch(&sim, &id).await;
    assert_eq!(first["status"], "staged");
    assert_eq!(first["percentage"], "0");
    assert_eq!(first["task_type"], "imagine");
    assert_eq!(first["model"], "midjourney");
    sim.set_speed(FAST);
    let (seen, done) = wait_journey(&sim, &id, final_journey).await;
    let statuses: Vec<&str> = seen.iter().filter_map(|v| v["status"].as_str()).collect();
    assert_in_order(
        &statuses,
        &["staged", "pending", "starting", "processing", "finished"],
    );
    let mut last = 0;
    for v in &seen {
        let p: u64 = v["percentage"]
            .as_str()
            .expect("percentage is a string")
            .parse()
            .expect("numeric string");
        assert!(p >= last && p <= 100);
        last = p;
    }
    assert_eq!(done["percentage"], "100");
    assert!(done["original_image_url"].is_string());
    assert_eq!(done["image_urls"].as_array().map(Vec::len), Some(4));
    assert!(done.get("image_url").is_none());
}

#[tokio::test]
async fn speed_can_be_changed_through_the_control_endpoint() {
    let sim = start(1.0).await;
    let url = format!("{}/_control/speed", sim.base_url());
    let (status, body) = parse(
        client()
            .post(&url)
            .json(&json!({ "speed": 500 }))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["speed"], 500.0);
    assert_eq!(sim.speed(), 500.0);
    linkr_done(&sim, "fast now").await;
    let (status, _) = parse(
        client()
            .post(&url)
            .json(&json!({ "fast": true }))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(status, 400);
}

// ---------------------------------------------------------------- linkr actions

#[tokio::test]
async fn linkr_action_rules() {
    let sim = start(FAST).await;
    let (status, body) = linkr_post(
        &sim,
        "/v1/action",
        json!({ "task_id": "nope", "action": "upsample1" }),
    )
    .await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (404, Some("Original task not found"))
    );

    sim.set_speed(1.0);
    let running = linkr_imagine(&sim, "still running").await;
    let (status, body) = linkr_post(
        &sim,
        "/v1/action",
        json!({ "task_id": running, "action": "upsample1" }),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["detail"],
        "Invalid action or original task has no components"
    );
    sim.set_speed(FAST);

    let grid = linkr_done(&sim, "a paper boat").await;
    let gid = grid["task_id"].as_str().expect("id");
    let (status, body) = linkr_post(
        &sim,
        "/v1/action",
        json!({ "task_id": gid, "action": "U1" }),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["detail"], "Action not found in task components");

    // Symbolic name.
    let (status, body) = linkr_post(
        &sim,
        "/v1/action",
        json!({ "task_id": gid, "action": "upsample2" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "SUCCESS");
    assert_eq!(body["message"], "Action submitted successfully");
    let up_id = body["task_id"].as_str().expect("id").to_string();
    let (_, up) = wait_linkr(&sim, &up_id, final_linkr).await;
    assert_eq!(up["status"], "completed");
    assert_eq!(up["action"], "upsample2");
    assert!(up.get("images").is_none());
    let comps = up["components"].as_array().expect("components");
    let find = |prefix: &str| -> String {
        comps
            .iter()
            .filter_map(|c| c["custom_id"].as_str())
            .find(|c| c.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix}"))
            .to_string()
    };
    for (prefix, label) in [
        ("MJ::JOB::upsample_v7_2x_subtle::1::", "Upscale (Subtle)"),
        (
            "MJ::JOB::upsample_v7_2x_creative::1::",
            "Upscale (Creative)",
        ),
        ("MJ::JOB::low_variation::1::", "Vary (Subtle)"),
        ("MJ::JOB::high_variation::1::", "Vary (Strong)"),
        ("MJ::Outpaint::50::1::", "Zoom Out 2x"),
        ("MJ::Outpaint::75::1::", "Zoom Out 1.5x"),
        ("MJ::Inpaint::1::", "Vary (Region)"),
        ("MJ::CustomZoom::", "Custom Zoom"),
    ] {
        let id = find(prefix);
        let c = comps
            .iter()
            .find(|c| c["custom_id"] == id.as_str())
            .expect("comp");
        assert_eq!(c["label"], label);
    }
    let left = find("MJ::JOB::pan_left::1::");
    assert!(left.ends_with("::SOLO"));
    let link = comps.iter().find(|c| c["style"] == 5).expect("link button");
    assert!(link.get("custom_id").is_none() && link["url"].is_string());

    // Modal buttons cannot be sent as plain actions.
    for id in [find("MJ::Inpaint::"), find("MJ::CustomZoom::")] {
        let (status, _) = linkr_post(
            &sim,
            "/v1/action",
            json!({ "task_id": up_id, "action": id }),
        )
        .await;
        assert_eq!(status, 400);
    }
    // Symbolic grid actions are not on an upscale.
    let (status, _) = linkr_post(
        &sim,
        "/v1/action",
        json!({ "task_id": up_id, "action": "upsample1" }),
    )
    .await;
    assert_eq!(status, 400);

    // SOLO actions: results have the right shape and action names.
    for (prefix, action, grid_result) in [
        ("MJ::JOB::upsample_v7_2x_subtle::", "upscale_subtle", false),
        (
            "MJ::JOB::upsample_v7_2x_creative::",
            "upscale_creative",
            false,
        ),
        ("MJ::JOB::high_variation::", "high_variation", true),
        ("MJ::JOB::low_variation::", "low_variation", true),
        ("MJ::Outpaint::50::", "outpaint_50", true),
        ("MJ::Outpaint::75::", "outpaint_75", true),
        ("MJ::JOB::pan_left::", "pan_left", true),
        ("MJ::JOB::pan_down::", "pan_down", true),
    ] {
        let (status, body) = linkr_post(
            &sim,
            "/v1/action",
            json!({ "task_id": up_id, "action": find(prefix) }),
        )
        .await;
        assert_eq!(status, 200, "{prefix}: {body}");
        let id = body["task_id"].as_str().expect("id").to_string();
        let (_, done) = wait_linkr(&sim, &id, final_linkr).await;
        assert_eq!(done["status"], "completed");
        assert_eq!(done["action"], action);
        let n = done["components"].as_array().map(Vec::len).unwrap_or(0);
        if grid_result {
            assert_eq!(n, 9, "{action} gives a grid");
            assert!(done["image_url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/grid.png")));
            assert!(done.get("images").is_none(), "documented shape: no images");
        } else {
            assert!(done.get("images").is_none(), "{action} gives one image");
            assert!(n > 0);
        }
    }

    // Reroll and variation by custom_id.
    let comps = grid["components"].as_array().expect("components");
    for (idx, action) in [(4usize, "reroll"), (6, "variation2")] {
        let cid = comps[idx]["custom_id"].as_str().expect("custom_id");
        let (status, body) =
            linkr_post(&sim, "/v1/action", json!({ "task_id": gid, "action": cid })).await;
        assert_eq!(status, 200);
        let id = body["task_id"].as_str().expect("id").to_string();
        let (_, done) = wait_linkr(&sim, &id, final_linkr).await;
        assert_eq!(done["action"], action);
    }
}

#[tokio::test]
async fn linkr_bad_bodies() {
    let sim = start(FAST).await;
    let (status, body) = linkr_post(&sim, "/v1/imagine", json!({ "prompt": "  " })).await;
    assert_eq!(status, 400);
    assert!(body["detail"].is_string());
    let (status, body) = linkr_post(&sim, "/v1/imagine", json!({})).await;
    assert_eq!(status, 422);
    assert!(body["detail"].is_array());
    let resp = client()
        .post(format!("{}/v1/imagine", sim.linkr_base_url()))
        .header("Authorization", "Bearer lkr_demo")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 422);
}

// ---------------------------------------------------------------- journey follow-ups

#[tokio::test]
async fn journey_follow_up_rules() {
    let sim = start(FAST).await;
    let grid = journey_done(&sim, "a glass city").await;
    let gid = grid["task_id"].as_str().expect("id").to_string();

    let bad = [
        (
            "/upscale-1x",
            json!({ "parent_task_id": gid, "index": "5" }),
        ),
        ("/upscale-1x", json!({ "parent_task_id": gid, "index": 1 })),
        ("/upscale-1x", json!({ "index": "1" })),
        (
            "/upscale-alt",
            json!({ "parent_task_id": gid, "type": "subtle" }),
        ),
        (
            "/variations",
            json!({ "parent_task_id": gid, "index": "strong" }),
        ),
        (
            "/pan",
            json!({ "parent_task_id": gid, "direction": "left" }),
        ),
        (
            "/outpaint",
            json!({ "parent_task_id": gid, "zoom_ratio": 2 }),
        ),
        (
            "/upscale-2x-4x",
            json!({ "parent_task_id": gid, "type": "2x" }),
        ),
        (
            "/upscale-2x-4x",
            json!({ "parent_task_id": gid, "type": "8x", "index": "1" }),
        ),
    ];
    for (path, body) in bad {
        let (status, resp) = journey_post(&sim, path, body.clone()).await;
        assert_eq!(status, 400, "{path} {body}: {resp}");
        assert!(resp["errors"][0]["msg"].is_string(), "{resp}");
    }
    let (status, _) = journey_post(
        &sim,
        "/upscale-1x",
        json!({ "parent_task_id": "nope", "index": "1" }),
    )
    .await;
    assert_eq!(status, 404);

    // upscale-1x from the grid.
    let (status, body) = journey_post(
        &sim,
        "/upscale-1x",
        json!({ "parent_task_id": gid, "index": "3" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(1),
        "only task_id: {body}"
    );
    let uid = body["task_id"].as_str().expect("id").to_string();
    let up = journey_settle(&sim, &uid).await;
    assert_eq!(up["task_type"], "upscale-1x");
    assert!(up["image_url"].is_string());
    assert!(up.get("image_urls").is_none());

    // reroll needs an imagine parent.
    let (status, _) = journey_post(&sim, "/reroll", json!({ "parent_task_id": uid })).await;
    assert_eq!(status, 400);
    // upscale-1x needs a grid parent.
    let (status, _) = journey_post(
        &sim,
        "/upscale-1x",
        json!({ "parent_task_id": uid, "index": "1" }),
    )
    .await;
    assert_eq!(status, 400);
    // variations by index need a grid.
    let (status, _) = journey_post(
        &sim,
        "/variations",
        json!({ "parent_task_id": uid, "index": "1" }),
    )
    .await;
    assert_eq!(status, 400);

    let good = [
        (
            "/upscale-alt",
            json!({ "parent_task_id": uid, "type": "subtle" }),
            "upscale-subtle",
            false,
        ),
        (
            "/upscale-alt",
            json!({ "parent_task_id": uid, "type": "creative" }),
            "upscale-creative",
            false,
        ),
        (
            "/upscale-2x-4x",
            json!({ "parent_task_id": uid, "type": "2x" }),
            "upscale-2x",
            false,
        ),
        (
            "/upscale-2x-4x",
            json!({ "parent_task_id": gid, "type": "4x", "index": "2" }),
            "upscale-4x",
            false,
        ),
        (
            "/variations",
            json!({ "parent_task_id": uid, "index": "strong" }),
            "variation-strong",
            true,
        ),
        (
            "/variations",
            json!({ "parent_task_id": uid, "index": "subtle" }),
            "variation-subtle",
            true,
        ),
        (
            "/variations",
            json!({ "parent_task_id": gid, "index": "4" }),
            "variation-4",
            true,
        ),
        (
            "/pan",
            json!({ "parent_task_id": uid, "direction": "left" }),
            "pan-left",
            true,
        ),
        (
            "/outpaint",
            json!({ "parent_task_id": uid, "zoom_ratio": 1.5 }),
            "outpaint",
            true,
        ),
        ("/reroll", json!({ "parent_task_id": gid }), "reroll", true),
        (
            "/reroll",
            json!({ "parent_task_id": gid, "prompt": "a glass village" }),
            "reroll",
            true,
        ),
    ];
    for (path, body, task_type, grid_result) in good {
        let id = journey_submit(&sim, path, body.clone()).await;
        let done = journey_settle(&sim, &id).await;
        assert_eq!(done["status"], "finished", "{path} {body}");
        assert_eq!(done["task_type"], task_type);
        assert_eq!(done["image_urls"].is_array(), grid_result, "{done}");
        assert_eq!(done["image_url"].is_string(), !grid_result, "{done}");
    }
}

#[tokio::test]
async fn journey_blend_and_describe() {
    let sim = start(FAST).await;
    let id = journey_submit(
        &sim,
        "/blend",
        json!({ "image_urls": ["https://a.example/1.png", "https://a.example/2.png"], "dimension": "landscape" }),
    )
    .await;
    let done = journey_settle(&sim, &id).await;
    assert_eq!(done["task_type"], "blend");
    assert_eq!(done["image_urls"].as_array().map(Vec::len), Some(4));
    let (status, _) = journey_post(
        &sim,
        "/blend",
        json!({ "image_urls": ["https://a.example/1.png"] }),
    )
    .await;
    assert_eq!(status, 400);
    let id = journey_submit(
        &sim,
        "/describe",
        json!({ "image_url": "https://a.example/1.png" }),
    )
    .await;
    let done = journey_settle(&sim, &id).await;
    assert_eq!(done["content"].as_array().map(Vec::len), Some(4));
}

// ---------------------------------------------------------------- fetch-many, 404s, credits

#[tokio::test]
async fn fetch_many_accepts_2_to_20_ids() {
    let sim = start(FAST).await;
    let a = journey_imagine(&sim, json!({ "prompt": "one" })).await;
    let b = journey_imagine(&sim, json!({ "prompt": "two" })).await;
    for n in [0usize, 1, 21] {
        let ids: Vec<String> = (0..n).map(|i| format!("id-{i}")).collect();
        let (status, body) = journey_post(&sim, "/fetch-many", json!({ "task_ids": ids })).await;
        assert_eq!(status, 400, "{n} ids");
        assert!(body["errors"][0]["msg"].is_string());
    }
    let (status, body) =
        journey_post(&sim, "/fetch-many", json!({ "task_ids": [a, "unknown"] })).await;
    assert_eq!(status, 200);
    let tasks = body["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 1, "unknown ids are left out");
    assert_eq!(tasks[0]["task_id"], a.as_str());
    let mut ids: Vec<String> = (0..18).map(|i| format!("x{i}")).collect();
    ids.push(a.clone());
    ids.push(b.clone());
    let (status, body) = journey_post(&sim, "/fetch-many", json!({ "task_ids": ids })).await;
    assert_eq!(status, 200);
    assert_eq!(body["tasks"].as_array().map(Vec::len), Some(2));
    let batches = sim
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/fetch-many"))
        .count();
    assert_eq!(batches, 5);
    let last = sim.requests().pop().expect("logged");
    assert_eq!(
        last.body
            .as_ref()
            .and_then(|b| b["task_ids"].as_array().map(Vec::len)),
        Some(20)
    );
}

#[tokio::test]
async fn unknown_tasks_are_404() {
    let sim = start(FAST).await;
    let (status, body) = journey_fetch(&sim, "nope").await;
    assert_eq!(status, 404);
    assert!(body["errors"][0]["msg"].is_string());
    // A Journey task is not visible through Linkr, and the other way round.
    let jid = journey_imagine(&sim, json!({ "prompt": "x" })).await;
    assert_eq!(linkr_fetch(&sim, &jid).await.0, 404);
    let lid = linkr_imagine(&sim, "y").await;
    assert_eq!(journey_fetch(&sim, &lid).await.0, 404);
}

#[tokio::test]
async fn credits_go_down_as_work_is_done() {
    let sim = start(FAST).await;
    let account = |s: &Simulator| s.account().credits;
    assert_eq!(account(&sim), 12000);
    let grid = journey_done(&sim, "credits").await;
    assert_eq!(account(&sim), 11996, "imagine costs 4");
    let gid = grid["task_id"].as_str().expect("id");
    journey_submit(
        &sim,
        "/upscale-1x",
        json!({ "parent_task_id": gid, "index": "1" }),
    )
    .await;
    assert_eq!(account(&sim), 11994, "upscale-1x costs 2");
    journey_imagine(&sim, json!({ "prompt": "f", "model": "flux-schnell" })).await;
    assert_eq!(account(&sim), 11993, "flux-schnell costs 1");
    let resp = client()
        .get(format!("{}/account", sim.journey_base_url()))
        .header("Authorization", "japi_demo")
        .send()
        .await
        .expect("request");
    let (_, body) = parse(resp).await;
    assert_eq!(body["credits"], 11993);
    assert_eq!(body["total_images"], 6, "4 + 1 + 1 images");
    sim.set_credits(3);
    let (status, body) = journey_post(&sim, "/imagine", json!({ "prompt": "broke" })).await;
    assert_eq!(status, 402);
    assert!(body["errors"][0]["msg"].is_string());
}

#[tokio::test]
async fn other_models_finish_synchronously_and_bad_models_or_ratios_are_400() {
    let sim = start(1.0).await;
    let (status, body) = journey_post(
        &sim,
        "/imagine",
        json!({ "prompt": "a neon fox", "model": "flux-pro", "aspect_ratio": "16:9" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "finished");
    let url = body["image_url"].as_str().expect("image_url").to_string();
    let id = body["task_id"].as_str().expect("task_id").to_string();
    let (_, fetched) = journey_fetch(&sim, &id).await;
    assert_eq!(fetched["status"], "finished");
    assert_eq!(fetched["model"], "flux-pro");
    assert_eq!(fetched["image_url"], url.as_str());
    let img = get_png(&url).await;
    assert_eq!(img.dimensions(), (1024, 576));

    // Any model name is taken (the real service decides), and answers at once.
    for model in ["nano-banana", "seedream-4.5", "dalle-9"] {
        let (status, body) =
            journey_post(&sim, "/imagine", json!({ "prompt": "x", "model": model })).await;
        assert_eq!(status, 200, "{model}: {body}");
        assert_eq!(body["status"], "finished", "{model}");
        assert!(body["image_url"].is_string(), "{model}");
        let (_, fetched) = journey_fetch(&sim, body["task_id"].as_str().expect("id")).await;
        assert_eq!(fetched["model"], model);
        assert_eq!(fetched["status"], "finished");
    }
    // Edit models need an image_url.
    let (status, body) = journey_post(
        &sim,
        "/imagine",
        json!({ "prompt": "pink sky", "model": "flux-kontext-pro" }),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["msg"]
        .as_str()
        .is_some_and(|m| m.contains("image_url")));
    let (status, body) = journey_post(
        &sim,
        "/imagine",
        json!({ "prompt": "pink sky", "model": "seededit", "image_url": "https://a.example/1.png" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "finished");
    for bad in [json!(""), json!("  "), json!(5), json!("a\u{7}b")] {
        let (status, body) =
            journey_post(&sim, "/imagine", json!({ "prompt": "x", "model": bad })).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["errors"][0]["msg"].is_string());
    }
    let (status, _) = journey_post(
        &sim,
        "/imagine",
        json!({ "prompt": "x", "aspect_ratio": "5:4" }),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = journey_post(&sim, "/imagine", json!({ "model": "flux-dev" })).await;
    assert_eq!(status, 400);
    let resp = client()
        .post(format!("{}/imagine", sim.journey_base_url()))
        .header("Authorization", "japi_demo")
        .body("[1,2")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 400);
}

// ---------------------------------------------------------------- images

#[tokio::test]
async fn images_are_pngs_with_the_right_layout() {
    let sim = start(FAST).await;
    // The observed `images` list names the singles the grid is made of.
    sim.set_observed_extras(true);
    let done = linkr_done(&sim, "a hot air balloon --ar 16:9").await;
    let grid = get_png(done["image_url"].as_str().expect("grid")).await;
    assert_eq!(grid.dimensions(), (1024, 576));
    let urls: Vec<&str> = done["images"]
        .as_array()
        .expect("images")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut singles = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        let single = get_png(url).await;
        assert_eq!(single.dimensions(), (512, 288));
        let (ox, oy) = ((i as u32 % 2) * 512, (i as u32 / 2) * 288);
        let crop = image::imageops::crop_imm(&grid, ox, oy, 512, 288).to_image();
        assert!(crop == single, "quadrant {i} is exactly single {i}");
        singles.push(single);
    }
    for i in 0..4 {
        for j in i + 1..4 {
            assert!(singles[i] != singles[j], "quadrants {i} and {j} differ");
        }
    }
    // Same prompt, same pictures; another prompt, other pictures.
    let again = linkr_done(&sim, "a hot air balloon --ar 16:9").await;
    assert!(get_png(again["image_url"].as_str().expect("grid")).await == grid);
    let other = linkr_done(&sim, "a submarine --ar 16:9").await;
    assert!(get_png(other["image_url"].as_str().expect("grid")).await != grid);

    // Upscale: one larger image.
    let (_, body) = linkr_post(
        &sim,
        "/v1/action",
        json!({ "task_id": done["task_id"], "action": "upsample1" }),
    )
    .await;
    let uid = body["task_id"].as_str().expect("id").to_string();
    let (_, up) = wait_linkr(&sim, &uid, final_linkr).await;
    let big = get_png(up["image_url"].as_str().expect("image_url")).await;
    assert_eq!(big.dimensions(), (1024, 576));

    // Journey aspect_ratio shapes the images.
    let id = journey_imagine(&sim, json!({ "prompt": "tall", "aspect_ratio": "9:16" })).await;
    let j = journey_settle(&sim, &id).await;
    let jgrid = get_png(j["original_image_url"].as_str().expect("grid")).await;
    assert_eq!(jgrid.dimensions(), (576, 1024));

    // Unknown files and unfinished tasks are 404.
    let bad = format!("{}/cdn/{}/9.png", sim.base_url(), uid);
    assert_eq!(
        client()
            .get(&bad)
            .send()
            .await
            .expect("req")
            .status()
            .as_u16(),
        404
    );
    sim.set_speed(1.0);
    let running = linkr_imagine(&sim, "not yet").await;
    let early = format!("{}/cdn/{running}/grid.png", sim.base_url());
    assert_eq!(
        client()
            .get(&early)
            .send()
            .await
            .expect("req")
            .status()
            .as_u16(),
        404
    );
    // CDN requests are not in the API request log.
    assert!(sim.requests().iter().all(|r| !r.path.starts_with("/cdn")));
}

#[tokio::test]
async fn no_images_marker_leaves_images_out() {
    let sim = Simulator::start(SimulatorConfig {
        speed: FAST,
        observed_extras: true,
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator starts");
    let done = linkr_done(&sim, "a tram [[no-images]]").await;
    assert!(done.get("images").is_none());
    assert!(done["grid_url"].is_string());
    let grid = get_png(done["image_url"].as_str().expect("grid")).await;
    assert_eq!(grid.dimensions(), (1024, 1024));
}

#[tokio::test]
async fn linkr_observed_extras_are_a_variant_turned_on_explicitly() {
    let sim = start(FAST).await;
    assert!(!sim.observed_extras());
    let grid = linkr_done(&sim, "a windmill").await;
    let gid = grid["task_id"].as_str().expect("id").to_string();
    for key in [
        "images",
        "grid_url",
        "cdn_url",
        "mode",
        "reference_image",
        "webhook_url",
    ] {
        assert!(grid.get(key).is_none(), "{key} is not documented");
    }
    let (_, body) = linkr_post(
        &sim,
        "/v1/action",
        json!({ "task_id": gid, "action": "upsample1" }),
    )
    .await;
    let uid = body["task_id"].as_str().expect("id").to_string();
    let (_, up) = wait_linkr(&sim, &uid, final_linkr).await;
    let pans: Vec<&Value> = up["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter(|c| {
            c["custom_id"]
                .as_str()
                .is_some_and(|id| id.contains("::pan_"))
        })
        .collect();
    let labels: Vec<&str> = pans.iter().filter_map(|c| c["label"].as_str()).collect();
    assert_eq!(labels, ["⬅️", "➡️", "⬆️", "⬇️"]);
    assert!(up.get("cdn_url").is_none());

    // Turned on: the same tasks come back with the observed extras.
    sim.set_observed_extras(true);
    let (_, grid) = linkr_fetch(&sim, &gid).await;
    let image = grid["image_url"].as_str().expect("image_url");
    assert_eq!(grid["grid_url"], image);
    assert_eq!(grid["cdn_url"], image);
    let singles = grid["images"].as_array().expect("images");
    assert_eq!(singles.len(), 4);
    assert!(singles[0].as_str().is_some_and(|u| u.ends_with("/0.png")));
    let reroll = &grid["components"][4];
    assert_eq!(reroll["label"], "");
    assert_eq!(reroll["emoji"], "🔄");
    let (_, up) = linkr_fetch(&sim, &uid).await;
    assert_eq!(up["cdn_url"], up["image_url"]);
    assert!(up.get("images").is_none());
    let pan = up["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| {
            c["custom_id"]
                .as_str()
                .is_some_and(|id| id.contains("::pan_left::"))
        })
        .expect("pan left")
        .clone();
    assert_eq!(
        (pan["label"].as_str(), pan["emoji"].as_str()),
        (Some(""), Some("⬅️"))
    );
    sim.set_observed_extras(false);
    let (_, grid) = linkr_fetch(&sim, &gid).await;
    assert!(grid.get("images").is_none());
}

// ---------------------------------------------------------------- faults

/// The outcome of one request, for comparing fault behaviour.
#[derive(Debug)]
enum Outcome {
    Status(u16, Option<String>, Value),
    Malformed(String),
    Html,
    Oversized(u64),
    Reset,
    Timeout,
}

async fn outcome(req: reqwest::RequestBuilder) -> Outcome {
    let resp = match req.timeout(Duration::from_secs(2)).send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => return Outcome::Timeout,
        Err(_) => return Outcome::Reset,
    };
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if ctype.starts_with("text/html") {
        return Outcome::Html;
    }
    let mut resp = resp;
    let mut total = 0u64;
    let mut head = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                total += chunk.len() as u64;
                if head.len() < 4096 {
                    head.extend_from_slice(&chunk[..chunk.len().min(4096)]);
                }
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => return Outcome::Timeout,
            Err(_) => return Outcome::Reset,
        }
    }
    if total > 1024 * 1024 {
        return Outcome::Oversized(total);
    }
    match serde_json::from_slice::<Value>(&head) {
        Ok(v) => Outcome::Status(status, retry, v),
        Err(_) => Outcome::Malformed(String::from_utf8_lossy(&head).into_owned()),
    }
}

fn linkr_imagine_req(sim: &Simulator, prompt: &str) -> reqwest::RequestBuilder {
    client()
        .post(format!("{}/v1/imagine", sim.linkr_base_url()))
        .header("Authorization", "Bearer lkr_demo")
        .json(&json!({ "prompt": prompt }))
}

fn journey_imagine_req(sim: &Simulator, prompt: &str) -> reqwest::RequestBuilder {
    client()
        .post(format!("{}/imagine", sim.journey_base_url()))
        .header("Authorization", "japi_demo")
        .json(&json!({ "prompt": prompt }))
}

/// Checks the transport-level outcome of `marker` (a fault name) on both providers.
fn check_transport(name: &str, o: &Outcome, linkr: bool) {
    match (name, o) {
        ("401", Outcome::Status(401, _, v)) => {
            if linkr {
                assert!(v["detail"].is_string());
            } else {
                assert_eq!(v, &json!({}));
            }
        }
        ("403", Outcome::Status(403, _, v)) => {
            if linkr {
                assert_eq!(v["detail"], "Hold account is suspended");
            }
        }
        ("400", Outcome::Status(400, _, v)) | ("404", Outcome::Status(404, _, v)) => {
            let msg = if linkr {
                v["detail"].as_str()
            } else {
                v["errors"][0]["msg"].as_str()
            };
            assert!(msg.is_some_and(|m| !m.is_empty()), "{v}");
        }
        ("discord", Outcome::Status(502, _, v)) => {
            let msg = if linkr {
                v["detail"].as_str()
            } else {
                v["errors"][0]["msg"].as_str()
            };
            assert_eq!(msg, Some("Failed to connect to Discord"), "{v}");
        }
        ("429:7", Outcome::Status(429, Some(r), _)) => assert_eq!(r, "7"),
        ("429:none", Outcome::Status(429, None, _)) => {}
        ("500", Outcome::Status(500, _, _))
        | ("502", Outcome::Status(502, _, _))
        | ("503", Outcome::Status(503, _, _)) => {}
        ("reset", Outcome::Reset) => {}
        ("hang", Outcome::Timeout) | ("hang_body", Outcome::Timeout) => {}
        ("malformed", Outcome::Malformed(body)) => assert!(body.starts_with('{'), "{body}"),
        ("oversized", Outcome::Oversized(n)) => assert_eq!(*n, 50 * 1024 * 1024),
        ("oversized:2000000", Outcome::Oversized(n)) => assert_eq!(*n, 2_000_000),
        ("wrong_content_type", Outcome::Html) => {}
        ("content_policy", Outcome::Status(400, _, v)) => {
            let msg = if linkr {
                v["detail"].as_str()
            } else {
                v["errors"][0]["msg"].as_str()
            };
            assert!(msg.unwrap_or("").contains("Banned"), "{v}");
        }
        _ => panic!("{name}: unexpected outcome {o:?}"),
    }
}

const TRANSPORT: [&str; 17] = [
    "400",
    "404",
    "401",
    "403",
    "discord",
    "429:7",
    "429:none",
    "500",
    "502",
    "503",
    "reset",
    "hang",
    "hang_body",
    "malformed",
    "oversized:2000000",
    "wrong_content_type",
    "content_policy",
];

#[tokio::test]
async fn transport_faults_by_prompt_marker() {
    let sim = start(FAST).await;
    for name in TRANSPORT {
        let prompt = format!("a fault test [[fault:{name}]]");
        let o = outcome(linkr_imagine_req(&sim, &prompt)).await;
        check_transport(name, &o, true);
        let o = outcome(journey_imagine_req(&sim, &prompt)).await;
        check_transport(name, &o, false);
    }
    // A counted marker fires once per prompt; the retry succeeds.
    let prompt = "counted [[fault:503*1]]";
    check_transport("503", &outcome(linkr_imagine_req(&sim, prompt)).await, true);
    assert!(matches!(
        outcome(linkr_imagine_req(&sim, prompt)).await,
        Outcome::Status(200, _, _)
    ));
    // Hung requests never got a status in the log.
    assert!(sim.requests().iter().any(|r| r.status.is_none()));
}

#[tokio::test]
async fn oversized_default_is_50_mib() {
    let sim = start(FAST).await;
    let o = outcome(linkr_imagine_req(&sim, "big [[fault:oversized]]")).await;
    check_transport("oversized", &o, true);
}

fn rule_json(name: &str) -> Value {
    match name {
        "401" => json!({ "kind": "unauthorized" }),
        "403" => json!({ "kind": "forbidden" }),
        "discord" => json!({ "kind": "discord_unreachable" }),
        "400" => json!({ "kind": "client_error" }),
        "404" => json!({ "kind": "client_error", "status": 404 }),
        "429:7" => json!({ "kind": "rate_limited", "retry_after_secs": 7 }),
        "429:none" => json!({ "kind": "rate_limited" }),
        "500" => json!({ "kind": "server_error", "status": 500 }),
        "502" => json!({ "kind": "server_error", "status": 502 }),
        "503" => json!({ "kind": "server_error", "status": 503 }),
        "reset" => json!({ "kind": "connection_reset" }),
        "hang" => json!({ "kind": "hang" }),
        "hang_body" => json!({ "kind": "hang_body" }),
        "malformed" => json!({ "kind": "malformed_json" }),
        "oversized:2000000" => json!({ "kind": "oversized", "bytes": 2_000_000 }),
        "wrong_content_type" => json!({ "kind": "wrong_content_type" }),
        "content_policy" => json!({ "kind": "content_policy" }),
        other => panic!("no rule for {other}"),
    }
}

#[tokio::test]
async fn transport_faults_by_control_endpoint_hit_the_next_matching_request_only() {
    let sim = start(FAST).await;
    let control = format!("{}/_control/faults", sim.base_url());
    for name in TRANSPORT {
        for linkr in [true, false] {
            let mut rule = rule_json(name);
            rule["provider"] = json!(if linkr { "linkr" } else { "journey" });
            rule["phase"] = json!("submit");
            rule["times"] = json!(1);
            let resp = client()
                .post(&control)
                .json(&rule)
                .send()
                .await
                .expect("control");
            assert_eq!(resp.status().as_u16(), 200, "{rule}");
            // A poll on the same provider is not a submit: not hit.
            if linkr {
                assert_eq!(linkr_fetch(&sim, "nope").await.0, 404);
            } else {
                assert_eq!(journey_fetch(&sim, "nope").await.0, 404);
            }
            let req = if linkr {
                linkr_imagine_req(&sim, "plain")
            } else {
                journey_imagine_req(&sim, "plain")
            };
            check_transport(name, &outcome(req).await, linkr);
            let req = if linkr {
                linkr_imagine_req(&sim, "plain")
            } else {
                journey_imagine_req(&sim, "plain")
            };
            assert!(
                matches!(outcome(req).await, Outcome::Status(200, _, _)),
                "{name}: only one request is hit"
            );
        }
    }
    // Bad rules are rejected; DELETE clears; GET lists.
    let resp = client()
        .post(&control)
        .json(&json!({ "kind": "meteor" }))
        .send()
        .await
        .expect("control");
    assert_eq!(resp.status().as_u16(), 400);
    let rules = json!([{ "kind": "forbidden" }, { "kind": "hang", "phase": "poll" }]);
    client()
        .post(&control)
        .json(&rules)
        .send()
        .await
        .expect("control");
    assert_eq!(sim.faults().len(), 2);
    let (_, listed) = parse(client().get(&control).send().await.expect("control")).await;
    assert_eq!(listed["rules"].as_array().map(Vec::len), Some(2));
    client().delete(&control).send().await.expect("control");
    assert!(sim.faults().is_empty());
}

#[tokio::test]
async fn poll_phase_faults_and_any_provider_rules() {
    let sim = start(FAST).await;
    let lid = linkr_imagine(&sim, "poll faults").await;
    let jid = journey_imagine(&sim, json!({ "prompt": "poll faults" })).await;
    sim.inject(
        FaultRule::new(FaultKind::ServerError { status: 502 })
            .phase(Phase::Poll)
            .times(2),
    );
    assert_eq!(linkr_fetch(&sim, &lid).await.0, 502);
    assert_eq!(journey_fetch(&sim, &jid).await.0, 502);
    assert_eq!(linkr_fetch(&sim, &lid).await.0, 200);
    // Marker on fetches: first fetch of the task is a 503, then fine.
    let id = linkr_imagine(&sim, "flaky [[fault:503@poll*1]]").await;
    assert_eq!(linkr_fetch(&sim, &id).await.0, 503);
    assert_eq!(linkr_fetch(&sim, &id).await.0, 200);
    // Journey fetch-many with a task whose fetches hit a marker.
    let id2 = journey_imagine(&sim, json!({ "prompt": "flaky [[fault:429:1@poll*1]]" })).await;
    let (status, _) = journey_post(&sim, "/fetch-many", json!({ "task_ids": [jid, id2] })).await;
    assert_eq!(status, 429);
    let (status, _) = journey_post(&sim, "/fetch-many", json!({ "task_ids": [jid, id2] })).await;
    assert_eq!(status, 200);
    // Account requests are hit by phase-any rules.
    sim.inject(
        FaultRule::new(FaultKind::Forbidden)
            .provider(Target::Journey)
            .times(1),
    );
    let resp = client()
        .get(format!("{}/account", sim.journey_base_url()))
        .header("Authorization", "japi_demo")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 403);
}

#[tokio::test]
async fn task_faults_by_marker() {
    let sim = start(FAST).await;
    // Failure.
    let id = linkr_imagine(&sim, "doomed [[fault:failed]]").await;
    let (_, body) = wait_linkr(&sim, &id, final_linkr).await;
    assert_eq!(body["status"], "failed");
    assert!(body["error"].is_string());
    assert!(body["image_url"].is_null());
    let id = journey_imagine(&sim, json!({ "prompt": "doomed [[fault:failed]]" })).await;
    let body = journey_settle(&sim, &id).await;
    assert_eq!(body["status"], "failed");
    assert!(body["error"].is_string());
    assert!(
        body.get("percentage").is_none(),
        "documented: no percentage on a failed task: {body}"
    );

    // Policy failure while running.
    let id = linkr_imagine(&sim, "edgy [[fault:content_policy@poll]]").await;
    let (_, body) = wait_linkr(&sim, &id, final_linkr).await;
    assert_eq!(body["status"], "failed");
    assert!(body["error"].as_str().unwrap_or("").contains("Banned"));

    // Provider timeout: Linkr says `timeout`, Journey stays processing.
    let jid = journey_imagine(&sim, json!({ "prompt": "slow [[fault:timeout]]" })).await;
    let lid = linkr_imagine(&sim, "slow [[fault:timeout]]").await;
    let (_, body) = wait_linkr(&sim, &lid, final_linkr).await;
    assert_eq!(body["status"], "timeout");
    assert!(body["error"].is_string());
    let (_, body) = journey_fetch(&sim, &jid).await;
    assert_eq!(body["status"], "processing", "{body}");

    // "Thank you for subscribing": the first task with the marker fails with the notice,
    // the retry (and any later task with the marker) succeeds.
    let id = linkr_imagine(&sim, "hello [[thank-you]]").await;
    let (_, body) = wait_linkr(&sim, &id, final_linkr).await;
    assert_eq!(body["status"], "failed");
    let blob: Value =
        serde_json::from_str(body["error"].as_str().expect("error")).expect("error is JSON");
    assert_eq!(
        blob["embeds"][0]["title"],
        "Thank you for subscribing to Midjourney"
    );
    let id = linkr_imagine(&sim, "hello [[thank-you]]").await;
    let (_, body) = wait_linkr(&sim, &id, final_linkr).await;
    assert_eq!(body["status"], "completed");
    let id = linkr_imagine(&sim, "something else [[thank-you]]").await;
    let (_, body) = wait_linkr(&sim, &id, final_linkr).await;
    assert_eq!(body["status"], "completed", "the notice comes once");
}

#[tokio::test]
async fn task_faults_by_rule() {
    let sim = start(FAST).await;
    let control = format!("{}/_control/faults", sim.base_url());
    // Submit-phase failure rule via the control endpoint.
    client()
        .post(&control)
        .json(&json!({ "kind": "task_failed", "error": "GPU on fire", "phase": "submit", "times": 1 }))
        .send()
        .await
        .expect("control");
    let id = linkr_imagine(&sim, "rule failed").await;
    let (_, body) = wait_linkr(&sim, &id, final_linkr).await;
    assert_eq!(body["error"], "GPU on fire");
    linkr_done(&sim, "next one is fine").await;

    // Poll-phase timeout via the library: Linkr times out at once.
    sim.set_speed(1.0);
    let id = linkr_imagine(&sim, "rule timeout").await;
    sim.inject(
        FaultRule::new(FaultKind::ProviderTimeout)
            .provider(Target::Linkr)
            .phase(Phase::Poll)
            .times(1),
    );
    let (_, body) = linkr_fetch(&sim, &id).await;
    assert_eq!(body["status"], "timeout");

    // Poll-phase content policy on Journey.
    let jid = journey_imagine(&sim, json!({ "prompt": "rule policy" })).await;
    sim.inject(
        FaultRule::new(FaultKind::ContentPolicy { reason: None })
            .provider(Target::Journey)
            .phase(Phase::Poll)
            .times(1),
    );
    let (_, body) = journey_fetch(&sim, &jid).await;
    assert_eq!(body["status"], "failed");
    assert!(body["error"].as_str().unwrap_or("").contains("Banned"));

    // Subscription notice via rule.
    sim.set_speed(FAST);
    sim.inject(FaultRule::new(FaultKind::SubscriptionNotice).times(1));
    let id = linkr_imagine(&sim, "notice").await;
    let (_, body) = wait_linkr(&sim, &id, final_linkr).await;
    assert!(body["error"].as_str().unwrap_or("").contains("Thank you"));
}

// ---------------------------------------------------------------- log, lifecycle

#[tokio::test]
async fn request_log_through_control_endpoint() {
    let sim = start(FAST).await;
    linkr_imagine(&sim, "logged").await;
    let url = format!("{}/_control/requests", sim.base_url());
    let (_, body) = parse(client().get(&url).send().await.expect("req")).await;
    let reqs = body["requests"].as_array().expect("requests");
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0]["method"], "POST");
    assert_eq!(reqs[0]["path"], "/linkr/api/v1/imagine");
    assert_eq!(reqs[0]["status"], 200);
    assert_eq!(reqs[0]["auth_ok"], true);
    assert_eq!(reqs[0]["provider"], "linkr");
    assert!(
        !reqs[0].to_string().contains("lkr_demo"),
        "keys are never logged"
    );
    client().delete(&url).send().await.expect("req");
    assert!(sim.requests().is_empty());
    linkr_fetch(&sim, "x").await;
    sim.clear_requests();
    assert!(sim.requests().is_empty());
}

#[tokio::test]
async fn shutdown_does_not_wait_for_hung_requests() {
    let sim = start(FAST).await;
    let req = linkr_imagine_req(&sim, "stuck [[fault:hang]]");
    let hung = tokio::spawn(async move { req.send().await });
    let deadline = Instant::now() + WAIT;
    while sim.requests().is_empty() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let addr = sim.addr();
    let started = Instant::now();
    sim.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(hung.await.expect("join").is_err(), "the hung request fails");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_stops_the_server() {
    let sim = start(FAST).await;
    let addr = sim.addr();
    drop(sim);
    let deadline = Instant::now() + WAIT;
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(Instant::now() < deadline, "still listening");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn works_on_a_current_thread_runtime() {
    let sim = start(FAST).await;
    linkr_done(&sim, "single threaded").await;
    journey_done(&sim, "single threaded").await;
}

#[test]
fn works_inside_another_runtime_started_elsewhere() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = rt.block_on(start(FAST));
    let base = sim.linkr_base_url();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/linkr/api"));
    assert!(sim.journey_base_url().ends_with("/journey/api/v1"));
    // The server runs on `rt` while this thread does other things.
    let status = rt.block_on(async { linkr_fetch(&sim, "x").await.0 });
    assert_eq!(status, 404);
    rt.block_on(sim.shutdown());
}

#[tokio::test]
async fn fixed_port_and_unknown_paths() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
    let port = probe.local_addr().expect("addr").port();
    drop(probe);
    let sim = Simulator::start(SimulatorConfig {
        port,
        ..SimulatorConfig::default()
    })
    .await
    .expect("starts on a chosen port");
    assert_eq!(sim.addr().port(), port);
    let resp = client()
        .get(format!("{}/nothing/here", sim.base_url()))
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status().as_u16(), 404);
    let resp = client()
        .post(format!("{}/v1/nothing", sim.linkr_base_url()))
        .header("Authorization", "Bearer lkr_demo")
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status().as_u16(), 404);
}

/// The demo provider must never be reachable from the network: it binds loopback only.
#[tokio::test]
async fn library_entry_point_binds_loopback() {
    let sim = start(FAST).await;
    assert!(sim.addr().ip().is_loopback(), "bound to {}", sim.addr());
    assert!(sim.base_url().starts_with("http://127.0.0.1:"));
    sim.shutdown().await;
}

#[tokio::test]
async fn journey_parents_must_be_what_the_contract_says() {
    let sim = start(FAST).await;
    let grid = journey_done(&sim, "a stone bridge").await;
    let gid = grid["task_id"].as_str().expect("id").to_string();
    let done = |path: &'static str, body: Value| {
        let sim = &sim;
        async move {
            let id = journey_submit(sim, path, body).await;
            let done = journey_settle(sim, &id).await;
            assert_eq!(done["status"], "finished", "{done}");
            done["task_id"].as_str().expect("id").to_string()
        }
    };
    let up = done(
        "/upscale-1x",
        json!({ "parent_task_id": gid, "index": "2" }),
    )
    .await;
    let rerolled = done("/reroll", json!({ "parent_task_id": gid })).await;
    let varied = done(
        "/variations",
        json!({ "parent_task_id": gid, "index": "1" }),
    )
    .await;
    let strong = done(
        "/variations",
        json!({ "parent_task_id": up, "index": "strong" }),
    )
    .await;
    let panned = done("/pan", json!({ "parent_task_id": up, "direction": "up" })).await;
    let zoomed = done(
        "/outpaint",
        json!({ "parent_task_id": up, "zoom_ratio": 2 }),
    )
    .await;
    let blended = done(
        "/blend",
        json!({ "image_urls": ["https://a.example/1.png", "https://a.example/2.png"] }),
    )
    .await;

    // U and V (by index) take imagine, reroll, variation and blend grids...
    for parent in [&gid, &rerolled, &varied, &strong, &blended] {
        for path in ["/upscale-1x", "/variations"] {
            let (status, body) = journey_post(
                &sim,
                path,
                json!({ "parent_task_id": parent, "index": "1" }),
            )
            .await;
            assert_eq!(status, 200, "{path} on {parent}: {body}");
        }
    }
    // ...but not pan or zoom-out grids, nor single images.
    for parent in [&panned, &zoomed, &up] {
        for path in ["/upscale-1x", "/variations"] {
            let (status, body) = journey_post(
                &sim,
                path,
                json!({ "parent_task_id": parent, "index": "1" }),
            )
            .await;
            assert_eq!(status, 400, "{path} on {parent}: {body}");
            assert!(body["errors"][0]["msg"].is_string(), "{body}");
        }
    }
    // Reroll only an imagine.
    for parent in [&rerolled, &varied, &blended, &panned, &up] {
        let (status, _) = journey_post(&sim, "/reroll", json!({ "parent_task_id": parent })).await;
        assert_eq!(status, 400, "reroll of {parent}");
    }
    // Pan, zoom, upscale-alt and vary strong/subtle only an upscale-1x.
    for parent in [&gid, &panned, &zoomed, &strong, &blended] {
        for (path, body) in [
            (
                "/pan",
                json!({ "parent_task_id": parent, "direction": "left" }),
            ),
            (
                "/outpaint",
                json!({ "parent_task_id": parent, "zoom_ratio": 1.5 }),
            ),
            (
                "/upscale-alt",
                json!({ "parent_task_id": parent, "type": "creative" }),
            ),
            (
                "/variations",
                json!({ "parent_task_id": parent, "index": "subtle" }),
            ),
        ] {
            let (status, resp) = journey_post(&sim, path, body).await;
            assert_eq!(status, 400, "{path} on {parent}: {resp}");
        }
    }
    // An unknown parent is a 404.
    let (status, _) = journey_post(
        &sim,
        "/pan",
        json!({ "parent_task_id": "00000000-0000-4000-8000-000000000000", "direction": "left" }),
    )
    .await;
    assert_eq!(status, 404);
}
