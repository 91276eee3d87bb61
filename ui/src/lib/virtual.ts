/**
 * Windowing maths for the gallery's virtualized grid of square cells. Pure functions:
 * given where the scroll container is and how big it is, which cells exist in the DOM
 * and where they go. Only the rows in view plus a few rows of overscan are rendered, so
 * the number of DOM nodes is bounded by the viewport, never by the number of images.
 */

export interface GridInput {
  /** The scroll container's scrollTop, in px. */
  scrollTop: number;
  /** Its visible height, in px. */
  viewportHeight: number;
  /** Its inner width (without the scrollbar), in px. */
  containerWidth: number;
  /** How many cells there are (loaded items, plus placeholders). */
  itemCount: number;
  /** The wanted cell size (the size slider); actual cells stretch to fill the width. */
  cellSize: number;
  /** Space between cells, in px. */
  gap: number;
  /** Extra rows rendered above and below the viewport. */
  overscanRows?: number;
}

export interface GridWindow {
  columns: number;
  /** The actual side of a cell, in px (>= 1). */
  cellSize: number;
  /** Cell plus gap: the distance from one row's top to the next. */
  rowHeight: number;
  /** Rows in all. */
  rows: number;
  /** Height of everything, in px (what the scrollbar measures). */
  totalHeight: number;
  /** Rendered rows: [firstRow, lastRow). */
  firstRow: number;
  lastRow: number;
  /** Rendered items: [firstIndex, lastIndex). */
  firstIndex: number;
  lastIndex: number;
  /** Top of the first rendered row, in px. */
  offsetTop: number;
}

export const DEFAULT_OVERSCAN_ROWS = 2;

function finite(n: number, fallback = 0): number {
  return Number.isFinite(n) ? n : fallback;
}

/** How many columns of at least `cellSize` fit into `width` (at least one). */
export function columnCount(width: number, cellSize: number, gap: number): number {
  const w = Math.max(0, finite(width));
  const size = Math.max(1, finite(cellSize, 1));
  const g = Math.max(0, finite(gap));
  return Math.max(1, Math.floor((w + g) / (size + g)));
}

/** The window of cells to render. */
export function gridWindow(input: GridInput): GridWindow {
  const gap = Math.max(0, finite(input.gap));
  const width = Math.max(0, finite(input.containerWidth));
  const count = Math.max(0, Math.floor(finite(input.itemCount)));
  const overscan = Math.max(0, Math.floor(finite(input.overscanRows ?? DEFAULT_OVERSCAN_ROWS)));
  const columns = columnCount(width, input.cellSize, gap);
  const cellSize = Math.max(
    1,
    width > 0 ? (width - gap * (columns - 1)) / columns : finite(input.cellSize, 1),
  );
  const rowHeight = cellSize + gap;
  const rows = Math.ceil(count / columns);
  const totalHeight = rows > 0 ? rows * rowHeight - gap : 0;

  const viewport = Math.max(0, finite(input.viewportHeight));
  const maxScroll = Math.max(0, totalHeight - viewport);
  const scrollTop = Math.min(Math.max(0, finite(input.scrollTop)), maxScroll);
  const firstVisible = Math.floor(scrollTop / rowHeight);
  const lastVisible = Math.ceil((scrollTop + viewport) / rowHeight);
  const firstRow = Math.min(rows, Math.max(0, firstVisible - overscan));
  const lastRow = Math.min(rows, Math.max(firstRow, lastVisible + overscan));

  return {
    columns,
    cellSize,
    rowHeight,
    rows,
    totalHeight,
    firstRow,
    lastRow,
    firstIndex: Math.min(count, firstRow * columns),
    lastIndex: Math.min(count, lastRow * columns),
    offsetTop: firstRow * rowHeight,
  };
}

/**
 * The scrollTop that brings cell `index` fully into view, moving as little as possible;
 * the current scrollTop when it is already visible.
 */
