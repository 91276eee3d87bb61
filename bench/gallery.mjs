// Gallery browsing benchmark (issue 13, items 2 and 3): memory after browsing, and frame times
// while the gallery scrolls through every image. Run through scripts/bench-gallery.sh, which
// builds the release app, makes a lived-in library, starts a virtual display and a throwaway
// D-Bus session with an unlocked keyring, and calls this inside it.
//
// The app runs under tauri-driver (WebDriver, as the end-to-end tests drive it) with CPU
// rendering (WEBKIT_SKIA_ENABLE_CPU_RENDERING=1, what the app picks itself without a GPU).
//   1. Empty app: a fresh data folder, the gallery opened, IDLE s idle, then the total PSS of
//      the app and every process under it (WebKitWebProcess, WebKitNetworkProcess, ...) from
//      /proc/<pid>/smaps_rollup. The baseline.
//   2. Lived-in: a fresh data folder with a copy of the library (10,000 tasks / ~40,000 images
//      with their files); the gallery opened, IDLE s idle, PSS (at rest). Then PASSES times:
//      a requestAnimationFrame loop inside the page moves the grid's scroller down by STEP px
//      per frame until the last image is in view (pages load as the end comes near, as when a
//      person scrolls), recording every frame's time delta (performance.now()), then back to
//      the top, IDLE s idle, PSS.
// Per pass it prints frame time p50/p95/p99/max and dropped frames, the most DOM nodes seen,
// and how many thumbnails had loaded, so a grid of blank cells cannot pass; then a summary
// against the budgets. A benchmark, not a test: it exits 0 once it has measured.
// Two diagnoses: `--thumbnails off` scrolls without loading any picture, `--leave on` reads the
// PSS again after leaving the gallery and after reloading the page.

