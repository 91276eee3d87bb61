//! The local job queue at work: what the person asks for goes out at once while its provider
//! has a free slot (the person's "jobs at once"), else waits in the library's `queue` table and
//! goes out, in order, as slots free up. One dispatcher task drains the queue; it wakes when a
//! job is queued, moved or sent now, when a task finishes, fails or is cancelled, when settings
//! or keys change, and when a busy provider's wait is over. A provider that answers "busy" (429,
//! queue full) puts the job back with a growing wait instead of failing it; any other refusal
//! holds the job with its reason until the person sends it again or cancels it.

use super::lane::LaneKind;
use super::{blocking, not_found, Atelier};
use crate::endpoints::PROVIDERS;
use crate::error::AppError;
use crate::queue::{
    busy_note, busy_wait, queue_views, JobRequest, QueuedJob, QueuedView, Submitted,
};
use crate::view::{SubmitRequest, TaskView, UiEvent};
use atelier_providers::{ActionInput, CreateRequest, ImagineRequest, ProviderError, ProviderKind};
use chrono::Utc;
use std::sync::atomic::Ordering;

/// Why a job could not be sent: the provider's own refusal (which may mean "busy"), or the
/// app's (no key, an unknown parent).
#[derive(Debug)]
pub(crate) enum SendFailure {
    /// The provider refused or could not be reached.
    Provider(ProviderError),
    /// Atelier itself could not send it.
    App(AppError),
}

impl From<ProviderError> for SendFailure {
    fn from(e: ProviderError) -> Self {
        SendFailure::Provider(e)
    }
}

impl From<AppError> for SendFailure {
    fn from(e: AppError) -> Self {
        SendFailure::App(e)
    }
}

impl From<SendFailure> for AppError {
    fn from(e: SendFailure) -> Self {
        match e {
            SendFailure::Provider(e) => e.into(),
            SendFailure::App(e) => e,
        }
    }
}

impl Atelier {
    /// A new prompt from the Create view: sent at once while its provider has a free slot,
    /// else queued. A permutation prompt (`a {red, blue} bird`) queues each of its prompts
    /// as one group.
    pub async fn submit_or_queue(&self, request: SubmitRequest) -> Result<Submitted, AppError> {
        let provider = request.provider;
        let request = ImagineRequest {
            prompt: request.prompt,
            model: request.model.filter(|m| !m.trim().is_empty()),
            aspect_ratio: request.aspect_ratio.filter(|a| !a.trim().is_empty()),
            reference_image: request.reference_image.filter(|r| !r.trim().is_empty()),
        };
        // `{a, b}` makes a group of prompts; without braces the prompt goes as written.
        let expansion = crate::permute::expand(&request.prompt)
            .map_err(|e| AppError::invalid(e.to_string()))?;
        if expansion.is_group() {
            return self.ask_group(provider, request, expansion).await;
        }
        self.ask(JobRequest::Imagine { provider, request }).await
    }

    /// A creation mode (blend, describe, shorten, video) from the Create view: checked first
    /// (LinkrAPI has none; 2-5 blend images, http(s) links, a prompt...: a sentence, nothing
    /// sent or queued), then sent at once while its provider has a free slot, else queued,
    /// like an imagine.
    pub async fn submit_create(
        &self,
        provider: ProviderKind,
        request: CreateRequest,
    ) -> Result<Submitted, AppError> {
        atelier_providers::inputs::create_for(provider, &request)?;
        self.ask(JobRequest::Create { provider, request }).await
    }

    /// A button of a finished task: sent at once while its provider has a free slot, else
    /// queued.
    pub async fn run_action_or_queue(
        &self,
        parent_id: &str,
        action_id: &str,
        input: ActionInput,
    ) -> Result<Submitted, AppError> {
        self.ask(JobRequest::Action {
            parent_id: parent_id.to_string(),
            action_id: action_id.to_string(),
            input,
        })
        .await
    }

    /// Retry of a failed task (exactly what created it), through the queue like the rest.
    pub async fn retry_or_queue(&self, task_id: &str) -> Result<Submitted, AppError> {
        let request = self.retry_request(task_id)?;
        self.ask(request).await
    }

