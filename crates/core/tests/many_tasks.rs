//! Many tasks at once in the live lane (and the demo lane): 500 tasks over both providers,
//! every progress and status change recorded. Recording goes through one writer thread, so
//! the forwarding of events never falls behind (no missed event), every task's final state
//! reaches the UI once and the library for good, and the database stays sound.

use atelier_core::view::TaskChange;
use atelier_core::{Atelier, AtelierConfig, MemorySettingsStore, Settings, SubmitRequest, UiEvent};
use atelier_keys::MemoryStore;
use atelier_providers::{ProviderKind, TaskStatus};
use atelier_simulator::{Simulator, SimulatorConfig};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LINKR_KEY: &str = "lkr_many_tasks_key_9z8y";
const JOURNEY_KEY: &str = "japi_live_many_tasks_7x6w";
const TASKS: usize = 500;

/// Every tenth task succeeds (its images are archived); the others fail half-way through, after
/// progress, so the run is about events and rows rather than image downloads.
fn prompt(n: usize) -> String {
    if n.is_multiple_of(10) {
        format!("many tasks {n}: a paper boat")
    } else {
        format!("many tasks {n}: a paper boat [[fault:failed]]")
    }
}

async fn run(live: bool) {
    let real = Simulator::start(SimulatorConfig {
        speed: 200.0,
        linkr_key: LINKR_KEY.into(),
        journey_key: JOURNEY_KEY.into(),
        ..SimulatorConfig::default()
    })
    .await
    .expect("the stand-in starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let app = Atelier::start(AtelierConfig {
        library_dir: dir.path().join("library"),
        key_store: Arc::new(MemoryStore::new()),
        key_store_health: Ok(()),
        settings_store: Arc::new(MemorySettingsStore::default()),
        demo_speed: 200.0,
        demo_poll_interval: Duration::from_millis(50),
        live_poll_interval_override: Some(Duration::from_millis(50)),
    })
    .await
    .expect("core starts");
    if live {
        app.save_settings(Settings {
            linkr_base_url: real.linkr_base_url(),
            journey_base_url: real.journey_base_url(),
            ..Settings::default()
        })
        .await
        .expect("settings");
        app.set_key(ProviderKind::Linkr, LINKR_KEY)
            .await
            .expect("key");
        app.set_key(ProviderKind::Journey, JOURNEY_KEY)
            .await
            .expect("key");
    }
    // The UI's side: a consumer that reads every event as it comes, like the shell's forwarder.
    let mut rx = app.subscribe();
    let consumer = tokio::spawn(async move {
        let mut finals: HashMap<String, TaskStatus> = HashMap::new();
        let mut lagged = 0;
        let mut events = 0usize;
        let mut duplicates = Vec::new();
        let waited = tokio::time::timeout(Duration::from_secs(240), async {
            while finals.len() < TASKS {
                let ev = match rx.recv().await {
                    Ok(ev) => ev,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        lagged += n;
                        continue;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
                events += 1;
                let UiEvent::Update(ev) = ev else { continue };
                let done = matches!(ev.change, TaskChange::Results | TaskChange::Failed)
                    && ev.task.task.status.is_final();
                if done
                    && finals
                        .insert(ev.task.task.id.clone(), ev.task.task.status)
                        .is_some()
                {
                    duplicates.push(ev.task.task.id.clone());
                }
            }
        })
        .await;
        (waited.is_ok(), finals, lagged, events, duplicates)
    });
    let started = Instant::now();
    let mut ids = Vec::with_capacity(TASKS);
    for n in 0..TASKS {
        let provider = if n % 2 == 0 {
            ProviderKind::Linkr
        } else {
            ProviderKind::Journey
        };
        let view = app
            .submit(SubmitRequest {
                provider,
                prompt: prompt(n),
                model: None,
                aspect_ratio: None,
                reference_image: None,
            })
            .await
            .unwrap_or_else(|e| panic!("task {n} submitted: {e:?}"));
        assert_eq!(view.demo, !live);
        ids.push(view.task.id);
    }
    let submitted = started.elapsed();
    let (in_time, finals, lagged, events, duplicates) = consumer.await.expect("consumer");
    assert!(
        in_time,
        "only {} of {TASKS} tasks finished ({lagged} events lagged, {} missed by the core)",
        finals.len(),
        app.missed_events()
    );
    assert!(
        duplicates.is_empty(),
        "one final event per task: {duplicates:?}"
    );
    let finished = started.elapsed();
    eprintln!(
        "{} lane: {TASKS} tasks submitted in {submitted:.1?}, all final after {finished:.1?}, \
         {events} UI events, {lagged} lagged",
        if live { "live" } else { "demo" }
    );
    assert_eq!(lagged, 0, "the UI's event stream never fell behind");
    assert_eq!(
        app.missed_events(),
        0,
        "the core never fell behind its engines"
    );
    let succeeded = finals
        .values()
        .filter(|s| **s == TaskStatus::Succeeded)
        .count();
    assert_eq!(succeeded, TASKS / 10, "every tenth task succeeds");

    app.shutdown();
    for id in &ids {
        let stored = app
            .library()
            .get_task(id)
            .expect("library read")
            .unwrap_or_else(|| panic!("task {id} is in the library"));
        assert_eq!(
            Some(&stored.task.status),
            finals.get(id),
            "the library holds the final state of {id}"
        );
    }
    assert!(app.library().integrity_check().expect("integrity check"));
    if live {
        let authenticated = real.requests().iter().filter(|r| r.auth_ok).count();
        assert!(authenticated >= TASKS, "the live lane did the work");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_500_tasks_no_missed_event_no_lost_final_state() {
    run(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_500_tasks_no_missed_event_no_lost_final_state() {
    run(false).await;
}
