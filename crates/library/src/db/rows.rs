//! How rows of the gallery database map to the app's types and back: times, the provider and
//! status words, stored paths (always relative to the library root, never leaving it), and
//! the column lists with their readers for tasks and gallery items.

use super::StoredTask;
use crate::query::{GalleryItem, ImageKind};
use crate::{LibraryError, Result};
use atelier_providers::{ProviderKind, Task, TaskKind, TaskStatus};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row};
use std::path::{Component, Path, PathBuf};

/// The current time as stored: milliseconds since the Unix epoch (UTC).
pub(super) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// A stored time back as a date (the epoch if out of range).
pub(super) fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The word a provider is stored as.
pub(super) fn provider_str(p: ProviderKind) -> &'static str {
    match p {
        ProviderKind::Linkr => "linkr",
        ProviderKind::Journey => "journey",
    }
}

/// A stored provider word back (LinkrAPI for anything unknown).
pub(super) fn parse_provider(s: &str) -> ProviderKind {
    match s {
        "journey" => ProviderKind::Journey,
        _ => ProviderKind::Linkr,
    }
}

/// The word a status is stored as.
pub(super) fn status_str(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Queued => "queued",
        TaskStatus::Running => "running",
        TaskStatus::Succeeded => "succeeded",
        TaskStatus::Failed => "failed",
        TaskStatus::TimedOut => "timed_out",
    }
}

/// A stored status word back (running for anything unknown).
pub(super) fn parse_status(s: &str) -> TaskStatus {
    match s {
        "queued" => TaskStatus::Queued,
        "succeeded" => TaskStatus::Succeeded,
        "failed" => TaskStatus::Failed,
        "timed_out" => TaskStatus::TimedOut,
        _ => TaskStatus::Running,
    }
}

/// A stored task that cannot be read or written as JSON.
pub(super) fn json_error(e: serde_json::Error) -> LibraryError {
    LibraryError::Database(format!("a stored task could not be read or written: {e}"))
}

/// `path` relative to `root` with `/` separators; refuses anything outside the root.
pub(super) fn relative_path(root: &Path, path: &Path) -> Result<String> {
    let outside = || LibraryError::OutsideLibrary(path.display().to_string());
    let rel = if path.is_absolute() {
        path.strip_prefix(root).map_err(|_| outside())?
    } else {
        path
    };
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str().ok_or_else(outside)?),
            Component::CurDir => {}
            _ => return Err(outside()),
        }
    }
    if parts.is_empty() {
        return Err(outside());
    }
    Ok(parts.join("/"))
}

/// The absolute path of a stored relative path; `None` if it would leave the root (a
/// tampered database must not make the app delete files elsewhere).
pub(super) fn absolute_path(root: &Path, rel: &str) -> Option<PathBuf> {
    let mut out = root.to_path_buf();
    for part in rel.split('/') {
        let mut comps = Path::new(part).components();
        match (comps.next(), comps.next()) {
            (Some(Component::Normal(p)), None) => out.push(p),
            _ => return None,
        }
    }
    Some(out)
}

/// The columns [`stored_task`] reads, from `tasks t`.
pub(super) const TASK_COLUMNS: &str = "t.id, t.provider, t.kind, t.parent_id, t.status, t.raw_status, t.progress, t.prompt, \
     t.model, t.error, t.created_at, t.updated_at, t.finished_at, t.deadline_at, t.demo, t.task_json";

/// A task row (selected with [`TASK_COLUMNS`]) as a [`StoredTask`]; the inner error is a
/// stored task that cannot be read.
pub(super) fn stored_task(row: &Row<'_>) -> rusqlite::Result<Result<StoredTask>> {
    let id: String = row.get(0)?;
    let provider: String = row.get(1)?;
    let kind: String = row.get(2)?;
    let json: String = row.get(15)?;
    let created_at = from_ms(row.get(10)?);
    let mut task = match serde_json::from_str::<Task>(&json) {
        Ok(t) => t,
        Err(e) => {
            let kind = match serde_json::from_str::<TaskKind>(&kind) {
                Ok(k) => k,
                Err(_) => return Ok(Err(json_error(e))),
            };
            Task::new(id.clone(), parse_provider(&provider), kind)
        }
    };
    task.id = id;
    task.provider = parse_provider(&provider);
    task.parent_id = row.get(3)?;
    task.status = parse_status(&row.get::<_, String>(4)?);
    task.raw_status = row.get(5)?;
    task.progress = row
        .get::<_, Option<i64>>(6)?
        .and_then(|p| u8::try_from(p).ok());
    task.prompt = row.get(7)?;
    task.model = row.get(8)?;
    task.error = row.get(9)?;
    // The local time the app first recorded the task (its submit), never a provider's
    // timestamp: LinkrAPI's `created_at` has no time zone, so it cannot order tasks or count
    // a deadline across restarts.
    task.created_at = Some(created_at);
    Ok(Ok(StoredTask {
        task,
        demo: row.get(14)?,
        created_at,
        updated_at: from_ms(row.get(11)?),
        finished_at: row.get::<_, Option<i64>>(12)?.map(from_ms),
        deadline_at: row.get::<_, Option<i64>>(13)?.map(from_ms),
    }))
}

/// Every task row `sql` selects.
pub(super) fn collect_tasks(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<StoredTask>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, stored_task)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

/// The columns [`gallery_item`] reads, from `images i` joined with `tasks t`.
pub(super) const ITEM_COLUMNS: &str =
    "i.id, t.id, t.parent_id, i.provider, i.role, i.slot, t.kind, t.prompt, t.model, \
     i.created_at, i.width, i.height, i.bytes, i.favorite, i.path, i.thumb_path, i.demo";

/// An image row (selected with [`ITEM_COLUMNS`]) as a [`GalleryItem`] with absolute paths.
pub(super) fn gallery_item(root: &Path, row: &Row<'_>) -> rusqlite::Result<GalleryItem> {
    let kind: String = row.get(6)?;
    let path: String = row.get(14)?;
    let thumb: Option<String> = row.get(15)?;
    let abs = |rel: &str| absolute_path(root, rel).map(|p| p.to_string_lossy().into_owned());
    Ok(GalleryItem {
        image_id: row.get(0)?,
        task_id: row.get(1)?,
        parent_id: row.get(2)?,
        provider: parse_provider(&row.get::<_, String>(3)?),
        kind: ImageKind::parse(&row.get::<_, String>(4)?).unwrap_or(ImageKind::Single),
        slot: row.get(5)?,
        kind_label: serde_json::from_str::<TaskKind>(&kind)
            .map(|k| k.label())
            .unwrap_or_default(),
        prompt: row.get(7)?,
        model: row.get(8)?,
        created_at: from_ms(row.get(9)?),
        width: u32::try_from(row.get::<_, i64>(10)?).unwrap_or(0),
        height: u32::try_from(row.get::<_, i64>(11)?).unwrap_or(0),
        bytes: row.get(12)?,
        favorite: row.get(13)?,
        path: abs(&path).unwrap_or_default(),
        thumb_path: thumb.as_deref().and_then(abs),
        demo: row.get(16)?,
    })
}
