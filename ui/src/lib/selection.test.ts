/** Tests of the gallery's selection model (selection.svelte.ts), with the IPC mocked. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GalleryImage } from './bindings/GalleryImage';
import type { GalleryQuery } from './bindings/GalleryQuery';
import { makeImages } from './testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => false),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  listCollections: vi.fn(),
}));
vi.mock('./ipc', () => ipcMock);

import { GalleryStore } from './gallery.svelte';
import {
  cellsInRect,
  clickIntent,
  GallerySelection,
  rectFrom,
  type SelectionSource,
} from './selection.svelte';

const QUERY: GalleryQuery = { favoritesOnly: false, order: 'newestFirst', text: 'fox' };

/** A gallery with `loaded` images loaded out of `total` matches. */
function source(loaded: number, total = loaded, totalExact = true) {
  const items: GalleryImage[] = makeImages(1, loaded);
  const src: SelectionSource & { items: GalleryImage[]; total: number; totalExact: boolean } = {
    items,
    total,
    totalExact,
    get count() {
      return items.length;
    },
    idAt: (i) => items[i]?.item.imageId,
    indexOf: (id) => items.findIndex((img) => img.item.imageId === id),
    find: (id) => items.find((img) => img.item.imageId === id),
    currentQuery: () => ({ ...QUERY }),
  };
  return src;
}

beforeEach(() => {
  vi.clearAllMocks();
});

describe('GallerySelection: picked images', () => {
  it('toggles one image and counts', () => {
    const s = new GallerySelection(source(10));
    expect([s.active, s.count]).toEqual([false, 0]);
    s.toggle(3);
    s.toggle(5);
    expect([s.active, s.count, s.anchor]).toEqual([true, 2, 5]);
    expect(s.isSelected(3)).toBe(true);
    expect(s.isSelected(4)).toBe(false);
    s.toggle(3);
    expect([s.count, s.isSelected(3), s.anchor]).toEqual([1, false, 3]);
    expect(s.toSelection()).toEqual({ kind: 'images', ids: [5] });
  });

  it('selects the range from the anchor over the loaded images, either way', () => {
    const s = new GallerySelection(source(20));
    s.toggle(4);
    s.selectRange(8);
    expect([...s.ids].sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8]);
    s.toggle(15);
    s.selectRange(12);
    expect(s.count).toBe(9);
    expect(s.isSelected(13)).toBe(true);
  });

  it('without an anchor, a range is just the image (which becomes the anchor)', () => {
    const s = new GallerySelection(source(5));
    s.selectRange(2);
    expect([...s.ids]).toEqual([2]);
    expect(s.anchor).toBe(2);
    s.selectRange(99); // not loaded: nothing happens
    expect(s.count).toBe(1);
  });

  it('clears', () => {
    const s = new GallerySelection(source(5));
    s.toggle(1);
    s.clear();
    expect([s.active, s.count, s.anchor]).toEqual([false, 0, null]);
  });
});

describe('GallerySelection: all matching', () => {
  it('selects every match, loaded or not, minus the ones taken out', () => {
    const s = new GallerySelection(source(200, 100_000));
    s.selectAll();
    expect([s.active, s.allMatching, s.count]).toEqual([true, true, 100_000]);
    expect(s.isSelected(150)).toBe(true);
    s.toggle(7);
    s.toggle(9);
    expect(s.isSelected(7)).toBe(false);
    expect(s.count).toBe(99_998);
    s.toggle(7);
    expect(s.count).toBe(99_999);
    expect(s.toSelection()).toEqual({ kind: 'allMatching', query: QUERY, except: [9] });
    expect(ipcMock.galleryCount).not.toHaveBeenCalled();
  });

  it('asks for the exact count when the gallery only knows a floor', async () => {
    ipcMock.galleryCount.mockResolvedValue(252_109);
    const s = new GallerySelection(source(200, 10_000, false));
    s.selectAll();
    expect(s.count).toBeNull();
    expect(ipcMock.galleryCount).toHaveBeenCalledWith(QUERY);
    await vi.waitFor(() => expect(s.count).toBe(252_109));
    s.toggle(1);
    expect(s.count).toBe(252_108);
  });

  it('a range takes images back out of the exceptions', () => {
    const s = new GallerySelection(source(10, 1_000));
    s.selectAll();
    for (const id of [2, 3, 4, 6]) s.toggle(id);
    expect(s.count).toBe(996);
    s.toggle(5); // anchor, now out too
    s.selectRange(2);
    expect(s.count).toBe(999); // 2-5 are back in; 6 stays out
    expect(s.toSelection()).toMatchObject({ except: [6] });
  });

  it('is nothing when every match was taken out', () => {
    const s = new GallerySelection(source(2));
    s.selectAll();
    s.toggle(1);
    expect(s.active).toBe(true);
    s.toggle(2);
    expect(s.active).toBe(false);
    expect(s.allMatching).toBe(false);
  });

  it('never walks the matches: the selection sent is a query and its exceptions', () => {
    const s = new GallerySelection(source(200, 5_000_000));
    s.selectAll();
    const sent = s.toSelection();
    expect(sent.kind).toBe('allMatching');
    expect(JSON.stringify(sent).length).toBeLessThan(200);
  });
});

