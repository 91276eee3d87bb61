/**
 * The gallery's pure logic: toolbar state -> GalleryQuery, words for counts and empty
 * states, merging a re-queried first page into what is loaded, and the lightbox keys.
 */
import type { Action } from './bindings/Action';
import type { GalleryImage } from './bindings/GalleryImage';
import type { GalleryQuery } from './bindings/GalleryQuery';
import type { ImageKind } from './bindings/ImageKind';
import type { ProviderKind } from './bindings/ProviderKind';
import type { SortOrder } from './bindings/SortOrder';
import { parsePrompt } from './params';
import type { KeyLike } from './shortcuts';

export type DatePreset = 'all' | 'today' | '7d' | '30d';

export const DATE_PRESETS: readonly { value: DatePreset; label: string }[] = [
  { value: 'all', label: 'All time' },
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

export const KIND_FILTERS: readonly { value: ImageKind | 'all'; label: string }[] = [
  { value: 'all', label: 'All kinds' },
  { value: 'grid', label: 'Grids' },
  { value: 'single', label: 'Singles' },
  { value: 'upscale', label: 'Upscales' },
  { value: 'video', label: 'Videos' },
];

/** The gallery's two orders, as the sort menu names them. */
export const SORT_ORDERS: readonly { value: SortOrder; label: string }[] = [
  { value: 'newestFirst', label: 'Newest first' },
  { value: 'oldestFirst', label: 'Oldest first' },
  { value: 'byPrompt', label: 'By prompt (A–Z)' },
];

/** What the toolbar holds. */
export interface GalleryFilters {
  text: string;
  provider: ProviderKind | 'all';
  kind: ImageKind | 'all';
  favoritesOnly: boolean;
  date: DatePreset;
  /** Newest first (the default) or oldest first. */
  order: SortOrder;
  /** Only the images of this collection (its id), or all images. */
  collection: number | null;
  /** Only images made with this model ("midjourney", "flux-pro"), or any model. */
  model: string | null;
  /** Only images of this aspect ratio ("16:9"), or any ratio. */
  aspect: string | null;
  /** Only images something was made from (an upscale, a variation, a zoom…). */
  hasChildren: boolean;
}

export const DEFAULT_FILTERS: Readonly<GalleryFilters> = {
  text: '',
  provider: 'all',
  kind: 'all',
  favoritesOnly: false,
  date: 'all',
  order: 'newestFirst',
  collection: null,
  model: null,
  aspect: null,
  hasChildren: false,
};

export const PAGE_SIZE = 200;
export const SEARCH_DEBOUNCE_MS = 150;
export const CELL_SIZE_MIN = 120;
export const CELL_SIZE_MAX = 320;
export const CELL_SIZE_DEFAULT = 200;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The `from` of a date preset (an RFC 3339 UTC instant), or undefined for all time. */
export function dateFrom(preset: DatePreset, now: Date = new Date()): string | undefined {
  switch (preset) {
    case 'today': {
      // Local midnight: "today" is the person's day, not UTC's.
      const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
      return start.toISOString();
    }
    case '7d':
      return new Date(now.getTime() - 7 * DAY_MS).toISOString();
    case '30d':
      return new Date(now.getTime() - 30 * DAY_MS).toISOString();
    default:
      return undefined;
  }
}

/**
 * The query for the toolbar's state. The text goes as typed (the core decides what a
 * trailing word means); blank text, "all" and "all time" are left out.
 */
export function buildQuery(
  filters: GalleryFilters,
  options: { cursor?: string | null; limit?: number; now?: Date } = {},
): GalleryQuery {
  const query: GalleryQuery = {
    favoritesOnly: filters.favoritesOnly,
    order: filters.order,
    limit: options.limit ?? PAGE_SIZE,
  };
  if (filters.text.trim()) query.text = filters.text;
  if (filters.provider !== 'all') query.provider = filters.provider;
  if (filters.kind !== 'all') query.kind = filters.kind;
  if (filters.model) query.model = filters.model;
  if (filters.aspect) query.aspect = filters.aspect;
  if (filters.hasChildren) query.hasChildren = true;
  const from = dateFrom(filters.date, options.now);
  if (from) query.from = from;
  if (filters.collection !== null) query.collection = filters.collection;
  if (options.cursor) query.cursor = options.cursor;
  return query;
}

/**
 * True when any filter (or search text) narrows the results. A collection is not a filter
 * here: it is a place of its own (the side list), with its own empty state.
 */
export function isFiltered(filters: GalleryFilters): boolean {
  return (
    !!filters.text.trim() ||
    filters.provider !== 'all' ||
    filters.kind !== 'all' ||
    filters.favoritesOnly ||
    filters.date !== 'all' ||
    !!filters.model ||
    !!filters.aspect ||
    filters.hasChildren
  );
}

/** The search box's placeholder: prompt words, or a parameter with its value. */
export const SEARCH_PLACEHOLDER = 'Search prompts or --seed 123';

/** The search box's tooltip (the shortcut is added by the toolbar). */
export const SEARCH_TITLE =
  'Search prompts, or a parameter and its value (--seed 123, --v 7, --sref)';

/** The "Has follow-ups" toggle's tooltip. */
export const HAS_CHILDREN_TITLE =
  'Only images that were upscaled, varied, zoomed or otherwise built on';

/** One choice of the model or aspect menu; `value` '' is "any". */
export interface FacetOption {
  value: string;
  label: string;
}

/** The width over height of an aspect label ("16:9" -> 1.78), or null when it is not one. */
export function aspectRatio(label: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(label);
  if (!m) return null;
  const w = Number(m[1]);
  const h = Number(m[2]);
  return w > 0 && h > 0 ? w / h : null;
}

/**
 * The model menu: "Any model", then each model the library has. A chosen model the library
 * no longer has (remembered from before) is still offered, last, so the menu shows what
 * filters the gallery.
 */
export function modelOptions(models: readonly string[], current: string | null): FacetOption[] {
  const values = models.filter((m, i) => m && models.indexOf(m) === i);
  if (current && !values.includes(current)) values.push(current);
  return [{ value: '', label: 'Any model' }, ...values.map((m) => ({ value: m, label: m }))];
}

/**
 * The aspect menu: "Any ratio", then each ratio the library has, narrowest first (the core's
 * order). A chosen ratio the library no longer has is still offered, in its place by width.
 */
export function aspectOptions(aspects: readonly string[], current: string | null): FacetOption[] {
  const values = aspects.filter((a, i) => a && aspects.indexOf(a) === i);
  if (current && !values.includes(current)) {
    const ratio = aspectRatio(current);
    const at = ratio === null ? -1 : values.findIndex((a) => (aspectRatio(a) ?? Infinity) > ratio);
    values.splice(at < 0 ? values.length : at, 0, current);
  }
  return [{ value: '', label: 'Any ratio' }, ...values.map((a) => ({ value: a, label: a }))];
}

/** A model or aspect menu's value as a filter: '' is no filter. */
export function facetFilter(value: string): string | null {
  return value === '' ? null : value;
}

/** "12,345 images", "1 image", "No images"; "More than 10,000 images" when `total` is a floor. */
export function countText(total: number, exact = true): string {
  if (!Number.isFinite(total) || total <= 0) return 'No images';
  if (!exact) return `More than ${total.toLocaleString('en-US')} images`;
  return `${total.toLocaleString('en-US')} ${total === 1 ? 'image' : 'images'}`;
}

/** What an empty gallery says. */
export function emptyText(filters: GalleryFilters): { title: string; hint: string | null } {
  const text = filters.text.trim();
  if (text) {
    return {
      title: `Nothing matches “${text}”`,
      hint: isFiltered({ ...filters, text: '' })
        ? 'Try other words, or loosen the filters.'
        : 'Try other words.',
    };
  }
  if (filters.favoritesOnly && !isFiltered({ ...filters, favoritesOnly: false })) {
    return { title: 'No favorites yet', hint: 'Star an image to find it here.' };
  }
  if (filters.hasChildren && !isFiltered({ ...filters, hasChildren: false })) {
    return {
      title: 'Nothing has follow-ups yet',
      hint: 'Upscale, vary or zoom an image to find it here.',
    };
  }
  if (isFiltered(filters)) {
    return { title: 'Nothing matches these filters', hint: 'Loosen the filters to see more.' };
  }
  if (filters.collection !== null) {
    return {
      title: 'This collection is empty',
      hint: 'Drag images onto it, or press B on an image.',
    };
  }
  return { title: 'No images yet — make some in Create', hint: null };
}

/** The first few words of a prompt, without its --parameters ('' when none). */
export function firstWords(prompt: string | null | undefined, count = 8): string {
  if (!prompt) return '';
  const text = parsePrompt(prompt).text || prompt.trim();
  const words = text.split(/\s+/).filter(Boolean);
  return words.length > count ? `${words.slice(0, count).join(' ')}…` : words.join(' ');
}

/** Pixel size as words: "1024 × 1024". */
export function dimensionsText(width: number, height: number): string {
  return width > 0 && height > 0 ? `${width} × ${height}` : '';
}

/** "2.4 MB", "812 KB". */
export function bytesText(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export const KIND_WORDS: Record<ImageKind, string> = {
  grid: 'Grid',
  single: 'Single',
  upscale: 'Upscale',
  video: 'Video',
};

/** A copy of an image with its favorite flag set. */
export function withFavorite(image: GalleryImage, favorite: boolean): GalleryImage {
  return { ...image, item: { ...image.item, favorite } };
}

// The lightbox's keys.

export type LightboxCommand =
  | { type: 'prev' }
  | { type: 'next' }
  | { type: 'close' }
  | { type: 'favorite' }
  | { type: 'copyPrompt' }
  | { type: 'reuse' }
  | { type: 'compareParent' }
  | { type: 'delete' }
  | { type: 'addToCollection' }
  | { type: 'action'; group: 'upscale' | 'variation'; index: number };

export interface LightboxKey extends KeyLike {
  /** The physical key ("Digit2"): Shift+2 is "@" or "\"" depending on the layout. */
  code?: string;
}

/**
 * What a key does in the lightbox, or null. Plain keys only (Ctrl/Cmd/Alt combinations
 * keep their usual meaning, e.g. Ctrl+C copies selected text), and nothing while typing.
 * 1-4 run U1-U4 and Shift+1-4 run V1-V4; Shift+C compares the image with its parent.
 */
export function lightboxCommand(e: LightboxKey, inTextEntry: boolean): LightboxCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'Escape') return { type: 'close' };
  if (inTextEntry) return null;
  const digit = /^Digit([1-4])$/.exec(e.code ?? '')?.[1] ?? (/^[1-4]$/.test(e.key) ? e.key : null);
  if (digit) {
    return { type: 'action', group: e.shiftKey ? 'variation' : 'upscale', index: Number(digit) };
  }
  if (e.shiftKey) return e.key === 'C' || e.key === 'c' ? { type: 'compareParent' } : null;
  switch (e.key) {
    case 'ArrowLeft':
      return { type: 'prev' };
    case 'ArrowRight':
      return { type: 'next' };
    case 'f':
    case 'F':
      return { type: 'favorite' };
    case 'c':
    case 'C':
      return { type: 'copyPrompt' };
    case 'r':
    case 'R':
      return { type: 'reuse' };
    case 'Delete':
    case 'Backspace':
      return { type: 'delete' };
    case 'b':
    case 'B':
      return { type: 'addToCollection' };
    default:
      return null;
  }
}

/** The button a U/V key stands for, when the task offers it as a plain send. */
export function actionForKey(
  actions: readonly Action[],
  group: 'upscale' | 'variation',
  index: number,
): Action | null {
  return actions.find((a) => a.group === group && a.index === index && a.mode === 'send') ?? null;
}
