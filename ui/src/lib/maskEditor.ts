/**
 * The Vary (Region) mask editor's pure logic: the selection as a list of operations (brush,
 * eraser, rectangle, lasso, clear, invert) with undo and redo, the checks made before sending
 * (not empty, not everything), the keys (the `mask` rows of the table in shortcuts.ts), and
 * how the operations are replayed onto a 2D canvas context. MaskEditor.svelte owns the DOM;
 * nothing here touches it, except `renderMaskPng`, which is handed a canvas.
 *
 * Coordinates are in the image's natural pixels (0..width, 0..height), so the mask is made
 * at exactly the image's size whatever size it is shown at.
 */
import type { KeyLike } from './shortcuts';

/** The tools of the strip: paint, erase, draw around, drag a box. */
export type MaskTool = 'brush' | 'erase' | 'lasso' | 'rect';

/** The tools in the strip's order, with their names. */
export const MASK_TOOLS: readonly { tool: MaskTool; label: string; shortcut: string }[] = [
  { tool: 'brush', label: 'Brush', shortcut: 'mask-brush' },
  { tool: 'erase', label: 'Eraser', shortcut: 'mask-erase' },
  { tool: 'lasso', label: 'Lasso', shortcut: 'mask-lasso' },
  { tool: 'rect', label: 'Rectangle', shortcut: 'mask-rect' },
];

/** A point of the image, in its natural pixels. */
export interface Point {
  x: number;
  y: number;
}

/** One thing done to the selection. `erase` takes the area out of it instead of adding it. */
export type MaskOp =
  | { type: 'stroke'; erase: boolean; size: number; points: Point[] }
  | { type: 'rect'; erase: boolean; x: number; y: number; w: number; h: number }
  | { type: 'lasso'; erase: boolean; points: Point[] }
  | { type: 'clear' }
  | { type: 'invert' };

/** What was done (replayed in order) and what was undone (redone from the end). */
export interface MaskHistory {
  done: readonly MaskOp[];
  undone: readonly MaskOp[];
}

/** Nothing selected, nothing to redo. */
export const EMPTY_HISTORY: MaskHistory = { done: [], undone: [] };

/** `op` done: added to the history; what was undone cannot be redone any more. */
export function pushOp(history: MaskHistory, op: MaskOp): MaskHistory {
  return { done: [...history.done, op], undone: [] };
}

/** The last operation taken back (kept for redo); unchanged when there is none. */
export function undo(history: MaskHistory): MaskHistory {
  const last = history.done[history.done.length - 1];
  if (!last) return history;
  return { done: history.done.slice(0, -1), undone: [...history.undone, last] };
}

/** The last undone operation done again; unchanged when there is none. */
export function redo(history: MaskHistory): MaskHistory {
  const last = history.undone[history.undone.length - 1];
  if (!last) return history;
  return { done: [...history.done, last], undone: history.undone.slice(0, -1) };
}

