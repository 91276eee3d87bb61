/**
 * What a task's buttons send besides their id (`ActionInput`): the prompt of Remix and the
 * prompt editor, the mask of Vary (Region), the ratio of Custom Zoom (JourneyAPI `/outpaint`
 * with a custom `zoom_ratio`), with the checks made before sending. No DOM here.
 */
import type { ActionInput } from './bindings/ActionInput';

/** The ratio must be more than this (1 is Make Square, its own button). */
export const ZOOM_RATIO_MIN = 1;
/** The largest ratio the service takes. */
export const ZOOM_RATIO_MAX = 2;
/** What the dialog starts with. */
export const ZOOM_RATIO_DEFAULT = 1.5;
/** The slider's step (the field takes any number in range). */
export const ZOOM_RATIO_STEP = 0.05;

/** The ratio typed, or the sentence saying what is wrong with it. */
export type ZoomRatioCheck = { ok: true; value: number } | { ok: false; message: string };

/** Reads a typed ratio ("1.5", "1,8", " 2 "): a number in (1, 2], else a sentence. */
export function parseZoomRatio(text: string | number): ZoomRatioCheck {
  const raw = typeof text === 'number' ? String(text) : text.trim().replace(',', '.');
  const value = raw === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) {
    return { ok: false, message: 'Type a zoom ratio: a number between 1 and 2, such as 1.5.' };
  }
  if (value <= ZOOM_RATIO_MIN || value > ZOOM_RATIO_MAX) {
    return {
      ok: false,
      message: 'The zoom ratio must be more than 1 and at most 2 (1 is Make Square).',
    };
  }
  return { ok: true, value };
}

/** The prompt, or the sentence when there is none (the service needs one). */
export function promptProblem(prompt: string): string | null {
  return prompt.trim() ? null : 'Type a prompt first.';
}

/** What a plain button sends: nothing besides its id. */
export const NO_INPUT: ActionInput = { prompt: null };

/** What Custom Zoom sends: the prompt, the ratio and the aspect ratio (null keeps the image's). */
export function customZoomInput(
  prompt: string,
  zoomRatio: number,
  aspectRatio: string | null,
): ActionInput {
  return { prompt: prompt.trim(), mask: null, zoomRatio, aspectRatio: aspectRatio || null };
}

/** What Vary (Region) sends: the prompt and the mask (`data:image/png;base64,...`). */
export function maskInput(prompt: string, mask: string): ActionInput {
  return { prompt: prompt.trim(), mask, zoomRatio: null, aspectRatio: null };
}

/** What a button with an edited prompt sends (Remix, and any other button that asks for one). */
export function promptInput(prompt: string): ActionInput {
  return { prompt: prompt.trim(), mask: null, zoomRatio: null, aspectRatio: null };
}
