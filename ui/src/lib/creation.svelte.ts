/**
 * The composer's creation modes and image inputs, live (Svelte 5 runes): the chosen mode,
 * what each mode's form holds, the speed remembered per provider, the local thumbnails of
 * the images put into inputs, and the "Use as reference" / "Describe" / "Blend with…" entries
 * of the cards and the lightbox. The rules live in creation.ts, imageInput.ts, speed.ts and
 * references.ts; the app's own state (prompt, provider, queue) stays in state.svelte.ts.
 */
import type { BlendDimension } from './bindings/BlendDimension';
import type { ProviderKind } from './bindings/ProviderKind';
import type { VideoMotion } from './bindings/VideoMotion';
import {
  createRequest,
  isCreateMode,
  modeUnavailable,
  requestUrls,
  type CreateMode,
} from './creation';
import { errorMessage } from './errors';
import { addUrl } from './imageInput';
import * as ipc from './ipc';
import { imagePrompts, referenceUrls, setImagePrompts, setReferenceUrls } from './references';
import { getSpeed, isSpeed, setSpeed, type Speed } from './speed';
import { app } from './state.svelte';

/** The storage key of the remembered mode and speeds. */
export const COMPOSER_KEY = 'atelier.composer';

/** An input that holds images. */
export type ImageTarget =
  'reference' | 'imagePrompt' | 'blend' | 'describe' | 'video' | 'sref' | 'cref' | 'oref';

/** How many images each input holds. */
export const TARGET_MAX: Readonly<Record<ImageTarget, number>> = {
  reference: 1,
  imagePrompt: 5,
  blend: 5,
  describe: 1,
  video: 1,
  sref: 5,
  cref: 5,
  oref: 1,
};

/** What the lightbox and the cards offer to do with an image. */
export type ImageUse = 'reference' | 'imagePrompt' | 'describe' | 'blend';

/** The mode each use goes to, and the input it fills. */
const USES: Readonly<Record<ImageUse, { mode: CreateMode; target: ImageTarget }>> = {
  reference: { mode: 'imagine', target: 'reference' },
  imagePrompt: { mode: 'imagine', target: 'imagePrompt' },
  describe: { mode: 'describe', target: 'describe' },
  blend: { mode: 'blend', target: 'blend' },
};

/** An image to put into an input: a library image (by id) or an address with its thumbnail. */
export type ImageRef =
  { imageId: number; thumb?: string | null } | { url: string; thumb?: string | null };

/** What is remembered across restarts. */
interface Prefs {
  mode: CreateMode;
  speeds: Partial<Record<ProviderKind, Speed | 'none'>>;
}

/** Reads the remembered mode and speeds; anything damaged falls back field by field. */
export function loadPrefs(storage: Storage | undefined = globalThis.localStorage): Prefs {
  const prefs: Prefs = { mode: 'imagine', speeds: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(COMPOSER_KEY) ?? 'null');
  } catch {
    return prefs;
  }
  if (typeof raw !== 'object' || raw === null) return prefs;
  const r = raw as { mode?: unknown; speeds?: unknown };
  if (isCreateMode(r.mode)) prefs.mode = r.mode;
  if (typeof r.speeds === 'object' && r.speeds !== null) {
    for (const [provider, speed] of Object.entries(r.speeds)) {
      if (
        (provider === 'linkr' || provider === 'journey') &&
        (isSpeed(speed) || speed === 'none')
      ) {
        prefs.speeds[provider] = speed;
      }
    }
  }
  return prefs;
}

function savePrefs(prefs: Prefs, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(COMPOSER_KEY, JSON.stringify(prefs));
  } catch {
    // A full or missing storage only loses the memory, never the work.
  }
}

/** The composer's modes and image inputs. */
export class Creation {
  /** The mode the composer shows. */
  mode = $state<CreateMode>('imagine');
  blendUrls = $state<string[]>([]);
  dimension = $state<BlendDimension>('square');
  describeUrls = $state<string[]>([]);
  shortenPrompt = $state('');
  videoUrls = $state<string[]>([]);
  videoPrompt = $state('');
  motion = $state<VideoMotion>('low');
  /** The speed chosen last per provider ('none': the switch was turned off). */
  speeds = $state<Partial<Record<ProviderKind, Speed | 'none'>>>({});
  /** The local copy to show for an image address (from the gallery or a card). */
  thumbs = $state<Record<string, string>>({});
  /** Per input: the sentence about the last image that could not be put in. */
  notes = $state<Partial<Record<ImageTarget, string>>>({});
  /** A mode's task is being sent. */
  sending = $state(false);

