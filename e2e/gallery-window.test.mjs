// End to end, a gallery larger than what the app holds in full (it keeps only the pages around
// what is shown, galleryWindow.ts): a library of 1,000 tasks (~4,000 images with real thumbnail
// files, made by library-bench) scrolled to its end, then back to the top, where the pages it
// let go come back with their pictures; a Shift range from the first image to the last selects
// every one of them; the lightbox opened at the top steps on.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp, freshHome, homeEnv, seedLibrary, shot, TARGET } from "./harness.mjs";
import { waitUntil } from "./lanes.mjs";

const LIBRARY_BENCH = join(TARGET, "debug", "library-bench");
const TASKS = 1000;

let home;
let app;
let s;
let made;

before(async () => {
  assert.ok(
    existsSync(LIBRARY_BENCH),
    `${LIBRARY_BENCH} is missing: build it first: cargo build -p atelier-library --bin library-bench`,
  );
  made = mkdtempSync(join(tmpdir(), "atelier-window-"));
  const library = join(made, "library");
  execFileSync(LIBRARY_BENCH, ["--tasks", String(TASKS), "--files", "--out", library], { stdio: "ignore" });
  home = freshHome();
  seedLibrary(home, library);
  app = await startApp(homeEnv(home));
  s = app.session;
  await (await s.testid("nav-gallery", { timeout: 60_000 })).click();
  await s.waitFor('[data-testid="gallery-item"]', { timeout: 60_000 });
});

after(async () => {
  await app?.stop();
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
      return g.last === g.total - 1 && g.pending === 0 ? g : null;
    },
    120_000,
  );
}

test("a gallery of ~4,000 images scrolls to its end and back, each image shown again", async () => {
  const start = await grid();
  assert.ok(start.total > 3_000, `the library has ${start.total} images`);
  // Down to the end: pages load as the end comes near, the far ones are let go.
  await scrollToEnd();
  const end = await waitUntil(s, "the pictures at the end", async () => {
    const g = await grid();
    return g.pending === 0 && g.pictures === g.shown ? g : null;
  });
  assert.ok(end.cells < 200, `${end.cells} cells rendered at the end`);
  await shot(s, "gallery-window-end");

  // Back to the top at once: the first pages come back, with their pictures.
  await s.execute(`${SCROLL_GRID} = 0; return true;`);
  const top = await waitUntil(s, "the first images are back", async () => {
    const g = await grid();
    return g.first === 0 && g.pending === 0 && g.shown > 0 && g.pictures === g.shown ? g : null;
  });
  assert.equal(top.top, 0);
  await shot(s, "gallery-window-top");
});

test("a Shift range from the first image to the last selects all of them", async () => {
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
});

test("the lightbox opened on the first image steps on with the arrow keys, and back", async () => {
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
});
