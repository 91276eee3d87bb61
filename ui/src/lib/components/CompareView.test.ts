// @vitest-environment jsdom
/**
 * The Compare view in the DOM: both images and captions, Swap, the mode (S), the slider and
 * its keys, the shared zoom, a missing file, and Esc giving the focus back.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compare } from '../compare.svelte';
import { makeImage } from '../testing/fixtures';
import CompareView from './CompareView.svelte';

const left = makeImage(1, { kindLabel: 'Imagine', prompt: 'a red fox in the snow', width: 1024 });
const right = makeImage(2, {
  kindLabel: 'Upscale 2',
  prompt: 'a blue fox in the rain',
  width: 2048,
  height: 1152,
});

const img = (side: 'left' | 'right') =>
  screen.getByTestId(`compare-${side}-image`) as HTMLImageElement;
const caption = (side: 'left' | 'right') => screen.getByTestId(`compare-${side}-caption`);
const dialog = () => screen.getByTestId('compare');
const handle = () => screen.getByTestId('compare-slider-handle');

let before: HTMLButtonElement;

beforeEach(() => {
  compare.close();
  // The control that opened the comparison, like the lightbox's button.
  before = document.createElement('button');
  before.textContent = 'opener';
  document.body.appendChild(before);
  before.focus();
});

afterEach(() => {
  compare.close();
  before.remove();
  vi.restoreAllMocks();
});

async function openCompare() {
  render(CompareView);
  compare.open(left, right);
  return screen.findByTestId('compare');
}

describe('CompareView', () => {
  it('shows nothing until a comparison is opened, then both images side by side', async () => {
    render(CompareView);
    expect(screen.queryByTestId('compare')).toBeNull();
    compare.open(left, right);
    const box = await screen.findByTestId('compare');
    expect(box.getAttribute('role')).toBe('dialog');
    expect(box.getAttribute('aria-modal')).toBe('true');
    expect(box.getAttribute('aria-label')).toBe('Compare two images');
    expect(document.activeElement).toBe(box);
    expect(screen.getByTestId('compare-side')).toBeTruthy();
    expect(img('left').getAttribute('src')).toBe(left.src);
    expect(img('right').getAttribute('src')).toBe(right.src);
    expect(img('left').alt).toBe('Left image: a red fox in the snow');
    expect(caption('left').textContent).toContain('Imagine');
    expect(caption('left').textContent).toContain('a red fox in the snow');
    expect(caption('right').textContent).toContain('Upscale 2');
    expect(caption('right').textContent).toContain('2048 × 1152');
  });

  it('swaps the two sides, captions too, with the button and with X', async () => {
    await openCompare();
    await fireEvent.click(screen.getByTestId('compare-swap'));
    expect(compare.left?.item.imageId).toBe(2);
    expect(img('left').getAttribute('src')).toBe(right.src);
    expect(img('right').getAttribute('src')).toBe(left.src);
    expect(caption('left').textContent).toContain('Upscale 2');
    await fireEvent.keyDown(dialog(), { key: 'x' });
    expect(img('left').getAttribute('src')).toBe(left.src);
    expect(caption('left').textContent).toContain('Imagine');
  });

  it('switches between side by side and the slider with S and the button', async () => {
    await openCompare();
    const mode = screen.getByTestId('compare-mode');
    expect(mode.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.keyDown(dialog(), { key: 's' });
    expect(dialog().dataset.mode).toBe('slider');
    expect(screen.queryByTestId('compare-side')).toBeNull();
    expect(screen.getByTestId('compare-slider')).toBeTruthy();
    expect(mode.getAttribute('aria-pressed')).toBe('true');
    // Both images are in the one frame.
    expect(img('left').getAttribute('src')).toBe(left.src);
    expect(img('right').getAttribute('src')).toBe(right.src);
    await fireEvent.click(mode);
    expect(dialog().dataset.mode).toBe('side');
    expect(screen.getByTestId('compare-side')).toBeTruthy();
  });

  it('moves the slider with the keys of its handle, and the arrows anywhere', async () => {
    await openCompare();
    await fireEvent.click(screen.getByTestId('compare-mode'));
    const h = handle();
    expect(h.getAttribute('role')).toBe('slider');
    expect(h.getAttribute('aria-valuenow')).toBe('50');
    expect(h.getAttribute('aria-valuemin')).toBe('0');
    expect(h.getAttribute('aria-valuemax')).toBe('100');
    h.focus();
    await fireEvent.keyDown(h, { key: 'ArrowRight' });
    expect(h.getAttribute('aria-valuenow')).toBe('55');
    await fireEvent.keyDown(h, { key: 'ArrowLeft' });
    await fireEvent.keyDown(h, { key: 'ArrowLeft' });
    expect(h.getAttribute('aria-valuenow')).toBe('45');
    await fireEvent.keyDown(h, { key: 'Home' });
    expect(h.getAttribute('aria-valuenow')).toBe('0');
    await fireEvent.keyDown(h, { key: 'End' });
    expect(h.getAttribute('aria-valuenow')).toBe('100');
    // The right image is clipped at the divider.
    const layer = img('right').closest('.layer') as HTMLElement;
    expect(layer.style.clipPath).toBe('inset(0 0 0 100%)');
    await fireEvent.keyDown(dialog(), { key: 'ArrowLeft' });
    expect(h.getAttribute('aria-valuenow')).toBe('95');
    expect(layer.style.clipPath).toBe('inset(0 0 0 95%)');
  });

  it('zooms both images together and fits them again', async () => {
    await openCompare();
    const zoomOut = screen.getByTestId('compare-zoom-out') as HTMLButtonElement;
    const level = screen.getByTestId('compare-zoom-level');
    expect(zoomOut.disabled).toBe(true);
    expect(level.textContent).toBe('1×');
    await fireEvent.click(screen.getByTestId('compare-zoom-in'));
    expect(level.textContent).toBe('1.25×');
    await fireEvent.keyDown(dialog(), { key: '+' });
    expect(level.textContent).toBe('1.56×');
    const transformOf = (side: 'left' | 'right') =>
      (img(side).parentElement as HTMLElement).style.transform;
    expect(transformOf('left')).toContain('scale(1.563)');
    expect(transformOf('right')).toBe(transformOf('left'));
    await fireEvent.click(zoomOut);
    expect(level.textContent).toBe('1.25×');
    await fireEvent.keyDown(dialog(), { key: '0' });
    expect(level.textContent).toBe('1×');
    expect(transformOf('left')).toBe('translate(0%, 0%) scale(1)');
  });

  it('zooms with the wheel about the pointer and pans both images by dragging', async () => {
    await openCompare();
    const pane = img('left').closest('.viewport') as HTMLElement;
    const box = { left: 0, top: 0, width: 400, height: 300, right: 400, bottom: 300, x: 0, y: 0 };
    vi.spyOn(pane, 'getBoundingClientRect').mockReturnValue({ ...box, toJSON: () => box });
    await fireEvent.wheel(pane, { deltaY: -400, clientX: 0, clientY: 0 });
    const level = screen.getByTestId('compare-zoom-level');
    expect(level.textContent).not.toBe('1×');
    // Zoomed about the top-left corner: nothing moved there.
    const transformOf = (side: 'left' | 'right') =>
      (img(side).parentElement as HTMLElement).style.transform;
    expect(transformOf('left')).toMatch(/^translate\(0%, 0%\)/);
    // Drag 100 px left and 60 px up in the left pane: both move by the same fraction.
    await fireEvent.pointerDown(pane, { button: 0, pointerId: 1, clientX: 200, clientY: 150 });
    await fireEvent.pointerMove(pane, { pointerId: 1, clientX: 100, clientY: 90 });
    await fireEvent.pointerUp(pane, { pointerId: 1 });
    expect(transformOf('left')).toMatch(/^translate\(-25%, -20%\)/);
    expect(transformOf('right')).toBe(transformOf('left'));
  });

  it('moves the divider where the pointer goes in the slider', async () => {
    await openCompare();
    await fireEvent.click(screen.getByTestId('compare-mode'));
    const frame = screen.getByTestId('compare-slider');
    const box = {
      left: 100,
      top: 0,
      width: 200,
      height: 100,
      right: 300,
      bottom: 100,
      x: 100,
      y: 0,
    };
    vi.spyOn(frame, 'getBoundingClientRect').mockReturnValue({ ...box, toJSON: () => box });
    await fireEvent.pointerDown(frame, { button: 0, pointerId: 3, clientX: 150, clientY: 50 });
    expect(handle().getAttribute('aria-valuenow')).toBe('25');
    await fireEvent.pointerMove(frame, { pointerId: 3, clientX: 260, clientY: 50 });
    expect(handle().getAttribute('aria-valuenow')).toBe('80');
    await fireEvent.pointerUp(frame, { pointerId: 3 });
    await fireEvent.pointerMove(frame, { pointerId: 3, clientX: 100, clientY: 50 });
    expect(handle().getAttribute('aria-valuenow')).toBe('80');
  });

  it('says so in its pane when an image file is missing', async () => {
    await openCompare();
    await fireEvent.error(img('right'));
    expect(screen.getByTestId('compare-right-missing').textContent).toBe(
      'This image cannot be shown (its file is missing).',
    );
    expect(screen.queryByTestId('compare-right-image')).toBeNull();
    expect(img('left')).toBeTruthy();
    // After a swap the message goes with its image.
    await fireEvent.click(screen.getByTestId('compare-swap'));
    expect(screen.getByTestId('compare-left-missing')).toBeTruthy();
    expect(screen.queryByTestId('compare-right-missing')).toBeNull();
  });

  it('keeps its keys to itself, except ? for the keyboard shortcuts', async () => {
    await openCompare();
    const heard = vi.fn();
    window.addEventListener('keydown', heard);
    try {
      await fireEvent.keyDown(dialog(), { key: 'x' });
      await fireEvent.keyDown(dialog(), { key: '2' });
      expect(heard).not.toHaveBeenCalled();
      await fireEvent.keyDown(dialog(), { key: '?', shiftKey: true });
      expect(heard).toHaveBeenCalledTimes(1);
    } finally {
      window.removeEventListener('keydown', heard);
    }
  });

  it('keeps Tab inside', async () => {
    await openCompare();
    const close = screen.getByTestId('compare-close');
    close.focus();
    expect(await fireEvent.keyDown(close, { key: 'Tab' })).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('compare-mode'));
  });

  it('closes on Esc and with its button, and gives the focus back', async () => {
    const closeSpy = vi.spyOn(compare, 'close');
    await openCompare();
    await fireEvent.keyDown(dialog(), { key: 'Escape' });
    expect(closeSpy).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByTestId('compare')).toBeNull());
    expect(document.activeElement).toBe(before);

    compare.open(left, right);
    await tick();
    await fireEvent.click(await screen.findByTestId('compare-close'));
    expect(closeSpy).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(screen.queryByTestId('compare')).toBeNull());
    expect(document.activeElement).toBe(before);
  });
});
