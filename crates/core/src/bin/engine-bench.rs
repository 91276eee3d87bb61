//! Many live tasks at once (a benchmark command, not a timed test).
//!
//! ```text
//! cargo run --release -p atelier-core --bin engine-bench -- --tasks 500
//! ```
//!
//! Starts the app's core in the live lane against a stand-in for both services (the simulator
//! on its own runtime and threads, so its work is not counted as the app's), with the app's
//! real poll interval (Settings' default, 5 s), and sends `--tasks` imagines, half to each
//! provider, evenly over `--spread` seconds (default 60), outside the local queue (the engine's
//! load, not the person's plan). The simulator runs at `--speed` (default 0.1: an imagine
//! takes 200 s), so all of them are in flight together for over a minute. It prints:
//! - requests per task: LinkrAPI fetches per task against its bound (time to its final state
//!   / poll interval + 2), and JourneyAPI `/fetch-many` calls per task per poll (bound 1/15:
//!   batches of up to 20);
//! - CPU of the app's threads, averaged over the minute while every task runs (no image is
//!   downloaded then), as a share of one core (budget < 5 %);
//! - event lag: from the moment the service's task became final to the UI's event about it,
//!   p50/p95/max (budget p95 <= poll interval + 0.5 s);
//! - lost final states: tasks whose final state never reached the UI or the library (must be 0).

use atelier_core::{Atelier, AtelierConfig, MemorySettingsStore, Settings, SubmitRequest, UiEvent};
use atelier_keys::MemoryStore;
use atelier_providers::{ProviderKind, TaskStatus};
use atelier_simulator::{Simulator, SimulatorConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const LINKR_KEY: &str = "lkr_engine_bench_key_5e6f";
const JOURNEY_KEY: &str = "japi_live_engine_bench_7a8b";
/// An imagine's length in simulated seconds (the simulator's README).
const IMAGINE_SIM_SECS: f64 = 20.0;
const CPU_BUDGET_PERCENT: f64 = 5.0;

struct Args {
    tasks: usize,
    speed: f64,
    /// Seconds over which the tasks are sent (a person's tasks do not all start at once).
    spread: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        tasks: 500,
        speed: 0.1,
        spread: 60.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--tasks" => {
                args.tasks = value("--tasks")?
                    .parse()
                    .map_err(|e| format!("--tasks: {e}"))?
            }
            "--speed" => {
                args.speed = value("--speed")?
                    .parse()
                    .map_err(|e| format!("--speed: {e}"))?
            }
            "--spread" => {
                args.spread = value("--spread")?
                    .parse()
                    .map_err(|e| format!("--spread: {e}"))?
            }
            other => {
                return Err(format!(
                    "unknown option {other}; use --tasks N, --speed X, --spread SECONDS"
                ))
            }
        }
    }
    let valid = |x: f64, least: f64| x.is_finite() && x >= least;
    if args.tasks < 2 || !valid(args.speed, f64::MIN_POSITIVE) || !valid(args.spread, 0.0) {
        return Err("--tasks must be at least 2, --speed above 0 and --spread not negative".into());
    }
    if args.spread >= IMAGINE_SIM_SECS / args.speed {
        return Err("--spread must be shorter than one imagine (20 s / --speed)".into());
    }
    Ok(args)
}

/// CPU seconds used so far by this process's threads, except the simulator's (named "sim").
fn app_cpu_secs() -> f64 {
    let ticks = 100.0; // USER_HZ on Linux
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let mut total = 0u64;
    for entry in dir.flatten() {
        let path = entry.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if name.trim_end() == "sim" {
            continue;
        }
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        // Fields after the ")" that ends the thread name: utime and stime are the 12th and 13th.
        if let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let num = |i: usize| {
                fields
                    .get(i)
                    .and_then(|f| f.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            total += num(11) + num(12);
        }
    }
    total as f64 / ticks
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_by(f64::total_cmp);
    samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1]
}

/// When each task was sent, first became final in the UI's events, and how.
#[derive(Default)]
struct Seen {
    sent: HashMap<String, (ProviderKind, Instant)>,
    final_at: HashMap<String, (Instant, TaskStatus)>,
    /// Events the UI's side could not keep up with.
    lagged: u64,
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    // The stand-in for the services, on its own threads: one for requests and one for drawing
    // the result images (a real service draws them on its own machines, not the person's).
    let sim_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(1)
        .thread_name("sim")
        .enable_all()
        .build()
        .expect("the simulator's runtime");
    let sim = sim_runtime
        .block_on(Simulator::start(SimulatorConfig {
            speed: args.speed,
            linkr_key: LINKR_KEY.into(),
            journey_key: JOURNEY_KEY.into(),
            ..SimulatorConfig::default()
        }))
        .expect("the stand-in starts");
    // The app, as the shell runs it: two worker threads on this machine.
    let app_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("app")
        .enable_all()
        .build()
        .expect("the app's runtime");
    let code = app_runtime.block_on(run(&args, &sim));
    drop(sim);
    std::process::exit(code);
}

