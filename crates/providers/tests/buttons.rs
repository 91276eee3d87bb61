//! Buttons only where they can work, over real HTTP against the simulator: every button a
//! JourneyAPI result offers is pressed and its child finishes with the expected kind; a
//! refusal by JourneyAPI reads "does not offer ..."; LinkrAPI's Custom Zoom and Vary (Region)
//! are listed with a reason and never sent.

mod common;

use atelier_providers::{
    Action, ActionInput, ActionMode, ImagineRequest, ProviderClient, ProviderError, ProviderKind,
    Submission, Task, TaskKind, UpscaleSize,
};
use common::*;
use serde_json::{json, Value};

fn req(prompt: &str) -> ImagineRequest {
    ImagineRequest {
        prompt: prompt.to_string(),
        ..ImagineRequest::default()
    }
}

/// The `task_type` JourneyAPI reports for a child of this kind.
fn task_type(kind: &TaskKind) -> String {
    match kind {
        TaskKind::Upscale { .. } => "upscale-1x".into(),
        TaskKind::Variation { index } => format!("variation-{index}"),
        TaskKind::Reroll => "reroll".into(),
        TaskKind::UpscaleSubtle => "upscale-subtle".into(),
        TaskKind::UpscaleCreative => "upscale-creative".into(),
        TaskKind::VarySubtle => "variation-subtle".into(),
        TaskKind::VaryStrong => "variation-strong".into(),
        TaskKind::ZoomOut { .. } => "outpaint".into(),
        TaskKind::Pan { direction } => format!("pan-{}", direction.as_str()),
        TaskKind::VaryRegion => "inpaint".into(),
        TaskKind::CustomZoom => "outpaint".into(),
        TaskKind::Upscale2x => "upscale-2x".into(),
        TaskKind::Upscale4x => "upscale-4x".into(),
        TaskKind::Seed => "seed".into(),
        other => panic!("no JourneyAPI button makes {other:?}"),
    }
}

/// The labels a task's buttons show, in order.
fn labels(task: &Task) -> Vec<&str> {
    task.actions.iter().map(|a| a.label.as_str()).collect()
}

const GRID_BUTTONS: [&str; 9] = ["U1", "U2", "U3", "U4", "V1", "V2", "V3", "V4", "Seed"];
const UPSCALE_BUTTONS: [&str; 16] = [
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
    "Seed",
];

/// The input a button needs: a mask of the parent's size for Vary (Region), a ratio and a
/// prompt for Custom Zoom, nothing for the rest.
async fn input_for(parent: &Task, a: &Action) -> ActionInput {
    match a.kind {
        Some(TaskKind::VaryRegion) => ActionInput {
            prompt: Some("a small red boat".into()),
            mask: Some(mask_for(parent.image_url.as_deref().expect("an upscale")).await),
            ..ActionInput::default()
        },
        Some(TaskKind::CustomZoom) => ActionInput {
            prompt: Some("a wider view of the sea".into()),
            zoom_ratio: Some(1.25),
            ..ActionInput::default()
        },
        _ => ActionInput::default(),
    }
}

/// Presses every button `parent` offers (all sent before any is awaited), then waits for
/// each child and checks it finished as the kind the button promised.
async fn press_every_button(pc: &ProviderClient, parent: &Task) -> Vec<(Action, Task)> {
    let mut pressed: Vec<(Action, Submission)> = Vec::new();
    for a in &parent.actions {
        let want_mode = match a.kind {
            Some(TaskKind::VaryRegion) => ActionMode::NeedsMask,
            Some(TaskKind::CustomZoom) => ActionMode::NeedsPrompt,
            _ => ActionMode::Send,
        };
        assert_eq!(a.mode, want_mode, "{}", a.label);
        assert_eq!(a.unavailable, None, "{}", a.label);
        let input = input_for(parent, a).await;
        let sub = pc
            .action(parent, &a.id, &input)
            .await
            .unwrap_or_else(|e| panic!("{:?} {}: {e}", parent.kind, a.label));
        assert_eq!(Some(&sub.kind), a.kind.as_ref(), "{}", a.label);
        assert_eq!(sub.parent_id.as_deref(), Some(parent.id.as_str()));
        pressed.push((a.clone(), sub));
    }
    let mut out = Vec::new();
    for (a, sub) in pressed {
        let child = wait_ok(pc, &sub.task_id).await;
        let want = task_type(&sub.kind);
        assert_eq!(
            child.raw["task_type"], want,
            "{:?} -> {}: {child:?}",
            parent.kind, a.label
        );
        match &sub.kind {
            TaskKind::Upscale { .. } => assert!(child.kind.is_single_upscale()),
            // The fetch says "outpaint" without the ratio.
            TaskKind::ZoomOut { .. } | TaskKind::CustomZoom => assert_eq!(
                child.kind,
                TaskKind::Other {
                    raw: "outpaint".into()
                }
            ),
            kind => assert_eq!(&child.kind, kind, "{}", a.label),
        }
        // The results' shape (the PNGs themselves are checked in flows.rs; drawing ~400 of
        // them here would only slow the test down).
        if sub.kind == TaskKind::Seed {
            assert_eq!(child.text_results.len(), 1, "one seed: {child:?}");
            assert!(child.text_results[0].chars().all(|c| c.is_ascii_digit()));
            assert!(child.image_url.is_none() && child.grid_url.is_none());
        } else if sub.kind.produces_grid() {
            assert!(child.grid_url.is_some(), "{}: {child:?}", a.label);
            assert_eq!(child.image_urls.len(), 4, "{}", a.label);
            assert!(child.image_url.is_none());
        } else {
            assert!(child.image_url.is_some(), "{}: {child:?}", a.label);
            assert!(child.grid_url.is_none());
        }
        out.push((a, child));
    }
    out
}

