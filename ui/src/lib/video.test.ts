// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { ImageKind } from './bindings/ImageKind';
import { isVideoItem, loopOnEnd } from './video';

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
