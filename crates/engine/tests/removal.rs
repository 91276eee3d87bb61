//! Removing a provider's client (the person deleted the key), over real HTTP: from that
//! moment the simulator sees no request carrying the key, whether a poll, a batch, a pending
//! Retry-After retry, a submission or a "Check again"; the tasks wait and finish once a
//! client is back.

mod common;

use std::time::Duration;

use atelier_engine::TaskChange;
use atelier_providers::{ProviderKind, TaskStatus};
use common::*;

/// The highest request sequence number the simulator has logged so far.
fn last_seq(sim: &atelier_simulator::Simulator) -> u64 {
    sim.requests().iter().map(|r| r.seq).max().unwrap_or(0)
}

// One thread: the test's own steps and the engine's scheduler take turns, so "right after
// an answer was applied" really is before the next request starts.
#[tokio::test]
async fn after_removing_a_client_no_authenticated_request_is_sent() {
    // An imagine takes 2 s at 10x.
    let sim = simulator(10.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(100)));
    let mut rx = engine.subscribe();

    // LinkrAPI: its first poll is answered 429 with Retry-After 1 s, so a retry is pending.
    let linkr = engine
        .submit(
            ProviderKind::Linkr,
            imagine("a quiet bay [[fault:429:1@poll*1]]"),
        )
        .await
        .expect("submitted");
    tokio::time::timeout(WAIT, async {
        while !sim.requests().iter().any(|r| r.status == Some(429)) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the 429 was answered");

    // JourneyAPI: three tasks watched together share one /fetch-many.
    let journey_client = client(&sim, ProviderKind::Journey);
    let mut journey = Vec::new();
    for i in 0..3 {
        let submission = journey_client
            .imagine(&imagine(&format!("a dune, study {i}")))
            .await
            .expect("submitted");
        let mut task = atelier_providers::Task::new(
            submission.task_id,
            ProviderKind::Journey,
            submission.kind,
        );
        task.created_at = Some(chrono::Utc::now());
        journey.push(task);
    }
    for task in &journey {
        assert!(engine.watch(task.clone()));
    }
    let first = next_event(&mut rx, |e| e.task.provider == ProviderKind::Journey).await;
    assert_eq!(first.change, TaskChange::Status);
    let batch = sim
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("/fetch-many"))
        .expect("a batch");
    assert_eq!(fetched_ids(&batch).len(), 3, "one batch for all three");

    // The batch's answer is applied and the LinkrAPI retry is still waiting: remove both.
    assert!(engine.remove_client(ProviderKind::Journey));
    assert!(engine.remove_client(ProviderKind::Linkr));
    let cut = last_seq(&sim);

    // Nothing may go out with either key now: not a submission, nor a "Check again".
    let refused = engine
        .submit(ProviderKind::Linkr, imagine("a lighthouse"))
        .await
        .expect_err("no client");
    assert_eq!(refused.code(), "invalid_input");
    let refused = engine
        .check_now(&journey[0].id)
        .await
        .expect_err("no client");
    assert_eq!(refused.code(), "invalid_input");
    // 1.5 s: fifteen intervals, and past the Retry-After, with every task still running.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.seq > cut && r.auth_ok)
        .collect();
    assert!(
        after.is_empty(),
        "authenticated requests after removal: {after:?}"
    );
    assert!(engine.is_watching(&linkr.id));
    assert!(journey.iter().all(|t| engine.is_watching(&t.id)));

    // Keys back: every task finishes; none failed while the key was away.
    engine.register_client(ProviderKind::Linkr, client(&sim, ProviderKind::Linkr));
    engine.register_client(ProviderKind::Journey, client(&sim, ProviderKind::Journey));
    let mut ids: Vec<String> = journey.iter().map(|t| t.id.clone()).collect();
    ids.push(linkr.id.clone());
    let events = until_final(&mut rx, &ids).await;
    for id in &ids {
        let evs = &events[id];
        assert!(
            evs.iter().all(|e| e.change != TaskChange::Failed),
            "{evs:?}"
        );
        assert_eq!(last(evs).status, TaskStatus::Succeeded);
    }
}
