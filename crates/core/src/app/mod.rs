//! [`Atelier`]: the app's use-cases behind one handle, one method per thing the UI can ask,
//! split by job: [`state`] (settings and the chrome), [`keys`], [`tasks`], [`gallery`] and
//! [`events`] (engine events into the library and the UI); [`lane`] holds the two lanes.
//!
//! Two engines run side by side: the *demo* engine talks to the built-in simulator (always
//! running, in-process, on a free loopback port) and the *live* engine to the real providers.
//! A provider without a key in the keyring is served by the demo engine. Keeping the two apart
//! means a task started in demo mode keeps polling the simulator even after a key is added,
//! and the other way round.

use crate::demo::{demo_client, remember_finished, DEMO_JOURNEY_KEY, DEMO_LINKR_KEY};
use crate::endpoints::PROVIDERS;
use crate::error::{AppError, ErrorCode};
use crate::recorder::Recorder;
use crate::settings::{load_settings, Settings, SettingsStore};
use crate::view::{KeyringStatus, TaskMedia, UiEvent};
use atelier_engine::{Engine, EngineConfig, ModeLimits};
use atelier_keys::{KeyStore, KeyStoreError};
use atelier_library::{Library, LibraryError};
use atelier_providers::ProviderKind;
use atelier_simulator::{Simulator, SimulatorConfig};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;

/// How an [`Atelier`] is put together; the shell fills it from Tauri's paths and plugins.
pub struct AtelierConfig {
    /// The library folder: the gallery database and every downloaded image
    /// (`<app data>/library`).
    pub library_dir: PathBuf,
    /// The key storage (the OS keyring in the app, memory in tests).
    pub key_store: Arc<dyn KeyStore>,
    /// `Err` when the key storage is not usable (no Secret Service...): keys cannot be set.
    pub key_store_health: Result<(), KeyStoreError>,
    /// Where settings are kept.
    pub settings_store: Arc<dyn SettingsStore>,
    /// How fast the demo simulator's time runs (1.0 = realistic ~20 s per imagine).
    pub demo_speed: f64,
    /// Seconds between polls in demo mode (the simulator may be polled faster than 5 s).
    pub demo_poll_interval: Duration,
    /// Overrides the poll interval of real providers (tests); `None` uses the setting.
    pub live_poll_interval_override: Option<Duration>,
}

/// Limits of the live engine and clients that the app leaves at their production values;
/// tests tighten them so deadlines and hung requests play out in seconds
/// ([`Atelier::start_with_limits`]). `Default` changes nothing.
#[derive(Debug, Clone, Default)]
pub struct LiveLimits {
    /// How long one request to a real provider may take (`None`: the clients' 30 s).
    pub request_timeout: Option<Duration>,
    /// When a task is given up, whatever its mode and provider, with no margin (`None`: the
    /// mode's own limit, turbo 10 / fast 15 / relax 60 minutes, plus the engine's margin).
    /// Applies to the demo engine too, so both lanes can be tested.
    pub deadline: Option<Duration>,
    /// How often a task past the app's deadline is re-checked (`None`: every 5 minutes).
    /// Applies to the demo engine too.
    pub recheck_interval: Option<Duration>,
}

impl LiveLimits {
    /// `config` with these limits applied.
    fn apply(&self, mut config: EngineConfig) -> EngineConfig {
        if let Some(d) = self.deadline {
            config.mode_limits = ModeLimits::uniform(d);
            config.deadline_margin = Duration::ZERO;
            config.deadline_margin_ratio = 0.0;
        }
        if let Some(every) = self.recheck_interval {
            config.recheck_interval = every;
        }
        config
    }
}

/// How long the gallery's queries stop before the library gives back the memory it keeps to
/// answer them fast (its mapped file pages and page caches: `Library::release_memory`).
const LIBRARY_QUIET: Duration = Duration::from_secs(10);

/// The running application core. Cheap to clone; every clone is the same app.
#[derive(Clone)]
pub struct Atelier {
    inner: Arc<Inner>,
}

