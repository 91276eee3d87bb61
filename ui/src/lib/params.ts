/**
 * Midjourney `--parameters` inside a prompt. The prompt string is the one source of
 * truth: chips are derived from it with parsePrompt, and editing a chip rewrites the
 * string with setParam / removeParam. Pure functions, no DOM.
 */

export interface PromptParam {
  /** Canonical name: ar, v, stylize, chaos, weird, quality, raw, tile, seed, no, style, sref, sw, cref, cw, oref, ow, fast, relax, turbo, or the name as typed. */
  name: string;
  /** The name as typed, without dashes (`s` for `--s 250`, `style` for `--style raw`). */
  key: string;
  /** The value, trimmed ('' for flags such as --tile and --style raw). */
  value: string;
  /** Index of the leading dashes in the prompt. */
  start: number;
  /** Index just after the value (trailing whitespace excluded). */
  end: number;
}

export interface ParsedPrompt {
  /** The prompt without its parameters, trimmed. */
  text: string;
  params: PromptParam[];
}

export interface ParamProblem {
  name: string;
  message: string;
}

export type ParamControl = 'aspect' | 'select' | 'slider' | 'number' | 'text' | 'flag' | 'images';

export interface ParamDef {
  name: string;
  /** Words for menus and messages. */
  label: string;
  control: ParamControl;
  options?: readonly string[];
  min?: number;
  max?: number;
  step?: number;
  /** What "+ Parameter" inserts. */
  defaultValue: string;
  hint: string;
}

export const VERSIONS = ['5', '5.1', '5.2', '6', '6.1', '7'] as const;
export const QUALITIES = ['.25', '.5', '1', '2', '4'] as const;
const SEED_MAX = 4294967295;

/** The parameters the editor knows, in the order the "+ Parameter" menu lists them. */
export const PARAM_DEFS: readonly ParamDef[] = [
  {
    name: 'ar',
    label: 'Aspect ratio',
    control: 'aspect',
    defaultValue: '16:9',
    hint: 'Width to height, e.g. 16:9.',
  },
  {
    name: 'v',
    label: 'Version',
    control: 'select',
    options: VERSIONS,
    defaultValue: '7',
    hint: 'The Midjourney model version.',
  },
  {
    name: 'stylize',
    label: 'Stylize',
    control: 'slider',
    min: 0,
    max: 1000,
    step: 10,
    defaultValue: '100',
    hint: 'How strongly Midjourney applies its own style (0-1000).',
  },
  {
    name: 'chaos',
    label: 'Chaos',
    control: 'slider',
    min: 0,
    max: 100,
    step: 1,
    defaultValue: '20',
    hint: 'How different the four images are from each other (0-100).',
  },
  {
    name: 'weird',
    label: 'Weird',
    control: 'slider',
    min: 0,
    max: 3000,
    step: 10,
    defaultValue: '250',
    hint: 'Quirky, unconventional looks (0-3000).',
  },
  {
    name: 'quality',
    label: 'Quality',
    control: 'select',
    options: QUALITIES,
    defaultValue: '1',
    hint: 'Rendering time spent; higher costs more.',
  },
  {
    name: 'raw',
    label: 'Raw style',
    control: 'flag',
    defaultValue: '',
    hint: 'Less automatic beautifying: closer to your words.',
  },
  {
    name: 'tile',
    label: 'Tile',
    control: 'flag',
    defaultValue: '',
    hint: 'Images that repeat seamlessly as tiles.',
  },
  {
    name: 'seed',
    label: 'Seed',
    control: 'number',
    min: 0,
    max: SEED_MAX,
    step: 1,
    defaultValue: '1',
    hint: 'The same seed and prompt give similar results.',
  },
  {
    name: 'no',
    label: 'Exclude (--no)',
    control: 'text',
    defaultValue: 'text',
    hint: 'Things to leave out, separated by commas.',
  },
  {
    name: 'sref',
    label: 'Style reference',
    control: 'images',
    defaultValue: '',
    hint: 'Images (or a style code) whose look the result borrows.',
  },
  {
    name: 'sw',
    label: 'Style weight',
    control: 'slider',
    min: 0,
    max: 1000,
    step: 10,
    defaultValue: '100',
    hint: 'How strongly the style reference counts (0-1000).',
  },
  {
    name: 'cref',
    label: 'Character reference',
    control: 'images',
    defaultValue: '',
    hint: 'Images of a character to keep the same (face, hair, clothes).',
  },
  {
    name: 'cw',
    label: 'Character weight',
    control: 'slider',
    min: 0,
    max: 100,
    step: 1,
    defaultValue: '100',
    hint: '100 keeps face, hair and clothes; 0 only the face (0-100).',
  },
  {
    name: 'oref',
    label: 'Omni reference',
    control: 'images',
    defaultValue: '',
    hint: 'One image of a person or thing to put into the result (version 7).',
  },
  {
    name: 'ow',
    label: 'Omni weight',
    control: 'slider',
    min: 1,
    max: 1000,
    step: 10,
    defaultValue: '100',
    hint: 'How closely the result follows the omni reference (1-1000).',
  },
];

