import { describe, expect, it } from 'vitest';
import {
  blockReason,
  costLine,
  creditText,
  isRemixable,
  NO_MASK_IMAGE,
  offersRemix,
  pressOf,
  remixReason,
  type PressContext,
} from './actionRoute';
import { gridActions, makeAction, singleActions } from './testing/fixtures';

const plain: PressContext = { remix: false, providerName: 'JourneyAPI', hasImage: true };
const remixOn: PressContext = { ...plain, remix: true };

const reroll = makeAction({
  id: 'reroll',
  kind: { type: 'reroll' },
  takesPrompt: true,
  credits: 4,
});
const v2 = makeAction({
  id: 'variation:2',
  label: 'V2',
  group: 'variation',
  index: 2,
  kind: { type: 'variation', index: 2 },
  credits: 4,
});
const region = makeAction({
  id: 'vary-region',
  label: 'Vary (Region)',
  mode: 'needsMask',
  kind: { type: 'varyRegion' },
  takesPrompt: true,
  credits: 4,
});
const zoom = makeAction({
  id: 'custom-zoom',
  label: 'Custom Zoom',
  mode: 'needsPrompt',
  kind: { type: 'customZoom' },
  takesPrompt: true,
});

describe('what a press does', () => {
  it('sends plain buttons and opens the editor a button needs', () => {
    expect(pressOf(v2, plain)).toEqual({ type: 'send' });
    expect(pressOf(reroll, plain)).toEqual({ type: 'send' });
    expect(pressOf(region, plain)).toEqual({ type: 'mask' });
    expect(pressOf(zoom, plain)).toEqual({ type: 'zoom' });
    expect(pressOf(makeAction({ mode: 'needsPrompt', kind: null }), plain)).toEqual({
      type: 'prompt',
    });
    expect(pressOf(makeAction({ mode: 'link', url: 'https://x' }), plain)).toEqual({
      type: 'link',
      url: 'https://x',
    });
    expect(pressOf(makeAction({ mode: 'link', url: null }), plain)).toMatchObject({
      type: 'blocked',
    });
  });

  it('keeps a button the provider cannot send, with its reason', () => {
    const reason = 'LinkrAPI cannot take a mask: choose JourneyAPI for Vary (Region).';
    expect(pressOf({ ...region, unavailable: reason }, plain)).toEqual({ type: 'blocked', reason });
    expect(blockReason({ ...zoom, unavailable: ' ' }, plain)).toBeNull();
  });

  it('needs the image before the mask editor can open', () => {
    expect(blockReason(region, { ...plain, hasImage: false })).toBe(NO_MASK_IMAGE);
    expect(blockReason(region, plain)).toBeNull();
  });
});

describe('Remix', () => {
  it('knows the buttons it changes', () => {
    expect(isRemixable(reroll)).toBe(true);
    expect(isRemixable(v2)).toBe(true);
    expect(isRemixable(makeAction({ kind: { type: 'varySubtle' } }))).toBe(true);
    expect(isRemixable(makeAction({ kind: { type: 'varyStrong' } }))).toBe(true);
    expect(isRemixable(makeAction({ kind: { type: 'upscale', index: 1 } }))).toBe(false);
    expect(isRemixable(makeAction({ kind: { type: 'pan', direction: 'left' } }))).toBe(false);
    expect(isRemixable(region)).toBe(false);
    expect(isRemixable(makeAction({ kind: null }))).toBe(false);
    expect(offersRemix(gridActions())).toBe(true);
    expect(offersRemix([region, zoom])).toBe(false);
    expect(offersRemix(singleActions())).toBe(true);
  });

  it('asks for the prompt first where the service takes one', () => {
    expect(pressOf(reroll, remixOn)).toEqual({ type: 'prompt' });
    expect(remixReason(reroll, true, 'JourneyAPI')).toBeNull();
  });

  it('keeps the others disabled with the reason', () => {
    expect(pressOf(v2, remixOn)).toEqual({
      type: 'blocked',
      reason: 'JourneyAPI cannot change the prompt of a variation; turn Remix off to vary.',
    });
    expect(remixReason({ ...reroll, takesPrompt: false }, true, 'LinkrAPI')).toBe(
      'LinkrAPI cannot change the prompt of a reroll; turn Remix off to reroll.',
    );
    expect(remixReason(v2, false, 'JourneyAPI')).toBeNull();
    // Remix leaves the other buttons alone.
    const u1 = makeAction({ group: 'upscale', index: 1, kind: { type: 'upscale', index: 1 } });
    expect(pressOf(u1, remixOn)).toEqual({ type: 'send' });
    expect(pressOf(region, remixOn)).toEqual({ type: 'mask' });
    expect(pressOf(zoom, remixOn)).toEqual({ type: 'zoom' });
  });
});

describe('credit costs', () => {
  it('words a cost, and says nothing when it is not known', () => {
    expect(creditText(2)).toBe('2 credits');
    expect(creditText(1)).toBe('1 credit');
    expect(creditText(0)).toBe('Free');
    expect(creditText(null)).toBeNull();
    expect(creditText(undefined)).toBeNull();
    expect(creditText(-1)).toBeNull();
    expect(creditText(Number.NaN)).toBeNull();
  });

  it('makes the tooltip line', () => {
    const u2 = makeAction({ label: 'Upscale 2', credits: 2 });
    expect(costLine(u2)).toBe('Upscale 2 — 2 credits');
    expect(costLine(u2, 'Upscale 2 (U then 2)')).toBe('Upscale 2 (U then 2) — 2 credits');
    expect(costLine(makeAction({ label: 'U2', credits: null }))).toBeNull();
    const seed = makeAction({ label: 'Seed', credits: null });
    expect(costLine(seed, 'Seed', true)).toBe('Seed — cost not published');
    expect(costLine({ ...seed, credits: 0 }, 'Seed', true)).toBe('Seed — Free');
  });
});
