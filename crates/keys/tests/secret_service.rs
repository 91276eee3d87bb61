//! Round trip against a REAL Secret Service (e.g. gnome-keyring on a private D-Bus session).
//!
//! Runs only when `ATELIER_SECRET_SERVICE_TEST=1`; otherwise it prints a note and passes.
//! `scripts/test-secret-service.sh` starts a throwaway D-Bus session with an unlocked
//! gnome-keyring and runs this file.

use atelier_keys::{KeyStore, KeyringStore, SecretKey};

fn enabled() -> bool {
    if std::env::var("ATELIER_SECRET_SERVICE_TEST").as_deref() == Ok("1") {
        return true;
    }
    eprintln!(
        "skipped: set ATELIER_SECRET_SERVICE_TEST=1 (see scripts/test-secret-service.sh) to run \
         against a real Secret Service"
    );
    false
}

fn key(text: &str) -> SecretKey {
    SecretKey::new(text).expect("valid test key")
}

#[test]
fn real_secret_service_round_trip() {
    if !enabled() {
        return;
    }
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
