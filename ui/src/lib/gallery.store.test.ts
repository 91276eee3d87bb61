/** Tests of the gallery store's calls to the core (gallery.svelte.ts), with the IPC mocked. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImageDetail } from './bindings/ImageDetail';
import { makeImage, makeImages, makeView } from './testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => false),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  onGalleryChanged: vi.fn(),
  imageDetail: vi.fn(),
  copyText: vi.fn(),
  copyImage: vi.fn(),
  saveImageAs: vi.fn(),
  showInFolder: vi.fn(),
  runAction: vi.fn(),
}));
vi.mock('./ipc', () => ipcMock);

import { GalleryStore } from './gallery.svelte';

const failure = { code: 'io', message: 'The disk is full.' };

beforeEach(() => {
  vi.clearAllMocks();
});

describe('GalleryStore: the count', () => {
  it("takes the total from a query's first page and keeps it for later pages", async () => {
    const store = new GalleryStore();
    ipcMock.gallerySearch
      .mockResolvedValueOnce({
        items: makeImages(1, 200),
        nextCursor: '200',
        total: 100_000,
        totalExact: true,
      })
      // The core does not count a later page of the same query (no total).
      .mockResolvedValueOnce({
        items: makeImages(201, 200),
        nextCursor: '400',
        total: null,
        totalExact: true,
      });
    await store.refresh();
    expect(store.total).toBe(100_000);
    await store.loadMore();
    expect(store.count).toBe(400);
    expect(store.total).toBe(100_000);
    expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(2);
    expect(ipcMock.gallerySearch.mock.calls[0][0].cursor ?? null).toBeNull();
    expect(ipcMock.gallerySearch.mock.calls[1][0].cursor).toBe('200');
  });

  it('asks for a new count when the query changes', async () => {
    const store = new GalleryStore();
    ipcMock.gallerySearch
      .mockResolvedValueOnce({
        items: makeImages(1, 200),
        nextCursor: '200',
        total: 100_000,
        totalExact: true,
      })
      .mockResolvedValueOnce({
        items: makeImages(1, 3),
        nextCursor: null,
        total: 3,
        totalExact: true,
      });
    await store.refresh();
    store.filters.text = 'fox';
    await store.refresh();
    expect(store.total).toBe(3);
    expect(ipcMock.gallerySearch.mock.calls[1][0]).toMatchObject({ text: 'fox' });
    expect(ipcMock.gallerySearch.mock.calls[1][0].cursor ?? null).toBeNull();
  });
});

describe('GalleryStore: the sort order', () => {
  /** A Storage over a Map (the node test environment has none). */
  function memoryStorage(): Storage {
    const m = new Map<string, string>();
    return {
      get length() {
        return m.size;
      },
      clear: () => m.clear(),
      getItem: (k) => m.get(k) ?? null,
      key: (i) => [...m.keys()][i] ?? null,
      removeItem: (k) => void m.delete(k),
      setItem: (k, v) => void m.set(k, v),
    };
  }

  it('starts a new search from the first page in the chosen order, and remembers it', async () => {
    vi.stubGlobal('localStorage', memoryStorage());
    try {
      const store = new GalleryStore();
      expect(store.filters.order).toBe('newestFirst');
      ipcMock.gallerySearch
        .mockResolvedValueOnce({
          items: makeImages(1, 200),
          nextCursor: '200',
          total: 500,
          totalExact: true,
        })
        .mockResolvedValueOnce({
          items: makeImages(300, 200),
          nextCursor: '200',
          total: 500,
          totalExact: true,
        })
        .mockResolvedValueOnce({
          items: makeImages(100, 200),
          nextCursor: '400',
          total: null,
          totalExact: true,
        });
      await store.refresh();
      expect(ipcMock.gallerySearch.mock.calls[0][0]).toMatchObject({ order: 'newestFirst' });
      store.setFilters({ order: 'oldestFirst' });
      await vi.waitFor(() => expect(store.at(0)?.item.imageId).toBe(300));
      const first = ipcMock.gallerySearch.mock.calls[1][0];
      expect(first).toMatchObject({ order: 'oldestFirst' });
      expect(first.cursor ?? null).toBeNull();
      // Later pages keep the order.
      await store.loadMore();
      expect(ipcMock.gallerySearch.mock.calls[2][0]).toMatchObject({
        order: 'oldestFirst',
        cursor: '200',
      });
      // The next start (a restart) takes it back.
      expect(new GalleryStore().filters.order).toBe('oldestFirst');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('GalleryStore: a capped count', () => {
  it('shows the floor at once, then asks for the exact count', async () => {
    const store = new GalleryStore();
    let answer: (n: number) => void = () => {};
    ipcMock.galleryCount.mockImplementation(() => new Promise<number>((r) => (answer = r)));
    ipcMock.gallerySearch.mockResolvedValueOnce({
      items: makeImages(1, 200),
      nextCursor: '200',
      total: 10_000,
      totalExact: false,
    });
    store.filters.text = 'c';
    await store.refresh();
    expect([store.total, store.totalExact]).toEqual([10_000, false]);
    expect(ipcMock.galleryCount).toHaveBeenCalledTimes(1);
    expect(ipcMock.galleryCount.mock.calls[0][0]).toMatchObject({ text: 'c' });
    answer(252_109);
    await vi.waitFor(() => expect(store.totalExact).toBe(true));
    expect(store.total).toBe(252_109);
  });

  it('drops an exact count that arrives after the query changed', async () => {
    const store = new GalleryStore();
    let answer: (n: number) => void = () => {};
    ipcMock.galleryCount.mockImplementation(() => new Promise<number>((r) => (answer = r)));
    ipcMock.gallerySearch
      .mockResolvedValueOnce({
        items: makeImages(1, 200),
        nextCursor: '200',
        total: 10_000,
        totalExact: false,
      })
      .mockResolvedValueOnce({
        items: makeImages(1, 3),
        nextCursor: null,
        total: 3,
        totalExact: true,
      });
    store.filters.text = 'c';
    await store.refresh();
    store.filters.text = 'castle';
    await store.refresh();
    answer(252_109);
    await Promise.resolve();
    expect([store.total, store.totalExact]).toEqual([3, true]);
    expect(ipcMock.galleryCount).toHaveBeenCalledTimes(1);
  });
});

describe('GalleryStore: the lightbox calls', () => {
  it('fetches the detail of an image', async () => {
    const image = makeImage(7);
    const detail: ImageDetail = {
      image,
      task: makeView({ id: image.item.taskId, status: 'succeeded' }),
      parent: null,
      children: [],
      siblings: [image],
      collections: [],
    };
    ipcMock.imageDetail.mockResolvedValue(detail);
    await expect(new GalleryStore().detail(7)).resolves.toBe(detail);
    expect(ipcMock.imageDetail).toHaveBeenCalledWith(7);
  });

  it('copies a prompt and an image', async () => {
    const store = new GalleryStore();
    ipcMock.copyText.mockResolvedValue(undefined);
    ipcMock.copyImage.mockResolvedValue(undefined);
    await store.copyText('a red fox --ar 16:9');
    await store.copyImage(3);
    expect(ipcMock.copyText).toHaveBeenCalledWith('a red fox --ar 16:9');
    expect(ipcMock.copyImage).toHaveBeenCalledWith(3);
  });

  it('saves a copy where the person chose, or nothing when they cancelled', async () => {
    const store = new GalleryStore();
    ipcMock.saveImageAs.mockResolvedValueOnce('/home/me/fox.png').mockResolvedValueOnce(null);
    await expect(store.saveAs(4)).resolves.toBe('/home/me/fox.png');
    await expect(store.saveAs(4)).resolves.toBeNull();
    expect(ipcMock.saveImageAs).toHaveBeenCalledWith(4);
  });

  it('shows an image in its folder', async () => {
    ipcMock.showInFolder.mockResolvedValue(undefined);
    await new GalleryStore().showInFolder(5);
    expect(ipcMock.showInFolder).toHaveBeenCalledWith(5);
  });

  it('presses a button of the task and hands back the new task', async () => {
    const made = {
      type: 'sent',
      task: makeView({ id: 'child', parentId: 'parent', status: 'queued' }),
    };
    ipcMock.runAction.mockResolvedValue(made);
    await expect(new GalleryStore().runAction('parent', 'U2', null)).resolves.toBe(made);
    expect(ipcMock.runAction).toHaveBeenCalledWith('parent', 'U2', { prompt: null });
    await new GalleryStore().runAction('parent', 'zoom-custom', { prompt: 'a wider view' });
    expect(ipcMock.runAction).toHaveBeenLastCalledWith('parent', 'zoom-custom', {
      prompt: 'a wider view',
    });
  });

  it("passes the core's errors on, for the lightbox to show", async () => {
    const store = new GalleryStore();
    for (const call of [
      ipcMock.imageDetail,
      ipcMock.copyText,
      ipcMock.copyImage,
      ipcMock.saveImageAs,
      ipcMock.showInFolder,
      ipcMock.runAction,
    ]) {
      call.mockRejectedValue(failure);
    }
    await expect(store.detail(1)).rejects.toBe(failure);
    await expect(store.copyText('x')).rejects.toBe(failure);
    await expect(store.copyImage(1)).rejects.toBe(failure);
    await expect(store.saveAs(1)).rejects.toBe(failure);
    await expect(store.showInFolder(1)).rejects.toBe(failure);
    await expect(store.runAction('t', 'U1', null)).rejects.toBe(failure);
  });
});

describe('GalleryStore: a window of the list', () => {
  /** The core over a list of `n` images: pages through a keyset cursor (the last id). */
  function serve(n: number) {
    const list = makeImages(1, n);
    ipcMock.gallerySearch.mockImplementation(async (q: { cursor?: string; limit?: number }) => {
      const from = q.cursor
        ? list.findIndex((img) => String(img.item.imageId) === q.cursor) + 1
        : 0;
      const limit = q.limit ?? 200;
      const items = list.slice(from, from + limit);
      const more = from + limit < list.length;
      return {
        items,
        nextCursor: more ? String(items[items.length - 1].item.imageId) : null,
        total: q.cursor ? null : n,
        totalExact: true,
      };
    });
    return list;
  }

  /** Shows `first`..`last` as the grid does, loading more near the end, until all is there. */
  async function showSettled(store: GalleryStore, first: number, last: number) {
    while (last + 200 >= store.count && store.hasMore) await store.loadMore();
    store.show(first, last);
    await vi.waitFor(() => {
      for (let i = first; i <= last; i++) expect(store.at(i)?.item.imageId).toBe(i + 1);
    });
  }

  it('holds a window of whole pages however far the person scrolls, and knows every position', async () => {
    serve(6_000);
    const store = new GalleryStore();
    await store.refresh();
    let most = 0;
    for (let first = 0; first < 6_000; first += 400) {
      await showSettled(store, first, Math.min(5_999, first + 40));
      most = Math.max(most, store.resident.length);
    }
    expect(store.count).toBe(6_000);
    expect(most).toBeLessThanOrEqual(1_400);
    expect(store.at(0)).toBeUndefined();
    expect(store.indexOf(3)).toBe(2);
    expect(store.idAt(5_999)).toBe(6_000);
  });

  it('fetches a page it let go again through its cursor when the person comes back', async () => {
    serve(3_000);
    const store = new GalleryStore();
    await store.refresh();
    await showSettled(store, 2_900, 2_999);
    const calls = ipcMock.gallerySearch.mock.calls.length;
    await showSettled(store, 0, 40);
    const again = ipcMock.gallerySearch.mock.calls.slice(calls).map((c) => c[0]);
    expect(again[0]).toMatchObject({ limit: 200 });
    expect(again[0].cursor ?? null).toBeNull();
    // The lightbox stepping to an image the window let go of gets it.
    await expect(store.imageAt(2_500)).resolves.toMatchObject({ item: { imageId: 2_501 } });
  });
});
