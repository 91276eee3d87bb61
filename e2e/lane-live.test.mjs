// The live lane end to end: keys saved through Settings into the real Secret Service, the base
// URLs pointing (ATELIER_LINKR_BASE_URL / ATELIER_JOURNEY_BASE_URL) at the simulator started on
// its own port, standing in for the real services. The same flows as the demo lane
// (lane-demo.test.mjs), then the removal of each key: from that moment the server receives no
// request made with it, and a button on an older task says the key is missing and where to add it.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSimulator, startApp, freshHome, homeEnv, simulatorEnv, shot, toCreate } from "./harness.mjs";
import {
  PROVIDERS,
  EL,
  createFlow,
  shortcutsFlow,
  synchronousModelFlow,
  queueFlow, permutationFlow, reveal,
  notificationFlow,
  afterRestart,
  workbenchFlow,
  workbenchAfterRestart,
  exportImportInFreshHome,
  filtersFlow,
  lineageFlow,
  saveKey,
  removeKey,
  card,
  waitUntil,
  chooseProvider,
  submit,
  finished,
  retryFlow,
  secondLaunchFocusesTheFirst,
} from "./lanes.mjs";
import { dragOutFlow, dragToComposerFlow } from "./dragout.mjs";
import { buttonsFlow, modesFlow } from "./modes.mjs";

const KEYS = { linkr: "lkr_live_lane_e2e_5e6f", journey: "japi_live_lane_e2e_7a8b" };
let sim;
let app;
let s;
let env;
const made = [];

async function launch() {
  app = await startApp(env);
  s = app.session;
  await toCreate(s);
}

before(async () => {
  sim = await startSimulator({ linkrKey: KEYS.linkr, journeyKey: KEYS.journey, speed: 8 });
  env = { ...homeEnv(freshHome()), ...simulatorEnv(sim), ATELIER_POLL_INTERVAL_MS: "400" };
  await launch();
});

after(async () => {
  await app?.stop();
  sim?.stop();
});

/** Requests the simulator received with a valid key, per provider. */
async function authenticated() {
  const count = { linkr: 0, journey: 0 };
  for (const r of await sim.requests()) if (r.auth_ok && count[r.provider] !== undefined) count[r.provider] += 1;
  return count;
}

test("live: the app starts in the demo; a wrong key is reported as rejected", async () => {
  await s.testid("demo-badge");
  await shot(s, "01-create-empty");
  await saveKey(s, "journey", "japi_live_wrong_0000");
  await (await s.testid("key-test-journey")).click();
  const result = await s.testid("key-test-result-journey", {
    predicate: async (e) => (await e.text()).length > 0,
  });
  assert.match(await result.text(), /rejected/i);
  await removeKey(s, "journey");
});

test("live: keys saved in Settings are tested as valid and switch both providers off the demo", async () => {
  for (const provider of PROVIDERS) {
    await saveKey(s, provider, KEYS[provider]);
    await (await s.testid(`key-test-${provider}`)).click();
    const result = await s.testid(`key-test-result-${provider}`, {
      predicate: async (e) => (await e.text()).length > 0,
    });
    // "Valid ..." and never "Invalid ..." or a rejection.
    assert.match(await result.text(), /^\s*Valid\b/, await result.text());
  }
  const html = await s.pageSource();
  for (const key of Object.values(KEYS)) assert.ok(!html.includes(key), "a full key never reaches the page");
  await shot(s, "02-settings");
  await (await s.testid("nav-create")).click();
  assert.equal((await s.findAll('[data-testid="demo-badge"]')).length, 0, "no Demo badge with keys");
});

for (const provider of PROVIDERS) {
  test(`live ${provider}: a prompt makes a grid with progress, singles and buttons; U2 then Vary (Strong)`, async () => {
    const before = (await authenticated())[provider];
    made.push(await createFlow(s, { provider, lane: "live" }));
    assert.ok((await authenticated())[provider] > before, "the work went to the server with the key");
  });
}

test("live: ? shows the keyboard shortcuts and Esc closes them; U then 1 on a focused card upscales", async () => {
  assert.ok(made.length > 0, "a create flow ran");
  await shortcutsFlow(s, { lane: "live", gridId: made[0].gridId });
});

test("live journey: a single-image model from the grouped picker shows its image at once", async () => {
  await synchronousModelFlow(s, { lane: "live" });
});

test("live journey: beyond jobs at once a prompt waits in the queue and goes by itself", async () => {
  await queueFlow(s, { lane: "live", provider: "journey" });
});

test("live journey: a {a, b} prompt shows its count and cost, goes as 4 prompts through the queue and reads back as a contact sheet", async () => {
  await permutationFlow(s, { lane: "live", provider: "journey" });
});

test("live: a task that finishes while the window is in the background is told in an OS notification; its click shows the card", async () => {
  await notificationFlow(s, { lane: "live" });
});

let kept = null;
test("live: the gallery as a workbench: select (check, Ctrl+click, Shift+click, Ctrl+A, a rubber band), a collection, favorite all, compare two, delete one", async () => {
  assert.equal(made.length, PROVIDERS.length, "the create flows ran");
  kept = await workbenchFlow(s, { lane: "live", made });
});

test("live: thumbnails dragged with the real pointer: onto a collection, and out of the window into a file manager as the original files, readably named", async () => {
  assert.ok(kept, "the workbench flow ran");
  kept.count = await dragOutFlow(s, { lane: "live", ...kept });
});

