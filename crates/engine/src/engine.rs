//! [`Engine`]: the public face. Submits tasks and actions through the registered provider
//! clients, remembers every task of the session, and hands live tasks to the scheduler.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use atelier_providers::{
    ActionInput, ImagineRequest, ProviderClient, ProviderError, ProviderKind, Submission, Task,
};
use chrono::Utc;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use crate::config::EngineConfig;
use crate::event::{finished_change, EngineEvent, TaskChange};
use crate::mode::MidjourneyMode;
use crate::poller::Poller;
use crate::registry::Registry;
use crate::scheduler::{Command, Pollers, Scheduler, SharedInterval};

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
        write(&self.inner.pollers).insert(kind, poller);
    }

    /// Removes the client for `provider`; its live tasks wait (until their deadline) for a
    /// new one. Returns whether there was one.
    pub fn remove_client(&self, provider: ProviderKind) -> bool {
        write(&self.inner.pollers).remove(&provider);
        write(&self.inner.clients).remove(&provider).is_some()
    }

    /// True when a client is registered for `provider`.
    pub fn has_client(&self, provider: ProviderKind) -> bool {
        read(&self.inner.clients).contains_key(&provider)
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
            .filter(|p| !p.trim().is_empty())
            .or_else(|| parent.prompt.clone());
        task.model.clone_from(&parent.model);
        Ok(self.start(task, submission.finished))
    }

    /// Resumes watching a task loaded from storage (after a restart). A finished task is only
    /// remembered. Its deadline counts from its `created_at` when known, but it is always
    /// polled once first, in case it finished while the app was closed. Emits nothing by
    /// itself; returns false when it was already being watched.
    pub fn watch(&self, task: Task) -> bool {
        if self.inner.registry.is_watching(&task.id) {
            return false;
        }
        let live = !task.status.is_final();
        let id = task.id.clone();
        let provider = task.provider;
        let age = task
            .created_at
            .and_then(|at| (Utc::now() - at).to_std().ok())
            .unwrap_or_default();
        let deadline_len = self.deadline_for(&task);
        self.inner.registry.insert(task, None, live);
        if live {
            let now = Instant::now();
            self.send(Command::Watch {
                id,
                provider,
                first_poll: now,
                deadline: now + deadline_len.saturating_sub(age),
                deadline_len,
            });
        }
        live
    }

    /// Stops watching a task and emits `Cancelled`. The task keeps its last known state.
    /// Returns false when it was not being watched (unknown or already finished).
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

    /// True while the engine is polling this task.
    pub fn is_watching(&self, id: &str) -> bool {
        self.inner.registry.is_watching(id)
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
        write(&self.inner.pollers).insert(provider, poller);
    }

    /// Announces a newly submitted task and hands it to the scheduler (or, when the provider
    /// already finished it, announces the result).
    fn start(&self, task: Task, finished: Option<Task>) -> Task {
        self.inner
            .registry
            .insert(task.clone(), Some(TaskChange::Created), true);
        if let Some(done) = finished.filter(|t| t.status.is_final()) {
            let merged = crate::registry::merge(&task, done);
            let change = finished_change(&merged);
            self.inner
                .registry
                .insert(merged.clone(), Some(change), false);
            return merged;
        }
        let provider = task.provider;
        let deadline_len = self.deadline_for(&task);
        let now = Instant::now();
        self.send(Command::Watch {
            id: task.id.clone(),
            provider,
            first_poll: now + self.inner.interval.get(),
            deadline: now + deadline_len,
            deadline_len,
        });
        task
    }

    fn client(&self, provider: ProviderKind) -> Result<Arc<ProviderClient>, ProviderError> {
        read(&self.inner.clients)
            .get(&provider)
            .cloned()
            .ok_or_else(|| {
                ProviderError::invalid(
                    "provider",
                    format!(
                        "{} is not set up yet. Add its API key in Settings, or use the demo.",
                        provider.display_name()
                    ),
                )
            })
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
