import { describe, expect, it } from 'vitest';
import { isSubmitKey, isTextEntry, navTarget } from './shortcuts';

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
