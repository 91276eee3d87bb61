//! The same flows in both lanes: **demo** (no key, the built-in simulator) and **live** (a key
//! in the key store, the provider's base URL pointing at a second simulator that stands in for
//! the real service over real HTTP), on both providers. Bugs that only a person with a key
//! meets are the worst kind, so every flow here runs in the live lane too.

mod common;

use atelier_core::view::TaskChange;
use atelier_core::{Atelier, LiveLimits, Settings, SubmitRequest, TaskView, UiEvent};
use atelier_providers::{ActionInput, ProviderKind, TaskStatus};
use atelier_simulator::Simulator;
use common::{finished, imagine, listed, sent, Home, Keys, Lane};
use std::time::Duration;
use tokio::sync::broadcast;

const KEYS: Keys = Keys {
    linkr: "lkr_lanes_test_key_1a2b",
    journey: "japi_live_lanes_test_3c4d",
};

/// Presses the button labelled `label` of `parent` and waits for the child to finish.
async fn press(
    app: &Atelier,
    rx: &mut broadcast::Receiver<UiEvent>,
    parent: &TaskView,
    label: &str,
) -> TaskView {
    let action = parent
        .task
        .actions
        .iter()
        .find(|a| a.label == label)
        .unwrap_or_else(|| panic!("{label} among {:?}", parent.task.actions));
    let child = app
        .run_action(&parent.task.id, &action.id, ActionInput::default())
        .await
        .unwrap_or_else(|e| panic!("{label} submitted: {e:?}"));
    let done = finished(rx, &child.task.id).await;
    assert_eq!(done.task.status, TaskStatus::Succeeded, "{label}: {done:?}");
    done
}

fn assert_grid_media(view: &TaskView, what: &str) {
    let media = &view.media;
    assert!(media.grid.is_some(), "{what}: grid shown: {media:?}");
    assert_eq!(media.singles.len(), 4, "{what}: four singles: {media:?}");
    for url in media.grid.iter().chain(&media.singles) {
        assert!(url.starts_with("asset://"), "{what}: a local file: {url}");
    }
}

/// Imagine, U2, Vary (Strong), then a restart: the Create feed shows every image again (from
/// the library) and each child's "from ..." link names its parent's prompt.
async fn create_then_restart(lane: Lane, provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    let prompt = format!("a glass lighthouse at dusk, {lane:?} {provider:?}");
    let submitted = app
        .submit(imagine(provider, &prompt))
        .await
        .expect("submit");
    assert_eq!(submitted.demo, lane == Lane::Demo);
    let grid = finished(&mut rx, &submitted.task.id).await;
    assert_eq!(grid.task.status, TaskStatus::Succeeded, "{grid:?}");
    assert_grid_media(&grid, "the new grid");
    let upscale = press(&app, &mut rx, &grid, "U2").await;
    assert!(upscale.media.single.is_some(), "{:?}", upscale.media);
    let vary = press(&app, &mut rx, &upscale, "Vary (Strong)").await;
    assert_grid_media(&vary, "the variation grid");
    if lane == Lane::Live {
        assert!(
            home.authenticated_requests() > 0,
            "the live lane used the server"
        );
    }
    drop(rx);
    drop(app);

    let app = home.start().await;
    let grid_again = listed(&app, &grid.task.id);
    assert_eq!(grid_again.demo, lane == Lane::Demo);
    assert_grid_media(&grid_again, "the grid after a restart");
    let upscale_again = listed(&app, &upscale.task.id);
    let single = upscale_again
        .media
        .single
        .as_deref()
        .expect("upscale shown");
    assert!(single.starts_with("asset://"), "{single}");
    assert_grid_media(
        &listed(&app, &vary.task.id),
        "the variation after a restart",
    );
    // Each child names its parent's prompt (the variation's parent is the upscale, which
    // carries the imagine's prompt), looked up in the library after the restart.
    for child in [&upscale_again, &listed(&app, &vary.task.id)] {
        let label = child.parent_label.as_deref().unwrap_or_default();
        assert!(
            label.contains("a glass lighthouse"),
            "{}: parent label {label:?}",
            child.task.id
        );
    }
    // The buttons of a finished task from the earlier run still work, in its own lane.
    let mut rx = app.subscribe();
    let again = press(&app, &mut rx, &upscale_again, "Vary (Subtle)").await;
    assert_eq!(again.demo, lane == Lane::Demo);
    assert_grid_media(&again, "a variation made after the restart");

    // The lineage view, opened from the upscale: the imagine on top, U2 under it, the two
    // variations under that (oldest first), each with its picture.
    let upscales = app
        .gallery_search(atelier_core::GalleryQuery {
            text: Some("glass lighthouse".into()),
            kind: Some(atelier_library::ImageKind::Upscale),
            ..Default::default()
        })
        .await
        .expect("search");
    let tree = app
        .lineage(upscales.items[0].item.image_id)
        .await
        .expect("lineage");
    let shape: Vec<(String, u32, String, bool)> = tree
        .nodes
        .iter()
        .map(|n| (n.task_id.clone(), n.depth, n.kind_label.clone(), n.current))
        .collect();
    assert_eq!(
        shape,
        vec![
            (grid.task.id.clone(), 0, "Imagine".to_string(), false),
            (upscale.task.id.clone(), 1, "Upscale 2".to_string(), true),
            (vary.task.id.clone(), 2, "Vary (Strong)".to_string(), false),
            (again.task.id.clone(), 2, "Vary (Subtle)".to_string(), false),
        ]
    );
    assert!(tree
        .nodes
        .iter()
        .all(|n| n.image.is_some() && !n.prompt_changed));
    assert!(tree.missing_parent.is_none() && !tree.truncated);
}

