//! Simulated time and the stage a running task is in.
//!
//! Nothing ticks in the background: a task stores the simulated instant it was created and
//! every fetch computes its state from the simulated time elapsed since then. Simulated time
//! runs `speed` times faster than real time; changing the speed keeps it continuous.

use std::time::Instant;

use crate::config::sane_speed;

/// A clock whose seconds pass `speed` times faster than real ones.
#[derive(Debug, Clone)]
pub struct SimClock {
    anchor_real: Instant,
    anchor_sim: f64,
    speed: f64,
}

impl SimClock {
    /// A clock starting at simulated second 0 now.
    pub fn new(speed: f64) -> Self {
        SimClock {
            anchor_real: Instant::now(),
            anchor_sim: 0.0,
            speed: sane_speed(speed),
        }
    }

    /// Simulated seconds since the clock was made.
    pub fn now(&self) -> f64 {
        self.anchor_sim + self.anchor_real.elapsed().as_secs_f64() * self.speed
    }

    /// The current speed factor.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Changes the speed from now on; simulated time does not jump.
    pub fn set_speed(&mut self, speed: f64) {
        self.anchor_sim = self.now();
        self.anchor_real = Instant::now();
        self.speed = sane_speed(speed);
    }
}

/// A running or finished stage, provider-neutral (each provider maps it to its own words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Accepted, waiting in the provider's queue (Linkr `queued`, Journey `staged`).
    Queued,
    /// Waiting for a Midjourney slot (Linkr `pending`, Journey `pending`).
    Pending,
    /// Being posted to Discord (Linkr `sending`, Journey `pending`).
    Sending,
    /// Midjourney accepted the job (Linkr `starting`, Journey `starting`).
    Starting,
    /// Rendering (Linkr `processing`, Journey `processing`).
    Processing,
    /// Copying the result to the CDN (Linkr `uploading`, Journey `processing`).
    Uploading,
    /// Finished with a result.
    Done,
}

/// Fraction of the task duration at which each stage begins.
pub const STAGE_STARTS: [(Stage, f64); 7] = [
    (Stage::Queued, 0.0),
    (Stage::Pending, 0.05),
    (Stage::Sending, 0.10),
    (Stage::Starting, 0.15),
    (Stage::Processing, 0.25),
    (Stage::Uploading, 0.90),
    (Stage::Done, 1.0),
];

/// Midjourney's own progress steps while rendering.
const PROCESSING_STEPS: [u8; 6] = [15, 31, 46, 62, 78, 93];

/// The stage and progress (0..=100) at `fraction` of the task's duration.
pub fn stage_at(fraction: f64) -> (Stage, u8) {
    let f = if fraction.is_nan() { 0.0 } else { fraction };
    let mut stage = Stage::Queued;
    for (s, start) in STAGE_STARTS {
        if f >= start {
            stage = s;
        }
    }
    let progress = match stage {
        Stage::Queued | Stage::Pending | Stage::Sending | Stage::Starting => 0,
        Stage::Processing => {
            let p = (f - 0.25) / (0.90 - 0.25);
            let idx = ((p * PROCESSING_STEPS.len() as f64).floor().max(0.0) as usize)
                .min(PROCESSING_STEPS.len() - 1);
            PROCESSING_STEPS[idx]
        }
        Stage::Uploading => 99,
        Stage::Done => 100,
    };
    (stage, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_come_in_order_and_progress_never_goes_down() {
        let mut last_stage_idx = 0;
        let mut last_progress = 0;
        let order: Vec<Stage> = STAGE_STARTS.iter().map(|(s, _)| *s).collect();
        let mut seen = Vec::new();
        for i in 0..=1200 {
            let (stage, progress) = stage_at(i as f64 / 1000.0);
            let idx = order.iter().position(|s| *s == stage).unwrap_or(0);
            assert!(idx >= last_stage_idx, "stage went backwards at {i}");
            assert!(progress >= last_progress, "progress went down at {i}");
            assert!(progress <= 100);
            if seen.last() != Some(&stage) {
                seen.push(stage);
            }
            last_stage_idx = idx;
            last_progress = progress;
        }
        assert_eq!(seen, order, "every stage is visited in order");
    }

    #[test]
    fn known_points() {
        assert_eq!(stage_at(0.0), (Stage::Queued, 0));
        assert_eq!(stage_at(-1.0), (Stage::Queued, 0));
        assert_eq!(stage_at(f64::NAN), (Stage::Queued, 0));
        assert_eq!(stage_at(0.26).0, Stage::Processing);
        assert_eq!(stage_at(0.26).1, 15);
        assert_eq!(stage_at(0.89).1, 93);
        assert_eq!(stage_at(0.95), (Stage::Uploading, 99));
        assert_eq!(stage_at(1.0), (Stage::Done, 100));
        assert_eq!(stage_at(7.0), (Stage::Done, 100));
    }

    #[test]
    fn clock_scales_and_stays_continuous() {
        let mut c = SimClock::new(1000.0);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let a = c.now();
        assert!(
            a >= 20.0,
            "1000x speed: 20 ms real is >= 20 s simulated, got {a}"
        );
        c.set_speed(1.0);
        let b = c.now();
        assert!(b >= a && b < a + 1.0, "no jump when the speed changes");
        assert_eq!(c.speed(), 1.0);
    }
}
