/**
 * The gallery's selection (the workbench): either a set of picked image ids, or "every image
 * the current query matches, except these ids" (Ctrl/Cmd+A: the images need not be loaded).
 * What a click means, and which cells a rubber band covers (from the grid's geometry, as the
 * grid is virtualized), are pure functions here too. The bulk actions take `toSelection()`.
 *
 * Nothing here walks every match: "all matching" is a query plus a short list of exceptions,
 * and its count is the query's count minus the exceptions.
 */
import type { GalleryImage } from './bindings/GalleryImage';
import type { GalleryQuery } from './bindings/GalleryQuery';
import type { Selection } from './bindings/Selection';
import * as ipc from './ipc';
import { toggled, withIds } from './workbench';

/** What the selection reads from the gallery (the GalleryStore). */
export interface SelectionSource {
  /** How many positions are known (loaded, whether or not they are held in full now). */
  readonly count: number;
  /** The image id at a known position. */
  idAt(index: number): number | undefined;
  /** The position of an image among the known ones, or -1. */
  indexOf(imageId: number): number;
  /** An image by id, when it is held in full. */
  find(imageId: number): GalleryImage | undefined;
  /** How many images match the query (a floor while `totalExact` is false). */
  readonly total: number;
  readonly totalExact: boolean;
  /** The current query, without cursor or page size. */
  currentQuery(): GalleryQuery;
}

/** What a click on a cell does. */
export type ClickIntent = 'open' | 'toggle' | 'range';

/**
 * What a click on a cell means: Ctrl/Cmd+click toggles it, Shift+click selects the range from
 * the anchor, a plain click opens the image when nothing is selected and toggles it when a
 * selection exists. A click made with the keyboard (Enter or Space) always opens.
 */
export function clickIntent(
  e: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; detail?: number },
  hasSelection: boolean,
): ClickIntent {
  if (e.shiftKey) return 'range';
  if (e.ctrlKey || e.metaKey) return 'toggle';
  if (hasSelection && (e.detail ?? 1) > 0) return 'toggle';
  return 'open';
}

/** A rectangle in the grid's own coordinates (0,0: the top-left of the first cell). */
export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The grid's geometry, as GalleryView lays it out (`left = column * rowHeight`). */
export interface GridGeometry {
  columns: number;
  /** The side of a cell, in px. */
  cellSize: number;
  /** Cell plus gap (the same across and down). */
  rowHeight: number;
  /** How many cells there are (the loaded images). */
  count: number;
}

/** The rectangle between two points, whichever way the drag went. */
export function rectFrom(a: { x: number; y: number }, b: { x: number; y: number }): Rect {
  return {
    left: Math.min(a.x, b.x),
    top: Math.min(a.y, b.y),
    right: Math.max(a.x, b.x),
    bottom: Math.max(a.y, b.y),
  };
}

/** The tracks (rows or columns) whose cell span [i*pitch, i*pitch+size] meets [from, to]. */
function tracks(from: number, to: number, size: number, pitch: number, max: number): number[] {
  if (max <= 0 || pitch <= 0 || to < 0) return [];
  const first = Math.max(0, Math.floor(from / pitch));
  const last = Math.min(max - 1, Math.floor(to / pitch));
  const out: number[] = [];
  for (let i = first; i <= last; i++) {
    // Inside the gap after track i: it does not touch the cell.
    if (i * pitch + size < from || i * pitch > to) continue;
    out.push(i);
  }
  return out;
}

/**
 * The indexes of the cells a rubber band touches, in order. Only the geometry is read (the
 * cells outside the rendered window count too).
 */
export function cellsInRect(rect: Rect, grid: GridGeometry): number[] {
  const { columns, cellSize, rowHeight, count } = grid;
  if (count <= 0 || columns <= 0 || rect.right < rect.left || rect.bottom < rect.top) return [];
  const rows = Math.ceil(count / columns);
  const cols = tracks(rect.left, rect.right, cellSize, rowHeight, columns);
  if (cols.length === 0) return [];
  const out: number[] = [];
  for (const row of tracks(rect.top, rect.bottom, cellSize, rowHeight, rows)) {
    for (const col of cols) {
      const index = row * columns + col;
      if (index < count) out.push(index);
    }
  }
  return out;
}

const NONE: ReadonlySet<number> = new Set();

/** How many picked images the selection keeps at hand for Compare. */
const PICKED_MAX = 4;

/** The ids of the known positions `from` .. `to - 1`. */
function idsBetween(source: SelectionSource, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    const id = source.idAt(i);
    if (id !== undefined) out.push(id);
  }
  return out;
}

/** The selection of one gallery. */
export class GallerySelection {
  /** True: every match of the query except `ids`; false: just `ids`. */
  allMatching = $state(false);
  /** The picked ids, or (all matching) the ids left out. Replaced as a whole on each change. */
  ids = $state.raw<ReadonlySet<number>>(NONE);
  /** The last image clicked or toggled (where a Shift range starts). */
  anchor = $state<number | null>(null);
  /** The exact count of the query, asked for when the gallery's own count is a floor. */
  #counted = $state<number | null>(null);
  #source: SelectionSource;
  #countRequest = 0;
  /**
   * The last images picked while they were held in full (Compare shows them later). Not
   * state: `pair` reads it when the ids change, which are.
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #picked = new Map<number, GalleryImage>();

  constructor(source: SelectionSource) {
    this.#source = source;
  }

  /** How many images match the query, when known exactly. */
  get matching(): number | null {
    return this.#source.totalExact ? this.#source.total : this.#counted;
  }

