// @vitest-environment jsdom
/**
 * The gallery workbench in the mounted Gallery: selecting (clicks, check buttons, keys, a
 * rubber band), the selection bar and its bulk actions, the collections side list, dragging
 * thumbnails onto a collection and the collection picker (grid and lightbox). IPC mocked.
 */
import { createEvent, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BulkOutcome } from '../bindings/BulkOutcome';
import type { BulkProgress } from '../bindings/BulkProgress';
import type { Collection } from '../bindings/Collection';
import type { GalleryImage } from '../bindings/GalleryImage';
import type { GalleryQuery } from '../bindings/GalleryQuery';
import type { GalleryResults } from '../bindings/GalleryResults';
import type { ImageDetail } from '../bindings/ImageDetail';
import { makeImage, makeImages, makeView } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  onGalleryChanged: vi.fn(async () => () => {}),
  imageDetail: vi.fn(),
  setFavorite: vi.fn(),
  deleteImage: vi.fn(),
  listCollections: vi.fn(),
  createCollection: vi.fn(),
  renameCollection: vi.fn(),
  deleteCollection: vi.fn(),
  applyBulk: vi.fn(),
  cancelBulk: vi.fn(),
  onBulkProgress: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { compare } from '../compare.svelte';
import { dragOut } from '../dragOut.svelte';
import { app } from '../state.svelte';
import GalleryView from './GalleryView.svelte';

const TOTAL = 100_000;

const moodboard: Collection = {
  id: 4,
  name: 'Moodboard',
  count: 12,
  createdAt: '2026-03-01T10:00:00Z',
};
const birds: Collection = { id: 7, name: 'Birds', count: 1, createdAt: '2026-03-02T10:00:00Z' };

let collections: Collection[] = [];
let progress: ((p: BulkProgress) => void) | null = null;

/** A library of `total` images, a page at a time (a collection filter keeps the first 3). */
function library(total = TOTAL) {
  ipcMock.gallerySearch.mockImplementation(async (query: GalleryQuery): Promise<GalleryResults> => {
    const all = query.collection !== undefined ? 3 : total;
    const start = query.cursor ? Number(query.cursor) : 0;
    const end = Math.min(all, start + (query.limit ?? 200));
    return {
      items: makeImages(start + 1, end - start),
      nextCursor: end < all ? String(end) : null,
      total: query.cursor ? null : all,
      totalExact: true,
    };
  });
}

function detailOf(image: GalleryImage, inCollections: number[] = []): ImageDetail {
  return {
    image,
    task: makeView({ id: image.item.taskId, status: 'succeeded' }),
    parent: null,
    children: [],
    siblings: [image],
    collections: inCollections,
  };
}

/** An applyBulk the test finishes itself. */
function pendingBulk() {
  let finish: (o: BulkOutcome) => void = () => {};
  ipcMock.applyBulk.mockImplementation(() => new Promise<BulkOutcome>((r) => (finish = r)));
  return (o: BulkOutcome) => finish(o);
}

const done = (n: number, changed = n): BulkOutcome => ({
  total: n,
  done: n,
  changed,
  cancelled: false,
});

beforeEach(() => {
  localStorage.clear();
  vi.clearAllMocks();
  ipcMock.hasBackend.mockReturnValue(true);
  collections = [birds, moodboard];
  ipcMock.listCollections.mockImplementation(async () => collections);
  ipcMock.imageDetail.mockImplementation(async (id: number) => detailOf(makeImage(id)));
  ipcMock.onBulkProgress.mockImplementation(async (cb: (p: BulkProgress) => void) => {
    progress = cb;
    return () => {};
  });
  ipcMock.applyBulk.mockImplementation(async () => done(1));
  ipcMock.cancelBulk.mockResolvedValue(true);
  app.view = 'gallery';
  library();
});

afterEach(() => {
  compare.close();
});

const cell = (id: number) =>
  document.querySelector<HTMLElement>(`[data-testid="gallery-item"][data-image-id="${id}"]`)!;
const openButton = (id: number) => cell(id).querySelector<HTMLElement>('button.open')!;
const selectedIds = () =>
  [...document.querySelectorAll<HTMLElement>('[data-testid="gallery-item"][data-selected="true"]')]
    .map((c) => Number(c.dataset.imageId))
    .sort((a, b) => a - b);
