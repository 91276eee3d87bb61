/**
 * Videos in the library. Pure functions, and one attachment for `<video>` elements.
 */
import type { GalleryItem } from './bindings/GalleryItem';

/** The file endings of the videos the app archives. */
const VIDEO_FILE = /\.(mp4|webm|mov|m4v|avi)$/i;

/**
 * True for a gallery item that is a video (a Video task's result): by its kind, or by its
 * file's ending (tolerant of items stored before the library said "video").
 */
export function isVideoItem(item: Pick<GalleryItem, 'kind' | 'path'>): boolean {
  return item.kind === 'video' || VIDEO_FILE.test(item.path);
}

/**
 * Plays `video` again from the start each time it ends: a loop. WebKitGTK's own `loop`
 * attribute restarts a Motion-JPEG AVI (the simulator's videos) about a second early, or
 * stops near its end when the file streams over HTTP; starting again on `ended` plays each
 * round to its last frame, for MP4 as well. Returns the clean-up (a Svelte attachment).
 */
export function loopOnEnd(video: HTMLVideoElement): () => void {
  const again = () => {
    video.currentTime = 0;
    video.play().catch(() => {});
  };
  video.addEventListener('ended', again);
  return () => video.removeEventListener('ended', again);
}
