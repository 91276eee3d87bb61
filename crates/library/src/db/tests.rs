//! Tests of the gallery database against real SQLite files in temporary folders.

use super::*;
use crate::migrations::{migrate_to, LATEST_VERSION};
use chrono::TimeZone;
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
    assert_eq!(schema_version(&lib), 2);
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
fn upsert_is_idempotent_and_keeps_what_later_reports_omit() {
    let (_dir, lib) = open();
    let mut t = Task::new("job-1", ProviderKind::Linkr, TaskKind::Imagine);
    t.prompt = Some("misty forest at dawn".into());
    t.created_at = Some(at(0));
    lib.upsert_task(&t, true, Some(at(600))).expect("created");
    let first = lib.get_task("job-1").expect("get").expect("there");
    assert_eq!(first.task.status, TaskStatus::Queued);
    assert!(first.demo && first.finished_at.is_none());
    assert_eq!(first.deadline_at, Some(at(600)));

    t.status = TaskStatus::Running;
    t.progress = Some(40);
    t.prompt = None; // a fetch that does not repeat the prompt
    lib.upsert_task(&t, true, None).expect("progress");
    lib.upsert_task(&t, true, None).expect("same again");
    t.status = TaskStatus::Succeeded;
    t.progress = Some(100);
    t.grid_url = Some("https://cdn.example.com/grid.png".into());
    lib.upsert_task(&t, false, None).expect("done");

    assert_eq!(count_rows(&lib, "tasks"), 1);
    let got = lib.get_task("job-1").expect("get").expect("there");
    assert_eq!(got.task.status, TaskStatus::Succeeded);
    assert_eq!(got.task.progress, Some(100));
    assert_eq!(got.task.prompt.as_deref(), Some("misty forest at dawn"));
    assert_eq!(
        got.task.grid_url.as_deref(),
        Some("https://cdn.example.com/grid.png")
    );
    assert_eq!(got.created_at, at(0));
    assert_eq!(got.deadline_at, Some(at(600)), "deadline kept");
    assert!(got.demo, "demo flag of the first call");
    assert!(got.finished_at.is_some());
    // the prompt is indexed exactly once
    let hits: i64 = lock(&lib.reader)
        .query_row(
            "SELECT count(*) FROM prompts_fts WHERE prompts_fts MATCH 'forest'",
            [],
            |r| r.get(0),
        )
        .expect("fts");
    assert_eq!(hits, 1);

    // images: same slot again updates the row
    let a = lib
        .add_image(
            "job-1",
            ImageSlot::Grid,
            Path::new("images/job-1/grid.png"),
            10,
            10,
            1,
        )
        .expect("add");
    let b = lib
        .add_image(
            "job-1",
            ImageSlot::Grid,
            Path::new("images/job-1/grid.png"),
            20,
            20,
            2,
        )
        .expect("again");
    assert_eq!(a, b);
    assert_eq!(count_rows(&lib, "images"), 1);
    assert_eq!(lib.get_image(a).expect("get").expect("there").width, 20);
    assert!(lib.integrity_check().expect("check"));
}

#[test]
fn a_stale_write_never_brings_a_finished_task_back_to_life() {
    let (_dir, lib) = open();
    let mut t = Task::new("job-late", ProviderKind::Journey, TaskKind::Imagine);
    t.prompt = Some("a lighthouse".into());
    let queued = t.clone();
    t.status = TaskStatus::Succeeded;
    t.progress = Some(100);
    lib.upsert_task(&t, false, None).expect("finished first");
    // The submit's own "queued" write arrives late.
    lib.upsert_task(&queued, false, None)
        .expect("late write is accepted");
    let got = lib.get_task("job-late").expect("get").expect("there");
    assert_eq!(got.task.status, TaskStatus::Succeeded);
    assert_eq!(got.task.progress, Some(100));
    assert!(got.finished_at.is_some());
    assert!(lib.unfinished_tasks().expect("unfinished").is_empty());
    // A later final state (e.g. a re-archive) still lands.
    t.error = Some("re-archived".into());
    lib.upsert_task(&t, false, None).expect("final again");
    let got = lib.get_task("job-late").expect("get").expect("there");
    assert_eq!(got.task.error.as_deref(), Some("re-archived"));
}

