//! # atelier-engine
//!
//! Keeps every live task moving. One [`Engine`] submits prompts and button presses through
//! the registered provider clients ([`atelier_providers::ProviderClient`]), remembers every
//! task of the session, and polls the unfinished ones from a single scheduler task:
//!
//! - one Tokio task owns a min-heap of next-poll instants for all tasks (no loop per task);
//! - the poll interval (default 5 s, the settings' 5-10 s range, lower for tests and the
//!   demo) gets a little jitter; errors back off exponentially and honour `Retry-After`;
//! - JourneyAPI tasks are polled together through `/fetch-many` (up to 20 ids per call, a
//!   lone task through `/fetch`); LinkrAPI tasks one `/fetch` each, with bounded concurrency;
//! - every task has a deadline that follows its Midjourney speed mode ([`MidjourneyMode`]:
//!   the prompt's `--turbo` / `--fast` / `--relax`, else the engine's default mode): the
//!   mode's limit plus a margin (fast: 15 + 3 min), after which it is timed out with a plain
//!   sentence; the provider's own timeout counts too (and is final);
//! - a task that reached the app's deadline is still re-checked quietly (every 5 min, for
//!   24 h after it was submitted) so a late result is not lost; [`Engine::recheck`] resumes
//!   that after a restart and [`Engine::check_now`] is the "Check again" button;
//! - no task is polled sooner than the interval after its previous poll, and once a
//!   provider's client is removed nothing more is sent with its key;
//! - every visible change becomes one [`EngineEvent`] on a broadcast channel
//!   ([`Engine::subscribe`]).
//!
//! Modules: [`config`] (pacing), [`event`] (the event types), plus private `registry` (task
//! memory + event sending), `scheduler` (the poll loop), `poller` (the fetch calls behind a
//! trait) and `timing` (jitter / backoff maths).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
mod engine;
pub mod event;
mod mode;
mod poller;
mod registry;
mod scheduler;
mod timing;

pub use config::{EngineConfig, ModeLimits, JOURNEY_MAX_BATCH};
pub use engine::Engine;
pub use event::{EngineEvent, TaskChange};
pub use mode::MidjourneyMode;

#[cfg(test)]
mod tests;
