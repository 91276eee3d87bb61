/**
 * Drag out, with a real pointer: the X server's own mouse (xdotool) presses on a thumbnail and
 * moves, so WebKit starts the page's `dragstart`, the app hands the drag to GTK, and GTK's
 * drag-and-drop carries the files to whatever window is under the pointer when the button
 * comes up. The "file manager" is a small GTK window that takes file drops
 * (tools/drop-target.py), as Nautilus does; the other target is the app's own collection row.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, shot } from "./harness.mjs";
import {
  EL,
  GALLERY_NEXT_SCREENFUL,
  collectionImages,
  collectionRow,
  galleryCells,
  pressKeys,
  selectedCount,
  waitUntil,
} from "./lanes.mjs";

/** Runs one xdotool command line (a chain of moves and button presses). */
function xdotool(...args) {
  execFileSync("xdotool", args.map(String), { stdio: "inherit" });
}

/** Where the page's (0, 0) is on the X screen, from a real pointer move the page sees. */
async function pageOrigin(s) {
  await s.execute(
    `window.__atelierLastMove = null;
     window.addEventListener('mousemove', (e) => { window.__atelierLastMove = [e.screenX, e.screenY, e.clientX, e.clientY]; }, { once: true });`,
  );
  const probe = await s.execute(
    `const r = document.querySelector('[data-testid="gallery-grid"]').getBoundingClientRect();
     return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];`,
  );
  // The page sees client coordinates; X wants screen ones. Move to a point surely inside the
  // window (the window sits at the screen's corner under Xvfb without a window manager).
  xdotool("mousemove", probe[0] + 3, probe[1] + 3, "mousemove", probe[0], probe[1]);
  const seen = await waitUntil(s, "the page sees the pointer", async () =>
    s.execute("return window.__atelierLastMove;"),
  );
  const [, , clientX, clientY] = seen;
  return { x: probe[0] - clientX, y: probe[1] - clientY };
}

/** The screen point at the middle of the element `css`, scrolled into view first. */
async function screenPoint(s, origin, css) {
  const el = await s.waitFor(css);
  const r = await s.execute(
    `arguments[0].scrollIntoView({ block: 'center' });
     const b = arguments[0].getBoundingClientRect();
     return [Math.round(b.left + b.width / 2), Math.round(b.top + b.height / 2)];`,
    [{ [EL]: el.id }],
  );
  return { x: origin.x + r[0], y: origin.y + r[1] };
}

/**
 * Presses on `from` and moves a little (WebKit's drag threshold), then waits until the app has
 * handed the drag to the system (the collection list says so), then moves to `to` in steps
 * (GTK tells the windows under the pointer as it goes), waits for `over()` (the target page's
 * answer, when it is this page), takes a screenshot there, and lets go.
 */
async function realDrag(s, from, to, screenshot, over = null) {
  await dragAlong(s, from, [{ to, over, screenshot }]);
}

/**
 * A real drag from `from` through `stops`, letting go at the last. At each stop the pointer
 * comes to rest on `to` (a point, or a function giving one once the page is there), then
 * waits for `over()` (what the page shows there, when it is this page), and takes
 * `screenshot` if one is named.
 */
async function dragAlong(s, from, stops) {
  xdotool("mousemove", from.x, from.y, "mousedown", 1);
  for (let i = 1; i <= 4; i++) xdotool("mousemove", from.x + 4 * i, from.y + 3 * i);
  await s.testid("gallery-collections", {
    predicate: async (e) => (await e.attr("data-drag-out")) === "started",
  });
  let at = { x: from.x + 16, y: from.y + 12 };
  for (const stop of stops) {
    const to = typeof stop.to === "function" ? await stop.to() : stop.to;
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      xdotool("mousemove", Math.round(at.x + ((to.x - at.x) * i) / steps), Math.round(at.y + ((to.y - at.y) * i) / steps));
    }
    xdotool("mousemove", to.x + 1, to.y, "mousemove", to.x, to.y);
    at = to;
    if (stop.over) {
      await waitUntil(s, stop.what ?? "the target shows it would take the drop", stop.over);
      // Two animation frames: the page has painted what it shows.
      await s.executeAsync("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));");
    }
    if (stop.screenshot) execFileSync("import", ["-window", "root", stop.screenshot]);
  }
  xdotool("mouseup", 1);
  // Over once the gallery's collection list no longer says a drag runs (or is gone: the drag
  // ended in another view).
  await waitUntil(s, "the drag is over", async () =>
    s.execute(
      `return document.querySelector('[data-testid="gallery-collections"]')?.dataset.dragOut === undefined;`,
    ),
  );
}

