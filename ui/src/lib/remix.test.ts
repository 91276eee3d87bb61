import { describe, expect, it } from 'vitest';
import { loadRemix, remix, REMIX_KEY, setRemix } from './remix.svelte';

function memory(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k: string) => data.get(k) ?? null,
    key: (i: number) => [...data.keys()][i] ?? null,
    removeItem: (k: string) => void data.delete(k),
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('the Remix switch', () => {
  it('is off until turned on, and is remembered', () => {
    const storage = memory();
    expect(loadRemix(storage)).toBe(false);
    setRemix(true, storage);
    expect(remix.on).toBe(true);
    expect(storage.getItem(REMIX_KEY)).toBe('1');
    remix.on = false;
    expect(loadRemix(storage)).toBe(true);
    setRemix(false, storage);
    expect(loadRemix(storage)).toBe(false);
  });

  it('still switches when the storage cannot be used', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    } as unknown as Storage;
    expect(loadRemix(broken)).toBe(false);
    setRemix(true, broken);
    expect(remix.on).toBe(true);
    expect(loadRemix(undefined)).toBe(false);
  });
});
