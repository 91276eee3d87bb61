//! API-key storage for Atelier.
//!
//! Keys live only in the operating system's keyring (Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows) through [`KeyringStore`]. There is deliberately no
//! plaintext fallback: when no keyring is reachable, every call fails with
//! [`KeyStoreError::Unavailable`], whose message tells the person what to install or start.
//!
//! Storage hides behind the [`KeyStore`] trait so the rest of the app, and its unit tests, can
//! use [`MemoryStore`] instead (the `keyring` crate's own mock forgets a value as soon as the
//! `Entry` that stored it is dropped, which makes it useless for tests).
//!
//! A key is held in a [`SecretKey`], which never prints its value (only `****` plus the last
//! few characters), cannot be serialized, and wipes its memory when dropped.
//!
//! Accounts are plain strings, one per provider: [`LINKR_ACCOUNT`] and [`JOURNEY_ACCOUNT`].
//!
//! All calls are blocking (the keyring talks D-Bus synchronously on Linux); from async code run
//! them on `tokio::task::spawn_blocking`.

mod error;
mod keyring_store;
mod memory;
mod secret;

pub use error::KeyStoreError;
pub use keyring_store::{KeyringStore, DEFAULT_SERVICE};
pub use memory::MemoryStore;
pub use secret::{validate_account, validate_key, SecretKey, MAX_KEY_LEN};

/// The account name under which the LinkrAPI key is stored.
pub const LINKR_ACCOUNT: &str = "linkr";
/// The account name under which the JourneyAPI key is stored.
pub const JOURNEY_ACCOUNT: &str = "journey";

/// Somewhere API keys can be kept, one per account (provider).
///
/// Implementations must be safe to share between threads. `delete` of an account that has no
/// key is not an error.
pub trait KeyStore: Send + Sync {
    /// Reads the key stored for `account`; `Ok(None)` when there is none.
    fn get(&self, account: &str) -> Result<Option<SecretKey>, KeyStoreError>;
    /// Stores `key` for `account`, replacing any previous key.
    fn set(&self, account: &str, key: &SecretKey) -> Result<(), KeyStoreError>;
    /// Removes the key stored for `account`; returns whether there was one.
    fn delete(&self, account: &str) -> Result<bool, KeyStoreError>;
}
