//! Shared helpers for the engine's integration tests: a simulator on loopback, an engine
//! with fast test pacing wired to it, and event waits bounded by a generous timeout.

#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use atelier_engine::{Engine, EngineConfig, EngineEvent, TaskChange};
use atelier_providers::{ImagineRequest, ProviderClient, ProviderKind, Task};
use atelier_simulator::{LoggedRequest, Simulator, SimulatorConfig};
use tokio::sync::broadcast;

/// The longest any single wait in these tests may take before it counts as a failure.
pub const WAIT: Duration = Duration::from_secs(60);

/// A simulator running `speed` times faster than real time.
pub async fn simulator(speed: f64) -> Simulator {
    Simulator::start(SimulatorConfig {
        speed,
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator starts")
}

/// Test pacing: polls every `interval`, no jitter (exact timing), short backoff cap.
pub fn fast_config(interval: Duration) -> EngineConfig {
    EngineConfig {
        poll_interval: interval,
        min_interval: interval,
        jitter: 0.0,
        max_backoff: Duration::from_secs(2),
        ..EngineConfig::default()
    }
}

/// A client for `provider` pointed at the simulator with its demo key.
pub fn client(sim: &Simulator, provider: ProviderKind) -> ProviderClient {
    let (base, key) = match provider {
        ProviderKind::Linkr => (sim.linkr_base_url(), "lkr_demo"),
        ProviderKind::Journey => (sim.journey_base_url(), "japi_demo"),
    };
    ProviderClient::new(provider, &base, key).expect("client")
}

/// An engine with clients for both providers at the simulator.
pub fn engine(sim: &Simulator, config: EngineConfig) -> Engine {
    let engine = Engine::new(config);
    engine.register_client(ProviderKind::Linkr, client(sim, ProviderKind::Linkr));
    engine.register_client(ProviderKind::Journey, client(sim, ProviderKind::Journey));
    engine
}

/// A plain imagine request.
pub fn imagine(prompt: &str) -> ImagineRequest {
    ImagineRequest {
        prompt: prompt.to_owned(),
        ..ImagineRequest::default()
    }
}

/// The next event matching `pred` (others are skipped), or a panic after [`WAIT`].
pub async fn next_event(
    rx: &mut broadcast::Receiver<EngineEvent>,
    pred: impl Fn(&EngineEvent) -> bool,
) -> EngineEvent {
    tokio::time::timeout(WAIT, async {
        loop {
            match rx.recv().await {
                Ok(ev) if pred(&ev) => return ev,
                Ok(_) => {}
                Err(e) => panic!("event stream broke: {e}"),
            }
        }
    })
    .await
    .expect("the expected event arrived in time")
}

/// Collects every event until each id in `ids` has had a final event; returns all events of
/// those tasks, per id, in arrival order.
pub async fn until_final(
    rx: &mut broadcast::Receiver<EngineEvent>,
    ids: &[String],
) -> HashMap<String, Vec<EngineEvent>> {
    let mut seen: HashMap<String, Vec<EngineEvent>> = HashMap::new();
    let mut open: std::collections::HashSet<&String> = ids.iter().collect();
    tokio::time::timeout(WAIT, async {
        while !open.is_empty() {
            let ev = match rx.recv().await {
                Ok(ev) => ev,
                Err(e) => panic!("event stream broke: {e}"),
            };
            if ev.task.status.is_final()
                && matches!(ev.change, TaskChange::Results | TaskChange::Failed)
            {
                open.remove(&ev.task.id);
            }
            seen.entry(ev.task.id.clone()).or_default().push(ev);
        }
    })
    .await
    .unwrap_or_else(|_| panic!("tasks still unfinished after {WAIT:?}"));
    seen
}

/// The final state of a task from its events.
pub fn last(events: &[EngineEvent]) -> &Task {
    &events.last().expect("at least one event").task
}

/// The task ids a fetch request asked about (`/fetch`, `/fetch-many`, Linkr `GET /v1/fetch/<id>`).
pub fn fetched_ids(req: &LoggedRequest) -> Vec<String> {
    if req.path.ends_with("/fetch-many") {
        return req
            .body
            .as_ref()
            .and_then(|b| b.get("task_ids"))
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
    }
    if req.path.ends_with("/fetch") {
        return req
            .body
            .as_ref()
            .and_then(|b| b.get("task_id"))
            .and_then(|v| v.as_str())
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default();
    }
    if let Some((_, id)) = req.path.rsplit_once("/v1/fetch/") {
        return vec![id.to_owned()];
    }
    Vec::new()
}

/// True for any poll request.
pub fn is_fetch(req: &LoggedRequest) -> bool {
    req.path.ends_with("/fetch")
        || req.path.ends_with("/fetch-many")
        || req.path.contains("/v1/fetch/")
}
