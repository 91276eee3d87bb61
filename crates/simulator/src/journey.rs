//! JourneyAPI under `/journey/api/v1`: imagine (Midjourney, and every other model
//! synchronously), the Midjourney follow-ups, fetch, fetch-many and account; the creation
//! modes and the newer follow-ups (outpaint with a custom zoom, inpaint, blend, describe,
//! shorten, imagine-video, seed) are in [`modes`].

pub mod modes;

use axum::body::{to_bytes, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::cdn::video_file;
use crate::faults::{self, FaultKind};
use crate::gate::{RuleFault, MAX_REQUEST_BODY};
use crate::images::Look;
use crate::linkr::{strike, take_poll_marker};
use crate::mask::Region;
use crate::prompt::{flags, parse_ratio, plan_submit};
use crate::reply::{self, journey_error};
use crate::requests::Provider;
use crate::server::ConnAbort;
use crate::state::AppState;
use crate::task::{new_task, Dir, Kind, Media, NewTask, Output, State as TaskState, Task};
use crate::timing::Stage;
use crate::util::lock;
use crate::video::VIDEOS;

/// The longest `model` name `/imagine` accepts.
pub const MAX_MODEL_CHARS: usize = 200;

/// Whether `/imagine` takes this `model`: any non-empty name without control characters (the
/// real service decides; the simulator stays tolerant). Every one but `midjourney` finishes
/// synchronously.
pub fn model_accepted(model: &str) -> bool {
    !model.trim().is_empty()
        && model.chars().count() <= MAX_MODEL_CHARS
        && !model.chars().any(char::is_control)
}

/// Edit models, which need an `image_url`: `*-edit`, `seededit`, `flux-kontext-*`,
/// `ideogram-v3-remix`, `ideogram-v3-reframe`.
pub fn is_edit_model(model: &str) -> bool {
    model.ends_with("-edit")
        || model == "seededit"
        || model.starts_with("flux-kontext-")
        || model == "ideogram-v3-remix"
        || model == "ideogram-v3-reframe"
}

/// Aspect ratios `/imagine` accepts.
pub const ASPECT_RATIOS: [&str; 7] = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"];

/// The JourneyAPI routes, to be nested under `/journey/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/imagine", post(imagine))
        .route("/upscale-1x", post(upscale_1x))
        .route("/upscale-alt", post(upscale_alt))
        .route("/upscale-2x-4x", post(upscale_2x_4x))
        .route("/variations", post(variations))
        .route("/reroll", post(reroll))
        .route("/pan", post(pan))
        .route("/outpaint", post(modes::outpaint))
        .route("/inpaint", post(modes::inpaint))
        .route("/blend", post(modes::blend))
        .route("/describe", post(modes::describe))
        .route("/shorten", post(modes::shorten))
        .route("/imagine-video", post(modes::imagine_video))
        .route("/seed", post(modes::seed))
        .route("/fetch", post(fetch))
        .route("/fetch-many", post(fetch_many))
        .route("/account", get(account))
}

/// Credits an imagine with `model` costs: Midjourney 4; flux-schnell 1, flux-dev 2,
/// flux-pro / flux-1.1-pro 3; edit models 3; any other model 2.
pub fn imagine_cost(model: &str) -> i64 {
    match model {
        "midjourney" => 4,
        "flux-schnell" => 1,
        "flux-dev" => 2,
        "flux-pro" | "flux-1.1-pro" => 3,
        m if is_edit_model(m) => 3,
        _ => 2,
    }
}

