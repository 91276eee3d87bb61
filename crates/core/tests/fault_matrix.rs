//! The fault matrix (issue 6), run from its documentation.
//!
//! `docs/fault-matrix.md` holds one table row per (fault, phase). This test reads that table
//! and runs every row, for both providers, through the real [`Atelier`] in live mode: keys in
//! a [`MemoryStore`], base URLs pointing at a second [`Simulator`] that stands in for the real
//! service, faults from the simulator's prompt markers (or, for 404 and refused connections,
//! from where the base URL points). For each row and provider it checks:
//!
//! - the final state (`succeeded`, `failed`, `timed out`, or `rejected` when the submit itself
//!   was refused) and that the sentence the person sees contains the documented words;
//! - that the task, when one was created, is in the library once, with the same final status
//!   and sentence, and with its images when it succeeded (no task or image lost);
//! - that a healthy task submitted alongside still finishes (the app stays responsive);
//! - for the 50 MB body, that peak RSS grows by far less than 50 MB.
//!
//! It also fails when the table lists fewer cases than the required set. Each (row, provider)
//! gets its own app and library, so rows run concurrently; the 50 MB rows run first, one at a
//! time on a single-threaded runtime, so that their memory is measured alone.
//!
//! `FAULT_MATRIX_ONLY=hang cargo test -p atelier-core --test fault_matrix -- --nocapture` runs
//! only the rows whose fault contains `hang` (the coverage check still reads the whole table)
//! and prints each case's outcome, time and sentence.

use atelier_core::view::{TaskChange, TaskView};
use atelier_core::{
    AppError, Atelier, AtelierConfig, LiveLimits, MemorySettingsStore, Settings, SubmitRequest,
    UiEvent,
};
use atelier_keys::MemoryStore;
use atelier_providers::{ProviderKind, TaskStatus};
use atelier_simulator::{Simulator, SimulatorConfig};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// The documentation this test runs.
const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/fault-matrix.md");

/// The keys the stand-in for the real service accepts.
const LINKR_KEY: &str = "lkr_fault_matrix_live_0001";
const JOURNEY_KEY: &str = "japi_fault_matrix_live_0001";
/// Simulated time runs this much faster: an imagine takes 0.1 s.
const SPEED: f64 = 200.0;
/// Time between polls.
const POLL: Duration = Duration::from_millis(20);
/// The task deadline in rows that expect `timed out` (the doc says so too).
const SHORT_DEADLINE: Duration = Duration::from_secs(3);
/// The request timeout in the hang rows (the doc says so too).
const HANG_TIMEOUT: Duration = Duration::from_secs(2);
/// Appended to every prompt: wide, flat pictures are cheap to draw and thumbnail.
const FLAT: &str = "--ar 4:1";
/// How long one case may take before it counts as stuck.
const CASE_BOUND: Duration = Duration::from_secs(45);
/// The most peak RSS may grow while a 50 MB body is refused (the client's cap is 8 MiB).
const MEMORY_BOUND: u64 = 20 * 1024 * 1024;

/// Every fault the table must cover, on submit and on poll.
const REQUIRED_FAULTS: [&str; 15] = [
    "401",
    "403",
    "404",
    "429 with Retry-After",
    "429 without Retry-After",
    "500",
    "502",
    "503",
    "connection refused",
    "connection reset",
    "hang",
    "hang_body",
    "malformed JSON",
    "50 MB body",
    "wrong content type",
];
/// The provider's own final statuses, seen while polling.
const REQUIRED_STATUSES: [&str; 2] = ["failed status", "timeout status"];

/// Submit or poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Submit,
    Poll,
}

/// Where a case ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Succeeded,
    Failed,
    TimedOut,
    Rejected,
}

impl Outcome {
    fn parse(cell: &str) -> Option<Outcome> {
        match clean(cell).to_lowercase().as_str() {
            "succeeded" => Some(Outcome::Succeeded),
            "failed" => Some(Outcome::Failed),
            "timed out" => Some(Outcome::TimedOut),
            "rejected" => Some(Outcome::Rejected),
            _ => None,
        }
    }

