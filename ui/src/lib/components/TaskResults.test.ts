// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskMedia } from '../bindings/TaskMedia';
import type { TaskSummary } from '../bindings/TaskSummary';
import type { TaskView } from '../bindings/TaskView';
import { makeTask, makeView, media } from '../testing/fixtures';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  submitImagine: vi.fn(),
  copyText: vi.fn(),
  checkImageUrl: vi.fn(),
  imageSourceUrl: vi.fn(),
  imageDetail: vi.fn(),
}));
vi.mock('../ipc', () => ipcMock);

import { creation } from '../creation.svelte';
import { CARD_IMAGE_TYPE } from '../imageInput';
import { app } from '../state.svelte';
import TaskCard from './TaskCard.svelte';

const PROMPTS = [
  'a red fox in deep snow --ar 4:3',
  'winter wildlife photo of a fox --ar 4:3',
  'a fox, soft light, telephoto --ar 4:3',
  'fox portrait in a blizzard --ar 4:3',
];

/** A finished task of this kind (the new fields set whether or not the bindings have them). */
function finished(
  task: Partial<TaskSummary>,
  extra: { fullContent?: string | null; videos?: string[] } = {},
  mediaOver: Partial<TaskMedia> = {},
): TaskView {
  const base = makeView({ status: 'succeeded', provider: 'journey', ...task });
  return {
    ...base,
    task: {
      ...makeTask({ status: 'succeeded', provider: 'journey', ...task }),
      fullContent: extra.fullContent ?? null,
    } as TaskSummary,
    media: { ...media(mediaOver), videos: extra.videos ?? [] } as TaskMedia,
  };
}

function renderCard(view: TaskView) {
  return render(TaskCard, {
    props: {
      view,
      onaction: vi.fn(),
      onretry: vi.fn(),
      oneditprompt: vi.fn(),
      oncancel: vi.fn(),
      onshowparent: vi.fn(),
    },
  });
}

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
  ipcMock.hasBackend.mockReturnValue(true);
  ipcMock.checkImageUrl.mockResolvedValue({ ok: true, message: null });
  app.prompt = '';
  app.tasks = [];
  app.view = 'create';
  creation.mode = 'describe';
  creation.describeUrls = [];
  creation.thumbs = {};
});

afterEach(() => cleanup());

describe('a finished Describe card', () => {
  it('shows the four prompts; "Use" fills the Imagine composer, "Imagine" sends at once', async () => {
    renderCard(
      finished({
        kind: { type: 'describe' },
        kindLabel: 'Describe',
        prompt: null,
        textResults: PROMPTS,
      }),
    );
    const list = screen.getByTestId('task-text-results');
    expect(list.dataset.kind).toBe('describe');
    expect(
      screen
        .getAllByTestId('task-text-result')
        .map((li) => li.querySelector('.words')?.textContent),
    ).toEqual(PROMPTS);
    expect(screen.queryByTestId('task-media-pending')).toBeNull();

    await fireEvent.click(screen.getAllByTestId('task-text-use')[1]);
    expect(app.prompt).toBe(PROMPTS[1]);
    expect(creation.mode).toBe('imagine');
    expect(app.provider).toBe('journey');

    ipcMock.submitImagine.mockResolvedValue({
      type: 'sent',
      task: makeView({ id: 'from-describe' }),
    });
    await fireEvent.click(screen.getAllByTestId('task-text-imagine')[2]);
    await waitFor(() =>
      expect(screen.getByTestId('task-text-message').textContent).toMatch(/Sent/),
    );
    expect(ipcMock.submitImagine.mock.calls[0][0]).toMatchObject({
      provider: 'journey',
      prompt: PROMPTS[2],
    });
    expect(app.tasks.map((t) => t.task.id)).toEqual(['from-describe']);
  });
});

describe('a finished Shorten card', () => {
  it('shows the variants with "Use" and the analysis', async () => {
    renderCard(
      finished(
        {
          kind: { type: 'shorten' },
          kindLabel: 'Shorten',
          textResults: ['a fox in snow', 'fox, snow'],
        },
        { fullContent: 'IMPORTANT TOKENS: fox (1.0), snow (0.8)' },
      ),
    );
    expect(screen.getAllByTestId('task-text-result')).toHaveLength(2);
    expect(screen.queryByTestId('task-text-imagine')).toBeNull();
    expect(screen.getByTestId('task-shorten-analysis').textContent).toContain('fox (1.0)');
    await fireEvent.click(screen.getAllByTestId('task-text-use')[0]);
    expect(app.prompt).toBe('a fox in snow');
  });
});

describe('a finished Seed card', () => {
  it('shows the seed with Copy', async () => {
    ipcMock.copyText.mockResolvedValue(undefined);
    renderCard(
      finished({ kind: { type: 'seed' }, kindLabel: 'Seed', textResults: ['3141592653'] }),
    );
    expect(screen.getByTestId('task-seed').textContent).toBe('3141592653');
    await fireEvent.click(screen.getByTestId('task-seed-copy'));
    expect(ipcMock.copyText).toHaveBeenCalledWith('3141592653');
    await waitFor(() =>
      expect(screen.getByTestId('task-text-message').textContent).toMatch(/copied/),
    );
    expect(screen.queryByTestId('task-media-pending')).toBeNull();
  });
});

