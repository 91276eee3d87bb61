//! Tests of the workbench filters: model, aspect ratio, has children, parameter search, the
//! facets the toolbar offers, the version 7 backfill and the plans they use.

use super::*;

/// Stores a finished task `id` with one result image of `w` x `h`.
fn result_task(
    lib: &Library,
    id: &str,
    model: &str,
    prompt: &str,
    parent: Option<&str>,
    (w, h): (u32, u32),
    secs: i64,
) -> i64 {
    let mut t = task(id, ProviderKind::Journey, TaskKind::Imagine, prompt, secs);
    t.model = Some(model.into());
    t.parent_id = parent.map(str::to_string);
    lib.upsert_task(&t, false, None).expect("task");
    lib.add_image(
        id,
        ImageSlot::Result,
        Path::new(&format!("images/{id}/image.png")),
        w,
        h,
        10,
    )
    .expect("image")
}

fn ids_of(lib: &Library, q: GalleryQuery) -> Vec<String> {
    let mut ids: Vec<String> = lib
        .search(&q)
        .expect("search")
        .items
        .into_iter()
        .map(|i| i.task_id)
        .collect();
    ids.sort();
    let n = lib.count(&q).expect("count");
    assert_eq!(
        n as usize,
        ids.len(),
        "{q:?}: the count agrees with the page"
    );
    ids
}

#[test]
fn model_aspect_children_and_parameters_filter_the_gallery() {
    let (_dir, lib) = open();
    result_task(
        &lib,
        "wide",
        "midjourney",
        "a fox --ar 16:9 --seed 123 --v 7",
        None,
        (1456, 816),
        1,
    );
    result_task(
        &lib,
        "tall",
        "midjourney",
        "a fox --ar 9:16 --v 6.1",
        Some("wide"),
        (816, 1456),
        2,
    );
    result_task(
        &lib,
        "flux",
        "flux-pro",
        "a fox with 123 seed pods, v style 7",
        None,
        (1024, 1024),
        3,
    );
    result_task(
        &lib,
        "odd",
        "flux-pro",
        "a fox --ar 7:3",
        Some("tall"),
        (2100, 900),
        4,
    );
    let q = |f: fn(&mut GalleryQuery)| {
        let mut q = GalleryQuery::default();
        f(&mut q);
        q
    };
    assert_eq!(
        ids_of(&lib, q(|q| q.model = Some("flux-pro".into()))),
        ["flux", "odd"]
    );
    assert_eq!(
        ids_of(&lib, q(|q| q.aspect = Some("16:9".into()))),
        ["wide"]
    );
    assert_eq!(
        ids_of(&lib, q(|q| q.aspect = Some("9:16".into()))),
        ["tall"]
    );
    assert_eq!(ids_of(&lib, q(|q| q.aspect = Some("1:1".into()))), ["flux"]);
    assert_eq!(
        ids_of(&lib, q(|q| q.aspect = Some("21:9".into()))),
        ["odd"],
        "7:3 is 21:9"
    );
    assert_eq!(ids_of(&lib, q(|q| q.has_children = true)), ["tall", "wide"]);
    // Parameters are parameters: "--seed 123" and "--v 7", not a "seed", "v", "123" or "7"
    // anywhere in the prompt (more in `params.rs`).
    assert_eq!(
        ids_of(&lib, q(|q| q.text = Some("--seed 123".into()))),
        ["wide"]
    );
    assert_eq!(
        ids_of(&lib, q(|q| q.text = Some("--v 7 ".into()))),
        ["wide"]
    );
    assert_eq!(
        ids_of(&lib, q(|q| q.text = Some("--v 6".into()))),
        ["tall"],
        "a prefix while typing"
    );
    assert_eq!(
        ids_of(&lib, q(|q| q.text = Some("seed 123".into()))),
        ["flux", "wide"]
    );
    // Combined with each other and with a collection.
    let c = lib.create_collection("Foxes").expect("c");
    let all = lib.matching_ids(&GalleryQuery::default()).expect("ids");
    lib.add_to_collection(c.id, &all).expect("add");
    assert_eq!(
        ids_of(
            &lib,
            q(|q| {
                q.model = Some("midjourney".into());
                q.has_children = true;
                q.text = Some("--ar 9:16".into());
            })
        ),
        ["tall"]
    );
    let mut in_c = q(|q| q.model = Some("flux-pro".into()));
    in_c.collection = Some(c.id);
    assert_eq!(ids_of(&lib, in_c), ["flux", "odd"]);

    // A child stored before its parent marks the parent when it comes.
    result_task(
        &lib,
        "late-child",
        "midjourney",
        "a fox",
        Some("late-parent"),
        (8, 8),
        5,
    );
    result_task(&lib, "late-parent", "midjourney", "a fox", None, (8, 8), 6);
    assert_eq!(
        ids_of(
            &lib,
            q(|q| {
                q.has_children = true;
                q.text = Some("fox".into());
            })
        ),
        ["late-parent", "odd", "tall", "wide"]
            .map(String::from)
            .iter()
            .filter(|id| *id != "odd")
            .cloned()
            .collect::<Vec<_>>()
    );
    let facets = lib.gallery_facets().expect("facets");
    assert_eq!(facets.models, ["flux-pro", "midjourney"]);
    assert_eq!(
        facets.aspects,
        ["9:16", "1:1", "16:9", "21:9"],
        "narrowest first"
    );
}

