//! Scheduler tests on Tokio's paused clock with a fake provider: exact timing of intervals,
//! backoff, Retry-After, deadlines, batching and concurrency, without HTTP. (The integration
//! tests in `tests/` drive the same engine over real HTTP against the simulator.)

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atelier_providers::{ProviderError, ProviderKind, Task, TaskKind, TaskStatus};
use tokio::sync::broadcast;
use tokio::time::Instant;

use crate::poller::{PollFuture, Poller};
use crate::{Engine, EngineConfig, EngineEvent, MidjourneyMode, ModeLimits, TaskChange};

const SEC: Duration = Duration::from_secs(1);

/// One request the fake received.
#[derive(Debug, Clone)]
struct Call {
    at: Instant,
    ids: Vec<String>,
    many: bool,
}

/// A scripted provider: each task runs for `finish_after` polls (progress 10, 20, ...) and
/// then succeeds, unless errors are queued or the task is set to never finish.
struct Fake {
    provider: ProviderKind,
    batch: bool,
    finish_after: u32,
    latency: Duration,
    never_finish: bool,
    /// The `created_at` every snapshot reports (LinkrAPI's is zoneless, so often hours off).
    created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// How a task ends: Succeeded, Failed ("failed") or the provider's TimedOut ("timeout").
    final_status: TaskStatus,
    /// These tasks finish on their next poll, whatever `finish_after` says.
    finish_now: Mutex<HashSet<String>>,
    log: Mutex<Vec<Call>>,
    polls: Mutex<HashMap<String, u32>>,
    errors: Mutex<VecDeque<ProviderError>>,
    missing: Mutex<HashSet<String>>,
    /// Every request naming one of these ids fails with this error (a task whose record
    /// breaks the provider's answer).
    poisoned: Mutex<HashMap<String, ProviderError>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Fake {
    fn new(provider: ProviderKind, finish_after: u32) -> Arc<Self> {
        Arc::new(Self {
            provider,
            batch: provider == ProviderKind::Journey,
            finish_after,
            latency: Duration::from_millis(10),
            never_finish: false,
            created_at: None,
            final_status: TaskStatus::Succeeded,
            finish_now: Mutex::new(HashSet::new()),
            log: Mutex::new(Vec::new()),
            polls: Mutex::new(HashMap::new()),
            errors: Mutex::new(VecDeque::new()),
            missing: Mutex::new(HashSet::new()),
            poisoned: Mutex::new(HashMap::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        })
    }

    fn with(self: Arc<Self>, edit: impl FnOnce(&mut Fake)) -> Arc<Self> {
        let mut fake = Arc::try_unwrap(self).ok().expect("unshared fake");
        edit(&mut fake);
        Arc::new(fake)
    }

    fn fail_next(&self, err: ProviderError) {
        self.errors.lock().expect("lock").push_back(err);
    }

    fn calls(&self) -> Vec<Call> {
        self.log.lock().expect("lock").clone()
    }

    /// The instants at which `id` was polled.
    fn polls_of(&self, id: &str) -> Vec<Instant> {
        self.calls()
            .into_iter()
            .filter(|c| c.ids.iter().any(|i| i == id))
            .map(|c| c.at)
            .collect()
    }

    fn finish(&self, id: &str) {
        self.finish_now.lock().expect("lock").insert(id.to_owned());
    }

    fn snapshot(&self, id: &str) -> Task {
        let mut polls = self.polls.lock().expect("lock");
        let n = polls.entry(id.to_owned()).or_insert(0);
        *n += 1;
        // A vaguer kind than the engine knows, like a real fetch may give.
        let mut t = Task::new(id, self.provider, TaskKind::Other { raw: "x".into() });
        t.created_at = self.created_at;
        let finish = (!self.never_finish && *n >= self.finish_after)
            || self.finish_now.lock().expect("lock").contains(id);
        if finish {
            t.status = self.final_status;
            match self.final_status {
                TaskStatus::Failed => {
                    t.raw_status = "failed".into();
                    t.error = Some("Content policy violation".into());
                }
                TaskStatus::TimedOut => t.raw_status = "timeout".into(),
                _ => {
                    t.raw_status = "finished".into();
                    t.progress = Some(100);
                    t.grid_url = Some(format!("http://cdn/{id}.png"));
                }
            }
        } else {
            t.status = TaskStatus::Running;
            t.raw_status = "processing".into();
            t.progress = Some(((*n * 10).min(90)) as u8);
        }
        t
    }

    async fn serve(&self, ids: Vec<String>, many: bool) -> Result<Vec<Task>, ProviderError> {
        self.log.lock().expect("lock").push(Call {
            at: Instant::now(),
            ids: ids.clone(),
            many,
        });
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.latency).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(err) = self.errors.lock().expect("lock").pop_front() {
            return Err(err);
        }
        let poisoned = self.poisoned.lock().expect("lock");
        if let Some(err) = ids.iter().find_map(|id| poisoned.get(id)) {
            return Err(err.clone());
        }
        drop(poisoned);
        let missing = self.missing.lock().expect("lock").clone();
        Ok(ids
            .iter()
            .filter(|id| !(many && missing.contains(*id)))
            .map(|id| self.snapshot(id))
            .collect())
    }
}

impl Poller for Fake {
    fn supports_batch(&self) -> bool {
        self.batch
    }

    fn fetch(&self, id: String) -> PollFuture<'_> {
        Box::pin(self.serve(vec![id], false))
    }

    fn fetch_many(&self, ids: Vec<String>) -> PollFuture<'_> {
        assert!(
            (2..=20).contains(&ids.len()),
            "fetch-many got {} ids",
            ids.len()
        );
        Box::pin(self.serve(ids, true))
    }
}

fn config() -> EngineConfig {
    EngineConfig {
        poll_interval: 5 * SEC,
        jitter: 0.0,
        max_backoff: 60 * SEC,
        ..EngineConfig::default()
    }
}

fn engine_with(cfg: EngineConfig, fake: &Arc<Fake>) -> Engine {
    let engine = Engine::new(cfg);
    engine.register_poller(fake.provider, fake.clone());
    engine
}

fn live_task(id: &str, provider: ProviderKind) -> Task {
    let mut t = Task::new(id, provider, TaskKind::Upscale { index: 2 });
    t.raw_status = "pending".into();
    t
}

/// Waits (on paused time, so instantly) for the next event matching `pred`.
async fn next_event(
    rx: &mut broadcast::Receiver<EngineEvent>,
    pred: impl Fn(&EngineEvent) -> bool,
) -> EngineEvent {
    let deadline = Duration::from_secs(24 * 3600);
    tokio::time::timeout(deadline, async {
        loop {
            match rx.recv().await {
                Ok(ev) if pred(&ev) => return ev,
                Ok(_) => {}
                Err(e) => panic!("event stream broke: {e}"),
            }
        }
    })
    .await
    .expect("event within the (virtual) day")
}

