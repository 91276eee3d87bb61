/**
 * The one module that talks to the Rust core (docs/architecture.md, "IPC").
 * Every function rejects with an AppError: a code plus a plain sentence.
 */
import { invoke, isTauri, type InvokeArgs } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { StartupPhases } from './startup';
import type { ActionInput } from './bindings/ActionInput';
import type { CreateRequest } from './bindings/CreateRequest';
import type { CreditsChanged } from './bindings/CreditsChanged';
import type { ImageSource } from './bindings/ImageSource';
import type { ImageUrlCheck } from './bindings/ImageUrlCheck';
import type { AppState } from './bindings/AppState';
import type { GalleryImage } from './bindings/GalleryImage';
import type { GalleryQuery } from './bindings/GalleryQuery';
import type { GalleryResults } from './bindings/GalleryResults';
import type { ImageDetail } from './bindings/ImageDetail';
import type { KeyCheck } from './bindings/KeyCheck';
import type { ProviderKind } from './bindings/ProviderKind';
import type { QueuedView } from './bindings/QueuedView';
import type { Settings } from './bindings/Settings';
import type { Submitted } from './bindings/Submitted';
import type { PromptPlan } from './bindings/PromptPlan';
import type { ContactSheet } from './bindings/ContactSheet';
import type { BulkAction } from './bindings/BulkAction';
import type { BulkOutcome } from './bindings/BulkOutcome';
import type { BulkProgress } from './bindings/BulkProgress';
import type { Collection } from './bindings/Collection';
import type { Selection } from './bindings/Selection';
import type { ExportFormat } from './bindings/ExportFormat';
import type { GalleryFacets } from './bindings/GalleryFacets';
import type { Lineage } from './bindings/Lineage';
import type { ExportOutcome } from './bindings/ExportOutcome';
import type { ImportSummary } from './bindings/ImportSummary';
import type { TransferDefaults } from './bindings/TransferDefaults';
import type { SubmitRequest } from './bindings/SubmitRequest';
import type { TaskEvent } from './bindings/TaskEvent';
import type { TaskProgress } from './bindings/TaskProgress';
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

/**
 * A new prompt: sent at once while its provider has a free slot (`sent`, with the new task),
 * else put in Atelier's local queue (`queued`, with the waiting job). A permutation prompt
 * (`a {red, blue} bird`) puts all its prompts in the queue as one group (`group`).
 */
export const submitImagine = (request: SubmitRequest): Promise<Submitted> =>
  call('submit_imagine', { request });

/**
 * A creation mode (blend, describe, shorten, video; JourneyAPI only), through the local queue
 * like a prompt. Bad input (wrong image count, a link that is not http(s), LinkrAPI) is
 * refused with a sentence before anything is sent.
 */
export const submitCreate = (provider: ProviderKind, request: CreateRequest): Promise<Submitted> =>
  call('submit_create', { provider, request });

/** Whether an image link can be sent: http(s), and it answers. Never throws for a bad link. */
export const checkImageUrl = (url: string): Promise<ImageUrlCheck> =>
  call('check_image_url', { url });

/**
 * A gallery image's original provider link, checked that it still answers; `url: null` and a
 * sentence when it expired or never had one of its own.
 */
export const imageSourceUrl = (imageId: number): Promise<ImageSource> =>
  call('image_source_url', { imageId });

/**
 * What sending `prompt` will do, before it is sent: the prompts a `{a, b}` permutation makes,
 * their count and cost, or why it cannot be sent.
 */
export const planPrompt = (
  provider: ProviderKind,
  prompt: string,
  model: string | null,
): Promise<PromptPlan> => call('plan_prompt', { provider, prompt, model });

/** A permutation group as a contact sheet: labelled rows and columns of its prompts. */
export const contactSheet = (groupId: string): Promise<ContactSheet> =>
  call('contact_sheet', { groupId });

/** Presses a button of a finished task; sent at once or queued, like a prompt. */
export const runAction = (
  parentId: string,
  actionId: string,
  input: ActionInput = { prompt: null },
): Promise<Submitted> => call('run_action', { parentId, actionId, input });

/** Newest first. */
export const listTasks = (): Promise<TaskView[]> => call('list_tasks');