    fn of(status: TaskStatus) -> Option<Outcome> {
        match status {
            TaskStatus::Succeeded => Some(Outcome::Succeeded),
            TaskStatus::Failed => Some(Outcome::Failed),
            TaskStatus::TimedOut => Some(Outcome::TimedOut),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed out",
            Outcome::Rejected => "rejected",
        })
    }
}

/// What one provider should do in one row.
#[derive(Debug, Clone)]
struct Expect {
    outcome: Outcome,
    /// Words the sentence contains; `None`: no error is shown.
    message: Option<String>,
}

/// One row of the table.
#[derive(Debug, Clone)]
struct Row {
    /// Line number in the doc, for messages.
    line: usize,
    fault: String,
    phase: Phase,
    how: String,
    linkr: Expect,
    journey: Expect,
}

impl Row {
    fn expect(&self, provider: ProviderKind) -> &Expect {
        match provider {
            ProviderKind::Linkr => &self.linkr,
            ProviderKind::Journey => &self.journey,
        }
    }

    /// The simulator marker in the "how" cell, like `[[fault:429:1@poll*2]]`.
    fn marker(&self) -> Option<&str> {
        let start = self.how.find("[[")?;
        let end = self.how[start..].find("]]")? + start + 2;
        Some(&self.how[start..end])
    }

    fn is(&self, fault: &str, phase: Phase) -> bool {
        self.fault.eq_ignore_ascii_case(fault) && self.phase == phase
    }

    /// Faults that take the whole provider (or the key) down: the healthy companion then runs
    /// on the other provider, since no task on this one could finish.
    fn provider_wide(&self) -> bool {
        self.fault == "404"
            || self.fault == "connection refused"
            || (self.phase == Phase::Poll && (self.fault == "401" || self.fault == "403"))
    }

    fn label(&self) -> String {
        format!("{} @ {:?} (line {})", self.fault, self.phase, self.line)
    }
}

/// A cell without markdown decoration.
fn clean(cell: &str) -> String {
    cell.trim().trim_matches('`').trim().to_string()
}

/// The message cell: `—` (none), one text for both, or `linkr: …; journey: …`.
fn parse_messages(cell: &str) -> Result<(Option<String>, Option<String>), String> {
    let one = |s: &str| {
        let s = clean(s);
        if s.is_empty() || s == "—" || s == "-" {
            None
        } else {
            Some(s)
        }
    };
    let lower = cell.to_lowercase();
    if !(lower.contains("linkr:") && lower.contains("journey:")) {
        let m = one(cell);
        return Ok((m.clone(), m));
    }
    let (mut linkr, mut journey) = (None, None);
    for part in cell.split(';') {
        let (name, text) = part
            .split_once(':')
            .ok_or_else(|| format!("\"{part}\" is not \"provider: words\""))?;
        match name.trim().to_lowercase().as_str() {
            "linkr" => linkr = one(text),
            "journey" => journey = one(text),
            other => return Err(format!("unknown provider \"{other}\"")),
        }
    }
    Ok((linkr, journey))
}

