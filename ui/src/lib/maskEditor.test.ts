import { describe, expect, it } from 'vitest';
import {
  BRUSH_MIN,
  brushMax,
  clampBrush,
  coverage,
  cursorText,
  defaultBrush,
  EMPTY_HISTORY,
  EMPTY_MASK,
  finishDrag,
  FULL_MASK,
  hasWork,
  maskCommand,
  maskProblem,
  moveCursor,
  polygonArea,
  pushOp,
  rasterize,
  rectBetween,
  redo,
  renderMaskPng,
  replay,
  shouldAddPoint,
  stepBrush,
  toImagePoint,
  undo,
  type MaskContext,
  type MaskOp,
} from './maskEditor';

const W = 200;
const H = 100;
const leftHalf: MaskOp = { type: 'rect', erase: false, x: 0, y: 0, w: 100, h: 100 };

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {},
) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});
const free = { typing: false, onControl: false };

/** A context that records what was drawn, in order. */
function recorder() {
  const calls: string[] = [];
  const ctx = {
    globalCompositeOperation: 'source-over',
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    lineCap: 'butt',
    lineJoin: 'miter',
  } as Record<string, unknown>;
  for (const name of [
    'clearRect',
    'fillRect',
    'beginPath',
    'moveTo',
    'lineTo',
    'arc',
    'closePath',
    'fill',
    'stroke',
  ]) {
    ctx[name] = (...args: unknown[]) =>
      calls.push(
        `${name}(${args.map((a) => (typeof a === 'number' ? Math.round(a * 100) / 100 : a)).join(',')}) ${ctx.globalCompositeOperation}`,
      );
  }
  return { ctx: ctx as unknown as MaskContext & Record<string, unknown>, calls };
}

describe('mask history', () => {
  it('undoes and redoes, and a new operation drops what was undone', () => {
    const a: MaskOp = { type: 'invert' };
    const b: MaskOp = { type: 'clear' };
    let h = pushOp(pushOp(EMPTY_HISTORY, leftHalf), a);
    expect(h.done).toEqual([leftHalf, a]);
    h = undo(h);
    expect(h.done).toEqual([leftHalf]);
    expect(h.undone).toEqual([a]);
    h = redo(h);
    expect(h.done).toEqual([leftHalf, a]);
    expect(h.undone).toEqual([]);
    h = pushOp(undo(h), b);
    expect(h.done).toEqual([leftHalf, b]);
    expect(redo(h)).toBe(h);
    expect(undo(EMPTY_HISTORY)).toBe(EMPTY_HISTORY);
    expect(hasWork(EMPTY_HISTORY)).toBe(false);
    expect(hasWork(h)).toBe(true);
    expect(hasWork(undo(undo(h)))).toBe(false);
  });
});

describe('measuring the selection', () => {
  it('measures rectangles, invert, clear and erase', () => {
    expect(coverage([], W, H)).toBe(0);
    expect(coverage([leftHalf], W, H)).toBeCloseTo(0.5, 2);
    expect(coverage([leftHalf, { type: 'invert' }], W, H)).toBeCloseTo(0.5, 2);
    expect(coverage([{ type: 'invert' }], W, H)).toBe(1);
    expect(coverage([leftHalf, { type: 'clear' }], W, H)).toBe(0);
    expect(coverage([leftHalf, { ...leftHalf, erase: true, w: 50 }], W, H)).toBeCloseTo(0.25, 2);
  });

  it('measures a lasso (a triangle is half its box) and a brush stroke', () => {
    const tri: MaskOp = {
      type: 'lasso',
      erase: false,
      points: [
        { x: 0, y: 0 },
        { x: 200, y: 0 },
        { x: 0, y: 100 },
      ],
    };
    expect(coverage([tri], W, H)).toBeCloseTo(0.5, 1);
    const line: MaskOp = {
      type: 'stroke',
      erase: false,
      size: 20,
      points: [
        { x: 0, y: 50 },
        { x: 200, y: 50 },
      ],
    };
    // A 20 px band across a 100 px tall image.
    expect(coverage([line], W, H)).toBeCloseTo(0.2, 1);
    const dot: MaskOp = { type: 'stroke', erase: false, size: 20, points: [{ x: 100, y: 50 }] };
    expect(coverage([dot], W, H)).toBeGreaterThan(0);
    // The eraser takes the band back out.
    expect(coverage([{ type: 'invert' }, { ...line, erase: true }], W, H)).toBeCloseTo(0.8, 1);
  });

  it('samples a large image on a small grid', () => {
    const { cols, rows, cells } = rasterize([leftHalf], 2048, 1024);
    expect([cols, rows]).toEqual([256, 128]);
    expect(cells.length).toBe(256 * 128);
  });

  it('says why a selection cannot be sent', () => {
    expect(maskProblem([], W, H)).toBe(EMPTY_MASK);
    expect(EMPTY_MASK).toBe('Paint the area to redo first.');
    expect(maskProblem([leftHalf, { type: 'clear' }], W, H)).toBe(EMPTY_MASK);
    expect(maskProblem([{ type: 'invert' }], W, H)).toBe(FULL_MASK);
    expect(maskProblem([{ type: 'rect', erase: false, x: 0, y: 0, w: W, h: H }], W, H)).toBe(
      FULL_MASK,
    );
    expect(maskProblem([leftHalf], W, H)).toBeNull();
  });
});

