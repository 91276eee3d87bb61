/**
 * The gallery's list of images without holding every image: a person may scroll through
 * 400,000 of them, and each full image (prompt, paths, addresses) is about 1 KiB of JavaScript
 * heap that WebKit does not give back once it has grown. What it holds instead:
 *   - every known position's image id (the `ids` column: a number each), so the count, the
 *     position of an image, selection ranges and rubber bands work over all of it;
 *   - where each page starts and the cursor that fetches it again;
 *   - the full images of one contiguous window of whole pages around what is shown.
 * Pages scrolled far away are let go and fetched again through their cursor when the person
 * comes back. Pure (no Svelte, no IPC): the store (gallery.svelte.ts) runs the fetches this
 * asks for and mirrors the result into its state.
 */
import type { GalleryImage } from './bindings/GalleryImage';

/** A page of the list: its first position and the cursor that fetches it (null: the first). */
export interface WindowPage {
  start: number;
  cursor: string | null;
}

/** A fetch the window needs: one whole page again, with the cursor and size it had. */
export interface PageRequest {
  /** The page's index in `pages` when it was asked for (checked again on arrival). */
  page: number;
  start: number;
  cursor: string | null;
  limit: number;
}

/** How many images the window holds at most (whole pages: a page can make it a little more). */
export const WINDOW_MAX = 1200;

/** How far around the shown range the window fetches ahead, in images. */
export const WINDOW_MARGIN = 200;

const idOf = (img: GalleryImage) => img.item.imageId;

/** The image at `index` of a window holding positions `offset` .. (`resident`), if any. */
export function heldAt(
  resident: readonly GalleryImage[],
  offset: number,
  index: number,
): GalleryImage | undefined {
  const i = index - offset;
  return i >= 0 && i < resident.length ? resident[i] : undefined;
}

export class GalleryWindow {
  /** The image id at every known position, in order. */
  ids: number[] = [];
  /** The pages, by start (the first starts at 0 with a null cursor). */
  pages: WindowPage[] = [];
  /** The cursor of the page after the last known position (null: nothing more). */
  nextCursor: string | null = null;
  /** The position of `resident[0]`. */
  offset = 0;
  /** The full images of positions `offset` .. `offset + resident.length - 1`. */
  resident: GalleryImage[] = [];

  /** How many positions are known (scrolled past, or loaded ahead). */
  get count(): number {
    return this.ids.length;
  }

  /** The image at `index`, when it is in the window. */
  at(index: number): GalleryImage | undefined {
    return heldAt(this.resident, this.offset, index);
  }

  /** The position of an image, or -1 when it is not among the known ones. */
  indexOf(imageId: number): number {
    return this.ids.indexOf(imageId);
  }

  /** A query's first page (or a reload's): everything known before is forgotten. */
  reset(items: readonly GalleryImage[], nextCursor: string | null): void {
    const unique = withoutRepeats(items, new Set());
    this.ids = unique.map(idOf);
    this.pages = unique.length ? [{ start: 0, cursor: null }] : [];
    this.nextCursor = nextCursor;
    this.offset = 0;
    this.resident = unique;
  }

  /**
   * The page after the known positions (fetched with `cursor`) came: it is known from now on,
   * and in the window when the window reaches the end. Images already in the last pages
   * (an image that moved between two fetches) are left out.
   */
  append(items: readonly GalleryImage[], cursor: string | null, nextCursor: string | null): void {
    const tailFrom = this.pages.length > 1 ? this.pages[this.pages.length - 2].start : 0;
    const page = withoutRepeats(items, new Set(this.ids.slice(tailFrom)));
    const start = this.count;
    if (page.length) {
      if (this.pages.length === 0) this.pages.push({ start: 0, cursor: null });
      else this.pages.push({ start, cursor });
      for (const img of page) this.ids.push(idOf(img));
    }
    this.nextCursor = nextCursor;
    if (this.resident.length === 0) {
      this.offset = start;
      this.resident = page;
    } else if (this.offset + this.resident.length === start) {
      this.resident = this.resident.concat(page);
    }
  }

