import { describe, expect, it } from 'vitest';
import { imagePrompts, referenceUrls, setImagePrompts, setReferenceUrls } from './references';

const A = 'https://cdn.example.com/a.png';
const B = 'https://cdn.example.com/b.png';

describe('image prompts', () => {
  it('reads the addresses the prompt starts with', () => {
    expect(imagePrompts(`${A} ${B} a fox --ar 1:1`)).toEqual([A, B]);
    expect(imagePrompts(`a fox ${A}`)).toEqual([]);
    expect(imagePrompts('')).toEqual([]);
  });

  it('replaces them, keeping the words', () => {
    expect(setImagePrompts('a fox --ar 1:1', [A])).toBe(`${A} a fox --ar 1:1`);
    expect(setImagePrompts(`${A} ${B} a fox`, [B])).toBe(`${B} a fox`);
    expect(setImagePrompts(`${A} a fox`, [])).toBe('a fox');
    expect(setImagePrompts('', [A, B])).toBe(`${A} ${B}`);
  });
});

describe('reference parameters', () => {
  it('reads the image addresses of --sref / --cref / --oref', () => {
    const prompt = `a fox --sref ${A} 12345 --cref ${B} --cw 50`;
    expect(referenceUrls(prompt, 'sref')).toEqual([A]);
    expect(referenceUrls(prompt, 'cref')).toEqual([B]);
    expect(referenceUrls(prompt, 'oref')).toEqual([]);
  });

  it('rewrites their images, keeping a style code, and drops an emptied one', () => {
    expect(setReferenceUrls('a fox', 'sref', [A])).toBe(`a fox --sref ${A}`);
    expect(setReferenceUrls(`a fox --sref ${A} 12345`, 'sref', [B, A])).toBe(
      `a fox --sref ${B} ${A} 12345`,
    );
    expect(setReferenceUrls(`a fox --oref ${A} --v 7`, 'oref', [])).toBe('a fox --v 7');
    expect(setReferenceUrls(`a fox --cref ${A}`, 'cref', [], true)).toBe('a fox --cref');
  });
});
