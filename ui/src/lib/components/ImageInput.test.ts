// @vitest-environment jsdom
import { cleanup, createEvent, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  checkImageUrl: vi.fn(),
  imageSourceUrl: vi.fn(),
  imageDetail: vi.fn(),
  onDragOutEnded: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { creation } from '../creation.svelte';
import { CARD_IMAGE_TYPE, LOCAL_FILES_MESSAGE, SELECTION_MESSAGE } from '../imageInput';
import { app } from '../state.svelte';
import { DRAG_TYPE } from '../workbench';
import ImageInput from './ImageInput.svelte';

const A = 'https://cdn.example.com/a.png';
const B = 'https://cdn.example.com/b.png';

/** A drop's data as the page sees it. */
function transfer(entries: Record<string, string>, extraTypes: string[] = []) {
  return {
    types: [...Object.keys(entries), ...extraTypes],
    getData: (type: string) => entries[type] ?? '',
    dropEffect: 'none',
  };
}

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
  ipcMock.hasBackend.mockReturnValue(true);
  ipcMock.checkImageUrl.mockResolvedValue({ ok: true, message: null });
  ipcMock.imageDetail.mockResolvedValue({ image: { thumbSrc: 'asset://thumb-7.png' } });
  creation.blendUrls = [];
  creation.describeUrls = [];
  creation.notes = {};
  creation.thumbs = {};
  app.referenceUrl = '';
});

afterEach(() => cleanup());

