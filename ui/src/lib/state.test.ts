import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeView } from './testing/fixtures';
import type { AppState } from './bindings/AppState';
import type { ModelInfo } from './bindings/ModelInfo';

const ipcMock = vi.hoisted(() => ({
  hasBackend: vi.fn(() => true),
  getAppState: vi.fn(),
  listTasks: vi.fn(),
  onTaskUpdate: vi.fn(),
  onTaskProgress: vi.fn(),
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

function model(id: string, group: ModelInfo['group']): ModelInfo {
  return { id, group, needsImage: group === 'edit', synchronous: group !== 'midjourneyGrid' };
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
    },
    keyring: { available: true, message: null },
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
});

describe('AppStore', () => {
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
    expect(ipcMock.onTaskUpdate).toHaveBeenCalledOnce();
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
    ipcMock.retryTask.mockResolvedValue(makeView({ id: 'g', status: 'queued' }));
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
    ipcMock.submitImagine.mockResolvedValue(makeView({ id: 'new' }));
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
    ipcMock.submitImagine.mockResolvedValue(makeView({ id: 'new' }));
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
      makeView({ id: 'child', parentId: 'p', createdAt: null }),
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
