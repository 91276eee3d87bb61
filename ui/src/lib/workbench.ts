/**
 * The gallery workbench's pure parts: the words of the selection bar and of bulk actions
 * (progress, outcome, the delete question), the data a dragged thumbnail carries, the
 * collection list's names and the collection picker's keys. No DOM, no calls.
 */
import type { BulkAction } from './bindings/BulkAction';
import type { BulkOutcome } from './bindings/BulkOutcome';
import type { Collection } from './bindings/Collection';
import type { KeyLike } from './shortcuts';

/** The longest collection name the core takes. */
export const COLLECTION_NAME_MAX = 80;

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function images(n: number): string {
  return `${num(n)} ${n === 1 ? 'image' : 'images'}`;
}

/** "12 selected"; "All selected" while the count of every match is not known yet. */
export function selectedText(count: number | null): string {
  return count === null ? 'All selected' : `${num(count)} selected`;
}

/** The question the Delete button asks first. */
export function deleteQuestion(count: number | null): string {
  if (count === 1) return 'Delete 1 image and its file? This cannot be undone.';
  const what = count === null ? 'all the selected images' : images(count);
  return `Delete ${what} and their files? This cannot be undone.`;
}

/** The collection an action adds to or removes from, by id. */
function collectionName(action: BulkAction, collections: readonly Collection[]): string {
  if (action.kind !== 'addToCollection' && action.kind !== 'removeFromCollection') return '';
  const found = collections.find((c) => c.id === action.collectionId);
  return found ? found.name : 'the collection';
}

/** "Favoriting 4,000 of 100,000…" while a bulk action runs. */
export function progressText(
  action: BulkAction,
  done: number,
  total: number,
  collections: readonly Collection[] = [],
): string {
  const of = `${num(done)} of ${num(total)}`;
  const name = collectionName(action, collections);
  switch (action.kind) {
    case 'favorite':
      return `Favoriting ${of}…`;
    case 'unfavorite':
      return `Unfavoriting ${of}…`;
    case 'addToCollection':
      return `Adding ${of} to ${name}…`;
    case 'removeFromCollection':
      return `Removing ${of} from ${name}…`;
    case 'delete':
      return `Deleting ${of}…`;
  }
}

/** The participle of an action, for "Stopped: 4,000 of 100,000 favorited." */
function pastWords(action: BulkAction, name: string): string {
  switch (action.kind) {
    case 'favorite':
      return 'favorited';
    case 'unfavorite':
      return 'unfavorited';
    case 'addToCollection':
      return `added to ${name}`;
    case 'removeFromCollection':
      return `removed from ${name}`;
    case 'delete':
      return 'deleted';
  }
}

/** The sentence when none of the `done` images changed. */
function unchangedText(action: BulkAction, done: number, name: string): string {
  const one = done === 1;
  const all = one ? 'The image was' : `All ${images(done)} were`;
  const none = one ? 'The image was' : `None of the ${images(done)} were`;
  switch (action.kind) {
    case 'favorite':
      return one ? `${all} already a favorite.` : `${all} already favorites.`;
    case 'unfavorite':
      return one ? `${none} not a favorite.` : `${none} favorites.`;
    case 'addToCollection':
      return `${all} already in ${name}.`;
    case 'removeFromCollection':
      return one ? `${none} not in ${name}.` : `${none} in ${name}.`;
    case 'delete':
      return 'No images were deleted.';
  }
}

/**
 * The sentence after a bulk action: "12 images added to Moodboard.", with the ones that
 * were already so ("3 already were."), or "Stopped: 4,000 of 100,000 favorited.".
 */
export function outcomeText(
  action: BulkAction,
  outcome: BulkOutcome,
  collections: readonly Collection[] = [],
): string {
  const name = collectionName(action, collections);
  const past = pastWords(action, name);
  if (outcome.cancelled) return `Stopped: ${num(outcome.done)} of ${num(outcome.total)} ${past}.`;
  if (outcome.done === 0) return 'No images to change.';
  const same = Math.max(0, outcome.done - outcome.changed);
  if (outcome.changed === 0) return unchangedText(action, outcome.done, name);
  const main = `${images(outcome.changed)} ${past}.`;
  if (same === 0) return main;
  const rest: Record<BulkAction['kind'], string> = {
    favorite: 'already were',
    unfavorite: "weren't favorites",
    addToCollection: 'were already in it',
    removeFromCollection: "weren't in it",
    delete: 'were already gone',
  };
  return `${main} ${num(same)} ${rest[action.kind]}.`;
}

/** The sentence after one image was put in or taken out of a collection (lightbox). */
export function toggleText(added: boolean, collection: Collection): string {
  return added ? `Added to ${collection.name}.` : `Removed from ${collection.name}.`;
}

// Dragging thumbnails onto a collection.

/** The drag data type of gallery images (only the gallery reads it). */
export const DRAG_TYPE = 'application/x-atelier-images';

