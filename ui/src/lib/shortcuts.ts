/**
 * Every keyboard shortcut of the app, in one table, and the pure functions that match keys
 * against it. The "Keyboard shortcuts" sheet, the tooltips and `aria-keyshortcuts` are all
 * made from this table, so a key is named in one place only. No DOM here.
 */
import type { TaskView } from './bindings/TaskView';

/** A place of the app (the rail's three buttons). */
export type View = 'create' | 'gallery' | 'settings';

/** The places in rail order: keys 1, 2, 3. */
export const VIEWS: readonly View[] = ['create', 'gallery', 'settings'];

/** The parts of a keyboard event the matching functions read. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** The physical key ("Digit2"), when known. */
  code?: string;
}

/** Where a shortcut works. */
export type Scope =
  'anywhere' | 'create' | 'card' | 'gallery' | 'selection' | 'lightbox' | 'compare' | 'mask';

/** The scopes in the sheet's order, with their titles and a line on when they apply. */
export const SCOPES: readonly { scope: Scope; title: string; hint: string | null }[] = [
  {
    scope: 'anywhere',
    title: 'Anywhere',
    hint: 'Not while you type in a text field, except the ones with Ctrl.',
  },
  { scope: 'create', title: 'Create', hint: null },
  {
    scope: 'card',
    title: 'Task card',
    hint: 'Click a finished card first (or press N). Press the letter, then the number.',
  },
  { scope: 'gallery', title: 'Gallery', hint: 'On the image that has the focus.' },
  {
    scope: 'selection',
    title: 'Selection',
    hint: 'While images are selected in the Gallery (Ctrl+click, Shift+click, or drag around them).',
  },
  { scope: 'lightbox', title: 'Lightbox', hint: 'The large view of one image.' },
  { scope: 'compare', title: 'Compare', hint: 'Two images side by side or under a slider.' },
  {
    scope: 'mask',
    title: 'Vary (Region)',
    hint: 'The mask editor over an upscaled image. Not while you type in its prompt, except the ones with Ctrl and Esc.',
  },
];

/** One shortcut: what to press, what it does, where. */
export interface Shortcut {
  /** Stable name, used by tooltips (`withShortcut`) and tests. */
  id: string;
  /**
   * The keys as shown, e.g. "Ctrl+Enter", "/", "U then {n}"; the first is the one tooltips
   * name, the others are alternatives. "Ctrl" means Cmd on a Mac.
   */
  keys: readonly string[];
  /** What it does, in a few plain words. */
  description: string;
  scope: Scope;
  /** A numbered family (U1..U4): "{n}" in keys and description runs from 1 to `count`. */
  count?: number;
}