const countText = () => screen.getByTestId('gallery-selection-count').textContent?.trim();
const bar = () => screen.queryByTestId('gallery-selection-bar');
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

async function renderGallery() {
  const result = render(GalleryView);
  await waitFor(() =>
    expect(screen.getByTestId('gallery-count').textContent).toBe('100,000 images'),
  );
  await waitFor(() => expect(screen.getAllByTestId('gallery-collection')).toHaveLength(2));
  return result;
}

/** A fake DataTransfer (jsdom has none). */
function dataTransfer() {
  const data = new Map<string, string>();
  return {
    data,
    get types() {
      return [...data.keys()];
    },
    setData: (type: string, value: string) => void data.set(type, value),
    getData: (type: string) => data.get(type) ?? '',
    effectAllowed: 'none',
    dropEffect: 'none',
  };
}

describe('selecting images', () => {
  it('starts with nothing selected: a click opens the image', async () => {
    await renderGallery();
    expect(bar()).toBeNull();
    await fireEvent.click(openButton(1), { detail: 1 });
    expect(await screen.findByTestId('lightbox')).toBeTruthy();
  });

  it('Ctrl+click toggles, then a plain click toggles too, and Shift+click selects a range', async () => {
    await renderGallery();
    await fireEvent.click(openButton(2), { ctrlKey: true, detail: 1 });
    expect(selectedIds()).toEqual([2]);
    expect(cell(2).dataset.selected).toBe('true');
    expect(countText()).toBe('1 selected');
    await fireEvent.click(openButton(3), { detail: 1 });
    expect(selectedIds()).toEqual([2, 3]);
    expect(screen.queryByTestId('lightbox')).toBeNull();
    await fireEvent.click(openButton(7), { shiftKey: true, detail: 1 });
    expect(selectedIds()).toEqual([2, 3, 4, 5, 6, 7]);
    expect(countText()).toBe('6 selected');
    await fireEvent.click(openButton(2), { metaKey: true, detail: 1 });
    expect(selectedIds()).toEqual([3, 4, 5, 6, 7]);
  });

  it('the round check button starts a selection with the mouse alone', async () => {
    await renderGallery();
    const check = cell(5).querySelector<HTMLElement>('[data-testid="gallery-item-select"]')!;
    expect(check.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(check);
    expect(check.getAttribute('aria-pressed')).toBe('true');
    expect(countText()).toBe('1 selected');
    await fireEvent.click(
      cell(8).querySelector<HTMLElement>('[data-testid="gallery-item-select"]')!,
      { shiftKey: true },
    );
    expect(selectedIds()).toEqual([5, 6, 7, 8]);
  });

  it('X and Shift+X on the focused image, Ctrl+A for every match, Esc to clear', async () => {
    await renderGallery();
    openButton(1).focus();
    await fireEvent.keyDown(openButton(1), { key: 'x' });
    expect(selectedIds()).toEqual([1]);
    openButton(4).focus();
    await fireEvent.keyDown(openButton(4), { key: 'X', shiftKey: true });
    expect(selectedIds()).toEqual([1, 2, 3, 4]);
    await fireEvent.keyDown(openButton(4), { key: 'a', ctrlKey: true });
    expect(countText()).toBe('100,000 selected');
    expect(cell(12).dataset.selected).toBe('true');
    await fireEvent.keyDown(openButton(4), { key: 'x' });
    expect(countText()).toBe('99,999 selected');
    await fireEvent.keyDown(openButton(4), { key: 'Escape' });
    expect(bar()).toBeNull();
    expect(selectedIds()).toEqual([]);
  });

  it('Esc in the search box does not clear the selection, and typing does not select', async () => {
    await renderGallery();
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    const search = screen.getByTestId('gallery-search');
    search.focus();
    await fireEvent.keyDown(search, { key: 'Escape' });
    await fireEvent.keyDown(search, { key: 'a', ctrlKey: true });
    expect(countText()).toBe('1 selected');
  });

  it('a new search clears the selection', async () => {
    await renderGallery();
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    await fireEvent.input(screen.getByTestId('gallery-search'), { target: { value: 'fox' } });
    expect(bar()).toBeNull();
  });

  it('a rubber band from empty space selects the cells it touches (Ctrl adds)', async () => {
    await renderGallery();
    const grid = screen.getByTestId('gallery-grid');
    // jsdom has no layout: the grid's corner is (0,0), cells start at (24, 4), 238 px + 8 px gap.
    await fireEvent.mouseDown(grid, { button: 0, clientX: 120, clientY: 100 });
    await fireEvent.mouseMove(window, { clientX: 300, clientY: 300 });
    expect(screen.getByTestId('gallery-band')).toBeTruthy();
    expect(selectedIds()).toEqual([1, 2, 5, 6]);
    await fireEvent.mouseUp(window, { clientX: 300, clientY: 300 });
    expect(screen.queryByTestId('gallery-band')).toBeNull();
    expect(countText()).toBe('4 selected');

    await fireEvent.mouseDown(grid, { button: 0, clientX: 800, clientY: 560, ctrlKey: true });
    await fireEvent.mouseMove(window, { clientX: 820, clientY: 580 });
    await fireEvent.mouseUp(window);
    expect(selectedIds()).toEqual([1, 2, 5, 6, 12]);

    // A band that does not move is no band: the selection stays.
    await fireEvent.mouseDown(grid, { button: 0, clientX: 10, clientY: 10 });
    await fireEvent.mouseUp(window);
    expect(countText()).toBe('5 selected');
  });

  it('a band never starts on a cell', async () => {
    await renderGallery();
    await fireEvent.mouseDown(openButton(1), { button: 0, clientX: 100, clientY: 100 });
    await fireEvent.mouseMove(window, { clientX: 400, clientY: 400 });
    expect(screen.queryByTestId('gallery-band')).toBeNull();
    expect(bar()).toBeNull();
  });
});

describe('the selection bar', () => {
  it('offers the actions that fit: Remove only in a collection, Compare only with two', async () => {
    await renderGallery();
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    expect(screen.queryByTestId('gallery-selection-remove')).toBeNull();
    expect(button('gallery-selection-compare').disabled).toBe(true);
    expect(button('gallery-selection-favorite').disabled).toBe(false);
    await fireEvent.click(openButton(2), { ctrlKey: true, detail: 1 });
    expect(button('gallery-selection-compare').disabled).toBe(false);
    await fireEvent.click(button('gallery-selection-compare'));
    expect(compare.isOpen).toBe(true);
    expect([compare.left?.item.imageId, compare.right?.item.imageId]).toEqual([1, 2]);
    compare.close();
    await fireEvent.click(openButton(3), { ctrlKey: true, detail: 1 });
    expect(button('gallery-selection-compare').disabled).toBe(true);
    await fireEvent.click(button('gallery-selection-clear'));
    expect(bar()).toBeNull();
  });

  it('favorites the selection, shows the progress, and says what it did', async () => {
    await renderGallery();
    await fireEvent.keyDown(openButton(1), { key: 'a', ctrlKey: true });
    const finish = pendingBulk();
    await fireEvent.click(button('gallery-selection-favorite'));
    await waitFor(() => expect(ipcMock.applyBulk).toHaveBeenCalled());
    const [opId, selection, action] = ipcMock.applyBulk.mock.calls[0];
    expect(typeof opId).toBe('string');
    expect(opId.length).toBeGreaterThan(8);
    expect(selection).toEqual({
      kind: 'allMatching',
      query: { favoritesOnly: false, order: 'newestFirst' },
      except: [],
    });
    expect(action).toEqual({ kind: 'favorite' });
    const bar = screen.getByTestId('gallery-bulk-progress');
    expect(bar.getAttribute('role')).toBe('progressbar');
    progress?.({ opId, done: 4000, total: TOTAL });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('4000'));
    expect(bar.getAttribute('aria-valuemax')).toBe('100000');
    expect(bar.textContent).toContain('Favoriting 4,000 of 100,000…');
    expect(button('gallery-selection-favorite').disabled).toBe(true);
    expect(button('gallery-selection-delete').disabled).toBe(true);
    const searches = ipcMock.gallerySearch.mock.calls.length;
    finish(done(TOTAL));
    await waitFor(() =>
      expect(screen.getByTestId('gallery-bulk-message').textContent?.trim()).toBe(
        '100,000 images favorited.',
      ),
    );
    expect(screen.queryByTestId('gallery-bulk-progress')).toBeNull();
    // The gallery runs its query again (and the counts come again).
    await waitFor(() => expect(ipcMock.gallerySearch.mock.calls.length).toBe(searches + 1));
    expect(countText()).toBe('100,000 selected');
  });

  it('cancels a running action', async () => {
    await renderGallery();
    await fireEvent.keyDown(openButton(1), { key: 'a', ctrlKey: true });
    const finish = pendingBulk();
    await fireEvent.click(button('gallery-selection-unfavorite'));
    await waitFor(() => expect(ipcMock.applyBulk).toHaveBeenCalled());
    const opId = ipcMock.applyBulk.mock.calls[0][0];
    await fireEvent.click(button('gallery-bulk-cancel'));
    expect(ipcMock.cancelBulk).toHaveBeenCalledWith(opId);
    finish({ total: TOTAL, done: 4000, changed: 3000, cancelled: true });
    await waitFor(() =>
      expect(screen.getByTestId('gallery-bulk-message').textContent?.trim()).toBe(
        'Stopped: 4,000 of 100,000 unfavorited.',
      ),
    );
  });

  it('asks before deleting, then deletes and clears the selection', async () => {
    await renderGallery();
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    await fireEvent.click(openButton(2), { ctrlKey: true, detail: 1 });
    await fireEvent.click(button('gallery-selection-delete'));
    expect(screen.getByTestId('gallery-selection-delete-question').textContent).toBe(
      'Delete 2 images and their files? This cannot be undone.',
    );
    expect(ipcMock.applyBulk).not.toHaveBeenCalled();
    await fireEvent.click(button('gallery-selection-delete-cancel'));
    expect(screen.queryByTestId('gallery-selection-delete-confirm')).toBeNull();
    // The Delete key asks too.
    openButton(2).focus();
    await fireEvent.keyDown(openButton(2), { key: 'Delete' });
    ipcMock.applyBulk.mockResolvedValue(done(2));
    await fireEvent.click(await screen.findByTestId('gallery-selection-delete-confirm'));
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'images', ids: [1, 2] },
      { kind: 'delete' },
    );
    await waitFor(() =>
      expect(screen.getByTestId('gallery-bulk-message').textContent?.trim()).toBe(
        '2 images deleted.',
      ),
    );
    expect(bar()).toBeNull();
  });

  it('shows the sentence of a failure', async () => {
    await renderGallery();
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    ipcMock.applyBulk.mockRejectedValue({ code: 'library', message: 'The library is busy.' });
    await fireEvent.click(button('gallery-selection-favorite'));
    const message = await screen.findByTestId('gallery-bulk-message');
    expect(message.textContent?.trim()).toBe('The library is busy.');
    expect(message.getAttribute('role')).toBe('alert');
    await fireEvent.click(button('gallery-bulk-message-close'));
    expect(screen.queryByTestId('gallery-bulk-message')).toBeNull();
  });
});

