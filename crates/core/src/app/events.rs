//! Engine events into the library and the UI: each change is recorded, a success first
//! archives its images, and every task the UI sees is a [`TaskView`] with its media.

use super::lane::{Images, LaneKind};
use super::{shorten, Atelier};
use crate::archive::{archive_images, make_thumbnails};
use crate::completion_trace::{mark, Phase};
use crate::endpoints;
use crate::media::{cached_media, is_empty as media_is_empty, library_media, ui_task};
use crate::retry::{is_retryable_status, retry_plan};
use crate::view::{TaskChange, TaskEvent, TaskMedia, TaskView};
use crate::view::{TaskProgress, TaskSummary, UiEvent};
use atelier_engine::EngineEvent;
use atelier_library::ImageCache;
use atelier_providers::{ProviderKind, Task, TaskStatus};
use std::sync::atomic::Ordering;
use tokio::sync::broadcast;

impl Atelier {
    /// Writes `task` through to the library with its deadline.
    pub(super) fn record(&self, task: &Task, lane: LaneKind) {
        let engine = &self.lane(lane).engine;
        let deadline = task.created_at.map(|at| {
            at + chrono::Duration::from_std(engine.deadline_for(task)).unwrap_or_default()
        });
        self.inner.recorder.record(task, lane.is_demo(), deadline);
    }

    /// [`Atelier::record`], and waits until the row is on disk: for a task the person just
    /// sent (a job they may pay for must survive a crash the moment after).
    pub(super) async fn record_durably(&self, task: &Task, lane: LaneKind) {
        self.record(task, lane);
        self.inner.recorder.flush().await;
    }

