//! Start-up settings of the simulator.

/// How to start a [`crate::Simulator`].
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatorConfig {
    /// Loopback port to listen on; 0 picks a free port.
    pub port: u16,
    /// Time scale: simulated elapsed time = real elapsed time * speed. 1.0 is realistic.
    pub speed: f64,
    /// The one LinkrAPI key accepted (`Authorization: Bearer <key>`).
    pub linkr_key: String,
    /// The one JourneyAPI key accepted (`Authorization: <key>`).
    pub journey_key: String,
    /// JourneyAPI credits at start; `/account` reports them going down.
    pub starting_credits: i64,
    /// Answer LinkrAPI fetches with the extras third-party clients observed on the live
    /// service (`images`, `grid_url`, `cdn_url`, emoji in an `emoji` field) instead of the
    /// documented shape. Off by default: tests turn it on explicitly.
    pub observed_extras: bool,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            port: 0,
            speed: 1.0,
            linkr_key: "lkr_demo".to_string(),
            journey_key: "japi_demo".to_string(),
            starting_credits: 12_000,
            observed_extras: false,
        }
    }
}

/// Clamps a speed factor to a usable range (0.01 ..= 100000); NaN becomes 1.0.
pub fn sane_speed(speed: f64) -> f64 {
    if speed.is_nan() {
        1.0
    } else {
        speed.clamp(0.01, 100_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_docs() {
        let c = SimulatorConfig::default();
        assert_eq!(c.port, 0);
        assert_eq!(c.speed, 1.0);
        assert_eq!(c.linkr_key, "lkr_demo");
        assert_eq!(c.journey_key, "japi_demo");
        assert_eq!(c.starting_credits, 12_000);
        assert!(!c.observed_extras, "the documented shapes by default");
    }

    #[test]
    fn speed_is_clamped() {
        assert_eq!(sane_speed(f64::NAN), 1.0);
        assert_eq!(sane_speed(-3.0), 0.01);
        assert_eq!(sane_speed(1e9), 100_000.0);
        assert_eq!(sane_speed(20.0), 20.0);
    }
}