async fn run(args: &Args, sim: &Simulator) -> i32 {
    let dir = std::env::temp_dir().join(format!("atelier-engine-bench-{}", std::process::id()));
    let settings = Settings::default();
    let interval = Duration::from_secs(u64::from(settings.poll_interval_secs));
    let app = Atelier::start(AtelierConfig {
        library_dir: dir.join("library"),
        key_store: Arc::new(MemoryStore::new()),
        key_store_health: Ok(()),
        settings_store: Arc::new(MemorySettingsStore::default()),
        demo_speed: 1.0,
        demo_poll_interval: interval,
        live_poll_interval_override: None,
    })
    .await
    .expect("core starts");
    app.save_settings(Settings {
        linkr_base_url: sim.linkr_base_url(),
        journey_base_url: sim.journey_base_url(),
        ..settings
    })
    .await
    .expect("settings");
    app.set_key(ProviderKind::Linkr, LINKR_KEY)
        .await
        .expect("key");
    app.set_key(ProviderKind::Journey, JOURNEY_KEY)
        .await
        .expect("key");
    sim.clear_requests();

    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut rx = app.subscribe();
    let watcher = {
        let seen = seen.clone();
        tokio::spawn(async move {
            loop {
                let ev = match rx.recv().await {
                    Ok(ev) => ev,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        if let Ok(mut s) = seen.lock() {
                            s.lagged += n;
                        }
                        continue;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
                let now = Instant::now();
                // The first word of a final state: "saving the images" for a success (its
                // results follow once archived), the update itself for a failure.
                let done = match &ev {
                    UiEvent::Progress(p) if p.downloading => {
                        Some((p.id.clone(), TaskStatus::Succeeded))
                    }
                    UiEvent::Update(u) if u.task.task.status.is_final() => {
                        Some((u.task.task.id.clone(), u.task.task.status))
                    }
                    _ => None,
                };
                if let Some((id, status)) = done {
                    if let Ok(mut s) = seen.lock() {
                        s.final_at.entry(id).or_insert((now, status));
                    }
                }
            }
        })
    };

    println!(
        "engine-bench: {} live tasks, poll every {} s, an imagine takes {:.0} s (speed {})",
        args.tasks,
        interval.as_secs(),
        IMAGINE_SIM_SECS / args.speed,
        args.speed
    );
    let started = Instant::now();
    let gap = Duration::from_secs_f64(args.spread / args.tasks as f64);
    for n in 0..args.tasks {
        tokio::time::sleep_until((started + gap * n as u32).into()).await;
        let provider = if n % 2 == 0 {
            ProviderKind::Linkr
        } else {
            ProviderKind::Journey
        };
        let asked = Instant::now();
        let view = match app
            .submit(SubmitRequest {
                provider,
                prompt: format!("engine bench {n}: a lantern on a quiet river"),
                model: None,
                aspect_ratio: None,
                reference_image: None,
            })
            .await
        {
            Ok(v) => v,
            Err(e) => {
                eprintln!("task {n} could not be sent: {}", e.message);
                return 1;
            }
        };
        // The service made the task while answering: between the two instants.
        let made = asked + (Instant::now() - asked) / 2;
        if let Ok(mut s) = seen.lock() {
            s.sent.insert(view.task.id.clone(), (provider, made));
        }
    }
    println!(
        "sent {} tasks in {:.1} s",
        args.tasks,
        started.elapsed().as_secs_f64()
    );

    // CPU while every task runs and nothing is downloaded: one minute from now, or up to the
    // first final state if that comes sooner.
    let cpu_from = (Instant::now(), app_cpu_secs());
    let first_final = started + Duration::from_secs_f64(IMAGINE_SIM_SECS / args.speed - 1.0);
    let window_end = (cpu_from.0 + Duration::from_secs(60)).min(first_final);
    tokio::time::sleep_until(window_end.into()).await;
    let cpu = (app_cpu_secs() - cpu_from.1) / (window_end - cpu_from.0).as_secs_f64() * 100.0;

    // Every task final in the UI's events, bounded.
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let done = seen.lock().map(|s| s.final_at.len()).unwrap_or(0);
        if done >= args.tasks || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The images of the last ones are still being archived: wait for the library to settle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    app.shutdown();
    watcher.abort();

    let s = match seen.lock() {
        Ok(s) => s,
        Err(_) => return 1,
    };
    let requests = sim.requests();
    let interval_s = interval.as_secs_f64();
    let task_secs = IMAGINE_SIM_SECS / args.speed;

    // LinkrAPI: one fetch per task per poll, against the task's own lifetime.
    let mut linkr_per_task = Vec::new();
    let mut over_bound = 0;
    for (id, (provider, sent)) in &s.sent {
        if *provider != ProviderKind::Linkr {
            continue;
        }
        let fetches = requests
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with(&format!("/fetch/{id}")))
            .count() as f64;
        let life = s
            .final_at
            .get(id)
            .map(|(at, _)| (*at - *sent).as_secs_f64())
            .unwrap_or(task_secs);
        if fetches > life / interval_s + 2.0 {
            over_bound += 1;
        }
        linkr_per_task.push(fetches);
    }
    let linkr_tasks = linkr_per_task.len();
    let linkr_mean = linkr_per_task.iter().sum::<f64>() / linkr_tasks.max(1) as f64;
    println!(
        "LinkrAPI fetches per task: mean {linkr_mean:.1}, max {:.0} (bound: time to final / {} s + 2 = {:.1}); {over_bound} of {linkr_tasks} over their bound",
        percentile(&mut linkr_per_task, 1.0),
        interval.as_secs(),
        task_secs / interval_s + 2.0
    );

    // JourneyAPI: /fetch-many calls per task per poll.
    let journey_tasks = s
        .sent
        .values()
        .filter(|(p, _)| *p == ProviderKind::Journey)
        .count();
    let many = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/fetch-many"))
        .count();
    let single = requests
        .iter()
        .filter(|r| r.path.contains("/journey/") && r.path.ends_with("/fetch"))
        .count();
    let polls = task_secs / interval_s;
    let per_task_poll = (many + single) as f64 / (journey_tasks.max(1) as f64 * polls);
    println!(
        "JourneyAPI: {many} /fetch-many + {single} /fetch calls for {journey_tasks} tasks over ~{polls:.0} polls each: {per_task_poll:.3} requests per task per poll (bound 1/15 = 0.067)",
    );

    println!(
        "CPU of the app while all {} tasks run: {cpu:.2} % of one core over {:.0} s (budget < {CPU_BUDGET_PERCENT} %: {})",
        args.tasks,
        (window_end - cpu_from.0).as_secs_f64(),
        if cpu < CPU_BUDGET_PERCENT { "ok" } else { "OVER" }
    );

    // Lag from the service's final state to the UI's event.
    let mut lags: Vec<f64> = s
        .sent
        .iter()
        .filter_map(|(id, (_, made))| {
            let (at, status) = s.final_at.get(id)?;
            if *status != TaskStatus::Succeeded {
                return None;
            }
            let service_done = *made + Duration::from_secs_f64(task_secs);
            Some(at.saturating_duration_since(service_done).as_secs_f64())
        })
        .collect();
    let budget = interval_s + 0.5;
    let (p50, p95, max) = (
        percentile(&mut lags, 0.5),
        percentile(&mut lags, 0.95),
        percentile(&mut lags, 1.0),
    );
    println!(
        "event lag, service final -> UI event: p50 {p50:.2} s, p95 {p95:.2} s, max {max:.2} s over {} tasks (budget p95 <= {budget:.1} s: {})",
        lags.len(),
        if p95 <= budget { "ok" } else { "OVER" }
    );

    // Nothing lost: every task final in the UI's events and in the library.
    let missing_ui = s
        .sent
        .keys()
        .filter(|id| !s.final_at.contains_key(*id))
        .count();
    let missing_library = s
        .sent
        .keys()
        .filter(|id| {
            !app.library()
                .get_task(id)
                .ok()
                .flatten()
                .is_some_and(|t| t.task.status.is_final())
        })
        .count();
    let failed = s
        .final_at
        .values()
        .filter(|(_, st)| *st != TaskStatus::Succeeded)
        .count();
    println!(
        "final states: {} of {} in the UI ({failed} not succeeded), {missing_ui} missing in the UI, {missing_library} missing in the library, {} events missed by the core, {} lagged",
        s.final_at.len(),
        args.tasks,
        app.missed_events(),
        s.lagged
    );
    let _ = std::fs::remove_dir_all(&dir);
    if missing_ui + missing_library > 0 {
        1
    } else {
        0
    }
}
