//! The app's one task model, shared by both providers, plus the request and
//! response types of the client API.
//!
//! Every type here is serializable (camelCase fields) and exported to TypeScript
//! with ts-rs so the UI works against the very same shapes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which hosted service a task lives on.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ProviderKind {
    /// LinkrAPI (`Authorization: Bearer`, Discord buttons in `components`).
    Linkr,
    /// JourneyAPI (raw-key `Authorization`, one endpoint per follow-up).
    Journey,
}

impl ProviderKind {
    /// The service's product name, for messages: "LinkrAPI" or "JourneyAPI".
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::Linkr => "LinkrAPI",
            ProviderKind::Journey => "JourneyAPI",
        }
    }
}

/// The app's one status vocabulary (provider-contracts.md section 4).
///
/// An unknown raw status maps to [`TaskStatus::Running`]; the provider's own word
/// is kept in [`Task::raw_status`].
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum TaskStatus {
    /// Accepted but not started yet.
    Queued,
    /// Being worked on (also any status word we do not know).
    Running,
    /// Finished with results.
    Succeeded,
    /// Finished without results; see [`Task::error`].
    Failed,
    /// The provider (or the app's deadline) gave up waiting.
    TimedOut,
}

impl TaskStatus {
    /// True when the task will not change any more (succeeded, failed, timed out).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::TimedOut
        )
    }
}

/// How far a zoom-out widens the picture.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ZoomFactor {
    /// Zoom Out 1.5x.
    #[serde(rename = "1.5")]
    X1_5,
    /// Zoom Out 2x.
    #[serde(rename = "2")]
    X2,
    /// Make Square (zoom ratio 1).
    #[serde(rename = "square")]
    Square,
}

impl ZoomFactor {
    /// The JSON number JourneyAPI's `/outpaint` expects as `zoom_ratio`.
    pub fn ratio(self) -> f64 {
        match self {
            ZoomFactor::X1_5 => 1.5,
            ZoomFactor::X2 => 2.0,
            ZoomFactor::Square => 1.0,
        }
    }

    /// The token used in symbolic action ids: "1.5", "2" or "square".
    pub fn token(self) -> &'static str {
        match self {
            ZoomFactor::X1_5 => "1.5",
            ZoomFactor::X2 => "2",
            ZoomFactor::Square => "square",
        }
    }

    /// Reads a token ("1.5", "2", "2x", "square", "1") back into a factor.
    pub fn from_token(token: &str) -> Option<Self> {
        match token.trim().trim_end_matches(['x', 'X']) {
            "1.5" => Some(ZoomFactor::X1_5),
            "2" | "2.0" => Some(ZoomFactor::X2),
            "square" | "1" | "1.0" => Some(ZoomFactor::Square),
            _ => None,
        }
    }
}

/// Which way a pan extends the picture.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum PanDirection {
    /// Extend to the left.
    Left,
    /// Extend to the right.
    Right,
    /// Extend upwards.
    Up,
    /// Extend downwards.
    Down,
}

impl PanDirection {
    /// All four directions in the order buttons are shown.
    pub const ALL: [PanDirection; 4] = [
        PanDirection::Left,
        PanDirection::Right,
        PanDirection::Up,
        PanDirection::Down,
    ];

    /// The lowercase word used on the wire: "left", "right", "up", "down".
    pub fn as_str(self) -> &'static str {
        match self {
            PanDirection::Left => "left",
            PanDirection::Right => "right",
            PanDirection::Up => "up",
            PanDirection::Down => "down",
        }
    }

    /// Parses "left"/"right"/"up"/"down" (any case).
    pub fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "left" => Some(PanDirection::Left),
            "right" => Some(PanDirection::Right),
            "up" => Some(PanDirection::Up),
            "down" => Some(PanDirection::Down),
            _ => None,
        }
    }

    /// The arrow emoji Midjourney shows on the button.
    pub fn emoji(self) -> &'static str {
        match self {
            PanDirection::Left => "⬅️",
            PanDirection::Right => "➡️",
            PanDirection::Up => "⬆️",
            PanDirection::Down => "⬇️",
        }
    }
}