/// Every data row of the doc's table. Panics with the line number on anything malformed.
fn parse_table(doc: &str) -> Vec<Row> {
    let lines: Vec<(usize, &str)> = doc
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| l.starts_with('|'))
        .collect();
    assert!(lines.len() > 2, "{DOC} has no table");
    let cells = |l: &str| -> Vec<String> {
        l.trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let header: Vec<String> = cells(lines[0].1).iter().map(|c| c.to_lowercase()).collect();
    let col = |words: &[&str]| -> usize {
        header
            .iter()
            .position(|h| words.iter().all(|w| h.contains(w)))
            .unwrap_or_else(|| panic!("the table has no column with {words:?}: {header:?}"))
    };
    let (fault, phase, how) = (col(&["fault"]), col(&["phase"]), col(&["how"]));
    let (linkr, journey, message) = (
        col(&["linkr", "outcome"]),
        col(&["journey", "outcome"]),
        col(&["message"]),
    );
    assert!(
        cells(lines[1].1).iter().all(|c| c.starts_with('-')),
        "line {}: the second table line should be the |---| separator",
        lines[1].0
    );
    lines[2..]
        .iter()
        .map(|&(line, l)| {
            let c = cells(l);
            assert_eq!(c.len(), header.len(), "line {line}: wrong number of cells");
            let phase = match clean(&c[phase]).to_lowercase().as_str() {
                "submit" => Phase::Submit,
                "poll" => Phase::Poll,
                other => panic!("line {line}: unknown phase \"{other}\""),
            };
            let outcome = |cell: &str| {
                Outcome::parse(cell)
                    .unwrap_or_else(|| panic!("line {line}: unknown outcome \"{cell}\""))
            };
            let (linkr_msg, journey_msg) =
                parse_messages(&c[message]).unwrap_or_else(|e| panic!("line {line}: {e}"));
            let row = Row {
                line,
                fault: clean(&c[fault]),
                phase,
                how: c[how].clone(),
                linkr: Expect {
                    outcome: outcome(&c[linkr]),
                    message: linkr_msg,
                },
                journey: Expect {
                    outcome: outcome(&c[journey]),
                    message: journey_msg,
                },
            };
            for e in [&row.linkr, &row.journey] {
                assert_eq!(
                    e.outcome == Outcome::Succeeded,
                    e.message.is_none(),
                    "line {line}: a recovered task shows no error (—); every other outcome names its sentence"
                );
            }
            row
        })
        .collect()
}

fn read_table() -> Vec<Row> {
    let doc = std::fs::read_to_string(DOC).unwrap_or_else(|e| panic!("cannot read {DOC}: {e}"));
    parse_table(&doc)
}

/// Asserts that the table lists every required (fault, phase) pair exactly once.
fn assert_covers_required_set(rows: &[Row]) {
    let mut seen = BTreeSet::new();
    for row in rows {
        assert!(
            seen.insert((row.fault.to_lowercase(), row.phase)),
            "{} is listed twice",
            row.label()
        );
    }
    let mut missing = Vec::new();
    for fault in REQUIRED_FAULTS {
        for phase in [Phase::Submit, Phase::Poll] {
            if !seen.contains(&(fault.to_lowercase(), phase)) {
                missing.push(format!("{fault} @ {phase:?}"));
            }
        }
    }
    for status in REQUIRED_STATUSES {
        if !seen.contains(&(status.to_lowercase(), Phase::Poll)) {
            missing.push(format!("{status} @ Poll"));
        }
    }
    assert!(
        missing.is_empty(),
        "{DOC} does not cover: {}",
        missing.join(", ")
    );
}

#[test]
fn the_table_covers_every_required_fault() {
    let rows = read_table();
    assert_covers_required_set(&rows);
    for row in &rows {
        let special = row.fault == "404" || row.fault == "connection refused";
        assert_eq!(
            row.marker().is_none(),
            special,
            "{}: only 404 and refused rows run without a simulator marker",
            row.label()
        );
    }
}

/// What every case shares: the stand-in for the real service.
struct World {
    live: Simulator,
    /// A bound but never listening socket: connecting to its port is refused.
    closed: tokio::net::TcpSocket,
}

impl World {
    async fn start() -> World {
        let closed = tokio::net::TcpSocket::new_v4().expect("a socket");
        closed
            .bind("127.0.0.1:0".parse().expect("an address"))
            .expect("bind a port that never listens");
        World {
            live: live_simulator(SPEED).await,
            closed,
        }
    }

    fn closed_port(&self) -> u16 {
        self.closed
            .local_addr()
            .expect("closed socket address")
            .port()
    }
}

