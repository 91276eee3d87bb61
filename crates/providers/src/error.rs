//! Typed provider errors, each with a plain sentence a person can act on.

use std::time::Duration;

/// Everything that can go wrong talking to a provider.
///
/// `Display` is the sentence a person reads, with a next step; [`ProviderError::code`]
/// is a stable machine word for the UI.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum ProviderError {
    /// HTTP 401: the key is wrong or missing.
    #[error("The API key was rejected. Check it in Settings.")]
    Unauthorized,
    /// HTTP 403: the account is suspended or not allowed (JourneyAPI and other services;
    /// LinkrAPI's own 403 is [`ProviderError::HoldSuspended`]).
    #[error("The account is suspended or not allowed to do this ({detail}). Check your subscription on the provider's website.")]
    Suspended {
        /// The provider's message.
        detail: String,
    },
    /// LinkrAPI HTTP 403 ("Hold account is suspended"): the Hold, the user's own Discord +
    /// Midjourney subscription behind the key, is suspended.
    #[error(
        "LinkrAPI says your Hold account is suspended{}. Check the Hold and its Midjourney subscription on the LinkrAPI dashboard.",
        hold_detail(detail)
    )]
    HoldSuspended {
        /// LinkrAPI's message.
        detail: String,
    },
    /// LinkrAPI HTTP 502 "Failed to connect to Discord": the Hold's Discord login no longer
    /// works. Waiting does not help, so it is not retried.
    #[error("LinkrAPI cannot reach your Discord account; check the Hold's Discord token on the LinkrAPI dashboard.")]
    DiscordUnreachable {
        /// LinkrAPI's message.
        detail: String,
    },
    /// HTTP 404: the task (or parent task) does not exist for this key.
    #[error("Not found: {what}. It may have expired or belong to another key.")]
    NotFound {
        /// What was missing, with the provider's message.
        what: String,
    },
    /// The prompt or image was blocked by moderation.
    #[error("The provider blocked this request under its content policy: {reason}. Change the prompt and try again.")]
    ContentPolicy {
        /// The provider's reason.
        reason: String,
    },
    /// HTTP 429: too many requests.
    #[error("{}", rate_limited_sentence(*.retry_after))]
    RateLimited {
        /// How long the provider asked us to wait (from `Retry-After`).
        retry_after: Option<Duration>,
    },
    /// HTTP 402 or credit wording: the account has run out of credits.
    #[error("Not enough credits ({detail}). Top up your account on the provider's website.")]
    InsufficientCredits {
        /// The provider's message.
        detail: String,
    },
    /// HTTP 5xx: the provider (or Discord behind it) is down.
    #[error(
        "The provider is unavailable right now (HTTP {status}{}). Try again in a minute.",
        detail_suffix(detail)
    )]
    Unavailable {
        /// The HTTP status.
        status: u16,
        /// The provider's message, if any.
        detail: String,
    },
    /// The connection failed or was reset.
    #[error(
        "Could not reach the provider ({detail}). Check your internet connection and try again."
    )]
    Network {
        /// What the network layer said.
        detail: String,
    },
    /// The request took too long.
    #[error("The provider took too long to answer. Try again in a moment.")]
    Timeout,
    /// The answer could not be understood (not JSON, wrong shape, too big).
    #[error("The provider sent an answer the app could not read ({detail}). Try again; if it keeps happening the service may have changed.")]
    Malformed {
        /// What was wrong with it.
        detail: String,
    },
    /// The app's own checks refused the input; nothing was sent.
    #[error("{reason}")]
    InvalidInput {
        /// Which input ("prompt", "aspect_ratio", "task_id"...).
        field: String,
        /// A sentence saying what to change.
        reason: String,
    },
    /// A follow-up (button) the service refused for this image (JourneyAPI 400 or 404 on a
    /// follow-up endpoint).
    #[error("{} does not offer {action} for this image.", .provider.display_name())]
    NotOffered {
        /// The service that refused it.
        provider: crate::model::ProviderKind,
        /// The button's label: "Reroll", "Upscale (Subtle)", "U2"...
        action: String,
    },
    /// Another 4xx with the provider's message.
    #[error("The provider refused the request (HTTP {status}): {detail}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The provider's message.
        detail: String,
    },
}

fn rate_limited_sentence(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!(
            "Too many requests: the provider asked to wait {} s before trying again.",
            d.as_secs().max(1)
        ),
        None => "Too many requests. Wait a moment, then try again.".to_string(),
    }
}

/// " (LinkrAPI's words)" unless they only repeat that the Hold account is suspended.
fn hold_detail(detail: &str) -> String {
    let d = detail.trim();
    let lower = d.to_lowercase();
    if d.is_empty() || lower.contains("hold account is suspended") || lower == "access denied" {
        String::new()
    } else {
        format!(" ({d})")
    }
}

