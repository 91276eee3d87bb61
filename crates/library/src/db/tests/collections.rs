//! Tests of collections: naming rules, membership, counts, the gallery filter with its plan,
//! bulk favorites and deletes, and everything read back after the library is reopened.

use super::*;

#[test]
fn collections_are_named_counted_renamed_and_deleted_without_their_images() {
    let (dir, lib) = open();
    let a = grid_task(&lib, "a", ProviderKind::Linkr, "red fox", 0);
    let b = grid_task(&lib, "b", ProviderKind::Journey, "blue fox", 10);

    let mood = lib.create_collection("  Mood   board ").expect("create");
    assert_eq!(mood.name, "Mood board");
    assert_eq!(mood.count, 0);
    for bad in ["", "   ", "\u{7}bell", &"x".repeat(MAX_COLLECTION_NAME + 1)] {
        let r = lib.create_collection(bad);
        assert!(
            matches!(r, Err(LibraryError::InvalidInput(_))),
            "{bad:?}: {r:?}"
        );
    }
    let r = lib.create_collection("MOOD BOARD");
    match r {
        Err(LibraryError::InvalidInput(m)) => assert!(m.contains("already"), "{m}"),
        other => panic!("a taken name (other case) must be refused: {other:?}"),
    }
    let client = lib.create_collection("client").expect("second");

    // add: duplicates and unknown ids are passed over; an image may be in several
    assert_eq!(lib.add_to_collection(mood.id, &a).expect("add"), 5);
    assert_eq!(
        lib.add_to_collection(mood.id, &[a[0], b[0], 999_999])
            .expect("again"),
        1
    );
    assert_eq!(
        lib.add_to_collection(client.id, &[a[0]]).expect("client"),
        1
    );
    assert_eq!(
        lib.image_collections(a[0]).expect("of a0"),
        vec![mood.id, client.id]
    );
    let r = lib.add_to_collection(12_345, &[a[0]]);
    assert!(
        matches!(r, Err(LibraryError::CollectionNotFound(12_345))),
        "{r:?}"
    );

    // listed by name, case ignored, with counts
    let names: Vec<(String, u64)> = lib
        .collections()
        .expect("list")
        .into_iter()
        .map(|c| (c.name, c.count))
        .collect();
    assert_eq!(names, vec![("client".into(), 1), ("Mood board".into(), 6)]);

    // rename: same rules, a taken name refused, the old name free again
    let r = lib.rename_collection(client.id, "mood BOARD");
    assert!(matches!(r, Err(LibraryError::InvalidInput(_))), "{r:?}");
    let renamed = lib
        .rename_collection(client.id, "For the client")
        .expect("rename");
    assert_eq!(
        (renamed.name.as_str(), renamed.count),
        ("For the client", 1)
    );
    assert!(matches!(
        lib.rename_collection(777, "x"),
        Err(LibraryError::CollectionNotFound(777))
    ));

    // remove some, delete an image (it leaves every collection), delete a collection
    assert_eq!(
        lib.remove_from_collection(mood.id, &[a[1], a[2], b[1]])
            .expect("remove"),
        2
    );
    assert!(lib.delete_image(a[0]).expect("delete image"));
    assert_eq!(lib.collection(mood.id).expect("mood").count, 3);
    assert_eq!(lib.collection(client.id).expect("client").count, 0);
    assert!(lib.delete_collection(client.id).expect("delete"));
    assert!(!lib.delete_collection(client.id).expect("gone"));
    assert_eq!(
        count_rows(&lib, "images"),
        9,
        "images outlive their collection"
    );

    // everything is read back after a reopen
    drop(lib);
    let lib = Library::open(dir.path()).expect("reopen");
    let list = lib.collections().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].name.as_str(), list[0].count), ("Mood board", 3));
    assert_eq!(lib.image_collections(b[0]).expect("b0"), vec![mood.id]);
}

