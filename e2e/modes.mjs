/**
 * Every button and every creation mode (issue 12), in the real app, on JourneyAPI: the buttons
 * of one upscale (their credit cost, Vary (Region) with the mask editor, Custom Zoom, Make
 * Square, Upscale 2x) and of its grid (Remix then Reroll, Seed); then the composer's modes
 * (Alt+1..5, Blend, Describe, Shorten, Video), the speed switch and a --sref chip. In the live
 * lane the simulator's request log shows what was sent, body and all.
 */
import assert from "node:assert/strict";
import { shot } from "./harness.mjs";
import { EL, chooseProvider, finished, imagesShown, press, submit, waitUntil } from "./lanes.mjs";

const ENTER = "\uE007";
const ALT = "\uE00A";

/** Real key presses (WebDriver key actions) on whatever has the focus; `mods` held throughout. */
async function keys(s, values, mods = []) {
  const actions = [];
  for (const m of mods) actions.push({ type: "keyDown", value: m });
  for (const v of values) actions.push({ type: "keyDown", value: v }, { type: "keyUp", value: v });
  for (const m of mods) actions.push({ type: "keyUp", value: m });
  await s.actions([{ type: "key", id: "keyboard", actions }]);
}

/** Moves the real pointer to (x, y) from `origin` (an element, or "viewport"): hover. */
async function pointTo(s, origin, x, y) {
  const move = { type: "pointerMove", origin, x, y };
  await s.actions([{ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions: [move] }]);
}

/** The task ids of the cards in the feed, with their kind and parent. */
async function cards(s) {
  return s.execute(
    `return [...document.querySelectorAll('[data-testid="task-card"]')]
       .map(c => ({ id: c.dataset.taskId, kind: c.dataset.kind, parent: c.dataset.parentId }));`,
  );
}

/** Waits for a card that was not among `before` and is of `kind`; returns its id. */
async function newCard(s, before, kind) {
  const known = new Set(before.map((c) => c.id));
  return waitUntil(s, `a new ${kind} card`, async () => {
    const found = (await cards(s)).find((c) => !known.has(c.id) && c.kind === kind);
    return found?.id ?? null;
  });
}

/** The button `testid` of card `id`, scrolled into view. */
async function button(s, id, testid) {
  const el = await (await s.waitFor(`[data-testid="task-card"][data-task-id="${id}"]`)).find(`[data-testid="${testid}"]`);
  await s.execute("arguments[0].scrollIntoView({ block: 'center' });", [{ [EL]: el.id }]);
  return el;
}

/** Presses `testid` on card `id`, then waits for a new card of `kind`. */
async function pressFor(s, id, testid, kind) {
  const before = await cards(s);
  await (await button(s, id, testid)).click();
  return newCard(s, before, kind);
}

/** Sets an input's value as typing does (clear, then keys). */
async function fill(s, testid, text) {
  const el = await s.testid(testid);
  await el.clear();
  await el.type(text);
  return el;
}

/** A text of the page, trimmed (null when `css` finds nothing). */
async function textOf(s, css, root = null) {
  return s.execute(
    `const r = arguments[1] ? document.querySelector('[data-testid="task-card"][data-task-id="' + arguments[1] + '"]') : document;
     return r?.querySelector(arguments[0])?.textContent?.trim() ?? null;`,
    [css, root],
  );
}

/** The sequence number of the last request the simulator received (0: none). */
async function lastSeq(sim) {
  return Math.max(0, ...(await sim.requests()).map((r) => r.seq));
}

/** The simulator's JourneyAPI requests after `from` to paths ending in `end` (newest last). */
async function sent(sim, end, from = 0) {
  return (await sim.requests()).filter((r) => r.seq > from && r.provider === "journey" && r.auth_ok && r.path.endsWith(end));
}

/** The composer's mode: the checked radio and the form's `data-mode`. */
async function modeShown(s) {
  return s.execute(
    `return { checked: document.querySelector('[data-testid="mode-switch"] [aria-checked="true"]')?.dataset.testid ?? null,
              form: document.querySelector('form[data-mode]')?.dataset.mode ?? null };`,
  );
}

