import { describe, expect, it } from 'vitest';
import {
  canonicalName,
  chipLabel,
  getParam,
  parsePrompt,
  removeParam,
  setParam,
  validateParam,
  validatePrompt,
} from './params';

describe('parsePrompt', () => {
  it('splits the text from the parameters', () => {
    const p = 'a red fox in the snow --ar 16:9 --v 7 --stylize 250';
    const parsed = parsePrompt(p);
    expect(parsed.text).toBe('a red fox in the snow');
    expect(parsed.params.map((x) => [x.name, x.value])).toEqual([
      ['ar', '16:9'],
      ['v', '7'],
      ['stylize', '250'],
    ]);
    for (const param of parsed.params) {
      expect(p.slice(param.start, param.end)).toBe(`--${param.key} ${param.value}`);
    }
  });

  it('reads a prompt without parameters', () => {
    expect(parsePrompt('  just words  ')).toEqual({ text: 'just words', params: [] });
    expect(parsePrompt('')).toEqual({ text: '', params: [] });
  });

  it('maps aliases to canonical names', () => {
    const parsed = parsePrompt('x --aspect 3:2 --s 50 --c 10 --w 100 --q .5 --version 6.1');
    expect(parsed.params.map((p) => p.name)).toEqual([
      'ar',
      'stylize',
      'chaos',
      'weird',
      'quality',
      'v',
    ]);
    expect(parsed.params.map((p) => p.key)).toEqual(['aspect', 's', 'c', 'w', 'q', 'version']);
    expect(canonicalName('--S')).toBe('stylize');
    expect(canonicalName('sref')).toBe('sref');
  });

  it('treats --style raw and --raw as the raw flag, other styles as style', () => {
    expect(parsePrompt('x --style raw').params[0]).toMatchObject({ name: 'raw', value: '' });
    expect(parsePrompt('x --raw').params[0]).toMatchObject({ name: 'raw', value: '' });
    expect(parsePrompt('x --style cute').params[0]).toMatchObject({ name: 'style', value: 'cute' });
  });

  it('keeps multi-word values (--no) and flags', () => {
    const parsed = parsePrompt('a city --no cars, people --tile --seed 42');
    expect(parsed.params).toMatchObject([
      { name: 'no', value: 'cars, people' },
      { name: 'tile', value: '' },
      { name: 'seed', value: '42' },
    ]);
  });

  it('does not mistake dashes inside words or URLs for parameters', () => {
    const parsed = parsePrompt('https://x.test/a--b.png a well--known cat --v 7');
    expect(parsed.text).toBe('https://x.test/a--b.png a well--known cat');
    expect(parsed.params.map((p) => p.name)).toEqual(['v']);
  });

  it('accepts an em dash typed instead of --', () => {
    const parsed = parsePrompt('a cat —ar 4:3');
    expect(parsed.params[0]).toMatchObject({ name: 'ar', value: '4:3' });
    expect(chipLabel('a cat —ar 4:3', parsed.params[0])).toBe('--ar 4:3');
  });

  it('ignores whitespace and newlines around values', () => {
    const p = 'a cat\n--ar   16:9  \n --v 7 ';
    const parsed = parsePrompt(p);
    expect(parsed.text).toBe('a cat');
    expect(parsed.params.map((x) => x.value)).toEqual(['16:9', '7']);
    expect(p.slice(parsed.params[0].start, parsed.params[0].end)).toBe('--ar   16:9');
  });
});

