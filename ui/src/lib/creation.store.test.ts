// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Submitted } from './bindings/Submitted';
import { AppError } from './errors';
import { makeView } from './testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  checkImageUrl: vi.fn(),
  imageSourceUrl: vi.fn(),
  imageDetail: vi.fn(),
  submitCreate: vi.fn(),
  submitImagine: vi.fn(),
}));
vi.mock('./ipc', () => ipcMock);

import { COMPOSER_KEY, Creation, loadPrefs } from './creation.svelte';
import { app } from './state.svelte';

const A = 'https://cdn.example.com/a.png';
const B = 'https://cdn.example.com/b.png';

function storage(initial: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
    key: () => null,
    get length() {
      return map.size;
    },
  };
}

const sent = (id: string): Submitted => ({ type: 'sent', task: makeView({ id }) });

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
  ipcMock.hasBackend.mockReturnValue(true);
  ipcMock.checkImageUrl.mockResolvedValue({ ok: true, message: null });
  ipcMock.imageDetail.mockRejectedValue(new Error('no detail'));
  app.prompt = '';
  app.provider = 'journey';
  app.referenceUrl = '';
  app.composerError = null;
  app.tasks = [];
  app.view = 'gallery';
  localStorage.clear();
});

afterEach(() => {
  app.provider = 'linkr';
  app.view = 'create';
});

describe('remembered composer', () => {
  it('reads the mode and speeds back, field by field', () => {
    const s = storage({
      [COMPOSER_KEY]: JSON.stringify({ mode: 'video', speeds: { journey: 'relax', linkr: 'x' } }),
    });
    expect(loadPrefs(s)).toEqual({ mode: 'video', speeds: { journey: 'relax' } });
    expect(loadPrefs(storage({ [COMPOSER_KEY]: '{broken' }))).toEqual({
      mode: 'imagine',
      speeds: {},
    });
    expect(new Creation(s).mode).toBe('video');
  });

  it('remembers the mode', () => {
    const c = new Creation(storage());
    c.setMode('describe');
    expect(JSON.parse(localStorage.getItem(COMPOSER_KEY) ?? '{}').mode).toBe('describe');
  });
});

describe('speed', () => {
  it('writes the flag, remembers it per provider, and follows the provider', () => {
    const c = new Creation(storage());
    app.prompt = 'a fox --ar 1:1';
    c.chooseSpeed('relax');
    expect(app.prompt).toBe('a fox --ar 1:1 --relax');
    expect(c.speedShown()).toBe('relax');

    app.provider = 'linkr';
    c.chooseSpeed('turbo');
    expect(app.prompt).toBe('a fox --ar 1:1 --turbo');

    // Back to JourneyAPI: its own speed comes back into the prompt.
    app.provider = 'journey';
    c.providerChanged('journey');
    expect(app.prompt).toBe('a fox --ar 1:1 --relax');

    // A prompt without a flag shows the remembered speed and gets it when sent.
    app.prompt = 'a cat';
    expect(c.speedShown()).toBe('relax');
    expect(c.promptWithSpeed('a cat', 'journey')).toBe('a cat --relax');
    expect(c.promptWithSpeed('a cat --fast', 'journey')).toBe('a cat --fast');

    // Off: the flag goes and nothing is added any more.
    app.prompt = 'a cat --relax';
    c.chooseSpeed(null);
    expect(app.prompt).toBe('a cat');
    expect(c.speedShown()).toBeNull();
    expect(c.promptWithSpeed('a cat', 'journey')).toBe('a cat');
    expect(JSON.parse(localStorage.getItem(COMPOSER_KEY) ?? '{}').speeds).toEqual({
      journey: 'none',
      linkr: 'turbo',
    });
  });
});