#[test]
fn timed_out_tasks_still_being_rechecked_are_found_again_and_a_late_result_lands() {
    let (_dir, lib) = open();
    let now = at(10_000);
    let mut waiting = task("w", ProviderKind::Linkr, TaskKind::Imagine, "a slow fox", 0);
    waiting.status = TaskStatus::TimedOut;
    waiting.recheck_until = Some(now + chrono::Duration::hours(20));
    lib.upsert_task(&waiting, false, None).expect("upsert");
    let mut over = task("o", ProviderKind::Linkr, TaskKind::Imagine, "too late", 1);
    over.status = TaskStatus::TimedOut;
    over.recheck_until = Some(now - chrono::Duration::seconds(1));
    lib.upsert_task(&over, false, None).expect("upsert");
    let mut provider_gave_up = task("p", ProviderKind::Linkr, TaskKind::Imagine, "x", 2);
    provider_gave_up.status = TaskStatus::TimedOut;
    lib.upsert_task(&provider_gave_up, false, None)
        .expect("upsert");
    let found: Vec<String> = lib
        .rechecking_tasks(now)
        .expect("query")
        .into_iter()
        .map(|s| s.task.id)
        .collect();
    assert_eq!(found, vec!["w".to_string()]);
    // A late result replaces the timed-out state (final after final is allowed).
    let mut late = waiting.clone();
    late.status = TaskStatus::Succeeded;
    late.recheck_until = None;
    late.finished_late = true;
    lib.upsert_task(&late, false, None).expect("late result");
    let got = lib.get_task("w").expect("get").expect("there");
    assert_eq!(got.task.status, TaskStatus::Succeeded);
    assert!(got.task.finished_late);
    assert!(lib.rechecking_tasks(now).expect("query").is_empty());
}

#[test]
fn a_task_keeps_the_local_time_it_was_first_recorded_at() {
    let (_dir, lib) = open();
    let submitted = task("t", ProviderKind::Linkr, TaskKind::Imagine, "a fox", 0);
    lib.upsert_task(&submitted, false, None).expect("upsert");
    // A later write carries LinkrAPI's own created_at, which has no time zone (hours off).
    let mut fetched = submitted.clone();
    fetched.created_at = Some(at(0) + chrono::Duration::hours(5));
    lib.upsert_task(&fetched, false, None).expect("upsert");
    let got = lib.get_task("t").expect("get").expect("there");
    assert_eq!(got.task.created_at, Some(at(0)));
    assert_eq!(got.created_at, at(0));
}

#[test]
fn prompt_changes_reindex_the_search() {
    let (_dir, lib) = open();
    grid_task(&lib, "p", ProviderKind::Linkr, "golden retriever", 1);
    let mut t = task(
        "p",
        ProviderKind::Linkr,
        TaskKind::Imagine,
        "silver tabby",
        1,
    );
    t.status = TaskStatus::Succeeded;
    lib.upsert_task(&t, false, None).expect("update");
    assert!(texts(&lib, "golden").is_empty());
    assert_eq!(texts(&lib, "tabby"), ["p"]);
    assert!(lib.integrity_check().expect("check"));
}

#[test]
fn unfinished_tasks_and_timeouts() {
    let (_dir, lib) = open();
    for (id, status, secs) in [
        ("q", TaskStatus::Queued, 3),
        ("r", TaskStatus::Running, 1),
        ("s", TaskStatus::Succeeded, 2),
        ("f", TaskStatus::Failed, 4),
    ] {
        let mut t = task(id, ProviderKind::Journey, TaskKind::Imagine, "x", secs);
        t.status = status;
        lib.upsert_task(&t, false, Some(at(100))).expect("upsert");
    }
    let ids: Vec<String> = lib
        .unfinished_tasks()
        .expect("unfinished")
        .into_iter()
        .map(|t| t.task.id)
        .collect();
    assert_eq!(ids, ["r", "q"], "oldest first");

    // the engine gives up at its deadline: the task is written timed out
    let mut r = lib.get_task("r").expect("get").expect("there").task;
    r.status = TaskStatus::TimedOut;
    r.error = Some("Gave up after 10 minutes.".into());
    lib.upsert_task(&r, false, None).expect("timeout");
    let r = lib.get_task("r").expect("get").expect("there");
    assert_eq!(r.task.status, TaskStatus::TimedOut);
    assert_eq!(r.task.error.as_deref(), Some("Gave up after 10 minutes."));
    assert!(r.finished_at.is_some());
    assert_eq!(r.deadline_at, Some(at(100)), "the deadline is kept");
    assert_eq!(lib.unfinished_tasks().expect("unfinished").len(), 1);
    assert!(lib.get_task("nope").expect("get").is_none());
}

