//! JourneyAPI's creation modes and newer follow-ups: `/outpaint` (Zoom Out, Make Square,
//! Custom Zoom), `/inpaint` (Vary Region), `/blend`, `/describe`, `/shorten`,
//! `/imagine-video` and `/seed`, with the contract's validation (each refusal a 400 with a
//! sentence in `errors[0].msg`).

use axum::extract::{Request, State};
use axum::response::Response;
use serde_json::Value;

use super::{
    context, create, follow_up, is_http_url, is_upscale_1x, optional_prompt, own_picture,
    str_field, take_parent, Adjust, Create, ASPECT_RATIOS,
};
use crate::mask::{parse_mask, Region};
use crate::prompt::{flags, parse_ratio};
use crate::reply::journey_error;
use crate::requests::Provider;
use crate::state::AppState;
use crate::task::{source_look, Kind, Media, Motion, Output, State as TaskState, Zoom};
use crate::util::lock;

const UPSCALE_RULE: &str = "Parent task must be an upscale-1x task";

const ZOOM_RULE: &str = "use 1.5 or 2 to zoom out, 1 to make the image square, or any value \
                         above 1 up to 2 for a custom zoom";

/// `zoom_ratio` as a number (JSON number or numeric string).
fn zoom_ratio(body: &Value) -> Option<f64> {
    match body.get("zoom_ratio") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|r| r.is_finite())
}

/// An optional `aspect_ratio`, one of the imagine ratios (else the message of a 400).
fn aspect_ratio(body: &Value) -> Result<Option<(u32, u32)>, String> {
    match body.get("aspect_ratio") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(r)) if ASPECT_RATIOS.contains(&r.trim()) => Ok(parse_ratio(r)),
        Some(_) => Err(format!(
            "aspect_ratio must be one of {}",
            ASPECT_RATIOS.join(", ")
        )),
    }
}

