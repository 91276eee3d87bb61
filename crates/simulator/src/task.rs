//! Tasks: what created them, what they will produce, how their state follows from the
//! simulated time, and the bounded in-memory store.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::faults::{Marker, TaskFault};
use crate::images::{self, Look};
use crate::mask::Region;
use crate::requests::Provider;
use crate::text;
use crate::timing::{stage_at, Stage};
use crate::util::{derive, hash_parts};
use crate::video;

/// Zoom-out factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zoom {
    /// Zoom Out 2x (Linkr `MJ::Outpaint::50`, Journey `zoom_ratio` 2).
    X2,
    /// Zoom Out 1.5x (Linkr `MJ::Outpaint::75`, Journey `zoom_ratio` 1.5).
    X1_5,
    /// Make square (Journey `zoom_ratio` 1).
    Square,
    /// Custom Zoom: JourneyAPI `zoom_ratio` in (1, 2] (or 1 with a new aspect ratio), in
    /// thousandths (1250 = 1.25x).
    Custom(u16),
}

impl Zoom {
    /// How much further away the view is (1 for make square).
    pub fn factor(self) -> f32 {
        match self {
            Zoom::X2 => 2.0,
            Zoom::X1_5 => 1.5,
            Zoom::Square => 1.0,
            Zoom::Custom(permille) => f32::from(permille) / 1000.0,
        }
    }
}

/// Motion of a JourneyAPI video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    /// `motion: "low"` (the default): a gentle camera move.
    Low,
    /// `motion: "high"`: a wide camera move and fast subjects.
    High,
}

impl Motion {
    /// The request word: `low` or `high`.
    pub fn word(self) -> &'static str {
        match self {
            Motion::Low => "low",
            Motion::High => "high",
        }
    }
}

/// Pan directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Pan left.
    Left,
    /// Pan right.
    Right,
    /// Pan up.
    Up,
    /// Pan down.
    Down,
}

impl Dir {
    /// The lower-case word: `left`, `right`, `up`, `down`.
    pub fn word(self) -> &'static str {
        match self {
            Dir::Left => "left",
            Dir::Right => "right",
            Dir::Up => "up",
            Dir::Down => "down",
        }
    }

    /// Parses the lower-case word.
    pub fn parse(s: &str) -> Option<Dir> {
        match s {
            "left" => Some(Dir::Left),
            "right" => Some(Dir::Right),
            "up" => Some(Dir::Up),
            "down" => Some(Dir::Down),
            _ => None,
        }
    }
}

/// What created a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A new prompt.
    Imagine,
    /// U1..U4 (1-based quadrant).
    Upscale(u8),
    /// V1..V4 (1-based quadrant).
    Variation(u8),
    /// Re-run the prompt of an imagine.
    Reroll,
    /// Upscale (Subtle) of an upscale.
    UpscaleSubtle,
    /// Upscale (Creative) of an upscale.
    UpscaleCreative,
    /// JourneyAPI upscale-2x.
    Upscale2x,
    /// JourneyAPI upscale-4x.
    Upscale4x,
    /// Vary (Subtle) of an upscale.
    VarySubtle,
    /// Vary (Strong) of an upscale.
    VaryStrong,
    /// Zoom out of an upscale.
    ZoomOut(Zoom),
    /// Pan an upscale.
    Pan(Dir),
    /// JourneyAPI blend.
    Blend,
    /// JourneyAPI describe.
    Describe,
    /// JourneyAPI inpaint (Vary Region) of an upscale.
    Inpaint,
    /// JourneyAPI shorten: short variants of a prompt.
    Shorten,
    /// JourneyAPI seed of a finished task.
    Seed,
    /// JourneyAPI imagine-video: four short videos from a start frame.
    Video(Motion),
}

/// What a task produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A 2x2 grid plus its four singles.
    Grid,
    /// One image.
    Single,
    /// Text results (describe, shorten, seed).
    Text,
    /// Four short videos.
    Video,
}

impl Kind {
    /// What this kind of task produces.
    pub fn output(self) -> Output {
        match self {
            Kind::Upscale(_)
            | Kind::UpscaleSubtle
            | Kind::UpscaleCreative
            | Kind::Upscale2x
            | Kind::Upscale4x => Output::Single,
            Kind::Describe | Kind::Shorten | Kind::Seed => Output::Text,
            Kind::Video(_) => Output::Video,
            _ => Output::Grid,
        }
    }

