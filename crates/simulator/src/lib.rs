//! Atelier's simulator: one loopback HTTP server that speaks the LinkrAPI contract under
//! `/linkr/api` and the JourneyAPI contract under `/journey/api/v1`, with realistic (and
//! scalable) timing, procedurally drawn PNGs and Motion-JPEG AVI videos served from `/cdn`, and, with the `test-hooks`
//! feature only, fault injection through prompt markers, library calls and the `/_control`
//! endpoint. The demo inside the shipped app is built without that feature. See `README.md`.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod cdn;
pub mod config;
#[cfg(feature = "test-hooks")]
pub mod control;
pub mod faults;
pub mod gate;
pub mod images;
pub mod journey;
pub mod linkr;
pub mod mask;
pub mod prompt;
pub mod reply;
pub mod requests;
pub mod server;
pub mod state;
pub mod task;
pub mod text;
pub mod timing;
pub mod util;
pub mod video;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::Request;
use axum::middleware;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::SimulatorConfig;
pub use faults::{FaultKind, FaultRule, Phase, Target};
pub use requests::{LoggedRequest, Provider};
pub use state::Account;

use state::{AppState, Shared};
use util::lock;

/// A finished task from an earlier run, for [`Simulator::remember`].
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierTask {
    /// Its id, as the app knows it.
    pub id: String,
    /// Which service it belongs to.
    pub provider: Provider,
    /// What made it, in either service's word (`imagine`, `upsample2`, `variation-strong`...).
    pub kind: String,
    /// Its prompt.
    pub prompt: String,
    /// Its model (`midjourney`, `flux-pro`...).
    pub model: String,
    /// The Midjourney job id of its LinkrAPI buttons, so their `custom_id`s still match.
    pub job_hash: Option<String>,
}

/// A running simulator. Dropping it (or calling [`Simulator::shutdown`]) stops the server.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    state: AppState,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

async fn fallback(req: Request) -> Response {
    let path = req.uri().path();
    match Provider::from_path(path) {
        Some(Provider::Journey) => reply::journey_error(404, "Not found"),
        _ => reply::linkr_error(404, "Not Found"),
    }
}

/// The whole application: both APIs, the CDN and (with `test-hooks`) the control endpoint.
pub fn router(state: AppState) -> Router {
    let router = Router::new()
        .nest("/linkr/api", linkr::routes())
        .nest("/journey/api/v1", journey::routes())
        .route("/cdn/{task_id}/{file}", get(cdn::serve));
    #[cfg(feature = "test-hooks")]
    let router = router.nest("/_control", control::routes());
    router
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), gate::gate))
        .with_state(state)
}

impl Simulator {
    /// Binds `127.0.0.1:port` (0 = a free port) and serves on the current tokio runtime.
    pub async fn start(config: SimulatorConfig) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let state: AppState = Arc::new(Shared::new(&config, format!("http://{addr}")));
        let (stop, stop_rx) = watch::channel(false);
        let server = tokio::spawn(server::serve(listener, router(state.clone()), stop_rx));
        Ok(Simulator {
            addr,
            state,
            stop,
            server: Some(server),
        })
    }

    /// The bound address (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stand-in for `https://linkrapi.com/api`: `http://127.0.0.1:PORT/linkr/api`.
    pub fn linkr_base_url(&self) -> String {
        format!("http://{}/linkr/api", self.addr)
    }

    /// Stand-in for `https://api.journeyapi.com/api/v1`: `http://127.0.0.1:PORT/journey/api/v1`.
    pub fn journey_base_url(&self) -> String {
        format!("http://{}/journey/api/v1", self.addr)
    }

    /// Every API request received so far (not `/cdn`, not `/_control`), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.state.log).all()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
    }

    /// Adds a fault rule (same as `POST /_control/faults`).
    #[cfg(feature = "test-hooks")]
    pub fn inject(&self, rule: FaultRule) {
        lock(&self.state.faults).inject(rule);
    }

    /// The active fault rules.
    #[cfg(feature = "test-hooks")]
    pub fn faults(&self) -> Vec<FaultRule> {
        lock(&self.state.faults).rules()
    }

    /// Removes every fault rule and marker counter (same as `DELETE /_control/faults`).
    #[cfg(feature = "test-hooks")]
    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// Changes the time scale from now on (same as `POST /_control/speed`).
    pub fn set_speed(&self, speed: f64) {
        lock(&self.state.clock).set_speed(speed);
    }

    /// The current time scale.
    pub fn speed(&self) -> f64 {
        lock(&self.state.clock).speed()
    }

    /// The JourneyAPI account as `/account` reports it.
    pub fn account(&self) -> Account {
        lock(&self.state.account).clone()
    }

    /// Sets the JourneyAPI credits (e.g. 0 to test "insufficient credits").
    pub fn set_credits(&self, credits: i64) {
        lock(&self.state.account).credits = credits;
    }

    /// Switches LinkrAPI fetches between the documented shape (`false`, the default) and the
    /// shape third-party clients observed on the live service (`true`: `images`, `grid_url`,
    /// `cdn_url`, and button emoji in an `emoji` field with an empty `label`). Applies to
    /// every later fetch, of old tasks too.
    pub fn set_observed_extras(&self, on: bool) {
        self.state
            .observed_extras
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Takes back a finished task from an earlier run (the embedded demo starts empty each
    /// time the app starts), so the buttons of its results work again. `kind` is either
    /// service's word for what made it (`upsample2`, `variation-strong`, `pan_left`...);
    /// `job_hash` is the Midjourney job id in its LinkrAPI buttons' `custom_id`s, when known.
    /// Its pictures are drawn again from the prompt (same look, not the same pixels). Returns
    /// false, changing nothing, for a kind it cannot make or an id it already holds.
    pub fn remember(&self, earlier: EarlierTask) -> bool {
        let Some(kind) = task::Kind::from_word(&earlier.kind) else {
            return false;
        };
        let mut tasks = lock(&self.state.tasks);
        if tasks.get(&earlier.id).is_some() {
            return false;
        }
        let flags = prompt::flags(&earlier.prompt);
        let spec = task::NewTask {
            provider: earlier.provider,
            kind,
            parent: None,
            prompt: earlier.prompt,
            model: earlier.model,
            mode: flags.mode,
            aspect: flags.aspect.unwrap_or((1, 1)),
            prompt_seed: flags.seed,
            fate: task::Fate::Complete,
            synchronous: false,
            no_images: false,
            poll_markers: Vec::new(),
            reference_image: None,
            webhook_url: None,
            extra: String::new(),
        };
        // Made long enough ago (in simulated time) to be finished now.
        let long_ago = self.state.now() - 1.0e6;
        let mut task = task::new_task(spec, long_ago);
        task.id = earlier.id;
        if let Some(hash) = earlier.job_hash.filter(|h| !h.trim().is_empty()) {
            task.job_hash = hash;
        }
        tasks.insert(task);
        true
    }

    /// Whether LinkrAPI fetches carry the observed-only extras.
    pub fn observed_extras(&self) -> bool {
        self.state.observed_extras()
    }

    /// Stops accepting, lets in-flight requests finish briefly, drops the rest and waits.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
