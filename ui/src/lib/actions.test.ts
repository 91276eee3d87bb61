import { describe, expect, it } from 'vitest';
import {
  actionIcon,
  actionTestId,
  actionText,
  actionUnavailableReason,
  groupActions,
  sanitizeTestId,
  showEmoji,
} from './actions';
import { gridActions, makeAction, singleActions } from './testing/fixtures';

describe('groupActions', () => {
  it('puts U1-U4 and V1-V4 in two rows of four in quadrant order, the rest after', () => {
    const rows = groupActions(gridActions());
    expect(rows.upscale.map((a) => a.label)).toEqual(['U1', 'U2', 'U3', 'U4']);
    expect(rows.variation.map((a) => a.label)).toEqual(['V1', 'V2', 'V3', 'V4']);
    expect(rows.other.map((a) => a.label)).toEqual(['Reroll']);
  });

  it('keeps the provider order for the other buttons', () => {
    const rows = groupActions(singleActions());
    expect(rows.upscale).toEqual([]);
    expect(rows.variation).toEqual([]);
    expect(rows.other.map((a) => a.label)).toEqual([
      'Upscale (Subtle)',
      'Vary (Strong)',
      'Zoom Out 2x',
      'Pan left',
      'Custom Zoom',
      'Vary (Region)',
    ]);
  });

  it('copes with no buttons', () => {
    expect(groupActions([])).toEqual({ upscale: [], variation: [], other: [] });
  });
});

describe('names and test ids', () => {
  it('sanitizes with one rule', () => {
    expect(sanitizeTestId('U2')).toBe('U2');
    expect(sanitizeTestId('Vary (Strong)')).toBe('Vary-Strong');
    expect(sanitizeTestId('Upscale (Subtle)')).toBe('Upscale-Subtle');
    expect(sanitizeTestId('Zoom Out 2x')).toBe('Zoom-Out-2x');
    expect(sanitizeTestId('Zoom Out 1.5x')).toBe('Zoom-Out-1.5x');
    expect(sanitizeTestId('  Pan   left ')).toBe('Pan-left');
    expect(sanitizeTestId('🔄')).toBe('');
  });

  it('gives each button its test id', () => {
    const ids = [...gridActions(), ...singleActions()].map(actionTestId);
    expect(ids).toEqual([
      'action-U2',
      'action-U1',
      'action-U3',
      'action-U4',
      'action-V1',
      'action-V2',
      'action-V3',
      'action-V4',
      'action-Reroll',
      'action-Upscale-Subtle',
      'action-Vary-Strong',
      'action-Zoom-Out-2x',
      'action-Pan-left',
      'action-Custom-Zoom',
      'action-Vary-Region',
    ]);
  });

  it('names buttons by the label the core words (never empty), else by their emoji', () => {
    // The core words an emoji-only LinkrAPI button from its kind ("Reroll"): the UI keeps no copy.
    const reroll = makeAction({ label: 'Reroll', emoji: '🔄', kind: { type: 'reroll' } });
    expect(actionText(reroll)).toBe('Reroll');
    expect(actionTestId(reroll)).toBe('action-Reroll');
    const mystery = makeAction({ id: 'MJ::Odd::1', label: '', emoji: '✨', kind: null });
    expect(actionText(mystery)).toBe('✨');
    expect(actionTestId(mystery)).toBe('action-MJ-Odd-1');
  });

  it('shows an emoji only when it adds something', () => {
    expect(showEmoji(makeAction({ label: 'Pan left', emoji: '⬅️' }))).toBe(true);
    expect(showEmoji(makeAction({ label: 'Reroll', emoji: null }))).toBe(false);
    expect(showEmoji(makeAction({ label: '🔄', emoji: '🔄' }))).toBe(false);
  });

  it('says why a button cannot be pressed', () => {
    expect(actionUnavailableReason(makeAction({ mode: 'send' }))).toBeNull();
    expect(actionUnavailableReason(makeAction({ mode: 'needsPrompt' }))).toBeNull();
    expect(actionUnavailableReason(makeAction({ mode: 'needsMask' }))).toMatch(/mask editor/);
    expect(actionUnavailableReason(makeAction({ mode: 'link', url: null }))).toMatch(/no address/);
    expect(actionUnavailableReason(makeAction({ mode: 'link', url: 'https://x' }))).toBeNull();
  });

  it("gives the provider's own reason first (LinkrAPI cannot send Custom Zoom)", () => {
    const reason = 'LinkrAPI cannot send Custom Zoom: its action call takes no prompt.';
    expect(actionUnavailableReason(makeAction({ mode: 'needsPrompt', unavailable: reason }))).toBe(
      reason,
    );
    expect(actionUnavailableReason(makeAction({ mode: 'needsMask', unavailable: reason }))).toBe(
      reason,
    );
  });
});

describe('actionIcon', () => {
  it('draws reroll and the pan arrows instead of relying on an emoji font', () => {
    expect(actionIcon(makeAction({ kind: { type: 'reroll' } }))).toBe('retry');
    expect(actionIcon(makeAction({ kind: { type: 'pan', direction: 'left' } }))).toBe('arrowLeft');
    expect(actionIcon(makeAction({ kind: { type: 'pan', direction: 'down' } }))).toBe('arrowDown');
  });

  it('leaves other buttons, and buttons of unknown kind, to their label or emoji', () => {
    expect(actionIcon(makeAction({ kind: { type: 'upscale', index: 2 } }))).toBeNull();
    expect(actionIcon(makeAction({ emoji: '✨', kind: null }))).toBeNull();
  });
});