fn detail_suffix(detail: &str) -> String {
    if detail.trim().is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

impl ProviderError {
    /// A stable machine word: "unauthorized", "rate_limited", ...
    pub fn code(&self) -> &'static str {
        match self {
            ProviderError::Unauthorized => "unauthorized",
            ProviderError::Suspended { .. } => "suspended",
            ProviderError::HoldSuspended { .. } => "hold_suspended",
            ProviderError::DiscordUnreachable { .. } => "discord_unreachable",
            ProviderError::NotFound { .. } => "not_found",
            ProviderError::ContentPolicy { .. } => "content_policy",
            ProviderError::RateLimited { .. } => "rate_limited",
            ProviderError::InsufficientCredits { .. } => "insufficient_credits",
            ProviderError::Unavailable { .. } => "unavailable",
            ProviderError::Network { .. } => "network",
            ProviderError::Timeout => "timeout",
            ProviderError::Malformed { .. } => "malformed",
            ProviderError::InvalidInput { .. } => "invalid_input",
            ProviderError::NotOffered { .. } => "not_offered",
            ProviderError::Rejected { .. } => "rejected",
        }
    }

    /// True when trying again later may work: rate limits, 5xx, network trouble, timeouts.
    /// A LinkrAPI Hold that cannot reach Discord ([`ProviderError::DiscordUnreachable`]) is a
    /// 502 too, but waiting does not fix it: not retryable.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Unavailable { .. }
                | ProviderError::Network { .. }
                | ProviderError::Timeout
        )
    }

    /// The provider's requested wait, for rate limits.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// Shorthand for an [`ProviderError::InvalidInput`].
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        ProviderError::InvalidInput {
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    /// The error for a create request that has no parent task: a 404 there means the
    /// endpoint itself is missing, so the service address is wrong (no task expired).
    pub fn for_new_task(self, provider: crate::model::ProviderKind) -> Self {
        match self {
            ProviderError::NotFound { what } => {
                let name = provider.display_name();
                ProviderError::Rejected {
                    status: 404,
                    detail: format!(
                        "there is no {name} service at this address ({what}). Check the {name} base URL in Settings."
                    ),
                }
            }
            other => other,
        }
    }

    /// Shorthand for a [`ProviderError::Malformed`].
    pub fn malformed(detail: impl Into<String>) -> Self {
        ProviderError::Malformed {
            detail: detail.into(),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = ProviderError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_and_codes() {
        let e = ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert!(e.to_string().contains("7 s"));
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(e.code(), "rate_limited");
        let u = ProviderError::Unavailable {
            status: 502,
            detail: String::new(),
        };
        assert_eq!(
            u.to_string(),
            "The provider is unavailable right now (HTTP 502). Try again in a minute."
        );
        assert!(!ProviderError::Unauthorized.is_retryable());
        let wrong_address = ProviderError::NotFound {
            what: "Not Found".into(),
        }
        .for_new_task(crate::model::ProviderKind::Linkr);
        assert_eq!(wrong_address.code(), "rejected");
        assert_eq!(
            wrong_address.to_string(),
            "The provider refused the request (HTTP 404): there is no LinkrAPI service at this \
             address (Not Found). Check the LinkrAPI base URL in Settings."
        );
        assert_eq!(
            ProviderError::Unauthorized.for_new_task(crate::model::ProviderKind::Journey),
            ProviderError::Unauthorized
        );
        assert_eq!(
            ProviderError::invalid("prompt", "Type a prompt first.").to_string(),
            "Type a prompt first."
        );
    }

    #[test]
    fn linkr_hold_and_discord_sentences() {
        let hold = ProviderError::HoldSuspended {
            detail: "Hold account is suspended".into(),
        };
        assert_eq!(hold.code(), "hold_suspended");
        assert!(!hold.is_retryable());
        assert_eq!(
            hold.to_string(),
            "LinkrAPI says your Hold account is suspended. Check the Hold and its Midjourney \
             subscription on the LinkrAPI dashboard."
        );
        let other = ProviderError::HoldSuspended {
            detail: "Hold banned by Midjourney".into(),
        };
        assert_eq!(
            other.to_string(),
            "LinkrAPI says your Hold account is suspended (Hold banned by Midjourney). Check the \
             Hold and its Midjourney subscription on the LinkrAPI dashboard."
        );
        let discord = ProviderError::DiscordUnreachable {
            detail: "Failed to connect to Discord".into(),
        };
        assert_eq!(discord.code(), "discord_unreachable");
        assert!(
            !discord.is_retryable(),
            "waiting does not fix a Discord token"
        );
        assert_eq!(
            discord.to_string(),
            "LinkrAPI cannot reach your Discord account; check the Hold's Discord token on the \
             LinkrAPI dashboard."
        );
    }

    #[test]
    fn not_offered_sentence() {
        let e = ProviderError::NotOffered {
            provider: crate::model::ProviderKind::Journey,
            action: "Upscale (Subtle)".into(),
        };
        assert_eq!(e.code(), "not_offered");
        assert!(!e.is_retryable());
        assert_eq!(
            e.to_string(),
            "JourneyAPI does not offer Upscale (Subtle) for this image."
        );
    }
}
