//! [`ProviderClient`]: either client behind one type, for the engine and the app.

use std::time::Duration;

use crate::error::{ProviderError, Result};
use crate::journey::JourneyClient;
use crate::linkr::LinkrClient;
use crate::model::{
    ActionInput, CreateRequest, ImagineRequest, KeyCheck, ProviderKind, Submission, Task,
};
use crate::validate;

/// Either provider's client with one API.
#[derive(Clone, Debug)]
pub enum ProviderClient {
    /// LinkrAPI.
    Linkr(LinkrClient),
    /// JourneyAPI.
    Journey(JourneyClient),
}

impl From<LinkrClient> for ProviderClient {
    fn from(c: LinkrClient) -> Self {
        ProviderClient::Linkr(c)
    }
}

impl From<JourneyClient> for ProviderClient {
    fn from(c: JourneyClient) -> Self {
        ProviderClient::Journey(c)
    }
}

impl ProviderClient {
    /// A client for `kind` at `base_url` with this key. Sends nothing.
    pub fn new(kind: ProviderKind, base_url: &str, api_key: &str) -> Result<Self> {
        Ok(match kind {
            ProviderKind::Linkr => ProviderClient::Linkr(LinkrClient::new(base_url, api_key)?),
            ProviderKind::Journey => {
                ProviderClient::Journey(JourneyClient::new(base_url, api_key)?)
            }
        })
    }

    /// The same client with another request timeout (default 30 s).
    pub fn with_timeout(self, timeout: Duration) -> Self {
        match self {
            ProviderClient::Linkr(c) => ProviderClient::Linkr(c.with_timeout(timeout)),
            ProviderClient::Journey(c) => ProviderClient::Journey(c.with_timeout(timeout)),
        }
    }

    /// Which provider this is.
    pub fn kind(&self) -> ProviderKind {
        match self {
            ProviderClient::Linkr(_) => ProviderKind::Linkr,
            ProviderClient::Journey(_) => ProviderKind::Journey,
        }
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        match self {
            ProviderClient::Linkr(c) => c.base_url(),
            ProviderClient::Journey(c) => c.base_url(),
        }
    }

    /// Starts a new prompt.
    pub async fn imagine(&self, req: &ImagineRequest) -> Result<Submission> {
        match self {
            ProviderClient::Linkr(c) => c.imagine(req).await,
            ProviderClient::Journey(c) => c.imagine(req).await,
        }
    }

    /// A creation mode (blend, describe, shorten, video). JourneyAPI only: LinkrAPI has no
    /// endpoint for them, so it answers with a sentence naming JourneyAPI and sends nothing.
    pub async fn create(&self, req: &CreateRequest) -> Result<Submission> {
        match self {
            ProviderClient::Linkr(_) => {
                crate::inputs::create_for(ProviderKind::Linkr, req)?;
                Err(ProviderError::invalid(
                    "provider",
                    "LinkrAPI has no creation modes.",
                ))
            }
            ProviderClient::Journey(c) => c.create(req).await,
        }
    }

    /// Presses one of `parent`'s buttons by its [`crate::Action::id`] (or a symbolic name).
    /// LinkrAPI cannot take extra input, so a non-empty `input.prompt`, `mask`, `zoom_ratio`
    /// or `aspect_ratio` is refused there.
    pub async fn action(
        &self,
        parent: &Task,
        action_id: &str,
        input: &ActionInput,
    ) -> Result<Submission> {
        match self {
            ProviderClient::Linkr(c) => {
                if input
                    .prompt
                    .as_deref()
                    .is_some_and(|p| !p.trim().is_empty())
                {
                    return Err(ProviderError::invalid(
                        "prompt",
                        "LinkrAPI buttons cannot take a new prompt. Start a new imagine instead.",
                    ));
                }
                if input.mask_text().is_some() {
                    return Err(ProviderError::invalid(
                        "mask",
                        "LinkrAPI buttons cannot take a mask. Use JourneyAPI for Vary (Region).",
                    ));
                }
                if input.zoom_ratio.is_some() || input.aspect_ratio_text().is_some() {
                    return Err(ProviderError::invalid(
                        "zoom_ratio",
                        "LinkrAPI buttons cannot take a zoom ratio. Use JourneyAPI for Custom Zoom.",
                    ));
                }
                c.action(parent, action_id).await
            }
            ProviderClient::Journey(c) => c.action(parent, action_id, input).await,
        }
    }

    /// Reads one task.
    pub async fn fetch(&self, task_id: &str) -> Result<Task> {
        match self {
            ProviderClient::Linkr(c) => c.fetch(task_id).await,
            ProviderClient::Journey(c) => c.fetch(task_id).await,
        }
    }

    /// True when [`ProviderClient::fetch_many`] reads many tasks per request (JourneyAPI).
    pub fn supports_batch_fetch(&self) -> bool {
        matches!(self, ProviderClient::Journey(_))
    }

    /// Reads any number of tasks: JourneyAPI in batches of up to 20 (`/fetch-many`),
    /// LinkrAPI one by one. Unknown ids are left out; any other error stops the call.
    pub async fn fetch_many(&self, task_ids: &[String]) -> Result<Vec<Task>> {
        for id in task_ids {
            validate::task_id(id)?;
        }
        match self {
            ProviderClient::Journey(c) => c.fetch_batched(task_ids).await,
            ProviderClient::Linkr(c) => {
                let mut out = Vec::with_capacity(task_ids.len());
                for id in task_ids {
                    match c.fetch(id).await {
                        Ok(t) => out.push(t),
                        Err(ProviderError::NotFound { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(out)
            }
        }
    }

    /// Checks the key: `valid: false` with "Key rejected: ..." when the provider refuses it.
    pub async fn check_key(&self) -> Result<KeyCheck> {
        match self {
            ProviderClient::Linkr(c) => c.check_key().await,
            ProviderClient::Journey(c) => c.check_key().await,
        }
    }
}
