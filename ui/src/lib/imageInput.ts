/**
 * What an image input (ImageInput.svelte) takes, and the sentences it says: a web address
 * typed or pasted, an image dragged from the gallery (its library id: the core gives its
 * original provider address) or from a task card (the provider address it carries), and files
 * from the desktop, which cannot be sent. Pure functions, no DOM.
 */
import { validateHttpUrl } from './format';
import { DRAG_TYPE, parseDragPayload, type DragImages } from './workbench';

/** The drag data type of an image dragged from a task card: `CardImage` as JSON. */
export const CARD_IMAGE_TYPE = 'application/x-atelier-task-image';

/** An image of a task card, as dragged: the provider address to send, the local copy to show. */
export interface CardImage {
  url: string;
  thumb: string | null;
}

/** Said in every drop zone, and again when files are dropped on one. */
export const LOCAL_FILES_MESSAGE =
  'Files from this computer cannot be sent: both services take only web addresses, and Atelier has no upload host. Drag an image from the gallery or a task card, or paste its web address.';

/** Said when a whole gallery selection is dropped. */
export const SELECTION_MESSAGE =
  'Drop one image at a time here: a whole selection cannot be dropped.';

/** The parts of a `DataTransfer` the drop reads. */
export interface DropData {
  types: readonly string[];
  getData(type: string): string;
}

/** What a drop (or a paste) brought. */
export type Dropped =
  | { type: 'gallery'; imageIds: number[] }
  | { type: 'selection' }
  | { type: 'card'; image: CardImage }
  | { type: 'files' }
  | { type: 'url'; url: string }
  | { type: 'none' };

/** The card image carried as JSON, or null for anything else. */
export function parseCardImage(raw: string | null | undefined): CardImage | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const v = value as { url?: unknown; thumb?: unknown };
    if (typeof v.url !== 'string' || validateHttpUrl(v.url) !== null || !v.url.trim()) return null;
    return { url: v.url.trim(), thumb: typeof v.thumb === 'string' ? v.thumb : null };
  } catch {
    return null;
  }
}

/** True when a drag carries something an image input may take (the drop then says what). */
export function carriesImage(types: readonly string[], carried: DragImages | null): boolean {
  if (carried) return true;
  return [DRAG_TYPE, CARD_IMAGE_TYPE, 'Files', 'text/uri-list', 'text/plain'].some((t) =>
    types.includes(t),
  );
}

/**
 * Reads a drop. `carried` is the system drag of gallery images this window started (see
 * dragOut.svelte.ts): while it runs, the drop looks like files but is the gallery's.
 */
export function readDrop(data: DropData | null, carried: DragImages | null = null): Dropped {
  const gallery = carried ?? (data ? parseDragPayload(data.getData(DRAG_TYPE)) : null);
  if (gallery) {
    return gallery.kind === 'selection'
      ? { type: 'selection' }
      : { type: 'gallery', imageIds: gallery.ids };
  }
  if (!data) return { type: 'none' };
  const card = parseCardImage(data.getData(CARD_IMAGE_TYPE));
  if (card) return { type: 'card', image: card };
  if (data.types.includes('Files')) return { type: 'files' };
  const text = firstUrl(data.getData('text/uri-list')) ?? data.getData('text/plain').trim();
  return text ? { type: 'url', url: text } : { type: 'none' };
}

/** The first address of a `text/uri-list` (comments start with #). */
function firstUrl(list: string): string | null {
  const line = list
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  return line ?? null;
}

/** What is wrong with an address before it is checked, or null when it may be checked. */
export function urlProblem(text: string): string | null {
  if (!text.trim()) return 'Paste or type the image’s web address first.';
  return validateHttpUrl(text);
}

/**
 * `urls` with `url` added, or the sentence why it cannot be: a one-image input takes the new
 * image in place of the old one; a full one says how many it takes.
 */
export function addUrl(
  urls: readonly string[],
  url: string,
  max: number,
): { urls: string[] } | { problem: string } {
  const clean = url.trim();
  if (max <= 1) return { urls: [clean] };
  if (urls.includes(clean)) return { problem: 'That image is already here.' };
  if (urls.length >= max) {
    return { problem: `This takes at most ${max} images: remove one first.` };
  }
  return { urls: [...urls, clean] };
}

/** The host name of an address, for a thumbnail that cannot be shown ("cdn.example.com"). */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname || url;
  } catch {
    return url;
  }
}
