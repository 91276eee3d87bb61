// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import CustomZoomDialog from './CustomZoomDialog.svelte';

function renderDialog(extra: Record<string, unknown> = {}) {
  const props = {
    prompt: 'a red fox',
    aspectRatios: ['1:1', '16:9', '2:3'],
    onconfirm: vi.fn(),
    oncancel: vi.fn(),
    ...extra,
  };
  return { ...render(CustomZoomDialog, { props }), props };
}

describe('CustomZoomDialog', () => {
  it('is a labelled modal, prefilled, starting at 1.5 and keeping the aspect ratio', async () => {
    const { props } = renderDialog({ cost: '4 credits' });
    const dialog = screen.getByTestId('zoom-dialog');
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.getAttribute('aria-label')).toBe('Custom Zoom');
    const prompt = screen.getByTestId('zoom-prompt') as HTMLTextAreaElement;
    expect(prompt.value).toBe('a red fox');
    expect(document.activeElement).toBe(prompt);
    expect((screen.getByTestId('zoom-ratio') as HTMLInputElement).value).toBe('1.5');
    expect(screen.getByLabelText('Zoom ratio')).toBe(screen.getByTestId('zoom-ratio'));
    const aspect = screen.getByTestId('zoom-aspect') as HTMLSelectElement;
    expect([...aspect.options].map((o) => o.value)).toEqual(['', '1:1', '16:9', '2:3']);
    expect(screen.getByTestId('zoom-cost').textContent).toBe('4 credits');
    await fireEvent.click(screen.getByTestId('zoom-confirm'));
    expect(props.onconfirm).toHaveBeenCalledWith({
      prompt: 'a red fox',
      mask: null,
      zoomRatio: 1.5,
      aspectRatio: null,
    });
  });

  it('sends the ratio and aspect ratio chosen', async () => {
    const { props } = renderDialog();
    await fireEvent.input(screen.getByTestId('zoom-ratio-slider'), { target: { value: '1.75' } });
    expect((screen.getByTestId('zoom-ratio') as HTMLInputElement).value).toBe('1.75');
    await fireEvent.change(screen.getByTestId('zoom-aspect'), { target: { value: '16:9' } });
    await fireEvent.keyDown(screen.getByTestId('zoom-prompt'), { key: 'Enter', ctrlKey: true });
    expect(props.onconfirm).toHaveBeenCalledWith({
      prompt: 'a red fox',
      mask: null,
      zoomRatio: 1.75,
      aspectRatio: '16:9',
    });
  });

  it('says what is wrong with the ratio or the prompt, and sends nothing', async () => {
    const { props } = renderDialog();
    const ratio = screen.getByTestId('zoom-ratio');
    await fireEvent.input(ratio, { target: { value: '2.5' } });
    // Not while typing: once the person tries to send.
    expect(screen.queryByTestId('zoom-error')).toBeNull();
    await fireEvent.click(screen.getByTestId('zoom-confirm'));
    expect(screen.getByTestId('zoom-error').textContent).toBe(
      'The zoom ratio must be more than 1 and at most 2 (1 is Make Square).',
    );
    expect(ratio.getAttribute('aria-invalid')).toBe('true');
    await fireEvent.input(ratio, { target: { value: 'wide' } });
    expect(screen.getByTestId('zoom-error').textContent).toMatch(/^Type a zoom ratio/);
    await fireEvent.input(ratio, { target: { value: '1' } });
    expect(screen.getByTestId('zoom-error').textContent).toMatch(/more than 1/);
    await fireEvent.input(ratio, { target: { value: '2' } });
    await fireEvent.input(screen.getByTestId('zoom-prompt'), { target: { value: ' ' } });
    await fireEvent.click(screen.getByTestId('zoom-confirm'));
    expect(screen.getByTestId('zoom-error').textContent).toBe('Type a prompt first.');
    expect(props.onconfirm).not.toHaveBeenCalled();
  });

  it('closes on Esc and on Cancel', async () => {
    const { props } = renderDialog();
    await fireEvent.keyDown(screen.getByTestId('zoom-prompt'), { key: 'Escape' });
    expect(props.oncancel).toHaveBeenCalledOnce();
    await fireEvent.click(screen.getByTestId('zoom-cancel'));
    expect(props.oncancel).toHaveBeenCalledTimes(2);
  });

  it('keeps Tab inside', async () => {
    renderDialog();
    const last = screen.getByTestId('zoom-confirm');
    last.focus();
    await fireEvent.keyDown(last, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByTestId('zoom-prompt'));
  });
});