fn child<'a>(children: &'a [(Action, Task)], label: &str) -> &'a Task {
    &children
        .iter()
        .find(|(a, _)| a.label == label)
        .unwrap_or_else(|| panic!("no child of {label}"))
        .1
}

/// A blend through the raw endpoint (the client does not make blends), read by the client.
async fn blend(pc: &ProviderClient, sim: &atelier_simulator::Simulator) -> Task {
    let resp = reqwest::Client::new()
        .post(format!("{}/blend", sim.journey_base_url()))
        .header("Authorization", JOURNEY_KEY)
        .json(&json!({
            "image_urls": ["https://a.example/1.png", "https://a.example/2.png"],
            "dimension": "square"
        }))
        .send()
        .await
        .expect("blend request");
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().await.expect("blend answer");
    let id = body["task_id"].as_str().expect("task_id");
    wait_ok(pc, id).await
}

#[tokio::test]
async fn every_journey_button_on_every_kind_works() {
    let sim = sim().await;
    let pc = ProviderClient::Journey(journey(&sim));

    // imagine: U1-U4, V1-V4 and reroll.
    let imagine = wait_ok(
        &pc,
        &pc.imagine(&req("a red lighthouse"))
            .await
            .expect("imagine")
            .task_id,
    )
    .await;
    let mut want: Vec<&str> = GRID_BUTTONS[..8].to_vec();
    want.extend(["Reroll", "Seed"]);
    assert_eq!(labels(&imagine), want);
    let from_imagine = press_every_button(&pc, &imagine).await;

    // reroll, variation-1..4 and blend grids: U1-U4, V1-V4, no reroll.
    let mut grids: Vec<Task> = vec![child(&from_imagine, "Reroll").clone()];
    for v in ["V1", "V2", "V3", "V4"] {
        grids.push(child(&from_imagine, v).clone());
    }
    grids.push(blend(&pc, &sim).await);
    // upscale-1x: the ten single-image buttons.
    let upscale = child(&from_imagine, "U3").clone();
    assert_eq!(labels(&upscale), UPSCALE_BUTTONS);
    let from_upscale = press_every_button(&pc, &upscale).await;
    // variation-strong and variation-subtle grids.
    grids.push(child(&from_upscale, "Vary (Strong)").clone());
    grids.push(child(&from_upscale, "Vary (Subtle)").clone());

    let mut kinds_seen = Vec::new();
    for grid in &grids {
        assert_eq!(labels(grid), GRID_BUTTONS, "{:?}", grid.kind);
        press_every_button(&pc, grid).await;
        kinds_seen.push(grid.raw["task_type"].as_str().unwrap_or("").to_string());
    }
    assert_eq!(
        kinds_seen,
        [
            "reroll",
            "variation-1",
            "variation-2",
            "variation-3",
            "variation-4",
            "blend",
            "variation-strong",
            "variation-subtle"
        ]
    );

    // Pan, zoom-out and Vary (Region) grids, and upscale-alt / 2x / 4x singles, offer only
    // their seed; a seed offers nothing.
    for label in [
        "Zoom Out 2x",
        "Zoom Out 1.5x",
        "Custom Zoom",
        "Make Square",
        "Vary (Region)",
        "Pan left",
        "Pan right",
        "Pan up",
        "Pan down",
        "Upscale (Subtle)",
        "Upscale (Creative)",
        "Upscale 2x",
        "Upscale 4x",
    ] {
        let t = child(&from_upscale, label);
        assert_eq!(labels(t), ["Seed"], "{label}");
    }
    assert!(child(&from_upscale, "Seed").actions.is_empty());
}

/// A copy of `task` that claims to be another kind, so the client sends what the service
/// will refuse.
fn posing_as(task: &Task, kind: TaskKind) -> Task {
    let mut t = task.clone();
    t.kind = kind;
    if t.kind.produces_grid() && t.grid_url.is_none() {
        t.grid_url = t.image_url.take();
    }
    t
}

