//! The one scheduler: a single tokio task that owns the next-poll instant of every polled
//! task (a min-heap), starts the poll requests when they come due, and applies what comes back.
//!
//! - Each polled task has one slot: waiting (with a due instant in the heap), ready (due,
//!   waiting for a free request slot or the end of a rate-limit hold), or in flight. A slot is
//!   live (the regular interval), re-checking (after the app's deadline, at
//!   `recheck_interval`, quietly) or a one-off "Check again" of a task no longer polled.
//! - No task is ever polled sooner than the poll interval after its previous poll (both
//!   providers ask for 5-10 s): jitter only lengthens a delay, and every request start is
//!   checked against the task's last poll (see `earliest`).
//! - JourneyAPI tasks are polled together: when one is due, every JourneyAPI task due within a
//!   quarter interval may join it, but only once its own interval since its last poll has
//!   passed. If a neighbour needs a little longer, the due tasks wait for it (once, at most a
//!   quarter interval) rather than pulling it in early. They go out as `/fetch-many` calls of
//!   up to 20 ids (a lone task uses `/fetch`). Tasks polled together share their next due
//!   instant, so they stay in step. A task backing off from errors is never pulled in early.
//!   Re-checks share batches with live polls. LinkrAPI has no batch call: one `/fetch` per
//!   task.
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
//!   with the last poll's error in the sentence when that poll failed, and then re-checked
//!   quietly until its re-check window closes: errors and still-running answers announce
//!   nothing; a final answer is announced as a late result (or failure).
//! - Without a client for a provider (its key was removed), nothing is sent: requests not yet
//!   sent are dropped, the ones in flight are aborted, and its tasks wait without counting a
//!   failure (their deadlines still run).
//!
//! All times are `tokio::time::Instant`, so unit tests can run it on paused time.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use atelier_providers::{ProviderError, ProviderKind, Task};
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::{mpsc, oneshot};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::{sleep_until, Instant};

use crate::config::EngineConfig;
use crate::poller::Poller;
use crate::registry::Registry;
use crate::timing::{backoff, deadline_sentence, jittered};

/// How far ahead (as a fraction of the interval) the scheduler looks for JourneyAPI tasks to
/// share a `/fetch-many` call with a task that is due now.
const BATCH_WINDOW: f64 = 0.25;

/// A task fails when this many polls in a row failed, the last with an unreadable answer.
const MAX_UNREADABLE: u32 = 3;

/// A batch whose tasks failed this many polls in a row is split into single fetches.
const SPLIT_AFTER: u32 = 2;

/// Both providers, in the order requests are started.
const PROVIDERS: [ProviderKind; 2] = [ProviderKind::Linkr, ProviderKind::Journey];

/// A registered poller and the switch that stops it from sending anything once its client is
/// removed or replaced (a request already spawned checks it right before it is sent).
pub(crate) struct PollerHandle {
    poller: Arc<dyn Poller>,
    revoked: AtomicBool,
}

impl PollerHandle {
    /// A live handle for `poller`.
    pub(crate) fn new(poller: Arc<dyn Poller>) -> Arc<Self> {
        Arc::new(Self {
            poller,
            revoked: AtomicBool::new(false),
        })
    }

    /// Stops every later request through this handle.
    pub(crate) fn revoke(&self) {
        self.revoked.store(true, Ordering::SeqCst);
    }

    fn is_revoked(&self) -> bool {
        self.revoked.load(Ordering::SeqCst)
    }
}

/// The pollers the scheduler reads from, swappable at runtime.
pub(crate) type Pollers = Arc<RwLock<HashMap<ProviderKind, Arc<PollerHandle>>>>;

/// Where a "Check again" answer goes.
pub(crate) type Reply = oneshot::Sender<Result<Task, ProviderError>>;

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

/// How a slot is polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// At the regular interval, until the task finishes or reaches the app's deadline.
    Live,
    /// After the app's deadline: quietly, every `recheck_interval`, until the window closes.
    Recheck,
    /// One "Check again" fetch of a task that is no longer polled; the slot ends with it.
    Once,
}

/// What the scheduler needs to start polling a task.
#[derive(Debug)]
pub(crate) struct WatchSpec {
    /// The task id.
    pub(crate) id: String,
    /// Where it lives.
    pub(crate) provider: ProviderKind,
    /// Live, or re-checking (a timed-out task resumed from storage).
    pub(crate) phase: Phase,
    /// When to poll it first.
    pub(crate) first_poll: Instant,
    /// When to give up on it (live only).
    pub(crate) deadline: Instant,
    /// The deadline's length, for the sentence.
    pub(crate) deadline_len: Duration,
    /// When its re-check window closes.
    pub(crate) recheck_end: Instant,
    /// The same moment on the wall clock, for `Task::recheck_until`; None: no re-checking.
    pub(crate) recheck_until: Option<DateTime<Utc>>,
}