#[test]
fn images_need_a_task_and_a_path_inside_the_library() {
    let (dir, lib) = open();
    let r = lib.add_image(
        "ghost",
        ImageSlot::Grid,
        Path::new("images/ghost/grid.png"),
        1,
        1,
        1,
    );
    assert!(matches!(r, Err(LibraryError::TaskNotFound(_))), "{r:?}");
    grid_task(&lib, "t", ProviderKind::Linkr, "x", 0);
    for bad in ["/etc/passwd", "../outside.png", "images/../../x.png", ""] {
        let r = lib.add_image("t", ImageSlot::Result, Path::new(bad), 1, 1, 1);
        assert!(
            matches!(r, Err(LibraryError::OutsideLibrary(_))),
            "{bad}: {r:?}"
        );
    }
    let r = lib.add_image(
        "t",
        ImageSlot::Single(5),
        Path::new("images/t/single-5.png"),
        1,
        1,
        1,
    );
    assert!(matches!(r, Err(LibraryError::InvalidInput(_))), "{r:?}");
    // an absolute path inside the root is stored relative and given back absolute
    let abs = dir.path().join("images/t/image.png");
    let id = lib
        .add_image("t", ImageSlot::Result, &abs, 5, 6, 7)
        .expect("absolute inside");
    let item = lib.get_image(id).expect("get").expect("there");
    assert_eq!(
        item.path,
        std::path::absolute(&abs).expect("abs").to_string_lossy()
    );
    assert_eq!(
        item.kind,
        ImageKind::Single,
        "the result of an imagine is not an upscale"
    );
}

#[test]
fn text_search_words_prefixes_and_hostile_input() {
    let (_dir, lib) = open();
    grid_task(
        &lib,
        "a",
        ProviderKind::Linkr,
        "A red fox in the snow, cinematic lighting --ar 16:9",
        1,
    );
    grid_task(
        &lib,
        "b",
        ProviderKind::Journey,
        "red panda eating bamboo",
        2,
    );
    grid_task(
        &lib,
        "c",
        ProviderKind::Linkr,
        "Portrait of an old fisherman, Café at night",
        3,
    );

    assert_eq!(texts(&lib, "red"), ["b", "a"], "word, newest first");
    assert_eq!(texts(&lib, "RED"), ["b", "a"], "any case");
    assert_eq!(texts(&lib, "pan"), ["b"], "prefix while typing");
    assert!(
        texts(&lib, "pan ").is_empty(),
        "a finished word is not a prefix"
    );
    assert_eq!(texts(&lib, "red fox"), ["a"], "every word must match");
    assert_eq!(texts(&lib, "fox red"), ["a"], "in any order");
    assert_eq!(texts(&lib, "cafe"), ["c"], "diacritics folded");
    assert_eq!(texts(&lib, "fisher"), ["c"]);
    assert_eq!(texts(&lib, "16:9"), ["a"]);
    assert!(texts(&lib, "zebra").is_empty());
    for hostile in [
        "\"",
        "\"red",
        "red\"",
        "'red'",
        "red*",
        "*",
        "(red",
        "red)",
        "red AND",
        "OR",
        "NOT red",
        "NEAR(red fox)",
        "red -fox",
        "^red",
        "prompt:red",
        "{red}",
        "red + fox",
        "\\",
        "'; DROP TABLE tasks; --",
        "\u{0}",
        "🦊 red",
    ] {
        let q = GalleryQuery {
            text: Some(hostile.into()),
            ..Default::default()
        };
        lib.search(&q)
            .unwrap_or_else(|e| panic!("{hostile:?} failed: {e}"));
        lib.count(&q)
            .unwrap_or_else(|e| panic!("{hostile:?} count failed: {e}"));
    }
    assert_eq!(texts(&lib, "\"red"), ["b", "a"]);
    assert_eq!(
        texts(&lib, "NOT red").len(),
        0,
        "NOT is a word, not an operator"
    );
    // no words at all: no text filter
    assert_eq!(texts(&lib, "!!!").len(), 3);
    assert_eq!(count_rows(&lib, "tasks"), 3, "still there");
}

