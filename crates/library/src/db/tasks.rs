//! Task rows: recording a task on every change (an upsert that never brings a finished task
//! back to life), and reading tasks back for resuming, re-checking, the recent feed and
//! lineage.

use super::rows::{collect_tasks, json_error, now_ms, provider_str, status_str, TASK_COLUMNS};
use super::{lock, Library};
use crate::query::prompt_params;
use crate::Result;
use atelier_providers::Task;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A task as the library keeps it: the task itself plus the app's bookkeeping.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct StoredTask {
    /// The task as last reported (status, error, progress and prompt reflect the library's
    /// columns).
    pub task: Task,
    /// Made in demo mode (by the built-in simulator).
    pub demo: bool,
    /// When the task was made (the provider's time, or when the library first saw it).
    pub created_at: DateTime<Utc>,
    /// When the library last wrote it.
    pub updated_at: DateTime<Utc>,
    /// When it reached a final status.
    pub finished_at: Option<DateTime<Utc>>,
    /// When the app gives up waiting for it.
    pub deadline_at: Option<DateTime<Utc>>,
}

/// [`Library::upsert_task`] on a connection (or a [`super::Batch`]'s transaction).
pub(super) fn upsert_task_on(
    conn: &Connection,
    task: &Task,
    demo: bool,
    deadline_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let now = now_ms();
    let kind = serde_json::to_string(&task.kind).map_err(json_error)?;
    let json = serde_json::to_string(task).map_err(json_error)?;
    let created = task.created_at.map_or(now, |t| t.timestamp_millis());
    let finished = task.status.is_final().then_some(now);
    let mut stmt = conn.prepare_cached(
        "INSERT INTO tasks (id, provider, kind, parent_id, status, raw_status, progress, prompt, model, error,
                            created_at, updated_at, finished_at, deadline_at, demo, task_json, params)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         ON CONFLICT (id) DO UPDATE SET
            provider = excluded.provider,
            kind = excluded.kind,
            parent_id = COALESCE(excluded.parent_id, tasks.parent_id),
            status = excluded.status,
            raw_status = excluded.raw_status,
            progress = excluded.progress,
            prompt = COALESCE(excluded.prompt, tasks.prompt),
            -- The parameters follow the prompt (NULL exactly when there is no prompt).
            params = CASE WHEN excluded.prompt IS NULL THEN tasks.params ELSE excluded.params END,
            model = COALESCE(excluded.model, tasks.model),
            error = excluded.error,
            updated_at = excluded.updated_at,
            finished_at = CASE WHEN excluded.finished_at IS NULL THEN NULL
                               ELSE COALESCE(tasks.finished_at, excluded.finished_at) END,
            deadline_at = COALESCE(excluded.deadline_at, tasks.deadline_at),
            task_json = excluded.task_json
         -- A late, stale write (e.g. the submit's own 'queued' arriving after the first poll
         -- already finished the task) must never turn a finished task back into a live one.
         WHERE tasks.finished_at IS NULL OR excluded.finished_at IS NOT NULL",
    )?;
    stmt.execute(params![
        task.id,
        provider_str(task.provider),
        kind,
        task.parent_id,
        status_str(task.status),
        task.raw_status,
        task.progress.map(i64::from),
        task.prompt,
        task.model,
        task.error,
        created,
        now,
        finished,
        deadline_at.map(|d| d.timestamp_millis()),
        demo,
        json,
        task.prompt.as_deref().map(prompt_params),
    ])?;
    Ok(())
}

/// True when a task with this id is stored.
pub(super) fn task_exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM tasks WHERE id = ?1")?
        .exists([id])?)
}

impl Library {
    /// Records a task, or updates it if it is already stored (one row per task id, however
    /// often it is called). Call it as soon as the provider returns the id and on every
    /// change. A later report without a prompt, model or parent keeps the known one; the
    /// demo flag and creation time are those of the first call; a deadline, once set, is kept
    /// unless a new one is given.
    pub fn upsert_task(
        &self,
        task: &Task,
        demo: bool,
        deadline_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        upsert_task_on(&lock(&self.writer), task, demo, deadline_at)
    }

    /// The stored task with this id.
    pub fn get_task(&self, id: &str) -> Result<Option<StoredTask>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.id = ?1");
        Ok(collect_tasks(&lock(&self.reader), &sql, [id])?.pop())
    }

    /// The newest tasks (at most 16), other than `except`, whose stored JSON mentions `link`:
    /// where an image link sent with a creation mode (a blend's inputs) may have come from.
    /// The caller checks which of them has the link as a result. A full scan of the tasks:
    /// for occasional use (a lineage view), not for lists.
    pub fn tasks_mentioning(&self, link: &str, except: &str) -> Result<Vec<StoredTask>> {
        let link = link.trim();
        if link.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t
             WHERE t.id != ?2 AND instr(t.task_json, ?1) > 0
             ORDER BY t.seq DESC LIMIT 16"
        );
        collect_tasks(&lock(&self.reader), &sql, rusqlite::params![link, except])
    }

    /// Every task still queued or running, oldest first (to resume polling on start).
    pub fn unfinished_tasks(&self) -> Result<Vec<StoredTask>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t WHERE t.status IN ('queued', 'running') ORDER BY t.created_at, t.seq"
        );
        collect_tasks(&lock(&self.reader), &sql, [])
    }

    /// Tasks the app stopped waiting for at its own deadline that are still being re-checked
    /// quietly (their `recheckUntil` is after `now`), oldest first: picked up again on start.
    pub fn rechecking_tasks(&self, now: DateTime<Utc>) -> Result<Vec<StoredTask>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t WHERE t.status = 'timed_out'
               AND json_extract(t.task_json, '$.recheckUntil') IS NOT NULL
               AND julianday(json_extract(t.task_json, '$.recheckUntil')) > julianday(?1)
             ORDER BY t.created_at, t.seq"
        );
        collect_tasks(&lock(&self.reader), &sql, [now.to_rfc3339()])
    }

    /// The `limit` most recent tasks, newest first (the Create view's feed after a restart).
    pub fn recent_tasks(&self, limit: usize) -> Result<Vec<StoredTask>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t ORDER BY t.created_at DESC, t.seq DESC LIMIT ?1"
        );
        collect_tasks(&lock(&self.reader), &sql, [limit.min(10_000) as i64])
    }

    /// The tasks made from this one (its buttons' results), oldest first.
    pub fn children(&self, task_id: &str) -> Result<Vec<StoredTask>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.parent_id = ?1 ORDER BY t.created_at, t.seq");
        collect_tasks(&lock(&self.reader), &sql, [task_id])
    }

    /// The task this one was made from, if it is in the library.
    pub fn parent(&self, task_id: &str) -> Result<Option<StoredTask>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks c JOIN tasks t ON t.id = c.parent_id WHERE c.id = ?1"
        );
        Ok(collect_tasks(&lock(&self.reader), &sql, [task_id])?.pop())
    }
}