/// The `/fetch` object of `task` at simulated second `now`.
pub fn view(state: &AppState, task: &Task, now: f64) -> Value {
    let st = task.state(now);
    let (status, pct) = match &st {
        TaskState::Running(stage, p) => (
            match stage {
                Stage::Queued => "staged",
                Stage::Pending | Stage::Sending => "pending",
                Stage::Starting => "starting",
                Stage::Processing | Stage::Uploading => "processing",
                Stage::Done => "finished",
            },
            *p,
        ),
        TaskState::Done => ("finished", 100),
        TaskState::Failed(_, p) => ("failed", *p),
        // JourneyAPI has no timeout status: the task just never finishes.
        TaskState::TimedOut(p) => ("processing", *p),
    };
    let mut v = json!({
        "task_id": task.id,
        "task_type": task.kind.journey_type(),
        "model": task.model,
        "status": status,
    });
    // As documented: no `percentage` on a failed task.
    if !matches!(st, TaskState::Failed(..)) {
        v["percentage"] = json!(pct.to_string());
    }
    match &st {
        TaskState::Done => match &task.media {
            Media::Grid { .. } => {
                v["original_image_url"] = json!(state.cdn_url(&task.id, "grid.png"));
                let singles: Vec<String> = (0..4)
                    .map(|i| state.cdn_url(&task.id, &format!("{i}.png")))
                    .collect();
                v["image_urls"] = json!(singles);
            }
            Media::Single { .. } => v["image_url"] = json!(state.cdn_url(&task.id, "image.png")),
            Media::Text(lines) => v["content"] = json!(lines),
            Media::Shorten { content, full } => {
                v["content"] = json!(content);
                v["full_content"] = json!(full);
            }
            Media::Seed(seed) => v["seed"] = json!(seed),
            Media::Video { .. } => {
                let videos: Vec<String> = (0..VIDEOS)
                    .map(|i| state.cdn_url(&task.id, &video_file(i)))
                    .collect();
                v["video_urls"] = json!(videos);
            }
        },
        TaskState::Failed(error, _) => v["error"] = json!(error),
        _ => {}
    }
    v
}

struct Ctx {
    body: Value,
    rule_fault: Option<RuleFault>,
    abort: Option<ConnAbort>,
}

async fn context(req: Request) -> Result<Ctx, Response> {
    let rule_fault = req.extensions().get::<RuleFault>().cloned();
    let abort = req.extensions().get::<ConnAbort>().cloned();
    let bytes: Bytes = to_bytes(req.into_body(), MAX_REQUEST_BODY)
        .await
        .unwrap_or_default();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(body @ Value::Object(_)) => Ok(Ctx {
            body,
            rule_fault,
            abort,
        }),
        _ => Err(journey_error(400, "Request body must be a JSON object")),
    }
}

