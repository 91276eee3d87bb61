//! JourneyAPI models over real HTTP: every non-Midjourney model (listed or not) answers the
//! create call with the finished image, so the app shows it without a poll; edit models need
//! a reference image; LinkrAPI runs Midjourney only.

mod common;

use atelier_providers::{
    available_models, ImagineRequest, ModelGroup, ProviderClient, ProviderKind, TaskStatus,
};
use common::*;

fn model_req(model: &str, image: Option<&str>) -> ImagineRequest {
    ImagineRequest {
        prompt: format!("a lighthouse painted by {model}"),
        model: Some(model.to_string()),
        aspect_ratio: Some("4:3".into()),
        reference_image: image.map(str::to_string),
    }
}

#[tokio::test]
async fn single_image_models_finish_in_the_create_answer() {
    let sim = sim().await;
    let pc = ProviderClient::Journey(journey(&sim));
    let cases = [
        ("flux-pro", None),
        ("nano-banana", None),
        ("seedream-4.5", None),
        ("flux-kontext-pro", Some("https://example.com/ref.png")),
        ("qwen-image-edit", Some("https://example.com/ref.png")),
        // Not in the app's list: passed through, the service decides.
        ("a-model-from-next-year", None),
    ];
    for (model, image) in cases {
        sim.clear_requests();
        let sub = pc
            .imagine(&model_req(model, image))
            .await
            .unwrap_or_else(|e| panic!("{model}: {e}"));
        let task = sub
            .finished
            .clone()
            .unwrap_or_else(|| panic!("{model} finished at once"));
        assert_eq!(task.id, sub.task_id);
        assert_eq!(task.status, TaskStatus::Succeeded, "{model}");
        assert_eq!(task.provider, ProviderKind::Journey);
        assert_eq!(task.model.as_deref(), Some(model));
        assert!(task.actions.is_empty(), "{model} has no Midjourney buttons");
        assert_single(&task).await;
        // One request, no poll.
        let log = sim.requests();
        assert_eq!(log.len(), 1, "{model}: {log:?}");
        let body = log[0].body.as_ref().expect("body");
        assert_eq!(body["model"], model);
        match image {
            Some(url) => assert_eq!(body["image_url"], url),
            None => assert!(body.get("image_url").is_none()),
        }
        // A later fetch of the id returns the same finished single image.
        let fetched = pc.fetch(&sub.task_id).await.expect("fetch");
        assert_eq!(fetched.status, TaskStatus::Succeeded);
        assert_eq!(fetched.image_url, task.image_url);
        assert_eq!(fetched.model.as_deref(), Some(model));
    }
    // Midjourney still goes through polling.
    let sub = pc
        .imagine(&model_req("midjourney", None))
        .await
        .expect("midjourney");
    assert!(sub.finished.is_none());
    assert_grid(&wait_ok(&pc, &sub.task_id).await).await;
}

#[tokio::test]
async fn every_listed_model_is_accepted_by_the_client_and_the_simulator() {
    let sim = sim().await;
    let pc = ProviderClient::Journey(journey(&sim));
    for m in available_models(ProviderKind::Journey) {
        let image = m.needs_image.then_some("https://example.com/ref.png");
        let sub = pc
            .imagine(&model_req(&m.id, image))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", m.id));
        assert_eq!(sub.finished.is_some(), m.synchronous, "{}", m.id);
        assert_eq!(m.group == ModelGroup::MidjourneyGrid, m.id == "midjourney");
    }
}

#[tokio::test]
async fn edit_models_without_an_image_and_bad_names_send_nothing() {
    let sim = sim().await;
    let pc = ProviderClient::Journey(journey(&sim));
    for (model, field) in [
        ("flux-kontext-max", "reference_image"),
        ("seededit", "reference_image"),
        ("ideogram-v3-reframe", "reference_image"),
        ("", "model"),
        ("bad\nname", "model"),
    ] {
        match pc.imagine(&model_req(model, None)).await {
            Err(atelier_providers::ProviderError::InvalidInput { field: f, reason }) => {
                assert_eq!(f, field, "{model:?}: {reason}");
                if field == "reference_image" {
                    assert!(reason.contains("reference image"), "{reason}");
                }
            }
            other => panic!("{model:?}: {other:?}"),
        }
    }
    let linkr = ProviderClient::Linkr(linkr(&sim));
    let e = linkr
        .imagine(&model_req("flux-pro", None))
        .await
        .expect_err("LinkrAPI runs Midjourney only");
    assert_eq!(e.code(), "invalid_input");
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    assert_eq!(available_models(ProviderKind::Linkr).len(), 1);
}
