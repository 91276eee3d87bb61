//! Image rows: recording an image file of a task (with its role: grid, single or upscale),
//! its thumbnail and its favorite flag, reading a task's images back, and deleting an image
//! with its files.

use super::rows::{absolute_path, gallery_item, json_error, relative_path, ITEM_COLUMNS};
use super::tasks::task_exists;
use super::{lock, write_transaction, Library};
use crate::cache::ImageSlot;
use crate::query::{GalleryItem, ImageKind};
use crate::{LibraryError, Result};
use atelier_providers::TaskKind;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// What [`Library::set_favorite`] marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FavoriteTarget {
    /// One image.
    Image(i64),
    /// Every image of a task.
    Task(String),
}

/// Grid, single or upscale, from the slot and what made the task.
fn image_kind(slot: ImageSlot, kind: &TaskKind) -> ImageKind {
    match slot {
        ImageSlot::Grid => ImageKind::Grid,
        ImageSlot::Single(_) => ImageKind::Single,
        ImageSlot::Result => match kind {
            TaskKind::Upscale { .. }
            | TaskKind::UpscaleSubtle
            | TaskKind::UpscaleCreative
            | TaskKind::Upscale2x
            | TaskKind::Upscale4x => ImageKind::Upscale,
            _ => ImageKind::Single,
        },
        ImageSlot::Video(_) => ImageKind::Video,
    }
}

