// @vitest-environment jsdom
/**
 * The gallery toolbar's model, aspect ratio and "Has follow-ups" filters: their menus come from
 * the library (gallery_facets), each change searches again from the top with every filter,
 * and they are remembered like the others.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Collection } from '../bindings/Collection';
import type { GalleryQuery } from '../bindings/GalleryQuery';
import { makeImages } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => false),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  galleryFacets: vi.fn(),
  onGalleryChanged: vi.fn(),
  listCollections: vi.fn(async (): Promise<Collection[]> => []),
}));
vi.mock('../ipc', () => ipcMock);

import { GalleryStore } from '../gallery.svelte';
import { loadPlace } from '../place';
import GalleryToolbar from './GalleryToolbar.svelte';

beforeEach(() => {
  localStorage.clear();
  vi.clearAllMocks();
  ipcMock.hasBackend.mockReturnValue(false);
  ipcMock.gallerySearch.mockResolvedValue({
    items: makeImages(1, 3),
    nextCursor: null,
    total: 3,
    totalExact: true,
  });
  ipcMock.galleryFacets.mockResolvedValue({
    models: ['flux-pro', 'midjourney'],
    aspects: ['9:16', '1:1', '16:9'],
  });
});

const select = (id: string) => screen.getByTestId(id) as HTMLSelectElement;
const options = (id: string) => [...select(id).options].map((o) => [o.value, o.textContent]);
/** The query of the last search. */
const lastQuery = (): GalleryQuery => ipcMock.gallerySearch.mock.lastCall![0];

async function choose(id: string, value: string) {
  const el = select(id);
  el.value = value;
  await fireEvent.change(el);
}

async function opened(): Promise<GalleryStore> {
  const store = new GalleryStore();
  render(GalleryToolbar, { props: { store } });
  await store.start();
  return store;
}

describe('the model and aspect menus', () => {
  it('offer what the library has once the gallery opens', async () => {
    await opened();
    expect(ipcMock.galleryFacets).toHaveBeenCalledTimes(1);
    await waitFor(() =>
      expect(options('gallery-filter-model')).toEqual([
        ['', 'Any model'],
        ['flux-pro', 'flux-pro'],
        ['midjourney', 'midjourney'],
      ]),
    );
    expect(options('gallery-filter-aspect')).toEqual([
      ['', 'Any ratio'],
      ['9:16', '9:16'],
      ['1:1', '1:1'],
      ['16:9', '16:9'],
    ]);
    expect(select('gallery-filter-model').value).toBe('');
    expect(select('gallery-filter-aspect').value).toBe('');
    expect(select('gallery-filter-model').getAttribute('aria-label')).toBe('Model');
    expect(select('gallery-filter-aspect').getAttribute('aria-label')).toBe('Aspect ratio');
  });

  it('still offer "any" when the facets cannot be had', async () => {
    ipcMock.galleryFacets.mockRejectedValue({ code: 'io', message: 'The disk is gone.' });
    const store = await opened();
    expect(options('gallery-filter-model')).toEqual([['', 'Any model']]);
    expect(options('gallery-filter-aspect')).toEqual([['', 'Any ratio']]);
    // Not the gallery's error: the search worked.
    expect(store.error).toBeNull();
  });

  it('show a remembered model and ratio the library no longer has, chosen', async () => {
    localStorage.setItem(
      'atelier.place',
      JSON.stringify({ gallery: { filters: { model: 'old-model', aspect: '4:3' } } }),
    );
    await opened();
    await waitFor(() =>
      expect(options('gallery-filter-model').map(([v]) => v)).toEqual([
        '',
        'flux-pro',
        'midjourney',
        'old-model',
      ]),
    );
    expect(select('gallery-filter-model').value).toBe('old-model');
    expect(options('gallery-filter-aspect').map(([v]) => v)).toEqual([
      '',
      '9:16',
      '1:1',
      '4:3',
      '16:9',
    ]);
    expect(select('gallery-filter-aspect').value).toBe('4:3');
    expect(ipcMock.gallerySearch.mock.calls[0][0]).toMatchObject({
      model: 'old-model',
      aspect: '4:3',
    });
  });

  it('are fetched again when new images arrive and after an import', async () => {
    let changed: (() => void) | null = null;
    ipcMock.hasBackend.mockReturnValue(true);
    ipcMock.onGalleryChanged.mockImplementation(async (cb: () => void) => {
      changed = cb;
      return () => {};
    });
    const store = await opened();
    expect(ipcMock.galleryFacets).toHaveBeenCalledTimes(1);

    ipcMock.galleryFacets.mockResolvedValue({
      models: ['flux-pro', 'midjourney', 'niji'],
      aspects: ['9:16', '1:1', '16:9', '21:9'],
    });
    changed!();
    await waitFor(() => expect(ipcMock.galleryFacets).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(options('gallery-filter-model').map(([v]) => v)).toContain('niji'));
    expect(options('gallery-filter-aspect').map(([v]) => v)).toContain('21:9');

    await store.afterImport();
    expect(ipcMock.galleryFacets).toHaveBeenCalledTimes(3);
    store.stop();
  });
});

