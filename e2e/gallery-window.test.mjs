// End to end, a gallery larger than what the app holds in full (it keeps only the pages around
// what is shown, galleryWindow.ts): a library of 1,000 tasks (~4,000 images with real thumbnail
// files, made by library-bench, their provider links long dead) scrolled to its end, then back
// to the top, where the pages it let go come back with their pictures; a Shift range from the
// first image to the last selects every one of them; the lightbox opened at the top steps on; a
// task made while the gallery shows its far end joins it at the top and every position after
// moves on by its images. All of it in both lanes, on one library: first the demo (no key), then
// the live lane (keys saved through Settings, both providers pointed at the simulator), where
// browsing must send the providers nothing.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  startApp,
  startSimulator,
  freshHome,
  homeEnv,
  simulatorEnv,
  shot,
  toCreate,
  TARGET,
} from "./harness.mjs";
import { waitUntil, saveKey, chooseProvider, submit, finished } from "./lanes.mjs";
import { seedLibrary } from "./seed.mjs";

const LIBRARY_BENCH = join(TARGET, "debug", "library-bench");
const TASKS = 1000;
const KEYS = { linkr: "lkr_window_e2e_3c4d", journey: "japi_window_e2e_9e0f" };

let home;
let app;
let s;
let made;
let sim;

/** Starts the app on the seeded home with `env` added and opens the gallery. */
async function launch(env) {
  await app?.stop();
  app = await startApp({ ...homeEnv(home), ...env });
  s = app.session;
}

async function openGallery() {
  await (await s.testid("nav-gallery", { timeout: 60_000 })).click();
  await s.waitFor('[data-testid="gallery-item"]', { timeout: 60_000 });
}

before(async () => {
  assert.ok(
    existsSync(LIBRARY_BENCH),
    `${LIBRARY_BENCH} is missing: build it first: cargo build -p atelier-library --bin library-bench`,
  );
  made = mkdtempSync(join(tmpdir(), "atelier-window-"));
  const library = join(made, "library");
  execFileSync(LIBRARY_BENCH, ["--tasks", String(TASKS), "--files", "--out", library], { stdio: "ignore" });
  home = freshHome();
  seedLibrary(home.XDG_DATA_HOME, library);
});

after(async () => {
  await app?.stop();
  sim?.stop();
  if (made) rmSync(made, { recursive: true, force: true });
});

/** The grid now: the total it says, the cells rendered, and what the first rendered one shows. */
const GRID = `
  const grid = document.querySelector('[data-testid="gallery-grid"]');
  const cells = [...grid.querySelectorAll('[data-index]')];
  const total = Number((document.querySelector('[data-testid="gallery-count"]')?.textContent ?? '').replace(/[^0-9]/g, ''));
  const shown = cells.filter((c) => c.dataset.testid === 'gallery-item');
  const pictures = shown.filter((c) => { const img = c.querySelector('img'); return img && img.complete && img.naturalWidth > 0; });
  const indexes = shown.map((c) => Number(c.dataset.index));
  return {
    total,
    top: grid.scrollTop,
    bottom: grid.scrollHeight - grid.clientHeight,
    cells: cells.length,
    pending: grid.querySelectorAll('[data-testid="gallery-item-pending"]').length,
    shown: shown.length,
    pictures: pictures.length,
    first: indexes.length ? Math.min(...indexes) : -1,
    last: indexes.length ? Math.max(...indexes) : -1,
  };
`;

const grid = () => s.execute(GRID);
const SCROLL_GRID = `document.querySelector('[data-testid="gallery-grid"]').scrollTop`;

/** Scrolls to the end as a person dragging the scrollbar down would, until the last image shows. */
async function scrollToEnd() {
  return waitUntil(
    s,
    "the last image is in view",
    async () => {
      const g = await s.execute(`${SCROLL_GRID} = 1e9; ${GRID}`);
      return g.total > 0 && g.last === g.total - 1 && g.pending === 0 ? g : null;
    },
    120_000,
  );
}

