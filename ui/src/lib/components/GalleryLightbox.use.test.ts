// @vitest-environment jsdom
/**
 * The lightbox's "Use image…": the image goes into Create's input for that use (by its
 * original provider address, which the core checks still answers); an expired one says so.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImageDetail } from '../bindings/ImageDetail';
import type { ImageKind } from '../bindings/ImageKind';
import { makeImage } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => false),
  gallerySearch: vi.fn(),
  galleryCount: vi.fn(),
  onGalleryChanged: vi.fn(),
  imageDetail: vi.fn(),
  imageSourceUrl: vi.fn(),
  checkImageUrl: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { creation } from '../creation.svelte';
import { GalleryStore } from '../gallery.svelte';
import { app } from '../state.svelte';
import GalleryLightbox from './GalleryLightbox.svelte';

const image = makeImage(42, { prompt: 'a lighthouse at dusk' });
const URL_42 = 'https://cdn.example.com/42.png';

beforeEach(() => {
  localStorage.clear();
  vi.clearAllMocks();
  ipcMock.imageDetail.mockResolvedValue({
    image,
    task: null,
    parent: null,
    children: [],
    siblings: [image],
    collections: [],
  } as ImageDetail);
  app.view = 'gallery';
  app.referenceUrl = '';
  creation.mode = 'imagine';
  creation.blendUrls = [];
  creation.notes = {};
});

afterEach(() => {
  cleanup();
  app.view = 'create';
});

describe('Lightbox: Use image…', () => {
  it('"Use as reference" puts the image into Create’s reference input', async () => {
    ipcMock.imageSourceUrl.mockResolvedValue({ url: URL_42, message: null });
    render(GalleryLightbox, {
      props: { store: new GalleryStore(), start: image, onclose: vi.fn() },
    });
    await fireEvent.click(screen.getByTestId('lightbox-use-image'));
    await fireEvent.click(screen.getByTestId('lightbox-use-image-reference'));
    await waitFor(() => expect(app.referenceUrl).toBe(URL_42));
    expect(ipcMock.imageSourceUrl).toHaveBeenCalledWith(42);
    expect(app.view).toBe('create');
    expect(creation.mode).toBe('imagine');
    expect(creation.thumbs[URL_42]).toBe(image.thumbSrc);
  });

  it('"Blend with…" opens Blend with the image in it; an expired link says so here', async () => {
    ipcMock.imageSourceUrl.mockResolvedValueOnce({ url: URL_42, message: null });
    render(GalleryLightbox, {
      props: { store: new GalleryStore(), start: image, onclose: vi.fn() },
    });
    await fireEvent.click(screen.getByTestId('lightbox-use-image'));
    await fireEvent.click(screen.getByTestId('lightbox-use-image-blend'));
    await waitFor(() => expect(creation.blendUrls).toEqual([URL_42]));
    expect(creation.mode).toBe('blend');

    const expired = 'JourneyAPI no longer serves this image (its link expired).';
    ipcMock.imageSourceUrl.mockResolvedValueOnce({ url: null, message: expired });
    await fireEvent.click(screen.getByTestId('lightbox-use-image'));
    await fireEvent.click(screen.getByTestId('lightbox-use-image-describe'));
    await waitFor(() =>
      expect(screen.getByTestId('lightbox-use-image-error').textContent).toBe(expired),
    );
    // The lightbox stays where it was: the sentence is said here.
    expect(creation.mode).toBe('blend');
  });

  it('plays a video item, and offers no image uses for it', async () => {
    const video = makeImage(43, { kind: 'video' as ImageKind, path: '/lib/t/video-1.mp4' });
    render(GalleryLightbox, {
      props: { store: new GalleryStore(), start: video, onclose: vi.fn() },
    });
    const player = screen.getByTestId('lightbox-video') as HTMLVideoElement;
    expect(player.getAttribute('src')).toBe(video.src);
    expect(player.muted).toBe(true);
    expect(player.controls).toBe(true);
    expect(screen.queryByTestId('lightbox-image')).toBeNull();
    expect(screen.queryByTestId('lightbox-use-image')).toBeNull();
  });
});
