import { describe, expect, it } from 'vitest';
import { validatePrompt } from './params';
import { getSpeed, isSpeed, setSpeed } from './speed';

describe('speed flags', () => {
  it('reads the speed the prompt asks for', () => {
    expect(getSpeed('a fox --ar 16:9')).toBeNull();
    expect(getSpeed('a fox --fast')).toBe('fast');
    expect(getSpeed('a fox --relax --v 7')).toBe('relax');
    expect(getSpeed('a fox —turbo')).toBe('turbo');
    expect(isSpeed('fast')).toBe(true);
    expect(isSpeed('slow')).toBe(false);
  });

  it('writes one speed flag, replacing any other', () => {
    expect(setSpeed('a fox --ar 16:9', 'fast')).toBe('a fox --ar 16:9 --fast');
    expect(setSpeed('a fox --relax --ar 16:9', 'turbo')).toBe('a fox --ar 16:9 --turbo');
    expect(setSpeed('a fox --fast --relax', 'relax')).toBe('a fox --relax');
    expect(setSpeed('a fox --turbo --v 7', null)).toBe('a fox --v 7');
  });

  it('leaves a prompt that already says so as it is', () => {
    expect(setSpeed('a fox  --fast', 'fast')).toBe('a fox  --fast');
    expect(setSpeed('a fox', null)).toBe('a fox');
  });

  it('refuses two speeds and a speed with a value', () => {
    expect(validatePrompt('a fox --fast --relax').map((p) => p.message)).toContain(
      'Choose one speed: --fast, --relax or --turbo, not several.',
    );
    expect(validatePrompt('a fox --fast please')[0].message).toMatch(/--fast takes no value/);
    expect(validatePrompt('a fox --turbo')).toEqual([]);
  });
});
