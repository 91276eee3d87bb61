// End to end, key secrecy: a fresh random "canary" key per provider is typed into Settings,
// tested, and used for real work (a prompt and a button on each provider, the gallery and its
// lightbox), with the most verbose logs on. Then the canary (as text, UTF-16, base64 at every
// alignment, and its last 8 characters) must appear nowhere: not in any file the app wrote
// under its fresh home (settings store, SQLite database and WAL, images, thumbnails, WebKit
// storage and caches), not in the app and driver logs, not in any IPC response or event the
// page received, and not in the page's HTML, inputs or web storage. Positive controls make
// sure each check could fail: the key reached the simulator, its last 4 characters are shown,
// debug logs were captured, the IPC capture saw plenty of traffic and the scan read the
// database.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { startSimulator, startApp, freshHome, shot, homeEnv, simulatorEnv, toCreate } from "./harness.mjs";

const EL = "element-6066-11e4-a52e-4f735466cecf";
const KEYS = {
  linkr: `lkr_canary_${randomBytes(12).toString("hex")}`,
  journey: `japi_canary_${randomBytes(12).toString("hex")}`,
};

let sim;
let home;
let app;
let s;
/** Page-side evidence gathered along the way: HTML snapshots, input values, web storage. */
const pageSnapshots = [];

before(async () => {
  sim = await startSimulator({ linkrKey: KEYS.linkr, journeyKey: KEYS.journey, speed: 8 });
  home = freshHome();
  app = await startApp({
    ...homeEnv(home),
    ...simulatorEnv(sim),
    ATELIER_POLL_INTERVAL_MS: "300",
    ATELIER_LOG: "debug",
  });
  s = app.session;
  await toCreate(s);
  await installIpcCapture();
});

after(async () => {
  await app?.stop();
  sim?.stop();
});

/**
 * Records every payload the page receives over IPC: Tauri delivers each command response and
 * each event by calling a function from `__TAURI_INTERNALS__.callbacks` (a Map). The entries
 * already there are wrapped, and so is every one added later (its `set` is patched).
 */
async function installIpcCapture() {
  const installed = await s.execute(`
    const T = window.__TAURI_INTERNALS__;
    if (!T || !(T.callbacks instanceof Map)) return -1;
    if (!window.__ipcCapture) {
      const log = (window.__ipcCapture = []);
      const record = (data) => {
        try {
          if (data instanceof ArrayBuffer) log.push(new TextDecoder('latin1').decode(data));
          else log.push(typeof data === 'string' ? data : JSON.stringify(data));
        } catch (e) {
          log.push(String(data));
        }
      };
      const wrap = (fn) => {
        if (typeof fn !== 'function' || fn.__captured) return fn;
        const wrapped = function (data) {
          record(data);
          return fn.apply(this, arguments);
        };
        wrapped.__captured = true;
        return wrapped;
      };
      const map = T.callbacks;
      const set = Map.prototype.set;
      for (const [id, fn] of map) set.call(map, id, wrap(fn));
      map.set = function (id, fn) { return set.call(this, id, wrap(fn)); };
    }
    return window.__ipcCapture.length;`);
  assert.ok(installed >= 0, "the page exposes __TAURI_INTERNALS__.callbacks");
}

/** Keeps what the page shows and holds right now, to search later. */
async function snapshotPage(label) {
  const snap = await s.execute(`
    const values = [...document.querySelectorAll('input, textarea, select')].map((e) => e.value);
    const storage = (st) => {
      const out = {};
      for (let i = 0; i < st.length; i++) out[st.key(i)] = st.getItem(st.key(i));
      return out;
    };
    return {
      html: document.documentElement.outerHTML,
      values,
      title: document.title,
      local: storage(localStorage),
      session: storage(sessionStorage),
    };`);
  pageSnapshots.push({ label, ...snap });
}

