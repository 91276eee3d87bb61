//! The state shared by every handler: clock, tasks, faults, request log, account, images.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::cdn::ImageCache;
use crate::config::SimulatorConfig;
use crate::faults::FaultBook;
use crate::requests::RequestLog;
use crate::task::{Task, TaskStore};
use crate::timing::SimClock;
use crate::util::lock;

/// The JourneyAPI account shown by `GET /account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Account e-mail.
    pub email: String,
    /// Credits left.
    pub credits: i64,
    /// Images made so far.
    pub total_images: i64,
    /// Plan name.
    pub plan: String,
}

/// Everything the server knows, behind mutexes (never held across an `.await`).
#[derive(Debug)]
pub struct Shared {
    /// Accepted LinkrAPI key.
    pub linkr_key: String,
    /// Accepted JourneyAPI key.
    pub journey_key: String,
    /// `http://127.0.0.1:PORT`, used to build absolute CDN URLs.
    pub origin: String,
    /// Simulated time.
    pub clock: Mutex<SimClock>,
    /// Tasks of both providers.
    pub tasks: Mutex<TaskStore>,
    /// Fault rules and marker counters.
    pub faults: Mutex<FaultBook>,
    /// Request log.
    pub log: Mutex<RequestLog>,
    /// JourneyAPI account.
    pub account: Mutex<Account>,
    /// Rendered PNGs.
    pub images: Mutex<ImageCache>,
    /// LinkrAPI fetches carry the observed-only extras (see [`SimulatorConfig`]).
    pub observed_extras: AtomicBool,
}

/// The handle handlers get.
pub type AppState = Arc<Shared>;

impl Shared {
    /// Fresh state for `config`, serving at `origin`.
    pub fn new(config: &SimulatorConfig, origin: String) -> Shared {
        Shared {
            linkr_key: config.linkr_key.clone(),
            journey_key: config.journey_key.clone(),
            origin,
            clock: Mutex::new(SimClock::new(config.speed)),
            tasks: Mutex::new(TaskStore::default()),
            faults: Mutex::new(FaultBook::default()),
            log: Mutex::new(RequestLog::default()),
            account: Mutex::new(Account {
                email: "demo@atelier.local".to_string(),
                credits: config.starting_credits,
                total_images: 0,
                plan: "starter".to_string(),
            }),
            images: Mutex::new(ImageCache::default()),
            observed_extras: AtomicBool::new(config.observed_extras),
        }
    }

    /// Whether LinkrAPI fetches carry the observed-only extras.
    pub fn observed_extras(&self) -> bool {
        self.observed_extras.load(Ordering::Relaxed)
    }

    /// Simulated seconds now.
    pub fn now(&self) -> f64 {
        lock(&self.clock).now()
    }

    /// A copy of the task `id`.
    pub fn task(&self, id: &str) -> Option<Task> {
        lock(&self.tasks).get(id).cloned()
    }

    /// Absolute URL of a CDN file of a task.
    pub fn cdn_url(&self, task_id: &str, file: &str) -> String {
        format!("{}/cdn/{task_id}/{file}", self.origin)
    }
}