/** Starts the stand-in file manager at (x, y); resolves once its window is on screen. */
async function dropTarget(x, y, size) {
  const dir = mkdtempSync(join(tmpdir(), "atelier-drop-"));
  const out = join(dir, "dropped.txt");
  const child = spawn("/usr/bin/python3", [join(ROOT, "e2e", "tools", "drop-target.py"), x, y, size, size, out].map(String), {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the drop target did not come up")), 20_000);
    child.stdout.on("data", (chunk) => {
      if (chunk.toString().includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`the drop target ended (${code})`)));
  });
  return {
    dropped: () => (existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean) : []),
    stop: () => child.kill(),
  };
}

const sha = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

/**
 * On the collection `name` of the workbench flow (its `count` images): a thumbnail from All
 * images dragged with the real pointer onto the collection's row joins it; then two images of
 * the collection, selected, dragged out onto the stand-in file manager arrive there as two
 * files, named readably and byte for byte the library's originals. Returns the new count.
 */
export async function dragOutFlow(s, { lane, name, count }) {
  await (await s.testid("nav-gallery")).click();
  await s.testid("gallery-grid");
  await (await s.testid("gallery-collection-all")).click();
  const origin = await pageOrigin(s);
  const row = await collectionRow(s, name);
  assert.equal(row.count, count, "the collection starts with the workbench's images");
  const members = new Set((await collectionImages(s, row.id)).map((i) => String(i.imageId)));

  // Into the collection, with the system's drag.
  const outsider = (await galleryCells(s)).find((c) => !members.has(c.id));
  assert.ok(outsider, "an image that is not in the collection yet");
  const from = await screenPoint(s, origin, `[data-testid="gallery-item"][data-image-id="${outsider.id}"] > button.open`);
  const onto = await screenPoint(s, origin, `[data-testid="gallery-collection"][data-collection-id="${row.id}"]`);
  await realDrag(s, from, onto, join(ROOT, "e2e", "screenshots", `lane-${lane}-9c-drag-onto-collection.png`), () =>
    s.execute(
      `return !!document.querySelector('[data-testid="gallery-collection"][data-collection-id="' + arguments[0] + '"]')?.closest('li.drop');`,
      [row.id],
    ),
  );
  await waitUntil(s, `the collection counts ${count + 1}`, async () => (await collectionRow(s, name)).count === count + 1);
  const now = (await collectionImages(s, row.id)).map((i) => String(i.imageId));
  assert.ok(now.includes(outsider.id), "the dragged image joined the collection");

  // Out of the window: two selected images onto the "file manager".
  await (await collectionRow(s, name)).el.click();
  await waitUntil(s, "the collection's images", async () => (await galleryCells(s)).length === count + 1);
  const cells = await galleryCells(s);
  const picked = cells.slice(0, 2);
  for (const c of picked) {
    await (await s.waitFor(`[data-testid="gallery-item"][data-image-id="${c.id}"] [data-testid="gallery-item-select"]`)).click();
  }
  await waitUntil(s, "two selected", async () => (await selectedCount(s)) === 2);
  const size = 260;
  const target = await dropTarget(1440 - size - 20, 960 - size - 20, size);
  try {
    const start = await screenPoint(s, origin, `[data-testid="gallery-item"][data-image-id="${picked[0].id}"] > button.open`);
    await realDrag(
      s,
      start,
      { x: 1440 - 20 - size / 2, y: 960 - 20 - size / 2 },
      join(ROOT, "e2e", "screenshots", `lane-${lane}-9d-drag-out-to-file-manager.png`),
    );
    const uris = await waitUntil(s, "the file manager gets two files", async () => {
      const got = target.dropped();
      return got.length >= 2 ? got : null;
    });
    assert.equal(uris.length, 2, `exactly the selection: ${uris.join(", ")}`);
    const files = uris.map((u) => fileURLToPath(u));
    const items = (await collectionImages(s, row.id)).filter((i) => picked.some((p) => p.id === String(i.imageId)));
    assert.deepEqual(files.map(sha).sort(), items.map((i) => sha(i.path)).sort(), "the originals, byte for byte");
    for (const f of files) {
      assert.match(basename(f), /^\d{4}-\d{2}-\d{2}_[a-z0-9-]+_[A-Za-z0-9_-]+_\d\.(png|jpe?g|webp)$/, `a readable name: ${basename(f)}`);
    }
  } finally {
    target.stop();
  }
  await pressKeys(s, [{ key: "Escape" }]);
  await waitUntil(s, "the selection is cleared", async () => (await selectedCount(s)) === 0);
  await (await s.testid("gallery-collection-all")).click();
  await (await s.testid("nav-create")).click();
  return count + 1;
}

