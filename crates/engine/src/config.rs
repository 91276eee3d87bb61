//! [`EngineConfig`]: poll interval, jitter, backoff, deadlines, batching and concurrency.

use std::time::Duration;

use crate::mode::MidjourneyMode;

/// The most ids JourneyAPI's `/fetch-many` accepts in one request.
pub const JOURNEY_MAX_BATCH: usize = 20;

/// The shortest interval the engine ever uses, whatever it is told (keeps a bad value from
/// turning the scheduler into a busy loop).
const FLOOR: Duration = Duration::from_millis(1);

/// How long a Midjourney job may run in each mode before its provider gives up on it.
/// `Default` gives LinkrAPI's documented limits: turbo 600 s, fast 900 s, relax 3600 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeLimits {
    /// Turbo mode. Default 600 s.
    pub turbo: Duration,
    /// Fast mode. Default 900 s.
    pub fast: Duration,
    /// Relax mode. Default 3600 s.
    pub relax: Duration,
}

impl Default for ModeLimits {
    fn default() -> Self {
        Self {
            turbo: Duration::from_secs(600),
            fast: Duration::from_secs(900),
            relax: Duration::from_secs(3600),
        }
    }
}

impl ModeLimits {
    /// The same limit for every mode (tests shrink deadlines with it).
    pub fn uniform(limit: Duration) -> Self {
        Self {
            turbo: limit,
            fast: limit,
            relax: limit,
        }
    }

    /// The limit of `mode`.
    pub fn limit(&self, mode: MidjourneyMode) -> Duration {
        match mode {
            MidjourneyMode::Turbo => self.turbo,
            MidjourneyMode::Fast => self.fast,
            MidjourneyMode::Relax => self.relax,
        }
    }
}

/// How the engine paces its polling. `Default` gives the production values.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Time between two polls of a task (both providers ask for 5-10 s). Used as given at
    /// construction, so tests and the demo simulator can pass a few milliseconds. Default 5 s.
    pub poll_interval: Duration,
    /// The lowest value [`Engine::set_poll_interval`](crate::Engine::set_poll_interval) accepts
    /// (a runtime change from the settings is clamped into `min_interval..=max_interval`).
    /// Default 5 s.
    pub min_interval: Duration,
    /// The highest value `set_poll_interval` accepts. Default 10 s.
    pub max_interval: Duration,
    /// Random spread added to every delay, as a fraction of it (0.1 = up to +10 %), so many
    /// clients do not poll in lockstep. Delays only ever get longer, never shorter: no task is
    /// polled sooner than `poll_interval` after its previous poll. Default 0.1.
    pub jitter: f64,
    /// The longest pause between two polls while backing off from errors. Default 60 s.
    pub max_backoff: Duration,
    /// The speed mode assumed for a prompt that names none, until
    /// [`Engine::set_default_mode`](crate::Engine::set_default_mode) says otherwise.
    /// Default fast.
    pub default_mode: MidjourneyMode,
    /// How long a job may run in each mode (the providers' own limits; LinkrAPI then reports
    /// `timeout` itself, which is final). Default: turbo 600 s, fast 900 s, relax 3600 s.
    pub mode_limits: ModeLimits,
    /// The app's own deadline for a task is its mode's limit plus a margin, so the
    /// provider's `timeout`, which is authoritative, normally arrives first: the margin is
    /// `deadline_margin_ratio` of the limit, but at least `deadline_margin`. Default 2 min.
    pub deadline_margin: Duration,
    /// See `deadline_margin`. Default 0.2 (fast: 900 s + 180 s = 18 min).
    pub deadline_margin_ratio: f64,
    /// After the app's deadline (not the provider's own `timeout`, which is final), a task is
    /// re-checked quietly this often, in case its result still arrives. Default 5 min.
    pub recheck_interval: Duration,
    /// How long after its local submit time (`created_at`) a timed-out task is re-checked;
    /// zero turns re-checking off. Default 24 h.
    pub recheck_window: Duration,
    /// At most this many ids per JourneyAPI `/fetch-many` call (clamped to 2..=20). Default 20.
    pub journey_batch_size: usize,
    /// At most this many poll requests in flight per provider. Default 4.
    pub max_concurrent_fetches: usize,
    /// How many events the broadcast channel buffers for a slow subscriber before it lags.
    /// Default 1024.
    pub event_capacity: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(5),
            min_interval: Duration::from_secs(u64::from(atelier_providers::rules::MIN_POLL_SECS)),
            max_interval: Duration::from_secs(u64::from(atelier_providers::rules::MAX_POLL_SECS)),
            jitter: 0.1,
            max_backoff: Duration::from_secs(60),
            default_mode: MidjourneyMode::Fast,
            mode_limits: ModeLimits::default(),
            deadline_margin: Duration::from_secs(120),
            deadline_margin_ratio: 0.2,
            recheck_interval: Duration::from_secs(5 * 60),
            recheck_window: Duration::from_secs(24 * 3600),
            journey_batch_size: JOURNEY_MAX_BATCH,
            max_concurrent_fetches: 4,
            event_capacity: 1024,
        }
    }
}

