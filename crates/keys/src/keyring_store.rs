//! [`KeyringStore`]: keys in the operating system's keyring through the `keyring` crate (v3).
//!
//! On Linux this is the freedesktop Secret Service over D-Bus (GNOME Keyring, KWallet,
//! KeePassXC...), with the session encrypted by pure-Rust crypto. There is no plaintext
//! fallback: without a reachable Secret Service every call returns
//! [`KeyStoreError::Unavailable`].

use keyring::Entry;

use crate::{validate_account, KeyStore, KeyStoreError, SecretKey};

/// The keyring service name Atelier's entries are filed under.
pub const DEFAULT_SERVICE: &str = "dev.atelier.app";

/// The account [`KeyringStore::probe`] reads; nothing is ever stored under it.
const PROBE_ACCOUNT: &str = "atelier-probe-never-set";

/// A [`KeyStore`] backed by the system keyring: one entry per account under one service name.
///
/// Every call is blocking (synchronous D-Bus on Linux); call it from `spawn_blocking` in async
/// code. Reading a missing entry (and so [`KeyringStore::probe`]) never needs an unlocked
/// keyring; storing into a locked one asks the desktop's keyring prompt to unlock it, which
/// may wait for the person.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyringStore {
    /// A store using [`DEFAULT_SERVICE`].
    pub fn new() -> Self {
        Self::with_service(DEFAULT_SERVICE)
    }

    /// A store filing its entries under another service name (tests use their own, so they
    /// never touch a real key).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// The service name entries are filed under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Checks that a keyring is reachable and usable, without reading or writing any real
    /// key: it looks up an entry that is never stored ("not found" means the keyring works).
    pub fn probe(&self) -> Result<(), KeyStoreError> {
        let entry = self.entry(PROBE_ACCOUNT)?;
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(map_error(PROBE_ACCOUNT, err)),
        }
    }

    fn entry(&self, account: &str) -> Result<Entry, KeyStoreError> {
        validate_account(account)?;
        Entry::new(&self.service, account).map_err(|e| map_error(account, e))
    }
}

impl KeyStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<SecretKey>, KeyStoreError> {
        let entry = self.entry(account)?;
        match entry.get_password() {
            Ok(stored) => SecretKey::new(&stored)
                .map(Some)
                .map_err(|e| KeyStoreError::Corrupt {
                    account: account.to_owned(),
                    reason: match e {
                        KeyStoreError::InvalidKey { reason } => reason,
                        other => other.to_string(),
                    },
                }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(map_error(account, err)),
        }
    }

    fn set(&self, account: &str, key: &SecretKey) -> Result<(), KeyStoreError> {
        self.entry(account)?
            .set_password(key.expose())
            .map_err(|e| map_error(account, e))
    }

    fn delete(&self, account: &str) -> Result<bool, KeyStoreError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(err) => Err(map_error(account, err)),
        }
    }
}

/// Turns a `keyring` error into a [`KeyStoreError`] with a plain sentence. Never includes the
/// secret (keyring errors do not carry it, except `BadEncoding`, whose bytes are dropped here).
fn map_error(account: &str, err: keyring::Error) -> KeyStoreError {
    match err {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            KeyStoreError::Unavailable {
                detail: one_line(&inner.to_string()),
            }
        }
        keyring::Error::BadEncoding(_) => KeyStoreError::Corrupt {
            account: account.to_owned(),
            reason: "it is not valid UTF-8 text".to_owned(),
        },
        keyring::Error::Ambiguous(items) => KeyStoreError::Ambiguous {
            account: account.to_owned(),
            count: items.len(),
        },
        keyring::Error::NoEntry => KeyStoreError::Keyring {
            detail: "no matching entry".to_owned(),
        },
        other => KeyStoreError::Keyring {
            detail: one_line(&other.to_string()),
        },
    }
}

/// Keeps a platform message to one trimmed line without a trailing period, so it reads well
/// inside our own sentence.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = joined.trim_end_matches('.');
    if trimmed.is_empty() {
        "the platform gave no reason".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_errors_mean_unavailable() {
        let err = map_error(
            "linkr",
            keyring::Error::PlatformFailure("D-Bus error: connection refused.\n".into()),
        );
        assert_eq!(
            err,
            KeyStoreError::Unavailable {
                detail: "D-Bus error: connection refused".into()
            }
        );
        assert!(err
            .to_string()
            .starts_with("No system keyring available: D-Bus error: connection refused."));
        let err = map_error("linkr", keyring::Error::NoStorageAccess("locked".into()));
        assert!(matches!(err, KeyStoreError::Unavailable { .. }));
    }

    #[test]
    fn bad_encoding_never_echoes_the_bytes() {
        let err = map_error("linkr", keyring::Error::BadEncoding(b"secret\xff".to_vec()));
        assert!(matches!(err, KeyStoreError::Corrupt { .. }));
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn ambiguous_counts_entries() {
        let err = map_error("journey", keyring::Error::Ambiguous(Vec::new()));
        assert_eq!(
            err,
            KeyStoreError::Ambiguous {
                account: "journey".into(),
                count: 0
            }
        );
    }

    #[test]
    fn invalid_account_is_refused_before_the_keyring() {
        let store = KeyringStore::with_service("dev.atelier.test");
        assert!(matches!(
            store.get("Not Valid"),
            Err(KeyStoreError::InvalidAccount { .. })
        ));
    }

    #[test]
    fn one_line_tidies_platform_text() {
        assert_eq!(one_line("  a\n b.  "), "a b");
        assert_eq!(one_line(""), "the platform gave no reason");
    }
}