/**
 * An upscale's thumbnail (`made`: a create flow's tasks), dragged with the real pointer, comes
 * to rest on Create in the rail, which opens (the spring), and is dropped on the composer's
 * reference image input, which takes it by the image's provider address. The reference is
 * removed again, leaving the composer as it was.
 */
export async function dragToComposerFlow(s, { lane, made }) {
  await (await s.testid("nav-create")).click();
  const before = await s.findAll('[data-testid="reference-thumb"]');
  assert.equal(before.length, 0, "the composer starts with no reference image");
  await (await s.testid("nav-gallery")).click();
  await s.testid("gallery-grid");
  await (await s.testid("gallery-collection-all")).click();
  // The grid renders the rows in view: a screenful at a time until the upscale shows.
  const upscale = await waitUntil(s, "the upscale in the gallery", async () => {
    const found = (await galleryCells(s)).find((c) => c.task === made.upscaleId);
    if (!found) await s.execute(`${GALLERY_NEXT_SCREENFUL} return true;`);
    return found;
  });
  const origin = await pageOrigin(s);
  const from = await screenPoint(s, origin, `[data-testid="gallery-item"][data-image-id="${upscale.id}"] > button.open`);
  const create = await screenPoint(s, origin, '[data-testid="nav-create"]');
  await dragAlong(s, from, [
    {
      to: create,
      what: "Create opens while the image rests on it",
      over: async () => (await (await s.testid("nav-create")).attr("aria-current")) === "page",
    },
    {
      to: () => screenPoint(s, origin, '[data-testid="reference-drop"]'),
      over: async () =>
        s.execute(`return !!document.querySelector('[data-testid="reference-drop"]')?.classList.contains('over');`),
      screenshot: join(ROOT, "e2e", "screenshots", `lane-${lane}-9e-drag-to-composer.png`),
    },
  ]);
  const taken = await waitUntil(s, "the reference input takes the image (or says why not)", async () =>
    s.execute(
      `const thumb = document.querySelector('[data-testid="reference-thumb"]');
       const problem = document.querySelector('[data-testid="reference-error"]');
       return thumb ? { url: thumb.dataset.url } : problem?.textContent ? { problem: problem.textContent } : null;`,
    ),
  );
  assert.equal(taken.problem, undefined, "the reference input took the image");
  assert.match(taken.url, /^https?:\/\//, "the reference is the image's provider address");
  await shot(s, `lane-${lane}-9f-reference-taken`);
  await (await s.testid("reference-remove")).click();
  await waitUntil(s, "the reference removed", async () => (await s.findAll('[data-testid="reference-thumb"]')).length === 0);
}
