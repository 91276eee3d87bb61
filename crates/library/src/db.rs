//! The gallery database: [`Library`] keeps every task and image in `<root>/atelier.db`
//! (SQLite, WAL, foreign keys on, FTS5 over prompts) next to the files it describes.
//!
//! Concurrency: a `Library` is `Send + Sync` and meant to be shared in an `Arc`. It holds two
//! connections, one for writes and one (read-only) for gallery queries, each behind a mutex;
//! with WAL a long read never blocks a write. Every call is short (well under the time of a
//! frame for a page of 200); the image work ([`Library::create_thumbnail`],
//! [`Library::split_task_grid`]) and [`Library::integrity_check`] are heavy and should run in
//! `tokio::task::spawn_blocking` from async code.

use crate::cache::{is_safe_task_id, ImageCache, ImageSlot};
use crate::migrations;
use crate::query::{
    fts_match, page_size, Cursor, GalleryItem, GalleryPage, GalleryQuery, ImageKind, SortOrder,
};
use crate::thumbs::{make_thumbnail, split_grid, THUMBNAIL_SIDE};
use crate::{LibraryError, Result};
use atelier_providers::{ProviderKind, Task, TaskKind, TaskStatus};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use ts_rs::TS;

/// The database file's name inside the library root.
pub const DB_FILE: &str = "atelier.db";
/// How long a call waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Page cache of each connection (SQLite's `cache_size`; negative means KiB): 32 MB.
const CACHE_SIZE: i64 = -32_000;
/// Page cache of the writer during a [`Library::batch`]: 256 MB, given back afterwards.
const BATCH_CACHE_SIZE: i64 = -256_000;
/// A text search matching at most this many tasks is answered from the FTS index (fetch the
/// matches, sort their images); broader searches walk a time index and test each image's task.
const FTS_DRIVEN_MAX_MATCHES: i64 = 2000;

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

/// What [`Library::set_favorite`] marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FavoriteTarget {
    /// One image.
    Image(i64),
    /// Every image of a task.
    Task(String),
}

/// The gallery database and the folder it describes. See the module docs.
#[derive(Debug)]
pub struct Library {
    root: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

/// Several writes in one transaction (imports, benchmarks): see [`Library::batch`].
pub struct Batch<'a> {
    conn: &'a Connection,
    root: &'a Path,
}

impl Batch<'_> {
    /// [`Library::upsert_task`] inside the batch.
    pub fn upsert_task(
        &self,
        task: &Task,
        demo: bool,
        deadline_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        upsert_task_on(self.conn, task, demo, deadline_at)
    }

    /// [`Library::add_image`] inside the batch.
    pub fn add_image(
        &self,
        task_id: &str,
        slot: ImageSlot,
        path: &Path,
        width: u32,
        height: u32,
        bytes: u64,
    ) -> Result<i64> {
        add_image_on(
            self.conn, self.root, task_id, slot, path, width, height, bytes,
        )
    }

    /// [`Library::set_thumbnail`] inside the batch.
    pub fn set_thumbnail(&self, image_id: i64, thumb_path: &Path) -> Result<()> {
        set_thumbnail_on(self.conn, self.root, image_id, thumb_path)
    }

    /// [`Library::set_favorite`] inside the batch.
    pub fn set_favorite(&self, target: &FavoriteTarget, favorite: bool) -> Result<usize> {
        set_favorite_on(self.conn, target, favorite)
    }
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave a half-done transaction behind (rusqlite
    // rolls back on drop), so a poisoned connection is still good.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn provider_str(p: ProviderKind) -> &'static str {
    match p {
        ProviderKind::Linkr => "linkr",
        ProviderKind::Journey => "journey",
    }
}

fn parse_provider(s: &str) -> ProviderKind {
    match s {
        "journey" => ProviderKind::Journey,
        _ => ProviderKind::Linkr,
    }
}

fn status_str(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Queued => "queued",
        TaskStatus::Running => "running",
        TaskStatus::Succeeded => "succeeded",
        TaskStatus::Failed => "failed",
        TaskStatus::TimedOut => "timed_out",
    }
}

