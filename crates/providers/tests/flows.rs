//! End-to-end flows over real HTTP against the simulator: imagine -> grid -> U2 ->
//! follow-ups, reroll, synchronous flux results, fetch-many batching.

mod common;

use atelier_providers::{
    ActionGroup, ActionInput, ActionMode, ImagineRequest, PanDirection, ProviderClient,
    ProviderKind, TaskKind, TaskStatus, UpscaleAltType, UpscaleSize, VariationTarget, ZoomFactor,
};
use common::*;

fn req(prompt: &str) -> ImagineRequest {
    ImagineRequest {
        prompt: prompt.to_string(),
        ..ImagineRequest::default()
    }
}

/// The whole button tree for one provider through the unified client.
async fn full_flow(client: &ProviderClient) {
    let sub = client
        .imagine(&ImagineRequest {
            prompt: "a lighthouse at dusk".into(),
            aspect_ratio: Some("16:9".into()),
            ..ImagineRequest::default()
        })
        .await
        .expect("imagine");
    assert_eq!(sub.kind, TaskKind::Imagine);
    assert!(sub.finished.is_none());
    let grid = wait_ok(client, &sub.task_id).await;
    assert_eq!(grid.provider, client.kind());
    assert_eq!(grid.kind, TaskKind::Imagine);
    assert_grid(&grid).await;
    let ups: Vec<_> = grid
        .actions
        .iter()
        .filter(|a| a.group == ActionGroup::Upscale)
        .collect();
    assert_eq!(ups.len(), 4, "U1-U4 on {:?}", grid.actions);
    assert_eq!(
        grid.actions
            .iter()
            .filter(|a| a.group == ActionGroup::Variation)
            .count(),
        4
    );
    assert!(grid.actions.iter().all(|a| !a.label.trim().is_empty()));
    assert!(grid
        .actions
        .iter()
        .any(|a| a.kind == Some(TaskKind::Reroll) && a.label == "Reroll"));

    // U2
    let u2 = client
        .action(&grid, &action_id(&grid, "U2"), &ActionInput::default())
        .await
        .expect("U2");
    assert_eq!(u2.kind, TaskKind::Upscale { index: 2 });
    assert_eq!(u2.parent_id.as_deref(), Some(grid.id.as_str()));
    let single = wait_ok(client, &u2.task_id).await;
    assert!(single.kind.is_single_upscale(), "{:?}", single.kind);
    assert_single(&single).await;
    for label in [
        "Upscale (Subtle)",
        "Upscale (Creative)",
        "Vary (Subtle)",
        "Vary (Strong)",
        "Zoom Out 2x",
        "Zoom Out 1.5x",
        "Pan left",
        "Pan right",
        "Pan up",
        "Pan down",
    ] {
        let id = action_id(&single, label);
        assert_eq!(
            single.find_action(&id).map(|a| a.mode),
            Some(ActionMode::Send)
        );
    }

    // Follow-ups on the single image, each with the right result shape.
    let cases = [
        ("Upscale (Subtle)", TaskKind::UpscaleSubtle, false),
        ("Vary (Strong)", TaskKind::VaryStrong, true),
        (
            "Zoom Out 2x",
            TaskKind::ZoomOut {
                factor: ZoomFactor::X2,
            },
            true,
        ),
        (
            "Pan left",
            TaskKind::Pan {
                direction: PanDirection::Left,
            },
            true,
        ),
    ];
    for (label, kind, is_grid) in cases {
        let s = client
            .action(&single, &action_id(&single, label), &ActionInput::default())
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(s.kind, kind.clone(), "{label}");
        let t = wait_ok(client, &s.task_id).await;
        if is_grid {
            assert_grid(&t).await;
            // Midjourney on Discord offers U/V on every grid; JourneyAPI's /upscale-1x and
            // /variations take only imagine, reroll, variation and blend grids.
            let offers_u = t.actions.iter().any(|a| a.group == ActionGroup::Upscale);
            let expected = client.kind() == ProviderKind::Linkr || kind == TaskKind::VaryStrong;
            assert_eq!(offers_u, expected, "{label} result offers U buttons");
        } else {
            assert_single(&t).await;
        }
    }

    // Reroll of the imagine, by symbolic name.
    let rr = client
        .action(&grid, "reroll", &ActionInput::default())
        .await
        .expect("reroll");
    assert_eq!(rr.kind, TaskKind::Reroll);
    let rerolled = wait_ok(client, &rr.task_id).await;
    assert_grid(&rerolled).await;
}

