/**
 * The drag out of the window: it asks the shell with a selection (never paths), remembers the
 * images while the system drag runs, forgets them when `drag-out-ended` comes, and puts a
 * refusal into words. IPC mocked.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const ipcMock = vi.hoisted(() => ({
  dragOut: vi.fn(),
  onDragOutEnded: vi.fn(),
}));
vi.mock('./ipc', () => ipcMock);

import { dragOut } from './dragOut.svelte';

let ended: ((e: { dropped: boolean }) => void) | null = null;

beforeEach(() => {
  ipcMock.dragOut.mockReset();
  ipcMock.onDragOutEnded.mockImplementation(async (cb: (e: { dropped: boolean }) => void) => {
    ended = cb;
    return () => {};
  });
  dragOut.end();
});

describe('dragging images out', () => {
  it('sends the selection, keeps the images while the drag runs, and forgets them at its end', async () => {
    ipcMock.dragOut.mockResolvedValue(2);
    await dragOut.start({ kind: 'selection' }, { kind: 'images', ids: [3, 4] });
    expect(ipcMock.dragOut).toHaveBeenCalledWith({ kind: 'images', ids: [3, 4] });
    expect(dragOut.images).toEqual({ kind: 'selection' });
    expect(dragOut.error).toBeNull();
    ended?.({ dropped: true });
    expect(dragOut.images).toBeNull();
  });

  it('subscribes to the end of drags once', async () => {
    ipcMock.dragOut.mockResolvedValue(1);
    await dragOut.start({ kind: 'images', ids: [1] }, { kind: 'images', ids: [1] });
    await dragOut.start({ kind: 'images', ids: [2] }, { kind: 'images', ids: [2] });
    expect(ipcMock.onDragOutEnded.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it('says why a drag could not start, and carries nothing', async () => {
    ipcMock.dragOut.mockRejectedValue({
      code: 'invalid_input',
      message: '600 images are too many to drag at once (at most 500). Export them instead (E).',
    });
    await dragOut.start({ kind: 'selection' }, { kind: 'images', ids: [1] });
    expect(dragOut.images).toBeNull();
    expect(dragOut.error).toBe(
      '600 images are too many to drag at once (at most 500). Export them instead (E).',
    );
  });
});