/** True when something was painted, erased, cleared or inverted: leaving then asks first. */
export function hasWork(history: MaskHistory): boolean {
  return history.done.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Brush size

/** The smallest brush, in image pixels. */
export const BRUSH_MIN = 4;

/** The largest brush for an image: a quarter of its longer side (at least BRUSH_MIN). */
export function brushMax(width: number, height: number): number {
  return Math.max(BRUSH_MIN, Math.round(Math.max(width, height) / 4));
}

/** The brush a new editor starts with: a twentieth of the image's longer side. */
export function defaultBrush(width: number, height: number): number {
  return clampBrush(Math.round(Math.max(width, height) / 20), width, height);
}

/** A brush size kept between BRUSH_MIN and `brushMax` (a broken number gives the default). */
export function clampBrush(size: number, width: number, height: number): number {
  if (!Number.isFinite(size)) return Math.max(BRUSH_MIN, Math.round(Math.max(width, height) / 20));
  return Math.min(brushMax(width, height), Math.max(BRUSH_MIN, Math.round(size)));
}

/** `[` smaller, `]` larger: a quarter each press, always at least one pixel. */
export function stepBrush(size: number, direction: 1 | -1, width: number, height: number): number {
  const next = direction > 0 ? Math.max(size + 1, size * 1.25) : Math.min(size - 1, size / 1.25);
  return clampBrush(next, width, height);
}

// ---------------------------------------------------------------------------------------------
// Pointer -> image

/** The box an image is shown in on screen (a DOMRect's fields). */
export interface ShownBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A pointer position on the shown image as a point of the image, kept inside it. */
export function toImagePoint(
  clientX: number,
  clientY: number,
  box: ShownBox,
  width: number,
  height: number,
): Point {
  const fx = box.width > 0 ? (clientX - box.left) / box.width : 0;
  const fy = box.height > 0 ? (clientY - box.top) / box.height : 0;
  return {
    x: clamp(fx, 0, 1) * width,
    y: clamp(fy, 0, 1) * height,
  };
}

/** The rectangle between two corners, whichever way it was dragged. */
export function rectBetween(a: Point, b: Point, erase = false): MaskOp & { type: 'rect' } {
  return {
    type: 'rect',
    erase,
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    w: Math.abs(a.x - b.x),
    h: Math.abs(a.y - b.y),
  };
}

/**
 * The operation a finished drag makes, or null when it selects nothing: a box with no area, a
 * lasso with fewer than three points or no area, a stroke with no points.
 */
export function finishDrag(
  tool: MaskTool,
  points: readonly Point[],
  size: number,
  erase = false,
): MaskOp | null {
  if (points.length === 0) return null;
  switch (tool) {
    case 'brush':
    case 'erase':
      return { type: 'stroke', erase: tool === 'erase', size, points: [...points] };
    case 'rect': {
      const rect = rectBetween(points[0], points[points.length - 1], erase);
      return rect.w >= 1 && rect.h >= 1 ? rect : null;
    }
    case 'lasso':
      return points.length >= 3 && polygonArea(points) >= 1
        ? { type: 'lasso', erase, points: [...points] }
        : null;
  }
}

/** The area a closed outline encloses, in square pixels (shoelace formula). */
export function polygonArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    twice += (points[j].x + points[i].x) * (points[j].y - points[i].y);
  }
  return Math.abs(twice) / 2;
}

/** A point added to a drag only when it moved far enough (keeps long strokes small). */
export function shouldAddPoint(points: readonly Point[], next: Point, minDistance = 1.5): boolean {
  const last = points[points.length - 1];
  return !last || Math.hypot(next.x - last.x, next.y - last.y) >= minDistance;
}

// ---------------------------------------------------------------------------------------------
// How much is selected (for the checks before sending)

/** The longest side of the grid the selection is measured on. */
export const MEASURE_CELLS = 256;

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/** Squared distance from p to the segment a-b. */
function segmentDistance2(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0, 1) : 0;
  const x = a.x + t * dx - p.x;
  const y = a.y + t * dy - p.y;
  return x * x + y * y;
}

/** Even-odd point-in-polygon (the rule the canvas fills a lasso with by default is nonzero; a
 * lasso that crosses itself is rare enough that the two agree where it matters). */
function inPolygon(p: Point, poly: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i];
    const b = poly[j];
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) {
      inside = !inside;
    }
  }
  return inside;
}

/**
 * The selection sampled on a grid of at most MEASURE_CELLS cells a side (1 = selected), each
 * cell read at its centre: the same operations the canvas draws, without a canvas.
 */
export function rasterize(
  ops: readonly MaskOp[],
  width: number,
  height: number,
  maxCells = MEASURE_CELLS,
): { cols: number; rows: number; cells: Uint8Array } {
  const scale = Math.min(1, maxCells / Math.max(width, height, 1));
  const cols = Math.max(1, Math.round(width * scale));
  const rows = Math.max(1, Math.round(height * scale));
  const cells = new Uint8Array(cols * rows);
  const cw = width / cols;
  const ch = height / rows;
  const centre = (c: number, r: number): Point => ({ x: (c + 0.5) * cw, y: (r + 0.5) * ch });
  /** Applies `test` to the cells whose centres lie in the box [x0, x1] x [y0, y1]. */
  const paint = (
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    value: number,
    test: (p: Point) => boolean,
  ) => {
    const c0 = clamp(Math.floor(x0 / cw - 0.5), 0, cols - 1);
    const c1 = clamp(Math.ceil(x1 / cw - 0.5), 0, cols - 1);
    const r0 = clamp(Math.floor(y0 / ch - 0.5), 0, rows - 1);
    const r1 = clamp(Math.ceil(y1 / ch - 0.5), 0, rows - 1);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        if (test(centre(c, r))) cells[r * cols + c] = value;
      }
    }
  };
  for (const op of ops) {
    switch (op.type) {
      case 'clear':
        cells.fill(0);
        break;
      case 'invert':
        for (let i = 0; i < cells.length; i++) cells[i] = cells[i] ? 0 : 1;
        break;
      case 'rect':
        paint(op.x, op.y, op.x + op.w, op.y + op.h, op.erase ? 0 : 1, (p) => {
          return p.x >= op.x && p.x <= op.x + op.w && p.y >= op.y && p.y <= op.y + op.h;
        });
        break;
      case 'lasso': {
        if (op.points.length < 3) break;
        const xs = op.points.map((p) => p.x);
        const ys = op.points.map((p) => p.y);
        paint(
          Math.min(...xs),
          Math.min(...ys),
          Math.max(...xs),
          Math.max(...ys),
          op.erase ? 0 : 1,
          (p) => inPolygon(p, op.points),
        );
        break;
      }
      case 'stroke': {
        const r = op.size / 2;
        const r2 = r * r;
        const pts = op.points;
        for (let i = 0; i < pts.length; i++) {
          const a = pts[Math.max(0, i - 1)];
          const b = pts[i];
          paint(
            Math.min(a.x, b.x) - r,
            Math.min(a.y, b.y) - r,
            Math.max(a.x, b.x) + r,
            Math.max(a.y, b.y) + r,
            op.erase ? 0 : 1,
            (p) => segmentDistance2(p, a, b) <= r2,
          );
        }
        break;
      }
    }
  }
  return { cols, rows, cells };
}