/** The reference parameters (images), each with its weight parameter. */
export const REFERENCE_PARAMS: readonly { name: string; weight: string; many: boolean }[] = [
  { name: 'sref', weight: 'sw', many: true },
  { name: 'cref', weight: 'cw', many: true },
  { name: 'oref', weight: 'ow', many: false },
];

/** The speed flags: at most one in a prompt. */
export const SPEED_FLAGS = ['fast', 'relax', 'turbo'] as const;

const ALIASES: Record<string, string> = {
  ar: 'ar',
  aspect: 'ar',
  v: 'v',
  version: 'v',
  s: 'stylize',
  stylize: 'stylize',
  c: 'chaos',
  chaos: 'chaos',
  w: 'weird',
  weird: 'weird',
  q: 'quality',
  quality: 'quality',
  raw: 'raw',
  tile: 'tile',
  seed: 'seed',
  no: 'no',
  style: 'style',
  sref: 'sref',
  sw: 'sw',
  cref: 'cref',
  cw: 'cw',
  oref: 'oref',
  ow: 'ow',
  fast: 'fast',
  relax: 'relax',
  turbo: 'turbo',
};

const FLAGS = new Set(['raw', 'tile', ...SPEED_FLAGS]);

/** True for an http(s) address (a token of a reference or an image prompt). */
export function isHttpUrl(token: string): boolean {
  return /^https?:\/\/[^\s/]+/i.test(token);
}

/** The definition of a canonical parameter name, if the editor knows it. */
export function paramDef(name: string): ParamDef | undefined {
  return PARAM_DEFS.find((d) => d.name === name);
}

/** `--s` -> `stylize`, `--aspect` -> `ar`; unknown names come back lower-cased. */
export function canonicalName(name: string): string {
  const bare = name.replace(/^(--|—)/, '').toLowerCase();
  return ALIASES[bare] ?? bare;
}

// `--name` (or an em dash, which macOS likes to type for `--`) at the start or after whitespace.
const PARAM_RE = /(^|\s)(--|—)([A-Za-z][A-Za-z0-9_-]*)/g;

export function parsePrompt(prompt: string): ParsedPrompt {
  const hits: { start: number; key: string; valueStart: number }[] = [];
  for (const m of prompt.matchAll(PARAM_RE)) {
    const start = (m.index ?? 0) + m[1].length;
    hits.push({ start, key: m[3], valueStart: start + m[2].length + m[3].length });
  }
  const params = hits.map((hit, i): PromptParam => {
    const limit = i + 1 < hits.length ? hits[i + 1].start : prompt.length;
    const rawValue = prompt.slice(hit.valueStart, limit);
    const value = rawValue.trim();
    const end = hit.valueStart + rawValue.trimEnd().length;
    let name = canonicalName(hit.key);
    let normalized = value;
    if (name === 'style' && value.toLowerCase() === 'raw') {
      name = 'raw';
      normalized = '';
    }
    return { name, key: hit.key, value: normalized, start: hit.start, end };
  });
  const text = (hits.length ? prompt.slice(0, hits[0].start) : prompt).trim();
  return { text, params };
}