  /** The page `k`: where it starts and how many images it has. */
  pageSpan(k: number): { start: number; end: number } {
    const start = this.pages[k].start;
    const end = k + 1 < this.pages.length ? this.pages[k + 1].start : this.count;
    return { start, end };
  }

  /** The index of the page holding `position`. */
  pageOf(position: number): number {
    let lo = 0;
    let hi = this.pages.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.pages[mid].start <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The next page to fetch so that positions `first`..`last` (and a margin around them) are in
   * the window, or null when they are. A page next to the window extends it; any other
   * replaces it (a jump).
   */
  missing(first: number, last: number, margin = WINDOW_MARGIN): PageRequest | null {
    if (this.count === 0 || this.pages.length === 0) return null;
    const shownLo = Math.max(0, Math.min(first, this.count - 1));
    const shownHi = Math.min(this.count - 1, Math.max(last, first));
    const lo = Math.max(0, shownLo - margin);
    const hi = Math.min(this.count - 1, shownHi + margin);
    const end = this.offset + this.resident.length;
    let position: number;
    if (this.resident.length === 0 || shownHi < this.offset || shownLo >= end) {
      // What is shown is outside the window: start again where it is.
      position = shownLo;
    } else if (lo < this.offset) position = this.offset - 1;
    else if (hi >= end) position = end;
    else return null;
    const page = this.pageOf(position);
    const { start, end: pageEnd } = this.pageSpan(page);
    return { page, start, cursor: this.pages[page].cursor, limit: pageEnd - start };
  }

  /**
   * A page asked for with `missing` came. When it holds the images the known positions say,
   * it goes into the window. When it does not (the library changed since), what follows that
   * page is forgotten and the page is known anew from there; `nextCursor` is what the core
   * gave with it. Returns whether the list changed from that page on.
   */
  fill(request: PageRequest, items: readonly GalleryImage[], nextCursor: string | null): boolean {
    const page = this.pages[request.page];
    const span = page ? this.pageSpan(request.page) : null;
    const same =
      span !== null &&
      span.start === request.start &&
      page.cursor === request.cursor &&
      items.length === span.end - span.start &&
      items.every((img, i) => idOf(img) === this.ids[span.start + i]);
    if (!same) {
      this.#forgetFrom(request.page, request.start);
      this.append(items, request.cursor, nextCursor);
      return true;
    }
    const start = span.start;
    const pageEnd = span.end;
    const end = this.offset + this.resident.length;
    if (this.resident.length > 0 && pageEnd === this.offset) {
      this.resident = items.concat(this.resident);
      this.offset = start;
    } else if (this.resident.length > 0 && start === end) {
      this.resident = this.resident.concat(items);
    } else if (this.resident.length > 0 && start >= this.offset && pageEnd <= end) {
      // Already there (asked twice): take the fresher copies.
      const copy = this.resident.slice();
      for (let i = 0; i < items.length; i++) copy[start - this.offset + i] = items[i];
      this.resident = copy;
    } else {
      this.resident = items.slice();
      this.offset = start;
    }
    return false;
  }

  /** Forgets page `k` and everything after it (its start is `start`). */
  #forgetFrom(k: number, start: number): void {
    const from = Math.min(start, this.count);
    this.ids.length = from;
    this.pages.length = Math.min(k, this.pages.length);
    const end = this.offset + this.resident.length;
    if (this.offset >= from) {
      this.resident = [];
      this.offset = from;
    } else if (end > from) {
      this.resident = this.resident.slice(0, from - this.offset);
    }
  }

