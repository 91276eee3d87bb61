//! 50 live tasks on both providers at once (25 LinkrAPI + 25 JourneyAPI), over real HTTP to
//! the in-process simulator, all reach their final state; plus button presses on both.

mod common;

use std::time::Duration;

use atelier_engine::TaskChange;
use atelier_providers::{ActionInput, ProviderKind, TaskKind, TaskStatus};
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_tasks_on_both_providers_all_finish() {
    // Imagine takes 20 simulated seconds: 0.2 s real at 100x.
    let sim = simulator(100.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();

    let mut submits = Vec::new();
    for i in 0..50 {
        let provider = if i % 2 == 0 {
            ProviderKind::Linkr
        } else {
            ProviderKind::Journey
        };
        let engine = engine.clone();
        submits.push(tokio::spawn(async move {
            engine
                .submit(provider, imagine(&format!("a lighthouse, study {i}")))
                .await
        }));
    }
    let mut ids = Vec::new();
    for s in submits {
        let task = s.await.expect("join").expect("submitted");
        assert_eq!(task.status, TaskStatus::Queued);
        assert_eq!(task.kind, TaskKind::Imagine);
        assert!(task
            .prompt
            .as_deref()
            .is_some_and(|p| p.starts_with("a lighthouse")));
        ids.push(task.id);
    }

    let events = until_final(&mut rx, &ids).await;
    for id in &ids {
        let evs = &events[id];
        assert_eq!(
            evs[0].change,
            TaskChange::Created,
            "{id}: Created comes first"
        );
        let done = last(evs);
        assert_eq!(done.status, TaskStatus::Succeeded, "{id}: {:?}", done.error);
        assert_eq!(evs.last().map(|e| e.change), Some(TaskChange::Results));
        assert!(done.grid_url.is_some(), "{id} has its grid");
        assert_eq!(done.progress, Some(100));
        assert!(!done.actions.is_empty(), "{id} offers buttons");
        // Every event says something new: no two consecutive identical snapshots.
        for pair in evs.windows(2) {
            assert_ne!(
                (
                    pair[0].task.status,
                    pair[0].task.progress,
                    &pair[0].task.raw_status
                ),
                (
                    pair[1].task.status,
                    pair[1].task.progress,
                    &pair[1].task.raw_status
                ),
                "{id}: an event without a change"
            );
        }
        assert!(!engine.is_watching(id));
    }
    assert_eq!(engine.list().len(), 50);

    let log = sim.requests();
    let linkr_fetches: Vec<_> = log
        .iter()
        .filter(|r| r.path.starts_with("/linkr/") && is_fetch(r))
        .collect();
    assert!(linkr_fetches.iter().all(|r| fetched_ids(r).len() == 1));
    let journey_fetches: Vec<_> = log
        .iter()
        .filter(|r| r.path.starts_with("/journey/") && is_fetch(r))
        .collect();
    assert!(journey_fetches.iter().all(|r| fetched_ids(r).len() <= 20));
    assert!(
        journey_fetches.len() < linkr_fetches.len(),
        "JourneyAPI is batched: {} requests vs {} for LinkrAPI",
        journey_fetches.len(),
        linkr_fetches.len()
    );
    assert!(
        log.iter().all(|r| r.status != Some(401)),
        "keys were accepted"
    );
}

#[tokio::test]
async fn buttons_create_watched_children_on_both_providers() {
    let sim = simulator(100.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();

    for provider in [ProviderKind::Linkr, ProviderKind::Journey] {
        let parent = engine
            .submit(provider, imagine("a red fox in snow"))
            .await
            .expect("submitted");
        let parent = until_final(&mut rx, std::slice::from_ref(&parent.id)).await;
        let parent = last(&parent.values().next().expect("events")[..]).clone();
        assert_eq!(parent.status, TaskStatus::Succeeded);

        let button = parent
            .actions
            .iter()
            .find(|a| a.label == "U2")
            .unwrap_or_else(|| panic!("{provider:?} grid offers U2: {:?}", parent.actions))
            .id
            .clone();
        let child = engine
            .action(&parent.id, &button, ActionInput::default())
            .await
            .expect("button pressed");
        assert_eq!(child.parent_id.as_deref(), Some(parent.id.as_str()));
        assert_eq!(child.kind, TaskKind::Upscale { index: 2 });
        assert_eq!(child.prompt, parent.prompt);

        let events = until_final(&mut rx, std::slice::from_ref(&child.id)).await;
        let evs = &events[&child.id];
        assert_eq!(evs[0].change, TaskChange::Created);
        let done = last(evs);
        assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
        assert_eq!(
            done.kind,
            TaskKind::Upscale { index: 2 },
            "Submission kind kept"
        );
        assert_eq!(done.parent_id.as_deref(), Some(parent.id.as_str()));
        assert!(done.image_url.is_some(), "an upscale has one image");
    }

    let err = engine
        .action("no-such-task", "upscale:1", ActionInput::default())
        .await
        .expect_err("unknown parent");
    assert_eq!(err.code(), "not_found");
}

#[tokio::test]
async fn a_synchronous_journey_result_needs_no_polling() {
    let sim = simulator(100.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    let mut req = imagine("a paper boat");
    req.model = Some("flux-schnell".into());
    let task = engine
        .submit(ProviderKind::Journey, req)
        .await
        .expect("submitted");
    assert_eq!(task.status, TaskStatus::Succeeded);
    let created = rx.recv().await.expect("created");
    assert_eq!(created.change, TaskChange::Created);
    let results = rx.recv().await.expect("results");
    assert_eq!(results.change, TaskChange::Results);
    assert_eq!(results.task.id, task.id);
    assert!(results.task.image_url.is_some());
    assert!(!engine.is_watching(&task.id));
    assert!(
        !sim.requests().iter().any(is_fetch),
        "no poll for a finished task"
    );
}

#[tokio::test]
async fn bad_input_and_missing_clients_fail_before_any_request() {
    let sim = simulator(100.0).await;
    let engine = atelier_engine::Engine::new(fast_config(Duration::from_millis(50)));
    let err = engine
        .submit(ProviderKind::Linkr, imagine("a cat"))
        .await
        .expect_err("no client yet");
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("LinkrAPI is not set up yet"));

    engine.register_client(ProviderKind::Linkr, client(&sim, ProviderKind::Linkr));
    let err = engine
        .submit(ProviderKind::Linkr, imagine("   "))
        .await
        .expect_err("empty prompt");
    assert_eq!(err.code(), "invalid_input");
    assert!(sim.requests().is_empty(), "nothing was sent");
    assert!(engine.list().is_empty());
}
