/**
 * The Compare view's pure logic: the shared zoom and pan of the two images, the slider's
 * position, the keys (the `compare` rows of the table in shortcuts.ts) and the captions.
 * No DOM here; CompareView.svelte applies it.
 *
 * Zoom and pan are kept in fractions of the pane (not pixels), so both panes of "Side by
 * side", whatever their size in pixels, show the same zoom and the same relative place. A
 * pane's content (the image fitted into the pane, object-fit contain) is drawn at
 * `translate(x, y) scale(zoom)` from its top-left corner: a point q of the content (0..1)
 * lands at x + zoom * q of the pane. The content always covers the pane, so x lies in
 * [1 - zoom, 0] (and the same for y).
 */
import type { GalleryItem } from './bindings/GalleryItem';
import { dimensionsText, firstWords } from './gallery';
import type { KeyLike } from './shortcuts';
import { formatTime } from './tasks';

/** Fitted: the whole image in its pane. */
export const ZOOM_MIN = 1;
/** The closest look. */
export const ZOOM_MAX = 8;
/** One press of +/- (or a zoom button) multiplies or divides the zoom by this. */
export const ZOOM_STEP = 1.25;
/** One arrow key moves the slider by this many percent. */
export const SLIDER_STEP = 5;

/** "Side by side" (two panes) or "Slider" (one frame, the right image over the left). */
export type CompareMode = 'side' | 'slider';

/** The zoom and pan both images share. */
export interface CompareZoom {
  /** 1 (fitted) to 8. */
  zoom: number;
  /** Left edge of the zoomed content, in pane widths: 0 at zoom 1, down to 1 - zoom. */
  x: number;
  /** Top edge of the zoomed content, in pane heights. */
  y: number;
}

/** Both images fitted, nothing moved. */
export const FIT: Readonly<CompareZoom> = { zoom: 1, x: 0, y: 0 };

/** A point of a pane, in fractions of its width and height (0.5, 0.5 is its middle). */
export interface PanePoint {
  x: number;
  y: number;
}

const CENTER: PanePoint = { x: 0.5, y: 0.5 };

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/** The zoom kept between ZOOM_MIN and ZOOM_MAX (a broken number is fitted). */
export function clampZoom(zoom: number): number {
  return Number.isFinite(zoom) ? clamp(zoom, ZOOM_MIN, ZOOM_MAX) : ZOOM_MIN;
}

/** One offset kept where the content still covers the pane: [1 - zoom, 0]. */
function clampOffset(offset: number, zoom: number): number {
  return Number.isFinite(offset) ? clamp(offset, 1 - zoom, 0) : 0;
}

/** The zoom and pan made valid: zoom in range, no empty border pulled into the pane. */
export function clampView(view: CompareZoom): CompareZoom {
  const zoom = clampZoom(view.zoom);
  // `+ 0` turns -0 into 0.
  return { zoom, x: clampOffset(view.x, zoom) + 0, y: clampOffset(view.y, zoom) + 0 };
}

/**
 * Zoomed by `factor` about `at` (a point of the pane): what is under that point stays
 * under it. The middle of the pane when no point is given (keys and buttons).
 */
export function zoomAt(view: CompareZoom, factor: number, at: PanePoint = CENTER): CompareZoom {
  const zoom = clampZoom(view.zoom * (Number.isFinite(factor) && factor > 0 ? factor : 1));
  const ratio = zoom / view.zoom;
  const px = Number.isFinite(at.x) ? clamp(at.x, 0, 1) : 0.5;
  const py = Number.isFinite(at.y) ? clamp(at.y, 0, 1) : 0.5;
  return clampView({ zoom, x: px - ratio * (px - view.x), y: py - ratio * (py - view.y) });
}

/** One step in (+) or out (-). */
export function zoomStep(view: CompareZoom, direction: 1 | -1, at?: PanePoint): CompareZoom {
  return zoomAt(view, direction > 0 ? ZOOM_STEP : 1 / ZOOM_STEP, at);
}