/** The one table of shortcuts. */
export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'go-create', keys: ['1', 'Ctrl+1'], description: 'Go to Create', scope: 'anywhere' },
  { id: 'go-gallery', keys: ['2', 'Ctrl+2'], description: 'Go to Gallery', scope: 'anywhere' },
  { id: 'go-settings', keys: ['3', 'Ctrl+3'], description: 'Go to Settings', scope: 'anywhere' },
  {
    id: 'focus-prompt',
    keys: ['/'],
    description: 'Write a prompt (goes to Create)',
    scope: 'anywhere',
  },
  {
    id: 'switch-provider',
    keys: ['P'],
    description: 'Switch provider (LinkrAPI or JourneyAPI)',
    scope: 'anywhere',
  },
  {
    id: 'open-newest',
    keys: ['N'],
    description: 'Show the newest finished result',
    scope: 'anywhere',
  },
  {
    id: 'show-shortcuts',
    keys: ['?'],
    description: 'Show these keyboard shortcuts',
    scope: 'anywhere',
  },
  { id: 'close-dialog', keys: ['Esc'], description: 'Close a dialog', scope: 'anywhere' },
  {
    id: 'composer-mode',
    keys: ['Alt+{n}'],
    description: 'Composer mode {n} (Imagine, Blend, Describe, Shorten, Video; goes to Create)',
    scope: 'anywhere',
    count: 5,
  },
  { id: 'submit', keys: ['Ctrl+Enter'], description: 'Imagine', scope: 'create' },
  {
    id: 'card-upscale',
    keys: ['U then {n}'],
    description: 'Upscale {n}',
    scope: 'card',
    count: 4,
  },
  { id: 'card-vary', keys: ['V then {n}'], description: 'Vary {n}', scope: 'card', count: 4 },
  { id: 'gallery-search', keys: ['Ctrl+F'], description: 'Search prompts', scope: 'gallery' },
  {
    id: 'gallery-clear-search',
    keys: ['Esc'],
    description: 'Clear the search (in the search box)',
    scope: 'gallery',
  },
  {
    id: 'gallery-move',
    keys: ['←', '→', '↑', '↓'],
    description: 'Move between images',
    scope: 'gallery',
  },
  {
    id: 'gallery-page',
    keys: ['Page Up', 'Page Down'],
    description: 'Move three rows',
    scope: 'gallery',
  },
  {
    id: 'gallery-ends',
    keys: ['Home', 'End'],
    description: 'First or last image',
    scope: 'gallery',
  },
  { id: 'gallery-open', keys: ['Enter', 'Space'], description: 'Open the image', scope: 'gallery' },
  { id: 'gallery-favorite', keys: ['F'], description: 'Favorite or unfavorite', scope: 'gallery' },
  {
    id: 'gallery-select',
    keys: ['X'],
    description: 'Select or unselect the image (Ctrl+click does too)',
    scope: 'gallery',
  },
  {
    id: 'gallery-select-range',
    keys: ['Shift+X'],
    description: 'Select from the last selected image to this one (Shift+click does too)',
    scope: 'gallery',
  },
  {
    id: 'gallery-select-all',
    keys: ['Ctrl+A'],
    description: 'Select every image the search and filters match',
    scope: 'gallery',
  },
  {
    id: 'gallery-add-to-collection',
    keys: ['B'],
    description: 'Add the image to a collection',
    scope: 'gallery',
  },
  { id: 'selection-clear', keys: ['Esc'], description: 'Clear the selection', scope: 'selection' },
  {
    id: 'selection-add-to-collection',
    keys: ['B'],
    description: 'Add the selected images to a collection',
    scope: 'selection',
  },
  {
    id: 'selection-compare',
    keys: ['C'],
    description: 'Compare the two selected images',
    scope: 'selection',
  },
  {
    id: 'selection-export',
    keys: ['E'],
    description: 'Export the selected images (a .zip file or a folder)',
    scope: 'selection',
  },
  {
    id: 'selection-delete',
    keys: ['Delete'],
    description: 'Delete the selected images (asks first)',
    scope: 'selection',
  },
  { id: 'lightbox-prev', keys: ['←'], description: 'Previous image', scope: 'lightbox' },
  { id: 'lightbox-next', keys: ['→'], description: 'Next image', scope: 'lightbox' },
  {
    id: 'lightbox-favorite',
    keys: ['F'],
    description: 'Favorite or unfavorite',
    scope: 'lightbox',
  },
  { id: 'lightbox-copy-prompt', keys: ['C'], description: 'Copy the prompt', scope: 'lightbox' },
  {
    id: 'lightbox-add-to-collection',
    keys: ['B'],
    description: 'Add the image to a collection',
    scope: 'lightbox',
  },
  {
    id: 'lightbox-compare-parent',
    keys: ['Shift+C'],
    description: 'Compare with the image it was made from',
    scope: 'lightbox',
  },
  {
    id: 'lightbox-lineage',
    keys: ['L'],
    description: 'Show the lineage (the whole tree)',
    scope: 'lightbox',
  },
  {
    id: 'lightbox-reuse',
    keys: ['R'],
    description: 'Put the prompt into Create',
    scope: 'lightbox',
  },
  {
    id: 'lightbox-delete',
    keys: ['Delete', 'Backspace'],
    description: 'Delete (asks first)',
    scope: 'lightbox',
  },
  {
    id: 'lightbox-upscale',
    keys: ['{n}'],
    description: 'Upscale {n}',
    scope: 'lightbox',
    count: 4,
  },
  {
    id: 'lightbox-vary',
    keys: ['Shift+{n}'],
    description: 'Vary {n}',
    scope: 'lightbox',
    count: 4,
  },
  {
    id: 'lightbox-close',
    keys: ['Esc'],
    description: 'Close (or cancel a delete)',
    scope: 'lightbox',
  },
  { id: 'compare-swap', keys: ['X'], description: 'Swap the two images', scope: 'compare' },
  {
    id: 'compare-mode',
    keys: ['S'],
    description: 'Side by side, or one over the other with a slider',
    scope: 'compare',
  },
  {
    id: 'compare-slider',
    keys: ['←', '→'],
    description: 'Move the slider',
    scope: 'compare',
  },
  { id: 'compare-zoom', keys: ['+', '-'], description: 'Zoom in or out (both)', scope: 'compare' },
  { id: 'compare-fit', keys: ['0'], description: 'Fit both images again', scope: 'compare' },
  { id: 'compare-close', keys: ['Esc'], description: 'Close the comparison', scope: 'compare' },
  { id: 'mask-brush', keys: ['B'], description: 'Brush: paint the area to redo', scope: 'mask' },
  { id: 'mask-erase', keys: ['E'], description: 'Eraser: take paint away', scope: 'mask' },
  { id: 'mask-lasso', keys: ['L'], description: 'Lasso: draw around the area', scope: 'mask' },
  { id: 'mask-rect', keys: ['R'], description: 'Rectangle: drag a box', scope: 'mask' },
  { id: 'mask-size', keys: ['[', ']'], description: 'Smaller or larger brush', scope: 'mask' },
  { id: 'mask-undo', keys: ['Ctrl+Z'], description: 'Undo', scope: 'mask' },
  { id: 'mask-redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'Redo', scope: 'mask' },
  {
    id: 'mask-cursor',
    keys: ['←', '→', '↑', '↓'],
    description: 'On the image: move the cursor (with Shift, farther)',
    scope: 'mask',
  },
  {
    id: 'mask-mark',
    keys: ['Space'],
    description:
      'On the image: start or end a stroke or a box; add a lasso point (twice closes it)',
    scope: 'mask',
  },
  { id: 'mask-submit', keys: ['Enter'], description: 'Send Vary (Region)', scope: 'mask' },
  {
    id: 'mask-cancel',
    keys: ['Esc'],
    description: 'Leave the editor (asks first when you painted)',
    scope: 'mask',
  },
];

