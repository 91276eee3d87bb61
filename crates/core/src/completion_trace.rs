//! Where the time goes between the poll that sees a task finished and its images in the card
//! (issue 13's completion-to-screen bench, `scripts/bench-completion.sh`).
//!
//! Builds with the `test-hooks` feature append one JSON line per step to the file named by
//! `ATELIER_COMPLETION_TRACE`: `{"task":"<id>","phase":"downloaded","ms":1733312345678.123}`
//! (milliseconds since the Unix epoch, so the bench can line them up with the page's own
//! clock, `performance.timeOrigin + performance.now()`). The shipped app has no such variable:
//! without the feature, [`mark`] does nothing.

use std::fs::File;
#[cfg(feature = "test-hooks")]
use std::fs::OpenOptions;
use std::io::Write;
use std::sync::Mutex;
#[cfg(feature = "test-hooks")]
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the trace file (test-hooks builds only: the release
/// package is checked to carry no such name, `scripts/test-package.sh`).
#[cfg(feature = "test-hooks")]
pub const TRACE_VAR: &str = "ATELIER_COMPLETION_TRACE";

/// The steps of a finished task's way to the screen, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The core heard from the engine that the task succeeded (the poll that saw it).
    FinalSeen,
    /// Its images are in the image cache.
    Downloaded,
    /// Its images are in the library database (rows, and a grid cut into singles).
    Catalogued,
    /// The UI was sent the task with its images.
    Emitted,
    /// Its gallery thumbnails are made (after the UI has the images).
    Thumbnails,
}

impl Phase {
    /// The word in the trace file.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::FinalSeen => "final_seen",
            Phase::Downloaded => "downloaded",
            Phase::Catalogued => "catalogued",
            Phase::Thumbnails => "thumbnails",
            Phase::Emitted => "emitted",
        }
    }
}

#[cfg(feature = "test-hooks")]
fn sink() -> Option<&'static Mutex<File>> {
    static SINK: OnceLock<Option<Mutex<File>>> = OnceLock::new();
    SINK.get_or_init(|| {
        let path = std::env::var_os(TRACE_VAR)?;
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()
            .map(Mutex::new)
    })
    .as_ref()
}

#[cfg(not(feature = "test-hooks"))]
fn sink() -> Option<&'static Mutex<File>> {
    None
}

/// The line [`mark`] writes for `task_id` reaching `phase` at `epoch_ms`.
fn line(task_id: &str, phase: Phase, epoch_ms: f64) -> String {
    let task = serde_json::Value::String(task_id.to_owned());
    format!(
        "{{\"task\":{task},\"phase\":\"{}\",\"ms\":{epoch_ms:.3}}}\n",
        phase.as_str()
    )
}

/// Records that `task_id` reached `phase` now, when tracing is on; otherwise does nothing.
pub fn mark(task_id: &str, phase: Phase) {
    let Some(sink) = sink() else {
        return;
    };
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    if let Ok(mut file) = sink.lock() {
        // A lost line only makes the bench report fewer tasks; it never stops the app.
        let _ = file.write_all(line(task_id, phase, epoch_ms).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_one_json_object_with_the_task_escaped() {
        let l = line("a\"b", Phase::Thumbnails, 12.5);
        let v: serde_json::Value = serde_json::from_str(l.trim_end()).expect("json");
        assert_eq!(v["task"], "a\"b");
        assert_eq!(v["phase"], "thumbnails");
        assert_eq!(v["ms"], 12.5);
        assert!(l.ends_with('\n'));
    }
}