/** The share of the image selected, 0..1. */
export function coverage(ops: readonly MaskOp[], width: number, height: number): number {
  const { cells } = rasterize(ops, width, height);
  let on = 0;
  for (const cell of cells) on += cell;
  return cells.length ? on / cells.length : 0;
}

/** Said when nothing is selected. */
export const EMPTY_MASK = 'Paint the area to redo first.';
/** Said when everything is selected. */
export const FULL_MASK =
  'The whole image is selected: leave some of it as it is (Vary (Strong) redoes all of it).';

/** Why this selection cannot be sent (a sentence), or null when it can. */
export function maskProblem(ops: readonly MaskOp[], width: number, height: number): string | null {
  const share = coverage(ops, width, height);
  if (share <= 0) return EMPTY_MASK;
  if (share >= 1) return FULL_MASK;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Drawing

/** The parts of a 2D canvas context the replay uses (a fake one in tests). */
export type MaskContext = Pick<
  CanvasRenderingContext2D,
  | 'globalCompositeOperation'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'lineCap'
  | 'lineJoin'
  | 'clearRect'
  | 'fillRect'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'arc'
  | 'closePath'
  | 'fill'
  | 'stroke'
>;

/**
 * Draws the selection onto `ctx` (width x height, cleared first): selected pixels opaque in
 * `color`, the rest transparent. Paint draws over, erase cuts out (destination-out), clear
 * clears, invert swaps opaque and transparent (xor with a full rectangle).
 */
export function replay(
  ctx: MaskContext,
  ops: readonly MaskOp[],
  width: number,
  height: number,
  color: string,
): void {
  ctx.globalCompositeOperation = 'source-over';
  ctx.clearRect(0, 0, width, height);
  for (const op of ops) {
    const erase = 'erase' in op && op.erase;
    ctx.globalCompositeOperation = erase ? 'destination-out' : 'source-over';
    ctx.fillStyle = color;
    ctx.strokeStyle = color;
    switch (op.type) {
      case 'clear':
        ctx.clearRect(0, 0, width, height);
        break;
      case 'invert':
        ctx.globalCompositeOperation = 'xor';
        ctx.fillRect(0, 0, width, height);
        break;
      case 'rect':
        ctx.fillRect(op.x, op.y, op.w, op.h);
        break;
      case 'lasso': {
        if (op.points.length < 3) break;
        ctx.beginPath();
        ctx.moveTo(op.points[0].x, op.points[0].y);
        for (const p of op.points.slice(1)) ctx.lineTo(p.x, p.y);
        ctx.closePath();
        ctx.fill();
        break;
      }
      case 'stroke': {
        const [first, ...rest] = op.points;
        if (!first) break;
        if (rest.length === 0) {
          ctx.beginPath();
          ctx.arc(first.x, first.y, op.size / 2, 0, Math.PI * 2);
          ctx.fill();
          break;
        }
        ctx.lineWidth = op.size;
        ctx.lineCap = 'round';
        ctx.lineJoin = 'round';
        ctx.beginPath();
        ctx.moveTo(first.x, first.y);
        for (const p of rest) ctx.lineTo(p.x, p.y);
        ctx.stroke();
        break;
      }
    }
  }
  ctx.globalCompositeOperation = 'source-over';
}

/** The prefix every mask sent starts with. */
export const PNG_PREFIX = 'data:image/png;base64,';

/**
 * The mask as the provider takes it: a PNG of exactly width x height, the selection white, the
 * rest black, as a `data:image/png;base64,...` address. Null when this canvas cannot draw (no
 * 2D context, as in tests without a canvas) or the image is too large to encode.
 */
export function renderMaskPng(
  canvas: HTMLCanvasElement,
  ops: readonly MaskOp[],
  width: number,
  height: number,
): string | null {
  canvas.width = width;
  canvas.height = height;
  const ctx = context2d(canvas);
  if (!ctx) return null;
  replay(ctx, ops, width, height, '#ffffff');
  // Black behind the white selection: the transparent rest becomes black.
  ctx.globalCompositeOperation = 'destination-over';
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, width, height);
  ctx.globalCompositeOperation = 'source-over';
  let url: string;
  try {
    url = canvas.toDataURL('image/png');
  } catch {
    return null;
  }
  return url.startsWith(PNG_PREFIX) && url.length > PNG_PREFIX.length ? url : null;
}

