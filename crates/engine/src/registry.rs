//! The engine's memory of every task it has seen this session, shared between the public API
//! and the scheduler, and the one place events are sent from (under the same lock, so events
//! always go out in the order the changes were made).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use atelier_providers::status::{journey_status, linkr_status};
use atelier_providers::{ProviderKind, Task, TaskKind, TaskStatus};
use chrono::{DateTime, Utc};
use tokio::sync::broadcast;

use crate::event::{classify, EngineEvent, TaskChange};

/// Whether (and how) the scheduler is polling a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tracking {
    /// Not polled: finished, cancelled, or only remembered. Fetches for it are dropped, so
    /// nothing is announced after `Cancelled` or a final event.
    Off,
    /// Polled at the regular interval until it finishes or reaches the app's deadline.
    Live,
    /// Timed out at the app's deadline and re-checked quietly until `recheck_until`.
    Recheck,
}

/// One remembered task.
#[derive(Debug)]
struct Record {
    task: Task,
    /// Insertion order, to break ties when listing.
    seq: u64,
    /// When the task was created (or first seen, if the provider did not say).
    known_at: DateTime<Utc>,
    /// Whether the scheduler is polling it.
    tracking: Tracking,
}

/// Every task of this session plus the event sender.
#[derive(Debug)]
pub(crate) struct Registry {
    records: Mutex<HashMap<String, Record>>,
    next_seq: std::sync::atomic::AtomicU64,
    events: broadcast::Sender<EngineEvent>,
}

impl Registry {
    /// An empty registry whose events go to `events`.
    pub(crate) fn new(events: broadcast::Sender<EngineEvent>) -> Self {
        Self {
            records: Mutex::new(HashMap::new()),
            next_seq: std::sync::atomic::AtomicU64::new(0),
            events,
        }
    }

    /// A new receiver of events.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.events.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Record>> {
        // Every update replaces a whole record, so a poisoned map is still consistent.
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn emit(&self, change: TaskChange, task: &Task) {
        // No subscriber is not an error: nobody is listening yet.
        let _ = self.events.send(EngineEvent {
            change,
            task: task.clone(),
        });
    }

    /// Stores a task (replacing any older copy), marks how it is tracked, and optionally
    /// announces it with `change`.
    pub(crate) fn insert(&self, task: Task, change: Option<TaskChange>, tracking: Tracking) {
        let seq = self
            .next_seq
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let known_at = task.created_at.unwrap_or_else(Utc::now);
        let mut map = self.lock();
        if let Some(change) = change {
            self.emit(change, &task);
        }
        map.insert(
            task.id.clone(),
            Record {
                task,
                seq,
                known_at,
                tracking,
            },
        );
    }

    /// How the task is tracked (None when unknown).
    pub(crate) fn tracking(&self, id: &str) -> Option<Tracking> {
        self.lock().get(id).map(|r| r.tracking)
    }

    /// How many tasks are polled at the regular interval (of `provider`, or of any): counted in
    /// place, without copying a task.
    pub(crate) fn live_count(&self, provider: Option<ProviderKind>) -> usize {
        self.lock()
            .values()
            .filter(|r| r.tracking == Tracking::Live)
            .filter(|r| provider.is_none_or(|p| r.task.provider == p))
            .count()
    }

    /// A copy of the task with this id.
    pub(crate) fn get(&self, id: &str) -> Option<Task> {
        self.lock().get(id).map(|r| r.task.clone())
    }

    /// Every task, newest first.
    pub(crate) fn list(&self) -> Vec<Task> {
        let map = self.lock();
        let mut records: Vec<&Record> = map.values().collect();
        records.sort_by(|a, b| b.known_at.cmp(&a.known_at).then(b.seq.cmp(&a.seq)));
        records.into_iter().map(|r| r.task.clone()).collect()
    }

    /// Merges a freshly fetched snapshot into a watched task, emits the change if there is
    /// one, stops watching it once it is final, and returns the merged task (None when the id
    /// is unknown or no longer watched: the snapshot is then dropped).
    pub(crate) fn apply_fetch(&self, id: &str, fetched: Task) -> Option<Task> {
        let mut map = self.lock();
        let record = map.get_mut(id).filter(|r| r.tracking == Tracking::Live)?;
        let merged = merge(&record.task, fetched);
        if let Some(change) = classify(&record.task, &merged) {
            self.emit(change, &merged);
        }
        if merged.status.is_final() {
            record.tracking = Tracking::Off;
        }
        record.task = merged.clone();
        Some(merged)
    }

