import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  captionParts,
  clampSlider,
  clampView,
  clampZoom,
  compareCommand,
  FIT,
  otherMode,
  panBy,
  panePoint,
  SLIDER_STEP,
  sliderFromPointer,
  sliderKey,
  viewTransform,
  wheelFactor,
  ZOOM_MAX,
  ZOOM_MIN,
  ZOOM_STEP,
  zoomAt,
  zoomStep,
  zoomText,
  type CompareZoom,
} from './compareView';
import { makeImage } from './testing/fixtures';

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {},
) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

/** Where a content point (0..1) lands in the pane. */
const screenOf = (v: CompareZoom, q: number, axis: 'x' | 'y') => v[axis] + v.zoom * q;

describe('compare zoom', () => {
  it('keeps the zoom between 1 and 8', () => {
    expect(clampZoom(0.2)).toBe(ZOOM_MIN);
    expect(clampZoom(3)).toBe(3);
    expect(clampZoom(40)).toBe(ZOOM_MAX);
    expect(clampZoom(Number.NaN)).toBe(ZOOM_MIN);
    expect(zoomAt(FIT, 0.5)).toEqual(FIT);
    let v: CompareZoom = FIT;
    for (let i = 0; i < 30; i++) v = zoomStep(v, 1);
    expect(v.zoom).toBe(ZOOM_MAX);
  });

  it('zooms about the middle with the keys and buttons', () => {
    const v = zoomStep(FIT, 1);
    expect(v.zoom).toBeCloseTo(ZOOM_STEP);
    // The middle of the image stays in the middle of the pane.
    expect(screenOf(v, 0.5, 'x')).toBeCloseTo(0.5);
    expect(screenOf(v, 0.5, 'y')).toBeCloseTo(0.5);
    expect(zoomStep(v, -1)).toEqual(FIT);
  });

  it('zooms about the pointer: what is under it stays under it', () => {
    const at = { x: 0.25, y: 0.8 };
    const v = zoomAt(FIT, 2, at);
    expect(v.zoom).toBe(2);
    expect(v.x).toBeCloseTo(-0.25);
    expect(v.y).toBeCloseTo(-0.8);
    // Content point under (0.25, 0.8) before: (0.25, 0.8); after it is still there.
    expect(screenOf(v, 0.25, 'x')).toBeCloseTo(0.25);
    expect(screenOf(v, 0.8, 'y')).toBeCloseTo(0.8);
  });

  it('keeps the point under the pointer whenever no edge is in the way (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 1, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (zoom, factor, at) => {
          // A view with the point's content in the middle of what can be reached.
          const start = clampView({ zoom, x: (1 - zoom) * at, y: (1 - zoom) * at });
          const q = (at - start.x) / start.zoom;
          const next = zoomAt(start, factor, { x: at, y: at });
          expect(screenOf(next, q, 'x')).toBeCloseTo(at, 6);
        },
      ),
    );
  });

  it('never pulls an empty border into the pane (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 20, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (zoom, x, y) => {
          const v = clampView({ zoom, x, y });
          expect(v.zoom).toBeGreaterThanOrEqual(ZOOM_MIN);
          expect(v.zoom).toBeLessThanOrEqual(ZOOM_MAX);
          for (const offset of [v.x, v.y]) {
            expect(offset).toBeLessThanOrEqual(0);
            expect(offset + v.zoom).toBeGreaterThanOrEqual(1 - 1e-9);
          }
        },
      ),
    );
  });

  it('zooms in when the wheel goes up, out when it goes down', () => {
    expect(wheelFactor(-100)).toBeGreaterThan(1);
    expect(wheelFactor(100)).toBeLessThan(1);
    expect(wheelFactor(0)).toBe(1);
    expect(wheelFactor(Number.NaN)).toBe(1);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-48));
    expect(wheelFactor(100) * wheelFactor(-100)).toBeCloseTo(1);
  });

  it('names the zoom', () => {
    expect(zoomText(1)).toBe('1×');
    expect(zoomText(2.5)).toBe('2.5×');
    expect(zoomText(100)).toBe('8×');
  });
});

describe('compare pan', () => {
  it('does not move a fitted image', () => {
    expect(panBy(FIT, 50, -30, 400, 300)).toEqual(FIT);
  });

  it('moves by the drag, in fractions of the pane, up to the edges', () => {
    const v: CompareZoom = { zoom: 2, x: -0.5, y: -0.5 };
    expect(panBy(v, 100, -60, 400, 300)).toEqual({ zoom: 2, x: -0.25, y: -0.7 });
    expect(panBy(v, 1000, -1000, 400, 300)).toEqual({ zoom: 2, x: 0, y: -1 });
    // A pane without a size (not laid out yet) does not move.
    expect(panBy(v, 100, 100, 0, 0)).toEqual(v);
  });

  it('is the same relative place in panes of different pixel sizes', () => {
    const v: CompareZoom = { zoom: 3, x: -1, y: -1 };
    // Half the width of a small pane and of a big one is the same move.
    expect(panBy(v, 100, 0, 200, 100)).toEqual(panBy(v, 300, 0, 600, 300));
  });

  it('finds the pane point under the pointer', () => {
    const box = { left: 100, top: 50, width: 400, height: 200 };
    expect(panePoint(200, 150, box)).toEqual({ x: 0.25, y: 0.5 });
    expect(panePoint(0, 1000, box)).toEqual({ x: 0, y: 1 });
    expect(panePoint(10, 10, { left: 0, top: 0, width: 0, height: 0 })).toEqual({
      x: 0.5,
      y: 0.5,
    });
  });

  it('writes the CSS transform', () => {
    expect(viewTransform(FIT)).toBe('translate(0%, 0%) scale(1)');
    expect(viewTransform({ zoom: 2, x: -0.25, y: -0.5 })).toBe('translate(-25%, -50%) scale(2)');
    expect(viewTransform({ zoom: 2, x: 3, y: -9 })).toBe('translate(0%, -100%) scale(2)');
  });
});

