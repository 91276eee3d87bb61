/** Small formatting and validation helpers for the views. Pure functions. */
import type { ProviderKind } from './bindings/ProviderKind';
import type { ProviderStatus } from './bindings/ProviderStatus';

/** The providers, in the order the core lists them (their names come with the app state). */
export const PROVIDER_KINDS: readonly ProviderKind[] = ['linkr', 'journey'];

/** "1,240 credits"; '' when unknown. ts-rs may type an i64 as bigint, so accept both. */
export function formatCredits(credits: number | bigint | null | undefined): string {
  if (credits === null || credits === undefined) return '';
  const n = Number(credits);
  if (!Number.isFinite(n)) return '';
  return `${n.toLocaleString('en-US')} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`;
}

/** The status line of a provider card. */
export function keyStatusText(p: Pick<ProviderStatus, 'keySet' | 'keyLast4' | 'demo'>): string {
  if (p.keySet) return p.keyLast4 ? `Key set, ends in ${p.keyLast4}` : 'Key set';
  return p.demo ? 'No key — using the built-in demo' : 'No key';
}

/** null when empty or a valid http(s) address; otherwise the sentence to show. */
export function validateHttpUrl(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Use a web address that starts with http:// or https://.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'Use a web address that starts with http:// or https://.';
  }
  if (!url.hostname) return 'That address has no host name.';
  return null;
}

/** A CSS url("…") for a style attribute, with quotes, backslashes and newlines made harmless. */
export function cssUrl(url: string): string {
  return `url("${url.replace(/[\r\n]/g, '').replace(/["\\]/g, (c) => `\\${c}`)}")`;
}
