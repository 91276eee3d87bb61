//! The JourneyAPI client (raw-key `Authorization`, no `Bearer`): imagine, every
//! Midjourney follow-up endpoint, fetch, fetch-many, account and a key check;
//! plus the tolerant parser for its task JSON.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::{json, Map, Value};

use crate::action::{journey_actions, journey_shape, JourneyAction, JourneyShape};
use crate::error::{ProviderError, Result};
use crate::http::{AuthScheme, HttpCore};
use crate::model::{
    Account, ActionInput, CreateRequest, ImagineRequest, KeyCheck, PanDirection, ProviderKind,
    Submission, Task, TaskKind, UpscaleAltType, UpscaleSize, VariationTarget, ZoomFactor,
};
use crate::{action, inputs, parse, status, validate};

/// The fewest ids `/fetch-many` takes.
pub const FETCH_MANY_MIN: usize = 2;
/// The most ids `/fetch-many` takes.
pub const FETCH_MANY_MAX: usize = 20;

/// A JourneyAPI client. Cheap to clone; `Debug` never shows the key.
#[derive(Clone, Debug)]
pub struct JourneyClient {
    http: HttpCore,
}

impl JourneyClient {
    /// A client for `base_url` (e.g. `https://api.journeyapi.com/api/v1`) with this key.
    /// Checks both; sends nothing. The key stays a [`SecretString`] (zeroized on drop) up to
    /// the request header; a `&str` is accepted too (tests, the demo's fixed key).
    pub fn new(base_url: &str, api_key: impl Into<SecretString>) -> Result<Self> {
        Ok(JourneyClient {
            http: HttpCore::new(
                ProviderKind::Journey,
                base_url,
                api_key.into(),
                AuthScheme::Raw,
            )?,
        })
    }