#[test]
fn a_collection_filters_the_gallery_with_search_and_filters_in_order() {
    let (_dir, lib) = open();
    let mut ids = Vec::new();
    for i in 0..30i64 {
        let prompt = if i % 2 == 0 { "even fox" } else { "odd owl" };
        let provider = if i % 3 == 0 {
            ProviderKind::Journey
        } else {
            ProviderKind::Linkr
        };
        ids.push(grid_task(&lib, &format!("t{i}"), provider, prompt, i * 10));
    }
    let c = lib.create_collection("picked").expect("create");
    // the grid of every task and the first single of every third
    let mut members: Vec<i64> = ids.iter().map(|t| t[0]).collect();
    members.extend(ids.iter().step_by(3).map(|t| t[1]));
    assert_eq!(lib.add_to_collection(c.id, &members).expect("add"), 40);

    let in_c = GalleryQuery {
        collection: Some(c.id),
        limit: Some(7),
        ..Default::default()
    };
    let got = all_pages(&lib, in_c.clone());
    let got_ids: Vec<i64> = got.iter().map(|i| i.image_id).collect();
    let mut want = members.clone();
    // newest first: by creation time, then id
    want.sort_by_key(|id| {
        let item = lib.get_image(*id).expect("get").expect("there");
        std::cmp::Reverse((item.created_at, item.image_id))
    });
    assert_eq!(
        got_ids, want,
        "every member once, in gallery order, across pages"
    );
    assert_eq!(lib.count(&in_c).expect("count"), 40);

    let oldest = all_pages(
        &lib,
        GalleryQuery {
            order: SortOrder::OldestFirst,
            ..in_c.clone()
        },
    );
    want.reverse();
    assert_eq!(oldest.iter().map(|i| i.image_id).collect::<Vec<_>>(), want);

    // combined with text, provider and kind
    let combined = GalleryQuery {
        text: Some("fox".into()),
        provider: Some(ProviderKind::Journey),
        kind: Some(ImageKind::Single),
        ..in_c.clone()
    };
    let got = all_pages(&lib, combined.clone());
    // tasks 0, 6, 12, 18, 24 are even, Journey, and have their first single in the collection
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(got.iter().all(|i| i.kind == ImageKind::Single
        && i.provider == ProviderKind::Journey
        && i.prompt.as_deref() == Some("even fox")));
    assert_eq!(lib.count(&combined).expect("count"), 5);
    assert_eq!(lib.count_at_most(&combined, 3).expect("capped"), (3, false));
    let mut matched = lib.matching_ids(&combined).expect("ids");
    matched.sort_unstable();
    let mut page_ids: Vec<i64> = got.iter().map(|i| i.image_id).collect();
    page_ids.sort_unstable();
    assert_eq!(
        matched, page_ids,
        "select-all acts on exactly what the pages show"
    );

    // an unknown collection is simply empty
    let none = GalleryQuery {
        collection: Some(987),
        ..Default::default()
    };
    assert!(lib.search(&none).expect("search").items.is_empty());
    assert_eq!(lib.count(&none).expect("count"), 0);
}

#[test]
fn a_collection_page_walks_its_member_index_without_sorting() {
    let (_dir, lib) = open();
    let c = lib.create_collection("big").expect("create");
    fill_grids(&lib, 2000, |_| "fox");
    let all = lib.matching_ids(&GalleryQuery::default()).expect("all");
    assert_eq!(all.len(), 2000);
    lib.add_to_collection(c.id, &all).expect("add");
    lock(&lib.writer).execute_batch("ANALYZE").expect("analyze"); // with the members counted
    for q in [
        GalleryQuery {
            collection: Some(c.id),
            ..Default::default()
        },
        GalleryQuery {
            collection: Some(c.id),
            text: Some("fox".into()),
            favorites_only: true,
            ..Default::default()
        },
    ] {
        let plan = page_plan(&lib, &q, None);
        let inner = plan.split("SCAN p").next().unwrap_or_default();
        assert!(inner.contains("collection_members_time"), "{plan}");
        assert!(!inner.contains("TEMP B-TREE"), "{plan}");
    }
}

#[test]
fn many_images_are_favorited_and_deleted_at_once() {
    let (dir, lib) = open();
    let a = grid_task(&lib, "a", ProviderKind::Linkr, "fox", 0);
    let b = grid_task(&lib, "b", ProviderKind::Linkr, "owl", 1);
    let c = lib.create_collection("keep").expect("create");
    lib.add_to_collection(c.id, &b).expect("add");

    let mut both = a.clone();
    both.extend(&b);
    assert_eq!(lib.set_favorite_images(&both, true).expect("fav"), 10);
    assert_eq!(
        lib.set_favorite_images(&both, true).expect("again"),
        0,
        "already favorites are not rewritten"
    );
    assert_eq!(lib.set_favorite_images(&a[..2], false).expect("unfav"), 2);
    let favs = GalleryQuery {
        favorites_only: true,
        ..Default::default()
    };
    assert_eq!(lib.count(&favs).expect("count"), 8);

    // files of deleted images go too; an unknown id is passed over
    for id in &b {
        let item = lib.get_image(*id).expect("get").expect("there");
        std::fs::create_dir_all(Path::new(&item.path).parent().expect("dir")).expect("mkdir");
        std::fs::write(&item.path, b"png").expect("write");
    }
    assert_eq!(
        lib.delete_images(&[b[0], b[1], b[2], 424_242])
            .expect("delete"),
        3
    );
    assert_eq!(lib.collection(c.id).expect("keep").count, 2);
    let first = lib.get_image(b[3]).expect("get").expect("there");
    assert!(Path::new(&first.path).exists());
    assert!(!dir.path().join("images/b/grid.png").exists());
}