#[test]
fn filters_by_provider_kind_favorite_and_date() {
    let (_dir, lib) = open();
    grid_task(&lib, "l1", ProviderKind::Linkr, "castle on a hill", 10);
    grid_task(
        &lib,
        "j1",
        ProviderKind::Journey,
        "castle in the clouds",
        20,
    );
    let mut up = task(
        "u1",
        ProviderKind::Journey,
        TaskKind::Upscale { index: 1 },
        "castle in the clouds",
        30,
    );
    up.parent_id = Some("j1".into());
    lib.upsert_task(&up, false, None).expect("upscale");
    let up_img = lib
        .add_image(
            "u1",
            ImageSlot::Result,
            Path::new("images/u1/image.png"),
            1024,
            1024,
            5,
        )
        .expect("img");

    let count = |q: &GalleryQuery| {
        let n = lib.count(q).expect("count");
        let listed = all_pages(&lib, q.clone()).len() as u64;
        assert_eq!(n, listed, "{q:?}");
        n
    };
    let all = GalleryQuery::default();
    assert_eq!(count(&all), 11);
    assert_eq!(
        count(&GalleryQuery {
            provider: Some(ProviderKind::Linkr),
            ..all.clone()
        }),
        5
    );
    assert_eq!(
        count(&GalleryQuery {
            provider: Some(ProviderKind::Journey),
            ..all.clone()
        }),
        6
    );
    assert_eq!(
        count(&GalleryQuery {
            kind: Some(ImageKind::Grid),
            ..all.clone()
        }),
        2
    );
    assert_eq!(
        count(&GalleryQuery {
            kind: Some(ImageKind::Single),
            ..all.clone()
        }),
        8
    );
    assert_eq!(
        count(&GalleryQuery {
            kind: Some(ImageKind::Upscale),
            ..all.clone()
        }),
        1
    );
    assert_eq!(
        count(&GalleryQuery {
            favorites_only: true,
            ..all.clone()
        }),
        0
    );
    lib.set_favorite(&FavoriteTarget::Image(up_img), true)
        .expect("fav");
    assert_eq!(
        count(&GalleryQuery {
            favorites_only: true,
            ..all.clone()
        }),
        1
    );
    assert_eq!(
        count(&GalleryQuery {
            from: Some(at(20)),
            ..all.clone()
        }),
        6,
        "from is inclusive"
    );
    assert_eq!(
        count(&GalleryQuery {
            to: Some(at(20)),
            ..all.clone()
        }),
        5,
        "to is exclusive"
    );
    assert_eq!(
        count(&GalleryQuery {
            from: Some(at(15)),
            to: Some(at(25)),
            ..all.clone()
        }),
        5
    );
    let combined = GalleryQuery {
        text: Some("clouds".into()),
        provider: Some(ProviderKind::Journey),
        kind: Some(ImageKind::Upscale),
        favorites_only: true,
        from: Some(at(0)),
        to: Some(at(100)),
        ..all.clone()
    };
    assert_eq!(count(&combined), 1);
    let items = lib.search(&combined).expect("search").items;
    assert_eq!(items[0].task_id, "u1");
    assert_eq!(items[0].parent_id.as_deref(), Some("j1"));
    assert_eq!(
        count(&GalleryQuery {
            text: Some("hill".into()),
            provider: Some(ProviderKind::Journey),
            ..all
        }),
        0
    );
}