/// What created a task.
///
/// Serialized with a `type` tag, e.g. `{"type":"upscale","index":2}`,
/// `{"type":"pan","direction":"left"}`, `{"type":"other","raw":"blend"}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum TaskKind {
    /// A fresh prompt.
    Imagine,
    /// U1..U4: one image out of a grid quadrant (1-based; 0 when the provider did not say which).
    Upscale {
        /// Quadrant 1..=4 (1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right).
        index: u8,
    },
    /// V1..V4: a new grid varying one quadrant.
    Variation {
        /// Quadrant 1..=4.
        index: u8,
    },
    /// The same prompt run again.
    Reroll,
    /// Upscale (Subtle) of a single image.
    UpscaleSubtle,
    /// Upscale (Creative) of a single image.
    UpscaleCreative,
    /// A 2x upscale.
    Upscale2x,
    /// A 4x upscale.
    Upscale4x,
    /// Vary (Subtle) of a single image.
    VarySubtle,
    /// Vary (Strong) of a single image.
    VaryStrong,
    /// Vary (Region): needs a mask and a prompt.
    VaryRegion,
    /// Zoom Out by a fixed factor (or Make Square).
    ZoomOut {
        /// How far to zoom out.
        factor: ZoomFactor,
    },
    /// Custom Zoom: needs a prompt.
    CustomZoom,
    /// Pan in one direction.
    Pan {
        /// Which way.
        direction: PanDirection,
    },
    /// Several images blended into one grid.
    Blend,
    /// Text prompts describing an image.
    Describe,
    /// A shortened prompt.
    Shorten,
    /// A face swap.
    FaceSwap,
    /// A video.
    Video,
    /// A seed lookup.
    Seed,
    /// Anything else, with the provider's own word.
    Other {
        /// The raw word, e.g. "blend" or an unknown button's operation.
        raw: String,
    },
}

impl TaskKind {
    /// True when the result is a 2x2 grid (imagine, variation, reroll, vary, zoom, pan, blend).
    pub fn produces_grid(&self) -> bool {
        matches!(
            self,
            TaskKind::Imagine
                | TaskKind::Variation { .. }
                | TaskKind::Reroll
                | TaskKind::VarySubtle
                | TaskKind::VaryStrong
                | TaskKind::VaryRegion
                | TaskKind::ZoomOut { .. }
                | TaskKind::CustomZoom
                | TaskKind::Pan { .. }
                | TaskKind::Blend
        )
    }

    /// True for the single-image results of U1..U4 (the "upscale-1x" kind).
    pub fn is_single_upscale(&self) -> bool {
        matches!(self, TaskKind::Upscale { .. })
    }

    /// Short words for the UI: "Imagine", "Upscale 2", "Vary (Strong)", "Pan left", "Zoom Out 2x" ...
    pub fn label(&self) -> String {
        match self {
            TaskKind::Imagine => "Imagine".into(),
            TaskKind::Upscale { index } if (1..=4).contains(index) => format!("Upscale {index}"),
            TaskKind::Upscale { .. } => "Upscale".into(),
            TaskKind::Variation { index } if (1..=4).contains(index) => {
                format!("Variation {index}")
            }
            TaskKind::Variation { .. } => "Variation".into(),
            TaskKind::Reroll => "Reroll".into(),
            TaskKind::UpscaleSubtle => "Upscale (Subtle)".into(),
            TaskKind::UpscaleCreative => "Upscale (Creative)".into(),
            TaskKind::Upscale2x => "Upscale 2x".into(),
            TaskKind::Upscale4x => "Upscale 4x".into(),
            TaskKind::VarySubtle => "Vary (Subtle)".into(),
            TaskKind::VaryStrong => "Vary (Strong)".into(),
            TaskKind::VaryRegion => "Vary (Region)".into(),
            TaskKind::ZoomOut { factor } => match factor {
                ZoomFactor::X1_5 => "Zoom Out 1.5x".into(),
                ZoomFactor::X2 => "Zoom Out 2x".into(),
                ZoomFactor::Square => "Make Square".into(),
            },
            TaskKind::CustomZoom => "Custom Zoom".into(),
            TaskKind::Pan { direction } => format!("Pan {}", direction.as_str()),
            TaskKind::Blend => "Blend".into(),
            TaskKind::Describe => "Describe".into(),
            TaskKind::Shorten => "Shorten".into(),
            TaskKind::FaceSwap => "Face swap".into(),
            TaskKind::Video => "Video".into(),
            TaskKind::Seed => "Seed".into(),
            TaskKind::Other { raw } if raw.trim().is_empty() => "Other".into(),
            TaskKind::Other { raw } => raw.clone(),
        }
    }
}

