import type { Theme } from './bindings/Theme';

/** Applies the theme setting: "system" follows the OS (prefers-color-scheme). */
export function applyTheme(theme: Theme | null | undefined, root: HTMLElement): void {
  if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
  else delete root.dataset.theme;
}
