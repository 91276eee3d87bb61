import { describe, expect, it, vi } from 'vitest';
import type { TaskView } from './bindings/TaskView';
import { makeView } from './testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  listTasks: vi.fn(),
}));
vi.mock('./ipc', () => ipcMock);

import { AppStore, FEED_BATCH, FEED_FIRST } from './state.svelte';

/** `count` tasks, newest first: t-0 is the newest. */
function manyTasks(count: number): TaskView[] {
  const start = Date.parse('2026-03-01T10:00:00Z');
  return Array.from({ length: count }, (_, i) =>
    makeView({ id: `t-${i}`, createdAt: new Date(start - i * 60_000).toISOString() }),
  );
}

describe('the feed window (feedShown)', () => {
  it('starts with the first batch and grows by a batch', () => {
    const store = new AppStore();
    store.tasks = manyTasks(200);
    expect(store.feedShown).toBe(FEED_FIRST);
    store.showMoreFeed();
    expect(store.feedShown).toBe(FEED_FIRST + FEED_BATCH);
  });

  it('showFeedUpTo only ever raises it, to include the card at that index', () => {
    const store = new AppStore();
    store.tasks = manyTasks(200);
    store.showFeedUpTo(149);
    expect(store.feedShown).toBe(150);
    store.showFeedUpTo(3);
    expect(store.feedShown).toBe(150);
  });

  it('showTask raises it to the card asked for, and flashes it', async () => {
    const store = new AppStore();
    store.tasks = manyTasks(200);
    store.view = 'gallery';
    store.showTask('t-120');
    expect(store.feedShown).toBe(121);
    expect(store.view).toBe('create');
    await Promise.resolve();
    expect(store.flashTaskId).toBe('t-120');
    // An unknown task changes nothing in the window.
    store.showTask('not-listed');
    expect(store.feedShown).toBe(121);
  });

  it('grows by one when a new task arrives above the window, so no card is pushed out', () => {
    const store = new AppStore();
    store.tasks = manyTasks(200);
    store.showMoreFeed();
    const shown = store.feedShown;
    store.upsert(makeView({ id: 'new', createdAt: '2026-03-02T10:00:00Z' }));
    expect(store.tasks[0].task.id).toBe('new');
    expect(store.feedShown).toBe(shown + 1);
    // An update of a card in place, or a new task below the window, leaves it alone.
    store.upsert(makeView({ id: 't-3', status: 'running' }));
    expect(store.feedShown).toBe(shown + 1);
    store.upsert(makeView({ id: 'old', createdAt: '2020-01-01T00:00:00Z' }));
    expect(store.feedShown).toBe(shown + 1);
  });

  it('keeps the window when a reload brings tasks above it', async () => {
    const store = new AppStore();
    store.tasks = manyTasks(50);
    ipcMock.listTasks.mockResolvedValue([
      makeView({ id: 'a', createdAt: '2026-03-03T10:00:00Z' }),
      makeView({ id: 'b', createdAt: '2026-03-02T10:00:00Z' }),
      ...manyTasks(50),
    ]);
    await store.loadTasks();
    expect(store.tasks).toHaveLength(52);
    expect(store.feedShown).toBe(FEED_FIRST + 2);
  });

  it('does not move while the list is still empty (the first load)', async () => {
    const store = new AppStore();
    ipcMock.listTasks.mockResolvedValue(manyTasks(200));
    await store.loadTasks();
    expect(store.feedShown).toBe(FEED_FIRST);
  });
});
