//! Export and import use-cases: a selection (picked images, a collection, or every match of
//! the gallery's filters) written to a folder or a zip, and such an export read back, both
//! on a blocking thread with `bulk-progress` events and a cancel, like the bulk actions.

use super::{library_error, Atelier};
use crate::error::{AppError, ErrorCode};
use crate::selection::{resolve, BulkProgress, Selection};
use crate::view::UiEvent;
use atelier_transfer::{
    export_images, import_export, ExportFormat, ExportOutcome, ExportRequest, ImportSummary,
    TransferError,
};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use ts_rs::TS;

/// How often at most a transfer tells its progress (the last step is always told).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// What the export dialog starts with.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct TransferDefaults {
    /// The folder exports go into: the Pictures folder, else the home folder.
    pub dir: String,
    /// A name for a new export: "Atelier export 2026-12-03 18.40".
    pub name: String,
}

/// The sentence and code of a transfer error.
fn transfer_error(e: TransferError) -> AppError {
    match e {
        TransferError::Library(e) => library_error(e),
        TransferError::DiskFull(_) | TransferError::Permission(_) | TransferError::Io { .. } => {
            AppError::new(ErrorCode::Io, e.to_string())
        }
        TransferError::AlreadyExists(_)
        | TransferError::NotAnExport(_)
        | TransferError::BadManifest(_)
        | TransferError::InvalidInput(_) => AppError::new(ErrorCode::InvalidInput, e.to_string()),
    }
}

/// The home folder, from the environment.
fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
}

impl Atelier {
    /// Where and under what name the export dialog suggests an export.
    pub fn transfer_defaults(&self) -> TransferDefaults {
        let home = home_dir().unwrap_or_else(std::env::temp_dir);
        let pictures = home.join("Pictures");
        let dir = if pictures.is_dir() { pictures } else { home };
        TransferDefaults {
            dir: dir.display().to_string(),
            name: format!(
                "Atelier export {}",
                chrono::Local::now().format("%Y-%m-%d %H.%M")
            ),
        }
    }

    /// Exports every image of `selection` into `<dir>/<name>` (a folder) or
    /// `<dir>/<name>.zip`, telling its progress under `op_id` (`bulk-progress`);
    /// [`Atelier::bulk_cancel`] stops it and removes what it wrote.
    pub async fn export_images(
        &self,
        op_id: String,
        selection: Selection,
        dir: String,
        name: String,
        format: ExportFormat,
    ) -> Result<ExportOutcome, AppError> {
        let lib = self.inner.library.clone();
        let cancel = self.start_op(&op_id)?;
        let events = self.inner.events.clone();
        let key = op_id.clone();
        let result = tokio::task::spawn_blocking(move || {
            let image_ids = resolve(&selection, |q| lib.matching_ids(q)).map_err(library_error)?;
            let request = ExportRequest {
                image_ids,
                dir: PathBuf::from(dir),
                name,
                format,
                app: format!("Atelier {}", env!("CARGO_PKG_VERSION")),
            };
            let mut tell = progress_teller(events, op_id);
            export_images(&lib, &request, &cancel, &mut tell).map_err(transfer_error)
        })
        .await;
        self.end_op(&key);
        result.map_err(|e| AppError::internal(format!("The export stopped ({e}).")))?
    }

    /// Imports the export (folder or zip) at `path` into the library, telling its progress
    /// under `op_id`; [`Atelier::bulk_cancel`] stops it between tasks (what came before stays).
    pub async fn import_export(
        &self,
        op_id: String,
        path: String,
    ) -> Result<ImportSummary, AppError> {
        if path.trim().is_empty() {
            return Err(AppError::invalid(
                "Choose an export to import: a folder or a .zip made by Atelier.",
            ));
        }
        let lib = self.inner.library.clone();
        let cancel = self.start_op(&op_id)?;
        let events = self.inner.events.clone();
        let key = op_id.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut tell = progress_teller(events, op_id);
            import_export(&lib, &PathBuf::from(path.trim()), &cancel, &mut tell)
                .map_err(transfer_error)
        })
        .await;
        self.end_op(&key);
        result.map_err(|e| AppError::internal(format!("The import stopped ({e}).")))?
    }

    /// Registers a cancellable long job under `op_id`.
    pub(super) fn start_op(&self, op_id: &str) -> Result<Arc<AtomicBool>, AppError> {
        if op_id.is_empty() || op_id.len() > super::collections::MAX_OP_ID {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                "A long job needs an id of 1 to 64 characters.",
            ));
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.inner
            .bulk_ops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(op_id.to_string(), cancel.clone());
        Ok(cancel)
    }

    /// Forgets a finished long job.
    pub(super) fn end_op(&self, op_id: &str) {
        self.inner
            .bulk_ops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(op_id);
    }
}

/// A progress callback that sends `bulk-progress` at most every [`PROGRESS_EVERY`], and
/// always the last step.
fn progress_teller(
    events: tokio::sync::broadcast::Sender<UiEvent>,
    op_id: String,
) -> impl FnMut(u64, u64) {
    let mut last: Option<Instant> = None;
    move |done, total| {
        if done < total && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
            return;
        }
        last = Some(Instant::now());
        let _ = events.send(UiEvent::Bulk(BulkProgress {
            op_id: op_id.clone(),
            done,
            total,
        }));
    }
}
