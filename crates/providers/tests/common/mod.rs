//! Shared helpers for the integration tests: a fast simulator, clients pointed at
//! it, a bounded poll loop and a PNG download check.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use atelier_providers::{
    JourneyClient, LinkrClient, ProviderClient, ProviderError, ProviderKind, Task, TaskStatus,
};
use atelier_simulator::{Simulator, SimulatorConfig};

/// The simulator's default keys.
pub const LINKR_KEY: &str = "lkr_demo";
/// The simulator's default keys.
pub const JOURNEY_KEY: &str = "japi_demo";
/// How long a poll loop may run in total, whatever the machine.
pub const POLL_BOUND: Duration = Duration::from_secs(20);
/// The pause between polls.
pub const POLL_PAUSE: Duration = Duration::from_millis(20);

/// A simulator running 400x faster than real time.
pub async fn sim() -> Simulator {
    Simulator::start(SimulatorConfig {
        speed: 400.0,
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator starts")
}

/// A LinkrAPI client for `sim`.
pub fn linkr(sim: &Simulator) -> LinkrClient {
    LinkrClient::new(&sim.linkr_base_url(), LINKR_KEY).expect("linkr client")
}

/// A JourneyAPI client for `sim`.
pub fn journey(sim: &Simulator) -> JourneyClient {
    JourneyClient::new(&sim.journey_base_url(), JOURNEY_KEY).expect("journey client")
}

/// Both providers behind the unified type.
pub fn both(sim: &Simulator) -> Vec<ProviderClient> {
    vec![
        ProviderClient::Linkr(linkr(sim)),
        ProviderClient::Journey(journey(sim)),
    ]
}

/// Polls until the task is final (bounded by [`POLL_BOUND`]).
pub async fn wait(client: &ProviderClient, id: &str) -> Task {
    let started = Instant::now();
    let mut last_progress = 0u8;
    loop {
        let task = client.fetch(id).await.expect("fetch works");
        assert_eq!(task.id, id);
        if let Some(p) = task.progress {
            assert!(p <= 100);
            if !task.status.is_final() {
                last_progress = last_progress.max(p);
            }
        }
        if task.status.is_final() {
            return task;
        }
        assert!(
            started.elapsed() < POLL_BOUND,
            "task {id} did not finish within {POLL_BOUND:?}: {task:?}"
        );
        tokio::time::sleep(POLL_PAUSE).await;
    }
}

/// Polls until final and asserts success.
pub async fn wait_ok(client: &ProviderClient, id: &str) -> Task {
    let task = wait(client, id).await;
    assert_eq!(task.status, TaskStatus::Succeeded, "task failed: {task:?}");
    task
}

/// Downloads `url` and checks it is a PNG.
pub async fn assert_png(url: &str) {
    let resp = reqwest::get(url).await.expect("image download");
    assert!(resp.status().is_success(), "GET {url}: {}", resp.status());
    let bytes = resp.bytes().await.expect("image body");
    assert!(
        bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        "{url} is not a PNG"
    );
}

/// Asserts a grid result: a grid URL and four singles, all PNGs. LinkrAPI's documented
/// shape (the simulator's default) has only the grid: then there are no singles (the app
/// splits the grid locally).
pub async fn assert_grid(task: &Task) {
    let grid = task.grid_url.as_deref().expect("grid url");
    assert_png(grid).await;
    match task.provider {
        ProviderKind::Linkr if task.image_urls.is_empty() => {}
        _ => assert_eq!(task.image_urls.len(), 4, "four singles: {task:?}"),
    }
    for u in &task.image_urls {
        assert_png(u).await;
    }
    assert!(task.image_url.is_none());
}

/// Asserts a single-image result.
pub async fn assert_single(task: &Task) {
    let url = task.image_url.as_deref().expect("image url");
    assert_png(url).await;
    assert!(task.grid_url.is_none());
}

/// The id of the action labelled `label` on `task`.
pub fn action_id(task: &Task, label: &str) -> String {
    task.actions
        .iter()
        .find(|a| a.label == label)
        .unwrap_or_else(|| panic!("no {label:?} button on {:?}", task.actions))
        .id
        .clone()
}

/// The largest resident set this process has had, in bytes (Linux only; 0 elsewhere).
pub fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Asserts an error is the expected kind, printing it otherwise.
pub fn assert_code<T: std::fmt::Debug>(r: Result<T, ProviderError>, code: &str) -> ProviderError {
    match r {
        Err(e) => {
            assert_eq!(e.code(), code, "wrong error: {e:?}");
            assert!(!e.to_string().is_empty());
            e
        }
        Ok(v) => panic!("expected {code}, got Ok({v:?})"),
    }
}

/// A Vary (Region) mask for the image at `url`: a PNG data URL of the image's exact size,
/// its top-left quarter white (to redo), the rest black.
pub async fn mask_for(url: &str) -> String {
    let bytes = reqwest::get(url)
        .await
        .expect("image download")
        .bytes()
        .await
        .expect("image body");
    let img = image::load_from_memory(&bytes).expect("a picture");
    let (w, h) = (img.width(), img.height());
    let mask = image::GrayImage::from_fn(w, h, |x, y| {
        image::Luma([if x < w / 2 && y < h / 2 { 255 } else { 0 }])
    });
    let mut png = Vec::new();
    mask.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("PNG encodes");
    format!("data:image/png;base64,{}", base64(&png))
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = u32::from(c[0]) << 16
            | u32::from(*c.get(1).unwrap_or(&0)) << 8
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}
