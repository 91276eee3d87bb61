//! The reference for `scripts/bench-startup.sh`: one Tauri window showing one static page, whose
//! only command (`ready`, called on DOMContentLoaded) prints `REFERENCE_UI_READY` on stderr, the
//! way Atelier prints `ATELIER_UI_READY` once its UI is interactive.

// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[tauri::command]
fn ready(phases: Option<std::collections::BTreeMap<String, f64>>) {
    let phases: serde_json::Map<String, serde_json::Value> = phases
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, serde_json::json!(v)))
        .collect();
    eprintln!("REFERENCE_UI_READY {}", serde_json::Value::Object(phases));
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the reference window could not start");
}
