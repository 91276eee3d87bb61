/**
 * Property-based fuzzing of the prompt-parameter parser and editor (params.ts) with fast-check.
 *
 * In a normal `vitest run` each property runs a few hundred random prompts. With
 * `ATELIER_FUZZ_SECONDS=N` (as `bash scripts/fuzz.sh N` sets it) each property instead runs for
 * its share of N seconds; a failure prints fast-check's shrunk counterexample and seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  QUALITIES,
  VERSIONS,
  getParam,
  parsePrompt,
  removeParam,
  setParam,
  validateParam,
  validatePrompt,
} from './params';

const SECONDS = Number(process.env.ATELIER_FUZZ_SECONDS ?? 0);
const PROPERTIES = 4;
const budgetMs = SECONDS > 0 ? (SECONDS * 1000) / PROPERTIES : 0;

/** Runs many cases normally; in fuzz mode, as many as fit in this property's time share. */
function run<T>(property: fc.IProperty<T>) {
  if (budgetMs > 0) {
    const out = fc.check(property, {
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: budgetMs,
      markInterruptAsFailure: false,
    });
    console.log(`fuzz: ${out.numRuns} runs in ${(budgetMs / 1000).toFixed(0)} s`);
    if (out.failed) throw new Error(fc.defaultReportMessage(out) ?? 'property failed');
  } else {
    fc.assert(property, { numRuns: 300 });
  }
}
const timeout = budgetMs > 0 ? budgetMs + 30_000 : 30_000;

const NAMES = [
  'ar',
  'aspect',
  'v',
  'version',
  's',
  'stylize',
  'c',
  'chaos',
  'w',
  'weird',
  'q',
  'quality',
  'style',
  'raw',
  'tile',
  'seed',
  'sameseed',
  'no',
  'niji',
  'iw',
  'cref',
  'p',
];
const dash = fc.constantFrom('--', '—', '-', '---', '');
const space = fc.constantFrom(' ', '  ', '\t', '\n', ' \u00a0', '');
const word = fc.oneof(
  fc.constantFrom('fox', 'a', 'in', 'the', 'snow', '1:1', '16:9', '250', 'raw', 'text,', '::2'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const param = fc
  .tuple(dash, fc.constantFrom(...NAMES), space, fc.option(word))
  .map(([d, n, s, v]) => `${d}${n}${s}${v ?? ''}`);
/** Prompts that look like what people type, and some that do not. */
const prompt = fc.oneof(
  fc
    .array(fc.oneof(word, param), { maxLength: 24 })
    .chain((parts) =>
      fc
        .array(space, { minLength: parts.length, maxLength: parts.length })
        .map((gaps) => parts.map((p, i) => p + gaps[i]).join('')),
    ),
  fc.string({ maxLength: 300 }),
);
/** The aspect ratios the core sends in `AppState.rules` (test data). */
const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'];
/** A parameter the editor can set, with a value it accepts. */
const validSetting = fc.oneof(
  fc.constantFrom(...ASPECT_RATIOS).map((v) => ['ar', v] as const),
  fc.constantFrom(...VERSIONS).map((v) => ['v', v] as const),
  fc.constantFrom(...QUALITIES).map((v) => ['quality', v] as const),
  fc.integer({ min: 0, max: 1000 }).map((n) => ['stylize', String(n)] as const),
  fc.integer({ min: 0, max: 100 }).map((n) => ['chaos', String(n)] as const),
  fc.integer({ min: 0, max: 3000 }).map((n) => ['weird', String(n)] as const),
  fc.integer({ min: 0, max: 4294967295 }).map((n) => ['seed', String(n)] as const),
  fc.constantFrom('text', 'people, cars').map((v) => ['no', v] as const),
);

describe('prompt parameters under random input', () => {
  it(
    'parsing never throws and every parameter lies inside the prompt, in order',
    () =>
      run(
        fc.property(prompt, (p) => {
          const parsed = parsePrompt(p);
          let last = 0;
          for (const x of parsed.params) {
            expect(x.start).toBeGreaterThanOrEqual(last);
            expect(x.end).toBeGreaterThanOrEqual(x.start);
            expect(x.end).toBeLessThanOrEqual(p.length);
            last = x.end;
          }
          expect(p.includes(parsed.text)).toBe(true);
          expect(validatePrompt(p).length).toBeLessThanOrEqual(parsed.params.length);
        }),
      ),
    timeout,
  );

  it(
    'setting a valid parameter makes it read back, once, and leaves the text alone',
    () =>
      run(
        fc.property(prompt, validSetting, (p, [name, value]) => {
          const next = setParam(p, name, value);
          expect(getParam(next, name)).toBe(value);
          const hits = parsePrompt(next).params.filter((x) => x.name === name);
          expect(hits).toHaveLength(1);
          expect(validateParam(name, hits[0].value)).toBeNull();
          // Setting it again is a no-op: the editor and the prompt agree.
          expect(setParam(next, name, value)).toBe(next);
        }),
      ),
    timeout,
  );

  it(
    'removing a parameter removes every occurrence and nothing else',
    () =>
      run(
        fc.property(prompt, fc.constantFrom(...NAMES), (p, name) => {
          const before = parsePrompt(p).params;
          const next = removeParam(p, name);
          expect(getParam(next, name)).toBeUndefined();
          const canonical = parsePrompt(`--${name} x`).params[0].name;
          const others = (q: string) =>
            parsePrompt(q)
              .params.filter((x) => x.name !== canonical)
              .map((x) => `${x.name}=${x.value}`);
          expect(others(next)).toEqual(
            before.filter((x) => x.name !== canonical).map((x) => `${x.name}=${x.value}`),
          );
        }),
      ),
    timeout,
  );

  it(
    'validation answers every value with null or a sentence',
    () =>
      run(
        fc.property(fc.constantFrom(...NAMES), fc.string({ maxLength: 40 }), (name, value) => {
          const message = validateParam(name, value);
          if (message !== null) expect(message).toMatch(/^[\w-].*[.]$/s);
        }),
      ),
    timeout,
  );
});
