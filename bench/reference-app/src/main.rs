//! The reference for `scripts/bench-startup.sh`: one Tauri window showing one static page, whose
//! only command (`ready`, called on DOMContentLoaded) prints `REFERENCE_UI_READY` on stderr, the
//! way Atelier prints `ATELIER_UI_READY` once its UI is interactive.

// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[tauri::command]
fn ready() {
    eprintln!("REFERENCE_UI_READY");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the reference window could not start");
}
