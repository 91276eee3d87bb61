//! # atelier-core
//!
//! The application layer of Atelier, free of Tauri so that all of it can be tested without a
//! window. The Tauri shell (`src-tauri/`) is a thin translation of IPC calls into the methods
//! of [`Atelier`], and of its [`TaskEvent`] stream into webview events.
//!
//! What lives here:
//! - [`settings`]: the person's settings and where they are kept ([`SettingsStore`]);
//! - [`endpoints`]: which base URL and key each provider uses, including demo mode;
//! - [`view`]: the types the UI sees (generated into TypeScript by ts-rs);
//! - [`media`]: downloading results into the image cache and naming them for the webview;
//! - [`app`]: [`Atelier`] itself, tying the two lanes' engines, the keyring, the simulator and
//!   the library together;
//! - [`notice`]: which task changes deserve an OS notification, and what it says;
//! - [`queue`]: the local job queue's rules (jobs at once, busy providers);
//! - [`quiet`]: work that waits for a burst of calls to stop (the library's memory);
//! - [`sources`]: checking image links before they are sent (typed links, gallery images);
//! - `retry`: what Retry sends again for a failed task;
//! - `recorder`: the one writer of task rows, off the async threads;
//! - [`rendering`]: how the Linux webview draws on a machine without a GPU;
//! - [`completion_trace`]: timestamps of a finished task's way to the screen (bench builds).

pub mod app;
pub mod archive;
pub mod completion_trace;
pub mod demo;
pub mod endpoints;
pub mod error;
pub mod gallery;
pub mod group;
pub mod lineage;
pub mod media;
pub mod notice;
pub mod permute;
pub mod queue;
pub mod quiet;
mod recorder;
pub mod rendering;
mod retry;
pub mod selection;
pub mod settings;
pub mod sources;
pub mod view;

pub use app::{
    Atelier, AtelierConfig, ClipboardImage, DragOutFiles, LaneKind, LiveLimits, TransferDefaults,
    DRAG_OUT_MAX_IMAGES,
};
/// The gallery query the UI sends, re-exported so the shell needs no library crate.
pub use atelier_library::{Collection, GalleryFacets, GalleryQuery};
pub use atelier_transfer::{ExportFormat, ExportOutcome, ImportSummary};
pub use error::{AppError, ErrorCode};
pub use notice::TaskNotice;
pub use queue::{QueuedView, Submitted};
pub use settings::{MemorySettingsStore, Settings, SettingsStore, Theme};
pub use sources::{ImageSource, ImageUrlCheck};
pub use view::{
    AppState, KeyringStatus, ProviderStatus, SubmitRequest, TaskEvent, TaskMedia, TaskProgress,
    TaskSummary, TaskView, UiEvent,
};
