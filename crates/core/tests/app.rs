//! The app core end to end without a window: demo mode, keys, live mode against a second
//! simulator standing in for the real service, and the keyring being absent.

mod common;

use atelier_core::view::TaskChange;
use atelier_core::{
    Atelier, AtelierConfig, MemorySettingsStore, Settings, SubmitRequest, TaskEvent, UiEvent,
};
use atelier_keys::{KeyStoreError, MemoryStore};
use atelier_providers::{ActionInput, ProviderKind, TaskStatus};
use atelier_simulator::{Simulator, SimulatorConfig};
use common::asset_file;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

async fn start(dir: &std::path::Path, health: Result<(), KeyStoreError>) -> Atelier {
    Atelier::start(AtelierConfig {
        library_dir: dir.join("library"),
        key_store: Arc::new(MemoryStore::new()),
        key_store_health: health,
        settings_store: Arc::new(MemorySettingsStore::default()),
        demo_speed: 400.0,
        demo_poll_interval: Duration::from_millis(20),
        live_poll_interval_override: Some(Duration::from_millis(20)),
    })
    .await
    .expect("core starts")
}

/// Waits for the `Results` event of `task_id` (or a failure), bounded.
async fn results(rx: &mut broadcast::Receiver<UiEvent>, task_id: &str) -> TaskEvent {
    common::final_event(rx, task_id, common::FINISH_LIMIT).await
}

#[tokio::test]
async fn demo_mode_makes_a_grid_with_local_images_and_runs_u2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = start(dir.path(), Ok(())).await;
    let state = app.app_state();
    assert!(state.providers.iter().all(|p| p.demo && !p.key_set));
    let mut rx = app.subscribe();
    let view = app
        .submit(SubmitRequest {
            provider: ProviderKind::Linkr,
            prompt: "a lighthouse at dawn --ar 3:2".into(),
            model: None,
            aspect_ratio: None,
            reference_image: None,
        })
        .await
        .expect("submitted");
    assert!(view.demo);
    let done = results(&mut rx, &view.task.id).await;
    assert_eq!(done.task.task.status, TaskStatus::Succeeded);
    let media = &done.task.media;
    let grid = media.grid.as_deref().expect("grid downloaded");
    assert!(asset_file(grid).starts_with(dir.path()), "{grid}");
    assert!(asset_file(grid).is_file());
    assert_eq!(media.singles.len(), 4);
    assert!(media.error.is_none());

    let child = app
        .run_action(
            &view.task.id,
            &done
                .task
                .task
                .actions
                .iter()
                .find(|a| a.label == "U2")
                .expect("U2")
                .id,
            ActionInput::default(),
        )
        .await
        .expect("U2 submitted");
    assert_eq!(child.task.parent_id.as_deref(), Some(view.task.id.as_str()));
    assert!(child
        .parent_label
        .as_deref()
        .unwrap_or_default()
        .contains("lighthouse"));
    let up = results(&mut rx, &child.task.id).await;
    assert!(up.task.media.single.is_some(), "{:?}", up.task.media);
    assert!(up
        .task
        .task
        .actions
        .iter()
        .any(|a| a.label == "Vary (Strong)"));
    assert_eq!(
        app.list_tasks().first().map(|t| t.task.id.clone()),
        Some(child.task.id.clone())
    );
}

