// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_MASK, FULL_MASK } from '../maskEditor';
import MaskEditor from './MaskEditor.svelte';

const PNG = 'data:image/png;base64,QUJD';

/** jsdom has no 2D canvas: a context that draws nothing, and a PNG that records its size. */
let sizes: [number, number][] = [];
beforeEach(() => {
  sizes = [];
  const ctx = new Proxy(
    {},
    {
      get: (target: Record<string, unknown>, name: string) =>
        name in target ? target[name] : () => {},
      set: (target: Record<string, unknown>, name: string, value: unknown) => {
        target[name] = value;
        return true;
      },
    },
  );
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
    () => ctx as unknown as CanvasRenderingContext2D,
  );
  vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockImplementation(function (
    this: HTMLCanvasElement,
  ) {
    sizes.push([this.width, this.height]);
    return PNG;
  });
});
afterEach(() => vi.restoreAllMocks());

function renderEditor(extra: Record<string, unknown> = {}) {
  const props = {
    image: 'asset://u2.png',
    prompt: 'a red fox',
    width: 200,
    height: 100,
    onsubmit: vi.fn(),
    oncancel: vi.fn(),
    ...extra,
  };
  const result = render(MaskEditor, { props });
  const stage = screen.getByTestId('mask-stage');
  stage.getBoundingClientRect = () =>
    ({ left: 0, top: 0, width: 200, height: 100, right: 200, bottom: 100 }) as DOMRect;
  return { ...result, props, stage };
}

const ops = () => Number(screen.getByTestId('mask-stage').dataset.ops);
const pressed = (tool: string) =>
  screen.getByTestId(`mask-tool-${tool}`).getAttribute('aria-pressed');

async function drag(stage: HTMLElement, from: [number, number], to: [number, number]) {
  const at = (x: number, y: number) => ({ clientX: x, clientY: y, pointerId: 1, button: 0 });
  await fireEvent.pointerDown(stage, at(...from));
  await fireEvent.pointerMove(stage, at((from[0] + to[0]) / 2, (from[1] + to[1]) / 2));
  await fireEvent.pointerMove(stage, at(...to));
  await fireEvent.pointerUp(stage, at(...to));
}