    /// The LinkrAPI `action` field of a task of this kind.
    pub fn linkr_action(self) -> String {
        match self {
            Kind::Imagine => "imagine".into(),
            Kind::Upscale(n) => format!("upsample{n}"),
            Kind::Variation(n) => format!("variation{n}"),
            Kind::Reroll => "reroll".into(),
            Kind::UpscaleSubtle => "upscale_subtle".into(),
            Kind::UpscaleCreative => "upscale_creative".into(),
            Kind::Upscale2x => "upscale_2x".into(),
            Kind::Upscale4x => "upscale_4x".into(),
            Kind::VarySubtle => "low_variation".into(),
            Kind::VaryStrong => "high_variation".into(),
            Kind::ZoomOut(Zoom::X2) => "outpaint_50".into(),
            Kind::ZoomOut(Zoom::X1_5) => "outpaint_75".into(),
            Kind::ZoomOut(Zoom::Square) => "outpaint_square".into(),
            Kind::ZoomOut(Zoom::Custom(permille)) => format!("outpaint_custom_{permille}"),
            Kind::Pan(d) => format!("pan_{}", d.word()),
            Kind::Blend => "blend".into(),
            Kind::Describe => "describe".into(),
            Kind::Inpaint => "inpaint".into(),
            Kind::Shorten => "shorten".into(),
            Kind::Seed => "seed".into(),
            Kind::Video(m) => format!("video_{}", m.word()),
        }
    }

    /// The JourneyAPI `task_type` of a task of this kind.
    pub fn journey_type(self) -> String {
        match self {
            Kind::Imagine => "imagine".into(),
            Kind::Upscale(_) => "upscale-1x".into(),
            Kind::Variation(n) => format!("variation-{n}"),
            Kind::Reroll => "reroll".into(),
            Kind::UpscaleSubtle => "upscale-subtle".into(),
            Kind::UpscaleCreative => "upscale-creative".into(),
            Kind::Upscale2x => "upscale-2x".into(),
            Kind::Upscale4x => "upscale-4x".into(),
            Kind::VarySubtle => "variation-subtle".into(),
            Kind::VaryStrong => "variation-strong".into(),
            Kind::ZoomOut(_) => "outpaint".into(),
            Kind::Pan(d) => format!("pan-{}", d.word()),
            Kind::Blend => "blend".into(),
            Kind::Describe => "describe".into(),
            Kind::Inpaint => "inpaint".into(),
            Kind::Shorten => "shorten".into(),
            Kind::Seed => "seed".into(),
            Kind::Video(_) => "imagine-video".into(),
        }
    }

    /// Reads a kind back from either word this simulator writes for it: LinkrAPI's `action`
    /// ([`Kind::linkr_action`]) or JourneyAPI's `task_type` ([`Kind::journey_type`]). An
    /// `upscale-1x` without its quadrant reads as U1, a bare `outpaint` as Zoom Out 2x and
    /// `imagine-video` (or `video`) as a low-motion video.
    pub fn from_word(word: &str) -> Option<Kind> {
        let w = word.trim().to_ascii_lowercase();
        let quadrant = |rest: &str| rest.parse::<u8>().ok().filter(|n| (1..=4).contains(n));
        Some(match w.as_str() {
            "imagine" => Kind::Imagine,
            "reroll" => Kind::Reroll,
            "upscale-1x" | "upscale" => Kind::Upscale(1),
            "upscale_subtle" | "upscale-subtle" => Kind::UpscaleSubtle,
            "upscale_creative" | "upscale-creative" => Kind::UpscaleCreative,
            "upscale_2x" | "upscale-2x" => Kind::Upscale2x,
            "upscale_4x" | "upscale-4x" => Kind::Upscale4x,
            "low_variation" | "variation-subtle" => Kind::VarySubtle,
            "high_variation" | "variation-strong" => Kind::VaryStrong,
            "outpaint_50" | "outpaint" => Kind::ZoomOut(Zoom::X2),
            "outpaint_75" => Kind::ZoomOut(Zoom::X1_5),
            "outpaint_square" => Kind::ZoomOut(Zoom::Square),
            "blend" => Kind::Blend,
            "describe" => Kind::Describe,
            "inpaint" | "vary_region" | "vary-region" => Kind::Inpaint,
            "shorten" => Kind::Shorten,
            "seed" => Kind::Seed,
            "imagine-video" | "imagine_video" | "video" | "video_low" => Kind::Video(Motion::Low),
            "video_high" => Kind::Video(Motion::High),
            other => {
                if let Some(n) = other.strip_prefix("upsample").and_then(quadrant) {
                    Kind::Upscale(n)
                } else if let Some(n) = other
                    .strip_prefix("variation-")
                    .or_else(|| other.strip_prefix("variation"))
                    .and_then(quadrant)
                {
                    Kind::Variation(n)
                } else if let Some(d) = other
                    .strip_prefix("pan_")
                    .or_else(|| other.strip_prefix("pan-"))
                    .and_then(Dir::parse)
                {
                    Kind::Pan(d)
                } else if let Some(permille) = other
                    .strip_prefix("outpaint_custom_")
                    .and_then(|n| n.parse::<u16>().ok())
                    .filter(|n| (1000..=2000).contains(n))
                {
                    Kind::ZoomOut(Zoom::Custom(permille))
                } else {
                    return None;
                }
            }
        })
    }

