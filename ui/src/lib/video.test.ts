// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { ImageKind } from './bindings/ImageKind';
import { assetVideo, isAssetUrl, isVideoItem, loopOnEnd } from './video';

describe('isVideoItem', () => {
  it('knows a video by its kind or its file', () => {
    expect(isVideoItem({ kind: 'video' as ImageKind, path: '/lib/a.bin' })).toBe(true);
    expect(isVideoItem({ kind: 'single', path: '/lib/task/video-1.mp4' })).toBe(true);
    expect(isVideoItem({ kind: 'grid', path: '/lib/task/grid.png' })).toBe(false);
  });
});

describe('loopOnEnd', () => {
  it('starts the video again from the start when it ends, until cleaned up', () => {
    const video = document.createElement('video');
    const play = vi.fn(() => Promise.resolve());
    Object.defineProperty(video, 'play', { value: play });
    video.currentTime = 1.5;
    const stop = loopOnEnd(video);
    video.dispatchEvent(new Event('ended'));
    expect(video.currentTime).toBe(0);
    expect(play).toHaveBeenCalledOnce();
    stop();
    video.dispatchEvent(new Event('ended'));
    expect(play).toHaveBeenCalledOnce();
  });
});

describe('assetVideo', () => {
  /** A video whose load failed with `code` (MediaError), at `src`. */
  function failing(src: string, code: number | null) {
    const video = document.createElement('video');
    video.setAttribute('src', src);
    Object.defineProperty(video, 'error', { get: () => (code === null ? null : { code }) });
    return video;
  }

  it('knows the asset protocol', () => {
    expect(isAssetUrl('asset://localhost/%2Flib%2Fv.avi')).toBe(true);
    expect(isAssetUrl('http://asset.localhost/%2Flib%2Fv.avi')).toBe(true);
    expect(isAssetUrl('https://cdn.example.com/v.mp4')).toBe(false);
  });

  it('plays a library video the player cannot read from a blob of its bytes', async () => {
    const blob = new Blob(['avi']);
    const fetchMock = vi.fn(() => Promise.resolve({ ok: true, blob: () => Promise.resolve(blob) }));
    vi.stubGlobal('fetch', fetchMock);
    const create = vi.fn(() => 'blob:tauri://localhost/1');
    const revoke = vi.fn();
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: create, revokeObjectURL: revoke }));
    try {
      const onfail = vi.fn();
      const video = failing('asset://localhost/v.avi', 4);
      const stop = assetVideo(onfail)(video);
      video.dispatchEvent(new Event('error'));
      await vi.waitFor(() => expect(video.getAttribute('src')).toBe('blob:tauri://localhost/1'));
      expect(fetchMock).toHaveBeenCalledWith('asset://localhost/v.avi');
      expect(onfail).not.toHaveBeenCalled();
      // The blob fails too: now it is said.
      video.dispatchEvent(new Event('error'));
      expect(onfail).toHaveBeenCalledOnce();
      stop();
      expect(revoke).toHaveBeenCalledWith('blob:tauri://localhost/1');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('says at once when the failure is not the protocol', () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    try {
      for (const video of [
        failing('asset://localhost/v.avi', 3),
        failing('https://cdn/v.mp4', 4),
      ]) {
        const onfail = vi.fn();
        assetVideo(onfail)(video);
        video.dispatchEvent(new Event('error'));
        expect(onfail).toHaveBeenCalledOnce();
      }
      expect(fetchMock).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