describe('compare slider', () => {
  it('follows the pointer inside the frame', () => {
    expect(sliderFromPointer(150, 100, 200)).toBe(25);
    expect(sliderFromPointer(0, 100, 200)).toBe(0);
    expect(sliderFromPointer(900, 100, 200)).toBe(100);
    expect(sliderFromPointer(150, 100, 0)).toBe(50);
  });

  it('moves with the keys of its handle', () => {
    expect(sliderKey(50, 'ArrowLeft')).toBe(50 - SLIDER_STEP);
    expect(sliderKey(50, 'ArrowRight')).toBe(50 + SLIDER_STEP);
    expect(sliderKey(50, 'ArrowUp')).toBe(55);
    expect(sliderKey(50, 'ArrowDown')).toBe(45);
    expect(sliderKey(50, 'PageUp')).toBe(70);
    expect(sliderKey(50, 'PageDown')).toBe(30);
    expect(sliderKey(2, 'ArrowLeft')).toBe(0);
    expect(sliderKey(98, 'ArrowRight')).toBe(100);
    expect(sliderKey(40, 'Home')).toBe(0);
    expect(sliderKey(40, 'End')).toBe(100);
    expect(sliderKey(40, 'a')).toBeNull();
    expect(clampSlider(Number.NaN)).toBe(50);
  });
});

describe('compare keys', () => {
  it('reads the keys of the table', () => {
    expect(compareCommand(key('x'), false)).toEqual({ type: 'swap' });
    expect(compareCommand(key('S'), false)).toEqual({ type: 'mode' });
    expect(compareCommand(key('ArrowLeft'), false)).toEqual({ type: 'slider', delta: -5 });
    expect(compareCommand(key('ArrowRight'), false)).toEqual({ type: 'slider', delta: 5 });
    expect(compareCommand(key('+', { shiftKey: true }), false)).toEqual({
      type: 'zoom',
      direction: 1,
    });
    expect(compareCommand(key('='), false)).toEqual({ type: 'zoom', direction: 1 });
    expect(compareCommand(key('-'), false)).toEqual({ type: 'zoom', direction: -1 });
    expect(compareCommand(key('0'), false)).toEqual({ type: 'fit' });
    expect(compareCommand(key('Escape'), false)).toEqual({ type: 'close' });
  });

  it('leaves typing, Ctrl/Cmd/Alt combinations and other keys alone; Esc always closes', () => {
    for (const k of ['x', 's', '+', '0', 'ArrowLeft'])
      expect(compareCommand(key(k), true)).toBeNull();
    expect(compareCommand(key('Escape'), true)).toEqual({ type: 'close' });
    expect(compareCommand(key('+', { ctrlKey: true }), false)).toBeNull();
    expect(compareCommand(key('0', { metaKey: true }), false)).toBeNull();
    expect(compareCommand(key('x', { altKey: true }), false)).toBeNull();
    expect(compareCommand(key('X', { shiftKey: true }), false)).toBeNull();
    expect(compareCommand(key('f'), false)).toBeNull();
  });

  it('switches between the two modes', () => {
    expect(otherMode('side')).toBe('slider');
    expect(otherMode('slider')).toBe('side');
  });
});

describe('compare captions', () => {
  it('says the kind, the first prompt words, the size and the date', () => {
    const now = new Date(2026, 2, 10, 12, 0);
    const { item } = makeImage(1, {
      kindLabel: 'Upscale 2',
      prompt: 'a lighthouse on a cliff at dusk with gulls and rain --ar 16:9',
      width: 2048,
      height: 1152,
      createdAt: new Date(2026, 2, 10, 9, 5).toISOString(),
    });
    const parts = captionParts(item, now);
    expect(parts.slice(0, 3)).toEqual(['Upscale 2', 'a lighthouse on a cliff at…', '2048 × 1152']);
    expect(parts).toHaveLength(4);
    expect(parts[3]).toMatch(/9.*05|05.*9/);
  });

  it('says when there is no prompt and leaves out what is unknown', () => {
    const { item } = makeImage(2, { prompt: null, width: 0, height: 0, createdAt: 'x' });
    expect(captionParts(item)).toEqual(['Imagine', 'No prompt']);
  });
});
