import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeQueued, makeSettings } from './testing/fixtures';
import type { AppState } from './bindings/AppState';
import type { PromptPlan } from './bindings/PromptPlan';
import type { QueuedView } from './bindings/QueuedView';
import type { SheetCell } from './bindings/SheetCell';
import type { Submitted } from './bindings/Submitted';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  getAppState: vi.fn(),
  listTasks: vi.fn(),
  onTaskUpdate: vi.fn(),
  onTaskProgress: vi.fn(),
  onShowTask: vi.fn(),
  onQueueChanged: vi.fn(),
  onCreditsChanged: vi.fn(),
  listQueue: vi.fn(),
  submitImagine: vi.fn(),
  planPrompt: vi.fn(),
}));
vi.mock('./ipc', () => ipcMock);

import { AppStore } from './state.svelte';

const TEMPLATE = 'a {red, blue} bird --ar {1:1, 16:9}';

function appState(): AppState {
  return {
    version: '0.1.0',
    providers: [
      {
        provider: 'linkr',
        name: 'LinkrAPI',
        demo: true,
        keySet: false,
        keyLast4: null,
        baseUrl: 'http://127.0.0.1:9/linkr/api',
        baseUrlFromEnv: false,
        keyUrl: 'https://linkr.example/keys',
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
      },
    ],
    settings: makeSettings(),
    keyring: { available: true, message: null },
    rules: { aspectRatios: ['1:1', '16:9'], minPollSecs: 5, maxPollSecs: 10 },
    reportsStartup: false,
  };
}

/** The core's plan for TEMPLATE (or the prompts given). */
function plan(prompts: string[] = [], over: Partial<PromptPlan> = {}): PromptPlan {
  const list = prompts.length
    ? prompts
    : [
        'a red bird --ar 1:1',
        'a red bird --ar 16:9',
        'a blue bird --ar 1:1',
        'a blue bird --ar 16:9',
      ];
  return {
    prompts: list.map((prompt) => ({ prompt, choices: [] })),
    sets: [
      ['red', 'blue'],
      ['1:1', '16:9'],
    ],
    credits: 16,
    summary: `${list.length} prompts · 16 credits`,
    problem: null,
    ...over,
  };
}

function grouped(queued: QueuedView[]): Submitted {
  return { type: 'group', groupId: 'g-1', queued };
}

function groupJob(id: string, position: number): QueuedView {
  return makeQueued({
    id,
    position,
    of: 4,
    group: { id: 'g-1', position, count: 4, choices: [] },
  });
}

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
  ipcMock.hasBackend.mockReturnValue(true);
  ipcMock.getAppState.mockResolvedValue(appState());
  ipcMock.listTasks.mockResolvedValue([]);
  ipcMock.onTaskUpdate.mockResolvedValue(() => {});
  ipcMock.onTaskProgress.mockResolvedValue(() => {});
  ipcMock.onShowTask.mockResolvedValue(() => {});
  ipcMock.onQueueChanged.mockResolvedValue(() => {});
  ipcMock.onCreditsChanged.mockResolvedValue(() => {});
  ipcMock.listQueue.mockResolvedValue([]);
});

