//! Tasks: submitting, buttons, the Create feed, Check again, cancelling; which lane holds a
//! task; and picking up, after a restart, what an earlier run left unfinished.

use super::lane::{Lane, LaneKind};
use super::queue::SendFailure;
use super::{library_error, no_key_for_live_task, not_found, Atelier, RECENT_TASKS};
use crate::archive::{archive_images, make_thumbnails};
use crate::error::{AppError, ErrorCode};
use crate::queue::JobRequest;
use crate::retry::{is_retryable_status, needs_parent, retry_plan, RetryPlan};
use crate::view::{SubmitRequest, TaskChange, TaskView};
use atelier_providers::{
    ActionInput, CreateRequest, ImagineRequest, ProviderError, ProviderKind, Task, TaskStatus,
};
use std::collections::HashMap;

impl Atelier {
    /// Submits a new prompt to `request.provider` (demo or live) and starts watching it.
    pub async fn submit(&self, request: SubmitRequest) -> Result<TaskView, AppError> {
        let request_provider = request.provider;
        self.submit_imagine(
            request_provider,
            ImagineRequest {
                prompt: request.prompt,
                model: request.model.filter(|m| !m.trim().is_empty()),
                aspect_ratio: request.aspect_ratio.filter(|a| !a.trim().is_empty()),
                reference_image: request.reference_image.filter(|r| !r.trim().is_empty()),
            },
        )
        .await
    }

    pub(super) async fn submit_imagine(
        &self,
        provider: ProviderKind,
        request: ImagineRequest,
    ) -> Result<TaskView, AppError> {
        let lane = self.lane_for(provider).kind;
        Ok(self.send_imagine(lane, provider, request).await?)
    }

    /// Sends a new prompt to `provider` in `lane` and starts watching it; the provider's own
    /// error comes back as it is (the queue tells "busy" from the rest).
    pub(super) async fn send_imagine(
        &self,
        lane: LaneKind,
        provider: ProviderKind,
        request: ImagineRequest,
    ) -> Result<TaskView, ProviderError> {
        let lane = self.lane(lane);
        let task = lane.engine.submit(provider, request).await?;
        self.record_durably(&task, lane.kind).await;
        Ok(self.view(task, lane.kind))
    }

    /// Sends a creation mode to `provider` in `lane` and starts watching it; the provider's
    /// own error comes back as it is (the queue tells "busy" from the rest).
    pub(super) async fn send_create(
        &self,
        lane: LaneKind,
        provider: ProviderKind,
        request: CreateRequest,
    ) -> Result<TaskView, ProviderError> {
        let lane = self.lane(lane);
        let source = self.source_task(&request).await;
        let task = lane.engine.create_from(provider, request, source).await?;
        self.record_durably(&task, lane.kind).await;
        Ok(self.view(task, lane.kind))
    }

    /// The library task whose picture a Describe or a Video is made from, when the library
    /// has it: the new task joins that picture's lineage as its child. A Blend has several
    /// pictures, shown as its inputs instead; a link from elsewhere has none.
    async fn source_task(&self, request: &CreateRequest) -> Option<String> {
        let [url] = request.image_urls()[..] else {
            return None;
        };
        let url = url.to_owned();
        let library = self.inner.library.clone();
        tokio::task::spawn_blocking(move || crate::lineage::library_source(&library, &url, ""))
            .await
            .ok()?
            .ok()
            .flatten()
            .map(|(task_id, _)| task_id)
    }

    /// Runs one of `parent_id`'s buttons; the child task is watched like any other.
    pub async fn run_action(
        &self,
        parent_id: &str,
        action_id: &str,
        input: ActionInput,
    ) -> Result<TaskView, AppError> {
        Ok(self.send_action(parent_id, action_id, input).await?)
    }

    /// [`Atelier::run_action`], telling the provider's own refusals apart from the app's.
    pub(super) async fn send_action(
        &self,
        parent_id: &str,
        action_id: &str,
        input: ActionInput,
    ) -> Result<TaskView, SendFailure> {
        let lane = self.lane_holding(parent_id)?;
        if lane.kind == LaneKind::Live {
            let provider = lane
                .engine
                .get(parent_id)
                .ok_or_else(|| not_found(parent_id))?
                .provider;
            if !self.has_key(provider) {
                return Err(no_key_for_live_task(provider).into());
            }
        }
        let task = lane.engine.action(parent_id, action_id, input).await?;
        self.record_durably(&task, lane.kind).await;
        Ok(self.view(task, lane.kind))
    }

