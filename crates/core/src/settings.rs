//! The person's settings: what they are, their defaults, how bad values are mended, and the
//! [`SettingsStore`] they are kept in (tauri-plugin-store in the app, memory in tests).
//!
//! Settings never hold an API key: keys live only in the OS keyring.

use atelier_engine::MidjourneyMode;
use atelier_providers::ProviderKind;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use ts_rs::TS;

/// LinkrAPI's public base URL.
pub const LINKR_DEFAULT_BASE_URL: &str = "https://linkrapi.com/api";
/// JourneyAPI's public base URL.
pub const JOURNEY_DEFAULT_BASE_URL: &str = "https://api.journeyapi.com/api/v1";
pub use atelier_providers::rules::{ASPECT_RATIOS, MAX_POLL_SECS, MIN_POLL_SECS};

/// How many jobs run at once at a provider unless the person says otherwise: Midjourney's
/// number on most plans.
pub const DEFAULT_JOBS_AT_ONCE: u32 = 3;
/// The most jobs Midjourney runs at once on any plan (Pro and Mega).
pub const MAX_JOBS_AT_ONCE: u32 = 12;

/// Light, dark, or whatever the OS says.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Theme {
    /// Follow the OS.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// Everything a person can set, apart from keys.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Settings {
    /// The provider the Create view starts with.
    pub default_provider: ProviderKind,
    /// LinkrAPI's base URL (a proxy or mirror may stand in for the real one).
    pub linkr_base_url: String,
    /// JourneyAPI's base URL.
    pub journey_base_url: String,
    /// Seconds between polls of one task, 5 to 10 as the providers ask.
    pub poll_interval_secs: u32,
    /// The aspect ratio the Create view starts with.
    pub default_aspect_ratio: String,
    /// The model the Create view starts with.
    pub default_model: String,
    /// The colour theme.
    pub theme: Theme,
    /// "My Midjourney mode": the mode the person's plan runs jobs in when the prompt does not
    /// say `--relax` / `--fast` / `--turbo`; it sets how long Atelier waits for a job (relax
    /// jobs may take an hour).
    pub midjourney_mode: MidjourneyMode,
    /// Whether a task that finishes or fails while the window is not focused is told in an
    /// OS notification (on by default).
    pub notifications: bool,
    /// How many LinkrAPI jobs run at once (the person's Midjourney plan: 3 on most, 12 on
    /// Pro); more wait in Atelier's local queue.
    pub linkr_jobs_at_once: u32,
    /// How many JourneyAPI jobs run at once; more wait in the local queue.
    pub journey_jobs_at_once: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_provider: ProviderKind::Linkr,
            linkr_base_url: LINKR_DEFAULT_BASE_URL.into(),
            journey_base_url: JOURNEY_DEFAULT_BASE_URL.into(),
            poll_interval_secs: MIN_POLL_SECS,
            default_aspect_ratio: "1:1".into(),
            default_model: "midjourney".into(),
            theme: Theme::System,
            midjourney_mode: MidjourneyMode::Fast,
            notifications: true,
            linkr_jobs_at_once: DEFAULT_JOBS_AT_ONCE,
            journey_jobs_at_once: DEFAULT_JOBS_AT_ONCE,
        }
    }
}

impl Settings {
    /// How many `provider` jobs run at once before more wait in the local queue.
    pub fn jobs_at_once(&self, provider: ProviderKind) -> u32 {
        match provider {
            ProviderKind::Linkr => self.linkr_jobs_at_once,
            ProviderKind::Journey => self.journey_jobs_at_once,
        }
    }

    /// Checks settings the person typed; the error says which field and why.
    pub fn validate(&self) -> Result<(), String> {
        for (name, url) in [
            ("LinkrAPI", &self.linkr_base_url),
            ("JourneyAPI", &self.journey_base_url),
        ] {
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() > "https://".len();
            if !ok {
                return Err(format!(
                    "The {name} base URL must start with https:// (or http:// for a local server)."
                ));
            }
        }
        if !(MIN_POLL_SECS..=MAX_POLL_SECS).contains(&self.poll_interval_secs) {
            return Err(format!(
                "The poll interval must be between {MIN_POLL_SECS} and {MAX_POLL_SECS} seconds."
            ));
        }
        for (name, n) in [
            ("LinkrAPI", self.linkr_jobs_at_once),
            ("JourneyAPI", self.journey_jobs_at_once),
        ] {
            if !(1..=MAX_JOBS_AT_ONCE).contains(&n) {
                return Err(format!(
                    "{name} jobs at once must be a whole number from 1 to {MAX_JOBS_AT_ONCE} \
                     (3 on most Midjourney plans, 12 on Pro)."
                ));
            }
        }
        if !ASPECT_RATIOS.contains(&self.default_aspect_ratio.as_str()) {
            return Err(format!(
                "The default aspect ratio must be one of {}.",
                ASPECT_RATIOS.join(", ")
            ));
        }
        if self.default_model.trim().is_empty() {
            return Err("Choose a default model.".into());
        }
        Ok(())
    }

