//! [`Poller`]: the two read calls the scheduler needs from a provider, behind a trait so the
//! scheduler's timing can be unit-tested with a fake provider. [`ProviderClient`] implements it.

use std::future::Future;
use std::pin::Pin;

use atelier_providers::{ProviderClient, ProviderError, Task};

/// A boxed poll future.
pub(crate) type PollFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<Task>, ProviderError>> + Send + 'a>>;

/// Reads task state from one provider.
pub(crate) trait Poller: Send + Sync + 'static {
    /// True when [`Poller::fetch_many`] can be used (JourneyAPI `/fetch-many`).
    fn supports_batch(&self) -> bool;
    /// Fetches one task (the answer holds exactly one task on success).
    fn fetch(&self, id: String) -> PollFuture<'_>;
    /// Fetches 2..=20 tasks in one request; unknown ids are left out of the answer.
    fn fetch_many(&self, ids: Vec<String>) -> PollFuture<'_>;
}

impl Poller for ProviderClient {
    fn supports_batch(&self) -> bool {
        self.supports_batch_fetch()
    }

    fn fetch(&self, id: String) -> PollFuture<'_> {
        Box::pin(async move { ProviderClient::fetch(self, &id).await.map(|t| vec![t]) })
    }

    fn fetch_many(&self, ids: Vec<String>) -> PollFuture<'_> {
        Box::pin(async move { ProviderClient::fetch_many(self, &ids).await })
    }
}
