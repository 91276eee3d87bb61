//! Drag out: the files a drag of gallery images hands to the file manager or another app.
//!
//! The originals are handed over byte for byte, under the readable names an export gives
//! them (`<date>_<prompt words>_<task id>_<n>.png`): each is a hard link to the library's file
//! in `<library>/drag-out/` (no copy, no extra space), made afresh for every drag. Where the
//! file system has no hard links (a FAT stick), the library's own file is handed over.

use super::{library_error, Atelier};
use crate::error::{AppError, ErrorCode};
use crate::selection::{resolve, Selection};
use atelier_transfer::NameBook;
use std::path::{Path, PathBuf};

/// The most images one drag carries: more is an export's job (file managers copy a drop in
/// one go, with no progress or cancel of ours).
pub const DRAG_OUT_MAX_IMAGES: usize = 500;

/// The folder, inside the library, that holds the current drag's named links.
const DRAG_OUT_DIR: &str = "drag-out";

/// The longest side of the picture that follows the pointer during a drag.
const DRAG_ICON_SIDE: u32 = 96;

/// What a drag out carries: the files, and the picture shown under the pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DragOutFiles {
    /// Absolute paths of the originals, under readable names, in the selection's order.
    pub files: Vec<PathBuf>,
    /// A small PNG of the first image (from its thumbnail) for the drag's icon; `None` when
    /// it cannot be read (the system's own drag icon is shown then).
    pub icon: Option<Vec<u8>>,
}

impl Atelier {
    /// The files for dragging `selection` out of the window (at most
    /// [`DRAG_OUT_MAX_IMAGES`]); images whose original is gone are left out.
    pub async fn drag_out_files(&self, selection: Selection) -> Result<DragOutFiles, AppError> {
        let lib = self.inner.library.clone();
        let staged = tokio::task::spawn_blocking(move || -> Result<DragOutFiles, AppError> {
            let ids = resolve(&selection, |q| lib.matching_ids(q)).map_err(library_error)?;
            if ids.len() > DRAG_OUT_MAX_IMAGES {
                return Err(AppError::invalid(format!(
                    "{} images are too many to drag at once (at most {DRAG_OUT_MAX_IMAGES}). \
                     Export them instead (E).",
                    ids.len()
                )));
            }
            let dir = lib.root().join(DRAG_OUT_DIR);
            fresh_dir(&dir).map_err(|e| {
                AppError::new(
                    ErrorCode::Io,
                    format!("The images could not be made ready to drag ({e})."),
                )
            })?;
            let mut names = NameBook::default();
            let mut files = Vec::with_capacity(ids.len());
            let mut icon = None;
            for id in ids {
                let Some(item) = lib.get_image(id).map_err(library_error)? else {
                    continue;
                };
                let original = PathBuf::from(&item.path);
                if !original.is_file() {
                    continue;
                }
                let ext = original
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("png")
                    .to_ascii_lowercase();
                let name = names.item_name(&item, &ext);
                if icon.is_none() {
                    icon = Some(
                        item.thumb_path
                            .as_deref()
                            .map(PathBuf::from)
                            .filter(|t| t.is_file())
                            .unwrap_or_else(|| original.clone()),
                    );
                }
                files.push(named_link(&dir.join(name), &original));
            }
            match icon {
                Some(picture) => Ok(DragOutFiles {
                    files,
                    icon: drag_icon(&picture),
                }),
                None => Err(AppError::invalid(
                    "These images' files are gone from the library, so there is nothing to drag.",
                )),
            }
        })
        .await
        .map_err(|e| AppError::internal(format!("The drag could not start ({e}).")))?;
        staged
    }
}

/// A PNG of `picture` at most [`DRAG_ICON_SIDE`] pixels on its longest side.
fn drag_icon(picture: &Path) -> Option<Vec<u8>> {
    let image = image::open(picture).ok()?;
    let small = image.thumbnail(DRAG_ICON_SIDE, DRAG_ICON_SIDE);
    let mut png = std::io::Cursor::new(Vec::new());
    small.write_to(&mut png, image::ImageFormat::Png).ok()?;
    Some(png.into_inner())
}

/// Empties `dir` (the previous drag's links) or creates it.
fn fresh_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::create_dir_all(dir)
}

/// A hard link at `link` to `original`, absolute; the original itself where no link can be
/// made.
fn named_link(link: &Path, original: &Path) -> PathBuf {
    let original = std::fs::canonicalize(original).unwrap_or_else(|_| original.to_path_buf());
    match std::fs::hard_link(&original, link) {
        Ok(()) => std::fs::canonicalize(link).unwrap_or_else(|_| link.to_path_buf()),
        Err(_) => original,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_link_is_the_same_bytes_and_falls_back_to_the_original() {
        let dir = tempfile::tempdir().expect("tempdir");
        let original = dir.path().join("abc_1.png");
        std::fs::write(&original, b"\x89PNG original bytes").expect("write");
        let link = named_link(&dir.path().join("2026-12-04_red-fox_abc_1.png"), &original);
        assert!(link.ends_with("2026-12-04_red-fox_abc_1.png"));
        assert_eq!(
            std::fs::read(&link).expect("read"),
            b"\x89PNG original bytes"
        );
        // A link that cannot be made (its folder is missing): the original is handed over.
        let fallback = named_link(&dir.path().join("missing/x.png"), &original);
        assert_eq!(fallback, std::fs::canonicalize(&original).expect("canon"));
    }

    #[test]
    fn a_fresh_dir_forgets_the_previous_drag() {
        let dir = tempfile::tempdir().expect("tempdir");
        let drag = dir.path().join("drag-out");
        fresh_dir(&drag).expect("create");
        std::fs::write(drag.join("old.png"), b"x").expect("write");
        fresh_dir(&drag).expect("again");
        assert_eq!(std::fs::read_dir(&drag).expect("list").count(), 0);
    }
}
