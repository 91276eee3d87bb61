//! The button model: LinkrAPI `components` -> [`Action`]s, the same set derived
//! for JourneyAPI from a task's kind, symbolic action ids, and the mapping of
//! provider words (`upsample2`, `variation-strong`...) to [`TaskKind`].

use serde_json::Value;

use crate::model::{
    Action, ActionGroup, ActionMode, PanDirection, Task, TaskKind, TaskStatus, ZoomFactor,
};
use crate::parse::{self, MAX_ACTIONS};

/// The longest `custom_id` accepted (Discord allows 100).
pub const MAX_CUSTOM_ID_LEN: usize = 512;
/// How many raw component entries are looked at, at most (before de-duplication).
const MAX_COMPONENTS_SCANNED: usize = MAX_ACTIONS * 4;

/// What a Linkr `custom_id` means.
#[derive(Debug, Clone, PartialEq)]
pub struct ButtonMeaning {
    /// The child task's kind, when known.
    pub kind: Option<TaskKind>,
    /// How the button can be used.
    pub mode: ActionMode,
    /// False for buttons that never start a job (bookmark).
    pub offered: bool,
}

/// Classifies a Midjourney `custom_id` (provider-contracts.md section 3).
pub fn classify_custom_id(custom_id: &str) -> ButtonMeaning {
    let send = |kind: TaskKind| ButtonMeaning {
        kind: Some(kind),
        mode: ActionMode::Send,
        offered: true,
    };
    let parts: Vec<&str> = custom_id.split("::").take(8).collect();
    let quadrant = |i: usize| parts.get(i).and_then(|s| s.parse::<u8>().ok());
    match parts.as_slice() {
        ["MJ", "JOB", op, ..] => {
            let op_l = op.to_ascii_lowercase();
            match op_l.as_str() {
                "upsample" => match quadrant(3) {
                    Some(n @ 1..=4) => send(TaskKind::Upscale { index: n }),
                    _ => unknown(op),
                },
                "variation" => match quadrant(3) {
                    Some(n @ 1..=4) => send(TaskKind::Variation { index: n }),
                    _ => unknown(op),
                },
                "reroll" => send(TaskKind::Reroll),
                "low_variation" => send(TaskKind::VarySubtle),
                "high_variation" => send(TaskKind::VaryStrong),
                _ if op_l.starts_with("pan_") => match PanDirection::parse(&op_l[4..]) {
                    Some(direction) => send(TaskKind::Pan { direction }),
                    None => unknown(op),
                },
                _ if op_l.starts_with("upsample_") && op_l.contains("subtle") => {
                    send(TaskKind::UpscaleSubtle)
                }
                _ if op_l.starts_with("upsample_") && op_l.contains("creative") => {
                    send(TaskKind::UpscaleCreative)
                }
                _ if op_l.starts_with("upsample_") && op_l.ends_with("_2x") => {
                    send(TaskKind::Upscale2x)
                }
                _ if op_l.starts_with("upsample_") && op_l.ends_with("_4x") => {
                    send(TaskKind::Upscale4x)
                }
                _ => unknown(op),
            }
        }
        ["MJ", "Outpaint", pct, ..] => match *pct {
            "50" => send(TaskKind::ZoomOut {
                factor: ZoomFactor::X2,
            }),
            "75" => send(TaskKind::ZoomOut {
                factor: ZoomFactor::X1_5,
            }),
            "100" => send(TaskKind::ZoomOut {
                factor: ZoomFactor::Square,
            }),
            _ => unknown("outpaint"),
        },
        ["MJ", "Inpaint", ..] => ButtonMeaning {
            kind: Some(TaskKind::VaryRegion),
            mode: ActionMode::NeedsMask,
            offered: true,
        },
        ["MJ", "CustomZoom", ..] => ButtonMeaning {
            kind: Some(TaskKind::CustomZoom),
            mode: ActionMode::NeedsPrompt,
            offered: true,
        },
        ["MJ", "BOOKMARK", ..] => ButtonMeaning {
            kind: None,
            mode: ActionMode::Send,
            offered: false,
        },
        ["MJ", op, ..] => unknown(op),
        _ => unknown(""),
    }
}

/// An unrecognised button: it can still be sent (LinkrAPI accepts any custom_id).
fn unknown(op: &str) -> ButtonMeaning {
    let op = op.trim();
    ButtonMeaning {
        kind: (!op.is_empty()).then(|| TaskKind::Other {
            raw: parse::truncate(op.to_string(), 64),
        }),
        mode: ActionMode::Send,
        offered: true,
    }
}

