//! The one error the UI sees: a stable `code` to branch on and a plain `message` to show.

use atelier_keys::KeyStoreError;
use atelier_providers::ProviderError;
use serde::Serialize;
use ts_rs::TS;

/// An error as it crosses IPC: `{ "code": "...", "message": "..." }`. The message is a
/// sentence a person can act on; it never contains a key, a stack trace or raw JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
#[error("{message}")]
pub struct AppError {
    /// Stable machine-readable code: a provider error code, or `keyring_unavailable`,
    /// `no_key`, `not_found`, `invalid_input`, `internal`.
    pub code: String,
    /// The sentence to show.
    pub message: String,
}

impl AppError {
    /// An error with the given code and sentence.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError {
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// Bad input from the person (caught before anything is sent).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("invalid_input", message)
    }

    /// Something the app itself got wrong; the sentence still says what to do.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("internal", message)
    }
}

impl From<ProviderError> for AppError {
    fn from(e: ProviderError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<KeyStoreError> for AppError {
    fn from(e: KeyStoreError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}
