/**
 * One export or import on its way (the transfer dialogs): its id, the core's progress
 * (`bulk-progress` events carrying that id; other ids are other work), a Cancel, and what it
 * ended with (the outcome, or the sentence of why it failed). Components only show this.
 */
import type { BulkProgress } from './bindings/BulkProgress';
import { errorMessage } from './errors';
import * as ipc from './ipc';
import { progressValues, transferOpId, transferProgressText } from './transfer';

export class TransferJob<T> {
  /** The id of the run on its way, or of the last one. */
  opId = $state<string | null>(null);
  done = $state(0);
  /** How many images in all (0 while not known yet). */
  total = $state(0);
  running = $state(false);
  /** Cancel was pressed; the core stops soon. */
  cancelling = $state(false);
  /** What the last run ended with. */
  result = $state.raw<T | null>(null);
  /** Why the last run (or its Cancel) failed, in words. */
  error = $state<string | null>(null);

  #newId: () => string;
  #unlisten: (() => void) | null = null;
  #listening: Promise<void> | null = null;
  #stopped = false;

  constructor(kind: 'export' | 'import', options: { newId?: () => string } = {}) {
    this.#newId = options.newId ?? (() => transferOpId(kind));
  }

  /** The words beside the bar: "123 of 6,000 images", "Stopping…". */
  get progressText(): string {
    return this.cancelling ? 'Stopping…' : transferProgressText(this.done, this.total);
  }

  /** The `<progress>` values, or null while the total is not known (an indeterminate bar). */
  get progress(): { value: number; max: number } | null {
    return progressValues(this.done, this.total);
  }

  /**
   * Runs `work` with a new id (`total`: how many images, when known before the core says).
   * Resolves to its result, or null when it failed (the sentence is in `error`) or another
   * run is on its way.
   */
  async run(work: (opId: string) => Promise<T>, total: number | null = null): Promise<T | null> {
    if (this.running) return null;
    const opId = this.#newId();
    this.opId = opId;
    this.done = 0;
    this.total = total ?? 0;
    this.result = null;
    this.error = null;
    this.cancelling = false;
    this.running = true;
    try {
      await this.#listen();
      const result = await work(opId);
      this.result = result;
      return result;
    } catch (error) {
      this.error = errorMessage(error);
      return null;
    } finally {
      this.running = false;
      this.cancelling = false;
    }
  }

  /** Asks the core to stop the run on its way. */
  async cancel(): Promise<void> {
    const opId = this.opId;
    if (!this.running || this.cancelling || opId === null) return;
    this.cancelling = true;
    try {
      await ipc.cancelBulk(opId);
    } catch (error) {
      this.error = errorMessage(error);
      if (this.opId === opId) this.cancelling = false;
    }
  }

  /** The dialog is going away: stop listening, and stop a run that is still on its way. */
  stop(): void {
    this.#stopped = true;
    this.#unlisten?.();
    this.#unlisten = null;
    if (this.running) void this.cancel();
  }

  /** Subscribes to `bulk-progress` once, before the first run is sent. */
  #listen(): Promise<void> {
    this.#listening ??= ipc
      .onBulkProgress((p) => this.#progress(p))
      .then((unlisten) => {
        if (this.#stopped) unlisten();
        else this.#unlisten = unlisten;
      })
      .catch(() => {
        // No progress events: the bar waits until the run ends; try again next time.
        this.#listening = null;
      });
    return this.#listening;
  }

  #progress(p: BulkProgress): void {
    if (!this.running || p.opId !== this.opId) return;
    this.done = p.done;
    this.total = p.total;
  }
}