describe('the collections list', () => {
  const row = (id: number) =>
    document.querySelector<HTMLElement>(
      `[data-testid="gallery-collection"][data-collection-id="${id}"]`,
    )!;

  it('lists the collections with counts and shows one when clicked', async () => {
    await renderGallery();
    const list = screen.getByTestId('gallery-collections');
    expect(within(list).getByTestId('gallery-collection-all').getAttribute('aria-current')).toBe(
      'true',
    );
    expect(row(4).textContent).toContain('Moodboard');
    expect(row(4).textContent).toContain('12');
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    await fireEvent.click(row(4));
    await waitFor(() =>
      expect(ipcMock.gallerySearch.mock.calls.at(-1)?.[0]).toMatchObject({ collection: 4 }),
    );
    expect(row(4).getAttribute('aria-current')).toBe('true');
    expect(screen.getByTestId('gallery-collection-all').getAttribute('aria-current')).toBeNull();
    expect(bar()).toBeNull(); // another place: the selection went
    await waitFor(() => expect(screen.getByTestId('gallery-count').textContent).toBe('3 images'));
    // Remembered with the filters.
    expect(
      JSON.parse(localStorage.getItem('atelier.place') ?? '{}').gallery.filters.collection,
    ).toBe(4);
    // In a collection, the selection can leave it.
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    ipcMock.applyBulk.mockResolvedValue(done(1));
    await fireEvent.click(button('gallery-selection-remove'));
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'images', ids: [1] },
      { kind: 'removeFromCollection', collectionId: 4 },
    );
    await waitFor(() =>
      expect(screen.getByTestId('gallery-bulk-message').textContent?.trim()).toBe(
        '1 image removed from Moodboard.',
      ),
    );
    await fireEvent.click(screen.getByTestId('gallery-collection-all'));
    await waitFor(() =>
      expect(ipcMock.gallerySearch.mock.calls.at(-1)?.[0]).not.toHaveProperty('collection'),
    );
  });

  it('falls back to all images when the remembered collection is gone', async () => {
    localStorage.setItem(
      'atelier.place',
      JSON.stringify({ view: 'gallery', gallery: { filters: { collection: 99 } } }),
    );
    render(GalleryView);
    await waitFor(() =>
      expect(ipcMock.gallerySearch.mock.calls.at(-1)?.[0]).not.toHaveProperty('collection'),
    );
    await waitFor(() =>
      expect(screen.getByTestId('gallery-collection-all').getAttribute('aria-current')).toBe(
        'true',
      ),
    );
  });

  it('makes a collection inline, with the error as a sentence', async () => {
    await renderGallery();
    await fireEvent.click(screen.getByTestId('gallery-collection-new'));
    const field = screen.getByTestId('gallery-collection-name') as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    ipcMock.createCollection.mockRejectedValueOnce({
      code: 'invalid_input',
      message: 'There is already a collection called “Moodboard”.',
    });
    await fireEvent.input(field, { target: { value: 'moodboard' } });
    await fireEvent.keyDown(field, { key: 'Enter' });
    await waitFor(() =>
      expect(screen.getByTestId('gallery-collection-error').textContent?.trim()).toBe(
        'There is already a collection called “Moodboard”.',
      ),
    );
    const made: Collection = { id: 9, name: 'Castles', count: 0, createdAt: '2026-03-03' };
    ipcMock.createCollection.mockResolvedValueOnce(made);
    collections = [birds, made, moodboard];
    await fireEvent.input(field, { target: { value: 'Castles' } });
    await fireEvent.keyDown(field, { key: 'Enter' });
    await waitFor(() => expect(row(9)).toBeTruthy());
    expect(ipcMock.createCollection).toHaveBeenLastCalledWith('Castles');
    expect(screen.queryByTestId('gallery-collection-name')).toBeNull();
    expect(screen.queryByTestId('gallery-collection-error')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(row(9)));
  });

  it('Esc cancels a new name; an empty name is refused without asking the core', async () => {
    await renderGallery();
    await fireEvent.click(screen.getByTestId('gallery-collection-new'));
    const field = screen.getByTestId('gallery-collection-name');
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect((await screen.findByTestId('gallery-collection-error')).textContent?.trim()).toBe(
      'Give the collection a name.',
    );
    expect(ipcMock.createCollection).not.toHaveBeenCalled();
    await fireEvent.keyDown(field, { key: 'Escape' });
    expect(screen.queryByTestId('gallery-collection-name')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('gallery-collection-new'));
  });

  it('renames with F2 or the button', async () => {
    await renderGallery();
    row(7).focus();
    await fireEvent.keyDown(row(7), { key: 'F2' });
    const field = screen.getByTestId('gallery-collection-name') as HTMLInputElement;
    expect(field.value).toBe('Birds');
    ipcMock.renameCollection.mockResolvedValue({ ...birds, name: 'Songbirds' });
    collections = [moodboard, { ...birds, name: 'Songbirds' }];
    await fireEvent.input(field, { target: { value: 'Songbirds' } });
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect(ipcMock.renameCollection).toHaveBeenCalledWith(7, 'Songbirds');
    await waitFor(() => expect(row(7).textContent).toContain('Songbirds'));

    const item = row(4).closest('li')!;
    await fireEvent.click(within(item).getByTestId('gallery-collection-rename'));
    ipcMock.renameCollection.mockRejectedValue({
      code: 'invalid_input',
      message: 'There is already a collection called “Songbirds”.',
    });
    const again = screen.getByTestId('gallery-collection-name');
    await fireEvent.input(again, { target: { value: 'songbirds' } });
    await fireEvent.keyDown(again, { key: 'Enter' });
    expect((await screen.findByTestId('gallery-collection-error')).textContent?.trim()).toBe(
      'There is already a collection called “Songbirds”.',
    );
  });

  it('asks before deleting a collection; the one shown falls back to all images', async () => {
    await renderGallery();
    await fireEvent.click(row(4));
    await waitFor(() => expect(row(4).getAttribute('aria-current')).toBe('true'));
    const item = row(4).closest('li')!;
    await fireEvent.click(within(item).getByTestId('gallery-collection-delete'));
    expect(item.textContent).toContain(
      'Delete the collection “Moodboard”? Its 12 images stay in the library.',
    );
    expect(ipcMock.deleteCollection).not.toHaveBeenCalled();
    ipcMock.deleteCollection.mockResolvedValue(null);
    collections = [birds];
    await fireEvent.click(screen.getByTestId('gallery-collection-delete-confirm'));
    expect(ipcMock.deleteCollection).toHaveBeenCalledWith(4);
    await waitFor(() => expect(screen.getAllByTestId('gallery-collection')).toHaveLength(1));
    expect(screen.getByTestId('gallery-collection-all').getAttribute('aria-current')).toBe('true');
    await waitFor(() =>
      expect(ipcMock.gallerySearch.mock.calls.at(-1)?.[0]).not.toHaveProperty('collection'),
    );
  });

  it('takes dropped thumbnails: the one dragged, or the whole selection', async () => {
    await renderGallery();
    // An unselected thumbnail: just itself.
    const transfer = dataTransfer();
    await fireEvent.dragStart(cell(3), { dataTransfer: transfer });
    expect(JSON.parse(transfer.getData('application/x-atelier-images'))).toEqual({
      kind: 'images',
      ids: [3],
    });
    await fireEvent.dragOver(row(4), { dataTransfer: transfer });
    expect(row(4).closest('li')!.classList.contains('drop')).toBe(true);
    ipcMock.applyBulk.mockResolvedValue(done(1));
    await fireEvent.drop(row(4), { dataTransfer: transfer });
    expect(row(4).closest('li')!.classList.contains('drop')).toBe(false);
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'images', ids: [3] },
      { kind: 'addToCollection', collectionId: 4 },
    );
    await waitFor(() =>
      expect(screen.getByTestId('gallery-bulk-message').textContent?.trim()).toBe(
        '1 image added to Moodboard.',
      ),
    );
    await waitFor(() => expect(ipcMock.listCollections.mock.calls.length).toBeGreaterThan(1));

    // A selected one: the selection.
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    await fireEvent.click(openButton(2), { ctrlKey: true, detail: 1 });
    const again = dataTransfer();
    await fireEvent.dragStart(cell(2), { dataTransfer: again });
    ipcMock.applyBulk.mockResolvedValue(done(2));
    await fireEvent.drop(row(7), { dataTransfer: again });
    expect(ipcMock.applyBulk).toHaveBeenLastCalledWith(
      expect.any(String),
      { kind: 'images', ids: [1, 2] },
      { kind: 'addToCollection', collectionId: 7 },
    );
    await waitFor(() =>
      expect(screen.getByTestId('gallery-bulk-message').textContent?.trim()).toBe(
        '2 images added to Birds.',
      ),
    );
  });

  it('takes the system drag of thumbnails (files) while it runs, and only then', async () => {
    await renderGallery();
    const files = { types: ['Files'], getData: () => '', dropEffect: 'none' };
    dragOut.images = { kind: 'images', ids: [5, 6] };
    await fireEvent.dragOver(row(7), { dataTransfer: files });
    expect(row(7).closest('li')!.classList.contains('drop')).toBe(true);
    ipcMock.applyBulk.mockResolvedValue(done(2));
    await fireEvent.drop(row(7), { dataTransfer: files });
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'images', ids: [5, 6] },
      { kind: 'addToCollection', collectionId: 7 },
    );
    expect(dragOut.images).toBeNull();
    // The drag is over: the same files are someone else's again.
    await fireEvent.dragOver(row(4), { dataTransfer: files });
    expect(row(4).closest('li')!.classList.contains('drop')).toBe(false);
  });

  it('takes the system drag even when the system says it ended before the page gets the drop', async () => {
    await renderGallery();
    const files = { types: ['text/uri-list'], getData: () => '', dropEffect: 'none' };
    dragOut.images = { kind: 'images', ids: [8] };
    await fireEvent.dragOver(row(4), { dataTransfer: files });
    dragOut.end(); // `drag-out-ended` came first
    ipcMock.applyBulk.mockResolvedValue(done(1));
    await fireEvent.drop(row(4), { dataTransfer: files });
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'images', ids: [8] },
      { kind: 'addToCollection', collectionId: 4 },
    );
    // Nothing is left over for the next drop of files from elsewhere.
    ipcMock.applyBulk.mockClear();
    await fireEvent.drop(row(7), { dataTransfer: files });
    expect(ipcMock.applyBulk).not.toHaveBeenCalled();
  });

  it('keeps a row marked while the pointer is on it, though WebKit says the drag left', async () => {
    await renderGallery();
    const files = { types: ['text/uri-list'], getData: () => '', dropEffect: 'none' };
    /** A drag event at (x, y): jsdom has no DragEvent, so its pointer is set by hand. */
    const drag = async (
      type: 'dragEnter' | 'dragOver' | 'dragLeave' | 'drop',
      el: Element,
      x: number,
      y: number,
    ) => {
      const event = createEvent[type](el, { dataTransfer: files });
      Object.defineProperties(event, { clientX: { value: x }, clientY: { value: y } });
      await fireEvent(el, event);
    };
    const target = row(4);
    const item = target.closest('li')!;
    target.getBoundingClientRect = () => new DOMRect(100, 80, 160, 30);
    dragOut.images = { kind: 'images', ids: [9] };
    // Onto the row, then onto its name: WebKitGTK's order is the name's dragenter (which
    // bubbles to the row), then the row's dragleave, with no relatedTarget.
    await drag('dragEnter', target, 150, 90);
    await drag('dragEnter', target.querySelector('.name')!, 170, 92);
    await drag('dragLeave', target, 170, 92);
    expect(item.classList.contains('drop')).toBe(true);
    // Off the row: the mark goes.
    await drag('dragLeave', target, 170, 130);
    expect(item.classList.contains('drop')).toBe(false);
    // Back on it, a leave within it, then the drop: the images it carries are added.
    await drag('dragOver', target, 150, 90);
    await drag('dragLeave', target, 151, 90);
    expect(item.classList.contains('drop')).toBe(true);
    ipcMock.applyBulk.mockResolvedValue(done(1));
    await drag('drop', target, 151, 90);
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'images', ids: [9] },
      { kind: 'addToCollection', collectionId: 4 },
    );
  });

  it('unmarks the row when the system drag ends over it without a drop here', async () => {
    await renderGallery();
    const files = { types: ['text/uri-list'], getData: () => '', dropEffect: 'none' };
    dragOut.images = { kind: 'images', ids: [9] };
    await fireEvent.dragOver(row(7), { dataTransfer: files });
    expect(row(7).closest('li')!.classList.contains('drop')).toBe(true);
    dragOut.end(); // cancelled with Esc, or taken by a window over this one
    await waitFor(() => expect(row(7).closest('li')!.classList.contains('drop')).toBe(false));
  });

  it('ignores drags that are not thumbnails', async () => {
    await renderGallery();
    const other = { types: ['Files'], getData: () => '', dropEffect: 'none' };
    await fireEvent.dragOver(row(4), { dataTransfer: other });
    expect(row(4).closest('li')!.classList.contains('drop')).toBe(false);
    await fireEvent.drop(row(4), { dataTransfer: other });
    expect(ipcMock.applyBulk).not.toHaveBeenCalled();
  });
});

