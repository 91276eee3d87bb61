/**
 * The one module that talks to the Rust core (docs/architecture.md, "IPC").
 * Every function rejects with an AppError: a code plus a plain sentence.
 */
import { invoke, isTauri, type InvokeArgs } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { ActionInput } from './bindings/ActionInput';
import type { AppState } from './bindings/AppState';
import type { KeyCheck } from './bindings/KeyCheck';
import type { ProviderKind } from './bindings/ProviderKind';
import type { Settings } from './bindings/Settings';
import type { SubmitRequest } from './bindings/SubmitRequest';
import type { TaskEvent } from './bindings/TaskEvent';
import type { TaskView } from './bindings/TaskView';
import { AppError, toAppError } from './errors';

export { AppError } from './errors';

/** False when the page runs in a plain browser (`npm run dev` without the shell). */
export function hasBackend(): boolean {
  return isTauri();
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  if (!hasBackend()) throw AppError.noBackend();
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === 'internal') console.error(`${command} failed:`, error);
    throw appError;
  }
}

export const getAppState = (): Promise<AppState> => call('get_app_state');

export const saveSettings = (settings: Settings): Promise<AppState> =>
  call('save_settings', { settings });

/** The key is write-only: the core answers with the new AppState (last four characters at most). */
export const setKey = (provider: ProviderKind, key: string): Promise<AppState> =>
  call('set_key', { provider, key });

export const deleteKey = (provider: ProviderKind): Promise<AppState> =>
  call('delete_key', { provider });

export const testKey = (provider: ProviderKind): Promise<KeyCheck> =>
  call('test_key', { provider });

export const submitImagine = (request: SubmitRequest): Promise<TaskView> =>
  call('submit_imagine', { request });

export const runAction = (
  parentId: string,
  actionId: string,
  input: ActionInput = { prompt: null },
): Promise<TaskView> => call('run_action', { parentId, actionId, input });

/** Newest first. */
export const listTasks = (): Promise<TaskView[]> => call('list_tasks');

export const cancelTask = (taskId: string): Promise<TaskView> => call('cancel_task', { taskId });

/** Tells the core the interface is interactive (used by the startup benchmark). */
export const uiReady = (): Promise<void> => call('ui_ready');

/** Subscribes to `task-update`; resolves to the function that unsubscribes. */
export async function onTaskUpdate(callback: (event: TaskEvent) => void): Promise<UnlistenFn> {
  if (!hasBackend()) throw AppError.noBackend();
  try {
    return await listen<TaskEvent>('task-update', (event) => callback(event.payload));
  } catch (error) {
    throw toAppError(error);
  }
}
