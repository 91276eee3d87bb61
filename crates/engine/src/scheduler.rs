//! The one scheduler: a single tokio task that owns the next-poll instant of every live task
//! (a min-heap), starts the poll requests when they come due, and applies what comes back.
//!
//! - Each watched task has one slot: waiting (with a due instant in the heap), ready (due,
//!   waiting for a free request slot or the end of a rate-limit hold), or in flight.
//! - No task is ever polled sooner than the poll interval after its previous poll (both
//!   providers ask for 5-10 s): jitter only lengthens a delay, and every request start is
//!   checked against the task's last poll (see `earliest`).
//! - JourneyAPI tasks are polled together: when one is due, every JourneyAPI task due within a
//!   quarter interval may join it, but only once its own interval since its last poll has
//!   passed. If a neighbour needs a little longer, the due tasks wait for it (once, at most a
//!   quarter interval) rather than pulling it in early. They go out as `/fetch-many` calls of
//!   up to 20 ids (a lone task uses `/fetch`). Tasks polled together share their next due
//!   instant, so they stay in step. A task backing off from errors is never pulled in early.
//!   LinkrAPI has no batch call: one `/fetch` per task.
//! - At most `max_concurrent_fetches` requests per provider are in flight.
//! - A retryable error (429, 5xx, network, timeout) backs the task off exponentially; a
//!   `Retry-After` also holds every request to that provider until it has passed. An answer
//!   that cannot be read (malformed, wrong content type, too big) is retried the same way,
//!   since a poll is only a read and a proxy's hiccup must not cost a running task; the
//!   third failure in a row with such an answer fails the task.
//! - A batch that fails twice in a row (other than by a rate limit) is split into single
//!   fetches, so one task whose fetch keeps breaking cannot hold its neighbours back.
//! - Other errors fail the task (a failed batch is first split into single fetches, so one
//!   bad id cannot fail its neighbours). A task still unfinished at its deadline is timed out,
//!   with the last poll's error in the sentence when that poll failed.
//!
//! All times are `tokio::time::Instant`, so unit tests can run it on paused time.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use atelier_providers::{ProviderError, ProviderKind, Task, TaskStatus};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{sleep_until, Instant};

use crate::config::EngineConfig;
use crate::poller::Poller;
use crate::registry::Registry;
use crate::timing::{backoff, deadline_sentence, jittered};

/// How far ahead (as a fraction of the interval) a JourneyAPI task may be polled early to
/// share a `/fetch-many` call with a task that is due now.
const BATCH_WINDOW: f64 = 0.25;

/// A task fails when this many polls in a row failed, the last with an unreadable answer.
const MAX_UNREADABLE: u32 = 3;

/// A batch whose tasks failed this many polls in a row is split into single fetches.
const SPLIT_AFTER: u32 = 2;

/// Both providers, in the order requests are started.
const PROVIDERS: [ProviderKind; 2] = [ProviderKind::Linkr, ProviderKind::Journey];

/// The pollers the scheduler reads from, swappable at runtime.
pub(crate) type Pollers = Arc<RwLock<HashMap<ProviderKind, Arc<dyn Poller>>>>;

/// The poll interval, shared with the engine so settings can change it at runtime.
#[derive(Debug, Default)]
pub(crate) struct SharedInterval(AtomicU64);

impl SharedInterval {
    /// A shared interval starting at `d`.
    pub(crate) fn new(d: Duration) -> Self {
        let s = Self::default();
        s.set(d);
        s
    }

    /// The current interval.
    pub(crate) fn get(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }

    /// Replaces the interval (affects every poll scheduled from now on).
    pub(crate) fn set(&self, d: Duration) {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.0.store(nanos, Ordering::Relaxed);
    }
}