fn str_field<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// A follow-up refused because of its parent: status and message.
struct Reject(u16, &'static str);

impl Reject {
    fn respond(self) -> Response {
        journey_error(self.0, self.1)
    }
}

/// Checks the parent of a follow-up; counts the child and returns (parent copy, child number).
fn take_parent(
    state: &AppState,
    body: &Value,
    kind: Kind,
    allowed: &dyn Fn(&Task) -> bool,
    rule: &'static str,
) -> Result<(Task, u32), Reject> {
    let Some(parent_id) = str_field(body, "parent_task_id") else {
        return Err(Reject(400, "parent_task_id is required"));
    };
    let now = state.now();
    let mut tasks = lock(&state.tasks);
    let Some(parent) = tasks
        .get_mut(parent_id)
        .filter(|t| t.provider == Provider::Journey)
    else {
        return Err(Reject(404, "Parent task not found"));
    };
    if parent.model != "midjourney" {
        return Err(Reject(400, "Only Midjourney tasks support this action"));
    }
    if parent.state(now) != TaskState::Done {
        return Err(Reject(400, "Parent task is not finished"));
    }
    if !allowed(parent) {
        return Err(Reject(400, rule));
    }
    let n = parent.next_child(kind);
    Ok((parent.clone(), n))
}

fn is_grid(t: &Task) -> bool {
    t.kind.output() == Output::Grid
}

/// The grids `/upscale-1x` and `/variations` (by index) take: imagine, reroll, variations
/// and blend. Pan and zoom-out results are grids too, but not parents of these.
fn is_upscalable_grid(t: &Task) -> bool {
    matches!(
        t.kind,
        Kind::Imagine
            | Kind::Reroll
            | Kind::Variation(_)
            | Kind::VarySubtle
            | Kind::VaryStrong
            | Kind::Blend
    )
}

const GRID_RULE: &str = "Parent task must be an imagine, reroll, variation or blend grid";

fn is_upscale_1x(t: &Task) -> bool {
    matches!(t.kind, Kind::Upscale(_))
}

fn parse_index(body: &Value) -> Option<u8> {
    match str_field(body, "index")? {
        "1" => Some(1),
        "2" => Some(2),
        "3" => Some(3),
        "4" => Some(4),
        _ => None,
    }
}

const INDEX_RULE: &str = "index must be one of \"1\", \"2\", \"3\", \"4\"";

/// What an endpoint knows about a task's pictures that [`new_task`] cannot.
enum Adjust {
    /// Vary (Region): the parent's look and the mask.
    Region(Region),
    /// The picture a video starts from or an upscale by URL shows, when `image_url` is one
    /// of this simulator's own pictures.
    Look(Look),
}

/// Everything a create endpoint needs to make its task.
struct Create {
    kind: Kind,
    parent: Option<(Task, u32)>,
    prompt: String,
    own_prompt: bool,
    model: String,
    aspect: (u32, u32),
    reference_image: Option<String>,
    extra: String,
    cost: i64,
    adjust: Option<Adjust>,
}

/// Applies markers/rules and credits, stores the task and answers `{"task_id"}` (or the
/// finished result for synchronous models).
async fn create(state: &AppState, ctx: Ctx, c: Create) -> Response {
    let plan = {
        let mut book = lock(&state.faults);
        plan_submit(
            c.own_prompt.then_some(c.prompt.as_str()),
            ctx.rule_fault.map(|f| f.0),
            &mut book,
        )
    };
    if let Some(kind) = plan.respond {
        return faults::respond(&kind, Provider::Journey, ctx.abort.as_ref()).await;
    }
    let produced = match c.kind.output() {
        Output::Grid if c.model == "midjourney" => 4,
        Output::Text | Output::Video => 0,
        _ => 1,
    };
    {
        let mut account = lock(&state.account);
        if account.credits < c.cost {
            return journey_error(402, "Insufficient credits");
        }
        account.credits -= c.cost;
        account.total_images += produced;
    }
    let synchronous = c.model != "midjourney";
    let f = flags(&c.prompt);
    let spec = NewTask {
        provider: Provider::Journey,
        kind: c.kind,
        parent: c.parent,
        prompt: c.prompt,
        model: c.model,
        mode: "fast",
        aspect: c.aspect,
        prompt_seed: f.seed,
        fate: plan.fate,
        synchronous,
        no_images: false,
        poll_markers: plan.poll_markers,
        reference_image: c.reference_image,
        webhook_url: str_field(&ctx.body, "webhook_url").map(str::to_string),
        extra: c.extra,
    };
    let mut task = new_task(spec, state.now());
    match (c.adjust, &mut task.media) {
        (Some(Adjust::Region(r)), Media::Grid { region, .. }) => {
            *region = Some(std::sync::Arc::new(r));
        }
        (Some(Adjust::Look(l)), Media::Video { start, .. }) => *start = l,
        (Some(Adjust::Look(l)), Media::Single { look, .. }) => *look = l,
        _ => {}
    }
    let id = task.id.clone();
    let body = if synchronous {
        view(state, &task, state.now())
    } else {
        json!({ "task_id": id })
    };
    lock(&state.tasks).insert(task);
    if synchronous {
        let mut out = json!({ "task_id": id, "status": body["status"] });
        for key in ["image_url", "error"] {
            if let Some(v) = body.get(key) {
                out[key] = v.clone();
            }
        }
        return reply::json(200, out);
    }
    reply::json(200, body)
}

fn follow_up(kind: Kind, parent: (Task, u32)) -> Create {
    let p = &parent.0;
    Create {
        kind,
        prompt: p.prompt.clone(),
        own_prompt: false,
        model: p.model.clone(),
        aspect: p.aspect,
        reference_image: None,
        extra: String::new(),
        cost: kind.journey_cost(),
        parent: Some(parent),
        adjust: None,
    }
}

/// An optional `prompt` of a follow-up: absent or null is `None`; otherwise a string with
/// something besides fault markers in it, else the message of a 400.
fn optional_prompt(body: &Value) -> Result<Option<String>, &'static str> {
    match body.get("prompt") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(p)) if !faults::strip_markers(p).trim().is_empty() => {
            Ok(Some(p.clone()))
        }
        Some(_) => Err("prompt must be a non-empty string"),
    }
}

