//! Mapping each provider's status words to the app's [`TaskStatus`]
//! (provider-contracts.md section 4).

use crate::model::TaskStatus;

/// LinkrAPI status word -> app status. Unknown words count as still running.
pub fn linkr_status(raw: &str) -> TaskStatus {
    match raw.trim().to_ascii_lowercase().as_str() {
        "queued" | "pending" | "sending" => TaskStatus::Queued,
        "starting" | "processing" | "uploading" => TaskStatus::Running,
        "completed" | "complete" | "success" | "succeeded" => TaskStatus::Succeeded,
        "failed" | "failure" | "error" => TaskStatus::Failed,
        "timeout" | "timed_out" | "timedout" => TaskStatus::TimedOut,
        _ => TaskStatus::Running,
    }
}

/// JourneyAPI status word -> app status. Unknown words count as still running.
pub fn journey_status(raw: &str) -> TaskStatus {
    match raw.trim().to_ascii_lowercase().as_str() {
        "staged" | "pending" | "queued" => TaskStatus::Queued,
        "starting" | "processing" | "running" => TaskStatus::Running,
        "finished" | "completed" | "success" | "succeeded" => TaskStatus::Succeeded,
        "failed" | "error" => TaskStatus::Failed,
        "timeout" | "timed_out" => TaskStatus::TimedOut,
        _ => TaskStatus::Running,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkr_words() {
        for w in ["queued", "pending", "sending"] {
            assert_eq!(linkr_status(w), TaskStatus::Queued);
        }
        for w in ["starting", "processing", "uploading", "weird", ""] {
            assert_eq!(linkr_status(w), TaskStatus::Running);
        }
        assert_eq!(linkr_status("completed"), TaskStatus::Succeeded);
        assert_eq!(linkr_status("COMPLETED"), TaskStatus::Succeeded);
        assert_eq!(linkr_status("failed"), TaskStatus::Failed);
        assert_eq!(linkr_status("timeout"), TaskStatus::TimedOut);
    }

    #[test]
    fn journey_words() {
        for w in ["staged", "pending"] {
            assert_eq!(journey_status(w), TaskStatus::Queued);
        }
        for w in ["starting", "processing", "weird"] {
            assert_eq!(journey_status(w), TaskStatus::Running);
        }
        assert_eq!(journey_status("finished"), TaskStatus::Succeeded);
        assert_eq!(journey_status("failed"), TaskStatus::Failed);
    }
}