/** The value of a parameter, or undefined when it is not set. */
export function getParam(prompt: string, name: string): string | undefined {
  const canonical = canonicalName(name);
  return parsePrompt(prompt).params.find((p) => p.name === canonical)?.value;
}

function formatToken(name: string, value: string, key?: string): string {
  if (name === 'raw') return key?.toLowerCase() === 'raw' ? `--${key}` : '--style raw';
  const spelled = key ?? name;
  if (FLAGS.has(name)) return `--${spelled}`;
  const v = value.trim();
  return v ? `--${spelled} ${v}` : `--${spelled}`;
}

interface Edit {
  from: number;
  to: number;
  insert: string;
}

function applyEdits(prompt: string, edits: Edit[]): string {
  let out = prompt;
  for (const e of [...edits].sort((a, b) => b.from - a.from)) {
    out = out.slice(0, e.from) + e.insert + out.slice(e.to);
  }
  return out;
}

/** Where a parameter's removal starts: include the whitespace before it. */
function removalStart(prompt: string, start: number): number {
  let i = start;
  while (i > 0 && /\s/.test(prompt[i - 1])) i--;
  return i;
}

/**
 * Sets a parameter, keeping the spelling already used in the prompt (`--s 300`
 * stays `--s`). Repeats of the same parameter are removed; a new one is appended.
 */
export function setParam(prompt: string, name: string, value: string): string {
  const canonical = canonicalName(name);
  const existing = parsePrompt(prompt).params.filter((p) => p.name === canonical);
  if (existing.length === 0) {
    const base = prompt.replace(/\s+$/, '');
    return `${base}${base ? ' ' : ''}${formatToken(canonical, value)}`;
  }
  const [first, ...rest] = existing;
  const edits: Edit[] = [
    { from: first.start, to: first.end, insert: formatToken(canonical, value, first.key) },
    ...rest.map((p) => ({ from: removalStart(prompt, p.start), to: p.end, insert: '' })),
  ];
  return applyEdits(prompt, edits);
}

/** Removes every occurrence of a parameter (and the space before it). */
export function removeParam(prompt: string, name: string): string {
  const canonical = canonicalName(name);
  const edits = parsePrompt(prompt)
    .params.filter((p) => p.name === canonical)
    .map((p) => ({ from: removalStart(prompt, p.start), to: p.end, insert: '' }));
  return applyEdits(prompt, edits);
}

/** The chip's words: the parameter as written, whitespace collapsed, cut to 32 characters. */
export function chipLabel(prompt: string, param: PromptParam): string {
  const token = prompt.slice(param.start, param.end).replace(/\s+/g, ' ').replace(/^—/, '--');
  return token.length > 32 ? `${token.slice(0, 31)}…` : token;
}

function wholeIn(value: string, min: number, max: number): boolean {
  if (!/^\d+$/.test(value)) return false;
  const n = Number(value);
  return n >= min && n <= max;
}

