// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Action } from '../bindings/Action';
import { NO_MASK_IMAGE } from '../actionRoute';
import { remix, REMIX_KEY, setRemix } from '../remix.svelte';
import { gridActions, makeAction } from '../testing/fixtures';
import ActionButtons from './ActionButtons.svelte';

/** JourneyAPI-style buttons: prices known, Reroll takes an edited prompt. */
function journeyGrid(): Action[] {
  return gridActions().map((a) => ({
    ...a,
    credits: a.group === 'upscale' ? 2 : 4,
    takesPrompt: a.kind?.type === 'reroll',
  }));
}

const region = makeAction({
  id: 'vary-region',
  label: 'Vary (Region)',
  mode: 'needsMask',
  kind: { type: 'varyRegion' },
  takesPrompt: true,
  credits: 4,
});

function renderButtons(actions: Action[], extra: Record<string, unknown> = {}) {
  const props = {
    actions,
    prompt: 'a red fox',
    onaction: vi.fn(),
    providerName: 'JourneyAPI',
    ...extra,
  };
  return { ...render(ActionButtons, { props }), props };
}

beforeEach(() => {
  setRemix(false);
  vi.restoreAllMocks();
});

describe('credit costs', () => {
  it('names each button’s cost in a tooltip on hover and focus', () => {
    renderButtons(journeyGrid());
    const u2 = screen.getByTestId('action-U2');
    const tip = u2.querySelector('[data-testid="action-cost"]') as HTMLElement;
    expect(tip.textContent).toBe('Upscale 2 (U then 2) — 2 credits');
    expect(tip.getAttribute('role')).toBe('tooltip');
    expect(u2.getAttribute('aria-describedby')).toBe(tip.id);
    // The drawn tooltip replaces the native one (no double tooltip).
    expect(u2.getAttribute('title')).toBeNull();
    expect(u2.dataset.credits).toBe('2');
    const reroll = screen.getByTestId('action-Reroll');
    expect(reroll.querySelector('[data-testid="action-cost"]')?.textContent).toBe(
      'Reroll — 4 credits',
    );
  });

  it('has no cost line where the price is not known (LinkrAPI)', () => {
    renderButtons(gridActions(), { providerName: 'LinkrAPI' });
    expect(screen.queryAllByTestId('action-cost')).toHaveLength(0);
    expect(screen.getByTestId('action-U1').title).toBe('Upscale 1 (U then 1)');
    expect(screen.getByTestId('action-U1').hasAttribute('aria-describedby')).toBe(false);
  });

  it('keeps a button the provider cannot send disabled, with its reason and no cost', async () => {
    const reason = 'LinkrAPI cannot take a mask: choose JourneyAPI for Vary (Region).';
    const { props } = renderButtons([{ ...region, unavailable: reason, credits: null }], {
      image: 'asset://u.png',
    });
    const button = screen.getByTestId('action-Vary-Region') as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.querySelector('[data-testid="action-reason"]')?.textContent).toBe(reason);
    expect(button.querySelector('[data-testid="action-cost"]')).toBeNull();
    await fireEvent.click(button);
    expect(props.onaction).not.toHaveBeenCalled();
    expect(screen.queryByTestId('mask-editor')).toBeNull();
  });
});

describe('the buttons of a JourneyAPI upscale', () => {
  it('shows Make Square, Upscale 2x / 4x and Seed readably, with their costs', () => {
    const extra = (id: string, label: string, kind: Action['kind'], credits: number | null) =>
      makeAction({ id, label, kind, credits });
    renderButtons(
      [
        extra('zoom-out:square', 'Make Square', { type: 'zoomOut', factor: 'square' }, 4),
        extra('upscale-2x', 'Upscale 2x', { type: 'upscale2x' }, 2),
        extra('upscale-4x', 'Upscale 4x', { type: 'upscale4x' }, 2),
        extra('seed', 'Seed', { type: 'seed' }, null),
      ],
      { priced: true },
    );
    const cost = (id: string) =>
      screen.getByTestId(id).querySelector('[data-testid="action-cost"]')?.textContent;
    expect(screen.getByTestId('action-Make-Square').getAttribute('aria-label')).toBe('Make Square');
    expect(cost('action-Make-Square')).toBe('Make Square — 4 credits');
    expect(screen.getByTestId('action-Upscale-2x').getAttribute('aria-label')).toBe('Upscale 2x');
    expect(cost('action-Upscale-2x')).toBe('Upscale 2x — 2 credits');
    expect(cost('action-Upscale-4x')).toBe('Upscale 4x — 2 credits');
    expect(cost('action-Seed')).toBe('Seed — cost not published');
  });
});

