import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeQueued, makeView } from './testing/fixtures';
import type { AppState } from './bindings/AppState';
import type { ModelInfo } from './bindings/ModelInfo';
import type { QueuedView } from './bindings/QueuedView';
import type { Submitted } from './bindings/Submitted';
import type { TaskView } from './bindings/TaskView';

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
  moveQueued: vi.fn(),
  cancelQueued: vi.fn(),
  sendQueuedNow: vi.fn(),
  submitImagine: vi.fn(),
  retryTask: vi.fn(),
  runAction: vi.fn(),
  cancelTask: vi.fn(),
  checkAgain: vi.fn(),
  saveSettings: vi.fn(),
  setKey: vi.fn(),
  deleteKey: vi.fn(),
  testKey: vi.fn(),
}));
vi.mock('./ipc', () => ipcMock);

import { AppStore } from './state.svelte';

/** The core's answer for something sent at once. */
function sent(task: TaskView): Submitted {
  return { type: 'sent', task };
}

/** The core's answer for something put in the local queue. */
function queued(job: QueuedView): Submitted {
  return { type: 'queued', job };
}

function model(id: string, group: ModelInfo['group']): ModelInfo {
  const name = `Name of ${id}`;
  return { id, name, group, needsImage: group === 'edit', synchronous: group !== 'midjourneyGrid' };
}

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
        models: [model('midjourney', 'midjourneyGrid')],
        acceptsOtherModels: false,
        credits: null,
      },
      {
        provider: 'journey',
        name: 'JourneyAPI',
        demo: false,
        keySet: true,
        keyLast4: '9f2c',
        baseUrl: 'http://127.0.0.1:9/journey/api/v1',
        baseUrlFromEnv: false,
        keyUrl: 'https://journey.example/keys',
        models: [model('midjourney', 'midjourneyGrid'), model('flux-pro', 'singleImage')],
        acceptsOtherModels: true,
        credits: 1240,
      },
    ],
    settings: {
      defaultProvider: 'journey',
      linkrBaseUrl: 'http://127.0.0.1:9/linkr/api',
      journeyBaseUrl: 'http://127.0.0.1:9/journey/api/v1',
      pollIntervalSecs: 5,
      defaultAspectRatio: '3:2',
      defaultModel: 'flux-pro',
      theme: 'system',
      midjourneyMode: 'fast',
      notifications: true,
      linkrJobsAtOnce: 3,
      journeyJobsAtOnce: 12,
    },
    keyring: { available: true, message: null },
    rules: { aspectRatios: ['1:1', '3:2', '21:9'], minPollSecs: 5, maxPollSecs: 10 },
    reportsStartup: false,
  };
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

