// @vitest-environment jsdom
// A gallery cell lets go of its thumbnail when it leaves the grid (scripts/bench-gallery.sh
// measures what that keeps off the web process while scrolling through a big library).
import { render } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { makeImage } from '../testing/fixtures';
import GalleryCell from './GalleryCell.svelte';

function cell() {
  return render(GalleryCell, {
    props: {
      image: makeImage(7),
      index: 0,
      top: 0,
      left: 0,
      size: 200,
      tabbable: true,
      onactivate: vi.fn(),
      oncheck: vi.fn(),
      ondragstart: vi.fn(),
      onfavorite: vi.fn(),
      onfocusin: vi.fn(),
    },
  });
}

describe('GalleryCell', () => {
  it('shows its thumbnail while in the grid', () => {
    const { container } = cell();
    expect(container.querySelector('img')?.getAttribute('src')).toBe(
      'asset://localhost/library/thumbs/7.webp',
    );
  });

  it('drops the thumbnail address when it is removed, without reporting a failed load', () => {
    const { container, unmount } = cell();
    const img = container.querySelector('img')!;
    const failed = vi.fn();
    img.addEventListener('error', failed);
    unmount();
    expect(img.hasAttribute('src')).toBe(false);
    expect(failed).not.toHaveBeenCalled();
  });
});

describe('GalleryCell, recycled', () => {
  it('shows the new image and lets go of the focus when it becomes another image', async () => {
    const { container, rerender } = cell();
    const open = container.querySelector<HTMLButtonElement>('button.open')!;
    open.focus();
    expect(document.activeElement).toBe(open);
    await rerender({ image: makeImage(8), index: 1024 });
    expect(container.querySelector('img')?.getAttribute('src')).toBe(
      'asset://localhost/library/thumbs/8.webp',
    );
    expect(document.activeElement).not.toBe(open);
  });
});
