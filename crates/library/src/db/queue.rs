//! The local job queue's rows: jobs waiting for a free slot at their provider, kept in the
//! database so that they survive restarts and crashes. What a job sends is the core's business
//! (`job_json`, stored as given); the library keeps the rows, their order and nothing else.

use super::rows::{from_ms, now_ms, provider_str};
use super::{lock, write_transaction, Library};
use crate::Result;
use atelier_providers::ProviderKind;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

/// One waiting job as the library keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRow {
    /// The job's own id (not a provider task id: it has none until it is sent).
    pub id: String,
    /// Which provider it waits for.
    pub provider: ProviderKind,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// What the core will send, as JSON.
    pub job_json: String,
}

fn provider_from(s: &str) -> ProviderKind {
    if s == provider_str(ProviderKind::Journey) {
        ProviderKind::Journey
    } else {
        ProviderKind::Linkr
    }
}

impl Library {
    /// Puts a job at the end of the queue (or, if a job with its id is queued, updates what it
    /// sends and keeps its place). Durable when this returns.
    pub fn queue_put(&self, id: &str, provider: ProviderKind, job_json: &str) -> Result<()> {
        let conn = lock(&self.writer);
        conn.execute(
            "INSERT INTO queue (id, provider, position, created_at, job_json)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM queue), ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET job_json = excluded.job_json",
            params![id, provider_str(provider), now_ms(), job_json],
        )?;
        Ok(())
    }

    /// Every waiting job, first in line first.
    pub fn queue_list(&self) -> Result<Vec<QueueRow>> {
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(
            "SELECT id, provider, created_at, job_json FROM queue ORDER BY position, created_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(QueueRow {
                id: r.get(0)?,
                provider: provider_from(&r.get::<_, String>(1)?),
                created_at: from_ms(r.get(2)?),
                job_json: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The waiting job with this id.
    pub fn queue_get(&self, id: &str) -> Result<Option<QueueRow>> {
        let conn = lock(&self.reader);
        Ok(conn
            .query_row(
                "SELECT id, provider, created_at, job_json FROM queue WHERE id = ?1",
                [id],
                |r| {
                    Ok(QueueRow {
                        id: r.get(0)?,
                        provider: provider_from(&r.get::<_, String>(1)?),
                        created_at: from_ms(r.get(2)?),
                        job_json: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Takes a job out of the queue (sent, or cancelled). False when it was not queued.
    pub fn queue_remove(&self, id: &str) -> Result<bool> {
        let conn = lock(&self.writer);
        Ok(conn.execute("DELETE FROM queue WHERE id = ?1", [id])? > 0)
    }

    /// Moves a job to `index` (0 = first in line) among all waiting jobs, the others keeping
    /// their order; an index past the end moves it to the end. False when it was not queued.
    pub fn queue_move(&self, id: &str, index: usize) -> Result<bool> {
        let mut conn = lock(&self.writer);
        let tx = write_transaction(&mut conn)?;
        let mut ids: Vec<String> = {
            let mut stmt = tx.prepare("SELECT id FROM queue ORDER BY position, created_at")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let Some(from) = ids.iter().position(|i| i == id) else {
            return Ok(false);
        };
        let moved = ids.remove(from);
        ids.insert(index.min(ids.len()), moved);
        {
            let mut stmt = tx.prepare("UPDATE queue SET position = ?1 WHERE id = ?2")?;
            for (pos, id) in ids.iter().enumerate() {
                stmt.execute(params![pos as i64 + 1, id])?;
            }
        }
        tx.commit()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use crate::Library;
    use atelier_providers::ProviderKind;

    fn ids(lib: &Library) -> Vec<String> {
        lib.queue_list()
            .expect("list")
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    #[test]
    fn jobs_wait_in_order_move_and_leave() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lib = Library::open(dir.path()).expect("open");
        assert!(lib.queue_list().expect("list").is_empty());
        for (id, p) in [
            ("a", ProviderKind::Linkr),
            ("b", ProviderKind::Journey),
            ("c", ProviderKind::Linkr),
        ] {
            lib.queue_put(id, p, &format!("{{\"job\":\"{id}\"}}"))
                .expect("put");
        }
        assert_eq!(ids(&lib), ["a", "b", "c"]);
        let b = lib.queue_get("b").expect("get").expect("queued");
        assert_eq!(b.provider, ProviderKind::Journey);
        assert_eq!(b.job_json, "{\"job\":\"b\"}");

        // Updating a job keeps its place.
        lib.queue_put("a", ProviderKind::Linkr, "{\"job\":\"a2\"}")
            .expect("update");
        assert_eq!(ids(&lib), ["a", "b", "c"]);
        assert_eq!(
            lib.queue_get("a").expect("get").expect("queued").job_json,
            "{\"job\":\"a2\"}"
        );

        assert!(lib.queue_move("c", 0).expect("move"));
        assert_eq!(ids(&lib), ["c", "a", "b"]);
        assert!(lib.queue_move("c", 99).expect("move"));
        assert_eq!(ids(&lib), ["a", "b", "c"]);
        assert!(!lib.queue_move("nope", 0).expect("move"));

        assert!(lib.queue_remove("b").expect("remove"));
        assert!(!lib.queue_remove("b").expect("remove again"));
        lib.queue_put("d", ProviderKind::Linkr, "{}").expect("put");
        assert_eq!(ids(&lib), ["a", "c", "d"], "a new job goes to the end");
    }

    #[test]
    fn the_queue_survives_a_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let lib = Library::open(dir.path()).expect("open");
            lib.queue_put("x", ProviderKind::Journey, "{}")
                .expect("put");
            lib.queue_put("y", ProviderKind::Linkr, "{}").expect("put");
            lib.queue_move("y", 0).expect("move");
        }
        let lib = Library::open(dir.path()).expect("reopen");
        assert_eq!(ids(&lib), ["y", "x"]);
    }
}