/** True on a Mac, where the app shows Cmd instead of Ctrl. */
export const IS_MAC =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform ?? '');

/** The shortcut with this id; throws for an unknown id (a typo in the code, not a user error). */
export function shortcut(id: string): Shortcut {
  const found = SHORTCUTS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown shortcut ${id}`);
  return found;
}

/** "{n}" replaced by `n`, or by the family's range ("1-4") when `n` is not given. */
function fill(text: string, s: Shortcut, n?: number): string {
  if (!s.count) return text;
  return text.replaceAll('{n}', n === undefined ? `1-${s.count}` : String(n));
}

/** One key as shown on this computer: "Ctrl+Enter", or "Cmd+Enter" on a Mac. */
export function keyText(key: string, mac: boolean = IS_MAC): string {
  return mac ? key.replace(/\bCtrl\+/g, 'Cmd+') : key;
}

/** The keys of a shortcut as shown (number `n` of a family, or the whole range). */
export function shortcutKeys(id: string, n?: number, mac: boolean = IS_MAC): string[] {
  const s = shortcut(id);
  return s.keys.map((k) => keyText(fill(k, s, n), mac));
}

/** What a shortcut does, in words (number `n` of a family, or the whole range). */
export function shortcutDescription(id: string, n?: number): string {
  const s = shortcut(id);
  return fill(s.description, s, n);
}

/** A tooltip naming the shortcut: `withShortcut('Gallery', 'go-gallery')` is "Gallery (2)". */
export function withShortcut(label: string, id: string, n?: number, mac: boolean = IS_MAC): string {
  return `${label} (${shortcutKeys(id, n, mac)[0]})`;
}

/** A tooltip made of the shortcut's own words: "Upscale 1 (U then 1)". */
export function shortcutTitle(id: string, n?: number, mac: boolean = IS_MAC): string {
  return withShortcut(shortcutDescription(id, n), id, n, mac);
}

/** The `KeyboardEvent.key` of each key the table writes by another name ("Esc", "←"). */
export const ARIA_NAMES: Readonly<Record<string, string>> = {
  Ctrl: 'Control',
  Esc: 'Escape',
  '←': 'ArrowLeft',
  '→': 'ArrowRight',
  '↑': 'ArrowUp',
  '↓': 'ArrowDown',
  'Page Up': 'PageUp',
  'Page Down': 'PageDown',
};

/** "Ctrl+Enter" as ["Ctrl", "Enter"]; the plus key itself ("+", "Ctrl++") stays a key. */
export function keyParts(key: string): string[] {
  // No lookbehind in the pattern: the oldest webview the app supports (Safari 15) has none.
  const parts: string[] = [];
  let part = '';
  for (const ch of key) {
    if (ch === '+' && part !== '') {
      parts.push(part);
      part = '';
    } else {
      part += ch;
    }
  }
  parts.push(part);
  return parts;
}

/**
 * The `aria-keyshortcuts` value of a shortcut ("Control+Enter Meta+Enter"); '' for a key
 * sequence ("U then 1"), which the attribute cannot say.
 */
export function ariaKeyShortcuts(id: string, n?: number): string {
  const s = shortcut(id);
  const out: string[] = [];
  for (const raw of s.keys) {
    const key = fill(raw, s, n);
    if (key.includes(' then ') || (s.count && n === undefined)) continue;
    const parts = keyParts(key).map((p) => ARIA_NAMES[p] ?? p);
    out.push(parts.join('+'));
    if (parts[0] === 'Control') out.push(['Meta', ...parts.slice(1)].join('+'));
  }
  return out.join(' ');
}

/** A piece of a shown key: a key cap (`kbd`) or the words between ("+", " then "). */
export interface KeyToken {
  text: string;
  kbd: boolean;
}

/** "Ctrl+Enter" as [Ctrl] + [Enter], "U then 1-4" as [U] then [1-4], for the sheet. */
export function keyTokens(key: string): KeyToken[] {
  const out: KeyToken[] = [];
  key.split(' then ').forEach((step, i) => {
    if (i > 0) out.push({ text: ' then ', kbd: false });
    keyParts(step).forEach((part, j) => {
      if (j > 0) out.push({ text: '+', kbd: false });
      out.push({ text: part, kbd: true });
    });
  });
  return out;
}

/** The table grouped by scope, in the sheet's order (empty scopes left out). */
export function shortcutGroups(
  table: readonly Shortcut[] = SHORTCUTS,
): { scope: Scope; title: string; hint: string | null; shortcuts: Shortcut[] }[] {
  return SCOPES.map((s) => ({ ...s, shortcuts: table.filter((x) => x.scope === s.scope) })).filter(
    (g) => g.shortcuts.length > 0,
  );
}

/** Every concrete key of a shortcut ("U then 1" ... "U then 4"), as written in the table. */
export function expandedKeys(s: Shortcut): string[] {
  const ns = s.count ? Array.from({ length: s.count }, (_, i) => i + 1) : [undefined];
  return ns.flatMap((n) => s.keys.map((k) => fill(k, s, n)));
}

/** True for elements where a plain key is typing, not a shortcut. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!target || typeof target !== 'object' || !('tagName' in target)) return false;
  const el = target as HTMLElement;
  const tag = String(el.tagName).toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset', 'color', 'file'].includes(
      type,
    );
  }
  return el.isContentEditable === true;
}

/** 1/2/3 when not typing, Ctrl/Cmd+1..3 always: the view to go to, or null. */
export function navTarget(e: KeyLike, inTextEntry: boolean): View | null {
  const index = ['1', '2', '3'].indexOf(e.key);
  if (index < 0 || e.altKey || e.shiftKey) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod || !inTextEntry) return VIEWS[index];
  return null;
}

/** Ctrl/Cmd+Enter. */
export function isSubmitKey(e: Pick<KeyLike, 'key' | 'ctrlKey' | 'metaKey'>): boolean {
  return e.key === 'Enter' && (e.ctrlKey || e.metaKey);
}

/** `?`, the key that opens the "Keyboard shortcuts" sheet (Shift+/ on most layouts). */
export function isHelpKey(e: KeyLike): boolean {
  return e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey;
}

/** The U row or the V row of a card's buttons. */
export type CardGroup = 'upscale' | 'variation';

/** How long the number may follow U or V on a card, in ms. */
export const SEQUENCE_MS = 1500;

/** What a key asks the app to do. */
export type Command =
  | { type: 'go'; view: View }
  | { type: 'focusPrompt' }
  | { type: 'switchProvider' }
  | { type: 'openNewest' }
  | { type: 'showShortcuts' }
  | { type: 'composerMode'; index: number }
  | { type: 'cardStart'; group: CardGroup }
  | { type: 'cardAction'; group: CardGroup; index: number };

/** Where the focus is when a key is pressed. */
export interface KeyContext {
  /** In a text field (input, textarea, select, contenteditable). */
  typing: boolean;
  /** Inside a modal dialog: only `?` works there. */
  inDialog: boolean;
  /** Inside a task card. */
  onCard: boolean;
  /** U or V was pressed on this same card less than SEQUENCE_MS ago. */
  pending: CardGroup | null;
}

/** 1-4 (top row or keypad, without Shift), or null. */
function quadrantDigit(e: KeyLike): number | null {
  if (e.shiftKey) return null;
  const fromCode = /^(?:Digit|Numpad)([1-4])$/.exec(e.code ?? '')?.[1];
  const digit = fromCode ?? (/^[1-4]$/.test(e.key) ? e.key : null);
  return digit ? Number(digit) : null;
}

/** Alt+1..Alt+5 (top row or keypad, without Shift): the composer mode's number, or null. */
function modeDigit(e: KeyLike): number | null {
  if (e.shiftKey) return null;
  // On a Mac, Option+1 types "¡": the physical key says which digit it was.
  const fromCode = /^(?:Digit|Numpad)([1-5])$/.exec(e.code ?? '')?.[1];
  const digit = fromCode ?? (/^[1-5]$/.test(e.key) ? e.key : null);
  return digit ? Number(digit) : null;
}

/**
 * What a key does outside the lightbox (which has its own keys, `lightboxCommand`), or null.
 * Plain keys do nothing while typing or in a dialog; Ctrl/Cmd+1..3 always navigate and
 * Alt+1..5 always choose the composer's mode (not in a dialog); any other Ctrl/Cmd/Alt
 * combination is not the app's and passes through.
 */
export function appCommand(e: KeyLike, ctx: KeyContext): Command | null {
  if (e.altKey) {
    const index = e.ctrlKey || e.metaKey || ctx.inDialog ? null : modeDigit(e);
    return index === null ? null : { type: 'composerMode', index };
  }
  if (e.ctrlKey || e.metaKey) {
    const view = ctx.inDialog ? null : navTarget(e, ctx.typing);
    return view ? { type: 'go', view } : null;
  }
  if (ctx.typing) return null;
  if (isHelpKey(e)) return { type: 'showShortcuts' };
  if (ctx.inDialog) return null;
  if (ctx.pending && ctx.onCard) {
    const index = quadrantDigit(e);
    if (index !== null) return { type: 'cardAction', group: ctx.pending, index };
  }
  const view = navTarget(e, false);
  if (view) return { type: 'go', view };
  if (e.key === '/') return { type: 'focusPrompt' };
  if (e.shiftKey) return null;
  switch (e.key.toLowerCase()) {
    case 'p':
      return { type: 'switchProvider' };
    case 'n':
      return { type: 'openNewest' };
    case 'u':
      return ctx.onCard ? { type: 'cardStart', group: 'upscale' } : null;
    case 'v':
      return ctx.onCard ? { type: 'cardStart', group: 'variation' } : null;
    default:
      return null;
  }
}

/** The card sequence still waiting for its number at `now`, or null (too late, other card). */
export function pendingGroup(
  pending: { group: CardGroup; at: number; card: unknown } | null,
  now: number,
  card: unknown,
): CardGroup | null {
  if (!pending || card === null || pending.card !== card) return null;
  return now - pending.at <= SEQUENCE_MS ? pending.group : null;
}

/** The test id of a card's U/V button: "action-U1", "action-V4" (see actions.ts). */
export function cardButtonTestId(group: CardGroup, index: number): string {
  return `action-${group === 'upscale' ? 'U' : 'V'}${index}`;
}

/** The provider after `current` in the list (wrapping), or null when there is no other. */
export function nextProvider<T>(providers: readonly T[], current: T): T | null {
  if (providers.length < 2) return null;
  const i = providers.indexOf(current);
  return providers[(i + 1) % providers.length];
}

/** The newest task that finished with a result (the feed is newest first), or null. */
export function newestFinished(tasks: readonly TaskView[]): TaskView | null {
  return tasks.find((v) => v.task.status === 'succeeded') ?? null;
}
