/** Tests of the gallery's windowed list (galleryWindow.ts) against a fake library. */
import { describe, expect, it } from 'vitest';
import type { GalleryImage } from './bindings/GalleryImage';
import { GalleryWindow, WINDOW_MAX, type PageRequest } from './galleryWindow';
import { makeImage, makeImages } from './testing/fixtures';

const PAGE = 200;

/**
 * A library answering like the core: pages in order, a keyset cursor (the id of the image the
 * previous page ended with), so a page fetched again through its cursor follows that image
 * wherever it is now.
 */
class FakeLibrary {
  constructor(public list: GalleryImage[]) {}

  page(cursor: string | null, limit: number): { items: GalleryImage[]; nextCursor: string | null } {
    const from =
      cursor === null ? 0 : this.list.findIndex((img) => String(img.item.imageId) === cursor) + 1;
    const items = this.list.slice(from, from + limit);
    const more = from + limit < this.list.length;
    return {
      items,
      nextCursor: more && items.length ? String(items[items.length - 1].item.imageId) : null,
    };
  }
}

/** A window over `lib` after its first page. */
function opened(lib: FakeLibrary): GalleryWindow {
  const w = new GalleryWindow();
  const first = lib.page(null, PAGE);
  w.reset(first.items, first.nextCursor);
  return w;
}

/** Does what the store does for shown positions first..last until nothing is missing. */
function settle(w: GalleryWindow, lib: FakeLibrary, first: number, last: number): number {
  let fetches = 0;
  for (;;) {
    // Near the end of what is known: the next page (the grid's "load more").
    if (last + PAGE >= w.count && w.nextCursor !== null) {
      const cursor = w.nextCursor;
      const next = lib.page(cursor, PAGE);
      w.append(next.items, cursor, next.nextCursor);
      fetches++;
      continue;
    }
    const request: PageRequest | null = w.missing(first, last);
    if (!request) break;
    const got = lib.page(request.cursor, request.limit);
    w.fill(request, got.items, got.nextCursor);
    w.evict(first, last);
    fetches++;
    if (fetches > 1000) throw new Error('the window never settles');
  }
  w.evict(first, last);
  return fetches;
}

const ids = (images: readonly GalleryImage[]) => images.map((img) => img.item.imageId);

describe('GalleryWindow: knowing every position, holding a window', () => {
  it('scrolls through 10,000 images holding at most a window of them, each shown one right', () => {
    const lib = new FakeLibrary(makeImages(1, 10_000));
    const w = opened(lib);
    let most = 0;
    for (let first = 0; first < 10_000; first += 36) {
      const last = Math.min(9_999, first + 35);
      settle(w, lib, first, last);
      most = Math.max(most, w.resident.length);
      for (let i = first; i <= last; i++) expect(w.at(i)?.item.imageId).toBe(i + 1);
    }
    expect(w.count).toBe(10_000);
    expect(w.nextCursor).toBeNull();
    expect(w.ids).toEqual(ids(lib.list));
    // Whole pages: at most one page over the limit.
    expect(most).toBeLessThanOrEqual(WINDOW_MAX + PAGE);
    expect(most).toBeGreaterThan(0);
  });

  it('fetches the pages it let go again through their cursors, scrolling back up', () => {
    const lib = new FakeLibrary(makeImages(1, 4_000));
    const w = opened(lib);
    settle(w, lib, 3_900, 3_999);
    expect(w.at(0)).toBeUndefined();
    for (let first = 3_900; first >= 0; first -= 50) {
      const fetches = settle(w, lib, first, first + 49);
      expect(fetches).toBeLessThanOrEqual(2);
      for (let i = first; i < first + 50; i++) expect(w.at(i)?.item.imageId).toBe(i + 1);
    }
    expect(w.resident.length).toBeLessThanOrEqual(WINDOW_MAX + PAGE);
    expect(w.count).toBe(4_000);
  });

  it('jumps: positions far from the window get their own page, and the window moves there', () => {
    const lib = new FakeLibrary(makeImages(1, 3_000));
    const w = opened(lib);
    settle(w, lib, 2_900, 2_999);
    const request = w.missing(10, 20);
    expect(request).toMatchObject({ start: 0, cursor: null, limit: PAGE });
    settle(w, lib, 10, 20);
    expect(w.offset).toBe(0);
    expect(w.at(15)?.item.imageId).toBe(16);
    expect(w.at(2_950)).toBeUndefined();
    // The positions are all still known.
    expect(w.indexOf(2_951)).toBe(2_950);
  });

  it('leaves out an image the next page repeats', () => {
    const w = new GalleryWindow();
    w.reset(makeImages(1, 200), '200');
    w.append([makeImage(200), ...makeImages(201, 199)], '200', '399');
    expect(w.count).toBe(399);
    expect(new Set(w.ids).size).toBe(399);
  });

  it('starts again from a page that changed since it was fetched (an image went away)', () => {
    const lib = new FakeLibrary(makeImages(1, 2_000));
    const w = opened(lib);
    settle(w, lib, 1_900, 1_999);
    // Image 650 (in the fourth page) is deleted elsewhere; the window no longer holds it.
    lib.list = lib.list.filter((img) => img.item.imageId !== 650);
    settle(w, lib, 600, 700);
    // What followed the changed page is known anew from there.
    expect(w.count).toBeLessThan(1_999);
    expect(w.ids).toEqual(ids(lib.list).slice(0, w.count));
    expect(w.indexOf(650)).toBe(-1);
    for (let i = 600; i <= 700; i++) expect(w.at(i)?.item.imageId).toBe(lib.list[i].item.imageId);
    settle(w, lib, 1_900, 1_998);
    expect(w.ids).toEqual(ids(lib.list));
  });

  it('lets go of whole pages far from what is shown, never the shown ones', () => {
    const lib = new FakeLibrary(makeImages(1, 3_000));
    const w = opened(lib);
    for (let k = 1; k < 15; k++) {
      const cursor = w.nextCursor;
      const next = lib.page(cursor, PAGE);
      w.append(next.items, cursor, next.nextCursor);
    }
    expect(w.resident.length).toBe(3_000);
    w.evict(1_000, 1_100, 600);
    expect(w.resident.length).toBeLessThanOrEqual(800);
    expect(w.offset % PAGE).toBe(0);
    for (let i = 1_000; i <= 1_100; i++) expect(w.at(i)?.item.imageId).toBe(i + 1);
  });

  it('takes an image out: the positions after it move up, in and out of the window', () => {
    const lib = new FakeLibrary(makeImages(1, 3_000));
    const w = opened(lib);
    settle(w, lib, 2_700, 2_750);
    const offset = w.offset;
    const count = w.count;
    expect(offset).toBeGreaterThan(0);
    expect(w.remove(5)).toBe(true);
    expect(w.remove(5)).toBe(false);
    expect(w.count).toBe(count - 1);
    expect(w.offset).toBe(offset - 1);
    expect(w.at(2_700)?.item.imageId).toBe(2_702);
    expect(w.remove(2_702)).toBe(true);
    expect(w.at(2_700)?.item.imageId).toBe(2_703);
    // The pages still fetch what they hold.
    lib.list = lib.list.filter((img) => ![5, 2_702].includes(img.item.imageId));
    settle(w, lib, 0, 50);
    expect(w.ids).toEqual(ids(lib.list).slice(0, w.count));
    expect(w.at(4)?.item.imageId).toBe(6);
  });

  it('swaps in a new copy of an image it holds', () => {
    const w = new GalleryWindow();
    w.reset(makeImages(1, 3), null);
    const starred = makeImage(2, { favorite: true });
    w.replace(starred);
    expect(w.at(1)).toBe(starred);
    w.replace(makeImage(99));
    expect(ids(w.resident)).toEqual([1, 2, 3]);
  });
});