describe('GallerySelection: a rubber band', () => {
  it('replaces the selection, or adds to the one there was (Ctrl)', () => {
    const s = new GallerySelection(source(20));
    s.toggle(20);
    s.selectBand([0, 1, 4], null);
    expect([...s.ids].sort((a, b) => a - b)).toEqual([1, 2, 5]);
    s.clear();
    s.toggle(20);
    const base = s.snapshot();
    s.selectBand([0, 1], base);
    s.selectBand([0], base); // the band shrank: back to the base plus the first
    expect([...s.ids].sort((a, b) => a - b)).toEqual([1, 20]);
  });

  it('with everything selected, a Ctrl band takes images back in', () => {
    const s = new GallerySelection(source(20, 500));
    s.selectAll();
    s.toggle(1);
    s.toggle(2);
    s.selectBand([0], s.snapshot());
    expect([s.allMatching, s.count]).toEqual([true, 499]);
  });
});

describe('GallerySelection: two images to compare', () => {
  it('finds the two selected images among the loaded ones', () => {
    const src = source(10);
    const s = new GallerySelection(src);
    s.toggle(3);
    expect(s.pair()).toBeNull();
    s.toggle(7);
    expect(s.pair()?.map((img) => img.item.imageId)).toEqual([3, 7]);
    s.toggle(8);
    expect(s.pair()).toBeNull();
  });

  it('works with "all but" when everything is loaded', () => {
    const s = new GallerySelection(source(3));
    s.selectAll();
    s.toggle(2);
    expect(s.pair()?.map((img) => img.item.imageId)).toEqual([1, 3]);
    const far = new GallerySelection(source(3, 4));
    far.selectAll();
    far.toggle(1);
    far.toggle(2);
    expect(far.pair()).toBeNull(); // one of the two is not loaded
  });
});

describe('what a click means', () => {
  const click = (over: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }>) => ({
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    detail: 1,
    ...over,
  });

  it('opens, toggles or selects a range', () => {
    expect(clickIntent(click({}), false)).toBe('open');
    expect(clickIntent(click({}), true)).toBe('toggle');
    expect(clickIntent(click({ ctrlKey: true }), false)).toBe('toggle');
    expect(clickIntent(click({ metaKey: true }), false)).toBe('toggle');
    expect(clickIntent(click({ shiftKey: true }), false)).toBe('range');
    expect(clickIntent(click({ shiftKey: true, ctrlKey: true }), true)).toBe('range');
  });

  it('opens with Enter or Space (a click without a pointer) even while selecting', () => {
    expect(clickIntent({ ...click({}), detail: 0 }, true)).toBe('open');
  });
});

