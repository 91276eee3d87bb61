/**
 * Dragging gallery images out of the window as files. A thumbnail's drag becomes the system's
 * own drag (started by the shell with the images' originals), which the file manager and other
 * apps take; while it runs, this window's collections take it too, so dragging onto a
 * collection works the same whether the drag started here or not.
 */
import * as ipc from './ipc';
import { errorMessage } from './errors';
import type { Selection } from './bindings/Selection';
import type { DragImages } from './workbench';

/** The system drag of gallery images in progress, if any. */
class DragOut {
  /** The images the running drag carries (for a drop on a collection); null when none runs. */
  images = $state<DragImages | null>(null);
  /** True once the system has the drag (the shell answered), until it ends. */
  started = $state(false);
  /** Why the last drag could not start, in words; null when it did. */
  error = $state<string | null>(null);
  #listening: Promise<void> | null = null;

  /** Starts the system drag of `selection` (`images` is the same, as a drop payload). */
  async start(images: DragImages, selection: Selection): Promise<void> {
    this.error = null;
    await this.#listen();
    this.images = images;
    try {
      await ipc.dragOut(selection);
      // A drag that ended before the answer came has already cleared `images`.
      this.started = this.images !== null;
    } catch (e) {
      this.images = null;
      this.error = errorMessage(e);
    }
  }

  /** The drag is over (dropped somewhere, or cancelled). */
  end(): void {
    this.images = null;
    this.started = false;
  }

  /** Subscribes to `drag-out-ended` once. */
  #listen(): Promise<void> {
    this.#listening ??= ipc
      .onDragOutEnded(() => this.end())
      .then(() => undefined)
      .catch(() => {
        // Without the event a drop on a collection still ends the drag; try again next time.
        this.#listening = null;
      });
    return this.#listening;
  }
}

/** The one drag out of this window. */
export const dragOut = new DragOut();
