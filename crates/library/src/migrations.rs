//! Versioned schema migrations for the gallery database.
//!
//! [`MIGRATIONS`] is an ordered list of SQL steps. The database remembers how many it has
//! applied in `PRAGMA user_version`; opening a library applies the missing ones in order, each
//! in its own transaction together with the version bump, so a crash leaves the database at a
//! whole version. A database written by a newer Atelier (a higher version than the last step
//! here) is refused rather than misread.
//!
//! Never edit a step that has shipped: add a new one.
//!
//! Schema (version 3):
//!
//! - `tasks`: one row per provider task. `seq` is a stable integer key (the FTS rowid),
//!   `id` the provider's task id (unique). Status columns mirror [`atelier_providers::Task`];
//!   `task_json` keeps the whole task including the provider's raw JSON. Times are
//!   milliseconds since the Unix epoch (UTC). Lineage is `parent_id` (indexed), deliberately
//!   without a foreign key: a child may be stored before its parent.
//! - `images`: one row per image file of a task (`slot` = grid, single-1..4, result;
//!   `role` = grid | single | upscale), its size, its path relative to the library root, and
//!   copies of the task's provider / demo flag / creation time so gallery filters and paging
//!   never need the tasks table. `task_seq` references the task (`tasks(seq)`, the compact
//!   integer key, which keeps the paging indexes small) with `ON DELETE CASCADE`.
//!   Version 2 adds `thumb_path` and the `favorite` flag.
//! - `prompts_fts`: an FTS5 external-content index over `tasks.prompt` (rowid = `tasks.seq`),
//!   kept in sync by triggers, with prefix indexes for as-you-type search.
//! - `collections`, `collection_images` (version 6): named sets of images (an image may be in several).
//! - `images.model`, `images.aspect` (version 7): the task's model and the image's aspect
//!   ratio label, for the gallery's filters.
//! - `tasks.has_children`, `images.has_children` (version 8): kept by triggers, for the
//!   has-children filter.
//! - `images.prompt_key` (version 9): the by-prompt sort's key, kept by a trigger.
//! - `tasks.params` (version 10): the prompt's Midjourney parameters as one token each
//!   (`ar ar16x9 v v7`, see `query::prompt_params`), written with the prompt by
//!   `upsert_task`; `prompts_fts` indexes it as a second column, so a parameter search looks
//!   up one token. `images_task_filters` also covers model, aspect and has-children, so a
//!   prompt search's count never reads image rows, whatever the filter.
//! - `queue` (version 3): jobs waiting for a free slot at their provider, in `position`
//!   order; `job_json` is what the core will send (the library does not read it).

use crate::query::prompt_params;
use crate::LibraryError;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::Connection;

/// The SQL function `atelier_prompt_params(prompt)`: [`prompt_params`] of a text, NULL for
/// NULL (and no parameters for a number or a blob). Version 10 fills `tasks.params` with it;
/// [`migrate_to`] registers it on the connection it migrates.
pub(crate) const PROMPT_PARAMS_FN: &str = "atelier_prompt_params";

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The `user_version` the database has once this step is applied (1, 2, ...).
    pub version: u32,
    /// What the step does, for logs.
    pub name: &'static str,
    /// The SQL, run as one batch inside a transaction.
    pub sql: &'static str,
}

