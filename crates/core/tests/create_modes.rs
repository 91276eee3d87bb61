//! Every creation mode and every button that takes input, in both lanes: **demo** (the built-in
//! simulator) and **live** (a key in the key store, the providers' base URLs at a second
//! simulator standing in for the real services over real HTTP). JourneyAPI: blend, describe,
//! shorten and video (its files archived, shown after a restart, listed in the gallery as
//! videos), seed, Vary (Region) with a mask, Custom Zoom, Make Square, Upscale 2x/4x, Reroll
//! with a new prompt, Retry of a failed creation mode, and the image-link checks. LinkrAPI:
//! every creation mode and masked button refused with a sentence, nothing sent.

mod common;

use atelier_core::gallery::GalleryResults;
use atelier_core::{Atelier, TaskView, UiEvent};
use atelier_library::ImageKind;
use atelier_providers::{
    ActionInput, BlendDimension, CreateRequest, ProviderKind, TaskKind, TaskStatus, VideoMotion,
};
use common::{asset_file, imagine, listed, sent, Home, Keys, Lane};
use std::time::Duration;
use tokio::sync::broadcast;

const KEYS: Keys = Keys {
    linkr: "lkr_modes_test_key_1a2b",
    journey: "japi_live_modes_test_3c4d",
};

/// Waits for the final event of `task_id`, bounded: these flows allow a minute, where
/// [`common::finished`] allows [`common::FINISH_LIMIT`].
async fn finished(rx: &mut broadcast::Receiver<UiEvent>, task_id: &str) -> TaskView {
    common::final_event(rx, task_id, Duration::from_secs(60))
        .await
        .task
}

/// Waits for the task `view` to finish and checks that it succeeded; `what` names it in a
/// failure.
async fn succeeded(rx: &mut broadcast::Receiver<UiEvent>, view: &TaskView, what: &str) -> TaskView {
    let done = finished(rx, &view.task.id).await;
    assert_eq!(done.task.status, TaskStatus::Succeeded, "{what}: {done:?}");
    done
}

/// Imagines `prompt` on `provider`, sent at once, and waits for its grid.
async fn imagine_ok(
    app: &Atelier,
    rx: &mut broadcast::Receiver<UiEvent>,
    provider: ProviderKind,
    prompt: &str,
) -> TaskView {
    let submitted = app.submit_or_queue(imagine(provider, prompt));
    let grid = sent(submitted.await.expect("imagine"));
    succeeded(rx, &grid, "imagine").await
}

/// Sends `request` to JourneyAPI at once and waits for it to succeed.
async fn create_ok(
    app: &Atelier,
    rx: &mut broadcast::Receiver<UiEvent>,
    request: CreateRequest,
) -> TaskView {
    let view = sent(
        app.submit_create(ProviderKind::Journey, request.clone())
            .await
            .unwrap_or_else(|e| panic!("{request:?}: {e:?}")),
    );
    assert_eq!(view.task.kind, request.kind());
    succeeded(rx, &view, "create").await
}

/// Presses the button `id` of `parent` with `input`, sent at once, and waits for it to succeed.
async fn press(
    app: &Atelier,
    rx: &mut broadcast::Receiver<UiEvent>,
    parent: &TaskView,
    id: &str,
    input: ActionInput,
) -> TaskView {
    let view = sent(
        app.run_action_or_queue(&parent.task.id, id, input)
            .await
            .unwrap_or_else(|e| panic!("{id}: {e:?}")),
    );
    succeeded(rx, &view, id).await
}

/// The gallery's first page of `kind`.
async fn gallery_of_kind(app: &Atelier, kind: ImageKind) -> GalleryResults {
    app.gallery_search(atelier_core::GalleryQuery {
        kind: Some(kind),
        ..Default::default()
    })
    .await
    .expect("search")
}

