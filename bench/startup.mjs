// Startup and memory benchmark of Atelier against a minimal Tauri window (bench/reference-app),
// both release builds made in the same run. Run through scripts/bench-startup.sh, which builds
// both, starts a virtual display and a throwaway D-Bus session with an unlocked keyring, and
// calls this inside it.
//
// For each launch (the two apps alternate): a fresh data/config/cache folder, optionally the page
// cache dropped first (a cold start, as after a reboot), then the time from spawn until the app
// prints its "UI ready" line on stderr (each UI reports it once its first screen, with whatever
// it has to load, is painted: two animation frames after it is built), then 10 s
// idle, then the total PSS of the app and every process under it (WebKitWebProcess,
// WebKitNetworkProcess, ...) from /proc/<pid>/smaps_rollup. Prints medians and the ratios
// app/reference against the budget. A benchmark, not a test: it always exits 0 once it has
// measured.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { tree } from "./proc.mjs";
import { seedLibrary } from "../e2e/seed.mjs";
import { join } from "node:path";

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
const RUNS = Number(args.get("runs") ?? 5);
const IDLE_MS = Number(args.get("idle") ?? 10) * 1000;
/** A lived-in library to start Atelier with (bench-startup.sh --lived-in), or none. */
let LIBRARY = args.get("library") || null;
/**
 * With the lived-in library: this many unfinished live tasks (half per provider) for every
 * Atelier launch to resume, on the simulator standing in for both services, their keys in the
 * session's real Secret Service.
 */
const LIVE_TASKS = Number(args.get("live-tasks") ?? 0);
/** Added to each Atelier launch's environment (the simulator's base URLs). */
let atelierEnv = {};
const APPS = [
  { name: "atelier", bin: args.get("app"), ready: "ATELIER_UI_READY" },
  { name: "reference", bin: args.get("reference"), ready: "REFERENCE_UI_READY" },
];
const BUDGET = { start: 1.3, memory: 1.5 };
const READY_TIMEOUT_MS = 60_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Drops the page cache (needs root); false when the system does not allow it. */
function dropCaches() {
  try {
    writeFileSync("/proc/sys/vm/drop_caches", "3\n");
    return true;
  } catch {
    return false;
  }
}

/** PSS in KiB of each process in the tree under `root`, with its name. */
function pss(root) {
  const procs = [];
  for (const pid of tree(root)) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kib = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      procs.push({ pid, comm, kib });
    } catch {
      // gone meanwhile
    }
  }
  return procs;
}

async function launch(app, cold) {
  const home = mkdtempSync(join(tmpdir(), `bench-${app.name}-`));
  if (LIBRARY && app.name === "atelier") seedLibrary(join(home, "data"), LIBRARY);
  const dropped = cold ? dropCaches() : false;
  const env = {
    ...process.env,
    ...(app.name === "atelier" ? atelierEnv : {}),
    XDG_DATA_HOME: join(home, "data"),
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_CACHE_HOME: join(home, "cache"),
    NO_AT_BRIDGE: "1",
  };
  const t0 = process.hrtime.bigint();
  const spawnedAt = Date.now();
  const child = spawn(app.bin, [], { env, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const readyMs = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app.name}: no ${app.ready} within ${READY_TIMEOUT_MS} ms\n${log}`)), READY_TIMEOUT_MS);
    child.stderr.on("data", (d) => {
      log += d;
      if (log.includes(app.ready)) {
        clearTimeout(timer);
        resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${app.name} exited (${code}) before ${app.ready}\n${log}`));
    });
  });
  await sleep(IDLE_MS);
  const procs = pss(child.pid);
  const all = tree(child.pid);
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  for (const pid of all) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(home, { recursive: true, force: true });
  // Each ready line carries the UI's phases (ms since the page's time origin); the gap
  // between spawning the process and that origin is the native start (process, GTK, WebKit).
  let phases = null;
  const m = new RegExp(`${app.ready} (\\{.*\\})`).exec(log);
  if (m) {
    try {
      const p = JSON.parse(m[1]);
      phases = { native: p.timeOrigin - spawnedAt, ...p };
      delete phases.timeOrigin;
      // Atelier logs when its core (keyring, library, demo simulator) is up, in ms after launch.
      const core = /core started (\d+) ms after launch/.exec(log);
      if (core) phases.coreAfterLaunch = Number(core[1]);
    } catch {
      // an older build without phases
    }
  }
  return { readyMs, pssKib: procs.reduce((a, p) => a + p.kib, 0), procs, dropped, phases };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const app of APPS) {
  if (!app.bin || !existsSync(app.bin)) throw new Error(`missing binary for ${app.name}: ${app.bin}`);
}