    /// "Retry" on a failed or timed-out task: sends exactly what created it again (the same
    /// imagine with its aspect ratio, model and reference image, or the same button with the
    /// same input on the same parent) as a new task. An imagine goes to whichever lane serves
    /// its provider now, like a new prompt; a button goes to the parent's lane.
    pub async fn retry(&self, task_id: &str) -> Result<TaskView, AppError> {
        match self.retry_request(task_id)? {
            JobRequest::Imagine { provider, request } => {
                self.submit_imagine(provider, request).await
            }
            JobRequest::Create { provider, request } => {
                let lane = self.lane_for(provider).kind;
                Ok(self.send_create(lane, provider, request).await?)
            }
            JobRequest::Action {
                parent_id,
                action_id,
                input,
            } => self.run_action(&parent_id, &action_id, input).await,
        }
    }

    /// What Retry on `task_id` sends: exactly what created it (see [`Atelier::retry`]).
    pub(super) fn retry_request(&self, task_id: &str) -> Result<JobRequest, AppError> {
        let lane = self.lane_holding(task_id)?;
        let task = lane.engine.get(task_id).ok_or_else(|| not_found(task_id))?;
        if !is_retryable_status(task.status) {
            return Err(AppError::invalid(
                "This task did not fail, so there is nothing to retry. Its buttons make new \
                 images from it.",
            ));
        }
        let parent = self.retry_parent(&task);
        match retry_plan(&task, parent.as_ref()) {
            Some(RetryPlan::Imagine { provider, request }) => {
                Ok(JobRequest::Imagine { provider, request })
            }
            Some(RetryPlan::Create { provider, request }) => {
                Ok(JobRequest::Create { provider, request })
            }
            Some(RetryPlan::Action {
                parent_id,
                action_id,
                input,
            }) => Ok(JobRequest::Action {
                parent_id,
                action_id,
                input,
            }),
            None => Err(AppError::invalid(
                "Atelier does not know what made this task, so it cannot send it again. Use \
                 Edit prompt to start it afresh.",
            )),
        }
    }

    /// The parent [`retry_plan`] needs for `task`, if it needs one: from an engine, else the
    /// library.
    pub(super) fn retry_parent(&self, task: &Task) -> Option<Task> {
        if !needs_parent(task) {
            return None;
        }
        let parent_id = task.parent_id.as_deref()?;
        self.inner
            .demo
            .engine
            .get(parent_id)
            .or_else(|| self.inner.live.engine.get(parent_id))
            .or_else(|| {
                self.inner
                    .library
                    .get_task(parent_id)
                    .ok()
                    .flatten()
                    .map(|s| s.task)
            })
    }

    /// The most recent tasks (this session's and those in the library), newest first.
    pub fn list_tasks(&self) -> Vec<TaskView> {
        let mut all: HashMap<String, TaskView> = HashMap::new();
        match self.inner.library.recent_tasks(RECENT_TASKS) {
            Ok(stored) => {
                for s in stored {
                    all.insert(
                        s.task.id.clone(),
                        self.view(s.task, LaneKind::from_demo(s.demo)),
                    );
                }
            }
            Err(e) => tracing::error!("could not read recent tasks from the library: {e}"),
        }
        for lane in [&self.inner.demo, &self.inner.live] {
            for t in lane.engine.list() {
                all.insert(t.id.clone(), self.view(t, lane.kind));
            }
        }
        let mut all: Vec<TaskView> = all.into_values().collect();
        all.sort_by_key(|t| std::cmp::Reverse(t.task.created_at));
        all.truncate(RECENT_TASKS);
        all
    }

