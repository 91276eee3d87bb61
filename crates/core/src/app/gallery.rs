//! The gallery's use-cases: search, the lightbox's detail, favorites, deleting, files.

use super::lane::LaneKind;
use super::{blocking, library_error, Atelier};
use crate::error::{AppError, ErrorCode};
use crate::gallery::{GalleryImage, GalleryResults, ImageDetail, COUNT_CAP};
use crate::lineage::{build_lineage, Lineage};
use atelier_library::{FavoriteTarget, GalleryFacets, GalleryQuery, LibraryError};
use std::path::PathBuf;

impl Atelier {
    /// A gallery query: once the queries have stopped for a while, the library gives back the
    /// file pages it mapped and its page caches (a scroll through a whole library maps most of
    /// the database file, which counted in the app's memory for as long as it stayed mapped).
    fn release_library_memory_when_quiet(&self) {
        let lib = self.inner.library.clone();
        self.inner.library_quiet.touch(async move {
            if let Err(e) = blocking(move || lib.release_memory()).await {
                tracing::warn!("the library could not give back its memory: {}", e.message);
            }
        });
    }

    /// One page of the gallery; a query's first page (no cursor) also says how many images
    /// match in all. Later pages are not counted again: the count is most of a page's cost
    /// and does not change between pages of one query.
    pub async fn gallery_search(&self, query: GalleryQuery) -> Result<GalleryResults, AppError> {
        self.release_library_memory_when_quiet();
        let lib = self.inner.library.clone();
        blocking(move || {
            let page = lib.search(&query)?;
            let (total, total_exact) = match query.cursor {
                None => {
                    let (n, exact) = lib.count_at_most(&query, COUNT_CAP)?;
                    (Some(n), exact)
                }
                Some(_) => (None, true),
            };
            Ok(GalleryResults {
                items: page.items.into_iter().map(GalleryImage::from).collect(),
                next_cursor: page.next_cursor,
                total,
                total_exact,
            })
        })
        .await
    }

    /// How many images match `query` exactly (its cursor and limit are ignored): asked after
    /// a first page whose count stopped at the cap.
    pub async fn gallery_count(&self, query: GalleryQuery) -> Result<u64, AppError> {
        self.release_library_memory_when_quiet();
        let lib = self.inner.library.clone();
        blocking(move || lib.count(&query)).await
    }

    /// The models and aspect ratios the gallery's filters can offer (those its images have).
    pub async fn gallery_facets(&self) -> Result<GalleryFacets, AppError> {
        let lib = self.inner.library.clone();
        blocking(move || lib.gallery_facets()).await
    }

    /// The lineage of an image's task: the whole tree it belongs to (see [`crate::lineage`]).
    pub async fn lineage(&self, image_id: i64) -> Result<Lineage, AppError> {
        let lib = self.inner.library.clone();
        blocking(move || {
            let item = lib
                .get_image(image_id)?
                .ok_or(LibraryError::ImageNotFound(image_id))?;
            build_lineage(&lib, &item.task_id)
        })
        .await
    }

    /// Everything the lightbox shows about one image: its task with buttons, lineage, siblings.
    pub async fn image_detail(&self, image_id: i64) -> Result<ImageDetail, AppError> {
        let lib = self.inner.library.clone();
        let (item, stored, parent, children, siblings, collections) = blocking(move || {
            let item = lib
                .get_image(image_id)?
                .ok_or(LibraryError::ImageNotFound(image_id))?;
            let stored = lib.get_task(&item.task_id)?;
            let first_image = |task_id: &str| -> Result<Option<GalleryImage>, LibraryError> {
                Ok(lib
                    .task_images(task_id)?
                    .into_iter()
                    .next()
                    .map(GalleryImage::from))
            };
            let parent = match lib.parent(&item.task_id)? {
                Some(p) => first_image(&p.task.id)?,
                None => None,
            };
            let mut children = Vec::new();
            for child in lib.children(&item.task_id)? {
                if let Some(img) = first_image(&child.task.id)? {
                    children.push(img);
                }
            }
            let siblings = lib
                .task_images(&item.task_id)?
                .into_iter()
                .map(GalleryImage::from)
                .collect();
            let collections = lib.image_collections(image_id)?;
            Ok((item, stored, parent, children, siblings, collections))
        })
        .await?;
        let task = stored.map(|s| {
            let lane = self.lane(LaneKind::from_demo(s.demo));
            let current = lane.engine.get(&s.task.id).unwrap_or(s.task);
            self.view(current, lane.kind)
        });
        Ok(ImageDetail {
            image: GalleryImage::from(item),
            task,
            parent,
            children,
            siblings,
            collections,
        })
    }