export const cancelTask = (taskId: string): Promise<TaskView> => call('cancel_task', { taskId });

/** Asks the provider once, now, for a task Atelier stopped waiting for (free; never resubmits). */
export const checkAgain = (taskId: string): Promise<TaskView> => call('check_again', { taskId });

/**
 * "Retry": the core sends exactly what made the failed task again, as a new task (or queues
 * it when the provider has no free slot).
 */
export const retryTask = (taskId: string): Promise<Submitted> => call('retry_task', { taskId });

// The local queue: jobs waiting for a free slot at their provider ("jobs at once").

/** The jobs waiting in the local queue, first in line first. */
export const listQueue = (): Promise<QueuedView[]> => call('list_queue');

/**
 * Moves a waiting job `by` places among its provider's waiting jobs (-1: one place forward,
 * +1: one back); resolves to the whole queue.
 */
export const moveQueued = (jobId: string, by: number): Promise<QueuedView[]> =>
  call('move_queued', { jobId, by });

/** Takes a waiting job out of the queue without sending it; resolves to the whole queue. */
export const cancelQueued = (jobId: string): Promise<QueuedView[]> =>
  call('cancel_queued', { jobId });

/**
 * Sends a waiting job now, whatever the free slots. On a refusal it rejects with the AppError
 * and the job stays queued with its `error`.
 */
export const sendQueuedNow = (jobId: string): Promise<Submitted> =>
  call('send_queued_now', { jobId });

/**
 * Tells the shell the interface is interactive, with where the time went (startup benchmark).
 * Only builds with the `test-hooks` feature have this command: call it when
 * `AppState.reportsStartup` says so.
 */
export const uiReady = (phases: StartupPhases = {}): Promise<void> => call('ui_ready', { phases });

// The gallery (the local library).

/** One page of images matching the query (newest first unless `order` says otherwise). */
export const gallerySearch = (query: GalleryQuery): Promise<GalleryResults> =>
  call('gallery_search', { query });

/** How many images match `query` exactly (after a first page whose count stopped at the cap). */
export const galleryCount = (query: GalleryQuery): Promise<number> =>
  call('gallery_count', { query });

/** An image with its task (and buttons), parent, children and siblings. */
export const imageDetail = (imageId: number): Promise<ImageDetail> =>
  call('image_detail', { imageId });

export const setFavorite = (imageId: number, favorite: boolean): Promise<GalleryImage> =>
  call('set_favorite', { imageId, favorite });

/** Removes the image from the library and its files from the disk. */
export const deleteImage = (imageId: number): Promise<void> => call('delete_image', { imageId });

/** Every collection, by name, with its count. */
export const listCollections = (): Promise<Collection[]> => call('collections');

/** Makes an empty collection; a taken name (case ignored) is refused with a sentence. */
export const createCollection = (name: string): Promise<Collection> =>
  call('create_collection', { name });

/** Renames a collection. */
export const renameCollection = (id: number, name: string): Promise<Collection> =>
  call('rename_collection', { id, name });

/** Deletes a collection; its images stay. */
export const deleteCollection = (id: number): Promise<void> => call('delete_collection', { id });

/**
 * Does one action to every image of a selection, in chunks; `bulk-progress` events carry
 * `opId`, and `cancelBulk(opId)` stops it between chunks.
 */
export const applyBulk = (
  opId: string,
  selection: Selection,
  action: BulkAction,
): Promise<BulkOutcome> => call('bulk_apply', { opId, selection, action });

/** Stops a running bulk action before its next chunk; false if none runs under that id. */
export const cancelBulk = (opId: string): Promise<boolean> => call('bulk_cancel', { opId });

/** Where and under what name the export dialog suggests an export. */
export const transferDefaults = (): Promise<TransferDefaults> => call('transfer_defaults');

/**
 * Exports a selection to `<dir>/<name>` (a folder) or `<dir>/<name>.zip`; `bulk-progress`
 * events carry `opId`, and `cancelBulk(opId)` stops it and removes what it wrote.
 */
export const exportImages = (
  opId: string,
  selection: Selection,
  dir: string,
  name: string,
  format: ExportFormat,
): Promise<ExportOutcome> => call('export_images', { opId, selection, dir, name, format });

