// A minimal W3C WebDriver client for the end-to-end tests: just the calls they use, over
// Node's own fetch, so the suite needs no npm packages.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** One WebDriver session against tauri-driver, driving one app instance. */
export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** Starts the app at `application` through tauri-driver listening on `base`. */
  static async start(base, application, args = []) {
    const body = {
      capabilities: {
        alwaysMatch: { "tauri:options": { application, args } },
      },
    };
    const value = await request("POST", `${base}/session`, body, 120_000);
    return new Session(base, value.sessionId);
  }

  async cmd(method, path, body) {
    return request(method, `${this.base}/session/${this.id}${path}`, body);
  }

  /** Ends the session, which closes the app. */
  async quit() {
    try {
      await request("DELETE", `${this.base}/session/${this.id}`, undefined, 30_000);
    } catch {
      // the app may already be gone
    }
  }

  async findAll(css) {
    const found = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return found.map((e) => new Element(this, e[ELEMENT]));
  }

  /** Waits until `css` matches an element (and `predicate(el)` holds) and returns it. */
  async waitFor(css, { timeout = 30_000, predicate } = {}) {
    const deadline = Date.now() + timeout;
    let last = "no element";
    for (;;) {
      const els = await this.findAll(css);
      for (const el of els) {
        try {
          if (!predicate || (await predicate(el))) return el;
          last = "predicate not met";
        } catch (e) {
          // The UI re-rendered the element between finding and asking: look again.
          if (!/stale element/.test(String(e))) throw e;
          last = "element went stale";
        }
      }
      if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${css}: ${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async testid(id, opts) {
    return this.waitFor(`[data-testid="${id}"]`, opts);
  }

  async execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  async executeAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  async screenshot(file) {
    // Let pending layout, image decoding and paint settle: two animation frames. Then repaint a
    // transparent pixel a few times while the screenshot is taken: WebKitGTK's driver waits for
    // the next frame the page presents, and a page where nothing changes presents none (the
    // screenshot then hangs until the request times out).
    await this.executeAsync(
      `const done = arguments[arguments.length - 1];
       let n = document.getElementById('__e2e_nudge');
       if (!n) {
         n = document.createElement('div');
         n.id = '__e2e_nudge';
         n.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647;opacity:0.004';
         document.documentElement.appendChild(n);
       }
       let k = 0;
       const flip = () => { k += 1; n.style.background = k % 2 ? '#000' : '#fff'; };
       flip();
       for (const ms of [30, 100, 250, 600, 1500]) setTimeout(flip, ms);
       requestAnimationFrame(() => requestAnimationFrame(() => done(true)));`,
    );
    const { writeFile } = await import("node:fs/promises");
    const data = await this.cmd("GET", "/screenshot");
    await writeFile(file, Buffer.from(data, "base64"));
  }

  /** Real input through W3C actions (`sources` as the spec has them), then releases it all. */
  async actions(sources) {
    await this.cmd("POST", "/actions", { actions: sources });
    await this.cmd("DELETE", "/actions");
  }

  /** Clicks `el` with `key` held ("\uE009" Control, "\uE008" Shift), as a person does. */
  async clickWith(key, el) {
    await this.actions([
      {
        type: "key",
        id: "keyboard",
        actions: [{ type: "keyDown", value: key }, { type: "pause", duration: 0 }, { type: "pause", duration: 0 }, { type: "keyUp", value: key }],
      },
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [
          { type: "pointerMove", origin: { [ELEMENT]: el.id }, x: 0, y: 0 },
          { type: "pointerDown", button: 0 },
          { type: "pointerUp", button: 0 },
          { type: "pause", duration: 0 },
        ],
      },
    ]);
  }

  /** A mouse drag from (x1, y1) to (x2, y2) in viewport pixels, in `steps` moves. */
  async drag(x1, y1, x2, y2, steps = 8) {
    const moves = [];
    for (let i = 1; i <= steps; i++) {
      moves.push({ type: "pointerMove", origin: "viewport", duration: 20, x: Math.round(x1 + ((x2 - x1) * i) / steps), y: Math.round(y1 + ((y2 - y1) * i) / steps) });
    }
    await this.actions([
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [{ type: "pointerMove", origin: "viewport", x: Math.round(x1), y: Math.round(y1) }, { type: "pointerDown", button: 0 }, ...moves, { type: "pointerUp", button: 0 }],
      },
    ]);
  }

  async pageSource() {
    return this.cmd("GET", "/source");
  }
}

/** A DOM element found through WebDriver. */
export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  async click() {
    await this.s.cmd("POST", `/element/${this.id}/click`, {});
  }
  async clear() {
    await this.s.cmd("POST", `/element/${this.id}/clear`, {});
  }
  async type(text) {
    await this.s.cmd("POST", `/element/${this.id}/value`, { text });
  }
  async text() {
    return this.s.cmd("GET", `/element/${this.id}/text`);
  }
  async attr(name) {
    return this.s.cmd("GET", `/element/${this.id}/attribute/${encodeURIComponent(name)}`);
  }
  async prop(name) {
    return this.s.cmd("GET", `/element/${this.id}/property/${encodeURIComponent(name)}`);
  }
  async enabled() {
    return this.s.cmd("GET", `/element/${this.id}/enabled`);
  }
  async find(css) {
    const e = await this.s.cmd("POST", `/element/${this.id}/element`, {
      using: "css selector",
      value: css,
    });
    return new Element(this.s, e[ELEMENT]);
  }
  async findAll(css) {
    const found = await this.s.cmd("POST", `/element/${this.id}/elements`, {
      using: "css selector",
      value: css,
    });
    return found.map((e) => new Element(this.s, e[ELEMENT]));
  }
}

async function request(method, url, body, timeout = 60_000) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeout),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || (json.value && json.value.error)) {
    const v = json.value || {};
    throw new Error(`WebDriver ${method} ${url}: ${res.status} ${v.error || ""} ${v.message || ""}`);
  }
  return json.value;
}