/** A sentence saying what is wrong with one parameter's value, or null when it is fine. */
export function validateParam(name: string, value: string): string | null {
  const canonical = canonicalName(name);
  const v = value.trim();
  // A permutation (`--ar {1:1, 16:9}`) is one value per prompt of its group; the composer
  // checks each prompt the core expands it to, not the braces.
  if (/[{}]/.test(v)) return null;
  switch (canonical) {
    case 'ar': {
      const m = /^(\d+)\s*:\s*(\d+)$/.exec(v);
      return m && Number(m[1]) > 0 && Number(m[2]) > 0
        ? null
        : 'Aspect ratio must be two whole numbers above zero, like 16:9.';
    }
    case 'v':
      return (VERSIONS as readonly string[]).includes(v)
        ? null
        : `Version must be one of ${VERSIONS.join(', ')}.`;
    case 'stylize':
      return wholeIn(v, 0, 1000) ? null : 'Stylize must be a whole number from 0 to 1000.';
    case 'chaos':
      return wholeIn(v, 0, 100) ? null : 'Chaos must be a whole number from 0 to 100.';
    case 'weird':
      return wholeIn(v, 0, 3000) ? null : 'Weird must be a whole number from 0 to 3000.';
    case 'quality': {
      const n = /^(\d+(\.\d*)?|\.\d+)$/.test(v) ? Number(v) : NaN;
      return [0.25, 0.5, 1, 2, 4].includes(n) ? null : 'Quality must be one of .25, .5, 1, 2 or 4.';
    }
    case 'seed':
      return wholeIn(v, 0, SEED_MAX) ? null : `Seed must be a whole number from 0 to ${SEED_MAX}.`;
    case 'no':
      return v ? null : '--no needs the things to leave out, e.g. --no text, people.';
    case 'style':
      return v ? null : '--style needs a value, e.g. --style raw.';
    case 'sref':
      if (!v) return 'Add a style reference: an image address, or drag an image here.';
      return v.split(/\s+/).every((t) => isHttpUrl(t) || /^\d+$/.test(t) || t === 'random')
        ? null
        : 'A style reference is image addresses (http:// or https://), a style code or "random".';
    case 'cref':
      if (!v) return 'Add a character reference: an image address, or drag an image here.';
      return v.split(/\s+/).every(isHttpUrl)
        ? null
        : 'A character reference is one or more image addresses (http:// or https://).';
    case 'oref': {
      if (!v) return 'Add an omni reference: an image address, or drag an image here.';
      const tokens = v.split(/\s+/);
      if (tokens.length > 1) return 'An omni reference takes one image only.';
      return isHttpUrl(v) ? null : 'An omni reference is an image address (http:// or https://).';
    }
    case 'sw':
      return wholeIn(v, 0, 1000) ? null : 'Style weight must be a whole number from 0 to 1000.';
    case 'cw':
      return wholeIn(v, 0, 100) ? null : 'Character weight must be a whole number from 0 to 100.';
    case 'ow':
      return wholeIn(v, 1, 1000) ? null : 'Omni weight must be a whole number from 1 to 1000.';
    case 'raw':
    case 'tile':
    case 'fast':
    case 'relax':
    case 'turbo': {
      const label =
        canonical === 'raw' ? 'Raw style' : canonical === 'tile' ? 'Tile' : `--${canonical}`;
      return v ? `${label} takes no value; move "${v}" before the parameters.` : null;
    }
    default:
      return null;
  }
}

/** Every problem in a prompt's parameters, including a parameter given twice. */
export function validatePrompt(prompt: string): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const seen = new Set<string>();
  const params = parsePrompt(prompt).params;
  const speeds = params.filter((p) => (SPEED_FLAGS as readonly string[]).includes(p.name));
  if (new Set(speeds.map((p) => p.name)).size > 1) {
    problems.push({
      name: speeds[1].name,
      message: 'Choose one speed: --fast, --relax or --turbo, not several.',
    });
  }
  for (const p of params) {
    if (seen.has(p.name)) {
      const label = paramDef(p.name)?.label ?? `--${p.key}`;
      problems.push({ name: p.name, message: `${label} is set twice; keep one.` });
      continue;
    }
    seen.add(p.name);
    const message = validateParam(p.name, p.value);
    if (message) problems.push({ name: p.name, message });
  }
  return problems;
}