/** How much one wheel event zooms: up (negative deltaY) zooms in, smoothly for touchpads. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  if (!Number.isFinite(deltaY) || deltaY === 0) return 1;
  // Lines and pages as pixels, roughly.
  const pixels = deltaY * (deltaMode === 1 ? 16 : deltaMode === 2 ? 400 : 1);
  return Math.exp(clamp(-pixels, -300, 300) * 0.002);
}

/** Moved by a drag of (dx, dy) pixels in a pane of `width` x `height` pixels. */
export function panBy(
  view: CompareZoom,
  dx: number,
  dy: number,
  width: number,
  height: number,
): CompareZoom {
  const mx = width > 0 && Number.isFinite(dx) ? dx / width : 0;
  const my = height > 0 && Number.isFinite(dy) ? dy / height : 0;
  return clampView({ zoom: view.zoom, x: view.x + mx, y: view.y + my });
}

/** The pane point under a pointer, from the pane's box on the screen. */
export function panePoint(
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
): PanePoint {
  return {
    x: box.width > 0 ? clamp((clientX - box.left) / box.width, 0, 1) : 0.5,
    y: box.height > 0 ? clamp((clientY - box.top) / box.height, 0, 1) : 0.5,
  };
}

/** The CSS transform of a pane's content (with `transform-origin: 0 0`). */
export function viewTransform(view: CompareZoom): string {
  const v = clampView(view);
  const pct = (n: number) => `${Math.round(n * 100_000) / 1000}%`;
  return `translate(${pct(v.x)}, ${pct(v.y)}) scale(${Math.round(v.zoom * 1000) / 1000})`;
}

/** The zoom as words, relative to the fitted size: "1×" (fitted), "1.25×", "2.5×". */
export function zoomText(zoom: number): string {
  return `${Math.round(clampZoom(zoom) * 100) / 100}×`;
}

// The slider.

/** A slider position kept in 0..100 (a broken number is the middle). */
export function clampSlider(position: number): number {
  return Number.isFinite(position) ? clamp(position, 0, 100) : 50;
}

/** The slider position (0..100, in percent of the frame) under a pointer. */
export function sliderFromPointer(clientX: number, left: number, width: number): number {
  if (!(width > 0)) return 50;
  return clampSlider(((clientX - left) / width) * 100);
}

/**
 * Where a key on the slider's handle puts it, or null for other keys: the arrows move it by
 * SLIDER_STEP (Page Up/Down by four steps), Home and End to the ends.
 */
export function sliderKey(position: number, key: string): number | null {
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clampSlider(position - SLIDER_STEP);
    case 'ArrowRight':
    case 'ArrowUp':
      return clampSlider(position + SLIDER_STEP);
    case 'PageDown':
      return clampSlider(position - 4 * SLIDER_STEP);
    case 'PageUp':
      return clampSlider(position + 4 * SLIDER_STEP);
    case 'Home':
      return 0;
    case 'End':
      return 100;
    default:
      return null;
  }
}

// The keys.

/** What a key asks the Compare view to do. */
export type CompareCommand =
  | { type: 'swap' }
  | { type: 'mode' }
  | { type: 'slider'; delta: number }
  | { type: 'zoom'; direction: 1 | -1 }
  | { type: 'fit' }
  | { type: 'close' };

/**
 * What a key does in the Compare view, or null. Esc always closes; the other keys only when
 * not typing, and without Ctrl/Cmd/Alt (Ctrl+plus stays the webview's own zoom).
 */
export function compareCommand(e: KeyLike, typing: boolean): CompareCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'Escape') return { type: 'close' };
  if (typing) return null;
  // "+" is Shift+= on many layouts, so Shift is fine for the zoom keys.
  switch (e.key) {
    case '+':
    case '=':
      return { type: 'zoom', direction: 1 };
    case '-':
    case '_':
      return { type: 'zoom', direction: -1 };
  }
  if (e.shiftKey) return null;
  switch (e.key) {
    case 'x':
    case 'X':
      return { type: 'swap' };
    case 's':
    case 'S':
      return { type: 'mode' };
    case 'ArrowLeft':
      return { type: 'slider', delta: -SLIDER_STEP };
    case 'ArrowRight':
      return { type: 'slider', delta: SLIDER_STEP };
    case '0':
      return { type: 'fit' };
    default:
      return null;
  }
}

/** The other mode. */
export function otherMode(mode: CompareMode): CompareMode {
  return mode === 'side' ? 'slider' : 'side';
}

/** What a pane's caption says, as separate parts: kind, first prompt words, size, date. */
export function captionParts(item: GalleryItem, now: Date = new Date()): string[] {
  return [
    item.kindLabel,
    firstWords(item.prompt, 6) || 'No prompt',
    dimensionsText(item.width, item.height),
    formatTime(item.createdAt, now),
  ].filter((part) => part !== '');
}
