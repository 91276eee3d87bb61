// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppState } from '../bindings/AppState';
import { makeSettings, makeView } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  planPrompt: vi.fn(),
  submitImagine: vi.fn(),
  submitCreate: vi.fn(),
  checkImageUrl: vi.fn(),
  imageSourceUrl: vi.fn(),
  imageDetail: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { creation } from '../creation.svelte';
import { app } from '../state.svelte';
import Composer from './Composer.svelte';
import KeyboardShortcuts from './KeyboardShortcuts.svelte';

const A = 'https://cdn.example.com/a.png';
const B = 'https://cdn.example.com/b.png';

function provider(kind: 'linkr' | 'journey', name: string) {
  return {
    provider: kind,
    name,
    demo: true,
    keySet: false,
    keyLast4: null,
    baseUrl: '',
    baseUrlFromEnv: false,
    keyUrl: '',
    models: [
      {
        id: 'midjourney',
        name: 'Midjourney',
        group: 'midjourneyGrid',
        needsImage: false,
        synchronous: false,
      },
    ],
    acceptsOtherModels: false,
    credits: null,
  };
}

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
  ipcMock.hasBackend.mockReturnValue(true);
  ipcMock.checkImageUrl.mockResolvedValue({ ok: true, message: null });
  ipcMock.submitCreate.mockResolvedValue({ type: 'sent', task: makeView({ id: 'new-1' }) });
  app.appState = {
    providers: [provider('linkr', 'LinkrAPI'), provider('journey', 'JourneyAPI')],
    settings: makeSettings({ defaultProvider: 'journey' }),
    rules: { aspectRatios: ['1:1', '16:9'], minPollSecs: 5, maxPollSecs: 10 },
  } as unknown as AppState;
  app.provider = 'journey';
  app.prompt = '';
  app.plan = null;
  app.composerError = null;
  app.referenceUrl = '';
  app.tasks = [];
  creation.mode = 'imagine';
  creation.blendUrls = [];
  creation.describeUrls = [];
  creation.videoUrls = [];
  creation.shortenPrompt = '';
  creation.videoPrompt = '';
  creation.speeds = {};
  creation.notes = {};
});

afterEach(() => {
  cleanup();
  creation.mode = 'imagine';
  app.provider = 'linkr';
});

describe('Composer: the mode switch', () => {
  it('is a labelled radio group, Imagine first, moved with the arrow keys', async () => {
    render(Composer);
    const group = screen.getByRole('radiogroup', { name: 'What to make' });
    const radios = screen.getAllByRole('radio');
    expect(radios.map((r) => r.textContent?.trim())).toEqual([
      'Imagine',
      'Blend',
      'Describe',
      'Shorten',
      'Video',
    ]);
    expect(group.dataset.testid).toBe('mode-switch');
    expect(screen.getByTestId('mode-imagine').getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('mode-imagine').tabIndex).toBe(0);
    expect(screen.getByTestId('mode-blend').tabIndex).toBe(-1);
    expect(screen.getByTestId('mode-blend').getAttribute('aria-keyshortcuts')).toBe('Alt+2');
    // Imagine is today's composer; image prompts open on request.
    expect(screen.getByTestId('prompt-input')).toBeTruthy();
    expect(screen.getByTestId('reference-input')).toBeTruthy();
    expect(screen.queryByTestId('image-prompts')).toBeNull();
    await fireEvent.click(screen.getByTestId('image-prompts-toggle'));
    expect(screen.getByTestId('image-prompts-drop')).toBeTruthy();

    await fireEvent.keyDown(screen.getByTestId('mode-imagine'), { key: 'ArrowRight' });
    expect(creation.mode).toBe('blend');
    expect(screen.getByTestId('mode-blend').getAttribute('aria-checked')).toBe('true');
    expect(screen.queryByTestId('prompt-input')).toBeNull();
    expect(screen.getByTestId('blend-images')).toBeTruthy();
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Blend');
    await fireEvent.keyDown(screen.getByTestId('mode-blend'), { key: 'End' });
    expect(creation.mode).toBe('video');
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Make video');
  });

  it('switches with Alt+1..Alt+5 from anywhere (listed in the shortcut table)', async () => {
    render(Composer);
    render(KeyboardShortcuts);
    await fireEvent.keyDown(window, { key: '3', code: 'Digit3', altKey: true });
    expect(creation.mode).toBe('describe');
    expect(screen.getByTestId('describe-image')).toBeTruthy();
    await fireEvent.keyDown(window, { key: '1', code: 'Digit1', altKey: true });
    expect(creation.mode).toBe('imagine');
  });

  it('goes back to Imagine when a prompt is put in (Edit prompt, Use)', async () => {
    creation.mode = 'blend';
    render(Composer);
    app.reusePrompt({ prompt: 'a fox again', provider: 'journey', model: null });
    await waitFor(() => expect(creation.mode).toBe('imagine'));
    const box = (await screen.findByTestId('prompt-input')) as HTMLTextAreaElement;
    expect(box.value).toBe('a fox again');
  });

  it('says in one sentence that LinkrAPI cannot make it, with a button to switch', async () => {
    app.provider = 'linkr';
    render(Composer);
    expect(screen.queryByTestId('mode-unavailable')).toBeNull();
    await fireEvent.click(screen.getByTestId('mode-shorten'));
    expect(screen.getByTestId('mode-unavailable').textContent).toContain(
      'LinkrAPI cannot shorten prompts: choose JourneyAPI.',
    );
    await fireEvent.click(screen.getByTestId('mode-use-journey'));
    expect(app.provider).toBe('journey');
    expect(screen.queryByTestId('mode-unavailable')).toBeNull();
  });
});

