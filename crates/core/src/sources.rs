//! Image inputs for the creation modes and references: both services take image *links*, so
//! a link typed by the person, or a gallery image's original provider link, is checked before
//! anything is sent ([`ImageUrlCheck`], [`ImageSource`]). The checks themselves (a `HEAD`,
//! then a `GET` of one byte, through the library's guarded HTTP client) run in
//! `app::sources`; this module holds the answers and their sentences.

use atelier_library::{ImageSlot, LibraryError};
use atelier_providers::{ProviderKind, Task};
use serde::Serialize;
use std::time::Duration;
use ts_rs::TS;

/// How long a reachability check may take, per request.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(8);

/// Whether an image link can be sent: it is an http(s) link that answers.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ImageUrlCheck {
    /// True when the link can be sent.
    pub ok: bool,
    /// Why not, in a sentence with a next step; `None` when it can.
    pub message: Option<String>,
}

impl ImageUrlCheck {
    /// A link that can be sent.
    pub fn ok() -> Self {
        ImageUrlCheck {
            ok: true,
            message: None,
        }
    }

    /// A link that cannot, and why.
    pub fn refused(message: impl Into<String>) -> Self {
        ImageUrlCheck {
            ok: false,
            message: Some(message.into()),
        }
    }
}

/// A gallery image's original provider link, when it can still be sent.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ImageSource {
    /// The link to send; `None` when the image has none that still answers.
    pub url: Option<String>,
    /// Why there is no link, in a sentence; `None` when there is one.
    pub message: Option<String>,
}

impl ImageSource {
    /// A link that answers.
    pub fn found(url: String) -> Self {
        ImageSource {
            url: Some(url),
            message: None,
        }
    }

    /// No link, and why.
    pub fn missing(message: impl Into<String>) -> Self {
        ImageSource {
            url: None,
            message: Some(message.into()),
        }
    }
}

/// The sentence for a typed link that does not answer (`why` from the check).
pub fn unreachable_sentence(why: &LibraryError) -> String {
    match why {
        LibraryError::Rejected(reason) => format!(
            "This link cannot be sent ({reason}). Use a public image link that starts with \
             http:// or https://."
        ),
        LibraryError::Download(reason) => format!(
            "This link does not answer ({reason}). Check it opens in a browser, or use \
             another image link."
        ),
        other => format!("This link could not be checked ({other}). Try again."),
    }
}

/// The sentence for a gallery image whose provider link no longer answers.
pub fn expired_sentence(provider: ProviderKind) -> String {
    format!(
        "This image's link at {} has expired, so it cannot be sent. Put the image somewhere \
         public on the web and paste its link instead.",
        provider.display_name()
    )
}

/// The original provider link of the image kept in `slot` of `task`, or the sentence saying
/// why it has none: a quadrant Atelier cut from a grid has no link of its own; a video is not
/// an image.
pub fn provider_link(task: &Task, slot: ImageSlot) -> Result<String, String> {
    let name = task.provider.display_name();
    let link = match slot {
        ImageSlot::Grid => task.grid_url.clone(),
        ImageSlot::Single(n) => task.image_urls.get(usize::from(n).wrapping_sub(1)).cloned(),
        ImageSlot::Result => task.image_url.clone(),
        ImageSlot::Video(_) => {
            return Err(
                "This is a video, and only pictures can be sent as image inputs. Pick a \
                 picture instead."
                    .to_string(),
            )
        }
    };
    match (link, slot) {
        (Some(url), _) => Ok(url),
        (None, ImageSlot::Single(_)) => Err(format!(
            "{name} has no link for this image alone: Atelier cut it from its grid. Upscale it \
             (U1-U4) and use the upscale, or paste a link to the image."
        )),
        (None, _) => Err(format!(
            "{name} never sent a link for this image, so it cannot be sent. Paste a link to \
             the image instead."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_providers::TaskKind;

    #[test]
    fn each_slot_has_its_link_or_a_sentence() {
        let mut t = Task::new("t", ProviderKind::Linkr, TaskKind::Imagine);
        t.grid_url = Some("https://cdn.example/g.png".into());
        assert_eq!(
            provider_link(&t, ImageSlot::Grid).as_deref(),
            Ok("https://cdn.example/g.png")
        );
        let cut = provider_link(&t, ImageSlot::Single(2)).unwrap_err();
        assert!(
            cut.starts_with("LinkrAPI has no link for this image alone"),
            "{cut}"
        );
        t.image_urls = (1..=4)
            .map(|i| format!("https://cdn.example/{i}.png"))
            .collect();
        assert_eq!(
            provider_link(&t, ImageSlot::Single(2)).as_deref(),
            Ok("https://cdn.example/2.png")
        );
        assert!(provider_link(&t, ImageSlot::Result).is_err());
        assert!(provider_link(&t, ImageSlot::Video(1))
            .unwrap_err()
            .contains("is a video"));
        assert_eq!(
            expired_sentence(ProviderKind::Journey),
            "This image's link at JourneyAPI has expired, so it cannot be sent. Put the image \
             somewhere public on the web and paste its link instead."
        );
    }
}
