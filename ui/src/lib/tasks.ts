/** Words and list logic for tasks. Pure functions, no DOM. */
import type { TaskSummary } from './bindings/TaskSummary';
import type { TaskProgress } from './bindings/TaskProgress';
import type { TaskView } from './bindings/TaskView';

const FINAL = new Set<string>(['succeeded', 'failed', 'timed_out']);

export function isFinal(task: Pick<TaskSummary, 'status'>): boolean {
  return FINAL.has(task.status);
}

export function isLive(task: Pick<TaskSummary, 'status'>): boolean {
  return task.status === 'queued' || task.status === 'running';
}

function clampProgress(p: number | null | undefined): number | null {
  if (typeof p !== 'number' || !Number.isFinite(p)) return null;
  return Math.min(100, Math.max(0, Math.round(p)));
}

/** The progress to show on a running task's bar, or null for an indeterminate bar. */
export function taskProgress(task: Pick<TaskSummary, 'status' | 'progress'>): number | null {
  if (task.status === 'succeeded') return 100;
  return task.status === 'running' ? clampProgress(task.progress) : null;
}

/** The state in a few words: "Queued", "Running 45%", "Done", "Failed: reason", "Timed out". */
export function taskStateText(
  task: Pick<TaskSummary, 'status' | 'progress' | 'error' | 'rawStatus'> &
    Partial<Pick<TaskSummary, 'finishedLate'>>,
): string {
  switch (task.status) {
    case 'queued':
      return 'Queued';
    case 'running': {
      const p = clampProgress(task.progress);
      return p === null ? 'Running' : `Running ${p}%`;
    }
    case 'succeeded':
      return task.finishedLate ? 'Done (late)' : 'Done';
    case 'failed': {
      const reason = task.error?.trim();
      return `Failed: ${reason || 'the provider gave no reason.'}`;
    }
    case 'timed_out':
      return 'Timed out';
    default: {
      const raw = task.rawStatus?.trim();
      return raw ? `Working (${raw})` : 'Working';
    }
  }
}

/**
 * The provider's own word, shown quietly beside the state while a task is live
 * ("processing", "staged"), when it adds something to the state text.
 */
export function rawStateWord(task: Pick<TaskSummary, 'status' | 'rawStatus'>): string | null {
  if (!isLive(task)) return null;
  const raw = task.rawStatus?.trim();
  if (!raw || raw.length > 40) return null;
  return raw.toLowerCase() === task.status ? null : raw;
}

/** The sentence for a timed-out task. */
export const TIMED_OUT_HINT =
  'The provider did not finish in time. Retry, or try again later if it is busy.';

/**
 * The sentence under a timed-out task. When Atelier stopped waiting at its own deadline it
 * keeps checking quietly (free) until `recheckUntil`; a late result still lands on the card,
 * so the person need not pay for the job twice.
 */
export function timedOutHint(
  task: Pick<TaskSummary, 'recheckUntil'>,
  providerName: string,
  now: Date = new Date(),
): string {
  const until = task.recheckUntil ? new Date(task.recheckUntil) : null;
  if (!until || !Number.isFinite(until.getTime()) || until <= now) return TIMED_OUT_HINT;
  const name = providerName;
  const when = until.toLocaleString(undefined, {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `Atelier stopped waiting, but the job may still finish at ${name}. It checks again quietly until ${when} (checking is free), and a late result lands here and in the gallery. Retry would start, and charge for, a new job.`;
}

/** True when a prompt is long enough that two lines may cut it. */
export function isLongPrompt(prompt: string | null | undefined): boolean {
  return !!prompt && (prompt.length > 140 || prompt.includes('\n'));
}

function createdMs(view: TaskView): number | null {
  const t = view.task.createdAt ? Date.parse(view.task.createdAt) : NaN;
  return Number.isFinite(t) ? t : null;
}

/**
 * Puts a task into a newest-first list. A known task is replaced where it is
 * (an update never moves a card); a new one goes above the first older task, or
 * on top when its time is unknown. A final task never goes back to a live state
 * (late progress events are ignored).
 */
export function upsertTask(list: readonly TaskView[], view: TaskView): TaskView[] {
  const i = list.findIndex((v) => v.task.id === view.task.id);
  if (i >= 0) {
    const old = list[i];
    if (isFinal(old.task) && !isFinal(view.task)) return list as TaskView[];
    const out = list.slice();
    out[i] = view;
    return out;
  }
  const t = createdMs(view);
  let at = 0;
  if (t !== null) {
    at = list.findIndex((v) => {
      const o = createdMs(v);
      return o !== null && o <= t;
    });
    if (at < 0) at = list.length;
  }
  return [...list.slice(0, at), view, ...list.slice(at)];
}

/**
 * Applies a `task-progress` event to the card it belongs to (a new list), or returns the
 * list unchanged when the task is not listed yet (its `task-update` brings it) or has
 * finished meanwhile.
 */
export function applyProgress(list: readonly TaskView[], p: TaskProgress): TaskView[] {
  const i = list.findIndex((v) => v.task.id === p.id);
  if (i < 0 || isFinal(list[i].task)) return list as TaskView[];
  const old = list[i];
  const out = list.slice();
  out[i] = {
    ...old,
    task: { ...old.task, progress: p.progress, rawStatus: p.rawStatus },
    media: { ...old.media, downloading: p.downloading },
  };
  return out;
}

/** Merges a fresh list (from list_tasks) with what arrived meanwhile by events. */
export function mergeTasks(current: readonly TaskView[], fresh: readonly TaskView[]): TaskView[] {
  let out = fresh.slice();
  for (const v of current) out = upsertTask(out, v);
  return out;
}

/** "14:32" today, "12 Mar, 14:32" otherwise; '' when unknown. */
export function formatTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  const day = d.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
  return `${day}, ${time}`;
}

/** CSS background-position for quadrant 1..4 of a 2x2 grid shown at background-size 200%. */
export function quadrantPosition(quadrant: number): string {
  const q = Math.min(4, Math.max(1, Math.round(quadrant))) - 1;
  return `${q % 2 === 0 ? '0%' : '100%'} ${q < 2 ? '0%' : '100%'}`;
}