#[tokio::test]
async fn linkr_full_flow() {
    let sim = sim().await;
    let client = ProviderClient::Linkr(linkr(&sim));
    full_flow(&client).await;
    // LinkrAPI-specific: Vary (Region) needs a mask, Custom Zoom a prompt, and links
    // are not sendable; none of them is sent.
    let sub = client
        .imagine(&req("a red fox in snow"))
        .await
        .expect("imagine");
    let grid = wait_ok(&client, &sub.task_id).await;
    let u1 = client
        .action(&grid, "upsample1", &ActionInput::default())
        .await
        .expect("symbolic upsample1");
    let single = wait_ok(&client, &u1.task_id).await;
    assert_eq!(single.kind, TaskKind::Upscale { index: 1 });
    sim.clear_requests();
    for a in single.actions.iter().filter(|a| a.mode != ActionMode::Send) {
        let err = client
            .action(&single, &a.id, &ActionInput::default())
            .await
            .expect_err("not sendable");
        assert_eq!(err.code(), "invalid_input", "{}: {err}", a.label);
    }
    assert!(single
        .actions
        .iter()
        .any(|a| a.mode == ActionMode::NeedsMask));
    assert!(single
        .actions
        .iter()
        .any(|a| a.mode == ActionMode::NeedsPrompt));
    assert!(single.actions.iter().all(|a| !a.id.contains("BOOKMARK")));
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}

#[tokio::test]
async fn journey_full_flow() {
    let sim = sim().await;
    let client = ProviderClient::Journey(journey(&sim));
    full_flow(&client).await;
}

#[tokio::test]
async fn journey_direct_endpoints() {
    let sim = sim().await;
    let j = journey(&sim);
    let pc = ProviderClient::Journey(j.clone());
    let sub = j.imagine(&req("a quiet harbour")).await.expect("imagine");
    let grid = wait_ok(&pc, &sub.task_id).await;
    let up = j.upscale_1x(&grid, 3).await.expect("upscale-1x");
    let single = wait_ok(&pc, &up.task_id).await;
    assert_single(&single).await;
    let v = j
        .variations(&grid, VariationTarget::Index { index: 4 })
        .await
        .expect("V4");
    assert_eq!(v.kind, TaskKind::Variation { index: 4 });
    assert_grid(&wait_ok(&pc, &v.task_id).await).await;
    let c = j
        .upscale_alt(&single, UpscaleAltType::Creative)
        .await
        .expect("creative");
    assert_single(&wait_ok(&pc, &c.task_id).await).await;
    let vs = j
        .variations(&single, VariationTarget::Subtle)
        .await
        .expect("vary subtle");
    assert_grid(&wait_ok(&pc, &vs.task_id).await).await;
    let z = j
        .outpaint(&single, ZoomFactor::X1_5)
        .await
        .expect("zoom 1.5");
    assert_grid(&wait_ok(&pc, &z.task_id).await).await;
    let p = j.pan(&single, PanDirection::Down).await.expect("pan down");
    assert_grid(&wait_ok(&pc, &p.task_id).await).await;
    let r = j
        .reroll(&grid, Some("a quiet harbour at night"))
        .await
        .expect("reroll with prompt");
    assert_grid(&wait_ok(&pc, &r.task_id).await).await;
    let x2 = j
        .upscale_2x_4x(&single, UpscaleSize::X2, None)
        .await
        .expect("2x of a single");
    assert_eq!(x2.kind, TaskKind::Upscale2x);
    assert_single(&wait_ok(&pc, &x2.task_id).await).await;
    let x4 = j
        .upscale_2x_4x(&grid, UpscaleSize::X4, Some(2))
        .await
        .expect("4x of a grid quadrant");
    assert_eq!(x4.kind, TaskKind::Upscale4x);
    assert_single(&wait_ok(&pc, &x4.task_id).await).await;
    let acc = j.account().await.expect("account");
    assert!(acc.credits.is_some_and(|c| c < 12_000), "{acc:?}");
    let check = j.check_key().await.expect("check");
    assert!(check.valid);
    assert!(check.message.starts_with("Valid, "), "{}", check.message);
    assert!(check.message.contains("credits"), "{}", check.message);
}

