// The demo lane end to end: no key, the built-in simulator serves both providers. Create with
// progress, grid, singles and buttons; U2 then Vary (Strong); the keyboard shortcuts sheet and U
// then 1 on a focused card; a restart with the Create feed and the gallery intact. Then a key
// added and removed again: the provider is back in the demo.
// The same flows run in the live lane (lane-live.test.mjs).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startApp, freshHome, homeEnv, toCreate } from "./harness.mjs";
import { PROVIDERS, createFlow, shortcutsFlow, synchronousModelFlow, queueFlow, permutationFlow, notificationFlow, afterRestart, workbenchFlow, workbenchAfterRestart, exportImportInFreshHome, filtersFlow, lineageFlow, saveKey, removeKey, chooseProvider, submit, finished, retryFlow, secondLaunchFocusesTheFirst } from "./lanes.mjs";
import { dragOutFlow, dragToComposerFlow } from "./dragout.mjs";
import { buttonsFlow, modesFlow } from "./modes.mjs";

const home = freshHome();
const env = { ...homeEnv(home), ATELIER_DEMO_POLL_MS: "200", ATELIER_DEMO_SPEED: "40" };
let app;
let s;
const made = [];

async function launch() {
  app = await startApp(env);
  s = app.session;
  await toCreate(s);
}

before(launch);
after(async () => app?.stop());

for (const provider of PROVIDERS) {
  test(`demo ${provider}: a prompt makes a grid with progress, singles and buttons; U2 then Vary (Strong)`, async () => {
    made.push(await createFlow(s, { provider, lane: "demo" }));
  });
}

test("demo: ? shows the keyboard shortcuts and Esc closes them; U then 1 on a focused card upscales", async () => {
  assert.ok(made.length > 0, "a create flow ran");
  await shortcutsFlow(s, { lane: "demo", gridId: made[0].gridId });
});

test("demo journey: a single-image model from the grouped picker shows its image at once", async () => {
  await synchronousModelFlow(s, { lane: "demo" });
});

test("demo linkr: beyond jobs at once a prompt waits in the queue and goes by itself", async () => {
  await queueFlow(s, { lane: "demo", provider: "linkr" });
});

test("demo linkr: a {a, b} prompt shows its count and cost, goes as 4 prompts through the queue and reads back as a contact sheet", async () => {
  await permutationFlow(s, { lane: "demo", provider: "linkr" });
});

test("demo: a task that finishes while the window is in the background is told in an OS notification; its click shows the card", async () => {
  await notificationFlow(s, { lane: "demo" });
});

let kept = null;
test("demo: the gallery as a workbench: select (check, Ctrl+click, Shift+click, Ctrl+A, a rubber band), a collection, favorite all, compare two, delete one", async () => {
  assert.equal(made.length, PROVIDERS.length, "the create flows ran");
  kept = await workbenchFlow(s, { lane: "demo", made });
});

test("demo: thumbnails dragged with the real pointer: onto a collection, and out of the window into a file manager as the original files, readably named", async () => {
  assert.ok(kept, "the workbench flow ran");
  kept.count = await dragOutFlow(s, { lane: "demo", ...kept });
});

test("demo: a thumbnail dragged with the real pointer rests on Create, which opens, and drops on the reference image input", async () => {
  assert.ok(made.length > 0, "a create flow ran");
  await dragToComposerFlow(s, { lane: "demo", made: made[0] });
});

test("demo: after a restart the Create feed shows every image and parent, and the gallery has them (and the collection)", async () => {
  assert.equal(made.length, PROVIDERS.length, "the create flows ran");
  await app.stop();
  await launch();
  await afterRestart(s, { lane: "demo", made });
  assert.ok(kept, "the workbench flow ran");
  await workbenchAfterRestart(s, { lane: "demo", ...kept });
});

test("demo: the collection exported (a folder by Ctrl+A then E, a zip from the toolbar) and imported into a fresh library gives back every field and every byte", async () => {
  assert.ok(kept, "the workbench flow ran");
  await exportImportInFreshHome(app, { lane: "demo", kept, env, relaunch: launch });
});

for (const provider of PROVIDERS) {
  test(`demo ${provider}: Retry sends exactly what was sent (its aspect ratio too)`, async () => {
    await retryFlow(s, { provider, lane: "demo" });
  });
}

test("demo: the gallery's filters (aspect, follow-ups, model), a parameter search and the by-prompt sort show what the core finds", async () => {
  await filtersFlow(s, { lane: "demo" });
});

test("demo: the lineage view (L in the lightbox) shows the tree, opens a node, and branches from the grid into the composer", async () => {
  assert.ok(made.length > 0, "a create flow ran");
  await lineageFlow(s, { lane: "demo", made });
});

let buttons = null;
test("demo journey: an upscale's buttons: cost on hover, Vary (Region) with a drawn box, Custom Zoom 1.8 (2.5 refused), Make Square, Upscale 2x; Remix Reroll; Seed", async () => {
  buttons = await buttonsFlow(s, { lane: "demo" });
});

test("demo journey: the composer's modes (Alt+1..5): Blend, Describe and Use, Shorten, a Video that plays; Relax; a --sref chip", async () => {
  assert.ok(buttons, "the buttons flow ran");
  await modesFlow(s, { lane: "demo", ...buttons });
});

test("demo: a key added and removed again leaves the provider in the demo", async () => {
  await saveKey(s, "journey", "japi_live_demo_lane_0042");
  await s.testid("key-status-journey", { predicate: async (e) => (await e.text()).includes("0042") });
  await removeKey(s, "journey");
  await chooseProvider(s, "journey");
  await s.testid("demo-badge");
  const id = await submit(s, "a paper boat after the key was removed");
  const done = await finished(s, id);
  assert.equal(done.demo, true, "made by the demo");
});

test("demo: launching Atelier again focuses the running app instead of opening a second one", async () => {
  await secondLaunchFocusesTheFirst(s, app, env);
});