describe('Remix', () => {
  it('is a remembered toggle in the button row, shown where it changes something', async () => {
    renderButtons(journeyGrid());
    const toggle = screen.getByTestId('action-remix');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(remix.on).toBe(true);
    expect(localStorage.getItem(REMIX_KEY)).toBe('1');
  });

  it('is not offered where no button remixes', () => {
    renderButtons([makeAction({ id: 'pan:left', label: 'Pan left' })]);
    expect(screen.queryByTestId('action-remix')).toBeNull();
  });

  it('opens the prompt editor first for Reroll, and sends the edited prompt', async () => {
    setRemix(true);
    const { props } = renderButtons(journeyGrid());
    await fireEvent.click(screen.getByTestId('action-Reroll'));
    expect(props.onaction).not.toHaveBeenCalled();
    expect(screen.getByTestId('prompt-dialog').getAttribute('aria-label')).toBe('Reroll (Remix)');
    const input = screen.getByTestId('prompt-dialog-input') as HTMLTextAreaElement;
    expect(input.value).toBe('a red fox');
    await fireEvent.input(input, { target: { value: 'a blue fox' } });
    await fireEvent.click(screen.getByTestId('prompt-dialog-confirm'));
    expect(props.onaction).toHaveBeenCalledWith(expect.objectContaining({ label: 'Reroll' }), {
      prompt: 'a blue fox',
      mask: null,
      zoomRatio: null,
      aspectRatio: null,
    });
  });

  it('shows the Vary buttons disabled with the reason, and lets them vary again when off', async () => {
    setRemix(true);
    const { props } = renderButtons(journeyGrid());
    const v2 = screen.getByTestId('action-V2');
    expect(v2.getAttribute('aria-disabled')).toBe('true');
    expect(v2.querySelector('[data-testid="action-reason"]')?.textContent).toBe(
      'JourneyAPI cannot change the prompt of a variation; turn Remix off to vary.',
    );
    await fireEvent.click(v2);
    expect(props.onaction).not.toHaveBeenCalled();
    // U buttons are not changed by Remix.
    expect(screen.getByTestId('action-U2').hasAttribute('aria-disabled')).toBe(false);

    await fireEvent.click(screen.getByTestId('action-remix'));
    expect(v2.hasAttribute('aria-disabled')).toBe(false);
    await fireEvent.click(v2);
    expect(props.onaction).toHaveBeenCalledWith(expect.objectContaining({ label: 'V2' }), null);
  });
});

describe('Vary (Region)', () => {
  it('opens the mask editor over the image', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    renderButtons([region], { image: 'asset://u.png' });
    const button = screen.getByTestId('action-Vary-Region');
    expect(button.querySelector('[data-testid="action-cost"]')?.textContent).toBe(
      'Vary (Region) — 4 credits',
    );
    await fireEvent.click(button);
    expect(screen.getByTestId('mask-editor')).toBeTruthy();
    expect((screen.getByTestId('mask-image') as HTMLImageElement).src).toBe('asset://u.png');
    expect(screen.getByTestId('mask-cost').textContent).toBe('4 credits');
    await fireEvent.keyDown(screen.getByTestId('mask-stage'), { key: 'Escape' });
    expect(screen.queryByTestId('mask-editor')).toBeNull();
  });

  it('waits for the image before it can open', () => {
    renderButtons([region], { image: null });
    const button = screen.getByTestId('action-Vary-Region');
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.textContent).toContain(NO_MASK_IMAGE);
  });
});
