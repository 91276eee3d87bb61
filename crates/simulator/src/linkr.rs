//! LinkrAPI under `/linkr/api`: `POST /v1/imagine`, `GET /v1/fetch/{task_id}`,
//! `POST /v1/action`, with Discord-shaped `components` on finished tasks.

use axum::body::{to_bytes, Bytes};
use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::faults;
use crate::gate::{RuleFault, MAX_REQUEST_BODY};
use crate::prompt::{flags, plan_submit};
use crate::reply::{self, linkr_error};
use crate::requests::Provider;
use crate::server::ConnAbort;
use crate::state::AppState;
use crate::task::{new_task, Dir, Kind, Media, NewTask, Output, State as TaskState, Task, Zoom};
use crate::timing::Stage;
use crate::util::{fnv1a, lock, snowflake};

/// The LinkrAPI routes, to be nested under `/linkr/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/imagine", post(imagine))
        .route("/v1/fetch/{task_id}", get(fetch))
        .route("/v1/action", post(action))
}

/// What pressing a button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    /// Starts a task of this kind.
    Run(Kind),
    /// Needs a modal (prompt / mask); cannot be sent as a plain action.
    Modal,
    /// A link; nothing to send.
    Link,
}

/// One Discord button of a finished task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// `custom_id` (link buttons have none).
    pub custom_id: Option<String>,
    /// Label (may be empty when there is an emoji).
    pub label: String,
    /// Emoji.
    pub emoji: Option<&'static str>,
    /// Discord style: 1 primary, 2 secondary, 5 link.
    pub style: u8,
    /// Link target of style-5 buttons.
    pub url: Option<String>,
    /// What pressing it does.
    pub press: Press,
}

fn button(custom_id: String, label: &str, emoji: Option<&'static str>, press: Press) -> Button {
    Button {
        custom_id: Some(custom_id),
        label: label.to_string(),
        emoji,
        style: 2,
        url: None,
        press,
    }
}

/// The buttons a finished task offers, in Discord's order.
pub fn buttons(kind: Kind, hash: &str) -> Vec<Button> {
    let mut out = Vec::new();
    match kind.output() {
        Output::Grid => {
            for n in 1..=4u8 {
                out.push(button(
                    format!("MJ::JOB::upsample::{n}::{hash}"),
                    &format!("U{n}"),
                    None,
                    Press::Run(Kind::Upscale(n)),
                ));
            }
            out.push(button(
                format!("MJ::JOB::reroll::0::{hash}::SOLO"),
                "",
                Some("🔄"),
                Press::Run(Kind::Reroll),
            ));
            for n in 1..=4u8 {
                out.push(button(
                    format!("MJ::JOB::variation::{n}::{hash}"),
                    &format!("V{n}"),
                    None,
                    Press::Run(Kind::Variation(n)),
                ));
            }
        }
        Output::Single => {
            if matches!(kind, Kind::Upscale(_)) {
                out.push(button(
                    format!("MJ::JOB::upsample_v7_2x_subtle::1::{hash}::SOLO"),
                    "Upscale (Subtle)",
                    None,
                    Press::Run(Kind::UpscaleSubtle),
                ));
                out.push(button(
                    format!("MJ::JOB::upsample_v7_2x_creative::1::{hash}::SOLO"),
                    "Upscale (Creative)",
                    None,
                    Press::Run(Kind::UpscaleCreative),
                ));
            }
            out.push(button(
                format!("MJ::JOB::low_variation::1::{hash}::SOLO"),
                "Vary (Subtle)",
                None,
                Press::Run(Kind::VarySubtle),
            ));
            out.push(button(
                format!("MJ::JOB::high_variation::1::{hash}::SOLO"),
                "Vary (Strong)",
                None,
                Press::Run(Kind::VaryStrong),
            ));
            out.push(button(
                format!("MJ::Inpaint::1::{hash}::SOLO"),
                "Vary (Region)",
                None,
                Press::Modal,
            ));
            out.push(button(
                format!("MJ::Outpaint::50::1::{hash}::SOLO"),
                "Zoom Out 2x",
                None,
                Press::Run(Kind::ZoomOut(Zoom::X2)),
            ));
            out.push(button(
                format!("MJ::Outpaint::75::1::{hash}::SOLO"),
                "Zoom Out 1.5x",
                None,
                Press::Run(Kind::ZoomOut(Zoom::X1_5)),
            ));
            out.push(button(
                format!("MJ::CustomZoom::{hash}"),
                "Custom Zoom",
                None,
                Press::Modal,
            ));
            for (dir, emoji) in [
                (Dir::Left, "⬅️"),
                (Dir::Right, "➡️"),
                (Dir::Up, "⬆️"),
                (Dir::Down, "⬇️"),
            ] {
                out.push(button(
                    format!("MJ::JOB::pan_{}::1::{hash}::SOLO", dir.word()),
                    "",
                    Some(emoji),
                    Press::Run(Kind::Pan(dir)),
                ));
            }
            out.push(Button {
                custom_id: None,
                label: "Web".to_string(),
                emoji: None,
                style: 5,
                url: Some(format!("https://www.midjourney.com/jobs/{hash}")),
                press: Press::Link,
            });
        }
        Output::Text | Output::Video => {}
    }
    out
}