impl EngineConfig {
    /// A copy with every value brought into a usable range (no zero intervals or limits,
    /// jitter in 0..=0.5, a margin ratio in 0..=10, batch size 2..=20, at least one fetch in
    /// flight, a non-empty event buffer).
    pub fn normalized(&self) -> Self {
        let min_interval = self.min_interval.max(FLOOR);
        Self {
            poll_interval: self.poll_interval.max(FLOOR),
            min_interval,
            max_interval: self.max_interval.max(min_interval),
            jitter: if self.jitter.is_finite() {
                self.jitter.clamp(0.0, 0.5)
            } else {
                0.0
            },
            max_backoff: self.max_backoff.max(FLOOR),
            default_mode: self.default_mode,
            mode_limits: ModeLimits {
                turbo: self.mode_limits.turbo.max(FLOOR),
                fast: self.mode_limits.fast.max(FLOOR),
                relax: self.mode_limits.relax.max(FLOOR),
            },
            deadline_margin: self.deadline_margin,
            recheck_interval: self.recheck_interval.max(FLOOR),
            recheck_window: self.recheck_window,
            deadline_margin_ratio: if self.deadline_margin_ratio.is_finite() {
                self.deadline_margin_ratio.clamp(0.0, 10.0)
            } else {
                0.0
            },
            journey_batch_size: self.journey_batch_size.clamp(2, JOURNEY_MAX_BATCH),
            max_concurrent_fetches: self.max_concurrent_fetches.max(1),
            event_capacity: self.event_capacity.max(16),
        }
    }

    /// The app's deadline for a task with this prompt, on either provider: the limit of the
    /// mode the prompt names (`--turbo` / `--fast` / `--relax`, see
    /// [`MidjourneyMode::from_prompt`]), else of `default_mode`, plus the margin
    /// (`max(limit * deadline_margin_ratio, deadline_margin)`). Fast by default: 18 min.
    pub fn deadline_for(&self, prompt: Option<&str>, default_mode: MidjourneyMode) -> Duration {
        let mode = prompt
            .and_then(MidjourneyMode::from_prompt)
            .unwrap_or(default_mode);
        let limit = self.mode_limits.limit(mode);
        let ratio = if self.deadline_margin_ratio.is_finite() {
            self.deadline_margin_ratio.clamp(0.0, 10.0)
        } else {
            0.0
        };
        let margin = limit.mul_f64(ratio).max(self.deadline_margin);
        limit.saturating_add(margin)
    }