/// LinkrAPI's `action` word on a fetched task (`imagine`, `upsample2`, `variation1`,
/// `reroll`, `high_variation`, `pan_left`, `outpaint_50`, `upscale_subtle`...) -> kind.
/// Also reads JourneyAPI-style words; anything else is `Other { raw }`.
pub fn kind_from_word(word: &str) -> TaskKind {
    let raw = word.trim();
    let w = raw.to_ascii_lowercase().replace(['-', ' '], "_");
    let tail_index = |prefix: &str| -> Option<u8> {
        let rest = w.strip_prefix(prefix)?;
        let rest = rest.trim_start_matches(['_', '#']);
        match rest.parse::<u8>() {
            Ok(n @ 1..=4) => Some(n),
            _ => None,
        }
    };
    if let Some(n) = tail_index("upsample").or_else(|| tail_index("upscale")) {
        return TaskKind::Upscale { index: n };
    }
    if let Some(n) = tail_index("variation") {
        return TaskKind::Variation { index: n };
    }
    if let Some(dir) = w.strip_prefix("pan_").and_then(PanDirection::parse) {
        return TaskKind::Pan { direction: dir };
    }
    match w.as_str() {
        "imagine" => TaskKind::Imagine,
        "reroll" => TaskKind::Reroll,
        "upscale_1x" | "upsample" | "upscale" => TaskKind::Upscale { index: 0 },
        "high_variation" | "variation_strong" | "vary_strong" | "strong_variation" => {
            TaskKind::VaryStrong
        }
        "low_variation" | "variation_subtle" | "vary_subtle" | "subtle_variation" => {
            TaskKind::VarySubtle
        }
        "upscale_subtle" | "upsample_subtle" => TaskKind::UpscaleSubtle,
        "upscale_creative" | "upsample_creative" => TaskKind::UpscaleCreative,
        "upscale_2x" | "upsample_2x" => TaskKind::Upscale2x,
        "upscale_4x" | "upsample_4x" => TaskKind::Upscale4x,
        "outpaint_50" | "zoom_out_2" | "zoom_out_2x" | "zoom_2" | "outpaint_2" => {
            TaskKind::ZoomOut {
                factor: ZoomFactor::X2,
            }
        }
        "outpaint_75" | "zoom_out_1.5" | "zoom_out_1.5x" | "zoom_1.5" | "outpaint_1.5" => {
            TaskKind::ZoomOut {
                factor: ZoomFactor::X1_5,
            }
        }
        "outpaint_100" | "outpaint_square" | "make_square" | "zoom_out_square" | "outpaint_1" => {
            TaskKind::ZoomOut {
                factor: ZoomFactor::Square,
            }
        }
        "inpaint" | "vary_region" => TaskKind::VaryRegion,
        "custom_zoom" | "customzoom" => TaskKind::CustomZoom,
        "blend" => TaskKind::Blend,
        "describe" => TaskKind::Describe,
        "shorten" => TaskKind::Shorten,
        "faceswap" | "face_swap" => TaskKind::FaceSwap,
        "imagine_video" | "video" | "animate" => TaskKind::Video,
        "seed" => TaskKind::Seed,
        _ if w.starts_with("upsample_") && w.contains("subtle") => TaskKind::UpscaleSubtle,
        _ if w.starts_with("upsample_") && w.contains("creative") => TaskKind::UpscaleCreative,
        _ => TaskKind::Other {
            raw: parse::truncate(raw.to_string(), 64),
        },
    }
}

/// Why LinkrAPI cannot send a button of this mode, if it cannot: its `/v1/action` takes only
/// `task_id` and `action`, so buttons that open a modal (a prompt, a mask) have no way through.
pub fn linkr_unavailable(mode: ActionMode, kind: Option<&TaskKind>) -> Option<String> {
    let name = kind.map(words_for);
    match mode {
        ActionMode::NeedsPrompt => Some(format!(
            "LinkrAPI cannot send {}: it needs a prompt that LinkrAPI's action call does not take.",
            name.unwrap_or_else(|| "this button".into())
        )),
        ActionMode::NeedsMask => Some(format!(
            "LinkrAPI cannot send {}: it needs a painted mask (and a prompt) that LinkrAPI's \
             action call does not take.",
            name.unwrap_or_else(|| "this button".into())
        )),
        ActionMode::Send | ActionMode::Link => None,
    }
}

/// The readable words for a button that shows only an emoji (or nothing).
fn words_for(kind: &TaskKind) -> String {
    match kind {
        TaskKind::Upscale { index } => format!("U{index}"),
        TaskKind::Variation { index } => format!("V{index}"),
        other => other.label(),
    }
}

/// The emoji Midjourney shows on a kind's button, if any.
fn emoji_for(kind: &TaskKind) -> Option<&'static str> {
    match kind {
        TaskKind::Reroll => Some("🔄"),
        TaskKind::Pan { direction } => Some(direction.emoji()),
        _ => None,
    }
}

fn group_and_index(kind: Option<&TaskKind>) -> (ActionGroup, Option<u8>) {
    match kind {
        Some(TaskKind::Upscale { index }) => (ActionGroup::Upscale, Some(*index)),
        Some(TaskKind::Variation { index }) => (ActionGroup::Variation, Some(*index)),
        _ => (ActionGroup::Other, None),
    }
}

/// True when a label has something readable (a letter or a digit).
fn is_readable(label: &str) -> bool {
    label.chars().any(char::is_alphanumeric)
}

/// A component's emoji, from `"emoji": "🔄"` or `"emoji": {"name": "🔄"}`.
fn component_emoji(c: &Value) -> Option<String> {
    match c.get("emoji")? {
        Value::String(s) if !s.trim().is_empty() => Some(parse::truncate(s.trim().into(), 64)),
        obj @ Value::Object(_) => parse::text(obj, "name").map(|s| parse::truncate(s, 64)),
        _ => None,
    }
}

