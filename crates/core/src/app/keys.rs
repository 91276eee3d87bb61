//! Provider keys: stored in the keyring, turned into live clients, removed at once; and
//! JourneyAPI's credits, read with whichever client serves it.

use super::Atelier;
use crate::demo::demo_client;
use crate::endpoints::{self, key_account};
use crate::error::{AppError, ErrorCode};
use crate::view::{AppState, UiEvent};
use atelier_keys::SecretKey;
use atelier_providers::{JourneyClient, KeyCheck, LinkrClient, ProviderClient, ProviderKind};

impl Atelier {
    /// Stores `key` for `provider` in the keyring; from now on that provider is live.
    pub async fn set_key(&self, provider: ProviderKind, key: &str) -> Result<AppState, AppError> {
        self.require_keyring()?;
        let secret = SecretKey::new(key)?;
        let store = self.inner.key_store.clone();
        let stored = secret.clone();
        tokio::task::spawn_blocking(move || store.set(key_account(provider), &stored))
            .await
            .map_err(|e| AppError::internal(e.to_string()))??;
        self.install_live_client(provider, Some(&secret))?;
        if provider == ProviderKind::Journey {
            self.refresh_credits().await;
        }
        // Jobs asked with this key that waited for it can go.
        self.wake_queue();
        Ok(self.app_state())
    }

    /// Removes `provider`'s key from the keyring; that provider goes back to the demo.
    pub async fn delete_key(&self, provider: ProviderKind) -> Result<AppState, AppError> {
        self.require_keyring()?;
        let store = self.inner.key_store.clone();
        tokio::task::spawn_blocking(move || store.delete(key_account(provider)))
            .await
            .map_err(|e| AppError::internal(e.to_string()))??;
        self.install_live_client(provider, None)?;
        if provider == ProviderKind::Journey {
            self.refresh_credits().await;
        }
        Ok(self.app_state())
    }

    /// Asks the provider whether the stored key works (LinkrAPI: a fetch of a random id,
    /// 404 = valid; JourneyAPI: `/account`, with credits and plan).
    pub async fn test_key(&self, provider: ProviderKind) -> Result<KeyCheck, AppError> {
        self.require_keyring()?;
        let Some(key) = self.read_key(provider).await? else {
            return Err(AppError::new(
                ErrorCode::NoKey,
                format!(
                    "No {} key is set yet. Paste one and press Save first.",
                    provider.display_name()
                ),
            ));
        };
        let client = self.live_client(provider, &key)?;
        let check = client.check_key().await?;
        if check.valid && provider == ProviderKind::Journey {
            self.refresh_credits().await;
        }
        Ok(check)
    }

    pub(super) fn require_keyring(&self) -> Result<(), AppError> {
        match &self.inner.keyring.message {
            Some(m) if !self.inner.keyring.available => {
                Err(AppError::new(ErrorCode::KeyringUnavailable, m.clone()))
            }
            _ => Ok(()),
        }
    }

    pub(super) async fn read_key(
        &self,
        provider: ProviderKind,
    ) -> Result<Option<SecretKey>, AppError> {
        let store = self.inner.key_store.clone();
        let key = tokio::task::spawn_blocking(move || store.get(key_account(provider)))
            .await
            .map_err(|e| AppError::internal(e.to_string()))??;
        Ok(key)
    }

    pub(super) fn live_client(
        &self,
        provider: ProviderKind,
        key: &SecretKey,
    ) -> Result<ProviderClient, AppError> {
        let (base, _) = endpoints::real_base_url(provider, &self.settings());
        let client = match provider {
            ProviderKind::Linkr => {
                ProviderClient::Linkr(LinkrClient::new(&base, key.secret().clone())?)
            }
            ProviderKind::Journey => {
                ProviderClient::Journey(JourneyClient::new(&base, key.secret().clone())?)
            }
        };
        Ok(match self.inner.live_request_timeout {
            Some(timeout) => client.with_timeout(timeout),
            None => client,
        })
    }

    /// Points the live engine at `provider` with `key` (or removes it), and remembers the
    /// key's last four characters for the UI.
    pub(super) fn install_live_client(
        &self,
        provider: ProviderKind,
        key: Option<&SecretKey>,
    ) -> Result<(), AppError> {
        if let Ok(mut m) = self.inner.key_last4.lock() {
            match key {
                Some(k) => m.insert(provider, k.last4()),
                None => m.remove(&provider),
            };
        }
        match key {
            Some(key) => {
                let client = self.live_client(provider, key)?;
                self.inner.live.engine.register_client(provider, client);
            }
            // Without its key, nothing more is sent for this provider's live tasks: no poll,
            // no action. They wait in the engine until a key is set again.
            None => {
                self.inner.live.engine.remove_client(provider);
            }
        }
        Ok(())
    }

    pub(super) fn has_key(&self, provider: ProviderKind) -> bool {
        self.inner
            .key_last4
            .lock()
            .map(|m| m.contains_key(&provider))
            .unwrap_or(false)
    }

    /// Reads JourneyAPI's credits from whichever client serves it now.
    pub(super) async fn refresh_credits(&self) {
        let client = if self.has_key(ProviderKind::Journey) {
            match self.read_key(ProviderKind::Journey).await {
                Ok(Some(key)) => self.live_client(ProviderKind::Journey, &key).ok(),
                _ => None,
            }
        } else {
            demo_client(ProviderKind::Journey, &self.inner.simulator).ok()
        };
        let credits = match client {
            Some(ProviderClient::Journey(c)) => c.account().await.ok().and_then(|a| a.credits),
            _ => None,
        };
        if let Ok(mut c) = self.inner.credits.lock() {
            *c = credits;
        }
        // No receiver (no window yet) is fine: the app state carries the same number.
        let _ = self
            .inner
            .events
            .send(UiEvent::Credits(crate::view::CreditsChanged {
                provider: ProviderKind::Journey,
                credits,
            }));
    }
}