describe('drags', () => {
  it('maps the pointer onto the image and keeps it inside', () => {
    const box = { left: 10, top: 20, width: 100, height: 50 };
    expect(toImagePoint(60, 45, box, 2000, 1000)).toEqual({ x: 1000, y: 500 });
    expect(toImagePoint(0, 0, box, 2000, 1000)).toEqual({ x: 0, y: 0 });
    expect(toImagePoint(500, 500, box, 2000, 1000)).toEqual({ x: 2000, y: 1000 });
    expect(toImagePoint(5, 5, { ...box, width: 0 }, 10, 10).x).toBe(0);
  });

  it('turns a drag into an operation, or nothing', () => {
    const a = { x: 50, y: 40 };
    const b = { x: 10, y: 10 };
    expect(rectBetween(a, b)).toEqual({ type: 'rect', erase: false, x: 10, y: 10, w: 40, h: 30 });
    expect(finishDrag('rect', [a, { x: 20, y: 30 }, b], 8)).toEqual(rectBetween(a, b));
    expect(finishDrag('rect', [a, a], 8)).toBeNull();
    expect(finishDrag('rect', [a, b], 8, true)).toMatchObject({ erase: true });
    expect(finishDrag('lasso', [a, b], 8)).toBeNull();
    expect(finishDrag('lasso', [a, b, { x: 0, y: 90 }], 8)).toMatchObject({ type: 'lasso' });
    // Three points on one line enclose nothing.
    expect(finishDrag('lasso', [a, b, { x: 30, y: 25 }], 8)).toBeNull();
    expect(
      polygonArea([
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: 10, y: 10 },
        { x: 0, y: 10 },
      ]),
    ).toBe(100);
    expect(finishDrag('brush', [a], 8)).toEqual({
      type: 'stroke',
      erase: false,
      size: 8,
      points: [a],
    });
    expect(finishDrag('erase', [a, b], 8)).toMatchObject({ type: 'stroke', erase: true });
    expect(finishDrag('brush', [], 8)).toBeNull();
    expect(shouldAddPoint([], a)).toBe(true);
    expect(shouldAddPoint([a], { x: 50.5, y: 40 })).toBe(false);
    expect(shouldAddPoint([a], { x: 55, y: 40 })).toBe(true);
  });

  it('sizes the brush to the image', () => {
    expect(brushMax(1024, 512)).toBe(256);
    expect(defaultBrush(1024, 512)).toBe(51);
    expect(clampBrush(1, 1024, 1024)).toBe(BRUSH_MIN);
    expect(clampBrush(10_000, 1024, 1024)).toBe(256);
    expect(clampBrush(Number.NaN, 1000, 1000)).toBe(50);
    expect(stepBrush(40, 1, 1024, 1024)).toBe(50);
    expect(stepBrush(50, -1, 1024, 1024)).toBe(40);
    expect(stepBrush(BRUSH_MIN, -1, 1024, 1024)).toBe(BRUSH_MIN);
    expect(stepBrush(4, 1, 1024, 1024)).toBe(5);
  });

  it('moves the keyboard cursor and says where it is', () => {
    const c = { x: 100, y: 50 };
    expect(moveCursor(c, 'ArrowRight', false, W, H)).toEqual({ x: 104, y: 50 });
    expect(moveCursor(c, 'ArrowUp', true, W, H)).toEqual({ x: 100, y: 40 });
    expect(moveCursor({ x: 0, y: 0 }, 'ArrowLeft', true, W, H)).toEqual({ x: 0, y: 0 });
    expect(moveCursor(c, 'a', false, W, H)).toBeNull();
    expect(cursorText(c, W, H)).toBe('50% across, 50% down');
  });
});

