import { describe, expect, it } from 'vitest';
import { markStartup, startupPhases } from './startup';

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
