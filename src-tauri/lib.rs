//! The Tauri shell of Atelier: it builds the window, wires the OS keyring, the settings store
//! and the asset protocol into [`atelier_core::Atelier`], and translates IPC calls and task
//! events. No business logic lives here; see `crates/core`.

mod commands;
mod core_slot;
mod drag_out;
mod settings_store;
mod webview_memory;

use atelier_core::view::TaskChange;
use atelier_core::{AppError, Atelier, AtelierConfig, ErrorCode, UiEvent};
use atelier_keys::KeyringStore;
use core_slot::CoreSlot;
use std::sync::Arc;
use std::time::Duration;
use tauri::{Emitter, Manager};

/// The event name the UI listens to for task changes (a task summary, no raw JSON).
pub const TASK_EVENT: &str = "task-update";
/// The small event for a running task's progress (and "saving the images").
pub const PROGRESS_EVENT: &str = "task-progress";
/// The event that tells the gallery new images of a task are in the library.
pub const GALLERY_EVENT: &str = "gallery-changed";
/// The event with the jobs waiting in the local queue, whenever they change.
pub const QUEUE_EVENT: &str = "queue-changed";
/// How far a bulk action on a gallery selection is.
pub const BULK_EVENT: &str = "bulk-progress";
/// A provider's credits as just read (after a JourneyAPI task ends), for the rail.
pub const CREDITS_EVENT: &str = "credits-changed";
/// The event that asks the UI to show a task's card (its OS notification was clicked).
pub const SHOW_TASK_EVENT: &str = "show-task";
/// The window's title; with tasks running it says how many.
const TITLE: &str = "Atelier";

/// `tauri::generate_handler!` over the app's commands, plus `ui_ready` in builds with the
/// `test-hooks` feature (the startup benchmark's; the shipped app does not have it).
#[cfg(feature = "test-hooks")]
macro_rules! handler {
    ($($command:path),* $(,)?) => {
        tauri::generate_handler![$($command,)* commands::ui_ready]
    };
}

/// See the `test-hooks` version: the same list, without `ui_ready`.
#[cfg(not(feature = "test-hooks"))]
macro_rules! handler {
    ($($command:path),* $(,)?) => {
        tauri::generate_handler![$($command),*]
    };
}

/// Builds and runs the app until its window closes.
pub fn run() {
    let process_start = std::time::Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ATELIER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,atelier=info")),
        )
        // Every log line passes through the redactor: no `Authorization` value or key-shaped
        // token reaches stderr, whichever crate formatted it.
        .with_writer(|| atelier_providers::RedactingWriter::new(std::io::stderr()))
        .init();

    let result = tauri::Builder::default()
        // First, so that a second launch hands over to the running app and exits before it
        // has opened the library, started a simulator or made a window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            focus_main_window(app)
        }))
        .plugin(tauri_plugin_store::Builder::new().build())
        // The window comes back at the size and place it was closed at.
        .plugin(tauri_plugin_window_state::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            match app.get_webview_window("main") {
                Some(window) => webview_memory::keep_only_what_is_shown(&window),
                None => tracing::warn!("no main window at setup: the cache model is unchanged"),
            }
            // The window paints while the core starts; commands wait for it (see core_slot).
            let (slot, filler) = CoreSlot::new();
            app.manage(slot);
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let started = start_core(&handle).await;
                tracing::info!(
                    target: "atelier::startup",
                    "core started {} ms after launch",
                    process_start.elapsed().as_millis()
                );
                match started {
                    Ok(core) => {
                        forward_events(handle, core.clone());
                        filler.fill(Ok(core));
                    }
                    Err(e) => {
                        tracing::error!("Atelier could not start: {e}");
                        filler.fill(Err(AppError::new(
                            ErrorCode::Startup,
                            format!(
                                "Atelier could not start: {e}. Check that its data folder can \
                                 be written, then restart the app."
                            ),
                        )));
                    }
                }
            });
            Ok(())
        })
        .invoke_handler(handler!(
            commands::get_app_state,
            commands::save_settings,
            commands::set_key,
            commands::delete_key,
            commands::test_key,
            commands::submit_imagine,
            commands::submit_create,
            commands::check_image_url,
            commands::image_source_url,
            commands::plan_prompt,
            commands::contact_sheet,
            commands::run_action,
            commands::list_tasks,
            commands::cancel_task,
            commands::check_again,
            commands::retry_task,
            commands::list_queue,
            commands::move_queued,
            commands::cancel_queued,
            commands::send_queued_now,
            commands::gallery_search,
            commands::gallery_count,
            commands::gallery_facets,
            commands::lineage,
            commands::image_detail,
            commands::set_favorite,
            commands::delete_image,
            commands::collections,
            commands::create_collection,
            commands::rename_collection,
            commands::delete_collection,
            commands::bulk_apply,
            commands::bulk_cancel,
            commands::transfer_defaults,
            commands::export_images,
            commands::import_export,
            commands::pick_path,
            commands::drag_out,
            commands::save_image_as,
            commands::copy_image,
            commands::copy_text,
            commands::show_in_folder,
        ))
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Atelier could not start: {e}");
        std::process::exit(1);
    }
}