/// What the engine asks of the scheduler.
#[derive(Debug)]
pub(crate) enum Command {
    /// Start watching a task (already in the registry, marked as watched).
    Watch {
        /// The task id.
        id: String,
        /// Where it lives.
        provider: ProviderKind,
        /// When to poll it first.
        first_poll: Instant,
        /// When to give up on it.
        deadline: Instant,
        /// The configured deadline length, for the sentence.
        deadline_len: Duration,
    },
    /// Stop watching a task (the registry has already announced it).
    Cancel {
        /// The task id.
        id: String,
    },
}

/// Where a slot is in its cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlotState {
    /// In the heap; only the heap entry with this generation is live.
    Waiting { generation: u64 },
    /// Due, queued for a request.
    Ready,
    /// A request for it is running.
    InFlight,
}

/// The scheduler's bookkeeping for one watched task.
#[derive(Debug)]
struct Slot {
    provider: ProviderKind,
    state: SlotState,
    deadline: Instant,
    deadline_len: Duration,
    /// Consecutive failed polls (retryable or unreadable).
    failures: u32,
    /// The sentence of the last failed poll, while the polls keep failing.
    last_error: Option<String>,
    /// Poll this one with a single `/fetch` next time (it was missing from, or broke, a batch).
    solo: bool,
    /// At least one poll was attempted since it was watched (a resumed task always gets one
    /// poll before it can time out, in case it finished while the app was closed).
    polled: bool,
    /// Its current wait is an error backoff: it must not be pulled into a batch early.
    backoff: bool,
    /// It already waited once for a JourneyAPI neighbour to become pollable; it does not wait
    /// again before its next request (so holds cannot chain).
    held: bool,
}

/// What one poll request brought back.
struct Outcome {
    provider: ProviderKind,
    ids: Vec<String>,
    result: Result<Vec<Task>, ProviderError>,
}

/// The scheduler task's state. Build with [`Scheduler::new`], then `tokio::spawn(s.run())`.
pub(crate) struct Scheduler {
    config: EngineConfig,
    interval: Arc<SharedInterval>,
    registry: Arc<Registry>,
    pollers: Pollers,
    commands: mpsc::UnboundedReceiver<Command>,
    slots: HashMap<String, Slot>,
    heap: BinaryHeap<Reverse<(Instant, u64, String)>>,
    ready: HashMap<ProviderKind, VecDeque<String>>,
    in_flight: JoinSet<Outcome>,
    in_flight_ids: HashMap<tokio::task::Id, (ProviderKind, Vec<String>)>,
    in_flight_count: HashMap<ProviderKind, usize>,
    hold_until: HashMap<ProviderKind, Instant>,
    /// When each task's last poll request started (kept after its slot is gone, so a task
    /// watched again is still paced; pruned once older than any interval).
    last_poll: HashMap<String, Instant>,
    next_generation: u64,
    rng: StdRng,
}

impl Scheduler {
    /// A scheduler over the given shared state; it stops when every command sender is gone.
    pub(crate) fn new(
        config: EngineConfig,
        interval: Arc<SharedInterval>,
        registry: Arc<Registry>,
        pollers: Pollers,
        commands: mpsc::UnboundedReceiver<Command>,
    ) -> Self {
        Self {
            config,
            interval,
            registry,
            pollers,
            commands,
            slots: HashMap::new(),
            heap: BinaryHeap::new(),
            ready: HashMap::new(),
            in_flight: JoinSet::new(),
            in_flight_ids: HashMap::new(),
            in_flight_count: HashMap::new(),
            hold_until: HashMap::new(),
            last_poll: HashMap::new(),
            next_generation: 0,
            rng: StdRng::from_entropy(),
        }
    }

