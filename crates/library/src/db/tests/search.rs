//! Tests of gallery queries: prompt search, filters, keyset paging and query plans.

use super::*;

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
            ..all.clone()
        }),
        0
    );

    // A capped count: exact up to the cap; past it, the cap and "not exact". Without text it
    // is always exact.
    let clouds = GalleryQuery {
        text: Some("clouds".into()),
        ..all.clone()
    };
    let exact = lib.count(&clouds).expect("count");
    assert!(exact > 2, "{exact}");
    assert_eq!(
        lib.count_at_most(&clouds, exact).expect("at cap"),
        (exact, true)
    );
    assert_eq!(
        lib.count_at_most(&clouds, 100).expect("under"),
        (exact, true)
    );
    assert_eq!(lib.count_at_most(&clouds, 2).expect("over"), (2, false));
    assert_eq!(lib.count_at_most(&all, 2).expect("no text"), (11, true));
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
fn query_plans_use_the_indexes() {
    let (_dir, lib) = open();
    fill_grids(&lib, 3000, |i| {
        if i % 500 == 0 {
            "rare common"
        } else {
            "common"
        }
    });
    let plan = |q: GalleryQuery| -> String {
        let cursor = Some(Cursor {
            created_at: at(1500).timestamp_millis(),
            id: 1500,
            key: None,
        });
        page_plan(&lib, &q, cursor)
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
