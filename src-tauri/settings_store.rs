//! Settings kept with tauri-plugin-store in `settings.json` in the app's config folder.

use atelier_core::SettingsStore;
use std::sync::Arc;
use tauri::Wry;
use tauri_plugin_store::{Store, StoreExt};

const FILE: &str = "settings.json";
const KEY: &str = "settings";

/// [`SettingsStore`] over the plugin's JSON store.
pub struct PluginSettingsStore(Arc<Store<Wry>>);

impl PluginSettingsStore {
    /// Opens (or creates) the settings file.
    pub fn open(app: &tauri::AppHandle) -> Result<Self, tauri_plugin_store::Error> {
        Ok(PluginSettingsStore(app.store(FILE)?))
    }
}

impl SettingsStore for PluginSettingsStore {
    fn load(&self) -> Option<serde_json::Value> {
        self.0.get(KEY)
    }

    fn save(&self, value: serde_json::Value) -> Result<(), String> {
        self.0.set(KEY, value);
        self.0.save().map_err(|e| e.to_string())
    }
}
