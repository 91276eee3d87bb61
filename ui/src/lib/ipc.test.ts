import { beforeEach, describe, expect, it, vi } from 'vitest';

const core = vi.hoisted(() => ({ invoke: vi.fn(), isTauri: vi.fn(() => true) }));
const events = vi.hoisted(() => ({ listen: vi.fn() }));
vi.mock('@tauri-apps/api/core', () => core);
vi.mock('@tauri-apps/api/event', () => events);

import * as ipc from './ipc';
import { makeQueued, makeView } from './testing/fixtures';

beforeEach(() => {
  core.invoke.mockReset();
  core.isTauri.mockReturnValue(true);
  events.listen.mockReset();
});

describe('ipc', () => {
  it('calls each command by its name with camelCase arguments', async () => {
    core.invoke.mockResolvedValue('ok');
    await ipc.getAppState();
    await ipc.setKey('journey', 'japi_123');
    await ipc.deleteKey('linkr');
    await ipc.testKey('linkr');
    await ipc.submitImagine({
      provider: 'linkr',
      prompt: 'a cat',
      model: null,
      aspectRatio: '16:9',
      referenceImage: null,
    });
    await ipc.runAction('p1', 'MJ::JOB::upsample::2::abc');
    await ipc.runAction('p1', 'MJ::CustomZoom::abc', { prompt: 'wider --zoom 1.8' });
    await ipc.listTasks();
    await ipc.cancelTask('t1');
    await ipc.uiReady();
    expect(core.invoke.mock.calls).toEqual([
      ['get_app_state', undefined],
      ['set_key', { provider: 'journey', key: 'japi_123' }],
      ['delete_key', { provider: 'linkr' }],
      ['test_key', { provider: 'linkr' }],
      [
        'submit_imagine',
        {
          request: {
            provider: 'linkr',
            prompt: 'a cat',
            model: null,
            aspectRatio: '16:9',
            referenceImage: null,
          },
        },
      ],
      [
        'run_action',
        { parentId: 'p1', actionId: 'MJ::JOB::upsample::2::abc', input: { prompt: null } },
      ],
      [
        'run_action',
        { parentId: 'p1', actionId: 'MJ::CustomZoom::abc', input: { prompt: 'wider --zoom 1.8' } },
      ],
      ['list_tasks', undefined],
      ['cancel_task', { taskId: 't1' }],
      ['ui_ready', { phases: {} }],
    ]);
  });

  it('calls the gallery commands with camelCase arguments', async () => {
    core.invoke.mockResolvedValue(null);
    await ipc.gallerySearch({ favoritesOnly: true, order: 'newestFirst', text: 'fox', limit: 200 });
    await ipc.imageDetail(7);
    await ipc.setFavorite(7, true);
    await ipc.deleteImage(7);
    await ipc.saveImageAs(7);
    await ipc.copyImage(7);
    await ipc.copyText('a red fox');
    await ipc.showInFolder(7);
    expect(core.invoke.mock.calls).toEqual([
      [
        'gallery_search',
        { query: { favoritesOnly: true, order: 'newestFirst', text: 'fox', limit: 200 } },
      ],
      ['image_detail', { imageId: 7 }],
      ['set_favorite', { imageId: 7, favorite: true }],
      ['delete_image', { imageId: 7 }],
      ['save_image_as', { imageId: 7 }],
      ['copy_image', { imageId: 7 }],
      ['copy_text', { text: 'a red fox' }],
      ['show_in_folder', { imageId: 7 }],
    ]);
  });

  it('calls the queue commands with camelCase arguments and hands back their answers', async () => {
    const queue = [makeQueued({ id: 'q-7' })];
    core.invoke.mockResolvedValue(queue);
    expect(await ipc.listQueue()).toBe(queue);
    await ipc.moveQueued('q-7', -1);
    await ipc.moveQueued('q-7', 1);
    await ipc.cancelQueued('q-7');
    const answer = { type: 'sent', task: makeView({ id: 't-7' }) };
    core.invoke.mockResolvedValue(answer);
    expect(await ipc.sendQueuedNow('q-7')).toBe(answer);
    await ipc.retryTask('t-1');
    expect(core.invoke.mock.calls).toEqual([
      ['list_queue', undefined],
      ['move_queued', { jobId: 'q-7', by: -1 }],
      ['move_queued', { jobId: 'q-7', by: 1 }],
      ['cancel_queued', { jobId: 'q-7' }],
      ['send_queued_now', { jobId: 'q-7' }],
      ['retry_task', { taskId: 't-1' }],
    ]);
  });

  it('hands back what a submit became: sent or queued', async () => {
    const job = makeQueued({ id: 'q-1', position: 2, of: 2 });
    core.invoke.mockResolvedValue({ type: 'queued', job });
    const request = {
      provider: 'linkr' as const,
      prompt: 'a cat',
      model: null,
      aspectRatio: null,
      referenceImage: null,
    };
    const answer = await ipc.submitImagine(request);
    expect(answer.type === 'queued' && answer.job).toEqual(job);
  });

  it('delivers queue-changed payloads (the whole queue)', async () => {
    let handler: ((e: { payload: unknown }) => void) | undefined;
    events.listen.mockImplementation(async (name: string, cb: typeof handler) => {
      expect(name).toBe('queue-changed');
      handler = cb;
      return () => {};
    });
    const seen: unknown[] = [];
    await ipc.onQueueChanged((q) => seen.push(q));
    const queue = [makeQueued({ id: 'q-1' }), makeQueued({ id: 'q-2', position: 2, of: 2 })];
    handler?.({ payload: queue });
    handler?.({ payload: [] });
    expect(seen).toEqual([queue, []]);
  });

  it('delivers gallery-changed payloads', async () => {
    let handler: ((e: { payload: unknown }) => void) | undefined;
    events.listen.mockImplementation(async (name: string, cb: typeof handler) => {
      expect(name).toBe('gallery-changed');
      handler = cb;
      return () => {};
    });
    const seen: unknown[] = [];
    await ipc.onGalleryChanged((e) => seen.push(e));
    handler?.({ payload: { taskId: 't9' } });
    expect(seen).toEqual([{ taskId: 't9' }]);
  });

  it('turns rejections into AppErrors with a sentence', async () => {
    core.invoke.mockRejectedValue({ code: 'no_key', message: 'Add a JourneyAPI key in Settings.' });
    await expect(ipc.testKey('journey')).rejects.toMatchObject({
      name: 'AppError',
      code: 'no_key',
      message: 'Add a JourneyAPI key in Settings.',
    });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    core.invoke.mockRejectedValue('{"unexpected": [1, 2]}');
    const error = await ipc.listTasks().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ipc.AppError);
    expect((error as Error).message).not.toContain('{');
    spy.mockRestore();
  });

  it('says so, without calling anything, when the core is not there', async () => {
    core.isTauri.mockReturnValue(false);
    await expect(ipc.getAppState()).rejects.toMatchObject({ code: 'no_backend' });
    await expect(ipc.onTaskUpdate(() => {})).rejects.toMatchObject({ code: 'no_backend' });
    expect(core.invoke).not.toHaveBeenCalled();
  });

  it('delivers task-update payloads', async () => {
    const unlisten = vi.fn();
    let handler: ((e: { payload: unknown }) => void) | undefined;
    events.listen.mockImplementation(async (name: string, cb: typeof handler) => {
      expect(name).toBe('task-update');
      handler = cb;
      return unlisten;
    });
    const seen: unknown[] = [];
    const stop = await ipc.onTaskUpdate((e) => seen.push(e));
    const payload = { change: 'progress', task: makeView({ status: 'running', progress: 12 }) };
    handler?.({ payload });
    expect(seen).toEqual([payload]);
    stop();
    expect(unlisten).toHaveBeenCalled();
  });
});
