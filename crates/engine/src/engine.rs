//! [`Engine`]: the public face. Submits tasks and actions through the registered provider
//! clients, remembers every task of the session, and hands live tasks to the scheduler.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use atelier_providers::{
    ActionInput, CreateRequest, ImagineRequest, ProviderClient, ProviderError, ProviderKind,
    SentRequest, Submission, Task, TaskStatus,
};
use chrono::{DateTime, Utc};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::time::Instant;

use crate::config::EngineConfig;
use crate::event::{finished_change, EngineEvent, TaskChange};
use crate::mode::MidjourneyMode;
use crate::poller::Poller;
use crate::registry::{app_timed_out, Registry, Tracking};
use crate::scheduler::{
    no_client_error, Command, Phase, PollerHandle, Pollers, Scheduler, SharedInterval, WatchSpec,
};

/// Keeps every live task moving. Cheap to clone (all clones share one scheduler); the
/// scheduler stops when the last clone is dropped.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    config: EngineConfig,
    registry: Arc<Registry>,
    clients: RwLock<HashMap<ProviderKind, Arc<ProviderClient>>>,
    pollers: Pollers,
    interval: Arc<SharedInterval>,
    default_mode: Mutex<MidjourneyMode>,
    commands: mpsc::UnboundedSender<Command>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("poll_interval", &self.poll_interval())
            .field("tasks", &self.inner.registry.list().len())
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Creates the engine and spawns its scheduler on the current Tokio runtime.
    ///
    /// # Panics
    /// When called outside a Tokio runtime.
    pub fn new(config: EngineConfig) -> Engine {
        let config = config.normalized();
        let default_mode = config.default_mode;
        let (events, _) = broadcast::channel(config.event_capacity);
        let registry = Arc::new(Registry::new(events));
        let pollers: Pollers = Arc::new(RwLock::new(HashMap::new()));
        let interval = Arc::new(SharedInterval::new(config.poll_interval));
        let (commands, receiver) = mpsc::unbounded_channel();
        let scheduler = Scheduler::new(
            config.clone(),
            Arc::clone(&interval),
            Arc::clone(&registry),
            Arc::clone(&pollers),
            receiver,
        );
        tokio::spawn(scheduler.run());
        Engine {
            inner: Arc::new(Inner {
                config,
                registry,
                clients: RwLock::new(HashMap::new()),
                pollers,
                interval,
                default_mode: Mutex::new(default_mode),
                commands,
            }),
        }
    }

    /// The configuration in use (after [`EngineConfig::normalized`]).
    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    /// Sets (or replaces) the client for `provider`: used for new submissions and for every
    /// poll from now on, so the app can switch between the demo and a real key, or change a
    /// base URL, while tasks are running. A client of the other kind is filed under its own
    /// kind (and a warning is logged).
    pub fn register_client(&self, provider: ProviderKind, client: ProviderClient) {
        let kind = client.kind();
        if kind != provider {
            tracing::warn!(
                ?provider,
                ?kind,
                "register_client got a client of another kind; using its own kind"
            );
        }
        let client = Arc::new(client);
        let poller: Arc<dyn Poller> = client.clone();
        write(&self.inner.clients).insert(kind, client);
        self.set_poller(kind, poller);
    }

    /// Removes the client for `provider` (the person deleted its key): from now on nothing
    /// is sent with that key. No new poll or action starts, a poll planned but not yet sent
    /// (a batch, a backoff retry) is dropped, and polls in flight are aborted. Its tasks
    /// simply wait for a new client without counting a failure; their deadlines still run
    /// (a task reaching its deadline meanwhile is timed out and re-checked once a client is
    /// back). Returns whether there was one.
    pub fn remove_client(&self, provider: ProviderKind) -> bool {
        if let Some(old) = write(&self.inner.pollers).remove(&provider) {
            old.revoke();
        }
        self.send(Command::ClientRemoved { provider });
        write(&self.inner.clients).remove(&provider).is_some()
    }

    /// Installs the poller for `provider`; a replaced one sends nothing more.
    fn set_poller(&self, provider: ProviderKind, poller: Arc<dyn Poller>) {
        let old = write(&self.inner.pollers).insert(provider, PollerHandle::new(poller));
        if let Some(old) = old {
            old.revoke();
        }
    }

    /// The current poll interval.
    pub fn poll_interval(&self) -> Duration {
        self.inner.interval.get()
    }

    /// Changes the poll interval (the 5-10 s setting), clamped into the config's
    /// `min_interval..=max_interval`; returns the value used. Applies from each task's next
    /// poll on.
    pub fn set_poll_interval(&self, interval: Duration) -> Duration {
        let clamped = self.inner.config.clamp_interval(interval);
        self.inner.interval.set(clamped);
        clamped
    }

    /// The speed mode assumed for prompts that name none (see [`Engine::set_default_mode`]).
    pub fn default_mode(&self) -> MidjourneyMode {
        *self
            .inner
            .default_mode
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets the speed mode assumed for prompts without `--turbo` / `--fast` / `--relax` (the
    /// account's mode, from the settings). Applies to the deadlines of tasks submitted or
    /// watched from now on; tasks already watched keep theirs.
    pub fn set_default_mode(&self, mode: MidjourneyMode) {
        *self
            .inner
            .default_mode
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = mode;
    }

    /// The app's deadline for `task`, counted from its `created_at` (the local submit time):
    /// [`EngineConfig::deadline_for`] with its prompt and the current default mode.
    pub fn deadline_for(&self, task: &Task) -> Duration {
        self.inner
            .config
            .deadline_for(task.prompt.as_deref(), self.default_mode())
    }

    /// Submits a new prompt to `provider`, emits `Created`, and starts watching the task.
    ///
    /// The client checks the request first (nothing is sent on bad input). A task the
    /// provider finished at once (JourneyAPI's non-Midjourney models) emits `Created` and then
    /// `Results` (or `Failed`) and is not polled.
    pub async fn submit(
        &self,
        provider: ProviderKind,
        request: ImagineRequest,
    ) -> Result<Task, ProviderError> {
        let client = self.client(provider)?;
        let submission = client.imagine(&request).await?;
        let mut task = new_task(provider, &submission);
        task.prompt = Some(request.prompt.trim().to_owned());
        task.model = request.model.clone();
        task.sent = Some(SentRequest::Imagine(request));
        Ok(self.start(task, submission.finished))
    }

    /// Starts a creation mode (blend, describe, shorten, video: JourneyAPI only; LinkrAPI
    /// answers with a sentence and sends nothing). The task (its kind, its prompt where the
    /// mode has one, and what was sent, for Retry) is announced and watched like any other.
    pub async fn create(
        &self,
        provider: ProviderKind,
        request: CreateRequest,
    ) -> Result<Task, ProviderError> {
        self.create_from(provider, request, None).await
    }

    /// [`Engine::create`] made from one known picture (a Describe or a Video of an image the
    /// library has): the new task names `source_task_id` as its parent, so it joins that
    /// picture's lineage. Nothing about the request changes; Retry sends the same request.
    pub async fn create_from(
        &self,
        provider: ProviderKind,
        request: CreateRequest,
        source_task_id: Option<String>,
    ) -> Result<Task, ProviderError> {
        let client = self.client(provider)?;
        let submission = client.create(&request).await?;
        let mut task = new_task(provider, &submission);
        task.prompt = request.prompt().map(|p| p.trim().to_owned());
        if task.parent_id.is_none() {
            task.parent_id = source_task_id;
        }
        task.sent = Some(SentRequest::Create(request));
        Ok(self.start(task, submission.finished))
    }

    /// Presses button `action_id` of the known task `parent_id`; the child task (with the
    /// parent's id and the kind the Submission names) is announced and watched like any other.
    pub async fn action(
        &self,
        parent_id: &str,
        action_id: &str,
        input: ActionInput,
    ) -> Result<Task, ProviderError> {
        let parent = self
            .inner
            .registry
            .get(parent_id)
            .ok_or_else(|| ProviderError::NotFound {
                what: format!("the task {parent_id} is not known to this session"),
            })?;
        let client = self.client(parent.provider)?;
        let submission = client.action(&parent, action_id, &input).await?;
        let mut task = new_task(parent.provider, &submission);
        if task.parent_id.is_none() {
            task.parent_id = Some(parent.id.clone());
        }
        task.prompt = input
            .prompt
            .clone()
            .filter(|p| !p.trim().is_empty())
            .or_else(|| parent.prompt.clone());
        task.model.clone_from(&parent.model);
        task.sent = Some(SentRequest::Action {
            action_id: action_id.to_owned(),
            input,
        });
        Ok(self.start(task, submission.finished))
    }

    /// Resumes watching a task loaded from storage (after a restart). A finished task is only
    /// remembered. Its deadline counts from its `created_at` (the local submit time) when
    /// known, but it is always polled once first, in case it finished while the app was
    /// closed. A TimedOut task whose `recheck_until` is still ahead is handed to
    /// [`Engine::recheck`]; one whose window is over is remembered with `recheck_until`
    /// cleared (nothing is emitted: storage may still hold the old value, which is in the
    /// past). Emits nothing by itself; returns false when the task was already being polled
    /// (live or re-checked) or is not polled now.
    pub fn watch(&self, task: Task) -> bool {
        if self.is_polled(&task.id) {
            return false;
        }
        let mut task = task;
        if task.status == TaskStatus::TimedOut && task.recheck_until.is_some() {
            if self.recheck(task.clone()) {
                return true;
            }
            // Its window is over (or it was the provider's own timeout): only remembered.
            task.recheck_until = None;
        }
        let live = !task.status.is_final();
        let id = task.id.clone();
        let provider = task.provider;
        let age = task
            .created_at
            .and_then(|at| (Utc::now() - at).to_std().ok())
            .unwrap_or_default();
        let deadline_len = self.deadline_for(&task);
        let recheck_until = self.recheck_until(task.created_at);
        let tracking = if live { Tracking::Live } else { Tracking::Off };
        self.inner.registry.insert(task, None, tracking);
        if live {
            let now = Instant::now();
            self.send(Command::Watch(WatchSpec {
                id,
                provider,
                phase: Phase::Live,
                first_poll: now,
                deadline: now + deadline_len.saturating_sub(age),
                deadline_len,
                recheck_end: now + self.inner.config.recheck_window.saturating_sub(age),
                recheck_until,
            }));
        }
        live
    }

    /// Resumes the quiet re-checking of a task the app timed out at its deadline, loaded from
    /// storage after a restart: its `recheck_until` must still be ahead (and its status
    /// TimedOut by the app, not by the provider, whose `timeout` is final). The first re-check
    /// comes after one regular interval, then every `recheck_interval` until `recheck_until`.
    /// Emits nothing by itself (see [`EngineEvent`] for what a re-check announces); returns
    /// false when the task does not qualify or is already being polled.
    pub fn recheck(&self, task: Task) -> bool {
        if self.is_polled(&task.id) || !app_timed_out(&task) {
            return false;
        }
        let Some(until) = task.recheck_until else {
            return false;
        };
        let Some(left) = (until - Utc::now()).to_std().ok().filter(|d| !d.is_zero()) else {
            return false;
        };
        let id = task.id.clone();
        let provider = task.provider;
        let deadline_len = self.deadline_for(&task);
        self.inner.registry.insert(task, None, Tracking::Recheck);
        let now = Instant::now();
        self.send(Command::Watch(WatchSpec {
            id,
            provider,
            phase: Phase::Recheck,
            first_poll: now + self.inner.interval.get(),
            deadline: now,
            deadline_len,
            recheck_end: now + left,
            recheck_until: Some(until),
        }));
        true
    }

    /// "Check again": fetches the task once, right away (as soon as its pacing allows: never
    /// sooner than one interval after its previous poll, nor during the provider's
    /// Retry-After), through its provider's client. A single fetch, never a resubmission.
    ///
    /// - A task the app timed out (re-checked or not): a final answer is announced and ends
    ///   the re-checking exactly as a quiet re-check would (Results with `finished_late`, or
    ///   Failed); a still-running answer announces nothing and the task is returned as it
    ///   now is (still TimedOut with its `recheck_until`, with the new `raw_status` and
    ///   `progress`), and re-checking goes on.
    /// - A live task: its next poll is brought forward and applied as usual.
    /// - Any other known task (succeeded, failed, provider's own timeout, cancelled) is
    ///   returned as it is, without a request.
    ///
    /// The task must be known to this engine: after a restart, call [`Engine::recheck`] or
    /// [`Engine::watch`] with the stored task first; an unknown id is refused with
    /// `ProviderError::NotFound`. Without a client for its provider, nothing is sent and the
    /// "not set up" error is returned; a failed fetch returns its error (and announces
    /// nothing).
    pub async fn check_now(&self, id: &str) -> Result<Task, ProviderError> {
        let task = self
            .inner
            .registry
            .get(id)
            .ok_or_else(|| ProviderError::NotFound {
                what: format!("the task {id} is not known to this session"),
            })?;
        if !self.is_polled(id) && !app_timed_out(&task) {
            return Ok(task);
        }
        if !read(&self.inner.pollers).contains_key(&task.provider) {
            return Err(no_client_error(task.provider));
        }
        let (reply, answer) = oneshot::channel();
        self.send(Command::CheckNow {
            id: id.to_owned(),
            provider: task.provider,
            reply,
        });
        match answer.await {
            Ok(result) => result,
            // The scheduler has stopped: the task as last seen.
            Err(_) => Ok(self.get(id).unwrap_or(task)),
        }
    }

    /// Stops polling a task (live, or re-checked after its deadline: `recheck_until` is then
    /// cleared) and emits `Cancelled`. The task keeps its last known state. Returns false
    /// when it was not being polled (unknown or already finished).
    pub fn cancel(&self, id: &str) -> bool {
        if self.inner.registry.cancel(id).is_none() {
            return false;
        }
        self.send(Command::Cancel { id: id.to_owned() });
        true
    }

    /// The task with this id, as last seen.
    pub fn get(&self, id: &str) -> Option<Task> {
        self.inner.registry.get(id)
    }

    /// Every task of this session, newest first.
    pub fn list(&self) -> Vec<Task> {
        self.inner.registry.list()
    }

    /// How many tasks (of `provider`, or of any) the engine polls at the regular interval now:
    /// the jobs that run (the local queue's slots, the window title's count). Cheap: no task
    /// is copied.
    pub fn running(&self, provider: Option<ProviderKind>) -> usize {
        self.inner.registry.live_count(provider)
    }

    /// True while the engine is polling this task at the regular interval (not after its
    /// deadline: see [`Engine::is_rechecking`]).
    pub fn is_watching(&self, id: &str) -> bool {
        self.inner.registry.tracking(id) == Some(Tracking::Live)
    }

    /// True while the engine re-checks this task quietly after the app's deadline.
    pub fn is_rechecking(&self, id: &str) -> bool {
        self.inner.registry.tracking(id) == Some(Tracking::Recheck)
    }

    /// Live or re-checked.
    fn is_polled(&self, id: &str) -> bool {
        matches!(
            self.inner.registry.tracking(id),
            Some(Tracking::Live | Tracking::Recheck)
        )
    }

    /// When a task created at `created_at` stops being re-checked (None: re-checking is off).
    fn recheck_until(&self, created_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        let window = self.inner.config.recheck_window;
        if window.is_zero() {
            return None;
        }
        let window = chrono::Duration::from_std(window).ok()?;
        created_at
            .unwrap_or_else(Utc::now)
            .checked_add_signed(window)
    }

    /// A stream of every change from now on.
    ///
    /// Events sit in a bounded buffer (`EngineConfig::event_capacity`). A subscriber that
    /// falls that far behind gets `RecvError::Lagged(n)`: the `n` oldest events are gone, and
    /// it should re-read the current state with [`Engine::list`] / [`Engine::get`] and carry
    /// on receiving. The engine never waits for subscribers.
    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.inner.registry.subscribe()
    }

    /// Registers a fake poller (unit tests of the scheduler without HTTP).
    #[cfg(test)]
    pub(crate) fn register_poller(&self, provider: ProviderKind, poller: Arc<dyn Poller>) {
        self.set_poller(provider, poller);
    }

    /// Announces a newly submitted task and hands it to the scheduler (or, when the provider
    /// already finished it, announces the result).
    fn start(&self, task: Task, finished: Option<Task>) -> Task {
        self.inner
            .registry
            .insert(task.clone(), Some(TaskChange::Created), Tracking::Live);
        if let Some(done) = finished.filter(|t| t.status.is_final()) {
            let merged = crate::registry::merge(&task, done);
            let change = finished_change(&merged);
            self.inner
                .registry
                .insert(merged.clone(), Some(change), Tracking::Off);
            return merged;
        }
        let provider = task.provider;
        let deadline_len = self.deadline_for(&task);
        let now = Instant::now();
        self.send(Command::Watch(WatchSpec {
            id: task.id.clone(),
            provider,
            phase: Phase::Live,
            first_poll: now + self.inner.interval.get(),
            deadline: now + deadline_len,
            deadline_len,
            recheck_end: now + self.inner.config.recheck_window,
            recheck_until: self.recheck_until(task.created_at),
        }));
        task
    }

    fn client(&self, provider: ProviderKind) -> Result<Arc<ProviderClient>, ProviderError> {
        read(&self.inner.clients)
            .get(&provider)
            .cloned()
            .ok_or_else(|| no_client_error(provider))
    }

    fn send(&self, command: Command) {
        if self.inner.commands.send(command).is_err() {
            // Only possible when the runtime that ran the scheduler has shut down.
            tracing::error!("the engine's scheduler has stopped; the task will not be polled");
        }
    }
}

/// The task a Submission describes, before its first poll.
fn new_task(provider: ProviderKind, submission: &Submission) -> Task {
    let mut task = Task::new(
        submission.task_id.clone(),
        provider,
        submission.kind.clone(),
    );
    task.parent_id.clone_from(&submission.parent_id);
    task.created_at = Some(Utc::now());
    task
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