/// [`Library::add_image`] on a connection (or a [`super::Batch`]'s transaction).
#[allow(clippy::too_many_arguments)]
pub(super) fn add_image_on(
    conn: &Connection,
    root: &Path,
    task_id: &str,
    slot: ImageSlot,
    path: &Path,
    width: u32,
    height: u32,
    bytes: u64,
) -> Result<i64> {
    if let ImageSlot::Single(n) = slot {
        if !(1..=4).contains(&n) {
            return Err(LibraryError::InvalidInput(format!(
                "Single images are numbered 1 to 4, not {n}."
            )));
        }
    }
    if let ImageSlot::Video(n) = slot {
        if !(1..=crate::MAX_VIDEOS).contains(&n) {
            return Err(LibraryError::InvalidInput(format!(
                "Videos are numbered 1 to {}, not {n}.",
                crate::MAX_VIDEOS
            )));
        }
    }
    let rel = relative_path(root, path)?;
    let kind: String = conn
        .prepare_cached("SELECT kind FROM tasks WHERE id = ?1")?
        .query_row([task_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| LibraryError::TaskNotFound(task_id.to_string()))?;
    let kind: TaskKind = serde_json::from_str(&kind).map_err(json_error)?;
    let role = image_kind(slot, &kind);
    let id = conn
        .prepare_cached(concat!(
            "INSERT INTO images (task_seq, slot, role, width, height, bytes, path, created_at, provider, demo, model, has_children, prompt_key, aspect)
             SELECT t.seq, ?2, ?3, ?4, ?5, ?6, ?7, t.created_at, t.provider, t.demo, t.model, t.has_children, ",
            crate::migrations::prompt_key_sql!("t.prompt"),
            ", ",
            crate::migrations::aspect_sql!("?4", "?5"),
            " FROM tasks t WHERE t.id = ?1
             ON CONFLICT (task_seq, slot) DO UPDATE SET
                role = excluded.role,
                width = excluded.width,
                height = excluded.height,
                model = excluded.model,
                has_children = excluded.has_children,
                aspect = excluded.aspect,
                bytes = excluded.bytes,
                thumb_path = CASE WHEN images.path = excluded.path THEN images.thumb_path END,
                path = excluded.path
             RETURNING id",
        ))?
        .query_row(
            params![
                task_id,
                slot.key(),
                role.as_str(),
                i64::from(width),
                i64::from(height),
                i64::try_from(bytes).unwrap_or(i64::MAX),
                rel
            ],
            |r| r.get(0),
        )?;
    Ok(id)
}

/// [`Library::set_thumbnail`] on a connection.
pub(super) fn set_thumbnail_on(
    conn: &Connection,
    root: &Path,
    image_id: i64,
    thumb_path: &Path,
) -> Result<()> {
    let rel = relative_path(root, thumb_path)?;
    let n = conn
        .prepare_cached("UPDATE images SET thumb_path = ?2 WHERE id = ?1")?
        .execute(params![image_id, rel])?;
    if n == 0 {
        return Err(LibraryError::ImageNotFound(image_id));
    }
    Ok(())
}

/// [`Library::set_favorite`] on a connection.
pub(super) fn set_favorite_on(
    conn: &Connection,
    target: &FavoriteTarget,
    favorite: bool,
) -> Result<usize> {
    match target {
        FavoriteTarget::Image(id) => {
            let n = conn
                .prepare_cached("UPDATE images SET favorite = ?2 WHERE id = ?1")?
                .execute(params![id, favorite])?;
            if n == 0 {
                return Err(LibraryError::ImageNotFound(*id));
            }
            Ok(n)
        }
        FavoriteTarget::Task(task_id) => {
            let n = conn
                .prepare_cached(
                    "UPDATE images SET favorite = ?2 WHERE task_seq = (SELECT seq FROM tasks WHERE id = ?1)",
                )?
                .execute(params![task_id, favorite])?;
            if n == 0 && !task_exists(conn, task_id)? {
                return Err(LibraryError::TaskNotFound(task_id.clone()));
            }
            Ok(n)
        }
    }
}

/// The relative paths of an image's original and thumbnail.
fn image_files(conn: &Connection, image_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT path, thumb_path FROM images WHERE id = ?1")?;
    let rows = stmt.query_map([image_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (path, thumb) = row?;
        out.push(path);
        out.extend(thumb);
    }
    Ok(out)
}

impl Library {
    /// Records an image file of a stored task (`path` absolute inside the library root, or
    /// relative to it) and returns its id. Adding the same slot again updates that row (the
    /// thumbnail is forgotten if the file changed). Grids are "grid", singles "single",
    /// results of upscale tasks "upscale" in [`ImageKind`].
    pub fn add_image(
        &self,
        task_id: &str,
        slot: ImageSlot,
        path: &Path,
        width: u32,
        height: u32,
        bytes: u64,
    ) -> Result<i64> {
        add_image_on(
            &lock(&self.writer),
            &self.root,
            task_id,
            slot,
            path,
            width,
            height,
            bytes,
        )
    }

    /// Records the thumbnail file of an image (absolute inside the library root, or relative).
    pub fn set_thumbnail(&self, image_id: i64, thumb_path: &Path) -> Result<()> {
        set_thumbnail_on(&lock(&self.writer), &self.root, image_id, thumb_path)
    }

    /// One image with its task's details.
    pub fn get_image(&self, image_id: i64) -> Result<Option<GalleryItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM images i JOIN tasks t ON t.seq = i.task_seq WHERE i.id = ?1"
        );
        let conn = lock(&self.reader);
        let item = conn
            .prepare_cached(&sql)?
            .query_row([image_id], |r| gallery_item(&self.root, r))
            .optional()?;
        Ok(item)
    }

    /// Every image of a task, grid first, then singles 1..4, then the result.
    pub fn task_images(&self, task_id: &str) -> Result<Vec<GalleryItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM tasks t JOIN images i ON i.task_seq = t.seq WHERE t.id = ?1
             ORDER BY CASE i.slot WHEN 'grid' THEN 0 WHEN 'result' THEN 2 ELSE 1 END, i.slot"
        );
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(&sql)?;
        let items = stmt
            .query_map([task_id], |r| gallery_item(&self.root, r))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(items)
    }

    /// Marks an image, or every image of a task, as a favorite or not; returns how many
    /// images it touched.
    pub fn set_favorite(&self, target: &FavoriteTarget, favorite: bool) -> Result<usize> {
        set_favorite_on(&lock(&self.writer), target, favorite)
    }

    /// Marks many images as favorites, or not, in one transaction; ids no longer in the
    /// library are passed over. Returns how many images it touched. (Callers acting on a
    /// large selection pass it in chunks, to show progress and allow a cancel in between.)
    pub fn set_favorite_images(&self, image_ids: &[i64], favorite: bool) -> Result<usize> {
        let mut conn = lock(&self.writer);
        let tx = write_transaction(&mut conn)?;
        let mut n = 0;
        {
            // Only rows that change: a no-op update would still rewrite two indexes.
            let mut stmt = tx.prepare_cached(
                "UPDATE images SET favorite = ?2 WHERE id = ?1 AND favorite IS NOT ?2",
            )?;
            for id in image_ids {
                n += stmt.execute(params![id, favorite])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Deletes many images (rows in one transaction, then their files); ids no longer in the
    /// library are passed over. Returns how many were deleted.
    pub fn delete_images(&self, image_ids: &[i64]) -> Result<usize> {
        let (n, files) = {
            let mut conn = lock(&self.writer);
            let tx = write_transaction(&mut conn)?;
            let mut files = Vec::new();
            let mut n = 0;
            {
                let mut delete = tx.prepare_cached("DELETE FROM images WHERE id = ?1")?;
                for id in image_ids {
                    let these = image_files(&tx, *id)?;
                    if delete.execute([id])? > 0 {
                        n += 1;
                        files.extend(these);
                    }
                }
            }
            tx.commit()?;
            (n, files)
        };
        self.remove_files(&files)?;
        Ok(n)
    }

    /// Deletes one image: its row, its file and its thumbnail. The task stays (with its other
    /// images and its lineage). Returns false if there was no such image.
    pub fn delete_image(&self, image_id: i64) -> Result<bool> {
        let files = {
            let mut conn = lock(&self.writer);
            let tx = write_transaction(&mut conn)?;
            let files = image_files(&tx, image_id)?;
            let n = tx.execute("DELETE FROM images WHERE id = ?1", [image_id])?;
            tx.commit()?;
            if n == 0 {
                return Ok(false);
            }
            files
        };
        self.remove_files(&files)?;
        Ok(true)
    }

    /// Removes files given relative to the root; one already gone is fine, and a path that
    /// would leave the root is skipped.
    fn remove_files(&self, files: &[String]) -> Result<()> {
        for rel in files {
            if let Some(path) = absolute_path(&self.root, rel) {
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
        Ok(())
    }
}