  constructor(storage: Storage | undefined = globalThis.localStorage) {
    const prefs = loadPrefs(storage);
    this.mode = prefs.mode;
    this.speeds = prefs.speeds;
  }

  #save(): void {
    savePrefs({ mode: this.mode, speeds: this.speeds });
  }

  /** Shows another mode (remembered). */
  setMode(mode: CreateMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    app.composerError = null;
    this.#save();
  }

  // The speed switch.

  /** The speed the switch shows: the prompt's flag, else the one remembered for the provider. */
  speedShown(prompt: string = app.prompt, provider: ProviderKind = app.provider): Speed | null {
    const remembered = this.speeds[provider];
    return getSpeed(prompt) ?? (isSpeed(remembered) ? remembered : null);
  }

  /** A press on the switch: the flag goes into the prompt (null: out of it), remembered. */
  chooseSpeed(speed: Speed | null): void {
    app.prompt = setSpeed(app.prompt, speed);
    this.speeds = { ...this.speeds, [app.provider]: speed ?? 'none' };
    this.#save();
  }

  /** The provider changed: a speed flag in the prompt becomes the one remembered for it. */
  providerChanged(provider: ProviderKind): void {
    const remembered = this.speeds[provider];
    if (remembered === undefined || getSpeed(app.prompt) === null) return;
    app.prompt = setSpeed(app.prompt, remembered === 'none' ? null : remembered);
  }

  /** The prompt as Imagine sends it: with the remembered speed when it names none. */
  promptWithSpeed(prompt: string, provider: ProviderKind): string {
    const remembered = this.speeds[provider];
    if (getSpeed(prompt) !== null || !isSpeed(remembered)) return prompt;
    return setSpeed(prompt, remembered);
  }

  // Image inputs.

  /** The images an input holds. */
  urlsOf(target: ImageTarget): string[] {
    switch (target) {
      case 'reference':
        return app.referenceUrl.trim() ? [app.referenceUrl] : [];
      case 'imagePrompt':
        return imagePrompts(app.prompt);
      case 'blend':
        return this.blendUrls;
      case 'describe':
        return this.describeUrls;
      case 'video':
        return this.videoUrls;
      default:
        return referenceUrls(app.prompt, target);
    }
  }

  /** Replaces the images an input holds (a sentence about the last send is stale then). */
  setUrls(target: ImageTarget, urls: string[]): void {
    app.composerError = null;
    switch (target) {
      case 'reference':
        app.referenceUrl = urls[0] ?? '';
        break;
      case 'imagePrompt':
        app.prompt = setImagePrompts(app.prompt, urls);
        break;
      case 'blend':
        this.blendUrls = urls;
        break;
      case 'describe':
        this.describeUrls = urls;
        break;
      case 'video':
        this.videoUrls = urls;
        break;
      default:
        app.prompt = setReferenceUrls(app.prompt, target, urls, true);
    }
  }

  /** Sets (or clears) the sentence shown under an input. */
  setNote(target: ImageTarget, note: string | null): void {
    const next = { ...this.notes };
    if (note) next[target] = note;
    else delete next[target];
    this.notes = next;
  }

  /** Remembers the local copy to show for an address. */
  rememberThumb(url: string, thumb: string | null | undefined): void {
    if (thumb && this.thumbs[url] !== thumb) this.thumbs = { ...this.thumbs, [url]: thumb };
  }

  /**
   * The provider address of an image, checked that it answers: `{ url }`, or `{ problem }`
   * with the sentence to show (an expired link, an address that does not answer).
   */
  async resolve(source: ImageRef): Promise<{ url: string } | { problem: string }> {
    try {
      if ('imageId' in source) {
        // The core checks the library image's original address still answers.
        const found = await ipc.imageSourceUrl(source.imageId);
        if (!found.url) {
          return { problem: found.message ?? 'This image’s link at the provider has expired.' };
        }
        // The thumbnail to show: the one handed in, else the library's (best effort).
        const thumb =
          source.thumb ??
          (await ipc.imageDetail(source.imageId).then(
            (d) => d.image.thumbSrc,
            () => null,
          ));
        this.rememberThumb(found.url, thumb);
        return { url: found.url };
      }
      const url = source.url.trim();
      const check = await ipc.checkImageUrl(url);
      if (!check.ok) return { problem: check.message ?? 'That image address does not answer.' };
      this.rememberThumb(url, source.thumb);
      return { url };
    } catch (error) {
      return { problem: errorMessage(error) };
    }
  }

  /** Puts a resolved address into an input; the sentence when it is full (else null). */
  #put(target: ImageTarget, url: string): string | null {
    const added = addUrl(this.urlsOf(target), url, TARGET_MAX[target]);
    if ('problem' in added) return added.problem;
    this.setUrls(target, added.urls);
    return null;
  }

  /** Resolves an image and adds it to an input; resolves to the sentence when it could not. */
  async add(target: ImageTarget, source: ImageRef): Promise<string | null> {
    this.setNote(target, null);
    const found = await this.resolve(source);
    const problem = 'problem' in found ? found.problem : this.#put(target, found.url);
    this.setNote(target, problem);
    return problem;
  }

  /**
   * "Use as reference", "Use as image prompt", "Describe", "Blend with…": once the image's
   * address answers, goes to Create in the mode that takes it and puts it in. Resolves to the
   * sentence when it could not (an expired link: nothing changes, the caller shows it).
   */
  async useImage(source: ImageRef, use: ImageUse): Promise<string | null> {
    const { mode, target } = USES[use];
    const found = await this.resolve(source);
    if ('problem' in found) return found.problem;
    app.view = 'create';
    this.setMode(mode);
    const problem = this.#put(target, found.url);
    this.setNote(target, problem);
    return problem;
  }

  // The results of Describe and Shorten.

  /** "Use" on a prompt of a card: into the Imagine composer, focused. */
  usePrompt(prompt: string, provider: ProviderKind): void {
    this.setMode('imagine');
    app.reusePrompt({ prompt, provider, model: null });
  }

  /** "Imagine" on a described prompt: sent at once; resolves to the sentence when it failed. */
  async imagineNow(prompt: string, provider: ProviderKind): Promise<string | null> {
    try {
      const answer = await ipc.submitImagine({
        provider,
        prompt: prompt.trim(),
        model: null,
        aspectRatio: null,
        referenceImage: null,
      });
      app.accept(answer);
      return null;
    } catch (error) {
      return errorMessage(error);
    }
  }

  // Sending a mode's task.

  /**
   * Sends the current mode's task (not Imagine, which is `app.submit`): the sentence of what
   * to fix goes to the composer first, every image address is checked, then it is sent.
   */
  async submit(): Promise<void> {
    const mode = this.mode;
    if (mode === 'imagine' || this.sending) return;
    const provider = app.provider;
    const unavailable = modeUnavailable(mode, provider, app.providerName(provider));
    const built = createRequest(mode, {
      blendUrls: this.blendUrls,
      dimension: this.dimension,
      describeUrls: this.describeUrls,
      shortenPrompt: this.shortenPrompt,
      videoUrls: this.videoUrls,
      videoPrompt: this.videoPrompt,
      motion: this.motion,
    });
    app.composerError = unavailable ?? ('problem' in built ? built.problem : null);
    if (app.composerError || !('request' in built)) return;
    this.sending = true;
    try {
      const checks = await Promise.all(requestUrls(built.request).map((u) => ipc.checkImageUrl(u)));
      const failed = checks.find((c) => !c.ok);
      if (failed) {
        app.composerError = failed.message ?? 'An image address does not answer.';
        return;
      }
      app.accept(await ipc.submitCreate(provider, built.request));
    } catch (error) {
      app.composerError = errorMessage(error);
    } finally {
      this.sending = false;
    }
  }
}

/** The one composer. */
export const creation = new Creation();
