/**
 * Keeping Tab inside a modal view (the gallery's lightbox, the Compare view): the controls
 * that take the focus, and what Tab / Shift+Tab do at either end.
 */

/** The enabled controls inside `root` that Tab reaches, in document order. */
export function focusables(root: HTMLElement | null | undefined): HTMLElement[] {
  if (!root) return [];
  return [
    ...root.querySelectorAll<HTMLElement>('button, input, textarea, select, [tabindex="0"]'),
  ].filter((el) => !el.hasAttribute('disabled') && el.getAttribute('tabindex') !== '-1');
}

/**
 * Tab on the last control goes to the first, Shift+Tab on the first to the last, and a Tab
 * from outside `root` comes into it; with no control at all, Tab does nothing.
 */
export function trapTab(e: KeyboardEvent, root: HTMLElement | null | undefined): void {
  const list = focusables(root);
  if (list.length === 0) {
    e.preventDefault();
    return;
  }
  const first = list[0];
  const last = list[list.length - 1];
  const active = document.activeElement as HTMLElement | null;
  const inside = !!active && list.includes(active);
  if (e.shiftKey && (!inside || active === first)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (!inside || active === last)) {
    e.preventDefault();
    first.focus();
  }
}