describe('Composer: each mode sends its request', () => {
  it('Blend: a sentence for a wrong count, then 2 images and a shape', async () => {
    creation.mode = 'blend';
    render(Composer);
    creation.blendUrls = [A];
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() =>
      expect(screen.getByTestId('composer-error').textContent).toBe(
        'Blend takes 2 to 5 images: add 1 more.',
      ),
    );
    expect(ipcMock.submitCreate).not.toHaveBeenCalled();
    creation.blendUrls = [A, B];
    await fireEvent.click(screen.getByTestId('blend-dimension-portrait'));
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() =>
      expect(ipcMock.submitCreate).toHaveBeenCalledWith('journey', {
        mode: 'blend',
        imageUrls: [A, B],
        dimension: 'portrait',
      }),
    );
    expect(screen.queryByTestId('composer-error')).toBeNull();
  });

  it('Describe: one image', async () => {
    creation.mode = 'describe';
    render(Composer);
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() =>
      expect(screen.getByTestId('composer-error').textContent).toMatch(/Add the image to describe/),
    );
    await fireEvent.input(screen.getByTestId('describe-image-input'), { target: { value: A } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() =>
      expect(ipcMock.submitCreate).toHaveBeenCalledWith('journey', {
        mode: 'describe',
        imageUrl: A,
      }),
    );
  });

  it('Shorten: a prompt, sent with Ctrl+Enter', async () => {
    creation.mode = 'shorten';
    render(Composer);
    const box = screen.getByTestId('shorten-prompt');
    await fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() =>
      expect(screen.getByTestId('composer-error').textContent).toBe(
        'The prompt is empty. Type the prompt to shorten.',
      ),
    );
    await fireEvent.input(box, { target: { value: 'a very long and winding prompt' } });
    await fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() =>
      expect(ipcMock.submitCreate).toHaveBeenCalledWith('journey', {
        mode: 'shorten',
        prompt: 'a very long and winding prompt',
      }),
    );
  });

  it('Video: a start image, a prompt and the motion', async () => {
    creation.mode = 'video';
    render(Composer);
    await fireEvent.input(screen.getByTestId('video-prompt'), { target: { value: 'waves' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() =>
      expect(screen.getByTestId('composer-error').textContent).toMatch(/Add a start image/),
    );
    await fireEvent.input(screen.getByTestId('video-image-input'), { target: { value: A } });
    await fireEvent.click(screen.getByTestId('video-motion-high'));
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() =>
      expect(ipcMock.submitCreate).toHaveBeenCalledWith('journey', {
        mode: 'video',
        prompt: 'waves',
        imageUrl: A,
        motion: 'high',
      }),
    );
  });
});

describe('Composer: image prompts', () => {
  it('shows the prompt’s leading addresses as image prompts, and adds one at the front', async () => {
    render(Composer);
    const box = screen.getByTestId('prompt-input');
    await fireEvent.input(box, { target: { value: `${A} a fox` } });
    expect(screen.getAllByTestId('image-prompts-thumb').map((t) => t.dataset.url)).toEqual([A]);
    await fireEvent.input(screen.getByTestId('image-prompts-input'), { target: { value: B } });
    await fireEvent.keyDown(screen.getByTestId('image-prompts-input'), { key: 'Enter' });
    await waitFor(() => expect(app.prompt).toBe(`${A} ${B} a fox`));
    await fireEvent.click(screen.getAllByTestId('image-prompts-remove')[0]);
    expect(app.prompt).toBe(`${B} a fox`);
  });
});

describe('Composer: speed', () => {
  it('writes the flag into the prompt, one at a time, and adds the remembered one when sent', async () => {
    ipcMock.submitImagine.mockResolvedValue({ type: 'sent', task: makeView({ id: 'i-1' }) });
    render(Composer);
    const prompt = screen.getByTestId('prompt-input') as HTMLTextAreaElement;
    await fireEvent.input(prompt, { target: { value: 'a fox --ar 16:9' } });
    await fireEvent.click(screen.getByTestId('speed-relax'));
    expect(app.prompt).toBe('a fox --ar 16:9 --relax');
    expect(screen.getByTestId('speed-relax').getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByTestId('speed-turbo'));
    expect(app.prompt).toBe('a fox --ar 16:9 --turbo');
    expect(screen.getByTestId('speed-relax').getAttribute('aria-pressed')).toBe('false');

    // The flag taken out by hand: the switch still shows the remembered speed, and Imagine adds it.
    await fireEvent.input(prompt, { target: { value: 'a fox --ar 16:9' } });
    expect(screen.getByTestId('speed-turbo').getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(ipcMock.submitImagine).toHaveBeenCalled());
    expect(ipcMock.submitImagine.mock.calls[0][0].prompt).toBe('a fox --ar 16:9 --turbo');

    // The lit one pressed again: off.
    await fireEvent.click(screen.getByTestId('speed-turbo'));
    expect(app.prompt).toBe('a fox --ar 16:9');
    expect(screen.getByTestId('speed-turbo').getAttribute('aria-pressed')).toBe('false');
  });
});
