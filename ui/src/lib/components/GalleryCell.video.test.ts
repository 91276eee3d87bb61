// @vitest-environment jsdom
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ImageKind } from '../bindings/ImageKind';
import { makeImage } from '../testing/fixtures';
import GalleryCell from './GalleryCell.svelte';

function renderCell(over: { kind?: ImageKind; path?: string }) {
  const image = makeImage(1);
  image.item = { ...image.item, ...over };
  render(GalleryCell, {
    props: {
      image,
      index: 0,
      top: 0,
      left: 0,
      size: 160,
      tabbable: true,
      onactivate: vi.fn(),
      oncheck: vi.fn(),
      ondragstart: vi.fn(),
      onfavorite: vi.fn(),
      onfocusin: vi.fn(),
    },
  });
}

describe('GalleryCell: videos', () => {
  it('marks a video item with a badge', () => {
    renderCell({ kind: 'video' as ImageKind, path: '/lib/t/video-1.mp4' });
    expect(screen.getByTestId('gallery-item-video').textContent?.trim()).toBe('Video');
  });

  it('leaves images unmarked', () => {
    renderCell({ kind: 'single', path: '/lib/t/single-1.png' });
    expect(screen.queryByTestId('gallery-item-video')).toBeNull();
  });
});