async function saveAndTestKey(p) {
  const key = KEYS[p];
  const input = await s.testid(`key-input-${p}`);
  await input.type(key);
  await (await s.testid(`key-save-${p}`)).click();
  await s.testid(`key-status-${p}`, {
    predicate: async (e) => (await e.text()).includes(key.slice(-4)),
  });
  assert.equal(await input.prop("value"), "", "the key field is cleared after saving");
  await (await s.testid(`key-test-${p}`)).click();
  const result = await s.testid(`key-test-result-${p}`, {
    predicate: async (e) => (await e.text()).length > 0,
  });
  assert.equal(await result.attr("data-valid"), "true", `${p}: ${await result.text()}`);
  // "Valid ..." and never "Invalid ..." (which /valid/i would also match).
  assert.match(await result.text(), /^\s*Valid\b/, await result.text());
}

/** Submits `prompt` on `provider`, waits for its grid, runs U1 and waits for that too. */
async function promptAndUpscale(provider, prompt) {
  const select = await s.testid("provider-select");
  await s.execute(
    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
    [{ [EL]: select.id }, provider],
  );
  const input = await s.testid("prompt-input");
  await input.clear();
  await input.type(prompt);
  await (await s.testid("submit-button")).click();
  const card = await s.waitFor('[data-testid="task-card"]', {
    timeout: 60_000,
    predicate: async (e) =>
      s.execute(
        `const c = arguments[0];
         const p = c.querySelector('[data-testid="task-prompt"]');
         return !!p && p.textContent.includes(arguments[1]) &&
           ['succeeded', 'failed', 'timed_out'].includes(c.dataset.status);`,
        [{ [EL]: e.id }, prompt],
      ),
  });
  assert.equal(await card.attr("data-status"), "succeeded", `${provider} task`);
  const parentId = await card.attr("data-task-id");
  await (await card.find('[data-testid="action-U1"]')).click();
  const child = await s.waitFor(`[data-testid="task-card"][data-parent-id="${parentId}"]`, {
    timeout: 60_000,
    predicate: async (e) => ["succeeded", "failed", "timed_out"].includes(await e.attr("data-status")),
  });
  assert.equal(await child.attr("data-status"), "succeeded", `${provider} U1`);
  await s.waitFor(`[data-testid="task-card"][data-parent-id="${parentId}"] img[data-loaded="true"]`, {
    timeout: 60_000,
  });
}

test("canary keys are saved, tested as valid, and shown only by their last 4", async () => {
  await (await s.testid("nav-settings")).click();
  await saveAndTestKey("linkr");
  await saveAndTestKey("journey");
  await snapshotPage("settings after test");
});

test("the keys do real work: a prompt and U1 on each provider, then gallery and lightbox", async () => {
  await (await s.testid("nav-create")).click();
  await promptAndUpscale("linkr", `a canary in a coal mine ${Date.now()}`);
  await promptAndUpscale("journey", `a canary on a branch ${Date.now()}`);
  await snapshotPage("create");

  await (await s.testid("nav-gallery")).click();
  const item = await s.waitFor('[data-testid="gallery-item"]', { timeout: 30_000 });
  await item.click();
  await s.testid("lightbox-image", {
    predicate: async (e) =>
      s.execute("const i = arguments[0]; return i.complete && i.naturalWidth > 0;", [{ [EL]: e.id }]),
  });
  await snapshotPage("lightbox");
  await (await s.testid("lightbox-close")).click();
  await s.waitFor("body", {
    predicate: async () => (await s.findAll('[data-testid="lightbox"]')).length === 0,
  });

  await (await s.testid("nav-settings")).click();
  for (const p of Object.keys(KEYS)) {
    const status = await s.testid(`key-status-${p}`, {
      predicate: async (e) => (await e.text()).includes(KEYS[p].slice(-4)),
    });
    assert.match(await status.text(), /ends in/i, `${p}: the last 4 characters are shown`);
  }
  await snapshotPage("settings at the end");
  await shot(s, "11-settings-keys-set");
});