/// Which row of buttons an action belongs to.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ActionGroup {
    /// The U1..U4 row.
    Upscale,
    /// The V1..V4 row.
    Variation,
    /// Everything else (reroll, subtle/creative, vary, zoom, pan, links...).
    Other,
}

/// Whether an action can be sent as it is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ActionMode {
    /// Click and go.
    Send,
    /// Asks for a prompt first (Custom Zoom...).
    NeedsPrompt,
    /// Asks for a mask (and a prompt) first (Vary (Region)).
    NeedsMask,
    /// Opens a web page; never sent to the provider.
    Link,
}

/// One button a finished task offers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Action {
    /// What to send back: LinkrAPI's `custom_id`, or a JourneyAPI symbolic id
    /// (`upscale:2`, `vary-strong`, `pan:left`...).
    pub id: String,
    /// Readable and never empty: "U2", "Reroll", "Pan left", "Zoom Out 2x".
    pub label: String,
    /// The button's emoji, when it has one.
    pub emoji: Option<String>,
    /// What the child task will be, when known.
    pub kind: Option<TaskKind>,
    /// Which row the button belongs to.
    pub group: ActionGroup,
    /// Quadrant 1..=4 for U/V buttons.
    pub index: Option<u8>,
    /// Whether it can be sent as-is.
    pub mode: ActionMode,
    /// The target of a link button.
    pub url: Option<String>,
    /// Why this button cannot be sent through this provider, in one sentence (e.g. LinkrAPI's
    /// Custom Zoom, which needs a prompt its action call does not take). `None` when it can.
    /// The button is still listed, so the UI can show it disabled with the reason.
    #[serde(default)]
    pub unavailable: Option<String>,
    /// What pressing it costs in the provider's credits, when the provider charges credits and
    /// publishes the price (JourneyAPI's price list); `None` for LinkrAPI (it runs on the
    /// person's own Midjourney plan) and for prices nobody published.
    #[serde(default)]
    pub credits: Option<u32>,
    /// True when the provider takes an edited prompt with this button (Remix): JourneyAPI's
    /// Reroll, Vary (Region) and Custom Zoom. False for every other button.
    #[serde(default)]
    pub takes_prompt: bool,
}

