//! Permutation prompts at work: `a {red, blue} bird` is planned (count and cost) before it is
//! sent, written to the library as a group, and its prompts go through the local queue in
//! order; each task learns its place in the group when its job goes out, and the group reads
//! back as a contact sheet.

use super::lane::LaneKind;
use super::{blocking, Atelier};
use crate::error::{AppError, ErrorCode};
use crate::gallery::GalleryImage;
use crate::group::{plan, sheet_layout, CellState, ContactSheet, GroupRef, PromptPlan, SheetCell};
use crate::permute::Expansion;
use crate::queue::{queue_views, JobRequest, QueuedJob, Submitted};
use atelier_library::NewGroup;
use atelier_providers::{ImagineRequest, ProviderKind, TaskStatus};

impl Atelier {
    /// What sending `prompt` to `provider` with `model` will do: its prompts, their count
    /// and cost, or why it cannot be sent. Shown under the composer before anything is sent.
    pub fn plan_prompt(
        &self,
        provider: ProviderKind,
        prompt: &str,
        model: Option<&str>,
    ) -> PromptPlan {
        let demo = self.lane_for(provider).kind.is_demo();
        plan(prompt, provider, model, demo)
    }

    /// Sends a permutation prompt: each of its prompts is checked, the group is written to
    /// the library, and the prompts wait in the local queue, in order, for free slots.
    pub(super) async fn ask_group(
        &self,
        provider: ProviderKind,
        request: ImagineRequest,
        expansion: Expansion,
    ) -> Result<Submitted, AppError> {
        let count = u32::try_from(expansion.prompts.len()).unwrap_or(u32::MAX);
        let id = format!("g-{}", uuid::Uuid::new_v4());
        let mut jobs = Vec::with_capacity(expansion.prompts.len());
        for (i, planned) in expansion.prompts.iter().enumerate() {
            let one = ImagineRequest {
                prompt: planned.prompt.clone(),
                ..request.clone()
            };
            atelier_providers::validate::imagine(provider, &one).map_err(|e| {
                AppError::invalid(format!(
                    "Prompt {} of {count} (“{}”) cannot be sent: {}",
                    i + 1,
                    planned.prompt,
                    AppError::from(e).message
                ))
            })?;
            let mut job = self.new_job(JobRequest::Imagine {
                provider,
                request: one,
            })?;
            job.group = Some(GroupRef {
                id: id.clone(),
                position: u32::try_from(i + 1).unwrap_or(u32::MAX),
                count,
                choices: planned.choices.clone(),
            });
            jobs.push(job);
        }
        let _turn = self.inner.dispatch.lock().await;
        let group = NewGroup {
            id: id.clone(),
            template: request.prompt.trim().to_string(),
            sets: expansion.sets,
            members: expansion
                .prompts
                .into_iter()
                .map(|p| (p.prompt, p.choices))
                .collect(),
        };
        let queued = self.enqueue_group(group, jobs).await?;
        self.wake_queue();
        Ok(Submitted::Group {
            group_id: id,
            queued,
        })
    }

    /// Writes the group, then its jobs at the end of the queue, and tells the UI once.
    async fn enqueue_group(
        &self,
        group: NewGroup,
        jobs: Vec<QueuedJob>,
    ) -> Result<Vec<crate::queue::QueuedView>, AppError> {
        let rows = jobs
            .iter()
            .map(|job| Ok((job.id.clone(), job.provider, job.to_json()?)))
            .collect::<Result<Vec<_>, AppError>>()?;
        let library = self.inner.library.clone();
        blocking(move || {
            library.group_create(&group)?;
            for (id, provider, json) in &rows {
                library.queue_put(id, *provider, json)?;
            }
            Ok(())
        })
        .await?;
        let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
        Ok(self
            .queue_changed()
            .into_iter()
            .filter(|v| ids.contains(&v.id.as_str()))
            .collect())
    }

