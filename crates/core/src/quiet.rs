//! [`AfterQuiet`]: work that waits until a burst of calls has stopped.
//!
//! The gallery's queries come in bursts (a page per second while the person scrolls, then
//! nothing); what the library keeps to answer them fast (its mapped file pages, its page
//! caches) is worth giving back once the burst is over, not between two pages of it.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Runs an action once `quiet` has passed since the last [`AfterQuiet::touch`] (a debounce):
/// a burst of touches runs it once, after the burst.
#[derive(Debug)]
pub struct AfterQuiet {
    quiet: Duration,
    /// The number of the last touch: a waiting action runs only if it is still the last.
    last: Arc<AtomicU64>,
}

impl AfterQuiet {
    /// Actions wait for `quiet` without a touch.
    pub fn new(quiet: Duration) -> Self {
        AfterQuiet {
            quiet,
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Another call of the burst: `action` runs once `quiet` has passed with no other touch
    /// (the actions of earlier touches are dropped unrun). Needs a tokio runtime; blocking work
    /// belongs in `spawn_blocking` inside the action.
    pub fn touch(&self, action: impl Future<Output = ()> + Send + 'static) {
        let turn = self.last.fetch_add(1, Ordering::Relaxed) + 1;
        let last = Arc::clone(&self.last);
        let quiet = self.quiet;
        tokio::spawn(async move {
            tokio::time::sleep(quiet).await;
            if last.load(Ordering::Relaxed) == turn {
                action.await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Lets the spawned waits run on the (paused, advanced) clock.
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_runs_the_action_once_after_it_stops() {
        let quiet = AfterQuiet::new(Duration::from_secs(10));
        let runs = Arc::new(AtomicUsize::new(0));
        let action = || {
            let runs = Arc::clone(&runs);
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
            }
        };
        for _ in 0..5 {
            quiet.touch(action());
            // The wait starts when its task first runs.
            settle().await;
            tokio::time::advance(Duration::from_secs(4)).await;
            settle().await;
        }
        assert_eq!(runs.load(Ordering::SeqCst), 0, "ran during the burst");
        tokio::time::advance(Duration::from_secs(7)).await;
        settle().await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // A later burst runs it again, once.
        quiet.touch(action());
        quiet.touch(action());
        settle().await;
        tokio::time::advance(Duration::from_secs(11)).await;
        settle().await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        tokio::time::advance(Duration::from_secs(60)).await;
        settle().await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