import { readFileSync, realpathSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { tree } from "./proc.mjs";
import { seedLibrary } from "../e2e/seed.mjs";

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
const APP = realpathSync(args.get("app"));
const LIBRARY = args.get("library");
const PASSES = Number(args.get("passes") ?? 3);
const IDLE_MS = Number(args.get("idle") ?? 30) * 1000;
/** Pixels the scroller moves per animation frame. */
const STEP = Number(args.get("step") ?? 100);
/** "off": the cells never load their thumbnails (a diagnosis, not the budget's measure). */
const THUMBNAILS = args.get("thumbnails") !== "off";
/** "on": after the passes, PSS after leaving the gallery, then after reloading the page. */
const LEAVE = args.get("leave") === "on";
/** A frame is one refresh of a 60 Hz display. */
const REFRESH_MS = 1000 / 60;
const BUDGET = { p95: 33, memory: 2, growth: 0.05 };
/** Clock ticks per second of /proc/<pid>/stat times. */
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

// The end-to-end harness starts the app at ATELIER_E2E_APP (read when it is imported).
process.env.ATELIER_E2E_APP = APP;
const { startApp, freshHome, homeEnv, pidsWithEnv } = await import("../e2e/harness.mjs");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log(...a);

/** The app's process: the one started with `marker` in its environment, running APP. */
function appPid(marker) {
  const pid = pidsWithEnv("ATELIER_BENCH_RUN", marker).find((p) => {
    try {
      return realpathSync(`/proc/${p}/exe`) === APP;
    } catch {
      return false;
    }
  });
  if (!pid) throw new Error("the app process is gone");
  return pid;
}

/** Total PSS in KiB of the app process and everything under it, and each process's. */
function appPss(marker) {
  const procs = [];
  for (const pid of tree(appPid(marker))) {
    try {
      const kib = Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
      procs.push({ comm: readFileSync(`/proc/${pid}/comm`, "utf8").trim(), kib });
    } catch {
      // gone meanwhile
    }
  }
  return { kib: procs.reduce((a, p) => a + p.kib, 0), procs };
}

/** CPU time in ms (user + system) of the app process and everything under it, by process name. */
function appCpu(marker) {
  const out = {};
  for (const pid of tree(appPid(marker))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      out[comm] = (out[comm] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Installed in the page: `window.__galleryBench`, the scroll loop and its records. `run(step)`
 * starts a pass from the top; `wait(ms, done)` calls `done` with the progress when the pass
 * ends or after `ms`, whichever comes first; `reset()` scrolls back to the top.
 */
const PAGE_SCRIPT = String.raw`
if (window.__galleryBench) return true;
const grid = document.querySelector('[data-testid="gallery-grid"]');
/**
 * Which images' thumbnails loaded, one byte per image index ('load' does not bubble: caught on
 * the way down), and how many.
 */
let loaded = new Uint8Array(0);
let loadedCount = 0;
function markLoaded(img) {
  const index = Number(img.closest('[data-index]')?.dataset.index);
  if (!(index >= 0)) return;
  if (index >= loaded.length) {
    const bigger = new Uint8Array(Math.max(index + 1, loaded.length * 2, 4096));
    bigger.set(loaded);
    loaded = bigger;
  }
  if (!loaded[index]) loadedCount++;
  loaded[index] = 1;
}
grid.addEventListener('load', (e) => { if (e.target.tagName === 'IMG') markLoaded(e.target); }, true);
const total = () => Number((document.querySelector('[data-testid="gallery-count"]')?.textContent ?? '').replace(/[^0-9]/g, '')) || 0;
const bench = {
  pass: null,
  waiters: [],
  run(step) {
    loaded.fill(0);
    loadedCount = 0;
    // The cells already in view loaded theirs before the pass.
    for (const img of grid.querySelectorAll('[data-testid="gallery-item"] img')) if (img.complete && img.naturalWidth > 0) markLoaded(img);
    const p = (this.pass = {
      step, done: false, frames: [], stallFrames: 0, maxDom: 0, maxCells: 0, lastIndex: -1,
      inView: 0, inViewLoaded: 0, samples: 0, started: performance.now(), ended: 0, total: total(),
      geometry: null,
    });
    let last = null;
    let moved = false;
    let pos = grid.scrollTop;
    let n = 0;
    const frame = (now) => {
      // The time since the previous frame is what the previous step cost (script, style,
      // layout, paint): counted when that step moved the grid, not while it waited for a page.
      if (last !== null && moved) p.frames.push(now - last);
      last = now;
      n++;
      // Look at what the last frame showed before moving on: layout is clean here, so these
      // reads force no extra layout.
      if (n % 4 === 0) {
        const cells = grid.querySelectorAll('[data-testid="gallery-item"]');
        const box = grid.getBoundingClientRect();
        let inView = 0, shown = 0;
        for (const cell of cells) {
          const r = cell.getBoundingClientRect();
          if (r.bottom <= box.top || r.top >= box.bottom) continue;
          inView++;
          const img = cell.querySelector('img');
          if (img && img.complete && img.naturalWidth > 0) shown++;
        }
        p.inView += inView;
        p.inViewLoaded += shown;
        p.samples++;
        p.maxCells = Math.max(p.maxCells, cells.length);
        p.maxDom = Math.max(p.maxDom, document.getElementsByTagName('*').length);
        const lastCell = cells[cells.length - 1];
        if (lastCell) p.lastIndex = Math.max(p.lastIndex, Number(lastCell.dataset.index));
        if (!p.geometry && cells.length > 1) {
          const a = cells[0].getBoundingClientRect();
          let columns = 0;
          for (const c of cells) if (Math.abs(c.getBoundingClientRect().top - a.top) < 1) columns++;
          p.geometry = { columns, cell: Math.round(a.width), viewport: [grid.clientWidth, grid.clientHeight] };
        }
      }
      const bottom = grid.scrollHeight - grid.clientHeight;
      p.total = Math.max(p.total, total());
      if (pos >= bottom - 1 && p.lastIndex + 1 >= p.total && p.total > 0) {
        p.done = true;
        p.ended = now;
        p.thumbnails = loadedCount;
        for (const w of bench.waiters.splice(0)) w();
        return;
      }
      const want = Math.min(pos + step, bottom);
      moved = want > pos;
      if (moved) {
        pos = want;
        grid.scrollTop = pos;
      } else p.stallFrames++;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  },
  progress() {
    const p = this.pass;
    return { done: p.done, lastIndex: p.lastIndex, total: p.total, frames: p.frames.length };
  },
  wait(ms, done) {
    if (this.pass.done) return done(this.progress());
    const finish = () => { clearTimeout(timer); done(this.progress()); };
    const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== finish); finish(); }, ms);
    this.waiters.push(finish);
  },
  result() {
    const p = this.pass;
    return {
      frames: p.frames, stallFrames: p.stallFrames, maxDom: p.maxDom, maxCells: p.maxCells,
      lastIndex: p.lastIndex, total: p.total, thumbnails: p.thumbnails,
      inViewLoaded: p.inView ? p.inViewLoaded / p.inView : 0, seconds: (p.ended - p.started) / 1000,
      geometry: p.geometry,
    };
  },
  reset(done) {
    grid.scrollTop = 0;
    requestAnimationFrame(() => requestAnimationFrame(() => done(grid.scrollTop)));
  },
};
window.__galleryBench = bench;
return true;
`;

/** Opens the gallery and waits until its first answer is shown. */
async function openGallery(s) {
  await (await s.testid("nav-gallery", { timeout: 60_000 })).click();
  await s.testid("gallery-grid");
  // The first page is in (cells), or the gallery says it is empty.
  await s.waitFor('[data-testid="gallery-item"], [data-testid="gallery-empty"]', { timeout: 60_000 });
  // WebDriver's default script timeout is 30 s; the waits below take up to 30 s.
  await s.cmd("POST", "/timeouts", { script: 50_000 });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const ms = (x) => `${x.toFixed(1)} ms`;
const pct = (x) => `${(x * 100).toFixed(1)}%`;

/**
 * Frame statistics: quantiles, and dropped frames: the 60 Hz refreshes that showed no new
 * frame (a frame that took d ms drops round(d / 16.7) - 1 of them).
 */
function frameStats(frames) {
  const sorted = Float64Array.from(frames).sort();
  const dropped = frames.reduce((a, d) => a + Math.max(0, Math.round(d / REFRESH_MS) - 1), 0);
  return {
    n: frames.length,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    dropped,
    droppedShare: dropped / (frames.length + dropped),
  };
}

const DOM_COUNT = "return document.getElementsByTagName('*').length;";
const running = new Set();
process.on("SIGINT", () => void Promise.all([...running].map((a) => a.stop())).then(() => process.exit(130)));

/** Starts the app on `home`, runs `body(app, marker)`, and always stops the app after. */
async function withApp(home, body) {
  const marker = randomUUID();
  const app = await startApp({ ...homeEnv(home), ATELIER_BENCH_RUN: marker, WEBKIT_SKIA_ENABLE_CPU_RENDERING: "1" });
  running.add(app);
  try {
    await openGallery(app.session);
    return await body(app, marker);
  } finally {
    running.delete(app);
    await app.stop();
    rmSync(home.home, { recursive: true, force: true });
  }
}

const extraEnv = Object.entries(process.env)
  .filter(([k]) => k.startsWith("WEBKIT_") && k !== "WEBKIT_SKIA_ENABLE_CPU_RENDERING")
  .map(([k, v]) => `${k}=${v}`);
log(`bench: app ${APP}, CPU rendering (WEBKIT_SKIA_ENABLE_CPU_RENDERING=1)${extraEnv.length ? `, ${extraEnv.join(" ")}` : ""}`);
if (!THUMBNAILS) log("bench: --thumbnails off: no cell loads its picture (a diagnosis: the budget is measured with them)");

// 1. The empty app: the baseline.
log(`bench: empty app (fresh data folder), gallery open, ${IDLE_MS / 1000} s idle`);
const empty = await withApp(freshHome(), async (app, marker) => {
  await sleep(IDLE_MS);
  const mem = appPss(marker);
  const dom = await app.session.execute(DOM_COUNT);
  log(`  PSS ${mib(mem.kib)} (${mem.procs.map((p) => `${p.comm} ${mib(p.kib)}`).join(", ")}), DOM nodes ${dom}`);
  return { ...mem, dom };
});

// 2. The lived-in library: at rest, then the passes.
log(`bench: lived-in library, gallery open, ${IDLE_MS / 1000} s idle`);
const home = freshHome();
seedLibrary(home.XDG_DATA_HOME, LIBRARY);
const { rest, passes } = await withApp(home, async (app, marker) => {
  const s = app.session;
  await sleep(IDLE_MS);
  const rest = appPss(marker);
  log(`  PSS at rest ${mib(rest.kib)}, DOM nodes ${await s.execute(DOM_COUNT)}`);
  await s.execute(PAGE_SCRIPT);
  // --thumbnails off: no cell ever loads its picture (the address goes to a data attribute), so
  // what remains is the cost of scrolling the cells themselves.
  if (!THUMBNAILS) await s.execute(`
    Object.defineProperty(HTMLImageElement.prototype, 'src', { get() { return this.dataset.benchSrc ?? ''; }, set(v) { this.dataset.benchSrc = v; }, configurable: true });
    const sa = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (n, v) { if (this.tagName === 'IMG' && n === 'src') { this.dataset.benchSrc = v; return; } return sa.call(this, n, v); };
    for (const img of document.querySelectorAll('img')) img.removeAttribute('src');
    return true;`);
  const passes = [];
  for (let pass = 1; pass <= PASSES; pass++) {
    await s.executeAsync("const done = arguments[arguments.length - 1]; window.__galleryBench.reset(done);");
    log(`bench: pass ${pass}/${PASSES}: scrolling ${STEP} px per frame through every image, then ${IDLE_MS / 1000} s idle`);
    const cpu0 = appCpu(marker);
    await s.execute(`window.__galleryBench.run(${STEP}); return true;`);
    for (;;) {
      const p = await s.executeAsync("const done = arguments[arguments.length - 1]; window.__galleryBench.wait(30000, done);");
      log(`  ... image ${p.lastIndex + 1} of ${p.total}, ${p.frames} frames, PSS ${mib(appPss(marker).kib)}`);
      if (p.done) break;
    }
    const cpu1 = appCpu(marker);
    const r = await s.execute("return window.__galleryBench.result();");
    const f = frameStats(r.frames);
    // CPU time per frame of each process (all its threads): robust to other load on the machine.
    const cpu = Object.fromEntries(Object.keys(cpu1).map((k) => [k, (cpu1[k] - (cpu0[k] ?? 0)) / (f.n + r.stallFrames)]));
    log(
      `  ${r.seconds.toFixed(0)} s, ${f.n} frames: p50 ${ms(f.p50)}, p95 ${ms(f.p95)}, p99 ${ms(f.p99)}, max ${ms(f.max)}; ` +
        `dropped ${f.dropped} (${pct(f.droppedShare)} of refreshes); ${r.stallFrames} frames waited for a page (not counted)`,
    );
    log(`  CPU per frame: ${Object.entries(cpu).filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${ms(v)}`).join(", ")}`);
    await sleep(IDLE_MS);
    const mem = appPss(marker);
    log(
      `  images ${r.lastIndex + 1} of ${r.total} scrolled past, ${r.thumbnails} thumbnails loaded, ` +
        `${pct(r.inViewLoaded)} of the cells in view showing theirs; at most ${r.maxCells} cells, ${r.maxDom} DOM nodes; ` +
        `PSS after ${IDLE_MS / 1000} s idle ${mib(mem.kib)}`,
    );
    passes.push({ ...r, f, mem, cpu });
  }
  // --leave on: is what browsing kept tied to the gallery (freed when it unmounts) or to the
  // page (freed when it reloads), or kept by the web process whatever the page does?
  if (LEAVE) {
    await (await s.testid("nav-create")).click();
    await sleep(IDLE_MS);
    log(`bench: left the gallery for Create, ${IDLE_MS / 1000} s idle: PSS ${mib(appPss(marker).kib)}`);
    await s.execute("location.reload(); return true;");
    await sleep(IDLE_MS);
    log(`bench: reloaded the page, ${IDLE_MS / 1000} s idle: PSS ${mib(appPss(marker).kib)}`);
  }
  return { rest, passes };
});

// Summary.
const verdict = (ok) => (ok ? "within budget" : "OVER budget");
const last = passes.at(-1);
const geometry = passes[0].geometry;
const worstP95 = Math.max(...passes.map((p) => p.f.p95));
const memRatio = last.mem.kib / empty.kib;
const growth = passes.slice(1).map((p, i) => (p.mem.kib - passes[i].mem.kib) / passes[i].mem.kib);
const maxGrowth = growth.length ? Math.max(...growth) : 0;
log("");
log(
  `Gallery browsing, ${STEP} px per frame, Xvfb, CPU rendering` +
    (geometry ? `: ${geometry.columns} columns of ${geometry.cell} px in a ${geometry.viewport.join("x")} scroller` : ""),
);
log(`pass  frames  p50      p95      p99      max       dropped         CPU/frame  images  thumbs  in view  DOM max  PSS after idle`);
for (const [i, p] of passes.entries()) {
  const cpu = Object.values(p.cpu).reduce((a, b) => a + b, 0);
  log(
    `${String(i + 1).padEnd(6)}${String(p.f.n).padEnd(8)}${ms(p.f.p50).padEnd(9)}${ms(p.f.p95).padEnd(9)}${ms(p.f.p99).padEnd(9)}` +
      `${ms(p.f.max).padEnd(10)}${`${p.f.dropped} (${pct(p.f.droppedShare)})`.padEnd(16)}${ms(cpu).padEnd(11)}` +
      `${String(p.lastIndex + 1).padEnd(8)}${String(p.thumbnails).padEnd(8)}${`${(p.inViewLoaded * 100).toFixed(0)}%`.padEnd(9)}` +
      `${String(p.maxDom).padEnd(9)}${mib(p.mem.kib)}`,
  );
}
log("");
log(`PSS: empty app ${mib(empty.kib)}; lived-in at rest ${mib(rest.kib)}; after each pass and ${IDLE_MS / 1000} s idle ${passes.map((p) => mib(p.mem.kib)).join(", ")}`);
log(`frame time p95, worst pass: ${ms(worstP95)}  ${verdict(worstP95 <= BUDGET.p95)} (<= ${BUDGET.p95} ms)`);
log(`PSS after browsing / empty app: ${memRatio.toFixed(2)}x  ${verdict(memRatio <= BUDGET.memory)} (<= ${BUDGET.memory}x)`);
log(
  `PSS growth pass over pass: ${growth.map((g) => `${g >= 0 ? "+" : ""}${pct(g)}`).join(", ") || "n/a (one pass)"}  ` +
    `${verdict(maxGrowth < BUDGET.growth)} (< ${pct(BUDGET.growth)} each)`,
);
log(`DOM nodes: at most ${Math.max(...passes.map((p) => p.maxDom))} while scrolling (the empty gallery has ${empty.dom})`);
log(`last pass, PSS by process: ${last.mem.procs.map((p) => `${p.comm} ${mib(p.kib)}`).join(", ")}`);
log(`dropped: 60 Hz refreshes without a new frame (a frame of d ms drops round(d / 16.7) - 1); frames count while the grid moves`);