/** Every form the key could be stored or sent in, as byte patterns. */
function needles(key) {
  const forms = [
    ["text", Buffer.from(key)],
    ["UTF-16", Buffer.from(key, "utf16le")],
    ["last 8", Buffer.from(key.slice(-8))],
    ["last 8 UTF-16", Buffer.from(key.slice(-8), "utf16le")],
  ];
  // Base64 of the key preceded by 0, 1 or 2 other bytes (as in "Bearer <key>" or inside a
  // longer value): only the groups made of key bytes alone are the same in every context.
  for (let lead = 0; lead < 3; lead++) {
    const b64 = Buffer.from("\0".repeat(lead) + key).toString("base64");
    const skip = lead === 0 ? 0 : 4;
    const groups = Math.floor((key.length - ((3 - lead) % 3)) / 3);
    const core = b64.slice(skip, skip + 4 * groups);
    forms.push([`base64/${lead}`, Buffer.from(core)]);
    forms.push([`base64url/${lead}`, Buffer.from(core.replace(/\+/g, "-").replace(/\//g, "_"))]);
  }
  return forms;
}

/** The names of the forms of any canary found in `bytes`. */
function findCanaries(bytes) {
  const hits = [];
  for (const [p, key] of Object.entries(KEYS)) {
    for (const [form, needle] of needles(key)) {
      if (bytes.includes(needle)) hits.push(`${p} key (${form})`);
    }
  }
  return hits;
}

/** Every regular file under `dir`, recursively (symlinks are not followed). */
function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const st = lstatSync(path);
    if (st.isDirectory()) out.push(...filesUnder(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

test("the canaries appear nowhere: files, logs, IPC, page", async (t) => {
  // The search itself finds every form it looks for.
  for (const [p, key] of Object.entries(KEYS)) {
    for (const sample of [
      Buffer.from(`x${key}y`),
      Buffer.from(`{"k":"${key}"}`, "utf16le"),
      ...[0, 1, 2].map((lead) => Buffer.from("Bearer ".slice(0, lead) + key).toString("base64")),
      Buffer.from(`ends in ${key.slice(-8)}`),
    ]) {
      assert.ok(findCanaries(Buffer.from(sample)).length > 0, `the search finds ${p} in ${sample}`);
    }
  }

  const ipc = await s.execute("return window.__ipcCapture || [];");
  const appLogs = app.logs;
  await app.stop();
  app = null;

  const leaks = [];

  // Positive controls: the keys reached the services, debug logs and IPC traffic were seen.
  const requests = await sim.requests();
  for (const p of Object.keys(KEYS)) {
    const authed = requests.filter((r) => r.provider === p && r.auth_ok);
    assert.ok(authed.length >= 3, `the simulator got ${p} requests with the right key: ${authed.length}`);
  }
  assert.ok(ipc.length > 20, `IPC payloads captured: ${ipc.length}`);
  const logText = appLogs.join("");
  assert.match(logText, /provider request/, "debug logs of the provider requests were captured");

  for (const [i, payload] of ipc.entries()) {
    for (const hit of findCanaries(Buffer.from(payload))) leaks.push(`IPC payload ${i}: ${hit}`);
  }
  for (const snap of pageSnapshots) {
    const page = JSON.stringify(snap);
    for (const hit of findCanaries(Buffer.from(page))) leaks.push(`page (${snap.label}): ${hit}`);
  }
  for (const hit of findCanaries(Buffer.from(logText))) leaks.push(`app/driver logs: ${hit}`);

  const files = filesUnder(home.home);
  assert.ok(
    files.some((f) => f.endsWith("atelier.db")),
    `the scan covers the library database (${files.length} files)`,
  );
  assert.ok(files.some((f) => /\.(png|jpe?g|webp)$/i.test(f)), "the scan covers images");
  for (const file of files) {
    for (const hit of findCanaries(readFileSync(file))) leaks.push(`${relative(home.home, file)}: ${hit}`);
  }

  t.diagnostic(
    `searched ${ipc.length} IPC payloads, ${pageSnapshots.length} page snapshots, ` +
      `${logText.length} characters of logs and ${files.length} files`,
  );
  assert.deepEqual(leaks, [], "a canary key leaked");
});
