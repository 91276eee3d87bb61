//! The two lanes a task can run in, as values rather than a `demo: bool` flag.
//!
//! The *demo* lane's engine talks to the built-in simulator with the demo keys; the *live*
//! lane's engine talks to the real providers with the person's keys (a provider without a
//! key has no client there, so nothing is sent for it). A task stays in the lane it was
//! started in for its whole life, so adding or removing a key never moves it.

use atelier_engine::Engine;
use atelier_library::{is_loopback_base_url, ImageCache};

/// Which lane a task belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneKind {
    /// The built-in simulator, used while a provider has no key.
    Demo,
    /// The real provider, with the person's key.
    Live,
}

impl LaneKind {
    /// The library's and the UI's form of the lane (`demo: true` for the demo lane).
    pub fn is_demo(self) -> bool {
        self == LaneKind::Demo
    }

    /// The lane of a task the library stored with `demo`.
    pub fn from_demo(demo: bool) -> Self {
        if demo {
            LaneKind::Demo
        } else {
            LaneKind::Live
        }
    }
}

/// One lane: what kind it is and the engine that polls its tasks (holding that lane's
/// provider clients).
pub(crate) struct Lane {
    /// Demo or live.
    pub kind: LaneKind,
    /// Polls this lane's tasks, with this lane's clients.
    pub engine: Engine,
}

/// The one image folder, and the one rule for where its images may be downloaded from:
/// public hosts only, except that loopback is allowed for the demo lane (the simulator runs
/// on 127.0.0.1) and for a live provider whose own base URL is loopback (a local test
/// server). Private network addresses are refused in every case.
#[derive(Clone)]
pub(crate) struct Images {
    public_only: ImageCache,
    loopback_too: ImageCache,
}

impl Images {
    /// Both download policies over the same folder.
    pub fn new(public_only: ImageCache, loopback_too: ImageCache) -> Self {
        Images {
            public_only,
            loopback_too,
        }
    }

    /// Whether a task of `lane` whose provider answers at `base_url` may have loopback images.
    pub fn allows_loopback(lane: LaneKind, base_url: &str) -> bool {
        lane.is_demo() || is_loopback_base_url(base_url)
    }

    /// The cache that applies the policy for a task of `lane` whose provider is at `base_url`.
    pub fn cache(&self, lane: LaneKind, base_url: &str) -> ImageCache {
        if Self::allows_loopback(lane, base_url) {
            self.loopback_too.clone()
        } else {
            self.public_only.clone()
        }
    }

    /// The cache to look files up in (finding a file downloads nothing, so any policy does).
    pub fn lookup(&self) -> &ImageCache {
        &self.public_only
    }
}
