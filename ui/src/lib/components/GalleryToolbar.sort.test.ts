// @vitest-environment jsdom
/** The gallery toolbar's sort menu: newest or oldest first or by prompt, a new search, remembered. */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeImages } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => false),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  onGalleryChanged: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { GalleryStore } from '../gallery.svelte';
import { loadPlace } from '../place';
import GalleryToolbar from './GalleryToolbar.svelte';

beforeEach(() => {
  localStorage.clear();
  vi.clearAllMocks();
  ipcMock.gallerySearch.mockResolvedValue({
    items: makeImages(1, 3),
    nextCursor: null,
    total: 3,
    totalExact: true,
  });
});

describe('the sort menu', () => {
  it('offers newest first, oldest first and by prompt, and a change searches again from the top', async () => {
    const store = new GalleryStore();
    await store.refresh();
    render(GalleryToolbar, { props: { store } });
    const sort = screen.getByTestId('gallery-sort') as HTMLSelectElement;
    expect(sort.getAttribute('aria-label')).toBe('Sort');
    expect([...sort.options].map((o) => [o.value, o.textContent])).toEqual([
      ['newestFirst', 'Newest first'],
      ['oldestFirst', 'Oldest first'],
      ['byPrompt', 'By prompt (A–Z)'],
    ]);
    expect(sort.value).toBe('newestFirst');

    sort.value = 'oldestFirst';
    await fireEvent.change(sort);
    expect(store.filters.order).toBe('oldestFirst');
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(2));
    const query = ipcMock.gallerySearch.mock.calls[1][0];
    expect(query).toMatchObject({ order: 'oldestFirst' });
    expect(query.cursor ?? null).toBeNull();
    // Remembered like the filters.
    expect(loadPlace().gallery.filters.order).toBe('oldestFirst');

    sort.value = 'byPrompt';
    await fireEvent.change(sort);
    await waitFor(() => expect(ipcMock.gallerySearch).toHaveBeenCalledTimes(3));
    expect(ipcMock.gallerySearch.mock.calls[2][0]).toMatchObject({ order: 'byPrompt' });
    expect(loadPlace().gallery.filters.order).toBe('byPrompt');
  });

  it('shows the order the person left', async () => {
    localStorage.setItem(
      'atelier.place',
      JSON.stringify({ gallery: { filters: { order: 'oldestFirst' } } }),
    );
    const store = new GalleryStore();
    render(GalleryToolbar, { props: { store } });
    expect((screen.getByTestId('gallery-sort') as HTMLSelectElement).value).toBe('oldestFirst');
    await store.refresh();
    expect(ipcMock.gallerySearch.mock.calls[0][0]).toMatchObject({ order: 'oldestFirst' });
  });
});
