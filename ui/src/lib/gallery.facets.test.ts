/** The model, aspect ratio and "has follow-ups" filters: their query, their menus, their words. */
import { describe, expect, it } from 'vitest';
import {
  aspectOptions,
  aspectRatio,
  buildQuery,
  DEFAULT_FILTERS,
  emptyText,
  facetFilter,
  isFiltered,
  modelOptions,
  SEARCH_PLACEHOLDER,
  type GalleryFilters,
} from './gallery';

const filters = (over: Partial<GalleryFilters> = {}): GalleryFilters => ({
  ...DEFAULT_FILTERS,
  ...over,
});

const now = new Date('2026-03-10T15:30:00Z');

describe('buildQuery: model, aspect, has follow-ups', () => {
  it('leaves them out when they are not set', () => {
    const query = buildQuery(filters(), { now });
    expect(query).not.toHaveProperty('model');
    expect(query).not.toHaveProperty('aspect');
    expect(query).not.toHaveProperty('hasChildren');
  });

  it('sends each one set, together with every other filter', () => {
    const query = buildQuery(
      filters({
        text: '--seed 123',
        provider: 'journey',
        kind: 'grid',
        favoritesOnly: true,
        collection: 7,
        order: 'oldestFirst',
        model: 'flux-pro',
        aspect: '16:9',
        hasChildren: true,
      }),
      { now, limit: 50 },
    );
    expect(query).toEqual({
      text: '--seed 123',
      provider: 'journey',
      kind: 'grid',
      favoritesOnly: true,
      collection: 7,
      order: 'oldestFirst',
      model: 'flux-pro',
      aspect: '16:9',
      hasChildren: true,
      limit: 50,
    });
  });

  it('sends one without the others', () => {
    expect(buildQuery(filters({ model: 'midjourney' }), { now })).toMatchObject({
      model: 'midjourney',
    });
    expect(buildQuery(filters({ aspect: '9:16' }), { now })).toMatchObject({ aspect: '9:16' });
    expect(buildQuery(filters({ hasChildren: true }), { now })).toMatchObject({
      hasChildren: true,
    });
    expect(buildQuery(filters({ hasChildren: false }), { now })).not.toHaveProperty('hasChildren');
  });
});

describe('the new filters narrow the gallery', () => {
  it('counts as filtered', () => {
    expect(isFiltered(filters())).toBe(false);
    expect(isFiltered(filters({ model: 'midjourney' }))).toBe(true);
    expect(isFiltered(filters({ aspect: '1:1' }))).toBe(true);
    expect(isFiltered(filters({ hasChildren: true }))).toBe(true);
  });

  it('says why nothing shows', () => {
    expect(emptyText(filters({ model: 'flux-pro' }))).toEqual({
      title: 'Nothing matches these filters',
      hint: 'Loosen the filters to see more.',
    });
    expect(emptyText(filters({ aspect: '21:9', favoritesOnly: true })).title).toBe(
      'Nothing matches these filters',
    );
    expect(emptyText(filters({ hasChildren: true }))).toEqual({
      title: 'Nothing has follow-ups yet',
      hint: 'Upscale, vary or zoom an image to find it here.',
    });
    expect(emptyText(filters({ hasChildren: true, kind: 'grid' })).title).toBe(
      'Nothing matches these filters',
    );
    expect(emptyText(filters({ text: 'fox', aspect: '1:1' })).hint).toBe(
      'Try other words, or loosen the filters.',
    );
    // The collection's own empty state is not taken over by a filter left on.
    expect(emptyText(filters({ collection: 3, model: 'x' })).title).toBe(
      'Nothing matches these filters',
    );
  });
});

describe('the model menu', () => {
  it('offers any model, then each model of the library', () => {
    expect(modelOptions(['flux-pro', 'midjourney'], null)).toEqual([
      { value: '', label: 'Any model' },
      { value: 'flux-pro', label: 'flux-pro' },
      { value: 'midjourney', label: 'midjourney' },
    ]);
    expect(modelOptions([], null)).toEqual([{ value: '', label: 'Any model' }]);
  });

  it('still offers a remembered model the library no longer has, last', () => {
    expect(modelOptions(['midjourney'], 'old-model').map((o) => o.value)).toEqual([
      '',
      'midjourney',
      'old-model',
    ]);
    expect(modelOptions([], 'old-model').map((o) => o.value)).toEqual(['', 'old-model']);
  });

  it('offers a model once', () => {
    expect(modelOptions(['midjourney', 'midjourney', ''], 'midjourney')).toHaveLength(2);
  });
});

describe('the aspect menu', () => {
  it('offers any ratio, then the library ratios in the core order', () => {
    expect(aspectOptions(['9:16', '1:1', '16:9'], null)).toEqual([
      { value: '', label: 'Any ratio' },
      { value: '9:16', label: '9:16' },
      { value: '1:1', label: '1:1' },
      { value: '16:9', label: '16:9' },
    ]);
  });

  it('puts a remembered ratio the library no longer has in its place by width', () => {
    const values = (current: string) =>
      aspectOptions(['9:16', '1:1', '16:9'], current).map((o) => o.value);
    expect(values('4:3')).toEqual(['', '9:16', '1:1', '4:3', '16:9']);
    expect(values('1:2')).toEqual(['', '1:2', '9:16', '1:1', '16:9']);
    expect(values('21:9')).toEqual(['', '9:16', '1:1', '16:9', '21:9']);
    expect(values('1:1')).toEqual(['', '9:16', '1:1', '16:9']);
    expect(aspectOptions([], '3:2').map((o) => o.value)).toEqual(['', '3:2']);
  });

  it('reads a ratio label', () => {
    expect(aspectRatio('16:9')).toBeCloseTo(16 / 9);
    expect(aspectRatio('1:1')).toBe(1);
    expect(aspectRatio('2.39:1')).toBeCloseTo(2.39);
    expect(aspectRatio('wide')).toBeNull();
    expect(aspectRatio('16:0')).toBeNull();
    expect(aspectRatio('')).toBeNull();
  });
});

describe('the menus as filters', () => {
  it('takes the empty choice as no filter', () => {
    expect(facetFilter('')).toBeNull();
    expect(facetFilter('midjourney')).toBe('midjourney');
    expect(facetFilter('16:9')).toBe('16:9');
  });

  it('says parameters can be searched for, in a few words', () => {
    expect(SEARCH_PLACEHOLDER).toMatch(/--seed/);
    // The box is at least 260 px wide: about 30 characters at 14 px.
    expect(SEARCH_PLACEHOLDER.length).toBeLessThanOrEqual(30);
  });
});