/// One task as the app sees it, whichever provider it came from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Task {
    /// The provider's task id.
    pub id: String,
    /// Where the task lives.
    pub provider: ProviderKind,
    /// What created it.
    pub kind: TaskKind,
    /// The task whose button created this one, when known.
    pub parent_id: Option<String>,
    /// The app's status.
    pub status: TaskStatus,
    /// The provider's own status word, e.g. "processing", "staged".
    pub raw_status: String,
    /// 0..=100, from a number or a string; None when absent or unreadable.
    pub progress: Option<u8>,
    /// The prompt, when the provider reports it.
    pub prompt: Option<String>,
    /// The model, when the provider reports it ("midjourney", "flux-pro"...).
    pub model: Option<String>,
    /// The 2x2 grid image.
    pub grid_url: Option<String>,
    /// The four singles in quadrant order (may be empty: then split the grid).
    pub image_urls: Vec<String>,
    /// A single-image result (upscales, non-Midjourney models).
    pub image_url: Option<String>,
    /// Video results.
    pub video_urls: Vec<String>,
    /// Text results (describe: the prompts; shorten: the short variants; seed: `[seed]`).
    pub text_results: Vec<String>,
    /// A longer text result: shorten's analysis of the prompt (JourneyAPI `full_content`).
    #[serde(default)]
    pub full_content: Option<String>,
    /// The provider's failure reason.
    pub error: Option<String>,
    /// When the provider created the task; timestamps without a zone are read as UTC.
    pub created_at: Option<DateTime<Utc>>,
    /// Buttons this result offers (empty until succeeded).
    pub actions: Vec<Action>,
    /// The provider JSON this was parsed from, for diagnosis.
    #[ts(type = "unknown")]
    pub raw: serde_json::Value,
    /// Set when the app gave up at its own deadline (status `timed_out`) and keeps
    /// re-checking the task quietly until this time; None otherwise.
    #[serde(default)]
    pub recheck_until: Option<DateTime<Utc>>,
    /// True when the result arrived after the app's deadline (found by a re-check).
    #[serde(default)]
    pub finished_late: bool,
    /// What Atelier sent to create this task, when it was made here: Retry sends exactly
    /// this again (the aspect ratio, model and reference image included). Kept in the
    /// library, so it survives restarts; None for tasks from elsewhere or older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(skip)]
    pub sent: Option<SentRequest>,
}

/// The request that created a task, as Atelier sent it (see [`Task::sent`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SentRequest {
    /// A new grid from a prompt.
    Imagine(ImagineRequest),
    /// A button of the parent task (`Task::parent_id`).
    #[serde(rename_all = "camelCase")]
    Action {
        /// The button's id on the parent.
        action_id: String,
        /// The extra input sent with it.
        input: ActionInput,
    },
    /// A creation mode that needs no parent (blend, describe, shorten, video).
    Create(CreateRequest),
}

impl Task {
    /// A blank task with the given id: queued, no results, no raw JSON.
    pub fn new(id: impl Into<String>, provider: ProviderKind, kind: TaskKind) -> Self {
        Task {
            id: id.into(),
            provider,
            kind,
            parent_id: None,
            status: TaskStatus::Queued,
            raw_status: String::new(),
            progress: None,
            prompt: None,
            model: None,
            grid_url: None,
            image_urls: Vec::new(),
            image_url: None,
            video_urls: Vec::new(),
            text_results: Vec::new(),
            full_content: None,
            error: None,
            created_at: None,
            actions: Vec::new(),
            raw: serde_json::Value::Null,
            recheck_until: None,
            finished_late: false,
            sent: None,
        }
    }

    /// The button with this id, if the task offers it.
    pub fn find_action(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }
}

/// What kind of pictures a model makes, and what it needs.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ModelGroup {
    /// Midjourney: a 2x2 grid with U/V buttons, polled until done.
    MidjourneyGrid,
    /// One image from a prompt (FLUX, nano-banana, seedream, GPT image...).
    SingleImage,
    /// One image edited from a reference image (`*-edit`, `seededit`, `flux-kontext-*`,
    /// `ideogram-v3-remix`, `ideogram-v3-reframe`).
    Edit,
}

/// One model a provider runs, for the model picker.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ModelInfo {
    /// The name sent as `model`: "midjourney", "flux-pro", "nano-banana"...
    pub id: String,
    /// The name shown to people ("Flux Pro", "GPT Image 1"): [`crate::models::model_name`],
    /// the one copy of those words.
    pub name: String,
    /// What it makes.
    pub group: ModelGroup,
    /// True when a reference image (`ImagineRequest::reference_image`) is required.
    pub needs_image: bool,
    /// True when the create call answers with the finished image (no polling).
    pub synchronous: bool,
}

