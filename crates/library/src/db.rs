//! The gallery database: [`Library`] keeps every task and image in `<root>/atelier.db`
//! (SQLite, WAL, foreign keys on, FTS5 over prompts) next to the files it describes.
//!
//! Concurrency: a `Library` is `Send + Sync` and meant to be shared in an `Arc`. It holds two
//! connections, one for writes and one (read-only) for gallery queries, each behind a mutex;
//! with WAL a long read never blocks a write. Every call is short (well under the time of a
//! frame for a page of 200); the image work ([`Library::create_thumbnail`],
//! [`Library::split_task_grid`]) and [`Library::integrity_check`] are heavy and should run in
//! `tokio::task::spawn_blocking` from async code.
//!
//! The work is split by job: `rows` maps rows to types, `tasks` and `images` write and read
//! their tables, `derived` makes thumbnails and grid singles, `search` answers the gallery's
//! queries and `batch` runs many writes in one transaction. Opening, the connections and the
//! integrity check live here.

mod batch;
mod collections;
mod derived;
mod groups;
mod images;
mod queue;
mod rows;
mod search;
mod tasks;

pub use batch::Batch;
pub use collections::{Collection, MAX_COLLECTION_NAME};
pub use groups::{GroupMember, GroupPlace, NewGroup, StoredGroup};
pub use images::FavoriteTarget;
pub use queue::QueueRow;
pub use search::GalleryFacets;
pub use tasks::StoredTask;

use crate::cache::ImageCache;
use crate::migrations;
use crate::{LibraryError, Result};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The database file's name inside the library root.
pub const DB_FILE: &str = "atelier.db";

/// How long a call waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Page cache of each connection (SQLite's `cache_size`; negative means KiB): 32 MB.
const CACHE_SIZE: i64 = -32_000;

/// How much of the file each connection maps into memory (SQLite's `mmap_size`): 256 MiB.
/// Reading mapped pages costs no system call; a collection's count reads through a large
/// index twice as fast as with reads through the OS. See [`Library::release_memory`] for what
/// the map costs in memory and when it is given back.
const MMAP_SIZE: i64 = 268_435_456;

/// Page cache of the writer during a [`Library::batch`]: 256 MB, given back afterwards.
const BATCH_CACHE_SIZE: i64 = -256_000;

/// The gallery database and the folder it describes. See the module docs.
#[derive(Debug)]
pub struct Library {
    root: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

/// The connection behind `m`, even if a thread panicked while holding it.
/// A write transaction that takes the write lock at its start (`BEGIN IMMEDIATE`), waiting for
/// it up to the busy timeout. A deferred one that reads first and then writes fails at once
/// with "database is locked" when another connection (another Atelier on this library, a
/// previous instance still closing) committed in between: its read no longer holds.
pub(crate) fn write_transaction(
    conn: &mut Connection,
) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave a half-done transaction behind (rusqlite
    // rolls back on drop), so a poisoned connection is still good.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Sets up a connection: busy timeout, page cache, WAL, foreign keys and the other pragmas.
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
         PRAGMA temp_store = MEMORY;",
    )?;
    conn.execute_batch(&format!("PRAGMA mmap_size = {MMAP_SIZE};"))?;
    Ok(())
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
            let tx = write_transaction(&mut conn)?;
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

    /// Gives back the memory the connections keep for speed, for when the gallery has gone
    /// quiet: the file's pages they mapped (each page a query touched counts in the app's own
    /// memory for as long as it stays mapped: scrolling through a 10,000-task library mapped
    /// 40 MiB, a large library up to the whole 256 MiB map) and their page caches. The next
    /// query maps again and reads from the OS's page cache, which kept the pages.
    pub fn release_memory(&self) -> Result<()> {
        for conn in [&self.reader, &self.writer] {
            let conn = lock(conn);
            // A smaller limit unmaps the file at once; the old limit maps it again lazily.
            conn.execute_batch(&format!(
                "PRAGMA mmap_size = 0; PRAGMA mmap_size = {MMAP_SIZE};"
            ))?;
            conn.release_memory()?;
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

#[cfg(test)]
mod tests;