#[test]
fn version_7_labels_old_images_as_new_ones_are_labelled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sizes = [
        (1456, 816),
        (816, 1456),
        (1024, 1024),
        (1232, 928),
        (896, 1344),
        (2048, 1024),
        (0, 0),
    ];
    {
        let mut conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        migrate_to(&mut conn, 6).expect("v6");
        for (i, (w, h)) in sizes.iter().enumerate() {
            let json = serde_json::to_string(&task(
                &format!("o{i}"),
                ProviderKind::Linkr,
                TaskKind::Imagine,
                "x",
                1,
            ))
            .expect("json");
            conn.execute(
                "INSERT INTO tasks (id, provider, kind, status, prompt, model, created_at, updated_at, demo, task_json)
                 VALUES (?1, 'linkr', '{\"type\":\"imagine\"}', 'succeeded', 'x', 'midjourney', 1, 1, 0, ?2)",
                params![format!("o{i}"), json],
            )
            .expect("task");
            conn.execute(
                "INSERT INTO images (task_seq, slot, role, width, height, bytes, path, created_at, provider)
                 SELECT seq, 'grid', 'grid', ?2, ?3, 1, 'images/x.png', 1, 'linkr' FROM tasks WHERE id = ?1",
                params![format!("o{i}"), w, h],
            )
            .expect("image");
        }
    }
    let old = Library::open(dir.path()).expect("upgrade");
    let (_d, new) = open();
    let label = |lib: &Library, id: &str| -> (Option<String>, Option<String>) {
        lock(&lib.reader)
            .query_row(
                "SELECT i.model, i.aspect FROM images i JOIN tasks t ON t.seq = i.task_seq WHERE t.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("row")
    };
    let want = ["16:9", "9:16", "1:1", "4:3", "2:3", "2:1"];
    for (i, (w, h)) in sizes.iter().enumerate() {
        let id = format!("o{i}");
        new.upsert_task(
            &task(&id, ProviderKind::Linkr, TaskKind::Imagine, "x", 1),
            false,
            None,
        )
        .expect("task");
        new.add_image(&id, ImageSlot::Grid, Path::new("images/x.png"), *w, *h, 1)
            .expect("image");
        let (model, aspect) = label(&old, &id);
        assert_eq!(
            model.as_deref(),
            Some("midjourney"),
            "the backfill copies the model"
        );
        assert_eq!(
            label(&new, &id).1,
            aspect,
            "{w}x{h}: the backfill labels as an insert does"
        );
        assert_eq!(aspect.as_deref(), want.get(i).copied(), "{w}x{h}");
    }
}

#[test]
fn a_rare_model_or_ratio_pages_its_own_index() {
    let (_dir, lib) = open();
    fill_grids(&lib, 50, |_| "fox");
    for (q, index) in [
        (
            GalleryQuery {
                model: Some("flux-pro".into()),
                ..Default::default()
            },
            "images_model_time",
        ),
        (
            GalleryQuery {
                aspect: Some("16:9".into()),
                ..Default::default()
            },
            "images_aspect_time",
        ),
    ] {
        let plan = page_plan(&lib, &q, None);
        let inner = plan.split("SCAN p").next().unwrap_or_default();
        assert!(inner.contains(index), "{plan}");
        assert!(!inner.contains("TEMP B-TREE"), "{plan}");
    }
}

#[test]
fn version_8_marks_the_parents_already_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let mut conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        migrate_to(&mut conn, 7).expect("v7");
        for (id, parent) in [("p", None), ("c", Some("p")), ("lonely", None)] {
            let json =
                serde_json::to_string(&task(id, ProviderKind::Linkr, TaskKind::Imagine, "x", 1))
                    .expect("json");
            conn.execute(
                "INSERT INTO tasks (id, provider, kind, parent_id, status, prompt, created_at, updated_at, demo, task_json)
                 VALUES (?1, 'linkr', '{\"type\":\"imagine\"}', ?2, 'succeeded', 'x', 1, 1, 0, ?3)",
                params![id, parent, json],
            )
            .expect("task");
            conn.execute(
                "INSERT INTO images (task_seq, slot, role, width, height, bytes, path, created_at, provider)
                 SELECT seq, 'grid', 'grid', 8, 8, 1, 'images/x.png', 1, 'linkr' FROM tasks WHERE id = ?1",
                [id],
            )
            .expect("image");
        }
    }
    let lib = Library::open(dir.path()).expect("upgrade");
    let q = GalleryQuery {
        has_children: true,
        ..Default::default()
    };
    assert_eq!(ids_of(&lib, q), ["p"]);
}

