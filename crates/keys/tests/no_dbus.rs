//! With no D-Bus session the keyring store must say so plainly and never fall back to
//! plaintext. This file holds one test, so changing the process environment is safe here.

#[cfg(target_os = "linux")]
#[test]
fn without_a_session_bus_everything_is_unavailable() {
    use atelier_keys::{KeyStore, KeyStoreError, KeyringStore, SecretKey};

    // Point the session bus at nothing (and give no X display for D-Bus autolaunch).
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/atelier-no-session-bus",
    );
    std::env::remove_var("DISPLAY");

    let store =
        KeyringStore::with_service(format!("dev.atelier.test.nobus.{}", std::process::id()));
    let err = store.probe().expect_err("no keyring without a bus");
    assert!(
        matches!(err, KeyStoreError::Unavailable { .. }),
        "expected Unavailable, got {err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("No system keyring available: "),
        "unexpected message: {text}"
    );
    assert!(text.contains("gnome-keyring"), "no next step in: {text}");
    assert_eq!(err.code(), "keyring_unavailable");

    // Storing must fail too (no silent fallback), and reading must not invent a key.
    let key = SecretKey::new("lkr_never_stored").expect("valid");
    assert!(matches!(
        store.set("linkr", &key).expect_err("set fails"),
        KeyStoreError::Unavailable { .. }
    ));
    assert!(matches!(
        store.get("linkr").expect_err("get fails"),
        KeyStoreError::Unavailable { .. }
    ));
    // The error text never carries the key.
    let set_err = store.set("linkr", &key).expect_err("set fails");
    assert!(!set_err.to_string().contains("lkr_never_stored"));
}