struct Inner {
    settings: RwLock<Settings>,
    settings_store: Arc<dyn SettingsStore>,
    key_store: Arc<dyn KeyStore>,
    keyring: KeyringStatus,
    /// Last four characters of each stored key (the key itself lives only in the keyring and
    /// in the live client that uses it).
    key_last4: Mutex<HashMap<ProviderKind, String>>,
    simulator: Simulator,
    /// The built-in simulator's lane, serving every provider without a key.
    demo: Lane,
    /// The real providers' lane, with the person's keys.
    live: Lane,
    /// The image folder and its one download policy.
    images: Images,
    /// The gallery database and image folder.
    library: Arc<Library>,
    /// Gives the library's memory back once the gallery's queries have stopped for a while.
    library_quiet: crate::quiet::AfterQuiet,
    /// The one writer of task rows (see [`Recorder`]).
    recorder: Recorder,
    /// Engine events the forwarder missed because it fell behind (0 when healthy).
    missed_events: AtomicU64,
    media: Mutex<HashMap<String, TaskMedia>>,
    /// One turn at a time at the local queue: asking, moving, sending (see `queue`).
    dispatch: tokio::sync::Mutex<()>,
    /// Wakes the queue's dispatcher.
    queue_wake: tokio::sync::Notify,
    /// Set by [`Atelier::shutdown`]: the dispatcher stops.
    shut_down: std::sync::atomic::AtomicBool,
    /// The outcomes already told in an OS notification (task id, status): one each.
    notified: Mutex<std::collections::HashSet<(String, atelier_providers::TaskStatus)>>,
    /// Each task's place in its permutation group (None: not in one), read from the library
    /// once per task.
    groups: Mutex<HashMap<String, Option<crate::group::GroupRef>>>,
    credits: Mutex<Option<i64>>,
    /// The cancel flag of each bulk action running now, by the UI's op id.
    bulk_ops: Mutex<HashMap<String, Arc<std::sync::atomic::AtomicBool>>>,
    events: broadcast::Sender<UiEvent>,
    live_poll_override: Option<Duration>,
    /// The live clients' request timeout, when tightened.
    live_request_timeout: Option<Duration>,
}

mod collections;
mod drag_out;
mod events;
mod gallery;
mod groups;
mod keys;
mod lane;
mod notices;
mod queue;
mod sources;

pub use drag_out::{DragOutFiles, DRAG_OUT_MAX_IMAGES};
pub use gallery::ClipboardImage;
pub use lane::LaneKind;
use lane::{Images, Lane};
pub use transfer::TransferDefaults;
mod state;
mod tasks;
mod transfer;

impl Atelier {
    /// Starts the core: loads settings, reads which keys exist, starts the demo simulator and
    /// both engines, and begins forwarding their events. Must run inside a tokio runtime.
    pub async fn start(cfg: AtelierConfig) -> Result<Self, AppError> {
        Self::start_with_limits(cfg, LiveLimits::default()).await
    }

    /// [`Atelier::start`] with tighter limits for the live engine and clients (tests).
    pub async fn start_with_limits(
        cfg: AtelierConfig,
        limits: LiveLimits,
    ) -> Result<Self, AppError> {
        let settings = load_settings(cfg.settings_store.as_ref());
        let library = tokio::task::spawn_blocking({
            let dir = cfg.library_dir.clone();
            move || Library::open(&dir)
        })
        .await
        .map_err(|e| AppError::internal(e.to_string()))?
        .map_err(|e| AppError::new(ErrorCode::Library, e.to_string()))?;
        let library = Arc::new(library);
        let simulator = Simulator::start(SimulatorConfig {
            speed: cfg.demo_speed,
            linkr_key: DEMO_LINKR_KEY.into(),
            journey_key: DEMO_JOURNEY_KEY.into(),
            ..SimulatorConfig::default()
        })
        .await
        .map_err(|e| {
            AppError::internal(format!(
                "The built-in demo could not start ({e}). Restart Atelier."
            ))
        })?;

        // The simulator starts empty: it takes back the finished demo tasks of the feed, so
        // their buttons work after a restart as the live lane's do.
        match library.recent_tasks(RECENT_TASKS) {
            Ok(recent) => {
                let n = remember_finished(&simulator, &recent);
                tracing::debug!(tasks = n, "the demo took back earlier finished tasks");
            }
            Err(e) => tracing::warn!("could not read recent tasks for the demo: {e}"),
        }
        let keyring = match &cfg.key_store_health {
            Ok(()) => KeyringStatus {
                available: true,
                message: None,
            },
            Err(e) => KeyringStatus {
                available: false,
                message: Some(e.to_string()),
            },
        };

        let demo = Engine::new(limits.apply(EngineConfig {
            poll_interval: cfg.demo_poll_interval,
            min_interval: cfg.demo_poll_interval,
            default_mode: settings.midjourney_mode,
            ..EngineConfig::default()
        }));
        let live_interval = cfg
            .live_poll_interval_override
            .unwrap_or(Duration::from_secs(u64::from(settings.poll_interval_secs)));
        let mut live_config = EngineConfig {
            poll_interval: live_interval,
            ..EngineConfig::default()
        };
        if let Some(fast) = cfg.live_poll_interval_override {
            // Tests point the live engine at the simulator, which may be polled faster.
            live_config.min_interval = fast;
        }
        live_config.default_mode = settings.midjourney_mode;
        let live = Engine::new(limits.apply(live_config));
        for provider in PROVIDERS {
            demo.register_client(provider, demo_client(provider, &simulator)?);
        }
        let (events, _) = broadcast::channel(1024);
        let inner = Arc::new(Inner {
            images: Images::new(library.image_cache(false), library.image_cache(true)),
            recorder: Recorder::start(library.clone()),
            missed_events: AtomicU64::new(0),
            library_quiet: crate::quiet::AfterQuiet::new(LIBRARY_QUIET),
            library,
            settings: RwLock::new(settings),
            settings_store: cfg.settings_store,
            key_store: cfg.key_store,
            keyring,
            key_last4: Mutex::new(HashMap::new()),
            simulator,
            demo: Lane {
                kind: LaneKind::Demo,
                engine: demo,
            },
            live: Lane {
                kind: LaneKind::Live,
                engine: live,
            },
            media: Mutex::new(HashMap::new()),
            notified: Mutex::new(std::collections::HashSet::new()),
            groups: Mutex::new(HashMap::new()),
            dispatch: tokio::sync::Mutex::new(()),
            queue_wake: tokio::sync::Notify::new(),
            shut_down: std::sync::atomic::AtomicBool::new(false),
            credits: Mutex::new(None),
            bulk_ops: Mutex::new(HashMap::new()),
            events,
            live_poll_override: cfg.live_poll_interval_override,
            live_request_timeout: limits.request_timeout,
        });
        let app = Atelier { inner };
        if app.inner.keyring.available {
            for provider in PROVIDERS {
                let key = app.read_key(provider).await?;
                app.install_live_client(provider, key.as_ref())?;
            }
        }
        app.forward_events(LaneKind::Demo);
        app.forward_events(LaneKind::Live);
        app.resume_unfinished().await;
        app.start_dispatcher();
        app.rearchive_in_background();
        // Credits are a nicety: fetch them without holding up the window.
        let credits = app.clone();
        tokio::spawn(async move { credits.refresh_credits().await });
        Ok(app)
    }

