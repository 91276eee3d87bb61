//! Tests of parameter search (`--v 7`, `--sref`): one token per parameter in the prompt
//! index's `params` column, with words, filters and counts, kept when a prompt changes, the
//! version 10 upgrade of a library that already has tasks, and the plans of the counts.

use super::*;
use crate::db::search::count_query;
use crate::query::prompt_params;

/// The tasks (sorted) whose images match `q`; the count, capped or not, agrees with the page.
fn found_by(lib: &Library, q: GalleryQuery) -> Vec<String> {
    let items = lib.search(&q).expect("search").items;
    assert_eq!(
        lib.count(&q).expect("count") as usize,
        items.len(),
        "{q:?}: the count agrees with the page"
    );
    assert_eq!(
        lib.count_at_most(&q, 10_000).expect("capped"),
        (items.len() as u64, true),
        "{q:?}"
    );
    let mut ids: Vec<String> = items.into_iter().map(|i| i.task_id).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// [`found_by`] of a text alone.
fn found(lib: &Library, text: &str) -> Vec<String> {
    found_by(
        lib,
        GalleryQuery {
            text: Some(text.into()),
            ..Default::default()
        },
    )
}

/// The `params` column of task `id`.
fn params_of(lib: &Library, id: &str) -> Option<String> {
    lock(&lib.reader)
        .query_row("SELECT params FROM tasks WHERE id = ?1", [id], |r| r.get(0))
        .expect("params")
}

/// A small library with parameters in most prompts (each task a grid and four singles).
fn parameter_library() -> (tempfile::TempDir, Library) {
    let (dir, lib) = open();
    for (i, (id, prompt)) in [
        ("v7", "a red fox --ar 16:9 --v 7 --seed 123"),
        ("v71", "a red fox --v 7.1"),
        ("words", "a fox named v 7 with seed 123 in words"),
        ("sref", "a blue fox --sref https://s.mj.run/abc --v 6.1"),
        ("bare", "a castle --sref --niji 6"),
        ("stylize", "a castle --stylize 250 --s 750"),
    ]
    .into_iter()
    .enumerate()
    {
        grid_task(&lib, id, ProviderKind::Journey, prompt, i as i64);
    }
    (dir, lib)
}

#[test]
fn a_parameter_is_found_by_its_token_not_by_its_words() {
    let (_dir, lib) = parameter_library();
    assert_eq!(found(&lib, "--v 7 "), ["v7"], "not 7.1, not the words");
    assert_eq!(found(&lib, "--v 7.1 "), ["v71"]);
    assert_eq!(found(&lib, "--V 7 "), ["v7"], "any case");
    assert_eq!(found(&lib, "--seed 123 "), ["v7"]);
    assert_eq!(found(&lib, "--ar 16:9 "), ["v7"]);
    assert_eq!(found(&lib, "--stylize 250 "), ["stylize"]);
    assert_eq!(found(&lib, "--niji 6 "), ["bare"]);
    assert!(found(&lib, "--ar 9:16 ").is_empty());
    assert!(found(&lib, "--chaos ").is_empty());
    // The name alone finds it with any value, or none.
    assert_eq!(found(&lib, "--sref "), ["bare", "sref"]);
    assert_eq!(found(&lib, "--v "), ["sref", "v7", "v71"]);
    assert_eq!(
        found(&lib, "--sref https://s.mj.run/abc "),
        ["sref"],
        "a value with punctuation"
    );
    // The words themselves are still words (the prompt column keeps them).
    assert_eq!(found(&lib, "v 7"), ["v7", "v71", "words"]);
    assert_eq!(found(&lib, "seed 123 "), ["v7", "words"]);
}

#[test]
fn a_parameter_being_typed_matches_as_a_prefix() {
    let (_dir, lib) = parameter_library();
    assert_eq!(found(&lib, "--seed 12"), ["v7"]);
    assert!(
        found(&lib, "--seed 12 ").is_empty(),
        "a finished value is not a prefix"
    );
    assert_eq!(found(&lib, "--v 7"), ["v7", "v71"]);
    assert_eq!(found(&lib, "--v 7."), ["v7", "v71"]);
    assert_eq!(found(&lib, "--ar 16:"), ["v7"]);
    assert_eq!(found(&lib, "--s 7"), ["stylize"]);
    assert_eq!(found(&lib, "--sr"), ["bare", "sref"]);
    assert_eq!(found(&lib, "--st"), ["stylize"]);
}

#[test]
fn parameters_combine_with_words_filters_and_collections() {
    let (_dir, lib) = parameter_library();
    assert_eq!(found(&lib, "fox --v 7 "), ["v7"]);
    assert_eq!(
        found(&lib, "--v 7 fox"),
        ["v7"],
        "a word after, as a prefix"
    );
    assert_eq!(found(&lib, "red fox --v "), ["v7", "v71"]);
    assert_eq!(found(&lib, "castle --sref --niji 6 "), ["bare"]);
    assert!(found(&lib, "castle --v 7 ").is_empty());
    assert!(found(&lib, "blue --v 7").is_empty());

    let singles = GalleryQuery {
        text: Some("--v 7 ".into()),
        kind: Some(ImageKind::Single),
        ..Default::default()
    };
    assert_eq!(lib.count(&singles).expect("count"), 4);
    assert_eq!(found_by(&lib, singles), ["v7"]);
    let grid = lib.task_images("v71").expect("images")[0].image_id;
    lib.set_favorite(&FavoriteTarget::Image(grid), true)
        .expect("favorite");
    let favorites = GalleryQuery {
        text: Some("--v 7".into()),
        favorites_only: true,
        ..Default::default()
    };
    assert_eq!(found_by(&lib, favorites.clone()), ["v71"]);
    let c = lib.create_collection("Params").expect("collection");
    let ids: Vec<i64> = lib.task_images("v7").expect("images")[..2]
        .iter()
        .map(|i| i.image_id)
        .collect();
    lib.add_to_collection(c.id, &ids).expect("add");
    let in_collection = GalleryQuery {
        text: Some("--v 7".into()),
        collection: Some(c.id),
        ..Default::default()
    };
    assert_eq!(lib.count(&in_collection).expect("count"), 2);
    assert_eq!(found_by(&lib, in_collection), ["v7"]);
}

#[test]
fn a_changed_prompt_changes_its_parameters() {
    let (_dir, lib) = parameter_library();
    assert_eq!(
        params_of(&lib, "v7").as_deref(),
        Some("ar ar16x9 v v7 seed seed123")
    );
    assert_eq!(params_of(&lib, "words").as_deref(), Some(""));
    let mut t = task(
        "v7",
        ProviderKind::Journey,
        TaskKind::Imagine,
        "a red fox --v 6",
        0,
    );
    lib.upsert_task(&t, false, None).expect("new prompt");
    assert_eq!(params_of(&lib, "v7").as_deref(), Some("v v6"));
    assert_eq!(found(&lib, "--v 7 "), Vec::<String>::new());
    assert_eq!(found(&lib, "--v 6 "), ["v7"]);
    assert!(found(&lib, "--ar 16:9 ").is_empty());
    // A later report without a prompt keeps the prompt, and so its parameters.
    t.prompt = None;
    lib.upsert_task(&t, false, None).expect("no prompt");
    assert_eq!(params_of(&lib, "v7").as_deref(), Some("v v6"));
    assert_eq!(found(&lib, "--v 6 "), ["v7"]);
    // A task without a prompt has none.
    let mut none = task("none", ProviderKind::Linkr, TaskKind::Imagine, "", 9);
    none.prompt = None;
    lib.upsert_task(&none, false, None)
        .expect("no prompt at all");
    assert_eq!(params_of(&lib, "none"), None);
    for item in lib.task_images("sref").expect("images") {
        lib.delete_image(item.image_id).expect("delete");
    }
    // The prompt index has a row for every task, with a prompt or not, as its check expects.
    assert!(lib.integrity_check().expect("check"));
}

#[test]
fn version_10_indexes_the_parameters_of_a_version_9_library() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prompts = [
        ("old-v7", Some("a red fox --ar 16:9 --v 7")),
        ("old-sref", Some("a castle --sref https://s.mj.run/abc")),
        ("old-words", Some("a fox named v 7")),
        ("old-none", None),
    ];
    {
        let mut conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        migrate_to(&mut conn, 9).expect("v9");
        for (i, (id, prompt)) in prompts.iter().enumerate() {
            let json =
                serde_json::to_string(&task(id, ProviderKind::Linkr, TaskKind::Imagine, "x", 1))
                    .expect("json");
            conn.execute(
                "INSERT INTO tasks (id, provider, kind, status, prompt, model, created_at, updated_at, demo, task_json)
                 VALUES (?1, 'linkr', '{\"type\":\"imagine\"}', 'succeeded', ?2, 'midjourney', ?3, ?3, 0, ?4)",
                params![id, prompt, at(i as i64).timestamp_millis(), json],
            )
            .expect("task");
            conn.execute(
                "INSERT INTO images (task_seq, slot, role, width, height, bytes, path, created_at,
                                     provider, model, aspect, prompt_key)
                 SELECT seq, 'grid', 'grid', 8, 8, 1, 'images/x.png', created_at, 'linkr',
                        'midjourney', '1:1', '' FROM tasks WHERE id = ?1",
                [id],
            )
            .expect("image");
        }
        // The version 9 index finds the old prompts by phrase.
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM prompts_fts WHERE prompts_fts MATCH '\"v 7\"'",
                [],
                |r| r.get(0),
            )
            .expect("v9 search");
        assert_eq!(n, 2);
    }
    let lib = Library::open(dir.path()).expect("upgrade");
    assert_eq!(schema_version(&lib), LATEST_VERSION);
    for (id, prompt) in prompts {
        assert_eq!(
            params_of(&lib, id),
            prompt.map(prompt_params),
            "{id}: the backfill is what an upsert writes"
        );
    }
    assert_eq!(found(&lib, "--v 7 "), ["old-v7"]);
    assert_eq!(found(&lib, "--ar 16:"), ["old-v7"]);
    assert_eq!(found(&lib, "--sref "), ["old-sref"]);
    assert_eq!(found(&lib, "fox --v"), ["old-v7"]);
    assert_eq!(
        found(&lib, "fox"),
        ["old-v7", "old-words"],
        "words as before"
    );
    assert_eq!(found(&lib, "v 7 "), ["old-v7", "old-words"]);
    assert_eq!(
        found_by(
            &lib,
            GalleryQuery {
                text: Some("--v 7".into()),
                aspect: Some("1:1".into()),
                ..Default::default()
            }
        ),
        ["old-v7"]
    );
    // New and changed tasks are indexed as before.
    grid_task(&lib, "new", ProviderKind::Journey, "a fox --v 7", 10);
    lib.upsert_task(
        &task(
            "old-words",
            ProviderKind::Linkr,
            TaskKind::Imagine,
            "a fox --v 7 --sref",
            1,
        ),
        false,
        None,
    )
    .expect("change");
    assert_eq!(found(&lib, "--v 7 "), ["new", "old-v7", "old-words"]);
    assert_eq!(found(&lib, "--sref "), ["old-sref", "old-words"]);
    assert!(lib.integrity_check().expect("check"));
    // The widened filter index replaced the old one.
    let columns: Vec<String> = lock(&lib.reader)
        .prepare("SELECT name FROM pragma_index_info('images_task_filters')")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("index columns");
    assert_eq!(
        columns,
        [
            "task_seq",
            "provider",
            "role",
            "favorite",
            "created_at",
            "model",
            "aspect",
            "has_children"
        ]
    );
}