    /// Mends values read back from disk (hand-edited or from an older version) instead of
    /// refusing to start: anything invalid falls back to its default.
    pub fn mended(mut self) -> Self {
        let d = Settings::default();
        self.poll_interval_secs = self.poll_interval_secs.clamp(MIN_POLL_SECS, MAX_POLL_SECS);
        self.linkr_jobs_at_once = self.linkr_jobs_at_once.clamp(1, MAX_JOBS_AT_ONCE);
        self.journey_jobs_at_once = self.journey_jobs_at_once.clamp(1, MAX_JOBS_AT_ONCE);
        if !ASPECT_RATIOS.contains(&self.default_aspect_ratio.as_str()) {
            self.default_aspect_ratio = d.default_aspect_ratio;
        }
        if self.default_model.trim().is_empty() {
            self.default_model = d.default_model;
        }
        for (url, default) in [
            (&mut self.linkr_base_url, d.linkr_base_url),
            (&mut self.journey_base_url, d.journey_base_url),
        ] {
            *url = url.trim().trim_end_matches('/').to_string();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                *url = default;
            }
        }
        self
    }
}

/// Where settings are kept between runs.
pub trait SettingsStore: Send + Sync {
    /// The stored settings as JSON, or `None` on first run.
    fn load(&self) -> Option<serde_json::Value>;
    /// Writes the settings; the error is a sentence.
    fn save(&self, value: serde_json::Value) -> Result<(), String>;
}

/// Reads settings from `store`, mending or defaulting anything unreadable.
pub fn load_settings(store: &dyn SettingsStore) -> Settings {
    store
        .load()
        .and_then(|v| serde_json::from_value::<Settings>(v).ok())
        .unwrap_or_default()
        .mended()
}

/// Settings kept in memory, for tests.
#[derive(Default)]
pub struct MemorySettingsStore(Mutex<Option<serde_json::Value>>);

impl SettingsStore for MemorySettingsStore {
    fn load(&self) -> Option<serde_json::Value> {
        self.0.lock().ok().and_then(|v| v.clone())
    }
    fn save(&self, value: serde_json::Value) -> Result<(), String> {
        let mut slot = self
            .0
            .lock()
            .map_err(|_| "settings lock poisoned".to_string())?;
        *slot = Some(value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Settings::default().validate(), Ok(()));
    }

    #[test]
    fn validation_names_the_field() {
        let s = Settings {
            poll_interval_secs: 2,
            ..Settings::default()
        };
        assert!(s.validate().unwrap_err().contains("poll interval"));
        let s = Settings {
            linkr_base_url: "ftp://x".into(),
            ..Settings::default()
        };
        assert!(s.validate().unwrap_err().contains("LinkrAPI"));
        let s = Settings {
            journey_jobs_at_once: 13,
            ..Settings::default()
        };
        assert!(s
            .validate()
            .unwrap_err()
            .contains("JourneyAPI jobs at once"));
        let s = Settings {
            default_aspect_ratio: "5:1".into(),
            ..Settings::default()
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn damaged_files_are_mended_not_fatal() {
        let store = MemorySettingsStore::default();
        store
            .save(serde_json::json!({"pollIntervalSecs": 99, "linkrBaseUrl": "nonsense", "theme": "dark", "extra": 1}))
            .unwrap();
        let s = load_settings(&store);
        assert_eq!(s.poll_interval_secs, MAX_POLL_SECS);
        assert_eq!(s.linkr_base_url, LINKR_DEFAULT_BASE_URL);
        assert_eq!(s.theme, Theme::Dark);
        assert_eq!(
            s.linkr_jobs_at_once, DEFAULT_JOBS_AT_ONCE,
            "absent: the default"
        );
        store
            .save(serde_json::json!({"linkrJobsAtOnce": 0, "journeyJobsAtOnce": 50}))
            .unwrap();
        let s = load_settings(&store);
        assert_eq!((s.linkr_jobs_at_once, s.journey_jobs_at_once), (1, 12));
        store.save(serde_json::json!("garbage")).unwrap();
        assert_eq!(load_settings(&store), Settings::default());
    }
}