/// Flattens Discord components: plain buttons, or action rows holding buttons.
fn flatten_components(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let Some(items) = v.as_array() else {
        return out;
    };
    for item in items.iter().take(MAX_COMPONENTS_SCANNED) {
        match item.get("components").and_then(Value::as_array) {
            Some(row) => out.extend(row.iter().take(MAX_COMPONENTS_SCANNED)),
            None => out.push(item),
        }
        if out.len() >= MAX_COMPONENTS_SCANNED {
            out.truncate(MAX_COMPONENTS_SCANNED);
            break;
        }
    }
    out
}

/// Turns LinkrAPI `components` into actions (at most [`MAX_ACTIONS`]): readable
/// labels, link buttons as [`ActionMode::Link`], bookmarks left out, duplicates dropped.
pub fn linkr_actions(components: &Value) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    let mut links = 0usize;
    for c in flatten_components(components) {
        if out.len() >= MAX_ACTIONS {
            break;
        }
        if !c.is_object() {
            continue;
        }
        let style = c.get("style").and_then(parse::small_int);
        let label_raw = parse::text(c, "label").map(|s| parse::truncate(s, 80));
        let mut emoji = component_emoji(c);
        if let Some(l) = &label_raw {
            if !is_readable(l) && emoji.is_none() {
                emoji = Some(l.clone());
            }
        }
        let custom_id = parse::text(c, "custom_id").filter(|s| s.len() <= MAX_CUSTOM_ID_LEN);
        let link_url = parse::url(c, "url");
        if style == Some(5) || (custom_id.is_none() && link_url.is_some()) {
            let Some(url) = link_url else { continue };
            links += 1;
            out.push(Action {
                id: format!("link:{links}"),
                label: label_raw
                    .filter(|l| is_readable(l))
                    .unwrap_or_else(|| "Open link".into()),
                emoji,
                kind: None,
                group: ActionGroup::Other,
                index: None,
                mode: ActionMode::Link,
                url: Some(url),
                unavailable: None,
                credits: None,
                takes_prompt: false,
            });
            continue;
        }
        let Some(custom_id) = custom_id else { continue };
        if out.iter().any(|a| a.id == custom_id) {
            continue;
        }
        let meaning = classify_custom_id(&custom_id);
        if !meaning.offered {
            continue;
        }
        let label = match (&label_raw, &meaning.kind) {
            (Some(l), _) if is_readable(l) => l.clone(),
            (_, Some(kind)) => words_for(kind),
            _ => "Button".into(),
        };
        if emoji.is_none() {
            emoji = meaning
                .kind
                .as_ref()
                .and_then(emoji_for)
                .map(str::to_string);
        }
        let (group, index) = group_and_index(meaning.kind.as_ref());
        let unavailable = linkr_unavailable(meaning.mode, meaning.kind.as_ref());
        out.push(Action {
            id: custom_id,
            label,
            emoji,
            kind: meaning.kind,
            group,
            index,
            mode: meaning.mode,
            url: None,
            unavailable,
            credits: None,
            takes_prompt: false,
        });
    }
    out
}

/// A JourneyAPI button, parsed from its symbolic id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JourneyAction {
    /// `upscale:N` -> /upscale-1x.
    Upscale(u8),
    /// `variation:N` -> /variations index N.
    Variation(u8),
    /// `reroll` -> /reroll.
    Reroll,
    /// `upscale-subtle` -> /upscale-alt subtle.
    UpscaleSubtle,
    /// `upscale-creative` -> /upscale-alt creative.
    UpscaleCreative,
    /// `vary-subtle` -> /variations subtle.
    VarySubtle,
    /// `vary-strong` -> /variations strong.
    VaryStrong,
    /// `zoom-out:2` / `zoom-out:1.5` -> /outpaint.
    ZoomOut(ZoomFactor),
    /// `pan:left` ... -> /pan.
    Pan(PanDirection),
    /// `vary-region` -> /inpaint with a mask (and a prompt).
    VaryRegion,
    /// `custom-zoom` -> /outpaint with a custom `zoom_ratio` in (1, 2] (and a prompt).
    CustomZoom,
    /// `upscale-2x` -> /upscale-2x-4x type 2x.
    Upscale2x,
    /// `upscale-4x` -> /upscale-2x-4x type 4x.
    Upscale4x,
    /// `seed` -> /seed of the task.
    Seed,
}

