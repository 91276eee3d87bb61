//! The shapes the UI receives. Each is exported to TypeScript by ts-rs (run `cargo test`),
//! so the UI and the Rust side cannot drift apart silently.

use crate::settings::Settings;
pub use atelier_engine::TaskChange;
use atelier_providers::{Action, ModelInfo, ProviderKind, Rules, Task, TaskKind, TaskStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Everything the UI needs to draw its chrome: providers, settings, keyring health.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AppState {
    /// The app's version.
    pub version: String,
    /// One entry per provider, LinkrAPI first.
    pub providers: Vec<ProviderStatus>,
    /// The current settings.
    pub settings: Settings,
    /// Whether keys can be stored at all.
    pub keyring: KeyringStatus,
    /// What the providers take (aspect ratios, the poll range): the UI offers exactly this.
    pub rules: Rules,
    /// True only in builds made for tests and benchmarks (the `test-hooks` feature): the UI
    /// then tells the shell when it is interactive (`ui_ready`, which only such builds have).
    pub reports_startup: bool,
}

/// Whether a system keyring is reachable.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct KeyringStatus {
    /// True when keys can be stored.
    pub available: bool,
    /// When not: "No system keyring available: ..." with what to do.
    pub message: Option<String>,
}

/// One provider as the UI shows it. Never carries the key itself.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ProviderStatus {
    /// Which provider.
    pub provider: ProviderKind,
    /// Its product name, "LinkrAPI" or "JourneyAPI".
    pub name: String,
    /// True when no key is set and the built-in simulator stands in for it.
    pub demo: bool,
    /// True when a key is stored in the keyring.
    pub key_set: bool,
    /// The key's last four characters, to recognise it.
    pub key_last4: Option<String>,
    /// The base URL real requests go to (settings, or an environment override).
    pub base_url: String,
    /// True when `base_url` comes from an environment variable, not settings.
    pub base_url_from_env: bool,
    /// Where to get a key.
    pub key_url: String,
    /// Models this provider offers, grouped; the first is the default. A JourneyAPI model
    /// name not listed here is still passed through to the service.
    pub models: Vec<ModelInfo>,
    /// True when a model name that is not in `models` may be typed in ("Other model").
    pub accepts_other_models: bool,
    /// Credits left, when known (JourneyAPI).
    #[ts(type = "number | null")]
    pub credits: Option<i64>,
}

/// A new prompt from the Create view.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SubmitRequest {
    /// Which provider to send it to.
    pub provider: ProviderKind,
    /// The prompt with its `--parameters`.
    pub prompt: String,
    /// The model (JourneyAPI), or none for the default.
    pub model: Option<String>,
    /// The aspect ratio, when not given as `--ar` in the prompt.
    pub aspect_ratio: Option<String>,
    /// A reference image URL.
    pub reference_image: Option<String>,
}

/// Images of a task that the webview may load: files in the local image cache, named by
/// asset-protocol URLs. Empty until the task succeeded and its images were downloaded.
#[derive(Serialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct TaskMedia {
    /// The 2x2 grid.
    pub grid: Option<String>,
    /// The four singles, in quadrant order (empty when `singles_from_grid`).
    pub singles: Vec<String>,
    /// The one image of a single-image task.
    pub single: Option<String>,
    /// True when the provider sent only the grid: the UI shows its quadrants as the singles.
    pub singles_from_grid: bool,
    /// Asset URLs of the task's archived videos (a video task's results), in the provider's
    /// order; empty for other tasks and until they are downloaded.
    pub videos: Vec<String>,
    /// True while the images are being downloaded.
    pub downloading: bool,
    /// Why the images could not be downloaded, when they could not.
    pub error: Option<String>,
}

/// A task with what the UI shows around it.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct TaskView {
    /// The task as the provider reported it, without its raw JSON.
    pub task: TaskSummary,
    /// Images the webview can load.
    pub media: TaskMedia,
    /// True when the task ran on the built-in demo simulator.
    pub demo: bool,
    /// The parent's prompt, shortened, for the card's "from “…”" link back to it.
    pub parent_label: Option<String>,
    /// True when the task failed or timed out and Atelier knows what to send again, so
    /// the card offers Retry (which calls `retry_task`).
    pub can_retry: bool,
    /// Its place in a permutation group, when a `{a, b}` prompt made it.
    pub group: Option<crate::group::GroupRef>,
}

