/**
 * Where the interface's start-up time goes, reported with `ui_ready` so the startup benchmark
 * (bench/startup.mjs) can print a breakdown instead of one number. All values are
 * milliseconds since the page's time origin, except `timeOrigin` (wall-clock epoch ms, to line
 * up with the moment the process was spawned).
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