    /// Simulated seconds a task of this kind takes in fast mode: the contract's typical
    /// durations (imagine and other grids 30-90 s, upscale 15-45 s, describe/shorten
    /// 10-30 s, video 1-5 min) scaled down by about three, as for imagine.
    pub fn duration_secs(self) -> f64 {
        match self {
            Kind::Upscale(_) => 8.0,
            Kind::UpscaleSubtle | Kind::UpscaleCreative => 15.0,
            Kind::Upscale2x => 12.0,
            Kind::Upscale4x => 18.0,
            Kind::Describe | Kind::Shorten => 6.0,
            Kind::Seed => 3.0,
            Kind::Video(_) => 60.0,
            _ => 20.0,
        }
    }

    /// JourneyAPI credits a task of this kind costs (Midjourney model), from the contract's
    /// price list: upscale-1x 2, upscale-2x-4x 2, describe 2, shorten 2, imagine-video 8,
    /// seed 0 ([guess]: not on the list), everything else (imagine, upscale-alt, variations,
    /// reroll, pan, blend, and outpaint / inpaint [guess: priced like pan]) 4.
    pub fn journey_cost(self) -> i64 {
        match self {
            Kind::Upscale(_) | Kind::Upscale2x | Kind::Upscale4x => 2,
            Kind::Describe | Kind::Shorten => 2,
            Kind::Video(_) => 8,
            Kind::Seed => 0,
            _ => 4,
        }
    }
}

/// How a task will end.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// Normally, with a result.
    Complete,
    /// `failed` with `error`, once `at` of the duration has passed.
    Fail {
        /// The error text.
        error: String,
        /// Fraction of the duration at which it fails.
        at: f64,
    },
    /// Provider timeout once `at` of the duration has passed (Linkr `timeout`; Journey
    /// stays `processing`). Until then the task is stuck in processing.
    Timeout {
        /// Fraction of the duration at which it times out.
        at: f64,
    },
}

/// Fraction of the duration after which a task with a submit-time timeout fault times out.
pub const TIMEOUT_AT: f64 = 3.0;
/// Fraction of the duration at which a task with a submit-time failure fault fails.
pub const FAIL_AT: f64 = 0.5;
/// Where a timing-out task's progress gets stuck.
const STUCK_AT: f64 = 0.6;

impl Fate {
    /// The fate a task-level fault gives a new task.
    pub fn from_fault(fault: &TaskFault) -> Fate {
        match fault {
            TaskFault::Fail(error) => Fate::Fail {
                error: error.clone(),
                at: FAIL_AT,
            },
            TaskFault::Timeout => Fate::Timeout { at: TIMEOUT_AT },
        }
    }
}

/// A task's state at one instant.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Still running.
    Running(Stage, u8),
    /// Finished with a result.
    Done,
    /// Failed; the progress it had reached.
    Failed(String, u8),
    /// Provider timeout; the progress it had reached.
    TimedOut(u8),
}

impl State {
    /// Whether the task will not change any more (Journey timeouts never report this).
    pub fn is_final(&self) -> bool {
        !matches!(self, State::Running(..))
    }
}

/// The pictures of a task.
#[derive(Debug, Clone, PartialEq)]
pub enum Media {
    /// A grid of four looks; each single is `size` pixels.
    Grid {
        /// The four quadrants, top-left first.
        looks: [Look; 4],
        /// Size of one single.
        size: (u32, u32),
        /// Vary (Region): each quadrant keeps the region's base picture outside its mask and
        /// shows its own look inside.
        region: Option<Arc<Region>>,
    },
    /// One image.
    Single {
        /// The look.
        look: Look,
        /// Its size.
        size: (u32, u32),
    },
    /// Text results (describe's four prompts).
    Text(Vec<String>),
    /// Shorten: the short variants and the analysis.
    Shorten {
        /// The short variants (`content`).
        content: Vec<String>,
        /// The analysis (`full_content`).
        full: String,
    },
    /// A seed (`seed`, digits).
    Seed(String),
    /// Four videos of `frames` frames from one start picture, each moving its own way.
    Video {
        /// The start frame.
        start: Look,
        /// Frame size.
        size: (u32, u32),
        /// How much moves.
        motion: Motion,
    },
}

