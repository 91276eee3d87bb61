// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GalleryImage } from '../bindings/GalleryImage';
import type { GalleryQuery } from '../bindings/GalleryQuery';
import type { GalleryResults } from '../bindings/GalleryResults';
import type { ImageDetail } from '../bindings/ImageDetail';
import { gridActions, makeImage, makeImages, makeQueued, makeView } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  gallerySearch: vi.fn(),
  galleryFacets: vi.fn(async () => ({ models: [], aspects: [] })),
  onGalleryChanged: vi.fn(),
  imageDetail: vi.fn(),
  setFavorite: vi.fn(),
  deleteImage: vi.fn(),
  saveImageAs: vi.fn(),
  copyImage: vi.fn(),
  copyText: vi.fn(),
  showInFolder: vi.fn(),
  runAction: vi.fn(),
  // the collections side list
  listCollections: vi.fn(async () => []),
  // used by the app store
  getAppState: vi.fn(),
  listTasks: vi.fn(),
  onTaskUpdate: vi.fn(),
  onTaskProgress: vi.fn(),
  uiReady: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { setRemix } from '../remix.svelte';
import { app } from '../state.svelte';
import GalleryView from './GalleryView.svelte';

const TOTAL = 100_000;
const PAGE = 200;

/** A library of 100,000 images, served a page at a time (cursor = index of the next item). */
function library(total = TOTAL) {
  ipcMock.gallerySearch.mockImplementation(async (query: GalleryQuery): Promise<GalleryResults> => {
    const start = query.cursor ? Number(query.cursor) : 0;
    const limit = query.limit ?? PAGE;
    const end = Math.min(total, start + limit);
    return {
      items: makeImages(start + 1, end - start),
      nextCursor: end < total ? String(end) : null,
      // Like the core: counted on a query's first page only.
      total: query.cursor ? null : total,
      totalExact: true,
    };
  });
}

function detailOf(image: GalleryImage, over: Partial<ImageDetail> = {}): ImageDetail {
  return {
    image,
    task: makeView({ id: image.item.taskId, status: 'succeeded', actions: gridActions() }),
    parent: null,
    children: [],
    siblings: [image],
    collections: [],
    ...over,
  };
}

let changed: (() => void) | null = null;

beforeEach(() => {
  // Where a test left the gallery must not carry over into the next one (place.ts).
  localStorage.clear();
  vi.clearAllMocks();
  ipcMock.hasBackend.mockReturnValue(true);
  changed = null;
  ipcMock.onGalleryChanged.mockImplementation(async (cb: () => void) => {
    changed = cb;
    return () => {};
  });
  ipcMock.imageDetail.mockImplementation(async (id: number) => detailOf(makeImage(id)));
  ipcMock.setFavorite.mockImplementation(async (id: number, favorite: boolean) =>
    makeImage(id, { favorite }),
  );
  ipcMock.deleteImage.mockResolvedValue(null);
  ipcMock.copyText.mockResolvedValue(null);
  app.view = 'gallery';
  library();
});

const cells = () => screen.queryAllByTestId('gallery-item');
const cell = (id: number) =>
  document.querySelector<HTMLElement>(`[data-testid="gallery-item"][data-image-id="${id}"]`);

async function renderGallery() {
  const result = render(GalleryView);
  await waitFor(() =>
    expect(screen.getByTestId('gallery-count').textContent).toBe('100,000 images'),
  );
  return result;
}

