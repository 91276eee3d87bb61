//! IPC commands: each one hands its arguments to the core ([`atelier_core::Atelier`], waiting
//! for it through the [`CoreSlot`] while it starts) and returns its answer. Errors cross as
//! `{code, message}` ([`AppError`]).

use atelier_core::gallery::{GalleryImage, GalleryResults, ImageDetail};
use atelier_core::group::{ContactSheet, PromptPlan};
use atelier_core::lineage::Lineage;
use atelier_core::selection::{BulkAction, BulkOutcome, Selection};
use atelier_core::{
    AppError, AppState, ErrorCode, GalleryQuery, QueuedView, Settings, SubmitRequest, Submitted,
    TaskView,
};
use atelier_core::{
    Collection, ExportFormat, ExportOutcome, GalleryFacets, ImportSummary, TransferDefaults,
};
use atelier_core::{ImageSource, ImageUrlCheck};
use atelier_providers::{ActionInput, CreateRequest, KeyCheck, ProviderKind};
use tauri::{AppHandle, State, WebviewWindow};

use crate::core_slot::CoreSlot;
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

type Result<T> = std::result::Result<T, AppError>;

/// Providers, settings and keyring health.
#[tauri::command]
pub async fn get_app_state(core: State<'_, CoreSlot>) -> Result<AppState> {
    Ok(core.get().await?.app_state())
}

/// Stores new settings.
#[tauri::command]
pub async fn save_settings(core: State<'_, CoreSlot>, settings: Settings) -> Result<AppState> {
    let app = core.get().await?;
    app.save_settings(settings).await
}

/// Stores a provider's key in the OS keyring (write-only: it never comes back).
#[tauri::command]
pub async fn set_key(
    core: State<'_, CoreSlot>,
    provider: ProviderKind,
    key: String,
) -> Result<AppState> {
    let app = core.get().await?;
    app.set_key(provider, &key).await
}

/// Removes a provider's key from the OS keyring.
#[tauri::command]
pub async fn delete_key(core: State<'_, CoreSlot>, provider: ProviderKind) -> Result<AppState> {
    let app = core.get().await?;
    app.delete_key(provider).await
}

/// Asks the provider whether the stored key works.
#[tauri::command]
pub async fn test_key(core: State<'_, CoreSlot>, provider: ProviderKind) -> Result<KeyCheck> {
    let app = core.get().await?;
    app.test_key(provider).await
}

/// Submits a new prompt: sent at once while its provider has a free slot, else queued.
#[tauri::command]
pub async fn submit_imagine(
    core: State<'_, CoreSlot>,
    request: SubmitRequest,
) -> Result<Submitted> {
    let app = core.get().await?;
    app.submit_or_queue(request).await
}

/// Starts a creation mode (blend, describe, shorten, video; JourneyAPI only): checked, then
/// sent at once while its provider has a free slot, else queued, like a prompt.
#[tauri::command]
pub async fn submit_create(
    core: State<'_, CoreSlot>,
    provider: ProviderKind,
    request: CreateRequest,
) -> Result<Submitted> {
    let app = core.get().await?;
    app.submit_create(provider, request).await
}

/// Whether an image link can be sent: http(s), and it answers (a HEAD, else a GET).
#[tauri::command]
pub async fn check_image_url(core: State<'_, CoreSlot>, url: String) -> Result<ImageUrlCheck> {
    let app = core.get().await?;
    Ok(app.check_image_url(&url).await)
}

/// A gallery image's original provider link, while it still answers.
#[tauri::command]
pub async fn image_source_url(core: State<'_, CoreSlot>, image_id: i64) -> Result<ImageSource> {
    let app = core.get().await?;
    app.image_source_url(image_id).await
}

/// What sending a prompt will do (its prompts, their count and cost), before it is sent.
#[tauri::command]
pub async fn plan_prompt(
    core: State<'_, CoreSlot>,
    provider: ProviderKind,
    prompt: String,
    model: Option<String>,
) -> Result<PromptPlan> {
    let app = core.get().await?;
    Ok(app.plan_prompt(provider, &prompt, model.as_deref()))
}

/// A permutation group as a labelled contact sheet.
#[tauri::command]
pub async fn contact_sheet(core: State<'_, CoreSlot>, group_id: String) -> Result<ContactSheet> {
    let app = core.get().await?;
    app.contact_sheet(&group_id).await
}