async fn live_simulator(speed: f64) -> Simulator {
    Simulator::start(SimulatorConfig {
        speed,
        linkr_key: LINKR_KEY.into(),
        journey_key: JOURNEY_KEY.into(),
        ..SimulatorConfig::default()
    })
    .await
    .expect("a live simulator starts")
}

fn base_url(sim: &Simulator, provider: ProviderKind) -> String {
    match provider {
        ProviderKind::Linkr => sim.linkr_base_url(),
        ProviderKind::Journey => sim.journey_base_url(),
    }
}

fn with_base(mut settings: Settings, provider: ProviderKind, url: String) -> Settings {
    match provider {
        ProviderKind::Linkr => settings.linkr_base_url = url,
        ProviderKind::Journey => settings.journey_base_url = url,
    }
    settings
}

fn other(provider: ProviderKind) -> ProviderKind {
    match provider {
        ProviderKind::Linkr => ProviderKind::Journey,
        ProviderKind::Journey => ProviderKind::Linkr,
    }
}

fn name(provider: ProviderKind) -> &'static str {
    match provider {
        ProviderKind::Linkr => "linkr",
        ProviderKind::Journey => "journey",
    }
}

fn request(provider: ProviderKind, prompt: String) -> SubmitRequest {
    SubmitRequest {
        provider,
        prompt,
        model: None,
        aspect_ratio: None,
        reference_image: None,
    }
}

/// One `VmHWM` / `VmRSS` style line of `/proc/self/status`, in bytes.
fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets the peak RSS to the current RSS (Linux `clear_refs` 5); false when not allowed.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// What a case saw, for the summary.
struct Report {
    label: String,
    provider: ProviderKind,
    outcome: Option<Outcome>,
    /// The sentence the person saw, if any.
    message: Option<String>,
    elapsed: Duration,
    peak_growth: Option<u64>,
    problems: Vec<String>,
}

/// A started app with keys and base URLs set.
struct Setup {
    app: Atelier,
    _dir: tempfile::TempDir,
    settings: Settings,
    /// The server of the tested provider when this case needs its own (refused / 404 on poll).
    own: Option<Simulator>,
}

async fn setup(world: &World, row: &Row, provider: ProviderKind) -> Result<Setup, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let timed_out = row.expect(provider).outcome == Outcome::TimedOut;
    let deadline = timed_out.then_some(SHORT_DEADLINE);
    let limits = LiveLimits {
        request_timeout: row.fault.starts_with("hang").then_some(HANG_TIMEOUT),
        deadline,
        ..LiveLimits::default()
    };
    let app = Atelier::start_with_limits(
        AtelierConfig {
            library_dir: dir.path().join("library"),
            key_store: Arc::new(MemoryStore::new()),
            key_store_health: Ok(()),
            settings_store: Arc::new(MemorySettingsStore::default()),
            demo_speed: SPEED,
            demo_poll_interval: POLL,
            live_poll_interval_override: Some(POLL),
        },
        limits,
    )
    .await
    .map_err(|e| format!("the app did not start: {e}"))?;
    let mut settings = Settings {
        linkr_base_url: world.live.linkr_base_url(),
        journey_base_url: world.live.journey_base_url(),
        ..Settings::default()
    };
    let mut own = None;
    if row.is("404", Phase::Submit) {
        // The base URL without its last path segment: the server answers 404 to every call.
        let url = base_url(&world.live, provider);
        let cut = url.rfind('/').expect("a base URL has a path");
        settings = with_base(settings, provider, url[..cut].to_string());
    } else if row.is("connection refused", Phase::Submit) {
        let path = match provider {
            ProviderKind::Linkr => "linkr/api",
            ProviderKind::Journey => "journey/api/v1",
        };
        let url = format!("http://127.0.0.1:{}/{path}", world.closed_port());
        settings = with_base(settings, provider, url);
    } else if row.is("connection refused", Phase::Poll) || row.is("404", Phase::Poll) {
        // A server of its own, slow enough that the task cannot finish before it goes away.
        let sim = live_simulator(1.0).await;
        settings = with_base(settings, provider, base_url(&sim, provider));
        own = Some(sim);
    }
    app.save_settings(settings.clone())
        .await
        .map_err(|e| format!("settings refused: {e}"))?;
    app.set_key(ProviderKind::Linkr, LINKR_KEY)
        .await
        .map_err(|e| format!("linkr key refused: {e}"))?;
    app.set_key(ProviderKind::Journey, JOURNEY_KEY)
        .await
        .map_err(|e| format!("journey key refused: {e}"))?;
    Ok(Setup {
        app,
        _dir: dir,
        settings,
        own,
    })
}

