//! The creation modes and the buttons that take input, over real HTTP against the simulator:
//! blend, describe, shorten and video finish with their results (the videos download);
//! Vary (Region) with a mask, Custom Zoom, Make Square, Upscale 2x/4x, Seed and Reroll with a
//! new prompt finish as their kind; the simulator's own refusals (a mask of the wrong size)
//! reach the person as a sentence.

mod common;

use atelier_providers::{
    ActionInput, BlendDimension, CreateRequest, ImagineRequest, ProviderClient, ProviderError,
    TaskKind, VideoMotion,
};
use common::*;

fn req(prompt: &str) -> ImagineRequest {
    ImagineRequest {
        prompt: prompt.to_string(),
        ..ImagineRequest::default()
    }
}

#[tokio::test]
async fn creation_modes_finish_with_their_results() {
    let sim = sim().await;
    let pc = ProviderClient::Journey(journey(&sim));
    let grid = wait_ok(
        &pc,
        &pc.imagine(&req("a quiet harbour"))
            .await
            .expect("imagine")
            .task_id,
    )
    .await;
    let (a, b) = (grid.image_urls[0].clone(), grid.image_urls[1].clone());

    let blend = pc
        .create(&CreateRequest::Blend {
            image_urls: vec![a.clone(), b.clone()],
            dimension: BlendDimension::Landscape,
        })
        .await
        .expect("blend");
    assert_eq!(blend.kind, TaskKind::Blend);
    let blend = wait_ok(&pc, &blend.task_id).await;
    assert_eq!(blend.kind, TaskKind::Blend);
    assert_grid(&blend).await;
    assert!(
        blend.actions.iter().any(|x| x.label == "U1"),
        "a blend is a grid with U/V"
    );

    let describe = pc
        .create(&CreateRequest::Describe {
            image_url: a.clone(),
        })
        .await
        .expect("describe");
    let describe = wait_ok(&pc, &describe.task_id).await;
    assert_eq!(describe.kind, TaskKind::Describe);
    assert_eq!(describe.text_results.len(), 4, "{describe:?}");
    assert!(describe.actions.is_empty());

    let shorten = pc
        .create(&CreateRequest::Shorten {
            prompt: "a very beautiful, extremely detailed quiet harbour at golden hour, 8k".into(),
        })
        .await
        .expect("shorten");
    let shorten = wait_ok(&pc, &shorten.task_id).await;
    assert_eq!(shorten.kind, TaskKind::Shorten);
    assert!(!shorten.text_results.is_empty());
    assert!(shorten.full_content.is_some(), "{shorten:?}");

    let video = pc
        .create(&CreateRequest::Video {
            prompt: "boats bob on the water".into(),
            image_url: a.clone(),
            motion: VideoMotion::High,
        })
        .await
        .expect("video");
    let video = wait_ok(&pc, &video.task_id).await;
    assert_eq!(video.kind, TaskKind::Video);
    assert_eq!(video.video_urls.len(), 4, "{video:?}");
    let bytes = reqwest::get(&video.video_urls[0])
        .await
        .expect("video download")
        .bytes()
        .await
        .expect("video body");
    assert!(bytes.len() > 1000, "a real video file");
    assert!(video.actions.iter().any(|x| x.id == "seed"));

    // The service's refusal of a bad request reads as a sentence.
    sim.clear_requests();
    let err = pc
        .create(&CreateRequest::Blend {
            image_urls: vec![a.clone()],
            dimension: BlendDimension::Square,
        })
        .await
        .expect_err("one image");
    assert_eq!(err.code(), "invalid_input");
    assert!(sim.requests().is_empty(), "refused before sending");
}

#[tokio::test]
async fn buttons_with_input_finish_as_their_kind() {
    let sim = sim().await;
    let pc = ProviderClient::Journey(journey(&sim));
    let grid = wait_ok(
        &pc,
        &pc.imagine(&req("a red kite over hills"))
            .await
            .expect("imagine")
            .task_id,
    )
    .await;

    // Reroll with an edited prompt (Remix).
    let reroll = pc
        .action(
            &grid,
            "reroll",
            &ActionInput::prompt("a blue kite over hills"),
        )
        .await
        .expect("reroll");
    let rerolled = wait_ok(&pc, &reroll.task_id).await;
    assert_eq!(rerolled.kind, TaskKind::Reroll);
    let sent = sim
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/reroll"))
        .and_then(|r| r.body)
        .expect("the reroll was logged");
    assert_eq!(sent["prompt"], "a blue kite over hills");

    // Seed of the grid.
    let seed = pc
        .action(&grid, "seed", &ActionInput::default())
        .await
        .expect("seed");
    let seed = wait_ok(&pc, &seed.task_id).await;
    assert_eq!(seed.kind, TaskKind::Seed);
    assert_eq!(seed.text_results.len(), 1);

    let up = pc
        .action(&grid, "upscale:2", &ActionInput::default())
        .await
        .expect("U2");
    let up = wait_ok(&pc, &up.task_id).await;
    let image = up.image_url.clone().expect("an upscale");

    let region = ActionInput {
        prompt: Some("a red kite with a long tail".into()),
        mask: Some(mask_for(&image).await),
        ..ActionInput::default()
    };
    let varied = pc
        .action(&up, "vary-region", &region)
        .await
        .expect("vary region");
    assert_eq!(varied.kind, TaskKind::VaryRegion);
    let varied = wait_ok(&pc, &varied.task_id).await;
    assert_eq!(varied.kind, TaskKind::VaryRegion);
    assert_grid(&varied).await;

    let zoom = ActionInput {
        prompt: Some("hills all around".into()),
        zoom_ratio: Some(1.8),
        aspect_ratio: Some("16:9".into()),
        ..ActionInput::default()
    };
    let zoomed = pc.action(&up, "custom-zoom", &zoom).await.expect("zoom");
    assert_eq!(zoomed.kind, TaskKind::CustomZoom);
    assert_grid(&wait_ok(&pc, &zoomed.task_id).await).await;

    for id in ["zoom-out:square", "upscale-2x", "upscale-4x"] {
        let sub = pc
            .action(&up, id, &ActionInput::default())
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let done = wait_ok(&pc, &sub.task_id).await;
        if sub.kind.produces_grid() {
            assert_grid(&done).await;
        } else {
            assert_single(&done).await;
        }
    }

    // A mask of the wrong size: the simulator refuses it with its reason, kept in the error.
    let small = ActionInput {
        mask: Some(mask_for(&grid.image_urls[0]).await),
        ..ActionInput::default()
    };
    let err = pc
        .action(&up, "vary-region", &small)
        .await
        .expect_err("wrong size");
    match &err {
        ProviderError::Rejected {
            status: 400,
            detail,
        } => {
            assert!(!detail.is_empty(), "{err}")
        }
        other => panic!("{other:?}"),
    }
}