/// A new prompt to run.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ImagineRequest {
    /// The prompt; Midjourney flags may be inside it.
    pub prompt: String,
    /// The model (LinkrAPI: midjourney only; JourneyAPI: see `models::available_models`, and
    /// names the app does not know are passed through). `None` means Midjourney.
    pub model: Option<String>,
    /// One of 1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3.
    pub aspect_ratio: Option<String>,
    /// An http(s) URL of a reference image (required by edit models).
    pub reference_image: Option<String>,
}

/// Extra input some buttons take.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ActionInput {
    /// A prompt (reroll with a new prompt, Vary (Region), Custom Zoom).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub prompt: Option<String>,
    /// Vary (Region)'s mask: a `data:image/png;base64,...` URL of a PNG the parent image's
    /// size, the area to redo white and the rest black.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub mask: Option<String>,
    /// Custom Zoom's zoom ratio, in (1, 2].
    #[serde(default)]
    #[ts(optional = nullable)]
    pub zoom_ratio: Option<f64>,
    /// Custom Zoom's optional new aspect ratio ("16:9"...).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub aspect_ratio: Option<String>,
}

impl ActionInput {
    /// Input with only a prompt.
    pub fn prompt(prompt: impl Into<String>) -> Self {
        ActionInput {
            prompt: Some(prompt.into()),
            ..ActionInput::default()
        }
    }

    /// The prompt when it has visible text.
    pub fn prompt_text(&self) -> Option<&str> {
        self.prompt.as_deref().filter(|p| !p.trim().is_empty())
    }

    /// The mask when it is not blank.
    pub fn mask_text(&self) -> Option<&str> {
        self.mask.as_deref().filter(|m| !m.trim().is_empty())
    }

    /// The aspect ratio when it is not blank.
    pub fn aspect_ratio_text(&self) -> Option<&str> {
        self.aspect_ratio
            .as_deref()
            .filter(|a| !a.trim().is_empty())
    }
}

/// Blend's output shape (JourneyAPI `/blend` `dimension`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum BlendDimension {
    /// 1:1.
    #[default]
    Square,
    /// 2:3.
    Portrait,
    /// 3:2.
    Landscape,
}

impl BlendDimension {
    /// The word sent: "square", "portrait" or "landscape".
    pub fn as_str(self) -> &'static str {
        match self {
            BlendDimension::Square => "square",
            BlendDimension::Portrait => "portrait",
            BlendDimension::Landscape => "landscape",
        }
    }
}

/// How much a video moves (JourneyAPI `/imagine-video` `motion`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum VideoMotion {
    /// Little motion (the default).
    #[default]
    Low,
    /// Much motion.
    High,
}

impl VideoMotion {
    /// The word sent: "low" or "high".
    pub fn as_str(self) -> &'static str {
        match self {
            VideoMotion::Low => "low",
            VideoMotion::High => "high",
        }
    }
}

/// A creation mode other than imagine (JourneyAPI only): each makes a task with no parent.
///
/// Serialized with a `mode` tag: `{"mode":"blend","imageUrls":[...],"dimension":"square"}`,
/// `{"mode":"describe","imageUrl":"..."}`, `{"mode":"shorten","prompt":"..."}`,
/// `{"mode":"video","prompt":"...","imageUrl":"...","motion":"low"}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(tag = "mode", rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CreateRequest {
    /// `/blend`: 2 to 5 images into one grid.
    #[serde(rename_all = "camelCase")]
    Blend {
        /// The images' http(s) URLs, 2 to 5.
        image_urls: Vec<String>,
        /// The grid's shape.
        #[serde(default)]
        dimension: BlendDimension,
    },
    /// `/describe`: four prompts that describe an image.
    #[serde(rename_all = "camelCase")]
    Describe {
        /// The image's http(s) URL.
        image_url: String,
    },
    /// `/shorten`: shorter variants of a prompt, with an analysis.
    #[serde(rename_all = "camelCase")]
    Shorten {
        /// The prompt to shorten.
        prompt: String,
    },
    /// `/imagine-video`: four short videos from a start frame and a prompt.
    #[serde(rename_all = "camelCase")]
    Video {
        /// What happens in the video.
        prompt: String,
        /// The start frame's http(s) URL.
        image_url: String,
        /// How much it moves.
        #[serde(default)]
        motion: VideoMotion,
    },
}

