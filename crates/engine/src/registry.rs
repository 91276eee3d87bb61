//! The engine's memory of every task it has seen this session, shared between the public API
//! and the scheduler, and the one place events are sent from (under the same lock, so events
//! always go out in the order the changes were made).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use atelier_providers::{Task, TaskKind, TaskStatus};
use chrono::{DateTime, Utc};
use tokio::sync::broadcast;

use crate::event::{classify, EngineEvent, TaskChange};

/// One remembered task.
#[derive(Debug)]
struct Record {
    task: Task,
    /// Insertion order, to break ties when listing.
    seq: u64,
    /// When the task was created (or first seen, if the provider did not say).
    known_at: DateTime<Utc>,
    /// True while the scheduler keeps polling it; fetches for unwatched tasks are dropped,
    /// so nothing is announced after `Cancelled` or a final event.
    watching: bool,
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

    /// Stores a task (replacing any older copy), marks whether it is being watched, and
    /// optionally announces it with `change`.
    pub(crate) fn insert(&self, task: Task, change: Option<TaskChange>, watching: bool) {
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
                watching,
            },
        );
    }

    /// True while the task is being watched.
    pub(crate) fn is_watching(&self, id: &str) -> bool {
        self.lock().get(id).is_some_and(|r| r.watching)
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
        let record = map.get_mut(id).filter(|r| r.watching)?;
        let merged = merge(&record.task, fetched);
        if let Some(change) = classify(&record.task, &merged) {
            self.emit(change, &merged);
        }
        record.watching = !merged.status.is_final();
        record.task = merged.clone();
        Some(merged)
    }

    /// Ends a watched task with `status` (Failed or TimedOut) and the sentence `error`;
    /// emits Failed. The last good data is kept.
    pub(crate) fn finish_with_error(
        &self,
        id: &str,
        status: TaskStatus,
        error: String,
    ) -> Option<Task> {
        let mut map = self.lock();
        let record = map.get_mut(id).filter(|r| r.watching)?;
        record.watching = false;
        record.task.status = status;
        record.task.error = Some(error);
        self.emit(TaskChange::Failed, &record.task);
        Some(record.task.clone())
    }

    /// Stops watching a task and announces it; None when it was not being watched.
    pub(crate) fn cancel(&self, id: &str) -> Option<Task> {
        let mut map = self.lock();
        let record = map.get_mut(id).filter(|r| r.watching)?;
        record.watching = false;
        self.emit(TaskChange::Cancelled, &record.task);
        Some(record.task.clone())
    }
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
        reg.insert(a, Some(TaskChange::Created), true);
        reg.insert(
            task("b", TaskKind::Imagine),
            Some(TaskChange::Created),
            true,
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
}