/// Version 1: tasks, images, lineage index, prompt search.
const V1: &str = r#"
CREATE TABLE tasks (
    seq         INTEGER PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE,
    provider    TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    parent_id   TEXT,
    status      TEXT    NOT NULL,
    raw_status  TEXT    NOT NULL DEFAULT '',
    progress    INTEGER,
    prompt      TEXT,
    model       TEXT,
    error       TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    finished_at INTEGER,
    deadline_at INTEGER,
    demo        INTEGER NOT NULL DEFAULT 0,
    task_json   TEXT    NOT NULL
);
CREATE INDEX tasks_parent ON tasks(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX tasks_unfinished ON tasks(created_at) WHERE status IN ('queued', 'running');

CREATE TABLE images (
    id          INTEGER PRIMARY KEY,
    task_seq    INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,
    slot        TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    path        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    provider    TEXT    NOT NULL,
    demo        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (task_seq, slot)
);
-- Newest-first paging: keyset on (created_at, id).
-- task_seq is included so a prompt search walking these indexes tests it without row reads.
CREATE INDEX images_time ON images(created_at, id, task_seq);
CREATE INDEX images_provider_time ON images(provider, created_at, id, task_seq);
CREATE INDEX images_role_time ON images(role, created_at, id, task_seq);

CREATE VIRTUAL TABLE prompts_fts USING fts5(
    prompt,
    content = 'tasks',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks WHEN new.prompt IS NOT NULL BEGIN
    INSERT INTO prompts_fts(rowid, prompt) VALUES (new.seq, new.prompt);
END;
CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks WHEN old.prompt IS NOT NULL BEGIN
    INSERT INTO prompts_fts(prompts_fts, rowid, prompt) VALUES ('delete', old.seq, old.prompt);
END;
CREATE TRIGGER tasks_fts_update AFTER UPDATE OF prompt ON tasks
WHEN old.prompt IS NOT new.prompt BEGIN
    INSERT INTO prompts_fts(prompts_fts, rowid, prompt)
        SELECT 'delete', old.seq, old.prompt WHERE old.prompt IS NOT NULL;
    INSERT INTO prompts_fts(rowid, prompt)
        SELECT new.seq, new.prompt WHERE new.prompt IS NOT NULL;
END;
"#;

/// Version 2: thumbnails and favorites on images.
const V2: &str = r#"
ALTER TABLE images ADD COLUMN thumb_path TEXT;
ALTER TABLE images ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0;
-- Favorites-only paging walks only the favorites.
CREATE INDEX images_favorite_time ON images(created_at, id, task_seq) WHERE favorite = 1;
"#;

/// Version 3: the local queue of jobs waiting for a free slot at their provider.
const V3: &str = r#"
CREATE TABLE queue (
    id          TEXT    PRIMARY KEY,
    provider    TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    job_json    TEXT    NOT NULL
);
CREATE INDEX queue_position ON queue(position);
"#;

/// Version 4: permutation groups (the prompts one `{a, b}` prompt made, and their tasks).
const V4: &str = r#"
CREATE TABLE prompt_groups (
    id          TEXT    PRIMARY KEY,
    template    TEXT    NOT NULL,
    sets_json   TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE group_members (
    group_id     TEXT    NOT NULL REFERENCES prompt_groups(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    prompt       TEXT    NOT NULL,
    choices_json TEXT    NOT NULL,
    task_id      TEXT,
    PRIMARY KEY (group_id, position)
);
-- A task card asks which group its task belongs to.
CREATE INDEX group_members_task ON group_members(task_id) WHERE task_id IS NOT NULL;
"#;

/// Version 5: counting the images of a prompt search with filters reads only an index: for
/// each matching task, its images' provider, role, favorite mark and time (without it each
/// image row was read, which made a broad search's count 3-4x slower than its page).
const V5: &str = r#"
CREATE INDEX images_task_filters ON images(task_seq, provider, role, favorite, created_at);
"#;

/// Version 6: collections, named sets of images chosen by the person; an image may be in
/// several. A member row copies its image's creation time so a collection's page walks
/// `collection_members_time` in gallery order and stops at the page's end, without sorting
/// the whole collection. Deleting an image or a collection removes its member rows.
const V6: &str = r#"
CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    created_at  INTEGER NOT NULL
);
CREATE TABLE collection_images (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    image_id      INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    added_at      INTEGER NOT NULL,
    PRIMARY KEY (collection_id, image_id)
) WITHOUT ROWID;
CREATE INDEX collection_members_time ON collection_images(collection_id, created_at, image_id);
-- Deleting an image finds its member rows (the cascade) and the lightbox lists them.
CREATE INDEX collection_members_image ON collection_images(image_id);
"#;

/// The aspect ratio label of an image `width` x `height` (SQL expressions): the nearest of the
/// ratios Midjourney offers, by the ratio of the two ratios (so 1456x816 is "16:9"); NULL
/// for an image without a size. The same expression labels new images
/// ([`crate::db`]'s insert) and backfills old ones (version 7), so both always agree.
macro_rules! aspect_sql {
    ($w:literal, $h:literal) => {
        concat!(
            "(CASE WHEN ",
            $w,
            " > 0 AND ",
            $h,
            " > 0 THEN (SELECT column1 FROM (VALUES ",
            "('1:1', 1.0), ('5:4', 1.25), ('4:5', 0.8), ('4:3', 1.3333333), ('3:4', 0.75), ",
            "('3:2', 1.5), ('2:3', 0.6666667), ('16:9', 1.7777778), ('9:16', 0.5625), ",
            "('7:4', 1.75), ('4:7', 0.5714286), ('2:1', 2.0), ('1:2', 0.5), ",
            "('21:9', 2.3333333), ('9:21', 0.4285714)) ORDER BY max(",
            $w,
            " * 1.0 / (",
            $h,
            " * column2), ",
            $h,
            " * column2 / (",
            $w,
            " * 1.0)) LIMIT 1) END)"
        )
    };
}
pub(crate) use aspect_sql;

/// Version 7: the gallery's model and aspect ratio filters. Images copy their task's model
/// (as they copy its provider) and carry an aspect label; each has an index with the time, so
/// a filter on a rare model or ratio pages its own index instead of walking every image.
const V7: &str = concat!(
    "ALTER TABLE images ADD COLUMN model TEXT;
ALTER TABLE images ADD COLUMN aspect TEXT;
UPDATE images SET model = (SELECT t.model FROM tasks t WHERE t.seq = images.task_seq),
                  aspect = ",
    aspect_sql!("images.width", "images.height"),
    ";
CREATE INDEX images_model_time ON images(model, created_at, id) WHERE model IS NOT NULL;
CREATE INDEX images_aspect_time ON images(aspect, created_at, id) WHERE aspect IS NOT NULL;
"
);

/// Version 8: "has children" as a flag kept by triggers on tasks and copied to images, with
/// a partial time index, so the filter pages and counts from an index instead of probing
/// every image's task for children. A child stored before its parent (lineage has no
/// foreign key) marks the parent when the parent arrives.
const V8: &str = r#"
ALTER TABLE tasks ADD COLUMN has_children INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN has_children INTEGER NOT NULL DEFAULT 0;
UPDATE tasks SET has_children = 1
 WHERE id IN (SELECT parent_id FROM tasks WHERE parent_id IS NOT NULL);
UPDATE images SET has_children = 1
 WHERE task_seq IN (SELECT seq FROM tasks WHERE has_children = 1);
CREATE INDEX images_children_time ON images(created_at, id) WHERE has_children = 1;
CREATE TRIGGER tasks_child_marks_parent AFTER INSERT ON tasks WHEN new.parent_id IS NOT NULL BEGIN
    UPDATE tasks SET has_children = 1 WHERE id = new.parent_id AND has_children = 0;
    UPDATE images SET has_children = 1
     WHERE has_children = 0 AND task_seq = (SELECT seq FROM tasks WHERE id = new.parent_id);
END;
CREATE TRIGGER tasks_child_moves_in AFTER UPDATE OF parent_id ON tasks WHEN new.parent_id IS NOT NULL BEGIN
    UPDATE tasks SET has_children = 1 WHERE id = new.parent_id AND has_children = 0;
    UPDATE images SET has_children = 1
     WHERE has_children = 0 AND task_seq = (SELECT seq FROM tasks WHERE id = new.parent_id);
END;
CREATE TRIGGER tasks_parent_finds_children AFTER INSERT ON tasks BEGIN
    UPDATE tasks SET has_children = 1
     WHERE seq = new.seq AND EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = new.id);
END;
"#;

/// An image's key in the by-prompt order (SQL, from its task's `prompt`): the first 48
/// characters, trimmed and in lower case ('' without a prompt, which sorts first).
macro_rules! prompt_key_sql {
    ($prompt:literal) => {
        concat!("lower(substr(trim(coalesce(", $prompt, ", '')), 1, 48))")
    };
}
pub(crate) use prompt_key_sql;

/// Version 9: the by-prompt sort. Images carry their task's prompt key (kept by a trigger
/// when a prompt changes) with an index, so a page in prompt order walks that index.
const V9: &str = concat!(
    "ALTER TABLE images ADD COLUMN prompt_key TEXT NOT NULL DEFAULT '';
UPDATE images SET prompt_key = (SELECT ",
    prompt_key_sql!("t.prompt"),
    " FROM tasks t WHERE t.seq = images.task_seq);
CREATE INDEX images_prompt_order ON images(prompt_key, id);
CREATE TRIGGER tasks_prompt_key AFTER UPDATE OF prompt ON tasks BEGIN
    UPDATE images SET prompt_key = ",
    prompt_key_sql!("new.prompt"),
    " WHERE task_seq = new.seq;
END;
"
);

/// Version 10: parameter search by token. Each task keeps its prompt's parameters as one
/// token each (`tasks.params`, backfilled here with [`PROMPT_PARAMS_FN`], then written with
/// the prompt), and the prompt index gets them as a second column `params`: `--v 7` looks up
/// the token `v7` (about a tenth of the tasks) instead of the phrase "v 7", whose words are
/// in most prompts. The index is rebuilt with the same tokenizer, and its triggers now carry
/// `params` and index every task, a task without a prompt as an empty row: the index then
/// has a row for each row of `tasks`, which its integrity check (`Library::integrity_check`)
/// expects (before, a task without a prompt made the check fail).
///
/// `images_task_filters` is widened with model, aspect and has-children, so counting a
/// prompt search with any filter reads only that index, never the image rows (an aspect or
/// has-children filter read every matching image's row: 25-30 ms for `--v 7` at 400,000
/// images).
const V10: &str = r#"
DROP TRIGGER tasks_fts_insert;
DROP TRIGGER tasks_fts_delete;
DROP TRIGGER tasks_fts_update;
DROP TABLE prompts_fts;
ALTER TABLE tasks ADD COLUMN params TEXT;
UPDATE tasks SET params = atelier_prompt_params(prompt) WHERE prompt IS NOT NULL;
CREATE VIRTUAL TABLE prompts_fts USING fts5(
    prompt,
    params,
    content = 'tasks',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO prompts_fts(rowid, prompt, params) SELECT seq, prompt, params FROM tasks;
CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO prompts_fts(rowid, prompt, params) VALUES (new.seq, new.prompt, new.params);
END;
CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO prompts_fts(prompts_fts, rowid, prompt, params)
        VALUES ('delete', old.seq, old.prompt, old.params);
END;
CREATE TRIGGER tasks_fts_update AFTER UPDATE OF prompt, params ON tasks
WHEN old.prompt IS NOT new.prompt OR old.params IS NOT new.params BEGIN
    INSERT INTO prompts_fts(prompts_fts, rowid, prompt, params)
        VALUES ('delete', old.seq, old.prompt, old.params);
    INSERT INTO prompts_fts(rowid, prompt, params) VALUES (new.seq, new.prompt, new.params);
END;
DROP INDEX images_task_filters;
CREATE INDEX images_task_filters
    ON images(task_seq, provider, role, favorite, created_at, model, aspect, has_children);
"#;

/// Every schema step, oldest first. `MIGRATIONS[i].version == i + 1`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "tasks, images, lineage, prompt search",
        sql: V1,
    },
    Migration {
        version: 2,
        name: "image thumbnails and favorites",
        sql: V2,
    },
    Migration {
        version: 3,
        name: "the local job queue",
        sql: V3,
    },
    Migration {
        version: 4,
        name: "permutation groups",
        sql: V4,
    },
    Migration {
        version: 5,
        name: "an index for counting filtered prompt searches",
        sql: V5,
    },
    Migration {
        version: 6,
        name: "collections",
        sql: V6,
    },
    Migration {
        version: 7,
        name: "model and aspect ratio filters",
        sql: V7,
    },
    Migration {
        version: 8,
        name: "the has-children filter",
        sql: V8,
    },
    Migration {
        version: 9,
        name: "the by-prompt sort",
        sql: V9,
    },
    Migration {
        version: 10,
        name: "parameter search by token",
        sql: V10,
    },
];

/// The schema version a fully migrated database has.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

/// The database's schema version (`PRAGMA user_version`; 0 for a new file).
pub fn current_version(conn: &Connection) -> Result<u32, LibraryError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    u32::try_from(v)
        .map_err(|_| LibraryError::Database(format!("the schema version {v} is not valid")))
}

/// Brings the database up to [`LATEST_VERSION`]; returns the version it was at before.
pub fn migrate(conn: &mut Connection) -> Result<u32, LibraryError> {
    migrate_to(conn, LATEST_VERSION)
}

/// Registers the SQL functions the steps use ([`PROMPT_PARAMS_FN`]) on `conn`.
pub(crate) fn register_functions(conn: &Connection) -> Result<(), LibraryError> {
    conn.create_scalar_function(
        PROMPT_PARAMS_FN,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Null => None,
                ValueRef::Text(text) => Some(prompt_params(&String::from_utf8_lossy(text))),
                _ => Some(String::new()),
            })
        },
    )?;
    Ok(())
}

