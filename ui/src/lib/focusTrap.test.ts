// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { focusables, trapTab } from './focusTrap';

function tab(shiftKey = false): KeyboardEvent {
  return new KeyboardEvent('keydown', { key: 'Tab', shiftKey, cancelable: true });
}

/** An element with attributes, appended to `parent`. */
function add(parent: HTMLElement, tag: string, attrs: Record<string, string> = {}): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  parent.append(el);
  return el;
}

describe('the focus trap', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('lists the enabled controls Tab reaches', () => {
    const root = add(document.body, 'div');
    add(root, 'button', { id: 'a' });
    add(root, 'button', { disabled: '' });
    add(root, 'input', { id: 'b' });
    add(root, 'span', { tabindex: '-1' });
    add(root, 'div', { tabindex: '0', id: 'c' });
    expect(focusables(root).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(focusables(null)).toEqual([]);
  });

  it('wraps at both ends and pulls the focus in from outside', () => {
    const outside = add(document.body, 'button');
    const root = add(document.body, 'div');
    const a = add(root, 'button');
    const b = add(root, 'button');
    b.focus();
    let e = tab();
    trapTab(e, root);
    expect(e.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(a);
    e = tab(true);
    trapTab(e, root);
    expect(document.activeElement).toBe(b);
    a.focus();
    e = tab();
    trapTab(e, root);
    expect(e.defaultPrevented).toBe(false);
    outside.focus();
    trapTab(tab(), root);
    expect(document.activeElement).toBe(a);
  });

  it('keeps Tab from leaving an empty view', () => {
    const root = add(document.body, 'div');
    add(root, 'p');
    const e = tab();
    trapTab(e, root);
    expect(e.defaultPrevented).toBe(true);
  });
});