async fn finals(rx: &mut broadcast::Receiver<EngineEvent>, count: usize) -> Vec<EngineEvent> {
    let mut out = Vec::new();
    while out.len() < count {
        out.push(
            next_event(rx, |e| {
                matches!(e.change, TaskChange::Results | TaskChange::Failed)
                    && e.task.status.is_final()
            })
            .await,
        );
    }
    out
}

#[tokio::test(start_paused = true)]
async fn polls_at_the_interval_and_emits_only_real_changes() {
    let fake = Fake::new(ProviderKind::Linkr, 3);
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    let start = Instant::now();
    assert!(engine.watch(live_task("a", ProviderKind::Linkr)));
    assert!(
        !engine.watch(live_task("a", ProviderKind::Linkr)),
        "already watched"
    );
    assert_eq!(engine.running(None), 1);
    assert_eq!(engine.running(Some(ProviderKind::Linkr)), 1);
    assert_eq!(engine.running(Some(ProviderKind::Journey)), 0);

    let mut changes = Vec::new();
    loop {
        let ev = rx.recv().await.expect("event");
        changes.push(ev.change);
        if ev.task.status.is_final() {
            assert_eq!(
                ev.task.kind,
                TaskKind::Upscale { index: 2 },
                "known kind kept"
            );
            assert_eq!(ev.task.grid_url.as_deref(), Some("http://cdn/a.png"));
            break;
        }
    }
    assert_eq!(
        changes,
        [
            TaskChange::Status,
            TaskChange::Progress,
            TaskChange::Results
        ]
    );
    let times: Vec<Duration> = fake.calls().iter().map(|c| c.at - start).collect();
    // A resumed task is polled at once, then every interval (after the 10 ms answer).
    assert_eq!(times.len(), 3);
    assert_eq!(times[0], Duration::ZERO);
    assert_eq!(times[1] - times[0], 5 * SEC + Duration::from_millis(10));
    assert_eq!(times[2] - times[1], 5 * SEC + Duration::from_millis(10));
    assert!(!engine.is_watching("a"));
    assert_eq!(engine.running(None), 0, "a finished task no longer runs");
    assert_eq!(
        engine.get("a").map(|t| t.status),
        Some(TaskStatus::Succeeded)
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_obeyed_and_backoff_grows() {
    let fake = Fake::new(ProviderKind::Linkr, 5);
    fake.fail_next(ProviderError::RateLimited {
        retry_after: Some(30 * SEC),
    });
    fake.fail_next(ProviderError::Unavailable {
        status: 502,
        detail: String::new(),
    });
    fake.fail_next(ProviderError::Network {
        detail: "reset".into(),
    });
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("a", ProviderKind::Linkr));
    let done = finals(&mut rx, 1).await;
    assert_eq!(done[0].task.status, TaskStatus::Succeeded);

    let calls = fake.calls();
    let gaps: Vec<Duration> = calls.windows(2).map(|w| w[1].at - w[0].at).collect();
    let answer = Duration::from_millis(10);
    // 429 with Retry-After 30 s beats the 10 s first backoff step.
    assert_eq!(gaps[0], answer + 30 * SEC);
    // then 502 (second failure): 5 s * 2^2 = 20 s; then a reset (third): 40 s.
    assert_eq!(gaps[1], answer + 20 * SEC);
    assert_eq!(gaps[2], answer + 40 * SEC);
    // success resets the backoff
    assert_eq!(gaps[3], answer + 5 * SEC);
}

#[tokio::test(start_paused = true)]
async fn retry_after_holds_every_task_of_that_provider() {
    let fake = Fake::new(ProviderKind::Linkr, 3).with(|f| f.latency = Duration::ZERO);
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("a", ProviderKind::Linkr));
    // Let "a" be polled once, then rate-limit the next request.
    next_event(&mut rx, |e| e.task.id == "a").await;
    fake.fail_next(ProviderError::RateLimited {
        retry_after: Some(20 * SEC),
    });
    tokio::time::sleep(6 * SEC).await; // "a" polls at 5 s and gets the 429
    let limited_at = fake.calls().last().expect("call").at;
    engine.watch(live_task("b", ProviderKind::Linkr));
    finals(&mut rx, 2).await;
    let b_first = fake
        .calls()
        .into_iter()
        .find(|c| c.ids == ["b"])
        .expect("b polled");
    assert!(
        b_first.at >= limited_at + 20 * SEC,
        "b was polled {:?} after the 429",
        b_first.at - limited_at
    );
}

