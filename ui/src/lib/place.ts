/**
 * Where the person was, remembered across restarts: the view, the gallery's search and
 * filters (and the collection shown), how far down the gallery they had scrolled (as the index of the first image in
 * view, so a different window size still lands on the same images) and the image open in the
 * lightbox. Kept in the webview's own storage (like the gallery's cell size), never anything
 * secret; read back field by field, so a damaged or older entry falls back per field instead
 * of losing the rest.
 */
import type { ImageKind } from './bindings/ImageKind';
import type { ProviderKind } from './bindings/ProviderKind';
import type { SortOrder } from './bindings/SortOrder';
import {
  aspectRatio,
  DATE_PRESETS,
  DEFAULT_FILTERS,
  KIND_FILTERS,
  SORT_ORDERS,
  type DatePreset,
  type GalleryFilters,
} from './gallery';
import { VIEWS, type View } from './shortcuts';

/** The storage key. */
export const PLACE_KEY = 'atelier.place';
/** The longest search text remembered (a pasted novel is not worth keeping). */
const MAX_TEXT = 500;
/** The longest model name taken back (longer is not a model the core reported). */
const MAX_MODEL = 200;
/** The largest first-image index taken back (the library bench's 400,000 images, and more). */
const MAX_INDEX = 10_000_000;

/** The gallery part of a [`Place`]. */
export interface GalleryPlace {
  filters: GalleryFilters;
  /** The first image in view when the person left (0: the top). */
  firstIndex: number;
  /** The image open in the lightbox, if one was. */
  openImageId: number | null;
}

/** Where the person was. */
export interface Place {
  view: View;
  gallery: GalleryPlace;
}

/** A fresh start: Create, the whole gallery from the top, no lightbox. */
export function defaultPlace(): Place {
  return {
    view: 'create',
    gallery: { filters: { ...DEFAULT_FILTERS }, firstIndex: 0, openImageId: null },
  };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

function count(value: unknown, max: number): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max
    ? value
    : null;
}

/** A remembered model or aspect: a short non-blank string, else no filter. */
function facetValue(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max ? value : null;
}

/** Reads a stored place; anything missing, of the wrong type or out of range is the default. */
export function parsePlace(raw: string | null): Place {
  const place = defaultPlace();
  if (!raw) return place;
  let stored: unknown;
  try {
    stored = JSON.parse(raw);
  } catch {
    return place;
  }
  const top = record(stored);
  place.view = oneOf(top.view, VIEWS, place.view);
  const gallery = record(top.gallery);
  const filters = record(gallery.filters);
  const f = place.gallery.filters;
  if (typeof filters.text === 'string') f.text = filters.text.slice(0, MAX_TEXT);
  f.provider = oneOf<ProviderKind | 'all'>(
    filters.provider,
    ['all', 'linkr', 'journey'],
    f.provider,
  );
  f.kind = oneOf<ImageKind | 'all'>(
    filters.kind,
    KIND_FILTERS.map((k) => k.value),
    f.kind,
  );
  if (typeof filters.favoritesOnly === 'boolean') f.favoritesOnly = filters.favoritesOnly;
  f.model = facetValue(filters.model, MAX_MODEL);
  const aspect = facetValue(filters.aspect, 20);
  f.aspect = aspect !== null && aspectRatio(aspect) !== null ? aspect : null;
  if (typeof filters.hasChildren === 'boolean') f.hasChildren = filters.hasChildren;
  f.date = oneOf<DatePreset>(
    filters.date,
    DATE_PRESETS.map((d) => d.value),
    f.date,
  );
  f.order = oneOf<SortOrder>(
    filters.order,
    SORT_ORDERS.map((o) => o.value),
    f.order,
  );
  const collection = count(filters.collection, Number.MAX_SAFE_INTEGER);
  f.collection = collection !== null && collection > 0 ? collection : null;
  place.gallery.firstIndex = count(gallery.firstIndex, MAX_INDEX) ?? 0;
  const open = count(gallery.openImageId, Number.MAX_SAFE_INTEGER);
  place.gallery.openImageId = open !== null && open > 0 ? open : null;
  return place;
}

/** What `storage` remembers (the default when there is no storage or it cannot be read). */
export function loadPlace(storage: Storage | undefined = globalThis.localStorage): Place {
  try {
    return parsePlace(storage?.getItem(PLACE_KEY) ?? null);
  } catch {
    return defaultPlace();
  }
}

/** A change to remember: the view, and any of the gallery's fields. */
export interface PlaceChange {
  view?: View;
  gallery?: Partial<GalleryPlace>;
}

/** Remembers `change` on top of what is stored. Never throws: not remembering is fine. */
export function savePlace(
  change: PlaceChange,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  try {
    if (!storage) return;
    const place = loadPlace(storage);
    const next: Place = {
      view: change.view ?? place.view,
      gallery: {
        ...place.gallery,
        ...change.gallery,
        filters: { ...(change.gallery?.filters ?? place.gallery.filters) },
      },
    };
    storage.setItem(PLACE_KEY, JSON.stringify(next));
  } catch {
    // storage full or refused: the next start begins at the default place
  }
}
