/** Tests of bulk actions (bulk.svelte.ts) and the collections (collections.svelte.ts), IPC mocked. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BulkOutcome } from './bindings/BulkOutcome';
import type { BulkProgress } from './bindings/BulkProgress';
import type { Collection } from './bindings/Collection';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  applyBulk: vi.fn(),
  cancelBulk: vi.fn(),
  onBulkProgress: vi.fn(),
  listCollections: vi.fn(),
  createCollection: vi.fn(),
  renameCollection: vi.fn(),
  deleteCollection: vi.fn(),
}));
vi.mock('./ipc', () => ipcMock);

import { BulkRunner, newOpId, type BulkHost } from './bulk.svelte';
import { CollectionsStore } from './collections.svelte';

const moodboard: Collection = { id: 4, name: 'Moodboard', count: 3, createdAt: '2026-03-01' };
const taken = {
  code: 'invalid_input',
  message: 'There is already a collection called “Moodboard”.',
};

let progress: ((p: BulkProgress) => void) | null = null;

function host(): BulkHost & { cleared: number } {
  const collections = new CollectionsStore();
  collections.list = [moodboard];
  const h = {
    collections,
    cleared: 0,
    clearSelection: vi.fn(() => void h.cleared++),
    reload: vi.fn(async () => {}),
    refreshCollections: vi.fn(async () => {}),
  };
  return h;
}

/** An applyBulk the test finishes itself. */
function pendingBulk() {
  let finish: (o: BulkOutcome) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  ipcMock.applyBulk.mockImplementation(
    () =>
      new Promise<BulkOutcome>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      }),
  );
  return { finish: (o: BulkOutcome) => finish(o), fail: (e: unknown) => fail(e) };
}

beforeEach(() => {
  vi.clearAllMocks();
  progress = null;
  ipcMock.onBulkProgress.mockImplementation(async (cb: (p: BulkProgress) => void) => {
    progress = cb;
    return () => {
      progress = null;
    };
  });
  ipcMock.cancelBulk.mockResolvedValue(true);
});

describe('BulkRunner', () => {
  it('sends the selection with a fresh id, follows its progress and says what it did', async () => {
    const h = host();
    const runner = new BulkRunner(h, { newId: () => 'op-1' });
    const bulk = pendingBulk();
    const run = runner.run(
      { kind: 'allMatching', query: { text: 'fox' }, except: [3] },
      { kind: 'favorite' },
      100_000,
    );
    await vi.waitFor(() => expect(ipcMock.applyBulk).toHaveBeenCalled());
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      'op-1',
      { kind: 'allMatching', query: { text: 'fox' }, except: [3] },
      { kind: 'favorite' },
    );
    expect(runner.running).toMatchObject({ opId: 'op-1', done: 0, total: 100_000 });
    expect(runner.progressText).toBe('Favoriting 0 of 100,000…');
    progress?.({ opId: 'another', done: 50, total: 60 });
    progress?.({ opId: 'op-1', done: 4000, total: 100_000 });
    expect(runner.progressText).toBe('Favoriting 4,000 of 100,000…');
    bulk.finish({ total: 100_000, done: 100_000, changed: 100_000, cancelled: false });
    await run;
    expect(runner.running).toBeNull();
    expect(runner.message).toEqual({ text: '100,000 images favorited.', error: false });
    expect(h.reload).toHaveBeenCalledTimes(1);
    expect(h.refreshCollections).toHaveBeenCalledTimes(1);
    expect(h.cleared).toBe(0);
  });

  it('cancels between chunks and says where it stopped', async () => {
    const h = host();
    const runner = new BulkRunner(h, { newId: () => 'op-2' });
    const bulk = pendingBulk();
    const run = runner.run({ kind: 'images', ids: [1, 2] }, { kind: 'unfavorite' }, 2);
    await vi.waitFor(() => expect(ipcMock.applyBulk).toHaveBeenCalled());
    await runner.cancel();
    expect(ipcMock.cancelBulk).toHaveBeenCalledWith('op-2');
    expect(runner.running?.cancelling).toBe(true);
    expect(runner.progressText).toBe('Stopping…');
    bulk.finish({ total: 2, done: 1, changed: 1, cancelled: true });
    await run;
    expect(runner.message?.text).toBe('Stopped: 1 of 2 unfavorited.');
  });

  it('runs one action at a time', async () => {
    const runner = new BulkRunner(host());
    const bulk = pendingBulk();
    const first = runner.run({ kind: 'images', ids: [1] }, { kind: 'favorite' }, 1);
    await expect(
      runner.run({ kind: 'images', ids: [2] }, { kind: 'favorite' }, 1),
    ).resolves.toBeNull();
    bulk.finish({ total: 1, done: 1, changed: 1, cancelled: false });
    await first;
    expect(ipcMock.applyBulk).toHaveBeenCalledTimes(1);
  });

  it('empties the selection after a delete, and after a removal from the collection shown', async () => {
    const h = host();
    const runner = new BulkRunner(h);
    ipcMock.applyBulk.mockResolvedValue({ total: 2, done: 2, changed: 2, cancelled: false });
    await runner.run({ kind: 'images', ids: [1, 2] }, { kind: 'delete' }, 2);
    expect(runner.message?.text).toBe('2 images deleted.');
    expect(h.cleared).toBe(1);
    await runner.run(
      { kind: 'images', ids: [1, 2] },
      { kind: 'removeFromCollection', collectionId: 4 },
      2,
    );
    expect(runner.message?.text).toBe('2 images removed from Moodboard.');
    expect(h.cleared).toBe(2);
    await runner.run({ kind: 'images', ids: [1] }, { kind: 'addToCollection', collectionId: 4 }, 1);
    expect(h.cleared).toBe(2);
  });

  it('fetches the models and ratios again after a delete only', async () => {
    const refreshFacets = vi.fn(async () => {});
    const h = { ...host(), refreshFacets };
    const runner = new BulkRunner(h);
    ipcMock.applyBulk.mockResolvedValue({ total: 1, done: 1, changed: 1, cancelled: false });
    await runner.run({ kind: 'images', ids: [1] }, { kind: 'favorite' }, 1);
    expect(refreshFacets).not.toHaveBeenCalled();
    await runner.run({ kind: 'images', ids: [1] }, { kind: 'delete' }, 1);
    expect(refreshFacets).toHaveBeenCalledTimes(1);
    // A delete that failed half-way may still have deleted some.
    ipcMock.applyBulk.mockRejectedValue({ code: 'library', message: 'The library is busy.' });
    await runner.run({ kind: 'images', ids: [2] }, { kind: 'delete' }, 1);
    expect(refreshFacets).toHaveBeenCalledTimes(2);
  });

  it("shows the core's sentence when it fails, and still refreshes", async () => {
    const h = host();
    const runner = new BulkRunner(h);
    ipcMock.applyBulk.mockRejectedValue({ code: 'library', message: 'The library is busy.' });
    await expect(
      runner.run({ kind: 'images', ids: [1] }, { kind: 'favorite' }, 1),
    ).resolves.toBeNull();
    expect(runner.message).toEqual({ text: 'The library is busy.', error: true });
    expect(runner.running).toBeNull();
    expect(h.reload).toHaveBeenCalled();
    expect(h.cleared).toBe(0);
  });

  it('puts one image in a collection or takes it out (the lightbox)', async () => {
    const h = host();
    const runner = new BulkRunner(h, { newId: () => 'op-3' });
    ipcMock.applyBulk.mockResolvedValue({ total: 1, done: 1, changed: 1, cancelled: false });
    await expect(runner.toggleOne(7, moodboard, true)).resolves.toBe('Added to Moodboard.');
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      'op-3',
      { kind: 'images', ids: [7] },
      { kind: 'addToCollection', collectionId: 4 },
    );
    await expect(runner.toggleOne(7, moodboard, false)).resolves.toBe('Removed from Moodboard.');
    expect(ipcMock.applyBulk).toHaveBeenLastCalledWith(
      'op-3',
      { kind: 'images', ids: [7] },
      { kind: 'removeFromCollection', collectionId: 4 },
    );
    expect(h.refreshCollections).toHaveBeenCalledTimes(2);
  });

  it('makes random ids', () => {
    const a = newOpId();
    expect(a).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(newOpId()).not.toBe(a);
  });
});

