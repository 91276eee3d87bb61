import { describe, expect, it } from 'vitest';
import type { Collection } from './bindings/Collection';
import {
  collectionCountText,
  deleteCollectionQuestion,
  deleteQuestion,
  dragPayload,
  menuKeyTarget,
  nameProblem,
  outcomeText,
  parseDragPayload,
  popoverPosition,
  progressText,
  selectedText,
  toggled,
  toggleText,
  withIds,
  workbenchCommand,
} from './workbench';

const moodboard: Collection = {
  id: 4,
  name: 'Moodboard',
  count: 12,
  createdAt: '2026-03-01T10:00:00Z',
};
const add = { kind: 'addToCollection', collectionId: 4 } as const;
const remove = { kind: 'removeFromCollection', collectionId: 4 } as const;
const outcome = (total: number, done = total, changed = done, cancelled = false) => ({
  total,
  done,
  changed,
  cancelled,
});

describe('the selection bar words', () => {
  it('counts with thousands separators', () => {
    expect(selectedText(12)).toBe('12 selected');
    expect(selectedText(100_000)).toBe('100,000 selected');
    expect(selectedText(null)).toBe('All selected');
  });

  it('asks before deleting', () => {
    expect(deleteQuestion(12)).toBe('Delete 12 images and their files? This cannot be undone.');
    expect(deleteQuestion(1)).toBe('Delete 1 image and its file? This cannot be undone.');
    expect(deleteQuestion(12_345)).toContain('12,345 images');
    expect(deleteQuestion(null)).toBe(
      'Delete all the selected images and their files? This cannot be undone.',
    );
  });

  it('says how far a bulk action is', () => {
    expect(progressText({ kind: 'favorite' }, 4000, 100_000)).toBe('Favoriting 4,000 of 100,000…');
    expect(progressText({ kind: 'unfavorite' }, 0, 12)).toBe('Unfavoriting 0 of 12…');
    expect(progressText(add, 2000, 5000, [moodboard])).toBe('Adding 2,000 of 5,000 to Moodboard…');
    expect(progressText(remove, 1, 2, [moodboard])).toBe('Removing 1 of 2 from Moodboard…');
    expect(progressText({ kind: 'delete' }, 3, 9)).toBe('Deleting 3 of 9…');
    expect(progressText(add, 1, 2, [])).toBe('Adding 1 of 2 to the collection…');
  });

  it('says what a bulk action did', () => {
    expect(outcomeText(add, outcome(12), [moodboard])).toBe('12 images added to Moodboard.');
    expect(outcomeText(add, outcome(12, 12, 9), [moodboard])).toBe(
      '9 images added to Moodboard. 3 were already in it.',
    );
    expect(outcomeText({ kind: 'favorite' }, outcome(1))).toBe('1 image favorited.');
    expect(outcomeText({ kind: 'favorite' }, outcome(5, 5, 0))).toBe(
      'All 5 images were already favorites.',
    );
    expect(outcomeText({ kind: 'unfavorite' }, outcome(1, 1, 0))).toBe(
      'The image was not a favorite.',
    );
    expect(outcomeText({ kind: 'unfavorite' }, outcome(4, 4, 0))).toBe(
      'None of the 4 images were favorites.',
    );
    expect(outcomeText(add, outcome(2, 2, 0), [moodboard])).toBe(
      'All 2 images were already in Moodboard.',
    );
    expect(outcomeText(remove, outcome(1, 1, 0), [moodboard])).toBe(
      'The image was not in Moodboard.',
    );
    expect(outcomeText(remove, outcome(3), [moodboard])).toBe('3 images removed from Moodboard.');
    expect(outcomeText({ kind: 'delete' }, outcome(2_500))).toBe('2,500 images deleted.');
    expect(outcomeText({ kind: 'favorite' }, outcome(0))).toBe('No images to change.');
  });

  it('says where a cancelled action stopped', () => {
    expect(outcomeText({ kind: 'favorite' }, outcome(100_000, 4000, 3900, true))).toBe(
      'Stopped: 4,000 of 100,000 favorited.',
    );
    expect(outcomeText(add, outcome(10, 2, 2, true), [moodboard])).toBe(
      'Stopped: 2 of 10 added to Moodboard.',
    );
  });

  it('says what happened to one image (the lightbox)', () => {
    expect(toggleText(true, moodboard)).toBe('Added to Moodboard.');
    expect(toggleText(false, moodboard)).toBe('Removed from Moodboard.');
  });
});

describe('dragged thumbnails', () => {
  it('carry the selection when the cell is selected, else the cell alone', () => {
    expect(dragPayload(7, true)).toEqual({ kind: 'selection' });
    expect(dragPayload(7, false)).toEqual({ kind: 'images', ids: [7] });
  });

  it('read back only what the gallery wrote', () => {
    expect(parseDragPayload(JSON.stringify(dragPayload(7, false)))).toEqual({
      kind: 'images',
      ids: [7],
    });
    expect(parseDragPayload('{"kind":"selection"}')).toEqual({ kind: 'selection' });
    for (const bad of [
      null,
      '',
      'not json',
      '[]',
      '{"kind":"images","ids":[]}',
      '{"kind":"images","ids":["1"]}',
      '{"kind":"images","ids":[1.5]}',
      '{"kind":"everything"}',
    ]) {
      expect(parseDragPayload(bad), String(bad)).toBeNull();
    }
  });
});