    /// Passes one lane's engine events on to the UI: a change as a [`TaskEvent`], progress as
    /// a small [`TaskProgress`]; a success first archives its images and is told once, after.
    pub(super) fn forward_events(&self, lane: LaneKind) {
        let app = self.clone();
        let mut rx = self.lane(lane).engine.subscribe();
        tokio::spawn(async move {
            loop {
                let EngineEvent { change, task } = match rx.recv().await {
                    Ok(ev) => ev,
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        app.inner.missed_events.fetch_add(n, Ordering::Relaxed);
                        tracing::warn!(
                            missed = n,
                            "task events lagged; the UI catches up on the next change"
                        );
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                app.record(&task, lane);
                if task.status.is_final() || change == TaskChange::Cancelled {
                    // A slot may have freed: the queue's next job can go.
                    app.wake_queue();
                }
                if change == TaskChange::Results && task.status == TaskStatus::Succeeded {
                    mark(&task.id, Phase::FinalSeen);
                    app.set_media(
                        &task.id,
                        TaskMedia {
                            downloading: true,
                            ..TaskMedia::default()
                        },
                    );
                    app.emit_progress(&task, true);
                    let app2 = app.clone();
                    tokio::spawn(async move {
                        // The task's row must be on disk before its images' rows.
                        app2.inner.recorder.flush().await;
                        let cache = app2.image_cache(lane, task.provider);
                        let media =
                            archive_images(app2.inner.library.clone(), cache, task.clone()).await;
                        app2.set_media(&task.id, media);
                        let id = task.id.clone();
                        let provider = task.provider;
                        app2.emit(TaskChange::Results, task, lane);
                        mark(&id, Phase::Emitted);
                        // After the card has its images: neither is needed to show them.
                        make_thumbnails(app2.inner.library.clone(), id).await;
                        if provider == ProviderKind::Journey {
                            app2.refresh_credits().await;
                        }
                    });
                } else if change == TaskChange::Failed && task.provider == ProviderKind::Journey {
                    // A failed JourneyAPI task may have been charged or refunded: the rail
                    // reads the credits again.
                    if task.status.is_final() {
                        app.inner.recorder.flush().await;
                    }
                    app.emit(change, task, lane);
                    let app2 = app.clone();
                    tokio::spawn(async move { app2.refresh_credits().await });
                } else if change == TaskChange::Progress {
                    app.emit_progress(&task, false);
                } else {
                    if task.status.is_final() {
                        // A final state is on disk before the UI hears of it: what the person
                        // saw survives a crash right after.
                        app.inner.recorder.flush().await;
                    }
                    app.emit(change, task, lane);
                }
            }
        });
    }

    pub(super) fn set_media(&self, task_id: &str, media: TaskMedia) {
        if let Ok(mut m) = self.inner.media.lock() {
            m.insert(task_id.to_string(), media);
        }
    }

    /// Tells the UI about one change of `task`, with its summary and media.
    pub(super) fn emit(&self, change: TaskChange, task: Task, lane: LaneKind) {
        let view = self.view(task, lane);
        // No receiver (no window yet) is fine: the UI lists tasks when it starts.
        let _ = self
            .inner
            .events
            .send(UiEvent::Update(Box::new(TaskEvent { change, task: view })));
    }

    /// Tells the UI that `task`'s progress moved (or that its images are being archived).
    pub(super) fn emit_progress(&self, task: &Task, downloading: bool) {
        let _ = self.inner.events.send(UiEvent::Progress(TaskProgress {
            id: task.id.clone(),
            raw_status: task.raw_status.clone(),
            progress: task.progress,
            downloading,
        }));
    }

    /// `task` as the UI sees it: no raw JSON, no provider address the download policy
    /// refuses (see `ui_task`), its media and its parent's prompt.
    pub(super) fn view(&self, task: Task, lane: LaneKind) -> TaskView {
        let allow_loopback = self.allows_loopback(lane, task.provider);
        let task = ui_task(task, allow_loopback);
        let can_retry = is_retryable_status(task.status)
            && retry_plan(&task, self.retry_parent(&task).as_ref()).is_some();
        let media = self.media_of(&task);
        let parent_label = task
            .parent_id
            .as_deref()
            .map(|pid| shorten(&self.parent_prompt(pid).unwrap_or_default(), 60));
        let group = self.group_of(&task.id);
        TaskView {
            task: TaskSummary::from(task),
            media,
            demo: lane.is_demo(),
            parent_label,
            can_retry,
            group,
        }
    }

    /// What the webview can show of `task`: this session's media when there is some, else,
    /// for a finished task (either lane, e.g. from an earlier run), what the library
    /// catalogued, else whatever files the library folder already holds for it. Media read
    /// from the library is kept in memory, so it is looked up once per task.
    pub(super) fn media_of(&self, task: &Task) -> TaskMedia {
        if let Some(media) = self
            .inner
            .media
            .lock()
            .ok()
            .and_then(|m| m.get(&task.id).cloned())
        {
            return media;
        }
        if task.status != TaskStatus::Succeeded {
            return TaskMedia::default();
        }
        let from_library = match self.inner.library.task_images(&task.id) {
            Ok(items) => library_media(&items),
            Err(e) => {
                tracing::warn!(task = %task.id, "could not read the task's images: {e}");
                TaskMedia::default()
            }
        };
        let media = if media_is_empty(&from_library) {
            cached_media(self.inner.images.lookup(), task)
        } else {
            from_library
        };
        if !media_is_empty(&media) {
            self.set_media(&task.id, media.clone());
        }
        media
    }

    /// The prompt of the task `parent_id`: from an engine when it is in this session, else
    /// from the library (a parent made in an earlier run).
    pub(super) fn parent_prompt(&self, parent_id: &str) -> Option<String> {
        let in_session = self
            .inner
            .demo
            .engine
            .get(parent_id)
            .or_else(|| self.inner.live.engine.get(parent_id));
        let parent = match in_session {
            Some(task) => task,
            None => self.inner.library.get_task(parent_id).ok().flatten()?.task,
        };
        parent.prompt
    }

    /// Whether images of a `provider` task in `lane` may come from loopback (see [`Images`]).
    /// Reads the settings in place: it runs for every task event, so no settings copy.
    pub(super) fn allows_loopback(&self, lane: LaneKind, provider: ProviderKind) -> bool {
        lane.is_demo()
            || self.inner.settings.read().is_ok_and(|settings| {
                Images::allows_loopback(lane, &endpoints::real_base_url(provider, &settings).0)
            })
    }

    /// The image cache for a `provider` task in `lane`, with the download policy applied
    /// (decided per provider, at each use, so a changed base URL counts at once).
    pub(super) fn image_cache(&self, lane: LaneKind, provider: ProviderKind) -> ImageCache {
        let base = match self.inner.settings.read() {
            Ok(settings) => endpoints::real_base_url(provider, &settings).0,
            Err(_) => String::new(),
        };
        self.inner.images.cache(lane, &base)
    }
}
