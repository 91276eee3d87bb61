// Completion-to-screen benchmark (issue 13, item 6): from the poll that sees a task finished to
// its grid and four singles painted in the card. Run through scripts/bench-completion.sh, which
// builds the release app (with test hooks), starts a virtual display and a throwaway D-Bus
// session with an unlocked keyring, and calls this inside it.
//
// The app runs in the demo lane (the simulator's own images, served over HTTP) under
// tauri-driver with CPU rendering. The core appends a line per step to ATELIER_COMPLETION_TRACE
// (crates/core/src/completion_trace.rs): final_seen (the engine told the core the task
// succeeded), downloaded, catalogued (database rows), thumbnails, emitted (the UI was sent
// the task with its images). A script in the page records when each card's grid and four
// singles have loaded, decoded and been through two animation frames: painted. Both clocks are
// the epoch in ms, so the steps line up. Tasks go out ROUND at a time (half to each provider),
// the next round when the last is painted, so each card is at the top of the feed, in view.
// A benchmark, not a test: it exits 0 once it has measured.

import { readFileSync, realpathSync, rmSync } from "node:fs";
import { join } from "node:path";

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ""), process.argv[i + 1]);
const APP = realpathSync(args.get("app"));
const TASKS = Number(args.get("tasks") ?? 40);
const ROUND = Number(args.get("round") ?? 2);
const BUDGET_MS = 1000;

process.env.ATELIER_E2E_APP = APP;
const { startApp, freshHome, homeEnv } = await import("../e2e/harness.mjs");
const log = (...a) => console.log(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Installed in the page: `window.__completionBench.painted`, task id -> epoch ms when its card's
 * grid and singles were all loaded, decoded and two frames had passed.
 */
const PAGE_SCRIPT = String.raw`
if (window.__completionBench) return true;
const painted = {};
const pending = new Set();
const now = () => performance.timeOrigin + performance.now();
function images(card) {
  const grid = card.querySelector('img[data-testid="task-grid"], [data-testid="task-grid"] img');
  const singles = [...card.querySelectorAll('[data-testid="task-single"]')];
  if (!grid || singles.length < 4) return null;
  const imgs = [grid];
  for (const s of singles) {
    const img = s.querySelector('img');
    if (img) imgs.push(img);
    else if (!s.querySelector('.crop')) return null;
  }
  return imgs;
}
function check() {
  for (const card of document.querySelectorAll('[data-testid="task-card"][data-status="succeeded"]')) {
    const id = card.dataset.taskId;
    if (!id || painted[id] || pending.has(id)) continue;
    const imgs = images(card);
    if (!imgs || !imgs.every((i) => i.complete && i.naturalWidth > 0)) continue;
    pending.add(id);
    Promise.all(imgs.map((i) => i.decode().catch(() => {}))).then(() =>
      requestAnimationFrame(() => requestAnimationFrame(() => {
        painted[id] = now();
        pending.delete(id);
      })),
    );
  }
}
new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true });
document.addEventListener('load', check, true);
window.__completionBench = { painted };
return true;
`;

const SUBMIT = String.raw`
const [provider, prompt, done] = arguments;
window.__TAURI_INTERNALS__.invoke('submit_imagine', { request: { provider, prompt, model: null, aspectRatio: null, referenceImage: null } })
  .then((r) => done({ ok: r }), (e) => done({ error: String(e?.message ?? JSON.stringify(e)) }));
`;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const fmt = (x) => (x === undefined ? "-" : `${x.toFixed(0)} ms`);

function stats(values) {
  const s = Float64Array.from(values).sort();
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1] };
}