describe('collections', () => {
  it('checks a name before asking the core', () => {
    expect(nameProblem('  ')).toBe('Give the collection a name.');
    expect(nameProblem('x'.repeat(81))).toBe('A collection name can have at most 80 characters.');
    expect(nameProblem('x'.repeat(80))).toBeNull();
    expect(nameProblem('Moodboard')).toBeNull();
  });

  it('asks before deleting one, saying its images stay', () => {
    expect(deleteCollectionQuestion(moodboard)).toBe(
      'Delete the collection “Moodboard”? Its 12 images stay in the library.',
    );
    expect(deleteCollectionQuestion({ ...moodboard, count: 1 })).toBe(
      'Delete the collection “Moodboard”? Its image stays in the library.',
    );
    expect(deleteCollectionQuestion({ ...moodboard, count: 0 })).toBe(
      'Delete the collection “Moodboard”? It has no images.',
    );
    expect(collectionCountText(1204)).toBe('1,204');
  });
});

describe('the picker', () => {
  it('moves with the arrows, Home and End, round the ends', () => {
    expect(menuKeyTarget('ArrowDown', -1, 3)).toBe(0);
    expect(menuKeyTarget('ArrowDown', 2, 3)).toBe(0);
    expect(menuKeyTarget('ArrowUp', 0, 3)).toBe(2);
    expect(menuKeyTarget('ArrowUp', -1, 3)).toBe(2);
    expect(menuKeyTarget('Home', 2, 3)).toBe(0);
    expect(menuKeyTarget('End', 0, 3)).toBe(2);
    expect(menuKeyTarget('a', 0, 3)).toBeNull();
    expect(menuKeyTarget('ArrowDown', 0, 0)).toBeNull();
  });

  it('sits under its opener, or above it near the bottom, inside the window', () => {
    const viewport = { width: 1000, height: 800 };
    const size = { width: 260, height: 300 };
    expect(popoverPosition({ left: 100, top: 50, bottom: 80 }, size, viewport)).toEqual({
      left: 100,
      top: 84,
    });
    expect(popoverPosition({ left: 900, top: 700, bottom: 730 }, size, viewport)).toEqual({
      left: 732,
      top: 396,
    });
  });
});

describe('the selection keys', () => {
  const k = (
    key: string,
    mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey', boolean>> = {},
  ) => ({
    key,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });
  const cell = { onCell: true, selecting: false };
  const none = { onCell: false, selecting: false };
  const selecting = { onCell: false, selecting: true };

  it('selects on the focused image', () => {
    expect(workbenchCommand(k('x'), cell)).toEqual({ type: 'toggle' });
    expect(workbenchCommand(k('X', { shiftKey: true }), cell)).toEqual({ type: 'range' });
    expect(workbenchCommand(k('x'), none)).toBeNull();
    expect(workbenchCommand(k('b'), cell)).toEqual({ type: 'collect' });
    expect(workbenchCommand(k('b'), none)).toBeNull();
  });

  it('selects every match with Ctrl/Cmd+A', () => {
    expect(workbenchCommand(k('a', { ctrlKey: true }), none)).toEqual({ type: 'selectAll' });
    expect(workbenchCommand(k('a', { metaKey: true }), none)).toEqual({ type: 'selectAll' });
    expect(workbenchCommand(k('a'), none)).toBeNull();
    expect(workbenchCommand(k('c', { ctrlKey: true }), selecting)).toBeNull();
  });

  it('clears, compares, deletes and collects only while something is selected', () => {
    expect(workbenchCommand(k('Escape'), selecting)).toEqual({ type: 'clear' });
    expect(workbenchCommand(k('c'), selecting)).toEqual({ type: 'compare' });
    expect(workbenchCommand(k('Delete'), selecting)).toEqual({ type: 'delete' });
    expect(workbenchCommand(k('b'), selecting)).toEqual({ type: 'collect' });
    expect(workbenchCommand(k('e'), selecting)).toEqual({ type: 'export' });
    expect(workbenchCommand(k('E'), selecting)).toEqual({ type: 'export' });
    expect(workbenchCommand(k('E', { shiftKey: true }), selecting)).toBeNull();
    expect(workbenchCommand(k('e', { ctrlKey: true }), selecting)).toBeNull();
    for (const key of ['Escape', 'c', 'e', 'Delete']) {
      expect(workbenchCommand(k(key), none)).toBeNull();
    }
    expect(workbenchCommand({ ...k('x'), altKey: true }, cell)).toBeNull();
  });
});

describe('id sets', () => {
  it('are copied, never changed in place', () => {
    const base: ReadonlySet<number> = new Set([1, 2]);
    expect([...toggled(base, 2)]).toEqual([1]);
    expect([...toggled(base, 3)]).toEqual([1, 2, 3]);
    expect([...withIds(base, [3, 4], true)]).toEqual([1, 2, 3, 4]);
    expect([...withIds(base, [1, 9], false)]).toEqual([2]);
    expect([...base]).toEqual([1, 2]);
  });
});