export function scrollToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  layout: Pick<GridWindow, 'columns' | 'cellSize' | 'rowHeight'>,
): number {
  const top = Math.floor(index / layout.columns) * layout.rowHeight;
  const bottom = top + layout.cellSize;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/**
 * After `added` items were put in front of the list, the scrollTop that keeps the same
 * images in view (the first visible image stays where it was, give or take its column).
 * At the very top it stays at the top, so the new images show.
 */
export function anchorScrollTop(
  scrollTop: number,
  added: number,
  layout: Pick<GridWindow, 'columns' | 'rowHeight'>,
): number {
  if (added <= 0 || scrollTop <= 0) return Math.max(0, scrollTop);
  const anchor = Math.floor(scrollTop / layout.rowHeight) * layout.columns;
  const oldRow = Math.floor(anchor / layout.columns);
  const newRow = Math.floor((anchor + added) / layout.columns);
  return scrollTop + (newRow - oldRow) * layout.rowHeight;
}

/**
 * True when the rendered window is close enough to the end of what is loaded that the
 * next page should be fetched: within `aheadRows` rows of the last loaded item.
 */
export function needsMore(
  window: Pick<GridWindow, 'lastRow' | 'columns'>,
  loaded: number,
  hasMore: boolean,
  aheadRows = 6,
): boolean {
  if (!hasMore) return false;
  return window.lastRow * window.columns + aheadRows * window.columns >= loaded;
}

/** The cell a key moves to from `index` in a grid of `columns`, or null when the key is not a move. */
export function gridKeyTarget(
  key: string,
  index: number,
  columns: number,
  count: number,
  pageRows = 3,
): number | null {
  if (count <= 0) return null;
  let next: number;
  switch (key) {
    case 'ArrowRight':
      next = index + 1;
      break;
    case 'ArrowLeft':
      next = index - 1;
      break;
    case 'ArrowDown':
      next = index + columns;
      break;
    case 'ArrowUp':
      next = index - columns;
      break;
    case 'PageDown':
      next = index + columns * pageRows;
      break;
    case 'PageUp':
      next = index - columns * pageRows;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = count - 1;
      break;
    default:
      return null;
  }
  // Up/down past an edge stays in the column where it can; otherwise clamp.
  if ((key === 'ArrowDown' || key === 'PageDown') && next >= count) next = count - 1;
  if ((key === 'ArrowUp' || key === 'PageUp') && next < 0) next = index % columns;
  return Math.min(count - 1, Math.max(0, next));
}

/**
 * How many cells a grid recycles: the most cells any window of [`gridWindow`] can hold at this
 * geometry (the rows a viewport can touch, the overscan rows above and below, times the
 * columns). Every window is a contiguous run of at most this many indices, so no two of its
 * cells share a slot; and a row that scrolls out hands its slots to the row that scrolls in.
 * A larger count would break that: the image coming in would get a slot no cell holds, and the
 * grid would build a new cell for it and destroy the one going out.
 */
export function recycleSlots(geometry: {
  viewportHeight: number;
  rowHeight: number;
  columns: number;
  overscanRows?: number;
}): number {
  const rowHeight = Math.max(1, finite(geometry.rowHeight, 1));
  const columns = Math.max(1, Math.floor(finite(geometry.columns, 1)));
  const viewport = Math.max(0, finite(geometry.viewportHeight));
  const overscan = Math.max(0, Math.floor(finite(geometry.overscanRows ?? DEFAULT_OVERSCAN_ROWS)));
  return (Math.ceil(viewport / rowHeight) + 1 + 2 * overscan) * columns;
}

/**
 * The indices a recycling grid renders: the window's, padded to `slots` cells (a row more
 * below, at most) while the items go on. The window's own length changes by a row as the
 * scroll crosses row edges; rendered as is, that row's cells would be destroyed and built again
 * each time. Padded, every frame renders the same cells, only showing other images.
 */
export function recycledRange(
  window: Pick<GridWindow, 'firstIndex' | 'lastIndex'>,
  slots: number,
  itemCount: number,
): { first: number; last: number } {
  const first = window.firstIndex;
  return { first, last: Math.max(window.lastIndex, Math.min(itemCount, first + slots)) };
}

/**
 * The slot of the cell at `index` among `slots` ([`recycleSlots`]). Keying the grid's cells by
 * slot instead of by image lets a cell that scrolls out come back in as the next image (new
 * props, the same DOM nodes) instead of being destroyed and built again.
 */
export function cellSlot(index: number, slots: number): number {
  return index % slots;
}