/// Brings the main window to the front (shown, unminimized, focused): when Atelier is launched
/// again while it runs, and when one of its notifications is clicked.
fn focus_main_window(app: &tauri::AppHandle) {
    tracing::info!(target: "atelier::instance", "launched again: focusing the running window");
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    for (what, result) in [
        ("show", window.show()),
        ("unminimize", window.unminimize()),
        ("focus", window.set_focus()),
    ] {
        if let Err(e) = result {
            tracing::warn!("could not {what} the window for a second launch: {e}");
        }
    }
}

/// Sends every task change to the window as a [`TASK_EVENT`], progress as a
/// [`PROGRESS_EVENT`], and a [`GALLERY_EVENT`] when a task's images have reached the library;
/// after each change, the running count goes into the title and badge, and a finished or
/// failed task is told in an OS notification while the window is not focused.
fn forward_events(emitter: tauri::AppHandle, core: Atelier) {
    let mut events = core.subscribe();
    tauri::async_runtime::spawn(async move {
        let mut running = None;
        loop {
            match events.recv().await {
                Ok(UiEvent::Progress(p)) => {
                    if let Err(e) = emitter.emit(PROGRESS_EVENT, &p) {
                        tracing::warn!("could not send task progress to the window: {e}");
                    }
                }
                Ok(UiEvent::Bulk(progress)) => {
                    if let Err(e) = emitter.emit(BULK_EVENT, &progress) {
                        tracing::warn!(
                            "could not send a bulk action's progress to the window: {e}"
                        );
                    }
                }
                Ok(UiEvent::Credits(credits)) => {
                    if let Err(e) = emitter.emit(CREDITS_EVENT, &credits) {
                        tracing::warn!("could not send the credits to the window: {e}");
                    }
                }
                Ok(UiEvent::Queue(waiting)) => {
                    if let Err(e) = emitter.emit(QUEUE_EVENT, &waiting) {
                        tracing::warn!("could not send the queue to the window: {e}");
                    }
                }
                Ok(UiEvent::Update(ev)) => {
                    if let Err(e) = emitter.emit(TASK_EVENT, &ev) {
                        tracing::warn!("could not send a task event to the window: {e}");
                    }
                    if ev.change == TaskChange::Results {
                        let payload = serde_json::json!({ "taskId": ev.task.task.id });
                        if let Err(e) = emitter.emit(GALLERY_EVENT, payload) {
                            tracing::warn!("could not tell the gallery about new images: {e}");
                        }
                    }
                    let now = core.running_count();
                    if running != Some(now) {
                        running = Some(now);
                        show_running_count(&emitter, now);
                    }
                    if window_is_focused(&emitter) {
                        if atelier_core::notice::outcome(&ev).is_some() {
                            tracing::debug!(task = %ev.task.task.id, "no notification: the window has the focus");
                        }
                    } else if let Some(notice) = core.notice(&ev) {
                        tracing::debug!(task = %notice.task_id, "notifying: {}", notice.title);
                        notify(&emitter, notice);
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// The title for `running` tasks: "Atelier", or "Atelier (2 running)".
fn title_for(running: usize) -> String {
    if running == 0 {
        TITLE.to_string()
    } else {
        format!("{TITLE} ({running} running)")
    }
}

/// Puts how many tasks run into the window title and, where the desktop has one, the
/// dock/taskbar badge (macOS, and Linux desktops with the Unity launcher API).
fn show_running_count(app: &tauri::AppHandle, running: usize) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if let Err(e) = window.set_title(&title_for(running)) {
        tracing::warn!("could not set the window title: {e}");
    }
    let badge = (running > 0).then(|| i64::try_from(running).unwrap_or(i64::MAX));
    if let Err(e) = window.set_badge_count(badge) {
        tracing::debug!("no dock/taskbar badge here: {e}");
    }
}

/// True when the main window has the keyboard focus (then a notification would only repeat
/// what the person sees).
fn window_is_focused(app: &tauri::AppHandle) -> bool {
    app.get_webview_window("main")
        .and_then(|w| w.is_focused().ok())
        .unwrap_or(false)
}

/// Shows `notice` as an OS notification; a click brings the window to the front on the
/// task's card.
fn notify(app: &tauri::AppHandle, notice: atelier_core::TaskNotice) {
    let app = app.clone();
    // Showing talks to the desktop over D-Bus (blocking): off the async threads.
    tauri::async_runtime::spawn_blocking(move || {
        let task_id = notice.task_id.clone();
        let shown = atelier_notify::show(
            &atelier_notify::Notice {
                title: notice.title,
                body: notice.body,
                image: notice.image,
            },
            {
                let app = app.clone();
                move || {
                    focus_main_window(&app);
                    let payload = serde_json::json!({ "taskId": task_id });
                    if let Err(e) = app.emit(SHOW_TASK_EVENT, payload) {
                        tracing::warn!("could not show the notification's task: {e}");
                    }
                }
            },
        );
        if let Err(e) = shown {
            tracing::info!("no notification shown: {e}");
        }
    });
}

/// How fast the demo runs and how often tasks are polled: the app's pace, or in builds with the
/// `test-hooks` feature what the tests ask for through `ATELIER_DEMO_SPEED` (time scale),
/// `ATELIER_DEMO_POLL_MS` and `ATELIER_POLL_INTERVAL_MS` (live lane).
struct Pace {
    demo_speed: f64,
    demo_poll_interval: Duration,
    live_poll_interval_override: Option<Duration>,
}

/// The demo's time scale and poll interval in the shipped app.
const DEMO_SPEED: f64 = 4.0;
const DEMO_POLL_MS: f64 = 1000.0;

#[cfg(feature = "test-hooks")]
fn pace() -> Pace {
    let number = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    Pace {
        demo_speed: number("ATELIER_DEMO_SPEED").unwrap_or(DEMO_SPEED),
        demo_poll_interval: Duration::from_millis(
            number("ATELIER_DEMO_POLL_MS").unwrap_or(DEMO_POLL_MS) as u64,
        ),
        live_poll_interval_override: number("ATELIER_POLL_INTERVAL_MS")
            .map(|ms| Duration::from_millis(ms as u64)),
    }
}

/// The shipped app reads no timing variables: the demo and polling run at their real pace.
#[cfg(not(feature = "test-hooks"))]
fn pace() -> Pace {
    Pace {
        demo_speed: DEMO_SPEED,
        demo_poll_interval: Duration::from_millis(DEMO_POLL_MS as u64),
        live_poll_interval_override: None,
    }
}

async fn start_core(
    app: &tauri::AppHandle,
) -> Result<Atelier, Box<dyn std::error::Error + Send + Sync>> {
    let data_dir = app.path().app_data_dir()?;
    let library_dir = data_dir.join("library");

    let keyring = KeyringStore::new();
    let key_store_health = tauri::async_runtime::spawn_blocking({
        let probe = keyring.clone();
        move || probe.probe()
    })
    .await?;
    if let Err(e) = &key_store_health {
        tracing::warn!("{e}");
    }
    let settings_store = settings_store::PluginSettingsStore::open(app)?;
    let pace = pace();
    let core = Atelier::start(AtelierConfig {
        library_dir,
        key_store: Arc::new(keyring),
        key_store_health,
        settings_store: Arc::new(settings_store),
        demo_speed: pace.demo_speed,
        demo_poll_interval: pace.demo_poll_interval,
        live_poll_interval_override: pace.live_poll_interval_override,
    })
    .await?;
    // The webview may read images (originals and thumbnails) from the library folder, which
    // the core has made, and nowhere else.
    let library_dir = core.library_dir().to_path_buf();
    app.asset_protocol_scope()
        .allow_directory(&library_dir, true)?;
    Ok(core)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_says_how_many_tasks_run() {
        assert_eq!(title_for(0), "Atelier");
        assert_eq!(title_for(1), "Atelier (1 running)");
        assert_eq!(title_for(12), "Atelier (12 running)");
    }

    /// One test touches the environment, so no other test races it.
    #[test]
    fn the_timing_variables_count_only_with_test_hooks() {
        std::env::set_var("ATELIER_DEMO_SPEED", "40");
        std::env::set_var("ATELIER_DEMO_POLL_MS", "200");
        std::env::set_var("ATELIER_POLL_INTERVAL_MS", "300");
        let asked = pace();
        if cfg!(feature = "test-hooks") {
            assert_eq!(asked.demo_speed, 40.0);
            assert_eq!(asked.demo_poll_interval, Duration::from_millis(200));
            assert_eq!(
                asked.live_poll_interval_override,
                Some(Duration::from_millis(300))
            );
        } else {
            assert_eq!(asked.demo_speed, DEMO_SPEED);
            assert_eq!(asked.demo_poll_interval, Duration::from_secs(1));
            assert_eq!(asked.live_poll_interval_override, None);
        }
        for bad in ["0", "-3", "NaN", "fast"] {
            std::env::set_var("ATELIER_DEMO_SPEED", bad);
            assert_eq!(pace().demo_speed, DEMO_SPEED, "{bad}");
        }
    }
}
