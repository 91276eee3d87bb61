//! Several writes in one transaction: [`Batch`], handed out by [`Library::batch`](super::Library::batch).

use super::images::{add_image_on, set_favorite_on, set_thumbnail_on, FavoriteTarget};
use super::tasks::upsert_task_on;
use crate::cache::ImageSlot;
use crate::Result;
use atelier_providers::Task;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::path::Path;

/// Several writes in one transaction (imports, benchmarks): see [`Library::batch`](super::Library::batch).
pub struct Batch<'a> {
    pub(super) conn: &'a Connection,
    pub(super) root: &'a Path,
}

impl Batch<'_> {
    /// [`Library::upsert_task`](super::Library::upsert_task) inside the batch.
    pub fn upsert_task(
        &self,
        task: &Task,
        demo: bool,
        deadline_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        upsert_task_on(self.conn, task, demo, deadline_at)
    }

    /// [`Library::add_image`](super::Library::add_image) inside the batch.
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
            self.conn, self.root, task_id, slot, path, width, height, bytes,
        )
    }

    /// [`Library::set_thumbnail`](super::Library::set_thumbnail) inside the batch.
    pub fn set_thumbnail(&self, image_id: i64, thumb_path: &Path) -> Result<()> {
        set_thumbnail_on(self.conn, self.root, image_id, thumb_path)
    }

    /// [`Library::set_favorite`](super::Library::set_favorite) inside the batch.
    pub fn set_favorite(&self, target: &FavoriteTarget, favorite: bool) -> Result<usize> {
        set_favorite_on(self.conn, target, favorite)
    }
}
