//! The LinkrAPI client (`Authorization: Bearer`): imagine, action (buttons by
//! `custom_id` or symbolic name), fetch, and a key check; plus the tolerant
//! parser for its task JSON.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::{json, Map, Value};

use crate::action::{self, symbolic_kind};
use crate::error::{ProviderError, Result};
use crate::http::{AuthScheme, HttpCore};
use crate::model::{
    ActionMode, ImagineRequest, KeyCheck, ProviderKind, Submission, Task, TaskKind,
};
use crate::{parse, status, validate};

/// A LinkrAPI client. Cheap to clone; `Debug` never shows the key.
#[derive(Clone, Debug)]
pub struct LinkrClient {
    http: HttpCore,
}

impl LinkrClient {
    /// A client for `base_url` (e.g. `https://linkrapi.com/api`) with this key.
    /// Checks both; sends nothing. The key stays a [`SecretString`] (zeroized on drop) up to
    /// the request header; a `&str` is accepted too (tests, the demo's fixed key).
    pub fn new(base_url: &str, api_key: impl Into<SecretString>) -> Result<Self> {
        Ok(LinkrClient {
            http: HttpCore::new(
                ProviderKind::Linkr,
                base_url,
                api_key.into(),
                AuthScheme::Bearer,
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

    /// Starts a new grid. The aspect ratio, if given, is added as `--ar` unless the
    /// prompt already has one; the model must be Midjourney.
    pub async fn imagine(&self, req: &ImagineRequest) -> Result<Submission> {
        validate::imagine(ProviderKind::Linkr, req)?;
        let mut prompt = req.prompt.trim().to_string();
        if let Some(ar) = req.aspect_ratio.as_deref().map(str::trim) {
            let has_ar = prompt.contains("--ar ") || prompt.contains("--aspect ");
            if !has_ar && ar != "1:1" {
                prompt = format!("{prompt} --ar {ar}");
            }
        }
        validate::prompt(&prompt)?;
        let mut body = Map::new();
        body.insert("prompt".into(), Value::String(prompt));
        if let Some(r) = &req.reference_image {
            body.insert(
                "reference_image".into(),
                Value::String(r.trim().to_string()),
            );
        }
        let v = self
            .http
            .post_json("v1/imagine", &Value::Object(body))
            .await
            .map_err(|e| e.for_new_task(ProviderKind::Linkr))?;
        Ok(Submission {
            task_id: submitted_id(&v)?,
            kind: TaskKind::Imagine,
            parent_id: None,
            finished: None,
        })
    }

    /// Presses one of `parent`'s buttons: `action_id` is a raw `custom_id` from
    /// `parent.actions`, or a symbolic name (`upsample2`, `variation3`, `reroll`).
    /// The parent must have succeeded and offer that button; buttons marked
    /// [`crate::Action::unavailable`] (Custom Zoom, Vary (Region): they need a prompt or a mask
    /// LinkrAPI's action call cannot take), and links, are refused with that reason. Nothing is
    /// sent on a refusal.
    pub async fn action(&self, parent: &Task, action_id: &str) -> Result<Submission> {
        validate::parent(ProviderKind::Linkr, parent)?;
        let button = find_button(parent, action_id)?;
        if let Some(reason) = &button.unavailable {
            return Err(ProviderError::invalid("action", reason.clone()));
        }
        match button.mode {
            ActionMode::Send => {}
            ActionMode::NeedsPrompt => {
                return Err(ProviderError::invalid(
                    "action",
                    format!("\"{}\" needs a prompt, which LinkrAPI cannot take through its API. Use Midjourney directly for it.", button.label),
                ))
            }
            ActionMode::NeedsMask => {
                return Err(ProviderError::invalid(
                    "action",
                    format!("\"{}\" needs a painted mask, which LinkrAPI cannot take through its API. Use Midjourney directly for it.", button.label),
                ))
            }
            ActionMode::Link => {
                return Err(ProviderError::invalid(
                    "action",
                    format!("\"{}\" is a link; open it in a browser instead.", button.label),
                ))
            }
        }
        let kind = button
            .kind
            .clone()
            .or_else(|| action::classify_custom_id(&button.id).kind)
            .unwrap_or(TaskKind::Other {
                raw: "action".into(),
            });
        let body = json!({ "task_id": parent.id, "action": button.id });
        let v = self.http.post_json("v1/action", &body).await?;
        Ok(Submission {
            task_id: submitted_id(&v)?,
            kind,
            parent_id: Some(parent.id.clone()),
            finished: None,
        })
    }

    /// Reads one task.
    pub async fn fetch(&self, task_id: &str) -> Result<Task> {
        validate::task_id(task_id)?;
        let v = self.http.get_json(&format!("v1/fetch/{task_id}")).await?;
        parse_task(&v, Some(task_id))
    }

    /// Checks the key by fetching a random task id: LinkrAPI's own "task not found" 404 means
    /// the key works, 401/403 that it does not. A 404 that is not about the task (a wrong base
    /// URL answering "Not Found") says there is no LinkrAPI service at that address.
    pub async fn check_key(&self) -> Result<KeyCheck> {
        let probe = uuid::Uuid::new_v4().to_string();
        match self.http.get_json(&format!("v1/fetch/{probe}")).await {
            Err(e @ ProviderError::NotFound { .. }) if !is_task_not_found(&e) => {
                Err(e.for_new_task(ProviderKind::Linkr))
            }
            Ok(_) | Err(ProviderError::NotFound { .. }) => Ok(KeyCheck {
                valid: true,
                message: "Valid: LinkrAPI accepted the key.".into(),
            }),
            Err(
                e @ (ProviderError::Unauthorized
                | ProviderError::Suspended { .. }
                | ProviderError::HoldSuspended { .. }),
            ) => Ok(KeyCheck {
                valid: false,
                message: format!("Key rejected: {e}"),
            }),
            Err(e) => Err(e),
        }
    }
}

/// Whether a 404 is LinkrAPI's answer about a task ("Task not found or does not belong to
/// your hold") rather than a web server's "Not Found" for an unknown path.
fn is_task_not_found(e: &ProviderError) -> bool {
    match e {
        ProviderError::NotFound { what } => {
            let what = what.to_ascii_lowercase();
            what.contains("task") && what.contains("not found")
        }
        _ => false,
    }
}

/// Finds the button `action_id` names on `parent`: first by exact id, then as a
/// symbolic name matched against the buttons' kinds.
fn find_button<'a>(parent: &'a Task, action_id: &str) -> Result<&'a crate::model::Action> {
    let id = action_id.trim();
    if id.is_empty() {
        return Err(ProviderError::invalid("action", "No button was chosen."));
    }
    if let Some(a) = parent.find_action(id) {
        return Ok(a);
    }
    if let Some(kind) = symbolic_kind(id) {
        if let Some(a) = parent
            .actions
            .iter()
            .find(|a| a.kind.as_ref() == Some(&kind))
        {
            return Ok(a);
        }
    }
    Err(ProviderError::invalid(
        "action",
        format!(
            "This result has no \"{}\" button. Pick one of the buttons shown under it.",
            parse::truncate(id.to_string(), 60)
        ),
    ))
}

/// The new task id from a submit answer (`{"status":"SUCCESS","task_id":...}`).
fn submitted_id(v: &Value) -> Result<String> {
    let id = parse::text_any(v, &["task_id", "taskId", "id"]);
    match id {
        Some(id) if validate::is_safe_task_id(&id) => Ok(id),
        Some(_) => Err(ProviderError::malformed(
            "the new task id has unexpected characters",
        )),
        None => {
            let st = parse::text(v, "status").unwrap_or_default();
            let msg = parse::text_any(v, &["message", "detail", "error"]).unwrap_or_default();
            if !st.is_empty() && !st.eq_ignore_ascii_case("success") {
                Err(ProviderError::Rejected {
                    status: 200,
                    detail: parse::truncate(format!("{st}: {msg}"), 300),
                })
            } else {
                Err(ProviderError::malformed("the answer has no task id"))
            }
        }
    }
}

/// Parses a LinkrAPI task (a `GET /v1/fetch/{id}` answer). `fallback_id` is used
/// when the body has no `task_id`. Unknown fields are ignored; never panics.
pub fn parse_task(v: &Value, fallback_id: Option<&str>) -> Result<Task> {
    if !v.is_object() {
        return Err(ProviderError::malformed("a task should be a JSON object"));
    }
    let id = parse::text_any(v, &["task_id", "taskId", "id"])
        .filter(|id| validate::is_safe_task_id(id))
        .or_else(|| fallback_id.map(str::to_string))
        .ok_or_else(|| ProviderError::malformed("the task has no usable id"))?;
    let raw_status = parse::text(v, "status").unwrap_or_default();
    let components = v.get("components").cloned().unwrap_or(Value::Null);
    let actions = action::linkr_actions(&components);
    let kind = match parse::text(v, "action") {
        Some(word) => action::kind_from_word(&word),
        None => TaskKind::Other { raw: String::new() },
    };
    let images = parse::url_list(v, "images");
    let main_url = parse::url(v, "image_url");
    let looks_like_grid = !images.is_empty()
        || parse::url(v, "grid_url").is_some()
        || actions
            .iter()
            .any(|a| a.group != crate::model::ActionGroup::Other);
    let is_grid = kind.produces_grid() || (looks_like_grid && !kind.is_single_upscale());
    let (grid_url, image_urls, image_url) = if is_grid {
        (parse::url(v, "grid_url").or(main_url), images, None)
    } else {
        (
            None,
            Vec::new(),
            main_url.or_else(|| parse::url(v, "cdn_url")),
        )
    };
    Ok(Task {
        id,
        provider: ProviderKind::Linkr,
        kind,
        parent_id: parse::text_any(v, &["parent_task_id", "original_task_id", "parent_id"])
            .filter(|p| validate::is_safe_task_id(p)),
        status: status::linkr_status(&raw_status),
        raw_status: parse::truncate(raw_status, 64),
        progress: parse::progress(v, "progress"),
        prompt: parse::text(v, "prompt"),
        model: parse::text(v, "model"),
        grid_url,
        image_urls,
        image_url,
        video_urls: parse::url_list(v, "video_urls"),
        text_results: Vec::new(),
        full_content: None,
        error: parse::task_error(v, "error"),
        created_at: parse::timestamp(v, "created_at"),
        actions,
        raw: v.clone(),
        recheck_until: None,
        finished_late: false,
        sent: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActionGroup, PanDirection, TaskStatus, ZoomFactor};

    const H: &str = "5f1c2d3e-aaaa-bbbb-cccc-0123456789ab";

    fn grid_json() -> Value {
        json!({
            "task_id": "0b9c7e1a-1234-4bcd-9def-0123456789ab",
            "action": "imagine",
            "status": "completed",
            "progress": 100,
            "prompt": "a lighthouse at dusk --ar 16:9",
            "image_url": "https://cdn.linkr.test/grid.png",
            "grid_url": "https://cdn.linkr.test/grid.png",
            "cdn_url": "https://cdn.linkr.test/grid.png",
            "images": [
                "https://cdn.linkr.test/0.png", "https://cdn.linkr.test/1.png",
                "https://cdn.linkr.test/2.png", "https://cdn.linkr.test/3.png"
            ],
            "message_id": "1180000000000000000",
            "components": [
                {"custom_id": format!("MJ::JOB::upsample::1::{H}"), "label": "U1", "style": 2},
                {"custom_id": format!("MJ::JOB::upsample::2::{H}"), "label": "U2", "style": 2},
                {"custom_id": format!("MJ::JOB::upsample::3::{H}"), "label": "U3", "style": 2},
                {"custom_id": format!("MJ::JOB::upsample::4::{H}"), "label": "U4", "style": 2},
                {"custom_id": format!("MJ::JOB::reroll::0::{H}::SOLO"), "label": "", "style": 2, "emoji": "🔄"},
                {"custom_id": format!("MJ::JOB::variation::1::{H}"), "label": "V1", "style": 2},
                {"custom_id": format!("MJ::JOB::variation::2::{H}"), "label": "V2", "style": 2},
                {"custom_id": format!("MJ::JOB::variation::3::{H}"), "label": "V3", "style": 2},
                {"custom_id": format!("MJ::JOB::variation::4::{H}"), "label": "V4", "style": 2}
            ],
            "error": null,
            "created_at": "2026-11-23T10:00:00"
        })
    }

    #[test]
    fn completed_grid() {
        let t = parse_task(&grid_json(), None).unwrap();
        assert_eq!(t.id, "0b9c7e1a-1234-4bcd-9def-0123456789ab");
        assert_eq!(t.provider, ProviderKind::Linkr);
        assert_eq!(t.kind, TaskKind::Imagine);
        assert_eq!(t.status, TaskStatus::Succeeded);
        assert_eq!(t.raw_status, "completed");
        assert_eq!(t.progress, Some(100));
        assert_eq!(
            t.grid_url.as_deref(),
            Some("https://cdn.linkr.test/grid.png")
        );
        assert_eq!(t.image_urls.len(), 4);
        assert_eq!(t.image_url, None);
        assert_eq!(t.actions.len(), 9);
        assert_eq!(t.actions[4].label, "Reroll");
        assert_eq!(t.actions[4].kind, Some(TaskKind::Reroll));
        assert_eq!(t.actions[5].group, ActionGroup::Variation);
        assert!(t.created_at.is_some());
        assert_eq!(t.raw, grid_json());
    }

    #[test]
    fn grid_without_images_or_grid_url() {
        let mut v = grid_json();
        let o = v.as_object_mut().unwrap();
        o.remove("images");
        o.remove("grid_url");
        let t = parse_task(&v, None).unwrap();
        assert_eq!(
            t.grid_url.as_deref(),
            Some("https://cdn.linkr.test/grid.png")
        );
        assert!(t.image_urls.is_empty(), "the UI splits the grid");
    }

    #[test]
    fn upscale_single() {
        let v = json!({
            "task_id": "up-1", "action": "upsample2", "status": "completed", "progress": "100",
            "prompt": "x", "image_url": "https://cdn.linkr.test/u2.png",
            "components": [
                {"custom_id": format!("MJ::JOB::upsample_v7_2x_subtle::1::{H}::SOLO"), "label": "Upscale (Subtle)", "style": 2},
                {"custom_id": format!("MJ::JOB::upsample_v7_2x_creative::1::{H}::SOLO"), "label": "Upscale (Creative)", "style": 2},
                {"custom_id": format!("MJ::JOB::low_variation::1::{H}::SOLO"), "label": "Vary (Subtle)", "style": 2},
                {"custom_id": format!("MJ::JOB::high_variation::1::{H}::SOLO"), "label": "Vary (Strong)", "style": 2},
                {"custom_id": format!("MJ::Inpaint::1::{H}::SOLO"), "label": "Vary (Region)", "style": 2},
                {"custom_id": format!("MJ::Outpaint::50::1::{H}::SOLO"), "label": "Zoom Out 2x", "style": 2},
                {"custom_id": format!("MJ::Outpaint::75::1::{H}::SOLO"), "label": "Zoom Out 1.5x", "style": 2},
                {"custom_id": format!("MJ::CustomZoom::{H}"), "label": "Custom Zoom", "style": 2},
                {"custom_id": format!("MJ::JOB::pan_left::1::{H}::SOLO"), "label": "", "emoji": {"name": "⬅️"}, "style": 2},
                {"custom_id": format!("MJ::JOB::pan_right::1::{H}::SOLO"), "label": "➡️", "style": 2},
                {"custom_id": format!("MJ::JOB::pan_up::1::{H}::SOLO"), "style": 2},
                {"custom_id": format!("MJ::JOB::pan_down::1::{H}::SOLO"), "label": null, "style": 2},
                {"custom_id": format!("MJ::BOOKMARK::{H}"), "label": "", "emoji": "❤️", "style": 2},
                {"label": "Web", "style": 5, "url": "https://www.midjourney.com/jobs/abc"}
            ]
        });
        let t = parse_task(&v, None).unwrap();
        assert_eq!(t.kind, TaskKind::Upscale { index: 2 });
        assert_eq!(
            t.image_url.as_deref(),
            Some("https://cdn.linkr.test/u2.png")
        );
        assert_eq!(t.grid_url, None);
        assert!(t.image_urls.is_empty());
        assert_eq!(t.progress, Some(100));
        let labels: Vec<&str> = t.actions.iter().map(|a| a.label.as_str()).collect();
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
                "Pan left",
                "Pan right",
                "Pan up",
                "Pan down",
                "Web"
            ]
        );
        let by_label = |l: &str| t.actions.iter().find(|a| a.label == l).unwrap();
        assert_eq!(by_label("Vary (Region)").mode, ActionMode::NeedsMask);
        assert_eq!(by_label("Custom Zoom").mode, ActionMode::NeedsPrompt);
        assert_eq!(by_label("Web").mode, ActionMode::Link);
        assert_eq!(
            by_label("Zoom Out 2x").kind,
            Some(TaskKind::ZoomOut {
                factor: ZoomFactor::X2
            })
        );
        assert_eq!(
            by_label("Pan up").kind,
            Some(TaskKind::Pan {
                direction: PanDirection::Up
            })
        );
        assert_eq!(by_label("Pan left").emoji.as_deref(), Some("⬅️"));
    }

    #[test]
    fn running_and_odd_variants() {
        for (p, want) in [
            (json!("45"), Some(45)),
            (json!(45), Some(45)),
            (json!(45.0), Some(45)),
            (json!(null), None),
            (json!("abc"), None),
        ] {
            let v = json!({"task_id": "t1", "action": "imagine", "status": "processing",
                           "progress": p, "image_url": null, "components": null});
            let t = parse_task(&v, None).unwrap();
            assert_eq!(t.progress, want);
            assert_eq!(t.status, TaskStatus::Running);
            assert!(t.actions.is_empty());
            assert_eq!(t.grid_url, None);
        }
        let absent = parse_task(&json!({"task_id": "t1", "status": "queued"}), None).unwrap();
        assert_eq!(absent.progress, None);
        assert_eq!(absent.status, TaskStatus::Queued);

        let weird = parse_task(
            &json!({"task_id": "t1", "status": "weird", "new_field": [1, 2]}),
            None,
        )
        .unwrap();
        assert_eq!(weird.status, TaskStatus::Running);
        assert_eq!(weird.raw_status, "weird");

        for (ts, some) in [
            ("2026-11-23T10:00:00", true),
            ("2026-11-23T10:00:00Z", true),
            ("2026-11-23T10:00:00+02:00", true),
            ("yesterday", false),
        ] {
            let t = parse_task(&json!({"task_id": "t", "created_at": ts}), None).unwrap();
            assert_eq!(t.created_at.is_some(), some, "{ts}");
        }
    }

    #[test]
    fn failures_and_timeouts() {
        let failed = parse_task(
            &json!({
                "task_id": "f1", "action": "imagine", "status": "failed",
                "error": "{\"type\":\"subscription_notice\",\"text\":\"Thank you for subscribing\"}"
            }),
            None,
        )
        .unwrap();
        assert_eq!(failed.status, TaskStatus::Failed);
        assert_eq!(
            failed.error.as_deref(),
            Some(parse::SUBSCRIPTION_NOTICE_SENTENCE),
            "the notice reads as a sentence, not JSON"
        );
        assert!(failed.raw["error"].as_str().unwrap().contains("Thank you"));
        let embeds = parse_task(
            &json!({
                "task_id": "f3", "action": "imagine", "status": "failed",
                "error": json!({"embeds": [{"title": "Thank you for subscribing to Midjourney"}]}).to_string()
            }),
            None,
        )
        .unwrap();
        assert_eq!(
            embeds.error.as_deref(),
            Some(parse::SUBSCRIPTION_NOTICE_SENTENCE)
        );
        let other = parse_task(
            &json!({"task_id": "f4", "status": "failed", "error": "Job failed"}),
            None,
        )
        .unwrap();
        assert_eq!(other.error.as_deref(), Some("Job failed"));
        let to = parse_task(&json!({"task_id": "f2", "status": "timeout"}), None).unwrap();
        assert_eq!(to.status, TaskStatus::TimedOut);
    }

    #[test]
    fn kinds_from_action_field() {
        let k = |w: &str| {
            parse_task(&json!({"task_id": "t", "action": w}), None)
                .unwrap()
                .kind
        };
        assert_eq!(k("variation1"), TaskKind::Variation { index: 1 });
        assert_eq!(k("reroll"), TaskKind::Reroll);
        assert_eq!(k("high_variation"), TaskKind::VaryStrong);
        assert_eq!(
            k("pan_left"),
            TaskKind::Pan {
                direction: PanDirection::Left
            }
        );
        assert_eq!(
            k("outpaint_50"),
            TaskKind::ZoomOut {
                factor: ZoomFactor::X2
            }
        );
        assert_eq!(k("upscale_subtle"), TaskKind::UpscaleSubtle);
        assert_eq!(
            k("sorcery"),
            TaskKind::Other {
                raw: "sorcery".into()
            }
        );
    }

    #[test]
    fn ids_and_shapes() {
        assert!(parse_task(&json!([1, 2]), None).is_err());
        assert!(parse_task(&json!({}), None).is_err());
        assert_eq!(parse_task(&json!({}), Some("abc")).unwrap().id, "abc");
        // A hostile id in the body is not trusted.
        assert_eq!(
            parse_task(&json!({"task_id": "../x"}), Some("abc"))
                .unwrap()
                .id,
            "abc"
        );
        let hostile = parse_task(
            &json!({"task_id": "t", "action": "imagine", "status": "completed",
            "image_url": "javascript:alert(1)", "images": ["file:///etc/passwd"]}),
            None,
        )
        .unwrap();
        assert_eq!(hostile.grid_url, None);
        assert!(hostile.image_urls.is_empty());
    }

    #[test]
    fn submit_answers() {
        assert_eq!(
            submitted_id(&json!({"status": "SUCCESS", "task_id": "abc-1", "message": "Task submitted successfully"})).unwrap(),
            "abc-1"
        );
        assert_eq!(
            submitted_id(&json!({"status": "SUCCESS"}))
                .unwrap_err()
                .code(),
            "malformed"
        );
        assert_eq!(
            submitted_id(&json!({"status": "FAILED", "message": "nope"}))
                .unwrap_err()
                .code(),
            "rejected"
        );
        assert_eq!(
            submitted_id(&json!({"task_id": "a/b"})).unwrap_err().code(),
            "malformed"
        );
    }

    #[test]
    fn buttons_by_symbolic_name() {
        let mut t = parse_task(&grid_json(), None).unwrap();
        assert_eq!(
            find_button(&t, "upsample2").unwrap().id,
            format!("MJ::JOB::upsample::2::{H}")
        );
        assert_eq!(find_button(&t, "variation3").unwrap().index, Some(3));
        assert_eq!(
            find_button(&t, "reroll").unwrap().kind,
            Some(TaskKind::Reroll)
        );
        assert_eq!(find_button(&t, "upscale:4").unwrap().index, Some(4));
        assert!(find_button(&t, "U1").is_err(), "labels are not ids");
        assert!(find_button(&t, "vary-strong").is_err());
        t.actions.clear();
        assert!(find_button(&t, "upsample2").is_err());
    }

    #[test]
    fn debug_redacts_key() {
        let c = LinkrClient::new("http://127.0.0.1:1/linkr/api", "lkr_supersecret").unwrap();
        let d = format!("{c:?}");
        assert!(!d.contains("supersecret"), "{d}");
        assert!(d.to_lowercase().contains("redacted"), "{d}");
    }
}