impl JourneyAction {
    /// Reads a symbolic id (`upscale:2`, `vary-strong`, `pan:left`...). LinkrAPI-style
    /// symbolic names (`upsample2`, `variation3`) are accepted too.
    pub fn parse(id: &str) -> Option<Self> {
        let id = id.trim();
        if let Some((head, tail)) = id.split_once(':') {
            return match head {
                "upscale" => quadrant(tail).map(JourneyAction::Upscale),
                "variation" => quadrant(tail).map(JourneyAction::Variation),
                "zoom-out" => ZoomFactor::from_token(tail).map(JourneyAction::ZoomOut),
                "pan" => PanDirection::parse(tail).map(JourneyAction::Pan),
                _ => None,
            };
        }
        match id {
            "reroll" => Some(JourneyAction::Reroll),
            "upscale-subtle" => Some(JourneyAction::UpscaleSubtle),
            "upscale-creative" => Some(JourneyAction::UpscaleCreative),
            "vary-subtle" => Some(JourneyAction::VarySubtle),
            "vary-strong" => Some(JourneyAction::VaryStrong),
            "vary-region" => Some(JourneyAction::VaryRegion),
            "custom-zoom" => Some(JourneyAction::CustomZoom),
            "make-square" => Some(JourneyAction::ZoomOut(ZoomFactor::Square)),
            "upscale-2x" => Some(JourneyAction::Upscale2x),
            "upscale-4x" => Some(JourneyAction::Upscale4x),
            "seed" => Some(JourneyAction::Seed),
            _ => match kind_from_word(id) {
                TaskKind::Upscale { index } if index > 0 && id.starts_with("upsample") => {
                    Some(JourneyAction::Upscale(index))
                }
                TaskKind::Variation { index } if id.starts_with("variation") => {
                    Some(JourneyAction::Variation(index))
                }
                _ => None,
            },
        }
    }

    /// The canonical symbolic id.
    pub fn id(self) -> String {
        match self {
            JourneyAction::Upscale(n) => format!("upscale:{n}"),
            JourneyAction::Variation(n) => format!("variation:{n}"),
            JourneyAction::Reroll => "reroll".into(),
            JourneyAction::UpscaleSubtle => "upscale-subtle".into(),
            JourneyAction::UpscaleCreative => "upscale-creative".into(),
            JourneyAction::VarySubtle => "vary-subtle".into(),
            JourneyAction::VaryStrong => "vary-strong".into(),
            JourneyAction::ZoomOut(f) => format!("zoom-out:{}", f.token()),
            JourneyAction::Pan(d) => format!("pan:{}", d.as_str()),
            JourneyAction::VaryRegion => "vary-region".into(),
            JourneyAction::CustomZoom => "custom-zoom".into(),
            JourneyAction::Upscale2x => "upscale-2x".into(),
            JourneyAction::Upscale4x => "upscale-4x".into(),
            JourneyAction::Seed => "seed".into(),
        }
    }

    /// The kind of task it creates.
    pub fn kind(self) -> TaskKind {
        match self {
            JourneyAction::Upscale(index) => TaskKind::Upscale { index },
            JourneyAction::Variation(index) => TaskKind::Variation { index },
            JourneyAction::Reroll => TaskKind::Reroll,
            JourneyAction::UpscaleSubtle => TaskKind::UpscaleSubtle,
            JourneyAction::UpscaleCreative => TaskKind::UpscaleCreative,
            JourneyAction::VarySubtle => TaskKind::VarySubtle,
            JourneyAction::VaryStrong => TaskKind::VaryStrong,
            JourneyAction::ZoomOut(factor) => TaskKind::ZoomOut { factor },
            JourneyAction::Pan(direction) => TaskKind::Pan { direction },
            JourneyAction::VaryRegion => TaskKind::VaryRegion,
            JourneyAction::CustomZoom => TaskKind::CustomZoom,
            JourneyAction::Upscale2x => TaskKind::Upscale2x,
            JourneyAction::Upscale4x => TaskKind::Upscale4x,
            JourneyAction::Seed => TaskKind::Seed,
        }
    }

    /// How the button is used: Vary (Region) needs a mask, Custom Zoom a prompt and a ratio.
    pub fn mode(self) -> ActionMode {
        match self {
            JourneyAction::VaryRegion => ActionMode::NeedsMask,
            JourneyAction::CustomZoom => ActionMode::NeedsPrompt,
            _ => ActionMode::Send,
        }
    }

    /// True when JourneyAPI takes an edited prompt with it (Remix): `/reroll`, `/inpaint`
    /// and the custom `/outpaint`.
    pub fn takes_prompt(self) -> bool {
        matches!(
            self,
            JourneyAction::Reroll | JourneyAction::VaryRegion | JourneyAction::CustomZoom
        )
    }

    /// Its price in JourneyAPI credits (provider-contracts.md's price list): upscale-1x 2,
    /// upscale-alt 4, upscale-2x-4x 2, variations 4, reroll 4, pan 4; outpaint and inpaint 4
    /// [guess: priced like pan]; seed's price is not published (`None`).
    pub fn credits(self) -> Option<u32> {
        match self {
            JourneyAction::Upscale(_) => Some(2),
            JourneyAction::UpscaleSubtle | JourneyAction::UpscaleCreative => Some(4),
            JourneyAction::Upscale2x | JourneyAction::Upscale4x => Some(2),
            JourneyAction::Variation(_) | JourneyAction::VarySubtle | JourneyAction::VaryStrong => {
                Some(4)
            }
            JourneyAction::Reroll | JourneyAction::Pan(_) => Some(4),
            JourneyAction::ZoomOut(_) | JourneyAction::CustomZoom | JourneyAction::VaryRegion => {
                Some(4)
            }
            JourneyAction::Seed => None,
        }
    }