#[tokio::test(start_paused = true)]
async fn journey_tasks_share_fetch_many_calls_of_at_most_twenty() {
    let fake = Fake::new(ProviderKind::Journey, 3);
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    for i in 0..45 {
        engine.watch(live_task(&format!("j{i:02}"), ProviderKind::Journey));
    }
    let done = finals(&mut rx, 45).await;
    assert!(done.iter().all(|e| e.task.status == TaskStatus::Succeeded));

    let calls = fake.calls();
    // 3 rounds (every task finishes on its 3rd poll), each ceil(45/20) = 3 requests.
    assert_eq!(calls.len(), 9, "{calls:?}");
    for round in calls.chunks(3) {
        let mut sizes: Vec<usize> = round.iter().map(|c| c.ids.len()).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, [5, 20, 20]);
        assert!(round.iter().all(|c| c.many));
        assert!(
            round.iter().all(|c| c.at == round[0].at),
            "one round, one instant"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_lone_journey_task_uses_fetch_and_late_joiners_are_batched() {
    let fake = Fake::new(ProviderKind::Journey, 4);
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("solo", ProviderKind::Journey));
    next_event(&mut rx, |e| e.task.id == "solo").await;
    assert!(!fake.calls()[0].many, "one task: /fetch");
    // A second task arrives 1 s later; it joins "solo"'s next round (within a quarter
    // interval) instead of being polled on its own.
    tokio::time::sleep(SEC).await;
    let mut t = live_task("late", ProviderKind::Journey);
    t.created_at = None;
    engine.watch(t);
    finals(&mut rx, 2).await;
    let calls = fake.calls();
    assert!(
        calls.iter().any(|c| c.many && c.ids.len() == 2),
        "{calls:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn ids_left_out_of_fetch_many_are_fetched_alone() {
    let fake = Fake::new(ProviderKind::Journey, 2);
    fake.missing.lock().expect("lock").insert("gone".into());
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("gone", ProviderKind::Journey));
    engine.watch(live_task("here", ProviderKind::Journey));
    finals(&mut rx, 2).await;
    let calls = fake.calls();
    assert!(calls[0].many);
    assert!(
        calls.iter().any(|c| !c.many && c.ids == ["gone"]),
        "{calls:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn linkr_polls_are_bounded_in_concurrency() {
    let fake = Fake::new(ProviderKind::Linkr, 2).with(|f| f.latency = 2 * SEC);
    let cfg = EngineConfig {
        max_concurrent_fetches: 3,
        ..config()
    };
    let engine = engine_with(cfg, &fake);
    let mut rx = engine.subscribe();
    for i in 0..10 {
        engine.watch(live_task(&format!("l{i}"), ProviderKind::Linkr));
    }
    finals(&mut rx, 10).await;
    assert_eq!(fake.max_in_flight.load(Ordering::SeqCst), 3);
    assert!(fake.calls().iter().all(|c| c.ids.len() == 1 && !c.many));
}

#[tokio::test(start_paused = true)]
async fn the_deadline_times_a_task_out_with_a_sentence() {
    let fake = Fake::new(ProviderKind::Linkr, 1).with(|f| f.never_finish = true);
    let cfg = EngineConfig {
        mode_limits: ModeLimits::uniform(60 * SEC),
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        ..config()
    };
    let engine = engine_with(cfg.clone(), &fake);
    let mut rx = engine.subscribe();
    let start = Instant::now();
    engine.watch(live_task("slow", ProviderKind::Linkr));
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    assert_eq!(
        ev.task.error.as_deref(),
        Some(
            "The provider did not finish this task within 1 minute. Atelier will look again \
             now and then until 24 hours after it was submitted and show the result if it \
             arrives; Check again looks right away."
        )
    );
    assert!(ev.task.recheck_until.is_some(), "re-checked from now on");
    assert_eq!(ev.task.progress, Some(90), "last good data kept");
    let elapsed = Instant::now() - start;
    assert!(elapsed >= 60 * SEC && elapsed < 61 * SEC, "{elapsed:?}");

    // With re-checking off, the engine says it stopped.
    let engine = engine_with(
        EngineConfig {
            recheck_window: Duration::ZERO,
            ..cfg
        },
        &fake,
    );
    let mut rx = engine.subscribe();
    engine.watch(live_task("slow2", ProviderKind::Linkr));
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(
        ev.task.error.as_deref(),
        Some(
            "The provider did not finish this task within 1 minute; it was stopped. Try \
             again, or check the task on the provider's website."
        )
    );
    assert_eq!(ev.task.recheck_until, None);
    assert!(!engine.is_rechecking("slow2"));
}

#[tokio::test(start_paused = true)]
async fn backoff_never_outlives_the_deadline() {
    let fake = Fake::new(ProviderKind::Linkr, 1);
    for _ in 0..10 {
        fake.fail_next(ProviderError::Unavailable {
            status: 503,
            detail: String::new(),
        });
    }
    let cfg = EngineConfig {
        mode_limits: ModeLimits::uniform(30 * SEC),
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        ..config()
    };
    let engine = engine_with(cfg, &fake);
    let mut rx = engine.subscribe();
    let start = Instant::now();
    engine.watch(live_task("x", ProviderKind::Linkr));
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    assert!(Instant::now() - start <= 31 * SEC);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_sentence_names_the_last_failed_poll() {
    let fake = Fake::new(ProviderKind::Linkr, 1);
    fake.poisoned.lock().expect("lock").insert(
        "x".into(),
        ProviderError::Network {
            detail: "could not connect: connection refused".into(),
        },
    );
    let cfg = EngineConfig {
        mode_limits: ModeLimits::uniform(30 * SEC),
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        ..config()
    };
    let engine = engine_with(cfg, &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("x", ProviderKind::Linkr));
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    let error = ev.task.error.unwrap_or_default();
    assert!(
        error.starts_with("Atelier could not get a result for this task within 30 seconds")
            && error.contains("The last check failed: Could not reach the provider"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn unreadable_answers_are_retried_then_fail_the_task() {
    let fake = Fake::new(ProviderKind::Linkr, 2);
    for _ in 0..2 {
        fake.fail_next(ProviderError::malformed("expected JSON but got text/html"));
    }
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("blip", ProviderKind::Linkr));
    let done = finals(&mut rx, 1).await;
    assert_eq!(
        done[0].task.status,
        TaskStatus::Succeeded,
        "two bad answers are survived"
    );
    assert!(done[0].task.error.is_none());

    fake.poisoned.lock().expect("lock").insert(
        "broken".into(),
        ProviderError::malformed("invalid JSON: EOF while parsing"),
    );
    engine.watch(live_task("broken", ProviderKind::Linkr));
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(ev.task.status, TaskStatus::Failed);
    assert!(ev
        .task
        .error
        .as_deref()
        .is_some_and(|e| e.contains("could not read (invalid JSON")));
    let polls = fake.calls().iter().filter(|c| c.ids == ["broken"]).count();
    assert_eq!(polls, 3, "the third unreadable answer in a row fails it");
}

#[tokio::test(start_paused = true)]
async fn a_batch_that_keeps_failing_is_split_so_neighbours_finish() {
    let fake = Fake::new(ProviderKind::Journey, 2);
    fake.poisoned.lock().expect("lock").insert(
        "bad".into(),
        ProviderError::Unavailable {
            status: 500,
            detail: String::new(),
        },
    );
    let cfg = EngineConfig {
        mode_limits: ModeLimits::uniform(10 * 60 * SEC),
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        ..config()
    };
    let engine = engine_with(cfg, &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("bad", ProviderKind::Journey));
    engine.watch(live_task("good", ProviderKind::Journey));
    let ev = next_event(&mut rx, |e| e.task.status.is_final()).await;
    assert_eq!(ev.task.id, "good");
    assert_eq!(ev.task.status, TaskStatus::Succeeded);
    let calls = fake.calls();
    assert!(calls[0].many && calls[1].many, "{calls:?}");
    assert!(calls.iter().any(|c| c.ids == ["good"]), "{calls:?}");
    let ev = next_event(&mut rx, |e| e.task.id == "bad").await;
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    assert!(ev
        .task
        .error
        .as_deref()
        .is_some_and(|e| e.contains("unavailable right now (HTTP 500)")));
}

#[tokio::test(start_paused = true)]
async fn a_permanent_error_fails_the_task_keeping_its_data() {
    let fake = Fake::new(ProviderKind::Linkr, 5);
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("a", ProviderKind::Linkr));
    next_event(&mut rx, |e| e.task.progress == Some(10)).await;
    fake.fail_next(ProviderError::NotFound {
        what: "Task not found or does not belong to your hold".into(),
    });
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(ev.task.status, TaskStatus::Failed);
    assert_eq!(ev.task.progress, Some(10));
    assert!(ev
        .task
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("Not found: Task not found")));
    assert!(!engine.is_watching("a"));
}

#[tokio::test(start_paused = true)]
async fn a_refused_batch_is_split_so_one_bad_id_fails_alone() {
    let fake = Fake::new(ProviderKind::Journey, 2);
    fake.fail_next(ProviderError::Rejected {
        status: 400,
        detail: "bad id".into(),
    });
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("a", ProviderKind::Journey));
    engine.watch(live_task("b", ProviderKind::Journey));
    let done = finals(&mut rx, 2).await;
    assert!(done.iter().all(|e| e.task.status == TaskStatus::Succeeded));
    assert!(fake.calls().iter().skip(1).any(|c| !c.many));
}

#[tokio::test(start_paused = true)]
async fn unauthorized_fails_every_task_in_the_batch() {
    let fake = Fake::new(ProviderKind::Journey, 3);
    fake.fail_next(ProviderError::Unauthorized);
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("a", ProviderKind::Journey));
    engine.watch(live_task("b", ProviderKind::Journey));
    let done = finals(&mut rx, 2).await;
    for ev in done {
        assert_eq!(ev.task.status, TaskStatus::Failed);
        assert_eq!(
            ev.task.error.as_deref(),
            Some("The API key was rejected. Check it in Settings.")
        );
    }
}

#[tokio::test(start_paused = true)]
async fn cancel_stops_polling_and_says_so_once() {
    let fake = Fake::new(ProviderKind::Linkr, 100);
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("a", ProviderKind::Linkr));
    next_event(&mut rx, |e| e.task.id == "a").await;
    assert!(engine.cancel("a"));
    assert!(!engine.cancel("a"));
    let ev = rx.recv().await.expect("cancelled event");
    assert_eq!(ev.change, TaskChange::Cancelled);
    let polls = fake.calls().len();
    tokio::time::sleep(60 * SEC).await;
    assert_eq!(fake.calls().len(), polls, "no poll after cancel");
    assert!(rx.try_recv().is_err(), "no event after Cancelled");
    assert_eq!(engine.get("a").map(|t| t.status), Some(TaskStatus::Running));
}