/// What the engine asks of the scheduler.
#[derive(Debug)]
pub(crate) enum Command {
    /// Start polling a task (already in the registry, marked as tracked).
    Watch(WatchSpec),
    /// Stop polling a task (the registry has already announced it).
    Cancel {
        /// The task id.
        id: String,
    },
    /// Poll a task as soon as its pacing allows and answer `reply` with the result.
    CheckNow {
        /// The task id.
        id: String,
        /// Where it lives.
        provider: ProviderKind,
        /// Gets the task after the fetch, or the fetch's error.
        reply: Reply,
    },
    /// The provider's client was removed: abort its requests in flight.
    ClientRemoved {
        /// The provider.
        provider: ProviderKind,
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

/// The scheduler's bookkeeping for one polled task.
#[derive(Debug)]
struct Slot {
    provider: ProviderKind,
    phase: Phase,
    state: SlotState,
    deadline: Instant,
    deadline_len: Duration,
    recheck_end: Instant,
    recheck_until: Option<DateTime<Utc>>,
    /// Consecutive failed polls (retryable or unreadable).
    failures: u32,
    /// The sentence of the last failed poll, while the polls keep failing.
    last_error: Option<String>,
    /// Poll this one with a single `/fetch` next time (it was missing from, or broke, a batch,
    /// or someone is waiting for its answer).
    solo: bool,
    /// At least one poll was attempted since it was watched (a resumed task always gets one
    /// poll before it can time out, in case it finished while the app was closed).
    polled: bool,
    /// Its current wait is an error backoff: it must not be pulled into a batch early.
    backoff: bool,
    /// It already waited once for a JourneyAPI neighbour to become pollable; it does not wait
    /// again before its next request (so holds cannot chain).
    held: bool,
    /// Someone asked for it right away: it skips the batching hold.
    urgent: bool,
    /// "Check again" callers waiting for its next answer.
    waiters: Vec<Reply>,
}

impl Slot {
    fn new(provider: ProviderKind, phase: Phase, now: Instant) -> Self {
        Self {
            provider,
            phase,
            state: SlotState::Ready,
            deadline: now,
            deadline_len: Duration::ZERO,
            recheck_end: now,
            recheck_until: None,
            failures: 0,
            last_error: None,
            solo: false,
            polled: false,
            backoff: false,
            held: false,
            urgent: false,
            waiters: Vec::new(),
        }
    }

    /// The instant its phase ends (live: the deadline, once polled; re-check: the window's
    /// close), if any.
    fn end(&self) -> Option<Instant> {
        match self.phase {
            Phase::Live if self.polled => Some(self.deadline),
            Phase::Live | Phase::Once => None,
            Phase::Recheck => Some(self.recheck_end),
        }
    }

    /// True when its phase has ended at `now`.
    fn expired(&self, now: Instant) -> bool {
        self.end().is_some_and(|end| now >= end)
    }
}

/// What one poll request brought back.
enum Answer {
    /// The tasks the provider returned.
    Tasks(Vec<Task>),
    /// The request failed.
    Error(ProviderError),
    /// Nothing was sent (or the request was aborted): the provider's client was removed.
    NoClient,
}

/// One finished poll request.
struct Outcome {
    provider: ProviderKind,
    ids: Vec<String>,
    answer: Answer,
}

/// The sentence for a provider without a client.
pub(crate) fn no_client_error(provider: ProviderKind) -> ProviderError {
    ProviderError::invalid(
        "provider",
        format!(
            "{} is not set up yet. Add its API key in Settings, or use the demo.",
            provider.display_name()
        ),
    )
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
    in_flight_ids: HashMap<tokio::task::Id, (ProviderKind, Vec<String>, AbortHandle)>,
    in_flight_count: HashMap<ProviderKind, usize>,
    hold_until: HashMap<ProviderKind, Instant>,
    /// When each task's last poll request started (kept after its slot is gone, so a task
    /// watched or checked again is still paced; pruned once older than any interval).
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
        let now = Instant::now();
        match command {
            Command::Watch(spec) => {
                let mut slot = Slot::new(spec.provider, spec.phase, now);
                slot.deadline = spec.deadline;
                slot.deadline_len = spec.deadline_len;
                slot.recheck_end = spec.recheck_end;
                slot.recheck_until = spec.recheck_until;
                if let Some(old) = self.slots.remove(&spec.id) {
                    slot.waiters = old.waiters;
                }
                self.slots.insert(spec.id.clone(), slot);
                self.schedule(&spec.id, spec.first_poll);
            }
            Command::Cancel { id } => self.remove_slot(&id),
            Command::CheckNow {
                id,
                provider,
                reply,
            } => {
                // A task no longer polled gets a one-off slot.
                let new = !self.slots.contains_key(&id);
                let slot = self
                    .slots
                    .entry(id.clone())
                    .or_insert_with(|| Slot::new(provider, Phase::Once, now));
                slot.waiters.push(reply);
                slot.urgent = true;
                slot.solo = true;
                // Waiting (maybe in a long backoff or re-check pause): poll as soon as its
                // pacing allows. Ready or in flight: its next answer is the one.
                if new || matches!(slot.state, SlotState::Waiting { .. }) {
                    self.schedule(&id, now);
                }
            }
            Command::ClientRemoved { provider } => {
                for (p, _, abort) in self.in_flight_ids.values() {
                    if *p == provider {
                        abort.abort();
                    }
                }
            }
        }
    }

    /// Stops polling a task; anyone waiting for its answer gets the task as it now is.
    fn remove_slot(&mut self, id: &str) {
        if let Some(slot) = self.slots.remove(id) {
            let now = self.registry.get(id);
            for waiter in slot.waiters {
                let _ = waiter.send(now.clone().ok_or_else(|| not_known(id)));
            }
        }
    }

    /// Answers everyone waiting for this task's next poll.
    fn reply(&mut self, id: &str, result: &Result<Task, ProviderError>) {
        if let Some(slot) = self.slots.get_mut(id) {
            for waiter in slot.waiters.drain(..) {
                let _ = waiter.send(result.clone());
            }
        }
    }

    /// The regular pause between two polls of a slot in `phase`.
    fn pace(&self, phase: Phase) -> Duration {
        let interval = self.interval.get();
        match phase {
            Phase::Recheck => self.config.recheck_interval.max(interval),
            Phase::Live | Phase::Once => interval,
        }
    }

    /// The first instant the task may be polled again: its last poll's start plus the
    /// interval (None when it was never polled).
    fn earliest(&self, id: &str) -> Option<Instant> {
        self.last_poll.get(id).map(|at| *at + self.interval.get())
    }

    /// Puts a slot back in the heap for `at`, never sooner than one interval after its last
    /// poll. It wakes at the end of its phase instead when that comes first (a live task's
    /// deadline once it was polled, a re-check window's close).
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
        if let Some(end) = slot.end() {
            at = at.min(end);
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

    /// [`Self::schedule`] one regular pace (jittered upward) after `now`.
    fn schedule_next(&mut self, id: &str, now: Instant, unit: f64) {
        let Some(phase) = self.slots.get(id).map(|s| s.phase) else {
            return;
        };
        let delay = jittered(self.pace(phase), self.config.jitter, unit);
        self.schedule(id, now + delay);
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

    /// Moves due slots to the ready queues, ends the expired, and starts requests.
    fn dispatch(&mut self) {
        let now = Instant::now();
        let window = self.interval.get().mul_f64(BATCH_WINDOW);
        let mut journey_due = Vec::new();
        let mut early = Vec::new();
        let mut expired = Vec::new();
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
            } else if slot.expired(now) {
                expired.push(id);
            } else if slot.provider == ProviderKind::Journey && !slot.urgent {
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
        for id in expired {
            self.expire(&id);
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
                .is_some_and(|s| s.provider == ProviderKind::Journey && !s.backoff && !s.urgent)
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
        let mut joining = Vec::new();
        for entry in neighbours {
            if self.earliest(&entry.2).is_none_or(|e| e <= now) {
                joining.push(entry.2);
            } else {
                left.push(entry);
            }
        }
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
        let handle = self
            .pollers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&provider)
            .cloned();
        let Some(handle) = handle.filter(|h| !h.is_revoked()) else {
            self.wait_for_client(provider, now);
            return;
        };
        let batch_size = if handle.poller.supports_batch() {
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
                    slot.urgent = false;
                }
                self.last_poll.insert(id.clone(), now);
            }
            *self.in_flight_count.entry(provider).or_default() += 1;
            let handle = Arc::clone(&handle);
            let request_ids = ids.clone();
            let abort = self.in_flight.spawn(async move {
                // Checked right before sending: a key removed after this request was
                // planned is never used.
                let answer = if handle.is_revoked() {
                    Answer::NoClient
                } else {
                    let result = match request_ids.as_slice() {
                        [one] => handle.poller.fetch(one.clone()).await,
                        _ => handle.poller.fetch_many(request_ids.clone()).await,
                    };
                    match result {
                        Ok(tasks) => Answer::Tasks(tasks),
                        Err(err) => Answer::Error(err),
                    }
                };
                Outcome {
                    provider,
                    ids: request_ids,
                    answer,
                }
            });
            self.in_flight_ids
                .insert(abort.id(), (provider, ids, abort.clone()));
        }
    }

    /// Takes the ids for one request from `provider`'s ready queue: up to `batch_size` tasks,
    /// or a single one when it must be fetched alone. Expired tasks are ended on the way.
    fn take_request(
        &mut self,
        provider: ProviderKind,
        batch_size: usize,
        now: Instant,
    ) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let mut expired = Vec::new();
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
            if slot.expired(now) {
                expired.push(id);
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
        for id in expired {
            self.expire(&id);
        }
        ids
    }

    /// No client is registered for `provider` (its key was removed, or the app is switching
    /// keys): send nothing, keep the tasks without counting a failure, look again after
    /// their pace, and let their deadlines run. "Check again" callers are told at once.
    fn wait_for_client(&mut self, provider: ProviderKind, now: Instant) {
        let ids: Vec<String> = self
            .ready
            .get_mut(&provider)
            .map(|q| q.drain(..).collect())
            .unwrap_or_default();
        for id in ids {
            self.no_client(&id, provider, now);
        }
    }

    /// Books one task whose poll could not be sent for want of a client.
    fn no_client(&mut self, id: &str, provider: ProviderKind, now: Instant) {
        self.reply(id, &Err(no_client_error(provider)));
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        if slot.phase == Phase::Once {
            self.remove_slot(id);
            return;
        }
        slot.polled = true;
        let phase = slot.phase;
        let at = now + self.pace(phase);
        self.schedule(id, at);
    }

    /// Books a finished (or aborted, or panicked) request.
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
                let Some((provider, ids, _)) = self.in_flight_ids.remove(&err.id()) else {
                    return;
                };
                let answer = if err.is_cancelled() {
                    // Only a removed client aborts a request.
                    Answer::NoClient
                } else {
                    tracing::error!(error = %err, "a poll request crashed; retrying later");
                    Answer::Error(ProviderError::Network {
                        detail: "the request was interrupted".to_owned(),
                    })
                };
                Outcome {
                    provider,
                    ids,
                    answer,
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
        // One random draw per request: tasks polled together stay together.
        let unit: f64 = self.rng.gen();
        let Outcome {
            provider,
            ids,
            answer,
        } = outcome;
        match answer {
            Answer::NoClient => {
                for id in ids {
                    self.no_client(&id, provider, now);
                }
            }
            Answer::Tasks(tasks) => {
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
                    self.apply_snapshot(&id, fetched, now, unit);
                }
            }
            Answer::Error(err) => {
                if let Some(wait) = err.retry_after() {
                    let until = now + wait;
                    let hold = self.hold_until.entry(provider).or_insert(until);
                    *hold = (*hold).max(until);
                }
                tracing::debug!(?provider, error = %err, "poll failed");
                let batch = ids.len() > 1;
                for id in ids {
                    self.reply(&id, &Err(err.clone()));
                    match self.slots.get(&id).map(|s| s.phase) {
                        Some(Phase::Live) => self.live_error(&id, &err, batch, now, unit),
                        Some(Phase::Recheck) => self.quiet_error(&id, &err, batch, now, unit),
                        Some(Phase::Once) => self.remove_slot(&id),
                        None => {}
                    }
                }
            }
        }
    }

