//! The harness shared by the simulator's HTTP tests (`http.rs`, `modes.rs`): starting a
//! simulator, a client, JourneyAPI requests, polling a task until it settles and fetching files
//! from the CDN.
//!
//! Each test file takes it with `mod common;`. It needs no feature, so it compiles with and
//! without `test-hooks`.

// Every test binary compiles this module on its own and uses only part of it, so what one
// binary leaves unused is not dead code.
#![allow(dead_code)]

use std::future::Future;
use std::time::{Duration, Instant};

use atelier_simulator::{Simulator, SimulatorConfig};
use serde_json::{json, Value};

/// A speed at which tasks finish in a blink.
pub const FAST: f64 = 200.0;

/// How long a test waits for a task before it gives up.
pub const WAIT: Duration = Duration::from_secs(20);

/// Starts a simulator with the default configuration at `speed`.
pub async fn start(speed: f64) -> Simulator {
    Simulator::start(SimulatorConfig {
        speed,
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator starts")
}

/// An HTTP client with a 30-second timeout.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// The status and the body of a response: JSON where it parses, else the text as a JSON string.
pub async fn parse(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Posts `body` as JSON to `url` with the `Authorization` header `auth`.
pub async fn post_json(url: String, auth: &str, body: Value) -> (u16, Value) {
    let resp = client()
        .post(url)
        .header("Authorization", auth)
        .json(&body)
        .send()
        .await
        .expect("request");
    parse(resp).await
}

/// Posts `body` to the JourneyAPI `path` with the demo key.
pub async fn journey_post(sim: &Simulator, path: &str, body: Value) -> (u16, Value) {
    post_json(
        format!("{}{path}", sim.journey_base_url()),
        "japi_demo",
        body,
    )
    .await
}

/// Fetches the Journey task `id`.
pub async fn journey_fetch(sim: &Simulator, id: &str) -> (u16, Value) {
    journey_post(sim, "/fetch", json!({ "task_id": id })).await
}

/// Posts `body` to the JourneyAPI `path`, expects a 200 and returns the body.
pub async fn journey_accepted(sim: &Simulator, path: &str, body: Value) -> Value {
    let (status, resp) = journey_post(sim, path, body.clone()).await;
    assert_eq!(status, 200, "{path} {body}: {resp}");
    resp
}

/// Posts `body` to the JourneyAPI `path`, expects a 200 and returns the new task's id.
pub async fn journey_submit(sim: &Simulator, path: &str, body: Value) -> String {
    task_id(&journey_accepted(sim, path, body).await).to_string()
}

/// The `task_id` of a task or a submit answer.
pub fn task_id(v: &Value) -> &str {
    v["task_id"].as_str().expect("task_id")
}

/// Calls `fetch` until the body satisfies `done` (bounded by [`WAIT`]), expecting a 200 each
/// time; returns every body seen and the last one.
pub async fn poll_until<F, Fut>(mut fetch: F, done: impl Fn(&Value) -> bool) -> (Vec<Value>, Value)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = (u16, Value)>,
{
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    loop {
        let (status, body) = fetch().await;
        assert_eq!(status, 200, "{body}");
        seen.push(body.clone());
        if done(&body) {
            return (seen, body);
        }
        assert!(Instant::now() < deadline, "timed out waiting, last: {body}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Polls the Journey task `id` until `done(task)` holds; returns every body seen and the last.
pub async fn wait_journey(
    sim: &Simulator,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> (Vec<Value>, Value) {
    poll_until(|| journey_fetch(sim, id), done).await
}

/// Whether a Journey task is finished or failed.
pub fn final_journey(v: &Value) -> bool {
    matches!(v["status"].as_str(), Some("finished" | "failed"))
}

/// Polls the Journey task `id` until it is finished or failed; returns the last body.
pub async fn journey_settle(sim: &Simulator, id: &str) -> Value {
    wait_journey(sim, id, final_journey).await.1
}

/// GETs `url`, expects a 200 and returns the content type and the bytes.
pub async fn get_file(url: &str) -> (String, Vec<u8>) {
    let resp = client().get(url).send().await.expect("file request");
    assert_eq!(resp.status().as_u16(), 200, "{url}");
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (ct, resp.bytes().await.expect("file body").to_vec())
}

/// GETs `url`, expects a PNG and decodes it.
pub async fn get_png(url: &str) -> image::RgbImage {
    let (ct, bytes) = get_file(url).await;
    assert_eq!(ct, "image/png", "{url}");
    image::load_from_memory(&bytes)
        .expect("decodable PNG")
        .to_rgb8()
}
