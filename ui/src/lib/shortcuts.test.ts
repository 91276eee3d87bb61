import { describe, expect, it } from 'vitest';
import { compareCommand } from './compareView';
import { lightboxCommand } from './gallery';
import { isLineageKey } from './lineage';
import { maskCommand, moveCursor } from './maskEditor';
import {
  ARIA_NAMES,
  appCommand,
  ariaKeyShortcuts,
  cardButtonTestId,
  expandedKeys,
  isSubmitKey,
  isTextEntry,
  keyParts,
  keyText,
  keyTokens,
  navTarget,
  newestFinished,
  nextProvider,
  pendingGroup,
  SCOPES,
  SEQUENCE_MS,
  shortcut,
  shortcutDescription,
  shortcutGroups,
  shortcutKeys,
  SHORTCUTS,
  shortcutTitle,
  withShortcut,
  type KeyContext,
} from './shortcuts';
import { makeView } from './testing/fixtures';
import { workbenchCommand } from './workbench';

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

describe('shortcuts', () => {
  it('goes to a place with 1/2/3 when not typing', () => {
    expect(navTarget(key('1'), false)).toBe('create');
    expect(navTarget(key('2'), false)).toBe('gallery');
    expect(navTarget(key('3'), false)).toBe('settings');
    expect(navTarget(key('4'), false)).toBeNull();
  });

  it('lets digits be typed in text fields, but Ctrl/Cmd+digit always navigates', () => {
    expect(navTarget(key('1'), true)).toBeNull();
    expect(navTarget(key('3', { ctrlKey: true }), true)).toBe('settings');
    expect(navTarget(key('2', { metaKey: true }), true)).toBe('gallery');
    expect(navTarget(key('2', { altKey: true }), false)).toBeNull();
  });

  it('knows text fields', () => {
    expect(isTextEntry({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTextEntry({ tagName: 'INPUT', type: 'password' } as unknown as EventTarget)).toBe(
      true,
    );
    expect(isTextEntry({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(
      false,
    );
    expect(isTextEntry({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(isTextEntry({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(
      true,
    );
    expect(isTextEntry(null)).toBe(false);
  });

  it('submits on Ctrl/Cmd+Enter only', () => {
    expect(isSubmitKey(key('Enter', { ctrlKey: true }))).toBe(true);
    expect(isSubmitKey(key('Enter', { metaKey: true }))).toBe(true);
    expect(isSubmitKey(key('Enter'))).toBe(false);
  });
});

const plain: KeyContext = { typing: false, inDialog: false, onCard: false, pending: null };

/** A key as written in the table ("Ctrl+Enter", "Shift+2", "←") as a keyboard event. */
function fromTable(text: string) {
  const parts = keyParts(text);
  const name = parts.pop() as string;
  const named: Record<string, string> = { ...ARIA_NAMES, Space: ' ' };
  const shift = parts.includes('Shift');
  const digit = /^[0-9]$/.test(name) ? name : null;
  return {
    ...key(named[name] ?? name.toLowerCase(), {
      ctrlKey: parts.includes('Ctrl'),
      shiftKey: shift,
    }),
    ...(named[name] || name.length > 1 ? { key: named[name] ?? name } : {}),
    ...(digit ? { code: `Digit${digit}`, key: shift ? '!@#$'[Number(digit) - 1] : digit } : {}),
  };
}

describe('the shortcut table', () => {
  it('has unique ids, known scopes and words for every row', () => {
    const ids = SHORTCUTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of SHORTCUTS) {
      expect(SCOPES.map((x) => x.scope)).toContain(s.scope);
      expect(s.description.trim()).not.toBe('');
      expect(s.keys.length).toBeGreaterThan(0);
    }
  });

  it('never gives the same keys to two shortcuts in the same scope', () => {
    for (const { scope } of SCOPES) {
      const seen = new Map<string, string>();
      for (const s of SHORTCUTS.filter((x) => x.scope === scope)) {
        for (const k of expandedKeys(s)) {
          expect(seen.get(k), `${k} in ${scope}: ${seen.get(k)} and ${s.id}`).toBeUndefined();
          seen.set(k, s.id);
        }
      }
    }
  });

  it('lists keys the app really handles: Anywhere ones in appCommand', () => {
    const expected: Record<string, string> = {
      'go-create': 'go',
      'go-gallery': 'go',
      'go-settings': 'go',
      'focus-prompt': 'focusPrompt',
      'switch-provider': 'switchProvider',
      'open-newest': 'openNewest',
      'show-shortcuts': 'showShortcuts',
    };
    for (const [id, type] of Object.entries(expected)) {
      for (const k of shortcut(id).keys) {
        expect(appCommand(fromTable(k), plain)?.type, `${id}: ${k}`).toBe(type);
      }
    }
  });

  it('lists the lightbox keys exactly as the lightbox reads them', () => {
    const expected: Record<string, string> = {
      'lightbox-prev': 'prev',
      'lightbox-next': 'next',
      'lightbox-favorite': 'favorite',
      'lightbox-copy-prompt': 'copyPrompt',
      'lightbox-reuse': 'reuse',
      'lightbox-add-to-collection': 'addToCollection',
      'lightbox-compare-parent': 'compareParent',
      'lightbox-delete': 'delete',
      'lightbox-close': 'close',
    };
    const lightbox = SHORTCUTS.filter((s) => s.scope === 'lightbox');
    for (const s of lightbox) {
      if (s.count) continue;
      // L (the Lineage view) is read by the lightbox before its other keys (lineage.ts).
      if (s.id === 'lightbox-lineage') {
        for (const k of s.keys) {
          expect(isLineageKey(fromTable(k), false), `${s.id}: ${k}`).toBe(true);
          expect(lightboxCommand(fromTable(k), false), `${s.id}: ${k}`).toBeNull();
        }
        continue;
      }
      expect(expected[s.id], s.id).toBeDefined();
      for (const k of s.keys) {
        expect(lightboxCommand(fromTable(k), false)?.type, `${s.id}: ${k}`).toBe(expected[s.id]);
      }
    }
    for (let n = 1; n <= 4; n++) {
      const [up] = shortcutKeys('lightbox-upscale', n);
      const [vary] = shortcutKeys('lightbox-vary', n);
      expect(lightboxCommand(fromTable(up), false)).toEqual({
        type: 'action',
        group: 'upscale',
        index: n,
      });
      expect(lightboxCommand(fromTable(vary), false)).toEqual({
        type: 'action',
        group: 'variation',
        index: n,
      });
    }
  });

  it('lists the Compare keys exactly as the Compare view reads them', () => {
    const expected: Record<string, string> = {
      'compare-swap': 'swap',
      'compare-mode': 'mode',
      'compare-slider': 'slider',
      'compare-zoom': 'zoom',
      'compare-fit': 'fit',
      'compare-close': 'close',
    };
    for (const s of SHORTCUTS.filter((x) => x.scope === 'compare')) {
      expect(expected[s.id], s.id).toBeDefined();
      for (const k of s.keys) {
        expect(compareCommand(fromTable(k), false)?.type, `${s.id}: ${k}`).toBe(expected[s.id]);
      }
    }
  });

  it('lists the mask editor keys exactly as the editor reads them', () => {
    const expected: Record<string, string> = {
      'mask-brush': 'tool',
      'mask-erase': 'tool',
      'mask-lasso': 'tool',
      'mask-rect': 'tool',
      'mask-size': 'size',
      'mask-undo': 'undo',
      'mask-redo': 'redo',
      'mask-submit': 'submit',
      'mask-cancel': 'cancel',
    };
    const free = { typing: false, onControl: false };
    for (const s of SHORTCUTS.filter((x) => x.scope === 'mask')) {
      // The cursor keys and Space belong to the image itself (MaskEditor.svelte, moveCursor).
      if (s.id === 'mask-cursor') {
        for (const k of s.keys)
          expect(moveCursor({ x: 5, y: 5 }, fromTable(k).key, false, 10, 10)).not.toBeNull();
        continue;
      }
      if (s.id === 'mask-mark') continue;
      expect(expected[s.id], s.id).toBeDefined();
      for (const k of s.keys) {
        expect(maskCommand(fromTable(k), free)?.type, `${s.id}: ${k}`).toBe(expected[s.id]);
      }
    }
  });

  it('lists the selection keys exactly as the gallery reads them', () => {
    const onCell = { onCell: true, selecting: false };
    const selecting = { onCell: false, selecting: true };
    const expected: Record<string, [string, { onCell: boolean; selecting: boolean }]> = {
      'gallery-select': ['toggle', onCell],
      'gallery-select-range': ['range', onCell],
      'gallery-select-all': ['selectAll', { onCell: false, selecting: false }],
      'gallery-add-to-collection': ['collect', onCell],
      'selection-clear': ['clear', selecting],
      'selection-add-to-collection': ['collect', selecting],
      'selection-compare': ['compare', selecting],
      'selection-export': ['export', selecting],
      'selection-delete': ['delete', selecting],
    };
    for (const s of SHORTCUTS.filter((x) => x.scope === 'selection')) {
      expect(expected[s.id], s.id).toBeDefined();
    }
    for (const [id, [type, ctx]] of Object.entries(expected)) {
      for (const k of shortcut(id).keys) {
        expect(workbenchCommand(fromTable(k), ctx)?.type, `${id}: ${k}`).toBe(type);
      }
    }
  });

  it('leaves the gallery grid its own keys (the app does not also act on them)', () => {
    for (const s of SHORTCUTS.filter((x) => x.scope === 'gallery' || x.scope === 'selection')) {
      for (const k of s.keys) {
        expect(appCommand(fromTable(k), plain), `${s.id}: ${k}`).toBeNull();
      }
    }
  });

  it('groups the table by scope in the sheet order', () => {
    const groups = shortcutGroups();
    expect(groups.map((g) => g.title)).toEqual([
      'Anywhere',
      'Create',
      'Task card',
      'Gallery',
      'Selection',
      'Lightbox',
      'Compare',
      'Vary (Region)',
    ]);
    expect(groups.flatMap((g) => g.shortcuts)).toHaveLength(SHORTCUTS.length);
  });
});

describe('shortcut words', () => {
  it('makes tooltips from the table', () => {
    expect(withShortcut('Gallery', 'go-gallery', undefined, false)).toBe('Gallery (2)');
    expect(withShortcut('Imagine', 'submit', undefined, false)).toBe('Imagine (Ctrl+Enter)');
    expect(withShortcut('Imagine', 'submit', undefined, true)).toBe('Imagine (Cmd+Enter)');
    expect(shortcutTitle('card-upscale', 1, false)).toBe('Upscale 1 (U then 1)');
    expect(shortcutTitle('card-vary', 4, false)).toBe('Vary 4 (V then 4)');
    expect(shortcutTitle('lightbox-vary', 2, false)).toBe('Vary 2 (Shift+2)');
    expect(shortcutDescription('card-upscale')).toBe('Upscale 1-4');
    expect(shortcutKeys('card-upscale', undefined, false)).toEqual(['U then 1-4']);
    expect(() => shortcut('no-such-key')).toThrow();
  });

  it('names keys for aria-keyshortcuts, leaving out sequences', () => {
    expect(ariaKeyShortcuts('go-gallery')).toBe('2 Control+2 Meta+2');
    expect(ariaKeyShortcuts('submit')).toBe('Control+Enter Meta+Enter');
    expect(ariaKeyShortcuts('lightbox-close')).toBe('Escape');
    expect(ariaKeyShortcuts('lightbox-prev')).toBe('ArrowLeft');
    expect(ariaKeyShortcuts('lightbox-vary', 3)).toBe('Shift+3');
    expect(ariaKeyShortcuts('card-upscale', 1)).toBe('');
  });

  it('splits a key into key caps for the sheet', () => {
    expect(keyTokens('Ctrl+Enter')).toEqual([
      { text: 'Ctrl', kbd: true },
      { text: '+', kbd: false },
      { text: 'Enter', kbd: true },
    ]);
    expect(keyTokens('U then 1-4')).toEqual([
      { text: 'U', kbd: true },
      { text: ' then ', kbd: false },
      { text: '1-4', kbd: true },
    ]);
    expect(keyText('Ctrl+F', true)).toBe('Cmd+F');
    // The plus key itself is a key, not a joint.
    expect(keyTokens('+')).toEqual([{ text: '+', kbd: true }]);
    expect(keyParts('Ctrl++')).toEqual(['Ctrl', '+']);
    expect(keyParts('Shift+C')).toEqual(['Shift', 'C']);
  });
});

describe('appCommand', () => {
  it('does nothing with plain keys while typing, but Ctrl/Cmd+1..3 still navigate', () => {
    const typing = { ...plain, typing: true };
    for (const k of ['/', '?', 'p', 'n', 'u', '1']) expect(appCommand(key(k), typing)).toBeNull();
    expect(appCommand(key('2', { ctrlKey: true }), typing)).toEqual({
      type: 'go',
      view: 'gallery',
    });
  });

  it('lets Ctrl/Alt/Meta keys it does not own pass through', () => {
    for (const k of ['k', 'f', 'c', 'Enter', '4', 'p']) {
      expect(appCommand(key(k, { ctrlKey: true }), plain)).toBeNull();
      expect(appCommand(key(k, { metaKey: true }), plain)).toBeNull();
    }
    expect(appCommand(key('6', { altKey: true }), plain)).toBeNull();
    expect(appCommand(key('p', { altKey: true }), plain)).toBeNull();
  });

  it('finds the app keys', () => {
    expect(appCommand(key('/'), plain)).toEqual({ type: 'focusPrompt' });
    expect(appCommand(key('?', { shiftKey: true }), plain)).toEqual({ type: 'showShortcuts' });
    expect(appCommand(key('P'), plain)).toEqual({ type: 'switchProvider' });
    expect(appCommand(key('n'), plain)).toEqual({ type: 'openNewest' });
    expect(appCommand(key('x'), plain)).toBeNull();
  });

  it('chooses the composer mode with Alt+1..Alt+5, even while typing (not in a dialog)', () => {
    for (const n of [1, 2, 3, 4, 5]) {
      const e = { ...key(String(n), { altKey: true }), code: `Digit${n}` };
      expect(appCommand(e, plain)).toEqual({ type: 'composerMode', index: n });
      expect(appCommand(e, { ...plain, typing: true })).toEqual({ type: 'composerMode', index: n });
    }
    // A Mac's Option+1 types "¡": the physical key counts.
    expect(appCommand({ ...key('¡', { altKey: true }), code: 'Digit1' }, plain)).toEqual({
      type: 'composerMode',
      index: 1,
    });
    expect(
      appCommand({ ...key('1', { altKey: true }), code: 'Digit1' }, { ...plain, inDialog: true }),
    ).toBeNull();
    expect(appCommand(key('2', { altKey: true, ctrlKey: true }), plain)).toBeNull();
    expect(shortcutKeys('composer-mode', 3)).toEqual(['Alt+3']);
    expect(ariaKeyShortcuts('composer-mode', 5)).toBe('Alt+5');
  });

  it('in a dialog, only ? works', () => {
    const dialog = { ...plain, inDialog: true };
    expect(appCommand(key('?'), dialog)).toEqual({ type: 'showShortcuts' });
    for (const k of ['/', 'p', 'n', '1']) expect(appCommand(key(k), dialog)).toBeNull();
    expect(appCommand(key('1', { ctrlKey: true }), dialog)).toBeNull();
  });

  it('starts U/V only on a card, and a number after it presses that button', () => {
    expect(appCommand(key('u'), plain)).toBeNull();
    const card = { ...plain, onCard: true };
    expect(appCommand(key('u'), card)).toEqual({ type: 'cardStart', group: 'upscale' });
    expect(appCommand(key('V'), card)).toEqual({ type: 'cardStart', group: 'variation' });
    const afterU = { ...card, pending: 'upscale' as const };
    expect(appCommand(key('1'), afterU)).toEqual({
      type: 'cardAction',
      group: 'upscale',
      index: 1,
    });
    expect(appCommand({ ...key('End'), code: 'Numpad3' }, afterU)).toMatchObject({ index: 3 });
    // Without U first, 1 is Create; 4 is nothing; Shift+1 is not a number.
    expect(appCommand(key('1'), card)).toEqual({ type: 'go', view: 'create' });
    expect(appCommand(key('4'), card)).toBeNull();
    expect(appCommand({ ...key('!', { shiftKey: true }), code: 'Digit1' }, afterU)).toBeNull();
  });

  it('waits SEQUENCE_MS for the number, on the same card only', () => {
    const a = {};
    const b = {};
    const pending = { group: 'variation' as const, at: 1000, card: a };
    expect(pendingGroup(pending, 1000 + SEQUENCE_MS, a)).toBe('variation');
    expect(pendingGroup(pending, 1001 + SEQUENCE_MS, a)).toBeNull();
    expect(pendingGroup(pending, 1100, b)).toBeNull();
    expect(pendingGroup(pending, 1100, null)).toBeNull();
    expect(pendingGroup(null, 1100, a)).toBeNull();
    expect(cardButtonTestId('upscale', 2)).toBe('action-U2');
    expect(cardButtonTestId('variation', 4)).toBe('action-V4');
  });

  it('picks the next provider and the newest finished task', () => {
    expect(nextProvider(['linkr', 'journey'], 'linkr')).toBe('journey');
    expect(nextProvider(['linkr', 'journey'], 'journey')).toBe('linkr');
    expect(nextProvider(['linkr'], 'linkr')).toBeNull();
    const tasks = [
      makeView({ id: 'running', status: 'running' }),
      makeView({ id: 'failed', status: 'failed' }),
      makeView({ id: 'done-new', status: 'succeeded' }),
      makeView({ id: 'done-old', status: 'succeeded' }),
    ];
    expect(newestFinished(tasks)?.task.id).toBe('done-new');
    expect(newestFinished(tasks.slice(0, 2))).toBeNull();
  });
});