/// A button as JSON. Documented shape: `{custom_id, label, style}` with an emoji as the label
/// (`"label": "🔄"`). Observed shape (`observed`): an empty label and the emoji in `emoji`.
fn button_json(b: &Button, observed: bool) -> Value {
    let mut m = Map::new();
    if let Some(id) = &b.custom_id {
        m.insert("custom_id".into(), json!(id));
    }
    match b.emoji {
        Some(e) if observed => {
            m.insert("label".into(), json!(b.label));
            m.insert("emoji".into(), json!(e));
        }
        Some(e) if b.label.is_empty() => {
            m.insert("label".into(), json!(e));
        }
        _ => {
            m.insert("label".into(), json!(b.label));
        }
    }
    m.insert("style".into(), json!(b.style));
    if let Some(u) = &b.url {
        m.insert("url".into(), json!(u));
    }
    Value::Object(m)
}

/// Resolves an `action` sent for a finished parent: a symbolic name or a `custom_id`.
pub fn resolve_action(parent: &Task, action: &str) -> Result<Kind, &'static str> {
    let all = buttons(parent.kind, &parent.job_hash);
    let symbolic = match action {
        "reroll" => Some(Kind::Reroll),
        _ => action
            .strip_prefix("upsample")
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=4).contains(n))
            .map(Kind::Upscale)
            .or_else(|| {
                action
                    .strip_prefix("variation")
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=4).contains(n))
                    .map(Kind::Variation)
            }),
    };
    if let Some(kind) = symbolic {
        return if all.iter().any(|b| b.press == Press::Run(kind)) {
            Ok(kind)
        } else {
            Err("Action not found in task components")
        };
    }
    match all
        .iter()
        .find(|b| b.custom_id.as_deref() == Some(action))
        .map(|b| b.press)
    {
        Some(Press::Run(kind)) => Ok(kind),
        Some(Press::Modal) => Err(
            "This action needs additional input (a modal) and cannot be submitted as a plain action",
        ),
        Some(Press::Link) | None => Err("Action not found in task components"),
    }
}