describe('setParam / removeParam', () => {
  it('appends a new parameter', () => {
    expect(setParam('a cat', 'ar', '16:9')).toBe('a cat --ar 16:9');
    expect(setParam('a cat  \n', 'v', '7')).toBe('a cat --v 7');
    expect(setParam('', 'ar', '1:1')).toBe('--ar 1:1');
  });

  it('replaces a value in place, keeping the spelling used', () => {
    expect(setParam('a cat --s 250 --v 7', 'stylize', '300')).toBe('a cat --s 300 --v 7');
    expect(setParam('a cat --ar 1:1 --v 7', 'ar', '9:16')).toBe('a cat --ar 9:16 --v 7');
    expect(setParam('a cat --aspect 1:1', '--ar', '2:3')).toBe('a cat --aspect 2:3');
  });

  it('writes flags without a value', () => {
    expect(setParam('a cat', 'raw', '')).toBe('a cat --style raw');
    expect(setParam('a cat', 'tile', 'ignored')).toBe('a cat --tile');
    expect(setParam('a cat --raw', 'raw', '')).toBe('a cat --raw');
  });

  it('collapses a parameter given twice into one', () => {
    expect(setParam('a cat --ar 1:1 --v 7 --aspect 2:3', 'ar', '16:9')).toBe(
      'a cat --ar 16:9 --v 7',
    );
  });

  it('removes every occurrence and the space before it', () => {
    expect(removeParam('a cat --ar 16:9 --v 7', 'ar')).toBe('a cat --v 7');
    expect(removeParam('a cat --v 7 --ar 16:9', 'aspect')).toBe('a cat --v 7');
    expect(removeParam('a cat --style raw --v 7', 'raw')).toBe('a cat --v 7');
    expect(removeParam('a cat --q 1 --quality 2', 'q')).toBe('a cat');
    expect(removeParam('a cat', 'ar')).toBe('a cat');
  });

  it('round-trips: set then parse, set then remove', () => {
    const base = 'portrait of an old sailor, film grain --v 7';
    const cases: [string, string][] = [
      ['ar', '3:4'],
      ['stylize', '750'],
      ['chaos', '40'],
      ['weird', '1000'],
      ['quality', '2'],
      ['seed', '123456'],
      ['no', 'hats, beards'],
    ];
    for (const [name, value] of cases) {
      const withParam = setParam(base, name, value);
      expect(getParam(withParam, name)).toBe(value);
      expect(parsePrompt(withParam).text).toBe('portrait of an old sailor, film grain');
      expect(removeParam(withParam, name)).toBe(base);
      // setting again is stable
      expect(setParam(withParam, name, value)).toBe(withParam);
    }
  });

  it('leaves the text before the parameters alone', () => {
    const p = 'a cat   in a hat --ar 1:1';
    expect(parsePrompt(setParam(p, 'ar', '4:3')).text).toBe('a cat   in a hat');
  });
});

describe('validation', () => {
  it.each([
    ['ar', '16:9', null],
    ['ar', '21:9', null],
    ['ar', '0:1', 'Aspect ratio'],
    ['ar', '16x9', 'Aspect ratio'],
    ['ar', '1.5:1', 'Aspect ratio'],
    ['v', '7', null],
    ['v', '5.2', null],
    ['v', '8', 'Version must be one of 5, 5.1, 5.2, 6, 6.1, 7.'],
    ['stylize', '0', null],
    ['stylize', '1000', null],
    ['stylize', '1001', 'Stylize must be a whole number from 0 to 1000.'],
    ['s', '-1', 'Stylize'],
    ['chaos', '100', null],
    ['chaos', '101', 'Chaos must be a whole number from 0 to 100.'],
    ['weird', '3000', null],
    ['w', '3001', 'Weird must be a whole number from 0 to 3000.'],
    ['quality', '.25', null],
    ['quality', '0.5', null],
    ['q', '4', null],
    ['q', '3', 'Quality must be one of .25, .5, 1, 2 or 4.'],
    ['seed', '4294967295', null],
    ['seed', '4294967296', 'Seed'],
    ['no', '', '--no needs'],
    ['tile', '', null],
    ['tile', 'extra', 'Tile takes no value'],
    ['sref', 'https://cdn.example.com/a.png 123456', null],
    ['sref', 'anything', 'A style reference is image addresses'],
    ['cref', 'https://cdn.example.com/a.png', null],
    ['cref', '', 'Add a character reference'],
    ['oref', 'https://a.test/1.png https://a.test/2.png', 'one image only'],
    ['sw', '1000', null],
    ['cw', '101', 'Character weight must be a whole number from 0 to 100.'],
    ['ow', '0', 'Omni weight must be a whole number from 1 to 1000.'],
    ['fast', '', null],
    ['relax', 'now', '--relax takes no value'],
    // A permutation: each prompt of its group is checked instead.
    ['ar', '{1:1, 16:9}', null],
    ['v', '{6, 7}', null],
  ])('%s %s', (name, value, expected) => {
    const message = validateParam(name, value);
    if (expected === null) expect(message).toBeNull();
    else expect(message).toContain(expected);
  });

  it('reports problems for a whole prompt, including repeats', () => {
    expect(validatePrompt('a cat --ar 16:9 --v 7')).toEqual([]);
    expect(validatePrompt('a cat --chaos 500 --ar 1:1 --aspect 2:3')).toEqual([
      { name: 'chaos', message: 'Chaos must be a whole number from 0 to 100.' },
      { name: 'ar', message: 'Aspect ratio is set twice; keep one.' },
    ]);
  });

  it('labels chips as written, shortened when long', () => {
    const p = `x --no ${'very long list, '.repeat(5)}`;
    const parsed = parsePrompt(p);
    const label = chipLabel(p, parsed.params[0]);
    expect(label.length).toBe(32);
    expect(label.endsWith('…')).toBe(true);
    expect(chipLabel('a --stylize   250', parsePrompt('a --stylize   250').params[0])).toBe(
      '--stylize 250',
    );
  });
});
