// End to end, in the real app (embedded UI, real WebKit webview under Xvfb, real Secret
// Service), against the provider simulator running as its own process like the real services:
// keys in Settings, a prompt to a grid with progress, U2, Vary (Strong), an injected failure
// and a rejected key. Screenshots go to e2e/screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSimulator, startApp, freshHome, shot, homeEnv, simulatorEnv } from "./harness.mjs";

const LINKR_KEY = "lkr_e2e_valid_key_7f3a";
const JOURNEY_KEY = "japi_live_e2e_valid_9c1d";

let sim;
let app;
let s;

before(async () => {
  sim = await startSimulator({ linkrKey: LINKR_KEY, journeyKey: JOURNEY_KEY, speed: 6 });
  const home = freshHome();
  app = await startApp({
    ...homeEnv(home),
    ...simulatorEnv(sim),
    ATELIER_POLL_INTERVAL_MS: "400",
    ATELIER_DEMO_POLL_MS: "300",
  });
  s = app.session;
});

after(async () => {
  await app?.stop();
  sim?.stop();
});

async function text(testid, opts) {
  return (await s.testid(testid, opts)).text();
}

/** The newest task card, once its status is one of `statuses`. */
async function newestCard(statuses, timeout = 60_000) {
  return s.waitFor('[data-testid="task-card"]', {
    timeout,
    predicate: async (el) => statuses.includes(await el.attr("data-status")),
  });
}

async function imageLoaded(el) {
  return s.execute(
    // data-loaded is set by the UI once the image has loaded and is shown.
    "const e = arguments[0]; return e.tagName === 'IMG' && e.complete && e.naturalWidth > 0 && e.dataset.loaded === 'true';",
    [{ "element-6066-11e4-a52e-4f735466cecf": el.id }],
  );
}

/** Waits until the card matching `cardCss` shows at least `n` loaded images. */
async function imagesShown(cardCss, n) {
  await s.waitFor(cardCss, {
    predicate: async (card) =>
      (await s.execute(
        "return arguments[0].querySelectorAll('img[data-loaded=\"true\"]').length;",
        [{ "element-6066-11e4-a52e-4f735466cecf": card.id }],
      )) >= n,
  });
}

test("starts in demo mode on the Create view", async () => {
  await s.testid("prompt-input");
  await s.testid("demo-badge");
  await shot(s, "01-create-empty");
});

test("a key set in Settings is stored, tested as valid, and shown only by its last 4", async () => {
  await (await s.testid("nav-settings")).click();
  const input = await s.testid("key-input-linkr");
  await input.type(LINKR_KEY);
  await (await s.testid("key-save-linkr")).click();
  await s.testid("key-status-linkr", { predicate: async (e) => (await e.text()).includes("7f3a") });
  assert.equal(await input.prop("value"), "", "the key field is cleared after saving");
  await (await s.testid("key-test-linkr")).click();
  const result = await s.testid("key-test-result-linkr", { predicate: async (e) => (await e.text()).length > 0 });
  assert.match(await result.text(), /valid/i);
  const html = await s.pageSource();
  assert.ok(!html.includes(LINKR_KEY), "the full key never reaches the page");
  await shot(s, "02-settings");
});

test("a wrong key is reported as rejected", async () => {
  await (await s.testid("key-input-journey")).type("japi_live_wrong_0000");
  await (await s.testid("key-save-journey")).click();
  await s.testid("key-status-journey", { predicate: async (e) => (await e.text()).includes("0000") });
  await (await s.testid("key-test-journey")).click();
  const result = await s.testid("key-test-result-journey", {
    predicate: async (e) => (await e.text()).length > 0,
  });
  assert.match(await result.text(), /rejected/i);
  await (await s.testid("key-remove-journey")).click();
  // Removing asks for confirmation first.
  const confirm = await s.waitFor('[data-testid="key-remove-confirm-journey"]', { timeout: 5000 }).catch(() => null);
  if (confirm) await confirm.click();
  await s.testid("key-status-journey", { predicate: async (e) => /no key/i.test(await e.text()) });
});

