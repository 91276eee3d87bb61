//! The gallery as the UI sees it: library rows plus the asset URLs the webview may load.

use crate::media::asset_url;
use crate::view::TaskView;
use atelier_library::GalleryItem;
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

/// One gallery image with the addresses the webview may load.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GalleryImage {
    /// The image as the library stores it.
    pub item: GalleryItem,
    /// Asset URL of the original.
    pub src: String,
    /// Asset URL of the thumbnail (or of the original when there is none yet).
    pub thumb_src: String,
}

impl From<GalleryItem> for GalleryImage {
    fn from(item: GalleryItem) -> Self {
        let src = asset_url(Path::new(&item.path));
        let thumb_src = item
            .thumb_path
            .as_deref()
            .map(|p| asset_url(Path::new(p)))
            .unwrap_or_else(|| src.clone());
        GalleryImage {
            item,
            src,
            thumb_src,
        }
    }
}

/// The most images a prompt search's first page counts (see [`GalleryResults::total_exact`]).
pub const COUNT_CAP: u64 = 10_000;

/// One page of gallery results.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GalleryResults {
    /// The images, in the query's order.
    pub items: Vec<GalleryImage>,
    /// Pass this back as `cursor` for the next page; none on the last page.
    pub next_cursor: Option<String>,
    /// How many images match the query in all: counted on a query's first page only (no
    /// cursor), since counting is most of a page's cost; a later page of the same query
    /// carries none and the first page's total holds.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
    /// False when `total` is a floor: a broad prompt search stops counting at
    /// [`COUNT_CAP`] images to keep the first page fast; `gallery_count` gives the exact
    /// number afterwards.
    pub total_exact: bool,
}

/// Everything the lightbox shows about one image.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ImageDetail {
    /// The image itself.
    pub image: GalleryImage,
    /// The task as stored, with its actions.
    pub task: Option<TaskView>,
    /// The first image of the parent task, when known.
    pub parent: Option<GalleryImage>,
    /// The first image of each child task.
    pub children: Vec<GalleryImage>,
    /// All images of the same task (e.g. the grid and its four singles).
    pub siblings: Vec<GalleryImage>,
    /// The ids of the collections the image is in.
    #[ts(type = "number[]")]
    pub collections: Vec<i64>,
}