    /// A failed poll of a live task: back off, split the batch, or fail the task.
    fn live_error(&mut self, id: &str, err: &ProviderError, batch: bool, now: Instant, unit: f64) {
        let interval = self.interval.get();
        let sentence = err.to_string();
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        if err.is_retryable() || unreadable(err) {
            slot.failures = slot.failures.saturating_add(1);
            slot.last_error = Some(sentence.clone());
            if now >= slot.deadline {
                self.time_out(id);
                return;
            }
            // A rate limit is about the whole provider: splitting would only add requests.
            let rate_limited = matches!(err, ProviderError::RateLimited { .. });
            if batch && !rate_limited && slot.failures >= SPLIT_AFTER {
                slot.solo = true;
            } else if !batch && unreadable(err) && slot.failures >= MAX_UNREADABLE {
                self.slots.remove(id);
                self.registry.fail(id, sentence);
                return;
            }
            let delay = backoff(
                interval,
                slot.failures,
                self.config.max_backoff,
                err.retry_after(),
                self.config.jitter,
                unit,
            );
            self.schedule_backoff(id, now + delay);
        } else if batch && !account_wide(err) {
            // Split the batch: each task is fetched alone next time, so only the task that
            // really causes the error fails.
            slot.solo = true;
            self.schedule_next(id, now, unit);
        } else {
            self.slots.remove(id);
            self.registry.fail(id, sentence);
        }
    }