/// Waits for the final event of each of `ids` (a succeeded task only counts once its images
/// are in), bounded by [`CASE_BOUND`].
async fn finals(
    rx: &mut broadcast::Receiver<UiEvent>,
    ids: &[String],
) -> Result<HashMap<String, TaskView>, String> {
    let mut done: HashMap<String, TaskView> = HashMap::new();
    let waited = tokio::time::timeout(CASE_BOUND, async {
        while done.len() < ids.len() {
            let ev = match rx.recv().await {
                Ok(ev) => ev,
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            };
            let UiEvent::Update(ev) = ev else {
                continue;
            };
            let id = ev.task.task.id.clone();
            let status = ev.task.task.status;
            let last = match ev.change {
                TaskChange::Results => status == TaskStatus::Succeeded,
                TaskChange::Failed => status.is_final(),
                _ => false,
            };
            if last && ids.contains(&id) {
                done.insert(id, ev.task);
            }
        }
    })
    .await;
    match waited {
        Ok(()) if done.len() == ids.len() => Ok(done),
        _ => Err(format!(
            "only {} of {} tasks finished within {CASE_BOUND:?}",
            done.len(),
            ids.len()
        )),
    }
}

fn check_message(what: &str, expect: &Expect, got: Option<&str>, problems: &mut Vec<String>) {
    match (&expect.message, got) {
        (None, None) => {}
        (None, Some(got)) => problems.push(format!("{what}: expected no error, got \"{got}\"")),
        (Some(want), None) => problems.push(format!("{what}: expected \"{want}\", got no error")),
        (Some(want), Some(got)) => {
            if !got.to_lowercase().contains(&want.to_lowercase()) {
                problems.push(format!("{what}: expected \"{want}\" in \"{got}\""));
            }
        }
    }
}

/// Runs one row for one provider and lists everything that was not as documented.
async fn run_case(world: Arc<World>, row: Row, provider: ProviderKind, measure: bool) -> Report {
    let started = Instant::now();
    let mut report = Report {
        label: row.label(),
        provider,
        outcome: None,
        message: None,
        elapsed: Duration::ZERO,
        peak_growth: None,
        problems: Vec::new(),
    };
    match setup(&world, &row, provider).await {
        Ok(setup) => exercise(&world, &row, provider, setup, measure, &mut report).await,
        Err(e) => report.problems.push(e),
    }
    report.elapsed = started.elapsed();
    report
}

