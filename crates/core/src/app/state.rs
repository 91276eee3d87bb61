//! The app's chrome: providers, settings and keyring health, and saving settings.

use super::Atelier;
use crate::endpoints::{self, PROVIDERS};
use crate::error::AppError;
use crate::settings::Settings;
use crate::view::{AppState, ProviderStatus};
use atelier_providers::ProviderKind;
use std::time::Duration;

impl Atelier {
    /// Providers, settings and keyring health, for the UI's chrome.
    pub fn app_state(&self) -> AppState {
        let settings = self.settings();
        let last4 = self
            .inner
            .key_last4
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default();
        let credits = self.inner.credits.lock().ok().and_then(|c| *c);
        let providers = PROVIDERS
            .iter()
            .map(|&provider| {
                let (base_url, base_url_from_env) = endpoints::real_base_url(provider, &settings);
                let key_last4 = last4.get(&provider).cloned();
                ProviderStatus {
                    provider,
                    name: provider.display_name().into(),
                    demo: key_last4.is_none(),
                    key_set: key_last4.is_some(),
                    key_last4,
                    base_url,
                    base_url_from_env,
                    key_url: endpoints::key_url(provider).into(),
                    models: endpoints::models(provider),
                    accepts_other_models: endpoints::accepts_unlisted_models(provider),
                    credits: if provider == ProviderKind::Journey {
                        credits
                    } else {
                        None
                    },
                }
            })
            .collect();
        AppState {
            version: env!("CARGO_PKG_VERSION").into(),
            providers,
            settings,
            keyring: self.inner.keyring.clone(),
            rules: atelier_providers::Rules::current(),
            reports_startup: cfg!(feature = "test-hooks"),
        }
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        self.inner
            .settings
            .read()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Checks and stores new settings, then points the live clients at the (maybe new) base URLs.
    pub async fn save_settings(&self, settings: Settings) -> Result<AppState, AppError> {
        settings.validate().map_err(AppError::invalid)?;
        let value =
            serde_json::to_value(&settings).map_err(|e| AppError::internal(e.to_string()))?;
        self.inner
            .settings_store
            .save(value)
            .map_err(|e| AppError::internal(format!("Settings could not be saved ({e}).")))?;
        if let Ok(mut s) = self.inner.settings.write() {
            *s = settings.clone();
        }
        self.inner
            .live
            .engine
            .set_default_mode(settings.midjourney_mode);
        self.inner
            .demo
            .engine
            .set_default_mode(settings.midjourney_mode);
        if self.inner.live_poll_override.is_none() {
            self.inner
                .live
                .engine
                .set_poll_interval(Duration::from_secs(u64::from(settings.poll_interval_secs)));
        }
        if self.inner.keyring.available {
            for provider in PROVIDERS {
                let key = self.read_key(provider).await?;
                self.install_live_client(provider, key.as_ref())?;
            }
        }
        // "Jobs at once" may have grown.
        self.wake_queue();
        Ok(self.app_state())
    }
}