describe('a change of filter', () => {
  it('searches again from the top with every filter, and is remembered', async () => {
    localStorage.setItem(
      'atelier.place',
      JSON.stringify({
        gallery: {
          filters: {
            text: 'lighthouse',
            provider: 'journey',
            kind: 'grid',
            favoritesOnly: true,
            collection: 5,
            order: 'oldestFirst',
          },
        },
      }),
    );
    ipcMock.listCollections.mockResolvedValue([
      { id: 5, name: 'Coast', count: 3, createdAt: '2026-03-01T10:00:00Z' },
    ]);
    const store = await opened();
    await waitFor(() => expect(options('gallery-filter-model')).toHaveLength(3));
    const searches = ipcMock.gallerySearch.mock.calls.length;
    const others = {
      text: 'lighthouse',
      provider: 'journey',
      kind: 'grid',
      favoritesOnly: true,
      collection: 5,
      order: 'oldestFirst',
    };

    await choose('gallery-filter-model', 'midjourney');
    expect(store.filters.model).toBe('midjourney');
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(searches + 1));
    expect(lastQuery()).toMatchObject({ ...others, model: 'midjourney' });
    expect(lastQuery()).not.toHaveProperty('aspect');
    expect(lastQuery()).not.toHaveProperty('hasChildren');
    expect(lastQuery().cursor ?? null).toBeNull();

    await choose('gallery-filter-aspect', '16:9');
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(searches + 2));
    expect(lastQuery()).toMatchObject({ ...others, model: 'midjourney', aspect: '16:9' });

    const followUps = screen.getByTestId('gallery-filter-has-children');
    expect(followUps.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(followUps);
    expect(followUps.getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(searches + 3));
    expect(lastQuery()).toMatchObject({
      ...others,
      model: 'midjourney',
      aspect: '16:9',
      hasChildren: true,
    });
    expect(lastQuery().cursor ?? null).toBeNull();

    // Remembered like the provider and kind.
    expect(loadPlace().gallery.filters).toMatchObject({
      model: 'midjourney',
      aspect: '16:9',
      hasChildren: true,
    });

    // Back to "any": the fields leave the query.
    await choose('gallery-filter-model', '');
    await choose('gallery-filter-aspect', '');
    await fireEvent.click(followUps);
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(searches + 6));
    expect(store.filters).toMatchObject({ model: null, aspect: null, hasChildren: false });
    expect(lastQuery()).toMatchObject(others);
    expect(lastQuery()).not.toHaveProperty('model');
    expect(lastQuery()).not.toHaveProperty('aspect');
    expect(lastQuery()).not.toHaveProperty('hasChildren');
    expect(loadPlace().gallery.filters).toMatchObject({
      model: null,
      aspect: null,
      hasChildren: false,
    });
  });

  it('"Has follow-ups" is a toggle like Favorites, with words saying what it keeps', async () => {
    await opened();
    const followUps = screen.getByTestId('gallery-filter-has-children');
    const favorites = screen.getByTestId('gallery-filter-favorites');
    expect(followUps.tagName).toBe(favorites.tagName);
    expect(followUps.textContent?.trim()).toBe('Has follow-ups');
    expect(followUps.getAttribute('title')).toBe(
      'Only images that were upscaled, varied, zoomed or otherwise built on',
    );
    expect(followUps.classList.contains('on')).toBe(false);
    await fireEvent.click(followUps);
    expect(followUps.classList.contains('on')).toBe(true);
  });

  it('the search box says parameters can be searched for', async () => {
    await opened();
    const search = screen.getByTestId('gallery-search') as HTMLInputElement;
    expect(search.placeholder).toBe('Search prompts or --seed 123');
    expect(search.title).toMatch(/--seed 123/);
  });
});
