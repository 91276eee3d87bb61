/**
 * The Remix toggle of the task buttons (ActionButtons.svelte): with it on, Reroll and the Vary
 * buttons open the prompt editor first. One switch for the whole app, remembered across
 * restarts in the webview's own storage, like the gallery's cell size and the place
 * (place.ts): a look-and-feel preference of this window, not a setting the core needs.
 */

/** The storage key ("1" on, anything else off). */
export const REMIX_KEY = 'atelier.remix';

function stored(storage: Storage | undefined): boolean {
  try {
    return storage?.getItem(REMIX_KEY) === '1';
  } catch {
    return false;
  }
}

/** The Remix switch: `remix.on`, changed through `setRemix`. */
export const remix = $state({ on: stored(globalThis.localStorage) });

/** Turns Remix on or off and remembers it (not remembering is fine: it still switches). */
export function setRemix(on: boolean, storage: Storage | undefined = globalThis.localStorage) {
  remix.on = on;
  try {
    storage?.setItem(REMIX_KEY, on ? '1' : '0');
  } catch {
    // not remembered; fine
  }
}

/** Reads the remembered switch again (tests, and a storage changed by another window). */
export function loadRemix(storage: Storage | undefined = globalThis.localStorage): boolean {
  remix.on = stored(storage);
  return remix.on;
}