/// One task in the simulator.
#[derive(Debug, Clone)]
pub struct Task {
    /// The task id (a UUID).
    pub id: String,
    /// Which service owns it.
    pub provider: Provider,
    /// What created it.
    pub kind: Kind,
    /// The parent task, for follow-ups.
    pub parent: Option<String>,
    /// The prompt as submitted (children inherit their parent's).
    pub prompt: String,
    /// Model name (`midjourney`, `flux-pro`, ...).
    pub model: String,
    /// Linkr mode (`fast`, `relax`, `turbo`).
    pub mode: &'static str,
    /// Aspect ratio of the images.
    pub aspect: (u32, u32),
    /// Seed everything about this task's pictures is derived from.
    pub seed: u64,
    /// The pictures.
    pub media: Media,
    /// Simulated second it was created at.
    pub created_sim: f64,
    /// Simulated seconds it takes.
    pub duration: f64,
    /// Wall-clock creation time.
    pub created_at: DateTime<Utc>,
    /// How it ends.
    pub fate: Fate,
    /// Finished at creation (JourneyAPI non-Midjourney models).
    pub synchronous: bool,
    /// The Midjourney job hash used in `custom_id`s.
    pub job_hash: String,
    /// Leave `images` out of the Linkr result (marker `[[no-images]]`).
    pub no_images: bool,
    /// `@poll` transport-fault markers with their remaining counts.
    pub poll_markers: Vec<(Marker, Option<u32>)>,
    /// Children created so far per kind, so repeated follow-ups differ deterministically.
    pub children: HashMap<String, u32>,
    /// `reference_image` / `image_url` of the request.
    pub reference_image: Option<String>,
    /// `webhook_url` of the request (never called).
    pub webhook_url: Option<String>,
}

impl Task {
    /// The state at simulated second `now`.
    pub fn state(&self, now: f64) -> State {
        if self.synchronous {
            return match &self.fate {
                Fate::Fail { error, .. } => State::Failed(error.clone(), 0),
                _ => State::Done,
            };
        }
        let f = self.fraction(now);
        match &self.fate {
            Fate::Complete => match stage_at(f) {
                (Stage::Done, _) => State::Done,
                (stage, p) => State::Running(stage, p),
            },
            Fate::Fail { error, at } => {
                if f >= *at {
                    State::Failed(error.clone(), stage_at(at.min(0.99)).1)
                } else {
                    let (stage, p) = stage_at(f);
                    State::Running(stage, p)
                }
            }
            Fate::Timeout { at } => {
                let cap = if *at < 1.0 {
                    STUCK_AT.max(*at)
                } else {
                    STUCK_AT
                };
                let stuck = f.min(cap);
                let (stage, p) = stage_at(stuck);
                if f >= *at {
                    State::TimedOut(p)
                } else {
                    State::Running(stage, p)
                }
            }
        }
    }

    /// Fraction of the duration elapsed at `now`.
    pub fn fraction(&self, now: f64) -> f64 {
        if self.duration <= 0.0 {
            return 1.0;
        }
        ((now - self.created_sim) / self.duration).max(0.0)
    }

    /// Applies a poll-time fault: a running task fails or times out right now.
    pub fn strike(&mut self, fault: &TaskFault, now: f64) {
        if self.state(now).is_final() {
            return;
        }
        let at = self.fraction(now);
        self.fate = match fault {
            TaskFault::Fail(error) => Fate::Fail {
                error: error.clone(),
                at,
            },
            TaskFault::Timeout => Fate::Timeout { at },
        };
    }

    /// Counts a new child of `kind` and returns how many came before it.
    pub fn next_child(&mut self, kind: Kind) -> u32 {
        let n = self.children.entry(kind.linkr_action()).or_insert(0);
        let before = *n;
        *n = n.saturating_add(1);
        before
    }
}