async fn exercise(
    world: &World,
    row: &Row,
    provider: ProviderKind,
    setup: Setup,
    measure: bool,
    report: &mut Report,
) {
    let Setup {
        app, settings, own, ..
    } = setup;
    let expect = row.expect(provider);
    let problems = &mut report.problems;
    let tag = format!("row {} {}", row.line, name(provider));
    // Wide, flat pictures (512 x 128 singles) keep the drawing and thumbnailing cheap.
    let faulty_prompt = format!(
        "fault matrix {tag} {} {FLAT}",
        row.marker().unwrap_or_default()
    );
    let companion_provider = if row.provider_wide() {
        other(provider)
    } else {
        provider
    };
    let companion_prompt = format!("healthy companion of {tag} {FLAT}");
    let mut rx = app.subscribe();
    // Every task made, and the final view of each.
    let mut made = Vec::new();
    let mut done = HashMap::new();

    let peak_base = if measure {
        // One healthy task first, so the baseline already holds what any finished task costs
        // (image decoding, thumbnails, allocator arenas); then the peak is reset to now.
        match app
            .submit(request(
                companion_provider,
                format!("warm-up of {tag} {FLAT}"),
            ))
            .await
        {
            Ok(view) => {
                made.push(view.task.id.clone());
                match finals(&mut rx, &made).await {
                    Ok(warm) => done.extend(warm),
                    Err(e) => problems.push(format!("the warm-up task: {e}")),
                }
            }
            Err(e) => problems.push(format!("the warm-up task was rejected: {e}")),
        }
        if !reset_peak_rss() {
            problems.push("cannot reset the peak RSS (/proc/self/clear_refs)".into());
        }
        proc_status_bytes("VmHWM")
    } else {
        None
    };
    let (faulty, companion) = tokio::join!(
        app.submit(request(provider, faulty_prompt.clone())),
        app.submit(request(companion_provider, companion_prompt)),
    );
    if row.is("connection refused", Phase::Poll) {
        if let Some(sim) = own {
            sim.shutdown().await;
        }
    } else if row.is("404", Phase::Poll) {
        // The task lives on this case's own server; the live one has never heard of it.
        let moved = with_base(settings, provider, base_url(&world.live, provider));
        if let Err(e) = app.save_settings(moved).await {
            problems.push(format!("moving the base URL failed: {e}"));
        }
        drop(own);
    } else {
        drop(own);
    }

    let mut ids = Vec::new();
    match (&faulty, expect.outcome) {
        (Err(e), Outcome::Rejected) => {
            report.outcome = Some(Outcome::Rejected);
            report.message = Some(e.message.clone());
            check_message("submit error", expect, Some(&e.message), problems);
        }
        (Err(AppError { code, message }), want) => {
            report.outcome = Some(Outcome::Rejected);
            report.message = Some(message.clone());
            problems.push(format!(
                "expected {want}, but the submit was rejected ({code}): {message}"
            ));
        }
        (Ok(view), _) => ids.push(view.task.id.clone()),
    }
    match &companion {
        Ok(view) => ids.push(view.task.id.clone()),
        Err(e) => problems.push(format!("the healthy companion was rejected: {e}")),
    }

    match finals(&mut rx, &ids).await {
        Ok(finished) => done.extend(finished),
        Err(e) => problems.push(e),
    }
    made.extend(ids);
    if let (Some(base), Some(peak)) = (peak_base, proc_status_bytes("VmHWM")) {
        let growth = peak.saturating_sub(base);
        report.peak_growth = Some(growth);
        if growth >= MEMORY_BOUND {
            problems.push(format!(
                "peak RSS grew by {} MiB (bound {} MiB)",
                growth / (1024 * 1024),
                MEMORY_BOUND / (1024 * 1024)
            ));
        }
    }

    if let Ok(view) = &faulty {
        if let Some(end) = done.get(&view.task.id) {
            let got = Outcome::of(end.task.status);
            report.outcome = got;
            report.message.clone_from(&end.task.error);
            if got != Some(expect.outcome) {
                problems.push(format!(
                    "expected {}, the task ended {:?}: {:?}",
                    expect.outcome, end.task.status, end.task.error
                ));
            }
            check_message("task error", expect, end.task.error.as_deref(), problems);
        }
    }
    if let Ok(view) = &companion {
        if let Some(end) = done.get(&view.task.id) {
            if end.task.status != TaskStatus::Succeeded {
                problems.push(format!(
                    "the healthy companion ended {:?}: {:?}",
                    end.task.status, end.task.error
                ));
            }
        }
    }
    check_library(&app, &made, &done, problems);
}