describe('GalleryWindow: a re-queried first page', () => {
  it('newest first: new images in front, the rest moves down by as many', () => {
    const lib = new FakeLibrary(makeImages(100, 600));
    const w = opened(lib);
    settle(w, lib, 0, 30);
    lib.list = [...makeImages(1, 3), ...lib.list];
    const fresh = lib.page(null, PAGE);
    expect(w.mergeFirst(fresh.items, fresh.nextCursor)).toEqual({
      shift: 3,
      added: 3,
      replaced: false,
    });
    expect(ids(w.resident).slice(0, 5)).toEqual([1, 2, 3, 100, 101]);
    expect(w.count).toBe(403);
    settle(w, lib, 560, 602);
    expect(w.ids).toEqual(ids(lib.list));
  });

  it('newest first, scrolled deep: the window stays on its images, its positions move', () => {
    const lib = new FakeLibrary(makeImages(100, 3_000));
    const w = opened(lib);
    settle(w, lib, 2_500, 2_540);
    expect(w.at(0)).toBeUndefined();
    lib.list = [...makeImages(1, 5), ...lib.list];
    const fresh = lib.page(null, PAGE);
    expect(w.mergeFirst(fresh.items, fresh.nextCursor).shift).toBe(5);
    expect(w.at(2_505)?.item.imageId).toBe(2_600);
    settle(w, lib, 0, 40);
    expect(w.at(0)?.item.imageId).toBe(1);
    expect(w.ids).toEqual(ids(lib.list).slice(0, w.count));
  });

  it('by prompt: a new image comes in where the order puts it', () => {
    const lib = new FakeLibrary(makeImages(1, 400));
    const w = opened(lib);
    lib.list = [...lib.list.slice(0, 50), makeImage(1_000), ...lib.list.slice(50)];
    const fresh = lib.page(null, PAGE);
    const merged = w.mergeFirst(fresh.items, fresh.nextCursor);
    expect(merged).toEqual({ shift: 1, added: 1, replaced: false });
    expect(w.at(50)?.item.imageId).toBe(1_000);
    expect(w.at(51)?.item.imageId).toBe(51);
    settle(w, lib, 350, 400);
    expect(w.ids).toEqual(ids(lib.list));
  });

  it('oldest first: nothing moves when the new images are beyond the first page', () => {
    const lib = new FakeLibrary(makeImages(1, 400));
    const w = opened(lib);
    const fresh = lib.page(null, PAGE);
    expect(w.mergeFirst(fresh.items, fresh.nextCursor)).toEqual({
      shift: 0,
      added: 0,
      replaced: false,
    });
    expect(w.count).toBe(200);
  });

  it('replaces everything when the page shares nothing with what is known', () => {
    const w = new GalleryWindow();
    w.reset(makeImages(1, 200), '200');
    expect(w.mergeFirst(makeImages(500, 200), '699')).toEqual({
      shift: 0,
      added: 200,
      replaced: true,
    });
    expect(w.ids[0]).toBe(500);
    expect(w.nextCursor).toBe('699');
  });

  it('drops images the fresh page no longer holds before its last known one', () => {
    const w = new GalleryWindow();
    w.reset(makeImages(1, 10), null);
    w.mergeFirst([makeImage(1), makeImage(3), makeImage(4)], null);
    expect(w.ids).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ids(w.resident)).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