/**
 * Makes the lived-in profile's unfinished live tasks: one launch of Atelier under tauri-driver
 * on a copy of the library stores both keys (the real Secret Service of this session) and sends
 * `count` imagines to the simulator, which runs so slowly (an imagine takes over 30 minutes)
 * that they stay unfinished through every launch after. That launch's library becomes the one
 * each measured launch starts from; the simulator keeps running until the bench ends.
 */
async function prepareLiveTasks(count) {
  process.env.ATELIER_E2E_APP = APPS[0].bin;
  const { startApp, startSimulator, simulatorEnv } = await import("../e2e/harness.mjs");
  const keys = { linkr: "lkr_bench_startup_live_1a2b", journey: "japi_live_bench_startup_3c4d" };
  const sim = await startSimulator({ linkrKey: keys.linkr, journeyKey: keys.journey, speed: 0.01 });
  process.on("exit", () => sim.stop());
  atelierEnv = simulatorEnv(sim);
  const home = mkdtempSync(join(tmpdir(), "bench-live-"));
  seedLibrary(join(home, "data"), LIBRARY);
  const app = await startApp({
    ...atelierEnv,
    XDG_DATA_HOME: join(home, "data"),
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_CACHE_HOME: join(home, "cache"),
  });
  try {
    const s = app.session;
    await s.testid("prompt-input", { timeout: 60_000 });
    const invoke = String.raw`
      const [cmd, args, done] = arguments;
      window.__TAURI_INTERNALS__.invoke(cmd, args).then(
        (r) => done({ ok: r ?? null }),
        (e) => done({ error: String(e?.message ?? JSON.stringify(e)) }));`;
    const call = async (cmd, a) => {
      const r = await s.executeAsync(invoke, [cmd, a]);
      if (r.error) throw new Error(`${cmd}: ${r.error}`);
      return r.ok;
    };
    for (const provider of ["linkr", "journey"]) await call("set_key", { provider, key: keys[provider] });
    // Jobs at once: enough that none waits in the local queue (12 is the most a plan runs).
    const state = await call("get_app_state", {});
    const each = Math.min(12, Math.ceil(count / 2));
    await call("save_settings", { settings: { ...state.settings, linkrJobsAtOnce: each, journeyJobsAtOnce: each } });
    for (let i = 0; i < count; i++) {
      const provider = i % 2 ? "journey" : "linkr";
      const request = { provider, prompt: `unfinished live task ${i} a harbour in fog --ar 3:2`, model: null, aspectRatio: null, referenceImage: null };
      await call("submit_imagine", { request });
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const tasks = await call("list_tasks", {});
      const live = tasks.filter((t) => !t.demo && (t.task.status === "queued" || t.task.status === "running"));
      if (live.length >= count) break;
      if (Date.now() > deadline) throw new Error(`only ${live.length} of ${count} live tasks are running`);
      await sleep(200);
    }
  } finally {
    await app.stop();
  }
  LIBRARY = join(home, "data", "dev.atelier.app", "library");
  console.log(`bench: ${count} unfinished live tasks (simulator at ${sim.base}, keys in the Secret Service)`);
}

if (LIBRARY && LIVE_TASKS > 0) await prepareLiveTasks(LIVE_TASKS);