describe('a finished Video card', () => {
  it('plays the four videos muted, looping, with controls', () => {
    const videos = [1, 2, 3, 4].map((n) => `asset://localhost/videos/v${n}.mp4`);
    renderCard(
      finished(
        {
          kind: { type: 'video' },
          kindLabel: 'Video',
          videoUrls: videos.map((v) => `https://cdn/${v}`),
        },
        { videos },
      ),
    );
    const players = screen.getAllByTestId('task-video') as HTMLVideoElement[];
    expect(players.map((v) => v.getAttribute('src'))).toEqual(videos);
    for (const v of players) {
      expect(v.muted).toBe(true);
      // They loop by `loopOnEnd` (tested in video.test.ts), not by the `loop` attribute, which
      // WebKitGTK ends early on a Motion-JPEG AVI.
      expect(v.controls).toBe(true);
      expect(v.hasAttribute('playsinline')).toBe(true);
    }
    expect(screen.queryByTestId('task-media-pending')).toBeNull();
  });

  it('plays them while they are on screen, and pauses them when scrolled away', () => {
    const seen: ((entries: { isIntersecting: boolean }[]) => void)[] = [];
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(callback: (entries: { isIntersecting: boolean }[]) => void) {
          seen.push(callback);
        }
        observe() {}
        disconnect() {}
      },
    );
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const pause = vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(() => {});
    try {
      renderCard(
        finished(
          { kind: { type: 'video' }, kindLabel: 'Video', videoUrls: ['https://cdn/v1.mp4'] },
          { videos: ['asset://localhost/v1.mp4'] },
        ),
      );
      expect(seen).toHaveLength(1);
      seen[0]([{ isIntersecting: true }]);
      expect(play).toHaveBeenCalledOnce();
      seen[0]([{ isIntersecting: false }]);
      expect(pause).toHaveBeenCalledOnce();
    } finally {
      vi.unstubAllGlobals();
      play.mockRestore();
      pause.mockRestore();
    }
  });

  it('says when the system cannot play them', async () => {
    renderCard(
      finished(
        { kind: { type: 'video' }, kindLabel: 'Video', videoUrls: ['https://cdn/v1.avi'] },
        { videos: ['asset://localhost/v1.avi'] },
      ),
    );
    await fireEvent.error(screen.getByTestId('task-video'));
    expect(screen.getByTestId('task-videos-error').textContent?.replace(/\s+/g, ' ')).toMatch(
      /The videos could not be played here/,
    );
  });

  it('says when the videos are not downloaded yet', () => {
    renderCard(
      finished(
        { kind: { type: 'video' }, kindLabel: 'Video', videoUrls: ['https://cdn/v1.mp4'] },
        {},
        { downloading: true },
      ),
    );
    expect(screen.getByTestId('task-videos-pending').textContent?.trim()).toBe(
      'Downloading the videos…',
    );
  });
});

describe('a finished image card', () => {
  const view = () =>
    finished(
      {
        kind: { type: 'imagine' },
        gridUrl: 'https://cdn/grid.png',
        imageUrls: [1, 2, 3, 4].map((n) => `https://cdn/${n}.png`),
      },
      {},
      {
        grid: 'asset://grid.png',
        singles: [1, 2, 3, 4].map((n) => `asset://${n}.png`),
      },
    );

  it('"Use image…" puts the chosen image into the mode that takes it', async () => {
    renderCard(view());
    await fireEvent.click(screen.getByTestId('task-use-image'));
    await fireEvent.click(screen.getByTestId('task-use-image-pick-2'));
    await fireEvent.click(screen.getByTestId('task-use-image-describe'));
    await waitFor(() => expect(creation.describeUrls).toEqual(['https://cdn/2.png']));
    expect(creation.mode).toBe('describe');
    expect(creation.thumbs['https://cdn/2.png']).toBe('asset://2.png');
    expect(ipcMock.checkImageUrl).toHaveBeenCalledWith('https://cdn/2.png');
  });

  it('lets a single be dragged with its provider address', async () => {
    renderCard(view());
    const single = screen.getAllByTestId('task-single')[2];
    expect(single.getAttribute('draggable')).toBe('true');
    const set = new Map<string, string>();
    await fireEvent.dragStart(single, {
      dataTransfer: { setData: (t: string, v: string) => set.set(t, v), effectAllowed: 'none' },
    });
    expect(JSON.parse(set.get(CARD_IMAGE_TYPE) ?? '{}')).toEqual({
      url: 'https://cdn/3.png',
      thumb: 'asset://3.png',
    });
    expect(set.get('text/uri-list')).toBe('https://cdn/3.png');
  });
});
