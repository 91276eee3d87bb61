// End to end, the gallery in the real app: three images survive a restart, search finds one
// by a word of its prompt, a favorite survives a restart, the lightbox keys work and delete
// removes an image, and after a restart the gallery is back where it was left (view, search, the
// open image). Then the crash test: kill -9 the app with 20 tasks running or waiting in the
// local queue (3 at once), restart, and all 20 resume or go out and finish, with an intact
// database, no duplicate rows and an empty queue.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { startSimulator, startApp, freshHome, shot, homeEnv, toCreate, storageOnDisk } from "./harness.mjs";
import { waitUntil as pollUntil } from "./lanes.mjs";

const EL = "element-6066-11e4-a52e-4f735466cecf";
const PROMPTS = [
  "a copper teapot on a windowsill",
  "a glacier under the northern lights",
  "a fox asleep in autumn leaves",
];

let home;
let app;
let s;

function env(extra = {}) {
  return {
    ...homeEnv(home),
    ATELIER_DEMO_POLL_MS: "200",
    ATELIER_DEMO_SPEED: "40",
    ...extra,
  };
}

/** Starts the app; on Create unless `stay` (then it opens where the person left it). */
async function launch(extra, { stay = false } = {}) {
  app = await startApp(env(extra));
  s = app.session;
  if (stay) await s.testid("nav-create", { timeout: 60_000 });
  else await toCreate(s);
}

async function restart(extra, options) {
  await app.stop();
  await launch(extra, options);
}

before(async () => {
  home = freshHome();
  await launch();
});

after(async () => {
  await app?.stop();
});

async function submit(prompt) {
  const input = await s.testid("prompt-input");
  await input.clear();
  await input.type(prompt);
  await (await s.testid("submit-button")).click();
}

/**
 * How many task cards have `status`. The feed renders the newest cards first and the rest as
 * its end comes near: each count first scrolls that end into view, as a person would, and
 * `allCards` waits until every card is rendered.
 */
async function countCards(status) {
  return s.execute(
    `document.querySelector('[data-testid="feed-more"]')?.scrollIntoView({ block: 'end' });
     return document.querySelectorAll('[data-testid="task-card"][data-status="${status}"]').length;`,
  );
}

async function allCards() {
  await waitUntil("every task card rendered", async () =>
    s.execute(
      `const more = document.querySelector('[data-testid="feed-more"]');
       more?.scrollIntoView({ block: 'end' });
       return !more;`,
    ),
  );
}

/** Polls `fn` until it is truthy (see lanes.mjs), 90 s at most by default. */
function waitUntil(what, fn, timeout = 90_000) {
  return pollUntil(s, what, fn, timeout);
}

async function countQueueCards() {
  return s.execute(`return document.querySelectorAll('[data-testid="queue-card"]').length;`);
}

async function galleryItems() {
  return s.execute(
    `return [...document.querySelectorAll('[data-testid="gallery-item"]')].map(e => ({
       id: e.dataset.imageId, task: e.dataset.taskId, fav: e.dataset.favorite }));`,
  );
}

async function openGallery() {
  await (await s.testid("nav-gallery")).click();
  await s.testid("gallery-grid");
}

test("three images made in demo mode are in the gallery after a restart", async () => {
  for (const p of PROMPTS) await submit(p);
  // Finished, and their images archived and shown (not only "succeeded").
  await waitUntil(
    "three finished tasks with their images",
    async () =>
      (await s.execute(
        `return document.querySelectorAll('[data-testid="task-card"][data-status="succeeded"] img[data-testid="task-grid"][data-loaded="true"]').length;`,
      )) >= 3,
    60_000,
  );
  await restart();
  await openGallery();
  const items = await waitUntil("gallery items", async () => {
    const it = await galleryItems();
    return new Set(it.map((i) => i.task)).size >= 3 ? it : null;
  });
  assert.ok(items.length >= 3);
  await waitUntil("thumbnails shown", async () =>
    s.execute(`const imgs = [...document.querySelectorAll('[data-testid="gallery-item"] img')];
      return imgs.length >= 3 && imgs.every((i) => i.complete && i.naturalWidth > 0);`),
  );
  await shot(s, "07-gallery");
});