    /// A failed re-check: nothing is announced; the next re-check comes at the usual pace
    /// (or after the provider's Retry-After), alone if the batch broke.
    fn quiet_error(&mut self, id: &str, err: &ProviderError, batch: bool, now: Instant, unit: f64) {
        let pace = jittered(self.pace(Phase::Recheck), self.config.jitter, unit);
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        if slot.expired(now) {
            self.close_recheck(id);
            return;
        }
        if batch && !matches!(err, ProviderError::RateLimited { .. }) {
            slot.solo = true;
        }
        let wait = err.retry_after().map_or(pace, |r| pace.max(r));
        self.schedule_backoff(id, now + wait);
    }

    /// Applies one task's fetched snapshot (None: a batch answer left it out).
    fn apply_snapshot(&mut self, id: &str, fetched: Option<Task>, now: Instant, unit: f64) {
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        let Some(fetched) = fetched else {
            // JourneyAPI silently leaves unknown ids out of /fetch-many; a lone /fetch will
            // say what is wrong (404 -> failed).
            slot.solo = true;
            self.schedule_next(id, now, unit);
            return;
        };
        slot.failures = 0;
        slot.last_error = None;
        slot.solo = false;
        let deadline = slot.deadline;
        match slot.phase {
            Phase::Live => match self.registry.apply_fetch(id, fetched) {
                Some(task) if !task.status.is_final() => {
                    self.reply(id, &Ok(task));
                    if now >= deadline {
                        self.time_out(id);
                    } else {
                        self.schedule_next(id, now, unit);
                    }
                }
                // Finished, cancelled meanwhile, or unknown: stop polling.
                _ => self.remove_slot(id),
            },
            phase @ (Phase::Recheck | Phase::Once) => {
                match self.registry.apply_late(id, fetched) {
                    Some((task, false)) => {
                        self.reply(id, &Ok(task));
                        if phase == Phase::Once {
                            self.remove_slot(id);
                        } else if self.slots.get(id).is_some_and(|s| s.expired(now)) {
                            self.close_recheck(id);
                        } else {
                            self.schedule_next(id, now, unit);
                        }
                    }
                    // A late result or failure (announced), or no longer re-checked.
                    _ => self.remove_slot(id),
                }
            }
        }
    }

