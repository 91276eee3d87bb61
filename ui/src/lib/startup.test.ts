import { describe, expect, it } from 'vitest';
import { afterNextPaint, markStartup, startApp, startupPhases } from './startup';

describe('startup phases', () => {
  it('reports the time origin, the marks and when it was asked', () => {
    markStartup('script');
    markStartup('mounted');
    const phases = startupPhases();
    expect(phases.timeOrigin).toBeGreaterThan(1_600_000_000_000);
    expect(phases.script).toBeGreaterThanOrEqual(0);
    expect(phases.mounted).toBeGreaterThanOrEqual(phases.script);
    expect(phases.ready).toBeGreaterThanOrEqual(phases.mounted);
  });
});

describe('afterNextPaint', () => {
  it('resolves only after the second animation frame, i.e. after a paint', async () => {
    const frames: (() => void)[] = [];
    const raf = (cb: () => void) => frames.push(cb);
    let painted = false;
    const done = afterNextPaint(raf).then(() => {
      painted = true;
    });

    const runFrame = async () => {
      const due = frames.splice(0);
      for (const cb of due) cb();
      await Promise.resolve();
    };
    await runFrame();
    expect(painted).toBe(false);
    await runFrame();
    await done;
    expect(painted).toBe(true);
  });
});

describe('startApp', () => {
  /** A promise and its resolver, to decide by hand when each step finishes. */
  function gate() {
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    return { promise, open };
  }

  function steps() {
    const log: string[] = [];
    const load = gate();
    const grace = gate();
    const paint = gate();
    return {
      log,
      load,
      grace,
      paint,
      run: startApp({
        load: () => load.promise.then(() => void log.push('loaded')),
        render: () => void log.push('render'),
        reportReady: () => void log.push('ready'),
        delay: () => grace.promise,
        painted: () => paint.promise,
      }),
    };
  }

  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('renders once, with the data, when the core answers within the grace period', async () => {
    const s = steps();
    await settle();
    expect(s.log).toEqual([]);
    s.load.open();
    await settle();
    expect(s.log).toEqual(['loaded', 'render']);
    s.grace.open();
    await settle();
    expect(s.log).toEqual(['loaded', 'render']);
    s.paint.open();
    await s.run;
    expect(s.log).toEqual(['loaded', 'render', 'ready']);
  });

  it('renders skeletons after the grace period when the core is slow, ready only once loaded and painted', async () => {
    const s = steps();
    s.grace.open();
    await settle();
    expect(s.log).toEqual(['render']);
    s.paint.open();
    await settle();
    expect(s.log).toEqual(['render']);
    s.load.open();
    await s.run;
    expect(s.log).toEqual(['render', 'loaded', 'ready']);
  });
});