#[test]
fn lineage_parent_and_children() {
    let (_dir, lib) = open();
    grid_task(&lib, "root", ProviderKind::Linkr, "a lighthouse", 0);
    for (i, id) in ["u2", "v3", "reroll"].into_iter().enumerate() {
        let kind = [
            TaskKind::Upscale { index: 2 },
            TaskKind::Variation { index: 3 },
            TaskKind::Reroll,
        ][i]
            .clone();
        let mut t = task(id, ProviderKind::Linkr, kind, "a lighthouse", 10 + i as i64);
        t.parent_id = Some("root".into());
        lib.upsert_task(&t, false, None).expect("child");
    }
    let mut grandchild = task(
        "u2-subtle",
        ProviderKind::Linkr,
        TaskKind::UpscaleSubtle,
        "a lighthouse",
        20,
    );
    grandchild.parent_id = Some("u2".into());
    lib.upsert_task(&grandchild, false, None)
        .expect("grandchild");

    let kids: Vec<String> = lib
        .children("root")
        .expect("children")
        .into_iter()
        .map(|t| t.task.id)
        .collect();
    assert_eq!(kids, ["u2", "v3", "reroll"]);
    assert_eq!(
        lib.parent("u2-subtle")
            .expect("parent")
            .map(|t| t.task.id)
            .as_deref(),
        Some("u2")
    );
    assert_eq!(
        lib.parent("u2")
            .expect("parent")
            .map(|t| t.task.id)
            .as_deref(),
        Some("root")
    );
    assert!(lib.parent("root").expect("parent").is_none());
    assert!(lib.children("u2-subtle").expect("children").is_empty());

    assert!(lib.parent("ghost").expect("parent").is_none());
    assert!(lib.children("ghost").expect("children").is_empty());
}

#[test]
fn favorites_by_image_and_by_task() {
    let (_dir, lib) = open();
    let ids = grid_task(&lib, "t", ProviderKind::Journey, "x", 0);
    grid_task(&lib, "other", ProviderKind::Journey, "y", 1);
    assert_eq!(
        lib.set_favorite(&FavoriteTarget::Image(ids[2]), true)
            .expect("fav"),
        1
    );
    assert!(lib.get_image(ids[2]).expect("get").expect("there").favorite);
    assert_eq!(
        lib.set_favorite(&FavoriteTarget::Task("t".into()), true)
            .expect("task"),
        5
    );
    let favs = GalleryQuery {
        favorites_only: true,
        ..Default::default()
    };
    assert_eq!(lib.count(&favs).expect("count"), 5);
    assert_eq!(
        lib.set_favorite(&FavoriteTarget::Image(ids[0]), false)
            .expect("unfav"),
        1
    );
    assert_eq!(lib.count(&favs).expect("count"), 4);
    assert!(matches!(
        lib.set_favorite(&FavoriteTarget::Image(999_999), true),
        Err(LibraryError::ImageNotFound(_))
    ));
    assert!(matches!(
        lib.set_favorite(&FavoriteTarget::Task("nope".into()), true),
        Err(LibraryError::TaskNotFound(_))
    ));
}