/// The `GET /v1/fetch` body of `task` at simulated second `now`: the documented fields
/// (`task_id, action, status, progress, prompt, image_url, message_id, components, error,
/// created_at`), plus `images`, `grid_url` and `cdn_url` when the observed extras are on.
pub fn view(state: &AppState, task: &Task, now: f64) -> Value {
    let observed = state.observed_extras();
    let st = task.state(now);
    let (status, progress) = match &st {
        TaskState::Running(stage, p) => (
            match stage {
                Stage::Queued => "queued",
                Stage::Pending => "pending",
                Stage::Sending => "sending",
                Stage::Starting => "starting",
                Stage::Processing => "processing",
                Stage::Uploading => "uploading",
                Stage::Done => "completed",
            },
            *p,
        ),
        TaskState::Done => ("completed", 100),
        TaskState::Failed(_, p) => ("failed", *p),
        TaskState::TimedOut(p) => ("timeout", *p),
    };
    let started = !matches!(
        st,
        TaskState::Running(Stage::Queued | Stage::Pending | Stage::Sending, _)
    ) && !matches!(st, TaskState::Failed(_, 0));
    let mut v = json!({
        "task_id": task.id,
        "action": task.kind.linkr_action(),
        "status": status,
        "progress": progress,
        "prompt": task.prompt,
        "image_url": null,
        "message_id": if started { json!(snowflake(fnv1a(task.job_hash.as_bytes()))) } else { Value::Null },
        "components": null,
        "error": null,
        "created_at": task.created_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
    });
    if observed {
        v["grid_url"] = Value::Null;
        v["cdn_url"] = Value::Null;
    }
    match &st {
        TaskState::Done => {
            let comps: Vec<Value> = buttons(task.kind, &task.job_hash)
                .iter()
                .map(|b| button_json(b, observed))
                .collect();
            v["components"] = Value::Array(comps);
            match &task.media {
                Media::Grid { .. } => {
                    let grid = state.cdn_url(&task.id, "grid.png");
                    v["image_url"] = json!(grid);
                    if observed {
                        v["grid_url"] = json!(grid);
                        v["cdn_url"] = json!(grid);
                        if !task.no_images {
                            let singles: Vec<String> = (0..4)
                                .map(|i| state.cdn_url(&task.id, &format!("{i}.png")))
                                .collect();
                            v["images"] = json!(singles);
                        }
                    }
                }
                Media::Single { .. } => {
                    let url = state.cdn_url(&task.id, "image.png");
                    v["image_url"] = json!(url);
                    if observed {
                        v["cdn_url"] = json!(url);
                    }
                }
                // LinkrAPI makes none of these (JourneyAPI-only kinds).
                Media::Text(_) | Media::Shorten { .. } | Media::Seed(_) | Media::Video { .. } => {}
            }
        }
        TaskState::Failed(error, _) => v["error"] = json!(error),
        TaskState::TimedOut(_) => {
            v["error"] = json!("Task timed out: Midjourney did not answer in time")
        }
        TaskState::Running(..) => {}
    }
    v
}

/// FastAPI's 422 for a missing or mistyped body field.
fn unprocessable(field: &str, input: &Value) -> Response {
    reply::json(
        422,
        json!({ "detail": [{
            "type": "missing",
            "loc": ["body", field],
            "msg": "Field required",
            "input": input,
        }]}),
    )
}

struct Ctx {
    body: Result<Value, ()>,
    rule_fault: Option<RuleFault>,
    abort: Option<ConnAbort>,
}

async fn context(req: Request) -> Ctx {
    let rule_fault = req.extensions().get::<RuleFault>().cloned();
    let abort = req.extensions().get::<ConnAbort>().cloned();
    let bytes: Bytes = to_bytes(req.into_body(), MAX_REQUEST_BODY)
        .await
        .unwrap_or_default();
    Ctx {
        body: serde_json::from_slice(&bytes).map_err(|_| ()),
        rule_fault,
        abort,
    }
}

fn json_invalid() -> Response {
    reply::json(
        422,
        json!({ "detail": [{
            "type": "json_invalid",
            "loc": ["body", 0],
            "msg": "JSON decode error",
            "input": {},
        }]}),
    )
}

fn opt_string(body: &Value, field: &str) -> Option<String> {
    body.get(field).and_then(Value::as_str).map(str::to_string)
}