    /// Marks an image as a favorite, or not.
    pub async fn set_favorite(
        &self,
        image_id: i64,
        favorite: bool,
    ) -> Result<GalleryImage, AppError> {
        let lib = self.inner.library.clone();
        blocking(move || {
            lib.set_favorite(&FavoriteTarget::Image(image_id), favorite)?;
            let item = lib
                .get_image(image_id)?
                .ok_or(LibraryError::ImageNotFound(image_id))?;
            Ok(GalleryImage::from(item))
        })
        .await
    }

    /// Deletes an image: its row and its files (original and thumbnail).
    pub async fn delete_image(&self, image_id: i64) -> Result<(), AppError> {
        let lib = self.inner.library.clone();
        blocking(move || {
            if lib.delete_image(image_id)? {
                Ok(())
            } else {
                Err(LibraryError::ImageNotFound(image_id))
            }
        })
        .await
    }

    /// Where the original of an image is on disk (for save as, copy, show in folder).
    pub fn image_path(&self, image_id: i64) -> Result<PathBuf, AppError> {
        let item = self
            .inner
            .library
            .get_image(image_id)
            .map_err(library_error)?
            .ok_or_else(|| library_error(LibraryError::ImageNotFound(image_id)))?;
        Ok(PathBuf::from(item.path))
    }

    /// The file name the save dialog suggests for an image: `atelier-<id>-<original name>`.
    pub fn save_file_name(&self, image_id: i64) -> Result<String, AppError> {
        let source = self.image_path(image_id)?;
        Ok(source
            .file_name()
            .map(|n| format!("atelier-{image_id}-{}", n.to_string_lossy()))
            .unwrap_or_else(|| format!("atelier-{image_id}.png")))
    }

    /// Copies an image's original, byte for byte, to `dest` (chosen by the person in the
    /// save dialog); returns the path written.
    pub async fn save_image_to(&self, image_id: i64, dest: PathBuf) -> Result<String, AppError> {
        let source = self.image_path(image_id)?;
        tokio::fs::copy(&source, &dest).await.map_err(|e| {
            AppError::new(
                ErrorCode::Io,
                format!("The image could not be saved there ({e}). Choose another folder."),
            )
        })?;
        Ok(dest.to_string_lossy().into_owned())
    }

    /// An image's pixels for the clipboard (decoded off the async threads).
    pub async fn clipboard_image(&self, image_id: i64) -> Result<ClipboardImage, AppError> {
        let path = self.image_path(image_id)?;
        let rgba = tokio::task::spawn_blocking(move || image::open(&path).map(|i| i.to_rgba8()))
            .await
            .map_err(|e| AppError::internal(e.to_string()))?
            .map_err(|e| {
                AppError::new(ErrorCode::Io, format!("The image could not be read ({e})."))
            })?;
        let (width, height) = rgba.dimensions();
        Ok(ClipboardImage {
            rgba: rgba.into_raw(),
            width,
            height,
        })
    }
}

/// Decoded pixels of an image, ready for the system clipboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipboardImage {
    /// RGBA bytes, row by row.
    pub rgba: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}
