import { describe, expect, it } from 'vitest';
import { afterNextPaint, markStartup, startupPhases } from './startup';

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