    /// Ends a slot whose phase is over.
    fn expire(&mut self, id: &str) {
        match self.slots.get(id).map(|s| s.phase) {
            Some(Phase::Live) => self.time_out(id),
            Some(Phase::Recheck) => self.close_recheck(id),
            Some(Phase::Once) | None => self.remove_slot(id),
        }
    }

    /// Gives up on a live task at the app's deadline; it is then re-checked quietly while
    /// its re-check window is open.
    fn time_out(&mut self, id: &str) {
        let now = Instant::now();
        let window = self.config.recheck_window;
        let Some(slot) = self.slots.get(id) else {
            return;
        };
        let recheck_until = slot.recheck_until.filter(|_| now < slot.recheck_end);
        let sentence = deadline_sentence(
            slot.deadline_len,
            slot.last_error.as_deref(),
            recheck_until.map(|_| window),
        );
        let timed_out = self.registry.time_out(id, sentence, recheck_until);
        if timed_out.is_none() || recheck_until.is_none() {
            self.remove_slot(id);
            return;
        }
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        slot.phase = Phase::Recheck;
        slot.failures = 0;
        slot.last_error = None;
        slot.solo = !slot.waiters.is_empty();
        if slot.waiters.is_empty() {
            let unit = self.rng.gen();
            self.schedule_next(id, now, unit);
        } else {
            self.schedule(id, now);
        }
    }

    /// Ends the re-checking of a task whose window closed (announced with Status).
    fn close_recheck(&mut self, id: &str) {
        self.registry.end_recheck(id);
        self.remove_slot(id);
    }
}

/// The error for a task the engine does not know.
fn not_known(id: &str) -> ProviderError {
    ProviderError::NotFound {
        what: format!("the task {id} is not known to this session"),
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