/// A mask for a `w` x `h` image, its top-left quarter white.
fn mask(w: u32, h: u32) -> String {
    let img = image::GrayImage::from_fn(w, h, |x, y| {
        image::Luma([if x < w / 2 && y < h / 2 { 255 } else { 0 }])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("PNG");
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::from("data:image/png;base64,");
    for c in png.chunks(3) {
        let n = u32::from(c[0]) << 16
            | u32::from(*c.get(1).unwrap_or(&0)) << 8
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            s.push(if i <= c.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    s
}

async fn journey_create_modes(lane: Lane) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();

    let prompt = format!("a paper lantern festival, {lane:?}");
    let grid = imagine_ok(&app, &mut rx, ProviderKind::Journey, &prompt).await;

    // The grid's images go by their provider links, checked first.
    let images = app
        .gallery_search(atelier_core::GalleryQuery {
            text: Some("paper lantern".into()),
            kind: Some(ImageKind::Single),
            ..Default::default()
        })
        .await
        .expect("search");
    assert_eq!(images.items.len(), 4);
    let mut links = Vec::new();
    for item in &images.items[..2] {
        let source = app
            .image_source_url(item.item.image_id)
            .await
            .expect("source");
        let url = source.url.unwrap_or_else(|| panic!("{:?}", source.message));
        assert!(app.check_image_url(&url).await.ok, "{url}");
        links.push(url);
    }
    let bad = app.check_image_url("ftp://example.com/a.png").await;
    assert!(!bad.ok);
    assert!(bad
        .message
        .unwrap_or_default()
        .contains("not a web address"));
    let private = app.check_image_url("http://192.168.1.1/a.png").await;
    assert!(!private.ok, "a private address is never fetched");
    let dead = format!("{}/cdn/no-such-task/image.png", home.real.addr());
    let dead = app.check_image_url(&format!("http://{dead}")).await;
    assert!(
        !dead.ok,
        "loopback other than the app's own simulator: {dead:?}"
    );

    // Blend.
    let blend = create_ok(
        &app,
        &mut rx,
        CreateRequest::Blend {
            image_urls: links.clone(),
            dimension: BlendDimension::Square,
        },
    )
    .await;
    assert!(blend.media.grid.is_some(), "{:?}", blend.media);
    assert!(blend.task.actions.iter().any(|a| a.label == "U1"));
    // Its lineage names its inputs: the two images of the grid, found in the library.
    let grids = gallery_of_kind(&app, ImageKind::Grid).await;
    let blend_grid = grids
        .items
        .iter()
        .find(|i| i.item.task_id == blend.task.id)
        .expect("the blend's grid is in the gallery");
    let tree = app
        .lineage(blend_grid.item.image_id)
        .await
        .expect("lineage");
    let inputs = tree.nodes[0].inputs.clone().expect("a blend has inputs");
    assert_eq!(inputs.len(), 2);
    for (input, link) in inputs.iter().zip(&links) {
        assert_eq!(&input.url, link);
        assert_eq!(input.task_id.as_deref(), Some(grid.task.id.as_str()));
        assert!(input.image.is_some(), "{input:?}");
    }

    // Describe: four prompts.
    let describe = create_ok(
        &app,
        &mut rx,
        CreateRequest::Describe {
            image_url: links[0].clone(),
        },
    )
    .await;
    assert_eq!(describe.task.text_results.len(), 4, "{describe:?}");
    // Made from a picture of the library: it joins that picture's lineage with its text.
    assert_eq!(
        describe.task.parent_id.as_deref(),
        Some(grid.task.id.as_str())
    );
    let source = grids
        .items
        .iter()
        .find(|i| i.item.task_id == grid.task.id)
        .expect("the described grid is in the gallery");
    let tree = app.lineage(source.item.image_id).await.expect("lineage");
    let node = tree
        .nodes
        .iter()
        .find(|n| n.task_id == describe.task.id)
        .expect("the describe is in its picture's lineage");
    assert_eq!(node.text.as_ref().map(Vec::len), Some(4), "{node:?}");
    // A link from elsewhere has no parent.
    let elsewhere = create_ok(
        &app,
        &mut rx,
        CreateRequest::Describe {
            image_url: format!("http://{}/cdn/elsewhere.png", home.real.addr()),
        },
    )
    .await;
    assert_eq!(elsewhere.task.parent_id, None);

    // Shorten: variants and the analysis.
    let shorten = create_ok(
        &app,
        &mut rx,
        CreateRequest::Shorten {
            prompt: "a very beautiful, extremely detailed paper lantern festival, 8k".into(),
        },
    )
    .await;
    assert!(!shorten.task.text_results.is_empty());
    assert!(shorten.task.full_content.is_some(), "{:?}", shorten.task);
    assert_eq!(
        shorten.task.prompt.as_deref(),
        Some("a very beautiful, extremely detailed paper lantern festival, 8k")
    );

    // Video: four files archived, played from the library.
    let video = create_ok(
        &app,
        &mut rx,
        CreateRequest::Video {
            prompt: "lanterns drift up".into(),
            image_url: links[0].clone(),
            motion: VideoMotion::Low,
        },
    )
    .await;
    assert_eq!(video.media.videos.len(), 4, "{:?}", video.media);
    for url in &video.media.videos {
        assert!(asset_file(url).is_file(), "{url}");
    }

    // Seed of the grid; the rail hears the credits read again after it.
    let mut credits_rx = app.subscribe();
    let seed = press(&app, &mut rx, &grid, "seed", ActionInput::default()).await;
    let credits = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let UiEvent::Credits(c) = credits_rx.recv().await.expect("events") {
                return c;
            }
        }
    })
    .await
    .expect("credits-changed after a JourneyAPI task");
    assert_eq!(credits.provider, ProviderKind::Journey);
    assert!(credits.credits.is_some(), "{credits:?}");
    drop(credits_rx);
    assert_eq!(seed.task.kind, TaskKind::Seed);
    assert_eq!(seed.task.text_results.len(), 1);

    // Reroll with a new prompt (Remix).
    let remix = press(
        &app,
        &mut rx,
        &grid,
        "reroll",
        ActionInput::prompt("a paper lantern festival at dawn"),
    )
    .await;
    assert_eq!(
        remix.task.prompt.as_deref(),
        Some("a paper lantern festival at dawn")
    );

    // The buttons of an upscale.
    let up = press(&app, &mut rx, &grid, "upscale:1", ActionInput::default()).await;
    let single = up.media.single.as_deref().expect("the upscale archived");
    let (w, h) = image::image_dimensions(asset_file(single)).expect("its size");
    let region = press(
        &app,
        &mut rx,
        &up,
        "vary-region",
        ActionInput {
            prompt: Some("a red lantern".into()),
            mask: Some(mask(w, h)),
            ..ActionInput::default()
        },
    )
    .await;
    assert_eq!(region.task.kind, TaskKind::VaryRegion);
    assert!(region.media.grid.is_some());
    let zoom = press(
        &app,
        &mut rx,
        &up,
        "custom-zoom",
        ActionInput {
            prompt: Some("the whole square".into()),
            zoom_ratio: Some(1.6),
            ..ActionInput::default()
        },
    )
    .await;
    assert_eq!(zoom.task.kind, TaskKind::CustomZoom);
    let square = press(
        &app,
        &mut rx,
        &up,
        "zoom-out:square",
        ActionInput::default(),
    )
    .await;
    assert_eq!(square.task.kind_label, "Make Square");
    for (id, kind) in [
        ("upscale-2x", TaskKind::Upscale2x),
        ("upscale-4x", TaskKind::Upscale4x),
    ] {
        let big = press(&app, &mut rx, &up, id, ActionInput::default()).await;
        assert_eq!(big.task.kind, kind);
        assert!(big.media.single.is_some(), "{id}: {:?}", big.media);
    }
    // Bad input: a sentence, nothing sent.
    let err = app
        .submit_create(
            ProviderKind::Journey,
            CreateRequest::Blend {
                image_urls: vec![links[0].clone()],
                dimension: BlendDimension::Square,
            },
        )
        .await
        .expect_err("one image");
    assert_eq!(
        err.message,
        "A blend takes 2 to 5 images, not 1. Add another image."
    );
    let err = app
        .run_action_or_queue(
            &up.task.id,
            "custom-zoom",
            ActionInput {
                zoom_ratio: Some(3.0),
                ..ActionInput::default()
            },
        )
        .await
        .expect_err("zoom out of range");
    assert!(err.message.contains("above 1 and at most 2"), "{err:?}");

    // Retry of a failed creation mode sends it again.
    let failing = CreateRequest::Shorten {
        prompt: "a lantern [[fault:failed]]".into(),
    };
    let first = sent(
        app.submit_create(ProviderKind::Journey, failing.clone())
            .await
            .expect("sent"),
    );
    let first = finished(&mut rx, &first.task.id).await;
    assert_eq!(first.task.status, TaskStatus::Failed, "{first:?}");
    assert!(first.can_retry);
    let again = sent(app.retry_or_queue(&first.task.id).await.expect("retry"));
    assert_eq!(again.task.kind, TaskKind::Shorten);
    assert_eq!(
        again.task.prompt.as_deref(),
        Some("a lantern [[fault:failed]]")
    );
    let again = finished(&mut rx, &again.task.id).await;
    assert_eq!(
        again.task.status,
        TaskStatus::Failed,
        "the marker fails it again"
    );
    drop(rx);
    drop(app);

    // After a restart: the videos come from the library and the gallery lists them as videos.
    let app = home.start().await;
    let video_again = listed(&app, &video.task.id);
    assert_eq!(video_again.media.videos, video.media.videos);
    let videos = gallery_of_kind(&app, ImageKind::Video).await;
    assert_eq!(videos.items.len(), 4);
    assert!(videos.items.iter().all(|i| i.item.task_id == video.task.id));
    let described = listed(&app, &shorten.task.id);
    assert_eq!(described.task.full_content, shorten.task.full_content);
    // A video is not an image input.
    let source = app
        .image_source_url(videos.items[0].item.image_id)
        .await
        .expect("answer");
    assert!(source.url.is_none());
    assert!(source.message.unwrap_or_default().contains("is a video"));
}