    /// The button the UI shows for it.
    pub fn to_action(self) -> Action {
        let kind = self.kind();
        let (group, index) = group_and_index(Some(&kind));
        Action {
            id: self.id(),
            label: words_for(&kind),
            emoji: emoji_for(&kind).map(str::to_string),
            kind: Some(kind),
            group,
            index,
            mode: self.mode(),
            url: None,
            unavailable: None,
            credits: self.credits(),
            takes_prompt: self.takes_prompt(),
        }
    }
}

fn quadrant(s: &str) -> Option<u8> {
    match s.trim().parse::<u8>() {
        Ok(n @ 1..=4) => Some(n),
        _ => None,
    }
}

/// What a JourneyAPI result is, for deciding which follow-ups it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JourneyShape {
    /// A Midjourney 2x2 grid (imagine, variation, reroll, vary, zoom, pan...).
    Grid,
    /// A Midjourney U1..U4 single image ("upscale-1x").
    Upscale,
    /// Anything else (other models, describe, upscale-alt results...).
    Other,
}

/// The shape of a JourneyAPI task (absent model = Midjourney, the default): a grid
/// when its kind makes one or it carries a grid / four images.
pub fn journey_shape(task: &Task) -> JourneyShape {
    let midjourney = task
        .model
        .as_deref()
        .is_none_or(|m| m.eq_ignore_ascii_case("midjourney"));
    if !midjourney {
        JourneyShape::Other
    } else if task.kind.is_single_upscale() {
        JourneyShape::Upscale
    } else if task.kind.produces_grid() || task.grid_url.is_some() || !task.image_urls.is_empty() {
        JourneyShape::Grid
    } else {
        JourneyShape::Other
    }
}

/// True for the grid kinds JourneyAPI's `/upscale-1x` and `/variations` (by index) take as a
/// parent: imagine, reroll, variations (V1-V4, strong, subtle) and blend. Pan, zoom-out and
/// inpaint grids are not among them.
pub fn journey_grid_offers_upscale(kind: &TaskKind) -> bool {
    matches!(
        kind,
        TaskKind::Imagine
            | TaskKind::Reroll
            | TaskKind::Variation { .. }
            | TaskKind::VaryStrong
            | TaskKind::VarySubtle
            | TaskKind::Blend
    )
}

/// True when a finished JourneyAPI task is a Midjourney picture or video whose seed `/seed`
/// can tell (a grid, an upscale, one image made from them, a video); not text or other models.
pub fn journey_offers_seed(task: &Task) -> bool {
    let midjourney = task
        .model
        .as_deref()
        .is_none_or(|m| m.eq_ignore_ascii_case("midjourney"));
    let picture = match task.kind {
        TaskKind::Describe | TaskKind::Shorten | TaskKind::Seed | TaskKind::FaceSwap => false,
        _ => {
            !task.video_urls.is_empty()
                || task.grid_url.is_some()
                || !task.image_urls.is_empty()
                || task.image_url.is_some()
                || journey_shape(task) != JourneyShape::Other
        }
    };
    task.status == TaskStatus::Succeeded && midjourney && picture
}

/// The buttons a JourneyAPI task offers, derived from its kind: an imagine, reroll,
/// variation or blend grid offers U1-U4 and V1-V4 (and reroll when it came from an imagine);
/// pan and zoom-out grids offer nothing more; a single upscale offers Upscale Subtle/Creative,
/// Vary Subtle/Strong, Vary (Region), Zoom Out 2x/1.5x, Custom Zoom, Make Square, Pan x4 and
/// Upscale 2x/4x; every finished Midjourney picture offers Seed last. Unfinished tasks offer
/// nothing.
pub fn journey_actions(task: &Task) -> Vec<JourneyAction> {
    if task.status != TaskStatus::Succeeded {
        return Vec::new();
    }
    let mut out = Vec::new();
    match journey_shape(task) {
        JourneyShape::Upscale => {
            out.extend([
                JourneyAction::UpscaleSubtle,
                JourneyAction::UpscaleCreative,
                JourneyAction::VarySubtle,
                JourneyAction::VaryStrong,
                JourneyAction::VaryRegion,
                JourneyAction::ZoomOut(ZoomFactor::X2),
                JourneyAction::ZoomOut(ZoomFactor::X1_5),
                JourneyAction::CustomZoom,
                JourneyAction::ZoomOut(ZoomFactor::Square),
            ]);
            out.extend(PanDirection::ALL.map(JourneyAction::Pan));
            out.extend([JourneyAction::Upscale2x, JourneyAction::Upscale4x]);
        }
        JourneyShape::Grid => {
            if journey_grid_offers_upscale(&task.kind) {
                out.extend((1..=4).map(JourneyAction::Upscale));
                out.extend((1..=4).map(JourneyAction::Variation));
            }
            if task.kind == TaskKind::Imagine {
                out.push(JourneyAction::Reroll);
            }
        }
        JourneyShape::Other => {}
    }
    if journey_offers_seed(task) {
        out.push(JourneyAction::Seed);
    }
    out
}