#[tokio::test]
async fn demo_linkr_create_buttons_and_restart() {
    create_then_restart(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn demo_journey_create_buttons_and_restart() {
    create_then_restart(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_linkr_create_buttons_and_restart() {
    create_then_restart(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_create_buttons_and_restart() {
    create_then_restart(Lane::Live, ProviderKind::Journey).await;
}

/// After "Remove", nothing is sent with the key any more: no poll of a running task, no
/// action on an older one (that says, in a sentence, that the key is missing and where to
/// add it). The running task waits rather than failing, and goes on once the key is back.
async fn removing_a_key_stops_its_use(provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(Lane::Live).await;
    let mut rx = app.subscribe();
    let done = app
        .submit(imagine(provider, "an old finished grid"))
        .await
        .expect("submit");
    let done = finished(&mut rx, &done.task.id).await;
    assert_eq!(done.task.status, TaskStatus::Succeeded);

    home.real.set_speed(1.0);
    let running = app
        .submit(imagine(provider, "a grid still running when the key goes"))
        .await
        .expect("submit");
    // Wait until the running task has been polled at least once with the key.
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let ev = rx.recv().await.expect("events");
            let UiEvent::Update(ev) = ev else {
                continue;
            };
            if ev.task.task.id == running.task.id && ev.change != TaskChange::Created {
                break;
            }
        }
    })
    .await
    .expect("the running task was polled");

    let state = app.delete_key(provider).await.expect("key removed");
    let status = state
        .providers
        .iter()
        .find(|p| p.provider == provider)
        .expect("provider listed");
    assert!(!status.key_set && status.demo);
    // A poll already on the wire may still land; from here on nothing may be sent.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = home.authenticated_requests();
    // 25 poll intervals of the live engine (20 ms each).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let err = app
        .run_action(
            &done.task.id,
            &done.task.actions[0].id,
            ActionInput::default(),
        )
        .await
        .expect_err("no key, no action");
    assert_eq!(err.code.as_str(), "no_key");
    let name = provider.display_name();
    assert!(
        err.message.contains(&format!("no {name} key is set")) && err.message.contains("Settings"),
        "{}",
        err.message
    );
    assert_eq!(
        home.authenticated_requests(),
        before,
        "no request with the removed key after its removal"
    );
    let waiting = listed(&app, &running.task.id);
    assert!(
        !waiting.task.status.is_final(),
        "the running task waits: {:?}",
        waiting.task.status
    );

    // With the key back, the waiting task is polled again and finishes.
    home.real.set_speed(400.0);
    app.set_key(provider, KEYS.of(provider))
        .await
        .expect("key back");
    let resumed = finished(&mut rx, &running.task.id).await;
    assert_eq!(resumed.task.status, TaskStatus::Succeeded, "{resumed:?}");
}

#[tokio::test]
async fn removing_the_linkr_key_stops_its_use_at_once() {
    removing_a_key_stops_its_use(ProviderKind::Linkr).await;
}

#[tokio::test]
async fn removing_the_journey_key_stops_its_use_at_once() {
    removing_a_key_stops_its_use(ProviderKind::Journey).await;
}

/// A model that answers the create call with the finished image (JourneyAPI's Flux, nano
/// banana...): the task is done when `submit` returns, without a poll, and its image is
/// archived and shown like any other.
async fn a_synchronous_model_shows_its_result_without_a_poll(lane: Lane) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    let view = app
        .submit(SubmitRequest {
            model: Some("flux-pro".into()),
            ..imagine(ProviderKind::Journey, "a lemon on a blue plate")
        })
        .await
        .expect("submit");
    assert_eq!(view.task.status, TaskStatus::Succeeded, "{view:?}");
    let done = finished(&mut rx, &view.task.id).await;
    let single = done.media.single.as_deref().expect("the image is shown");
    assert!(single.starts_with("asset://"), "{single}");
    if lane == Lane::Live {
        let polls = home
            .real
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/fetch") || r.path.ends_with("/fetch-many"))
            .count();
        assert_eq!(polls, 0, "no poll for a result that came with the answer");
    }
}

#[tokio::test]
async fn demo_synchronous_model() {
    a_synchronous_model_shows_its_result_without_a_poll(Lane::Demo).await;
}

#[tokio::test]
async fn live_synchronous_model() {
    a_synchronous_model_shows_its_result_without_a_poll(Lane::Live).await;
}

/// Midjourney's one-time "Thank you for subscribing" notice fails a LinkrAPI task: the card
/// says so in words (no JSON), and Retry (the same prompt again) works.
async fn the_welcome_notice_says_so_and_retry_works(lane: Lane) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    let prompt = "a harbour at night [[thank-you]]";
    let first = app
        .submit(imagine(ProviderKind::Linkr, prompt))
        .await
        .expect("submit");
    let failed = finished(&mut rx, &first.task.id).await;
    assert_eq!(failed.task.status, TaskStatus::Failed);
    let error = failed.task.error.unwrap_or_default();
    assert!(
        error.contains("welcome notice") && error.contains("Retry") && !error.contains('{'),
        "{error}"
    );
    assert!(failed.can_retry, "the card offers Retry");
    let again = app.retry(&first.task.id).await.expect("retry");
    assert_ne!(again.task.id, first.task.id, "a new task");
    let done = finished(&mut rx, &again.task.id).await;
    assert_eq!(done.task.status, TaskStatus::Succeeded, "{done:?}");
    assert!(!done.can_retry, "nothing to retry on a success");
    let refused = app
        .retry(&again.task.id)
        .await
        .expect_err("no retry of a success");
    assert_eq!(refused.code.as_str(), "invalid_input");
}

#[tokio::test]
async fn demo_welcome_notice() {
    the_welcome_notice_says_so_and_retry_works(Lane::Demo).await;
}

#[tokio::test]
async fn live_welcome_notice() {
    the_welcome_notice_says_so_and_retry_works(Lane::Live).await;
}

/// The bodies of the imagine requests `sim` received, oldest first.
fn imagine_bodies(sim: &Simulator) -> Vec<serde_json::Value> {
    sim.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/imagine"))
        .filter_map(|r| r.body)
        .collect()
}

/// Retry sends exactly what made the failed task, aspect ratio and model included, even after
/// a restart (what was sent is kept in the library), as a new task.
async fn retry_sends_exactly_what_was_sent(lane: Lane, provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    let request = SubmitRequest {
        provider,
        prompt: "a kite over the dunes [[fault:failed]]".into(),
        model: None,
        aspect_ratio: Some("3:2".into()),
        reference_image: None,
    };
    let first = app.submit(request).await.expect("submit");
    let failed = finished(&mut rx, &first.task.id).await;
    assert_eq!(failed.task.status, TaskStatus::Failed, "{failed:?}");
    assert!(failed.can_retry, "{failed:?}");
    let sent = {
        let sim = if lane == Lane::Demo {
            app.simulator()
        } else {
            &home.real
        };
        imagine_bodies(sim).pop().expect("the first imagine")
    };
    let aspect = sent.to_string();
    assert!(aspect.contains("3:2"), "the aspect ratio was sent: {sent}");

    app.shutdown();
    drop(app);
    let app = home.start().await;
    let mut rx = app.subscribe();
    assert!(
        listed(&app, &first.task.id).can_retry,
        "Retry is offered after a restart"
    );
    let again = app.retry(&first.task.id).await.expect("retry");
    assert_ne!(again.task.id, first.task.id, "Retry makes a new task");
    assert_eq!(again.demo, lane == Lane::Demo, "in the same lane");
    let resent = {
        let sim = if lane == Lane::Demo {
            app.simulator()
        } else {
            &home.real
        };
        imagine_bodies(sim).pop().expect("the retried imagine")
    };
    assert_eq!(resent, sent, "Retry sends exactly the same request");
    let retried = finished(&mut rx, &again.task.id).await;
    assert_eq!(
        retried.task.status,
        TaskStatus::Failed,
        "the marker fails it again"
    );
    assert!(retried.can_retry, "and it can be retried in turn");
}

#[tokio::test]
async fn demo_linkr_retry_sends_exactly_what_was_sent() {
    retry_sends_exactly_what_was_sent(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn demo_journey_retry_sends_exactly_what_was_sent() {
    retry_sends_exactly_what_was_sent(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_linkr_retry_sends_exactly_what_was_sent() {
    retry_sends_exactly_what_was_sent(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_retry_sends_exactly_what_was_sent() {
    retry_sends_exactly_what_was_sent(Lane::Live, ProviderKind::Journey).await;
}

/// A job slower than the app's deadline: the app stops waiting (TimedOut, re-checked until
/// `recheck_until`); "Check again" fetches once and never resubmits; across a restart the quiet
/// re-checks go on, and the late result becomes a normal finished task, archived in the
/// gallery and marked late. The server sees exactly one create request: nobody pays twice.
async fn a_late_result_is_never_lost(lane: Lane) {
    let home = Home::new(KEYS).await;
    let limits = || LiveLimits {
        deadline: Some(Duration::from_millis(400)),
        recheck_interval: Some(Duration::from_millis(100)),
        ..LiveLimits::default()
    };
    let app = home.start_in_with(lane, limits()).await;
    // ~20 simulated seconds at speed 4: about 5 s of real time, far past the deadline.
    home.real.set_speed(4.0);
    if lane == Lane::Demo {
        app.simulator().set_speed(4.0);
    }
    let mut rx = app.subscribe();
    let view = app
        .submit(imagine(ProviderKind::Linkr, "a slow relaxed lighthouse"))
        .await
        .expect("submit");
    let timed_out = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let ev = rx.recv().await.expect("events");
            let UiEvent::Update(ev) = ev else {
                continue;
            };
            if ev.task.task.id == view.task.id && ev.task.task.status == TaskStatus::TimedOut {
                return ev.task;
            }
        }
    })
    .await
    .expect("the app's deadline passed");
    assert!(timed_out.task.recheck_until.is_some(), "{timed_out:?}");
    let checked = app.check_again(&view.task.id).await.expect("checked");
    assert_eq!(checked.task.status, TaskStatus::TimedOut, "still running");
    assert!(checked.task.recheck_until.is_some());

    if lane == Lane::Live {
        // Closed while the job runs; the re-checks resume after the restart.
        app.shutdown();
        drop(rx);
        drop(app);
        let app = home.start_with(limits()).await;
        let mut rx = app.subscribe();
        let done = finished(&mut rx, &view.task.id).await;
        assert_late(&app, &done).await;
        let creates = home
            .real
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/imagine"))
            .count();
        assert_eq!(creates, 1, "one job, paid once");
    } else {
        // The demo's simulator starts afresh with each launch, so its re-checks stay in one run.
        let done = finished(&mut rx, &view.task.id).await;
        assert_late(&app, &done).await;
    }
}

async fn assert_late(app: &Atelier, done: &TaskView) {
    assert_eq!(done.task.status, TaskStatus::Succeeded, "{done:?}");
    assert!(done.task.finished_late, "marked late");
    assert!(done.task.recheck_until.is_none());
    assert_grid_media(done, "the late grid");
    let listed = listed(app, &done.task.id);
    assert!(listed.task.finished_late);
    let page = app
        .gallery_search(atelier_library::GalleryQuery {
            text: Some("relaxed".into()),
            ..Default::default()
        })
        .await
        .expect("search");
    assert_eq!(
        page.total,
        Some(5),
        "the late grid and its singles are in the gallery"
    );
}

#[tokio::test]
async fn demo_late_result_is_never_lost() {
    a_late_result_is_never_lost(Lane::Demo).await;
}

#[tokio::test]
async fn live_late_result_is_never_lost_even_across_a_restart() {
    a_late_result_is_never_lost(Lane::Live).await;
}

/// Progress travels as a small event (no task, no raw JSON): every one is at most 1 KB in both
/// lanes, while the task with its raw provider JSON (what each progress event carried before)
/// is several times that. Prints both sizes (`cargo test -p atelier-core --test lanes
/// progress_events -- --nocapture`).
async fn progress_events_are_small(lane: Lane, provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    // The rules and words the UI shows come from the core, in both lanes (the UI keeps no copy).
    let state = app.app_state();
    assert_eq!(state.rules, atelier_providers::Rules::current());
    let status = state
        .providers
        .iter()
        .find(|p| p.provider == provider)
        .expect("the provider is listed");
    assert_eq!(status.name, provider.display_name());
    assert!(status.models.iter().all(|m| !m.name.is_empty()));
    let view = app
        .submit(imagine(provider, "a lighthouse in a storm, long exposure"))
        .await
        .expect("submit");
    assert_eq!(view.task.kind_label, "Imagine");
    let mut progress_sizes = Vec::new();
    let mut update_sizes = Vec::new();
    let mut successes = 0;
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let ev = rx.recv().await.expect("events");
            let bytes = serde_json::to_vec(&ev).expect("serializes").len();
            match ev {
                UiEvent::Progress(p) if p.id == view.task.id => progress_sizes.push(bytes),
                UiEvent::Update(u) if u.task.task.id == view.task.id => {
                    update_sizes.push(bytes);
                    if u.task.task.status == TaskStatus::Succeeded {
                        successes += 1;
                    }
                    if u.change == TaskChange::Results {
                        break;
                    }
                }
                _ => {}
            }
        }
    })
    .await
    .expect("the task finished");
    let stored = app
        .library()
        .get_task(&view.task.id)
        .expect("library")
        .expect("stored");
    let with_raw = serde_json::to_vec(&stored.task).expect("task").len();
    let largest = progress_sizes.iter().copied().max().unwrap_or_default();
    eprintln!(
        "{lane:?} {provider:?}: {} progress events, largest {largest} B; {} updates, largest {} B; \
         the task with its raw JSON (each progress event before): {with_raw} B",
        progress_sizes.len(),
        update_sizes.len(),
        update_sizes.iter().max().copied().unwrap_or_default()
    );
    assert!(!progress_sizes.is_empty(), "progress was reported");
    assert!(largest <= 1024, "a progress event is {largest} bytes");
    assert!(largest * 3 < with_raw, "{largest} vs {with_raw}");
    assert_eq!(
        successes, 1,
        "success is told once, with the images archived"
    );
}

#[tokio::test]
async fn demo_linkr_progress_events_are_small() {
    progress_events_are_small(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_linkr_progress_events_are_small() {
    progress_events_are_small(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_progress_events_are_small() {
    progress_events_are_small(Lane::Live, ProviderKind::Journey).await;
}

#[tokio::test]
async fn demo_journey_progress_events_are_small() {
    progress_events_are_small(Lane::Demo, ProviderKind::Journey).await;
}

/// Waits for the `task-update` of `id` with `change`, and returns it.
async fn next_update(
    rx: &mut broadcast::Receiver<UiEvent>,
    id: &str,
    change: TaskChange,
) -> atelier_core::TaskEvent {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match rx.recv().await.expect("events") {
                UiEvent::Update(u) if u.task.task.id == id && u.change == change => return *u,
                _ => {}
            }
        }
    })
    .await
    .expect("the change arrives")
}

/// The OS notification of a finished and of a failed task: what it says, its thumbnail, once
/// per outcome, none when the person turned them off; and the running count the window title
/// shows.
async fn finished_and_failed_tasks_make_one_notice_each(lane: Lane, provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    assert!(app.settings().notifications, "on by default");
    let mut rx = app.subscribe();
    let done = app
        .submit(imagine(provider, "a paper boat on a puddle"))
        .await
        .expect("submit");
    let failing = app
        .submit(imagine(provider, "a boat that sinks [[fault:failed]]"))
        .await
        .expect("submit");
    assert_eq!(app.running_count(), 2, "both are running");

    // Both outcomes, in whichever order they come.
    let (mut finished, mut failed) = (None, None);
    tokio::time::timeout(Duration::from_secs(30), async {
        while finished.is_none() || failed.is_none() {
            if let UiEvent::Update(u) = rx.recv().await.expect("events") {
                if u.task.task.id == done.task.id && u.change == TaskChange::Results {
                    finished = Some(*u);
                } else if u.task.task.id == failing.task.id && u.change == TaskChange::Failed {
                    failed = Some(*u);
                }
            }
        }
    })
    .await
    .expect("both outcomes arrive");
    let (finished, failed) = (finished.expect("finished"), failed.expect("failed"));
    let notice = app
        .notice(&finished)
        .expect("a notice for the finished task");
    assert_eq!(notice.task_id, done.task.id);
    assert_eq!(notice.title, "Done: Imagine");
    assert_eq!(notice.body, "a paper boat on a puddle");
    let image = notice.image.expect("a thumbnail of the result");
    assert!(image.is_file(), "{image:?}");
    assert_eq!(app.notice(&finished), None, "told once");

    let notice = app.notice(&failed).expect("a notice for the failed task");
    assert_eq!(notice.title, "Failed: Imagine");
    assert!(
        notice.body.starts_with("a boat that sinks"),
        "{}",
        notice.body
    );
    assert_eq!(notice.image, None);
    assert_eq!(app.running_count(), 0, "nothing runs any more");

    // Turned off in Settings: nothing is told.
    app.save_settings(Settings {
        notifications: false,
        ..app.settings()
    })
    .await
    .expect("settings saved");
    let quiet = app
        .submit(imagine(provider, "a quiet pond"))
        .await
        .expect("submit");
    let finished = next_update(&mut rx, &quiet.task.id, TaskChange::Results).await;
    assert_eq!(app.notice(&finished), None, "notifications are off");
}

#[tokio::test]
async fn demo_linkr_notices() {
    finished_and_failed_tasks_make_one_notice_each(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn demo_journey_notices() {
    finished_and_failed_tasks_make_one_notice_each(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_linkr_notices() {
    finished_and_failed_tasks_make_one_notice_each(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_notices() {
    finished_and_failed_tasks_make_one_notice_each(Lane::Live, ProviderKind::Journey).await;
}

/// Starts the app in `lane` with `n` jobs at once for both providers.
async fn start_with_jobs_at_once(home: &Home, lane: Lane, n: u32) -> Atelier {
    let app = home.start_in(lane).await;
    app.save_settings(Settings {
        linkr_jobs_at_once: n,
        journey_jobs_at_once: n,
        ..app.settings()
    })
    .await
    .expect("settings saved");
    app
}

fn queued(outcome: atelier_core::Submitted) -> atelier_core::QueuedView {
    match outcome {
        atelier_core::Submitted::Queued { job } => job,
        other => panic!("expected it queued, got {other:?}"),
    }
}

/// Waits until the queue is empty (its `queue-changed` event says so).
async fn queue_empties(rx: &mut broadcast::Receiver<UiEvent>) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let UiEvent::Queue(q) = rx.recv().await.expect("events") {
                if q.is_empty() {
                    return;
                }
            }
        }
    })
    .await
    .expect("the queue empties");
}

/// Waits until the task with `prompt` is created (returning its id and the app's tasks at
/// that moment) .
async fn created_with_prompt(
    app: &Atelier,
    rx: &mut broadcast::Receiver<UiEvent>,
    prompt: &str,
) -> (String, Vec<TaskView>) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let UiEvent::Update(u) = rx.recv().await.expect("events") {
                if u.change == TaskChange::Created && u.task.task.prompt.as_deref() == Some(prompt)
                {
                    return (u.task.task.id.clone(), app.list_tasks());
                }
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the task {prompt:?} was never sent"))
}

/// Jobs beyond "jobs at once" wait in the local queue, numbered per provider; they can be
/// moved, cancelled (never sent) or sent now; the rest go out by themselves, in order, only
/// when a slot is free.
async fn jobs_beyond_the_limit_wait_their_turn(lane: Lane, provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = start_with_jobs_at_once(&home, lane, 1).await;
    let mut rx = app.subscribe();
    let a = sent(
        app.submit_or_queue(imagine(provider, "queue a: a lighthouse"))
            .await
            .expect("a"),
    );
    let b = queued(
        app.submit_or_queue(imagine(provider, "queue b: a barn"))
            .await
            .expect("b"),
    );
    let c = queued(
        app.submit_or_queue(imagine(provider, "queue c: a castle"))
            .await
            .expect("c"),
    );
    let d = queued(
        app.submit_or_queue(imagine(provider, "queue d: a dock"))
            .await
            .expect("d"),
    );
    assert_eq!((b.position, b.of), (1, 1));
    assert_eq!((d.position, d.of), (3, 3));
    assert_eq!(
        d.demo,
        lane == Lane::Demo,
        "it goes to the lane it was asked in"
    );

    // d to the front, b cancelled: d, c.
    app.move_queued(&d.id, -5).await.expect("moved");
    app.cancel_queued(&b.id).await.expect("cancelled");
    let order: Vec<String> = app.queue().into_iter().map(|v| v.id).collect();
    assert_eq!(order, [d.id.clone(), c.id.clone()]);

    // c now, whatever the limit: two run.
    let c_task = sent(app.send_queued_now(&c.id).await.expect("sent now"));
    assert_eq!(app.running_count(), 2);
    assert_eq!(app.queue().len(), 1);

    // d goes by itself once both a and c are done (one at once).
    let (_, tasks_then) = created_with_prompt(&app, &mut rx, "queue d: a dock").await;
    for id in [&a.task.id, &c_task.task.id] {
        let t = tasks_then
            .iter()
            .find(|v| &v.task.id == id)
            .expect("listed");
        assert!(
            t.task.status.is_final(),
            "{id} was done before d went: {:?}",
            t.task.status
        );
    }
    queue_empties(&mut rx).await;
    assert!(app.queue().is_empty(), "nothing waits any more");
    let stored = app.library().recent_tasks(50).expect("library");
    assert!(
        stored
            .iter()
            .all(|s| s.task.prompt.as_deref() != Some("queue b: a barn")),
        "a cancelled job is never sent"
    );
    app.shutdown();
}

#[tokio::test]
async fn demo_linkr_jobs_beyond_the_limit_wait_their_turn() {
    jobs_beyond_the_limit_wait_their_turn(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn demo_journey_jobs_beyond_the_limit_wait_their_turn() {
    jobs_beyond_the_limit_wait_their_turn(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_linkr_jobs_beyond_the_limit_wait_their_turn() {
    jobs_beyond_the_limit_wait_their_turn(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_jobs_beyond_the_limit_wait_their_turn() {
    jobs_beyond_the_limit_wait_their_turn(Lane::Live, ProviderKind::Journey).await;
}

/// The queue lives in the library: a job waiting when the app stops (or crashes) is there
/// after the restart and goes out by itself.
async fn the_queue_survives_a_restart(lane: Lane, provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = start_with_jobs_at_once(&home, lane, 1).await;
    sent(
        app.submit_or_queue(imagine(provider, "restart a: a windmill"))
            .await
            .expect("a"),
    );
    let waiting = queued(
        app.submit_or_queue(imagine(provider, "restart b: a watermill"))
            .await
            .expect("b"),
    );
    app.shutdown();
    drop(app);

    let app = home.start().await;
    let mut rx = app.subscribe();
    let after: Vec<String> = app.queue().into_iter().map(|v| v.id).collect();
    assert_eq!(after, [waiting.id], "the waiting job is back");
    let (id, _) = created_with_prompt(&app, &mut rx, "restart b: a watermill").await;
    let done = next_update(&mut rx, &id, TaskChange::Results).await;
    assert_eq!(done.task.task.status, TaskStatus::Succeeded);
    assert!(app.queue().is_empty());
    app.shutdown();
}

#[tokio::test]
async fn demo_queue_survives_a_restart() {
    the_queue_survives_a_restart(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_queue_survives_a_restart() {
    the_queue_survives_a_restart(Lane::Live, ProviderKind::Linkr).await;
}

/// A provider that answers "busy" (429) does not fail the job: it goes back into the queue
/// with the provider's wait and a sentence, and out again by itself when the wait is over.
async fn a_busy_provider_puts_the_job_back(lane: Lane, provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    // The first submit with this marker is answered 429 with Retry-After: 1.
    let prompt = "a busy harbour [[fault:429:1*1]]";
    let job = queued(
        app.submit_or_queue(imagine(provider, prompt))
            .await
            .expect("queued, not failed"),
    );
    let note = job.note.clone().unwrap_or_default();
    assert!(
        note.contains(provider.display_name()) && note.contains("busy"),
        "{note}"
    );
    assert!(job.not_before.is_some());
    assert_eq!(job.error, None);
    let (id, _) = created_with_prompt(&app, &mut rx, prompt).await;
    let done = next_update(&mut rx, &id, TaskChange::Results).await;
    assert_eq!(done.task.task.status, TaskStatus::Succeeded);
    assert!(app.queue().is_empty());
    app.shutdown();
}

#[tokio::test]
async fn demo_busy_provider_puts_the_job_back() {
    a_busy_provider_puts_the_job_back(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_busy_provider_puts_the_job_back() {
    a_busy_provider_puts_the_job_back(Lane::Live, ProviderKind::Journey).await;
}

/// Waits until every cell of `group_id`'s contact sheet is done (its task finished and its
/// image archived), checking after each task event.
async fn sheet_done(
    app: &Atelier,
    rx: &mut broadcast::Receiver<UiEvent>,
    group_id: &str,
) -> atelier_core::group::ContactSheet {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let sheet = app.contact_sheet(group_id).await.expect("the sheet reads");
            if sheet.cells.iter().all(|c| c.image.is_some()) {
                return sheet;
            }
            loop {
                match rx.recv().await {
                    Ok(UiEvent::Update(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => panic!("the app stopped"),
                    _ => {}
                }
            }
        }
    })
    .await
    .expect("every prompt of the group finishes")
}

/// A permutation prompt: planned (count and cost) before it is sent, then each of its prompts
/// goes through the local queue in order as one group; every task knows its place, and the
/// group reads back as a labelled contact sheet, also after a restart.
async fn a_permutation_prompt_becomes_a_group(lane: Lane, provider: ProviderKind) {
    let home = Home::new(KEYS).await;
    let app = start_with_jobs_at_once(&home, lane, 2).await;
    let mut rx = app.subscribe();
    let template = r"perm a {red, blue\, white} bird --ar {1:1, 16:9}";

    let plan = app.plan_prompt(provider, template, None);
    assert_eq!(plan.problem, None);
    assert_eq!(plan.prompts.len(), 4);
    let cost = match (lane, provider) {
        (Lane::Demo, _) => "4 prompts · free in the demo",
        (Lane::Live, ProviderKind::Journey) => "4 prompts · 16 credits",
        (Lane::Live, ProviderKind::Linkr) => {
            "4 prompts · no credits: each uses your Midjourney plan's time"
        }
    };
    assert_eq!(plan.summary, cost);
    let broken = app
        .submit_or_queue(imagine(provider, "a {red, blue bird"))
        .await
        .expect_err("broken braces are refused");
    assert!(
        broken.message.contains("never closed"),
        "{}",
        broken.message
    );
    assert!(app.queue().is_empty(), "nothing was queued for it");

    let (group_id, queued) = match app
        .submit_or_queue(imagine(provider, template))
        .await
        .expect("the group is queued")
    {
        atelier_core::Submitted::Group { group_id, queued } => (group_id, queued),
        other => panic!("expected a group, got {other:?}"),
    };
    assert_eq!(queued.len(), 4);
    let places: Vec<(u32, u32)> = queued
        .iter()
        .map(|j| {
            j.group
                .as_ref()
                .map(|g| (g.position, g.count))
                .expect("grouped")
        })
        .collect();
    assert_eq!(places, [(1, 4), (2, 4), (3, 4), (4, 4)]);
    assert!(queued.iter().all(|j| j.demo == (lane == Lane::Demo)));

    let sheet = sheet_done(&app, &mut rx, &group_id).await;
    assert_eq!(sheet.template, template);
    assert_eq!(sheet.rows, ["red", "blue, white"]);
    assert_eq!(sheet.columns, ["1:1", "16:9"]);
    let last = &sheet.cells[3];
    assert_eq!((last.row, last.column), (1, 1));
    assert_eq!(last.prompt, "perm a blue, white bird --ar 16:9");
    assert_eq!(last.state, atelier_core::group::CellState::Done);

    // Sent in order, each exactly as expanded.
    let sent: Vec<String> = match lane {
        Lane::Live => imagine_bodies(&home.real)
            .iter()
            .filter_map(|b| b["prompt"].as_str().map(str::to_string))
            .collect(),
        Lane::Demo => {
            let mut stored = app.library().recent_tasks(10).expect("library");
            stored.reverse();
            stored.into_iter().filter_map(|s| s.task.prompt).collect()
        }
    };
    let expected: Vec<&str> = sheet.cells.iter().map(|c| c.prompt.as_str()).collect();
    assert_eq!(
        sent.iter()
            .filter(|p| p.starts_with("perm"))
            .collect::<Vec<_>>(),
        expected
    );

    // Each task knows its place and choices, also after a restart.
    app.shutdown();
    drop(app);
    let app = home.start().await;
    for cell in &sheet.cells {
        let id = cell.task_id.as_deref().expect("sent");
        let group = listed(&app, id).group.expect("in the group");
        assert_eq!(
            (group.id.as_str(), group.position),
            (group_id.as_str(), cell.position)
        );
    }
    assert_eq!(
        listed(&app, sheet.cells[1].task_id.as_deref().expect("sent"))
            .group
            .map(|g| g.choices),
        Some(vec!["red".to_string(), "16:9".into()])
    );
    let again = app.contact_sheet(&group_id).await.expect("after a restart");
    // The same cells with the same images. A cell's picture may have been the original
    // then and its thumbnail now: thumbnails are made after the card has its images.
    let same_images = |cells: &[atelier_core::group::SheetCell]| {
        cells
            .iter()
            .map(|c| {
                let image = c.image.as_ref().map(|i| i.item.image_id);
                (
                    c.position,
                    c.row,
                    c.column,
                    c.prompt.clone(),
                    c.task_id.clone(),
                    c.state,
                    image,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(same_images(&again.cells), same_images(&sheet.cells));
    app.shutdown();
}

#[tokio::test]
async fn demo_linkr_permutation_prompt_becomes_a_group() {
    a_permutation_prompt_becomes_a_group(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn demo_journey_permutation_prompt_becomes_a_group() {
    a_permutation_prompt_becomes_a_group(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_linkr_permutation_prompt_becomes_a_group() {
    a_permutation_prompt_becomes_a_group(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_permutation_prompt_becomes_a_group() {
    a_permutation_prompt_becomes_a_group(Lane::Live, ProviderKind::Journey).await;
}

/// Imagines `prompt` and presses `button` (an upscale) on the grid; returns the gallery
/// query for `words` and its first page: the grid, its four singles and the upscale.
async fn grid_and_upscale(
    app: &Atelier,
    rx: &mut broadcast::Receiver<UiEvent>,
    provider: ProviderKind,
    prompt: &str,
    words: &str,
    button: &str,
) -> (
    atelier_core::GalleryQuery,
    atelier_core::gallery::GalleryResults,
) {
    let submitted = app.submit(imagine(provider, prompt)).await.expect("submit");
    let grid = finished(rx, &submitted.task.id).await;
    assert_eq!(grid.task.status, TaskStatus::Succeeded, "{grid:?}");
    press(app, rx, &grid, button).await;
    let query = atelier_core::GalleryQuery {
        text: Some(words.into()),
        ..Default::default()
    };
    let images = app.gallery_search(query.clone()).await.expect("search");
    assert_eq!(images.items.len(), 6, "{:?}", images.items);
    (query, images)
}

/// The gallery workbench on images a lane made: a collection, a selection of "every match
/// but one" added to it, favorites and a delete through bulk actions (with their progress
/// events), the collection as a filter, and all of it the same after a restart.
async fn the_gallery_workbench_keeps_its_collections(lane: Lane, provider: ProviderKind) {
    use atelier_core::selection::{BulkAction, Selection};
    use atelier_core::{ErrorCode, GalleryQuery};

    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    let prompt = format!("a paper crane on a windowsill, workbench {lane:?} {provider:?}");
    let (crane, images) =
        grid_and_upscale(&app, &mut rx, provider, &prompt, "paper crane", "U1").await;
    assert!(images
        .items
        .iter()
        .all(|i| i.item.demo == (lane == Lane::Demo)));
    let ids: Vec<i64> = images.items.iter().map(|i| i.item.image_id).collect();

    let picked = app
        .create_collection("  Cranes ".into())
        .await
        .expect("collection");
    assert_eq!((picked.name.as_str(), picked.count), ("Cranes", 0));
    let taken = app
        .create_collection("CRANES".into())
        .await
        .expect_err("a taken name");
    assert_eq!(taken.code, ErrorCode::InvalidInput);
    assert!(taken.message.contains("already"), "{}", taken.message);

    // Ctrl+A on the search, one unticked, then "Add to collection".
    let all_but_one = Selection::AllMatching {
        query: crane.clone(),
        except: vec![ids[0]],
    };
    let added = app
        .bulk_apply(
            "add-1".into(),
            all_but_one,
            BulkAction::AddToCollection {
                collection_id: picked.id,
            },
        )
        .await
        .expect("added");
    assert_eq!((added.total, added.done, added.changed), (5, 5, 5));
    assert!(!added.cancelled);
    // its progress was told: from 0 to all of it, under its id
    let mut told = Vec::new();
    while let Ok(ev) = rx.try_recv() {
        if let UiEvent::Bulk(p) = ev {
            told.push((p.op_id, p.done, p.total));
        }
    }
    assert_eq!(
        told,
        vec![("add-1".to_string(), 0, 5), ("add-1".to_string(), 5, 5)]
    );

    let two = Selection::Images {
        ids: vec![ids[1], ids[2], ids[1]],
    };
    let favs = app
        .bulk_apply("fav-1".into(), two, BulkAction::Favorite)
        .await
        .expect("favorites");
    assert_eq!((favs.total, favs.changed), (2, 2));
    let gone = app
        .bulk_apply(
            "del-1".into(),
            Selection::Images { ids: vec![ids[3]] },
            BulkAction::Delete,
        )
        .await
        .expect("deleted");
    assert_eq!(gone.changed, 1);
    assert!(
        !app.bulk_cancel("del-1"),
        "nothing runs under a finished id"
    );

    let detail = app.image_detail(ids[1]).await.expect("detail");
    assert_eq!(detail.collections, vec![picked.id]);
    let in_collection = GalleryQuery {
        collection: Some(picked.id),
        ..Default::default()
    };
    let want: Vec<i64> = vec![ids[1], ids[2], ids[4], ids[5]];
    let members = |r: atelier_core::gallery::GalleryResults| {
        let mut got: Vec<i64> = r.items.iter().map(|i| i.item.image_id).collect();
        got.sort_unstable();
        got
    };
    let mut want_sorted = want.clone();
    want_sorted.sort_unstable();
    assert_eq!(
        members(
            app.gallery_search(in_collection.clone())
                .await
                .expect("filter")
        ),
        want_sorted
    );

    // a deleted collection is a sentence, and nothing is done
    let doomed = app
        .create_collection("doomed".into())
        .await
        .expect("doomed");
    app.delete_collection(doomed.id).await.expect("deleted");
    let err = app
        .bulk_apply(
            "add-2".into(),
            Selection::Images { ids: vec![ids[5]] },
            BulkAction::AddToCollection {
                collection_id: doomed.id,
            },
        )
        .await
        .expect_err("no such collection");
    assert_eq!(err.code, ErrorCode::NotFound);
    drop(rx);
    drop(app);

    let app = home.start().await;
    let list = app.collections().await.expect("collections");
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!((list[0].name.as_str(), list[0].count), ("Cranes", 4));
    assert_eq!(
        members(
            app.gallery_search(in_collection.clone())
                .await
                .expect("filter")
        ),
        want_sorted
    );
    let fav_in_collection = GalleryQuery {
        favorites_only: true,
        ..in_collection
    };
    let favs = app
        .gallery_search(fav_in_collection)
        .await
        .expect("favorites");
    assert_eq!(favs.total, Some(2));
    let renamed = app
        .rename_collection(list[0].id, "Paper cranes".into())
        .await
        .expect("rename");
    assert_eq!(renamed.count, 4);
}

#[tokio::test]
async fn demo_linkr_gallery_workbench() {
    the_gallery_workbench_keeps_its_collections(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn demo_journey_gallery_workbench() {
    the_gallery_workbench_keeps_its_collections(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_linkr_gallery_workbench() {
    the_gallery_workbench_keeps_its_collections(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_gallery_workbench() {
    the_gallery_workbench_keeps_its_collections(Lane::Live, ProviderKind::Journey).await;
}

/// Export then import: a lane's images (a grid, its singles and an upscale), one a
/// favorite, two in a collection, exported as a zip with progress, imported into a fresh
/// app, and every field the gallery shows compared; a second import adds nothing.
async fn an_export_moves_a_lane_s_images_to_another_library(lane: Lane, provider: ProviderKind) {
    use atelier_core::selection::{BulkAction, Selection};
    use atelier_core::ExportFormat;

    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    let prompt = format!("a lighthouse in fog --ar 3:2, export {lane:?} {provider:?}");
    let (query, images) =
        grid_and_upscale(&app, &mut rx, provider, &prompt, "lighthouse", "U2").await;
    let ids: Vec<i64> = images.items.iter().map(|i| i.item.image_id).collect();
    let shelf = app
        .create_collection("Shelf".into())
        .await
        .expect("collection");
    for (op, selection, action) in [
        ("f", vec![ids[0]], BulkAction::Favorite),
        (
            "c",
            vec![ids[0], ids[3]],
            BulkAction::AddToCollection {
                collection_id: shelf.id,
            },
        ),
    ] {
        app.bulk_apply(op.into(), Selection::Images { ids: selection }, action)
            .await
            .expect("bulk");
    }
    while rx.try_recv().is_ok() {}

    let out = tempfile::tempdir().expect("out");
    let exported = app
        .export_images(
            "export-1".into(),
            Selection::AllMatching {
                query: query.clone(),
                except: vec![],
            },
            out.path().display().to_string(),
            "Lighthouse".into(),
            ExportFormat::Zip,
        )
        .await
        .expect("export");
    assert_eq!((exported.images, exported.cancelled), (6, false));
    assert!(
        exported.path.ends_with("Lighthouse.zip"),
        "{}",
        exported.path
    );
    let mut last = None;
    while let Ok(ev) = rx.try_recv() {
        if let UiEvent::Bulk(p) = ev {
            last = Some((p.op_id, p.done, p.total));
        }
    }
    assert_eq!(
        last,
        Some(("export-1".to_string(), 6, 6)),
        "the last step is told"
    );
    let again = app
        .export_images(
            "export-2".into(),
            Selection::Images { ids: ids.clone() },
            out.path().display().to_string(),
            "Lighthouse".into(),
            ExportFormat::Zip,
        )
        .await
        .expect_err("the name is taken");
    assert!(again.message.contains("already"), "{}", again.message);

    // Another machine: a fresh library.
    let other = Home::new(KEYS).await;
    let fresh = other.start().await;
    let summary = fresh
        .import_export("import-1".into(), exported.path.clone())
        .await
        .expect("import");
    assert_eq!(
        (
            summary.tasks,
            summary.images,
            summary.collections_created,
            summary.skipped_tasks
        ),
        (2, 6, 1, 0),
        "{summary:?}"
    );
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);
    let seen = |r: atelier_core::gallery::GalleryResults| {
        let mut rows: Vec<_> = r
            .items
            .into_iter()
            .map(|i| {
                let bytes = std::fs::read(&i.item.path).expect("original");
                let it = i.item;
                (
                    (it.task_id, it.slot),
                    (
                        it.parent_id,
                        it.provider,
                        it.kind,
                        it.kind_label,
                        it.prompt,
                        it.model,
                    ),
                    (
                        it.created_at,
                        it.width,
                        it.height,
                        it.bytes,
                        it.favorite,
                        it.demo,
                    ),
                    bytes,
                )
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    };
    let before = seen(app.gallery_search(query.clone()).await.expect("before"));
    let after = seen(fresh.gallery_search(query.clone()).await.expect("after"));
    assert_eq!(after, before, "every field and every byte");
    let shelves = fresh.collections().await.expect("collections");
    assert_eq!(shelves.len(), 1);
    assert_eq!((shelves[0].name.as_str(), shelves[0].count), ("Shelf", 2));
    let second = fresh
        .import_export("import-2".into(), exported.path.clone())
        .await
        .expect("import again");
    assert_eq!(
        (second.tasks, second.images, second.skipped_tasks),
        (0, 0, 2)
    );
    let not_there = fresh
        .import_export(
            "import-3".into(),
            out.path().join("nothing.zip").display().to_string(),
        )
        .await
        .expect_err("no such file");
    assert_eq!(
        not_there.code,
        atelier_core::ErrorCode::Io,
        "{}",
        not_there.message
    );
}

#[tokio::test]
async fn demo_linkr_export_import() {
    an_export_moves_a_lane_s_images_to_another_library(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn demo_journey_export_import() {
    an_export_moves_a_lane_s_images_to_another_library(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_linkr_export_import() {
    an_export_moves_a_lane_s_images_to_another_library(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_export_import() {
    an_export_moves_a_lane_s_images_to_another_library(Lane::Live, ProviderKind::Journey).await;
}

/// Drag out on a lane's images: the files a drag carries are the originals byte for byte,
/// under export names, one per image of the selection (a picked pair, then every match of a
/// search), made afresh for each drag; an image whose file is gone is left out, and a
/// selection over the limit is refused with a sentence.
async fn a_drag_out_carries_the_originals(lane: Lane, provider: ProviderKind) {
    use atelier_core::selection::Selection;
    use atelier_core::DRAG_OUT_MAX_IMAGES;

    let home = Home::new(KEYS).await;
    let app = home.start_in(lane).await;
    let mut rx = app.subscribe();
    let prompt = format!("a brass compass on a map, drag out {lane:?} {provider:?}");
    let (query, images) =
        grid_and_upscale(&app, &mut rx, provider, &prompt, "brass compass", "U2").await;
    let pair: Vec<_> = images.items.iter().take(2).map(|i| &i.item).collect();
    let dragged = app
        .drag_out_files(Selection::Images {
            ids: pair.iter().map(|i| i.image_id).collect(),
        })
        .await
        .expect("drag out");
    assert_eq!(dragged.files.len(), 2, "{dragged:?}");
    for (file, item) in dragged.files.iter().zip(&pair) {
        assert!(file.is_absolute(), "{file:?}");
        let name = file.file_name().and_then(|n| n.to_str()).expect("a name");
        assert!(name.contains("brass-compass-on-a-map"), "{name}");
        assert!(name.contains(&item.task_id), "{name}");
        assert_eq!(
            std::fs::read(file).expect("dragged"),
            std::fs::read(&item.path).expect("original"),
            "byte for byte"
        );
    }
    let icon = image::load_from_memory(dragged.icon.as_deref().expect("an icon")).expect("a PNG");
    assert!(icon.width().max(icon.height()) <= 96, "a small icon");

    // Every match of the search: the six images; the previous drag's files are gone.
    let all = app
        .drag_out_files(Selection::AllMatching {
            query: query.clone(),
            except: vec![],
        })
        .await
        .expect("drag out all");
    assert_eq!(all.files.len(), 6);
    let folder = all.files[0].parent().expect("a folder").to_path_buf();
    assert_eq!(std::fs::read_dir(&folder).expect("list").count(), 6);

    // An original gone from disk: the others still go.
    std::fs::remove_file(&pair[0].path).expect("remove");
    let rest = app
        .drag_out_files(Selection::Images {
            ids: pair.iter().map(|i| i.image_id).collect(),
        })
        .await
        .expect("drag out the rest");
    assert_eq!(rest.files.len(), 1);

    let too_many = app
        .drag_out_files(Selection::Images {
            ids: (1..=(DRAG_OUT_MAX_IMAGES as i64 + 1)).collect(),
        })
        .await
        .expect_err("too many");
    assert!(
        too_many.message.contains("Export them instead"),
        "{}",
        too_many.message
    );
}

#[tokio::test]
async fn demo_linkr_drag_out() {
    a_drag_out_carries_the_originals(Lane::Demo, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn demo_journey_drag_out() {
    a_drag_out_carries_the_originals(Lane::Demo, ProviderKind::Journey).await;
}

#[tokio::test]
async fn live_linkr_drag_out() {
    a_drag_out_carries_the_originals(Lane::Live, ProviderKind::Linkr).await;
}

#[tokio::test]
async fn live_journey_drag_out() {
    a_drag_out_carries_the_originals(Lane::Live, ProviderKind::Journey).await;
}