#[tokio::test]
async fn a_key_switches_a_provider_to_its_real_server_and_is_never_shown() {
    let real = Simulator::start(SimulatorConfig {
        speed: 400.0,
        linkr_key: "lkr_secret_e2e_abcd".into(),
        journey_key: "japi_live_secret_wxyz".into(),
        ..SimulatorConfig::default()
    })
    .await
    .expect("second simulator");
    let dir = tempfile::tempdir().expect("tempdir");
    let app = start(dir.path(), Ok(())).await;
    let settings = Settings {
        linkr_base_url: real.linkr_base_url(),
        journey_base_url: real.journey_base_url(),
        ..Settings::default()
    };
    app.save_settings(settings).await.expect("settings saved");

    let no_key = app
        .test_key(ProviderKind::Linkr)
        .await
        .expect_err("no key yet");
    assert_eq!(no_key.code.as_str(), "no_key");

    let state = app
        .set_key(ProviderKind::Linkr, "lkr_secret_e2e_abcd")
        .await
        .expect("key set");
    let linkr = &state.providers[0];
    assert!(linkr.key_set && !linkr.demo);
    assert_eq!(linkr.key_last4.as_deref(), Some("abcd"));
    let json = serde_json::to_string(&state).expect("json");
    assert!(
        !json.contains("lkr_secret_e2e_abcd"),
        "the key never crosses IPC"
    );

    let check = app.test_key(ProviderKind::Linkr).await.expect("tested");
    assert!(check.valid, "{check:?}");

    let mut rx = app.subscribe();
    real.clear_requests();
    let view = app
        .submit(SubmitRequest {
            provider: ProviderKind::Linkr,
            prompt: "a red fox".into(),
            model: None,
            aspect_ratio: None,
            reference_image: None,
        })
        .await
        .expect("submitted live");
    assert!(!view.demo);
    let done = results(&mut rx, &view.task.id).await;
    assert_eq!(done.task.task.status, TaskStatus::Succeeded);
    assert!(done.task.media.grid.is_some(), "{:?}", done.task.media);
    assert!(
        !real.requests().is_empty(),
        "the live request went to the configured server"
    );

    app.set_key(ProviderKind::Journey, "japi_live_wrong_0000")
        .await
        .expect("wrong key stored");
    let bad = app.test_key(ProviderKind::Journey).await;
    match bad {
        Ok(check) => assert!(
            !check.valid && check.message.to_lowercase().contains("rejected"),
            "{check:?}"
        ),
        Err(e) => assert!(e.message.to_lowercase().contains("rejected"), "{e:?}"),
    }
    let state = app
        .delete_key(ProviderKind::Journey)
        .await
        .expect("deleted");
    assert!(state.providers[1].demo);
}

#[tokio::test]
async fn without_a_keyring_keys_are_refused_with_a_plain_sentence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = start(
        dir.path(),
        Err(KeyStoreError::Unavailable {
            detail: "no D-Bus session".into(),
        }),
    )
    .await;
    let state = app.app_state();
    assert!(!state.keyring.available);
    assert!(state
        .keyring
        .message
        .as_deref()
        .unwrap_or_default()
        .starts_with("No system keyring available"));
    let err = app
        .set_key(ProviderKind::Linkr, "lkr_whatever_1234")
        .await
        .expect_err("refused");
    assert_eq!(err.code.as_str(), "keyring_unavailable");
    // Demo mode still works.
    assert!(app.app_state().providers.iter().all(|p| p.demo));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = start(dir.path(), Ok(())).await;
    app.simulator().clear_requests();
    let err = app
        .submit(SubmitRequest {
            provider: ProviderKind::Journey,
            prompt: "   ".into(),
            model: None,
            aspect_ratio: None,
            reference_image: None,
        })
        .await
        .expect_err("empty prompt refused");
    assert_eq!(err.code.as_str(), "invalid_input");
    assert!(app.simulator().requests().is_empty());
    let bad = app
        .save_settings(Settings {
            poll_interval_secs: 1,
            ..Settings::default()
        })
        .await;
    assert!(bad.is_err());
}