/** Imports an export (folder or zip); `bulk-progress` events carry `opId`. */
export const importExport = (opId: string, path: string): Promise<ImportSummary> =>
  call('import_export', { opId, path });

/** A folder, or a `.zip` file when `zip`, chosen in the native dialog; null when cancelled. */
export const pickPath = (zip: boolean): Promise<string | null> => call('pick_path', { zip });

/**
 * Starts the system's drag of these images as files (their originals, readably named), from a
 * `dragstart` whose default was prevented; resolves to how many files it carries. A
 * `drag-out-ended` event follows when the drag is over.
 */
export const dragOut = (selection: Selection): Promise<number> => call('drag_out', { selection });

/** The whole tree of tasks an image belongs to (top first, each task before its children). */
export const lineage = (imageId: number): Promise<Lineage> => call('lineage', { imageId });

/** The models and aspect ratios the gallery's filters can offer (those its images have). */
export const galleryFacets = (): Promise<GalleryFacets> => call('gallery_facets');

/** Asks where to save a copy (a native dialog): the path chosen, or null when cancelled. */
export const saveImageAs = (imageId: number): Promise<string | null> =>
  call('save_image_as', { imageId });

/** Puts the image on the clipboard. */
export const copyImage = (imageId: number): Promise<void> => call('copy_image', { imageId });

/** Puts text on the clipboard. */
export const copyText = (text: string): Promise<void> => call('copy_text', { text });

/** Shows the image's file in the system file manager. */
export const showInFolder = (imageId: number): Promise<void> => call('show_in_folder', { imageId });

/** Payload of `gallery-changed`: new images of this task are in the library. */
export interface GalleryChange {
  taskId: string;
}

async function subscribe<T>(event: string, callback: (payload: T) => void): Promise<UnlistenFn> {
  if (!hasBackend()) throw AppError.noBackend();
  try {
    return await listen<T>(event, (e) => callback(e.payload));
  } catch (error) {
    throw toAppError(error);
  }
}

/** Subscribes to `task-update`; resolves to the function that unsubscribes. */
export const onTaskUpdate = (callback: (event: TaskEvent) => void): Promise<UnlistenFn> =>
  subscribe<TaskEvent>('task-update', callback);

/** Subscribes to `task-progress` (progress and "saving the images" of a running task). */
export const onTaskProgress = (callback: (progress: TaskProgress) => void): Promise<UnlistenFn> =>
  subscribe<TaskProgress>('task-progress', callback);

/**
 * Subscribes to `credits-changed`: a provider's credits as just read (after each JourneyAPI
 * task ends, a key change, the start), the same number as `ProviderStatus.credits`.
 */
export const onCreditsChanged = (callback: (change: CreditsChanged) => void): Promise<UnlistenFn> =>
  subscribe<CreditsChanged>('credits-changed', callback);

/** Payload of `show-task`: the person clicked the OS notification about this task. */
export interface ShowTask {
  taskId: string;
}

/** Subscribes to `show-task` (a click on a task's OS notification): the card is to be shown. */
export const onShowTask = (callback: (show: ShowTask) => void): Promise<UnlistenFn> =>
  subscribe<ShowTask>('show-task', callback);

/** Subscribes to `queue-changed` (the whole local queue, first in line first, on each change). */
export const onQueueChanged = (callback: (queue: QueuedView[]) => void): Promise<UnlistenFn> =>
  subscribe<QueuedView[]>('queue-changed', callback);

/** Subscribes to `bulk-progress` (how far a bulk action on a selection is). */
export const onBulkProgress = (callback: (progress: BulkProgress) => void): Promise<UnlistenFn> =>
  subscribe<BulkProgress>('bulk-progress', callback);

/** Subscribes to `drag-out-ended` (a drag out is over; `dropped`: something took the files). */
export const onDragOutEnded = (
  callback: (ended: { dropped: boolean }) => void,
): Promise<UnlistenFn> => subscribe<{ dropped: boolean }>('drag-out-ended', callback);

/** Subscribes to `gallery-changed`; resolves to the function that unsubscribes. */
export const onGalleryChanged = (callback: (change: GalleryChange) => void): Promise<UnlistenFn> =>
  subscribe<GalleryChange>('gallery-changed', callback);