    /// Merges a snapshot fetched after the app's deadline (a quiet re-check, or "Check
    /// again") into a task the app timed out (see [`app_timed_out`]) and returns it with
    /// true when the answer was final; None when the task is unknown, being polled live, or
    /// not timed out by the app (the snapshot is dropped).
    ///
    /// - Still running: nothing is announced; the task stays TimedOut with its sentence and
    ///   `recheck_until`, only `raw_status`, `progress` and `raw` move.
    /// - Succeeded: emits Results with `finished_late = true`, `recheck_until = None`.
    /// - Failed, or the provider's own timeout: emits Failed with `recheck_until = None`.
    pub(crate) fn apply_late(&self, id: &str, fetched: Task) -> Option<(Task, bool)> {
        let mut map = self.lock();
        let record = map
            .get_mut(id)
            .filter(|r| r.tracking != Tracking::Live && app_timed_out(&r.task))?;
        let merged = merge(&record.task, fetched);
        if !merged.status.is_final() {
            record.task.raw_status = merged.raw_status;
            record.task.progress = merged.progress;
            record.task.raw = merged.raw;
            return Some((record.task.clone(), false));
        }
        let mut done = merged;
        done.recheck_until = None;
        done.finished_late = done.status == TaskStatus::Succeeded;
        let change = if done.finished_late {
            TaskChange::Results
        } else {
            TaskChange::Failed
        };
        self.emit(change, &done);
        record.tracking = Tracking::Off;
        record.task = done.clone();
        Some((done, true))
    }

    /// Ends a live task with Failed and the sentence `error`; emits Failed. The last good
    /// data is kept.
    pub(crate) fn fail(&self, id: &str, error: String) -> Option<Task> {
        let mut map = self.lock();
        let record = map.get_mut(id).filter(|r| r.tracking == Tracking::Live)?;
        record.tracking = Tracking::Off;
        record.task.status = TaskStatus::Failed;
        record.task.error = Some(error);
        self.emit(TaskChange::Failed, &record.task);
        Some(record.task.clone())
    }

    /// Times a live task out at the app's deadline with the sentence `error`; emits Failed
    /// (status TimedOut). With `recheck_until` the task is then re-checked quietly until
    /// then (the field is set on the announced task); without, it is done. The last good
    /// data is kept.
    pub(crate) fn time_out(
        &self,
        id: &str,
        error: String,
        recheck_until: Option<DateTime<Utc>>,
    ) -> Option<Task> {
        let mut map = self.lock();
        let record = map.get_mut(id).filter(|r| r.tracking == Tracking::Live)?;
        record.tracking = if recheck_until.is_some() {
            Tracking::Recheck
        } else {
            Tracking::Off
        };
        record.task.status = TaskStatus::TimedOut;
        record.task.error = Some(error);
        record.task.recheck_until = recheck_until;
        self.emit(TaskChange::Failed, &record.task);
        Some(record.task.clone())
    }

    /// Ends the re-checking of a task whose window closed: it stays TimedOut with
    /// `recheck_until` cleared; emits Status so storage learns it.
    pub(crate) fn end_recheck(&self, id: &str) -> Option<Task> {
        let mut map = self.lock();
        let record = map
            .get_mut(id)
            .filter(|r| r.tracking == Tracking::Recheck)?;
        record.tracking = Tracking::Off;
        record.task.recheck_until = None;
        self.emit(TaskChange::Status, &record.task);
        Some(record.task.clone())
    }

    /// Stops polling a task (live or re-checking) and announces it with Cancelled (a
    /// re-checked task loses its `recheck_until`); None when it was not being polled.
    pub(crate) fn cancel(&self, id: &str) -> Option<Task> {
        let mut map = self.lock();
        let record = map.get_mut(id).filter(|r| r.tracking != Tracking::Off)?;
        if record.tracking == Tracking::Recheck {
            record.task.recheck_until = None;
        }
        record.tracking = Tracking::Off;
        self.emit(TaskChange::Cancelled, &record.task);
        Some(record.task.clone())
    }
}

