//! The typed events the engine pushes to subscribers, and how a change between two snapshots
//! of a task is classified.

use atelier_providers::{Task, TaskStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What changed about a task. serde: `"created" | "status" | "progress" | "results" |
/// "failed" | "cancelled"`.
///
/// After the app's own deadline a task is re-checked quietly (see `Task::recheck_until`):
/// a still-running answer or a failed re-check emits nothing, and only these do:
/// - the deadline itself: `Failed`, status `timed_out`, `recheck_until` set (None when
///   re-checking is off or its window has already closed);
/// - a late success: `Results`, status `succeeded`, `finished_late = true`,
///   `recheck_until = None`;
/// - a late failure (or the provider's own `timeout`): `Failed`, `recheck_until = None`;
/// - the window closing: `Status`, still `timed_out`, `recheck_until = None`;
/// - cancelling a re-checked task: `Cancelled`, `recheck_until = None`.
///
/// `Engine::check_now` emits the same events as a re-check (nothing while still running).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum TaskChange {
    /// The task was just submitted (always the first event for a task).
    Created,
    /// Its status moved (e.g. queued -> running) without finishing; or its re-check window
    /// closed (still timed out, `recheck_until` cleared).
    Status,
    /// Its progress percentage moved.
    Progress,
    /// Results arrived: it succeeded (possibly late, after the app's deadline:
    /// `finished_late`), or new result URLs/text appeared.
    Results,
    /// It failed or timed out (see `task.status` and `task.error`). At the app's deadline
    /// the task carries `recheck_until` while it is re-checked.
    Failed,
    /// The engine stopped polling it (live or re-checking) on request.
    Cancelled,
}

/// One change to one task, with the task as it is now.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct EngineEvent {
    /// What changed.
    pub change: TaskChange,
    /// The task after the change.
    pub task: Task,
}

/// The one event a new snapshot deserves compared with the previous one, or `None` when
/// nothing a person could see changed (raw JSON noise is ignored).
///
/// Priority: finishing (Results / Failed) > status > progress > new results while running.
pub(crate) fn classify(old: &Task, new: &Task) -> Option<TaskChange> {
    if new.status != old.status && new.status.is_final() {
        return Some(match new.status {
            TaskStatus::Succeeded => TaskChange::Results,
            _ => TaskChange::Failed,
        });
    }
    if new.status != old.status || new.raw_status != old.raw_status {
        return Some(TaskChange::Status);
    }
    if new.progress != old.progress {
        return Some(TaskChange::Progress);
    }
    let results_changed = new.grid_url != old.grid_url
        || new.image_urls != old.image_urls
        || new.image_url != old.image_url
        || new.video_urls != old.video_urls
        || new.text_results != old.text_results
        || new.actions != old.actions;
    if results_changed {
        return Some(TaskChange::Results);
    }
    if new.error != old.error {
        return Some(TaskChange::Status);
    }
    None
}

/// The event for a task that arrived already finished (JourneyAPI's synchronous models).
pub(crate) fn finished_change(task: &Task) -> TaskChange {
    match task.status {
        TaskStatus::Succeeded => TaskChange::Results,
        _ => TaskChange::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_providers::{ProviderKind, TaskKind};

    fn base() -> Task {
        let mut t = Task::new("t1", ProviderKind::Journey, TaskKind::Imagine);
        t.raw_status = "pending".into();
        t
    }

    #[test]
    fn nothing_changed_means_no_event() {
        let a = base();
        let mut b = base();
        b.raw = serde_json::json!({"noise": 1});
        assert_eq!(classify(&a, &b), None);
    }

    #[test]
    fn each_kind_of_change_is_named() {
        let a = base();
        let mut b = base();
        b.status = TaskStatus::Running;
        b.raw_status = "processing".into();
        b.progress = Some(10);
        assert_eq!(classify(&a, &b), Some(TaskChange::Status));

        let mut c = b.clone();
        c.progress = Some(40);
        assert_eq!(classify(&b, &c), Some(TaskChange::Progress));

        let mut d = c.clone();
        d.grid_url = Some("http://x/grid.png".into());
        assert_eq!(classify(&c, &d), Some(TaskChange::Results));

        let mut e = c.clone();
        e.status = TaskStatus::Succeeded;
        e.progress = Some(100);
        assert_eq!(classify(&c, &e), Some(TaskChange::Results));

        let mut f = c.clone();
        f.status = TaskStatus::TimedOut;
        assert_eq!(classify(&c, &f), Some(TaskChange::Failed));
        assert_eq!(finished_change(&f), TaskChange::Failed);
        assert_eq!(finished_change(&e), TaskChange::Results);
    }

    #[test]
    fn serde_names_are_camel_case() {
        let json = serde_json::to_string(&TaskChange::Cancelled).expect("serialize");
        assert_eq!(json, "\"cancelled\"");
        let ev = EngineEvent {
            change: TaskChange::Created,
            task: base(),
        };
        let v = serde_json::to_value(&ev).expect("serialize");
        assert_eq!(v["change"], "created");
        assert_eq!(v["task"]["id"], "t1");
    }
}
