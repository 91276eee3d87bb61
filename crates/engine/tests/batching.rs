//! JourneyAPI polling goes through `/fetch-many`: 45 live tasks are polled in rounds of
//! ceil(45/20) = 3 requests of at most 20 ids each; a lone task uses `/fetch`. LinkrAPI has no
//! batch call, so each of its tasks gets its own `/v1/fetch/<id>`.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use atelier_providers::{ProviderKind, TaskStatus};
use atelier_simulator::LoggedRequest;
use common::*;

/// Splits poll requests into rounds: a round ends when an id comes up a second time.
fn rounds(polls: &[LoggedRequest]) -> Vec<Vec<&LoggedRequest>> {
    let mut out: Vec<Vec<&LoggedRequest>> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for req in polls {
        let ids = fetched_ids(req);
        if out.is_empty() || ids.iter().any(|id| seen.contains(id)) {
            out.push(Vec::new());
            seen.clear();
        }
        seen.extend(ids);
        if let Some(round) = out.last_mut() {
            round.push(req);
        }
    }
    out
}

// A current-thread runtime: the 45 `watch` calls below all land before the scheduler runs,
// so the very first round already holds every task.
#[tokio::test]
async fn forty_five_journey_tasks_are_polled_twenty_at_a_time() {
    // Imagine takes 20 simulated seconds: 1 s real at 20x; polls every 200 ms -> ~5 rounds.
    let sim = simulator(20.0).await;
    let journey = client(&sim, ProviderKind::Journey);
    let mut tasks = Vec::new();
    for i in 0..45 {
        let sub = journey
            .imagine(&imagine(&format!("tile {i}")))
            .await
            .expect("submitted");
        let mut task = atelier_providers::Task::new(sub.task_id, ProviderKind::Journey, sub.kind);
        task.created_at = Some(chrono::Utc::now());
        tasks.push(task);
    }
    sim.clear_requests();

    let engine = engine(&sim, fast_config(Duration::from_millis(200)));
    let mut rx = engine.subscribe();
    let ids: Vec<String> = tasks.iter().map(|t| t.id.clone()).collect();
    for task in tasks {
        assert!(engine.watch(task));
    }
    let events = until_final(&mut rx, &ids).await;
    assert!(ids
        .iter()
        .all(|id| last(&events[id]).status == TaskStatus::Succeeded));

    let polls: Vec<LoggedRequest> = sim.requests().into_iter().filter(is_fetch).collect();
    assert!(polls.iter().all(|r| r.status == Some(200)));
    for req in &polls {
        let n = fetched_ids(req).len();
        if req.path.ends_with("/fetch-many") {
            assert!((2..=20).contains(&n), "fetch-many with {n} ids");
        } else {
            assert!(req.path.ends_with("/fetch"), "unexpected poll {}", req.path);
            assert_eq!(n, 1);
        }
    }
    let rounds = rounds(&polls);
    assert!(rounds.len() >= 2, "several rounds: {}", rounds.len());
    for (i, round) in rounds.iter().enumerate() {
        let live: usize = round.iter().map(|r| fetched_ids(r).len()).sum();
        assert_eq!(
            round.len(),
            live.div_ceil(20),
            "round {i}: {live} tasks took {} requests",
            round.len()
        );
    }
    assert_eq!(
        rounds[0].len(),
        3,
        "the first round polls all 45 in 3 requests"
    );
    let first: usize = rounds[0].iter().map(|r| fetched_ids(r).len()).sum();
    assert_eq!(first, 45);
}

#[tokio::test]
async fn a_lone_journey_task_uses_fetch() {
    let sim = simulator(100.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    let task = engine
        .submit(ProviderKind::Journey, imagine("a single pear"))
        .await
        .expect("submitted");
    let events = until_final(&mut rx, std::slice::from_ref(&task.id)).await;
    assert_eq!(last(&events[&task.id]).status, TaskStatus::Succeeded);
    let polls: Vec<LoggedRequest> = sim.requests().into_iter().filter(is_fetch).collect();
    assert!(!polls.is_empty());
    assert!(polls
        .iter()
        .all(|r| r.path == "/journey/api/v1/fetch" && fetched_ids(r) == [task.id.clone()]));
}

#[tokio::test]
async fn linkr_tasks_are_fetched_one_by_one() {
    let sim = simulator(100.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    let mut ids = Vec::new();
    for i in 0..5 {
        let t = engine
            .submit(ProviderKind::Linkr, imagine(&format!("pear {i}")))
            .await
            .expect("submitted");
        ids.push(t.id);
    }
    until_final(&mut rx, &ids).await;
    let polls: Vec<LoggedRequest> = sim.requests().into_iter().filter(is_fetch).collect();
    assert!(polls
        .iter()
        .all(|r| r.method == "GET" && r.path.starts_with("/linkr/api/v1/fetch/")));
    for id in &ids {
        assert!(polls.iter().any(|r| fetched_ids(r) == [id.clone()]));
    }
}