/// Whether `url` is an absolute http(s) URL with a host.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
                && !url
                    .trim()
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// The look and pixel size of a picture this simulator serves at `url`, if it is one of
/// its own (a grid stands for its first image).
fn own_picture(state: &AppState, url: &str) -> Option<(Look, (u32, u32))> {
    let rest = url
        .trim()
        .strip_prefix(&state.origin)?
        .strip_prefix("/cdn/")?;
    let (id, file) = rest.split_once('/')?;
    let task = state.task(id)?;
    match (&task.media, file) {
        (Media::Grid { looks, size, .. }, "grid.png") => Some((looks[0], (size.0 * 2, size.1 * 2))),
        (Media::Grid { looks, size, .. }, f) => {
            let i: usize = f.strip_suffix(".png")?.parse().ok()?;
            Some((*looks.get(i)?, *size))
        }
        (Media::Single { look, size }, "image.png") => Some((*look, *size)),
        _ => None,
    }
}

async fn imagine(State(state): State<AppState>, req: Request) -> Response {
    let ctx = match context(req).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let prompt = match str_field(&ctx.body, "prompt") {
        Some(p) if !faults::strip_markers(p).trim().is_empty() => p.to_string(),
        _ => return journey_error(400, "prompt is required"),
    };
    let model = match ctx.body.get("model") {
        None | Some(Value::Null) => "midjourney".to_string(),
        Some(Value::String(m)) if model_accepted(m) => m.trim().to_string(),
        Some(_) => return journey_error(400, "model must be a non-empty model name"),
    };
    let image_url = str_field(&ctx.body, "image_url")
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string);
    if is_edit_model(&model) && image_url.is_none() {
        return journey_error(
            400,
            &format!("image_url is required for the edit model {model}"),
        );
    }
    let ratio = match ctx.body.get("aspect_ratio") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if ASPECT_RATIOS.contains(&r.as_str()) => parse_ratio(r),
        Some(_) => {
            return journey_error(
                400,
                &format!("aspect_ratio must be one of {}", ASPECT_RATIOS.join(", ")),
            )
        }
    };
    let prompt_ar = flags(&prompt).aspect;
    let aspect = if model == "midjourney" {
        prompt_ar.or(ratio)
    } else {
        ratio.or(prompt_ar)
    }
    .unwrap_or((1, 1));
    let c = Create {
        kind: Kind::Imagine,
        parent: None,
        own_prompt: true,
        cost: imagine_cost(&model),
        model,
        aspect,
        extra: image_url.clone().unwrap_or_default(),
        reference_image: image_url,
        prompt,
        adjust: None,
    };
    create(&state, ctx, c).await
}

macro_rules! ctx_or_return {
    ($req:expr) => {
        match context($req).await {
            Ok(c) => c,
            Err(r) => return r,
        }
    };
}

async fn upscale_1x(State(state): State<AppState>, req: Request) -> Response {
    let ctx = ctx_or_return!(req);
    let Some(index) = parse_index(&ctx.body) else {
        return journey_error(400, INDEX_RULE);
    };
    let kind = Kind::Upscale(index);
    match take_parent(&state, &ctx.body, kind, &is_upscalable_grid, GRID_RULE) {
        Ok(parent) => create(&state, ctx, follow_up(kind, parent)).await,
        Err(r) => r.respond(),
    }
}

async fn upscale_alt(State(state): State<AppState>, req: Request) -> Response {
    let ctx = ctx_or_return!(req);
    let kind = match str_field(&ctx.body, "type") {
        Some("subtle") => Kind::UpscaleSubtle,
        Some("creative") => Kind::UpscaleCreative,
        _ => return journey_error(400, "type must be \"subtle\" or \"creative\""),
    };
    let rule = "Parent task must be an upscale-1x task";
    match take_parent(&state, &ctx.body, kind, &is_upscale_1x, rule) {
        Ok(parent) => create(&state, ctx, follow_up(kind, parent)).await,
        Err(r) => r.respond(),
    }
}

