//! Tests of the gallery database against real SQLite files in temporary folders: the shared
//! helpers, opening and migrating, and sharing between threads here; each job's tests in the
//! submodule of the same name.

mod collections;
mod filters;
mod images;
mod params;
mod search;
mod tasks;

use super::search::page_sql;
use super::*;
use crate::cache::ImageSlot;
use crate::migrations::{migrate_to, LATEST_VERSION};
use crate::query::{Cursor, GalleryItem, GalleryQuery, ImageKind, SortOrder};
use atelier_providers::{ProviderKind, Task, TaskKind, TaskStatus};
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, params_from_iter};
use std::collections::HashSet;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0)
        .single()
        .expect("valid time")
}

fn task(id: &str, provider: ProviderKind, kind: TaskKind, prompt: &str, secs: i64) -> Task {
    let mut t = Task::new(id, provider, kind);
    t.prompt = Some(prompt.to_string());
    t.model = Some("midjourney".into());
    t.created_at = Some(at(secs));
    t.status = TaskStatus::Succeeded;
    t.raw_status = "success".into();
    t
}

fn open() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = Library::open(dir.path()).expect("open");
    (dir, lib)
}

/// Stores `n` finished tasks with one grid image each (task `t{i}` made at second `i`), the
/// prompt of each from `prompt`; the planner's statistics are refreshed after.
fn fill_grids(lib: &Library, n: i64, prompt: impl Fn(i64) -> &'static str) {
    lib.batch(|b| {
        for i in 0..n {
            let t = task(
                &format!("t{i}"),
                ProviderKind::Linkr,
                TaskKind::Imagine,
                prompt(i),
                i,
            );
            b.upsert_task(&t, false, None)?;
            b.add_image(
                &t.id,
                ImageSlot::Grid,
                Path::new(&format!("images/t{i}/grid.png")),
                1,
                1,
                1,
            )?;
        }
        Ok(())
    })
    .expect("fill");
    lock(&lib.writer).execute_batch("ANALYZE").expect("analyze");
}

/// SQLite's plan of one gallery page of `q` from `cursor`, one step a line.
fn page_plan(lib: &Library, q: &GalleryQuery, cursor: Option<Cursor>) -> String {
    let conn = lock(&lib.reader);
    let (sql, params) = page_sql(&conn, q, cursor, 200).expect("sql");
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("explain");
    let rows: Vec<String> = stmt
        .query_map(params_from_iter(params), |r| r.get(3))
        .expect("plan")
        .collect::<Result<_, _>>()
        .expect("rows");
    rows.join("\n")
}

/// Stores a finished grid task with a grid and four singles (files not created).
fn grid_task(lib: &Library, id: &str, provider: ProviderKind, prompt: &str, secs: i64) -> Vec<i64> {
    lib.upsert_task(
        &task(id, provider, TaskKind::Imagine, prompt, secs),
        false,
        None,
    )
    .expect("upsert");
    let mut ids = vec![lib
        .add_image(
            id,
            ImageSlot::Grid,
            Path::new(&format!("images/{id}/grid.png")),
            2048,
            2048,
            4_000_000,
        )
        .expect("grid")];
    for n in 1..=4u8 {
        let path = format!("images/{id}/single-{n}.png");
        ids.push(
            lib.add_image(
                id,
                ImageSlot::Single(n),
                Path::new(&path),
                1024,
                1024,
                1_000_000,
            )
            .expect("single"),
        );
    }
    ids
}

fn texts(lib: &Library, text: &str) -> Vec<String> {
    let q = GalleryQuery {
        text: Some(text.into()),
        kind: Some(ImageKind::Grid),
        ..Default::default()
    };
    lib.search(&q)
        .expect("search")
        .items
        .into_iter()
        .map(|i| i.task_id)
        .collect()
}

fn schema_version(lib: &Library) -> u32 {
    migrations::current_version(&lock(&lib.reader)).expect("version")
}

fn count_rows(lib: &Library, table: &str) -> i64 {
    lock(&lib.reader)
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

/// Every page of a query, following cursors; panics on a page that repeats forever.
fn all_pages(lib: &Library, mut q: GalleryQuery) -> Vec<GalleryItem> {
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let page = lib.search(&q).expect("page");
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return out,
        }
    }
    panic!("paging did not end");
}

#[test]
fn library_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Library>();
}

#[test]
fn fts5_is_compiled_in() {
    let conn = Connection::open_in_memory().expect("open");
    let on: bool = conn
        .query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |r| {
            r.get(0)
        })
        .expect("query");
    assert!(on);
    conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(x)")
        .expect("fts5 table");
}

/// The pages of the database file this process has mapped, in KiB (their `Rss` in smaps).
#[cfg(target_os = "linux")]
fn mapped_kib(db: &Path) -> u64 {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
    let name = db.to_string_lossy().to_string();
    let hex = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
    let mut total = 0;
    let mut inside = false;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.split_once('-').is_some_and(|(a, b)| hex(a) && hex(b)) {
            inside = line.ends_with(name.as_str());
        } else if let Some(kib) = line.strip_prefix("Rss:").filter(|_| inside) {
            total += kib
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .unwrap_or(0);
        }
    }
    total
}