describe('ImageInput', () => {
  it('says plainly in the drop zone that desktop files cannot be sent, and again on a drop', async () => {
    render(ImageInput, { props: { target: 'blend', label: 'Images', testid: 'blend-images' } });
    expect(screen.getByTestId('blend-images-drop-text').textContent).toMatch(
      /Files from this computer cannot be sent: there is no upload host/,
    );
    await fireEvent.drop(screen.getByTestId('blend-images-drop'), {
      dataTransfer: transfer({}, ['Files']),
    });
    expect(screen.getByTestId('blend-images-error').textContent).toBe(LOCAL_FILES_MESSAGE);
    expect(creation.blendUrls).toEqual([]);
    await fireEvent.drop(screen.getByTestId('blend-images-drop'), {
      dataTransfer: transfer({ [DRAG_TYPE]: '{"kind":"selection"}' }),
    });
    expect(screen.getByTestId('blend-images-error').textContent).toBe(SELECTION_MESSAGE);
    expect(ipcMock.imageSourceUrl).not.toHaveBeenCalled();
  });

  it('takes an image dragged from the gallery by its provider address', async () => {
    ipcMock.imageSourceUrl.mockResolvedValue({ url: A, message: null });
    render(ImageInput, { props: { target: 'blend', label: 'Images', testid: 'blend-images' } });
    const zone = screen.getByTestId('blend-images-drop');
    await fireEvent.dragOver(zone, {
      dataTransfer: transfer({ [DRAG_TYPE]: '{"kind":"images","ids":[7]}' }),
    });
    await fireEvent.drop(zone, {
      dataTransfer: transfer({ [DRAG_TYPE]: '{"kind":"images","ids":[7]}' }),
    });
    await waitFor(() => expect(creation.blendUrls).toEqual([A]));
    expect(ipcMock.imageSourceUrl).toHaveBeenCalledWith(7);
    const thumb = await screen.findByTestId('blend-images-thumb');
    expect(thumb.dataset.url).toBe(A);
    expect(thumb.querySelector('img')?.getAttribute('src')).toBe('asset://thumb-7.png');
  });

  it('stays marked while the drag rests on it, though WebKit says it left', async () => {
    render(ImageInput, { props: { target: 'blend', label: 'Images', testid: 'blend-images' } });
    const zone = screen.getByTestId('blend-images-drop');
    zone.getBoundingClientRect = () => new DOMRect(0, 0, 240, 90);
    const dataTransfer = transfer({ [DRAG_TYPE]: '{"kind":"images","ids":[7]}' });
    const leaveAt = async (x: number, y: number) => {
      const leave = createEvent.dragLeave(zone, { dataTransfer });
      Object.defineProperties(leave, { clientX: { value: x }, clientY: { value: y } });
      await fireEvent(zone, leave);
    };
    await fireEvent.dragOver(zone, { dataTransfer });
    expect(zone.classList.contains('over')).toBe(true);
    await leaveAt(120, 40); // onto a child: WebKitGTK's leave with no relatedTarget
    expect(zone.classList.contains('over')).toBe(true);
    await leaveAt(120, 95); // off it
    expect(zone.classList.contains('over')).toBe(false);
  });

  it('says when a gallery image’s link has expired', async () => {
    const expired = 'The provider’s link to this image has expired (it answers 403).';
    ipcMock.imageSourceUrl.mockResolvedValue({ url: null, message: expired });
    render(ImageInput, { props: { target: 'describe', label: 'Image', testid: 'describe-image' } });
    await fireEvent.drop(screen.getByTestId('describe-image-drop'), {
      dataTransfer: transfer({ [DRAG_TYPE]: '{"kind":"images","ids":[3]}' }),
    });
    await waitFor(() =>
      expect(screen.getByTestId('describe-image-error').textContent).toBe(expired),
    );
    expect(creation.describeUrls).toEqual([]);
  });

  it('takes an image dragged from a task card, checked first', async () => {
    render(ImageInput, { props: { target: 'blend', label: 'Images', testid: 'blend-images' } });
    await fireEvent.drop(screen.getByTestId('blend-images-drop'), {
      dataTransfer: transfer({ [CARD_IMAGE_TYPE]: JSON.stringify({ url: B, thumb: 'asset://b' }) }),
    });
    await waitFor(() => expect(creation.blendUrls).toEqual([B]));
    expect(ipcMock.checkImageUrl).toHaveBeenCalledWith(B);
    expect(creation.thumbs[B]).toBe('asset://b');
  });

  it('adds a typed address once it answers, and shows the sentence when it does not', async () => {
    render(ImageInput, { props: { target: 'blend', label: 'Images', testid: 'blend-images' } });
    const input = screen.getByTestId('blend-images-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'ftp://x.test/a.png' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByTestId('blend-images-error').textContent).toBe(
      'Use a web address that starts with http:// or https://.',
    );
    expect(ipcMock.checkImageUrl).not.toHaveBeenCalled();

    ipcMock.checkImageUrl.mockResolvedValueOnce({
      ok: false,
      message: 'That address answered 404: the image is not there.',
    });
    await fireEvent.input(input, { target: { value: A } });
    await fireEvent.click(screen.getByTestId('blend-images-add'));
    await waitFor(() =>
      expect(screen.getByTestId('blend-images-error').textContent).toMatch(/answered 404/),
    );
    expect(creation.blendUrls).toEqual([]);

    await fireEvent.click(screen.getByTestId('blend-images-add'));
    await waitFor(() => expect(creation.blendUrls).toEqual([A]));
    expect(input.value).toBe('');
    expect(screen.queryByTestId('blend-images-error')).toBeNull();
    // The host stands in for a thumbnail the page may not load (remote images are not allowed).
    expect(screen.getByTestId('blend-images-thumb').textContent).toContain('cdn.example.com');
    await fireEvent.click(screen.getByTestId('blend-images-remove'));
    expect(creation.blendUrls).toEqual([]);
  });

  it('keeps a one-image input as a plain address field, checked once typing rests', async () => {
    ipcMock.checkImageUrl.mockResolvedValue({
      ok: false,
      message: 'That address does not answer.',
    });
    render(ImageInput, { props: { target: 'reference', label: 'Reference', testid: 'reference' } });
    const input = screen.getByTestId('reference-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'file:///etc/passwd' } });
    expect(app.referenceUrl).toBe('file:///etc/passwd');
    expect(screen.getByTestId('reference-error').textContent).toMatch(/http:\/\/ or https:\/\//);
    await fireEvent.input(input, { target: { value: A } });
    expect(app.referenceUrl).toBe(A);
    await waitFor(() =>
      expect(screen.getByTestId('reference-error').textContent).toBe(
        'That address does not answer.',
      ),
    );
    expect(ipcMock.checkImageUrl).toHaveBeenCalledWith(A);
  });
});
