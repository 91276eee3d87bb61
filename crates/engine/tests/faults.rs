//! Errors while polling, over real HTTP: Retry-After and backoff are obeyed, transient
//! failures keep the task going, permanent ones fail it with a sentence, deadlines and the
//! provider's own timeout end it, and cancel stops the polling.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atelier_engine::TaskChange;
use atelier_providers::{ProviderKind, Task, TaskKind, TaskStatus};
use atelier_simulator::{FaultKind, FaultRule, Phase, Simulator, Target};
use common::*;

/// Watches the simulator's request log from a separate OS thread (every millisecond) and
/// notes when each request first appeared. Only a measurement: nothing waits on it. The
/// thread ends once the returned list is dropped.
fn record_arrivals(sim: &Arc<Simulator>) -> Arc<Mutex<Vec<(u64, Instant)>>> {
    let seen = Arc::new(Mutex::new(Vec::<(u64, Instant)>::new()));
    let (sim, out) = (Arc::clone(sim), Arc::downgrade(&seen));
    std::thread::spawn(move || {
        while let Some(out) = out.upgrade() {
            let now = Instant::now();
            let requests = sim.requests();
            let mut out = out.lock().expect("lock");
            for r in requests {
                if !out.iter().any(|(seq, _)| *seq == r.seq) {
                    out.push((r.seq, now));
                }
            }
            drop(out);
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    seen
}

/// When the recorder first saw request `seq` (waits, bounded, for it to be seen).
async fn arrival(arrivals: &Mutex<Vec<(u64, Instant)>>, seq: u64) -> Instant {
    tokio::time::timeout(WAIT, async {
        loop {
            let found = arrivals
                .lock()
                .expect("lock")
                .iter()
                .find(|(s, _)| *s == seq)
                .map(|(_, t)| *t);
            if let Some(t) = found {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("the recorder saw the request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_obeyed_before_the_next_poll() {
    let sim = Arc::new(simulator(100.0).await);
    let arrivals = record_arrivals(&sim);
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    // The task's first poll is answered 429 with Retry-After: 1.
    let submitted = Instant::now();
    let task = engine
        .submit(
            ProviderKind::Linkr,
            imagine("a quiet harbour [[fault:429:1@poll*1]]"),
        )
        .await
        .expect("submitted");
    let events = until_final(&mut rx, std::slice::from_ref(&task.id)).await;
    assert_eq!(last(&events[&task.id]).status, TaskStatus::Succeeded);

    let log = sim.requests();
    let polls: Vec<_> = log.iter().filter(|r| is_fetch(r)).collect();
    assert_eq!(polls[0].status, Some(429), "{polls:?}");
    assert!(polls[1..].iter().all(|r| r.status == Some(200)));
    let gap = arrival(&arrivals, polls[1].seq).await - arrival(&arrivals, polls[0].seq).await;
    // Retry-After: 1 s. The recorder samples every millisecond; allow it a little lateness.
    assert!(
        gap >= Duration::from_millis(950),
        "next poll only {gap:?} after the 429"
    );
    // Independent of the recorder: at 100x the task needs only 0.2 s, so finishing after
    // more than a second means the engine waited out the Retry-After.
    assert!(submitted.elapsed() >= Duration::from_secs(1));
    assert!(gap < Duration::from_secs(3), "but not much later: {gap:?}");
}

#[tokio::test]
async fn server_errors_and_resets_back_off_and_keep_the_task_going() {
    let sim = simulator(20.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    let started = Instant::now();
    let linkr = engine
        .submit(ProviderKind::Linkr, imagine("fog [[fault:503@poll*2]]"))
        .await
        .expect("submitted");
    let journey = engine
        .submit(
            ProviderKind::Journey,
            imagine("dunes [[fault:reset@poll*2]]"),
        )
        .await
        .expect("submitted");
    let ids = [linkr.id.clone(), journey.id.clone()];
    let events = until_final(&mut rx, &ids).await;
    for id in &ids {
        let done = last(&events[id]);
        assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
        assert!(done.error.is_none());
    }
    let log = sim.requests();
    assert_eq!(log.iter().filter(|r| r.status == Some(503)).count(), 2);
    // Two failures back off 50 ms * 2 and * 4: at least 0.3 s beyond the first poll.
    assert!(started.elapsed() >= Duration::from_millis(350));
}

#[tokio::test]
async fn permanent_poll_errors_fail_the_task_with_a_sentence() {
    let sim = simulator(20.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();

    // 401 while polling.
    let task = engine
        .submit(ProviderKind::Linkr, imagine("a kite [[fault:401@poll]]"))
        .await
        .expect("submitted");
    let ev = next_event(&mut rx, |e| {
        e.task.id == task.id && e.change == TaskChange::Failed
    })
    .await;
    assert_eq!(ev.task.status, TaskStatus::Failed);
    assert_eq!(
        ev.task.error.as_deref(),
        Some("The API key was rejected. Check it in Settings.")
    );

    // 404: a task the provider does not know (resumed from storage).
    let ghost = Task::new(
        "0b7e9a52-4f8c-4c59-9d0c-2f1c8f0a9e11",
        ProviderKind::Journey,
        TaskKind::Imagine,
    );
    assert!(engine.watch(ghost.clone()));
    let ev = next_event(&mut rx, |e| e.task.id == ghost.id).await;
    assert_eq!(ev.change, TaskChange::Failed);
    assert_eq!(ev.task.status, TaskStatus::Failed);
    assert!(
        ev.task
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("Not found")),
        "{:?}",
        ev.task.error
    );

    // The provider's own failure.
    let task = engine
        .submit(ProviderKind::Journey, imagine("a storm [[fault:failed]]"))
        .await
        .expect("submitted");
    let ev = next_event(&mut rx, |e| {
        e.task.id == task.id && e.change == TaskChange::Failed
    })
    .await;
    assert_eq!(ev.task.status, TaskStatus::Failed);
    assert!(ev.task.error.is_some());
}

#[tokio::test]
async fn journey_provider_timeout_ends_at_the_engine_deadline() {
    let sim = simulator(20.0).await;
    let config = atelier_engine::EngineConfig {
        mode_limits: atelier_engine::ModeLimits::uniform(Duration::from_secs(1)),
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        ..fast_config(Duration::from_millis(50))
    };
    let engine = engine(&sim, config);
    let mut rx = engine.subscribe();
    let started = Instant::now();
    // JourneyAPI never reports a timeout: the task just stays "processing".
    let task = engine
        .submit(
            ProviderKind::Journey,
            imagine("a glacier [[fault:timeout]]"),
        )
        .await
        .expect("submitted");
    let ev = next_event(&mut rx, |e| {
        e.task.id == task.id && e.change == TaskChange::Failed
    })
    .await;
    let elapsed = started.elapsed();
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    assert_eq!(
        ev.task.error.as_deref(),
        Some(
            "The provider did not finish this task within 1 second. Atelier will look again \
             now and then until 24 hours after it was submitted and show the result if it \
             arrives; Check again looks right away."
        )
    );
    assert!(ev.task.recheck_until.is_some());
    assert!(ev.task.progress.is_some(), "last progress kept");
    assert!(
        elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    assert!(!engine.is_watching(&task.id));
    assert!(engine.is_rechecking(&task.id));
    let polls = sim.requests().iter().filter(|r| is_fetch(r)).count();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        sim.requests().iter().filter(|r| is_fetch(r)).count(),
        polls,
        "regular polling stopped (the next re-check is 5 minutes away)"
    );
}

#[tokio::test]
async fn linkr_provider_timeout_status_counts_as_timed_out() {
    // Linkr reports `timeout` itself after 3x the task's duration (20 s * 3 / 100 = 0.6 s).
    let sim = simulator(100.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    let task = engine
        .submit(ProviderKind::Linkr, imagine("a glacier [[fault:timeout]]"))
        .await
        .expect("submitted");
    let ev = next_event(&mut rx, |e| {
        e.task.id == task.id && e.change == TaskChange::Failed
    })
    .await;
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    assert_eq!(ev.task.raw_status, "timeout");
    assert!(ev.task.error.is_some());
}

#[tokio::test]
async fn rate_limits_from_rules_hold_the_whole_provider() {
    let sim = simulator(20.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    sim.inject(
        FaultRule::new(FaultKind::RateLimited {
            retry_after_secs: Some(1),
        })
        .provider(Target::Journey)
        .phase(Phase::Poll)
        .times(1),
    );
    let started = Instant::now();
    let a = engine
        .submit(ProviderKind::Journey, imagine("first"))
        .await
        .expect("submitted");
    let b = engine
        .submit(ProviderKind::Journey, imagine("second"))
        .await
        .expect("submitted");
    let events = until_final(&mut rx, &[a.id.clone(), b.id.clone()]).await;
    assert!(events
        .values()
        .all(|e| last(e).status == TaskStatus::Succeeded));
    let polls: Vec<_> = sim.requests().into_iter().filter(is_fetch).collect();
    assert_eq!(polls.iter().filter(|r| r.status == Some(429)).count(), 1);
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn cancel_stops_watching_at_once() {
    let sim = simulator(1.0).await; // real speed: the task would take 20 s
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    let task = engine
        .submit(ProviderKind::Linkr, imagine("a slow painting"))
        .await
        .expect("submitted");
    next_event(&mut rx, |e| {
        e.task.id == task.id && e.change == TaskChange::Status
    })
    .await;
    assert!(engine.cancel(&task.id));
    let ev = next_event(&mut rx, |e| e.task.id == task.id).await;
    assert_eq!(ev.change, TaskChange::Cancelled);
    let polls = sim.requests().iter().filter(|r| is_fetch(r)).count();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = sim.requests().iter().filter(|r| is_fetch(r)).count();
    assert!(
        after <= polls + 1,
        "at most the one poll already in flight: {polls} -> {after}"
    );
    assert!(rx.try_recv().is_err(), "nothing after Cancelled");
    assert!(!engine.is_watching(&task.id));
}

#[tokio::test]
async fn a_replaced_client_is_used_for_the_next_poll() {
    let sim = simulator(20.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();
    let task = engine
        .submit(ProviderKind::Journey, imagine("a bridge"))
        .await
        .expect("submitted");
    // Swap in a client with a wrong key: the next poll is refused and the task fails.
    let bad = atelier_providers::ProviderClient::new(
        ProviderKind::Journey,
        &sim.journey_base_url(),
        "japi_wrong",
    )
    .expect("client");
    engine.register_client(ProviderKind::Journey, bad);
    let ev = next_event(&mut rx, |e| {
        e.task.id == task.id && e.change == TaskChange::Failed
    })
    .await;
    assert_eq!(ev.task.status, TaskStatus::Failed);
    assert!(sim
        .requests()
        .iter()
        .any(|r| is_fetch(r) && r.status == Some(401)));
}