describe('the collection picker', () => {
  const items = () => screen.getAllByTestId('collection-picker-item');

  it('B on an image opens it; arrows move, Enter adds that image, focus comes back', async () => {
    await renderGallery();
    openButton(3).focus();
    await fireEvent.keyDown(openButton(3), { key: 'b' });
    const picker = await screen.findByTestId('collection-picker');
    expect(items().map((i) => i.dataset.collectionId)).toEqual(['7', '4']);
    expect(items()[0].getAttribute('role')).toBe('menuitem');
    expect(document.activeElement).toBe(items()[0]);
    await fireEvent.keyDown(picker, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items()[1]);
    await fireEvent.keyDown(picker, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByTestId('collection-picker-new'));
    await fireEvent.keyDown(picker, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items()[0]);
    await fireEvent.keyDown(picker, { key: 'ArrowUp' });
    await fireEvent.keyDown(picker, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(items()[1]);
    ipcMock.applyBulk.mockResolvedValue(done(1));
    await fireEvent.click(items()[1]); // Enter on a button is its click
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'images', ids: [3] },
      { kind: 'addToCollection', collectionId: 4 },
    );
    await waitFor(() => expect(screen.queryByTestId('collection-picker')).toBeNull());
    expect(document.activeElement).toBe(openButton(3));
  });

  it('Esc closes it without adding (and keeps the selection)', async () => {
    await renderGallery();
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    await fireEvent.click(button('gallery-selection-add'));
    const picker = await screen.findByTestId('collection-picker');
    await fireEvent.keyDown(picker, { key: 'Escape' });
    expect(screen.queryByTestId('collection-picker')).toBeNull();
    expect(countText()).toBe('1 selected');
    expect(document.activeElement).toBe(button('gallery-selection-add'));
    expect(ipcMock.applyBulk).not.toHaveBeenCalled();
  });

  it('makes a new collection and adds the selection in one go', async () => {
    await renderGallery();
    await fireEvent.click(openButton(1), { ctrlKey: true, detail: 1 });
    await fireEvent.click(openButton(2), { ctrlKey: true, detail: 1 });
    openButton(2).focus();
    await fireEvent.keyDown(openButton(2), { key: 'b' });
    await screen.findByTestId('collection-picker');
    const made: Collection = { id: 9, name: 'Castles', count: 0, createdAt: '2026-03-03' };
    ipcMock.createCollection.mockResolvedValue(made);
    ipcMock.applyBulk.mockResolvedValue(done(2));
    const field = screen.getByTestId('collection-picker-new');
    await fireEvent.input(field, { target: { value: 'Castles' } });
    await fireEvent.submit(field.closest('form')!);
    await waitFor(() =>
      expect(ipcMock.applyBulk).toHaveBeenCalledWith(
        expect.any(String),
        { kind: 'images', ids: [1, 2] },
        { kind: 'addToCollection', collectionId: 9 },
      ),
    );
    expect(ipcMock.createCollection).toHaveBeenCalledWith('Castles');
    await waitFor(() => expect(screen.queryByTestId('collection-picker')).toBeNull());
  });

  it('in the lightbox: B shows the check of each collection and toggles the image', async () => {
    ipcMock.imageDetail.mockImplementation(async (id: number) => detailOf(makeImage(id), [4]));
    await renderGallery();
    await fireEvent.click(openButton(5), { detail: 1 });
    const box = await screen.findByTestId('lightbox');
    await waitFor(() => expect(ipcMock.imageDetail).toHaveBeenCalledWith(5));
    await fireEvent.keyDown(box, { key: 'b' });
    await screen.findByTestId('collection-picker');
    await waitFor(() =>
      expect(items().map((i) => i.getAttribute('aria-checked'))).toEqual(['false', 'true']),
    );
    expect(items()[0].getAttribute('role')).toBe('menuitemcheckbox');
    ipcMock.applyBulk.mockResolvedValue(done(1));
    await fireEvent.click(items()[1]);
    expect(ipcMock.applyBulk).toHaveBeenCalledWith(
      expect.any(String),
      { kind: 'images', ids: [5] },
      { kind: 'removeFromCollection', collectionId: 4 },
    );
    await waitFor(() => expect(items()[1].getAttribute('aria-checked')).toBe('false'));
    expect(screen.getByTestId('lightbox-message').textContent?.trim()).toBe(
      'Removed from Moodboard.',
    );
    await fireEvent.click(items()[0]);
    expect(ipcMock.applyBulk).toHaveBeenLastCalledWith(
      expect.any(String),
      { kind: 'images', ids: [5] },
      { kind: 'addToCollection', collectionId: 7 },
    );
    await waitFor(() => expect(items()[0].getAttribute('aria-checked')).toBe('true'));
    // Esc closes the picker, not the lightbox; focus goes back to the button.
    await fireEvent.keyDown(screen.getByTestId('collection-picker'), { key: 'Escape' });
    expect(screen.queryByTestId('collection-picker')).toBeNull();
    expect(screen.getByTestId('lightbox')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId('lightbox-add-to-collection'));
  });
});