/// Parameters for a new task, from which [`new_task`] derives the rest.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// Owning service.
    pub provider: Provider,
    /// What creates it.
    pub kind: Kind,
    /// The parent (already counted with [`Task::next_child`]) and the child number.
    pub parent: Option<(Task, u32)>,
    /// The prompt.
    pub prompt: String,
    /// The model.
    pub model: String,
    /// Linkr mode word.
    pub mode: &'static str,
    /// Aspect ratio.
    pub aspect: (u32, u32),
    /// Prompt `--seed`, if any.
    pub prompt_seed: Option<u64>,
    /// How it ends.
    pub fate: Fate,
    /// Whether it finishes at once.
    pub synchronous: bool,
    /// `[[no-images]]`.
    pub no_images: bool,
    /// Poll markers.
    pub poll_markers: Vec<(Marker, Option<u32>)>,
    /// Reference image URL.
    pub reference_image: Option<String>,
    /// Webhook URL.
    pub webhook_url: Option<String>,
    /// Extra seed material (blend URLs, describe URL).
    pub extra: String,
}

/// The seed a Midjourney task reports through `/seed`: its prompt's `--seed` when it has
/// one, else a number below 2^32 derived from the task, as Midjourney's are.
pub fn seed_of(task: &Task) -> String {
    crate::prompt::flags(&task.prompt)
        .seed
        .unwrap_or(task.seed % (1u64 << 32))
        .to_string()
}

fn grid_looks(seed: u64, hue: f32, from: Option<Look>, strength: f32) -> [Look; 4] {
    std::array::from_fn(|i| match from {
        Some(src) => src.mutated(strength, derive(seed, i as u64)),
        None => Look::new(derive(seed, i as u64), hue + 90.0 * i as f32),
    })
}

/// The look of a parent's quadrant `index` (1-based) or its single image.
pub fn source_look(parent: &Task, index: u8) -> Option<Look> {
    match &parent.media {
        Media::Grid { looks, .. } => looks.get(usize::from(index.clamp(1, 4)) - 1).copied(),
        Media::Single { look, .. } => Some(*look),
        Media::Video { start, .. } => Some(*start),
        Media::Text(_) | Media::Shorten { .. } | Media::Seed(_) => None,
    }
}