/// Applies the missing steps up to `target` (tests use it to build old databases); returns
/// the version the database was at before. Refuses a database newer than this build knows.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32, LibraryError> {
    let before = current_version(conn)?;
    if before > LATEST_VERSION {
        return Err(LibraryError::NewerDatabase {
            found: before,
            known: LATEST_VERSION,
        });
    }
    register_functions(conn)?;
    for step in MIGRATIONS
        .iter()
        .filter(|m| m.version > before && m.version <= target)
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(step.sql).map_err(|e| {
            LibraryError::Database(format!(
                "upgrading to schema version {} ({}) failed: {e}",
                step.version, step.name
            ))
        })?;
        tx.pragma_update(None, "user_version", step.version)?;
        tx.commit()?;
    }
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
    }

    #[test]
    fn migrates_an_empty_database_to_latest_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().expect("open");
        assert_eq!(migrate(&mut conn).expect("migrate"), 0);
        assert_eq!(current_version(&conn).expect("version"), LATEST_VERSION);
        assert_eq!(migrate(&mut conn).expect("again"), LATEST_VERSION);
        let cols: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('images')")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("columns");
        assert!(
            cols.iter().any(|c| c == "thumb_path") && cols.iter().any(|c| c == "favorite"),
            "{cols:?}"
        );
    }

    #[test]
    fn refuses_a_newer_database() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
            .expect("set");
        assert!(matches!(
            migrate(&mut conn),
            Err(LibraryError::NewerDatabase { .. })
        ));
    }

    #[test]
    fn version_10_backfills_with_the_function_and_later_writes_need_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v10.db");
        let mut conn = Connection::open(&path).expect("open");
        migrate_to(&mut conn, 9).expect("v9");
        let insert = "INSERT INTO tasks (id, provider, kind, status, prompt, created_at, updated_at, task_json)
                      VALUES (?1, 'linkr', '{}', 'succeeded', ?2, 1, 1, '{}')";
        for (id, prompt) in [("a", Some("a fox --v 7 --sref")), ("b", None)] {
            conn.execute(insert, rusqlite::params![id, prompt])
                .expect("v9 task");
        }
        assert_eq!(migrate(&mut conn).expect("v10"), 9);
        let params = |conn: &Connection, id: &str| -> Option<String> {
            conn.query_row("SELECT params FROM tasks WHERE id = ?1", [id], |r| r.get(0))
                .expect("params")
        };
        assert_eq!(params(&conn, "a").as_deref(), Some("v v7 sref"));
        assert_eq!(params(&conn, "b"), None);
        let via_sql: Option<String> = conn
            .query_row(
                &format!("SELECT {PROMPT_PARAMS_FN}('x --ar 16:9'), {PROMPT_PARAMS_FN}(NULL)"),
                [],
                |r| r.get(0),
            )
            .expect("function");
        assert_eq!(via_sql, Some(prompt_params("x --ar 16:9")));
        drop(conn);
        // Another connection (the sqlite3 shell, a future tool) writes without the function:
        // the triggers only copy columns.
        let other = Connection::open(&path).expect("reopen");
        other
            .execute(insert, rusqlite::params!["c", "a castle --niji 6"])
            .expect("insert without the function");
        other
            .execute(
                "UPDATE tasks SET prompt = 'a fox --v 6', params = 'v v6' WHERE id = 'a'",
                [],
            )
            .expect("update");
        other
            .execute("DELETE FROM tasks WHERE id = 'b'", [])
            .expect("delete");
        let found = |m: &str| -> Vec<String> {
            other
                .prepare("SELECT t.id FROM prompts_fts JOIN tasks t ON t.seq = prompts_fts.rowid WHERE prompts_fts MATCH ?1 ORDER BY t.id")
                .and_then(|mut s| s.query_map([m], |r| r.get(0))?.collect())
                .expect("match")
        };
        assert_eq!(found("{params} : \"v6\""), ["a"]);
        assert!(found("{params} : \"v7\"").is_empty());
        assert_eq!(found("castle"), ["c"], "indexed, without parameters");
        other
            .execute(
                "INSERT INTO prompts_fts(prompts_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .expect("the index matches its tasks");
    }

    #[test]
    fn a_failing_step_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate_to(&mut conn, 1).expect("v1");
        // Sabotage: v2 adds `thumb_path`, so a column of that name makes it fail.
        conn.execute_batch("ALTER TABLE images ADD COLUMN thumb_path TEXT")
            .expect("sabotage");
        assert!(migrate(&mut conn).is_err());
        assert_eq!(current_version(&conn).expect("version"), 1);
    }
}
