import { describe, expect, it } from 'vitest';
import { defaultPlace, loadPlace, parsePlace, PLACE_KEY, savePlace } from './place';

/** A Storage over a Map (the node test environment has none). */
function memoryStorage(failWrites = false): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => {
      if (failWrites) throw new Error('QuotaExceededError');
      m.set(k, v);
    },
  };
}

describe('place', () => {
  it('starts at Create with the whole gallery from the top', () => {
    expect(loadPlace(memoryStorage())).toEqual(defaultPlace());
    expect(loadPlace(undefined)).toEqual(defaultPlace());
  });

  it('remembers the view, the search, the filters, the scroll and the open image', () => {
    const storage = memoryStorage();
    savePlace({ view: 'gallery' }, storage);
    savePlace(
      {
        gallery: {
          filters: {
            text: 'lighthouse',
            provider: 'journey',
            kind: 'upscale',
            favoritesOnly: true,
            date: '7d',
            collection: 12,
            order: 'oldestFirst',
            model: 'flux-pro',
            aspect: '16:9',
            hasChildren: true,
          },
        },
      },
      storage,
    );
    savePlace({ gallery: { firstIndex: 480 } }, storage);
    savePlace({ gallery: { openImageId: 77 } }, storage);
    expect(loadPlace(storage)).toEqual({
      view: 'gallery',
      gallery: {
        filters: {
          text: 'lighthouse',
          provider: 'journey',
          kind: 'upscale',
          favoritesOnly: true,
          date: '7d',
          collection: 12,
          order: 'oldestFirst',
          model: 'flux-pro',
          aspect: '16:9',
          hasChildren: true,
        },
        firstIndex: 480,
        openImageId: 77,
      },
    });
    savePlace({ gallery: { openImageId: null } }, storage);
    expect(loadPlace(storage).gallery.openImageId).toBeNull();
    expect(loadPlace(storage).gallery.firstIndex).toBe(480);
  });

  it('takes back each field on its own: a damaged one falls back, the rest stays', () => {
    const place = parsePlace(
      JSON.stringify({
        view: 'admin',
        gallery: {
          filters: {
            text: 'x'.repeat(5000),
            provider: 'midjourney',
            kind: 'single',
            favoritesOnly: 'yes',
            date: '1y',
            collection: -3,
            order: 'sideways',
            model: 42,
            aspect: 'wide',
            hasChildren: 'yes',
          },
          firstIndex: -4,
          openImageId: 3.5,
        },
      }),
    );
    expect(place.view).toBe('create');
    expect(place.gallery.filters).toEqual({
      text: 'x'.repeat(500),
      provider: 'all',
      kind: 'single',
      favoritesOnly: false,
      date: 'all',
      collection: null,
      order: 'newestFirst',
      model: null,
      aspect: null,
      hasChildren: false,
    });
    expect(place.gallery.firstIndex).toBe(0);
    expect(place.gallery.openImageId).toBeNull();
    for (const raw of ['', 'not json', 'null', '[1,2]', '"gallery"', '{"gallery": 5}']) {
      expect(parsePlace(raw)).toEqual(defaultPlace());
    }
    expect(parsePlace('{"gallery": {"firstIndex": 1e12, "openImageId": 0}}').gallery).toMatchObject(
      {
        firstIndex: 0,
        openImageId: null,
      },
    );
  });

  it('takes back a remembered model and ratio only when they can be ones', () => {
    const filtersOf = (filters: Record<string, unknown>) =>
      parsePlace(JSON.stringify({ gallery: { filters } })).gallery.filters;
    expect(filtersOf({ model: 'midjourney', aspect: '9:16' })).toMatchObject({
      model: 'midjourney',
      aspect: '9:16',
    });
    // A model the library no longer has is still taken back (the menu offers it).
    expect(filtersOf({ model: 'gone-model-v1' }).model).toBe('gone-model-v1');
    expect(filtersOf({ model: '', aspect: '' })).toMatchObject({ model: null, aspect: null });
    expect(filtersOf({ model: '   ', aspect: '16:0' })).toMatchObject({
      model: null,
      aspect: null,
    });
    expect(filtersOf({ model: 'm'.repeat(201), aspect: '1'.repeat(30) + ':1' })).toMatchObject({
      model: null,
      aspect: null,
    });
    expect(filtersOf({ hasChildren: true }).hasChildren).toBe(true);
    expect(filtersOf({}).hasChildren).toBe(false);
  });

  it('never throws when the storage refuses', () => {
    const storage = memoryStorage(true);
    expect(() => savePlace({ view: 'settings' }, storage)).not.toThrow();
    expect(loadPlace(storage).view).toBe('create');
    expect(storage.getItem(PLACE_KEY)).toBeNull();
  });
});