    /// A task's place in its permutation group, if it has one (read once per task).
    pub(super) fn group_of(&self, task_id: &str) -> Option<GroupRef> {
        if let Some(known) = self
            .inner
            .groups
            .lock()
            .ok()
            .and_then(|g| g.get(task_id).cloned())
        {
            return known;
        }
        let place = match self.inner.library.group_of_task(task_id) {
            Ok(place) => place.map(|p| GroupRef {
                id: p.group_id,
                position: p.position,
                count: p.count,
                choices: p.choices,
            }),
            Err(e) => {
                tracing::warn!(task = %task_id, "could not read the task's group: {e}");
                return None;
            }
        };
        if let Ok(mut g) = self.inner.groups.lock() {
            g.insert(task_id.to_string(), place.clone());
        }
        place
    }

    /// Records that `group`'s member became `task_id`, and tells the UI (whose first view of
    /// the task may have gone out before).
    pub(super) async fn attach_to_group(&self, group: &GroupRef, task_id: &str, demo: bool) {
        let library = self.inner.library.clone();
        let (id, position, task) = (group.id.clone(), group.position, task_id.to_string());
        if let Err(e) = blocking(move || library.group_attach(&id, position, &task)).await {
            tracing::warn!(task = %task_id, "could not record the task's group: {e}");
        }
        if let Ok(mut g) = self.inner.groups.lock() {
            g.insert(task_id.to_string(), Some(group.clone()));
        }
        let lane = LaneKind::from_demo(demo);
        if let Some(task) = self.lane(lane).engine.get(task_id) {
            self.emit(atelier_engine::TaskChange::Status, task, lane);
        }
    }

    /// A permutation group as a labelled contact sheet: one row per option of the first
    /// set, one column per option of the second; each cell its prompt, state and image.
    pub async fn contact_sheet(&self, group_id: &str) -> Result<ContactSheet, AppError> {
        let library = self.inner.library.clone();
        let id = group_id.to_string();
        let found = blocking(move || {
            let Some(group) = library.group_get(&id)? else {
                return Ok(None);
            };
            let mut stored = Vec::with_capacity(group.members.len());
            for member in &group.members {
                let found = match &member.task_id {
                    Some(task_id) => {
                        let status = library.get_task(task_id)?.map(|t| t.task.status);
                        let image = library
                            .task_images(task_id)?
                            .into_iter()
                            .next()
                            .map(GalleryImage::from);
                        (status, image)
                    }
                    None => (None, None),
                };
                stored.push(found);
            }
            Ok(Some((group, stored)))
        })
        .await?;
        let (group, stored) = found.ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("The group {group_id} is not in the library any more."),
            )
        })?;
        let waiting = queue_views(&self.queued_jobs());
        let choices: Vec<Vec<String>> = group.members.iter().map(|m| m.choices.clone()).collect();
        let (rows, columns, places) = sheet_layout(&choices);
        let cells = group
            .members
            .into_iter()
            .zip(stored)
            .zip(places)
            .map(|((member, (stored_status, image)), (row, column))| {
                let live_status = member.task_id.as_deref().and_then(|t| {
                    [LaneKind::Demo, LaneKind::Live]
                        .into_iter()
                        .find_map(|lane| self.lane(lane).engine.get(t))
                        .map(|t| t.status)
                });
                let job = waiting.iter().find(|j| {
                    j.group
                        .as_ref()
                        .is_some_and(|g| g.id == group.id && g.position == member.position)
                });
                let state = match (live_status.or(stored_status), job) {
                    (Some(TaskStatus::Succeeded), _) => CellState::Done,
                    (Some(s), _) if s.is_final() => CellState::Failed,
                    (Some(_), _) => CellState::Running,
                    (None, Some(j)) if j.error.is_some() => CellState::Held,
                    (None, Some(_)) => CellState::Waiting,
                    (None, None) if member.task_id.is_some() => CellState::Running,
                    (None, None) => CellState::NotSent,
                };
                SheetCell {
                    position: member.position,
                    row,
                    column,
                    prompt: member.prompt,
                    task_id: member.task_id,
                    state,
                    image,
                }
            })
            .collect();
        Ok(ContactSheet {
            id: group.id,
            template: group.template,
            created_at: group.created_at,
            rows,
            columns,
            cells,
        })
    }
}
