//! The one error the UI sees: a stable, typed `code` to branch on and a plain `message` to show.
//!
//! [`ErrorCode`] is the complete list of codes (exported to TypeScript, so the UI can only
//! compare against codes that exist). Provider and keyring errors map onto it exhaustively:
//! a new variant there does not compile until it has its code here.

use atelier_keys::KeyStoreError;
use atelier_providers::ProviderError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every code an [`AppError`] can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ErrorCode {
    /// The provider refused the key (401).
    Unauthorized,
    /// The provider account is suspended.
    Suspended,
    /// LinkrAPI: the Hold (the Discord account behind it) is suspended.
    HoldSuspended,
    /// LinkrAPI cannot reach the person's Discord account.
    DiscordUnreachable,
    /// A task or image that is not known (any more).
    NotFound,
    /// Midjourney refused the prompt.
    ContentPolicy,
    /// Too many requests; try again later.
    RateLimited,
    /// Not enough credits left.
    InsufficientCredits,
    /// The provider is down or overloaded (5xx).
    Unavailable,
    /// The network failed on the way to the provider.
    Network,
    /// The provider did not answer in time.
    Timeout,
    /// The provider answered something Atelier cannot read.
    Malformed,
    /// Bad input, caught before anything was sent.
    InvalidInput,
    /// This provider does not offer that button or model.
    NotOffered,
    /// The provider rejected the request for a reason it stated.
    Rejected,
    /// No system keyring is reachable: keys cannot be stored.
    KeyringUnavailable,
    /// The keyring holds something for Atelier that is not a key.
    KeyringCorrupt,
    /// The keyring holds more than one entry for one provider.
    KeyringAmbiguous,
    /// The keyring failed in another way.
    KeyringError,
    /// The provider of a task has no key set now.
    NoKey,
    /// The gallery database or image folder failed.
    Library,
    /// A file could not be read or written (save as...).
    Io,
    /// The system clipboard refused.
    Clipboard,
    /// The file manager could not be opened.
    Opener,
    /// The core could not start.
    Startup,
    /// The webview has no core behind it (a plain browser tab); only the UI raises it.
    NoBackend,
    /// Something Atelier itself got wrong.
    Internal,
}

impl ErrorCode {
    /// The code as it travels (`"invalid_input"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Suspended => "suspended",
            ErrorCode::HoldSuspended => "hold_suspended",
            ErrorCode::DiscordUnreachable => "discord_unreachable",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ContentPolicy => "content_policy",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::InsufficientCredits => "insufficient_credits",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Malformed => "malformed",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotOffered => "not_offered",
            ErrorCode::Rejected => "rejected",
            ErrorCode::KeyringUnavailable => "keyring_unavailable",
            ErrorCode::KeyringCorrupt => "keyring_corrupt",
            ErrorCode::KeyringAmbiguous => "keyring_ambiguous",
            ErrorCode::KeyringError => "keyring_error",
            ErrorCode::NoKey => "no_key",
            ErrorCode::Library => "library",
            ErrorCode::Io => "io",
            ErrorCode::Clipboard => "clipboard",
            ErrorCode::Opener => "opener",
            ErrorCode::Startup => "startup",
            ErrorCode::NoBackend => "no_backend",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&ProviderError> for ErrorCode {
    fn from(e: &ProviderError) -> Self {
        match e {
            ProviderError::Unauthorized => ErrorCode::Unauthorized,
            ProviderError::Suspended { .. } => ErrorCode::Suspended,
            ProviderError::HoldSuspended { .. } => ErrorCode::HoldSuspended,
            ProviderError::DiscordUnreachable { .. } => ErrorCode::DiscordUnreachable,
            ProviderError::NotFound { .. } => ErrorCode::NotFound,
            ProviderError::ContentPolicy { .. } => ErrorCode::ContentPolicy,
            ProviderError::RateLimited { .. } => ErrorCode::RateLimited,
            ProviderError::InsufficientCredits { .. } => ErrorCode::InsufficientCredits,
            ProviderError::Unavailable { .. } => ErrorCode::Unavailable,
            ProviderError::Network { .. } => ErrorCode::Network,
            ProviderError::Timeout => ErrorCode::Timeout,
            ProviderError::Malformed { .. } => ErrorCode::Malformed,
            ProviderError::InvalidInput { .. } => ErrorCode::InvalidInput,
            ProviderError::NotOffered { .. } => ErrorCode::NotOffered,
            ProviderError::Rejected { .. } => ErrorCode::Rejected,
        }
    }
}

impl From<&KeyStoreError> for ErrorCode {
    fn from(e: &KeyStoreError) -> Self {
        match e {
            KeyStoreError::Unavailable { .. } => ErrorCode::KeyringUnavailable,
            KeyStoreError::InvalidKey { .. } | KeyStoreError::InvalidAccount { .. } => {
                ErrorCode::InvalidInput
            }
            KeyStoreError::Corrupt { .. } => ErrorCode::KeyringCorrupt,
            KeyStoreError::Ambiguous { .. } => ErrorCode::KeyringAmbiguous,
            KeyStoreError::Keyring { .. } => ErrorCode::KeyringError,
        }
    }
}

/// An error as it crosses IPC: `{ "code": "...", "message": "..." }`. The message is a
/// sentence a person can act on; it never contains a key, a stack trace or raw JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
#[error("{message}")]
pub struct AppError {
    /// What kind of error, for the UI to branch on.
    pub code: ErrorCode,
    /// The sentence to show.
    pub message: String,
}

impl AppError {
    /// An error with the given code and sentence.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
        }
    }

    /// Bad input from the person (caught before anything is sent).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    /// Something the app itself got wrong; the sentence still says what to do.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

impl From<ProviderError> for AppError {
    fn from(e: ProviderError) -> Self {
        AppError::new(ErrorCode::from(&e), e.to_string())
    }
}

impl From<KeyStoreError> for AppError {
    fn from(e: KeyStoreError) -> Self {
        AppError::new(ErrorCode::from(&e), e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_travel_as_their_snake_case_names() {
        for code in [
            ErrorCode::InvalidInput,
            ErrorCode::HoldSuspended,
            ErrorCode::KeyringUnavailable,
            ErrorCode::NoBackend,
        ] {
            let json = serde_json::to_value(code).expect("serializes");
            assert_eq!(json, serde_json::Value::String(code.as_str().into()));
            let back: ErrorCode = serde_json::from_value(json).expect("parses");
            assert_eq!(back, code);
        }
    }

    #[test]
    fn provider_and_keyring_errors_keep_their_documented_codes() {
        let provider = [
            ProviderError::Unauthorized,
            ProviderError::Timeout,
            ProviderError::NotFound { what: "x".into() },
        ];
        for e in provider {
            assert_eq!(ErrorCode::from(&e).as_str(), e.code(), "{e:?}");
        }
        let key = KeyStoreError::InvalidKey {
            reason: "empty".into(),
        };
        assert_eq!(ErrorCode::from(&key).as_str(), key.code());
    }

    #[test]
    fn an_error_serializes_as_code_and_message() {
        let e = AppError::invalid("Type a prompt first.");
        assert_eq!(
            serde_json::to_value(&e).expect("serializes"),
            serde_json::json!({"code": "invalid_input", "message": "Type a prompt first."})
        );
    }
}