/// Narrows a query with filters.
type Narrow = fn(&mut GalleryQuery);

#[test]
fn counting_a_prompt_search_reads_no_image_rows_whatever_the_filter() {
    let (_dir, lib) = open();
    fill_grids(&lib, 3000, |i| {
        if i % 500 == 0 {
            "rare fox --v 7"
        } else {
            "common fox --v 6"
        }
    });
    // Every filter keeps most images (none may look cheaper to walk than the matches).
    let filters: [(&str, Narrow); 8] = [
        ("none", |_| {}),
        ("provider", |q| q.provider = Some(ProviderKind::Linkr)),
        ("kind", |q| q.kind = Some(ImageKind::Grid)),
        ("favorites", |q| q.favorites_only = true),
        ("dates", |q| {
            q.from = Some(at(10));
            q.to = Some(at(2000));
        }),
        ("aspect", |q| q.aspect = Some("1:1".into())),
        ("has children", |q| q.has_children = true),
        ("everything", |q| {
            q.provider = Some(ProviderKind::Linkr);
            q.kind = Some(ImageKind::Grid);
            q.aspect = Some("1:1".into());
            q.has_children = true;
            q.favorites_only = true;
        }),
    ];
    lock(&lib.writer)
        .execute_batch("UPDATE images SET favorite = 1, has_children = 1; ANALYZE")
        .expect("mark all");
    for text in ["--v 7 ", "--v 6 ", "rare", "fox --v"] {
        for (label, narrow) in filters {
            let mut q = GalleryQuery {
                text: Some(text.into()),
                ..Default::default()
            };
            narrow(&mut q);
            let conn = lock(&lib.reader);
            let (sql, params, _) = count_query(&conn, &q, Some(10_000)).expect("sql");
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("explain")
                .query_map(params_from_iter(params), |r| r.get(3))
                .expect("plan")
                .collect::<Result<_, _>>()
                .expect("rows");
            let plan = plan.join("\n");
            // Each image is only looked at in an index, never read.
            assert!(
                plan.contains("SEARCH i USING COVERING INDEX"),
                "{text:?} {label}:\n{plan}"
            );
            assert!(
                !plan.contains("i USING INDEX") && !plan.contains("i USING INTEGER PRIMARY KEY"),
                "{text:?} {label}:\n{plan}"
            );
        }
    }
}