test("a prompt becomes a live task: progress, grid, four images and buttons", async () => {
  await (await s.testid("nav-create")).click();
  const provider = await s.testid("provider-select");
  await s.execute(
    "arguments[0].value = 'linkr'; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
    [{ "element-6066-11e4-a52e-4f735466cecf": provider.id }],
  );
  await (await s.testid("prompt-input")).type("a lighthouse on a cliff at dawn --ar 3:2");
  await (await s.testid("submit-button")).click();

  // The state moves from queued to running with a progress value in between. The newest card
  // is read in one script call so a re-render cannot leave a stale reference.
  const seen = new Set();
  let progressSeen = false;
  let shotTaken = false;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const snap = await s.execute(`
      const c = document.querySelector('[data-testid="task-card"]');
      if (!c) return null;
      const p = c.querySelector('progress[data-testid="task-progress"]');
      return { status: c.dataset.status, value: p ? Number(p.value) : null };`);
    if (snap) {
      seen.add(snap.status);
      if (snap.status === "running" && snap.value > 0 && snap.value < 100) {
        progressSeen = true;
        if (!shotTaken) {
          shotTaken = true;
          await shot(s, "03-task-running");
        }
      }
      if (["succeeded", "failed", "timed_out"].includes(snap.status)) break;
    }
    assert.ok(Date.now() < deadline, `the task did not finish; states seen: ${[...seen]}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const card = await newestCard(["succeeded", "failed", "timed_out"]);
  assert.equal(await card.attr("data-status"), "succeeded", `states seen: ${[...seen]}`);
  assert.ok(progressSeen, "a running progress value between 0 and 100 was shown");
  assert.match(await (await card.find('[data-testid="task-state"]')).text(), /done/i);

  const grid = await s.waitFor('[data-testid="task-card"][data-status="succeeded"] [data-testid="task-grid"]', {
    predicate: async (e) => imageLoaded(e),
  });
  assert.ok(grid);
  const singles = await card.findAll('[data-testid="task-single"]');
  assert.equal(singles.length, 4);
  const offered = await Promise.all(
    (await card.findAll('[data-testid^="action-"]')).map((b) => b.attr("data-testid")),
  );
  for (const label of ["U1", "U2", "U3", "U4", "V1", "V2", "V3", "V4", "Reroll"]) {
    assert.ok(offered.includes(`action-${label}`), `action-${label} among ${offered}`);
  }
  await imagesShown(`[data-testid="task-card"][data-task-id="${await card.attr("data-task-id")}"]`, 5);
  await shot(s, "04-task-done");
});

test("U2 makes a single image with its own buttons, and Vary (Strong) makes a new grid", async () => {
  const parent = await newestCard(["succeeded"]);
  const parentId = await parent.attr("data-task-id");
  await (await parent.find('[data-testid="action-U2"]')).click();
  const child = await s.waitFor(`[data-testid="task-card"][data-parent-id="${parentId}"]`, {
    timeout: 60_000,
    predicate: async (e) => (await e.attr("data-status")) === "succeeded",
  });
  await s.waitFor(`[data-testid="task-card"][data-parent-id="${parentId}"] [data-testid="task-image"]`, {
    predicate: async (e) => imageLoaded(e),
  });
  const offered = await Promise.all(
    (await child.findAll('[data-testid^="action-"]')).map((b) => b.attr("data-testid")),
  );
  for (const label of ["Upscale-Subtle", "Upscale-Creative", "Vary-Subtle", "Vary-Strong", "Zoom-Out-2x", "Pan-left"]) {
    assert.ok(offered.includes(`action-${label}`), `action-${label} among ${offered}`);
  }
  // Pan arrows and reroll are drawn, so they read on a machine without an emoji font (this one).
  const pan = await child.find('[data-testid="action-Pan-left"]');
  const panRef = [{ "element-6066-11e4-a52e-4f735466cecf": pan.id }];
  await s.execute("arguments[0].scrollIntoView({ block: 'center' });", panRef);
  assert.equal(await s.execute("return arguments[0].querySelector('svg') !== null;", panRef), true);
  await shot(s, "05a-single-buttons");
  const childId = await child.attr("data-task-id");
  await (await child.find('[data-testid="action-Vary-Strong"]')).click();
  const vary = await s.waitFor(`[data-testid="task-card"][data-parent-id="${childId}"]`, {
    timeout: 60_000,
    predicate: async (e) => (await e.attr("data-status")) === "succeeded",
  });
  await s.waitFor(`[data-testid="task-card"][data-parent-id="${childId}"] [data-testid="task-grid"]`, {
    predicate: async (e) => imageLoaded(e),
  });
  assert.equal((await vary.findAll('[data-testid="task-single"]')).length, 4);
  await imagesShown(`[data-testid="task-card"][data-parent-id="${childId}"]`, 5);
  await shot(s, "05-upscale-and-vary");
});

test("an injected failure shows its sentence on the card", async () => {
  const prompt = await s.testid("prompt-input");
  await prompt.clear();
  await prompt.type("a storm over the sea [[fault:failed]]");
  await (await s.testid("submit-button")).click();
  const card = await s.waitFor('[data-testid="task-card"][data-status="failed"]', { timeout: 60_000 });
  const err = await (await card.find('[data-testid="task-state"]')).text();
  assert.match(err, /failed/i);
  assert.ok(err.length > "Failed: ".length + 5, `a reason is given: ${err}`);
  await shot(s, "06-task-failed");
});