    /// Stops sending anything to any provider, demo or live: every client leaves both engines,
    /// so no poll, re-check or action goes out any more. For the end of the app's life, and
    /// for tests that start a second core on the same library (a restart in one process).
    pub fn shutdown(&self) {
        // The queue stays in the library for the next start; nothing more is sent from it.
        self.inner.shut_down.store(true, Ordering::Relaxed);
        self.wake_queue();
        for provider in PROVIDERS {
            self.inner.live.engine.remove_client(provider);
            self.inner.demo.engine.remove_client(provider);
        }
        // Everything recorded so far reaches the disk before a next start reads it.
        self.inner.recorder.flush_blocking();
    }

    /// How many engine events the core missed because it fell behind (0 in a healthy app:
    /// recording and archiving never hold up the forwarding of events).
    pub fn missed_events(&self) -> u64 {
        self.inner.missed_events.load(Ordering::Relaxed)
    }

    /// A receiver of every task change and progress, for the shell to pass on to the webview.
    pub fn subscribe(&self) -> broadcast::Receiver<UiEvent> {
        self.inner.events.subscribe()
    }

    /// The built-in simulator (tests use it to inject faults into demo mode).
    pub fn simulator(&self) -> &Simulator {
        &self.inner.simulator
    }

    /// The library folder (database and images).
    pub fn library_dir(&self) -> &Path {
        self.inner.library.root()
    }

    /// The gallery database.
    pub fn library(&self) -> &Library {
        &self.inner.library
    }
}

/// Runs a library call off the async threads and turns its error into a sentence.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LibraryError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::internal(format!("The library did not answer ({e}). Try again.")))?
        .map_err(library_error)
}

impl Atelier {
    /// The lane of `kind`.
    fn lane(&self, kind: LaneKind) -> &Lane {
        match kind {
            LaneKind::Demo => &self.inner.demo,
            LaneKind::Live => &self.inner.live,
        }
    }
}

/// How many tasks the Create view lists.
const RECENT_TASKS: usize = 200;

fn library_error(e: LibraryError) -> AppError {
    match e {
        LibraryError::ImageNotFound(_)
        | LibraryError::TaskNotFound(_)
        | LibraryError::CollectionNotFound(_) => AppError::new(ErrorCode::NotFound, e.to_string()),
        LibraryError::InvalidInput(_) => AppError::new(ErrorCode::InvalidInput, e.to_string()),
        other => AppError::new(ErrorCode::Library, other.to_string()),
    }
}

/// The sentence for a button pressed on a task made with a key that has since been removed.
fn no_key_for_live_task(provider: ProviderKind) -> AppError {
    let name = provider.display_name();
    AppError::new(
        ErrorCode::NoKey,
        format!(
            "This image was made with your {name} key, and no {name} key is set now, so \
             Atelier cannot send this. Add the key again in Settings (key 3) to go on."
        ),
    )
}

fn not_found(task_id: &str) -> AppError {
    AppError::new(
        ErrorCode::NotFound,
        format!("Task {task_id} is not known to Atelier any more. Refresh the list."),
    )
}

/// `s` trimmed, and cut to `max` characters with an ellipsis when longer.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}