fn parse_status(s: &str) -> TaskStatus {
    match s {
        "queued" => TaskStatus::Queued,
        "succeeded" => TaskStatus::Succeeded,
        "failed" => TaskStatus::Failed,
        "timed_out" => TaskStatus::TimedOut,
        _ => TaskStatus::Running,
    }
}

fn json_error(e: serde_json::Error) -> LibraryError {
    LibraryError::Database(format!("a stored task could not be read or written: {e}"))
}

/// Grid, single or upscale, from the slot and what made the task.
fn image_kind(slot: ImageSlot, kind: &TaskKind) -> ImageKind {
    match slot {
        ImageSlot::Grid => ImageKind::Grid,
        ImageSlot::Single(_) => ImageKind::Single,
        ImageSlot::Result => match kind {
            TaskKind::Upscale { .. }
            | TaskKind::UpscaleSubtle
            | TaskKind::UpscaleCreative
            | TaskKind::Upscale2x
            | TaskKind::Upscale4x => ImageKind::Upscale,
            _ => ImageKind::Single,
        },
    }
}

/// `path` relative to `root` with `/` separators; refuses anything outside the root.
fn relative_path(root: &Path, path: &Path) -> Result<String> {
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
fn absolute_path(root: &Path, rel: &str) -> Option<PathBuf> {
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

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(&format!("PRAGMA cache_size = {CACHE_SIZE}"))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(LibraryError::Database(format!(
            "the database could not switch to WAL mode (it is in {mode} mode)"
        )));
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA mmap_size = 268435456;",
    )?;
    Ok(())
}

const TASK_COLUMNS: &str = "t.id, t.provider, t.kind, t.parent_id, t.status, t.raw_status, t.progress, t.prompt, \
     t.model, t.error, t.created_at, t.updated_at, t.finished_at, t.deadline_at, t.demo, t.task_json";