#[tokio::test]
async fn journey_flux_finishes_synchronously() {
    let sim = sim().await;
    let j = journey(&sim);
    let sub = j
        .imagine(&ImagineRequest {
            prompt: "a watercolor map of an island".into(),
            model: Some("flux-pro".into()),
            aspect_ratio: Some("3:2".into()),
            reference_image: None,
        })
        .await
        .expect("flux imagine");
    let task = sub.finished.expect("flux finishes in the create response");
    assert_eq!(task.id, sub.task_id);
    assert_eq!(task.status, TaskStatus::Succeeded);
    assert_eq!(task.provider, ProviderKind::Journey);
    assert_eq!(task.model.as_deref(), Some("flux-pro"));
    assert_single(&task).await;
    assert!(task.actions.is_empty(), "no Midjourney buttons on flux");
}

#[tokio::test]
async fn journey_fetch_many_batches_25_as_20_plus_5() {
    let sim = sim().await;
    let pc = ProviderClient::Journey(journey(&sim));
    assert!(pc.supports_batch_fetch());
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(
            pc.imagine(&req(&format!("tile number {i}")))
                .await
                .expect("imagine")
                .task_id,
        );
    }
    sim.clear_requests();
    let tasks = pc.fetch_many(&ids).await.expect("fetch many");
    assert_eq!(tasks.len(), 25);
    for (t, id) in tasks.iter().zip(&ids) {
        assert_eq!(&t.id, id);
    }
    let log = sim.requests();
    let batches: Vec<_> = log
        .iter()
        .filter(|r| r.path.ends_with("/fetch-many"))
        .collect();
    assert_eq!(batches.len(), 2, "{log:?}");
    let sizes: Vec<usize> = batches
        .iter()
        .filter_map(|r| r.body.as_ref()?.get("task_ids")?.as_array().map(Vec::len))
        .collect();
    assert_eq!(sizes, vec![20, 5]);
    assert_eq!(log.len(), 2);
    // 21 ids: 20 + a lone one through /fetch.
    sim.clear_requests();
    let extra = pc.imagine(&req("one more")).await.expect("imagine").task_id;
    let mut ids21: Vec<String> = ids[..20].to_vec();
    ids21.push(extra);
    assert_eq!(pc.fetch_many(&ids21).await.expect("21").len(), 21);
    // Unknown ids are left out.
    let ghost = vec![
        ids[0].clone(),
        "00000000-0000-4000-8000-000000000000".to_string(),
    ];
    assert_eq!(pc.fetch_many(&ghost).await.expect("with ghost").len(), 1);
}

#[tokio::test]
async fn linkr_fetch_many_goes_one_by_one_and_keys_check() {
    let sim = sim().await;
    let pc = ProviderClient::Linkr(linkr(&sim));
    assert!(!pc.supports_batch_fetch());
    let a = pc.imagine(&req("one")).await.expect("a").task_id;
    let b = pc.imagine(&req("two")).await.expect("b").task_id;
    let tasks = pc.fetch_many(&[a, b]).await.expect("fetch");
    assert_eq!(tasks.len(), 2);
    let check = pc.check_key().await.expect("check");
    assert!(check.valid, "{check:?}");
}

