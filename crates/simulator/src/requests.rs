//! The request log: every API request the simulator received (not `/cdn`, not `/_control`).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// Which emulated service a request or task belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// LinkrAPI, served under `/linkr/api`.
    Linkr,
    /// JourneyAPI, served under `/journey/api/v1`.
    Journey,
}

impl Provider {
    /// The provider owning a request path, if any.
    pub fn from_path(path: &str) -> Option<Provider> {
        if path == "/linkr" || path.starts_with("/linkr/") {
            Some(Provider::Linkr)
        } else if path == "/journey" || path.starts_with("/journey/") {
            Some(Provider::Journey)
        } else {
            None
        }
    }
}

/// One API request as the simulator saw it. API keys are never recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Sequence number, starting at 1 for the first request since start.
    pub seq: u64,
    /// The provider the path belongs to; `None` for paths outside both.
    pub provider: Option<Provider>,
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path without the query, e.g. `/journey/api/v1/fetch-many`.
    pub path: String,
    /// Response status; `None` when no response was sent (connection reset, hang).
    pub status: Option<u16>,
    /// Whether the `Authorization` header carried the configured key in the right form.
    pub auth_ok: bool,
    /// The request body when it was JSON (at most 1 MiB is read).
    pub body: Option<serde_json::Value>,
}

/// A bounded in-memory log (oldest entries are dropped first).
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<LoggedRequest>,
    next_seq: u64,
}

/// How many requests the log keeps.
pub const MAX_LOGGED: usize = 10_000;

impl RequestLog {
    /// Records a new request (status still unknown) and returns its sequence number.
    pub fn start(
        &mut self,
        provider: Option<Provider>,
        method: &str,
        path: &str,
        auth_ok: bool,
        body: Option<serde_json::Value>,
    ) -> u64 {
        self.next_seq += 1;
        if self.entries.len() >= MAX_LOGGED {
            self.entries.pop_front();
        }
        self.entries.push_back(LoggedRequest {
            seq: self.next_seq,
            provider,
            method: method.to_string(),
            path: path.to_string(),
            status: None,
            auth_ok,
            body,
        });
        self.next_seq
    }

    /// Sets the response status of request `seq`.
    pub fn finish(&mut self, seq: u64, status: u16) {
        if let Some(entry) = self.entries.iter_mut().rev().find(|e| e.seq == seq) {
            entry.status = Some(status);
        }
    }

    /// A copy of all entries, oldest first.
    pub fn all(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }

    /// Forgets every entry (sequence numbers keep counting).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_from_path() {
        assert_eq!(
            Provider::from_path("/linkr/api/v1/imagine"),
            Some(Provider::Linkr)
        );
        assert_eq!(
            Provider::from_path("/journey/api/v1/fetch"),
            Some(Provider::Journey)
        );
        assert_eq!(Provider::from_path("/linkrx"), None);
        assert_eq!(Provider::from_path("/cdn/a/0.png"), None);
    }

    #[test]
    fn log_is_bounded_and_finishes() {
        let mut log = RequestLog::default();
        let seq = log.start(Some(Provider::Linkr), "GET", "/linkr/x", true, None);
        log.finish(seq, 404);
        assert_eq!(log.all()[0].status, Some(404));
        for _ in 0..MAX_LOGGED + 5 {
            log.start(None, "GET", "/", false, None);
        }
        assert_eq!(log.all().len(), MAX_LOGGED);
        log.clear();
        assert!(log.all().is_empty());
    }
}
