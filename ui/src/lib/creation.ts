/**
 * The composer's creation modes (Imagine, Blend, Describe, Shorten, Video): their words,
 * which provider makes them, and the request each sends, or the sentence saying what is
 * missing first. Pure functions, no DOM.
 */
import type { BlendDimension } from './bindings/BlendDimension';
import type { CreateRequest } from './bindings/CreateRequest';
import type { ProviderKind } from './bindings/ProviderKind';
import type { VideoMotion } from './bindings/VideoMotion';
import { validateHttpUrl } from './format';

/** What the composer makes. */
export type CreateMode = 'imagine' | 'blend' | 'describe' | 'shorten' | 'video';

/** The modes in the switch's order (Alt+1..Alt+5), with their words. */
export const MODES: readonly {
  mode: CreateMode;
  label: string;
  /** The primary button's words. */
  action: string;
  /** What the mode does, for its tooltip. */
  hint: string;
  /** "LinkrAPI cannot …" */
  verb: string;
}[] = [
  {
    mode: 'imagine',
    label: 'Imagine',
    action: 'Imagine',
    hint: 'A prompt makes a grid of four images.',
    verb: 'imagine',
  },
  {
    mode: 'blend',
    label: 'Blend',
    action: 'Blend',
    hint: 'Two to five images blended into a new one.',
    verb: 'blend images',
  },
  {
    mode: 'describe',
    label: 'Describe',
    action: 'Describe',
    hint: 'One image gives four prompts that could make it.',
    verb: 'describe images',
  },
  {
    mode: 'shorten',
    label: 'Shorten',
    action: 'Shorten',
    hint: 'A long prompt gives shorter ones, and which words count.',
    verb: 'shorten prompts',
  },
  {
    mode: 'video',
    label: 'Video',
    action: 'Make video',
    hint: 'A start image and a prompt make four short videos.',
    verb: 'make videos',
  },
];

/** Blend's image count. */
export const BLEND_MIN = 2;
export const BLEND_MAX = 5;

/** Blend's shapes, in the order offered. */
export const DIMENSIONS: readonly { value: BlendDimension; label: string }[] = [
  { value: 'square', label: 'Square' },
  { value: 'portrait', label: 'Portrait' },
  { value: 'landscape', label: 'Landscape' },
];

/** Video's motion, in the order offered. */
export const MOTIONS: readonly { value: VideoMotion; label: string }[] = [
  { value: 'low', label: 'Low motion' },
  { value: 'high', label: 'High motion' },
];

/** True for one of the modes. */
export function isCreateMode(value: unknown): value is CreateMode {
  return MODES.some((m) => m.mode === value);
}

/** The words of a mode. */
export function modeInfo(mode: CreateMode): (typeof MODES)[number] {
  return MODES.find((m) => m.mode === mode) ?? MODES[0];
}

/**
 * Why `provider` cannot make `mode` (one sentence), or null when it can. Only JourneyAPI has
 * Blend, Describe, Shorten and Video.
 */
export function modeUnavailable(
  mode: CreateMode,
  provider: ProviderKind,
  providerName: string,
): string | null {
  if (mode === 'imagine' || provider === 'journey') return null;
  return `${providerName} cannot ${modeInfo(mode).verb}: choose JourneyAPI.`;
}

/** What the mode forms hold. */
export interface CreateInputs {
  blendUrls: readonly string[];
  dimension: BlendDimension;
  describeUrls: readonly string[];
  shortenPrompt: string;
  videoUrls: readonly string[];
  videoPrompt: string;
  motion: VideoMotion;
}

/** The first address that is not http(s), as a sentence, or null. */
function badUrl(urls: readonly string[]): string | null {
  for (const url of urls) {
    const problem = validateHttpUrl(url);
    if (problem) return `“${url}” is not an image address. ${problem}`;
  }
  return null;
}

/**
 * The request a mode sends, or the sentence of what to fix first. Imagine has its own path
 * (the composer's prompt), so it is not made here.
 */
export function createRequest(
  mode: Exclude<CreateMode, 'imagine'>,
  inputs: CreateInputs,
): { request: CreateRequest } | { problem: string } {
  switch (mode) {
    case 'blend': {
      const urls = inputs.blendUrls.map((u) => u.trim()).filter((u) => u !== '');
      if (urls.length < BLEND_MIN) {
        const more = BLEND_MIN - urls.length;
        return {
          problem: `Blend takes ${BLEND_MIN} to ${BLEND_MAX} images: add ${more} more.`,
        };
      }
      if (urls.length > BLEND_MAX) {
        return {
          problem: `Blend takes ${BLEND_MIN} to ${BLEND_MAX} images: remove ${urls.length - BLEND_MAX}.`,
        };
      }
      const bad = badUrl(urls);
      if (bad) return { problem: bad };
      return { request: { mode: 'blend', imageUrls: urls, dimension: inputs.dimension } };
    }
    case 'describe': {
      const url = inputs.describeUrls[0]?.trim() ?? '';
      if (!url) {
        return {
          problem:
            'Add the image to describe: paste its web address, or drag it from the gallery or a task card.',
        };
      }
      const bad = badUrl([url]);
      if (bad) return { problem: bad };
      return { request: { mode: 'describe', imageUrl: url } };
    }
    case 'shorten': {
      const prompt = inputs.shortenPrompt.trim();
      if (!prompt) return { problem: 'The prompt is empty. Type the prompt to shorten.' };
      return { request: { mode: 'shorten', prompt } };
    }
    case 'video': {
      const url = inputs.videoUrls[0]?.trim() ?? '';
      if (!url) {
        return {
          problem:
            'Add a start image for the video: paste its web address, or drag it from the gallery or a task card.',
        };
      }
      const bad = badUrl([url]);
      if (bad) return { problem: bad };
      const prompt = inputs.videoPrompt.trim();
      if (!prompt) return { problem: 'The prompt is empty. Say what should happen in the video.' };
      return { request: { mode: 'video', prompt, imageUrl: url, motion: inputs.motion } };
    }
  }
}

/** The image addresses a request sends (each is checked before it goes). */
export function requestUrls(request: CreateRequest): string[] {
  switch (request.mode) {
    case 'blend':
      return [...request.imageUrls];
    case 'describe':
    case 'video':
      return [request.imageUrl];
    default:
      return [];
  }
}