describe('AppStore', () => {
  it("takes the providers' names and rules from the core, and keeps no copy", async () => {
    const store = new AppStore();
    expect(store.aspectRatios).toEqual([]);
    expect(store.providerName('journey')).toBe('journey');
    await store.init();
    expect(store.providerName('journey')).toBe('JourneyAPI');
    expect(store.providerName('linkr')).toBe('LinkrAPI');
    expect(store.aspectRatios).toEqual(['1:1', '3:2', '21:9']);
    expect(store.pollRange).toEqual({ min: 5, max: 10 });
    expect(store.modelName('midjourney', 'linkr')).toBe('Name of midjourney');
    expect(store.modelName('flux-pro')).toBe('Name of flux-pro');
    // A name the core does not list (typed through "Other model...") shows as typed.
    expect(store.modelName('brand-new-model', 'journey')).toBe('brand-new-model');
    store.destroy();
  });

  it('starts: subscribes, loads state and tasks', async () => {
    const store = new AppStore();
    ipcMock.listTasks.mockResolvedValue([makeView({ id: 'old' })]);
    await store.init();
    expect(ipcMock.onTaskUpdate).toHaveBeenCalledOnce();
    expect(store.provider).toBe('journey');
    expect(store.model).toBe('flux-pro');
    expect(store.tasks.map((t) => t.task.id)).toEqual(['old']);
    expect(store.tasksLoaded).toBe(true);
  });

  it('shows the card of a task whose OS notification was clicked', async () => {
    let click: ((show: { taskId: string }) => void) | undefined;
    ipcMock.onShowTask.mockImplementation(async (cb: (show: { taskId: string }) => void) => {
      click = cb;
      return () => {};
    });
    const store = new AppStore();
    await store.init();
    store.view = 'gallery';
    click?.({ taskId: 'from-a-notification' });
    expect(store.view).toBe('create');
    await vi.waitFor(() => expect(store.flashTaskId).toBe('from-a-notification'));
    store.destroy();
  });

  it('is idempotent, and reads the tasks again when they came back before the listener', async () => {
    let release: (() => void) | undefined;
    ipcMock.onTaskUpdate.mockImplementation(
      () => new Promise<() => void>((res) => (release = () => res(() => {}))),
    );
    const store = new AppStore();
    const first = store.init();
    expect(store.init()).toBe(first);
    await vi.waitFor(() => expect(ipcMock.listTasks).toHaveBeenCalledOnce());
    release?.();
    await first;
    await vi.waitFor(() => expect(ipcMock.listTasks).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(ipcMock.listQueue).toHaveBeenCalledTimes(2));
    expect(ipcMock.onTaskUpdate).toHaveBeenCalledOnce();
    expect(ipcMock.onQueueChanged).toHaveBeenCalledOnce();
  });

  it("shows a provider's credits as the core reports them after a task", async () => {
    let push: ((c: unknown) => void) | undefined;
    ipcMock.onCreditsChanged.mockImplementation(async (cb: (c: unknown) => void) => {
      push = cb;
      return () => {};
    });
    const store = new AppStore();
    await store.init();
    const before = store.providers.find((p) => p.provider === 'linkr')?.credits;
    push?.({ provider: 'journey', credits: 1234 });
    expect(store.providers.find((p) => p.provider === 'journey')?.credits).toBe(1234);
    expect(store.providers.find((p) => p.provider === 'linkr')?.credits).toBe(before);
    push?.({ provider: 'journey', credits: null });
    expect(store.providers.find((p) => p.provider === 'journey')?.credits).toBeNull();
    store.destroy();
  });

  it('upserts live updates', async () => {
    let push: ((e: unknown) => void) | undefined;
    ipcMock.onTaskUpdate.mockImplementation(async (cb: (e: unknown) => void) => {
      push = cb;
      return () => {};
    });
    const store = new AppStore();
    await store.init();
    push?.({ change: 'created', task: makeView({ id: 'n', status: 'queued' }) });
    push?.({ change: 'status', task: makeView({ id: 'n', status: 'running', progress: 15 }) });
    expect(store.tasks).toHaveLength(1);
    expect(store.tasks[0].task.progress).toBe(15);
  });

  it('applies small progress events to the card they belong to', async () => {
    let progress: ((p: unknown) => void) | undefined;
    ipcMock.onTaskProgress.mockImplementation(async (cb: (p: unknown) => void) => {
      progress = cb;
      return () => {};
    });
    ipcMock.listTasks.mockResolvedValue([makeView({ id: 'n', status: 'running', progress: 15 })]);
    const store = new AppStore();
    await store.init();
    progress?.({ id: 'n', rawStatus: 'processing', progress: 62, downloading: false });
    expect(store.tasks[0].task.progress).toBe(62);
    expect(store.tasks[0].task.rawStatus).toBe('processing');
    progress?.({ id: 'other', rawStatus: 'processing', progress: 5, downloading: false });
    expect(store.tasks).toHaveLength(1);
  });

  it('retries through the core, which sends exactly what made the task, and shows a refusal on the card', async () => {
    const failed = makeView({ id: 'f', status: 'failed' }, { canRetry: true });
    ipcMock.listTasks.mockResolvedValue([failed]);
    ipcMock.retryTask.mockResolvedValue(sent(makeView({ id: 'g', status: 'queued' })));
    const store = new AppStore();
    await store.init();
    expect(store.canRetry(store.tasks[0])).toBe(true);
    await store.retry(store.tasks[0]);
    expect(ipcMock.retryTask).toHaveBeenCalledWith('f');
    expect(ipcMock.submitImagine).not.toHaveBeenCalled();
    expect(store.tasks.map((t) => t.task.id).sort()).toEqual(['f', 'g']);
    ipcMock.retryTask.mockRejectedValue({ code: 'invalid_input', message: 'Nothing to retry.' });
    await store.retry(store.tasks.find((t) => t.task.id === 'f')!);
    expect(store.cardErrors['f']).toBe('Nothing to retry.');
    const cannot = makeView({ id: 'h', status: 'failed' }, { canRetry: false });
    expect(store.canRetry(cannot)).toBe(false);
    await store.retry(cannot);
    expect(ipcMock.retryTask).toHaveBeenCalledTimes(2);
  });

  it('loads the waiting jobs at start and follows queue-changed', async () => {
    let push: ((queue: QueuedView[]) => void) | undefined;
    const unlisten = vi.fn();
    ipcMock.onQueueChanged.mockImplementation(async (cb: (queue: QueuedView[]) => void) => {
      push = cb;
      return unlisten;
    });
    ipcMock.listQueue.mockResolvedValue([makeQueued({ id: 'q-a' })]);
    const store = new AppStore();
    await store.init();
    expect(store.queue.map((j) => j.id)).toEqual(['q-a']);
    push?.([
      makeQueued({ id: 'q-a', position: 1, of: 2 }),
      makeQueued({ id: 'q-b', position: 2, of: 2 }),
    ]);
    expect(store.queue.map((j) => [j.id, j.position, j.of])).toEqual([
      ['q-a', 1, 2],
      ['q-b', 2, 2],
    ]);
    push?.([]);
    expect(store.queue).toEqual([]);
    store.destroy();
    expect(unlisten).toHaveBeenCalledOnce();
  });

  it('says so when the waiting jobs cannot be listed', async () => {
    ipcMock.listQueue.mockRejectedValue({ code: 'internal', message: 'The library is locked.' });
    const store = new AppStore();
    await store.init();
    expect(store.queueError).toBe('The waiting jobs could not be listed: The library is locked.');
    expect(store.tasksLoaded).toBe(true);
  });

  it('a prompt beyond the jobs at once waits in the queue: no task, the queue shows it, the composer as after a send', async () => {
    const store = new AppStore();
    await store.init();
    const job = makeQueued({
      id: 'q-new',
      provider: 'journey',
      prompt: 'a fox',
      position: 2,
      of: 2,
    });
    ipcMock.submitImagine.mockResolvedValueOnce(queued(job));
    store.prompt = 'a fox';
    await store.submit();
    expect(store.tasks).toEqual([]);
    expect(store.queue).toEqual([job]);
    expect(store.composerError).toBeNull();
    expect(store.submitting).toBe(false);
    // Exactly what a sent prompt leaves in the composer.
    const afterQueued = { prompt: store.prompt, provider: store.provider, model: store.model };
    ipcMock.submitImagine.mockResolvedValueOnce(sent(makeView({ id: 'now' })));
    await store.submit();
    expect({ prompt: store.prompt, provider: store.provider, model: store.model }).toEqual(
      afterQueued,
    );
    expect(store.tasks.map((t) => t.task.id)).toEqual(['now']);
  });

  it('never brings back a queued job that a newer queue-changed already took out', async () => {
    let push: ((queue: QueuedView[]) => void) | undefined;
    ipcMock.onQueueChanged.mockImplementation(async (cb: (queue: QueuedView[]) => void) => {
      push = cb;
      return () => {};
    });
    const store = new AppStore();
    await store.init();
    const job = makeQueued({ id: 'q-fast' });
    ipcMock.submitImagine.mockImplementationOnce(async () => {
      // The job was queued and sent already before the answer came back.
      push?.([job]);
      push?.([]);
      return queued(job);
    });
    store.prompt = 'a fox';
    await store.submit();
    expect(store.queue).toEqual([]);
  });

  it('a button or a retry that waits in the queue adds no task and no error', async () => {
    const store = new AppStore();
    await store.init();
    const parent = makeView({ id: 'p', status: 'succeeded' });
    const failed = makeView({ id: 'f', status: 'failed' }, { canRetry: true });
    store.upsert(parent);
    store.upsert(failed);
    const u2 = makeQueued({ id: 'q-u2', kindLabel: 'Upscale 2', position: 1, of: 2 });
    const again = makeQueued({ id: 'q-retry', position: 2, of: 2 });
    ipcMock.runAction.mockResolvedValueOnce(queued(u2));
    ipcMock.retryTask.mockResolvedValueOnce(queued(again));
    await store.runAction(parent, { id: 'upscale:2', label: 'U2' } as never);
    await store.retry(failed);
    expect(store.tasks.map((t) => t.task.id).sort()).toEqual(['f', 'p']);
    expect(store.queue.map((j) => j.id)).toEqual(['q-u2', 'q-retry']);
    expect(store.cardErrors).toEqual({});
    expect(store.busy).toEqual({});
  });

  it('moves, cancels and sends a waiting job through the core, one thing at a time', async () => {
    const a = makeQueued({ id: 'q-a', position: 1, of: 2 });
    const b = makeQueued({ id: 'q-b', position: 2, of: 2 });
    ipcMock.listQueue.mockResolvedValue([a, b]);
    const store = new AppStore();
    await store.init();

    let release: ((queue: QueuedView[]) => void) | undefined;
    ipcMock.moveQueued.mockImplementationOnce(
      () => new Promise<QueuedView[]>((res) => (release = res)),
    );
    const moving = store.moveQueued(b, -1);
    expect(store.queueBusy['q-b']).toBe('up');
    await store.moveQueued(b, -1); // a second press while the first is on its way: ignored
    expect(ipcMock.moveQueued).toHaveBeenCalledOnce();
    release?.([
      { ...b, position: 1 },
      { ...a, position: 2 },
    ]);
    await moving;
    expect(ipcMock.moveQueued).toHaveBeenCalledWith('q-b', -1);
    expect(store.queue.map((j) => j.id)).toEqual(['q-b', 'q-a']);
    expect(store.queueBusy).toEqual({});

    ipcMock.moveQueued.mockResolvedValueOnce([
      { ...a, position: 1 },
      { ...b, position: 2 },
    ]);
    await store.moveQueued(b, 1);
    expect(ipcMock.moveQueued).toHaveBeenLastCalledWith('q-b', 1);
    expect(store.queue.map((j) => j.id)).toEqual(['q-a', 'q-b']);

    ipcMock.cancelQueued.mockResolvedValueOnce([{ ...b, position: 1, of: 1 }]);
    await store.cancelQueued(a);
    expect(ipcMock.cancelQueued).toHaveBeenCalledWith('q-a');
    expect(store.queue.map((j) => j.id)).toEqual(['q-b']);

    ipcMock.sendQueuedNow.mockResolvedValueOnce(sent(makeView({ id: 'went', status: 'queued' })));
    await store.sendQueuedNow(b);
    expect(ipcMock.sendQueuedNow).toHaveBeenCalledWith('q-b');
    expect(store.tasks.map((t) => t.task.id)).toEqual(['went']);
    expect(store.queue).toEqual([]);
    expect(store.queueErrors).toEqual({});
  });

  it("shows why a Move, Send now or Cancel failed on that job's card", async () => {
    const job = makeQueued({ id: 'q-held' });
    const other = makeQueued({ id: 'q-other', provider: 'journey' });
    ipcMock.listQueue.mockResolvedValue([job, other]);
    const store = new AppStore();
    await store.init();

    ipcMock.sendQueuedNow.mockRejectedValueOnce({
      code: 'rejected',
      message: 'LinkrAPI refused the job: your plan is full.',
    });
    await store.sendQueuedNow(job);
    expect(store.queueErrors).toEqual({ 'q-held': 'LinkrAPI refused the job: your plan is full.' });
    expect(store.queue.map((j) => j.id)).toEqual(['q-held', 'q-other']);
    expect(store.tasks).toEqual([]);
    expect(store.queueBusy).toEqual({});

    ipcMock.moveQueued.mockRejectedValueOnce({ code: 'not_found', message: 'That job is gone.' });
    await store.moveQueued(job, 1);
    expect(store.queueErrors['q-held']).toBe('That job is gone.');

    ipcMock.cancelQueued.mockRejectedValueOnce({ code: 'internal', message: 'Could not cancel.' });
    await store.cancelQueued(job);
    expect(store.queueErrors['q-held']).toBe('Could not cancel.');

    // A new try clears the sentence; a job that left the queue takes its sentence with it.
    ipcMock.cancelQueued.mockResolvedValueOnce([other]);
    await store.cancelQueued(job);
    expect(store.queueErrors).toEqual({});
  });

  it('explains the missing core instead of failing silently', async () => {
    ipcMock.hasBackend.mockReturnValue(false);
    ipcMock.getAppState.mockRejectedValue(new Error('not here'));
    ipcMock.listTasks.mockRejectedValue(new Error('not here'));
    const store = new AppStore();
    await store.init();
    expect(store.noBackend).toBe(true);
    expect(store.stateError).toMatch(/core isn't running/);
    expect(ipcMock.getAppState).not.toHaveBeenCalled();
    expect(store.tasksLoaded).toBe(true);
  });

  it('checks the composer before sending anything', async () => {
    const store = new AppStore();
    await store.init();
    await store.submit();
    expect(store.composerError).toBe('The prompt is empty. Type what you want to see.');
    store.prompt = 'a fox --chaos 500';
    await store.submit();
    expect(store.composerError).toBe(
      'Fix the parameters first: Chaos must be a whole number from 0 to 100.',
    );
    store.prompt = '--ar 1:1';
    await store.submit();
    expect(store.composerError).toMatch(/words before the parameters/);
    store.prompt = 'a fox';
    store.referenceUrl = 'file:///etc/passwd';
    await store.submit();
    expect(store.composerError).toMatch(/http/);
    expect(ipcMock.submitImagine).not.toHaveBeenCalled();
  });

  it('submits the prompt as typed, with the default aspect ratio only when --ar is absent', async () => {
    const store = new AppStore();
    await store.init();
    ipcMock.submitImagine.mockResolvedValue(sent(makeView({ id: 'new' })));
    store.prompt = '  a fox  ';
    await store.submit();
    expect(ipcMock.submitImagine).toHaveBeenLastCalledWith({
      provider: 'journey',
      prompt: 'a fox',
      model: 'flux-pro',
      aspectRatio: '3:2',
      referenceImage: null,
    });
    store.prompt = 'a fox --ar 16:9';
    store.referenceUrl = 'https://example.com/ref.png';
    await store.submit();
    expect(ipcMock.submitImagine).toHaveBeenLastCalledWith(
      expect.objectContaining({
        prompt: 'a fox --ar 16:9',
        aspectRatio: null,
        referenceImage: 'https://example.com/ref.png',
      }),
    );
    expect(store.tasks[0].task.id).toBe('new');
    expect(store.composerError).toBeNull();
  });

  it('reuses a prompt into the composer, and a branch sets (or clears) the reference image', async () => {
    const store = new AppStore();
    await store.init();
    store.referenceUrl = 'https://example.com/old.png';
    store.reusePrompt({ prompt: 'a hare', provider: 'journey', model: null });
    expect(store.prompt).toBe('a hare');
    expect(store.referenceUrl).toBe('https://example.com/old.png');
    store.reusePrompt({
      prompt: 'a fox',
      provider: 'journey',
      model: null,
      referenceImage: 'https://example.com/fox.png',
    });
    expect(store.referenceUrl).toBe('https://example.com/fox.png');
    store.reusePrompt({ prompt: 'a fox', provider: 'journey', model: null, referenceImage: null });
    expect(store.referenceUrl).toBe('');
    expect(store.view).toBe('create');
  });

  it('shows a submit failure as the sentence from the core', async () => {
    const store = new AppStore();
    await store.init();
    ipcMock.submitImagine.mockRejectedValue({ code: 'x', message: 'Not enough credits.' });
    store.prompt = 'a fox';
    await store.submit();
    expect(store.composerError).toBe('Not enough credits.');
  });

  it('checks a timed-out task again without resubmitting it, and says what it found', async () => {
    const store = new AppStore();
    await store.init();
    const until = new Date(Date.now() + 3600_000).toISOString();
    const late = makeView({ id: 'late', status: 'timed_out', recheckUntil: until });
    store.upsert(late);
    ipcMock.checkAgain.mockResolvedValueOnce(
      makeView({ id: 'late', status: 'timed_out', recheckUntil: until, progress: 62 }),
    );
    await store.checkAgain(late);
    expect(ipcMock.checkAgain).toHaveBeenCalledWith('late');
    expect(ipcMock.submitImagine).not.toHaveBeenCalled();
    expect(ipcMock.runAction).not.toHaveBeenCalled();
    expect(store.cardNotes.late).toMatch(/Still not finished at LinkrAPI \(62%\)/);
    ipcMock.checkAgain.mockResolvedValueOnce(
      makeView({ id: 'late', status: 'succeeded', finishedLate: true }),
    );
    await store.checkAgain(late);
    expect(store.cardNotes.late).toBeUndefined();
    expect(store.tasks.find((t) => t.task.id === 'late')?.task.finishedLate).toBe(true);
  });

  it('keeps the model valid when the provider changes', async () => {
    const store = new AppStore();
    await store.init();
    store.setProvider('linkr');
    expect(store.model).toBe('midjourney');
  });

  it('passes a model name it does not list through to JourneyAPI, never to LinkrAPI', async () => {
    const store = new AppStore();
    await store.init();
    expect(store.modelInfo?.group).toBe('singleImage');
    store.chooseOtherModel();
    expect(store.otherModel).toBe(true);
    expect(store.modelInfo).toBeNull();
    store.setModel('flux-9-ultra');
    ipcMock.submitImagine.mockResolvedValue(sent(makeView({ id: 'new' })));
    store.prompt = 'a fox';
    await store.submit();
    expect(ipcMock.submitImagine).toHaveBeenLastCalledWith(
      expect.objectContaining({ provider: 'journey', model: 'flux-9-ultra' }),
    );
    store.setProvider('linkr');
    expect(store.model).toBe('midjourney');
    expect(store.otherModel).toBe(false);
    store.chooseOtherModel();
    expect(store.otherModel).toBe(false);
  });

  it('runs an action and shows its error on that card', async () => {
    const store = new AppStore();
    await store.init();
    const parent = makeView({ id: 'p', status: 'succeeded' });
    store.upsert(parent);
    ipcMock.runAction.mockRejectedValueOnce({ code: 'not_found', message: 'That task is gone.' });
    const action = { id: 'upscale:2', label: 'U2' } as never;
    await store.runAction(parent, action);
    expect(store.cardErrors.p).toBe('That task is gone.');
    ipcMock.runAction.mockResolvedValueOnce(
      sent(makeView({ id: 'child', parentId: 'p', createdAt: null })),
    );
    await store.runAction(parent, action);
    expect(ipcMock.runAction).toHaveBeenLastCalledWith('p', 'upscale:2', { prompt: null });
    expect(store.tasks[0].task.id).toBe('child');
    expect(store.cardErrors.p).toBeUndefined();
  });

  it('puts a prompt back into the composer', async () => {
    const store = new AppStore();
    await store.init();
    store.view = 'gallery';
    store.editPrompt(makeView({ provider: 'linkr', prompt: 'again --v 7', model: 'midjourney' }));
    expect(store.prompt).toBe('again --v 7');
    expect(store.provider).toBe('linkr');
    expect(store.view).toBe('create');
    expect(store.focusPromptRequest).toBe(1);
  });
});