#[tokio::test(start_paused = true)]
async fn tasks_wait_for_a_client_and_resume_with_a_new_one() {
    let fake = Fake::new(ProviderKind::Linkr, 1);
    let engine = Engine::new(config());
    let mut rx = engine.subscribe();
    engine.watch(live_task("a", ProviderKind::Linkr));
    tokio::time::sleep(12 * SEC).await;
    assert!(fake.calls().is_empty());
    engine.register_poller(ProviderKind::Linkr, fake.clone());
    let done = finals(&mut rx, 1).await;
    assert_eq!(done[0].task.status, TaskStatus::Succeeded);
}

#[tokio::test(start_paused = true)]
async fn resumed_tasks_past_their_deadline_get_one_last_poll() {
    let fake = Fake::new(ProviderKind::Journey, 1);
    let engine = engine_with(config(), &fake);
    let mut rx = engine.subscribe();
    let mut old = live_task("old", ProviderKind::Journey);
    old.created_at = Some(chrono::Utc::now() - chrono::Duration::hours(2));
    engine.watch(old);
    let done = finals(&mut rx, 1).await;
    assert_eq!(
        done[0].task.status,
        TaskStatus::Succeeded,
        "finished meanwhile"
    );

    let stuck = Fake::new(ProviderKind::Linkr, 1).with(|f| f.never_finish = true);
    engine.register_poller(ProviderKind::Linkr, stuck.clone());
    let mut old = live_task("stuck", ProviderKind::Linkr);
    old.created_at = Some(chrono::Utc::now() - chrono::Duration::hours(2));
    engine.watch(old);
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    assert_eq!(stuck.calls().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn set_poll_interval_is_clamped_and_used() {
    let fake = Fake::new(ProviderKind::Linkr, 3).with(|f| f.latency = Duration::ZERO);
    let engine = engine_with(config(), &fake);
    assert_eq!(engine.set_poll_interval(SEC), 5 * SEC);
    assert_eq!(engine.set_poll_interval(60 * SEC), 10 * SEC);
    assert_eq!(engine.poll_interval(), 10 * SEC);
    let mut rx = engine.subscribe();
    engine.watch(live_task("a", ProviderKind::Linkr));
    finals(&mut rx, 1).await;
    let calls = fake.calls();
    assert_eq!(calls[1].at - calls[0].at, 10 * SEC);
}

#[tokio::test(start_paused = true)]
async fn finished_tasks_are_remembered_not_watched_and_listed_newest_first() {
    let engine = Engine::new(config());
    let mut done = live_task("done", ProviderKind::Linkr);
    done.status = TaskStatus::Succeeded;
    done.created_at = Some(chrono::Utc::now() - chrono::Duration::minutes(5));
    assert!(!engine.watch(done));
    let mut newer = live_task("newer", ProviderKind::Linkr);
    newer.status = TaskStatus::Failed;
    newer.created_at = Some(chrono::Utc::now());
    engine.watch(newer);
    let ids: Vec<String> = engine.list().into_iter().map(|t| t.id).collect();
    assert_eq!(ids, ["newer", "done"]);
    assert!(!engine.is_watching("done"));
    assert!(!engine.cancel("done"));
}

/// The smallest gap between two polls of the same task, over every request a fake received.
fn smallest_gap(calls: &[Call]) -> (Duration, usize) {
    let mut last: HashMap<&str, Instant> = HashMap::new();
    let mut smallest = Duration::MAX;
    let mut pairs = 0;
    for call in calls {
        for id in &call.ids {
            if let Some(before) = last.insert(id, call.at) {
                smallest = smallest.min(call.at - before);
                pairs += 1;
            }
        }
    }
    (smallest, pairs)
}

#[tokio::test(start_paused = true)]
async fn no_task_is_polled_sooner_than_the_interval_after_its_previous_poll() {
    let linkr = Fake::new(ProviderKind::Linkr, 1).with(|f| {
        f.never_finish = true;
        f.latency = Duration::from_millis(137);
    });
    let journey = Fake::new(ProviderKind::Journey, 1).with(|f| {
        f.never_finish = true;
        f.latency = Duration::from_millis(93);
    });
    // Production pacing (5 s with real random jitter, batches of 20, 4 requests in flight),
    // but short deadlines and a brisk re-check, so live polls, re-checks and "Check again"
    // all mix: `--turbo` tasks time out after 60 s, the others after 100 s, then are
    // re-checked every 6 s.
    let cfg = EngineConfig {
        mode_limits: ModeLimits {
            turbo: 60 * SEC,
            fast: 100 * SEC,
            relax: 3600 * SEC,
        },
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        recheck_interval: 6 * SEC,
        ..EngineConfig::default()
    };
    let engine = Engine::new(cfg);
    engine.register_poller(ProviderKind::Linkr, linkr.clone());
    engine.register_poller(ProviderKind::Journey, journey.clone());

    // 60 tasks per provider arrive in waves over the first ~20 s, so JourneyAPI batches
    // keep meeting neighbours whose own interval has not quite run out.
    for i in 0..60 {
        for (id, provider) in [
            (format!("l{i:02}"), ProviderKind::Linkr),
            (format!("j{i:02}"), ProviderKind::Journey),
        ] {
            let mut task = live_task(&id, provider);
            if i % 3 == 0 {
                task.prompt = Some("a storm --turbo".into());
            }
            engine.watch(task);
        }
        tokio::time::sleep(Duration::from_millis(337)).await;
    }
    // Over six simulated minutes: sprinkle errors (backoff, Retry-After, split batches),
    // change the interval back and forth, and cancel + watch again right after a poll.
    for round in 0..36u32 {
        match round % 4 {
            0 => {
                linkr.fail_next(ProviderError::Unavailable {
                    status: 503,
                    detail: String::new(),
                });
                journey.fail_next(ProviderError::RateLimited {
                    retry_after: Some(7 * SEC),
                });
            }
            1 => journey.fail_next(ProviderError::Rejected {
                status: 400,
                detail: "bad id".into(),
            }),
            2 => {
                engine.set_poll_interval(7 * SEC);
            }
            _ => {
                engine.set_poll_interval(5 * SEC);
                for id in ["l07", "j07", "j31"] {
                    if let Some(task) = engine.get(id) {
                        engine.cancel(id);
                        engine.watch(task);
                    }
                }
                for id in ["l11", "j11", "j40", "j41"] {
                    let engine = engine.clone();
                    tokio::spawn(async move { engine.check_now(id).await });
                }
            }
        }
        tokio::time::sleep(10 * SEC + Duration::from_millis(u64::from(round) * 41)).await;
    }

    assert!(engine.is_rechecking("j40") && engine.is_rechecking("l12"));
    let (linkr_gap, linkr_pairs) = smallest_gap(&linkr.calls());
    let (journey_gap, journey_pairs) = smallest_gap(&journey.calls());
    assert!(
        linkr_pairs > 2000 && journey_pairs > 2000,
        "{linkr_pairs} {journey_pairs}"
    );
    assert!(linkr_gap >= 5 * SEC, "LinkrAPI: {linkr_gap:?}");
    assert!(journey_gap >= 5 * SEC, "JourneyAPI: {journey_gap:?}");
    // Pacing did not cost the batching: most JourneyAPI task polls still share /fetch-many.
    let calls = journey.calls();
    let in_batches: usize = calls.iter().filter(|c| c.many).map(|c| c.ids.len()).sum();
    let alone = calls.iter().filter(|c| !c.many).count();
    assert!(
        in_batches > 9 * alone,
        "{in_batches} task polls in batches, {alone} alone"
    );
}

#[tokio::test(start_paused = true)]
async fn a_linkr_created_at_hours_off_changes_neither_created_at_nor_deadline() {
    let off = chrono::Utc::now() - chrono::Duration::hours(5);
    let fake = Fake::new(ProviderKind::Linkr, 1).with(|f| {
        f.never_finish = true;
        f.created_at = Some(off);
    });
    let cfg = EngineConfig {
        mode_limits: ModeLimits::uniform(60 * SEC),
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        ..config()
    };
    let engine = engine_with(cfg.clone(), &fake);
    let mut rx = engine.subscribe();
    let local = chrono::Utc::now();
    let mut task = live_task("a", ProviderKind::Linkr);
    task.created_at = Some(local);
    let start = Instant::now();
    engine.watch(task);
    let ev = next_event(&mut rx, |e| e.task.progress == Some(10)).await;
    assert_eq!(ev.task.created_at, Some(local), "the fetch did not move it");

    // After a restart, the stored copy resumes with its full deadline left, not 5 h late.
    let stored = engine.get("a").expect("known");
    assert_eq!(stored.created_at, Some(local));
    drop(engine);
    let engine = engine_with(cfg, &fake);
    let mut rx = engine.subscribe();
    assert!(engine.watch(stored));
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    assert_eq!(ev.task.created_at, Some(local));
    let elapsed = Instant::now() - start;
    assert!(elapsed >= 60 * SEC && elapsed < 61 * SEC, "{elapsed:?}");
    assert!(
        fake.calls().len() > 10,
        "polled all along, not timed out at once"
    );
}

#[tokio::test(start_paused = true)]
async fn deadlines_follow_the_prompts_mode_else_the_default_mode() {
    let fake = Fake::new(ProviderKind::Journey, 1).with(|f| f.never_finish = true);
    let cfg = EngineConfig {
        mode_limits: ModeLimits {
            turbo: 60 * SEC,
            fast: 120 * SEC,
            relax: 300 * SEC,
        },
        deadline_margin: 10 * SEC,
        deadline_margin_ratio: 0.2,
        ..config()
    };
    let engine = engine_with(cfg, &fake);
    assert_eq!(engine.default_mode(), MidjourneyMode::Fast);
    let mut rx = engine.subscribe();
    let start = Instant::now();
    let mut turbo = live_task("turbo", ProviderKind::Journey);
    turbo.prompt = Some("a fox --relax --TURBO".into());
    engine.watch(turbo);
    let mut plain = live_task("plain", ProviderKind::Journey);
    plain.prompt = Some("a fox".into());
    engine.watch(plain.clone());
    engine.set_default_mode(MidjourneyMode::Relax);
    assert_eq!(engine.default_mode(), MidjourneyMode::Relax);
    assert_eq!(engine.deadline_for(&plain), 360 * SEC, "300 s + 20 %");
    let mut relaxed = live_task("relaxed", ProviderKind::Journey);
    relaxed.prompt = Some("a fox --ar 3:2".into());
    engine.watch(relaxed);

    let mut timed_out = Vec::new();
    for _ in 0..3 {
        let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
        assert_eq!(ev.task.status, TaskStatus::TimedOut);
        timed_out.push((ev.task.id, Instant::now() - start));
    }
    let at = |id: &str| {
        timed_out
            .iter()
            .find(|(t, _)| t == id)
            .map(|(_, d)| *d)
            .expect("timed out")
    };
    // limit + max(20 %, 10 s): turbo 60 + 12, fast 120 + 24, relax 300 + 60.
    for (id, secs) in [("turbo", 72), ("plain", 144), ("relaxed", 360)] {
        let d = at(id);
        assert!(
            d >= secs * SEC && d < (secs + 1) * SEC,
            "{id} timed out after {d:?}"
        );
    }
}

/// Pacing for the re-check tests: a 60 s deadline, a re-check every 60 s.
fn recheck_config() -> EngineConfig {
    EngineConfig {
        mode_limits: ModeLimits::uniform(60 * SEC),
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        recheck_interval: 60 * SEC,
        ..config()
    }
}

/// Every event until `until` (virtual time) has passed.
async fn events_for(rx: &mut broadcast::Receiver<EngineEvent>, span: Duration) -> Vec<EngineEvent> {
    let mut out = Vec::new();
    let end = Instant::now() + span;
    while let Ok(got) = tokio::time::timeout_at(end, rx.recv()).await {
        out.push(got.expect("event stream"));
    }
    out
}

/// A TimedOut task as storage would hold it after the app gave up on it.
fn stored_timed_out(
    id: &str,
    provider: ProviderKind,
    until: chrono::DateTime<chrono::Utc>,
) -> Task {
    let mut t = live_task(id, provider);
    t.status = TaskStatus::TimedOut;
    t.raw_status = "processing".into();
    t.progress = Some(60);
    t.error = Some("gave up".into());
    t.created_at = Some(until - chrono::Duration::hours(24));
    t.recheck_until = Some(until);
    t
}

#[tokio::test(start_paused = true)]
async fn after_the_apps_deadline_a_task_is_rechecked_quietly_and_its_late_result_arrives() {
    // Polled at 0, 5, ..., 55 s (12 polls), timed out at 60 s, re-checked at 120, 180, 240 s
    // and 300 s, when its 16th poll finds it finished.
    let fake = Fake::new(ProviderKind::Linkr, 16).with(|f| f.latency = Duration::ZERO);
    let engine = engine_with(recheck_config(), &fake);
    let mut rx = engine.subscribe();
    let start = Instant::now();
    let mut task = live_task("a", ProviderKind::Linkr);
    task.created_at = Some(chrono::Utc::now());
    engine.watch(task);
    let events = events_for(&mut rx, 400 * SEC).await;
    let changes: Vec<TaskChange> = events.iter().map(|e| e.change).collect();
    let failed = events
        .iter()
        .position(|e| e.change == TaskChange::Failed)
        .expect("timed out");
    assert_eq!(
        changes[failed..],
        [TaskChange::Failed, TaskChange::Results],
        "nothing between the deadline and the late result: {changes:?}"
    );
    let gave_up = &events[failed].task;
    assert_eq!(gave_up.status, TaskStatus::TimedOut);
    let created = gave_up.created_at.expect("local submit time");
    assert_eq!(
        gave_up.recheck_until,
        Some(created + chrono::Duration::hours(24))
    );
    assert!(!gave_up.finished_late);

    let late = &events[failed + 1].task;
    assert_eq!(late.status, TaskStatus::Succeeded);
    assert!(late.finished_late);
    assert_eq!(late.recheck_until, None);
    assert_eq!(late.error, None, "the deadline sentence is gone");
    assert_eq!(late.grid_url.as_deref(), Some("http://cdn/a.png"));
    assert_eq!(engine.get("a").as_ref(), Some(late));
    assert!(!engine.is_rechecking("a") && !engine.is_watching("a"));

    let polls: Vec<Duration> = fake.polls_of("a").iter().map(|t| *t - start).collect();
    assert_eq!(polls.len(), 16, "{polls:?}");
    assert_eq!(polls[11], 55 * SEC);
    let rechecks = &polls[12..];
    assert_eq!(rechecks, [120 * SEC, 180 * SEC, 240 * SEC, 300 * SEC]);
}

#[tokio::test(start_paused = true)]
async fn a_late_failure_is_announced_as_failed_and_quiet_errors_announce_nothing() {
    let fake = Fake::new(ProviderKind::Journey, 15).with(|f| {
        f.final_status = TaskStatus::Failed;
        f.latency = Duration::ZERO;
    });
    let engine = engine_with(recheck_config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("j", ProviderKind::Journey));
    next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert!(engine.is_rechecking("j"));
    // Two re-checks fail (a 503, then a 404): nothing is announced and re-checking goes on.
    fake.fail_next(ProviderError::Unavailable {
        status: 503,
        detail: String::new(),
    });
    fake.fail_next(ProviderError::NotFound {
        what: "gone?".into(),
    });
    let events = events_for(&mut rx, 400 * SEC).await;
    let changes: Vec<TaskChange> = events.iter().map(|e| e.change).collect();
    assert_eq!(changes, [TaskChange::Failed], "{events:?}");
    let done = &events[0].task;
    assert_eq!(done.status, TaskStatus::Failed);
    assert_eq!(done.error.as_deref(), Some("Content policy violation"));
    assert_eq!(done.recheck_until, None);
    assert!(!done.finished_late);
    assert!(!engine.is_rechecking("j"));
}

#[tokio::test(start_paused = true)]
async fn the_providers_own_timeout_is_final_and_never_rechecked() {
    let fake = Fake::new(ProviderKind::Linkr, 3).with(|f| f.final_status = TaskStatus::TimedOut);
    let engine = engine_with(recheck_config(), &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("t", ProviderKind::Linkr));
    let ev = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    assert_eq!(ev.task.status, TaskStatus::TimedOut);
    assert_eq!(ev.task.raw_status, "timeout");
    assert_eq!(ev.task.recheck_until, None);
    assert!(!engine.is_rechecking("t"));
    // "Check again" has nothing to ask, and a stored copy is not re-checked.
    let polls = fake.calls().len();
    let same = engine.check_now("t").await.expect("known");
    assert_eq!(same, ev.task);
    let mut stored = ev.task.clone();
    stored.recheck_until = Some(chrono::Utc::now() + chrono::Duration::hours(1));
    assert!(!engine.recheck(stored));
    tokio::time::sleep(30 * 60 * SEC).await;
    assert_eq!(fake.calls().len(), polls);
    assert!(rx.try_recv().is_err());
}

#[tokio::test(start_paused = true)]
async fn the_recheck_window_closes_with_one_status_event() {
    let fake = Fake::new(ProviderKind::Linkr, 1).with(|f| f.never_finish = true);
    let cfg = EngineConfig {
        recheck_window: 5 * 60 * SEC,
        ..recheck_config()
    };
    let engine = engine_with(cfg, &fake);
    let mut rx = engine.subscribe();
    let start = Instant::now();
    let mut task = live_task("w", ProviderKind::Linkr);
    task.created_at = Some(chrono::Utc::now());
    engine.watch(task);
    let events = events_for(&mut rx, 60 * 60 * SEC).await;
    let tail: Vec<(TaskChange, TaskStatus)> = events
        .iter()
        .skip_while(|e| e.change != TaskChange::Failed)
        .map(|e| (e.change, e.task.status))
        .collect();
    assert_eq!(
        tail,
        [
            (TaskChange::Failed, TaskStatus::TimedOut),
            (TaskChange::Status, TaskStatus::TimedOut)
        ]
    );
    let closed = &events[events.len() - 1].task;
    assert_eq!(closed.recheck_until, None);
    assert!(closed.error.is_some(), "the deadline sentence stays");
    assert!(!engine.is_rechecking("w"));
    let polls = fake.polls_of("w");
    let last = *polls.last().expect("polled") - start;
    assert!(last < 5 * 60 * SEC, "no poll after the window: {last:?}");
    assert_eq!(
        polls.iter().filter(|t| **t - start >= 60 * SEC).count(),
        3,
        "re-checked at 2, 3 and 4 minutes; the window closes at 5: {polls:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn recheck_resumes_a_stored_timed_out_task_and_refuses_the_rest() {
    let fake = Fake::new(ProviderKind::Journey, 2).with(|f| f.latency = Duration::ZERO);
    let engine = engine_with(recheck_config(), &fake);
    let mut rx = engine.subscribe();
    let start = Instant::now();
    let ahead = chrono::Utc::now() + chrono::Duration::hours(2);
    assert!(engine.recheck(stored_timed_out("r", ProviderKind::Journey, ahead)));
    assert!(engine.is_rechecking("r"));
    assert!(
        !engine.recheck(stored_timed_out("r", ProviderKind::Journey, ahead)),
        "already re-checked"
    );
    assert!(!engine.watch(stored_timed_out("r", ProviderKind::Journey, ahead)));
    // watch() hands such a task to recheck() too.
    assert!(engine.watch(stored_timed_out("w", ProviderKind::Journey, ahead)));
    assert!(engine.is_rechecking("w"));

    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    assert!(!engine.recheck(stored_timed_out("old", ProviderKind::Journey, past)));
    assert!(
        engine.get("old").is_none(),
        "recheck() remembers nothing it refuses"
    );
    // watch() remembers it, window closed, so "Check again" still works on it.
    assert!(!engine.watch(stored_timed_out("old", ProviderKind::Journey, past)));
    let old = engine.get("old").expect("remembered");
    assert_eq!(old.recheck_until, None);
    assert!(!engine.is_rechecking("old"));
    let mut none = stored_timed_out("none", ProviderKind::Journey, ahead);
    none.recheck_until = None;
    assert!(!engine.recheck(none));
    let mut provider = stored_timed_out("prov", ProviderKind::Journey, ahead);
    provider.raw_status = "timeout".into();
    assert!(!engine.recheck(provider));
    let mut done = stored_timed_out("done", ProviderKind::Journey, ahead);
    done.status = TaskStatus::Succeeded;
    assert!(!engine.recheck(done));
    assert!(!engine.recheck(live_task("live", ProviderKind::Journey)));

    // The first re-check comes after one interval (r and w together), the next a re-check
    // interval later, when both have finished.
    let done = finals(&mut rx, 2).await;
    for ev in &done {
        assert_eq!(ev.change, TaskChange::Results);
        assert!(ev.task.finished_late);
        assert_eq!(ev.task.recheck_until, None);
    }
    let calls = fake.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls.iter().all(|c| c.many && c.ids.len() == 2));
    assert_eq!(calls[0].at - start, 5 * SEC);
    assert_eq!(calls[1].at - calls[0].at, 60 * SEC);
}

#[tokio::test(start_paused = true)]
async fn check_now_fetches_once_merges_and_ends_rechecking_when_final() {
    // Answers take 10 ms: polls at 0, 5.01, ..., 55.11 s; the deadline comes at 60 s.
    let fake = Fake::new(ProviderKind::Journey, 1).with(|f| f.never_finish = true);
    let engine = engine_with(recheck_config(), &fake);
    let mut rx = engine.subscribe();
    let unknown = engine.check_now("nobody").await;
    assert!(
        matches!(unknown, Err(ProviderError::NotFound { .. })),
        "{unknown:?}"
    );

    engine.watch(live_task("c", ProviderKind::Journey));
    let gave_up = next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    let before = fake.calls().len();
    let last_poll = *fake.polls_of("c").last().expect("polled");
    assert!(
        Instant::now() - last_poll < 5 * SEC,
        "polled just before the deadline"
    );

    // Still running: one fetch as soon as the 5 s since the last poll allow, no event, the
    // task comes back TimedOut with the new progress, and re-checking goes on.
    let task = engine.check_now("c").await.expect("checked");
    let calls = fake.calls();
    assert_eq!(calls.len(), before + 1);
    let check = calls.last().expect("call");
    assert_eq!(check.ids, ["c"]);
    assert!(!check.many);
    assert_eq!(check.at, last_poll + 5 * SEC, "right away, but paced");
    assert_eq!(task.status, TaskStatus::TimedOut);
    assert_eq!(task.recheck_until, gave_up.task.recheck_until);
    assert_eq!(task.error, gave_up.task.error);
    assert_eq!(task.progress, Some(90));
    assert_eq!(engine.get("c"), Some(task));
    assert!(rx.try_recv().is_err(), "quiet");
    assert!(engine.is_rechecking("c"));

    // Final: announced exactly like a re-check's late result, and re-checking stops.
    tokio::time::sleep(10 * SEC).await;
    fake.finish("c");
    let at = Instant::now();
    let task = engine.check_now("c").await.expect("checked");
    assert_eq!(fake.calls().last().expect("call").at, at, "at once");
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert!(task.finished_late);
    assert_eq!(task.recheck_until, None);
    let ev = rx.try_recv().expect("results");
    assert_eq!(ev.change, TaskChange::Results);
    assert_eq!(ev.task, task);
    assert!(!engine.is_rechecking("c"));
    // A finished task is returned as it is.
    let polls = fake.calls().len();
    assert_eq!(engine.check_now("c").await.expect("known"), task);
    tokio::time::sleep(30 * 60 * SEC).await;
    assert_eq!(fake.calls().len(), polls);
}

#[tokio::test(start_paused = true)]
async fn check_now_works_after_the_window_closed_and_reports_fetch_errors() {
    let fake = Fake::new(ProviderKind::Linkr, 1).with(|f| {
        f.never_finish = true;
        f.latency = Duration::ZERO;
    });
    let engine = engine_with(recheck_config(), &fake);
    let mut rx = engine.subscribe();
    let mut closed = stored_timed_out("x", ProviderKind::Linkr, chrono::Utc::now());
    closed.recheck_until = None;
    assert!(!engine.watch(closed.clone()), "only remembered");
    fake.fail_next(ProviderError::Unavailable {
        status: 502,
        detail: String::new(),
    });
    let err = engine.check_now("x").await;
    assert!(
        matches!(err, Err(ProviderError::Unavailable { status: 502, .. })),
        "{err:?}"
    );
    tokio::time::sleep(5 * SEC).await;
    let task = engine.check_now("x").await.expect("checked");
    assert_eq!(task.status, TaskStatus::TimedOut);
    assert_eq!(task.progress, Some(10), "the first answer after the error");
    assert_eq!(task.recheck_until, None, "not re-checked again");
    assert!(!engine.is_rechecking("x"));
    tokio::time::sleep(5 * SEC).await;
    fake.finish("x");
    let task = engine.check_now("x").await.expect("checked");
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert!(task.finished_late);
    assert_eq!(rx.try_recv().expect("results").change, TaskChange::Results);
    assert_eq!(fake.calls().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn journey_rechecks_share_fetch_many_batches_with_live_polls() {
    let fake = Fake::new(ProviderKind::Journey, 1).with(|f| f.never_finish = true);
    let cfg = EngineConfig {
        mode_limits: ModeLimits::uniform(30 * SEC),
        recheck_interval: 10 * SEC,
        ..recheck_config()
    };
    let engine = engine_with(cfg, &fake);
    let mut rx = engine.subscribe();
    engine.watch(live_task("old", ProviderKind::Journey));
    next_event(&mut rx, |e| e.change == TaskChange::Failed).await;
    let timed_out_at = Instant::now();
    engine.watch(live_task("new", ProviderKind::Journey));
    let events = events_for(&mut rx, 120 * SEC).await;
    assert!(
        events.iter().all(|e| e.task.id == "new"),
        "the re-checked task stays quiet"
    );
    let shared = fake
        .calls()
        .into_iter()
        .filter(|c| c.at > timed_out_at && c.many)
        .filter(|c| c.ids.iter().any(|i| i == "old") && c.ids.iter().any(|i| i == "new"))
        .count();
    assert!(shared >= 3, "{:?}", fake.calls());
    // Re-checks keep their own pace in the shared batches (joining one may bring a re-check
    // forward by at most the batch window, a quarter interval).
    let old: Vec<Instant> = fake.polls_of("old");
    let rechecks: Vec<&Instant> = old.iter().filter(|t| **t > timed_out_at).collect();
    let window = Duration::from_millis(1250);
    assert!(
        rechecks
            .windows(2)
            .all(|w| *w[1] - *w[0] >= 10 * SEC - window),
        "{rechecks:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_removed_client_gets_no_more_polls_and_its_tasks_wait_without_failing() {
    // Answers take 3 s, so requests are in flight when the client goes.
    let linkr = Fake::new(ProviderKind::Linkr, 8).with(|f| f.latency = 3 * SEC);
    let journey = Fake::new(ProviderKind::Journey, 8).with(|f| f.latency = 3 * SEC);
    let cfg = EngineConfig {
        mode_limits: ModeLimits {
            turbo: 60 * SEC,
            fast: 30 * 60 * SEC,
            relax: 30 * 60 * SEC,
        },
        deadline_margin: Duration::ZERO,
        deadline_margin_ratio: 0.0,
        ..config()
    };
    let engine = Engine::new(cfg);
    engine.register_poller(ProviderKind::Linkr, linkr.clone());
    engine.register_poller(ProviderKind::Journey, journey.clone());
    let mut rx = engine.subscribe();
    // A backoff retry: the first LinkrAPI answer is a 503 (retry 10 s later).
    linkr.fail_next(ProviderError::Unavailable {
        status: 503,
        detail: String::new(),
    });
    for i in 0..3 {
        engine.watch(live_task(&format!("l{i}"), ProviderKind::Linkr));
    }
    for i in 0..4 {
        engine.watch(live_task(&format!("j{i}"), ProviderKind::Journey));
    }
    // Its deadline runs while the client is away (60 s).
    let mut turbo = live_task("jt", ProviderKind::Journey);
    turbo.prompt = Some("a comet --turbo".into());
    engine.watch(turbo);

    // At 9 s: a JourneyAPI batch is in flight (sent at 8 s), "l0" waits out its backoff.
    tokio::time::sleep(9 * SEC).await;
    assert!(journey.in_flight.load(Ordering::SeqCst) > 0);
    while rx.try_recv().is_ok() {}
    assert!(
        !engine.remove_client(ProviderKind::Linkr),
        "only a poller was set"
    );
    engine.remove_client(ProviderKind::Journey);
    let removed = Instant::now();
    let check = engine.check_now("j1").await;
    assert!(
        matches!(check, Err(ProviderError::InvalidInput { .. })),
        "{check:?}"
    );

    let away = events_for(&mut rx, 10 * 60 * SEC).await;
    let after = |fake: &Fake| fake.calls().iter().filter(|c| c.at >= removed).count();
    assert_eq!(after(&linkr), 0, "no LinkrAPI request after removal");
    assert_eq!(after(&journey), 0, "no JourneyAPI request after removal");
    // Nothing was announced for the aborted batch, nobody failed for want of a client; only
    // the turbo task reached its deadline.
    let seen: Vec<(TaskChange, &str, TaskStatus)> = away
        .iter()
        .map(|e| (e.change, e.task.id.as_str(), e.task.status))
        .collect();
    assert_eq!(seen, [(TaskChange::Failed, "jt", TaskStatus::TimedOut)]);
    let sentence = away
        .iter()
        .find(|e| e.task.id == "jt" && e.change == TaskChange::Failed)
        .and_then(|e| e.task.error.clone())
        .unwrap_or_default();
    assert!(
        sentence.starts_with("The provider did not finish"),
        "{sentence}"
    );
    for id in ["l0", "l1", "l2", "j0", "j1", "j2", "j3"] {
        assert!(engine.is_watching(id), "{id} still waits");
    }
    assert!(engine.is_rechecking("jt"));

    // A new client: every task goes on from where it was, at the normal pace (no backoff
    // was counted while away), and finishes.
    engine.register_poller(ProviderKind::Linkr, linkr.clone());
    engine.register_poller(ProviderKind::Journey, journey.clone());
    let back = Instant::now();
    let done = finals(&mut rx, 7).await;
    assert!(done.iter().all(|e| e.task.status == TaskStatus::Succeeded));
    let first_back = linkr
        .calls()
        .iter()
        .map(|c| c.at)
        .filter(|at| *at >= back)
        .min()
        .expect("polled again");
    assert!(first_back - back <= 5 * SEC, "{:?}", first_back - back);
}
