// The installed package, launched the way a person would get it: `scripts/test-package.sh`
// installs the .deb with apt, then runs this file with ATELIER_E2E_APP=/usr/bin/atelier, so the
// binary under test is the one the package put on the system, with no key set (demo mode).
// It lives in its own folder so the default run of scripts/e2e.sh (e2e/*.test.mjs) skips it.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { APP, startApp, freshHome, shot, homeEnv } from "../harness.mjs";

const installed = process.env.ATELIER_E2E_APP;
const skip = installed
  ? false
  : "set ATELIER_E2E_APP to an installed binary (scripts/test-package.sh does this after installing the .deb)";

let app;
let s;

before(async () => {
  if (skip) return;
  assert.ok(existsSync(APP), `the installed binary ${APP} exists`);
  const home = freshHome();
  app = await startApp({
    ...homeEnv(home),
  });
  s = app.session;
});

after(async () => {
  await app?.stop();
});

/** True when the element takes up room on screen and is not hidden by CSS. */
async function visible(el) {
  return s.execute(
    `const e = arguments[0]; const r = e.getBoundingClientRect(); const st = getComputedStyle(e);
     return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';`,
    [{ "element-6066-11e4-a52e-4f735466cecf": el.id }],
  );
}

test("the installed app opens its main window on the Create view", { skip }, async () => {
  assert.equal(APP, installed, "the harness launches the installed binary");
  const prompt = await s.testid("prompt-input", { timeout: 60_000, predicate: visible });
  const submit = await s.testid("submit-button", { predicate: visible });
  assert.ok(prompt && submit);
  const nav = await s.testid("nav-create");
  assert.equal(await nav.attr("aria-current"), "page", "the Create view is the current one");
  assert.match(await s.execute("return document.title;"), /Atelier/);
  await s.testid("demo-badge");
  await shot(s, "10-installed");
});