/// Builds a task: its seed and pictures follow from prompt, kind, parent and child number.
pub fn new_task(spec: NewTask, now_sim: f64) -> Task {
    let kind = spec.kind;
    let parent_seed = spec.parent.as_ref().map(|(p, _)| p.seed).unwrap_or(0);
    let nth = spec.parent.as_ref().map(|(_, n)| *n).unwrap_or(0);
    let clean = crate::faults::strip_markers(&spec.prompt);
    let seed = hash_parts(&[
        &clean,
        &kind.linkr_action(),
        &parent_seed.to_string(),
        &nth.to_string(),
        &spec.prompt_seed.map(|s| s.to_string()).unwrap_or_default(),
        &spec.model,
        &spec.extra,
    ]);
    let hue = (hash_parts(&[&clean]) % 360) as f32;
    let single = images::size_for(spec.aspect, images::SINGLE_LONG_SIDE);
    let up = images::size_for(spec.aspect, images::UPSCALE_LONG_SIDE);
    let parent = spec.parent.as_ref().map(|(p, _)| p);
    let src = |index: u8| parent.and_then(|p| source_look(p, index));
    let grid = |looks: [Look; 4], size: (u32, u32)| Media::Grid {
        looks,
        size,
        region: None,
    };
    // The aspect the pictures really have (make square turns any parent square).
    let aspect = match kind {
        Kind::ZoomOut(Zoom::Square) => (1, 1),
        _ => spec.aspect,
    };
    let media = match kind {
        Kind::Imagine | Kind::Blend => {
            if spec.model == "midjourney" {
                grid(grid_looks(seed, hue, None, 0.0), single)
            } else {
                Media::Single {
                    look: Look::new(seed, hue),
                    size: up,
                }
            }
        }
        Kind::Reroll => grid(grid_looks(seed, hue, None, 0.0), single),
        Kind::Variation(n) => grid(grid_looks(seed, hue, src(n), 0.35), single),
        Kind::VarySubtle | Kind::VaryStrong => grid(
            grid_looks(
                seed,
                hue,
                src(1),
                if kind == Kind::VaryStrong { 0.6 } else { 0.12 },
            ),
            single,
        ),
        // Inside its mask each quadrant is strongly varied (the mask itself is added by
        // the endpoint, which has it).
        Kind::Inpaint => grid(grid_looks(seed, hue + 45.0, src(1), 0.9), single),
        Kind::ZoomOut(z) => {
            let base = src(1).map(|l| l.zoomed(z.factor()));
            grid(
                grid_looks(seed, hue, base, 0.08),
                images::size_for(aspect, images::SINGLE_LONG_SIDE),
            )
        }
        Kind::Pan(d) => {
            let (dx, dy) = match d {
                Dir::Left => (-0.5, 0.0),
                Dir::Right => (0.5, 0.0),
                Dir::Up => (0.0, -0.5),
                Dir::Down => (0.0, 0.5),
            };
            grid(
                grid_looks(seed, hue, src(1).map(|l| l.panned(dx, dy)), 0.08),
                single,
            )
        }
        Kind::Upscale(n) => Media::Single {
            look: src(n).unwrap_or_else(|| Look::new(seed, hue)),
            size: up,
        },
        Kind::UpscaleSubtle | Kind::Upscale2x => Media::Single {
            look: src(1).unwrap_or_else(|| Look::new(seed, hue)),
            size: up,
        },
        Kind::UpscaleCreative => Media::Single {
            look: src(1)
                .unwrap_or_else(|| Look::new(seed, hue))
                .mutated(0.06, seed),
            size: up,
        },
        Kind::Upscale4x => Media::Single {
            look: src(1).unwrap_or_else(|| Look::new(seed, hue)),
            size: images::size_for(spec.aspect, images::UPSCALE_4X_LONG_SIDE),
        },
        Kind::Describe => Media::Text(text::describe(seed)),
        Kind::Shorten => {
            let (content, full) = text::shorten(&clean);
            Media::Shorten { content, full }
        }
        Kind::Seed => Media::Seed(match parent {
            Some(p) => seed_of(p),
            None => (seed % (1u64 << 32)).to_string(),
        }),
        Kind::Video(motion) => Media::Video {
            start: src(1).unwrap_or_else(|| Look::new(seed, hue)),
            size: images::size_for(spec.aspect, video::LONG_SIDE),
            motion,
        },
    };
    let mode_factor = match spec.mode {
        "turbo" => 0.5,
        "relax" => 3.0,
        _ => 1.0,
    };
    Task {
        id: uuid::Uuid::new_v4().to_string(),
        provider: spec.provider,
        kind,
        parent: parent.map(|p| p.id.clone()),
        prompt: spec.prompt,
        model: spec.model,
        mode: spec.mode,
        aspect,
        seed,
        media,
        created_sim: now_sim,
        duration: kind.duration_secs() * mode_factor,
        created_at: Utc::now(),
        fate: spec.fate,
        synchronous: spec.synchronous,
        job_hash: uuid::Uuid::new_v4().to_string(),
        no_images: spec.no_images,
        poll_markers: spec.poll_markers,
        children: HashMap::new(),
        reference_image: spec.reference_image,
        webhook_url: spec.webhook_url,
    }
}

/// How many tasks the store keeps before dropping the oldest.
pub const MAX_TASKS: usize = 5_000;

/// The bounded task store.
#[derive(Debug, Default)]
pub struct TaskStore {
    tasks: HashMap<String, Task>,
    order: VecDeque<String>,
}

impl TaskStore {
    /// Adds a task, dropping the oldest beyond [`MAX_TASKS`].
    pub fn insert(&mut self, task: Task) {
        while self.order.len() >= MAX_TASKS {
            if let Some(old) = self.order.pop_front() {
                self.tasks.remove(&old);
            }
        }
        self.order.push_back(task.id.clone());
        self.tasks.insert(task.id.clone(), task);
    }

    /// The task with `id`.
    pub fn get(&self, id: &str) -> Option<&Task> {
        self.tasks.get(id)
    }