const home = freshHome();
const trace = join(home.home, "completion-trace.jsonl");
const app = await startApp({
  ...homeEnv(home),
  ATELIER_COMPLETION_TRACE: trace,
  ATELIER_DEMO_SPEED: args.get("speed") ?? "8",
  ATELIER_DEMO_POLL_MS: args.get("poll") ?? "1000",
  WEBKIT_SKIA_ENABLE_CPU_RENDERING: "1",
});
const s = app.session;
try {
  await s.testid("prompt-input", { timeout: 60_000 });
  await s.cmd("POST", "/timeouts", { script: 120_000 });
  await s.execute(PAGE_SCRIPT);
  const ids = [];
  let seen = new Set();
  for (let sent = 0; sent < TASKS; ) {
    const round = [];
    for (let i = 0; i < ROUND && sent < TASKS; i++, sent++) {
      const provider = sent % 2 === 0 ? "linkr" : "journey";
      const r = await s.executeAsync(SUBMIT, [provider, `completion bench ${sent} a lighthouse at dusk --ar 1:1`]);
      if (r.error) throw new Error(`submit failed: ${r.error}`);
      const id = r.ok?.task?.task?.id ?? r.ok?.task?.id ?? r.ok?.id;
      round.push(provider);
      if (id) ids.push(id);
    }
    // Wait until every card of this round is painted (the page's record grows by the round).
    const want = seen.size + round.length;
    const deadline = Date.now() + 180_000;
    for (;;) {
      const painted = await s.execute("return window.__completionBench.painted;");
      const count = Object.keys(painted).length;
      if (count >= want) {
        seen = new Set(Object.keys(painted));
        break;
      }
      if (Date.now() > deadline) throw new Error(`round timed out: ${count} of ${want} painted`);
      await sleep(100);
    }
    log(`  ${seen.size} of ${TASKS} painted`);
  }
  const painted = await s.execute("return window.__completionBench.painted;");
  const steps = new Map();
  for (const line of readFileSync(trace, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const { task, phase, ms } = JSON.parse(line);
    if (!steps.has(task)) steps.set(task, {});
    steps.get(task)[phase] = ms;
  }
  // Thumbnails are made either before the event (the card waits for them) or after it (the
  // card does not): each is reported where it happened.
  const parts = { download: [], catalogue: [], thumbsBefore: [], event: [], paint: [], total: [], thumbsAfter: [] };
  let complete = 0;
  for (const [task, p] of steps) {
    const paintedAt = painted[task];
    if (!(p.final_seen && p.downloaded && p.catalogued && p.thumbnails && p.emitted && paintedAt)) continue;
    complete++;
    parts.download.push(p.downloaded - p.final_seen);
    parts.catalogue.push(p.catalogued - p.downloaded);
    if (p.thumbnails <= p.emitted) {
      parts.thumbsBefore.push(p.thumbnails - p.catalogued);
      parts.event.push(p.emitted - p.thumbnails);
    } else {
      parts.event.push(p.emitted - p.catalogued);
      parts.thumbsAfter.push(p.thumbnails - p.emitted);
    }
    parts.paint.push(paintedAt - p.emitted);
    parts.total.push(paintedAt - p.final_seen);
  }
  log("");
  log(`Completion to screen, ${complete} tasks (demo lane, both providers, ${ROUND} at a time), ${APP}, Xvfb, CPU rendering`);
  log("step                                          p50      p95      max");
  const names = {
    download: "download (final seen -> files cached)",
    catalogue: "archive (-> database rows)",
    thumbsBefore: "thumbnails, before the event (-> made)",
    event: "event (-> sent to the UI)",
    paint: "paint (-> grid + 4 singles painted)",
    total: "total (final seen -> painted)",
    thumbsAfter: "thumbnails, after the event (not in total)",
  };
  for (const [k, label] of Object.entries(names)) {
    if (!parts[k].length) continue;
    const st = stats(parts[k]);
    log(`${label.padEnd(45)} ${fmt(st.p50).padStart(7)}  ${fmt(st.p95).padStart(7)}  ${fmt(st.max).padStart(7)}`);
  }
  const total = stats(parts.total);
  log(`total p95 ${fmt(total.p95)}  ${total.p95 <= BUDGET_MS ? "within" : "OVER"} budget (<= ${BUDGET_MS} ms)`);
  log("the poll itself is not in the total: final seen is when the engine's event reaches the core, right after the fetch is parsed");
} finally {
  await app.stop();
  rmSync(home.home, { recursive: true, force: true });
}
