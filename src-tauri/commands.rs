//! IPC commands: each one hands its arguments to [`Atelier`] and returns its answer. Errors
//! cross as `{code, message}` ([`AppError`]).

use atelier_core::{AppError, AppState, Atelier, Settings, SubmitRequest, TaskView};
use atelier_providers::{ActionInput, KeyCheck, ProviderKind};
use tauri::State;

type Result<T> = std::result::Result<T, AppError>;

/// Providers, settings and keyring health.
#[tauri::command]
pub fn get_app_state(app: State<'_, Atelier>) -> AppState {
    app.app_state()
}

/// Stores new settings.
#[tauri::command]
pub async fn save_settings(app: State<'_, Atelier>, settings: Settings) -> Result<AppState> {
    app.save_settings(settings).await
}

/// Stores a provider's key in the OS keyring (write-only: it never comes back).
#[tauri::command]
pub async fn set_key(app: State<'_, Atelier>, provider: ProviderKind, key: String) -> Result<AppState> {
    app.set_key(provider, &key).await
}

/// Removes a provider's key from the OS keyring.
#[tauri::command]
pub async fn delete_key(app: State<'_, Atelier>, provider: ProviderKind) -> Result<AppState> {
    app.delete_key(provider).await
}

/// Asks the provider whether the stored key works.
#[tauri::command]
pub async fn test_key(app: State<'_, Atelier>, provider: ProviderKind) -> Result<KeyCheck> {
    app.test_key(provider).await
}

/// Submits a new prompt.
#[tauri::command]
pub async fn submit_imagine(app: State<'_, Atelier>, request: SubmitRequest) -> Result<TaskView> {
    app.submit(request).await
}

/// Runs one of a finished task's buttons.
#[tauri::command]
pub async fn run_action(
    app: State<'_, Atelier>,
    parent_id: String,
    action_id: String,
    input: ActionInput,
) -> Result<TaskView> {
    app.run_action(&parent_id, &action_id, input).await
}

/// Every task of this session, newest first.
#[tauri::command]
pub fn list_tasks(app: State<'_, Atelier>) -> Vec<TaskView> {
    app.list_tasks()
}

/// Stops watching a task.
#[tauri::command]
pub fn cancel_task(app: State<'_, Atelier>, task_id: String) -> Result<TaskView> {
    app.cancel_task(&task_id)
}

/// The UI calls this once it is interactive; the startup benchmark waits for the line it logs.
#[tauri::command]
pub fn ui_ready() {
    tracing::info!(target: "atelier::startup", "ui ready");
    eprintln!("ATELIER_UI_READY");
}