    /// The task with `id`, mutably.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Task> {
        self.tasks.get_mut(id)
    }

    /// Number of tasks held.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn spec(kind: Kind, parent: Option<(Task, u32)>) -> NewTask {
        NewTask {
            provider: Provider::Linkr,
            kind,
            parent,
            prompt: "a red fox --ar 16:9".into(),
            model: "midjourney".into(),
            mode: "fast",
            aspect: (16, 9),
            prompt_seed: None,
            fate: Fate::Complete,
            synchronous: false,
            no_images: false,
            poll_markers: Vec::new(),
            reference_image: None,
            webhook_url: None,
            extra: String::new(),
        }
    }

    #[test]
    fn every_kind_reads_back_from_both_of_its_words() {
        let kinds = [
            Kind::Imagine,
            Kind::Upscale(3),
            Kind::Variation(2),
            Kind::Reroll,
            Kind::UpscaleSubtle,
            Kind::UpscaleCreative,
            Kind::Upscale2x,
            Kind::Upscale4x,
            Kind::VarySubtle,
            Kind::VaryStrong,
            Kind::ZoomOut(Zoom::X2),
            Kind::ZoomOut(Zoom::X1_5),
            Kind::ZoomOut(Zoom::Square),
            Kind::Pan(Dir::Up),
            Kind::Blend,
            Kind::Describe,
            Kind::Inpaint,
            Kind::Shorten,
            Kind::Seed,
            Kind::Video(Motion::Low),
            Kind::Video(Motion::High),
            Kind::ZoomOut(Zoom::Custom(1250)),
        ];
        for kind in kinds {
            assert_eq!(
                Kind::from_word(&kind.linkr_action()),
                Some(kind),
                "{kind:?}"
            );
        }
        assert_eq!(Kind::from_word("upscale-1x"), Some(Kind::Upscale(1)));
        assert_eq!(Kind::from_word("variation-4"), Some(Kind::Variation(4)));
        assert_eq!(Kind::from_word("pan-left"), Some(Kind::Pan(Dir::Left)));
        assert_eq!(Kind::from_word("variation-strong"), Some(Kind::VaryStrong));
        assert_eq!(
            Kind::from_word("imagine-video"),
            Some(Kind::Video(Motion::Low))
        );
        assert_eq!(Kind::from_word("inpaint"), Some(Kind::Inpaint));
        assert_eq!(Kind::from_word("outpaint_custom_2500"), None);
        assert_eq!(Kind::from_word("upsample9"), None);
        assert_eq!(Kind::from_word("faceswap"), None);
    }

    #[test]
    fn imagine_runs_through_every_stage_then_completes() {
        let t = new_task(spec(Kind::Imagine, None), 100.0);
        assert_eq!(t.duration, 20.0);
        assert_eq!(t.state(100.0), State::Running(Stage::Queued, 0));
        assert!(matches!(
            t.state(110.0),
            State::Running(Stage::Processing, _)
        ));
        assert_eq!(t.state(120.0), State::Done);
        assert_eq!(t.kind.output(), Output::Grid);
    }

    #[test]
    #[cfg(feature = "test-hooks")]
    fn same_prompt_same_pictures_and_markers_do_not_matter() {
        let a = new_task(spec(Kind::Imagine, None), 0.0);
        let mut s = spec(Kind::Imagine, None);
        s.prompt = "a red fox [[no-images]] --ar 16:9".into();
        let b = new_task(s, 5.0);
        assert_eq!(a.media, b.media);
        assert_ne!(a.id, b.id);
        let Media::Grid { looks, size, .. } = &a.media else {
            panic!("grid expected")
        };
        assert_eq!(*size, (512, 288));
        assert_ne!(looks[0], looks[1]);
    }

    #[test]
    fn upscale_uses_the_quadrant_look() {
        let mut parent = new_task(spec(Kind::Imagine, None), 0.0);
        let n = parent.next_child(Kind::Upscale(3));
        let up = new_task(spec(Kind::Upscale(3), Some((parent.clone(), n))), 0.0);
        let Media::Single { look, size } = up.media else {
            panic!("single expected")
        };
        assert_eq!(Some(look), source_look(&parent, 3));
        assert_eq!(size, (1024, 576));
        assert_eq!(up.parent.as_deref(), Some(parent.id.as_str()));
        // Two rerolls of one parent differ, deterministically.
        let n1 = parent.next_child(Kind::Reroll);
        let n2 = parent.next_child(Kind::Reroll);
        let r1 = new_task(spec(Kind::Reroll, Some((parent.clone(), n1))), 0.0);
        let r2 = new_task(spec(Kind::Reroll, Some((parent.clone(), n2))), 0.0);
        assert_ne!(r1.media, r2.media);
    }

    #[test]
    fn fates() {
        let mut s = spec(Kind::Imagine, None);
        s.fate = Fate::from_fault(&TaskFault::Fail("boom".into()));
        let t = new_task(s, 0.0);
        assert!(matches!(t.state(5.0), State::Running(..)));
        assert!(matches!(t.state(10.0), State::Failed(ref e, _) if e == "boom"));

        let mut s = spec(Kind::Imagine, None);
        s.fate = Fate::from_fault(&TaskFault::Timeout);
        let t = new_task(s, 0.0);
        assert!(matches!(
            t.state(30.0),
            State::Running(Stage::Processing, _)
        ));
        assert!(matches!(
            t.state(59.0),
            State::Running(Stage::Processing, _)
        ));
        assert!(matches!(t.state(60.0), State::TimedOut(_)));

        let mut t = new_task(spec(Kind::Imagine, None), 0.0);
        t.strike(&TaskFault::Fail("policy".into()), 2.0);
        assert!(matches!(t.state(2.0), State::Failed(..)));
        let mut done = new_task(spec(Kind::Imagine, None), 0.0);
        done.strike(&TaskFault::Timeout, 50.0);
        assert_eq!(
            done.state(50.0),
            State::Done,
            "finished tasks are not struck"
        );
    }

    #[test]
    fn journey_types_and_linkr_actions() {
        assert_eq!(Kind::Upscale(2).linkr_action(), "upsample2");
        assert_eq!(Kind::Upscale(2).journey_type(), "upscale-1x");
        assert_eq!(Kind::Pan(Dir::Left).journey_type(), "pan-left");
        assert_eq!(Kind::Pan(Dir::Up).linkr_action(), "pan_up");
        assert_eq!(Kind::ZoomOut(Zoom::X2).linkr_action(), "outpaint_50");
        assert_eq!(Kind::VaryStrong.journey_type(), "variation-strong");
        assert_eq!(Kind::Imagine.journey_cost(), 4);
        assert_eq!(Kind::Video(Motion::High).journey_type(), "imagine-video");
        assert_eq!(Kind::Inpaint.journey_type(), "inpaint");
        assert_eq!(Kind::ZoomOut(Zoom::Custom(1300)).journey_type(), "outpaint");
        // The contract's price list.
        for (kind, price) in [
            (Kind::Upscale(1), 2),
            (Kind::UpscaleSubtle, 4),
            (Kind::Upscale2x, 2),
            (Kind::Upscale4x, 2),
            (Kind::Variation(1), 4),
            (Kind::Reroll, 4),
            (Kind::Pan(Dir::Up), 4),
            (Kind::Blend, 4),
            (Kind::Describe, 2),
            (Kind::Shorten, 2),
            (Kind::Video(Motion::Low), 8),
            (Kind::ZoomOut(Zoom::Custom(1100)), 4),
            (Kind::Inpaint, 4),
            (Kind::Seed, 0),
        ] {
            assert_eq!(kind.journey_cost(), price, "{kind:?}");
        }
        assert!(Kind::Shorten.duration_secs() < Kind::Imagine.duration_secs());
        assert!(Kind::Video(Motion::Low).duration_secs() > Kind::Imagine.duration_secs());
    }

    #[test]
    fn new_kinds_make_their_media() {
        let mut parent = new_task(spec(Kind::Upscale(1), None), 0.0);
        parent.prompt = "a red fox --seed 77".into();
        let n = parent.next_child(Kind::Seed);
        let seed = new_task(spec(Kind::Seed, Some((parent.clone(), n))), 0.0);
        assert_eq!(seed.media, Media::Seed("77".into()));
        let square = new_task(
            spec(Kind::ZoomOut(Zoom::Square), Some((parent.clone(), 0))),
            0.0,
        );
        assert_eq!(square.aspect, (1, 1));
        assert!(matches!(
            square.media,
            Media::Grid {
                size: (512, 512),
                ..
            }
        ));
        let custom = new_task(
            spec(Kind::ZoomOut(Zoom::Custom(1250)), Some((parent, 1))),
            0.0,
        );
        assert!(matches!(
            custom.media,
            Media::Grid {
                size: (512, 288),
                ..
            }
        ));
        let video = new_task(spec(Kind::Video(Motion::High), None), 0.0);
        assert!(matches!(
            video.media,
            Media::Video {
                size: (256, 144),
                motion: Motion::High,
                ..
            }
        ));
        assert_eq!(video.kind.output(), Output::Video);
        let short = new_task(spec(Kind::Shorten, None), 0.0);
        assert!(matches!(short.media, Media::Shorten { ref content, .. } if !content.is_empty()));
    }

    #[test]
    fn store_is_bounded() {
        let mut store = TaskStore::default();
        let first = new_task(spec(Kind::Imagine, None), 0.0);
        let first_id = first.id.clone();
        store.insert(first);
        for _ in 0..MAX_TASKS {
            store.insert(new_task(spec(Kind::Imagine, None), 0.0));
        }
        assert_eq!(store.len(), MAX_TASKS);
        assert!(store.get(&first_id).is_none());
    }
}
