/**
 * The composer's speed switch: `--fast`, `--relax` or `--turbo` in the prompt (the prompt is
 * the one source of truth), at most one of them. Pure functions, no DOM.
 */
import { parsePrompt, removeParam, setParam, SPEED_FLAGS } from './params';

/** A Midjourney speed: how the job is run (and charged) by the person's plan. */
export type Speed = (typeof SPEED_FLAGS)[number];

/** The switch's segments, in order, with the words of their tooltips. */
export const SPEEDS: readonly { speed: Speed; label: string; hint: string }[] = [
  { speed: 'fast', label: 'Fast', hint: 'Fast: uses fast hours (--fast).' },
  { speed: 'relax', label: 'Relax', hint: 'Relax: free on plans that have it, slower (--relax).' },
  {
    speed: 'turbo',
    label: 'Turbo',
    hint: 'Turbo: about four times faster, costs double (--turbo).',
  },
];

/** True for one of the speed words. */
export function isSpeed(value: unknown): value is Speed {
  return typeof value === 'string' && (SPEED_FLAGS as readonly string[]).includes(value);
}

/** The speed the prompt asks for (the last flag when there are several), or null for none. */
export function getSpeed(prompt: string): Speed | null {
  const flags = parsePrompt(prompt).params.filter((p) => isSpeed(p.name));
  const last = flags.at(-1)?.name;
  return isSpeed(last) ? last : null;
}

/**
 * The prompt with `speed` as its one speed flag (every other speed flag removed), or with no
 * speed flag at all when `speed` is null. An unchanged prompt comes back as it was.
 */
export function setSpeed(prompt: string, speed: Speed | null): string {
  const flags = parsePrompt(prompt).params.filter((p) => isSpeed(p.name));
  if (speed && flags.length === 1 && flags[0].name === speed && flags[0].value === '') {
    return prompt;
  }
  if (!speed && flags.length === 0) return prompt;
  let out = prompt;
  for (const flag of SPEED_FLAGS) out = removeParam(out, flag);
  return speed ? setParam(out, speed, '') : out;
}