test("search finds an image by a word of its prompt", async () => {
  const search = await s.testid("gallery-search");
  await search.type("glacier");
  const items = await waitUntil("search results", async () => {
    const it = await galleryItems();
    return it.length > 0 && new Set(it.map((i) => i.task)).size === 1 ? it : null;
  });
  await (await s.waitFor(`[data-testid="gallery-item"][data-image-id="${items[0].id}"]`)).click();
  const prompt = await s.testid("lightbox-prompt");
  assert.match(await prompt.text(), /glacier/);
  await shot(s, "08-lightbox");
  await s.execute("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))");
  await waitUntil("lightbox closed", async () => (await s.findAll('[data-testid="lightbox"]')).length === 0);
  await search.clear();
  await s.execute(
    "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
    [{ [EL]: search.id }],
  );
});

test("lightbox keys move, favorite and close, and the favorite survives a restart", async () => {
  const first = await waitUntil("items", async () => {
    const it = await galleryItems();
    return it.length >= 3 ? it : null;
  });
  await (await s.waitFor(`[data-testid="gallery-item"][data-image-id="${first[0].id}"]`)).click();
  const promptBefore = await (await s.testid("lightbox-prompt")).text();
  const imgBefore = await (await s.testid("lightbox-image")).attr("src");
  const key = (k) =>
    s.execute(`document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: '${k}', bubbles: true}))`);
  await key("ArrowRight");
  await waitUntil("next image", async () => (await (await s.testid("lightbox-image")).attr("src")) !== imgBefore);
  await key("ArrowLeft");
  await waitUntil("back", async () => (await (await s.testid("lightbox-image")).attr("src")) === imgBefore);
  assert.equal(await (await s.testid("lightbox-prompt")).text(), promptBefore);
  await key("f");
  await waitUntil("favorite on", async () => (await (await s.testid("lightbox-favorite")).attr("aria-pressed")) === "true");
  await key("Escape");
  await waitUntil("closed", async () => (await s.findAll('[data-testid="lightbox"]')).length === 0);

  await restart();
  await openGallery();
  const after = await waitUntil("items after restart", async () => {
    const it = await galleryItems();
    return it.length >= 3 ? it : null;
  });
  const fav = after.find((i) => i.id === first[0].id);
  assert.equal(fav?.fav, "true", "the favorite is still set after a restart");
});

test("after a restart the gallery is back where it was left: view, search and the open image", async () => {
  await openGallery();
  const search = await s.testid("gallery-search");
  await search.clear();
  await search.type("glacier");
  const items = await waitUntil("search results", async () => {
    const it = await galleryItems();
    return it.length > 0 && new Set(it.map((i) => i.task)).size === 1 ? it : null;
  });
  const id = items[items.length - 1].id;
  await (await s.waitFor(`[data-testid="gallery-item"][data-image-id="${id}"]`)).click();
  const src = await (await s.testid("lightbox-image")).attr("src");
  // The place is in WebKit's local storage, which WebKit writes to disk about a second later
  // (the README names this limit): the restart comes once it is there.
  await storageOnDisk(home, ['"text":"glacier"', `"openImageId":${id}`]);
  await restart(undefined, { stay: true });
  await waitUntil("the Gallery view again", async () => (await (await s.testid("nav-gallery")).attr("aria-current")) === "page");
  // The view comes back first, then its search (read back with the rest of the place).
  await waitUntil("the search is back", async () => (await (await s.testid("gallery-search")).prop("value")) === "glacier");
  await waitUntil("the same image in the lightbox", async () => {
    const img = await s.findAll('[data-testid="lightbox-image"]');
    return img.length === 1 && (await img[0].attr("src")) === src;
  });
  assert.match(await (await s.testid("lightbox-prompt")).text(), /glacier/);
  await shot(s, "09-gallery-back-where-it-was");
  await s.execute("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))");
  await waitUntil("lightbox closed", async () => (await s.findAll('[data-testid="lightbox"]')).length === 0);
  const box = await s.testid("gallery-search");
  await box.clear();
  await s.execute("arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", [{ [EL]: box.id }]);
  await waitUntil("every image again", async () => new Set((await galleryItems()).map((i) => i.task)).size >= 3);
});

