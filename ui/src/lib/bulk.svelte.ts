/**
 * Bulk actions on the gallery's selection (favorite, unfavorite, add to or remove from a
 * collection, delete): one at a time, with the core's progress (`bulk-progress`, one event per
 * chunk), a Cancel, and a sentence when it ends. Afterwards the gallery runs its query again
 * and the collection counts are fetched again. The core walks the images: the UI only sends
 * the selection (ids, or a query and its exceptions).
 */
import type { BulkAction } from './bindings/BulkAction';
import type { BulkOutcome } from './bindings/BulkOutcome';
import type { BulkProgress } from './bindings/BulkProgress';
import type { Collection } from './bindings/Collection';
import type { Selection } from './bindings/Selection';
import type { CollectionsStore } from './collections.svelte';
import { errorMessage } from './errors';
import * as ipc from './ipc';
import { outcomeText, progressText, toggleText } from './workbench';

/** What the runner needs from the gallery (the GalleryStore). */
export interface BulkHost {
  readonly collections: CollectionsStore;
  /** The selection is to be emptied (after a delete). */
  clearSelection(): void;
  /** Runs the gallery's query again, keeping the scroll. */
  reload(): Promise<void>;
  /** Fetches the collections (and their counts) again. */
  refreshCollections(): Promise<void>;
  /** Fetches the models and aspect ratios the library has again (after a delete). */
  refreshFacets?(): Promise<void>;
}

/** A bulk action on its way. */
export interface RunningBulk {
  opId: string;
  action: BulkAction;
  done: number;
  total: number;
  /** Cancel was pressed; the core stops before its next chunk. */
  cancelling: boolean;
}

/** A random id for one bulk action (its progress events and its Cancel carry it). */
export function newOpId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class BulkRunner {
  running = $state<RunningBulk | null>(null);
  /** The sentence of the last action that ended: what it did, or why it failed. */
  message = $state<{ text: string; error: boolean } | null>(null);

  #host: BulkHost;
  #newId: () => string;
  #unlisten: (() => void) | null = null;
  #listening: Promise<void> | null = null;

  constructor(host: BulkHost, options: { newId?: () => string } = {}) {
    this.#host = host;
    this.#newId = options.newId ?? newOpId;
  }

  /** The words of the progress bar: "Favoriting 4,000 of 100,000…". */
  get progressText(): string {
    const r = this.running;
    if (!r) return '';
    return r.cancelling
      ? 'Stopping…'
      : progressText(r.action, r.done, r.total, this.#host.collections.list);
  }

  /** Stops listening for progress. */
  stop(): void {
    this.#unlisten?.();
    this.#unlisten = null;
    this.#listening = null;
  }

  /** Subscribes to `bulk-progress` once (before the first action is sent). */
  #listen(): Promise<void> {
    this.#listening ??= ipc
      .onBulkProgress((p) => this.#progress(p))
      .then((unlisten) => {
        this.#unlisten = unlisten;
      })
      .catch(() => {
        // No progress events: the bar stays at its start until the action ends.
        this.#listening = null;
      });
    return this.#listening;
  }

  #progress(p: BulkProgress): void {
    const r = this.running;
    if (!r || p.opId !== r.opId) return;
    this.running = { ...r, done: p.done, total: p.total };
  }

  /**
   * Does `action` to every image of `selection` (`count`: how many, when known, for the bar
   * until the first progress event). Resolves to the outcome, or null when it failed or
   * another action is still running; the sentence is in `message`.
   */
  async run(
    selection: Selection,
    action: BulkAction,
    count: number | null,
  ): Promise<BulkOutcome | null> {
    if (this.running) return null;
    const opId = this.#newId();
    this.message = null;
    this.running = { opId, action, done: 0, total: count ?? 0, cancelling: false };
    // Words for the end, made while the collection still has its name (and exists).
    const collections = this.#host.collections.list;
    let outcome: BulkOutcome | null = null;
    try {
      await this.#listen();
      outcome = await ipc.applyBulk(opId, selection, action);
      this.message = { text: outcomeText(action, outcome, collections), error: false };
    } catch (error) {
      this.message = { text: errorMessage(error), error: true };
    } finally {
      this.running = null;
    }
    // Deleted images are gone, and removed ones leave the collection shown (Remove is offered
    // only there): what was selected is not on screen any more.
    if (outcome && (action.kind === 'delete' || action.kind === 'removeFromCollection')) {
      this.#host.clearSelection();
    }
    // Deleted images may have been the last of their model or aspect ratio.
    if (action.kind === 'delete') void this.#host.refreshFacets?.();
    await Promise.all([this.#host.reload(), this.#host.refreshCollections()]);
    return outcome;
  }

  /** Asks the core to stop the running action before its next chunk. */
  async cancel(): Promise<void> {
    const r = this.running;
    if (!r || r.cancelling) return;
    this.running = { ...r, cancelling: true };
    try {
      await ipc.cancelBulk(r.opId);
    } catch (error) {
      this.message = { text: errorMessage(error), error: true };
      if (this.running?.opId === r.opId) this.running = { ...this.running, cancelling: false };
    }
  }

  /**
   * Puts one image in a collection or takes it out (the lightbox's picker). Resolves to the
   * sentence to show; rejects with an AppError.
   */
  async toggleOne(imageId: number, collection: Collection, add: boolean): Promise<string> {
    const action: BulkAction = add
      ? { kind: 'addToCollection', collectionId: collection.id }
      : { kind: 'removeFromCollection', collectionId: collection.id };
    await ipc.applyBulk(this.#newId(), { kind: 'images', ids: [imageId] }, action);
    void this.#host.reload();
    void this.#host.refreshCollections();
    return toggleText(add, collection);
  }
}
