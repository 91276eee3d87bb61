//! The local job queue's rules, without the app around them: what a waiting job sends, how it
//! is shown, and how long a job waits when its provider says it is busy.
//!
//! Midjourney runs a few jobs at once per account (3 on most plans, 12 on Pro) and refuses or
//! holds the rest upstream. Atelier sends at most the person's "jobs at once" per provider;
//! the rest wait here, in the library database (so they survive restarts and crashes), and
//! go out in order as slots free up (see `app::queue`).

use crate::group::GroupRef;
use crate::view::TaskView;
use atelier_providers::{ActionInput, CreateRequest, ImagineRequest, ProviderError, ProviderKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// The first wait after a provider said it is busy without saying how long; it doubles with
/// each refusal of the same job up to [`MAX_BUSY_WAIT`].
pub const FIRST_BUSY_WAIT: Duration = Duration::from_secs(10);
/// The longest wait before a busy provider is asked again.
pub const MAX_BUSY_WAIT: Duration = Duration::from_secs(300);

/// What a waiting job sends when its turn comes: exactly what the person asked for.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum JobRequest {
    /// A new prompt.
    Imagine {
        /// Where it goes.
        provider: ProviderKind,
        /// The prompt and its options, as they will be sent.
        request: ImagineRequest,
    },
    /// A button of a finished task.
    #[serde(rename_all = "camelCase")]
    Action {
        /// The task whose button it is.
        parent_id: String,
        /// The button's id.
        action_id: String,
        /// What goes with it (a Remix prompt, a zoom ratio...).
        input: ActionInput,
    },
    /// A creation mode (blend, describe, shorten, video).
    Create {
        /// Where it goes (JourneyAPI).
        provider: ProviderKind,
        /// What it sends.
        request: CreateRequest,
    },
}

/// A job waiting in the local queue, as the library keeps it (JSON in its `queue` table).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct QueuedJob {
    /// The job's own id ("q-..."): it has no provider task id until it is sent.
    pub id: String,
    /// The provider whose slot it waits for.
    pub provider: ProviderKind,
    /// True when it goes to the built-in demo (the lane it was asked in: a job asked with a
    /// key never goes to the demo, and the other way round).
    pub demo: bool,
    /// What it sends.
    pub request: JobRequest,
    /// What the card says it is ("Imagine", "Upscale 2").
    pub kind_label: String,
    /// The prompt, for the card.
    pub prompt: Option<String>,
    /// When the person asked for it.
    pub created_at: DateTime<Utc>,
    /// How often the provider said it was busy when this job was sent.
    pub attempts: u32,
    /// Not sent before this time (the provider was busy).
    pub not_before: Option<DateTime<Utc>>,
    /// Why it waits longer than its place in line says (a sentence), when it does.
    pub note: Option<String>,
    /// Why it could not be sent (a sentence): it stays in the queue, held, until the person
    /// sends it again or cancels it; nothing is lost.
    pub error: Option<String>,
    /// Its place in a permutation group, when a `{a, b}` prompt made it.
    #[serde(default)]
    pub group: Option<GroupRef>,
}

impl QueuedJob {
    /// The job as the library's `queue` table keeps it.
    pub fn to_json(&self) -> Result<String, crate::error::AppError> {
        serde_json::to_string(self).map_err(|e| crate::error::AppError::internal(e.to_string()))
    }
}

/// A waiting job as its "Waiting" card shows it.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct QueuedView {
    /// The job's id (for move, cancel and send now).
    pub id: String,
    /// The provider whose slot it waits for.
    pub provider: ProviderKind,
    /// True when it goes to the built-in demo.
    pub demo: bool,
    /// What it is ("Imagine", "Upscale 2").
    pub kind_label: String,
    /// The prompt.
    pub prompt: Option<String>,
    /// Its place in line among this provider's waiting jobs (1 = next).
    pub position: u32,
    /// How many of this provider's jobs wait.
    pub of: u32,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Not sent before this time (the provider was busy).
    pub not_before: Option<DateTime<Utc>>,
    /// Why it waits longer than its place in line says.
    pub note: Option<String>,
    /// Why it could not be sent; held until "Send now" or "Cancel".
    pub error: Option<String>,
    /// Its place in a permutation group, when a `{a, b}` prompt made it.
    pub group: Option<GroupRef>,
}

/// What happened to something the person asked for: sent at once, or waiting in the queue.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Submitted {
    /// It went to the provider: here is its task.
    Sent {
        /// The new task.
        task: Box<TaskView>,
    },
    /// Its provider has no free slot (or is busy): it waits in the local queue.
    Queued {
        /// The waiting job.
        job: QueuedView,
    },
    /// A permutation prompt: its prompts wait in the local queue, in order, and go out as
    /// slots free up.
    #[serde(rename_all = "camelCase")]
    Group {
        /// The group's id (for its contact sheet).
        group_id: String,
        /// Its jobs as queued.
        queued: Vec<QueuedView>,
    },
}

/// The views of `jobs` (in queue order), each with its place among its provider's jobs.
pub fn queue_views(jobs: &[QueuedJob]) -> Vec<QueuedView> {
    jobs.iter()
        .map(|job| {
            let same: Vec<&QueuedJob> =
                jobs.iter().filter(|j| j.provider == job.provider).collect();
            let position = same.iter().position(|j| j.id == job.id).unwrap_or(0) + 1;
            QueuedView {
                id: job.id.clone(),
                provider: job.provider,
                demo: job.demo,
                kind_label: job.kind_label.clone(),
                prompt: job.prompt.clone(),
                position: u32::try_from(position).unwrap_or(u32::MAX),
                of: u32::try_from(same.len()).unwrap_or(u32::MAX),
                created_at: job.created_at,
                not_before: job.not_before,
                note: job.note.clone(),
                error: job.error.clone(),
                group: job.group.clone(),
            }
        })
        .collect()
}

