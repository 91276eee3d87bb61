//! Round trip against a REAL Secret Service (e.g. gnome-keyring on a private D-Bus session).
//!
//! `#[ignore]`d, so a plain `cargo test` reports it as ignored instead of passing it without
//! a keyring. `scripts/test-secret-service.sh` starts a throwaway D-Bus session with an
//! unlocked gnome-keyring and runs it with `--ignored` (CI does, through `scripts/test.sh`).

use atelier_keys::{KeyStore, KeyringStore, SecretKey};

fn key(text: &str) -> SecretKey {
    SecretKey::new(text).expect("valid test key")
}

#[test]
#[ignore = "needs a real Secret Service: run scripts/test-secret-service.sh"]
fn real_secret_service_round_trip() {
    // A service name of its own, so the test never touches the app's real entries.
    let service = format!("dev.atelier.test.{}", std::process::id());
    let store = KeyringStore::with_service(&service);
    store
        .probe()
        .expect("the Secret Service should be reachable");

    let account = "linkr";
    assert_eq!(store.get(account).expect("get before set"), None);

    store.set(account, &key("lkr_first_1234")).expect("set");
    assert_eq!(
        store.get(account).expect("get"),
        Some(key("lkr_first_1234"))
    );

    // A fresh store (fresh keyring Entry values) sees the same value: it really is persisted.
    let fresh = KeyringStore::with_service(&service);
    assert_eq!(
        fresh.get(account).expect("fresh get"),
        Some(key("lkr_first_1234"))
    );

    // Replace, then read back through yet another instance.
    store
        .set(account, &key("lkr_second_9f2c"))
        .expect("replace");
    let again = KeyringStore::with_service(&service);
    let got = again.get(account).expect("get replaced").expect("present");
    assert_eq!(got.expose(), "lkr_second_9f2c");
    assert_eq!(got.last4(), "9f2c");

    // Accounts are separate entries.
    assert_eq!(store.get("journey").expect("other account"), None);

    assert!(store.delete(account).expect("delete"));
    assert_eq!(fresh.get(account).expect("get after delete"), None);
    assert!(!store.delete(account).expect("second delete is fine"));
    store
        .probe()
        .expect("probe still fine, and it stored nothing");
}
