// @vitest-environment jsdom
/**
 * The lightbox's "Compare with parent" (button and Shift+C): off without a parent image,
 * opens the Compare view with the parent on the left, and the lightbox's own keys rest
 * while the comparison is on top; closing it comes back to the lightbox.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GalleryImage } from '../bindings/GalleryImage';
import type { ImageDetail } from '../bindings/ImageDetail';
import { makeImage } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => false),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  onGalleryChanged: vi.fn(),
  imageDetail: vi.fn(),
  setFavorite: vi.fn(),
  deleteImage: vi.fn(),
  saveImageAs: vi.fn(),
  copyImage: vi.fn(),
  copyText: vi.fn(),
  showInFolder: vi.fn(),
  runAction: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { compare } from '../compare.svelte';
import { GalleryStore } from '../gallery.svelte';
import CompareView from './CompareView.svelte';
import GalleryLightbox from './GalleryLightbox.svelte';

const parent = makeImage(900, { kindLabel: 'Imagine', prompt: 'the parent prompt' });
const child = makeImage(7, { kindLabel: 'Upscale 2', parentId: parent.item.taskId });

function detailOf(image: GalleryImage, parentImage: GalleryImage | null): ImageDetail {
  return {
    image,
    task: null,
    parent: parentImage,
    children: [],
    siblings: [image],
    collections: [],
  } as ImageDetail;
}

function renderLightbox(start: GalleryImage) {
  const onclose = vi.fn();
  render(GalleryLightbox, { props: { store: new GalleryStore(), start, onclose } });
  render(CompareView);
  return onclose;
}

const compareButton = () => screen.getByTestId('lightbox-compare-parent') as HTMLButtonElement;

beforeEach(() => {
  localStorage.clear();
  vi.clearAllMocks();
  compare.close();
});

afterEach(() => {
  compare.close();
});

describe('Compare with parent', () => {
  it('is off for an image that was not made from another one', async () => {
    ipcMock.imageDetail.mockResolvedValue(detailOf(parent, null));
    renderLightbox(parent);
    await waitFor(() => expect(ipcMock.imageDetail).toHaveBeenCalledWith(900));
    // Let the detail (no parent) arrive.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(compareButton().disabled).toBe(true);
    expect(compareButton().getAttribute('aria-keyshortcuts')).toBe('Shift+C');
    await fireEvent.keyDown(screen.getByTestId('lightbox'), { key: 'C', shiftKey: true });
    expect(compare.isOpen).toBe(false);
    expect(screen.getByTestId('lightbox-message').textContent).toContain(
      'not made from another one',
    );
  });

  it('opens the comparison with the parent on the left, and comes back to the lightbox', async () => {
    ipcMock.imageDetail.mockResolvedValue(detailOf(child, parent));
    const onclose = renderLightbox(child);
    await waitFor(() => expect(compareButton().disabled).toBe(false));
    compareButton().focus();
    await fireEvent.click(compareButton());
    expect(compare.left?.item.imageId).toBe(900);
    expect(compare.right?.item.imageId).toBe(7);
    const view = await screen.findByTestId('compare');
    expect((screen.getByTestId('compare-left-image') as HTMLImageElement).getAttribute('src')).toBe(
      parent.src,
    );
    expect(
      (screen.getByTestId('compare-right-image') as HTMLImageElement).getAttribute('src'),
    ).toBe(child.src);

    // Esc closes the comparison only; the lightbox stays, with the focus back on the button.
    await fireEvent.keyDown(view, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('compare')).toBeNull());
    expect(screen.getByTestId('lightbox')).toBeTruthy();
    expect(onclose).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(compareButton());
  });

  it('opens with Shift+C, and the lightbox keys rest while it is open', async () => {
    ipcMock.imageDetail.mockResolvedValue(detailOf(child, parent));
    const onclose = renderLightbox(child);
    await waitFor(() => expect(compareButton().disabled).toBe(false));
    const box = screen.getByTestId('lightbox');
    await fireEvent.keyDown(box, { key: 'C', shiftKey: true });
    expect(compare.left?.item.imageId).toBe(900);
    await screen.findByTestId('compare');
    // Keys that reach the lightbox now do nothing there.
    await fireEvent.keyDown(box, { key: 'f' });
    await fireEvent.keyDown(box, { key: 'Escape' });
    expect(ipcMock.setFavorite).not.toHaveBeenCalled();
    expect(onclose).not.toHaveBeenCalled();
    expect(compare.isOpen).toBe(true);
  });
});
