//! Moving images out of an Atelier library and into one, without any cloud.
//!
//! - [`export_images`] writes a selection to a new folder or `.zip`:
//!   - the originals, never re-encoded, with their metadata embedded ([`embed`]);
//!   - a JSON sidecar per image and thumbnails;
//!   - `manifest.json`, written last.
//!
//!   A cancelled or failed export leaves nothing behind.
//! - [`import_export`] reads such an export into a library:
//!   - tasks, images (restored byte for byte), lineage, favorites and collections;
//!   - a task the library already has is skipped;
//!   - a damaged file is reported and the rest imported.
//!
//! Layout of an export (a folder, or the same inside a zip):
//!
//! ```text
//! manifest.json                                   every task, image and collection
//! 2026-12-03_a-red-fox_<task id>_0.png            an original with its metadata embedded
//! 2026-12-03_a-red-fox_<task id>_0.json           the same metadata, for other tools
//! .thumbnails/2026-12-03_a-red-fox_<task id>_0.jpg   (a zip export; a folder export packs
//!                                                   them into one .thumbnails.zip)
//! ```
//!
//! Everything is synchronous and heavy: async callers use `spawn_blocking`.

#![warn(missing_docs)]

pub mod embed;
mod error;
mod export;
mod import;
pub mod manifest;
mod names;
mod store;

pub use error::{Result, TransferError};
pub use export::{export_images, ExportOutcome, ExportRequest};
pub use import::{import_export, ImportSummary};
pub use names::{prompt_words, NameBook};
pub use store::{check_export_name, is_safe_entry_name, ExportFormat, ExportTarget, ImportSource};
