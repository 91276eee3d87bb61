//! Input checks that run before any request is sent.
//!
//! Each check returns [`ProviderError::InvalidInput`] with a sentence saying what to change.

use crate::error::{ProviderError, Result};
use crate::model::{ImagineRequest, ModelGroup, ProviderKind, Task, TaskStatus};
use crate::models;

/// The longest prompt accepted, in characters.
pub const MAX_PROMPT_CHARS: usize = 6000;
/// The longest task id accepted.
pub const MAX_TASK_ID_LEN: usize = 128;
/// The longest URL accepted as an input.
pub const MAX_URL_LEN: usize = 4096;
pub use crate::rules::ASPECT_RATIOS;
/// The longest model name sent.
pub const MAX_MODEL_CHARS: usize = 100;
/// A prompt must have visible text and at most [`MAX_PROMPT_CHARS`] characters.
pub fn prompt(prompt: &str) -> Result<()> {
    if prompt.trim().is_empty() {
        return Err(ProviderError::invalid(
            "prompt",
            "The prompt is empty. Type what you want to see.",
        ));
    }
    let chars = prompt.chars().count();
    if chars > MAX_PROMPT_CHARS {
        return Err(ProviderError::invalid(
            "prompt",
            format!("The prompt is too long ({chars} characters; the limit is {MAX_PROMPT_CHARS}). Shorten it."),
        ));
    }
    Ok(())
}

/// An aspect ratio must be one of [`ASPECT_RATIOS`].
pub fn aspect_ratio(ratio: &str) -> Result<()> {
    if ASPECT_RATIOS.contains(&ratio.trim()) {
        Ok(())
    } else {
        Err(ProviderError::invalid(
            "aspect_ratio",
            format!(
                "Unknown aspect ratio \"{}\". Choose one of {}.",
                shorten(ratio),
                ASPECT_RATIOS.join(", ")
            ),
        ))
    }
}

/// A model name: LinkrAPI runs only Midjourney; JourneyAPI gets any sensible name, listed
/// or not (the service decides), but not an empty one, one with control characters, or one
/// longer than [`MAX_MODEL_CHARS`].
pub fn model(provider: ProviderKind, model: &str) -> Result<()> {
    let name = model.trim();
    if name.is_empty() {
        return Err(ProviderError::invalid(
            "model",
            "The model name is empty. Choose a model.",
        ));
    }
    if name.chars().any(char::is_control) || name.chars().count() > MAX_MODEL_CHARS {
        return Err(ProviderError::invalid(
            "model",
            format!(
                "\"{}\" is not a model name. Choose a model from the list.",
                shorten(&name.replace(char::is_control, " "))
            ),
        ));
    }
    match provider {
        ProviderKind::Journey => Ok(()),
        ProviderKind::Linkr if models::model_info(provider, name).is_some() => Ok(()),
        ProviderKind::Linkr => Err(ProviderError::invalid(
            "model",
            format!(
                "LinkrAPI runs only Midjourney, not \"{}\". Choose midjourney, or use JourneyAPI \
                 for other models.",
                shorten(name)
            ),
        )),
    }
}

/// A URL given as input must be an absolute http(s) URL with a host.
pub fn http_url(field: &str, raw: &str) -> Result<()> {
    let bad = || {
        ProviderError::invalid(
            field,
            format!(
                "\"{}\" is not a web address. Use a link that starts with http:// or https://.",
                shorten(raw)
            ),
        )
    };
    if raw.len() > MAX_URL_LEN {
        return Err(ProviderError::invalid(
            field,
            "The link is too long. Use a shorter image link.",
        ));
    }
    let parsed = url::Url::parse(raw.trim()).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(())
}

/// True when `id` is safe to put in a URL path: 1..=128 of `[A-Za-z0-9-_]`.
pub fn is_safe_task_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_TASK_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A task id must be non-empty and only `[A-Za-z0-9-_]`.
pub fn task_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(ProviderError::invalid("task_id", "The task id is empty."));
    }
    if !is_safe_task_id(id) {
        return Err(ProviderError::invalid(
            "task_id",
            format!(
                "\"{}\" is not a valid task id (only letters, digits, '-' and '_' are allowed).",
                shorten(id)
            ),
        ));
    }
    Ok(())
}

/// Checks a whole imagine request for one provider. An edit model (see
/// [`models::model_group`]) needs a reference image.
pub fn imagine(provider: ProviderKind, req: &ImagineRequest) -> Result<()> {
    prompt(&req.prompt)?;
    if let Some(m) = &req.model {
        model(provider, m)?;
    }
    if let Some(ar) = &req.aspect_ratio {
        aspect_ratio(ar)?;
    }
    if let Some(url) = &req.reference_image {
        http_url("reference_image", url)?;
    }
    if let Some(m) = &req.model {
        let has_image = req
            .reference_image
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty());
        if models::model_group(m) == ModelGroup::Edit && !has_image {
            return Err(ProviderError::invalid(
                "reference_image",
                format!(
                    "{} edits an image: add a reference image (an http or https link) to edit.",
                    shorten(m.trim())
                ),
            ));
        }
    }
    Ok(())
}