describe('drawing', () => {
  it('replays the operations in order with the right composite modes', () => {
    const { ctx, calls } = recorder();
    replay(
      ctx,
      [
        leftHalf,
        {
          type: 'stroke',
          erase: true,
          size: 10,
          points: [
            { x: 1, y: 2 },
            { x: 3, y: 4 },
          ],
        },
        { type: 'stroke', erase: false, size: 10, points: [{ x: 5, y: 5 }] },
        {
          type: 'lasso',
          erase: false,
          points: [
            { x: 0, y: 0 },
            { x: 9, y: 0 },
            { x: 0, y: 9 },
          ],
        },
        { type: 'invert' },
        { type: 'clear' },
      ],
      W,
      H,
      '#fff',
    );
    expect(calls).toEqual([
      'clearRect(0,0,200,100) source-over',
      'fillRect(0,0,100,100) source-over',
      'beginPath() destination-out',
      'moveTo(1,2) destination-out',
      'lineTo(3,4) destination-out',
      'stroke() destination-out',
      'beginPath() source-over',
      `arc(5,5,5,0,${Math.round(Math.PI * 200) / 100}) source-over`,
      'fill() source-over',
      'beginPath() source-over',
      'moveTo(0,0) source-over',
      'lineTo(9,0) source-over',
      'lineTo(0,9) source-over',
      'closePath() source-over',
      'fill() source-over',
      'fillRect(0,0,200,100) xor',
      'clearRect(0,0,200,100) source-over',
    ]);
    expect(ctx.globalCompositeOperation).toBe('source-over');
    expect(ctx.lineCap).toBe('round');
  });

  it('exports a white-on-black PNG of the image size, or null without a canvas', () => {
    const { ctx, calls } = recorder();
    const canvas = {
      width: 0,
      height: 0,
      getContext: () => ctx,
      toDataURL: (type: string) => (type === 'image/png' ? 'data:image/png;base64,AAAA' : ''),
    } as unknown as HTMLCanvasElement;
    expect(renderMaskPng(canvas, [leftHalf], 1024, 768)).toBe('data:image/png;base64,AAAA');
    expect([canvas.width, canvas.height]).toEqual([1024, 768]);
    expect(calls.at(-1)).toBe('fillRect(0,0,1024,768) destination-over');
    expect(ctx.fillStyle).toBe('#000000');

    const none = { getContext: () => null, toDataURL: () => '' } as unknown as HTMLCanvasElement;
    expect(renderMaskPng(none, [leftHalf], 10, 10)).toBeNull();
    const throws = {
      getContext: () => {
        throw new Error('no');
      },
    } as unknown as HTMLCanvasElement;
    expect(renderMaskPng(throws, [leftHalf], 10, 10)).toBeNull();
    const blank = {
      getContext: () => ctx,
      toDataURL: () => 'data:,',
    } as unknown as HTMLCanvasElement;
    expect(renderMaskPng(blank, [leftHalf], 10, 10)).toBeNull();
  });
});

describe('mask keys', () => {
  it('picks tools, sizes, undo and redo when not typing', () => {
    expect(maskCommand(key('b'), free)).toEqual({ type: 'tool', tool: 'brush' });
    expect(maskCommand(key('E'), free)).toEqual({ type: 'tool', tool: 'erase' });
    expect(maskCommand(key('l'), free)).toEqual({ type: 'tool', tool: 'lasso' });
    expect(maskCommand(key('r'), free)).toEqual({ type: 'tool', tool: 'rect' });
    expect(maskCommand(key('['), free)).toEqual({ type: 'size', direction: -1 });
    expect(maskCommand(key(']'), free)).toEqual({ type: 'size', direction: 1 });
    expect(maskCommand(key('z', { ctrlKey: true }), free)).toEqual({ type: 'undo' });
    expect(maskCommand(key('z', { metaKey: true }), free)).toEqual({ type: 'undo' });
    expect(maskCommand(key('Z', { ctrlKey: true, shiftKey: true }), free)).toEqual({
      type: 'redo',
    });
    expect(maskCommand(key('y', { ctrlKey: true }), free)).toEqual({ type: 'redo' });
    expect(maskCommand(key('b', { ctrlKey: true }), free)).toBeNull();
    expect(maskCommand(key('B', { shiftKey: true }), free)).toBeNull();
    expect(maskCommand(key('x'), free)).toBeNull();
  });

  it('leaves letters and Ctrl+Z to the prompt while typing; Esc and Ctrl+Enter always work', () => {
    const typing = { typing: true, onControl: false };
    expect(maskCommand(key('b'), typing)).toBeNull();
    expect(maskCommand(key('z', { ctrlKey: true }), typing)).toBeNull();
    expect(maskCommand(key('Enter'), typing)).toBeNull();
    expect(maskCommand(key('Enter', { ctrlKey: true }), typing)).toEqual({ type: 'submit' });
    expect(maskCommand(key('Escape'), typing)).toEqual({ type: 'cancel' });
  });

  it('lets Enter press a focused button, and sends otherwise', () => {
    expect(maskCommand(key('Enter'), free)).toEqual({ type: 'submit' });
    expect(maskCommand(key('Enter'), { typing: false, onControl: true })).toBeNull();
    expect(maskCommand(key('Enter', { shiftKey: true }), free)).toBeNull();
  });
});