  /** How many images are selected; null while the count of "all matching" is not known yet. */
  get count(): number | null {
    if (!this.allMatching) return this.ids.size;
    const matching = this.matching;
    return matching === null ? null : Math.max(0, matching - this.ids.size);
  }

  /** Something is selected. */
  get active(): boolean {
    return this.allMatching || this.ids.size > 0;
  }

  isSelected(imageId: number): boolean {
    return this.allMatching ? !this.ids.has(imageId) : this.ids.has(imageId);
  }

  /** Nothing selected any more. */
  clear(): void {
    this.allMatching = false;
    this.ids = NONE;
    this.anchor = null;
    this.#counted = null;
    this.#countRequest++;
  }

  /** Selects or unselects one image; it becomes the anchor. */
  toggle(imageId: number): void {
    this.ids = toggled(this.ids, imageId);
    this.anchor = imageId;
    this.#remember([imageId]);
    this.#settle();
  }

  /** Selects the loaded images from the anchor to `imageId` (just that one without an anchor). */
  selectRange(imageId: number): void {
    const source = this.#source;
    const to = source.indexOf(imageId);
    const from = this.anchor === null ? -1 : source.indexOf(this.anchor);
    if (to < 0) return;
    if (from < 0) {
      this.#include([imageId]);
      this.anchor = imageId;
      return;
    }
    const [a, b] = from <= to ? [from, to] : [to, from];
    this.#include(idsBetween(source, a, b + 1));
  }

  /**
   * The selection a rubber band makes: the images at `indexes` (of the loaded items), added to
   * `base` (the selection when the drag started with Ctrl held) or alone.
   */
  selectBand(indexes: readonly number[], base: BandBase | null): void {
    const source = this.#source;
    const ids = indexes.flatMap((i) => {
      const id = source.idAt(i);
      return id === undefined ? [] : [id];
    });
    if (base) {
      this.allMatching = base.allMatching;
      this.ids = base.ids;
      this.#include(ids);
    } else {
      this.allMatching = false;
      this.ids = withIds(NONE, ids, true);
      this.#settle();
    }
  }

  /** What a Ctrl+band keeps of the selection when the drag starts. */
  snapshot(): BandBase {
    return { allMatching: this.allMatching, ids: this.ids };
  }

  /** Every image the query matches, loaded or not (Ctrl/Cmd+A). */
  selectAll(): void {
    this.allMatching = true;
    this.ids = NONE;
    if (this.#source.totalExact) return;
    const request = ++this.#countRequest;
    ipc
      .galleryCount(this.#source.currentQuery())
      .then((n) => {
        if (request === this.#countRequest) this.#counted = n;
      })
      .catch(() => {
        // The count stays unknown ("All selected"); the action still knows what to do.
      });
  }

  /** The selection for `applyBulk`. */
  toSelection(): Selection {
    if (this.allMatching) {
      return { kind: 'allMatching', query: this.#source.currentQuery(), except: [...this.ids] };
    }
    return { kind: 'images', ids: [...this.ids] };
  }

  /**
   * The two selected images, when exactly two are selected and both are at hand (held in
   * full, or picked while they were: what Compare shows), else null.
   */
  pair(): [GalleryImage, GalleryImage] | null {
    if (this.count !== 2) return null;
    const source = this.#source;
    let ids: number[];
    if (this.allMatching) {
      // Only when everything is loaded: "all but one of three".
      if (source.count !== this.matching) return null;
      ids = idsBetween(source, 0, source.count).filter((id) => !this.ids.has(id));
    } else {
      ids = [...this.ids].sort((a, b) => source.indexOf(a) - source.indexOf(b));
    }
    if (ids.length !== 2) return null;
    const [a, b] = ids.map((id) => source.find(id) ?? this.#picked.get(id));
    return a && b ? [a, b] : null;
  }

  /** Adds `ids` to the selection (takes them out of the exceptions when all are selected). */
  #include(ids: readonly number[]): void {
    this.ids = withIds(this.ids, ids, !this.allMatching);
    if (ids.length <= PICKED_MAX) this.#remember(ids);
    this.#settle();
  }

  /** Keeps the images of `ids` that are held in full now, the last PICKED_MAX of them. */
  #remember(ids: readonly number[]): void {
    for (const id of ids) {
      const image = this.#source.find(id);
      if (!image) continue;
      this.#picked.delete(id);
      this.#picked.set(id, image);
    }
    for (const id of this.#picked.keys()) {
      if (this.#picked.size <= PICKED_MAX) break;
      this.#picked.delete(id);
    }
  }

  /** "All but every one of them" is nothing. */
  #settle(): void {
    if (this.allMatching && this.count === 0) this.clear();
  }
}

/** The selection when a Ctrl+band started. */
export interface BandBase {
  allMatching: boolean;
  ids: ReadonlySet<number>;
}
