/**
 * Images named inside a prompt: image prompts (the web addresses at its start) and the
 * style / character / omni references (`--sref`, `--cref`, `--oref`). The prompt string is the
 * one source of truth; these read and rewrite it. Pure functions, no DOM.
 */
import { getParam, isHttpUrl, removeParam, setParam } from './params';

/** The tokens of a parameter value, split on whitespace. */
function tokens(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((t) => t !== '');
}

/** The image addresses a reference parameter holds (style codes and "random" left out). */
export function referenceUrls(prompt: string, name: string): string[] {
  return tokens(getParam(prompt, name)).filter(isHttpUrl);
}

/**
 * The prompt with the reference parameter's image addresses replaced by `urls`; its other
 * tokens (a style code) stay. With nothing left, the parameter goes (`keepEmpty`: it stays,
 * empty, as the chip the person is filling in).
 */
export function setReferenceUrls(
  prompt: string,
  name: string,
  urls: readonly string[],
  keepEmpty = false,
): string {
  const others = tokens(getParam(prompt, name)).filter((t) => !isHttpUrl(t));
  const value = [...urls, ...others].join(' ');
  if (!value && !keepEmpty) return removeParam(prompt, name);
  return setParam(prompt, name, value);
}

/** The image prompts: the web addresses the prompt starts with, in order. */
export function imagePrompts(prompt: string): string[] {
  const out: string[] = [];
  for (const token of prompt.trimStart().split(/\s+/)) {
    if (!isHttpUrl(token)) break;
    out.push(token);
  }
  return out;
}

/** The prompt with its leading image prompts replaced by `urls` (the words after stay). */
export function setImagePrompts(prompt: string, urls: readonly string[]): string {
  let rest = prompt.trimStart();
  for (const url of imagePrompts(prompt)) rest = rest.slice(url.length).trimStart();
  return [...urls, rest].filter((part) => part !== '').join(' ');
}