#[tokio::test]
async fn the_gallery_keeps_results_and_a_restart_resumes_running_tasks() {
    let real = Simulator::start(SimulatorConfig {
        speed: 40.0,
        linkr_key: "lkr_resume_test_1234".into(),
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = Arc::new(MemoryStore::new());
    let settings = Arc::new(MemorySettingsStore::default());
    let config = |keys: Arc<MemoryStore>, settings: Arc<MemorySettingsStore>| AtelierConfig {
        library_dir: dir.path().join("library"),
        key_store: keys,
        key_store_health: Ok(()),
        settings_store: settings,
        demo_speed: 400.0,
        demo_poll_interval: Duration::from_millis(20),
        live_poll_interval_override: Some(Duration::from_millis(20)),
    };
    let app = Atelier::start(config(keys.clone(), settings.clone()))
        .await
        .expect("start");
    app.save_settings(Settings {
        linkr_base_url: real.linkr_base_url(),
        ..Settings::default()
    })
    .await
    .expect("settings");
    app.set_key(ProviderKind::Linkr, "lkr_resume_test_1234")
        .await
        .expect("key");

    // One finished task with images in the gallery.
    let mut rx = app.subscribe();
    let done = app
        .submit(SubmitRequest {
            provider: ProviderKind::Linkr,
            prompt: "a glass lighthouse [[no-images]]".into(),
            model: None,
            aspect_ratio: None,
            reference_image: None,
        })
        .await
        .expect("submit");
    let finished = results(&mut rx, &done.task.id).await;
    assert_eq!(
        finished.task.media.singles.len(),
        4,
        "the grid was split locally: {:?}",
        finished.task.media
    );
    let page = app
        .gallery_search(Default::default())
        .await
        .expect("search");
    assert_eq!(page.total, Some(5), "grid + 4 singles");
    // A later page of the same query is not counted again.
    let later = app
        .gallery_search(atelier_library::GalleryQuery {
            cursor: Some(page.items[1].item.cursor()),
            ..Default::default()
        })
        .await
        .expect("a later page");
    assert_eq!((later.items.len(), later.total), (3, None));
    let found = app
        .gallery_search(atelier_library::GalleryQuery {
            text: Some("lightho".into()),
            ..Default::default()
        })
        .await
        .expect("search");
    assert_eq!(found.total, Some(5));
    let image = &page.items[0];
    assert!(
        image.thumb_src.starts_with("asset://") || image.thumb_src.starts_with("http://asset.")
    );
    let fav = app
        .set_favorite(image.item.image_id, true)
        .await
        .expect("favorite");
    assert!(fav.item.favorite);

    // Five tasks still running when the app goes away.
    real.set_speed(1.0);
    let mut running = Vec::new();
    for i in 0..5 {
        let v = app
            .submit(SubmitRequest {
                provider: ProviderKind::Linkr,
                prompt: format!("a slow fox number {i}"),
                model: None,
                aspect_ratio: None,
                reference_image: None,
            })
            .await
            .expect("submit");
        running.push(v.task.id);
    }
    drop(rx);
    drop(app);
    real.set_speed(200.0);

    let app = Atelier::start(config(keys, settings))
        .await
        .expect("restart");
    let listed: Vec<String> = app.list_tasks().into_iter().map(|t| t.task.id).collect();
    for id in &running {
        assert!(listed.contains(id), "task {id} is listed after the restart");
    }
    let mut rx = app.subscribe();
    let mut left: std::collections::HashSet<String> = running.iter().cloned().collect();
    tokio::time::timeout(Duration::from_secs(30), async {
        while !left.is_empty() {
            let ev = rx.recv().await.expect("events");
            let UiEvent::Update(ev) = ev else {
                continue;
            };
            if ev.change == TaskChange::Results && ev.task.task.status == TaskStatus::Succeeded {
                left.remove(&ev.task.task.id);
            }
        }
    })
    .await
    .expect("every resumed task finished");
    let again = app
        .gallery_search(atelier_library::GalleryQuery {
            favorites_only: true,
            ..Default::default()
        })
        .await
        .expect("favorites");
    assert_eq!(again.total, Some(1), "the favorite survived the restart");
    assert!(app.library().integrity_check().expect("integrity"));
    let detail = app
        .image_detail(again.items[0].item.image_id)
        .await
        .expect("detail");
    assert_eq!(detail.siblings.len(), 5);
    assert!(detail.task.is_some());
    app.delete_image(again.items[0].item.image_id)
        .await
        .expect("delete");
    assert!(
        !std::path::Path::new(&again.items[0].item.path).exists(),
        "the file is gone"
    );
}