/** Down to the end and back to the top: pages load as they come near, the far ones are let go. */
async function scrollFlow(lane) {
  const start = await grid();
  assert.ok(start.total > 3_000, `the library has ${start.total} images`);
  // Down to the end: pages load as the end comes near, the far ones are let go.
  await scrollToEnd();
  const end = await waitUntil(s, "the pictures at the end", async () => {
    const g = await grid();
    return g.pending === 0 && g.pictures === g.shown ? g : null;
  });
  assert.ok(end.cells < 200, `${end.cells} cells rendered at the end`);
  await shot(s, `gallery-window-${lane}-end`);

  // Back to the top at once: the first pages come back, with their pictures.
  await s.execute(`${SCROLL_GRID} = 0; return true;`);
  const top = await waitUntil(s, "the first images are back", async () => {
    const g = await grid();
    return g.first === 0 && g.pending === 0 && g.shown > 0 && g.pictures === g.shown ? g : null;
  });
  assert.equal(top.top, 0);
  await shot(s, `gallery-window-${lane}-top`);
}

/** A Shift range from the first image to the last selects every one. */
async function rangeFlow() {
  const total = (await grid()).total;
  await s.execute(`
    const check = document.querySelector('[data-testid="gallery-item"][data-index="0"] [data-testid="gallery-item-select"]');
    check.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    return true;`);
  await scrollToEnd();
  await s.execute(`
    const cell = document.querySelector('[data-testid="gallery-item"][data-index="${total - 1}"] [data-testid="gallery-item-select"]');
    cell.dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }));
    return true;`);
  const count = await s.testid("gallery-selection-count");
  const expected = `${total.toLocaleString("en-US")} selected`;
  await waitUntil(s, "the whole range is selected", async () => ((await count.text()) === expected ? true : null));
  await (await s.testid("gallery-selection-clear")).click();
}

/** The lightbox opened on the first image steps on with the arrow keys, and back. */
async function lightboxFlow() {
  await s.execute(`${SCROLL_GRID} = 0; return true;`);
  await waitUntil(s, "the first image is shown", async () => {
    const g = await grid();
    return g.first === 0 && g.pending === 0 ? g : null;
  });
  await (await s.waitFor('[data-testid="gallery-item"][data-index="0"]')).click();
  const source = async () => (await s.testid("lightbox-image")).attr("src");
  const key = (k) =>
    s.execute(`document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: '${k}', bubbles: true}))`);
  const seen = [await source()];
  for (let i = 0; i < 3; i++) {
    await key("ArrowRight");
    seen.push(await waitUntil(s, "the next image", async () => {
      const now = await source();
      return now && !seen.includes(now) ? now : null;
    }));
  }
  for (let i = 0; i < 3; i++) await key("ArrowLeft");
  await waitUntil(s, "back at the first image", async () => (await source()) === seen[0]);
  await key("Escape");
  await waitUntil(s, "closed", async () => (await s.findAll('[data-testid="lightbox"]')).length === 0);
}

/** The task id of the image at `index` in the grid (it must be rendered). */
async function taskAt(index) {
  return s.execute(
    `return document.querySelector('[data-testid="gallery-item"][data-index="' + arguments[0] + '"]')?.dataset.taskId ?? null;`,
    [index],
  );
}

/**
 * A task made in Create joins the gallery at its top: the count grows by its images, the end
 * still ends with the same last image, and the first cells are the new task's.
 *
 * `hold` (the live lane, where the test owns the providers' clock): the simulator's clock nearly
 * stops while the task is submitted and the gallery is scrolled to its far end (its first pages
 * let go), and runs again only then, so the images arrive while the far end is what is shown. In
 * the demo the task finishes first, and the gallery is opened again at the place it left.
 */