/// Reads a symbolic action id into the kind it would create: LinkrAPI's own names
/// (`upsample2`, `variation3`, `reroll`) and the JourneyAPI ids (`upscale:2`, `pan:left`...).
pub fn symbolic_kind(id: &str) -> Option<TaskKind> {
    JourneyAction::parse(id).map(JourneyAction::kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const H: &str = "0b9c7e1a-1234-4bcd-9def-0123456789ab";

    #[test]
    fn custom_ids() {
        let k = |id: String| classify_custom_id(&id);
        assert_eq!(
            k(format!("MJ::JOB::upsample::2::{H}")).kind,
            Some(TaskKind::Upscale { index: 2 })
        );
        assert_eq!(
            k(format!("MJ::JOB::variation::4::{H}")).kind,
            Some(TaskKind::Variation { index: 4 })
        );
        assert_eq!(
            k(format!("MJ::JOB::reroll::0::{H}::SOLO")).kind,
            Some(TaskKind::Reroll)
        );
        for v in ["v6", "v6r1", "v7"] {
            assert_eq!(
                k(format!("MJ::JOB::upsample_{v}_2x_subtle::1::{H}::SOLO")).kind,
                Some(TaskKind::UpscaleSubtle)
            );
            assert_eq!(
                k(format!("MJ::JOB::upsample_{v}_2x_creative::1::{H}::SOLO")).kind,
                Some(TaskKind::UpscaleCreative)
            );
        }
        assert_eq!(
            k(format!("MJ::JOB::low_variation::1::{H}::SOLO")).kind,
            Some(TaskKind::VarySubtle)
        );
        assert_eq!(
            k(format!("MJ::JOB::high_variation::1::{H}::SOLO")).kind,
            Some(TaskKind::VaryStrong)
        );
        assert_eq!(
            k(format!("MJ::Outpaint::50::1::{H}::SOLO")).kind,
            Some(TaskKind::ZoomOut {
                factor: ZoomFactor::X2
            })
        );
        assert_eq!(
            k(format!("MJ::Outpaint::75::1::{H}::SOLO")).kind,
            Some(TaskKind::ZoomOut {
                factor: ZoomFactor::X1_5
            })
        );
        for d in PanDirection::ALL {
            assert_eq!(
                k(format!("MJ::JOB::pan_{}::1::{H}::SOLO", d.as_str())).kind,
                Some(TaskKind::Pan { direction: d })
            );
        }
        let inpaint = k(format!("MJ::Inpaint::1::{H}::SOLO"));
        assert_eq!(inpaint.kind, Some(TaskKind::VaryRegion));
        assert_eq!(inpaint.mode, ActionMode::NeedsMask);
        let cz = k(format!("MJ::CustomZoom::{H}"));
        assert_eq!(cz.mode, ActionMode::NeedsPrompt);
        assert!(!k(format!("MJ::BOOKMARK::{H}")).offered);
        assert_eq!(
            k("garbage".into()).kind,
            None,
            "unknown ids have no kind but may be sent"
        );
        assert_eq!(
            k(format!("MJ::JOB::upsample::9::{H}")).kind,
            Some(TaskKind::Other {
                raw: "upsample".into()
            })
        );
    }

    #[test]
    fn action_words() {
        assert_eq!(kind_from_word("imagine"), TaskKind::Imagine);
        assert_eq!(kind_from_word("upsample2"), TaskKind::Upscale { index: 2 });
        assert_eq!(
            kind_from_word("variation1"),
            TaskKind::Variation { index: 1 }
        );
        assert_eq!(kind_from_word("reroll"), TaskKind::Reroll);
        assert_eq!(kind_from_word("high_variation"), TaskKind::VaryStrong);
        assert_eq!(kind_from_word("variation-strong"), TaskKind::VaryStrong);
        assert_eq!(kind_from_word("variation-subtle"), TaskKind::VarySubtle);
        assert_eq!(
            kind_from_word("pan_left"),
            TaskKind::Pan {
                direction: PanDirection::Left
            }
        );
        assert_eq!(
            kind_from_word("pan-up"),
            TaskKind::Pan {
                direction: PanDirection::Up
            }
        );
        assert_eq!(
            kind_from_word("outpaint_50"),
            TaskKind::ZoomOut {
                factor: ZoomFactor::X2
            }
        );
        assert_eq!(kind_from_word("upscale_subtle"), TaskKind::UpscaleSubtle);
        assert_eq!(
            kind_from_word("upscale-creative"),
            TaskKind::UpscaleCreative
        );
        assert_eq!(kind_from_word("upscale-1x"), TaskKind::Upscale { index: 0 });
        assert_eq!(kind_from_word("upscale#1"), TaskKind::Upscale { index: 1 });
        assert_eq!(
            kind_from_word("variation-3"),
            TaskKind::Variation { index: 3 }
        );
        assert_eq!(kind_from_word("imagine-video"), TaskKind::Video);
        assert_eq!(
            kind_from_word("teleport"),
            TaskKind::Other {
                raw: "teleport".into()
            }
        );
    }

    #[test]
    fn components_to_actions() {
        let comps = json!([
            {"custom_id": format!("MJ::JOB::upsample::1::{H}"), "label": "U1", "style": 2},
            {"custom_id": format!("MJ::JOB::reroll::0::{H}::SOLO"), "label": "", "style": 2, "emoji": {"name": "🔄"}},
            {"custom_id": format!("MJ::JOB::pan_left::1::{H}::SOLO"), "label": "⬅️", "style": 2},
            {"custom_id": format!("MJ::JOB::variation::3::{H}"), "label": "V3", "style": "2"},
            {"custom_id": format!("MJ::BOOKMARK::{H}"), "label": "", "style": 2, "emoji": "❤️"},
            {"label": "Web", "style": 5, "url": "https://www.midjourney.com/jobs/x"},
            {"label": "Bad link", "style": 5, "url": "javascript:alert(1)"},
            {"custom_id": format!("MJ::Inpaint::1::{H}::SOLO"), "label": "Vary (Region)", "style": 2},
            {"custom_id": format!("MJ::CustomZoom::{H}"), "label": "Custom Zoom"},
            {"type": 1, "components": [{"custom_id": format!("MJ::JOB::upsample::2::{H}"), "label": "U2"}]},
            {"custom_id": format!("MJ::JOB::upsample::1::{H}"), "label": "U1 again"},
            "junk", 5, null, {"style": 2}
        ]);
        let acts = linkr_actions(&comps);
        let labels: Vec<&str> = acts.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "U1",
                "Reroll",
                "Pan left",
                "V3",
                "Web",
                "Vary (Region)",
                "Custom Zoom",
                "U2"
            ]
        );
        assert_eq!(acts[0].group, ActionGroup::Upscale);
        assert_eq!(acts[0].index, Some(1));
        assert_eq!(acts[1].emoji.as_deref(), Some("🔄"));
        assert_eq!(acts[2].emoji.as_deref(), Some("⬅️"));
        assert_eq!(acts[3].group, ActionGroup::Variation);
        assert_eq!(acts[4].mode, ActionMode::Link);
        assert_eq!(
            acts[4].url.as_deref(),
            Some("https://www.midjourney.com/jobs/x")
        );
        assert_eq!(acts[5].mode, ActionMode::NeedsMask);
        assert_eq!(acts[6].mode, ActionMode::NeedsPrompt);
        assert_eq!(
            acts[5].unavailable.as_deref(),
            Some(
                "LinkrAPI cannot send Vary (Region): it needs a painted mask (and a prompt) \
                 that LinkrAPI's action call does not take."
            )
        );
        assert_eq!(
            acts[6].unavailable.as_deref(),
            Some(
                "LinkrAPI cannot send Custom Zoom: it needs a prompt that LinkrAPI's action \
                 call does not take."
            )
        );
        for a in acts
            .iter()
            .filter(|a| a.mode == ActionMode::Send || a.mode == ActionMode::Link)
        {
            assert_eq!(a.unavailable, None, "{}", a.label);
        }
        assert!(linkr_actions(&json!(null)).is_empty());
        assert!(linkr_actions(&json!({"a": 1})).is_empty());
    }

    #[test]
    fn actions_are_capped() {
        let comps: Vec<Value> = (0..10_000)
            .map(|i| json!({"custom_id": format!("MJ::JOB::x{i}::1::h"), "label": "X"}))
            .collect();
        assert_eq!(linkr_actions(&Value::Array(comps)).len(), MAX_ACTIONS);
    }

    #[test]
    fn journey_symbolic_ids_round_trip() {
        let all = [
            JourneyAction::Upscale(2),
            JourneyAction::Variation(4),
            JourneyAction::Reroll,
            JourneyAction::UpscaleSubtle,
            JourneyAction::UpscaleCreative,
            JourneyAction::VarySubtle,
            JourneyAction::VaryStrong,
            JourneyAction::ZoomOut(ZoomFactor::X2),
            JourneyAction::ZoomOut(ZoomFactor::X1_5),
            JourneyAction::Pan(PanDirection::Down),
            JourneyAction::ZoomOut(ZoomFactor::Square),
            JourneyAction::VaryRegion,
            JourneyAction::CustomZoom,
            JourneyAction::Upscale2x,
            JourneyAction::Upscale4x,
            JourneyAction::Seed,
        ];
        for a in all {
            assert_eq!(JourneyAction::parse(&a.id()), Some(a), "{}", a.id());
        }
        assert_eq!(
            JourneyAction::parse("upsample3"),
            Some(JourneyAction::Upscale(3))
        );
        assert_eq!(
            JourneyAction::parse("variation1"),
            Some(JourneyAction::Variation(1))
        );
        assert_eq!(
            JourneyAction::parse("make-square"),
            Some(JourneyAction::ZoomOut(ZoomFactor::Square))
        );
        assert_eq!(
            JourneyAction::ZoomOut(ZoomFactor::Square).id(),
            "zoom-out:square"
        );
        assert_eq!(JourneyAction::parse("upscale:5"), None);
        assert_eq!(JourneyAction::parse("nope"), None);
        assert_eq!(JourneyAction::parse(""), None);
    }

    #[test]
    fn journey_derived_sets() {
        let mut grid = Task::new("g", crate::model::ProviderKind::Journey, TaskKind::Imagine);
        grid.status = TaskStatus::Succeeded;
        grid.grid_url = Some("https://x/g.png".into());
        let ids: Vec<String> = journey_actions(&grid).iter().map(|a| a.id()).collect();
        assert_eq!(ids.len(), 10);
        assert!(ids.contains(&"reroll".to_string()));
        assert_eq!(ids.last().map(String::as_str), Some("seed"));
        for kind in [
            TaskKind::Variation { index: 1 },
            TaskKind::Reroll,
            TaskKind::VaryStrong,
            TaskKind::VarySubtle,
            TaskKind::Blend,
        ] {
            grid.kind = kind.clone();
            assert_eq!(journey_actions(&grid).len(), 9, "{kind:?}");
        }
        for kind in [
            TaskKind::Pan {
                direction: PanDirection::Left,
            },
            TaskKind::ZoomOut {
                factor: ZoomFactor::X2,
            },
            TaskKind::VaryRegion,
            TaskKind::CustomZoom,
            TaskKind::Other {
                raw: "outpaint".into(),
            },
        ] {
            grid.kind = kind.clone();
            assert_eq!(
                journey_actions(&grid),
                vec![JourneyAction::Seed],
                "{kind:?} offers no U/V, only its seed"
            );
        }
        let mut up = Task::new(
            "u",
            crate::model::ProviderKind::Journey,
            TaskKind::Upscale { index: 2 },
        );
        up.status = TaskStatus::Succeeded;
        up.image_url = Some("https://x/u.png".into());
        let actions: Vec<Action> = journey_actions(&up).iter().map(|a| a.to_action()).collect();
        let labels: Vec<&str> = actions.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "Upscale (Subtle)",
                "Upscale (Creative)",
                "Vary (Subtle)",
                "Vary (Strong)",
                "Vary (Region)",
                "Zoom Out 2x",
                "Zoom Out 1.5x",
                "Custom Zoom",
                "Make Square",
                "Pan left",
                "Pan right",
                "Pan up",
                "Pan down",
                "Upscale 2x",
                "Upscale 4x",
                "Seed"
            ]
        );
        let find = |id: &str| actions.iter().find(|a| a.id == id).unwrap();
        let region = find("vary-region");
        assert_eq!(region.mode, ActionMode::NeedsMask);
        assert_eq!(region.kind, Some(TaskKind::VaryRegion));
        assert!(region.takes_prompt);
        let zoom = find("custom-zoom");
        assert_eq!(zoom.mode, ActionMode::NeedsPrompt);
        assert!(zoom.takes_prompt);
        assert_eq!(
            find("zoom-out:square").kind,
            Some(TaskKind::ZoomOut {
                factor: ZoomFactor::Square
            })
        );
        assert_eq!(find("upscale-4x").kind, Some(TaskKind::Upscale4x));
        assert_eq!(find("seed").kind, Some(TaskKind::Seed));
        for (id, credits) in [
            ("upscale-subtle", Some(4)),
            ("vary-strong", Some(4)),
            ("vary-region", Some(4)),
            ("zoom-out:2", Some(4)),
            ("custom-zoom", Some(4)),
            ("pan:left", Some(4)),
            ("upscale-2x", Some(2)),
            ("seed", None),
        ] {
            assert_eq!(find(id).credits, credits, "{id}");
        }
        assert!(!find("vary-strong").takes_prompt);
        let grid_actions: Vec<Action> = {
            grid.kind = TaskKind::Imagine;
            journey_actions(&grid)
                .iter()
                .map(|a| a.to_action())
                .collect()
        };
        assert_eq!(grid_actions[0].credits, Some(2), "U1");
        assert_eq!(grid_actions[4].credits, Some(4), "V1");
        assert!(
            grid_actions[8].takes_prompt,
            "reroll takes a prompt (Remix)"
        );
        up.status = TaskStatus::Running;
        assert!(journey_actions(&up).is_empty());
        let mut flux = Task::new("f", crate::model::ProviderKind::Journey, TaskKind::Imagine);
        flux.status = TaskStatus::Succeeded;
        flux.model = Some("flux-pro".into());
        flux.image_url = Some("https://x/f.png".into());
        assert!(journey_actions(&flux).is_empty());
        for kind in [TaskKind::Describe, TaskKind::Shorten, TaskKind::Seed] {
            let mut text = Task::new("t", crate::model::ProviderKind::Journey, kind.clone());
            text.status = TaskStatus::Succeeded;
            text.video_urls = vec!["https://x/v.mp4".into()];
            assert!(journey_actions(&text).is_empty(), "{kind:?}");
        }
        let mut video = Task::new("v", crate::model::ProviderKind::Journey, TaskKind::Video);
        video.status = TaskStatus::Succeeded;
        video.video_urls = vec!["https://x/v.mp4".into()];
        assert_eq!(journey_actions(&video), vec![JourneyAction::Seed]);
    }

    #[test]
    fn linkr_buttons_have_no_credits_or_remix() {
        let acts = linkr_actions(&json!([
            {"custom_id": format!("MJ::JOB::reroll::0::{H}::SOLO"), "label": "🔄"},
            {"custom_id": format!("MJ::Inpaint::1::{H}::SOLO"), "label": "Vary (Region)"},
        ]));
        for a in &acts {
            assert_eq!((a.credits, a.takes_prompt), (None, false), "{}", a.label);
        }
        assert!(acts[1].unavailable.is_some());
    }
}