async function chooseMode(s, n, mode) {
  await keys(s, [String(n)], [ALT]);
  await waitUntil(s, `mode ${mode}`, async () => {
    const m = await modeShown(s);
    return m.checked === `mode-${mode}` && m.form === mode;
  });
}

/**
 * An imagine on JourneyAPI and U1, then on the upscale: a cost in the hovered button's tooltip;
 * Vary (Region) refused with nothing painted, then a box drawn with the pointer and Enter; Custom
 * Zoom refused at 2.5 and sent at 1.8; Make Square and Upscale 2x. On the grid: Remix on, Reroll
 * with an edited prompt; Seed. Returns the grid and the upscale for the modes.
 */
export async function buttonsFlow(s, { lane, sim = null }) {
  const from = sim ? await lastSeq(sim) : 0;
  await chooseProvider(s, "journey");
  await chooseMode(s, 1, "imagine");
  const prompt = `a glass greenhouse on a cliff, ${lane} lane buttons`;
  const gridId = await submit(s, prompt);
  await finished(s, gridId);
  await imagesShown(s, gridId, 5, "the buttons' grid");
  const upscaleId = await press(s, gridId, "action-U1");
  const up = await finished(s, upscaleId);
  await imagesShown(s, upscaleId, 1, "the buttons' upscale");
  for (const t of ["action-Vary-Region", "action-Custom-Zoom", "action-Make-Square", "action-Upscale-2x", "action-Upscale-4x", "action-Seed"]) {
    assert.ok(up.buttons.includes(t), `${t} among ${up.buttons}`);
  }

  // The price on hover, with the real pointer.
  const priced = await button(s, upscaleId, "action-Upscale-2x");
  assert.match(String(await priced.attr("data-credits")), /^\d+$/, "the button carries its price");
  await pointTo(s, { [EL]: priced.id }, 0, 0);
  const tip = await waitUntil(s, "the cost tooltip", async () =>
    s.execute(
      `const t = arguments[0].querySelector('[data-testid="action-cost"]');
       return t && getComputedStyle(t).display !== 'none' ? t.textContent.trim() : null;`,
      [{ [EL]: priced.id }],
    ),
  );
  assert.match(tip, /\d+ credits/, tip);
  await shot(s, `lane-${lane}-22-cost-tooltip`);
  await pointTo(s, "viewport", 2, 2);

  // Vary (Region): nothing painted is refused with a sentence; a box drawn is sent.
  await (await button(s, upscaleId, "action-Vary-Region")).click();
  const stage = await s.testid("mask-stage", { predicate: async (e) => /\bready\b/.test(await e.attr("class")) });
  await waitUntil(s, "the mask editor has the focus", async () =>
    s.execute(`return !!document.activeElement?.closest('[data-testid="mask-editor"]');`),
  );
  await keys(s, [ENTER]);
  const empty = await s.testid("mask-error");
  assert.match(await empty.text(), /paint/i, "nothing painted: a sentence");
  await keys(s, ["r"]);
  await s.testid("mask-tool-rect", { predicate: async (e) => (await e.attr("aria-pressed")) === "true" });
  const box = await s.execute(
    "const b = arguments[0].getBoundingClientRect(); return [b.left, b.top, b.width, b.height];",
    [{ [EL]: stage.id }],
  );
  await s.drag(box[0] + box[2] * 0.3, box[1] + box[3] * 0.3, box[0] + box[2] * 0.7, box[1] + box[3] * 0.65);
  await s.testid("mask-stage", { predicate: async (e) => (await e.attr("data-ops")) === "1" });
  await shot(s, `lane-${lane}-20-mask-editor`);
  assert.ok(
    await s.execute(`return document.activeElement === document.querySelector('[data-testid="mask-stage"]');`),
    "the pointer left the focus on the image",
  );
  let before = await cards(s);
  await keys(s, [ENTER]);
  await waitUntil(s, "the mask editor closes", async () => (await s.findAll('[data-testid="mask-editor"]')).length === 0);
  const regionId = await newCard(s, before, "varyRegion");

  // Custom Zoom: 2.5 is refused with a sentence, 1.8 is sent.
  await (await button(s, upscaleId, "action-Custom-Zoom")).click();
  await s.testid("zoom-dialog");
  await fill(s, "zoom-ratio", "2.5");
  await (await s.testid("zoom-confirm")).click();
  const zoomError = await s.testid("zoom-error");
  assert.match(await zoomError.text(), /at most 2/, "2.5 is refused");
  await shot(s, `lane-${lane}-21-custom-zoom`);
  await fill(s, "zoom-ratio", "1.8");
  before = await cards(s);
  await (await s.testid("zoom-confirm")).click();
  const zoomId = await newCard(s, before, "customZoom");
  assert.equal((await s.findAll('[data-testid="zoom-dialog"]')).length, 0, "the dialog closed");

  // Make Square and Upscale 2x.
  before = await cards(s);
  await (await button(s, upscaleId, "action-Make-Square")).click();
  const squareId = await waitUntil(s, "the Make Square card", async () =>
    (await cards(s)).find((c) => !before.some((b) => b.id === c.id) && c.parent === upscaleId)?.id,
  );
  const twoXId = await pressFor(s, upscaleId, "action-Upscale-2x", "upscale2x");
  // Their cards grow as they finish: wait, so the feed stands still under the next clicks.
  const made = [[regionId, "Vary (Region)"], [zoomId, "Custom Zoom"], [squareId, "Make Square"], [twoXId, "Upscale 2x"]];
  for (const [id, what] of made) {
    await finished(s, id);
    await imagesShown(s, id, 1, what);
  }

  // Remix on: Reroll asks for the prompt first and sends the edited one.
  const remix = await button(s, gridId, "action-remix");
  if ((await remix.attr("aria-pressed")) !== "true") await remix.click();
  await waitUntil(s, "Remix is on", async () => (await remix.attr("aria-pressed")) === "true");
  const reroll = await button(s, gridId, "action-Reroll");
  await reroll.click();
  await s.testid("prompt-dialog", { timeout: 10_000 }).catch(async (error) => {
    await shot(s, `failed-lane-${lane}-remix-reroll`).catch(() => {});
    const state = await s.execute(
      `const b = arguments[0];
       return { disabled: b.disabled, ariaDisabled: b.getAttribute('aria-disabled'), mode: b.dataset.mode,
                tip: b.querySelector('[role="tooltip"]')?.textContent ?? null, html: b.closest('[data-testid="task-card"]').querySelector('.actions')?.outerHTML.slice(0, 1500),
                remix: localStorage.getItem('atelier.remix'), active: document.activeElement?.outerHTML.slice(0, 200) };`,
      [{ [EL]: reroll.id }],
    );
    throw new Error(`${error.message}; Reroll: ${JSON.stringify(state)}`);
  });
  const edited = `a glass greenhouse at dawn, remixed in the ${lane} lane`;
  await fill(s, "prompt-dialog-input", edited);
  before = await cards(s);
  await (await s.testid("prompt-dialog-confirm")).click();
  const rerollId = await waitUntil(s, "the remixed reroll", async () =>
    (await cards(s)).find((c) => !before.some((b) => b.id === c.id) && c.parent === gridId)?.id,
  );
  assert.equal(await textOf(s, '[data-testid="task-prompt"]', rerollId), edited, "the new card has the edited prompt");
  await (await button(s, gridId, "action-remix")).click();
  await waitUntil(s, "Remix is off", async () => (await (await button(s, gridId, "action-remix")).attr("aria-pressed")) === "false");

  // Seed.
  const seedId = await pressFor(s, gridId, "action-Seed", "seed");

  for (const id of [rerollId, seedId]) await finished(s, id);
  await imagesShown(s, rerollId, 5, "the remixed reroll");
  const seed = await waitUntil(s, "the seed's digits", async () => {
    const t = await textOf(s, '[data-testid="task-seed"]', seedId);
    return t && /^\d+$/.test(t) ? t : null;
  });
  assert.match(seed, /^\d+$/);
  await button(s, seedId, "task-seed");
  await shot(s, `lane-${lane}-27-seed-card`);

  if (sim) {
    const [inpaint] = await sent(sim, "/inpaint", from);
    assert.ok(inpaint, "/inpaint was called");
    assert.match(inpaint.body.mask, /^data:image\/png;base64,/, "the mask is a PNG data URL");
    // The mask is the upscale's size: the PNG's IHDR width and height against the image shown.
    const png = Buffer.from(inpaint.body.mask.slice("data:image/png;base64,".length), "base64");
    const natural = await s.execute(
      `const i = document.querySelector('[data-testid="task-card"][data-task-id="' + arguments[0] + '"] img[data-testid="task-image"]');
       return [i.naturalWidth, i.naturalHeight];`,
      [upscaleId],
    );
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], natural, "the mask has the image's size");
    assert.ok(inpaint.body.prompt?.includes("greenhouse"), `the prompt went with it: ${inpaint.body.prompt}`);
    const zooms = (await sent(sim, "/outpaint", from)).map((r) => r.body.zoom_ratio);
    assert.ok(zooms.includes(1.8), `zoom_ratio 1.8 among ${zooms}`);
    assert.ok(zooms.includes(1), `Make Square sends zoom_ratio 1: ${zooms}`);
    assert.ok(!zooms.includes(2.5), "2.5 never went out");
    assert.equal((await sent(sim, "/upscale-2x-4x", from)).length, 1, "one /upscale-2x-4x");
    const rerolls = (await sent(sim, "/reroll", from)).map((r) => r.body.prompt);
    assert.ok(rerolls.includes(edited), `/reroll with the edited prompt: ${rerolls}`);
    const seeds = await sent(sim, "/seed", from);
    assert.equal(seeds.length, 1, "one /seed");
    assert.ok(seeds[0].body.task_id, `/seed names the task: ${JSON.stringify(seeds[0].body)}`);
  }
  return { gridId, upscaleId };
}

