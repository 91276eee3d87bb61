//! The app core as the window sees it while it starts.
//!
//! Starting the core (keyring probe over D-Bus, opening the library, starting the demo
//! simulator, resuming unfinished tasks) takes a moment. Doing it inside Tauri's setup hook
//! would hold the main thread, and with it the window's first paint, until it is done. Instead
//! the shell starts it in the background and manages a [`CoreSlot`]: every command awaits
//! [`CoreSlot::get`], which returns the core as soon as it is up, or the sentence saying why it
//! could not start (shown in the window rather than a silent exit).

use atelier_core::{AppError, Atelier};
use tokio::sync::watch;

/// `Atelier` is itself a cheap handle (every clone is the same app), so the slot holds it as is.
type Slot = Option<Result<Atelier, AppError>>;

/// A handle to the core that may still be starting. Cheap to clone.
#[derive(Clone)]
pub struct CoreSlot(watch::Receiver<Slot>);

/// Fills the [`CoreSlot`] once; dropping it unfilled makes every waiter get an error.
pub struct CoreFiller(watch::Sender<Slot>);

impl CoreSlot {
    /// An empty slot and the one filler that can fill it.
    pub fn new() -> (CoreSlot, CoreFiller) {
        let (tx, rx) = watch::channel(None);
        (CoreSlot(rx), CoreFiller(tx))
    }

    /// The core, waiting for it to finish starting if need be.
    pub async fn get(&self) -> Result<Atelier, AppError> {
        let mut rx = self.0.clone();
        let slot = rx.wait_for(Option::is_some).await.map_err(|_| {
            AppError::internal("Atelier stopped while it was starting. Restart the app.")
        })?;
        match &*slot {
            Some(result) => result.clone(),
            None => Err(AppError::internal(
                "Atelier has not started. Restart the app.",
            )),
        }
    }
}

impl CoreFiller {
    /// Publishes the started core, or why it could not start.
    pub fn fill(self, result: Result<Atelier, AppError>) {
        // No receivers left means the app is shutting down: nothing to tell.
        let _ = self.0.send(Some(result));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_core::ErrorCode;

    #[tokio::test]
    async fn a_waiter_gets_what_the_filler_publishes_later() {
        let (slot, filler) = CoreSlot::new();
        let waiter = tokio::spawn({
            let slot = slot.clone();
            async move { slot.get().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "get() waits while the core starts");
        filler.fill(Err(AppError::new(ErrorCode::Startup, "the disk is full")));
        let got = waiter
            .await
            .expect("joins")
            .err()
            .expect("the start's error");
        assert_eq!(got.code, ErrorCode::Startup);
        assert_eq!(got.message, "the disk is full");
        // Later callers get the same answer at once.
        let again = slot.get().await.err().expect("the same error");
        assert_eq!(again.message, "the disk is full");
    }

    #[tokio::test]
    async fn a_filler_dropped_unfilled_is_an_error_not_a_hang() {
        let (slot, filler) = CoreSlot::new();
        drop(filler);
        let err = slot.get().await.err().expect("an error");
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(err.message.contains("Restart the app"), "{}", err.message);
    }
}