/// A parent task must belong to this provider, have a safe id and have succeeded.
pub fn parent(provider: ProviderKind, parent: &Task) -> Result<()> {
    if parent.provider != provider {
        return Err(ProviderError::invalid(
            "parent",
            format!(
                "This task was made with {}; its buttons can't be sent to {}.",
                parent.provider.display_name(),
                provider.display_name()
            ),
        ));
    }
    task_id(&parent.id)?;
    if parent.status != TaskStatus::Succeeded {
        return Err(ProviderError::invalid(
            "parent",
            "This task has not finished yet. Wait until it is done, then use its buttons.",
        ));
    }
    Ok(())
}

/// A button the parent lists as unavailable ([`crate::Action::unavailable`]) is refused with
/// its reason; ids the parent does not list are left to the client's own checks.
pub fn action_available(parent: &Task, action_id: &str) -> Result<()> {
    match parent
        .find_action(action_id.trim())
        .and_then(|a| a.unavailable.as_deref())
    {
        Some(reason) => Err(ProviderError::invalid("action", reason)),
        None => Ok(()),
    }
}

/// Cuts user text for quoting in a message.
fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskKind;

    #[test]
    fn prompts() {
        assert!(prompt("a cat").is_ok());
        assert!(prompt("").is_err());
        assert!(prompt("  \n\t ").is_err());
        assert!(prompt(&"é".repeat(6000)).is_ok());
        let err = prompt(&"a".repeat(6001)).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("too long"));
    }

    #[test]
    fn ratios_models_urls() {
        assert!(aspect_ratio("16:9").is_ok());
        assert!(aspect_ratio("5:4").is_err());
        assert!(model(ProviderKind::Journey, "flux-pro").is_ok());
        assert!(
            model(ProviderKind::Journey, "dall-e").is_ok(),
            "unknown names pass through"
        );
        assert!(model(ProviderKind::Journey, &"m".repeat(100)).is_ok());
        for bad in ["", "   ", "flux\npro", "a\u{7}", &"m".repeat(101)] {
            let e = model(ProviderKind::Journey, bad).unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{bad:?}");
        }
        assert!(model(ProviderKind::Linkr, "midjourney").is_ok());
        let e = model(ProviderKind::Linkr, "flux-pro").unwrap_err();
        assert!(
            e.to_string().contains("LinkrAPI runs only Midjourney"),
            "{e}"
        );
        assert!(http_url("image_url", "https://x.test/a.png").is_ok());
        assert!(http_url("image_url", "http://127.0.0.1:8/a.png").is_ok());
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://x/a",
            "not a url",
            "",
            "https://",
        ] {
            assert!(http_url("image_url", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn edit_models_need_a_reference_image() {
        let req = |m: &str, image: Option<&str>| ImagineRequest {
            prompt: "make the sky pink".into(),
            model: Some(m.into()),
            aspect_ratio: None,
            reference_image: image.map(str::to_string),
        };
        for m in [
            "flux-kontext-pro",
            "seededit",
            "ideogram-v3-remix",
            "some-new-edit",
        ] {
            let e = imagine(ProviderKind::Journey, &req(m, None)).unwrap_err();
            assert_eq!(
                e,
                ProviderError::invalid(
                    "reference_image",
                    format!("{m} edits an image: add a reference image (an http or https link) to edit.")
                )
            );
            assert!(imagine(ProviderKind::Journey, &req(m, Some("https://x.test/a.png"))).is_ok());
        }
        assert!(imagine(ProviderKind::Journey, &req("flux-pro", None)).is_ok());
        assert!(imagine(ProviderKind::Journey, &req("brand-new", None)).is_ok());
    }

    #[test]
    fn task_ids() {
        assert!(task_id("0b9c7e1a-1234-4bcd-9def-0123456789ab").is_ok());
        assert!(task_id("abc_DEF-123").is_ok());
        for bad in ["", "../etc", "a/b", "a b", "a?x=1", "é", "a%2F"] {
            assert!(task_id(bad).is_err(), "{bad}");
        }
        assert!(task_id(&"a".repeat(129)).is_err());
    }

    #[test]
    fn parents() {
        let mut t = Task::new("abc", ProviderKind::Linkr, TaskKind::Imagine);
        assert!(parent(ProviderKind::Linkr, &t).is_err());
        t.status = TaskStatus::Succeeded;
        assert!(parent(ProviderKind::Linkr, &t).is_ok());
        assert!(parent(ProviderKind::Journey, &t).is_err());
    }
}