describe('AppStore: permutation prompts', () => {
  it("a group's jobs join the queue, and the composer is left as after a send", async () => {
    const store = new AppStore();
    await store.init();
    const kept = makeQueued({ id: 'q-old' });
    store.accept({ type: 'queued', job: kept }, 0);
    const jobs = [groupJob('g-a', 1), groupJob('g-b', 2)];
    ipcMock.planPrompt.mockResolvedValue(plan());
    ipcMock.submitImagine.mockResolvedValueOnce(grouped(jobs));
    store.prompt = TEMPLATE;
    await store.submit();
    expect(ipcMock.submitImagine).toHaveBeenCalledWith(
      expect.objectContaining({ prompt: TEMPLATE, aspectRatio: null }),
    );
    expect(store.queue.map((j) => j.id)).toEqual(['q-old', 'g-a', 'g-b']);
    expect(store.tasks).toEqual([]);
    expect(store.composerError).toBeNull();
    expect(store.prompt).toBe(TEMPLATE);
    expect(store.submitting).toBe(false);
    // A job already listed is replaced where it is, not added twice.
    const moved = { ...jobs[0], position: 3 };
    store.accept(grouped([moved]), 0);
    expect(store.queue.map((j) => [j.id, j.position])).toEqual([
      ['q-old', 1],
      ['g-a', 3],
      ['g-b', 2],
    ]);
  });

  it('never brings back group jobs that a newer queue-changed already took out', async () => {
    let push: ((queue: QueuedView[]) => void) | undefined;
    ipcMock.onQueueChanged.mockImplementation(async (cb: (queue: QueuedView[]) => void) => {
      push = cb;
      return () => {};
    });
    const store = new AppStore();
    await store.init();
    const jobs = [groupJob('g-a', 1), groupJob('g-b', 2)];
    ipcMock.planPrompt.mockResolvedValue(plan());
    ipcMock.submitImagine.mockImplementationOnce(async () => {
      push?.([jobs[1]]);
      return grouped(jobs);
    });
    store.prompt = TEMPLATE;
    await store.submit();
    expect(store.queue.map((j) => j.id)).toEqual(['g-b']);
    // Without a mark only the event updates the queue.
    store.accept(grouped([groupJob('g-c', 3)]));
    expect(store.queue.map((j) => j.id)).toEqual(['g-b']);
  });

  it('checks each planned prompt instead of the template, naming the wrong one', async () => {
    const store = new AppStore();
    await store.init();
    ipcMock.planPrompt.mockResolvedValue(plan(['a red bird --chaos 5', 'a blue bird --chaos 500']));
    store.prompt = 'a {red, blue} bird --chaos {5, 500}';
    await store.submit();
    expect(ipcMock.planPrompt).toHaveBeenCalledWith(
      'linkr',
      'a {red, blue} bird --chaos {5, 500}',
      'midjourney',
    );
    expect(store.composerError).toBe(
      'Fix the parameters of prompt 2 (“a blue bird --chaos 500”) first: Chaos must be a whole number from 0 to 100.',
    );
    expect(ipcMock.submitImagine).not.toHaveBeenCalled();

    // The template's `--ar {1:1, 16:9}` is fine once expanded.
    ipcMock.planPrompt.mockResolvedValue(plan());
    store.prompt = TEMPLATE;
    await store.refreshPlan();
    expect(store.composerProblem()).toBeNull();
  });

  it("refuses a prompt the core's plan says cannot be sent, with its sentence", async () => {
    const store = new AppStore();
    await store.init();
    const problem = 'A brace is not closed: add “}” after “blue”.';
    ipcMock.planPrompt.mockResolvedValue(plan(['a {red, blue bird'], { problem, summary: '' }));
    store.prompt = 'a {red, blue bird';
    await store.submit();
    expect(store.plan?.problem).toBe(problem);
    expect(store.composerProblem()).toBe(problem);
    expect(store.composerError).toBe(problem);
    expect(ipcMock.submitImagine).not.toHaveBeenCalled();
  });

  it('says so when the prompt could not be checked', async () => {
    const store = new AppStore();
    await store.init();
    ipcMock.planPrompt.mockRejectedValue({ code: 'internal', message: 'The core stopped.' });
    store.prompt = TEMPLATE;
    await store.submit();
    expect(store.composerError).toBe('The prompt could not be checked: The core stopped.');
    expect(store.submitting).toBe(false);
    expect(ipcMock.submitImagine).not.toHaveBeenCalled();
  });

  it('a fast submit asks for a fresh plan and never goes by a stale one', async () => {
    const store = new AppStore();
    await store.init();
    // A plan for an earlier text: one valid prompt.
    ipcMock.planPrompt.mockResolvedValueOnce(plan(['a red bird']));
    store.prompt = 'a {red} bird';
    await store.refreshPlan();
    // The text changed; Imagine is pressed before the debounced plan came.
    store.prompt = 'a {red, blue} bird --chaos {500}';
    ipcMock.planPrompt.mockResolvedValueOnce(
      plan(['a red bird --chaos 500', 'a blue bird --chaos 500']),
    );
    await store.submit();
    expect(ipcMock.planPrompt).toHaveBeenLastCalledWith(
      'linkr',
      'a {red, blue} bird --chaos {500}',
      'midjourney',
    );
    expect(store.composerError).toMatch(/^Fix the parameters of prompt 1/);
    expect(ipcMock.submitImagine).not.toHaveBeenCalled();
  });

  it('drops an answer to an older question, and clears the plan without braces', async () => {
    const store = new AppStore();
    await store.init();
    let answerFirst: (p: PromptPlan) => void = () => {};
    ipcMock.planPrompt
      .mockImplementationOnce(() => new Promise<PromptPlan>((r) => (answerFirst = r)))
      .mockResolvedValueOnce(plan());
    store.prompt = 'a {red} bird';
    const first = store.refreshPlan();
    store.prompt = TEMPLATE;
    await store.refreshPlan();
    answerFirst(plan(['a red bird']));
    await first;
    expect(store.plan?.prompts).toHaveLength(4);
    store.prompt = 'a red bird';
    await store.refreshPlan();
    expect(store.plan).toBeNull();
    expect(ipcMock.planPrompt).toHaveBeenCalledTimes(2);
  });

  it('opens and closes a contact sheet; a cell opens its card in Create or its image in the Gallery', async () => {
    const store = new AppStore();
    await store.init();
    store.openContactSheet('g-1');
    expect(store.sheetGroupId).toBe('g-1');
    const cell: SheetCell = {
      position: 2,
      row: 0,
      column: 1,
      prompt: 'a red bird --ar 16:9',
      taskId: 't-2',
      state: 'done',
      image: null,
    };
    store.view = 'gallery';
    store.openSheetCell(cell);
    expect(store.sheetGroupId).toBeNull();
    expect(store.view).toBe('create');
    await Promise.resolve();
    expect(store.flashTaskId).toBe('t-2');

    const image = {
      item: { imageId: 7 },
      src: 'asset://7.png',
      thumbSrc: 'asset://7.webp',
    } as never;
    store.openContactSheet('g-1');
    store.view = 'gallery';
    store.openSheetCell({ ...cell, image });
    expect(store.view).toBe('gallery');
    expect(store.imageRequest).toEqual(image);
    expect(store.sheetGroupId).toBeNull();
    store.openContactSheet('g-2');
    store.closeContactSheet();
    expect(store.sheetGroupId).toBeNull();
  });
});