  /**
   * Lets go of whole pages at the ends of the window, the farther end first, until it holds at
   * most `max` images; the pages holding `first`..`last` stay.
   */
  evict(first: number, last: number, max = WINDOW_MAX): void {
    while (this.resident.length > max) {
      const end = this.offset + this.resident.length;
      const above = first - this.offset;
      const below = end - 1 - last;
      if (below >= above) {
        // The window's last page starts at or after `offset`: cut it off unless it is shown.
        const k = this.pageOf(end - 1);
        const cut = Math.max(this.pages[k].start, this.offset);
        if (cut <= last || cut <= this.offset) break;
        this.resident = this.resident.slice(0, cut - this.offset);
      } else {
        const k = this.pageOf(this.offset);
        const next = k + 1 < this.pages.length ? this.pages[k + 1].start : end;
        if (next > first || next >= end) break;
        this.resident = this.resident.slice(next - this.offset);
        this.offset = next;
      }
    }
  }

  /** An image's new copy (a star), where the window holds it. */
  replace(image: GalleryImage): void {
    const i = this.resident.findIndex((img) => idOf(img) === idOf(image));
    if (i < 0) return;
    const copy = this.resident.slice();
    copy[i] = image;
    this.resident = copy;
  }

  /** Takes an image out of the list; the positions after it move up by one. */
  remove(imageId: number): boolean {
    const at = this.indexOf(imageId);
    if (at < 0) return false;
    this.ids.splice(at, 1);
    for (const page of this.pages) if (page.start > at) page.start--;
    // A page left empty starts where the next one does: it goes (the next page's cursor
    // fetches what follows all the same).
    this.pages = this.pages.filter(
      (page, k) => k + 1 >= this.pages.length || page.start !== this.pages[k + 1].start,
    );
    if (this.pages.length && this.pages[this.pages.length - 1].start >= this.count)
      this.pages.pop();
    const i = at - this.offset;
    if (i >= 0 && i < this.resident.length) {
      this.resident = this.resident.filter((_, j) => j !== i);
    } else if (at < this.offset) {
      this.offset--;
    }
    return true;
  }

  /**
   * A re-queried first page, which is right about the first positions: it takes the place of
   * the known positions up to the last of its images that was known (new images come in
   * where the order puts them, removed ones go), and everything after moves by the
   * difference. Returns how many positions the rest moved down (`shift`), how many of the
   * page's images are new, and `replaced` when the page shares nothing with what is known
   * (then it is all that is known, as after a new query).
   */
  mergeFirst(
    fresh: readonly GalleryImage[],
    nextCursor: string | null,
  ): { shift: number; added: number; replaced: boolean } {
    const freshUnique = withoutRepeats(fresh, new Set());
    let last = -1;
    let added = 0;
    for (const img of freshUnique) {
      const at = this.indexOf(idOf(img));
      if (at < 0) added++;
      else last = Math.max(last, at);
    }
    if (last < 0) {
      this.reset(freshUnique, nextCursor);
      return { shift: 0, added: freshUnique.length, replaced: true };
    }
    // Every known image after `last` is after the fresh page too (`last` is the furthest one
    // the page holds): those move by `shift`.
    const shift = freshUnique.length - (last + 1);
    const end = this.offset + this.resident.length;
    this.ids = freshUnique.map(idOf).concat(this.ids.slice(last + 1));
    // Pages inside the replaced part merge into the first; later ones move.
    const later = this.pages
      .filter((page) => page.start > last)
      .map((page) => ({ cursor: page.cursor, start: page.start + shift }));
    // Each moves to at least the fresh page's length: after the first, in order.
    this.pages = [{ start: 0, cursor: null }, ...later];
    if (this.resident.length === 0) {
      this.offset = 0;
      this.resident = freshUnique;
    } else if (this.offset <= last) {
      // The window reached into the replaced part: it now starts with the fresh page.
      this.resident =
        end > last + 1
          ? freshUnique.concat(this.resident.slice(last + 1 - this.offset))
          : freshUnique.slice();
      this.offset = 0;
    } else {
      this.offset += shift;
    }
    return { shift, added, replaced: false };
  }
}

/** The images of a page without the ones in `seen` or repeated in the page itself. */
function withoutRepeats(items: readonly GalleryImage[], seen: Set<number>): GalleryImage[] {
  const out: GalleryImage[] = [];
  for (const img of items) {
    const id = idOf(img);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(img);
  }
  return out;
}
