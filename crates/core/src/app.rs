//! [`Atelier`]: the app's use-cases behind one handle, one method per thing the UI can ask.
//!
//! Two engines run side by side: the *demo* engine talks to the built-in simulator (always
//! running, in-process, on a free loopback port) and the *live* engine to the real providers.
//! A provider without a key in the keyring is served by the demo engine. Keeping the two apart
//! means a task started in demo mode keeps polling the simulator even after a key is added,
//! and the other way round.

use crate::archive::{archive_images, record};
use crate::demo::{demo_client, remember_finished, DEMO_JOURNEY_KEY, DEMO_LINKR_KEY};
use crate::endpoints::{self, key_account, PROVIDERS};
use crate::error::AppError;
use crate::gallery::{GalleryImage, GalleryResults, ImageDetail};
use crate::media::{cached_media, is_empty as media_is_empty, library_media, ui_task};
use crate::settings::{load_settings, Settings, SettingsStore};
use crate::view::{
    AppState, KeyringStatus, ProviderStatus, SubmitRequest, TaskChange, TaskEvent, TaskMedia,
    TaskView,
};
use atelier_engine::{Engine, EngineConfig, EngineEvent, ModeLimits};
use atelier_keys::{KeyStore, KeyStoreError, SecretKey};
use atelier_library::{
    is_loopback_base_url, FavoriteTarget, GalleryQuery, ImageCache, Library, LibraryError,
};
use atelier_providers::{
    ActionInput, ImagineRequest, JourneyClient, KeyCheck, LinkrClient, ProviderClient,
    ProviderKind, Task, TaskStatus,
};
use atelier_simulator::{Simulator, SimulatorConfig};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
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
    demo: Engine,
    live: Engine,
    /// Images from the simulator (loopback allowed).
    demo_cache: ImageCache,
    /// Images from real providers whose base URL is public: loopback and private hosts refused.
    live_cache: ImageCache,
    /// Images from real providers whose base URL is itself loopback (a local test server):
    /// loopback hosts allowed, private ones still refused. See [`Atelier::live_cache`].
    live_loopback_cache: ImageCache,
    /// The gallery database and image folder.
    library: Arc<Library>,
    media: Mutex<HashMap<String, TaskMedia>>,
    credits: Mutex<Option<i64>>,
    events: broadcast::Sender<TaskEvent>,
    live_poll_override: Option<Duration>,
    /// The live clients' request timeout, when tightened.
    live_request_timeout: Option<Duration>,
}

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
        .map_err(|e| AppError::new("library", e.to_string()))?;
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
            demo_cache: library.image_cache(true),
            live_cache: library.image_cache(false),
            live_loopback_cache: library.image_cache(true),
            library,
            settings: RwLock::new(settings),
            settings_store: cfg.settings_store,
            key_store: cfg.key_store,
            keyring,
            key_last4: Mutex::new(HashMap::new()),
            simulator,
            demo,
            live,
            media: Mutex::new(HashMap::new()),
            credits: Mutex::new(None),
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
        app.forward_events(true);
        app.forward_events(false);
        app.resume_unfinished().await;
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
        for provider in PROVIDERS {
            self.inner.live.remove_client(provider);
            self.inner.demo.remove_client(provider);
        }
    }

    /// A receiver of every task change, for the shell to pass on to the webview.
    pub fn subscribe(&self) -> broadcast::Receiver<TaskEvent> {
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

    /// Providers, settings and keyring health, for the UI's chrome.
    pub fn app_state(&self) -> AppState {
        let settings = self.settings();
        let last4 = self
            .inner
            .key_last4
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default();
        let credits = self.inner.credits.lock().ok().and_then(|c| *c);
        let providers = PROVIDERS
            .iter()
            .map(|&provider| {
                let (base_url, base_url_from_env) = endpoints::real_base_url(provider, &settings);
                let key_last4 = last4.get(&provider).cloned();
                ProviderStatus {
                    provider,
                    name: provider.display_name().into(),
                    demo: key_last4.is_none(),
                    key_set: key_last4.is_some(),
                    key_last4,
                    base_url,
                    base_url_from_env,
                    key_url: endpoints::key_url(provider).into(),
                    models: endpoints::models(provider),
                    accepts_other_models: endpoints::accepts_unlisted_models(provider),
                    credits: if provider == ProviderKind::Journey {
                        credits
                    } else {
                        None
                    },
                }
            })
            .collect();
        AppState {
            version: env!("CARGO_PKG_VERSION").into(),
            providers,
            settings,
            keyring: self.inner.keyring.clone(),
        }
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        self.inner
            .settings
            .read()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Checks and stores new settings, then points the live clients at the (maybe new) base URLs.
    pub async fn save_settings(&self, settings: Settings) -> Result<AppState, AppError> {
        settings.validate().map_err(AppError::invalid)?;
        let value =
            serde_json::to_value(&settings).map_err(|e| AppError::internal(e.to_string()))?;
        self.inner
            .settings_store
            .save(value)
            .map_err(|e| AppError::internal(format!("Settings could not be saved ({e}).")))?;
        if let Ok(mut s) = self.inner.settings.write() {
            *s = settings.clone();
        }
        self.inner.live.set_default_mode(settings.midjourney_mode);
        self.inner.demo.set_default_mode(settings.midjourney_mode);
        if self.inner.live_poll_override.is_none() {
            self.inner
                .live
                .set_poll_interval(Duration::from_secs(u64::from(settings.poll_interval_secs)));
        }
        if self.inner.keyring.available {
            for provider in PROVIDERS {
                let key = self.read_key(provider).await?;
                self.install_live_client(provider, key.as_ref())?;
            }
        }
        Ok(self.app_state())
    }

    /// Stores `key` for `provider` in the keyring; from now on that provider is live.
    pub async fn set_key(&self, provider: ProviderKind, key: &str) -> Result<AppState, AppError> {
        self.require_keyring()?;
        let secret = SecretKey::new(key)?;
        let store = self.inner.key_store.clone();
        let stored = secret.clone();
        tokio::task::spawn_blocking(move || store.set(key_account(provider), &stored))
            .await
            .map_err(|e| AppError::internal(e.to_string()))??;
        self.install_live_client(provider, Some(&secret))?;
        if provider == ProviderKind::Journey {
            self.refresh_credits().await;
        }
        Ok(self.app_state())
    }

    /// Removes `provider`'s key from the keyring; that provider goes back to the demo.
    pub async fn delete_key(&self, provider: ProviderKind) -> Result<AppState, AppError> {
        self.require_keyring()?;
        let store = self.inner.key_store.clone();
        tokio::task::spawn_blocking(move || store.delete(key_account(provider)))
            .await
            .map_err(|e| AppError::internal(e.to_string()))??;
        self.install_live_client(provider, None)?;
        if provider == ProviderKind::Journey {
            self.refresh_credits().await;
        }
        Ok(self.app_state())
    }

    /// Asks the provider whether the stored key works (LinkrAPI: a fetch of a random id,
    /// 404 = valid; JourneyAPI: `/account`, with credits and plan).
    pub async fn test_key(&self, provider: ProviderKind) -> Result<KeyCheck, AppError> {
        self.require_keyring()?;
        let Some(key) = self.read_key(provider).await? else {
            return Err(AppError::new(
                "no_key",
                format!(
                    "No {} key is set yet. Paste one and press Save first.",
                    provider.display_name()
                ),
            ));
        };
        let client = self.live_client(provider, &key)?;
        let check = client.check_key().await?;
        if check.valid && provider == ProviderKind::Journey {
            self.refresh_credits().await;
        }
        Ok(check)
    }

    /// Submits a new prompt to `request.provider` (demo or live) and starts watching it.
    pub async fn submit(&self, request: SubmitRequest) -> Result<TaskView, AppError> {
        let (engine, demo) = self.engine_for(request.provider);
        let task = engine
            .submit(
                request.provider,
                ImagineRequest {
                    prompt: request.prompt,
                    model: request.model.filter(|m| !m.trim().is_empty()),
                    aspect_ratio: request.aspect_ratio.filter(|a| !a.trim().is_empty()),
                    reference_image: request.reference_image.filter(|r| !r.trim().is_empty()),
                },
            )
            .await?;
        self.record(&task, demo);
        Ok(self.view(task, demo))
    }

    /// Runs one of `parent_id`'s buttons; the child task is watched like any other.
    pub async fn run_action(
        &self,
        parent_id: &str,
        action_id: &str,
        input: ActionInput,
    ) -> Result<TaskView, AppError> {
        let (engine, demo) = self.engine_holding(parent_id)?;
        if !demo {
            let provider = engine
                .get(parent_id)
                .ok_or_else(|| not_found(parent_id))?
                .provider;
            if !self.has_key(provider) {
                return Err(no_key_for_live_task(provider));
            }
        }
        let task = engine.action(parent_id, action_id, input).await?;
        self.record(&task, demo);
        Ok(self.view(task, demo))
    }

    /// The most recent tasks (this session's and those in the library), newest first.
    pub fn list_tasks(&self) -> Vec<TaskView> {
        let mut all: HashMap<String, TaskView> = HashMap::new();
        match self.inner.library.recent_tasks(RECENT_TASKS) {
            Ok(stored) => {
                for s in stored {
                    all.insert(s.task.id.clone(), self.view(s.task, s.demo));
                }
            }
            Err(e) => tracing::error!("could not read recent tasks from the library: {e}"),
        }
        for (engine, demo) in [(&self.inner.demo, true), (&self.inner.live, false)] {
            for t in engine.list() {
                all.insert(t.id.clone(), self.view(t, demo));
            }
        }
        let mut all: Vec<TaskView> = all.into_values().collect();
        all.sort_by_key(|t| std::cmp::Reverse(t.task.created_at));
        all.truncate(RECENT_TASKS);
        all
    }

    /// "Check again" on a task Atelier stopped waiting for at its deadline: one fetch now (free;
    /// never a new job, so nobody pays twice). A late result becomes a normal finished task
    /// (its images archived, marked `finished_late`); otherwise the task keeps being re-checked
    /// quietly until its `recheck_until`.
    pub async fn check_again(&self, task_id: &str) -> Result<TaskView, AppError> {
        let (engine, demo) = self.engine_holding(task_id)?;
        let task = engine.get(task_id).ok_or_else(|| not_found(task_id))?;
        if !demo && !self.has_key(task.provider) {
            return Err(no_key_for_live_task(task.provider));
        }
        if task.status != TaskStatus::TimedOut {
            return Err(AppError::new(
                "invalid_input",
                "This task is not waiting for a late result: it already has the provider's \
                 answer. Retry makes a new job.",
            ));
        }
        if !engine.is_rechecking(task_id) {
            // Picked up again if its 24 hours are not over (a no-op otherwise; the one fetch
            // below still goes out, since fetching is free).
            engine.recheck(task.clone());
        }
        let now = engine.check_now(task_id).await?;
        self.record(&now, demo);
        Ok(self.view(now, demo))
    }

    /// Stops watching a task.
    pub fn cancel_task(&self, task_id: &str) -> Result<TaskView, AppError> {
        let (engine, demo) = self.engine_holding(task_id)?;
        engine.cancel(task_id);
        let task = engine.get(task_id).ok_or_else(|| not_found(task_id))?;
        Ok(self.view(task, demo))
    }

    /// One page of the gallery, with the total number of matches.
    pub async fn gallery_search(&self, query: GalleryQuery) -> Result<GalleryResults, AppError> {
        let lib = self.inner.library.clone();
        blocking(move || {
            let page = lib.search(&query)?;
            let total = lib.count(&query)?;
            Ok(GalleryResults {
                items: page.items.into_iter().map(GalleryImage::from).collect(),
                next_cursor: page.next_cursor,
                total,
            })
        })
        .await
    }

    /// Everything the lightbox shows about one image: its task with buttons, lineage, siblings.
    pub async fn image_detail(&self, image_id: i64) -> Result<ImageDetail, AppError> {
        let lib = self.inner.library.clone();
        let (item, stored, parent, children, siblings) = blocking(move || {
            let item = lib
                .get_image(image_id)?
                .ok_or(LibraryError::ImageNotFound(image_id))?;
            let stored = lib.get_task(&item.task_id)?;
            let first_image = |task_id: &str| -> Result<Option<GalleryImage>, LibraryError> {
                Ok(lib
                    .task_images(task_id)?
                    .into_iter()
                    .next()
                    .map(GalleryImage::from))
            };
            let parent = match lib.parent(&item.task_id)? {
                Some(p) => first_image(&p.task.id)?,
                None => None,
            };
            let mut children = Vec::new();
            for child in lib.children(&item.task_id)? {
                if let Some(img) = first_image(&child.task.id)? {
                    children.push(img);
                }
            }
            let siblings = lib
                .task_images(&item.task_id)?
                .into_iter()
                .map(GalleryImage::from)
                .collect();
            Ok((item, stored, parent, children, siblings))
        })
        .await?;
        let task = stored.map(|s| {
            let engine = if s.demo {
                &self.inner.demo
            } else {
                &self.inner.live
            };
            let current = engine.get(&s.task.id).unwrap_or(s.task);
            self.view(current, s.demo)
        });
        Ok(ImageDetail {
            image: GalleryImage::from(item),
            task,
            parent,
            children,
            siblings,
        })
    }

    /// Marks an image as a favorite, or not.
    pub async fn set_favorite(
        &self,
        image_id: i64,
        favorite: bool,
    ) -> Result<GalleryImage, AppError> {
        let lib = self.inner.library.clone();
        blocking(move || {
            lib.set_favorite(&FavoriteTarget::Image(image_id), favorite)?;
            let item = lib
                .get_image(image_id)?
                .ok_or(LibraryError::ImageNotFound(image_id))?;
            Ok(GalleryImage::from(item))
        })
        .await
    }

    /// Deletes an image: its row and its files (original and thumbnail).
    pub async fn delete_image(&self, image_id: i64) -> Result<(), AppError> {
        let lib = self.inner.library.clone();
        blocking(move || {
            if lib.delete_image(image_id)? {
                Ok(())
            } else {
                Err(LibraryError::ImageNotFound(image_id))
            }
        })
        .await
    }

    /// Where the original of an image is on disk (for save as, copy, show in folder).
    pub fn image_path(&self, image_id: i64) -> Result<PathBuf, AppError> {
        let item = self
            .inner
            .library
            .get_image(image_id)
            .map_err(library_error)?
            .ok_or_else(|| library_error(LibraryError::ImageNotFound(image_id)))?;
        Ok(PathBuf::from(item.path))
    }

    fn require_keyring(&self) -> Result<(), AppError> {
        match &self.inner.keyring.message {
            Some(m) if !self.inner.keyring.available => {
                Err(AppError::new("keyring_unavailable", m.clone()))
            }
            _ => Ok(()),
        }
    }

    async fn read_key(&self, provider: ProviderKind) -> Result<Option<SecretKey>, AppError> {
        let store = self.inner.key_store.clone();
        let key = tokio::task::spawn_blocking(move || store.get(key_account(provider)))
            .await
            .map_err(|e| AppError::internal(e.to_string()))??;
        Ok(key)
    }

    fn live_client(
        &self,
        provider: ProviderKind,
        key: &SecretKey,
    ) -> Result<ProviderClient, AppError> {
        let (base, _) = endpoints::real_base_url(provider, &self.settings());
        let client = match provider {
            ProviderKind::Linkr => ProviderClient::Linkr(LinkrClient::new(&base, key.expose())?),
            ProviderKind::Journey => {
                ProviderClient::Journey(JourneyClient::new(&base, key.expose())?)
            }
        };
        Ok(match self.inner.live_request_timeout {
            Some(timeout) => client.with_timeout(timeout),
            None => client,
        })
    }

    /// Points the live engine at `provider` with `key` (or removes it), and remembers the
    /// key's last four characters for the UI.
    fn install_live_client(
        &self,
        provider: ProviderKind,
        key: Option<&SecretKey>,
    ) -> Result<(), AppError> {
        if let Ok(mut m) = self.inner.key_last4.lock() {
            match key {
                Some(k) => m.insert(provider, k.last4()),
                None => m.remove(&provider),
            };
        }
        match key {
            Some(key) => {
                let client = self.live_client(provider, key)?;
                self.inner.live.register_client(provider, client);
            }
            // Without its key, nothing more is sent for this provider's live tasks: no poll,
            // no action. They wait in the engine until a key is set again.
            None => {
                self.inner.live.remove_client(provider);
            }
        }
        Ok(())
    }

    fn has_key(&self, provider: ProviderKind) -> bool {
        self.inner
            .key_last4
            .lock()
            .map(|m| m.contains_key(&provider))
            .unwrap_or(false)
    }

    fn engine_for(&self, provider: ProviderKind) -> (&Engine, bool) {
        if self.has_key(provider) {
            (&self.inner.live, false)
        } else {
            (&self.inner.demo, true)
        }
    }

    /// The engine that knows `task_id`; a finished task from an earlier run is loaded from
    /// the library into the engine it belongs to, so its buttons work again.
    fn engine_holding(&self, task_id: &str) -> Result<(&Engine, bool), AppError> {
        if self.inner.demo.get(task_id).is_some() {
            return Ok((&self.inner.demo, true));
        }
        if self.inner.live.get(task_id).is_some() {
            return Ok((&self.inner.live, false));
        }
        let stored = self
            .inner
            .library
            .get_task(task_id)
            .map_err(library_error)?
            .ok_or_else(|| not_found(task_id))?;
        let engine = if stored.demo {
            &self.inner.demo
        } else {
            &self.inner.live
        };
        engine.watch(stored.task);
        Ok((engine, stored.demo))
    }

    /// Writes `task` through to the library with its deadline.
    fn record(&self, task: &Task, demo: bool) {
        let engine = if demo {
            &self.inner.demo
        } else {
            &self.inner.live
        };
        let deadline = task.created_at.map(|at| {
            at + chrono::Duration::from_std(engine.deadline_for(task)).unwrap_or_default()
        });
        record(&self.inner.library, task, demo, deadline);
    }

    /// Finishes archiving recent live tasks that succeeded but whose images were not yet
    /// downloaded when the app stopped (their provider links are usually still valid).
    fn rearchive_in_background(&self) {
        let app = self.clone();
        tokio::spawn(async move {
            let lib = app.inner.library.clone();
            let pending = tokio::task::spawn_blocking(move || -> Vec<Task> {
                let recent = lib.recent_tasks(RECENT_TASKS).unwrap_or_default();
                recent
                    .into_iter()
                    .filter(|s| !s.demo && s.task.status == TaskStatus::Succeeded)
                    .filter(|s| {
                        lib.task_images(&s.task.id)
                            .map(|i| i.is_empty())
                            .unwrap_or(false)
                    })
                    .map(|s| s.task)
                    .collect()
            })
            .await
            .unwrap_or_default();
            for task in pending {
                let cache = app.live_cache(task.provider);
                let media = archive_images(app.inner.library.clone(), cache, task.clone()).await;
                app.set_media(&task.id, media);
                app.emit(TaskChange::Results, task, false);
            }
        });
    }

    /// Picks up every task that was still running when the app last stopped (or crashed):
    /// live tasks are watched again (the engine times out those past their deadline); demo
    /// tasks cannot be, since the built-in simulator starts afresh, so they are marked as
    /// failed with a sentence saying so.
    async fn resume_unfinished(&self) {
        let unfinished = match self.inner.library.unfinished_tasks() {
            Ok(t) => t,
            Err(e) => {
                tracing::error!("could not read unfinished tasks from the library: {e}");
                return;
            }
        };
        for stored in unfinished {
            let mut task = stored.task;
            if !stored.demo {
                // Polled again at once; without a key now, it waits (nothing is sent) until
                // one is set, rather than failing a job the person may already have paid for.
                self.inner.live.watch(task);
                continue;
            }
            task.status = TaskStatus::Failed;
            task.error =
                Some("The demo was restarted before this task finished. Run it again.".to_string());
            record(&self.inner.library, &task, stored.demo, None);
        }
        // Tasks the app stopped waiting for at its deadline are re-checked quietly again, until
        // their 24 hours are over: a late result still lands.
        match self.inner.library.rechecking_tasks(chrono::Utc::now()) {
            Ok(rechecking) => {
                for stored in rechecking.into_iter().filter(|s| !s.demo) {
                    self.inner.live.recheck(stored.task);
                }
            }
            Err(e) => tracing::error!("could not read re-checked tasks from the library: {e}"),
        }
    }

    /// True when `provider`'s real base URL is loopback, so its images may be too.
    /// Reads the settings in place: it runs for every task event, so no settings copy.
    fn live_base_is_loopback(&self, provider: ProviderKind) -> bool {
        self.inner.settings.read().is_ok_and(|settings| {
            is_loopback_base_url(&endpoints::real_base_url(provider, &settings).0)
        })
    }

    /// The image cache for a live task of `provider`: loopback image hosts are allowed only
    /// when that provider's own base URL is loopback (decided per provider, at each use).
    fn live_cache(&self, provider: ProviderKind) -> ImageCache {
        if self.live_base_is_loopback(provider) {
            self.inner.live_loopback_cache.clone()
        } else {
            self.inner.live_cache.clone()
        }
    }

    fn view(&self, task: Task, demo: bool) -> TaskView {
        // The UI gets no provider address the download policy refuses (see `ui_task`).
        let allow_loopback = demo || self.live_base_is_loopback(task.provider);
        let task = ui_task(task, allow_loopback);
        let media = self.media_of(&task);
        let parent_label = task
            .parent_id
            .as_deref()
            .map(|pid| shorten(&self.parent_prompt(pid).unwrap_or_default(), 60));
        TaskView {
            task,
            media,
            demo,
            parent_label,
        }
    }

    /// What the webview can show of `task`: this session's media when there is some, else,
    /// for a finished task (either lane, e.g. from an earlier run), what the library
    /// catalogued, else whatever files the library folder already holds for it. Media read
    /// from the library is kept in memory, so it is looked up once per task.
    fn media_of(&self, task: &Task) -> TaskMedia {
        if let Some(media) = self
            .inner
            .media
            .lock()
            .ok()
            .and_then(|m| m.get(&task.id).cloned())
        {
            return media;
        }
        if task.status != TaskStatus::Succeeded {
            return TaskMedia::default();
        }
        let from_library = match self.inner.library.task_images(&task.id) {
            Ok(items) => library_media(&items),
            Err(e) => {
                tracing::warn!(task = %task.id, "could not read the task's images: {e}");
                TaskMedia::default()
            }
        };
        let media = if media_is_empty(&from_library) {
            cached_media(&self.inner.demo_cache, task)
        } else {
            from_library
        };
        if !media_is_empty(&media) {
            self.set_media(&task.id, media.clone());
        }
        media
    }

    /// The prompt of the task `parent_id`: from an engine when it is in this session, else
    /// from the library (a parent made in an earlier run).
    fn parent_prompt(&self, parent_id: &str) -> Option<String> {
        let in_session = self
            .inner
            .demo
            .get(parent_id)
            .or_else(|| self.inner.live.get(parent_id));
        let parent = match in_session {
            Some(task) => task,
            None => self.inner.library.get_task(parent_id).ok().flatten()?.task,
        };
        parent.prompt
    }

    /// Passes one engine's events on as [`TaskEvent`]s; a success first downloads its images.
    fn forward_events(&self, demo: bool) {
        let app = self.clone();
        let mut rx = if demo {
            self.inner.demo.subscribe()
        } else {
            self.inner.live.subscribe()
        };
        tokio::spawn(async move {
            loop {
                let EngineEvent { change, task } = match rx.recv().await {
                    Ok(ev) => ev,
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(
                            missed = n,
                            "task events lagged; the UI catches up on the next change"
                        );
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                app.record(&task, demo);
                if change == TaskChange::Results && task.status == TaskStatus::Succeeded {
                    app.set_media(
                        &task.id,
                        TaskMedia {
                            downloading: true,
                            ..TaskMedia::default()
                        },
                    );
                    app.emit(TaskChange::Status, task.clone(), demo);
                    let app2 = app.clone();
                    tokio::spawn(async move {
                        let cache = if demo {
                            app2.inner.demo_cache.clone()
                        } else {
                            app2.live_cache(task.provider)
                        };
                        let media =
                            archive_images(app2.inner.library.clone(), cache, task.clone()).await;
                        app2.set_media(&task.id, media);
                        if task.provider == ProviderKind::Journey {
                            app2.refresh_credits().await;
                        }
                        app2.emit(TaskChange::Results, task, demo);
                    });
                } else {
                    app.emit(change, task, demo);
                }
            }
        });
    }

    fn set_media(&self, task_id: &str, media: TaskMedia) {
        if let Ok(mut m) = self.inner.media.lock() {
            m.insert(task_id.to_string(), media);
        }
    }

    fn emit(&self, change: TaskChange, task: Task, demo: bool) {
        let view = self.view(task, demo);
        // No receiver (no window yet) is fine: the UI lists tasks when it starts.
        let _ = self.inner.events.send(TaskEvent { change, task: view });
    }

    /// Reads JourneyAPI's credits from whichever client serves it now.
    async fn refresh_credits(&self) {
        let client = if self.has_key(ProviderKind::Journey) {
            match self.read_key(ProviderKind::Journey).await {
                Ok(Some(key)) => self.live_client(ProviderKind::Journey, &key).ok(),
                _ => None,
            }
        } else {
            demo_client(ProviderKind::Journey, &self.inner.simulator).ok()
        };
        let credits = match client {
            Some(ProviderClient::Journey(c)) => c.account().await.ok().and_then(|a| a.credits),
            _ => None,
        };
        if let Ok(mut c) = self.inner.credits.lock() {
            *c = credits;
        }
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

/// How many tasks the Create view lists.
const RECENT_TASKS: usize = 200;

fn library_error(e: LibraryError) -> AppError {
    match e {
        LibraryError::ImageNotFound(_) | LibraryError::TaskNotFound(_) => {
            AppError::new("not_found", e.to_string())
        }
        other => AppError::new("library", other.to_string()),
    }
}

/// The sentence for a button pressed on a task made with a key that has since been removed.
fn no_key_for_live_task(provider: ProviderKind) -> AppError {
    let name = provider.display_name();
    AppError::new(
        "no_key",
        format!(
            "This image was made with your {name} key, and no {name} key is set now, so \
             Atelier cannot send this. Add the key again in Settings (key 3) to go on."
        ),
    )
}

fn not_found(task_id: &str) -> AppError {
    AppError::new(
        "not_found",
        format!("Task {task_id} is not known to Atelier any more. Refresh the list."),
    )
}

fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}
