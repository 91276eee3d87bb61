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

/** MediaError's code for a source the player cannot read or decode. */
const SRC_NOT_SUPPORTED = 4;

/** True for an address of the app's asset protocol (a file of the library). */
export function isAssetUrl(src: string): boolean {
  return /^(asset:|https?:\/\/asset\.localhost\/)/i.test(src);
}

/**
 * Plays a library video in `video` (a Svelte attachment; the element's `src` is the asset
 * address). WebKitGTK's media player cannot read the app's asset protocol (WebKit bug
 * 146351: GStreamer has no source for custom URI schemes) and fails with
 * MEDIA_ERR_SRC_NOT_SUPPORTED; then the file is read with `fetch()`, which does go through the
 * protocol, and played from a `blob:` address (released with the element). `onfail` is told
 * when the video cannot be played either way (its format, a missing file).
 */
export function assetVideo(onfail: () => void): (video: HTMLVideoElement) => () => void {
  return (video) => {
    let blobUrl: string | null = null;
    let tried = false;
    let gone = false;
    const onerror = () => {
      const src = video.getAttribute('src') ?? '';
      if (tried || !isAssetUrl(src) || video.error?.code !== SRC_NOT_SUPPORTED) {
        onfail();
        return;
      }
      tried = true;
      fetch(src)
        .then((r) => {
          if (!r.ok) throw new Error(`status ${r.status}`);
          return r.blob();
        })
        .then((blob) => {
          if (gone) return;
          blobUrl = URL.createObjectURL(blob);
          video.src = blobUrl;
        })
        .catch(() => {
          if (!gone) onfail();
        });
    };
    video.addEventListener('error', onerror);
    return () => {
      gone = true;
      video.removeEventListener('error', onerror);
      if (blobUrl) URL.revokeObjectURL(blobUrl);
    };
  };
}