/**
 * The composer's modes on the images of `buttonsFlow`: Alt+n; Blend (one image refused before
 * anything is sent, then two from the cards' Use image… menus, portrait); Describe of the
 * upscale and Use of a prompt; Shorten; Video from the upscale's address, which plays; Relax
 * in the prompt; a --sref chip with the upscale's address and its thumbnail.
 */
export async function modesFlow(s, { lane, sim = null, gridId, upscaleId }) {
  const from = sim ? await lastSeq(sim) : 0;
  await (await s.testid("nav-create")).click();
  await chooseMode(s, 3, "describe");
  await chooseMode(s, 1, "imagine");

  // Blend: one image is refused in a sentence; two from the cards, portrait, are blended.
  await (await button(s, upscaleId, "task-use-image")).click();
  await (await s.testid("task-use-image-blend")).click();
  await waitUntil(s, "Blend with the upscale", async () => (await modeShown(s)).form === "blend");
  await s.testid("blend-images", { predicate: async (e) => (await e.attr("data-count")) === "1" });
  await (await s.testid("submit-button")).click();
  const wrong = await s.testid("composer-error", { predicate: async (e) => (await e.text()).length > 0 });
  assert.match(await wrong.text(), /2/, `the wrong count is said: ${await wrong.text()}`);
  if (sim) assert.equal((await sent(sim, "/blend", from)).length, 0, "nothing was sent");
  await (await button(s, gridId, "task-use-image")).click();
  await (await s.testid("task-use-image-pick-2")).click();
  await (await s.testid("task-use-image-blend")).click();
  await s.testid("blend-images", { predicate: async (e) => (await e.attr("data-count")) === "2" });
  await (await s.testid("blend-dimension-portrait")).click();
  const upscaleUrl = await (await s.testid("blend-images-thumb")).attr("data-url");
  assert.match(upscaleUrl, /^https?:\/\//, upscaleUrl);
  await s.execute("document.querySelector('form[data-mode]').scrollIntoView({ block: 'start' });");
  await shot(s, `lane-${lane}-23-blend-form`);
  let before = await cards(s);
  await (await s.testid("submit-button")).click();
  const blendId = await newCard(s, before, "blend");
  // The blend's card grows as it finishes: wait, so the feed stands still under the next clicks.
  await finished(s, blendId);
  await imagesShown(s, blendId, 1, "the blend");

  // Describe the upscale: four prompts; Use puts one in the Imagine composer.
  await (await button(s, upscaleId, "task-use-image")).click();
  await (await s.testid("task-use-image-describe")).click();
  await s.testid("describe-image", { predicate: async (e) => (await e.attr("data-count")) === "1" });
  before = await cards(s);
  await (await s.testid("submit-button")).click();
  const describeId = await newCard(s, before, "describe");

  // Shorten.
  await chooseMode(s, 4, "shorten");
  await fill(
    s,
    "shorten-prompt",
    "a very detailed and extremely intricate ornate baroque cathedral interior, golden hour light, volumetric rays, ultra realistic, 8k, trending",
  );
  before = await cards(s);
  await (await s.testid("submit-button")).click();
  const shortenId = await newCard(s, before, "shorten");

  // Video from the upscale's address.
  await chooseMode(s, 5, "video");
  await fill(s, "video-image-input", upscaleUrl);
  await waitUntil(s, "the start image is checked", async () =>
    s.execute(
      `return !document.querySelector('[data-testid="video-image-checking"]') && !document.querySelector('[data-testid="video-image-error"]')
         && document.querySelector('[data-testid="video-image"]')?.dataset.count === '1';`,
    ),
  );
  await fill(s, "video-prompt", "the greenhouse glass catches the sunrise");
  await (await s.testid("video-motion-high")).click();
  before = await cards(s);
  await (await s.testid("submit-button")).click();
  const videoId = await newCard(s, before, "video");

  // The results.
  await finished(s, describeId);
  const described = await waitUntil(s, "four prompts", async () => {
    const n = await s.execute(
      `return document.querySelectorAll('[data-testid="task-card"][data-task-id="' + arguments[0] + '"] [data-testid="task-text-result"]').length;`,
      [describeId],
    );
    return n === 4 ? n : null;
  });
  assert.equal(described, 4);
  await button(s, describeId, "task-text-results");
  await shot(s, `lane-${lane}-24-describe-card`);
  const first = await textOf(s, '[data-testid="task-text-result"] .words', describeId);
  assert.ok(first, "a described prompt");
  await (await button(s, describeId, "task-text-use")).click();
  await waitUntil(s, "the prompt in the Imagine composer", async () => {
    const m = await modeShown(s);
    const value = await (await s.testid("prompt-input")).prop("value");
    return m.form === "imagine" && value.trim() === first;
  });

  await finished(s, shortenId);
  const variants = await waitUntil(s, "the short variants", async () =>
    s.execute(
      `const c = document.querySelector('[data-testid="task-card"][data-task-id="' + arguments[0] + '"]');
       const n = c?.querySelectorAll('[data-testid="task-text-result"]').length ?? 0;
       const a = c?.querySelector('[data-testid="task-shorten-analysis"]')?.textContent.trim() ?? '';
       return n > 0 && a.length > 0 ? { n, a } : null;`,
      [shortenId],
    ),
  );
  assert.ok(variants.n >= 1 && variants.a.length > 10, JSON.stringify(variants));
  await button(s, shortenId, "task-text-results");
  await shot(s, `lane-${lane}-25-shorten-card`);

  await finished(s, videoId);
  await waitUntil(s, "four videos", async () =>
    s.execute(
      `return document.querySelectorAll('[data-testid="task-card"][data-task-id="' + arguments[0] + '"] [data-testid="task-video"]').length === 4;`,
      [videoId],
    ),
  );
  const video = await button(s, videoId, "task-video");
  const played = await s.executeAsync(
    `const v = arguments[0], done = arguments[arguments.length - 1];
     const report = (how) => done({ how, readyState: v.readyState, mediaError: v.error ? v.error.code : null, src: v.currentSrc,
       canPlay: ['video/x-msvideo', 'video/avi', 'video/mp4'].map((t) => t + ': ' + (v.canPlayType(t) || 'no')) });
     if (v.readyState >= 2) { v.play().catch(() => {}); report('ready'); return; }
     v.addEventListener('loadeddata', () => report('loadeddata'), { once: true });
     v.addEventListener('error', () => report('error'), { once: true });
     setTimeout(() => report('timeout'), 20000);
     v.play().catch(() => {});`,
    [{ [EL]: video.id }],
  );
  assert.ok(played.readyState >= 2, `the first video plays: ${JSON.stringify(played)}`);
  assert.equal(
    (await s.findAll(`[data-testid="task-card"][data-task-id="${videoId}"] [data-testid="task-videos-error"]`)).length,
    0,
    "no sentence that the videos cannot play",
  );
  await shot(s, `lane-${lane}-26-video-card`);

  // Speed: Relax writes --relax into the prompt; a second press takes it out.
  await chooseMode(s, 1, "imagine");
  await fill(s, "prompt-input", "a small lantern on a windowsill");
  await (await s.testid("speed-relax")).click();
  await waitUntil(s, "--relax in the prompt", async () => /--relax\b/.test(await (await s.testid("prompt-input")).prop("value")));
  assert.equal(await (await s.testid("speed-relax")).attr("aria-pressed"), "true");
  await (await s.testid("speed-relax")).click();
  await waitUntil(s, "--relax out of the prompt", async () => !/--relax\b/.test(await (await s.testid("prompt-input")).prop("value")));

  // A style reference: the chip, the upscale's address, its thumbnail.
  await (await s.testid("add-param-button")).click();
  await (await s.testid("add-param-sref")).click();
  if ((await s.findAll('[data-testid="param-popover-sref"]')).length === 0) await (await s.testid("param-chip-sref")).click();
  await fill(s, "ref-sref-input", upscaleUrl);
  await keys(s, [ENTER]);
  await s.testid("ref-sref-thumb", { predicate: async (e) => (await e.attr("data-url")) === upscaleUrl });
  await s.testid("param-chip-thumb");
  const withRef = await (await s.testid("prompt-input")).prop("value");
  assert.ok(withRef.includes(`--sref ${upscaleUrl}`), `the prompt has --sref and the address: ${withRef}`);
  await keys(s, ["\uE00C"]);
  await (await s.testid("prompt-input")).clear();

  if (sim) {
    const [blend] = (await sent(sim, "/blend", from)).slice(-1);
    assert.equal(blend?.body.image_urls?.length, 2, `two image_urls: ${JSON.stringify(blend?.body)}`);
    assert.equal(blend.body.dimension, "portrait");
    assert.ok(blend.body.image_urls.includes(upscaleUrl), "the upscale's address went");
    const [describe] = (await sent(sim, "/describe", from)).slice(-1);
    assert.ok(JSON.stringify(describe?.body ?? {}).includes(upscaleUrl), `describe sent the image: ${JSON.stringify(describe?.body)}`);
    const [shorten] = (await sent(sim, "/shorten", from)).slice(-1);
    assert.match(shorten?.body.prompt ?? "", /baroque cathedral/);
    const [videoReq] = (await sent(sim, "/imagine-video", from)).slice(-1);
    assert.equal(videoReq?.body.motion, "high", JSON.stringify(videoReq?.body));
    assert.ok(JSON.stringify(videoReq.body).includes(upscaleUrl), "the start image went");
  }
}