#[test]
fn keyset_paging_returns_every_item_exactly_once() {
    let (_dir, lib) = open();
    // 4,500 tasks with one image each, many sharing a timestamp (ties are broken by id).
    // "common" is in every prompt (more matches than the FTS-driven limit: the time-driven
    // plan), "rare" in a few (the FTS-driven plan).
    lib.batch(|b| {
        for i in 0..4500i64 {
            let extra = if i % 97 == 0 { " rare" } else { "" };
            let mut t = task(
                &format!("t{i}"),
                ProviderKind::Linkr,
                TaskKind::Imagine,
                &format!("common{extra}"),
                i / 7,
            );
            t.provider = if i % 2 == 0 {
                ProviderKind::Linkr
            } else {
                ProviderKind::Journey
            };
            b.upsert_task(&t, false, None)?;
            let id = b.add_image(
                &t.id,
                ImageSlot::Grid,
                Path::new(&format!("images/t{i}/grid.png")),
                1,
                1,
                1,
            )?;
            if i % 10 == 0 {
                b.set_favorite(&FavoriteTarget::Image(id), true)?;
            }
        }
        Ok(())
    })
    .expect("fill");

    let check = |q: GalleryQuery, expected: usize| {
        let items = all_pages(&lib, q.clone());
        let ids: HashSet<i64> = items.iter().map(|i| i.image_id).collect();
        assert_eq!(items.len(), expected, "{q:?}");
        assert_eq!(ids.len(), expected, "no repeats: {q:?}");
        let keys: Vec<(DateTime<Utc>, i64)> =
            items.iter().map(|i| (i.created_at, i.image_id)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        if q.order == SortOrder::NewestFirst {
            sorted.reverse();
        }
        assert_eq!(keys, sorted, "in order: {q:?}");
    };
    let page = |limit| GalleryQuery {
        limit: Some(limit),
        ..Default::default()
    };
    check(page(200), 4500);
    check(page(7), 4500);
    check(
        GalleryQuery {
            order: SortOrder::OldestFirst,
            ..page(333)
        },
        4500,
    );
    check(
        GalleryQuery {
            provider: Some(ProviderKind::Journey),
            ..page(200)
        },
        2250,
    );
    check(
        GalleryQuery {
            favorites_only: true,
            ..page(100)
        },
        450,
    );
    check(
        GalleryQuery {
            text: Some("common".into()),
            ..page(200)
        },
        4500,
    );
    check(
        GalleryQuery {
            text: Some("comm".into()),
            order: SortOrder::OldestFirst,
            ..page(500)
        },
        4500,
    );
    check(
        GalleryQuery {
            text: Some("rare".into()),
            ..page(5)
        },
        47,
    );
    check(
        GalleryQuery {
            text: Some("rare".into()),
            favorites_only: true,
            ..page(2)
        },
        5,
    );

    let first = lib.search(&page(200)).expect("first");
    assert_eq!(first.items.len(), 200);
    assert!(first.next_cursor.is_some());
    let r = lib.search(&GalleryQuery {
        cursor: Some("not a cursor".into()),
        ..Default::default()
    });
    assert!(matches!(r, Err(LibraryError::InvalidInput(_))), "{r:?}");
    assert!(lib.search(&page(10_000)).expect("big").items.len() <= crate::MAX_PAGE_SIZE as usize);
}

#[test]
fn deleting_an_image_removes_its_row_file_and_thumbnail() {
    let (dir, lib) = open();
    let ids = grid_task(&lib, "t", ProviderKind::Linkr, "doomed sandcastle", 0);
    grid_task(&lib, "other", ProviderKind::Linkr, "sturdy castle", 1);
    for rel in [
        "images/t/grid.png",
        "images/t/single-1.png",
        "images/other/grid.png",
    ] {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, b"png").expect("write");
    }
    let thumb = lib
        .thumbnail_path("t", ImageSlot::Grid)
        .expect("thumb path");
    std::fs::create_dir_all(thumb.parent().expect("parent")).expect("mkdir");
    std::fs::write(&thumb, b"jpg").expect("write");
    lib.set_thumbnail(ids[0], &thumb).expect("set thumb");

    assert!(lib.delete_image(ids[0]).expect("delete image"));
    assert!(lib.get_image(ids[0]).expect("get").is_none());
    assert!(!dir.path().join("images/t/grid.png").exists());
    assert!(!thumb.exists());
    assert!(
        dir.path().join("images/t/single-1.png").exists(),
        "its siblings stay"
    );
    assert!(
        dir.path().join("images/other/grid.png").exists(),
        "other files untouched"
    );
    let left: Vec<String> = lib
        .task_images("t")
        .expect("images")
        .into_iter()
        .map(|i| i.slot)
        .collect();
    assert_eq!(left, ["single-1", "single-2", "single-3", "single-4"]);
    assert!(lib.get_task("t").expect("get").is_some(), "the task stays");
    assert!(texts(&lib, "doomed").is_empty(), "no grid left to find");
    assert_eq!(count_rows(&lib, "images"), 9);
    assert!(
        !lib.delete_image(ids[0]).expect("again"),
        "nothing left to delete"
    );
    assert!(lib.integrity_check().expect("check"));
}