    /// The same client with another request timeout (default 30 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.http.set_timeout(timeout);
        self
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        self.http.base_url()
    }

    /// Starts a new task. Non-Midjourney models may finish at once: then
    /// [`Submission::finished`] holds the task.
    pub async fn imagine(&self, req: &ImagineRequest) -> Result<Submission> {
        validate::imagine(ProviderKind::Journey, req)?;
        let mut body = Map::new();
        body.insert(
            "prompt".into(),
            Value::String(req.prompt.trim().to_string()),
        );
        if let Some(m) = &req.model {
            body.insert("model".into(), Value::String(m.trim().to_string()));
        }
        if let Some(ar) = &req.aspect_ratio {
            body.insert("aspect_ratio".into(), Value::String(ar.trim().to_string()));
        }
        if let Some(url) = &req.reference_image {
            body.insert("image_url".into(), Value::String(url.trim().to_string()));
        }
        let v = self
            .http
            .post_json("imagine", &Value::Object(body))
            .await
            .map_err(|e| e.for_new_task(ProviderKind::Journey))?;
        let mut sub = submission(&v, TaskKind::Imagine, None)?;
        if let Some(task) = sub.finished.as_mut() {
            if task.model.is_none() {
                task.model = req.model.clone();
                task.actions = derived_actions(task);
            }
            if task.prompt.is_none() {
                task.prompt = Some(req.prompt.trim().to_string());
            }
        }
        Ok(sub)
    }

    /// A creation mode without a parent: `/blend`, `/describe`, `/shorten` or
    /// `/imagine-video`, checked first ([`inputs::create`]).
    pub async fn create(&self, req: &CreateRequest) -> Result<Submission> {
        inputs::create(req)?;
        let (path, body) = inputs::journey_create_body(req);
        let v = self
            .http
            .post_json(path, &body)
            .await
            .map_err(|e| e.for_new_task(ProviderKind::Journey))?;
        let mut sub = submission(&v, req.kind(), None)?;
        if let Some(task) = sub.finished.as_mut() {
            if task.prompt.is_none() {
                task.prompt = req.prompt().map(|p| p.trim().to_string());
            }
        }
        Ok(sub)
    }

    /// U1..U4: `/upscale-1x` on a grid.
    pub async fn upscale_1x(&self, parent: &Task, index: u8) -> Result<Submission> {
        let index = check_index(index)?;
        self.send(
            parent,
            JourneyAction::Upscale(index),
            &ActionInput::default(),
        )
        .await
    }

    /// Upscale (Subtle/Creative): `/upscale-alt` on a U1..U4 result.
    pub async fn upscale_alt(&self, parent: &Task, kind: UpscaleAltType) -> Result<Submission> {
        let a = match kind {
            UpscaleAltType::Subtle => JourneyAction::UpscaleSubtle,
            UpscaleAltType::Creative => JourneyAction::UpscaleCreative,
        };
        self.send(parent, a, &ActionInput::default()).await
    }

    /// 2x / 4x: `/upscale-2x-4x` on a grid (then `index` is required) or a single image.
    pub async fn upscale_2x_4x(
        &self,
        parent: &Task,
        size: UpscaleSize,
        index: Option<u8>,
    ) -> Result<Submission> {
        validate::parent(ProviderKind::Journey, parent)?;
        let shape = journey_shape(parent);
        let mut body = json!({
            "parent_task_id": parent.id,
            "type": match size { UpscaleSize::X2 => "2x", UpscaleSize::X4 => "4x" },
        });
        match (shape, index) {
            (JourneyShape::Grid, Some(i)) => body["index"] = json!(check_index(i)?.to_string()),
            (JourneyShape::Grid, None) => {
                return Err(ProviderError::invalid(
                    "index",
                    "Choose which of the four images to upscale.",
                ))
            }
            (_, _) if parent.image_url.is_none() && shape != JourneyShape::Upscale => {
                return Err(ProviderError::invalid(
                    "parent",
                    "This result has no image to upscale.",
                ))
            }
            _ => {}
        }
        let kind = match size {
            UpscaleSize::X2 => TaskKind::Upscale2x,
            UpscaleSize::X4 => TaskKind::Upscale4x,
        };
        let label = kind.label();
        self.create_follow_up("upscale-2x-4x", &body, kind, &label, parent)
            .await
    }

    /// V1..V4 on a grid, or Vary (Strong/Subtle) on a U1..U4 result: `/variations`.
    pub async fn variations(&self, parent: &Task, target: VariationTarget) -> Result<Submission> {
        let a = match target {
            VariationTarget::Index { index } => JourneyAction::Variation(check_index(index)?),
            VariationTarget::Strong => JourneyAction::VaryStrong,
            VariationTarget::Subtle => JourneyAction::VarySubtle,
        };
        self.send(parent, a, &ActionInput::default()).await
    }

    /// Runs an imagine's prompt again (optionally a new prompt): `/reroll`.
    pub async fn reroll(&self, parent: &Task, prompt: Option<&str>) -> Result<Submission> {
        let input = ActionInput {
            prompt: prompt.map(str::to_string),
            ..ActionInput::default()
        };
        self.send(parent, JourneyAction::Reroll, &input).await
    }

    /// Pans a U1..U4 result: `/pan`.
    pub async fn pan(&self, parent: &Task, direction: PanDirection) -> Result<Submission> {
        self.send(
            parent,
            JourneyAction::Pan(direction),
            &ActionInput::default(),
        )
        .await
    }

    /// Zooms out of a U1..U4 result (or makes it square): `/outpaint`.
    pub async fn outpaint(&self, parent: &Task, factor: ZoomFactor) -> Result<Submission> {
        self.send(
            parent,
            JourneyAction::ZoomOut(factor),
            &ActionInput::default(),
        )
        .await
    }

    /// Vary (Region) of a U1..U4 result: `/inpaint` with `mask` (a PNG data URL, checked
    /// with [`inputs::mask`]) and an optional prompt.
    pub async fn inpaint(
        &self,
        parent: &Task,
        mask: &str,
        prompt: Option<&str>,
    ) -> Result<Submission> {
        let input = ActionInput {
            prompt: prompt.map(str::to_string),
            mask: Some(mask.to_string()),
            ..ActionInput::default()
        };
        self.send(parent, JourneyAction::VaryRegion, &input).await
    }

    /// The seed of a finished Midjourney task: `/seed` (body `task_id`); the result's
    /// `seed` lands in [`Task::text_results`].
    pub async fn seed(&self, task: &Task) -> Result<Submission> {
        self.send(task, JourneyAction::Seed, &ActionInput::default())
            .await
    }

    /// Presses a derived button by its symbolic id (`upscale:2`, `vary-strong`,
    /// `zoom-out:2`, `pan:left`, `reroll`, `vary-region`, `custom-zoom`, `upscale-2x`,
    /// `seed`...; also `upsample2`/`variation3`). `input.prompt` is used by reroll, Vary
    /// (Region) and Custom Zoom; `input.mask` by Vary (Region); `input.zoom_ratio` and
    /// `input.aspect_ratio` by Custom Zoom. Other buttons ignore the input.
    pub async fn action(
        &self,
        parent: &Task,
        action_id: &str,
        input: &ActionInput,
    ) -> Result<Submission> {
        validate::parent(ProviderKind::Journey, parent)?;
        validate::action_available(parent, action_id)?;
        let a = JourneyAction::parse(action_id).ok_or_else(|| no_button(action_id))?;
        if !journey_actions(parent).contains(&a) {
            return Err(no_button(action_id));
        }
        self.send(parent, a, input).await
    }

    /// Checks `parent` offers `a` and the input it needs, then calls its endpoint.
    async fn send(
        &self,
        parent: &Task,
        a: JourneyAction,
        input: &ActionInput,
    ) -> Result<Submission> {
        validate::parent(ProviderKind::Journey, parent)?;
        let allowed = journey_actions(parent).contains(&a)
            || (matches!(a, JourneyAction::ZoomOut(_))
                && journey_shape(parent) == JourneyShape::Upscale);
        if !allowed {
            return Err(no_button(&a.id()));
        }
        let pid = parent.id.as_str();
        let (path, body) = match a {
            JourneyAction::Upscale(n) => (
                "upscale-1x",
                json!({"parent_task_id": pid, "index": n.to_string()}),
            ),
            JourneyAction::Variation(n) => (
                "variations",
                json!({"parent_task_id": pid, "index": n.to_string()}),
            ),
            JourneyAction::VaryStrong => (
                "variations",
                json!({"parent_task_id": pid, "index": "strong"}),
            ),
            JourneyAction::VarySubtle => (
                "variations",
                json!({"parent_task_id": pid, "index": "subtle"}),
            ),
            JourneyAction::UpscaleSubtle => (
                "upscale-alt",
                json!({"parent_task_id": pid, "type": "subtle"}),
            ),
            JourneyAction::UpscaleCreative => (
                "upscale-alt",
                json!({"parent_task_id": pid, "type": "creative"}),
            ),
            JourneyAction::Pan(d) => (
                "pan",
                json!({"parent_task_id": pid, "direction": d.as_str()}),
            ),
            JourneyAction::ZoomOut(f) => (
                "outpaint",
                json!({"parent_task_id": pid, "zoom_ratio": f.ratio()}),
            ),
            JourneyAction::Reroll => {
                let mut body = json!({"parent_task_id": pid});
                with_prompt(&mut body, input)?;
                ("reroll", body)
            }
            JourneyAction::VaryRegion => {
                let mask = input.mask_text().ok_or_else(|| {
                    ProviderError::invalid(
                        "mask",
                        "Vary (Region) needs a mask: paint the area to change first.",
                    )
                })?;
                inputs::mask(mask)?;
                let mut body = json!({"parent_task_id": pid, "mask": mask.trim()});
                with_prompt(&mut body, input)?;
                ("inpaint", body)
            }
            JourneyAction::CustomZoom => {
                let ratio = inputs::zoom_ratio(input.zoom_ratio)?;
                let mut body = json!({"parent_task_id": pid, "zoom_ratio": ratio});
                if let Some(ar) = input.aspect_ratio_text() {
                    inputs::zoom_aspect_ratio(ar)?;
                    body["aspect_ratio"] = json!(ar.trim());
                }
                with_prompt(&mut body, input)?;
                ("outpaint", body)
            }
            JourneyAction::Upscale2x | JourneyAction::Upscale4x => {
                let size = if a == JourneyAction::Upscale2x {
                    "2x"
                } else {
                    "4x"
                };
                (
                    "upscale-2x-4x",
                    json!({"parent_task_id": pid, "type": size}),
                )
            }
            JourneyAction::Seed => ("seed", json!({"task_id": pid})),
        };
        let label = a.to_action().label;
        if a.takes_prompt() && a != JourneyAction::Reroll {
            // A refusal of a mask or a ratio says why: keep JourneyAPI's words.
            let v = self
                .http
                .post_json(path, &body)
                .await
                .map_err(|e| match e {
                    ProviderError::NotFound { .. } => not_offered(e, &label),
                    other => other,
                })?;
            return submission(&v, a.kind(), Some(parent.id.clone()));
        }
        self.create_follow_up(path, &body, a.kind(), &label, parent)
            .await
    }

    /// Calls a follow-up endpoint. A 400 or 404 there means JourneyAPI does not offer this
    /// follow-up for `parent` ([`ProviderError::NotOffered`], naming the button `label`).
    async fn create_follow_up(
        &self,
        path: &str,
        body: &Value,
        kind: TaskKind,
        label: &str,
        parent: &Task,
    ) -> Result<Submission> {
        let v = self
            .http
            .post_json(path, body)
            .await
            .map_err(|e| not_offered(e, label))?;
        submission(&v, kind, Some(parent.id.clone()))
    }

    /// Reads one task (`POST /fetch`). A 400 for the id reads like a 404
    /// ([`ProviderError::NotFound`]): JourneyAPI answers an unknown id either way.
    pub async fn fetch(&self, task_id: &str) -> Result<Task> {
        validate::task_id(task_id)?;
        let v = self
            .http
            .post_json("fetch", &json!({ "task_id": task_id }))
            .await
            .map_err(bad_request_is_not_found)?;
        parse_task(&v, Some(task_id))
    }

    /// Reads 2 to 20 tasks in one request (`POST /fetch-many`). Unknown ids are
    /// left out of the answer; entries that cannot be read are skipped. A 400 (an unknown id
    /// the service did not just leave out) reads as [`ProviderError::NotFound`].
    pub async fn fetch_many(&self, task_ids: &[String]) -> Result<Vec<Task>> {
        if !(FETCH_MANY_MIN..=FETCH_MANY_MAX).contains(&task_ids.len()) {
            return Err(ProviderError::invalid(
                "task_ids",
                format!(
                    "fetch-many takes {FETCH_MANY_MIN} to {FETCH_MANY_MAX} task ids, not {}.",
                    task_ids.len()
                ),
            ));
        }
        for id in task_ids {
            validate::task_id(id)?;
        }
        let v = self
            .http
            .post_json("fetch-many", &json!({ "task_ids": task_ids }))
            .await
            .map_err(bad_request_is_not_found)?;
        let items = v
            .get("tasks")
            .and_then(Value::as_array)
            .ok_or_else(|| ProviderError::malformed("the answer has no \"tasks\" list"))?;
        Ok(items
            .iter()
            .take(FETCH_MANY_MAX)
            .filter_map(|item| match parse_task(item, None) {
                Ok(t) => Some(t),
                Err(e) => {
                    tracing::debug!(error = %e, "skipping an unreadable fetch-many entry");
                    None
                }
            })
            .collect())
    }

    /// Any number of tasks: batches of up to 20 through `/fetch-many`, a lone
    /// leftover through `/fetch` (a single unknown id is left out, like fetch-many). A batch
    /// refused as not found (a 400 or 404 about an unknown id) is read again one by one, so
    /// only the unknown ids are left out.
    pub async fn fetch_batched(&self, task_ids: &[String]) -> Result<Vec<Task>> {
        for id in task_ids {
            validate::task_id(id)?;
        }
        let mut out = Vec::with_capacity(task_ids.len());
        for chunk in task_ids.chunks(FETCH_MANY_MAX) {
            let batch = match chunk {
                [_] => None,
                _ => Some(self.fetch_many(chunk).await),
            };
            match batch {
                Some(Ok(tasks)) => out.extend(tasks),
                None | Some(Err(ProviderError::NotFound { .. })) => {
                    for id in chunk {
                        match self.fetch(id).await {
                            Ok(t) => out.push(t),
                            Err(ProviderError::NotFound { .. }) => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
                Some(Err(e)) => return Err(e),
            }
        }
        Ok(out)
    }

    /// The account's email, credits, image count and plan (`GET /account`).
    pub async fn account(&self) -> Result<Account> {
        let v = self.http.get_json("account").await?;
        if !v.is_object() {
            return Err(ProviderError::malformed(
                "the account should be a JSON object",
            ));
        }
        Ok(Account {
            email: parse::text(&v, "email"),
            credits: parse::int(&v, "credits"),
            total_images: parse::int(&v, "total_images"),
            plan: parse::text(&v, "plan"),
        })
    }

    /// Checks the key with `/account`: "Valid, 1,240 credits (starter plan)".
    pub async fn check_key(&self) -> Result<KeyCheck> {
        match self.account().await {
            Ok(acc) => Ok(KeyCheck {
                valid: true,
                message: account_summary(&acc),
            }),
            Err(e @ (ProviderError::Unauthorized | ProviderError::Suspended { .. })) => {
                Ok(KeyCheck {
                    valid: false,
                    message: format!("Key rejected: {e}"),
                })
            }
            Err(e) => Err(e),
        }
    }
}

/// Adds `input.prompt` to a follow-up's body when it has text (checked like any prompt).
fn with_prompt(body: &mut Value, input: &ActionInput) -> Result<()> {
    if let Some(p) = input.prompt_text() {
        validate::prompt(p)?;
        body["prompt"] = json!(p.trim());
    }
    Ok(())
}

fn no_button(id: &str) -> ProviderError {
    ProviderError::invalid(
        "action",
        format!(
            "This result has no \"{}\" button. Pick one of the buttons shown under it.",
            parse::truncate(id.trim().to_string(), 60)
        ),
    )
}

/// A 400 or 404 on a follow-up endpoint: JourneyAPI does not offer it for this parent.
fn not_offered(e: ProviderError, label: &str) -> ProviderError {
    match e {
        ProviderError::NotFound { .. } | ProviderError::Rejected { status: 400, .. } => {
            ProviderError::NotOffered {
                provider: ProviderKind::Journey,
                action: label.to_string(),
            }
        }
        other => other,
    }
}

/// A 400 on `/fetch` or `/fetch-many` is JourneyAPI's answer for an unknown id.
fn bad_request_is_not_found(e: ProviderError) -> ProviderError {
    match e {
        ProviderError::Rejected {
            status: 400,
            detail,
        } => ProviderError::NotFound { what: detail },
        other => other,
    }
}

fn check_index(index: u8) -> Result<u8> {
    if (1..=4).contains(&index) {
        Ok(index)
    } else {
        Err(ProviderError::invalid(
            "index",
            format!("Image {index} does not exist; choose 1 to 4."),
        ))
    }
}

/// "Valid, 1,240 credits (starter plan)".
pub fn account_summary(acc: &Account) -> String {
    let mut msg = String::from("Valid");
    if let Some(c) = acc.credits {
        msg.push_str(&format!(", {} credits", group_thousands(c)));
    }
    if let Some(plan) = &acc.plan {
        msg.push_str(&format!(" ({plan} plan)"));
    }
    msg
}

fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A create answer: `{"task_id"}`, or a finished task for synchronous models.
fn submission(v: &Value, kind: TaskKind, parent_id: Option<String>) -> Result<Submission> {
    let id = parse::text_any(v, &["task_id", "taskId", "id"])
        .ok_or_else(|| ProviderError::malformed("the answer has no task id"))?;
    if !validate::is_safe_task_id(&id) {
        return Err(ProviderError::malformed(
            "the new task id has unexpected characters",
        ));
    }
    let finished = match parse::text(v, "status") {
        Some(s) if status::journey_status(&s).is_final() => {
            let mut task = parse_task_as(v, Some(&id), Some(&kind))?;
            task.parent_id = task.parent_id.or_else(|| parent_id.clone());
            Some(task)
        }
        _ => None,
    };
    Ok(Submission {
        task_id: id,
        kind,
        parent_id,
        finished,
    })
}

/// Parses a JourneyAPI task (a `/fetch` answer or one `/fetch-many` entry).
/// `fallback_id` is used when the body has no `task_id`. Never panics.
pub fn parse_task(v: &Value, fallback_id: Option<&str>) -> Result<Task> {
    parse_task_as(v, fallback_id, None)
}

fn parse_task_as(
    v: &Value,
    fallback_id: Option<&str>,
    kind_hint: Option<&TaskKind>,
) -> Result<Task> {
    if !v.is_object() {
        return Err(ProviderError::malformed("a task should be a JSON object"));
    }
    let id = parse::text_any(v, &["task_id", "taskId", "id"])
        .filter(|id| validate::is_safe_task_id(id))
        .or_else(|| fallback_id.map(str::to_string))
        .ok_or_else(|| ProviderError::malformed("the task has no usable id"))?;
    let raw_status = parse::text(v, "status").unwrap_or_default();
    let kind = match parse::text_any(v, &["task_type", "type", "action"]) {
        Some(word) => kind_of(&word, v),
        None => kind_hint
            .cloned()
            .unwrap_or(TaskKind::Other { raw: String::new() }),
    };
    let mut text_results = parse::text_list(v, "content");
    if let Some(seed) = parse::text(v, "seed") {
        text_results.push(seed);
    }
    let mut task = Task {
        id,
        provider: ProviderKind::Journey,
        kind,
        parent_id: parse::text_any(v, &["parent_task_id", "parent_id"])
            .filter(|p| validate::is_safe_task_id(p)),
        status: status::journey_status(&raw_status),
        raw_status: parse::truncate(raw_status, 64),
        progress: parse::progress(v, "percentage").or_else(|| parse::progress(v, "progress")),
        prompt: parse::text(v, "prompt"),
        model: parse::text(v, "model"),
        grid_url: parse::url_any(v, &["original_image_url", "grid_url"]),
        image_urls: parse::url_list(v, "image_urls"),
        image_url: parse::url(v, "image_url"),
        video_urls: parse::url_list(v, "video_urls"),
        text_results,
        full_content: parse::text(v, "full_content"),
        error: parse::task_error(v, "error"),
        created_at: parse::timestamp(v, "created_at"),
        actions: Vec::new(),
        raw: v.clone(),
        recheck_until: None,
        finished_late: false,
        sent: None,
    };
    task.actions = derived_actions(&task);
    Ok(task)
}

fn derived_actions(task: &Task) -> Vec<crate::model::Action> {
    journey_actions(task)
        .into_iter()
        .map(JourneyAction::to_action)
        .collect()
}

/// `task_type` -> kind, reading `index`, `type` and `zoom_ratio` where the word
/// alone is not enough (`upscale-1x`, `variations`, `upscale-alt`, `outpaint`).
fn kind_of(word: &str, v: &Value) -> TaskKind {
    let w = word.trim().to_ascii_lowercase();
    let index = v.get("index");
    match w.as_str() {
        "upscale-1x" | "upscale_1x" | "upscale" => TaskKind::Upscale {
            index: index
                .and_then(parse::small_int)
                .filter(|n| (1..=4).contains(n))
                .unwrap_or(0),
        },
        "variations" | "variation" => match index.and_then(Value::as_str).map(str::trim) {
            Some("strong") => TaskKind::VaryStrong,
            Some("subtle") => TaskKind::VarySubtle,
            // The bare endpoint name without an index: a variation of some quadrant.
            _ => TaskKind::Variation {
                index: index
                    .and_then(parse::small_int)
                    .filter(|n| (1..=4).contains(n))
                    .unwrap_or(0),
            },
        },
        "upscale-alt" => match parse::text(v, "type").as_deref() {
            Some("subtle") => TaskKind::UpscaleSubtle,
            Some("creative") => TaskKind::UpscaleCreative,
            _ => TaskKind::Other { raw: w },
        },
        "upscale-2x-4x" => match parse::text(v, "type").as_deref() {
            Some("2x") => TaskKind::Upscale2x,
            Some("4x") => TaskKind::Upscale4x,
            _ => TaskKind::Other { raw: w },
        },
        "outpaint" | "zoom-out" | "zoom" => {
            let ratio = v
                .get("zoom_ratio")
                .and_then(|r| match r {
                    Value::Number(n) => n.as_f64().map(|f| f.to_string()),
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .and_then(|t| ZoomFactor::from_token(&t));
            let custom = v
                .get("zoom_ratio")
                .and_then(|r| match r {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) => s.trim().parse::<f64>().ok(),
                    _ => None,
                })
                .is_some_and(|r| r > 1.0 && r <= 2.0);
            match ratio {
                Some(factor) => TaskKind::ZoomOut { factor },
                None if custom => TaskKind::CustomZoom,
                None => TaskKind::Other { raw: w },
            }
        }
        _ => action::kind_from_word(word),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(1240), "1,240");
        assert_eq!(group_thousands(12000), "12,000");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
        assert_eq!(group_thousands(-1240), "-1,240");
        assert_eq!(
            account_summary(&Account {
                email: None,
                credits: Some(1240),
                total_images: None,
                plan: Some("starter".into())
            }),
            "Valid, 1,240 credits (starter plan)"
        );
    }
}

#[cfg(test)]
mod parse_tests {
    use super::*;
    use crate::model::{ActionGroup, TaskStatus};

    fn grid_json() -> Value {
        json!({
            "task_id": "7d0c5c9e-0000-4000-8000-000000000001",
            "task_type": "imagine",
            "model": "midjourney",
            "status": "finished",
            "percentage": "100",
            "original_image_url": "https://cdn.journey.test/grid.png",
            "image_urls": [
                "https://cdn.journey.test/1.png", "https://cdn.journey.test/2.png",
                "https://cdn.journey.test/3.png", "https://cdn.journey.test/4.png"
            ]
        })
    }

    #[test]
    fn finished_grid() {
        let t = parse_task(&grid_json(), None).unwrap();
        assert_eq!(t.provider, ProviderKind::Journey);
        assert_eq!(t.kind, TaskKind::Imagine);
        assert_eq!(t.status, TaskStatus::Succeeded);
        assert_eq!(t.progress, Some(100));
        assert_eq!(
            t.grid_url.as_deref(),
            Some("https://cdn.journey.test/grid.png")
        );
        assert_eq!(t.image_urls.len(), 4);
        let ids: Vec<&str> = t.actions.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "upscale:1",
                "upscale:2",
                "upscale:3",
                "upscale:4",
                "variation:1",
                "variation:2",
                "variation:3",
                "variation:4",
                "reroll",
                "seed"
            ]
        );
        assert_eq!(t.actions[0].label, "U1");
        assert_eq!(t.actions[0].group, ActionGroup::Upscale);
        assert_eq!(t.actions[8].label, "Reroll");
    }

    #[test]
    fn lifecycle_words_and_progress() {
        for (st, want) in [
            ("staged", TaskStatus::Queued),
            ("pending", TaskStatus::Queued),
            ("starting", TaskStatus::Running),
            ("processing", TaskStatus::Running),
            ("finished", TaskStatus::Succeeded),
            ("failed", TaskStatus::Failed),
            ("weird", TaskStatus::Running),
        ] {
            let t = parse_task(
                &json!({"task_id": "x", "task_type": "imagine", "status": st}),
                None,
            )
            .unwrap();
            assert_eq!(t.status, want, "{st}");
            assert_eq!(t.raw_status, st);
            assert_eq!(t.progress, None);
        }
        for (p, want) in [
            (json!("45"), Some(45)),
            (json!(45), Some(45)),
            (json!(45.0), Some(45)),
            (json!(null), None),
            (json!("abc"), None),
        ] {
            let t = parse_task(
                &json!({"task_id": "x", "status": "processing", "percentage": p}),
                None,
            )
            .unwrap();
            assert_eq!(t.progress, want);
        }
    }

    #[test]
    fn single_image_kinds() {
        let up = parse_task(
            &json!({"task_id": "u", "task_type": "upscale-1x", "status": "finished",
            "image_url": "https://cdn.journey.test/u.png"}),
            None,
        )
        .unwrap();
        assert_eq!(up.kind, TaskKind::Upscale { index: 0 });
        assert_eq!(
            up.image_url.as_deref(),
            Some("https://cdn.journey.test/u.png")
        );
        assert_eq!(up.actions.len(), 16);
        assert!(up.actions.iter().any(|a| a.id == "zoom-out:1.5"));
        assert!(up
            .actions
            .iter()
            .any(|a| a.id == "pan:left" && a.label == "Pan left"));

        let alias = parse_task(
            &json!({"task_id": "u", "task_type": "upscale#1", "status": "finished"}),
            None,
        )
        .unwrap();
        assert!(alias.kind.is_single_upscale());

        for (w, k) in [
            ("upscale-subtle", TaskKind::UpscaleSubtle),
            ("upscale-creative", TaskKind::UpscaleCreative),
            ("upscale-2x", TaskKind::Upscale2x),
            ("upscale-4x", TaskKind::Upscale4x),
            ("variation-2", TaskKind::Variation { index: 2 }),
            ("variation-strong", TaskKind::VaryStrong),
            ("variation-subtle", TaskKind::VarySubtle),
            ("reroll", TaskKind::Reroll),
            (
                "pan-left",
                TaskKind::Pan {
                    direction: PanDirection::Left,
                },
            ),
            (
                "pan-down",
                TaskKind::Pan {
                    direction: PanDirection::Down,
                },
            ),
            ("blend", TaskKind::Blend),
            ("describe", TaskKind::Describe),
            ("shorten", TaskKind::Shorten),
            ("faceswap", TaskKind::FaceSwap),
            ("imagine-video", TaskKind::Video),
            ("seed", TaskKind::Seed),
            (
                "mystery",
                TaskKind::Other {
                    raw: "mystery".into(),
                },
            ),
        ] {
            let t = parse_task(&json!({"task_id": "x", "task_type": w}), None).unwrap();
            assert_eq!(t.kind, k, "{w}");
        }
        let sub = parse_task(
            &json!({"task_id": "x", "task_type": "upscale-subtle", "status": "finished"}),
            None,
        )
        .unwrap();
        assert!(
            sub.actions.is_empty(),
            "an upscale-alt result offers no follow-ups"
        );
        let zoom = parse_task(
            &json!({"task_id": "x", "task_type": "outpaint", "zoom_ratio": 1.5}),
            None,
        )
        .unwrap();
        assert_eq!(
            zoom.kind,
            TaskKind::ZoomOut {
                factor: ZoomFactor::X1_5
            }
        );
        // Without a ratio the kind stays "outpaint"; a zoom-out grid offers no U/V
        // (JourneyAPI's /upscale-1x and /variations do not take it as a parent).
        let zoom = parse_task(
            &json!({"task_id": "x", "task_type": "outpaint", "status": "finished",
            "original_image_url": "https://cdn.journey.test/g.png"}),
            None,
        )
        .unwrap();
        assert_eq!(
            zoom.kind,
            TaskKind::Other {
                raw: "outpaint".into()
            }
        );
        let ids: Vec<&str> = zoom.actions.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["seed"]);
        // The bare endpoint name "variations" is a variation grid.
        let vars = parse_task(
            &json!({"task_id": "x", "task_type": "variations", "status": "finished",
            "original_image_url": "https://cdn.journey.test/g.png"}),
            None,
        )
        .unwrap();
        assert_eq!(vars.kind, TaskKind::Variation { index: 0 });
        assert_eq!(vars.actions.len(), 9);
    }

    #[test]
    fn text_video_and_failures() {
        let d = parse_task(
            &json!({"task_id": "d", "task_type": "describe", "status": "finished",
            "content": ["one", "two", "three", "four"]}),
            None,
        )
        .unwrap();
        assert_eq!(d.text_results.len(), 4);
        let v = parse_task(
            &json!({"task_id": "v", "task_type": "imagine-video", "status": "finished",
            "video_urls": ["https://cdn.journey.test/a.mp4"]}),
            None,
        )
        .unwrap();
        assert_eq!(v.video_urls.len(), 1);
        let s = parse_task(
            &json!({"task_id": "s", "task_type": "seed", "status": "finished", "seed": "12345"}),
            None,
        )
        .unwrap();
        assert_eq!(s.text_results, vec!["12345"]);
        let f = parse_task(
            &json!({"task_id": "f", "task_type": "imagine", "status": "failed",
            "error": "Job failed: banned prompt"}),
            None,
        )
        .unwrap();
        assert_eq!(f.status, TaskStatus::Failed);
        assert_eq!(f.error.as_deref(), Some("Job failed: banned prompt"));
        assert!(f.actions.is_empty());
    }

    #[test]
    fn creation_mode_results() {
        // Shapes as the contract's table gives them (provider-contracts.md section 2).
        let shorten = parse_task(
            &json!({"task_id": "s1", "task_type": "shorten", "model": "midjourney",
                "status": "finished", "percentage": "100",
                "content": ["a red fox", "red fox, snow", "fox in snow, soft light"],
                "full_content": "**Analysis** the words \"very\" and \"highly\" carry no weight."}),
            None,
        )
        .unwrap();
        assert_eq!(shorten.kind, TaskKind::Shorten);
        assert_eq!(shorten.text_results.len(), 3);
        assert!(shorten
            .full_content
            .as_deref()
            .unwrap()
            .starts_with("**Analysis**"));
        assert!(shorten.actions.is_empty());
        let describe = parse_task(
            &json!({"task_id": "d1", "task_type": "describe", "status": "finished",
                "content": ["1. a fox", "2. a dog", "3. a cat", "4. a cow"]}),
            None,
        )
        .unwrap();
        assert_eq!(describe.text_results[3], "4. a cow");
        assert_eq!(describe.full_content, None);
        // A seed sent as a number reads as text.
        let seed = parse_task(
            &json!({"task_id": "x1", "task_type": "seed", "status": "finished", "seed": 3_141_592_653u64}),
            None,
        )
        .unwrap();
        assert_eq!(seed.text_results, vec!["3141592653"]);
        assert!(seed.actions.is_empty());
        let video = parse_task(
            &json!({"task_id": "v1", "task_type": "imagine-video", "status": "finished",
                "video_urls": ["https://cdn.journey.test/1.mp4", "https://cdn.journey.test/2.mp4",
                               "javascript:alert(1)", "https://cdn.journey.test/4.mp4"]}),
            None,
        )
        .unwrap();
        assert_eq!(video.kind, TaskKind::Video);
        assert_eq!(video.video_urls.len(), 3, "non-web links are dropped");
        for (word, kind) in [
            ("inpaint", TaskKind::VaryRegion),
            ("blend", TaskKind::Blend),
            ("upscale-2x", TaskKind::Upscale2x),
        ] {
            let t = parse_task(&json!({"task_id": "k", "task_type": word}), None).unwrap();
            assert_eq!(t.kind, kind, "{word}");
        }
        // A custom outpaint ratio is not one of the fixed factors.
        let custom = parse_task(
            &json!({"task_id": "c", "task_type": "outpaint", "zoom_ratio": 1.8}),
            None,
        )
        .unwrap();
        assert_eq!(custom.kind, TaskKind::CustomZoom);
    }

    #[test]
    fn create_answers() {
        let s = submission(&json!({"task_id": "abc"}), TaskKind::Imagine, None).unwrap();
        assert_eq!(s.task_id, "abc");
        assert!(s.finished.is_none());
        let sync = submission(
            &json!({"task_id": "f1", "status": "finished", "image_url": "https://cdn.journey.test/f.png"}),
            TaskKind::Imagine,
            None,
        )
        .unwrap();
        let t = sync.finished.unwrap();
        assert_eq!(t.status, TaskStatus::Succeeded);
        assert_eq!(t.kind, TaskKind::Imagine);
        assert_eq!(
            t.image_url.as_deref(),
            Some("https://cdn.journey.test/f.png")
        );
        assert!(submission(&json!({}), TaskKind::Imagine, None).is_err());
        assert!(submission(&json!({"task_id": "a b"}), TaskKind::Imagine, None).is_err());
    }

    #[test]
    fn non_midjourney_offers_no_buttons() {
        let t = parse_task(
            &json!({"task_id": "x", "task_type": "imagine", "model": "flux-pro",
            "status": "finished", "image_url": "https://cdn.journey.test/f.png"}),
            None,
        )
        .unwrap();
        assert!(t.actions.is_empty());
    }

    #[test]
    fn debug_redacts_key() {
        let c =
            JourneyClient::new("http://127.0.0.1:1/journey/api/v1", "japi_live_topsecret").unwrap();
        assert!(!format!("{c:?}").contains("topsecret"));
    }
}
