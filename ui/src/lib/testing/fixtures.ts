/** Builders for tests (not imported by the app). */
import type { Action } from '../bindings/Action';
import type { GalleryImage } from '../bindings/GalleryImage';
import type { GalleryItem } from '../bindings/GalleryItem';
import type { QueuedView } from '../bindings/QueuedView';
import type { Settings } from '../bindings/Settings';
import type { TaskSummary } from '../bindings/TaskSummary';
import type { TaskMedia } from '../bindings/TaskMedia';
import type { TaskView } from '../bindings/TaskView';

export function makeTask(over: Partial<TaskSummary> = {}): TaskSummary {
  return {
    id: 'task-1',
    provider: 'linkr',
    kind: { type: 'imagine' },
    kindLabel: 'Imagine',
    parentId: null,
    status: 'queued',
    rawStatus: 'queued',
    progress: null,
    prompt: 'a red fox in the snow --ar 16:9',
    model: 'midjourney',
    gridUrl: null,
    imageUrls: [],
    imageUrl: null,
    videoUrls: [],
    textResults: [],
    fullContent: null,
    error: null,
    createdAt: '2026-03-01T10:00:00Z',
    actions: [],
    recheckUntil: null,
    finishedLate: false,
    ...over,
  };
}

export function media(over: Partial<TaskMedia> = {}): TaskMedia {
  return {
    grid: null,
    singles: [],
    single: null,
    singlesFromGrid: false,
    videos: [],
    downloading: false,
    error: null,
    ...over,
  };
}

export function makeView(task: Partial<TaskSummary> = {}, over: Partial<TaskView> = {}): TaskView {
  return {
    task: makeTask(task),
    media: media(),
    demo: false,
    parentLabel: null,
    canRetry: false,
    group: null,
    ...over,
  };
}

/** A job waiting in the local queue (first of one LinkrAPI job unless told otherwise). */
export function makeQueued(over: Partial<QueuedView> = {}): QueuedView {
  return {
    id: 'q-1',
    provider: 'linkr',
    demo: false,
    kindLabel: 'Imagine',
    prompt: 'a lantern in the fog --ar 3:2',
    position: 1,
    of: 1,
    createdAt: '2026-03-01T10:00:00Z',
    notBefore: null,
    note: null,
    error: null,
    group: null,
    ...over,
  };
}

/** Settings as the core answers them by default. */
export function makeSettings(over: Partial<Settings> = {}): Settings {
  return {
    defaultProvider: 'linkr',
    linkrBaseUrl: 'http://127.0.0.1:9/linkr/api',
    journeyBaseUrl: 'http://127.0.0.1:9/journey/api/v1',
    pollIntervalSecs: 5,
    defaultAspectRatio: '1:1',
    defaultModel: 'midjourney',
    theme: 'system',
    midjourneyMode: 'fast',
    notifications: true,
    linkrJobsAtOnce: 3,
    journeyJobsAtOnce: 3,
    ...over,
  };
}

export function makeAction(over: Partial<Action> = {}): Action {
  return {
    id: 'reroll',
    label: 'Reroll',
    emoji: null,
    kind: null,
    group: 'other',
    index: null,
    mode: 'send',
    url: null,
    unavailable: null,
    credits: null,
    takesPrompt: false,
    ...over,
  };
}

/** The buttons a finished grid offers (LinkrAPI-style ids). */
export function gridActions(): Action[] {
  const quad = (group: 'upscale' | 'variation', n: number): Action =>
    makeAction({
      id: `MJ::JOB::${group === 'upscale' ? 'upsample' : 'variation'}::${n}::abc`,
      label: `${group === 'upscale' ? 'U' : 'V'}${n}`,
      group,
      index: n,
      kind: group === 'upscale' ? { type: 'upscale', index: n } : { type: 'variation', index: n },
    });
  return [
    // deliberately out of order: the UI sorts by quadrant
    quad('upscale', 2),
    quad('upscale', 1),
    quad('upscale', 3),
    quad('upscale', 4),
    quad('variation', 1),
    quad('variation', 2),
    quad('variation', 3),
    quad('variation', 4),
    makeAction({
      id: 'MJ::JOB::reroll::0::abc::SOLO',
      label: 'Reroll',
      emoji: '🔄',
      kind: { type: 'reroll' },
    }),
  ];
}

/** The buttons a single upscale offers. */
export function singleActions(): Action[] {
  return [
    makeAction({
      id: 'upscale-subtle',
      label: 'Upscale (Subtle)',
      kind: { type: 'upscaleSubtle' },
    }),
    makeAction({ id: 'vary-strong', label: 'Vary (Strong)', kind: { type: 'varyStrong' } }),
    makeAction({
      id: 'zoom-out:2',
      label: 'Zoom Out 2x',
      kind: { type: 'zoomOut', factor: '2' },
    }),
    makeAction({
      id: 'pan:left',
      label: 'Pan left',
      emoji: '⬅️',
      kind: { type: 'pan', direction: 'left' },
    }),
    makeAction({
      id: 'MJ::CustomZoom::abc',
      label: 'Custom Zoom',
      mode: 'needsPrompt',
      kind: { type: 'customZoom' },
    }),
    makeAction({
      id: 'MJ::Inpaint::1::abc::SOLO',
      label: 'Vary (Region)',
      mode: 'needsMask',
      kind: { type: 'varyRegion' },
    }),
  ];
}

/** A gallery image (library row plus its asset addresses). */
export function makeImage(
  id: number,
  over: Partial<GalleryItem> = {},
  extra: Partial<Omit<GalleryImage, 'item'>> = {},
): GalleryImage {
  return {
    item: {
      imageId: id,
      taskId: `task-${id}`,
      parentId: null,
      provider: 'linkr',
      kind: 'grid',
      slot: 'grid',
      kindLabel: 'Imagine',
      prompt: `image number ${id} of a red fox --ar 1:1`,
      model: 'midjourney',
      createdAt: new Date(Date.UTC(2026, 2, 1) - id * 60_000).toISOString(),
      width: 1024,
      height: 1024,
      bytes: 1_500_000,
      favorite: false,
      path: `/library/${id}.png`,
      thumbPath: `/library/thumbs/${id}.webp`,
      demo: false,
      ...over,
    },
    src: `asset://localhost/library/${id}.png`,
    thumbSrc: `asset://localhost/library/thumbs/${id}.webp`,
    ...extra,
  };
}

/** `count` images with ids from `first` upwards. */
export function makeImages(first: number, count: number): GalleryImage[] {
  return Array.from({ length: count }, (_, i) => makeImage(first + i));
}