/// True when the task is TimedOut because the app gave up at its own deadline, not because
/// the provider said so (LinkrAPI's `timeout` is final): its raw status is still a running
/// word. Only such a task may still get a late result.
pub(crate) fn app_timed_out(task: &Task) -> bool {
    let said = match task.provider {
        ProviderKind::Linkr => linkr_status(&task.raw_status),
        ProviderKind::Journey => journey_status(&task.raw_status),
    };
    task.status == TaskStatus::TimedOut && !said.is_final()
}

/// The stored task updated with a fetched snapshot.
///
/// The provider's answer wins for status, progress and results, but what the engine already
/// knows is kept where the answer is vaguer: the id and provider, a specific kind (the child's
/// kind from the Submission beats `Other` or an unnumbered upscale parsed from a fetch), the
/// parent, prompt and model when the answer leaves them out, and the progress when the answer
/// has none.
///
/// The creation time is the local one whenever the app recorded it: LinkrAPI's `created_at`
/// has no time zone, so it must never move a deadline or the order of tasks across restarts
/// (the provider's value stays in `raw`). Only a task the app knows no time for takes the
/// provider's.
pub(crate) fn merge(old: &Task, fetched: Task) -> Task {
    let mut new = fetched;
    new.id.clone_from(&old.id);
    new.provider = old.provider;
    let fetched_kind = std::mem::replace(&mut new.kind, TaskKind::Imagine);
    new.kind = pick_kind(&old.kind, fetched_kind);
    if new.parent_id.is_none() {
        new.parent_id.clone_from(&old.parent_id);
    }
    if new.prompt.is_none() {
        new.prompt.clone_from(&old.prompt);
    }
    if new.model.is_none() {
        new.model.clone_from(&old.model);
    }
    if old.created_at.is_some() {
        new.created_at = old.created_at;
    }
    // What only the app knows about a task (a fetch never says).
    new.recheck_until = old.recheck_until;
    new.finished_late = old.finished_late;
    new.sent.clone_from(&old.sent);
    if new.progress.is_none() && !new.status.is_final() {
        new.progress = old.progress;
    }
    if new.status == TaskStatus::Succeeded && new.progress.is_some() {
        new.progress = Some(100);
    }
    if new.status == TaskStatus::TimedOut && new.error.is_none() {
        new.error = Some(
            "The provider gave up on this task because it took too long. Try again.".to_owned(),
        );
    }
    new
}

/// The kind to keep: the known one unless the fetched one is strictly more specific.
fn pick_kind(known: &TaskKind, fetched: TaskKind) -> TaskKind {
    if is_vaguer(known, &fetched) {
        fetched
    } else {
        known.clone()
    }
}