describe('GalleryView', () => {
  it('comes back where the person left it: search, filters, scroll and the open image', async () => {
    localStorage.setItem(
      'atelier.place',
      JSON.stringify({
        view: 'gallery',
        gallery: {
          filters: {
            text: 'fox',
            provider: 'journey',
            kind: 'all',
            favoritesOnly: true,
            date: 'all',
          },
          firstIndex: 450,
          openImageId: 452,
        },
      }),
    );
    render(GalleryView);
    // The pages up to the 451st image are fetched, with the remembered query.
    await waitFor(() => expect(cell(451)).not.toBeNull());
    expect(cell(1)).toBeNull();
    expect(ipcMock.gallerySearch.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(ipcMock.gallerySearch.mock.calls[0][0]).toMatchObject({
      text: 'fox',
      provider: 'journey',
      favoritesOnly: true,
    });
    expect((screen.getByTestId('gallery-search') as HTMLInputElement).value).toBe('fox');
    await waitFor(() => expect(ipcMock.imageDetail).toHaveBeenCalledWith(452));
    expect(screen.getByTestId('lightbox')).toBeTruthy();
    // Closing the lightbox is remembered too.
    await fireEvent.keyDown(screen.getByTestId('lightbox'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('lightbox')).toBeNull());
    expect(
      JSON.parse(localStorage.getItem('atelier.place') ?? '{}').gallery.openImageId,
    ).toBeNull();
  });

  it('renders a bounded number of cells for a 100,000-image library', async () => {
    await renderGallery();
    expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(1);
    expect(ipcMock.gallerySearch.mock.calls[0][0]).toEqual({
      favoritesOnly: false,
      order: 'newestFirst',
      limit: 200,
    });
    const n = cells().length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(60); // a 1024x768 window: a few rows, not 200 (or 100,000)
    const first = cells()[0];
    expect(first.dataset).toMatchObject({ imageId: '1', taskId: 'task-1', favorite: 'false' });
    // Only the cells in view exist, so their thumbnails load at once (no lazy loading).
    expect(first.querySelector('img')?.getAttribute('src')).toBeTruthy();
    expect(first.querySelector('img')?.getAttribute('width')).toBeTruthy();
  });

  it('renders other rows when scrolled and fetches the next page near the end', async () => {
    await renderGallery();
    const grid = screen.getByTestId('gallery-grid');
    Object.defineProperty(grid, 'scrollTop', { value: 0, writable: true, configurable: true });
    grid.scrollTop = 20 * 246; // about row 20 of 50 loaded rows
    await fireEvent.scroll(grid);
    await waitFor(() => expect(cell(1)).toBeNull());
    expect(cells().length).toBeLessThan(60);
    expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(1);

    grid.scrollTop = 46 * 246; // near the end of the first page
    await fireEvent.scroll(grid);
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(2));
    expect(ipcMock.gallerySearch.mock.calls[1][0]).toMatchObject({ cursor: '200', limit: 200 });
    expect(cells().length).toBeLessThan(60);
  });

  it('stars an image from its cell', async () => {
    await renderGallery();
    const star = cell(1)!.querySelector<HTMLElement>('[data-testid="gallery-item-favorite"]')!;
    expect(star.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(star);
    expect(ipcMock.setFavorite).toHaveBeenCalledWith(1, true);
    await waitFor(() => expect(cell(1)!.dataset.favorite).toBe('true'));
    expect(star.getAttribute('aria-pressed')).toBe('true');
  });

  it('undoes the star and says why when the core refuses', async () => {
    ipcMock.setFavorite.mockRejectedValue(
      Object.assign(new Error('The library is busy. Try again.'), { code: 'internal' }),
    );
    await renderGallery();
    await fireEvent.click(
      cell(2)!.querySelector<HTMLElement>('[data-testid="gallery-item-favorite"]')!,
    );
    await waitFor(() => expect(screen.getByTestId('gallery-error')).toBeTruthy());
    expect(cell(2)!.dataset.favorite).toBe('false');
  });

  it('searches as you type, after a short pause', async () => {
    await renderGallery();
    const box = screen.getByTestId('gallery-search') as HTMLInputElement;
    await fireEvent.input(box, { target: { value: 'fo' } });
    await fireEvent.input(box, { target: { value: 'fox' } });
    expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(2));
    expect(ipcMock.gallerySearch.mock.calls[1][0]).toMatchObject({ text: 'fox' });
  });

  it('filters at once and says when nothing matches', async () => {
    await renderGallery();
    library(0);
    await fireEvent.change(screen.getByTestId('gallery-filter-kind'), {
      target: { value: 'upscale' },
    });
    await waitFor(() => expect(screen.getByTestId('gallery-empty')).toBeTruthy());
    expect(ipcMock.gallerySearch.mock.calls[1][0]).toMatchObject({ kind: 'upscale' });
    expect(screen.getByTestId('gallery-empty').textContent).toContain(
      'Nothing matches these filters',
    );
    expect(screen.getByTestId('gallery-count').textContent).toBe('No images');
  });

  it('says how to start when the library is empty', async () => {
    library(0);
    render(GalleryView);
    await waitFor(() =>
      expect(screen.getByTestId('gallery-empty').textContent).toContain(
        'No images yet — make some in Create',
      ),
    );
  });

  it('puts new images in front when the library changes', async () => {
    await renderGallery();
    ipcMock.gallerySearch.mockResolvedValueOnce({
      items: [makeImage(0), ...makeImages(1, PAGE - 1)],
      nextCursor: String(PAGE - 1),
      total: TOTAL + 1,
      totalExact: true,
    });
    changed?.();
    await waitFor(() => expect(cell(0)).toBeTruthy(), { timeout: 2000 });
    expect(screen.getByTestId('gallery-count').textContent).toBe('100,001 images');
    expect(cells()[0].dataset.imageId).toBe('0');
  });

  it('opens the lightbox, moves with the keys, stars, and closes back to the cell', async () => {
    await renderGallery();
    const open = cell(1)!.querySelector<HTMLElement>('button.open')!;
    await fireEvent.click(open);
    const box = await screen.findByTestId('lightbox');
    expect(box.dataset.imageId).toBe('1');
    expect(ipcMock.imageDetail).toHaveBeenCalledWith(1);
    expect(screen.getByTestId('lightbox-prompt').textContent).toContain('image number 1');
    expect((screen.getByTestId('lightbox-prev') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.keyDown(box, { key: 'ArrowRight' });
    await waitFor(() => expect(box.dataset.imageId).toBe('2'));
    await fireEvent.keyDown(box, { key: 'f' });
    expect(ipcMock.setFavorite).toHaveBeenCalledWith(2, true);
    await waitFor(() =>
      expect(screen.getByTestId('lightbox-favorite').getAttribute('aria-pressed')).toBe('true'),
    );
    expect(cell(2)!.dataset.favorite).toBe('true');

    await fireEvent.keyDown(box, { key: 'c' });
    expect(ipcMock.copyText).toHaveBeenCalledWith('image number 2 of a red fox --ar 1:1');

    await fireEvent.keyDown(box, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('lightbox')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(cell(2)!.querySelector('button.open')));
  });

  it('runs U2 with the 2 key and the buttons from the panel; a queued one says it waits', async () => {
    ipcMock.runAction.mockResolvedValueOnce({
      type: 'sent',
      task: makeView({ id: 'child', status: 'queued' }),
    });
    ipcMock.runAction.mockResolvedValueOnce({
      type: 'queued',
      job: makeQueued({ id: 'q-v1', kindLabel: 'Variation 1', position: 2, of: 3 }),
    });
    await renderGallery();
    await fireEvent.click(cell(3)!.querySelector<HTMLElement>('button.open')!);
    const box = await screen.findByTestId('lightbox');
    await screen.findByTestId('lightbox-action-U2');
    const outside = vi.fn();
    window.addEventListener('keydown', outside);
    await fireEvent.keyDown(box, { key: '2', code: 'Digit2' });
    window.removeEventListener('keydown', outside);
    expect(outside).not.toHaveBeenCalled(); // the app's "2 = Gallery" never sees it
    await waitFor(() =>
      expect(ipcMock.runAction).toHaveBeenCalledWith('task-3', 'MJ::JOB::upsample::2::abc', {
        prompt: null,
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('lightbox-message').textContent).toContain('Started — see Create'),
    );
    expect(app.findTask('child')).toBeDefined();
    await fireEvent.click(screen.getByTestId('lightbox-action-V1'));
    await waitFor(() => expect(ipcMock.runAction).toHaveBeenCalledTimes(2));
    await waitFor(() =>
      expect(screen.getByTestId('lightbox-message').textContent?.trim()).toBe(
        'Waiting in the queue (2 of 3) — see Create',
      ),
    );
  });

  it('with Remix on, a Vary key says why instead of varying', async () => {
    setRemix(true);
    try {
      await renderGallery();
      await fireEvent.click(cell(3)!.querySelector<HTMLElement>('button.open')!);
      const box = await screen.findByTestId('lightbox');
      const v1 = await screen.findByTestId('lightbox-action-V1');
      expect(v1.getAttribute('aria-disabled')).toBe('true');
      await fireEvent.keyDown(box, { key: '!', code: 'Digit1', shiftKey: true });
      expect(screen.getByTestId('lightbox-error').textContent).toMatch(
        /cannot change the prompt of a variation; turn Remix off to vary/,
      );
      expect(ipcMock.runAction).not.toHaveBeenCalled();
    } finally {
      setRemix(false);
    }
  });

  it('asks before deleting, then shows the next image and drops the cell', async () => {
    await renderGallery();
    await fireEvent.click(cell(1)!.querySelector<HTMLElement>('button.open')!);
    const box = await screen.findByTestId('lightbox');
    await fireEvent.keyDown(box, { key: 'Delete' });
    const confirm = await screen.findByTestId('lightbox-delete-confirm');
    expect(ipcMock.deleteImage).not.toHaveBeenCalled();
    await fireEvent.click(confirm);
    expect(ipcMock.deleteImage).toHaveBeenCalledWith(1);
    await waitFor(() => expect(box.dataset.imageId).toBe('2'));
    expect(cell(1)).toBeNull();
    expect(screen.getByTestId('gallery-count').textContent).toBe('99,999 images');
  });

  it('opens lineage images and reuses a prompt in Create', async () => {
    const parent = makeImage(900, { prompt: 'the parent prompt' });
    ipcMock.imageDetail.mockImplementation(async (id: number) =>
      id === 1 ? detailOf(makeImage(1), { parent }) : detailOf(id === 900 ? parent : makeImage(id)),
    );
    await renderGallery();
    await fireEvent.click(cell(1)!.querySelector<HTMLElement>('button.open')!);
    const box = await screen.findByTestId('lightbox');
    await fireEvent.click(await screen.findByTestId('lightbox-parent'));
    await waitFor(() => expect(box.dataset.imageId).toBe('900'));
    expect(screen.getByTestId('lightbox-prompt').textContent).toBe('the parent prompt');
    await fireEvent.click(screen.getByTestId('lightbox-reuse'));
    expect(app.prompt).toBe('the parent prompt');
    expect(app.view).toBe('create');
  });
});