#[test]
fn a_tampered_path_never_deletes_outside_the_library() {
    let outer = tempfile::tempdir().expect("tempdir");
    let victim = outer.path().join("victim.txt");
    std::fs::write(&victim, b"precious").expect("write");
    let root = outer.path().join("lib");
    let lib = Library::open(&root).expect("open");
    grid_task(&lib, "t", ProviderKind::Linkr, "x", 0);
    lock(&lib.writer)
        .execute("UPDATE images SET path = '../victim.txt'", [])
        .expect("tamper");
    let images = lib.task_images("t").expect("images");
    assert!(lib.delete_image(images[0].image_id).expect("delete"));
    assert!(victim.exists());
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
fn thumbnails_and_grid_splitting_through_the_library() {
    let (_dir, lib) = open();
    lib.upsert_task(
        &task("g", ProviderKind::Linkr, TaskKind::Imagine, "four cats", 0),
        false,
        None,
    )
    .expect("task");
    let grid_path = lib.images_dir().join("g/grid.png");
    std::fs::create_dir_all(grid_path.parent().expect("parent")).expect("mkdir");
    image::RgbImage::from_pixel(512, 256, image::Rgb([9, 99, 199]))
        .save(&grid_path)
        .expect("save");
    let bytes = std::fs::metadata(&grid_path).expect("meta").len();
    let grid_id = lib
        .add_image("g", ImageSlot::Grid, &grid_path, 512, 256, bytes)
        .expect("add");

    let thumb = lib.create_thumbnail(grid_id).expect("thumb");
    assert_eq!(thumb, lib.thumbs_dir().join("g/grid.jpg"));
    assert_eq!(image::image_dimensions(&thumb).expect("dims"), (384, 192));
    assert_eq!(
        lib.get_image(grid_id)
            .expect("get")
            .expect("there")
            .thumb_path,
        Some(thumb.to_string_lossy().into())
    );

    let singles = lib.split_task_grid("g").expect("split");
    assert_eq!(singles.len(), 4);
    let images = lib.task_images("g").expect("images");
    let slots: Vec<&str> = images.iter().map(|i| i.slot.as_str()).collect();
    assert_eq!(
        slots,
        ["grid", "single-1", "single-2", "single-3", "single-4"]
    );
    for item in &images[1..] {
        assert_eq!((item.width, item.height), (256, 128));
        assert_eq!(
            image::image_dimensions(&item.path).expect("dims"),
            (256, 128)
        );
    }
    // the cache finds the split singles where it keeps downloaded ones
    assert!(lib
        .image_cache(false)
        .find("g", ImageSlot::Single(3))
        .is_some());
    assert!(lib.split_task_grid("missing").is_err());
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

#[test]
fn query_plans_use_the_indexes() {
    let (_dir, lib) = open();
    lib.batch(|b| {
        for i in 0..3000i64 {
            let prompt = if i % 500 == 0 {
                "rare common"
            } else {
                "common"
            };
            let t = task(
                &format!("t{i}"),
                ProviderKind::Linkr,
                TaskKind::Imagine,
                prompt,
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
    let plan = |q: GalleryQuery| -> String {
        let conn = lock(&lib.reader);
        let cursor = Some(Cursor {
            created_at: at(1500).timestamp_millis(),
            id: 1500,
        });
        let (sql, params) = page_sql(&conn, &q, cursor, 200).expect("sql");
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("explain");
        let rows: Vec<String> = stmt
            .query_map(params_from_iter(params), |r| r.get(3))
            .expect("plan")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows.join("\n")
    };
    // The inner query (before "SCAN p") must walk an index in page order: no sort of its own.
    let walks_an_index = |label: &str, q: GalleryQuery| {
        let p = plan(q);
        let inner = p.split("SCAN p").next().unwrap_or_default();
        assert!(
            inner.contains("USING") && inner.contains("INDEX images_"),
            "{label}:\n{p}"
        );
        assert!(!inner.contains("TEMP B-TREE"), "{label}:\n{p}");
        assert!(
            p.contains("SEARCH t USING INTEGER PRIMARY KEY"),
            "{label}:\n{p}"
        );
    };
    walks_an_index("everything", GalleryQuery::default());
    walks_an_index(
        "broad text",
        GalleryQuery {
            text: Some("common".into()),
            ..Default::default()
        },
    );
    walks_an_index(
        "provider",
        GalleryQuery {
            provider: Some(ProviderKind::Linkr),
            ..Default::default()
        },
    );
    walks_an_index(
        "kind",
        GalleryQuery {
            kind: Some(ImageKind::Grid),
            ..Default::default()
        },
    );
    walks_an_index(
        "favorites",
        GalleryQuery {
            favorites_only: true,
            ..Default::default()
        },
    );
    walks_an_index(
        "dates, oldest first",
        GalleryQuery {
            from: Some(at(10)),
            to: Some(at(2000)),
            order: SortOrder::OldestFirst,
            ..Default::default()
        },
    );
    // A rare word starts from the FTS index and sorts only its few images.
    let rare = plan(GalleryQuery {
        text: Some("rare".into()),
        ..Default::default()
    });
    assert!(rare.starts_with("CO-ROUTINE p\nSCAN prompts_fts"), "{rare}");
}