/// Runs one of a finished task's buttons (through the queue like a prompt).
#[tauri::command]
pub async fn run_action(
    core: State<'_, CoreSlot>,
    parent_id: String,
    action_id: String,
    input: ActionInput,
) -> Result<Submitted> {
    let app = core.get().await?;
    app.run_action_or_queue(&parent_id, &action_id, input).await
}

/// "Retry" on a failed task: sends exactly what created it again, as a new task (through
/// the queue like a prompt).
#[tauri::command]
pub async fn retry_task(core: State<'_, CoreSlot>, task_id: String) -> Result<Submitted> {
    let app = core.get().await?;
    app.retry_or_queue(&task_id).await
}

/// The jobs waiting in the local queue, first in line first.
#[tauri::command]
pub async fn list_queue(core: State<'_, CoreSlot>) -> Result<Vec<QueuedView>> {
    Ok(core.get().await?.queue())
}

/// Moves a waiting job `by` places among its provider's waiting jobs (negative: forward).
#[tauri::command]
pub async fn move_queued(
    core: State<'_, CoreSlot>,
    job_id: String,
    by: i32,
) -> Result<Vec<QueuedView>> {
    let app = core.get().await?;
    app.move_queued(&job_id, by).await
}

/// Takes a waiting job out of the queue without sending it.
#[tauri::command]
pub async fn cancel_queued(core: State<'_, CoreSlot>, job_id: String) -> Result<Vec<QueuedView>> {
    let app = core.get().await?;
    app.cancel_queued(&job_id).await
}

/// Sends a waiting job now, whatever the free slots.
#[tauri::command]
pub async fn send_queued_now(core: State<'_, CoreSlot>, job_id: String) -> Result<Submitted> {
    let app = core.get().await?;
    app.send_queued_now(&job_id).await
}

/// Every task of this session, newest first.
#[tauri::command]
pub async fn list_tasks(core: State<'_, CoreSlot>) -> Result<Vec<TaskView>> {
    Ok(core.get().await?.list_tasks())
}

/// Stops watching a task.
#[tauri::command]
pub async fn cancel_task(core: State<'_, CoreSlot>, task_id: String) -> Result<TaskView> {
    let app = core.get().await?;
    app.cancel_task(&task_id)
}

/// "Check again": asks the provider once, now, about a task Atelier stopped waiting for
/// (a free fetch; never a new job).
#[tauri::command]
pub async fn check_again(core: State<'_, CoreSlot>, task_id: String) -> Result<TaskView> {
    let app = core.get().await?;
    app.check_again(&task_id).await
}

/// The UI calls this once it is interactive; the startup benchmark waits for the line it logs,
/// which carries the UI's own breakdown of where the time went (numbers only, at most 16).
/// Only in builds with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[tauri::command]
pub fn ui_ready(phases: Option<std::collections::BTreeMap<String, f64>>) {
    tracing::info!(target: "atelier::startup", "ui ready");
    eprintln!(
        "ATELIER_UI_READY {}",
        startup_phases(phases.unwrap_or_default())
    );
}

/// What `ui_ready` prints of the UI's phases: numbers only, names of at most 32 ASCII letters,
/// digits and `_`, at most 16 of them (the page controls them; the log must stay one short line).
#[cfg(feature = "test-hooks")]
fn startup_phases(phases: std::collections::BTreeMap<String, f64>) -> serde_json::Value {
    let phases: serde_json::Map<String, serde_json::Value> = phases
        .into_iter()
        .filter(|(name, ms)| {
            name.len() <= 32
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && ms.is_finite()
        })
        .take(16)
        .map(|(name, ms)| (name, serde_json::json!(ms)))
        .collect();
    serde_json::Value::Object(phases)
}

/// One page of the gallery.
#[tauri::command]
pub async fn gallery_search(
    core: State<'_, CoreSlot>,
    query: GalleryQuery,
) -> Result<GalleryResults> {
    let app = core.get().await?;
    app.gallery_search(query).await
}