    /// "Check again" on a task Atelier stopped waiting for at its deadline: one fetch now (free;
    /// never a new job, so nobody pays twice). A late result becomes a normal finished task
    /// (its images archived, marked `finished_late`); otherwise the task keeps being re-checked
    /// quietly until its `recheck_until`.
    pub async fn check_again(&self, task_id: &str) -> Result<TaskView, AppError> {
        let lane = self.lane_holding(task_id)?;
        let engine = &lane.engine;
        let task = engine.get(task_id).ok_or_else(|| not_found(task_id))?;
        if lane.kind == LaneKind::Live && !self.has_key(task.provider) {
            return Err(no_key_for_live_task(task.provider));
        }
        if task.status != TaskStatus::TimedOut {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                "This task is not waiting for a late result: it already has the provider's \
                 answer. Retry makes a new job.",
            ));
        }
        if !engine.is_rechecking(task_id) {
            // Picked up again if its 24 hours are not over (a no-op otherwise; the one fetch
            // below still goes out, since fetching is free).
            engine.recheck(task.clone());
        }
        let now = engine.check_now(task_id).await?;
        self.record_durably(&now, lane.kind).await;
        Ok(self.view(now, lane.kind))
    }

    /// Stops watching a task.
    pub fn cancel_task(&self, task_id: &str) -> Result<TaskView, AppError> {
        let lane = self.lane_holding(task_id)?;
        lane.engine.cancel(task_id);
        let task = lane.engine.get(task_id).ok_or_else(|| not_found(task_id))?;
        Ok(self.view(task, lane.kind))
    }

    /// The lane a new task of `provider` goes to: live with a key, else the demo.
    pub(super) fn lane_for(&self, provider: ProviderKind) -> &Lane {
        if self.has_key(provider) {
            &self.inner.live
        } else {
            &self.inner.demo
        }
    }

    /// The lane that knows `task_id`; a finished task from an earlier run is loaded from
    /// the library into the lane it belongs to, so its buttons work again.
    pub(super) fn lane_holding(&self, task_id: &str) -> Result<&Lane, AppError> {
        for lane in [&self.inner.demo, &self.inner.live] {
            if lane.engine.get(task_id).is_some() {
                return Ok(lane);
            }
        }
        let stored = self
            .inner
            .library
            .get_task(task_id)
            .map_err(library_error)?
            .ok_or_else(|| not_found(task_id))?;
        let lane = self.lane(LaneKind::from_demo(stored.demo));
        lane.engine.watch(stored.task);
        Ok(lane)
    }

    /// Picks up every task that was still running when the app last stopped (or crashed):
    /// live tasks are watched again (the engine times out those past their deadline); demo
    /// tasks cannot be, since the built-in simulator starts afresh, so they are marked as
    /// failed with a sentence saying so.
    pub(super) async fn resume_unfinished(&self) {
        let unfinished = match self.inner.library.unfinished_tasks() {
            Ok(t) => t,
            Err(e) => {
                tracing::error!("could not read unfinished tasks from the library: {e}");
                return;
            }
        };
        for stored in unfinished {
            let mut task = stored.task;
            if !stored.demo {
                // Polled again at once; without a key now, it waits (nothing is sent) until
                // one is set, rather than failing a job the person may already have paid for.
                self.inner.live.engine.watch(task);
                continue;
            }
            task.status = TaskStatus::Failed;
            task.error =
                Some("The demo was restarted before this task finished. Run it again.".to_string());
            self.inner.recorder.record(&task, stored.demo, None);
        }
        // Tasks the app stopped waiting for at its deadline are re-checked quietly again, until
        // their 24 hours are over: a late result still lands.
        match self.inner.library.rechecking_tasks(chrono::Utc::now()) {
            Ok(rechecking) => {
                for stored in rechecking.into_iter().filter(|s| !s.demo) {
                    self.inner.live.engine.recheck(stored.task);
                }
            }
            Err(e) => tracing::error!("could not read re-checked tasks from the library: {e}"),
        }
    }

    /// Finishes archiving recent live tasks that succeeded but whose images were not yet
    /// downloaded when the app stopped (their provider links are usually still valid).
    pub(super) fn rearchive_in_background(&self) {
        let app = self.clone();
        tokio::spawn(async move {
            let lib = app.inner.library.clone();
            let pending = tokio::task::spawn_blocking(move || -> Vec<Task> {
                let recent = lib.recent_tasks(RECENT_TASKS).unwrap_or_default();
                recent
                    .into_iter()
                    .filter(|s| !s.demo && s.task.status == TaskStatus::Succeeded)
                    .filter(|s| {
                        lib.task_images(&s.task.id)
                            .map(|i| i.is_empty())
                            .unwrap_or(false)
                    })
                    .map(|s| s.task)
                    .collect()
            })
            .await
            .unwrap_or_default();
            app.inner.recorder.flush().await;
            for task in pending {
                let cache = app.image_cache(LaneKind::Live, task.provider);
                let media = archive_images(app.inner.library.clone(), cache, task.clone()).await;
                app.set_media(&task.id, media);
                let id = task.id.clone();
                app.emit(TaskChange::Results, task, LaneKind::Live);
                make_thumbnails(app.inner.library.clone(), id).await;
            }
        });
    }
}