test("delete asks first, then removes the image", async () => {
  const before = await galleryItems();
  const victim = before[0];
  await (await s.waitFor(`[data-testid="gallery-item"][data-image-id="${victim.id}"]`)).click();
  await (await s.testid("lightbox-delete")).click();
  await (await s.testid("lightbox-delete-confirm")).click();
  await waitUntil("image gone", async () => !(await galleryItems()).some((i) => i.id === victim.id));
  // The lightbox shows the next image; Esc on it closes it.
  await s.execute(`const lb = document.querySelector('[data-testid="lightbox"]');
    if (lb) lb.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));`);
  await waitUntil("lightbox closed", async () => (await s.findAll('[data-testid="lightbox"]')).length === 0);
});

test("kill -9 with 20 tasks running: after a restart all 20 resume and finish", async (t) => {
  const KEY = "lkr_crash_test_key_20ab";
  // Simulated time crawls while the 20 prompts are typed (a task would take ~400 s), so all 20
  // are surely unfinished at the kill however slow the machine; it runs fast after the restart.
  const sim = await startSimulator({ linkrKey: KEY, journeyKey: "japi_live_unused_0000", speed: 0.05 });
  try {
    const live = { ATELIER_LINKR_BASE_URL: sim.linkrBaseUrl, ATELIER_POLL_INTERVAL_MS: "500" };
    await restart(live);
    await (await s.testid("nav-settings")).click();
    await (await s.testid("key-input-linkr")).type(KEY);
    await (await s.testid("key-save-linkr")).click();
    await s.testid("key-status-linkr", { predicate: async (e) => (await e.text()).includes("20ab") });
    await (await s.testid("nav-create")).click();
    const provider = await s.testid("provider-select");
    await s.execute(
      "arguments[0].value = 'linkr'; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
      [{ [EL]: provider.id }],
    );
    await allCards();
    const base = await countCards("succeeded");
    for (let i = 1; i <= 20; i++) await submit(`crash test ${i} a lantern in the fog`);
    // Three at once (the default jobs at once): the rest wait in Atelier's queue, in the database.
    await waitUntil(
      "20 tasks running or waiting",
      async () =>
        (await countCards("running")) + (await countCards("queued")) + (await countQueueCards()) >=
        20,
    );
    assert.equal(app.crash(), 1, "the app process was killed");
    await app.stop();
    await sim.control("POST", "/speed", { speed: 20 });
    await launch(live);
    // The waiting jobs come back from the database as "Waiting" cards (unless they have all
    // gone out already) and drain 3 at a time: 7 rounds of a ~1 s job at speed 20 plus a
    // 500 ms poll each, well within the 120 s.
    let mostWaiting = 0;
    await waitUntil(
      "all 20 finished after the restart",
      async () => {
        mostWaiting = Math.max(mostWaiting, await countQueueCards());
        return (await countCards("succeeded")) >= base + 20;
      },
      120_000,
    );
    t.diagnostic(`at most ${mostWaiting} waiting cards seen after the restart`);
    await waitUntil("the queue drained", async () => (await countQueueCards()) === 0, 10_000);
    await app.stop();
    app = null;
    const db = join(home.XDG_DATA_HOME, "dev.atelier.app", "library", "atelier.db");
    const out = execFileSync("python3", [
      "-c",
      `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
print(c.execute('PRAGMA integrity_check').fetchone()[0])
print(c.execute('SELECT COUNT(*) - COUNT(DISTINCT id) FROM tasks').fetchone()[0])
print(c.execute("SELECT COUNT(*) FROM tasks WHERE prompt LIKE 'crash test %' AND status = 'succeeded'").fetchone()[0])
print(c.execute('SELECT COUNT(*) FROM queue').fetchone()[0])`,
      db,
    ]).toString().trim().split("\n");
    assert.equal(out[0], "ok", "PRAGMA integrity_check");
    assert.equal(out[1], "0", "no duplicate task rows");
    assert.equal(out[2], "20", "all 20 crash-test tasks succeeded in the database");
    assert.equal(out[3], "0", "nothing is left waiting in the queue");
  } finally {
    sim.stop();
  }
});
