import { describe, expect, it } from 'vitest';
import { cellStateText, groupChipText, hasBraces } from './groups';

describe('groups', () => {
  it('asks the core only about prompts with braces', () => {
    expect(hasBraces('a {red, blue} bird')).toBe(true);
    expect(hasBraces('a red bird }')).toBe(true);
    expect(hasBraces('a red bird --ar 16:9')).toBe(false);
  });

  it('words a place in a group', () => {
    expect(groupChipText({ id: 'g', position: 2, count: 4, choices: ['red', '16:9'] })).toBe(
      '2 of 4 · red · 16:9',
    );
    expect(groupChipText({ id: 'g', position: 1, count: 2, choices: [] })).toBe('1 of 2');
  });

  it('words the states of a cell', () => {
    expect(cellStateText({ state: 'waiting', image: null })).toBe('Waiting');
    expect(cellStateText({ state: 'held', image: null })).toBe('Held – see its waiting card');
    expect(cellStateText({ state: 'running', image: null })).toBe('Running');
    expect(cellStateText({ state: 'failed', image: null })).toBe('Failed');
    expect(cellStateText({ state: 'notSent', image: null })).toBe('Not sent');
    expect(cellStateText({ state: 'done', image: null })).toBe('Saving…');
  });
});