    /// The jobs waiting in the local queue, first in line first.
    pub fn queue(&self) -> Vec<QueuedView> {
        queue_views(&self.queued_jobs())
    }

    /// Moves a waiting job `by` places among its provider's waiting jobs (negative: forward).
    pub async fn move_queued(&self, id: &str, by: i32) -> Result<Vec<QueuedView>, AppError> {
        {
            let _turn = self.inner.dispatch.lock().await;
            let jobs = self.queued_jobs();
            let job = jobs.iter().find(|j| j.id == id).ok_or_else(|| gone(id))?;
            let same: Vec<&QueuedJob> =
                jobs.iter().filter(|j| j.provider == job.provider).collect();
            let here = same.iter().position(|j| j.id == id).unwrap_or(0);
            let there = (here as i64 + i64::from(by)).clamp(0, same.len() as i64 - 1) as usize;
            if there != here {
                let target = &same[there].id;
                let index = jobs.iter().position(|j| &j.id == target).unwrap_or(0);
                let library = self.inner.library.clone();
                let id = id.to_string();
                blocking(move || library.queue_move(&id, index)).await?;
            }
        }
        Ok(self.queue_changed())
    }

    /// Takes a waiting job out of the queue; nothing is sent.
    pub async fn cancel_queued(&self, id: &str) -> Result<Vec<QueuedView>, AppError> {
        {
            let _turn = self.inner.dispatch.lock().await;
            let library = self.inner.library.clone();
            let job = id.to_string();
            if !blocking(move || library.queue_remove(&job)).await? {
                return Err(gone(id));
            }
        }
        Ok(self.queue_changed())
    }

    /// Sends a waiting job now, whatever its place and the free slots (the person knows their
    /// plan). If the provider refuses it, it stays in the queue with the reason.
    pub async fn send_queued_now(&self, id: &str) -> Result<Submitted, AppError> {
        let _turn = self.inner.dispatch.lock().await;
        let job = self
            .queued_jobs()
            .into_iter()
            .find(|j| j.id == id)
            .ok_or_else(|| gone(id))?;
        self.send_queued(job).await
    }

    /// Wakes the dispatcher: a slot may have freed, or the queue changed.
    pub(super) fn wake_queue(&self) {
        self.inner.queue_wake.notify_one();
    }

