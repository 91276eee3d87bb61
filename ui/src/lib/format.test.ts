import { describe, expect, it } from 'vitest';
import { cssUrl, formatCredits, keyStatusText, validateHttpUrl } from './format';

describe('format', () => {
  it('formats credits, number or bigint', () => {
    expect(formatCredits(1240)).toBe('1,240 credits');
    expect(formatCredits(1n)).toBe('1 credit');
    expect(formatCredits(null)).toBe('');
    expect(formatCredits(undefined)).toBe('');
  });

  it('says whether a key is set', () => {
    expect(keyStatusText({ keySet: true, keyLast4: '9f2c', demo: false })).toBe(
      'Key set, ends in 9f2c',
    );
    expect(keyStatusText({ keySet: true, keyLast4: null, demo: false })).toBe('Key set');
    expect(keyStatusText({ keySet: false, keyLast4: null, demo: true })).toBe(
      'No key — using the built-in demo',
    );
    expect(keyStatusText({ keySet: false, keyLast4: null, demo: false })).toBe('No key');
  });

  it('checks web addresses', () => {
    expect(validateHttpUrl('')).toBeNull();
    expect(validateHttpUrl('https://example.com/cat.png')).toBeNull();
    expect(validateHttpUrl('http://127.0.0.1:8080/x')).toBeNull();
    expect(validateHttpUrl('ftp://example.com/cat.png')).toMatch(/http/);
    expect(validateHttpUrl('example.com/cat.png')).toMatch(/http/);
    expect(validateHttpUrl('javascript:alert(1)')).toMatch(/http/);
  });

  it('quotes CSS urls safely', () => {
    expect(cssUrl('http://a/b.png')).toBe('url("http://a/b.png")');
    expect(cssUrl('http://a/"x\\y\n.png')).toBe('url("http://a/\\"x\\\\y.png")');
  });
});
