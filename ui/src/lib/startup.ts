/**
 * How the interface starts (`startApp`), and where its start-up time goes, reported with
 * `ui_ready` so the startup benchmark (bench/startup.mjs) can print a breakdown instead of one
 * number.
 */

/**
 * Points of the start-up in milliseconds since the page's time origin, except `timeOrigin`
 * (wall-clock epoch ms, to line up with the moment the process was spawned).
 */
export type StartupPhases = Record<string, number>;

/** Marks a named point of the start-up (e.g. when the app's script starts running). */
export function markStartup(name: string, perf: Performance = performance): void {
  perf.mark(`atelier:${name}`);
}

/** The navigation timings and every `markStartup` point so far, rounded to 0.1 ms. */
export function startupPhases(perf: Performance = performance): StartupPhases {
  const out: StartupPhases = { timeOrigin: Math.round(perf.timeOrigin) };
  const round = (n: number) => Math.round(n * 10) / 10;
  const nav = perf.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (nav) {
    out.responseEnd = round(nav.responseEnd);
    out.domInteractive = round(nav.domInteractive);
  }
  for (const m of perf.getEntriesByType('mark')) {
    if (m.name.startsWith('atelier:')) out[m.name.slice('atelier:'.length)] = round(m.startTime);
  }
  out.ready = round(perf.now());
  return out;
}

/**
 * Resolves once the browser has painted the current DOM: the first animation frame runs just
 * before a paint, the second one after that paint has been handed to the compositor. Start-up
 * counts as done only when what the person sees is on screen, not when the DOM is built.
 */
export function afterNextPaint(
  raf: (cb: () => void) => unknown = requestAnimationFrame,
): Promise<void> {
  return new Promise((resolve) => {
    raf(() => raf(() => resolve()));
  });
}

/** How long the first render waits for the core's answers before it shows skeletons instead. */
export const FIRST_RENDER_GRACE_MS = 120;

/** What `startApp` needs; the parameters exist so tests can drive it. */
export interface StartAppSteps {
  /** Loads what the first screen shows (never rejects: failures become visible state). */
  load: () => Promise<void>;
  /** Builds the interface (once). */
  render: () => void;
  /** Tells the shell the first loaded screen is on screen. */
  reportReady: () => void;
  /** Waits `ms` milliseconds. */
  delay?: (ms: number) => Promise<void>;
  /** Resolves after the next paint (`afterNextPaint`). */
  painted?: () => Promise<void>;
  /** The grace period (`FIRST_RENDER_GRACE_MS`). */
  graceMs?: number;
}

/**
 * Starts the interface: asks the core for the first screen's data, builds the interface once
 * that data is in, or after a short grace period with skeletons if the core is slow, and
 * reports ready once the loaded screen is painted. Building once, with the data, matters: the
 * core answers within a few milliseconds of the page asking, and building a skeleton screen
 * first, then the real one, cost ~120 ms of start-up (bench-startup).
 */
export async function startApp(steps: StartAppSteps): Promise<void> {
  const delay = steps.delay ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const painted = steps.painted ?? (() => afterNextPaint());
  const loaded = steps.load();
  await Promise.race([loaded, delay(steps.graceMs ?? FIRST_RENDER_GRACE_MS)]);
  steps.render();
  markStartup('mounted');
  await loaded;
  await painted();
  steps.reportReady();
}
