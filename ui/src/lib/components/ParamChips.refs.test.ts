// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  checkImageUrl: vi.fn(),
  imageSourceUrl: vi.fn(),
  imageDetail: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { creation } from '../creation.svelte';
import { app } from '../state.svelte';
import { DRAG_TYPE } from '../workbench';
import ParamChips from './ParamChips.svelte';

const A = 'https://cdn.example.com/a.png';
const B = 'https://cdn.example.com/b.png';

/** ParamChips as the composer uses it: on the app's prompt. */
function renderChips() {
  return render(ParamChips, {
    props: {
      get prompt() {
        return app.prompt;
      },
      onchange: (p: string) => (app.prompt = p),
    },
  });
}

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
  ipcMock.hasBackend.mockReturnValue(true);
  ipcMock.checkImageUrl.mockResolvedValue({ ok: true, message: null });
  creation.thumbs = {};
  creation.notes = {};
});

afterEach(() => cleanup());

describe('reference chips', () => {
  it('shows --sref / --cref / --oref with thumbnails of their images, and their weights', () => {
    creation.thumbs = { [A]: 'asset://a-thumb.png' };
    app.prompt = `a fox --sref ${A} ${B} 777 --sw 300 --cref ${A} --cw 40 --oref ${B} --ow 200`;
    renderChips();
    const sref = screen.getByTestId('param-chip-sref');
    const thumbs = sref.querySelectorAll('[data-testid="param-chip-thumb"]');
    expect(thumbs).toHaveLength(2);
    expect(thumbs[0].getAttribute('src')).toBe('asset://a-thumb.png');
    // No local copy of B: an image mark (remote images are not loaded by the page).
    expect(thumbs[1].tagName).toBe('SPAN');
    expect(sref.textContent).toContain('--sref');
    expect(sref.textContent).toContain('777');
    expect(screen.getByTestId('param-chip-sw').textContent?.trim()).toBe('--sw 300');
    expect(screen.getByTestId('param-chip-cref').querySelectorAll('img')).toHaveLength(1);
    expect(screen.getByTestId('param-chip-cw').textContent?.trim()).toBe('--cw 40');
    expect(screen.getByTestId('param-chip-oref')).toBeTruthy();
    expect(screen.getByTestId('param-chip-ow').textContent?.trim()).toBe('--ow 200');
  });

  it('adds a style reference from the menu and fills it from the gallery', async () => {
    ipcMock.imageSourceUrl.mockResolvedValue({ url: A, message: null });
    ipcMock.imageDetail.mockResolvedValue({ image: { thumbSrc: 'asset://a-thumb.png' } });
    app.prompt = 'a fox';
    renderChips();
    await fireEvent.click(screen.getByTestId('add-param-button'));
    await fireEvent.click(screen.getByTestId('add-param-sref'));
    expect(app.prompt).toBe('a fox --sref');
    const chip = screen.getByTestId('param-chip-sref');
    expect(chip.classList.contains('invalid')).toBe(true);
    expect(chip.textContent).toContain('add an image');
    expect(screen.getByTestId('param-popover-sref')).toBeTruthy();
    await fireEvent.drop(screen.getByTestId('ref-sref-drop'), {
      dataTransfer: {
        types: [DRAG_TYPE],
        getData: (t: string) => (t === DRAG_TYPE ? '{"kind":"images","ids":[5]}' : ''),
      },
    });
    await waitFor(() => expect(app.prompt).toBe(`a fox --sref ${A}`));
    expect(screen.getByTestId('param-chip-sref').classList.contains('invalid')).toBe(false);
    expect(screen.getByTestId('param-chip-sref').querySelector('img')?.getAttribute('src')).toBe(
      'asset://a-thumb.png',
    );
  });

  it('takes an omni reference address typed into its chip', async () => {
    app.prompt = 'a fox --oref';
    renderChips();
    await fireEvent.click(screen.getByTestId('param-chip-oref'));
    await fireEvent.input(screen.getByTestId('ref-oref-input'), { target: { value: B } });
    expect(app.prompt).toBe(`a fox --oref ${B}`);
    await waitFor(() => expect(ipcMock.checkImageUrl).toHaveBeenCalledWith(B));
  });

  it('marks a bad weight', () => {
    app.prompt = 'a fox --cref https://x.test/c.png --cw 400';
    renderChips();
    expect(screen.getByTestId('param-chip-cw').title).toBe(
      'Character weight must be a whole number from 0 to 100.',
    );
  });
});
