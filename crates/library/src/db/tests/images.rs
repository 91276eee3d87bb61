//! Tests of image rows and files: recording, favorites, deletion, thumbnails and grid splits.

use super::*;

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
