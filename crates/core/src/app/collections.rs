//! The gallery workbench's use-cases: collections (list, make, rename, delete) and acting on
//! a whole selection at once (favorite, collect, delete) in chunks, with progress events and
//! a cancel.

use super::{blocking, Atelier};
use crate::error::{AppError, ErrorCode};
use crate::selection::{resolve, run_in_chunks, BulkAction, BulkOutcome, BulkProgress, Selection};
use crate::view::UiEvent;
use atelier_library::{Collection, LibraryError};
use std::sync::atomic::Ordering;

/// The longest op id the UI may give a long job (it is only matched, never shown).
pub(super) const MAX_OP_ID: usize = 64;

impl Atelier {
    /// Every collection, by name, with its count.
    pub async fn collections(&self) -> Result<Vec<Collection>, AppError> {
        let lib = self.inner.library.clone();
        blocking(move || lib.collections()).await
    }

    /// Makes an empty collection.
    pub async fn create_collection(&self, name: String) -> Result<Collection, AppError> {
        let lib = self.inner.library.clone();
        blocking(move || lib.create_collection(&name)).await
    }

    /// Renames a collection.
    pub async fn rename_collection(&self, id: i64, name: String) -> Result<Collection, AppError> {
        let lib = self.inner.library.clone();
        blocking(move || lib.rename_collection(id, &name)).await
    }

    /// Deletes a collection; its images stay.
    pub async fn delete_collection(&self, id: i64) -> Result<(), AppError> {
        let lib = self.inner.library.clone();
        blocking(move || match lib.delete_collection(id)? {
            true => Ok(()),
            false => Err(LibraryError::CollectionNotFound(id)),
        })
        .await
    }

    /// Does `action` to every image of `selection`, [`crate::selection::BULK_CHUNK`] images
    /// per write, telling each step as a [`BulkProgress`] (`bulk-progress`) under `op_id`.
    /// [`Atelier::bulk_cancel`] with the same id stops it between two chunks; what was done
    /// stays done.
    pub async fn bulk_apply(
        &self,
        op_id: String,
        selection: Selection,
        action: BulkAction,
    ) -> Result<BulkOutcome, AppError> {
        if op_id.is_empty() || op_id.len() > MAX_OP_ID {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                "A bulk action needs an id of 1 to 64 characters.",
            ));
        }
        let lib = self.inner.library.clone();
        let ids = {
            let lib = lib.clone();
            let action = action.clone();
            blocking(move || {
                if let BulkAction::AddToCollection { collection_id }
                | BulkAction::RemoveFromCollection { collection_id } = action
                {
                    // A deleted collection is a sentence before any work, not a failure mid-way.
                    lib.collection(collection_id)?;
                }
                resolve(&selection, |q| lib.matching_ids(q))
            })
            .await?
        };
        let cancel = self.start_op(&op_id)?;
        let events = self.inner.events.clone();
        let key = op_id.clone();
        let result = blocking(move || {
            run_in_chunks(
                &ids,
                &cancel,
                |chunk| match &action {
                    BulkAction::Favorite => lib.set_favorite_images(chunk, true),
                    BulkAction::Unfavorite => lib.set_favorite_images(chunk, false),
                    BulkAction::AddToCollection { collection_id } => {
                        lib.add_to_collection(*collection_id, chunk)
                    }
                    BulkAction::RemoveFromCollection { collection_id } => {
                        lib.remove_from_collection(*collection_id, chunk)
                    }
                    BulkAction::Delete => lib.delete_images(chunk),
                },
                |done, total| {
                    let _ = events.send(UiEvent::Bulk(BulkProgress {
                        op_id: op_id.clone(),
                        done,
                        total,
                    }));
                },
            )
        })
        .await;
        self.end_op(&key);
        result
    }

    /// Stops the bulk action `op_id` before its next chunk; false if none is running.
    pub fn bulk_cancel(&self, op_id: &str) -> bool {
        match self
            .inner
            .bulk_ops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(op_id)
        {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}