/** What a dragged thumbnail carries: the whole selection, or just these images. */
export type DragImages = { kind: 'selection' } | { kind: 'images'; ids: number[] };

/** The drag data of a cell: the selection when the cell is part of it, else the cell alone. */
export function dragPayload(imageId: number, selected: boolean): DragImages {
  return selected ? { kind: 'selection' } : { kind: 'images', ids: [imageId] };
}

/** Reads drag data back; null for anything that is not ours. */
export function parseDragPayload(raw: string | null | undefined): DragImages | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { kind?: unknown; ids?: unknown };
  if (v.kind === 'selection') return { kind: 'selection' };
  if (
    v.kind === 'images' &&
    Array.isArray(v.ids) &&
    v.ids.length > 0 &&
    v.ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id > 0)
  ) {
    return { kind: 'images', ids: v.ids as number[] };
  }
  return null;
}

// Collections.

/**
 * What is wrong with a collection name before the core is asked, or null. The core checks
 * again (and knows about taken names).
 */
export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the collection a name.';
  if ([...trimmed].length > COLLECTION_NAME_MAX) {
    return `A collection name can have at most ${COLLECTION_NAME_MAX} characters.`;
  }
  return null;
}

/** "1 image", "1,204 images": the count beside a collection. */
export function collectionCountText(count: number): string {
  return num(Math.max(0, count));
}

/** The question Delete asks about a collection. */
export function deleteCollectionQuestion(collection: Collection): string {
  const its =
    collection.count === 0
      ? 'It has no images.'
      : collection.count === 1
        ? 'Its image stays in the library.'
        : `Its ${images(collection.count)} stay in the library.`;
  return `Delete the collection “${collection.name}”? ${its}`;
}

/** The collection with this id, or null (a remembered filter whose collection is gone). */
export function findCollection(
  collections: readonly Collection[],
  id: number | null,
): Collection | null {
  return id === null ? null : (collections.find((c) => c.id === id) ?? null);
}

/**
 * Where focus goes in a menu of `count` items when a key is pressed at `index`
 * (-1: nowhere yet); null when the key does not move.
 */
export function menuKeyTarget(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowDown':
      return index < 0 ? 0 : (index + 1) % count;
    case 'ArrowUp':
      return index < 0 ? count - 1 : (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** Where a popover (the collection picker) goes: under its opener, else above it. */
export function popoverPosition(
  opener: { left: number; top: number; bottom: number },
  size: { width: number; height: number },
  viewport: { width: number; height: number },
  margin = 8,
): { left: number; top: number } {
  const left = Math.max(margin, Math.min(opener.left, viewport.width - size.width - margin));
  const below = opener.bottom + 4;
  const top =
    below + size.height <= viewport.height - margin
      ? below
      : Math.max(margin, opener.top - 4 - size.height);
  return { left, top };
}

// The gallery's selection keys (the `gallery-select*`, `gallery-add-to-collection` and
// `selection-*` rows of the shortcut table).

export type WorkbenchCommand =
  | { type: 'toggle' }
  | { type: 'range' }
  | { type: 'selectAll' }
  | { type: 'clear' }
  | { type: 'collect' }
  | { type: 'compare' }
  | { type: 'export' }
  | { type: 'delete' };

/**
 * What a key does in the gallery's grid, or null. The caller leaves out keys typed into a text
 * field or pressed in a dialog, the lightbox or a menu. X and Shift+X work on the focused image,
 * B on it or on the selection; Esc, C, E and Delete while something is selected; Ctrl/Cmd+A
 * selects every match.
 */
export function workbenchCommand(
  e: KeyLike,
  ctx: { onCell: boolean; selecting: boolean },
): WorkbenchCommand | null {
  if (e.altKey) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.ctrlKey || e.metaKey) {
    return key === 'a' && !e.shiftKey ? { type: 'selectAll' } : null;
  }
  if (key === 'x' && ctx.onCell) return e.shiftKey ? { type: 'range' } : { type: 'toggle' };
  if (e.shiftKey) return null;
  if (key === 'b' && (ctx.onCell || ctx.selecting)) return { type: 'collect' };
  if (!ctx.selecting) return null;
  switch (key) {
    case 'Escape':
      return { type: 'clear' };
    case 'c':
      return { type: 'compare' };
    case 'e':
      return { type: 'export' };
    case 'Delete':
      return { type: 'delete' };
    default:
      return null;
  }
}

// Sets of image ids, never changed in place (the selection replaces its set on each change).

/** A copy of `set` with `id` in it if it was not, and out of it if it was. */
export function toggled(set: ReadonlySet<number>, id: number): ReadonlySet<number> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** A copy of `set` with `ids` added (`add`) or taken out. */
export function withIds(
  set: ReadonlySet<number>,
  ids: readonly number[],
  add: boolean,
): ReadonlySet<number> {
  const next = new Set(set);
  for (const id of ids) {
    if (add) next.add(id);
    else next.delete(id);
  }
  return next;
}