describe('CollectionsStore', () => {
  it('loads the list', async () => {
    ipcMock.listCollections.mockResolvedValue([moodboard]);
    const store = new CollectionsStore();
    await store.load();
    expect(store.list).toEqual([moodboard]);
    expect(store.loaded).toBe(true);
    expect(store.get(4)).toEqual(moodboard);
    expect(store.get(5)).toBeNull();
  });

  it('makes, renames and deletes, showing the change at once', async () => {
    const store = new CollectionsStore();
    ipcMock.listCollections.mockImplementation(() => new Promise(() => {}));
    const birds = { ...moodboard, id: 9, name: 'Birds', count: 0 };
    ipcMock.createCollection.mockResolvedValue(birds);
    store.list = [moodboard];
    await expect(store.create('  Birds ')).resolves.toEqual({ value: birds, error: null });
    expect(ipcMock.createCollection).toHaveBeenCalledWith('Birds');
    expect(store.list.map((c) => c.name)).toEqual(['Birds', 'Moodboard']);
    ipcMock.renameCollection.mockResolvedValue({ ...birds, name: 'Zebras' });
    await store.rename(9, 'Zebras');
    expect(ipcMock.renameCollection).toHaveBeenCalledWith(9, 'Zebras');
    expect(store.list.map((c) => c.name)).toEqual(['Moodboard', 'Zebras']);
    ipcMock.deleteCollection.mockResolvedValue(null);
    await expect(store.remove(4)).resolves.toEqual({ value: true, error: null });
    expect(store.list.map((c) => c.name)).toEqual(['Zebras']);
  });

  it("answers with the core's sentence, or its own for an empty or long name", async () => {
    const store = new CollectionsStore();
    ipcMock.createCollection.mockRejectedValue(taken);
    await expect(store.create('moodboard')).resolves.toEqual({ value: null, error: taken.message });
    await expect(store.create('  ')).resolves.toEqual({
      value: null,
      error: 'Give the collection a name.',
    });
    await expect(store.rename(4, 'x'.repeat(81))).resolves.toMatchObject({
      error: 'A collection name can have at most 80 characters.',
    });
    expect(ipcMock.createCollection).toHaveBeenCalledTimes(1);
    expect(ipcMock.renameCollection).not.toHaveBeenCalled();
    ipcMock.deleteCollection.mockRejectedValue({ code: 'not_found', message: 'It is gone.' });
    await expect(store.remove(4)).resolves.toEqual({ value: null, error: 'It is gone.' });
    ipcMock.listCollections.mockRejectedValue({ code: 'library', message: 'No library.' });
    await store.load();
    expect(store.error).toBe('No library.');
  });
});