async function newTaskFlow(lane, provider, { hold = null } = {}) {
  const before = await scrollToEnd();
  const lastTask = await taskAt(before.total - 1);
  await chooseProvider(s, provider);
  const prompt = `a lighthouse far from the window ${lane} ${Date.now()}`;
  let id;
  if (hold) {
    await hold.stop();
    try {
      id = await submit(s, prompt);
      await (await s.testid("nav-gallery")).click();
      const waiting = await scrollToEnd();
      assert.equal(waiting.total, before.total, "nothing arrived while the providers' clock stood still");
    } finally {
      await hold.go();
    }
  } else {
    id = await submit(s, prompt);
    await finished(s, id);
    await (await s.testid("nav-gallery")).click();
  }
  const grown = await waitUntil(s, "the count to grow by the new images", async () => {
    const g = await grid();
    return g.total > before.total ? g : null;
  });
  const added = grown.total - before.total;
  assert.ok(added >= 1 && added <= 5, `${added} images added by one task`);
  if (hold) await shot(s, `gallery-window-${lane}-end-after-new-task`);
  const end = await scrollToEnd();
  assert.equal(end.total, before.total + added);
  assert.equal(await taskAt(end.total - 1), lastTask, "the last image is still the last");
  await s.execute(`${SCROLL_GRID} = 0; return true;`);
  await waitUntil(s, "the new task's images first", async () => {
    const tasks = await s.execute(
      `return [...document.querySelectorAll('[data-testid="gallery-item"]')]
         .filter((c) => Number(c.dataset.index) < arguments[0])
         .map((c) => c.dataset.taskId);`,
      [added],
    );
    return tasks.length === added && tasks.every((t) => t === id) ? true : null;
  });
  assert.notEqual(await taskAt(added), id, "the images after the new task's are older ones");
  await shot(s, `gallery-window-${lane}-new-task`);
}

/**
 * What the simulator (the live lane's providers) was asked, as "METHOD path", leaving out the
 * credits read (`/account`) a saved key starts by itself.
 */
async function simulatorRequests() {
  return (await sim.requests())
    .filter((r) => !r.path.endsWith("/account"))
    .map((r) => `${r.method} ${r.path}`);
}

test("demo: a gallery of ~4,000 images scrolls to its end and back, each image shown again", async () => {
  await launch({ ATELIER_DEMO_POLL_MS: "200", ATELIER_DEMO_SPEED: "40" });
  await openGallery();
  await scrollFlow("demo");
});

test("demo: a Shift range from the first image to the last selects all of them", rangeFlow);

test("demo: the lightbox opened on the first image steps on with the arrow keys, and back", lightboxFlow);

test("demo: a task made while the gallery was at its end joins it at the top", async () => {
  await newTaskFlow("demo", "linkr");
});

test("live: the same library with keys saved: scrolled to its end and back, a Shift range, the lightbox; nothing sent to the providers", async () => {
  sim = await startSimulator({ linkrKey: KEYS.linkr, journeyKey: KEYS.journey, speed: 8 });
  await launch({ ...simulatorEnv(sim), ATELIER_POLL_INTERVAL_MS: "400" });
  await toCreate(s);
  for (const provider of ["linkr", "journey"]) await saveKey(s, provider, KEYS[provider]);
  const sent = await simulatorRequests();
  await openGallery();
  await scrollFlow("live");
  await rangeFlow();
  await lightboxFlow();
  assert.deepEqual(await simulatorRequests(), sent, "browsing the gallery sent the providers nothing");
});

for (const provider of ["linkr", "journey"]) {
  test(`live ${provider}: a task that finishes while the gallery shows its far end joins it at the top`, async () => {
    await newTaskFlow("live", provider, {
      hold: {
        stop: () => sim.control("POST", "/speed", { speed: 0.01 }),
        go: () => sim.control("POST", "/speed", { speed: 8 }),
      },
    });
  });
}