async fn upscale_2x_4x(State(state): State<AppState>, req: Request) -> Response {
    let ctx = ctx_or_return!(req);
    let kind = match str_field(&ctx.body, "type") {
        Some("2x") => Kind::Upscale2x,
        Some("4x") => Kind::Upscale4x,
        _ => return journey_error(400, "type must be \"2x\" or \"4x\""),
    };
    if ctx.body.get("parent_task_id").is_none() {
        let Some(url) = str_field(&ctx.body, "image_url").map(str::to_string) else {
            return journey_error(400, "parent_task_id or image_url is required");
        };
        if !is_http_url(&url) {
            return journey_error(400, "image_url must be an http(s) URL");
        }
        // One of the simulator's own pictures upscales to the same scene, in its aspect.
        if let Some((look, size)) = own_picture(&state, &url) {
            let c = Create {
                kind,
                parent: None,
                prompt: String::new(),
                own_prompt: false,
                model: "midjourney".to_string(),
                aspect: size,
                reference_image: Some(url.clone()),
                extra: url,
                cost: kind.journey_cost(),
                adjust: Some(Adjust::Look(look)),
            };
            return create(&state, ctx, c).await;
        }
        let c = Create {
            kind,
            parent: None,
            prompt: String::new(),
            own_prompt: false,
            model: "midjourney".to_string(),
            aspect: (1, 1),
            reference_image: Some(url.clone()),
            extra: url,
            cost: kind.journey_cost(),
            adjust: None,
        };
        return create(&state, ctx, c).await;
    }
    let index = parse_index(&ctx.body);
    if ctx.body.get("index").is_some() && index.is_none() {
        return journey_error(400, INDEX_RULE);
    }
    let has_index = index.is_some();
    let allowed = move |t: &Task| {
        is_grid(t) == has_index && matches!(t.kind.output(), Output::Grid | Output::Single)
    };
    let rule = "index is required when the parent is a grid, and only then";
    match take_parent(&state, &ctx.body, kind, &allowed, rule) {
        Ok(parent) => {
            let mut c = follow_up(kind, parent);
            // From a grid, upscale the chosen quadrant.
            if let (Some(i), Some((p, _))) = (index, c.parent.as_mut()) {
                if let Media::Grid { looks, size, .. } = &p.media {
                    let look = looks[usize::from(i) - 1];
                    p.media = Media::Single { look, size: *size };
                }
            }
            create(&state, ctx, c).await
        }
        Err(r) => r.respond(),
    }
}

async fn variations(State(state): State<AppState>, req: Request) -> Response {
    let ctx = ctx_or_return!(req);
    let (kind, grid_parent) = match str_field(&ctx.body, "index") {
        Some("strong") => (Kind::VaryStrong, false),
        Some("subtle") => (Kind::VarySubtle, false),
        _ => match parse_index(&ctx.body) {
            Some(i) => (Kind::Variation(i), true),
            None => {
                return journey_error(
                    400,
                    "index must be \"1\"..\"4\" (grid parent) or \"strong\"/\"subtle\" (upscale-1x parent)",
                )
            }
        },
    };
    let result = if grid_parent {
        take_parent(&state, &ctx.body, kind, &is_upscalable_grid, GRID_RULE)
    } else {
        take_parent(
            &state,
            &ctx.body,
            kind,
            &is_upscale_1x,
            "Parent task must be an upscale-1x task",
        )
    };
    match result {
        Ok(parent) => create(&state, ctx, follow_up(kind, parent)).await,
        Err(r) => r.respond(),
    }
}

async fn reroll(State(state): State<AppState>, req: Request) -> Response {
    let ctx = ctx_or_return!(req);
    let new_prompt = match optional_prompt(&ctx.body) {
        Ok(p) => p,
        Err(msg) => return journey_error(400, msg),
    };
    let is_imagine = |t: &Task| t.kind == Kind::Imagine;
    let rule = "Only imagine tasks can be rerolled";
    match take_parent(&state, &ctx.body, Kind::Reroll, &is_imagine, rule) {
        Ok(parent) => {
            let mut c = follow_up(Kind::Reroll, parent);
            if let Some(p) = new_prompt {
                if let Some(ar) = flags(&p).aspect {
                    c.aspect = ar;
                }
                c.prompt = p;
                c.own_prompt = true;
            }
            create(&state, ctx, c).await
        }
        Err(r) => r.respond(),
    }
}

