//! Pure scheduling maths: jittered intervals, exponential backoff that honours `Retry-After`,
//! and the sentence for a deadline. No clocks and no runtime here, so it is tested directly.

use std::time::Duration;

/// The delay before the next regular poll: `interval` lengthened by up to `jitter` (a
/// fraction), never shortened: both providers ask for at least 5 s between polls, so the
/// spread only goes upward (`interval * (1 + jitter * unit)`). `unit` is a random sample in
/// `0.0..1.0`.
pub(crate) fn jittered(interval: Duration, jitter: f64, unit: f64) -> Duration {
    let factor = 1.0 + jitter.max(0.0) * unit.clamp(0.0, 1.0);
    interval.mul_f64(factor)
}

/// The delay before retrying after the `failures`-th consecutive retryable error (1 = first):
/// `interval * 2^failures`, capped at `max_backoff`, lengthened (never shortened) by up to
/// `jitter`, and never less than the provider's `retry_after`.
pub(crate) fn backoff(
    interval: Duration,
    failures: u32,
    max_backoff: Duration,
    retry_after: Option<Duration>,
    jitter: f64,
    unit: f64,
) -> Duration {
    let exponent = failures.clamp(1, 16);
    let base = interval
        .checked_mul(1u32 << exponent)
        .unwrap_or(max_backoff)
        .min(max_backoff.max(interval));
    let spread = base.mul_f64(1.0 + jitter * unit.clamp(0.0, 1.0));
    match retry_after {
        Some(wait) => spread.max(wait),
        None => spread,
    }
}

/// "24 hours", "15 minutes", "1 minute", "90 seconds", "0.3 seconds": for the deadline
/// sentence.
pub(crate) fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 3600 && secs.is_multiple_of(3600) && d.subsec_nanos() == 0 {
        let h = secs / 3600;
        format!("{h} hour{}", if h == 1 { "" } else { "s" })
    } else if secs >= 60 && secs.is_multiple_of(60) && d.subsec_nanos() == 0 {
        let m = secs / 60;
        format!("{m} minute{}", if m == 1 { "" } else { "s" })
    } else if d.subsec_nanos() == 0 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        let s = d.as_secs_f64();
        format!("{} seconds", (s * 100.0).round() / 100.0)
    }
}

/// The error sentence for a task the engine gave up on at its deadline. `last_error` is the
/// sentence of the poll that failed last, when the last poll failed (the provider was then
/// unreachable or refusing, not merely slow, and the person should know). `recheck` is the
/// re-check window (counted from the submission) when the task will still be re-checked
/// quietly, None when the engine stops checking it.
pub(crate) fn deadline_sentence(
    deadline: Duration,
    last_error: Option<&str>,
    recheck: Option<Duration>,
) -> String {
    let within = human_duration(deadline);
    match (last_error, recheck) {
        (None, None) => format!(
            "The provider did not finish this task within {within}; it was stopped. Try \
             again, or check the task on the provider's website."
        ),
        (Some(error), None) => format!(
            "Atelier could not get a result for this task within {within} and stopped \
             checking. The last check failed: {error} The task may still finish on the \
             provider's website."
        ),
        (None, Some(window)) => format!(
            "The provider did not finish this task within {within}. Atelier will look \
             again now and then until {} after it was submitted and show the result if it \
             arrives; Check again looks right away.",
            human_duration(window)
        ),
        (Some(error), Some(window)) => format!(
            "Atelier could not get a result for this task within {within}. The last check \
             failed: {error} Atelier will look again now and then until {} after it was \
             submitted; Check again looks right away.",
            human_duration(window)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn jitter_only_lengthens_within_bounds() {
        let i = 5 * S;
        assert_eq!(jittered(i, 0.1, 0.0), i);
        assert_eq!(jittered(i, 0.1, 0.5), Duration::from_millis(5250));
        assert_eq!(jittered(i, 0.1, 1.0), Duration::from_millis(5500));
        assert_eq!(jittered(i, 0.0, 0.9), i);
        // Out-of-range samples and a negative jitter never bring it below the interval.
        assert_eq!(jittered(i, 0.1, -3.0), i);
        assert_eq!(jittered(i, -0.5, 1.0), i);
        assert_eq!(jittered(i, 0.1, 7.0), Duration::from_millis(5500));
        for step in 0..=100 {
            let unit = f64::from(step) / 100.0;
            let d = jittered(i, 0.5, unit);
            assert!(d >= i && d <= i.mul_f64(1.5), "{unit}: {d:?}");
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let i = 5 * S;
        let cap = 60 * S;
        assert_eq!(backoff(i, 1, cap, None, 0.0, 0.0), 10 * S);
        assert_eq!(backoff(i, 2, cap, None, 0.0, 0.0), 20 * S);
        assert_eq!(backoff(i, 3, cap, None, 0.0, 0.0), 40 * S);
        assert_eq!(backoff(i, 4, cap, None, 0.0, 0.0), 60 * S);
        assert_eq!(backoff(i, 40, cap, None, 0.0, 0.0), 60 * S);
        // jitter only lengthens
        assert!(backoff(i, 1, cap, None, 0.1, 0.0) >= 10 * S);
        assert!(backoff(i, 1, cap, None, 0.1, 1.0) <= 11 * S);
    }

    #[test]
    fn retry_after_is_a_floor() {
        let i = 5 * S;
        let cap = 60 * S;
        assert_eq!(backoff(i, 1, cap, Some(30 * S), 0.1, 0.0), 30 * S);
        assert_eq!(backoff(i, 1, cap, Some(120 * S), 0.1, 1.0), 120 * S);
        assert_eq!(backoff(i, 2, cap, Some(S), 0.0, 0.0), 20 * S);
    }

    #[test]
    fn deadline_sentence_reads_well() {
        assert_eq!(
            deadline_sentence(15 * 60 * S, None, None),
            "The provider did not finish this task within 15 minutes; it was stopped. Try \
             again, or check the task on the provider's website."
        );
        assert_eq!(
            deadline_sentence(2 * S, Some("Could not reach the provider (refused)."), None),
            "Atelier could not get a result for this task within 2 seconds and stopped \
             checking. The last check failed: Could not reach the provider (refused). The \
             task may still finish on the provider's website."
        );
        assert_eq!(
            deadline_sentence(18 * 60 * S, None, Some(24 * 3600 * S)),
            "The provider did not finish this task within 18 minutes. Atelier will look \
             again now and then until 24 hours after it was submitted and show the result \
             if it arrives; Check again looks right away."
        );
        assert_eq!(
            deadline_sentence(60 * S, Some("The provider is busy."), Some(3600 * S)),
            "Atelier could not get a result for this task within 1 minute. The last check \
             failed: The provider is busy. Atelier will look again now and then until 1 \
             hour after it was submitted; Check again looks right away."
        );
        assert_eq!(human_duration(24 * 3600 * S), "24 hours");
        assert_eq!(human_duration(90 * 60 * S), "90 minutes");
        assert_eq!(human_duration(60 * S), "1 minute");
        assert_eq!(human_duration(90 * S), "90 seconds");
        assert_eq!(human_duration(S), "1 second");
        assert_eq!(human_duration(Duration::from_millis(300)), "0.3 seconds");
    }
}