describe('image inputs', () => {
  it('puts a gallery image in by its provider address, with its local thumbnail', async () => {
    const c = new Creation(storage());
    ipcMock.imageSourceUrl.mockResolvedValue({ url: A, message: null });
    expect(await c.useImage({ imageId: 7, thumb: 'asset://thumb-7.png' }, 'blend')).toBeNull();
    expect(ipcMock.imageSourceUrl).toHaveBeenCalledWith(7);
    expect(app.view).toBe('create');
    expect(c.mode).toBe('blend');
    expect(c.blendUrls).toEqual([A]);
    expect(c.thumbs[A]).toBe('asset://thumb-7.png');
  });

  it('says when a library image’s link has expired, and adds nothing', async () => {
    const c = new Creation(storage());
    const expired = 'This image’s link at JourneyAPI has expired: use its web address again.';
    ipcMock.imageSourceUrl.mockResolvedValue({ url: null, message: expired });
    expect(await c.useImage({ imageId: 9 }, 'describe')).toBe(expired);
    expect(c.describeUrls).toEqual([]);
    // Nothing changes: the lightbox (or card) where it was asked says why.
    expect(app.view).toBe('gallery');
    expect(c.mode).toBe('imagine');
    expect(await c.add('describe', { imageId: 9 })).toBe(expired);
    expect(c.notes.describe).toBe(expired);
  });

  it('checks an address before it counts', async () => {
    const c = new Creation(storage());
    ipcMock.checkImageUrl.mockResolvedValueOnce({
      ok: false,
      message: 'That address answered 404.',
    });
    expect(await c.add('video', { url: A })).toBe('That address answered 404.');
    expect(c.videoUrls).toEqual([]);
    expect(await c.add('video', { url: B, thumb: 'asset://b.png' })).toBeNull();
    expect(c.videoUrls).toEqual([B]);
    expect(c.notes.video).toBeUndefined();
  });

  it('writes the reference, image prompts and references into the composer', async () => {
    const c = new Creation(storage());
    app.prompt = 'a fox --v 7';
    await c.useImage({ url: A }, 'reference');
    expect(app.referenceUrl).toBe(A);
    await c.useImage({ url: B }, 'imagePrompt');
    expect(app.prompt).toBe(`${B} a fox --v 7`);
    await c.add('sref', { url: A });
    expect(app.prompt).toBe(`${B} a fox --v 7 --sref ${A}`);
    expect(c.urlsOf('sref')).toEqual([A]);
  });
});

describe('sending a mode', () => {
  it('says what to fix before anything is sent', async () => {
    const c = new Creation(storage());
    c.setMode('blend');
    c.blendUrls = [A];
    await c.submit();
    expect(app.composerError).toBe('Blend takes 2 to 5 images: add 1 more.');
    app.provider = 'linkr';
    c.blendUrls = [A, B];
    await c.submit();
    expect(app.composerError).toMatch(/cannot blend images: choose JourneyAPI/);
    expect(ipcMock.submitCreate).not.toHaveBeenCalled();
  });

  it('checks every address, then sends the request and shows the new card', async () => {
    const c = new Creation(storage());
    c.setMode('blend');
    c.blendUrls = [A, B];
    c.dimension = 'landscape';
    ipcMock.submitCreate.mockResolvedValue(sent('blend-1'));
    await c.submit();
    expect(ipcMock.checkImageUrl.mock.calls.map((call) => call[0])).toEqual([A, B]);
    expect(ipcMock.submitCreate).toHaveBeenCalledWith('journey', {
      mode: 'blend',
      imageUrls: [A, B],
      dimension: 'landscape',
    });
    expect(app.composerError).toBeNull();
    expect(app.tasks.map((t) => t.task.id)).toEqual(['blend-1']);
  });

  it('does not send when an address no longer answers', async () => {
    const c = new Creation(storage());
    c.setMode('describe');
    c.describeUrls = [A];
    ipcMock.checkImageUrl.mockResolvedValue({
      ok: false,
      message: 'That address does not answer.',
    });
    await c.submit();
    expect(app.composerError).toBe('That address does not answer.');
    expect(ipcMock.submitCreate).not.toHaveBeenCalled();
  });

  it('shortens and makes videos', async () => {
    const c = new Creation(storage());
    ipcMock.submitCreate.mockResolvedValue(sent('s-1'));
    c.setMode('shorten');
    c.shortenPrompt = 'a very long prompt';
    await c.submit();
    expect(ipcMock.submitCreate).toHaveBeenLastCalledWith('journey', {
      mode: 'shorten',
      prompt: 'a very long prompt',
    });
    c.setMode('video');
    c.videoUrls = [A];
    c.videoPrompt = 'the fox runs';
    c.motion = 'high';
    await c.submit();
    expect(ipcMock.submitCreate).toHaveBeenLastCalledWith('journey', {
      mode: 'video',
      prompt: 'the fox runs',
      imageUrl: A,
      motion: 'high',
    });
  });
});

describe('describe and shorten results', () => {
  it('"Use" puts a prompt into the Imagine composer; "Imagine" sends it at once', async () => {
    const c = new Creation(storage());
    c.setMode('describe');
    c.usePrompt('a fox in the snow --ar 4:3', 'journey');
    expect(c.mode).toBe('imagine');
    expect(app.prompt).toBe('a fox in the snow --ar 4:3');
    expect(app.view).toBe('create');

    ipcMock.submitImagine.mockResolvedValue(sent('img-1'));
    expect(await c.imagineNow(' a fox ', 'journey')).toBeNull();
    expect(ipcMock.submitImagine).toHaveBeenCalledWith({
      provider: 'journey',
      prompt: 'a fox',
      model: null,
      aspectRatio: null,
      referenceImage: null,
    });
    ipcMock.submitImagine.mockRejectedValue(
      new AppError('insufficient_credits', 'JourneyAPI is out of credits.'),
    );
    expect(await c.imagineNow('a fox', 'journey')).toMatch(/out of credits/);
  });
});
