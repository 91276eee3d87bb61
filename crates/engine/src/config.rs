//! [`EngineConfig`]: poll interval, jitter, backoff, deadlines, batching and concurrency.

use std::time::Duration;

use atelier_providers::ProviderKind;

/// The most ids JourneyAPI's `/fetch-many` accepts in one request.
pub const JOURNEY_MAX_BATCH: usize = 20;

/// The shortest interval the engine ever uses, whatever it is told (keeps a bad value from
/// turning the scheduler into a busy loop).
const FLOOR: Duration = Duration::from_millis(1);

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
    /// How long a LinkrAPI task may take before the engine gives up on it. LinkrAPI's own
    /// limits are 600 s (turbo), 900 s (fast) and 3600 s (relax); default 15 min (fast).
    pub linkr_deadline: Duration,
    /// How long a JourneyAPI task may take before the engine gives up on it. Default 10 min.
    pub journey_deadline: Duration,
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
            min_interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(10),
            jitter: 0.1,
            max_backoff: Duration::from_secs(60),
            linkr_deadline: Duration::from_secs(15 * 60),
            journey_deadline: Duration::from_secs(10 * 60),
            journey_batch_size: JOURNEY_MAX_BATCH,
            max_concurrent_fetches: 4,
            event_capacity: 1024,
        }
    }
}

impl EngineConfig {
    /// A copy with every value brought into a usable range (no zero intervals, jitter in
    /// 0..=0.5, batch size 2..=20, at least one fetch in flight, a non-empty event buffer).
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
            linkr_deadline: self.linkr_deadline.max(FLOOR),
            journey_deadline: self.journey_deadline.max(FLOOR),
            journey_batch_size: self.journey_batch_size.clamp(2, JOURNEY_MAX_BATCH),
            max_concurrent_fetches: self.max_concurrent_fetches.max(1),
            event_capacity: self.event_capacity.max(16),
        }
    }

    /// The deadline for a task on `provider`.
    pub fn deadline_for(&self, provider: ProviderKind) -> Duration {
        match provider {
            ProviderKind::Linkr => self.linkr_deadline,
            ProviderKind::Journey => self.journey_deadline,
        }
    }

    /// `interval` clamped into `min_interval..=max_interval`.
    pub fn clamp_interval(&self, interval: Duration) -> Duration {
        interval.clamp(self.min_interval, self.max_interval.max(self.min_interval))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_provider_guidance() {
        let c = EngineConfig::default();
        assert_eq!(c.poll_interval, Duration::from_secs(5));
        assert_eq!(
            c.deadline_for(ProviderKind::Linkr),
            Duration::from_secs(900)
        );
        assert_eq!(
            c.deadline_for(ProviderKind::Journey),
            Duration::from_secs(600)
        );
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