impl CreateRequest {
    /// The kind of task it makes.
    pub fn kind(&self) -> TaskKind {
        match self {
            CreateRequest::Blend { .. } => TaskKind::Blend,
            CreateRequest::Describe { .. } => TaskKind::Describe,
            CreateRequest::Shorten { .. } => TaskKind::Shorten,
            CreateRequest::Video { .. } => TaskKind::Video,
        }
    }

    /// The prompt it carries, if any (shorten, video).
    pub fn prompt(&self) -> Option<&str> {
        match self {
            CreateRequest::Shorten { prompt } | CreateRequest::Video { prompt, .. } => {
                Some(prompt.as_str())
            }
            CreateRequest::Blend { .. } | CreateRequest::Describe { .. } => None,
        }
    }

    /// The image URLs it sends (blend's inputs, describe's image, video's start frame).
    pub fn image_urls(&self) -> Vec<&str> {
        match self {
            CreateRequest::Blend { image_urls, .. } => {
                image_urls.iter().map(String::as_str).collect()
            }
            CreateRequest::Describe { image_url } | CreateRequest::Video { image_url, .. } => {
                vec![image_url.as_str()]
            }
            CreateRequest::Shorten { .. } => Vec::new(),
        }
    }

    /// Its name in a sentence: "blend images", "describe an image"...
    pub fn words(&self) -> &'static str {
        match self {
            CreateRequest::Blend { .. } => "blend images",
            CreateRequest::Describe { .. } => "describe images",
            CreateRequest::Shorten { .. } => "shorten prompts",
            CreateRequest::Video { .. } => "make videos",
        }
    }
}

/// What a create call returned: the new task's id and what we know already.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Submission {
    /// The new task's id.
    pub task_id: String,
    /// What it will be.
    pub kind: TaskKind,
    /// The parent, for actions.
    pub parent_id: Option<String>,
    /// The finished task when the provider answered synchronously (JourneyAPI non-Midjourney models).
    pub finished: Option<Task>,
}

/// The result of a key check.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct KeyCheck {
    /// True when the provider accepted the key.
    pub valid: bool,
    /// A sentence for the user: "Valid, 1,240 credits (starter plan)" or "Key rejected: ...".
    pub message: String,
}

/// A JourneyAPI account summary.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Account {
    /// The account's email.
    pub email: Option<String>,
    /// Credits left.
    pub credits: Option<i64>,
    /// Images made so far.
    pub total_images: Option<i64>,
    /// The plan's name ("starter"...).
    pub plan: Option<String>,
}

/// JourneyAPI `/upscale-alt` flavours.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UpscaleAltType {
    /// Upscale (Subtle).
    Subtle,
    /// Upscale (Creative).
    Creative,
}

/// JourneyAPI `/upscale-2x-4x` sizes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UpscaleSize {
    /// 2x.
    #[serde(rename = "2x")]
    X2,
    /// 4x.
    #[serde(rename = "4x")]
    X4,
}

