//! [`MemoryStore`]: keys kept in process memory, for unit tests and tools.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::{validate_account, KeyStore, KeyStoreError, SecretKey};

/// A [`KeyStore`] that keeps keys in a map for the life of the value. Unlike the `keyring`
/// crate's mock, every call sees what earlier calls stored.
#[derive(Debug, Default)]
pub struct MemoryStore {
    keys: Mutex<HashMap<String, SecretKey>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many keys are stored.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when no key is stored.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, SecretKey>> {
        // A panic while holding the lock cannot leave the map half-updated (every operation is
        // a single insert/remove), so a poisoned lock is safe to keep using.
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl KeyStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<SecretKey>, KeyStoreError> {
        validate_account(account)?;
        Ok(self.lock().get(account).cloned())
    }

    fn set(&self, account: &str, key: &SecretKey) -> Result<(), KeyStoreError> {
        validate_account(account)?;
        self.lock().insert(account.to_owned(), key.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<bool, KeyStoreError> {
        validate_account(account)?;
        Ok(self.lock().remove(account).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{JOURNEY_ACCOUNT, LINKR_ACCOUNT};
    use std::sync::Arc;

    fn key(s: &str) -> SecretKey {
        SecretKey::new(s).expect("valid test key")
    }

    #[test]
    fn round_trip_replace_delete() {
        let store = MemoryStore::new();
        assert!(store.is_empty());
        assert_eq!(store.get(LINKR_ACCOUNT).expect("get"), None);
        store.set(LINKR_ACCOUNT, &key("lkr_one")).expect("set");
        assert_eq!(store.get(LINKR_ACCOUNT).expect("get"), Some(key("lkr_one")));
        store.set(LINKR_ACCOUNT, &key("lkr_two")).expect("replace");
        assert_eq!(store.get(LINKR_ACCOUNT).expect("get"), Some(key("lkr_two")));
        assert_eq!(store.len(), 1);
        assert!(store.delete(LINKR_ACCOUNT).expect("delete"));
        assert!(!store.delete(LINKR_ACCOUNT).expect("delete again is fine"));
        assert_eq!(store.get(LINKR_ACCOUNT).expect("get"), None);
    }

    #[test]
    fn accounts_are_independent() {
        let store = MemoryStore::new();
        store.set(LINKR_ACCOUNT, &key("lkr_x")).expect("set");
        store
            .set(JOURNEY_ACCOUNT, &key("japi_live_y"))
            .expect("set");
        store.delete(LINKR_ACCOUNT).expect("delete");
        assert_eq!(
            store.get(JOURNEY_ACCOUNT).expect("get"),
            Some(key("japi_live_y"))
        );
    }

    #[test]
    fn bad_account_names_are_refused() {
        let store = MemoryStore::new();
        let err = store.set("Bad Name", &key("k")).expect_err("invalid");
        assert_eq!(err.code(), "invalid_input");
        assert!(store.get("").is_err());
        assert!(store.delete("a/b").is_err());
    }

    #[test]
    fn usable_as_a_shared_trait_object() {
        let store: Arc<dyn KeyStore> = Arc::new(MemoryStore::new());
        let writer = Arc::clone(&store);
        std::thread::spawn(move || writer.set(LINKR_ACCOUNT, &key("lkr_thread")))
            .join()
            .expect("thread")
            .expect("set");
        assert_eq!(
            store.get(LINKR_ACCOUNT).expect("get"),
            Some(key("lkr_thread"))
        );
    }
}