/** The canvas's 2D context, or null where there is none (tests without a canvas). */
export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  try {
    return canvas.getContext('2d');
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Keys

/** What a key asks the editor to do. */
export type MaskCommand =
  | { type: 'tool'; tool: MaskTool }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'size'; direction: 1 | -1 }
  | { type: 'submit' }
  | { type: 'cancel' };

/** Where the focus is when a key is pressed in the editor. */
export interface MaskKeyContext {
  /** In the prompt (a text field): letters type, Ctrl+Z undoes typing. */
  typing: boolean;
  /** On a button, a slider or a select: Enter and Space press it. */
  onControl: boolean;
}

/**
 * What a key does in the mask editor, or null. Esc always leaves; Ctrl/Cmd+Enter always sends;
 * Enter sends unless a control or the prompt has the focus; the letters, `[` `]` and
 * Ctrl/Cmd+Z (Shift for redo, or Ctrl+Y) work when not typing.
 */
export function maskCommand(e: KeyLike, ctx: MaskKeyContext): MaskCommand | null {
  if (e.key === 'Escape') return { type: 'cancel' };
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === 'Enter') {
    if (e.altKey || e.shiftKey) return null;
    return mod || (!ctx.typing && !ctx.onControl) ? { type: 'submit' } : null;
  }
  if (ctx.typing || e.altKey) return null;
  const key = e.key.toLowerCase();
  if (mod) {
    if (key === 'z') return e.shiftKey ? { type: 'redo' } : { type: 'undo' };
    if (key === 'y' && !e.shiftKey) return { type: 'redo' };
    return null;
  }
  if (e.key === '[') return { type: 'size', direction: -1 };
  if (e.key === ']') return { type: 'size', direction: 1 };
  if (e.shiftKey) return null;
  switch (key) {
    case 'b':
      return { type: 'tool', tool: 'brush' };
    case 'e':
      return { type: 'tool', tool: 'erase' };
    case 'l':
      return { type: 'tool', tool: 'lasso' };
    case 'r':
      return { type: 'tool', tool: 'rect' };
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Keyboard selection (for people without a pointer)

/** How far one arrow press moves the keyboard cursor, as a share of the image (Shift: 5x). */
export const CURSOR_STEP = 0.02;

/** The keyboard cursor moved by an arrow key, kept inside the image; null for other keys. */
export function moveCursor(
  cursor: Point,
  key: string,
  big: boolean,
  width: number,
  height: number,
): Point | null {
  const step = (big ? 5 : 1) * CURSOR_STEP;
  const dx = key === 'ArrowLeft' ? -1 : key === 'ArrowRight' ? 1 : 0;
  const dy = key === 'ArrowUp' ? -1 : key === 'ArrowDown' ? 1 : 0;
  if (dx === 0 && dy === 0) return null;
  return {
    x: clamp(cursor.x + dx * step * width, 0, width),
    y: clamp(cursor.y + dy * step * height, 0, height),
  };
}

/** "42% across, 10% down": where the keyboard cursor is, for a screen reader. */
export function cursorText(cursor: Point, width: number, height: number): string {
  const pct = (n: number, of: number) => Math.round((of > 0 ? n / of : 0) * 100);
  return `${pct(cursor.x, width)}% across, ${pct(cursor.y, height)}% down`;
}