/// How many images match a query exactly (after a first page whose count stopped at the cap).
#[tauri::command]
pub async fn gallery_count(core: State<'_, CoreSlot>, query: GalleryQuery) -> Result<u64> {
    let app = core.get().await?;
    app.gallery_count(query).await
}

/// The models and aspect ratios the gallery's filters can offer.
#[tauri::command]
pub async fn gallery_facets(core: State<'_, CoreSlot>) -> Result<GalleryFacets> {
    let app = core.get().await?;
    app.gallery_facets().await
}

/// The whole tree of tasks an image belongs to, for the lineage view.
#[tauri::command]
pub async fn lineage(core: State<'_, CoreSlot>, image_id: i64) -> Result<Lineage> {
    let app = core.get().await?;
    app.lineage(image_id).await
}

/// What the lightbox shows about one image.
#[tauri::command]
pub async fn image_detail(core: State<'_, CoreSlot>, image_id: i64) -> Result<ImageDetail> {
    let app = core.get().await?;
    app.image_detail(image_id).await
}

/// Marks an image as a favorite, or not.
#[tauri::command]
pub async fn set_favorite(
    core: State<'_, CoreSlot>,
    image_id: i64,
    favorite: bool,
) -> Result<GalleryImage> {
    let app = core.get().await?;
    app.set_favorite(image_id, favorite).await
}

/// Deletes an image's rows and files.
#[tauri::command]
pub async fn delete_image(core: State<'_, CoreSlot>, image_id: i64) -> Result<()> {
    let app = core.get().await?;
    app.delete_image(image_id).await
}

/// Every collection, by name, with its count.
#[tauri::command]
pub async fn collections(core: State<'_, CoreSlot>) -> Result<Vec<Collection>> {
    let app = core.get().await?;
    app.collections().await
}

/// Makes an empty collection.
#[tauri::command]
pub async fn create_collection(core: State<'_, CoreSlot>, name: String) -> Result<Collection> {
    let app = core.get().await?;
    app.create_collection(name).await
}

/// Renames a collection.
#[tauri::command]
pub async fn rename_collection(
    core: State<'_, CoreSlot>,
    id: i64,
    name: String,
) -> Result<Collection> {
    let app = core.get().await?;
    app.rename_collection(id, name).await
}

/// Deletes a collection (its images stay).
#[tauri::command]
pub async fn delete_collection(core: State<'_, CoreSlot>, id: i64) -> Result<()> {
    let app = core.get().await?;
    app.delete_collection(id).await
}

/// Favorites, collects or deletes every image of a gallery selection, in chunks, with
/// `bulk-progress` events under `op_id`.
#[tauri::command]
pub async fn bulk_apply(
    core: State<'_, CoreSlot>,
    op_id: String,
    selection: Selection,
    action: BulkAction,
) -> Result<BulkOutcome> {
    let app = core.get().await?;
    app.bulk_apply(op_id, selection, action).await
}

/// Stops a running bulk action before its next chunk; false if none runs under that id.
#[tauri::command]
pub async fn bulk_cancel(core: State<'_, CoreSlot>, op_id: String) -> Result<bool> {
    let app = core.get().await?;
    Ok(app.bulk_cancel(&op_id))
}

/// Where and under what name the export dialog suggests an export.
#[tauri::command]
pub async fn transfer_defaults(core: State<'_, CoreSlot>) -> Result<TransferDefaults> {
    Ok(core.get().await?.transfer_defaults())
}

/// Exports a selection to `<dir>/<name>` (a folder) or `<dir>/<name>.zip`, telling its
/// progress as `bulk-progress` events under `op_id`; `bulk_cancel` stops it and removes it.
#[tauri::command]
pub async fn export_images(
    core: State<'_, CoreSlot>,
    op_id: String,
    selection: Selection,
    dir: String,
    name: String,
    format: ExportFormat,
) -> Result<ExportOutcome> {
    let app = core.get().await?;
    app.export_images(op_id, selection, dir, name, format).await
}

/// Imports an export (a folder or a zip) into the library, with `bulk-progress` events
/// under `op_id`; `bulk_cancel` stops it between tasks.
#[tauri::command]
pub async fn import_export(
    core: State<'_, CoreSlot>,
    op_id: String,
    path: String,
) -> Result<ImportSummary> {
    let app = core.get().await?;
    app.import_export(op_id, path).await
}

