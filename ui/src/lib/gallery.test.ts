import { describe, expect, it } from 'vitest';
import {
  actionForKey,
  buildQuery,
  bytesText,
  countText,
  dateFrom,
  DEFAULT_FILTERS,
  emptyText,
  firstWords,
  lightboxCommand,
  type GalleryFilters,
  type LightboxKey,
} from './gallery';
import { gridActions, makeAction, singleActions } from './testing/fixtures';

const filters = (over: Partial<GalleryFilters> = {}): GalleryFilters => ({
  ...DEFAULT_FILTERS,
  ...over,
});

describe('buildQuery', () => {
  const now = new Date('2026-03-10T15:30:00Z');

  it('asks for the first page of everything, newest first, by default', () => {
    expect(buildQuery(filters(), { now })).toEqual({
      favoritesOnly: false,
      order: 'newestFirst',
      limit: 200,
    });
  });

  it('passes the text as typed (the core treats the last word as a prefix)', () => {
    expect(buildQuery(filters({ text: 'red fo' })).text).toBe('red fo');
    expect(buildQuery(filters({ text: 'red fox ' })).text).toBe('red fox ');
    expect(buildQuery(filters({ text: '   ' }))).not.toHaveProperty('text');
  });

  it('carries the filters and the cursor', () => {
    const q = buildQuery(
      filters({ provider: 'journey', kind: 'upscale', favoritesOnly: true, date: '7d' }),
      { cursor: 'abc', limit: 50, now },
    );
    expect(q).toEqual({
      provider: 'journey',
      kind: 'upscale',
      favoritesOnly: true,
      from: '2026-03-03T15:30:00.000Z',
      order: 'newestFirst',
      cursor: 'abc',
      limit: 50,
    });
  });

  it('asks for the order the sort menu holds', () => {
    expect(buildQuery(filters({ order: 'oldestFirst' }), { now }).order).toBe('oldestFirst');
    expect(buildQuery(filters({ order: 'newestFirst' }), { now }).order).toBe('newestFirst');
  });

  it('turns date presets into a start time', () => {
    expect(dateFrom('all', now)).toBeUndefined();
    expect(dateFrom('7d', now)).toBe('2026-03-03T15:30:00.000Z');
    expect(dateFrom('30d', now)).toBe('2026-02-08T15:30:00.000Z');
    // today starts at local midnight
    const today = new Date(dateFrom('today', now) as string);
    expect(today.getHours()).toBe(0);
    expect(today.getMinutes()).toBe(0);
    expect(today.getDate()).toBe(now.getDate());
    expect(today.getTime()).toBeLessThanOrEqual(now.getTime());
  });
});

describe('words', () => {
  it('counts images', () => {
    expect(countText(12345)).toBe('12,345 images');
    expect(countText(1)).toBe('1 image');
    expect(countText(10_000, false)).toBe('More than 10,000 images');
    expect(countText(0)).toBe('No images');
  });

  it('explains empty results', () => {
    expect(emptyText(filters()).title).toBe('No images yet — make some in Create');
    expect(emptyText(filters({ text: ' fox ' })).title).toBe('Nothing matches “fox”');
    expect(emptyText(filters({ favoritesOnly: true })).title).toBe('No favorites yet');
    expect(emptyText(filters({ kind: 'upscale' })).title).toBe('Nothing matches these filters');
  });

  it('takes the first words of a prompt without its parameters', () => {
    expect(firstWords('a red fox in the snow --ar 16:9 --v 7')).toBe('a red fox in the snow');
    expect(firstWords('one two three four five six seven eight nine', 3)).toBe('one two three…');
    expect(firstWords(null)).toBe('');
  });

  it('sizes files', () => {
    expect(bytesText(812 * 1024)).toBe('812 KB');
    expect(bytesText(2.4 * 1024 * 1024)).toBe('2.4 MB');
    expect(bytesText(0)).toBe('');
  });
});