    /// Starts the one task that sends waiting jobs as slots free up; it ends at shutdown.
    pub(super) fn start_dispatcher(&self) {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                if app.inner.shut_down.load(Ordering::Relaxed) {
                    break;
                }
                let next = app.drain().await;
                match next {
                    Some(wait) => {
                        tokio::select! {
                            _ = app.inner.queue_wake.notified() => {}
                            _ = tokio::time::sleep(wait) => {}
                        }
                    }
                    None => app.inner.queue_wake.notified().await,
                }
            }
        });
        // Whatever an earlier run left waiting goes out as soon as there is room.
        self.wake_queue();
    }

    /// Sends what is asked at once if its provider has a free slot and nobody waits before
    /// it, else queues it.
    async fn ask(&self, request: JobRequest) -> Result<Submitted, AppError> {
        let _turn = self.inner.dispatch.lock().await;
        let job = self.new_job(request)?;
        let waits_already = self
            .queued_jobs()
            .iter()
            .any(|j| j.provider == job.provider && j.demo == job.demo && j.error.is_none());
        if !waits_already && self.free_slots(job.provider, job.demo) > 0 {
            return match self.send_job(&job).await {
                Ok(view) => Ok(Submitted::Sent {
                    task: Box::new(view),
                }),
                Err(SendFailure::Provider(e)) if busy_wait(&e, 0).is_some() => {
                    let job = self.held_as_busy(job, &e);
                    let view = self.enqueue(job).await?;
                    self.wake_queue();
                    Ok(Submitted::Queued { job: view })
                }
                Err(e) => Err(e.into()),
            };
        }
        let view = self.enqueue(job).await?;
        self.wake_queue();
        Ok(Submitted::Queued { job: view })
    }

    /// A job for `request`, in the lane it belongs to now (a prompt: the lane serving its
    /// provider; a button: its parent's lane).
    pub(super) fn new_job(&self, request: JobRequest) -> Result<QueuedJob, AppError> {
        let (provider, demo, kind_label, prompt) = match &request {
            JobRequest::Imagine { provider, request } => (
                *provider,
                self.lane_for(*provider).kind.is_demo(),
                atelier_providers::TaskKind::Imagine.label(),
                Some(request.prompt.trim().to_string()),
            ),
            JobRequest::Create { provider, request } => (
                *provider,
                self.lane_for(*provider).kind.is_demo(),
                request.kind().label(),
                request.prompt().map(|p| p.trim().to_string()),
            ),
            JobRequest::Action {
                parent_id,
                action_id,
                input,
            } => {
                let lane = self.lane_holding(parent_id)?;
                let parent = lane
                    .engine
                    .get(parent_id)
                    .ok_or_else(|| not_found(parent_id))?;
                let action = parent.actions.iter().find(|a| &a.id == action_id);
                let label = action
                    .map(|a| a.label.clone())
                    .filter(|l| !l.trim().is_empty())
                    .unwrap_or_else(|| action_id.clone());
                let prompt = input
                    .prompt
                    .clone()
                    .filter(|p| !p.trim().is_empty())
                    .or(parent.prompt.clone());
                (parent.provider, lane.kind.is_demo(), label, prompt)
            }
        };
        Ok(QueuedJob {
            id: format!("q-{}", uuid::Uuid::new_v4()),
            provider,
            demo,
            request,
            kind_label,
            prompt,
            created_at: Utc::now(),
            attempts: 0,
            not_before: None,
            note: None,
            error: None,
            group: None,
        })
    }

    /// How many more `provider` jobs may go out in the lane now.
    fn free_slots(&self, provider: ProviderKind, demo: bool) -> u32 {
        let limit = self
            .inner
            .settings
            .read()
            .map(|s| s.jobs_at_once(provider))
            .unwrap_or(crate::settings::DEFAULT_JOBS_AT_ONCE);
        let running = self
            .lane(LaneKind::from_demo(demo))
            .engine
            .running(Some(provider));
        limit.saturating_sub(u32::try_from(running).unwrap_or(u32::MAX))
    }

    /// Sends `job` in its lane.
    async fn send_job(&self, job: &QueuedJob) -> Result<TaskView, SendFailure> {
        match &job.request {
            JobRequest::Imagine { provider, request } => {
                let lane = LaneKind::from_demo(job.demo);
                if lane == LaneKind::Live && !self.has_key(*provider) {
                    return Err(super::no_key_for_live_task(*provider).into());
                }
                Ok(self.send_imagine(lane, *provider, request.clone()).await?)
            }
            JobRequest::Create { provider, request } => {
                let lane = LaneKind::from_demo(job.demo);
                if lane == LaneKind::Live && !self.has_key(*provider) {
                    return Err(super::no_key_for_live_task(*provider).into());
                }
                Ok(self.send_create(lane, *provider, request.clone()).await?)
            }
            JobRequest::Action {
                parent_id,
                action_id,
                input,
            } => self.send_action(parent_id, action_id, input.clone()).await,
        }
    }

    /// Sends a queued job: out of the queue when sent; back in it with a wait when the
    /// provider is busy; held with the reason on any other refusal.
    async fn send_queued(&self, mut job: QueuedJob) -> Result<Submitted, AppError> {
        match self.send_job(&job).await {
            Ok(view) => {
                let library = self.inner.library.clone();
                let id = job.id.clone();
                blocking(move || library.queue_remove(&id)).await?;
                if let Some(group) = &job.group {
                    self.attach_to_group(group, &view.task.id, job.demo).await;
                }
                self.queue_changed();
                Ok(Submitted::Sent {
                    task: Box::new(view),
                })
            }
            Err(SendFailure::Provider(e)) if busy_wait(&e, job.attempts).is_some() => {
                let job = self.held_as_busy(job, &e);
                let view = self.enqueue(job).await?;
                Ok(Submitted::Queued { job: view })
            }
            Err(e) => {
                let e = AppError::from(e);
                job.error = Some(e.message.clone());
                job.note = None;
                job.not_before = None;
                self.enqueue(job).await?;
                Err(e)
            }
        }
    }

    /// `job` after a "busy" answer: one more attempt, not before the wait is over.
    fn held_as_busy(&self, mut job: QueuedJob, e: &ProviderError) -> QueuedJob {
        let wait = busy_wait(e, job.attempts).unwrap_or(crate::queue::FIRST_BUSY_WAIT);
        let until = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
        job.attempts += 1;
        job.not_before = Some(until);
        job.note = Some(busy_note(job.provider, until));
        job.error = None;
        job
    }

    /// Writes `job` into the queue (at the end if new, in its place if known) and tells the
    /// UI; returns its view.
    async fn enqueue(&self, job: QueuedJob) -> Result<QueuedView, AppError> {
        let json = job.to_json()?;
        let library = self.inner.library.clone();
        let (id, provider) = (job.id.clone(), job.provider);
        blocking(move || library.queue_put(&id, provider, &json)).await?;
        self.queue_changed()
            .into_iter()
            .find(|v| v.id == job.id)
            .ok_or_else(|| AppError::internal("the queued job is missing from the queue"))
    }

    /// Sends what may go out now; returns how long until a busy provider's wait is over, if
    /// a job waits for that.
    async fn drain(&self) -> Option<std::time::Duration> {
        let _turn = self.inner.dispatch.lock().await;
        let jobs = self.queued_jobs();
        if jobs.is_empty() {
            return None;
        }
        let now = Utc::now();
        let mut soonest: Option<chrono::DateTime<Utc>> = None;
        for provider in PROVIDERS {
            for demo in [true, false] {
                let mut free = self.free_slots(provider, demo);
                let waiting = jobs
                    .iter()
                    .filter(|j| j.provider == provider && j.demo == demo && j.error.is_none());
                for job in waiting {
                    if free == 0 {
                        break;
                    }
                    if let Some(at) = job.not_before.filter(|at| *at > now) {
                        // The provider said it is busy: nobody behind this job goes first.
                        soonest = Some(soonest.map_or(at, |s| s.min(at)));
                        break;
                    }
                    if !demo && !self.has_key(provider) {
                        // A job asked with a key waits for the key to come back.
                        break;
                    }
                    match self.send_queued(job.clone()).await {
                        Ok(Submitted::Sent { .. }) => free -= 1,
                        Ok(Submitted::Queued { job }) => {
                            if let Some(at) = job.not_before {
                                soonest = Some(soonest.map_or(at, |s| s.min(at)));
                            }
                            break;
                        }
                        Ok(Submitted::Group { .. }) => {}
                        Err(e) => {
                            tracing::info!(job = %job.id, "a queued job is held: {e}");
                        }
                    }
                }
            }
        }
        soonest.map(|at| (at - Utc::now()).to_std().unwrap_or_default())
    }

    /// Every waiting job, first in line first (unreadable rows are skipped with a warning).
    pub(super) fn queued_jobs(&self) -> Vec<QueuedJob> {
        match self.inner.library.queue_list() {
            Ok(rows) => rows
                .into_iter()
                .filter_map(
                    |row| match serde_json::from_str::<QueuedJob>(&row.job_json) {
                        Ok(job) => Some(job),
                        Err(e) => {
                            tracing::warn!(job = %row.id, "a queued job cannot be read: {e}");
                            None
                        }
                    },
                )
                .collect(),
            Err(e) => {
                tracing::warn!("could not read the queue: {e}");
                Vec::new()
            }
        }
    }

    /// Tells the UI what waits now, and returns it.
    pub(super) fn queue_changed(&self) -> Vec<QueuedView> {
        let waiting = self.queue();
        let _ = self.inner.events.send(UiEvent::Queue(waiting.clone()));
        waiting
    }
}

/// The sentence for a job that is no longer in the queue.
fn gone(id: &str) -> AppError {
    AppError::new(
        crate::error::ErrorCode::NotFound,
        format!("The waiting job {id} is not in the queue any more: it was sent or cancelled."),
    )
}