async fn imagine(State(state): State<AppState>, req: Request) -> Response {
    let ctx = context(req).await;
    let Ok(body) = ctx.body else {
        return json_invalid();
    };
    let Some(prompt) = body.get("prompt").and_then(Value::as_str) else {
        return unprocessable("prompt", &body);
    };
    if faults::strip_markers(prompt).trim().is_empty() {
        return linkr_error(400, "Prompt cannot be empty");
    }
    let plan = {
        let mut book = lock(&state.faults);
        plan_submit(Some(prompt), ctx.rule_fault.map(|f| f.0), &mut book)
    };
    if let Some(kind) = plan.respond {
        return faults::respond(&kind, Provider::Linkr, ctx.abort.as_ref()).await;
    }
    let f = flags(prompt);
    let spec = NewTask {
        provider: Provider::Linkr,
        kind: Kind::Imagine,
        parent: None,
        prompt: prompt.to_string(),
        model: "midjourney".to_string(),
        mode: f.mode,
        aspect: f.aspect.unwrap_or((1, 1)),
        prompt_seed: f.seed,
        fate: plan.fate,
        synchronous: false,
        no_images: f.no_images,
        poll_markers: plan.poll_markers,
        reference_image: opt_string(&body, "reference_image"),
        webhook_url: opt_string(&body, "webhook_url"),
        extra: String::new(),
    };
    let task = new_task(spec, state.now());
    let id = task.id.clone();
    lock(&state.tasks).insert(task);
    reply::json(
        200,
        json!({ "status": "SUCCESS", "task_id": id, "message": "Task submitted successfully" }),
    )
}

/// Takes one use of a firing `@poll` marker of `task_id`, if any.
pub fn take_poll_marker(state: &AppState, task_id: &str) -> Option<faults::FaultKind> {
    let mut tasks = lock(&state.tasks);
    let task = tasks.get_mut(task_id)?;
    for (marker, remaining) in task.poll_markers.iter_mut() {
        match remaining {
            None => return Some(marker.kind.clone()),
            Some(0) => continue,
            Some(n) => {
                *n -= 1;
                return Some(marker.kind.clone());
            }
        }
    }
    None
}

/// Applies a rule's task fault to `task_id` (poll phase).
pub fn strike(state: &AppState, task_id: &str, fault: &Option<RuleFault>) {
    if let Some(RuleFault(fault)) = fault {
        let now = state.now();
        if let Some(task) = lock(&state.tasks).get_mut(task_id) {
            task.strike(fault, now);
        }
    }
}

async fn fetch(
    State(state): State<AppState>,
    Path(task_id): Path<String>,
    req: Request,
) -> Response {
    let ctx = context(req).await;
    let known = state
        .task(&task_id)
        .filter(|t| t.provider == Provider::Linkr)
        .is_some();
    if !known {
        return linkr_error(404, "Task not found or does not belong to your hold");
    }
    if let Some(kind) = take_poll_marker(&state, &task_id) {
        return faults::respond(&kind, Provider::Linkr, ctx.abort.as_ref()).await;
    }
    strike(&state, &task_id, &ctx.rule_fault);
    let Some(task) = state.task(&task_id) else {
        return linkr_error(404, "Task not found or does not belong to your hold");
    };
    reply::json(200, view(&state, &task, state.now()))
}