async fn pan(State(state): State<AppState>, req: Request) -> Response {
    let ctx = ctx_or_return!(req);
    let Some(dir) = str_field(&ctx.body, "direction").and_then(Dir::parse) else {
        return journey_error(400, "direction must be one of up, down, left, right");
    };
    let kind = Kind::Pan(dir);
    let rule = "Parent task must be an upscale-1x task";
    match take_parent(&state, &ctx.body, kind, &is_upscale_1x, rule) {
        Ok(parent) => create(&state, ctx, follow_up(kind, parent)).await,
        Err(r) => r.respond(),
    }
}

fn journey_task(state: &AppState, id: &str) -> Option<Task> {
    state.task(id).filter(|t| t.provider == Provider::Journey)
}

async fn fetch(State(state): State<AppState>, req: Request) -> Response {
    let ctx = ctx_or_return!(req);
    let Some(id) = str_field(&ctx.body, "task_id").map(str::to_string) else {
        return journey_error(400, "task_id is required");
    };
    if journey_task(&state, &id).is_none() {
        return journey_error(404, "Task not found");
    }
    if let Some(kind) = take_poll_marker(&state, &id) {
        return faults::respond(&kind, Provider::Journey, ctx.abort.as_ref()).await;
    }
    strike(&state, &id, &ctx.rule_fault);
    match journey_task(&state, &id) {
        Some(task) => reply::json(200, view(&state, &task, state.now())),
        None => journey_error(404, "Task not found"),
    }
}

async fn fetch_many(State(state): State<AppState>, req: Request) -> Response {
    let ctx = ctx_or_return!(req);
    let ids: Option<Vec<String>> =
        ctx.body
            .get("task_ids")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<String>>>()
            });
    let ids = match ids {
        Some(ids) if (2..=20).contains(&ids.len()) => ids,
        _ => return journey_error(400, "task_ids must be an array of 2 to 20 task ids"),
    };
    let mut fault: Option<FaultKind> = None;
    for id in &ids {
        if journey_task(&state, id).is_some() {
            if fault.is_none() {
                fault = take_poll_marker(&state, id);
            }
            strike(&state, id, &ctx.rule_fault);
        }
    }
    if let Some(kind) = fault {
        return faults::respond(&kind, Provider::Journey, ctx.abort.as_ref()).await;
    }
    let now = state.now();
    let mut seen = std::collections::HashSet::new();
    let tasks: Vec<Value> = ids
        .iter()
        .filter(|id| seen.insert(id.as_str()))
        .filter_map(|id| journey_task(&state, id))
        .map(|t| view(&state, &t, now))
        .collect();
    reply::json(200, json!({ "tasks": tasks }))
}

async fn account(State(state): State<AppState>) -> Response {
    let account = lock(&state.account).clone();
    reply::json(
        200,
        json!({
            "email": account.email,
            "credits": account.credits,
            "total_images": account.total_images,
            "plan": account.plan,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_taken_tolerantly() {
        for m in [
            "midjourney",
            "flux-pro",
            "nano-banana-hd",
            "a-model-from-next-year",
        ] {
            assert!(model_accepted(m), "{m}");
        }
        for m in ["", "   ", "a\nb", &"m".repeat(201)] {
            assert!(!model_accepted(m), "{m:?}");
        }
        for m in [
            "qwen-image-edit",
            "ideogram-v3-edit",
            "seededit",
            "flux-kontext-pro",
            "flux-kontext-max",
            "ideogram-v3-remix",
            "ideogram-v3-reframe",
        ] {
            assert!(is_edit_model(m), "{m}");
        }
        assert!(!is_edit_model("flux-pro") && !is_edit_model("ideogram-v3"));
        assert_eq!(imagine_cost("midjourney"), 4);
        assert_eq!(imagine_cost("flux-schnell"), 1);
        assert_eq!(imagine_cost("nano-banana"), 2);
    }
}