/// A task as the UI needs it: everything of a provider [`Task`] but its raw JSON (which the
/// UI never shows and which can be megabytes), so that an IPC message stays small.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct TaskSummary {
    /// The provider's task id.
    pub id: String,
    /// Where the task lives.
    pub provider: ProviderKind,
    /// What created it.
    pub kind: TaskKind,
    /// `kind` in words for the card ("Upscale 2", "Vary (Strong)"): `TaskKind::label`, the
    /// one copy of those words.
    pub kind_label: String,
    /// The task whose button created this one, when known.
    pub parent_id: Option<String>,
    /// The app's status.
    pub status: TaskStatus,
    /// The provider's own status word, e.g. "processing", "staged".
    pub raw_status: String,
    /// 0..=100, when known.
    pub progress: Option<u8>,
    /// The prompt, when the provider reports it.
    pub prompt: Option<String>,
    /// The model, when the provider reports it.
    pub model: Option<String>,
    /// The 2x2 grid image's provider address (the UI shows the archived copy in `media`).
    pub grid_url: Option<String>,
    /// The four singles' provider addresses, in quadrant order.
    pub image_urls: Vec<String>,
    /// A single-image result's provider address.
    pub image_url: Option<String>,
    /// Video results.
    pub video_urls: Vec<String>,
    /// Text results (describe: the prompts; shorten: the short variants; seed: `[seed]`).
    pub text_results: Vec<String>,
    /// Shorten's analysis of the prompt, when the provider sent one.
    pub full_content: Option<String>,
    /// The provider's failure reason.
    pub error: Option<String>,
    /// When the task was created (the local submit time for tasks made here).
    pub created_at: Option<DateTime<Utc>>,
    /// Buttons this result offers.
    pub actions: Vec<Action>,
    /// While re-checked quietly after the app's deadline: until when.
    pub recheck_until: Option<DateTime<Utc>>,
    /// True when the result arrived after the app's deadline.
    pub finished_late: bool,
}

impl From<Task> for TaskSummary {
    fn from(t: Task) -> Self {
        TaskSummary {
            id: t.id,
            provider: t.provider,
            kind_label: t.kind.label(),
            kind: t.kind,
            parent_id: t.parent_id,
            status: t.status,
            raw_status: t.raw_status,
            progress: t.progress,
            prompt: t.prompt,
            model: t.model,
            grid_url: t.grid_url,
            image_urls: t.image_urls,
            image_url: t.image_url,
            video_urls: t.video_urls,
            text_results: t.text_results,
            full_content: t.full_content,
            error: t.error,
            created_at: t.created_at,
            actions: t.actions,
            recheck_until: t.recheck_until,
            finished_late: t.finished_late,
        }
    }
}

/// The `task-progress` event: a running task's progress moved, or its images are being
/// archived. Small on purpose (it is the most frequent message); the card keeps every other
/// field from the last `task-update`.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct TaskProgress {
    /// Which task.
    pub id: String,
    /// The provider's own status word now.
    pub raw_status: String,
    /// 0..=100, when known.
    pub progress: Option<u8>,
    /// True while the finished task's images are being downloaded into the library; its one
    /// `task-update` with the results follows when they are archived.
    pub downloading: bool,
}

/// What the core tells the UI: a task changed (with its summary), or only its progress moved.
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum UiEvent {
    /// `task-update`: created, status, results (once, after the images are archived),
    /// failed or cancelled.
    Update(Box<TaskEvent>),
    /// `task-progress`: progress, and "saving the images".
    Progress(TaskProgress),
    /// `queue-changed`: the jobs waiting in the local queue now, first in line first.
    Queue(Vec<crate::queue::QueuedView>),
    /// `bulk-progress`: how far a bulk action on a gallery selection is.
    Bulk(crate::selection::BulkProgress),
    /// `credits-changed`: a provider's credits as just read (after a JourneyAPI task ends,
    /// a key change, the start), so the rail shows them without asking.
    Credits(CreditsChanged),
}

/// Payload of `credits-changed`: the credits a provider reports now (JourneyAPI's
/// `/account`; `None` when they could not be read). Same value as `ProviderStatus.credits`.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CreditsChanged {
    /// Whose credits.
    pub provider: ProviderKind,
    /// How many are left.
    #[ts(type = "number | null")]
    pub credits: Option<i64>,
}

/// The `task-update` event: one change of one task.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct TaskEvent {
    /// What changed.
    pub change: TaskChange,
    /// The task after the change.
    pub task: TaskView,
}