describe('cells a rubber band touches', () => {
  // Four columns of 238 px cells, 8 px apart (a 976 px wide grid at the default size).
  const grid = { columns: 4, cellSize: 238, rowHeight: 246, count: 10 };

  it('finds the cells under the band from the geometry alone', () => {
    expect(cellsInRect(rectFrom({ x: 100, y: 100 }, { x: 300, y: 300 }), grid)).toEqual([
      0, 1, 4, 5,
    ]);
    // Dragged the other way round: the same.
    expect(cellsInRect(rectFrom({ x: 300, y: 300 }, { x: 100, y: 100 }), grid)).toEqual([
      0, 1, 4, 5,
    ]);
  });

  it('leaves out cells the band only passes in a gap', () => {
    // x 239..245 is the gap between columns 0 and 1.
    expect(cellsInRect({ left: 240, top: 0, right: 244, bottom: 500 }, grid)).toEqual([]);
    expect(cellsInRect({ left: 240, top: 0, right: 246, bottom: 10 }, grid)).toEqual([1]);
  });

  it('stops at the last image and starts from outside the grid', () => {
    expect(cellsInRect({ left: -30, top: -30, right: 2000, bottom: 2000 }, grid)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(cellsInRect({ left: 0, top: 600, right: 2000, bottom: 700 }, grid)).toEqual([8, 9]);
    expect(cellsInRect({ left: -30, top: -30, right: -10, bottom: -10 }, grid)).toEqual([]);
    expect(cellsInRect({ left: 0, top: 0, right: 10, bottom: 10 }, { ...grid, count: 0 })).toEqual(
      [],
    );
  });

  it('covers rows far outside the rendered window', () => {
    const big = { columns: 4, cellSize: 238, rowHeight: 246, count: 100_000 };
    const hits = cellsInRect({ left: 0, top: 246 * 1000, right: 10, bottom: 246 * 1002 }, big);
    expect(hits).toEqual([4000, 4004, 4008]);
  });
});

describe('the selection in the gallery', () => {
  function page(total: number) {
    ipcMock.gallerySearch.mockImplementation(async (q: GalleryQuery) => ({
      items: makeImages(1, Math.min(total, q.limit ?? 200)),
      nextCursor: null,
      total,
      totalExact: true,
    }));
  }

  it('clears when the search, a filter or the collection changes', async () => {
    page(50);
    ipcMock.listCollections.mockResolvedValue([
      { id: 4, name: 'Moodboard', count: 2, createdAt: '2026-03-01T10:00:00Z' },
    ]);
    const store = new GalleryStore();
    await store.refresh();
    store.selection.toggle(1);
    store.setText('fox');
    expect(store.selection.active).toBe(false);
    store.selection.selectAll();
    store.setFilters({ favoritesOnly: true });
    expect(store.selection.active).toBe(false);
    store.selection.toggle(2);
    store.setCollection(4);
    expect(store.selection.active).toBe(false);
    await vi.waitFor(() =>
      expect(ipcMock.gallerySearch.mock.calls.at(-1)?.[0]).toMatchObject({ collection: 4 }),
    );
    store.stop();
  });

  it('sends the query of the moment with "all matching", without cursor or page size', async () => {
    page(50);
    const store = new GalleryStore();
    store.filters.text = 'red fox';
    store.filters.collection = 9;
    await store.refresh();
    store.selection.selectAll();
    const sent = store.selection.toSelection();
    expect(sent).toEqual({
      kind: 'allMatching',
      query: { favoritesOnly: false, order: 'newestFirst', text: 'red fox', collection: 9 },
      except: [],
    });
  });
});

describe('the gallery after a bulk action', () => {
  it('runs its query again for as many images as were loaded, keeping the scroll', async () => {
    ipcMock.gallerySearch.mockImplementation(async (q: GalleryQuery) => ({
      items: makeImages(q.cursor ? 201 : 1, q.limit ?? 200),
      nextCursor: q.cursor ? '600' : '200',
      total: q.cursor ? null : 5_000,
      totalExact: true,
    }));
    const store = new GalleryStore();
    const reset = vi.fn();
    await store.refresh();
    await store.loadMore();
    expect(store.count).toBe(400);
    store.onreset = reset;
    await store.reload();
    expect(ipcMock.gallerySearch.mock.calls.at(-1)?.[0]).toMatchObject({ limit: 400 });
    expect(ipcMock.gallerySearch.mock.calls.at(-1)?.[0].cursor).toBeUndefined();
    expect(store.count).toBe(400);
    expect(reset).not.toHaveBeenCalled();
  });
});