fn stored_task(row: &Row<'_>) -> rusqlite::Result<Result<StoredTask>> {
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

fn collect_tasks(
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

const ITEM_COLUMNS: &str =
    "i.id, t.id, t.parent_id, i.provider, i.role, i.slot, t.kind, t.prompt, t.model, \
     i.created_at, i.width, i.height, i.bytes, i.favorite, i.path, i.thumb_path, i.demo";

fn gallery_item(root: &Path, row: &Row<'_>) -> rusqlite::Result<GalleryItem> {
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

fn upsert_task_on(
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
                            created_at, updated_at, finished_at, deadline_at, demo, task_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (id) DO UPDATE SET
            provider = excluded.provider,
            kind = excluded.kind,
            parent_id = COALESCE(excluded.parent_id, tasks.parent_id),
            status = excluded.status,
            raw_status = excluded.raw_status,
            progress = excluded.progress,
            prompt = COALESCE(excluded.prompt, tasks.prompt),
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
    ])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn add_image_on(
    conn: &Connection,
    root: &Path,
    task_id: &str,
    slot: ImageSlot,
    path: &Path,
    width: u32,
    height: u32,
    bytes: u64,
) -> Result<i64> {
    if let ImageSlot::Single(n) = slot {
        if !(1..=4).contains(&n) {
            return Err(LibraryError::InvalidInput(format!(
                "Single images are numbered 1 to 4, not {n}."
            )));
        }
    }
    let rel = relative_path(root, path)?;
    let kind: String = conn
        .prepare_cached("SELECT kind FROM tasks WHERE id = ?1")?
        .query_row([task_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| LibraryError::TaskNotFound(task_id.to_string()))?;
    let kind: TaskKind = serde_json::from_str(&kind).map_err(json_error)?;
    let role = image_kind(slot, &kind);
    let id = conn
        .prepare_cached(
            "INSERT INTO images (task_seq, slot, role, width, height, bytes, path, created_at, provider, demo)
             SELECT t.seq, ?2, ?3, ?4, ?5, ?6, ?7, t.created_at, t.provider, t.demo FROM tasks t WHERE t.id = ?1
             ON CONFLICT (task_seq, slot) DO UPDATE SET
                role = excluded.role,
                width = excluded.width,
                height = excluded.height,
                bytes = excluded.bytes,
                thumb_path = CASE WHEN images.path = excluded.path THEN images.thumb_path END,
                path = excluded.path
             RETURNING id",
        )?
        .query_row(
            params![
                task_id,
                slot.key(),
                role.as_str(),
                i64::from(width),
                i64::from(height),
                i64::try_from(bytes).unwrap_or(i64::MAX),
                rel
            ],
            |r| r.get(0),
        )?;
    Ok(id)
}

fn set_thumbnail_on(
    conn: &Connection,
    root: &Path,
    image_id: i64,
    thumb_path: &Path,
) -> Result<()> {
    let rel = relative_path(root, thumb_path)?;
    let n = conn
        .prepare_cached("UPDATE images SET thumb_path = ?2 WHERE id = ?1")?
        .execute(params![image_id, rel])?;
    if n == 0 {
        return Err(LibraryError::ImageNotFound(image_id));
    }
    Ok(())
}

fn task_exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM tasks WHERE id = ?1")?
        .exists([id])?)
}

fn set_favorite_on(conn: &Connection, target: &FavoriteTarget, favorite: bool) -> Result<usize> {
    match target {
        FavoriteTarget::Image(id) => {
            let n = conn
                .prepare_cached("UPDATE images SET favorite = ?2 WHERE id = ?1")?
                .execute(params![id, favorite])?;
            if n == 0 {
                return Err(LibraryError::ImageNotFound(*id));
            }
            Ok(n)
        }
        FavoriteTarget::Task(task_id) => {
            let n = conn
                .prepare_cached(
                    "UPDATE images SET favorite = ?2 WHERE task_seq = (SELECT seq FROM tasks WHERE id = ?1)",
                )?
                .execute(params![task_id, favorite])?;
            if n == 0 && !task_exists(conn, task_id)? {
                return Err(LibraryError::TaskNotFound(task_id.clone()));
            }
            Ok(n)
        }
    }
}

/// The WHERE clauses (on `images i`) for the query's filters, appending their parameters.
fn filter_sql(q: &GalleryQuery, cursor: Option<Cursor>, params: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    if let Some(p) = q.provider {
        sql.push_str(" AND i.provider = ?");
        params.push(Value::Text(provider_str(p).into()));
    }
    if let Some(k) = q.kind {
        sql.push_str(" AND i.role = ?");
        params.push(Value::Text(k.as_str().into()));
    }
    if q.favorites_only {
        // A literal, so the partial favorites index applies.
        sql.push_str(" AND i.favorite = 1");
    }
    if let Some(from) = q.from {
        sql.push_str(" AND i.created_at >= ?");
        params.push(Value::Integer(from.timestamp_millis()));
    }
    if let Some(to) = q.to {
        sql.push_str(" AND i.created_at < ?");
        params.push(Value::Integer(to.timestamp_millis()));
    }
    if let Some(c) = cursor {
        let op = if q.order == SortOrder::OldestFirst {
            ">"
        } else {
            "<"
        };
        sql.push_str(&format!(" AND (i.created_at, i.id) {op} (?, ?)"));
        params.push(Value::Integer(c.created_at));
        params.push(Value::Integer(c.id));
    }
    sql
}

impl Library {
    /// Opens (or creates) the library at `root`: the database at `<root>/atelier.db`
    /// (migrated to the latest schema) and the `images/` and `thumbs/` folders.
    pub fn open(root: &Path) -> Result<Library> {
        let root = std::path::absolute(root)?;
        std::fs::create_dir_all(root.join("images"))?;
        std::fs::create_dir_all(root.join("thumbs"))?;
        let db = root.join(DB_FILE);
        let mut writer = Connection::open(&db)?;
        configure(&writer)?;
        migrations::migrate(&mut writer)?;
        // Refreshes planner statistics when they are stale; cheap when they are not.
        writer.execute_batch("PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;")?;
        let reader = Connection::open(&db)?;
        configure(&reader)?;
        reader.execute_batch("PRAGMA query_only = ON;")?;
        Ok(Library {
            root,
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
        })
    }

    /// The library folder (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where originals live: `<root>/images`.
    pub fn images_dir(&self) -> PathBuf {
        self.root.join("images")
    }

    /// Where thumbnails live: `<root>/thumbs`.
    pub fn thumbs_dir(&self) -> PathBuf {
        self.root.join("thumbs")
    }

    /// An [`ImageCache`] that downloads into [`Library::images_dir`].
    pub fn image_cache(&self, allow_loopback: bool) -> ImageCache {
        ImageCache::new(self.images_dir(), allow_loopback)
    }

    /// Runs several writes in one transaction (all or nothing); much faster for many rows.
    pub fn batch<T>(&self, f: impl FnOnce(&Batch<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        // Big imports touch every index at random places: a larger page cache for the
        // duration of the batch avoids re-reading index pages, and is given back after.
        conn.execute_batch(&format!("PRAGMA cache_size = {BATCH_CACHE_SIZE}"))?;
        let result = (|| {
            let tx = conn.transaction()?;
            let out = f(&Batch {
                conn: &tx,
                root: &self.root,
            })?;
            tx.commit()?;
            Ok(out)
        })();
        conn.execute_batch(&format!("PRAGMA cache_size = {CACHE_SIZE}"))?;
        result
    }

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

    /// Records an image file of a stored task (`path` absolute inside the library root, or
    /// relative to it) and returns its id. Adding the same slot again updates that row (the
    /// thumbnail is forgotten if the file changed). Grids are "grid", singles "single",
    /// results of upscale tasks "upscale" in [`ImageKind`].
    pub fn add_image(
        &self,
        task_id: &str,
        slot: ImageSlot,
        path: &Path,
        width: u32,
        height: u32,
        bytes: u64,
    ) -> Result<i64> {
        add_image_on(
            &lock(&self.writer),
            &self.root,
            task_id,
            slot,
            path,
            width,
            height,
            bytes,
        )
    }

    /// Records the thumbnail file of an image (absolute inside the library root, or relative).
    pub fn set_thumbnail(&self, image_id: i64, thumb_path: &Path) -> Result<()> {
        set_thumbnail_on(&lock(&self.writer), &self.root, image_id, thumb_path)
    }

    /// Where the thumbnail of `slot` of `task_id` is kept: `<root>/thumbs/<task id>/<slot>.jpg`.
    fn thumbnail_path(&self, task_id: &str, slot: ImageSlot) -> Result<PathBuf> {
        if !is_safe_task_id(task_id) {
            return Err(LibraryError::InvalidInput(format!(
                "The task id {task_id:?} cannot name a folder."
            )));
        }
        Ok(self
            .thumbs_dir()
            .join(task_id)
            .join(format!("{}.jpg", slot.key())))
    }

    /// Makes the thumbnail of an image ([`THUMBNAIL_SIDE`] pixels, JPEG), records it and
    /// returns its path. Heavy: use `spawn_blocking`.
    pub fn create_thumbnail(&self, image_id: i64) -> Result<PathBuf> {
        let item = self
            .get_image(image_id)?
            .ok_or(LibraryError::ImageNotFound(image_id))?;
        let slot = ImageSlot::from_key(&item.slot).ok_or_else(|| {
            LibraryError::Database(format!(
                "image {image_id} has an unknown slot {:?}",
                item.slot
            ))
        })?;
        let dest = self.thumbnail_path(&item.task_id, slot)?;
        make_thumbnail(Path::new(&item.path), &dest, THUMBNAIL_SIDE)?;
        self.set_thumbnail(image_id, &dest)?;
        Ok(dest)
    }

    /// For a task that has a grid but no singles (LinkrAPI often sends only the grid): cuts
    /// the grid into its four quadrants next to it (`single-1.png`..`single-4.png`, lossless)
    /// and records them as the task's singles. Returns their image ids in quadrant order.
    /// Heavy: use `spawn_blocking`.
    pub fn split_task_grid(&self, task_id: &str) -> Result<Vec<i64>> {
        let grid = self
            .task_images(task_id)?
            .into_iter()
            .find(|i| i.kind == ImageKind::Grid)
            .ok_or_else(|| {
                LibraryError::InvalidInput(format!(
                    "The task {task_id} has no grid image to split."
                ))
            })?;
        let grid_path = PathBuf::from(&grid.path);
        let dir = grid_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.images_dir());
        let parts = split_grid(&grid_path, &dir)?;
        let mut ids = Vec::with_capacity(4);
        for (i, part) in parts.iter().enumerate() {
            let (w, h) =
                image::image_dimensions(part).map_err(|e| LibraryError::Image(e.to_string()))?;
            let bytes = std::fs::metadata(part)?.len();
            ids.push(self.add_image(task_id, ImageSlot::Single(i as u8 + 1), part, w, h, bytes)?);
        }
        Ok(ids)
    }

    /// One image with its task's details.
    pub fn get_image(&self, image_id: i64) -> Result<Option<GalleryItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM images i JOIN tasks t ON t.seq = i.task_seq WHERE i.id = ?1"
        );
        let conn = lock(&self.reader);
        let item = conn
            .prepare_cached(&sql)?
            .query_row([image_id], |r| gallery_item(&self.root, r))
            .optional()?;
        Ok(item)
    }

    /// Every image of a task, grid first, then singles 1..4, then the result.
    pub fn task_images(&self, task_id: &str) -> Result<Vec<GalleryItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM tasks t JOIN images i ON i.task_seq = t.seq WHERE t.id = ?1
             ORDER BY CASE i.slot WHEN 'grid' THEN 0 WHEN 'result' THEN 2 ELSE 1 END, i.slot"
        );
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(&sql)?;
        let items = stmt
            .query_map([task_id], |r| gallery_item(&self.root, r))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(items)
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

    /// Marks an image, or every image of a task, as a favorite or not; returns how many
    /// images it touched.
    pub fn set_favorite(&self, target: &FavoriteTarget, favorite: bool) -> Result<usize> {
        set_favorite_on(&lock(&self.writer), target, favorite)
    }

    /// One page of the gallery: images matching the query, in its order, from its cursor.
    ///
    /// Paging is by keyset on (created_at, image id), so pages stay fast at any depth and an
    /// image added while browsing never shifts or repeats later pages.
    pub fn search(&self, q: &GalleryQuery) -> Result<GalleryPage> {
        let cursor = match q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => Some(Cursor::decode(text).ok_or_else(|| {
                LibraryError::InvalidInput(
                    "The gallery position is not valid; start again from the first page.".into(),
                )
            })?),
        };
        let limit = page_size(q);
        let conn = lock(&self.reader);
        let (sql, params) = page_sql(&conn, q, cursor, limit)?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut items: Vec<GalleryItem> = stmt
            .query_map(params_from_iter(params), |r| gallery_item(&self.root, r))?
            .collect::<rusqlite::Result<_>>()?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|i| {
                Cursor {
                    created_at: i.created_at.timestamp_millis(),
                    id: i.image_id,
                }
                .encode()
            })
        } else {
            None
        };
        Ok(GalleryPage { items, next_cursor })
    }

    /// How many images match the query's text and filters (its cursor and limit are ignored).
    /// Call it when the query changes, not for every page.
    pub fn count(&self, q: &GalleryQuery) -> Result<u64> {
        let mut params = Vec::new();
        let text = q.text.as_deref().and_then(fts_match);
        let sql = match text {
            None => {
                let filters = filter_sql(q, None, &mut params);
                format!("SELECT count(*) FROM images i WHERE 1{filters}")
            }
            Some(m) => {
                params.push(Value::Text(m));
                let filters = filter_sql(q, None, &mut params);
                format!(
                    "SELECT count(*) FROM prompts_fts CROSS JOIN images i
                     WHERE prompts_fts MATCH ? AND i.task_seq = prompts_fts.rowid{filters}"
                )
            }
        };
        let conn = lock(&self.reader);
        let n: i64 = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(params), |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Deletes one image: its row, its file and its thumbnail. The task stays (with its other
    /// images and its lineage). Returns false if there was no such image.
    pub fn delete_image(&self, image_id: i64) -> Result<bool> {
        let files = {
            let mut conn = lock(&self.writer);
            let tx = conn.transaction()?;
            let files = image_files(&tx, image_id)?;
            let n = tx.execute("DELETE FROM images WHERE id = ?1", [image_id])?;
            tx.commit()?;
            if n == 0 {
                return Ok(false);
            }
            files
        };
        self.remove_files(&files)?;
        Ok(true)
    }

    fn remove_files(&self, files: &[String]) -> Result<()> {
        for rel in files {
            if let Some(path) = absolute_path(&self.root, rel) {
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Checks the database file and the prompt index; true when both are sound. Reads the
    /// whole file: use `spawn_blocking`.
    pub fn integrity_check(&self) -> Result<bool> {
        let conn = lock(&self.writer);
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let report: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if report != ["ok"] {
            return Ok(false);
        }
        match conn.execute(
            "INSERT INTO prompts_fts(prompts_fts, rank) VALUES ('integrity-check', 1)",
            [],
        ) {
            Ok(_) => Ok(true),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseCorrupt =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// How a text search finds its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextPlan {
    /// Few matching tasks: start from the FTS index, then sort their images.
    FromMatches,
    /// Many: walk a time index newest first and keep images whose task matches.
    FromTimeIndex,
}

/// The SQL and parameters of one gallery page (`limit + 1` rows, to know if more follow).
///
/// The inner query finds the page's image ids touching only `images`' indexes (and the FTS
/// index); the outer one then reads just those rows and their tasks.
fn page_sql(
    conn: &Connection,
    q: &GalleryQuery,
    cursor: Option<Cursor>,
    limit: u32,
) -> Result<(String, Vec<Value>)> {
    let dir = if q.order == SortOrder::OldestFirst {
        "ASC"
    } else {
        "DESC"
    };
    let mut params = Vec::new();
    let inner = match q.text.as_deref().and_then(fts_match) {
        None => {
            let filters = filter_sql(q, cursor, &mut params);
            format!("SELECT i.id FROM images i WHERE 1{filters}")
        }
        Some(m) => {
            let plan = text_plan(conn, &m)?;
            params.push(Value::Text(m));
            let filters = filter_sql(q, cursor, &mut params);
            match plan {
                TextPlan::FromMatches => format!(
                    "SELECT i.id FROM prompts_fts CROSS JOIN images i
                     WHERE prompts_fts MATCH ? AND i.task_seq = prompts_fts.rowid{filters}"
                ),
                // The unary `+` keeps the planner from looking images up by task (which would
                // fetch and sort every match): the IN list is only tested while the time index
                // is walked.
                TextPlan::FromTimeIndex => format!(
                    "SELECT i.id FROM images i
                     WHERE +i.task_seq IN (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?){filters}"
                ),
            }
        }
    };
    let order = format!("ORDER BY i.created_at {dir}, i.id {dir}");
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM ({inner} {order} LIMIT ?) p
         CROSS JOIN images i CROSS JOIN tasks t
         WHERE i.id = p.id AND t.seq = i.task_seq {order}"
    );
    params.push(Value::Integer(i64::from(limit) + 1));
    Ok((sql, params))
}

/// Chooses the text plan by counting matching tasks, up to the limit.
fn text_plan(conn: &Connection, fts: &str) -> Result<TextPlan> {
    let matches: i64 = conn
        .prepare_cached("SELECT count(*) FROM (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?1 LIMIT ?2)")?
        .query_row(params![fts, FTS_DRIVEN_MAX_MATCHES + 1], |r| r.get(0))?;
    Ok(if matches <= FTS_DRIVEN_MAX_MATCHES {
        TextPlan::FromMatches
    } else {
        TextPlan::FromTimeIndex
    })
}

/// The relative paths of an image's original and thumbnail.
fn image_files(conn: &Connection, image_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT path, thumb_path FROM images WHERE id = ?1")?;
    let rows = stmt.query_map([image_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (path, thumb) = row?;
        out.push(path);
        out.extend(thumb);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