test("live: a thumbnail dragged with the real pointer rests on Create, which opens, and drops on the reference image input", async () => {
  assert.ok(made.length > 0, "a create flow ran");
  await dragToComposerFlow(s, { lane: "live", made: made[0] });
});

test("live: after a restart the Create feed shows every image and parent, and the gallery has them (and the collection)", async () => {
  assert.equal(made.length, PROVIDERS.length, "the create flows ran");
  await app.stop();
  await launch();
  await afterRestart(s, { lane: "live", made });
  assert.ok(kept, "the workbench flow ran");
  await workbenchAfterRestart(s, { lane: "live", ...kept });
});

test("live: the collection exported (a folder by Ctrl+A then E, a zip from the toolbar) and imported into a fresh library gives back every field and every byte", async () => {
  assert.ok(kept, "the workbench flow ran");
  await exportImportInFreshHome(app, { lane: "live", kept, env, relaunch: launch });
});

for (const [i, provider] of PROVIDERS.entries()) {
  test(`live ${provider}: after Remove nothing is sent with the key, and a button says so`, async () => {
    const older = made.find((m) => m.prompt.includes(provider));
    assert.ok(older, "an older task of this provider");
    await removeKey(s, provider);
    const atRemoval = (await authenticated())[provider];
    await (await s.testid("nav-create")).click();
    await reveal(s, older.gridId);
    const button = await (
      await s.waitFor(`[data-testid="task-card"][data-task-id="${older.gridId}"]`)
    ).find('[data-testid="action-V1"]');
    await s.execute("arguments[0].scrollIntoView({ block: 'center' });", [{ [EL]: button.id }]);
    await button.click();
    const snap = await waitUntil(s, "the no-key sentence", async () => {
      const c = await card(s, older.gridId);
      return c?.cardError ? c : null;
    });
    const name = provider === "linkr" ? "LinkrAPI" : "JourneyAPI";
    assert.match(snap.cardError, new RegExp(`no ${name} key is set`), snap.cardError);
    assert.match(snap.cardError, /Settings/, snap.cardError);
    await shot(s, `lane-live-${i + 5}-${provider}-no-key`);
    // Several poll intervals (400 ms) later, still nothing with this key.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await authenticated())[provider], atRemoval, "no request with the removed key");
  });
}

test("live linkr: Midjourney's one-time welcome notice says so, and Retry works", async () => {
  await saveKey(s, "linkr", KEYS.linkr);
  await chooseProvider(s, "linkr");
  const id = await submit(s, "a quiet harbour at night [[thank-you]]");
  const failed = await waitUntil(s, "the notice", async () => {
    const c = await card(s, id);
    return c?.status === "failed" ? c : null;
  });
  assert.match(failed.state, /welcome notice/i, failed.state);
  assert.match(failed.state, /Retry/, failed.state);
  assert.ok(!/embeds|\{/.test(failed.state), `no JSON on the card: ${failed.state}`);
  await shot(s, "lane-live-7-welcome-notice");
  const before = await s.execute(
    `return [...document.querySelectorAll('[data-testid="task-card"]')].map(c => c.dataset.taskId);`,
  );
  await (await (await s.waitFor(`[data-testid="task-card"][data-task-id="${id}"]`)).find('[data-testid="task-retry"]')).click();
  const retried = await waitUntil(s, "the retried task", async () => {
    const ids = await s.execute(
      `return [...document.querySelectorAll('[data-testid="task-card"]')].map(c => c.dataset.taskId);`,
    );
    return ids.find((x) => !before.includes(x)) ?? null;
  });
  await finished(s, retried);
});

for (const provider of PROVIDERS) {
  test(`live ${provider}: Retry sends exactly what was sent (its aspect ratio too)`, async () => {
    await saveKey(s, provider, KEYS[provider]);
    await retryFlow(s, { provider, lane: "live" });
  });
}

test("live: the gallery's filters (aspect, follow-ups, model), a parameter search and the by-prompt sort show what the core finds", async () => {
  await filtersFlow(s, { lane: "live" });
});

test("live: the lineage view (L in the lightbox) shows the tree, opens a node, and branches from the grid into the composer", async () => {
  assert.ok(made.length > 0, "a create flow ran");
  await lineageFlow(s, { lane: "live", made });
});

test("live linkr: a failure shows its sentence on the card", async () => {
  const id = await submit(s, "a storm over the sea [[fault:failed]]");
  const failed = await waitUntil(s, "the failure", async () => {
    const c = await card(s, id);
    return c?.status === "failed" ? c : null;
  });
  assert.match(failed.state, /failed/i);
  assert.ok(failed.state.length > "Failed: ".length + 5, `a reason is given: ${failed.state}`);
  await shot(s, "06-task-failed");
});

let buttons = null;
test("live journey: an upscale's buttons: cost on hover, Vary (Region) with a drawn box, Custom Zoom 1.8 (2.5 refused), Make Square, Upscale 2x; Remix Reroll; Seed; the requests sent", async () => {
  await saveKey(s, "journey", KEYS.journey);
  buttons = await buttonsFlow(s, { lane: "live", sim });
});

test("live journey: the composer's modes (Alt+1..5): Blend, Describe and Use, Shorten, a Video that plays; Relax; a --sref chip; the requests sent", async () => {
  assert.ok(buttons, "the buttons flow ran");
  await modesFlow(s, { lane: "live", sim, ...buttons });
});

test("live: launching Atelier again focuses the running app instead of opening a second one", async () => {
  await secondLaunchFocusesTheFirst(s, app, env);
});
