//! # atelier-notify
//!
//! Desktop notifications for Atelier: [`show`] puts a notification on screen and calls back
//! when the person clicks it, so the app can bring its window to the task the notification is
//! about.
//!
//! Why not `tauri-plugin-notification`: on desktops the plugin hands the notification to
//! `notify-rust` and drops the handle, so a click is never heard (its `onAction` exists on
//! mobile only). This crate uses `notify-rust` itself and keeps the handle: on Linux and the
//! BSDs (the freedesktop.org notification service over D-Bus) it declares the `default`
//! action, which is what a click on the notification's body invokes, and waits for it on a
//! thread of its own. On macOS and Windows the notification is shown without a click answer.

use std::path::PathBuf;
use thiserror::Error;

/// The application name notifications carry (and, on Linux, the desktop entry they belong to,
/// so the desktop shows Atelier's icon and groups them: `Atelier.desktop`).
pub const APP_NAME: &str = "Atelier";

/// One notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The first line.
    pub title: String,
    /// The text under it.
    pub body: String,
    /// A picture shown with it, where the desktop shows pictures.
    pub image: Option<PathBuf>,
}

/// Why a notification could not be shown.
#[derive(Debug, Error)]
pub enum NotifyError {
    /// No notification service answered (none is running, or the desktop has none).
    #[error("no desktop notification service answered: {0}")]
    Unavailable(String),
}

/// Shows `notice`; `on_click` runs (on a thread of this crate's) when the person clicks it.
/// Returns once the notification is on screen, without waiting for the click.
pub fn show(notice: &Notice, on_click: impl FnOnce() + Send + 'static) -> Result<(), NotifyError> {
    let mut n = notify_rust::Notification::new();
    n.appname(APP_NAME)
        .summary(&notice.title)
        .body(&notice.body);
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        use notify_rust::Hint;
        n.hint(Hint::DesktopEntry("Atelier".into()));
        // The `default` action is what a click on the notification's body invokes.
        n.action("default", "Open in Atelier");
        if let Some(image) = &notice.image {
            n.hint(Hint::ImagePath(image.to_string_lossy().into_owned()));
        }
    }
    let handle = n
        .show()
        .map_err(|e| NotifyError::Unavailable(e.to_string()))?;
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let spawned = std::thread::Builder::new()
            .name("atelier-notification".into())
            .spawn(move || {
                handle.wait_for_action(|action| {
                    if action == "default" {
                        on_click();
                    }
                })
            });
        if let Err(e) = spawned {
            tracing::warn!("could not wait for a click on the notification: {e}");
        }
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        let _ = (handle, on_click);
    }
    Ok(())
}