async fn linkr_refuses_create_modes(lane: Lane) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let before = home.real.requests().len();
    let err = app
        .submit_create(
            ProviderKind::Linkr,
            CreateRequest::Blend {
                image_urls: vec!["https://x.test/1.png".into(), "https://x.test/2.png".into()],
                dimension: BlendDimension::Square,
            },
        )
        .await
        .expect_err("LinkrAPI cannot blend");
    assert_eq!(
        err.message,
        "LinkrAPI cannot blend images: choose JourneyAPI."
    );
    let err = app
        .submit_create(
            ProviderKind::Linkr,
            CreateRequest::Describe {
                image_url: "https://x.test/1.png".into(),
            },
        )
        .await
        .expect_err("LinkrAPI cannot describe");
    assert!(err.message.contains("JourneyAPI"));
    assert_eq!(home.real.requests().len(), before, "nothing sent");
    assert!(app.queue().is_empty(), "nothing queued");

    // LinkrAPI's Vary (Region) and Custom Zoom stay listed, disabled with the reason; a mask
    // or a zoom ratio is refused with a sentence; its buttons carry no credit price.
    let mut rx = app.subscribe();
    let prompt = format!("a copper kettle, {lane:?}");
    let grid = imagine_ok(&app, &mut rx, ProviderKind::Linkr, &prompt).await;
    let u1 = grid
        .task
        .actions
        .iter()
        .find(|a| a.label == "U1")
        .expect("U1")
        .id
        .clone();
    let up = press(&app, &mut rx, &grid, &u1, ActionInput::default()).await;
    assert!(up
        .task
        .actions
        .iter()
        .all(|a| a.credits.is_none() && !a.takes_prompt));
    for kind in [TaskKind::VaryRegion, TaskKind::CustomZoom] {
        let button = up
            .task
            .actions
            .iter()
            .find(|a| a.kind.as_ref() == Some(&kind))
            .unwrap_or_else(|| panic!("{kind:?} listed: {:?}", up.task.actions));
        let reason = button.unavailable.clone().expect("disabled with a reason");
        assert!(reason.starts_with("LinkrAPI cannot send"), "{reason}");
        let err = app
            .run_action_or_queue(
                &up.task.id,
                &button.id,
                ActionInput {
                    mask: Some(mask(8, 8)),
                    ..ActionInput::default()
                },
            )
            .await
            .expect_err("refused");
        assert!(err.message.starts_with("LinkrAPI"), "{err:?}");
    }
    assert!(
        !up.task
            .actions
            .iter()
            .any(|a| a.kind == Some(TaskKind::Seed)),
        "LinkrAPI has no seed button"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_journey_create_modes() {
    journey_create_modes(Lane::Demo).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_journey_create_modes() {
    journey_create_modes(Lane::Live).await;
}

#[tokio::test]
async fn demo_linkr_create_modes() {
    linkr_refuses_create_modes(Lane::Demo).await;
}

#[tokio::test]
async fn live_linkr_create_modes() {
    linkr_refuses_create_modes(Lane::Live).await;
}