#[tokio::test]
async fn wire_format_and_auth_scheme() {
    let sim = sim().await;
    let r = ImagineRequest {
        prompt: "a kite".into(),
        model: Some("midjourney".into()),
        aspect_ratio: Some("16:9".into()),
        reference_image: Some("https://example.com/ref.png".into()),
    };
    linkr(&sim).imagine(&r).await.expect("linkr imagine");
    journey(&sim).imagine(&r).await.expect("journey imagine");
    let log = sim.requests();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(
        log.iter().all(|l| l.auth_ok),
        "Bearer for Linkr, raw key for Journey: {log:?}"
    );
    let lb = log[0].body.as_ref().expect("linkr body");
    assert_eq!(log[0].path, "/linkr/api/v1/imagine");
    assert_eq!(lb["prompt"], "a kite --ar 16:9");
    assert_eq!(lb["reference_image"], "https://example.com/ref.png");
    let jb = log[1].body.as_ref().expect("journey body");
    assert_eq!(log[1].path, "/journey/api/v1/imagine");
    assert_eq!(jb["prompt"], "a kite");
    assert_eq!(jb["model"], "midjourney");
    assert_eq!(jb["aspect_ratio"], "16:9");
    assert_eq!(jb["image_url"], "https://example.com/ref.png");
}

#[tokio::test]
async fn linkr_documented_and_observed_shapes_give_the_same_task() {
    let sim = sim().await;
    let pc = ProviderClient::Linkr(linkr(&sim));
    let sub = pc.imagine(&req("a copper kettle")).await.expect("imagine");
    // The documented shape (the simulator's default): only the grid, emoji as labels.
    let grid = wait_ok(&pc, &sub.task_id).await;
    assert!(grid.raw.get("images").is_none() && grid.raw.get("grid_url").is_none());
    assert!(
        grid.image_urls.is_empty(),
        "the app splits the grid locally"
    );
    assert_eq!(grid.grid_url.as_deref(), grid.raw["image_url"].as_str());
    assert_png(grid.grid_url.as_deref().expect("grid")).await;
    let u1 = pc
        .action(&grid, "upsample1", &ActionInput::default())
        .await
        .expect("U1");
    let single = wait_ok(&pc, &u1.task_id).await;

    // The observed shape: `images`, `grid_url`, `cdn_url`, emoji in an `emoji` field.
    sim.set_observed_extras(true);
    let grid_seen = pc.fetch(&grid.id).await.expect("fetch");
    let single_seen = pc.fetch(&single.id).await.expect("fetch");
    assert_eq!(grid_seen.image_urls.len(), 4);
    assert_eq!(grid_seen.grid_url, grid.grid_url);
    assert_eq!(grid_seen.raw["components"][4]["emoji"], "🔄");
    assert_eq!(grid_seen.raw["components"][4]["label"], "");

    // Either way the same buttons: readable labels, emoji kept, U/V rows.
    for (documented, observed) in [(&grid, &grid_seen), (&single, &single_seen)] {
        assert_eq!(documented.actions, observed.actions);
        assert_eq!(documented.kind, observed.kind);
        assert_eq!(documented.image_url, observed.image_url);
    }
    let reroll = grid.find_action(&action_id(&grid, "Reroll")).cloned();
    assert_eq!(reroll.and_then(|a| a.emoji).as_deref(), Some("🔄"));
    assert_eq!(
        grid.actions
            .iter()
            .filter(|a| a.group == ActionGroup::Upscale)
            .count(),
        4
    );
    assert_eq!(
        grid.actions
            .iter()
            .filter(|a| a.group == ActionGroup::Variation)
            .count(),
        4
    );
    for d in PanDirection::ALL {
        let a = single
            .actions
            .iter()
            .find(|a| a.kind == Some(TaskKind::Pan { direction: d }))
            .expect("pan button");
        assert_eq!(a.label, format!("Pan {}", d.as_str()));
        assert_eq!(a.emoji.as_deref(), Some(d.emoji()));
    }
}
