//! The creation modes (blend, describe, shorten, video) through the engine, over real HTTP
//! to the in-process simulator: each becomes a watched task with its kind, its prompt and
//! what was sent (for Retry), and finishes with its results. LinkrAPI refuses them with a
//! sentence before anything is sent.

mod common;

use std::time::Duration;

use atelier_engine::TaskChange;
use atelier_providers::{
    BlendDimension, CreateRequest, ProviderKind, SentRequest, TaskKind, TaskStatus, VideoMotion,
};
use common::*;

#[tokio::test]
async fn creation_modes_are_watched_until_their_results() {
    let sim = simulator(400.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let mut rx = engine.subscribe();

    let parent = engine
        .submit(ProviderKind::Journey, imagine("a harbour at dawn"))
        .await
        .expect("imagine");
    let parent = until_final(&mut rx, std::slice::from_ref(&parent.id)).await;
    let grid = last(&parent.values().next().expect("events")[..]).clone();
    assert_eq!(grid.status, TaskStatus::Succeeded, "{:?}", grid.error);
    let image = grid.image_urls.first().cloned().expect("four images");
    let other = grid.image_urls.get(1).cloned().expect("four images");

    let requests = [
        CreateRequest::Blend {
            image_urls: vec![image.clone(), other.clone()],
            dimension: BlendDimension::Portrait,
        },
        CreateRequest::Describe {
            image_url: image.clone(),
        },
        CreateRequest::Shorten {
            prompt: "a very very beautiful, highly detailed harbour at dawn, 8k".into(),
        },
        CreateRequest::Video {
            prompt: "boats drift slowly".into(),
            image_url: image.clone(),
            motion: VideoMotion::Low,
        },
    ];
    for req in requests {
        let task = engine
            .create(ProviderKind::Journey, req.clone())
            .await
            .expect("created");
        assert_eq!(task.kind, req.kind());
        assert_eq!(task.prompt.as_deref(), req.prompt());
        assert_eq!(task.sent, Some(SentRequest::Create(req.clone())));
        assert!(engine.is_watching(&task.id));
        let events = until_final(&mut rx, std::slice::from_ref(&task.id)).await;
        let evs = &events[&task.id];
        assert_eq!(evs[0].change, TaskChange::Created);
        let done = last(evs);
        assert_eq!(
            done.status,
            TaskStatus::Succeeded,
            "{req:?}: {:?}",
            done.error
        );
        assert_eq!(done.kind, req.kind());
        assert_eq!(
            done.sent,
            Some(SentRequest::Create(req.clone())),
            "kept for Retry"
        );
        match done.kind {
            TaskKind::Blend => assert!(done.grid_url.is_some(), "a blend is a grid"),
            TaskKind::Describe => assert_eq!(done.text_results.len(), 4, "four prompts"),
            TaskKind::Shorten => {
                assert!(!done.text_results.is_empty(), "short variants");
                assert!(done.full_content.is_some(), "the analysis");
            }
            TaskKind::Video => assert_eq!(done.video_urls.len(), 4, "four videos"),
            ref other => panic!("unexpected kind {other:?}"),
        }
    }
}

#[tokio::test]
async fn linkr_and_bad_input_refuse_creation_modes_before_any_request() {
    let sim = simulator(100.0).await;
    let engine = engine(&sim, fast_config(Duration::from_millis(50)));
    let blend = CreateRequest::Blend {
        image_urls: vec!["https://x.test/1.png".into(), "https://x.test/2.png".into()],
        dimension: BlendDimension::Square,
    };
    let err = engine
        .create(ProviderKind::Linkr, blend)
        .await
        .expect_err("LinkrAPI cannot blend");
    assert_eq!(
        err.to_string(),
        "LinkrAPI cannot blend images: choose JourneyAPI."
    );
    let one = CreateRequest::Blend {
        image_urls: vec!["https://x.test/1.png".into()],
        dimension: BlendDimension::Square,
    };
    let err = engine
        .create(ProviderKind::Journey, one)
        .await
        .expect_err("one image");
    assert_eq!(err.code(), "invalid_input");
    assert!(sim.requests().is_empty(), "nothing was sent");
    assert!(engine.list().is_empty());
}
