//! Checking image inputs before they are sent (see `crate::sources`): a typed link must be
//! http(s) and answer; a gallery image goes by its original provider link while that link
//! still answers.

use super::lane::LaneKind;
use super::{blocking, Atelier};
use crate::endpoints::{self, PROVIDERS};
use crate::error::{AppError, ErrorCode};
use crate::sources::{
    expired_sentence, provider_link, unreachable_sentence, ImageSource, ImageUrlCheck,
    CHECK_TIMEOUT,
};
use atelier_library::{ImageSlot, LibraryError};

impl Atelier {
    /// Checks a typed or pasted image link: http(s), an address the app may fetch (loopback
    /// only for the built-in simulator, or a live provider whose own base URL is loopback),
    /// and answering a `HEAD` (or a one-byte `GET`) within a few seconds. The answer says why
    /// not in a sentence; it is never an error.
    pub async fn check_image_url(&self, url: &str) -> ImageUrlCheck {
        let url = url.trim();
        if let Err(e) = atelier_providers::validate::http_url("image_url", url) {
            return ImageUrlCheck::refused(e.to_string());
        }
        let lane = if self.is_own_loopback(url) {
            LaneKind::Demo
        } else {
            LaneKind::Live
        };
        // The demo lane's policy allows loopback; the live one with no base URL allows only
        // public hosts.
        let cache = self.inner.images.cache(lane, "");
        match cache.check_reachable(url, CHECK_TIMEOUT).await {
            Ok(()) => ImageUrlCheck::ok(),
            Err(e) => ImageUrlCheck::refused(unreachable_sentence(&e)),
        }
    }

    /// A gallery image's original provider link, checked like [`Atelier::check_image_url`]
    /// under its own task's lane: `url: None` and a sentence when it has none or it expired.
    pub async fn image_source_url(&self, image_id: i64) -> Result<ImageSource, AppError> {
        let library = self.inner.library.clone();
        let (item, stored) = blocking(move || {
            let item = library
                .get_image(image_id)?
                .ok_or(LibraryError::ImageNotFound(image_id))?;
            let stored = library.get_task(&item.task_id)?;
            Ok((item, stored))
        })
        .await?;
        let lane = LaneKind::from_demo(item.demo);
        let task = self
            .lane(lane)
            .engine
            .get(&item.task_id)
            .or(stored.map(|s| s.task))
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    "This image's task is not in the library any more, so its link is unknown.",
                )
            })?;
        let Some(slot) = ImageSlot::from_key(&item.slot) else {
            return Ok(ImageSource::missing(
                "Atelier does not know where this image came from, so it cannot be sent. Paste \
                 a link to the image instead.",
            ));
        };
        let url = match provider_link(&task, slot) {
            Ok(url) => url,
            Err(sentence) => return Ok(ImageSource::missing(sentence)),
        };
        let cache = self.image_cache(lane, task.provider);
        Ok(match cache.check_reachable(&url, CHECK_TIMEOUT).await {
            Ok(()) => ImageSource::found(url),
            Err(LibraryError::Rejected(_)) => ImageSource::missing(format!(
                "This image's link at {} cannot be sent from here. Paste a public link to the \
                 image instead.",
                task.provider.display_name()
            )),
            Err(_) => ImageSource::missing(expired_sentence(task.provider)),
        })
    }

    /// True when `url` points at the built-in simulator, or at a live provider whose own base
    /// URL is loopback (a local test server): the only loopback links the app may check.
    fn is_own_loopback(&self, url: &str) -> bool {
        let Ok(parsed) = url::Url::parse(url) else {
            return false;
        };
        let origin = |u: &url::Url| {
            let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
            let host = if host == "localhost" {
                "127.0.0.1".to_string()
            } else {
                host
            };
            (host, u.port_or_known_default())
        };
        let here = origin(&parsed);
        let sim = self.inner.simulator.addr();
        if here == (sim.ip().to_string(), Some(sim.port())) {
            return true;
        }
        let Ok(settings) = self.inner.settings.read() else {
            return false;
        };
        PROVIDERS.iter().any(|&p| {
            let base = endpoints::real_base_url(p, &settings).0;
            self.has_key(p)
                && atelier_library::is_loopback_base_url(&base)
                && url::Url::parse(&base).is_ok_and(|b| origin(&b) == here)
        })
    }
}