    /// `interval` clamped into `min_interval..=max_interval`.
    pub fn clamp_interval(&self, interval: Duration) -> Duration {
        interval.clamp(self.min_interval, self.max_interval.max(self.min_interval))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn deadlines_follow_the_mode_plus_a_margin() {
        use MidjourneyMode::*;
        let c = EngineConfig::default();
        // limit + max(20 %, 2 min)
        assert_eq!(c.deadline_for(None, Fast), 1080 * S);
        assert_eq!(c.deadline_for(None, Turbo), 720 * S);
        assert_eq!(c.deadline_for(None, Relax), 4320 * S);
        // The prompt's flag beats the default mode; the last flag wins.
        assert_eq!(c.deadline_for(Some("a cat --turbo"), Relax), 720 * S);
        assert_eq!(
            c.deadline_for(Some("a cat --turbo --relax"), Fast),
            4320 * S
        );
        assert_eq!(c.deadline_for(Some("a cat --fastest"), Relax), 4320 * S);
        assert_eq!(c.deadline_for(Some("a cat"), Turbo), 720 * S);

        let tight = EngineConfig {
            mode_limits: ModeLimits::uniform(60 * S),
            deadline_margin: Duration::ZERO,
            deadline_margin_ratio: 0.0,
            ..EngineConfig::default()
        };
        assert_eq!(tight.deadline_for(Some("x --relax"), Fast), 60 * S);
        let ratio = EngineConfig {
            mode_limits: ModeLimits::uniform(100 * S),
            deadline_margin: S,
            deadline_margin_ratio: 0.5,
            ..EngineConfig::default()
        };
        assert_eq!(ratio.deadline_for(None, Fast), 150 * S);
        let nonsense = EngineConfig {
            deadline_margin_ratio: f64::NAN,
            ..tight.clone()
        };
        assert_eq!(nonsense.deadline_for(None, Fast), 60 * S);
        assert_eq!(nonsense.normalized().deadline_margin_ratio, 0.0);
    }

    #[test]
    fn defaults_follow_the_provider_guidance() {
        let c = EngineConfig::default();
        assert_eq!(c.poll_interval, Duration::from_secs(5));
        assert_eq!(c.default_mode, MidjourneyMode::Fast);
        assert_eq!(c.mode_limits.limit(MidjourneyMode::Turbo), 600 * S);
        assert_eq!(c.mode_limits.limit(MidjourneyMode::Fast), 900 * S);
        assert_eq!(c.mode_limits.limit(MidjourneyMode::Relax), 3600 * S);
        assert_eq!(c.recheck_interval, 300 * S);
        assert_eq!(c.recheck_window, 24 * 3600 * S);
        assert_eq!(c.journey_batch_size, 20);
        assert_eq!(c.normalized(), c);
    }

    #[test]
    fn normalizing_repairs_nonsense() {
        let c = EngineConfig {
            poll_interval: Duration::ZERO,
            jitter: f64::NAN,
            journey_batch_size: 100,
            max_concurrent_fetches: 0,
            min_interval: Duration::from_secs(8),
            max_interval: Duration::from_secs(2),
            ..EngineConfig::default()
        }
        .normalized();
        assert_eq!(c.poll_interval, FLOOR);
        assert_eq!(c.jitter, 0.0);
        assert_eq!(c.journey_batch_size, 20);
        assert_eq!(c.max_concurrent_fetches, 1);
        assert_eq!(c.max_interval, Duration::from_secs(8));
        assert_eq!(
            c.clamp_interval(Duration::from_secs(1)),
            Duration::from_secs(8)
        );
    }

    #[test]
    fn runtime_intervals_are_clamped_to_the_setting_range() {
        let c = EngineConfig::default();
        assert_eq!(
            c.clamp_interval(Duration::from_secs(1)),
            Duration::from_secs(5)
        );
        assert_eq!(
            c.clamp_interval(Duration::from_secs(7)),
            Duration::from_secs(7)
        );
        assert_eq!(
            c.clamp_interval(Duration::from_secs(60)),
            Duration::from_secs(10)
        );
    }
}