async fn action(State(state): State<AppState>, req: Request) -> Response {
    let ctx = context(req).await;
    let Ok(body) = ctx.body else {
        return json_invalid();
    };
    let Some(parent_id) = body.get("task_id").and_then(Value::as_str) else {
        return unprocessable("task_id", &body);
    };
    let Some(action) = body.get("action").and_then(Value::as_str) else {
        return unprocessable("action", &body);
    };
    let now = state.now();
    let resolved = {
        let mut tasks = lock(&state.tasks);
        match tasks.get_mut(parent_id) {
            Some(parent) if parent.provider == Provider::Linkr => {
                if parent.state(now) != TaskState::Done || parent.kind.output() == Output::Text {
                    Err(linkr_error(
                        400,
                        "Invalid action or original task has no components",
                    ))
                } else {
                    match resolve_action(parent, action) {
                        Ok(kind) => {
                            let n = parent.next_child(kind);
                            Ok((kind, parent.clone(), n))
                        }
                        Err(msg) => Err(linkr_error(400, msg)),
                    }
                }
            }
            _ => Err(linkr_error(404, "Original task not found")),
        }
    };
    let (kind, parent, n) = match resolved {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let plan = {
        let mut book = lock(&state.faults);
        plan_submit(None, ctx.rule_fault.map(|f| f.0), &mut book)
    };
    let f = flags(&parent.prompt);
    let spec = NewTask {
        provider: Provider::Linkr,
        kind,
        prompt: parent.prompt.clone(),
        model: parent.model.clone(),
        mode: f.mode,
        aspect: parent.aspect,
        prompt_seed: f.seed,
        fate: plan.fate,
        synchronous: false,
        no_images: parent.no_images,
        poll_markers: Vec::new(),
        reference_image: None,
        webhook_url: opt_string(&body, "webhook_url"),
        extra: String::new(),
        parent: Some((parent, n)),
    };
    let task = new_task(spec, now);
    let id = task.id.clone();
    lock(&state.tasks).insert(task);
    reply::json(
        200,
        json!({ "status": "SUCCESS", "task_id": id, "message": "Action submitted successfully" }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_components_have_the_real_shape() {
        let b = buttons(Kind::Imagine, "h1");
        let ids: Vec<String> = b.iter().filter_map(|b| b.custom_id.clone()).collect();
        assert_eq!(
            ids,
            vec![
                "MJ::JOB::upsample::1::h1",
                "MJ::JOB::upsample::2::h1",
                "MJ::JOB::upsample::3::h1",
                "MJ::JOB::upsample::4::h1",
                "MJ::JOB::reroll::0::h1::SOLO",
                "MJ::JOB::variation::1::h1",
                "MJ::JOB::variation::2::h1",
                "MJ::JOB::variation::3::h1",
                "MJ::JOB::variation::4::h1",
            ]
        );
        assert_eq!(b[0].label, "U1");
        assert_eq!(b[4].label, "");
        assert_eq!(b[4].emoji, Some("🔄"));
        assert!(b.iter().all(|b| b.style == 2));
        // Documented: the emoji is the label.
        assert_eq!(
            button_json(&b[4], false),
            json!({"custom_id": "MJ::JOB::reroll::0::h1::SOLO", "label": "🔄", "style": 2})
        );
        assert_eq!(
            button_json(&b[0], false),
            json!({"custom_id": "MJ::JOB::upsample::1::h1", "label": "U1", "style": 2})
        );
        // Observed: an empty label and an `emoji` field.
        assert_eq!(
            button_json(&b[4], true),
            json!({"custom_id": "MJ::JOB::reroll::0::h1::SOLO", "label": "", "emoji": "🔄", "style": 2})
        );
    }

    #[test]
    fn upscale_components_have_the_solo_set() {
        let b = buttons(Kind::Upscale(2), "h2");
        let labels: Vec<&str> = b.iter().map(|b| b.label.as_str()).collect();
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
                "",
                "",
                "",
                "",
                "Web"
            ]
        );
        assert!(b.iter().any(
            |b| b.custom_id.as_deref() == Some("MJ::JOB::pan_left::1::h2::SOLO")
                && b.emoji == Some("⬅️")
        ));
        assert!(b
            .iter()
            .any(|b| b.custom_id.as_deref() == Some("MJ::Outpaint::50::1::h2::SOLO")));
        let web = b.last().expect("web button");
        assert_eq!(web.style, 5);
        assert!(web.custom_id.is_none() && web.url.is_some());
        for observed in [false, true] {
            let j = button_json(web, observed);
            assert!(j.get("custom_id").is_none());
            assert_eq!(j["label"], "Web");
        }
        let left = b.iter().find(|b| b.emoji == Some("⬅️")).expect("pan left");
        assert_eq!(button_json(left, false)["label"], "⬅️");
        assert!(button_json(left, false).get("emoji").is_none());
        // Subtle/creative results offer no further upscale buttons.
        let b = buttons(Kind::UpscaleSubtle, "h3");
        assert!(!b.iter().any(|b| b.label.starts_with("Upscale")));
        // Results of vary/zoom/pan are grids.
        for k in [
            Kind::VaryStrong,
            Kind::ZoomOut(Zoom::X1_5),
            Kind::Pan(Dir::Down),
        ] {
            assert_eq!(buttons(k, "h").len(), 9);
        }
    }
}