#[cfg(target_os = "linux")]
#[test]
fn release_memory_unmaps_what_queries_mapped_and_queries_still_work() {
    let (dir, lib) = open();
    lib.batch(|b| {
        for i in 0..2_000 {
            let prompt = format!("a castle number {i} in the misty hills {}", "x".repeat(200));
            let t = task(
                &format!("t{i}"),
                ProviderKind::Linkr,
                TaskKind::Imagine,
                &prompt,
                i,
            );
            b.upsert_task(&t, false, None)?;
        }
        Ok(())
    })
    .expect("fill");
    // Into the database file itself (until a checkpoint, new pages are read from the WAL).
    lock(&lib.writer)
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    let db = dir.path().join(DB_FILE);
    let query = GalleryQuery::default();
    let count_all = |lib: &Library| lib.count(&query).expect("count");
    let before = count_all(&lib);
    let scan = |lib: &Library| {
        let conn = lock(&lib.reader);
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM tasks WHERE length(prompt) > 0",
                [],
                |r| r.get(0),
            )
            .expect("scan");
        n
    };
    assert_eq!(scan(&lib), 2_000);
    let mapped = mapped_kib(&db);
    assert!(mapped > 256, "a scan of the tasks mapped only {mapped} KiB");
    lib.release_memory().expect("release");
    assert_eq!(
        mapped_kib(&db),
        0,
        "the file is still mapped after release_memory"
    );
    // Queries map again and answer the same.
    assert_eq!(scan(&lib), 2_000);
    assert_eq!(count_all(&lib), before);
    assert!(mapped_kib(&db) > 0);
}

#[test]
fn open_creates_the_layout_in_wal_mode_and_reopens() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let lib = Library::open(dir.path()).expect("open");
        assert_eq!(schema_version(&lib), LATEST_VERSION);
        let conn = lock(&lib.writer);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        let fk: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("fk");
        assert!(fk);
        drop(conn);
        grid_task(&lib, "t1", ProviderKind::Linkr, "a red fox", 1);
    }
    assert!(dir.path().join(DB_FILE).is_file());
    assert!(dir.path().join("images").is_dir() && dir.path().join("thumbs").is_dir());
    let lib = Library::open(dir.path()).expect("reopen");
    assert_eq!(
        lib.get_task("t1")
            .expect("get")
            .expect("kept")
            .task
            .prompt
            .as_deref(),
        Some("a red fox")
    );
    assert_eq!(lib.image_cache(false).root(), dir.path().join("images"));
}

#[test]
fn upgrades_a_version_1_database_with_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let mut conn = Connection::open(dir.path().join(DB_FILE)).expect("open v1");
        migrate_to(&mut conn, 1).expect("v1");
        let t = task(
            "old-1",
            ProviderKind::Journey,
            TaskKind::Upscale { index: 2 },
            "ancient lighthouse storm",
            5,
        );
        let json = serde_json::to_string(&t).expect("json");
        conn.execute(
            "INSERT INTO tasks (id, provider, kind, status, prompt, model, created_at, updated_at, demo, task_json)
             VALUES ('old-1', 'journey', '{\"type\":\"upscale\",\"index\":2}', 'succeeded',
                     'ancient lighthouse storm', 'midjourney', ?1, ?1, 0, ?2)",
            params![at(5).timestamp_millis(), json],
        )
        .expect("task");
        conn.execute(
            "INSERT INTO images (task_seq, slot, role, width, height, bytes, path, created_at, provider)
             SELECT seq, 'result', 'upscale', 1024, 1024, 123, 'images/old-1/image.png', ?1, 'journey'
             FROM tasks WHERE id = 'old-1'",
            [at(5).timestamp_millis()],
        )
        .expect("image");
        assert_eq!(migrations::current_version(&conn).expect("v"), 1);
    }
    let lib = Library::open(dir.path()).expect("upgrade");
    assert_eq!(schema_version(&lib), LATEST_VERSION);
    assert!(lib.queue_list().expect("the queue table exists").is_empty());
    let items = lib
        .search(&GalleryQuery {
            text: Some("lighthou".into()),
            ..Default::default()
        })
        .expect("search")
        .items;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(
        (item.kind, item.favorite, item.thumb_path.clone()),
        (ImageKind::Upscale, false, None)
    );
    assert_eq!(item.kind_label, "Upscale 2");
    assert_eq!(
        item.path,
        dir.path().join("images/old-1/image.png").to_string_lossy()
    );
    // the new columns work on the old rows
    lib.set_favorite(&FavoriteTarget::Image(item.image_id), true)
        .expect("favorite");
    lib.set_thumbnail(item.image_id, Path::new("thumbs/old-1/result.jpg"))
        .expect("thumb");
    let item = lib.get_image(item.image_id).expect("get").expect("there");
    assert!(item.favorite);
    assert_eq!(
        item.thumb_path,
        Some(
            dir.path()
                .join("thumbs/old-1/result.jpg")
                .to_string_lossy()
                .into_owned()
        )
    );
    assert!(lib.integrity_check().expect("check"));
}

#[test]
fn integrity_check_passes_on_a_busy_library() {
    let (_dir, lib) = open();
    for i in 0..50 {
        grid_task(
            &lib,
            &format!("t{i}"),
            ProviderKind::Journey,
            &format!("prompt number {i}"),
            i,
        );
    }
    for item in lib.task_images("t3").expect("images") {
        lib.delete_image(item.image_id).expect("delete");
    }
    assert!(lib.integrity_check().expect("check"));
}

#[test]
fn shared_between_threads() {
    let (_dir, lib) = open();
    let lib = std::sync::Arc::new(lib);
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let lib = lib.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    grid_task(
                        &lib,
                        &format!("w{w}-{i}"),
                        ProviderKind::Linkr,
                        "busy bees",
                        i,
                    );
                    lib.search(&GalleryQuery {
                        text: Some("bee".into()),
                        ..Default::default()
                    })
                    .expect("search");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread");
    }
    assert_eq!(lib.count(&GalleryQuery::default()).expect("count"), 500);
}
