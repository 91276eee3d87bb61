/**
 * Which two images the Compare view shows, if any. Opened from the gallery's selection bar
 * (exactly two selected) and from the lightbox ("Compare with parent"); the view itself is
 * CompareView.svelte, mounted once in the Gallery.
 */
import type { GalleryImage } from './bindings/GalleryImage';

/** The open comparison: left and right (swappable), or nothing. */
export class CompareState {
  left = $state<GalleryImage | null>(null);
  right = $state<GalleryImage | null>(null);

  /** True while the Compare view is shown. */
  get isOpen(): boolean {
    return this.left !== null && this.right !== null;
  }

  /** Shows `left` and `right` side by side. */
  open(left: GalleryImage, right: GalleryImage): void {
    this.left = left;
    this.right = right;
  }

  /** Puts the right image on the left and the left on the right. */
  swap(): void {
    [this.left, this.right] = [this.right, this.left];
  }

  /** Closes the Compare view. */
  close(): void {
    this.left = null;
    this.right = null;
  }
}

/** The app's one comparison. */
export const compare = new CompareState();
