//! Which server and key each provider uses right now.
//!
//! With a key in the keyring, requests go to the provider's base URL: the one in settings,
//! unless `ATELIER_LINKR_BASE_URL` / `ATELIER_JOURNEY_BASE_URL` override it (for tests, proxies
//! and mirrors). With no key, the built-in simulator stands in, with its demo key: demo mode.

use crate::settings::Settings;
use atelier_providers::ProviderKind;

/// The environment variable that overrides LinkrAPI's base URL.
pub const LINKR_BASE_URL_ENV: &str = "ATELIER_LINKR_BASE_URL";
/// The environment variable that overrides JourneyAPI's base URL.
pub const JOURNEY_BASE_URL_ENV: &str = "ATELIER_JOURNEY_BASE_URL";

/// Both providers, in the order the UI lists them.
pub const PROVIDERS: [ProviderKind; 2] = [ProviderKind::Linkr, ProviderKind::Journey];

/// The key account name of a provider in the keyring.
pub fn key_account(provider: ProviderKind) -> &'static str {
    match provider {
        ProviderKind::Linkr => atelier_keys::LINKR_ACCOUNT,
        ProviderKind::Journey => atelier_keys::JOURNEY_ACCOUNT,
    }
}

/// Where to get a key for `provider`.
pub fn key_url(provider: ProviderKind) -> &'static str {
    match provider {
        ProviderKind::Linkr => "https://linkrapi.com (Dashboard, API keys)",
        ProviderKind::Journey => "https://journeyapi.com (Account, API keys)",
    }
}

/// Models `provider` offers, the default first, each with its group (Midjourney grid,
/// single-image, edit) and whether it needs a reference image. The providers crate owns the list.
pub fn models(provider: ProviderKind) -> Vec<atelier_providers::ModelInfo> {
    atelier_providers::available_models(provider)
}

/// True when `provider` takes model names Atelier does not list (JourneyAPI adds models
/// often and decides itself; LinkrAPI runs Midjourney only), so the picker offers "Other".
pub fn accepts_unlisted_models(provider: ProviderKind) -> bool {
    provider == ProviderKind::Journey
}

/// The real base URL for `provider` and whether it came from the environment.
pub fn real_base_url(provider: ProviderKind, settings: &Settings) -> (String, bool) {
    real_base_url_with(provider, settings, |name| std::env::var(name).ok())
}

/// [`real_base_url`] with the environment passed in, for tests.
pub fn real_base_url_with(
    provider: ProviderKind,
    settings: &Settings,
    env: impl Fn(&str) -> Option<String>,
) -> (String, bool) {
    let (var, configured) = match provider {
        ProviderKind::Linkr => (LINKR_BASE_URL_ENV, &settings.linkr_base_url),
        ProviderKind::Journey => (JOURNEY_BASE_URL_ENV, &settings.journey_base_url),
    };
    match env(var).map(|v| v.trim().trim_end_matches('/').to_string()) {
        Some(v) if v.starts_with("http://") || v.starts_with("https://") => (v, true),
        _ => (configured.clone(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_settings_only_when_it_is_a_url() {
        let s = Settings::default();
        let (url, from_env) = real_base_url_with(ProviderKind::Journey, &s, |_| None);
        assert_eq!(
            (url.as_str(), from_env),
            (crate::settings::JOURNEY_DEFAULT_BASE_URL, false)
        );
        let (url, from_env) = real_base_url_with(ProviderKind::Linkr, &s, |n| {
            (n == LINKR_BASE_URL_ENV).then(|| "http://127.0.0.1:9/linkr/api/".into())
        });
        assert_eq!(
            (url.as_str(), from_env),
            ("http://127.0.0.1:9/linkr/api", true)
        );
        let (_, from_env) = real_base_url_with(ProviderKind::Linkr, &s, |_| Some("junk".into()));
        assert!(!from_env);
    }
}