#[tokio::test]
async fn journey_refusals_say_the_button_is_not_offered() {
    let sim = sim().await;
    let j = journey(&sim);
    let pc = ProviderClient::Journey(j.clone());
    let grid = wait_ok(
        &pc,
        &pc.imagine(&req("a blue kite"))
            .await
            .expect("imagine")
            .task_id,
    )
    .await;
    let up = pc
        .action(&grid, "upscale:1", &ActionInput::default())
        .await
        .expect("U1");
    let single = wait_ok(&pc, &up.task_id).await;
    let pan = pc
        .action(&single, "pan:left", &ActionInput::default())
        .await
        .expect("pan");
    let panned = wait_ok(&pc, &pan.task_id).await;
    let subtle = pc
        .action(&single, "upscale-subtle", &ActionInput::default())
        .await
        .expect("subtle");
    let subtle = wait_ok(&pc, &subtle.task_id).await;

    let cases: [(&str, Task, &str, &str); 4] = [
        // 400: a reroll of an upscale.
        (
            "reroll",
            posing_as(&single, TaskKind::Imagine),
            "Reroll",
            "/journey/api/v1/reroll",
        ),
        // 400: U1 on a pan result.
        (
            "upscale:1",
            posing_as(&panned, TaskKind::Imagine),
            "U1",
            "/journey/api/v1/upscale-1x",
        ),
        // 400: Upscale (Subtle) of an upscale-subtle result.
        (
            "upscale-subtle",
            posing_as(&subtle, TaskKind::Upscale { index: 1 }),
            "Upscale (Subtle)",
            "/journey/api/v1/upscale-alt",
        ),
        // 404: the parent is unknown to the service.
        (
            "variation:2",
            Task {
                id: "00000000-0000-4000-8000-000000000000".into(),
                ..grid.clone()
            },
            "V2",
            "/journey/api/v1/variations",
        ),
    ];
    for (id, parent, label, path) in cases {
        sim.clear_requests();
        let err = pc
            .action(&parent, id, &ActionInput::default())
            .await
            .expect_err("refused by the service");
        assert_eq!(
            err,
            ProviderError::NotOffered {
                provider: ProviderKind::Journey,
                action: label.into()
            }
        );
        assert_eq!(
            err.to_string(),
            format!("JourneyAPI does not offer {label} for this image.")
        );
        assert_eq!(err.code(), "not_offered");
        assert!(!err.is_retryable());
        let log = sim.requests();
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].path, path);
        assert!(matches!(log[0].status, Some(400 | 404)), "{log:?}");
    }
    // The direct endpoint methods read the same way.
    let ghost = Task {
        id: "00000000-0000-4000-8000-000000000001".into(),
        ..single.clone()
    };
    let err = j
        .upscale_2x_4x(&ghost, UpscaleSize::X2, None)
        .await
        .expect_err("unknown parent");
    assert_eq!(
        err.to_string(),
        "JourneyAPI does not offer Upscale 2x for this image."
    );
}

#[tokio::test]
async fn linkr_modal_buttons_are_listed_with_a_reason_and_never_sent() {
    let sim = sim().await;
    let pc = ProviderClient::Linkr(linkr(&sim));
    let grid = wait_ok(
        &pc,
        &pc.imagine(&req("a green fox"))
            .await
            .expect("imagine")
            .task_id,
    )
    .await;
    assert!(grid.actions.iter().all(|a| a.unavailable.is_none()));
    let up = pc
        .action(&grid, "upsample2", &ActionInput::default())
        .await
        .expect("U2");
    let single = wait_ok(&pc, &up.task_id).await;
    let find = |kind: TaskKind| -> Action {
        single
            .actions
            .iter()
            .find(|a| a.kind.as_ref() == Some(&kind))
            .unwrap_or_else(|| panic!("no {kind:?} in {:?}", labels(&single)))
            .clone()
    };
    let zoom = find(TaskKind::CustomZoom);
    let region = find(TaskKind::VaryRegion);
    assert!(zoom.id.starts_with("MJ::CustomZoom::"), "{}", zoom.id);
    assert!(region.id.starts_with("MJ::Inpaint::"), "{}", region.id);
    assert_eq!(
        zoom.unavailable.as_deref(),
        Some(
            "LinkrAPI cannot send Custom Zoom: it needs a prompt that LinkrAPI's action call \
             does not take."
        )
    );
    assert_eq!(
        region.unavailable.as_deref(),
        Some(
            "LinkrAPI cannot send Vary (Region): it needs a painted mask (and a prompt) that \
             LinkrAPI's action call does not take."
        )
    );
    // Every other button can be sent.
    for a in &single.actions {
        if a.id != zoom.id && a.id != region.id {
            assert_eq!(a.unavailable, None, "{}", a.label);
        }
    }
    sim.clear_requests();
    for a in [&zoom, &region] {
        let err = pc
            .action(&single, &a.id, &ActionInput::default())
            .await
            .expect_err("unavailable");
        assert_eq!(err.code(), "invalid_input");
        assert_eq!(Some(err.to_string()), a.unavailable, "{}", a.label);
        let err = linkr(&sim)
            .action(&single, &a.id)
            .await
            .expect_err("unavailable");
        assert_eq!(Some(err.to_string()), a.unavailable);
    }
    assert!(sim.requests().is_empty(), "sent: {:?}", sim.requests());
}
