// Starts what an end-to-end test needs: the provider simulator (as a separate process, like the
// real services), and the real app through tauri-driver with its own data folders, and takes
// screenshots into e2e/screenshots/.

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Session } from "./webdriver.mjs";

export const ROOT = resolve(import.meta.dirname, "..");
export const TARGET = process.env.CARGO_TARGET_DIR || join(ROOT, "target");
export const APP = process.env.ATELIER_E2E_APP || join(TARGET, "debug", "atelier");
export const SIMULATOR = join(TARGET, "debug", "atelier-simulator");
export const SHOTS = join(ROOT, "e2e", "screenshots");
mkdirSync(SHOTS, { recursive: true });

/** A free loopback TCP port. */
export async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitHttp(url, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up in ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function track(child, name, logs) {
  child.stdout?.on("data", (d) => logs.push(`[${name}] ${d}`));
  child.stderr?.on("data", (d) => logs.push(`[${name}] ${d}`));
  return child;
}

/** Starts the simulator binary with the given keys; returns its base URLs and a stop(). */
export async function startSimulator({ linkrKey, journeyKey, speed = 8 }) {
  const port = await freePort();
  const logs = [];
  const child = track(
    spawn(SIMULATOR, [
      "--port", String(port),
      "--speed", String(speed),
      "--linkr-key", linkrKey,
      "--journey-key", journeyKey,
    ], { stdio: ["ignore", "pipe", "pipe"] }),
    "simulator",
    logs,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitHttp(`${base}/_control/requests`);
  return {
    base,
    linkrBaseUrl: `${base}/linkr/api`,
    journeyBaseUrl: `${base}/journey/api/v1`,
    logs,
    async control(method, path, body) {
      const r = await fetch(`${base}/_control${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return r.json().catch(() => null);
    },
    /** The simulator's request log: every request it received, oldest first. */
    async requests() {
      const log = await this.control("GET", "/requests");
      return Array.isArray(log) ? log : (log?.requests ?? []);
    },
    stop() {
      child.kill("SIGTERM");
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}

/** Resolves when `child` has exited, or after `ms` milliseconds, whichever comes first. */
function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const timer = setTimeout(res, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      res();
    });
  });
}

/** Fresh per-test folders for the app's data and config (XDG), so runs never share state. */
export function freshHome() {
  const home = mkdtempSync(join(tmpdir(), "atelier-e2e-"));
  return {
    XDG_DATA_HOME: join(home, "data"),
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_CACHE_HOME: join(home, "cache"),
    home,
  };
}

/** The app's environment for a fresh home: its XDG data, config and cache folders. */
export function homeEnv(home) {
  return {
    XDG_DATA_HOME: home.XDG_DATA_HOME,
    XDG_CONFIG_HOME: home.XDG_CONFIG_HOME,
    XDG_CACHE_HOME: home.XDG_CACHE_HOME,
  };
}

/**
 * Waits until WebKit has written every one of `fragments` of the web view's local storage to
 * disk in `home` (values are stored as UTF-16). WebKitGTK writes that storage lazily (about a
 * second after a change), so a test that kills the app right after a change would test the
 * timer, not the app: this waits for the write a person's ordinary pause gives it.
 */
export async function storageOnDisk(home, fragments, timeout = 30_000) {
  const dir = join(home.XDG_DATA_HOME, "dev.atelier.app", "localstorage");
  const wanted = fragments.map((f) => Buffer.from(f, "utf16le"));
  const deadline = Date.now() + timeout;
  for (;;) {
    let files = [];
    try {
      files = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
    } catch {
      // not written yet
    }
    if (wanted.every((w) => files.some((b) => b.includes(w)))) return;
    if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${fragments.join(", ")} in ${dir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The app's environment pointing both live providers at the simulator `sim`. */
export function simulatorEnv(sim) {
  return { ATELIER_LINKR_BASE_URL: sim.linkrBaseUrl, ATELIER_JOURNEY_BASE_URL: sim.journeyBaseUrl };
}

/**
 * Starts the app under tauri-driver with `env` added to the environment and opens a WebDriver
 * session on it. Returns { session, logs, stop() }.
 */
export async function startApp(env = {}) {
  const instance = randomUUID();
  env = { ...env, ATELIER_E2E_INSTANCE: instance };
  const port = await freePort();
  const nativePort = await freePort();
  const logs = [];
  const driver = track(
    spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
      env: { ...process.env, NO_AT_BRIDGE: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
    "app",
    logs,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitHttp(`${base}/status`);
  let session;
  try {
    session = await Session.start(base, APP);
  } catch (error) {
    // Say what the app and its drivers printed: a launch that never opens a window is
    // otherwise a bare timeout.
    console.error(`the app did not open a window; its output:\n${logs.join("").slice(-6000)}`);
    driver.kill("SIGKILL");
    throw error;
  }
  return {
    session,
    logs,
    /** Kills the app process itself with SIGKILL, as a crash would. */
    crash() {
      const pids = pidsWithEnv("ATELIER_E2E_INSTANCE", instance).filter((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0].endsWith("atelier"),
      );
      for (const pid of pids) process.kill(pid, "SIGKILL");
      return pids.length;
    },
    /**
     * Ends the session and makes sure nothing of this instance lives on: tauri-driver,
     * WebKitWebDriver, the app and its WebKit processes (after a crash, orphans among them would
     * keep the log pipes, and so this test process, alive forever).
     */
    async stop() {
      await session.quit().catch(() => {});
      driver.kill("SIGTERM");
      await exited(driver, 5000);
      for (const pid of pidsWithEnv("ATELIER_E2E_INSTANCE", instance)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      // Wait until they are gone and the bus has let go of the app's single-instance name: while
      // it is held, the next launch hands over to the dying app ("Message recipient
      // disconnected") and exits instead of opening a window (seen on a loaded machine).
      for (let i = 0; i < 200; i++) {
        if (!pidsWithEnv("ATELIER_E2E_INSTANCE", instance).some(isAlive) && !singleInstanceHeld()) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      driver.stdout?.destroy();
      driver.stderr?.destroy();
    },
  };
}

/** Saves a screenshot of the app window as e2e/screenshots/<name>.png. */
export async function shot(session, name) {
  await session.screenshot(join(SHOTS, `${name}.png`));
}

/**
 * The D-Bus name tauri-plugin-single-instance owns while Atelier runs: the app's identifier
 * and ".SingleInstance" (with a version suffix when the plugin's `semver` feature is on).
 */
const SINGLE_INSTANCE_NAME = "dev.atelier.app.SingleInstance";

/** True while some process owns Atelier's single-instance name on this session bus. */
function singleInstanceHeld() {
  try {
    const out = execFileSync(
      "dbus-send",
      ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
       "org.freedesktop.DBus.ListNames"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    return out.includes(`"${SINGLE_INSTANCE_NAME}`);
  } catch {
    return false;
  }
}

/** True while `pid` runs (a zombie, already dead and only waiting to be reaped, does not). */
function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Pids of processes whose environment has `name=value`. */
export function pidsWithEnv(name, value) {
  const needle = `${name}=${value}`;
  const out = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (env.includes(needle)) out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/**
 * Waits for the window's rail, then goes to Create and waits for its prompt box. The app opens
 * where the person left it (the view comes back after a restart), so a test that starts from
 * Create says so.
 */
export async function toCreate(s) {
  const nav = await s.testid("nav-create", { timeout: 60_000 });
  for (let attempt = 1; ; attempt++) {
    // A lightbox left open comes back too, and it is modal: close it first.
    await s.execute(`const lb = document.querySelector('[data-testid="lightbox"]');
      if (lb) lb.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));`);
    try {
      // A closing lightbox (or its backdrop) may still cover the rail for a frame: WebDriver
      // then answers "element click intercepted", and the next attempt clicks again.
      await nav.click();
      return await s.testid("prompt-input", { timeout: 5_000 });
    } catch (error) {
      if (attempt >= 4) {
        const above = await s.execute(`const r = document.querySelector('[data-testid="nav-create"]').getBoundingClientRect();
          const el = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return el ? el.outerHTML.slice(0, 200) : null;`);
        throw new Error(`${error.message} (on top of the rail: ${above})`);
      }
    }
  }
}
