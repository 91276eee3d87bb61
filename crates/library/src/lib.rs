//! Atelier's local archive of everything a person made.
//!
//! Provider image links expire (Discord CDN links within about a day), so every result is
//! downloaded into the library folder as soon as its task succeeds. This crate owns that
//! folder:
//!
//! - [`ImageCache`] fetches originals (never re-encoded), checks that they are what they claim
//!   to be, and stores them under a stable path per task (`<root>/images/<task id>/...`).
//! - [`Library`] is the gallery database (`<root>/atelier.db`, SQLite with WAL and an FTS5
//!   index over prompts): every task the moment the provider returns its id, every image
//!   with its size and thumbnail, lineage (parent/child tasks), favorites, and fast
//!   newest-first paging with filters and as-you-type prompt search.
//! - [`make_thumbnail`] and [`split_grid`] derive small JPEG thumbnails and the four
//!   quadrants of a 2x2 grid, with bounded decoding so a hostile file cannot exhaust memory.
//!
//! Folder layout under the library root:
//!
//! ```text
//! <root>/atelier.db              the gallery database (plus -wal / -shm while open)
//! <root>/images/<task id>/       originals: grid.png, single-1.png .. single-4.png, image.png
//! <root>/thumbs/<task id>/       thumbnails: grid.jpg, single-1.jpg .. image.jpg
//! ```
//!
//! Nothing here knows about Tauri; every call is synchronous and short except the image
//! functions, which callers in async code should run with `tokio::task::spawn_blocking`.

#![warn(missing_docs)]

mod cache;
mod check;
mod db;
pub mod migrations;
mod query;
mod thumbs;
mod video;

pub use cache::{is_safe_task_id, CachedImage, ImageCache, ImageSlot, MAX_VIDEOS};
pub use check::{
    check_image_bytes, check_source_url, ip_allowed, is_loopback_base_url, ImageCheckError,
    MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE,
};
pub use db::{
    Batch, Collection, FavoriteTarget, GalleryFacets, GroupMember, GroupPlace, Library, NewGroup,
    QueueRow, StoredGroup, StoredTask, DB_FILE, MAX_COLLECTION_NAME,
};
pub use query::{
    GalleryItem, GalleryPage, GalleryQuery, ImageKind, SortOrder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
};
pub use thumbs::{make_thumbnail, split_grid, MAX_DECODE_ALLOC, THUMBNAIL_SIDE};
pub use video::{avi_poster, check_video_bytes, VideoInfo, MAX_VIDEO_BYTES};

/// Everything that can go wrong in the library, as a sentence a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The image failed a safety check (scheme, size, format); nothing was written.
    #[error(transparent)]
    Rejected(#[from] ImageCheckError),
    /// The image server could not be reached or answered with an error.
    #[error("The image could not be downloaded ({0}). It will be tried again.")]
    Download(String),
    /// The library folder could not be written.
    #[error("The image could not be saved in the library folder ({0}). Check that the disk is not full and the folder is writable.")]
    Io(#[from] std::io::Error),
    /// The gallery database could not be read or written.
    #[error("The gallery database could not be read or written ({0}). Restart Atelier; if it keeps happening, check that the library folder is writable.")]
    Database(String),
    /// The database was written by a newer Atelier than this one.
    #[error("The library was written by a newer version of Atelier (schema version {found}, this version knows {known}). Update Atelier to open it.")]
    NewerDatabase {
        /// The schema version found in the file.
        found: u32,
        /// The newest schema version this build knows.
        known: u32,
    },
    /// No task with this id is in the library.
    #[error("The task {0} is not in the library.")]
    TaskNotFound(String),
    /// No image with this id is in the library.
    #[error("The image {0} is not in the library.")]
    ImageNotFound(i64),
    /// No collection with this id is in the library.
    #[error("That collection is not in the library any more (it may have been deleted).")]
    CollectionNotFound(i64),
    /// A file path points outside the library folder.
    #[error("The file {0} is outside the library folder, so it was not recorded.")]
    OutsideLibrary(String),
    /// A request to the library was not valid.
    #[error("{0}")]
    InvalidInput(String),
    /// An image could not be decoded or encoded.
    #[error("The image could not be read or written ({0}).")]
    Image(String),
    /// An image is too large to decode within the memory limits.
    #[error("The image is too large to open safely, so no preview was made.")]
    ImageTooLarge,
}

impl From<rusqlite::Error> for LibraryError {
    fn from(e: rusqlite::Error) -> Self {
        LibraryError::Database(e.to_string())
    }
}

/// The result type of this crate.
pub type Result<T, E = LibraryError> = std::result::Result<T, E>;