/// Asks for a folder, or a `.zip` file when `zip` is true, in the native dialog; null when
/// the person cancelled.
#[tauri::command]
pub async fn pick_path(handle: AppHandle, zip: bool) -> Result<Option<String>> {
    let dialog = handle.dialog().file();
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        if zip {
            dialog.add_filter("Zip", &["zip"]).blocking_pick_file()
        } else {
            dialog.blocking_pick_folder()
        }
    })
    .await
    .map_err(|e| AppError::internal(e.to_string()))?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|_| {
        AppError::invalid("That place is not on this computer. Choose a folder or a file here.")
    })?;
    Ok(Some(path.display().to_string()))
}

/// Starts dragging the images of `selection` out of the window as files (their originals,
/// under readable names); returns how many files the drag carries. The UI calls it from a
/// `dragstart` whose default it prevented, while the mouse button is still down.
#[tauri::command]
pub async fn drag_out(
    handle: AppHandle,
    window: WebviewWindow,
    core: State<'_, CoreSlot>,
    selection: Selection,
) -> Result<usize> {
    let app = core.get().await?;
    let staged = app.drag_out_files(selection).await?;
    crate::drag_out::start(&handle, window, staged).await
}

/// Copies an image's original to a place chosen in the native save dialog; returns that
/// path, or nothing when the person cancelled. The copying is the core's.
#[tauri::command]
pub async fn save_image_as(
    handle: AppHandle,
    core: State<'_, CoreSlot>,
    image_id: i64,
) -> Result<Option<String>> {
    let app = core.get().await?;
    let name = app.save_file_name(image_id)?;
    let dialog = handle.dialog().file().set_file_name(name);
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let dest = chosen.into_path().map_err(|_| {
        AppError::invalid("That place cannot be written to. Choose a folder on this computer.")
    })?;
    app.save_image_to(image_id, dest).await.map(Some)
}

/// Puts an image on the clipboard (the core decodes it).
#[tauri::command]
pub async fn copy_image(handle: AppHandle, core: State<'_, CoreSlot>, image_id: i64) -> Result<()> {
    let app = core.get().await?;
    let pixels = app.clipboard_image(image_id).await?;
    let img = tauri::image::Image::new_owned(pixels.rgba, pixels.width, pixels.height);
    handle.clipboard().write_image(&img).map_err(|e| {
        AppError::new(
            ErrorCode::Clipboard,
            format!("The clipboard refused the image ({e}). Try again."),
        )
    })
}

/// Puts text (a prompt) on the clipboard.
#[tauri::command]
pub fn copy_text(handle: AppHandle, text: String) -> Result<()> {
    handle.clipboard().write_text(text).map_err(|e| {
        AppError::new(
            ErrorCode::Clipboard,
            format!("The clipboard refused the text ({e}). Try again."),
        )
    })
}

/// Opens the file manager at an image's original.
#[tauri::command]
pub async fn show_in_folder(
    handle: AppHandle,
    core: State<'_, CoreSlot>,
    image_id: i64,
) -> Result<()> {
    let app = core.get().await?;
    let path = app.image_path(image_id)?;
    handle.opener().reveal_item_in_dir(&path).map_err(|e| {
        AppError::new(
            ErrorCode::Opener,
            format!("The file manager could not be opened ({e})."),
        )
    })
}

#[cfg(all(test, feature = "test-hooks"))]
mod tests {
    use super::startup_phases;
    use std::collections::BTreeMap;

    #[test]
    fn startup_phases_keep_only_short_plain_names_and_finite_numbers() {
        let mut phases = BTreeMap::new();
        phases.insert("script".to_string(), 12.5);
        phases.insert("first_paint".to_string(), 40.0);
        phases.insert("bad name\nATELIER_UI_READY".to_string(), 1.0);
        phases.insert("x".repeat(33), 1.0);
        phases.insert("nan".to_string(), f64::NAN);
        let line = startup_phases(phases).to_string();
        assert_eq!(line, r#"{"first_paint":40.0,"script":12.5}"#);
        let many: BTreeMap<String, f64> = (0..40).map(|i| (format!("p{i:02}"), 1.0)).collect();
        assert_eq!(startup_phases(many).as_object().map(|o| o.len()), Some(16));
    }
}