    /// Runs until the engine is dropped. In-flight requests are aborted then.
    pub(crate) async fn run(mut self) {
        loop {
            self.dispatch();
            let wake = self.next_wake();
            tokio::select! {
                command = self.commands.recv() => match command {
                    Some(command) => {
                        self.handle(command);
                        // Take everything already queued before dispatching, so tasks
                        // submitted or resumed together are polled together.
                        while let Ok(command) = self.commands.try_recv() {
                            self.handle(command);
                        }
                    }
                    None => break,
                },
                Some(done) = self.in_flight.join_next_with_id(), if !self.in_flight.is_empty() => {
                    self.finished_request(done);
                }
                _ = sleep_until(wake.unwrap_or_else(Instant::now)), if wake.is_some() => {}
            }
        }
        self.in_flight.abort_all();
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Watch {
                id,
                provider,
                first_poll,
                deadline,
                deadline_len,
            } => {
                self.slots.insert(
                    id.clone(),
                    Slot {
                        provider,
                        state: SlotState::Ready,
                        deadline,
                        deadline_len,
                        failures: 0,
                        last_error: None,
                        solo: false,
                        polled: false,
                        backoff: false,
                        held: false,
                    },
                );
                self.schedule(&id, first_poll);
            }
            Command::Cancel { id } => {
                self.slots.remove(&id);
            }
        }
    }

    /// The first instant the task may be polled again: its last poll's start plus the
    /// interval (None when it was never polled).
    fn earliest(&self, id: &str) -> Option<Instant> {
        self.last_poll.get(id).map(|at| *at + self.interval.get())
    }

    /// Puts a slot back in the heap for `at`, never sooner than one interval after its last
    /// poll. It wakes at its deadline instead when that comes first and it can time out then
    /// (it was polled at least once).
    fn schedule(&mut self, id: &str, at: Instant) {
        let earliest = self.earliest(id);
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        self.next_generation += 1;
        let generation = self.next_generation;
        slot.state = SlotState::Waiting { generation };
        slot.backoff = false;
        let mut at = earliest.map_or(at, |e| at.max(e));
        if slot.polled {
            at = at.min(slot.deadline);
        }
        self.heap.push(Reverse((at, generation, id.to_owned())));
    }

    /// [`Self::schedule`] for an error backoff (the slot keeps out of early batching).
    fn schedule_backoff(&mut self, id: &str, at: Instant) {
        self.schedule(id, at);
        if let Some(slot) = self.slots.get_mut(id) {
            slot.backoff = true;
        }
    }

    /// The earliest instant something can happen without a command or a finished request.
    fn next_wake(&self) -> Option<Instant> {
        let heap_next = self.heap.peek().map(|Reverse((at, _, _))| *at);
        // Only a hold still in the future is worth waking for: once it has passed, ready
        // tasks wait for a free request slot, and a finished request wakes the loop anyway
        // (waking for a past instant would spin without letting time move on).
        let now = Instant::now();
        let hold_next = PROVIDERS
            .iter()
            .filter(|p| self.ready.get(p).is_some_and(|q| !q.is_empty()))
            .filter_map(|p| self.hold_until.get(p).copied())
            .filter(|until| *until > now)
            .min();
        match (heap_next, hold_next) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Moves due slots to the ready queues, times out the overdue, and starts requests.
    fn dispatch(&mut self) {
        let now = Instant::now();
        let window = self.interval.get().mul_f64(BATCH_WINDOW);
        let mut journey_due = Vec::new();
        let mut early = Vec::new();
        let mut overdue = Vec::new();
        while let Some(Reverse((at, _, _))) = self.heap.peek() {
            if *at > now + window {
                break;
            }
            let Some(Reverse((at, generation, id))) = self.heap.pop() else {
                break;
            };
            let Some(slot) = self.slots.get_mut(&id) else {
                continue;
            };
            if slot.state != (SlotState::Waiting { generation }) {
                continue;
            }
            if at > now {
                early.push((at, generation, id));
            } else if slot.polled && now >= slot.deadline {
                overdue.push(id);
            } else if slot.provider == ProviderKind::Journey {
                journey_due.push(id);
            } else {
                slot.state = SlotState::Ready;
                self.ready.entry(slot.provider).or_default().push_back(id);
            }
        }
        let early = self.batch_journey(journey_due, early, now);
        for entry in early {
            self.heap.push(Reverse(entry));
        }
        for id in overdue {
            self.time_out(&id);
        }
        self.prune_last_polls(now);
        for provider in PROVIDERS {
            self.start_requests(provider, now);
        }
    }

    /// Readies the due JourneyAPI tasks together with the neighbours (due within the batch
    /// window, not backing off) that may be polled now; returns the heap entries left waiting.
    ///
    /// When a neighbour's interval since its last poll ends a little later (within the
    /// window), the due tasks wait for it instead, once: everyone is rescheduled to the
    /// moment the last of them may be polled, so they share one `/fetch-many` from then on.
    fn batch_journey(
        &mut self,
        due: Vec<String>,
        early: Vec<(Instant, u64, String)>,
        now: Instant,
    ) -> Vec<(Instant, u64, String)> {
        if due.is_empty() {
            return early;
        }
        let (neighbours, rest): (Vec<_>, Vec<_>) = early.into_iter().partition(|(_, _, id)| {
            self.slots
                .get(id)
                .is_some_and(|s| s.provider == ProviderKind::Journey && !s.backoff)
        });
        let may_hold = due
            .iter()
            .all(|id| self.slots.get(id).is_some_and(|s| !s.held));
        let ready_at = due
            .iter()
            .chain(neighbours.iter().map(|(_, _, id)| id))
            .filter_map(|id| self.earliest(id))
            .fold(now, Instant::max);
        if may_hold && ready_at > now {
            for id in due.iter().chain(neighbours.iter().map(|(_, _, id)| id)) {
                self.schedule(id, ready_at);
                if let Some(slot) = self.slots.get_mut(id) {
                    slot.held = true;
                }
            }
            return rest;
        }
        let mut left = rest;
        let joining = neighbours.into_iter().filter_map(|entry| {
            if self.earliest(&entry.2).is_none_or(|e| e <= now) {
                Some(entry.2)
            } else {
                left.push(entry);
                None
            }
        });
        let joining: Vec<String> = joining.collect();
        for id in due.into_iter().chain(joining) {
            if let Some(slot) = self.slots.get_mut(&id) {
                slot.state = SlotState::Ready;
                self.ready.entry(slot.provider).or_default().push_back(id);
            }
        }
        left
    }

    /// Forgets last-poll instants too old to matter (older than the longest interval).
    fn prune_last_polls(&mut self, now: Instant) {
        if self.last_poll.len() <= 2 * self.slots.len() + 256 {
            return;
        }
        let keep = self.interval.get().max(self.config.max_interval);
        self.last_poll.retain(|_, at| *at + keep > now);
    }

    /// Starts as many requests for `provider`'s ready tasks as its limits allow.
    fn start_requests(&mut self, provider: ProviderKind, now: Instant) {
        if self.ready.get(&provider).is_none_or(VecDeque::is_empty) {
            return;
        }
        if self.hold_until.get(&provider).is_some_and(|t| *t > now) {
            return;
        }
        let poller = self
            .pollers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&provider)
            .cloned();
        let Some(poller) = poller else {
            self.wait_for_client(provider, now);
            return;
        };
        let batch_size = if poller.supports_batch() {
            self.config.journey_batch_size
        } else {
            1
        };
        while self.in_flight_count.get(&provider).copied().unwrap_or(0)
            < self.config.max_concurrent_fetches
        {
            let ids = self.take_request(provider, batch_size, now);
            if ids.is_empty() {
                break;
            }
            for id in &ids {
                if let Some(slot) = self.slots.get_mut(id) {
                    slot.state = SlotState::InFlight;
                    slot.polled = true;
                    slot.held = false;
                }
                self.last_poll.insert(id.clone(), now);
            }
            *self.in_flight_count.entry(provider).or_default() += 1;
            let poller = Arc::clone(&poller);
            let request_ids = ids.clone();
            let handle = self.in_flight.spawn(async move {
                let result = match request_ids.as_slice() {
                    [one] => poller.fetch(one.clone()).await,
                    _ => poller.fetch_many(request_ids.clone()).await,
                };
                Outcome {
                    provider,
                    ids: request_ids,
                    result,
                }
            });
            self.in_flight_ids.insert(handle.id(), (provider, ids));
        }
    }

    /// Takes the ids for one request from `provider`'s ready queue: up to `batch_size` tasks,
    /// or a single one when it must be fetched alone. Overdue tasks are timed out on the way.
    fn take_request(
        &mut self,
        provider: ProviderKind,
        batch_size: usize,
        now: Instant,
    ) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let mut overdue = Vec::new();
        while ids.len() < batch_size {
            let Some(id) = self.ready.get_mut(&provider).and_then(VecDeque::pop_front) else {
                break;
            };
            let Some(slot) = self.slots.get(&id) else {
                continue;
            };
            if slot.state != SlotState::Ready || ids.contains(&id) {
                continue;
            }
            if slot.polled && now >= slot.deadline {
                overdue.push(id);
                continue;
            }
            if let Some(earliest) = self.earliest(&id).filter(|e| *e > now) {
                // Polled too recently (e.g. watched again right after a poll): wait.
                self.schedule(&id, earliest);
                continue;
            }
            if slot.solo && batch_size > 1 {
                if ids.is_empty() {
                    ids.push(id);
                } else if let Some(queue) = self.ready.get_mut(&provider) {
                    queue.push_front(id);
                }
                break;
            }
            ids.push(id);
        }
        for id in overdue {
            self.time_out(&id);
        }
        ids
    }

    /// No client is registered for `provider` (the app is switching keys): keep the tasks,
    /// look again after one interval, and let their deadlines run.
    fn wait_for_client(&mut self, provider: ProviderKind, now: Instant) {
        let ids: Vec<String> = self
            .ready
            .get_mut(&provider)
            .map(|q| q.drain(..).collect())
            .unwrap_or_default();
        let next = now + self.interval.get();
        for id in ids {
            if let Some(slot) = self.slots.get_mut(&id) {
                if slot.state == SlotState::Ready {
                    slot.polled = true;
                    self.schedule(&id, next);
                }
            }
        }
    }

    /// Books a finished (or panicked) request.
    fn finished_request(
        &mut self,
        done: Result<(tokio::task::Id, Outcome), tokio::task::JoinError>,
    ) {
        let outcome = match done {
            Ok((task_id, outcome)) => {
                self.in_flight_ids.remove(&task_id);
                outcome
            }
            Err(err) => {
                let Some((provider, ids)) = self.in_flight_ids.remove(&err.id()) else {
                    return;
                };
                tracing::error!(error = %err, "a poll request crashed; retrying later");
                Outcome {
                    provider,
                    ids,
                    result: Err(ProviderError::Network {
                        detail: "the request was interrupted".to_owned(),
                    }),
                }
            }
        };
        if let Some(count) = self.in_flight_count.get_mut(&outcome.provider) {
            *count = count.saturating_sub(1);
        }
        self.apply(outcome);
    }

    /// Applies one request's answer to its tasks.
    fn apply(&mut self, outcome: Outcome) {
        let now = Instant::now();
        let interval = self.interval.get();
        // One random draw per request: tasks polled together stay together.
        let unit: f64 = self.rng.gen();
        let Outcome {
            provider,
            ids,
            result,
        } = outcome;
        match result {
            Ok(tasks) => {
                let next = now + jittered(interval, self.config.jitter, unit);
                let single = ids.len() == 1;
                let mut by_id: HashMap<String, Task> = HashMap::new();
                let mut first = None;
                for task in tasks {
                    if single && first.is_none() {
                        first = Some(task);
                    } else {
                        by_id.insert(task.id.clone(), task);
                    }
                }
                for id in ids {
                    let fetched = if single {
                        first.take()
                    } else {
                        by_id.remove(&id)
                    };
                    self.apply_snapshot(&id, fetched, next, now);
                }
            }
            Err(err) if err.is_retryable() || unreadable(&err) => {
                if let Some(wait) = err.retry_after() {
                    let until = now + wait;
                    let hold = self.hold_until.entry(provider).or_insert(until);
                    *hold = (*hold).max(until);
                }
                tracing::debug!(?provider, error = %err, "poll failed; backing off");
                let sentence = err.to_string();
                let batch = ids.len() > 1;
                // A rate limit is about the whole provider: splitting would only add requests.
                let rate_limited = matches!(err, ProviderError::RateLimited { .. });
                for id in ids {
                    let Some(slot) = self.slots.get_mut(&id) else {
                        continue;
                    };
                    slot.failures = slot.failures.saturating_add(1);
                    slot.last_error = Some(sentence.clone());
                    if now >= slot.deadline {
                        self.time_out(&id);
                        continue;
                    }
                    if batch && !rate_limited && slot.failures >= SPLIT_AFTER {
                        slot.solo = true;
                    } else if !batch && unreadable(&err) && slot.failures >= MAX_UNREADABLE {
                        self.slots.remove(&id);
                        self.registry
                            .finish_with_error(&id, TaskStatus::Failed, sentence.clone());
                        continue;
                    }
                    let delay = backoff(
                        interval,
                        slot.failures,
                        self.config.max_backoff,
                        err.retry_after(),
                        self.config.jitter,
                        unit,
                    );
                    self.schedule_backoff(&id, now + delay);
                }
            }
            Err(err) if ids.len() > 1 && !account_wide(&err) => {
                // Split the batch: each task is fetched alone next time, so only the task
                // that really causes the error fails.
                tracing::debug!(?provider, error = %err, "batch poll refused; splitting it");
                let next = now + jittered(interval, self.config.jitter, unit);
                for id in ids {
                    if let Some(slot) = self.slots.get_mut(&id) {
                        slot.solo = true;
                        self.schedule(&id, next);
                    }
                }
            }
            Err(err) => {
                let sentence = err.to_string();
                for id in ids {
                    if self.slots.remove(&id).is_some() {
                        self.registry
                            .finish_with_error(&id, TaskStatus::Failed, sentence.clone());
                    }
                }
            }
        }
    }

    /// Applies one task's fetched snapshot (None: a batch answer left it out).
    fn apply_snapshot(&mut self, id: &str, fetched: Option<Task>, next: Instant, now: Instant) {
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        let Some(fetched) = fetched else {
            // JourneyAPI silently leaves unknown ids out of /fetch-many; a lone /fetch will
            // say what is wrong (404 -> failed).
            slot.solo = true;
            self.schedule(id, next);
            return;
        };
        slot.failures = 0;
        slot.last_error = None;
        slot.solo = false;
        match self.registry.apply_fetch(id, fetched) {
            Some(task) if !task.status.is_final() => {
                if now >= slot.deadline {
                    self.time_out(id);
                } else {
                    self.schedule(id, next);
                }
            }
            // Finished, cancelled meanwhile, or unknown: stop watching.
            _ => {
                self.slots.remove(id);
            }
        }
    }

    /// Gives up on a task at its deadline.
    fn time_out(&mut self, id: &str) {
        if let Some(slot) = self.slots.remove(id) {
            self.registry.finish_with_error(
                id,
                TaskStatus::TimedOut,
                deadline_sentence(slot.deadline_len, slot.last_error.as_deref()),
            );
        }
    }
}

/// An answer that arrived but could not be read: worth another poll, a few times.
fn unreadable(err: &ProviderError) -> bool {
    matches!(err, ProviderError::Malformed { .. })
}

/// Errors about the key or account rather than one task: the whole batch fails with them.
fn account_wide(err: &ProviderError) -> bool {
    matches!(
        err,
        ProviderError::Unauthorized
            | ProviderError::Suspended { .. }
            | ProviderError::InsufficientCredits { .. }
    )
}
