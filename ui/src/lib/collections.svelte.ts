/**
 * The collections of the library (the gallery's side list and the collection picker): the
 * list with counts, and making, renaming and deleting one. Each call answers with a sentence
 * to show when it fails (null when it worked), so components only show words.
 */
import type { Collection } from './bindings/Collection';
import { errorMessage } from './errors';
import * as ipc from './ipc';
import { nameProblem } from './workbench';

/** A call's answer: its value, or the sentence saying why it failed. */
export type Outcome<T> = { value: T; error: null } | { value: null; error: string };

function failed<T>(error: string): Outcome<T> {
  return { value: null, error };
}

export class CollectionsStore {
  /** Every collection, in the core's order (by name). */
  list = $state.raw<Collection[]>([]);
  /** The list has answered once. */
  loaded = $state(false);
  /** Why the list could not be loaded. */
  error = $state<string | null>(null);
  #request = 0;

  /** Fetches the list (and the counts) again. */
  async load(): Promise<void> {
    const request = ++this.#request;
    try {
      const list = await ipc.listCollections();
      if (request !== this.#request) return;
      this.list = list;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (request === this.#request) this.error = errorMessage(error);
    }
  }

  /** The collection with this id, if it exists. */
  get(id: number | null): Collection | null {
    return id === null ? null : (this.list.find((c) => c.id === id) ?? null);
  }

  /** Makes an empty collection. */
  async create(name: string): Promise<Outcome<Collection>> {
    const problem = nameProblem(name);
    if (problem) return failed(problem);
    try {
      const made = await ipc.createCollection(name.trim());
      this.#put(made);
      void this.load();
      return { value: made, error: null };
    } catch (error) {
      return failed(errorMessage(error));
    }
  }

  /** Gives a collection another name. */
  async rename(id: number, name: string): Promise<Outcome<Collection>> {
    const problem = nameProblem(name);
    if (problem) return failed(problem);
    try {
      const renamed = await ipc.renameCollection(id, name.trim());
      this.#put(renamed);
      void this.load();
      return { value: renamed, error: null };
    } catch (error) {
      return failed(errorMessage(error));
    }
  }

  /** Deletes a collection (its images stay in the library). */
  async remove(id: number): Promise<Outcome<true>> {
    try {
      await ipc.deleteCollection(id);
      this.list = this.list.filter((c) => c.id !== id);
      void this.load();
      return { value: true, error: null };
    } catch (error) {
      return failed(errorMessage(error));
    }
  }

  /** Shows a made or renamed collection at once, in name order, before the list comes back. */
  #put(collection: Collection): void {
    const rest = this.list.filter((c) => c.id !== collection.id);
    this.list = [...rest, collection].sort((a, b) =>
      a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
    );
  }
}
