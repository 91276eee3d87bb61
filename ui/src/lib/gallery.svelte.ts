/**
 * The gallery's live state (Svelte 5 runes): the toolbar's filters, the list of images
 * (pages fetched on demand through the cursor; only a window of them held in full, see
 * galleryWindow.ts), the total, and the calls the grid and the lightbox make (the lightbox's
 * detail, clipboard, file and button calls too: no component calls the core itself). One
 * instance per mounted Gallery view.
 */
import { BulkRunner } from './bulk.svelte';
import type { ActionInput } from './bindings/ActionInput';
import type { BulkAction } from './bindings/BulkAction';
import type { BulkOutcome } from './bindings/BulkOutcome';
import type { GalleryFacets } from './bindings/GalleryFacets';
import type { GalleryImage } from './bindings/GalleryImage';
import type { GalleryQuery } from './bindings/GalleryQuery';
import type { GalleryResults } from './bindings/GalleryResults';
import type { ImageDetail } from './bindings/ImageDetail';
import type { Submitted } from './bindings/Submitted';
import { CollectionsStore } from './collections.svelte';
import { errorMessage } from './errors';
import {
  buildQuery,
  CELL_SIZE_DEFAULT,
  CELL_SIZE_MAX,
  CELL_SIZE_MIN,
  PAGE_SIZE,
  SEARCH_DEBOUNCE_MS,
  withFavorite,
  type GalleryFilters,
} from './gallery';
import * as ipc from './ipc';
import { NO_INPUT } from './actionInputs';
import { loadPlace, savePlace } from './place';
import { GallerySelection } from './selection.svelte';
import { GalleryWindow, heldAt, type PageRequest } from './galleryWindow';
import type { DragImages } from './workbench';

const CELL_SIZE_KEY = 'atelier.gallery.cellSize';
/** Several gallery-changed events in a row cause one re-query. */
const CHANGE_COALESCE_MS = 250;
/** The most images fetched again at once after a bulk action (the core's page limit). */
const RELOAD_MAX = 1000;

function clampCellSize(n: number): number {
  if (!Number.isFinite(n)) return CELL_SIZE_DEFAULT;
  return Math.min(CELL_SIZE_MAX, Math.max(CELL_SIZE_MIN, Math.round(n)));
}

function storedCellSize(): number {
  try {
    const raw = globalThis.localStorage?.getItem(CELL_SIZE_KEY);
    return raw ? clampCellSize(Number(raw)) : CELL_SIZE_DEFAULT;
  } catch {
    return CELL_SIZE_DEFAULT;
  }
}

export class GalleryStore {
  /** The toolbar: the search and filters the person left, else everything (place.ts). */
  filters = $state<GalleryFilters>({ ...loadPlace().gallery.filters });
  /**
   * The images held in full: positions `offset` .. `offset + resident.length - 1` (a window
   * of whole pages around what the grid shows). Replaced as a whole, never deep-proxied.
   */
  resident = $state.raw<GalleryImage[]>([]);
  /** The position of `resident[0]`. */
  offset = $state(0);
  /** How many positions are known: scrolled past or loaded ahead (the grid's length). */
  count = $state(0);
  /** How many images match the query in all. */
  total = $state(0);
  /**
   * False while `total` is a floor: a broad prompt search's first page stops counting at the
   * core's cap; the exact count is asked for right after (`#countExactly`).
   */
  totalExact = $state(true);
  nextCursor = $state<string | null>(null);
  /** The first page of the current query has answered (or failed). */
  loaded = $state(false);
  /** A first page is on its way. */
  searching = $state(false);
  /** A further page is on its way. */
  loadingMore = $state(false);
  /** The sentence of the last thing that failed here (search, paging, a star). */
  error = $state<string | null>(null);
  cellSize = $state(storedCellSize());
  /** The models and aspect ratios the library's images have (the toolbar's menus offer them). */
  facets = $state.raw<GalleryFacets>({ models: [], aspects: [] });

