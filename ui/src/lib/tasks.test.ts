import { describe, expect, it } from 'vitest';
import { makeTask, makeView } from './testing/fixtures';
import {
  applyProgress,
  formatTime,
  mergeTasks,
  quadrantPosition,
  rawStateWord,
  taskProgress,
  taskStateText,
  upsertTask,
} from './tasks';

describe('taskStateText', () => {
  it('says queued', () => {
    expect(taskStateText(makeTask({ status: 'queued' }))).toBe('Queued');
  });

  it('says running with the percentage', () => {
    expect(taskStateText(makeTask({ status: 'running', progress: 45 }))).toBe('Running 45%');
    expect(taskStateText(makeTask({ status: 'running', progress: null }))).toBe('Running');
    expect(taskStateText(makeTask({ status: 'running', progress: 140 }))).toBe('Running 100%');
  });

  it('says done', () => {
    expect(taskStateText(makeTask({ status: 'succeeded', progress: 100 }))).toBe('Done');
  });

  it('says failed with the reason', () => {
    expect(
      taskStateText(makeTask({ status: 'failed', error: 'The prompt was blocked by moderation.' })),
    ).toBe('Failed: The prompt was blocked by moderation.');
    expect(taskStateText(makeTask({ status: 'failed', error: '  ' }))).toBe(
      'Failed: the provider gave no reason.',
    );
  });

  it('says timed out', () => {
    expect(taskStateText(makeTask({ status: 'timed_out' }))).toBe('Timed out');
  });

  it('keeps working on a status it does not know', () => {
    // An unknown raw status maps to running on the Rust side; a status the UI does
    // not know (newer bindings) still reads as a sentence.
    const unknown = makeTask({ status: 'paused' as never, rawStatus: 'paused' });
    expect(taskStateText(unknown)).toBe('Working (paused)');
    expect(taskStateText(makeTask({ status: 'weird' as never, rawStatus: '' }))).toBe('Working');
  });

  it("shows the provider's own word beside a live state", () => {
    expect(rawStateWord(makeTask({ status: 'running', rawStatus: 'processing' }))).toBe(
      'processing',
    );
    expect(rawStateWord(makeTask({ status: 'running', rawStatus: 'mystery_state' }))).toBe(
      'mystery_state',
    );
    expect(rawStateWord(makeTask({ status: 'queued', rawStatus: 'queued' }))).toBeNull();
    expect(rawStateWord(makeTask({ status: 'succeeded', rawStatus: 'completed' }))).toBeNull();
  });

  it('gives the bar its value', () => {
    expect(taskProgress(makeTask({ status: 'queued', progress: 10 }))).toBeNull();
    expect(taskProgress(makeTask({ status: 'running', progress: 45 }))).toBe(45);
    expect(taskProgress(makeTask({ status: 'running', progress: null }))).toBeNull();
    expect(taskProgress(makeTask({ status: 'succeeded', progress: null }))).toBe(100);
  });
});

describe('upsertTask', () => {
  const a = makeView({ id: 'a', createdAt: '2026-03-01T10:00:00Z' });
  const b = makeView({ id: 'b', createdAt: '2026-03-01T11:00:00Z' });

  it('puts a new task on top of older ones', () => {
    expect(upsertTask([a], b).map((v) => v.task.id)).toEqual(['b', 'a']);
  });

  it('puts a task between newer and older ones', () => {
    const mid = makeView({ id: 'm', createdAt: '2026-03-01T10:30:00Z' });
    expect(upsertTask([b, a], mid).map((v) => v.task.id)).toEqual(['b', 'm', 'a']);
  });

  it('puts a task without a time on top', () => {
    const x = makeView({ id: 'x', createdAt: null });
    expect(upsertTask([b, a], x).map((v) => v.task.id)).toEqual(['x', 'b', 'a']);
  });

  it('replaces a known task where it is', () => {
    const running = makeView({ id: 'a', status: 'running', progress: 30 });
    const list = upsertTask([b, a], running);
    expect(list.map((v) => v.task.id)).toEqual(['b', 'a']);
    expect(list[1].task.progress).toBe(30);
  });

  it('never takes a finished task back to running', () => {
    const done = makeView({ id: 'a', status: 'succeeded' });
    const late = makeView({ id: 'a', status: 'running', progress: 90 });
    const list = upsertTask([done], late);
    expect(list[0].task.status).toBe('succeeded');
  });

  it('merges a fresh list with what arrived by events', () => {
    const fresh = [a];
    const current = [makeView({ id: 'a', status: 'running', progress: 50 }), b];
    const merged = mergeTasks(current, fresh);
    expect(merged.map((v) => v.task.id)).toEqual(['b', 'a']);
    expect(merged[1].task.progress).toBe(50);
  });
});

describe('applyProgress', () => {
  it('moves the progress of the listed card and keeps everything else', () => {
    const list = [makeView({ id: 'a', status: 'running', progress: 15, prompt: 'a fox' })];
    const out = applyProgress(list, {
      id: 'a',
      rawStatus: 'processing',
      progress: 46,
      downloading: false,
    });
    expect(out[0].task.progress).toBe(46);
    expect(out[0].task.rawStatus).toBe('processing');
    expect(out[0].task.prompt).toBe('a fox');
    expect(out[0].task.status).toBe('running');
  });

  it('marks a card as saving its images', () => {
    const list = [makeView({ id: 'a', status: 'running', progress: 93 })];
    const out = applyProgress(list, {
      id: 'a',
      rawStatus: 'completed',
      progress: 100,
      downloading: true,
    });
    expect(out[0].media.downloading).toBe(true);
  });

  it('ignores progress of an unknown or finished task', () => {
    const list = [makeView({ id: 'a', status: 'succeeded', progress: 100 })];
    const p = { rawStatus: 'processing', progress: 50, downloading: false };
    expect(applyProgress(list, { ...p, id: 'a' })).toBe(list);
    expect(applyProgress(list, { ...p, id: 'b' })).toBe(list);
  });
});

describe('quadrantPosition', () => {
  it('crops quadrants in reading order', () => {
    expect([1, 2, 3, 4].map(quadrantPosition)).toEqual([
      '0% 0%',
      '100% 0%',
      '0% 100%',
      '100% 100%',
    ]);
  });
});

describe('formatTime', () => {
  it('shows the time today and the date otherwise', () => {
    const now = new Date('2026-03-01T12:00:00');
    expect(formatTime(new Date('2026-03-01T09:05:00').toISOString(), now)).toMatch(/09|9/);
    expect(formatTime(new Date('2026-02-27T09:05:00').toISOString(), now)).toMatch(/27/);
    expect(formatTime(null, now)).toBe('');
    expect(formatTime('not a date', now)).toBe('');
  });
});
