//! The harness shared by the core's integration tests: an app home that survives restarts,
//! run in the **demo** lane (the built-in simulator) or the **live** lane (keys in the key
//! store, the providers' base URLs at a second simulator that stands in for the real services
//! over real HTTP), and helpers that wait on the app's [`UiEvent`]s.
//!
//! Each test file takes it with `mod common;`.

// Every test binary compiles this module on its own and uses only part of it, so what one
// binary leaves unused is not dead code.
#![allow(dead_code)]

use atelier_core::view::TaskChange;
use atelier_core::{
    Atelier, AtelierConfig, LiveLimits, MemorySettingsStore, Settings, SubmitRequest, Submitted,
    TaskEvent, TaskView, UiEvent,
};
use atelier_keys::MemoryStore;
use atelier_providers::ProviderKind;
use atelier_simulator::{Simulator, SimulatorConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// How long [`finished`] waits for a task's final event.
pub const FINISH_LIMIT: Duration = Duration::from_secs(30);

/// Which lane a test runs in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lane {
    /// No key: the app's built-in simulator.
    Demo,
    /// Both keys saved and both providers pointed at the stand-in for the real services.
    Live,
}

/// The API keys the stand-in accepts and the live lane saves, one per provider.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    /// LinkrAPI's key.
    pub linkr: &'static str,
    /// JourneyAPI's key.
    pub journey: &'static str,
}

impl Keys {
    /// The key of `provider`.
    pub fn of(self, provider: ProviderKind) -> &'static str {
        match provider {
            ProviderKind::Linkr => self.linkr,
            ProviderKind::Journey => self.journey,
        }
    }
}

/// One app home (library, keys, settings) that survives restarts, and the stand-in for the
/// real services that the live lane talks to.
pub struct Home {
    dir: tempfile::TempDir,
    keys: Arc<MemoryStore>,
    settings: Arc<MemorySettingsStore>,
    api_keys: Keys,
    /// The stand-in for the real services.
    pub real: Simulator,
}

impl Home {
    /// An empty home, and a stand-in that accepts `keys`.
    pub async fn new(keys: Keys) -> Home {
        let real = Simulator::start(SimulatorConfig {
            speed: 400.0,
            linkr_key: keys.linkr.into(),
            journey_key: keys.journey.into(),
            ..SimulatorConfig::default()
        })
        .await
        .expect("the stand-in for the real services starts");
        Home {
            dir: tempfile::tempdir().expect("tempdir"),
            keys: Arc::new(MemoryStore::new()),
            settings: Arc::new(MemorySettingsStore::default()),
            api_keys: keys,
            real,
        }
    }

    /// Starts the app on this home (a first start or a restart).
    pub async fn start(&self) -> Atelier {
        self.start_with(LiveLimits::default()).await
    }

    /// [`Home::start`] with tighter deadlines.
    pub async fn start_with(&self, limits: LiveLimits) -> Atelier {
        Atelier::start_with_limits(
            AtelierConfig {
                library_dir: self.dir.path().join("library"),
                key_store: self.keys.clone(),
                key_store_health: Ok(()),
                settings_store: self.settings.clone(),
                demo_speed: 400.0,
                demo_poll_interval: Duration::from_millis(20),
                live_poll_interval_override: Some(Duration::from_millis(20)),
            },
            limits,
        )
        .await
        .expect("core starts")
    }

    /// Starts the app and, for the live lane, points both providers at the stand-in and saves
    /// both keys, the way a person does in Settings.
    pub async fn start_in(&self, lane: Lane) -> Atelier {
        self.start_in_with(lane, LiveLimits::default()).await
    }

    /// [`Home::start_in`] with tighter deadlines.
    pub async fn start_in_with(&self, lane: Lane, limits: LiveLimits) -> Atelier {
        let app = self.start_with(limits).await;
        if lane == Lane::Live {
            app.save_settings(Settings {
                linkr_base_url: self.real.linkr_base_url(),
                journey_base_url: self.real.journey_base_url(),
                ..Settings::default()
            })
            .await
            .expect("settings saved");
            app.set_key(ProviderKind::Linkr, self.api_keys.linkr)
                .await
                .expect("Linkr key saved");
            app.set_key(ProviderKind::Journey, self.api_keys.journey)
                .await
                .expect("Journey key saved");
        }
        app
    }

    /// Requests the stand-in received with a valid key.
    pub fn authenticated_requests(&self) -> usize {
        self.real.requests().iter().filter(|r| r.auth_ok).count()
    }
}

/// An Imagine of `prompt` on `provider`, with no other parameters.
pub fn imagine(provider: ProviderKind, prompt: &str) -> SubmitRequest {
    SubmitRequest {
        provider,
        prompt: prompt.into(),
        model: None,
        aspect_ratio: None,
        reference_image: None,
    }
}

/// Waits, at most `limit`, for the final event of `task_id`: its images archived
/// ([`TaskChange::Results`]) or its failure.
pub async fn final_event(
    rx: &mut broadcast::Receiver<UiEvent>,
    task_id: &str,
    limit: Duration,
) -> TaskEvent {
    tokio::time::timeout(limit, async {
        loop {
            let ev = rx.recv().await.expect("event stream open");
            let UiEvent::Update(ev) = ev else {
                continue;
            };
            if ev.task.task.id == task_id
                && matches!(ev.change, TaskChange::Results | TaskChange::Failed)
            {
                return *ev;
            }
        }
    })
    .await
    .expect("task finished in time")
}

/// The task of the final event of `task_id` (see [`final_event`]), within [`FINISH_LIMIT`].
pub async fn finished(rx: &mut broadcast::Receiver<UiEvent>, task_id: &str) -> TaskView {
    final_event(rx, task_id, FINISH_LIMIT).await.task
}

/// The task a submission sent at once; panics if it was queued instead.
pub fn sent(outcome: Submitted) -> TaskView {
    match outcome {
        Submitted::Sent { task } => *task,
        other => panic!("expected it sent at once, got {other:?}"),
    }
}

/// The task `id` as the app lists it now.
pub fn listed(app: &Atelier, id: &str) -> TaskView {
    app.list_tasks()
        .into_iter()
        .find(|t| t.task.id == id)
        .unwrap_or_else(|| panic!("task {id} is listed"))
}

/// The file behind an `asset://localhost/...` URL (percent-decoded).
pub fn asset_file(url: &str) -> PathBuf {
    let encoded = url
        .strip_prefix("asset://localhost/")
        .expect("an asset URL");
    let mut out = Vec::new();
    let b = encoded.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).expect("hex"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    PathBuf::from(String::from_utf8(out).expect("utf-8"))
}
