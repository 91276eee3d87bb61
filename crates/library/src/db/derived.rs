//! Images the library makes from the ones it keeps: thumbnails, and the four singles cut
//! from a grid when the provider sent only the grid. Both decode images: heavy, so callers
//! in async code run them with `spawn_blocking`.

use super::Library;
use crate::cache::{is_safe_task_id, ImageSlot};
use crate::query::ImageKind;
use crate::thumbs::{make_thumbnail, split_grid, THUMBNAIL_SIDE};
use crate::{LibraryError, Result};
use std::path::{Path, PathBuf};

impl Library {
    /// Where the thumbnail of `slot` of `task_id` is kept: `<root>/thumbs/<task id>/<slot>.jpg`.
    pub fn thumbnail_path(&self, task_id: &str, slot: ImageSlot) -> Result<PathBuf> {
        if !is_safe_task_id(task_id) {
            return Err(LibraryError::InvalidInput(format!(
                "The task id {task_id:?} cannot name a folder."
            )));
        }
        Ok(self
            .thumbs_dir()
            .join(task_id)
            .join(format!("{}.jpg", slot.key())))
    }

    /// Makes the thumbnail of an image ([`THUMBNAIL_SIDE`] pixels, JPEG), records it and
    /// returns its path. Heavy: use `spawn_blocking`.
    pub fn create_thumbnail(&self, image_id: i64) -> Result<PathBuf> {
        let item = self
            .get_image(image_id)?
            .ok_or(LibraryError::ImageNotFound(image_id))?;
        let slot = ImageSlot::from_key(&item.slot).ok_or_else(|| {
            LibraryError::Database(format!(
                "image {image_id} has an unknown slot {:?}",
                item.slot
            ))
        })?;
        let dest = self.thumbnail_path(&item.task_id, slot)?;
        if slot.is_video() {
            // A video's thumbnail is its first frame, when the file holds one as a picture
            // (Motion-JPEG AVI); other videos have none (the gallery shows the video itself).
            let bytes = std::fs::read(&item.path)?;
            let poster = crate::avi_poster(&bytes).ok_or_else(|| {
                LibraryError::Image("This video has no first frame Atelier can read.".into())
            })?;
            let parent = dest.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(parent)?;
            let frame = parent.join(format!(".{}.poster.jpg", slot.key()));
            std::fs::write(&frame, poster)?;
            let made = make_thumbnail(&frame, &dest, THUMBNAIL_SIDE);
            let _ = std::fs::remove_file(&frame);
            made?;
        } else {
            make_thumbnail(Path::new(&item.path), &dest, THUMBNAIL_SIDE)?;
        }
        self.set_thumbnail(image_id, &dest)?;
        Ok(dest)
    }

    /// For a task that has a grid but no singles (LinkrAPI often sends only the grid): cuts
    /// the grid into its four quadrants next to it (`single-1.png`..`single-4.png`, lossless)
    /// and records them as the task's singles. Returns their image ids in quadrant order.
    /// Heavy: use `spawn_blocking`.
    pub fn split_task_grid(&self, task_id: &str) -> Result<Vec<i64>> {
        let grid = self
            .task_images(task_id)?
            .into_iter()
            .find(|i| i.kind == ImageKind::Grid)
            .ok_or_else(|| {
                LibraryError::InvalidInput(format!(
                    "The task {task_id} has no grid image to split."
                ))
            })?;
        let grid_path = PathBuf::from(&grid.path);
        let dir = grid_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.images_dir());
        let parts = split_grid(&grid_path, &dir)?;
        let mut ids = Vec::with_capacity(4);
        for (i, part) in parts.iter().enumerate() {
            let (w, h) =
                image::image_dimensions(part).map_err(|e| LibraryError::Image(e.to_string()))?;
            let bytes = std::fs::metadata(part)?.len();
            ids.push(self.add_image(task_id, ImageSlot::Single(i as u8 + 1), part, w, h, bytes)?);
        }
        Ok(ids)
    }
}
