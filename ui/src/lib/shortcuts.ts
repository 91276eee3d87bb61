/** Keyboard shortcuts for the rail. Pure. */

export type View = 'create' | 'gallery' | 'settings';

export const VIEWS: readonly View[] = ['create', 'gallery', 'settings'];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** True for elements where a plain digit is typing, not a shortcut. */
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