const results = Object.fromEntries(APPS.map((a) => [a.name, { cold: [], warm: [], pss: [], phases: [], last: null }]));
let coldWorks = true;
// One untimed launch of each first, so "warm" really means warm and first-launch one-offs
// (fontconfig caches and the like) do not land on whichever app goes first.
for (const app of APPS) await launch(app, false).catch((e) => console.error(String(e)));
for (let i = 0; i < RUNS; i++) {
  for (const cold of [true, false]) {
    const order = i % 2 ? [...APPS].reverse() : APPS;
    for (const app of order) {
      const r = await launch(app, cold);
      if (cold && !r.dropped) coldWorks = false;
      const res = results[app.name];
      (cold ? res.cold : res.warm).push(r.readyMs);
      res.pss.push(r.pssKib);
      if (cold && r.phases) res.phases.push(r.phases);
      res.last = r;
      console.log(
        `  run ${i + 1}/${RUNS} ${cold ? "cold" : "warm"} ${app.name.padEnd(9)} ready ${r.readyMs.toFixed(0).padStart(5)} ms   PSS ${(r.pssKib / 1024).toFixed(1).padStart(6)} MiB`,
      );
    }
  }
}

const fmtMs = (xs) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
const fmtMiB = (xs) => `${(median(xs) / 1024).toFixed(1)} MiB (${(Math.min(...xs) / 1024).toFixed(1)}-${(Math.max(...xs) / 1024).toFixed(1)})`;
const a = results.atelier;
const r = results.reference;
const startRatio = median(a.cold) / median(r.cold);
const warmRatio = median(a.warm) / median(r.warm);
const memRatio = median(a.pss) / median(r.pss);
const verdict = (x, max) => (x <= max ? `within budget (<= ${max}x)` : `OVER budget (<= ${max}x)`);

console.log("");
console.log(`Startup and memory, medians of ${RUNS} launches each (min-max), release builds, Xvfb`);
console.log(`${"".padEnd(12)}${(coldWorks ? "cold start" : "start (cache not dropped)").padEnd(26)}${"warm start".padEnd(26)}PSS after ${IDLE_MS / 1000} s idle`);
console.log(`${"atelier".padEnd(12)}${fmtMs(a.cold).padEnd(26)}${fmtMs(a.warm).padEnd(26)}${fmtMiB(a.pss)}`);
console.log(`${"reference".padEnd(12)}${fmtMs(r.cold).padEnd(26)}${fmtMs(r.warm).padEnd(26)}${fmtMiB(r.pss)}`);
console.log("");
console.log(`start  ratio atelier/reference: ${startRatio.toFixed(2)}x  ${verdict(startRatio, BUDGET.start)}  (warm: ${warmRatio.toFixed(2)}x)`);
console.log(`memory ratio atelier/reference: ${memRatio.toFixed(2)}x  ${verdict(memRatio, BUDGET.memory)}`);
console.log("");
for (const app of APPS) {
  const procs = results[app.name].last.procs
    .map((p) => `${p.comm} ${(p.kib / 1024).toFixed(1)}`)
    .join(", ");
  console.log(`last ${app.name} run, PSS MiB by process: ${procs}`);
}
// Medians of each point of the cold starts: native = spawn -> page time origin, coreAfterLaunch =
// spawn -> Atelier's core started (in the background); the rest are ms after the page's time
// origin (Atelier: responseEnd page loaded, script app script running, mounted first render
// built, listening event listener up, loaded state and tasks in, ready that screen painted;
// reference: loaded DOMContentLoaded, ready its first frame painted).
for (const app of APPS) {
  const ph = results[app.name].phases;
  if (!ph.length) continue;
  const parts = Object.keys(ph[0]).map((n) => `${n} ${median(ph.map((p) => p[n] ?? NaN)).toFixed(0)}`);
  console.log(`${app.name} cold-start points, medians in ms: ${parts.join(", ")}`);
}
if (!coldWorks) console.log("note: the page cache could not be dropped (needs root): 'cold' starts ran with warm caches");