/// What JourneyAPI `/variations` varies.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum VariationTarget {
    /// V1..V4 on a grid.
    Index {
        /// Quadrant 1..=4.
        index: u8,
    },
    /// Vary (Strong) on an upscale.
    Strong,
    /// Vary (Subtle) on an upscale.
    Subtle,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_kind_serde_shapes() {
        let k = TaskKind::Upscale { index: 2 };
        assert_eq!(
            serde_json::to_string(&k).unwrap(),
            r#"{"type":"upscale","index":2}"#
        );
        let p = TaskKind::Pan {
            direction: PanDirection::Left,
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"type":"pan","direction":"left"}"#
        );
        let z = TaskKind::ZoomOut {
            factor: ZoomFactor::X1_5,
        };
        assert_eq!(
            serde_json::to_string(&z).unwrap(),
            r#"{"type":"zoomOut","factor":"1.5"}"#
        );
        let o = TaskKind::Other {
            raw: "blend".into(),
        };
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"type":"other","raw":"blend"}"#
        );
        assert_eq!(
            serde_json::to_string(&TaskStatus::TimedOut).unwrap(),
            r#""timed_out""#
        );
        assert_eq!(
            serde_json::to_string(&ActionMode::NeedsPrompt).unwrap(),
            r#""needsPrompt""#
        );
        let back: TaskKind = serde_json::from_str(r#"{"type":"varyStrong"}"#).unwrap();
        assert_eq!(back, TaskKind::VaryStrong);
    }

    #[test]
    fn labels_and_grid() {
        assert_eq!(TaskKind::Upscale { index: 2 }.label(), "Upscale 2");
        assert_eq!(TaskKind::VaryStrong.label(), "Vary (Strong)");
        assert_eq!(
            TaskKind::Pan {
                direction: PanDirection::Left
            }
            .label(),
            "Pan left"
        );
        assert_eq!(
            TaskKind::ZoomOut {
                factor: ZoomFactor::X2
            }
            .label(),
            "Zoom Out 2x"
        );
        assert!(TaskKind::Imagine.produces_grid());
        assert!(!TaskKind::Upscale { index: 1 }.produces_grid());
        assert!(!TaskKind::UpscaleSubtle.produces_grid());
        assert!(TaskStatus::TimedOut.is_final());
        assert!(!TaskStatus::Running.is_final());
    }

    #[test]
    fn create_requests_and_inputs_read_back() {
        let b = CreateRequest::Blend {
            image_urls: vec!["https://a/1.png".into(), "https://a/2.png".into()],
            dimension: BlendDimension::Portrait,
        };
        let v = serde_json::to_value(&b).unwrap();
        assert_eq!(v["mode"], "blend");
        assert_eq!(v["imageUrls"][1], "https://a/2.png");
        assert_eq!(v["dimension"], "portrait");
        let video: CreateRequest = serde_json::from_str(
            r#"{"mode":"video","prompt":"waves","imageUrl":"https://a/1.png","motion":"high"}"#,
        )
        .unwrap();
        assert_eq!(video.kind(), TaskKind::Video);
        assert_eq!(video.prompt(), Some("waves"));
        // Retry keeps the request whole inside SentRequest.
        for req in [b, video] {
            let sent = SentRequest::Create(req.clone());
            let json = serde_json::to_string(&sent).unwrap();
            let back: SentRequest = serde_json::from_str(&json).unwrap();
            assert_eq!(back, sent, "{json}");
        }
        // An ActionInput stored before the mask and zoom fields still reads.
        let old: ActionInput = serde_json::from_str(r#"{"prompt":"a cat"}"#).unwrap();
        assert_eq!(old, ActionInput::prompt("a cat"));
        let old: SentRequest = serde_json::from_str(
            r#"{"type":"action","actionId":"reroll","input":{"prompt":null}}"#,
        )
        .unwrap();
        assert!(matches!(old, SentRequest::Action { .. }));
        let input: ActionInput =
            serde_json::from_str(r#"{"zoomRatio":1.25,"aspectRatio":"16:9","mask":null}"#).unwrap();
        assert_eq!(input.zoom_ratio, Some(1.25));
        // A stored button without credits reads with none.
        let a: Action = serde_json::from_str(
            r#"{"id":"reroll","label":"Reroll","emoji":null,"kind":null,"group":"other","index":null,"mode":"send","url":null}"#,
        )
        .unwrap();
        assert_eq!((a.credits, a.takes_prompt), (None, false));
    }

    #[test]
    fn task_serializes_camel_case() {
        let t = Task::new("abc", ProviderKind::Journey, TaskKind::Imagine);
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["provider"], "journey");
        assert!(v.get("rawStatus").is_some());
        assert!(v.get("imageUrls").is_some());
        assert_eq!(v["kind"]["type"], "imagine");
    }
}