/// True when `a` says less than `b` about what the task is.
fn is_vaguer(a: &TaskKind, b: &TaskKind) -> bool {
    match (a, b) {
        (TaskKind::Other { .. }, TaskKind::Other { .. }) => false,
        (TaskKind::Other { .. }, _) => true,
        (TaskKind::Upscale { index: 0 }, TaskKind::Upscale { index }) => *index != 0,
        (TaskKind::Variation { index: 0 }, TaskKind::Variation { index }) => *index != 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_providers::ProviderKind;

    fn task(id: &str, kind: TaskKind) -> Task {
        Task::new(id, ProviderKind::Linkr, kind)
    }

    #[test]
    fn submission_kind_beats_a_vaguer_fetched_kind() {
        let old = task("c", TaskKind::Upscale { index: 2 });
        let fetched = task(
            "c",
            TaskKind::Other {
                raw: "upsample".into(),
            },
        );
        assert_eq!(merge(&old, fetched).kind, TaskKind::Upscale { index: 2 });

        let fetched = task("c", TaskKind::Upscale { index: 0 });
        assert_eq!(merge(&old, fetched).kind, TaskKind::Upscale { index: 2 });
    }

    #[test]
    fn a_more_specific_fetched_kind_fills_in() {
        let old = task("c", TaskKind::Other { raw: String::new() });
        let fetched = task("c", TaskKind::Reroll);
        assert_eq!(merge(&old, fetched).kind, TaskKind::Reroll);
        let old = task("c", TaskKind::Upscale { index: 0 });
        let fetched = task("c", TaskKind::Upscale { index: 3 });
        assert_eq!(merge(&old, fetched).kind, TaskKind::Upscale { index: 3 });
    }

    #[test]
    fn known_details_survive_a_sparse_answer() {
        let mut old = task("c", TaskKind::Imagine);
        old.parent_id = Some("p".into());
        old.prompt = Some("a cat".into());
        old.model = Some("midjourney".into());
        old.progress = Some(40);
        old.created_at = Some(Utc::now());
        let mut fetched = task("other-id", TaskKind::Imagine);
        fetched.status = TaskStatus::Running;
        let m = merge(&old, fetched);
        assert_eq!(m.id, "c");
        assert_eq!(m.parent_id.as_deref(), Some("p"));
        assert_eq!(m.prompt.as_deref(), Some("a cat"));
        assert_eq!(m.model.as_deref(), Some("midjourney"));
        assert_eq!(m.progress, Some(40));
        assert_eq!(m.created_at, old.created_at);
    }

    #[test]
    fn the_local_creation_time_beats_the_providers() {
        let local = Utc::now();
        let mut old = task("c", TaskKind::Imagine);
        old.created_at = Some(local);
        let mut fetched = task("c", TaskKind::Imagine);
        // LinkrAPI's zoneless "2025-02-26T10:30:00", read as UTC: hours off.
        fetched.created_at = Some(local - chrono::Duration::hours(5));
        assert_eq!(merge(&old, fetched.clone()).created_at, Some(local));
        // A task the app knows no time for takes the provider's.
        let unknown = task("c", TaskKind::Imagine);
        assert_eq!(
            merge(&unknown, fetched.clone()).created_at,
            fetched.created_at
        );
    }

    #[test]
    fn provider_timeout_gets_a_sentence() {
        let old = task("c", TaskKind::Imagine);
        let mut fetched = task("c", TaskKind::Imagine);
        fetched.status = TaskStatus::TimedOut;
        assert!(merge(&old, fetched).error.is_some());
    }

    #[test]
    fn list_is_newest_first_and_events_follow_changes() {
        let (tx, mut rx) = broadcast::channel(16);
        let reg = Registry::new(tx);
        let mut a = task("a", TaskKind::Imagine);
        a.created_at = Some(Utc::now() - chrono::Duration::seconds(10));
        reg.insert(a, Some(TaskChange::Created), Tracking::Live);
        reg.insert(
            task("b", TaskKind::Imagine),
            Some(TaskChange::Created),
            Tracking::Live,
        );
        let ids: Vec<String> = reg.list().into_iter().map(|t| t.id).collect();
        assert_eq!(ids, ["b", "a"]);
        assert_eq!(rx.try_recv().expect("created a").task.id, "a");
        assert_eq!(rx.try_recv().expect("created b").task.id, "b");

        let mut same = task("b", TaskKind::Imagine);
        same.raw = serde_json::json!({"x": 1});
        reg.apply_fetch("b", same);
        assert!(rx.try_recv().is_err(), "no event without a visible change");

        let mut running = task("b", TaskKind::Imagine);
        running.status = TaskStatus::Running;
        reg.apply_fetch("b", running);
        assert_eq!(rx.try_recv().expect("status").change, TaskChange::Status);
        assert!(reg
            .apply_fetch("zzz", task("zzz", TaskKind::Imagine))
            .is_none());

        assert!(reg.cancel("b").is_some());
        assert_eq!(
            rx.try_recv().expect("cancelled").change,
            TaskChange::Cancelled
        );
        assert!(reg.cancel("b").is_none(), "cancelling twice announces once");
        let mut done = task("b", TaskKind::Imagine);
        done.status = TaskStatus::Succeeded;
        assert!(
            reg.apply_fetch("b", done).is_none(),
            "nothing after Cancelled"
        );
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn late_answers_after_the_apps_deadline() {
        let (tx, mut rx) = broadcast::channel(16);
        let reg = Registry::new(tx);
        let mut t = task("a", TaskKind::Imagine);
        t.raw_status = "processing".into();
        t.status = TaskStatus::Running;
        t.progress = Some(40);
        reg.insert(t, None, Tracking::Live);
        let until = Utc::now() + chrono::Duration::hours(24);
        let out = reg
            .time_out("a", "gave up".into(), Some(until))
            .expect("live");
        assert_eq!(out.status, TaskStatus::TimedOut);
        assert_eq!(out.recheck_until, Some(until));
        let ev = rx.try_recv().expect("failed event");
        assert_eq!(ev.change, TaskChange::Failed);
        assert_eq!(ev.task.recheck_until, Some(until));
        assert_eq!(reg.tracking("a"), Some(Tracking::Recheck));
        assert!(app_timed_out(&out));

        // Still running: quiet, only the raw status and progress move.
        let mut running = task("a", TaskKind::Imagine);
        running.status = TaskStatus::Running;
        running.raw_status = "uploading".into();
        running.progress = Some(95);
        let (quiet, done) = reg.apply_late("a", running).expect("re-checked");
        assert!(!done);
        assert!(rx.try_recv().is_err(), "no event while still running");
        assert_eq!(quiet.status, TaskStatus::TimedOut);
        assert_eq!(quiet.error.as_deref(), Some("gave up"));
        assert_eq!(
            (quiet.raw_status.as_str(), quiet.progress),
            ("uploading", Some(95))
        );
        assert_eq!(quiet.recheck_until, Some(until));

        // A live poll does not apply to a re-checked task.
        assert!(reg.apply_fetch("a", task("a", TaskKind::Imagine)).is_none());

        let mut done = task("a", TaskKind::Imagine);
        done.status = TaskStatus::Succeeded;
        done.raw_status = "completed".into();
        let (late, finished) = reg.apply_late("a", done).expect("late result");
        assert!(finished);
        assert!(late.finished_late);
        assert_eq!(late.recheck_until, None);
        assert_eq!(late.error, None);
        let ev = rx.try_recv().expect("results");
        assert_eq!(ev.change, TaskChange::Results);
        assert!(ev.task.finished_late);
        assert_eq!(reg.tracking("a"), Some(Tracking::Off));
        assert!(reg.apply_late("a", task("a", TaskKind::Imagine)).is_none());

        // The provider's own timeout is final: no late result for it.
        let mut provider = task("p", TaskKind::Imagine);
        provider.status = TaskStatus::TimedOut;
        provider.raw_status = "timeout".into();
        assert!(!app_timed_out(&provider));
        reg.insert(provider, None, Tracking::Off);
        assert!(reg.apply_late("p", task("p", TaskKind::Imagine)).is_none());
    }

    #[test]
    fn a_closed_window_and_a_late_failure_are_announced() {
        let (tx, mut rx) = broadcast::channel(16);
        let reg = Registry::new(tx);
        let until = Utc::now() + chrono::Duration::hours(1);
        for id in ["a", "b"] {
            reg.insert(task(id, TaskKind::Imagine), None, Tracking::Live);
            reg.time_out(id, "gave up".into(), Some(until));
            rx.try_recv().expect("failed event");
        }
        let closed = reg.end_recheck("a").expect("rechecking");
        assert_eq!(closed.status, TaskStatus::TimedOut);
        assert_eq!(closed.recheck_until, None);
        let ev = rx.try_recv().expect("status");
        assert_eq!(ev.change, TaskChange::Status);
        assert_eq!(ev.task.recheck_until, None);
        assert!(reg.end_recheck("a").is_none());

        let mut failed = task("b", TaskKind::Imagine);
        failed.status = TaskStatus::Failed;
        failed.raw_status = "failed".into();
        failed.error = Some("Content policy violation".into());
        let (out, _) = reg.apply_late("b", failed).expect("late failure");
        assert_eq!(out.status, TaskStatus::Failed);
        assert!(!out.finished_late);
        assert_eq!(out.recheck_until, None);
        assert_eq!(rx.try_recv().expect("failed").change, TaskChange::Failed);

        // Cancelling a re-checked task stops it and clears the field.
        reg.insert(task("c", TaskKind::Imagine), None, Tracking::Live);
        reg.time_out("c", "gave up".into(), Some(until));
        rx.try_recv().expect("failed event");
        let cancelled = reg.cancel("c").expect("rechecking");
        assert_eq!(cancelled.recheck_until, None);
        assert_eq!(
            rx.try_recv().expect("cancelled").change,
            TaskChange::Cancelled
        );
    }
}