describe('MaskEditor', () => {
  it('is a labelled modal with the prompt prefilled, the brush chosen and the keys named', () => {
    renderEditor();
    const dialog = screen.getByTestId('mask-editor');
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const title = document.getElementById(dialog.getAttribute('aria-labelledby') ?? '');
    expect(title?.textContent).toBe('Vary (Region)');
    expect((screen.getByTestId('mask-prompt') as HTMLTextAreaElement).value).toBe('a red fox');
    expect(pressed('brush')).toBe('true');
    expect(screen.getByTestId('mask-tool-lasso').getAttribute('aria-keyshortcuts')).toBe('L');
    expect(screen.getByTestId('mask-keys').textContent).toContain('B brush');
    expect(screen.getByTestId('mask-keys').textContent).toContain('Esc leave');
    // The image takes the focus, so the keys work at once.
    expect(document.activeElement).toBe(screen.getByTestId('mask-stage'));
  });

  it('switches tools with B, E, L, R (not while typing in the prompt)', async () => {
    const { stage } = renderEditor();
    await fireEvent.keyDown(stage, { key: 'e' });
    expect(pressed('erase')).toBe('true');
    await fireEvent.keyDown(stage, { key: 'l' });
    expect(pressed('lasso')).toBe('true');
    await fireEvent.keyDown(stage, { key: 'R' });
    expect(pressed('rect')).toBe('true');
    await fireEvent.keyDown(stage, { key: 'b' });
    expect(pressed('brush')).toBe('true');
    await fireEvent.keyDown(screen.getByTestId('mask-prompt'), { key: 'e' });
    expect(pressed('brush')).toBe('true');
    await fireEvent.click(screen.getByTestId('mask-tool-rect'));
    expect(pressed('rect')).toBe('true');
  });

  it('changes the brush size with [ and ] and the slider', async () => {
    const { stage } = renderEditor();
    const value = () => screen.getByTestId('mask-size-value').textContent;
    expect(value()).toBe('10 px');
    await fireEvent.keyDown(stage, { key: ']' });
    expect(value()).toBe('13 px');
    await fireEvent.keyDown(stage, { key: '[' });
    expect(value()).toBe('10 px');
    await fireEvent.input(screen.getByTestId('mask-size'), { target: { value: '30' } });
    expect(value()).toBe('30 px');
  });

  it('paints, boxes and draws around with the pointer; undoes and redoes', async () => {
    const { stage } = renderEditor();
    await drag(stage, [10, 10], [50, 50]);
    expect(ops()).toBe(1);
    await fireEvent.keyDown(stage, { key: 'r' });
    await drag(stage, [100, 10], [150, 60]);
    await fireEvent.keyDown(stage, { key: 'l' });
    await drag(stage, [10, 90], [60, 60]);
    // A lasso along a line encloses nothing: nothing is added.
    expect(ops()).toBe(2);

    const undo = screen.getByTestId('mask-undo') as HTMLButtonElement;
    const redo = screen.getByTestId('mask-redo') as HTMLButtonElement;
    expect(redo.disabled).toBe(true);
    await fireEvent.keyDown(stage, { key: 'z', ctrlKey: true });
    expect(ops()).toBe(1);
    expect(redo.disabled).toBe(false);
    await fireEvent.keyDown(stage, { key: 'Z', ctrlKey: true, shiftKey: true });
    expect(ops()).toBe(2);
    await fireEvent.click(undo);
    await fireEvent.click(undo);
    expect(ops()).toBe(0);
    expect(undo.disabled).toBe(true);
    await fireEvent.click(redo);
    expect(ops()).toBe(1);
  });

  it('checks the selection before sending: not empty, not everything', async () => {
    const { stage, props } = renderEditor();
    await fireEvent.click(screen.getByTestId('mask-submit'));
    expect(screen.getByTestId('mask-error').textContent).toBe(EMPTY_MASK);
    await fireEvent.click(screen.getByTestId('mask-invert'));
    await fireEvent.click(screen.getByTestId('mask-submit'));
    expect(screen.getByTestId('mask-error').textContent).toBe(FULL_MASK);
    await fireEvent.click(screen.getByTestId('mask-clear'));
    await fireEvent.keyDown(stage, { key: 'Enter' });
    expect(screen.getByTestId('mask-error').textContent).toBe(EMPTY_MASK);
    expect(props.onsubmit).not.toHaveBeenCalled();
    expect(sizes).toEqual([]);
  });

  it('sends the prompt and a PNG mask of the image size', async () => {
    const { stage, props } = renderEditor();
    await fireEvent.keyDown(stage, { key: 'r' });
    await drag(stage, [0, 0], [100, 100]);
    await fireEvent.click(screen.getByTestId('mask-invert'));
    await fireEvent.input(screen.getByTestId('mask-prompt'), {
      target: { value: 'a red fox wearing a hat' },
    });
    await fireEvent.keyDown(stage, { key: 'Enter' });
    expect(props.onsubmit).toHaveBeenCalledWith({
      prompt: 'a red fox wearing a hat',
      mask: PNG,
      zoomRatio: null,
      aspectRatio: null,
    });
    expect(sizes).toEqual([[200, 100]]);
    expect(screen.queryByTestId('mask-error')).toBeNull();
  });

  it('sends with Ctrl+Enter from the prompt, and needs a prompt', async () => {
    const { stage, props } = renderEditor();
    await fireEvent.keyDown(stage, { key: 'r' });
    await drag(stage, [0, 0], [50, 50]);
    const prompt = screen.getByTestId('mask-prompt');
    await fireEvent.input(prompt, { target: { value: '  ' } });
    await fireEvent.keyDown(prompt, { key: 'Enter', ctrlKey: true });
    expect(screen.getByTestId('mask-error').textContent).toBe('Type a prompt first.');
    await fireEvent.input(prompt, { target: { value: 'a hat' } });
    // Plain Enter in the prompt is a new line, not a send.
    await fireEvent.keyDown(prompt, { key: 'Enter' });
    expect(props.onsubmit).not.toHaveBeenCalled();
    await fireEvent.keyDown(prompt, { key: 'Enter', ctrlKey: true });
    expect(props.onsubmit).toHaveBeenCalledOnce();
  });

  it('says so when this window cannot make the PNG', async () => {
    vi.mocked(HTMLCanvasElement.prototype.toDataURL).mockReturnValue('data:,');
    const { stage, props } = renderEditor();
    await fireEvent.keyDown(stage, { key: 'r' });
    await drag(stage, [0, 0], [50, 50]);
    await fireEvent.click(screen.getByTestId('mask-submit'));
    expect(screen.getByTestId('mask-error').textContent).toMatch(/could not make the mask/);
    expect(props.onsubmit).not.toHaveBeenCalled();
  });

  it('leaves at once on Esc when nothing was painted', async () => {
    const { stage, props } = renderEditor();
    await fireEvent.keyDown(stage, { key: 'Escape' });
    expect(props.oncancel).toHaveBeenCalledOnce();
  });

  it('asks before leaving with work: Esc again keeps editing, Leave leaves', async () => {
    const { stage, props } = renderEditor();
    await drag(stage, [10, 10], [40, 40]);
    await fireEvent.keyDown(stage, { key: 'Escape' });
    expect(props.oncancel).not.toHaveBeenCalled();
    expect(screen.getByTestId('mask-confirm').textContent).toMatch(/Leave without sending/);
    await Promise.resolve();
    expect(document.activeElement).toBe(screen.getByTestId('mask-confirm-stay'));
    await fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Escape' });
    expect(screen.queryByTestId('mask-confirm')).toBeNull();
    expect(props.oncancel).not.toHaveBeenCalled();
    expect(ops()).toBe(1);

    await fireEvent.click(screen.getByTestId('mask-cancel'));
    await fireEvent.click(screen.getByTestId('mask-confirm-stay'));
    expect(screen.queryByTestId('mask-confirm')).toBeNull();

    await fireEvent.keyDown(stage, { key: 'Escape' });
    await fireEvent.click(screen.getByTestId('mask-confirm-leave'));
    expect(props.oncancel).toHaveBeenCalledOnce();
  });

  it('selects with the keyboard alone: arrows move the cursor, Space marks', async () => {
    const { stage, props } = renderEditor();
    stage.focus();
    await fireEvent.keyDown(stage, { key: 'r' });
    // The cursor starts in the middle.
    expect(screen.getByTestId('mask-status').textContent).toMatch(/50% across, 50% down/);
    await fireEvent.keyDown(stage, { key: ' ' });
    expect(screen.getByTestId('mask-status').textContent).toMatch(/Box started/);
    await fireEvent.keyDown(stage, { key: 'ArrowRight', shiftKey: true });
    await fireEvent.keyDown(stage, { key: 'ArrowDown', shiftKey: true });
    expect(screen.getByTestId('mask-status').textContent).toMatch(/60% across, 60% down/);
    await fireEvent.keyDown(stage, { key: ' ' });
    expect(ops()).toBe(1);

    // A lasso: points with Space, Space twice in place closes it.
    await fireEvent.keyDown(stage, { key: 'l' });
    await fireEvent.keyDown(stage, { key: ' ' });
    await fireEvent.keyDown(stage, { key: 'ArrowLeft', shiftKey: true });
    await fireEvent.keyDown(stage, { key: ' ' });
    await fireEvent.keyDown(stage, { key: 'ArrowUp', shiftKey: true });
    await fireEvent.keyDown(stage, { key: ' ' });
    await fireEvent.keyDown(stage, { key: ' ' });
    expect(ops()).toBe(2);

    // The brush: Space down, move, Space up.
    await fireEvent.keyDown(stage, { key: 'b' });
    await fireEvent.keyDown(stage, { key: ' ' });
    await fireEvent.keyDown(stage, { key: 'ArrowRight' });
    await fireEvent.keyDown(stage, { key: ' ' });
    expect(ops()).toBe(3);

    await fireEvent.keyDown(stage, { key: 'Enter' });
    expect(props.onsubmit).toHaveBeenCalledOnce();
  });

  it('keeps Tab inside and lets Enter press a focused button', async () => {
    const { props } = renderEditor();
    const last = screen.getByTestId('mask-submit');
    last.focus();
    await fireEvent.keyDown(last, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByTestId('mask-tool-brush'));
    await fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);
    const invert = screen.getByTestId('mask-invert');
    await fireEvent.keyDown(invert, { key: 'Enter' });
    expect(props.onsubmit).not.toHaveBeenCalled();
    expect(screen.queryByTestId('mask-error')).toBeNull();
  });

  it('keeps its keys from the app and the lightbox under it, but lets ? through', async () => {
    const outer = vi.fn();
    window.addEventListener('keydown', outer);
    const { stage } = renderEditor();
    await fireEvent.keyDown(stage, { key: '1' });
    await fireEvent.keyDown(stage, { key: 'b' });
    expect(outer).not.toHaveBeenCalled();
    await fireEvent.keyDown(stage, { key: '?', shiftKey: true });
    expect(outer).toHaveBeenCalledOnce();
    window.removeEventListener('keydown', outer);
  });

  it('reads the size from the image when it was not given', async () => {
    renderEditor({ width: 0, height: 0 });
    expect(screen.getByText('Loading the image…')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('mask-submit'));
    expect(screen.getByTestId('mask-error').textContent).toBe('Wait for the image to load first.');
    const img = screen.getByTestId('mask-image') as HTMLImageElement;
    Object.defineProperty(img, 'naturalWidth', { value: 1024 });
    Object.defineProperty(img, 'naturalHeight', { value: 512 });
    await fireEvent.load(img);
    expect(screen.queryByText('Loading the image…')).toBeNull();
    expect(screen.getByTestId('mask-size-value').textContent).toBe('51 px');
  });

  it('says when the image cannot be loaded', async () => {
    renderEditor({ width: 0, height: 0 });
    await fireEvent.error(screen.getByTestId('mask-image'));
    expect(screen.getByTestId('mask-image-missing')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('mask-submit'));
    expect(screen.getByTestId('mask-error').textContent).toMatch(/could not be loaded/);
  });
});
