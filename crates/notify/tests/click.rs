//! The notification boundary against a real D-Bus: a stand-in for the desktop's notification
//! service (`org.freedesktop.Notifications`) on the session bus receives what [`show`] sends,
//! and a click on it (the `default` action) reaches the app's callback.
//!
//! Needs a session bus of its own, so it is `#[ignore]`d and run by `scripts/test.sh` with
//! `--ignored` inside `dbus-run-session`, where it owns the notification service's name.

#[path = "support/stand_in.rs"]
mod stand_in;

use atelier_notify::{show, Notice, APP_NAME};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test]
#[ignore = "needs its own D-Bus session: run with --ignored inside dbus-run-session"]
async fn a_notification_is_shown_and_its_click_reaches_the_app() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let conn = stand_in::serve(stand_in::Service {
        seen: seen.clone(),
        on_notify: Box::new(|_| {}),
    })
    .await
    .expect("the stand-in owns the notification service's name (run inside dbus-run-session)");

    let image = std::env::temp_dir().join("atelier-notify-test.png");
    std::fs::write(&image, b"not really a png").expect("image file");
    let notice = Notice {
        title: "Done: Imagine".into(),
        body: "a paper boat on a puddle".into(),
        image: Some(image.clone()),
    };
    let (clicked_tx, mut clicked_rx) = tokio::sync::mpsc::unbounded_channel();
    let shown = notice.clone();
    tokio::task::spawn_blocking(move || {
        show(&shown, move || {
            let _ = clicked_tx.send(());
        })
    })
    .await
    .expect("joins")
    .expect("shown");

    let got = seen.lock().expect("lock").clone();
    assert_eq!(got.len(), 1, "one notification: {got:?}");
    let n = &got[0];
    assert_eq!(n.app_name, APP_NAME);
    assert_eq!(n.summary, "Done: Imagine");
    assert_eq!(n.body, "a paper boat on a puddle");
    assert_eq!(
        n.actions,
        vec!["default".to_string(), "Open in Atelier".into()]
    );
    let hint = |k: &str| {
        n.hints
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(hint("desktop-entry").as_deref(), Some("Atelier"));
    assert_eq!(
        hint("image-path").map(PathBuf::from),
        Some(image.clone()),
        "{:?}",
        n.hints
    );

    // The person clicks it. The app's listener subscribes on its own thread, so the click is
    // sent again until it is heard (a real click can only come after the notification shows).
    let clicked = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            stand_in::click(&conn, 1).await.expect("signal sent");
            if tokio::time::timeout(Duration::from_millis(100), clicked_rx.recv())
                .await
                .is_ok()
            {
                return;
            }
        }
    })
    .await;
    assert!(clicked.is_ok(), "the click reached the app");
    let _ = std::fs::remove_file(image);
}