/// The library holds exactly the tasks made, once each, in their final state, with images
/// for every success.
fn check_library(
    app: &Atelier,
    ids: &[String],
    done: &HashMap<String, TaskView>,
    problems: &mut Vec<String>,
) {
    let library = app.library();
    let stored = match library.recent_tasks(100) {
        Ok(s) => s,
        Err(e) => {
            problems.push(format!("the library could not be read: {e}"));
            return;
        }
    };
    let listed: Vec<&str> = stored.iter().map(|s| s.task.id.as_str()).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    if unique.len() != listed.len() {
        problems.push(format!("the library lists a task twice: {listed:?}"));
    }
    let made: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    if unique != made {
        problems.push(format!(
            "the library holds {unique:?}, but the tasks made were {made:?}"
        ));
    }
    for (id, view) in done {
        let Some(row) = stored.iter().find(|s| &s.task.id == id) else {
            continue;
        };
        if row.task.status != view.task.status || row.task.error != view.task.error {
            problems.push(format!(
                "the library has {id} as {:?} ({:?}), the app said {:?} ({:?})",
                row.task.status, row.task.error, view.task.status, view.task.error
            ));
        }
        if view.task.status == TaskStatus::Succeeded {
            match library.task_images(id) {
                Ok(images) if !images.is_empty() => {}
                Ok(_) => problems.push(format!("{id} succeeded but has no images in the library")),
                Err(e) => problems.push(format!("images of {id} could not be read: {e}")),
            }
            if let Some(e) = &view.media.error {
                problems.push(format!("images of {id} failed to download: {e}"));
            }
        }
    }
}

#[test]
fn every_row_of_the_fault_matrix_holds_for_both_providers() {
    let started = Instant::now();
    let rows = read_table();
    assert_covers_required_set(&rows);
    let only = std::env::var("FAULT_MATRIX_ONLY").unwrap_or_default();
    let (heavy, light): (Vec<Row>, Vec<Row>) = rows
        .into_iter()
        .filter(|r| r.fault.contains(only.as_str()))
        .partition(|r| r.fault == "50 MB body");

    // The 50 MB rows first, one at a time, on one thread: every response is then read on
    // that thread, so the peak shows what reading one answer costs (not how many threads'
    // allocators each keep a freed buffer around).
    let mut reports = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a single-threaded runtime")
        .block_on(async {
            let world = Arc::new(World::start().await);
            let mut reports = Vec::new();
            for row in &heavy {
                for provider in [ProviderKind::Linkr, ProviderKind::Journey] {
                    reports.push(run_case(world.clone(), row.clone(), provider, true).await);
                }
            }
            reports
        });
    // Then every other case at once.
    let rest = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(async {
            let world = Arc::new(World::start().await);
            let mut set = tokio::task::JoinSet::new();
            for row in light {
                for provider in [ProviderKind::Linkr, ProviderKind::Journey] {
                    set.spawn(run_case(world.clone(), row.clone(), provider, false));
                }
            }
            let mut reports = Vec::new();
            while let Some(done) = set.join_next().await {
                reports.push(done.expect("a case panicked"));
            }
            reports
        });
    reports.extend(rest);

    let mut failures = Vec::new();
    for r in &reports {
        let outcome = r.outcome.map(|o| o.to_string()).unwrap_or("?".into());
        let memory = r
            .peak_growth
            .map(|g| format!(", peak +{:.1} MiB", g as f64 / (1024.0 * 1024.0)))
            .unwrap_or_default();
        println!(
            "{:<40} {:<8} {:<10} {:>6.2} s{memory}",
            r.label,
            name(r.provider),
            outcome,
            r.elapsed.as_secs_f64()
        );
        if let Some(m) = &r.message {
            println!("    {m}");
        }
        for p in &r.problems {
            failures.push(format!("{} [{}]: {p}", r.label, name(r.provider)));
        }
    }
    println!(
        "{} cases in {:.1} s",
        reports.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