describe('lightboxCommand', () => {
  const key = (k: string, over: Partial<LightboxKey> = {}): LightboxKey => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...over,
  });

  it('maps the documented keys', () => {
    expect(lightboxCommand(key('ArrowLeft'), false)).toEqual({ type: 'prev' });
    expect(lightboxCommand(key('ArrowRight'), false)).toEqual({ type: 'next' });
    expect(lightboxCommand(key('Escape'), false)).toEqual({ type: 'close' });
    expect(lightboxCommand(key('f'), false)).toEqual({ type: 'favorite' });
    expect(lightboxCommand(key('F'), false)).toEqual({ type: 'favorite' });
    expect(lightboxCommand(key('c'), false)).toEqual({ type: 'copyPrompt' });
    expect(lightboxCommand(key('r'), false)).toEqual({ type: 'reuse' });
    expect(lightboxCommand(key('Delete'), false)).toEqual({ type: 'delete' });
    expect(lightboxCommand(key('Backspace'), false)).toEqual({ type: 'delete' });
  });

  it('compares with the parent on Shift+C (C alone copies the prompt)', () => {
    expect(lightboxCommand(key('C', { shiftKey: true }), false)).toEqual({ type: 'compareParent' });
    expect(lightboxCommand(key('c', { shiftKey: true }), false)).toEqual({ type: 'compareParent' });
    expect(lightboxCommand(key('C', { shiftKey: true }), true)).toBeNull();
    expect(lightboxCommand(key('C', { shiftKey: true, ctrlKey: true }), false)).toBeNull();
    expect(lightboxCommand(key('F', { shiftKey: true }), false)).toBeNull();
  });

  it('runs U1-U4 on 1-4 and V1-V4 on Shift+1-4 (by physical key)', () => {
    expect(lightboxCommand(key('2', { code: 'Digit2' }), false)).toEqual({
      type: 'action',
      group: 'upscale',
      index: 2,
    });
    expect(lightboxCommand(key('@', { code: 'Digit2', shiftKey: true }), false)).toEqual({
      type: 'action',
      group: 'variation',
      index: 2,
    });
    expect(lightboxCommand(key('4'), false)).toMatchObject({ group: 'upscale', index: 4 });
    expect(lightboxCommand(key('5', { code: 'Digit5' }), false)).toBeNull();
  });

  it('leaves modified keys and typing alone (Esc still closes)', () => {
    expect(lightboxCommand(key('c', { ctrlKey: true }), false)).toBeNull();
    expect(lightboxCommand(key('f', { metaKey: true }), false)).toBeNull();
    expect(lightboxCommand(key('ArrowLeft', { altKey: true }), false)).toBeNull();
    expect(lightboxCommand(key('f'), true)).toBeNull();
    expect(lightboxCommand(key('1', { code: 'Digit1' }), true)).toBeNull();
    expect(lightboxCommand(key('Escape'), true)).toEqual({ type: 'close' });
  });

  it('finds the button a digit stands for, when the task offers it', () => {
    expect(actionForKey(gridActions(), 'upscale', 2)?.label).toBe('U2');
    expect(actionForKey(gridActions(), 'variation', 4)?.label).toBe('V4');
    expect(actionForKey(singleActions(), 'upscale', 1)).toBeNull();
    const needsPrompt = makeAction({ group: 'upscale', index: 1, mode: 'needsPrompt' });
    expect(actionForKey([needsPrompt], 'upscale', 1)).toBeNull();
  });
});

describe('the collection filter', () => {
  it('sends the collection shown, and leaves it out for all images', () => {
    expect(buildQuery(filters({ collection: 4 }))).toMatchObject({ collection: 4 });
    expect(buildQuery(filters())).not.toHaveProperty('collection');
  });

  it('says an empty collection is empty', () => {
    expect(emptyText(filters({ collection: 4 }))).toEqual({
      title: 'This collection is empty',
      hint: 'Drag images onto it, or press B on an image.',
    });
    expect(emptyText(filters({ collection: 4, text: 'fox' })).title).toBe('Nothing matches “fox”');
  });

  it('B in the lightbox adds to a collection', () => {
    const plain = { ctrlKey: false, metaKey: false, altKey: false, shiftKey: false };
    expect(lightboxCommand({ ...plain, key: 'b' }, false)).toEqual({ type: 'addToCollection' });
    expect(lightboxCommand({ ...plain, key: 'b' }, true)).toBeNull();
  });
});