/// Every page of `q` (two images a page), following the cursors: the task ids in order.
fn all_pages(lib: &Library, mut q: GalleryQuery) -> Vec<String> {
    q.limit = Some(2);
    let mut out = Vec::new();
    loop {
        let page = lib.search(&q).expect("page");
        out.extend(page.items.iter().map(|i| i.task_id.clone()));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return out,
        }
    }
}

#[test]
fn by_prompt_pages_a_to_z_and_follows_a_changed_prompt() {
    let (_dir, lib) = open();
    for (id, prompt, secs) in [
        ("b", "Bright harbour --ar 16:9", 1),
        ("a2", "a fox in snow", 2),
        ("c", "castle at dawn", 3),
        ("a1", "A fox in snow", 4),
        ("none", "", 5),
    ] {
        result_task(&lib, id, "midjourney", prompt, None, (8, 8), secs);
    }
    let by_prompt = GalleryQuery {
        order: SortOrder::ByPrompt,
        ..Default::default()
    };
    // Case is ignored; equal keys keep the order they were stored in; no prompt first.
    assert_eq!(
        all_pages(&lib, by_prompt.clone()),
        ["none", "a2", "a1", "b", "c"]
    );
    let with_text = GalleryQuery {
        text: Some("fox".into()),
        ..by_prompt.clone()
    };
    assert_eq!(all_pages(&lib, with_text), ["a2", "a1"]);
    let c = lib.create_collection("Some").expect("c");
    let ids = lib.matching_ids(&GalleryQuery::default()).expect("ids");
    lib.add_to_collection(c.id, &ids).expect("add");
    let in_collection = GalleryQuery {
        collection: Some(c.id),
        ..by_prompt.clone()
    };
    assert_eq!(
        all_pages(&lib, in_collection),
        ["none", "a2", "a1", "b", "c"]
    );
    // A prompt that changes moves its images.
    let mut t = task(
        "c",
        ProviderKind::Journey,
        TaskKind::Imagine,
        "A castle at dawn",
        3,
    );
    t.model = Some("midjourney".into());
    lib.upsert_task(&t, false, None).expect("update");
    assert_eq!(
        all_pages(&lib, by_prompt.clone()),
        ["none", "c", "a2", "a1", "b"]
    );
    let plan = page_plan(&lib, &by_prompt, None);
    let inner = plan.split("SCAN p").next().unwrap_or_default();
    assert!(inner.contains("images_prompt_order"), "{plan}");
    assert!(!inner.contains("TEMP B-TREE"), "{plan}");
}

#[test]
fn a_by_prompt_page_goes_on_after_its_cursor_image_is_deleted() {
    let (_dir, lib) = open();
    for (id, prompt, secs) in [
        ("d", "dunes: 16:9 at noon", 1),
        ("a", "a fox", 2),
        ("c", "castle at dawn", 3),
        ("b", "bright harbour", 4),
    ] {
        result_task(&lib, id, "midjourney", prompt, None, (8, 8), secs);
    }
    let first = lib
        .search(&GalleryQuery {
            order: SortOrder::ByPrompt,
            limit: Some(2),
            ..Default::default()
        })
        .expect("first page");
    let shown: Vec<&str> = first.items.iter().map(|i| i.task_id.as_str()).collect();
    assert_eq!(shown, ["a", "b"]);
    // The person deletes the last image shown, then scrolls on.
    assert!(lib.delete_image(first.items[1].image_id).expect("delete"));
    let next = lib
        .search(&GalleryQuery {
            order: SortOrder::ByPrompt,
            limit: Some(2),
            cursor: first.next_cursor.clone(),
            ..Default::default()
        })
        .expect("next page");
    let rest: Vec<&str> = next.items.iter().map(|i| i.task_id.as_str()).collect();
    assert_eq!(rest, ["c", "d"], "the order goes on where it was");
    // A cursor made from an item (no key in it) still works while its image exists.
    let from_item = lib
        .search(&GalleryQuery {
            order: SortOrder::ByPrompt,
            cursor: Some(first.items[0].cursor()),
            ..Default::default()
        })
        .expect("from an item");
    let after_a: Vec<&str> = from_item.items.iter().map(|i| i.task_id.as_str()).collect();
    assert_eq!(after_a, ["c", "d"]);
}