  hasMore = $derived(this.nextCursor !== null);

  /** The images picked for a bulk action (cleared whenever the query changes). */
  readonly selection: GallerySelection = new GallerySelection(this);
  /** The collections of the side list and the picker. */
  readonly collections = new CollectionsStore();
  /** Bulk actions on the selection. */
  readonly bulk: BulkRunner = new BulkRunner(this);

  /** Called after a new query's first page replaced the list (scroll to the top). */
  onreset: (() => void) | null = null;
  /** Called after `added` new images were put in front of the list (keep the scroll). */
  onprepend: ((added: number) => void) | null = null;

  #generation = 0;
  /** The list: every known position's id, the pages' cursors, the window. */
  #window = new GalleryWindow();
  /** Bumped whenever the known ids change (`indexOf` and `idAt` depend on it). */
  #idsVersion = $state(0);
  /** The positions shown last (the grid's, or the lightbox's): the window follows them. */
  #shown = { first: 0, last: 0 };
  /** A page of the window is on its way. */
  #paging = false;
  #facetsRequest = 0;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #changeTimer: ReturnType<typeof setTimeout> | undefined;
  #unlisten: (() => void) | null = null;
  #stopped = false;
  #now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    // A plain instant for the query, never state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.#now = options.now ?? (() => new Date());
  }

  /** Subscribes to new images and loads the first page. */
  async start(): Promise<void> {
    this.#stopped = false;
    if (!this.#unlisten && ipc.hasBackend()) {
      try {
        const unlisten = await ipc.onGalleryChanged(() => this.#scheduleRequery());
        if (this.#stopped) unlisten();
        else this.#unlisten = unlisten;
      } catch (error) {
        this.error = `New images won't appear by themselves: ${errorMessage(error)}`;
      }
    }
    await Promise.all([this.refresh(), this.refreshCollections(), this.refreshFacets()]);
  }

  stop(): void {
    this.#stopped = true;
    this.#unlisten?.();
    this.#unlisten = null;
    this.bulk.stop();
    clearTimeout(this.#searchTimer);
    clearTimeout(this.#changeTimer);
    this.#generation++;
  }

  /** The search box: the query follows the typing after a short pause. */
  setText(text: string): void {
    if (text !== this.filters.text) this.selection.clear();
    this.filters.text = text;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => void this.refresh(), SEARCH_DEBOUNCE_MS);
  }

  /** A filter changed: query at once. */
  setFilters(patch: Partial<Omit<GalleryFilters, 'text'>>): void {
    this.selection.clear();
    Object.assign(this.filters, patch);
    void this.refresh();
  }

  /** Shows one collection's images (null: all images). */
  setCollection(id: number | null): void {
    if (id === this.filters.collection) return;
    this.setFilters({ collection: id });
  }

  /** The query of the toolbar and the collection now, without cursor or page size. */
  currentQuery(): GalleryQuery {
    const query = buildQuery($state.snapshot(this.filters), { now: this.#now() });
    delete query.limit;
    return query;
  }

  clearSelection(): void {
    this.selection.clear();
  }

  /** Does `action` to the selected images (see BulkRunner). */
  applyToSelection(action: BulkAction): Promise<BulkOutcome | null> {
    return this.bulk.run(this.selection.toSelection(), action, this.selection.count);
  }

  /**
   * Makes a collection and adds these images (or the selection) to it. Resolves to the
   * sentence saying why the collection could not be made, else null (the add then runs on,
   * with its progress and its sentence in the selection bar).
   */
  async addToNewCollection(images: DragImages, name: string): Promise<string | null> {
    const made = await this.collections.create(name);
    if (made.error !== null) return made.error;
    void this.applyTo(images, { kind: 'addToCollection', collectionId: made.value.id });
    return null;
  }

  /** Does `action` to these images, or to the selection (a drag of selected thumbnails). */
  applyTo(images: DragImages, action: BulkAction): Promise<BulkOutcome | null> {
    if (images.kind === 'selection') return this.applyToSelection(action);
    return this.bulk.run({ kind: 'images', ids: images.ids }, action, images.ids.length);
  }

  /**
   * Fetches the collections again; a collection filter whose collection is gone falls back to
   * all images.
   */
  async refreshCollections(): Promise<void> {
    await this.collections.load();
    const shown = this.filters.collection;
    if (shown !== null && this.collections.loaded && !this.collections.get(shown)) {
      this.setCollection(null);
    }
  }

  /**
   * Fetches the models and aspect ratios the library has again (the toolbar's menus). When
   * that fails the menus keep what they had: a chosen value is offered all the same.
   */
  async refreshFacets(): Promise<void> {
    const request = ++this.#facetsRequest;
    try {
      const facets = await ipc.galleryFacets();
      if (request === this.#facetsRequest) this.facets = facets;
    } catch {
      // Not worth a sentence: the gallery itself works, the menus are only shorter.
    }
  }

  /**
   * An import added images or collections: fetch the results, the collections and the
   * models and ratios again.
   */
  async afterImport(): Promise<void> {
    await Promise.all([this.reload(), this.refreshCollections(), this.refreshFacets()]);
  }

  setCellSize(size: number): void {
    this.cellSize = clampCellSize(size);
    try {
      globalThis.localStorage?.setItem(CELL_SIZE_KEY, String(this.cellSize));
    } catch {
      // not remembered; fine
    }
  }

  /** The position of an image among the known ones, or -1. */
  indexOf(imageId: number): number {
    void this.#idsVersion;
    return this.#window.indexOf(imageId);
  }

  /** The id of the image at a known position. */
  idAt(index: number): number | undefined {
    void this.#idsVersion;
    return this.#window.ids[index];
  }

  /** The image at `index` when it is held in full (in the window), else undefined. */
  at(index: number): GalleryImage | undefined {
    return heldAt(this.resident, this.offset, index);
  }

  /** An image by id, when it is held in full. */
  find(imageId: number): GalleryImage | undefined {
    return this.resident.find((img) => img.item.imageId === imageId);
  }

  /**
   * The grid (or the lightbox) shows positions `first`..`last`: the window follows, fetching
   * the pages around them that it lets go of earlier, and letting go of far ones.
   */
  show(first: number, last: number): void {
    this.#shown = { first, last: Math.max(first, last) };
    void this.#pump();
  }

  /**
   * The image at a known position, fetching its page when the window does not hold it (the
   * lightbox stepping past the window). The window moves there.
   */
  async imageAt(index: number): Promise<GalleryImage | undefined> {
    if (index < 0 || index >= this.count) return undefined;
    const held = this.at(index);
    if (held) return held;
    this.#shown = { first: index, last: index };
    const request = this.#window.missing(index, index, 0);
    if (request) await this.#fetchPage(request);
    return this.at(index);
  }

  /**
   * Mirrors the window into the state the view reads; `idsChanged` false when only the window
   * moved (what reads positions by id need not look again).
   */
  #sync(idsChanged = true): void {
    const w = this.#window;
    this.resident = w.resident;
    this.offset = w.offset;
    this.count = w.count;
    this.nextCursor = w.nextCursor;
    if (idsChanged) this.#idsVersion++;
  }

  /** Fetches what the window misses around the shown positions, one page at a time. */
  async #pump(): Promise<void> {
    if (this.#paging || this.searching || !this.loaded) return;
    const { first, last } = this.#shown;
    const request = this.#window.missing(first, last);
    if (!request) {
      this.#window.evict(first, last);
      if (this.#window.resident !== this.resident) this.#sync(false);
      return;
    }
    if (await this.#fetchPage(request)) void this.#pump();
  }

  /** Fetches one page of the window again; true when it came (and the pump may go on). */
  async #fetchPage(request: PageRequest): Promise<boolean> {
    const generation = this.#generation;
    this.#paging = true;
    try {
      const results = await ipc.gallerySearch(
        buildQuery($state.snapshot(this.filters), {
          cursor: request.cursor ?? undefined,
          limit: request.limit,
          now: this.#now(),
        }),
      );
      if (generation !== this.#generation) return false;
      const changed = this.#window.fill(request, results.items, results.nextCursor);
      this.#window.evict(this.#shown.first, this.#shown.last);
      this.#sync(changed);
      return true;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
      return false;
    } finally {
      if (generation === this.#generation) this.#paging = false;
    }
  }

  /** Runs the current query from its first page. */
  async refresh(): Promise<void> {
    clearTimeout(this.#searchTimer);
    const generation = ++this.#generation;
    this.#paging = false;
    this.searching = true;
    savePlace({ gallery: { filters: $state.snapshot(this.filters) } });
    const query = buildQuery($state.snapshot(this.filters), { limit: PAGE_SIZE, now: this.#now() });
    try {
      const results = await ipc.gallerySearch(query);
      if (generation !== this.#generation) return;
      this.#takeFirstPage(results, query, generation);
      this.onreset?.();
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#window.reset([], null);
      this.#sync();
      this.total = 0;
      this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) {
        this.searching = false;
        this.loaded = true;
        this.loadingMore = false;
      }
    }
  }

  /** Shows a query's first page (all that is loaded now) and its count. */
  #takeFirstPage(results: GalleryResults, query: GalleryQuery, generation: number): void {
    this.#window.reset(results.items, results.nextCursor);
    this.#sync();
    this.total = results.total ?? this.count;
    this.totalExact = results.totalExact;
    this.error = null;
    if (!results.totalExact) void this.#countExactly(query, generation);
  }

  /** Asks the core for the exact count of `query`, whose first page was capped. */
  async #countExactly(query: GalleryQuery, generation: number): Promise<void> {
    try {
      const total = await ipc.galleryCount(query);
      if (generation !== this.#generation) return;
      this.total = Math.max(total, this.count);
      this.totalExact = true;
    } catch {
      // The floor stays ("more than 10,000"): the page itself is fine.
    }
  }

  /**
   * Runs the current query again after a bulk action changed images: as many images as are
   * loaded now (up to RELOAD_MAX) come back, and the scroll stays (no `onreset`).
   */
  async reload(): Promise<void> {
    clearTimeout(this.#searchTimer);
    const generation = ++this.#generation;
    this.#paging = false;
    const limit = Math.min(RELOAD_MAX, Math.max(PAGE_SIZE, this.count));
    const query = buildQuery($state.snapshot(this.filters), { limit, now: this.#now() });
    this.loadingMore = false;
    try {
      const results = await ipc.gallerySearch(query);
      if (generation !== this.#generation) return;
      this.#takeFirstPage(results, query, generation);
      this.loaded = true;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    }
  }

  /** Fetches the next page, when there is one and none is on its way. */
  async loadMore(): Promise<void> {
    const cursor = this.nextCursor;
    if (!cursor || this.loadingMore || this.searching) return;
    const generation = this.#generation;
    this.loadingMore = true;
    try {
      const results = await ipc.gallerySearch(
        buildQuery($state.snapshot(this.filters), { cursor, limit: PAGE_SIZE, now: this.#now() }),
      );
      if (generation !== this.#generation || cursor !== this.nextCursor) return;
      this.#window.append(results.items, cursor, results.nextCursor);
      this.#window.evict(this.#shown.first, this.#shown.last);
      this.#sync();
      // A later page is not counted again (the core counts when the query changes).
      this.total = Math.max(results.total ?? this.total, this.count);
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loadingMore = false;
    }
  }

  #scheduleRequery(): void {
    clearTimeout(this.#changeTimer);
    this.#changeTimer = setTimeout(() => void this.requery(), CHANGE_COALESCE_MS);
  }

  /**
   * New images arrived (`gallery-changed`): fetch the first page again and put what is new
   * in front, keeping everything already loaded (and the scroll) where it is.
   */
  async requery(): Promise<void> {
    // New images may bring a model or an aspect ratio the menus do not offer yet.
    void this.refreshFacets();
    if (!this.loaded || this.searching) {
      if (!this.searching) await this.refresh();
      return;
    }
    const generation = this.#generation;
    const query = buildQuery($state.snapshot(this.filters), { limit: PAGE_SIZE, now: this.#now() });
    try {
      const results = await ipc.gallerySearch(query);
      if (generation !== this.#generation) return;
      const merged = this.#window.mergeFirst(results.items, results.nextCursor);
      this.total = results.total ?? this.total;
      this.totalExact = results.totalExact;
      if (merged.replaced) {
        this.#generation++;
        this.loadingMore = false;
        this.#paging = false;
        this.#sync();
        this.onreset?.();
      } else {
        this.#sync();
        // Newest first, new images come in above: the view keeps what it showed in place.
        if (this.filters.order === 'newestFirst' && merged.shift > 0) {
          this.onprepend?.(merged.shift);
        }
      }
      // After the window's generation may have moved on, so the exact count is kept.
      if (!results.totalExact) void this.#countExactly(query, this.#generation);
      void this.refreshCollections();
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    }
  }

  /**
   * Stars or unstars an image (shown at once, undone when the core says no). Resolves to
   * the image as stored; rejects with an AppError.
   */
  async setFavorite(image: GalleryImage, favorite: boolean): Promise<GalleryImage> {
    const id = image.item.imageId;
    const before = this.find(id);
    if (before) this.#replace(withFavorite(before, favorite));
    try {
      const updated = await ipc.setFavorite(id, favorite);
      this.#replace(updated);
      return updated;
    } catch (error) {
      const now = this.find(id);
      if (before && now) this.#replace(withFavorite(now, before.item.favorite));
      throw error;
    }
  }

  /** An image's new copy, where the window holds it. */
  #replace(image: GalleryImage): void {
    this.#window.replace(image);
    this.resident = this.#window.resident;
  }

  /** Deletes an image (rows and files) and takes it out of the list. Rejects with an AppError. */
  async remove(imageId: number): Promise<void> {
    await ipc.deleteImage(imageId);
    if (this.#window.remove(imageId)) {
      this.#sync();
      this.total = Math.max(this.count, this.total - 1);
    }
    if (this.selection.isSelected(imageId) && !this.selection.allMatching) {
      this.selection.toggle(imageId);
    }
    void this.refreshCollections();
    // It may have been the last image of its model or ratio.
    void this.refreshFacets();
  }

  /** The task, buttons and lineage of an image. Rejects with an AppError. */
  detail(imageId: number): Promise<ImageDetail> {
    return ipc.imageDetail(imageId);
  }

  /** Puts text (a prompt) on the clipboard. Rejects with an AppError. */
  copyText(text: string): Promise<void> {
    return ipc.copyText(text);
  }

  /** Puts the image itself on the clipboard. Rejects with an AppError. */
  copyImage(imageId: number): Promise<void> {
    return ipc.copyImage(imageId);
  }

  /**
   * Asks where to save a copy of the original and writes it there. Resolves to the path, or
   * null when the person cancelled; rejects with an AppError.
   */
  saveAs(imageId: number): Promise<string | null> {
    return ipc.saveImageAs(imageId);
  }

  /** Opens the file manager at the original. Rejects with an AppError. */
  showInFolder(imageId: number): Promise<void> {
    return ipc.showInFolder(imageId);
  }

  /**
   * Presses a button of an image's task; resolves to what the core did with it: the new task
   * sent (for the Create feed), or the job waiting in the local queue. Rejects with an AppError.
   */
  runAction(taskId: string, actionId: string, input: ActionInput | null): Promise<Submitted> {
    return ipc.runAction(taskId, actionId, input ?? NO_INPUT);
  }
}