/// `/outpaint`: Zoom Out (`zoom_ratio` 2 or 1.5), Make Square (1) and Custom Zoom (any
/// value in (1, 2], or 1 with a new `aspect_ratio`; optional `prompt`). Parent: an
/// upscale-1x. Result: a grid, task_type `outpaint`.
pub(super) async fn outpaint(State(state): State<AppState>, req: Request) -> Response {
    let ctx = match context(req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(ratio) = zoom_ratio(&ctx.body) else {
        return journey_error(400, &format!("zoom_ratio must be a number: {ZOOM_RULE}"));
    };
    const EPS: f64 = 1e-9;
    if !(1.0 - EPS..=2.0 + EPS).contains(&ratio) {
        return journey_error(
            400,
            &format!("zoom_ratio {ratio} is out of range: {ZOOM_RULE}"),
        );
    }
    let prompt = match optional_prompt(&ctx.body) {
        Ok(p) => p,
        Err(msg) => return journey_error(400, msg),
    };
    let ar = match aspect_ratio(&ctx.body) {
        Ok(ar) => ar.or_else(|| prompt.as_deref().and_then(|p| flags(p).aspect)),
        Err(msg) => return journey_error(400, &msg),
    };
    let near = |x: f64| (ratio - x).abs() < EPS;
    let zoom = match ar {
        None if near(2.0) => Zoom::X2,
        None if near(1.5) => Zoom::X1_5,
        None if near(1.0) => Zoom::Square,
        _ => Zoom::Custom((ratio * 1000.0).round().clamp(1000.0, 2000.0) as u16),
    };
    let kind = Kind::ZoomOut(zoom);
    match take_parent(&state, &ctx.body, kind, &is_upscale_1x, UPSCALE_RULE) {
        Ok(parent) => {
            let mut c = follow_up(kind, parent);
            if let Some(ar) = ar {
                c.aspect = ar;
            }
            if let Some(p) = prompt {
                c.prompt = p;
                c.own_prompt = true;
            }
            create(&state, ctx, c).await
        }
        Err(r) => r.respond(),
    }
}

/// `/inpaint` (Vary Region): `parent_task_id` (an upscale-1x), `mask` (a PNG data URL of
/// the image's size, the area to redo white), optional `prompt`. Result: a grid whose
/// quadrants keep the parent outside the mask, task_type `inpaint`.
pub(super) async fn inpaint(State(state): State<AppState>, req: Request) -> Response {
    let ctx = match context(req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(mask_text) = str_field(&ctx.body, "mask").map(str::to_string) else {
        return journey_error(
            400,
            "mask is required: a PNG (data:image/png;base64,...) of the image's size with the \
             area to vary in white",
        );
    };
    let prompt = match optional_prompt(&ctx.body) {
        Ok(p) => p,
        Err(msg) => return journey_error(400, msg),
    };
    let parent = match take_parent(
        &state,
        &ctx.body,
        Kind::Inpaint,
        &is_upscale_1x,
        UPSCALE_RULE,
    ) {
        Ok(p) => p,
        Err(r) => return r.respond(),
    };
    let (Media::Single { look, size }, Some(_)) = (&parent.0.media, source_look(&parent.0, 1))
    else {
        return journey_error(400, UPSCALE_RULE);
    };
    let mask = match parse_mask(&mask_text, *size) {
        Ok(m) => m,
        Err(e) => return journey_error(400, &e.to_string()),
    };
    let region = Region { base: *look, mask };
    let mut c = follow_up(Kind::Inpaint, parent);
    c.adjust = Some(Adjust::Region(region));
    if let Some(p) = prompt {
        c.prompt = p;
        c.own_prompt = true;
    }
    create(&state, ctx, c).await
}

/// A request without a parent (blend, describe, shorten, video).
fn fresh(kind: Kind, prompt: String, aspect: (u32, u32), extra: String) -> Create {
    Create {
        kind,
        parent: None,
        own_prompt: !prompt.trim().is_empty(),
        prompt,
        model: "midjourney".to_string(),
        aspect,
        reference_image: None,
        extra,
        cost: kind.journey_cost(),
        adjust: None,
    }
}

/// `/blend`: `image_urls` (2 to 5 http(s) URLs), `dimension` square (the default when
/// absent, [guess]), portrait (2:3) or landscape (3:2). Result: a grid.
pub(super) async fn blend(State(state): State<AppState>, req: Request) -> Response {
    let ctx = match context(req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(list) = ctx.body.get("image_urls").and_then(Value::as_array) else {
        return journey_error(400, "image_urls is required: a list of 2 to 5 image URLs");
    };
    if !(2..=5).contains(&list.len()) {
        return journey_error(
            400,
            &format!("image_urls must hold 2 to 5 image URLs, not {}", list.len()),
        );
    }
    let mut urls = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        match v.as_str() {
            Some(u) if is_http_url(u) => urls.push(u.trim().to_string()),
            _ => return journey_error(400, &format!("image_urls[{i}] must be an http(s) URL")),
        }
    }
    let aspect = match ctx.body.get("dimension") {
        None | Some(Value::Null) => (1, 1),
        Some(Value::String(d)) if d == "square" => (1, 1),
        Some(Value::String(d)) if d == "portrait" => (2, 3),
        Some(Value::String(d)) if d == "landscape" => (3, 2),
        Some(_) => return journey_error(400, "dimension must be square, portrait or landscape"),
    };
    let c = fresh(Kind::Blend, String::new(), aspect, urls.join(" "));
    create(&state, ctx, c).await
}

/// A required http(s) `image_url` (else the message of a 400).
fn image_url(body: &Value, what: &str) -> Result<String, String> {
    match body.get("image_url") {
        None | Some(Value::Null) => Err(format!("image_url is required: {what}")),
        Some(Value::String(u)) if is_http_url(u) => Ok(u.trim().to_string()),
        Some(_) => Err("image_url must be an http(s) URL".to_string()),
    }
}

/// `/describe`: `image_url` -> `content`, four prompts. Task_type `describe`.
pub(super) async fn describe(State(state): State<AppState>, req: Request) -> Response {
    let ctx = match context(req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let url = match image_url(&ctx.body, "the image to describe") {
        Ok(u) => u,
        Err(msg) => return journey_error(400, &msg),
    };
    let mut c = fresh(Kind::Describe, String::new(), (1, 1), url.clone());
    c.reference_image = Some(url);
    create(&state, ctx, c).await
}

/// `/shorten`: `prompt` -> `content` (the short variants) and `full_content` (the
/// analysis). Task_type `shorten`.
pub(super) async fn shorten(State(state): State<AppState>, req: Request) -> Response {
    let ctx = match context(req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let prompt = match optional_prompt(&ctx.body) {
        Ok(Some(p)) => p,
        Ok(None) => return journey_error(400, "prompt is required: the prompt to shorten"),
        Err(msg) => return journey_error(400, msg),
    };
    let c = fresh(Kind::Shorten, prompt, (1, 1), String::new());
    create(&state, ctx, c).await
}

/// `/imagine-video`: `prompt`, `image_url` (the start frame, required), `motion` low (the
/// default) or high -> `video_urls`, four short Motion-JPEG AVI files on the CDN.
pub(super) async fn imagine_video(State(state): State<AppState>, req: Request) -> Response {
    let ctx = match context(req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let prompt = match ctx.body.get("prompt") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(p)) => p.clone(),
        Some(_) => return journey_error(400, "prompt must be a string"),
    };
    let url = match image_url(&ctx.body, "the start frame of the video") {
        Ok(u) => u,
        Err(msg) => return journey_error(400, &msg),
    };
    let motion = match ctx.body.get("motion") {
        None | Some(Value::Null) => Motion::Low,
        Some(Value::String(m)) if m == "low" => Motion::Low,
        Some(Value::String(m)) if m == "high" => Motion::High,
        Some(_) => return journey_error(400, "motion must be \"low\" or \"high\""),
    };
    // One of the simulator's own pictures starts the video (in its aspect); any other URL
    // gets a picture of its own.
    let own = own_picture(&state, &url);
    let aspect = own
        .map(|(_, size)| size)
        .or_else(|| flags(&prompt).aspect)
        .unwrap_or((1, 1));
    let extra = format!("{url} {}", motion.word());
    let mut c = fresh(Kind::Video(motion), prompt, aspect, extra);
    c.reference_image = Some(url);
    c.adjust = own.map(|(look, _)| Adjust::Look(look));
    create(&state, ctx, c).await
}

/// `/seed`: `task_id` (not `parent_task_id`) of a finished Midjourney picture or video task
/// -> `seed`, its seed as digits. Free ([guess]: not on the price list).
pub(super) async fn seed(State(state): State<AppState>, req: Request) -> Response {
    let ctx = match context(req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(id) = str_field(&ctx.body, "task_id").map(str::to_string) else {
        let hint = if ctx.body.get("parent_task_id").is_some() {
            " (the seed endpoint takes task_id, not parent_task_id)"
        } else {
            ""
        };
        return journey_error(400, &format!("task_id is required{hint}"));
    };
    let now = state.now();
    let parent = {
        let mut tasks = lock(&state.tasks);
        let Some(task) = tasks
            .get_mut(&id)
            .filter(|t| t.provider == Provider::Journey)
        else {
            return journey_error(404, "Task not found");
        };
        if task.model != "midjourney" {
            return journey_error(400, "Only Midjourney tasks have a seed");
        }
        if task.state(now) != TaskState::Done {
            return journey_error(400, "Task is not finished");
        }
        if task.kind.output() == Output::Text {
            return journey_error(400, "Only image and video tasks have a seed");
        }
        let n = task.next_child(Kind::Seed);
        (task.clone(), n)
    };
    create(&state, ctx, follow_up(Kind::Seed, parent)).await
}