/// How long to wait before sending a job again when `err` says the provider is busy (a 429,
/// or a refusal that says its queue is full or too many jobs run), `attempts` refusals in;
/// `None` for any other error. The provider's own `Retry-After` wins; else
/// [`FIRST_BUSY_WAIT`], doubling, at most [`MAX_BUSY_WAIT`].
pub fn busy_wait(err: &ProviderError, attempts: u32) -> Option<Duration> {
    let backoff = FIRST_BUSY_WAIT
        .saturating_mul(2u32.saturating_pow(attempts.min(16)))
        .min(MAX_BUSY_WAIT);
    match err {
        ProviderError::RateLimited { retry_after } => {
            Some(retry_after.map_or(backoff, |d| d.min(MAX_BUSY_WAIT)))
        }
        ProviderError::Rejected { detail, .. } | ProviderError::Unavailable { detail, .. }
            if says_queue_is_full(detail) =>
        {
            Some(backoff)
        }
        _ => None,
    }
}

/// True for a provider's words that mean "too many jobs right now" (Midjourney's "queue is
/// full", "job queue full", "too many concurrent jobs"...). The wording is not documented by
/// either provider, so this is tolerant.
pub fn says_queue_is_full(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    (d.contains("queue") && d.contains("full"))
        || d.contains("concurrent")
        || (d.contains("too many") && (d.contains("job") || d.contains("task")))
}

/// The sentence on a card whose job waits because its provider was busy.
pub fn busy_note(provider: ProviderKind, until: DateTime<Utc>) -> String {
    format!(
        "{} is busy; Atelier sends this again at {} by itself.",
        provider.display_name(),
        until.with_timezone(&chrono::Local).format("%H:%M:%S")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_and_full_queues_are_busy_other_errors_are_not() {
        let limited = ProviderError::RateLimited { retry_after: None };
        assert_eq!(busy_wait(&limited, 0), Some(Duration::from_secs(10)));
        assert_eq!(busy_wait(&limited, 1), Some(Duration::from_secs(20)));
        assert_eq!(busy_wait(&limited, 30), Some(MAX_BUSY_WAIT));
        let asked = ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(busy_wait(&asked, 3), Some(Duration::from_secs(7)));
        let full = ProviderError::Rejected {
            status: 400,
            detail: "Job queue is full, please wait".into(),
        };
        assert_eq!(busy_wait(&full, 0), Some(Duration::from_secs(10)));
        let concurrent = ProviderError::Unavailable {
            status: 503,
            detail: "Too many concurrent jobs".into(),
        };
        assert!(busy_wait(&concurrent, 0).is_some());
        for other in [
            ProviderError::Unauthorized,
            ProviderError::Rejected {
                status: 400,
                detail: "Invalid parameter --ar".into(),
            },
            ProviderError::Unavailable {
                status: 500,
                detail: String::new(),
            },
        ] {
            assert_eq!(busy_wait(&other, 0), None, "{other:?}");
        }
    }

    fn job(id: &str, provider: ProviderKind) -> QueuedJob {
        QueuedJob {
            id: id.into(),
            provider,
            demo: true,
            request: JobRequest::Imagine {
                provider,
                request: ImagineRequest {
                    prompt: "a cat".into(),
                    ..ImagineRequest::default()
                },
            },
            kind_label: "Imagine".into(),
            prompt: Some("a cat".into()),
            created_at: Utc::now(),
            attempts: 0,
            not_before: None,
            note: None,
            error: None,
            group: None,
        }
    }

    #[test]
    fn each_job_is_numbered_among_its_providers_jobs() {
        let jobs = [
            job("a", ProviderKind::Linkr),
            job("b", ProviderKind::Journey),
            job("c", ProviderKind::Linkr),
        ];
        let views = queue_views(&jobs);
        let places: Vec<(String, u32, u32)> = views
            .iter()
            .map(|v| (v.id.clone(), v.position, v.of))
            .collect();
        assert_eq!(
            places,
            [
                ("a".to_string(), 1, 2),
                ("b".to_string(), 1, 1),
                ("c".to_string(), 2, 2)
            ]
        );
    }

    #[test]
    fn a_job_survives_the_round_trip_through_json() {
        let mut j = job("q-1", ProviderKind::Journey);
        j.request = JobRequest::Action {
            parent_id: "p".into(),
            action_id: "upsample2".into(),
            input: ActionInput::default(),
        };
        let text = serde_json::to_string(&j).expect("serializes");
        let back: QueuedJob = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, j);
        j.request = JobRequest::Create {
            provider: ProviderKind::Journey,
            request: CreateRequest::Video {
                prompt: "waves".into(),
                image_url: "https://x.test/a.png".into(),
                motion: atelier_providers::VideoMotion::High,
            },
        };
        let text = serde_json::to_string(&j).expect("serializes");
        let back: QueuedJob = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, j);
    }

    #[test]
    fn a_job_queued_by_an_older_version_still_reads() {
        // Written before ActionInput had a mask, a zoom ratio and an aspect ratio.
        let old = r#"{"id":"q-1","provider":"journey","demo":true,
            "request":{"type":"action","parentId":"p","actionId":"reroll","input":{"prompt":"a fox"}},
            "kindLabel":"Reroll","prompt":"a fox","createdAt":"2026-01-02T03:04:05Z",
            "attempts":0,"notBefore":null,"note":null,"error":null}"#;
        let job: QueuedJob = serde_json::from_str(old).expect("reads");
        assert_eq!(
            job.request,
            JobRequest::Action {
                parent_id: "p".into(),
                action_id: "reroll".into(),
                input: ActionInput::prompt("a fox"),
            }
        );
    }
}
