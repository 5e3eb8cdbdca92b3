/**
 * ModelChanges over the `model_version` counter (meta table): every writer bumps it in the
 * transaction of its change, and looking for changes means reading it. `notify()` and
 * `catchUp()` are the same read here; a push-based implementation makes `catchUp()` cheap.
 *
 * A caller that finds a version another caller is still delivering waits for that delivery, so
 * a write followed by a read in one request always sees the write.
 */
import type { Kysely } from 'kysely';
import { readModelVersion } from './access-store.ts';
import type { ModelChangeListener, ModelChanges } from './model-changes.ts';
import type { Database } from './schema.ts';

export class ModelVersionChanges implements ModelChanges {
  readonly #db: Kysely<Database>;
  readonly #listeners = new Set<ModelChangeListener>();
  #version = -1;
  #delivered: Promise<void> = Promise.resolve();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  get version(): number {
    return this.#version;
  }

  notify(): Promise<void> {
    return this.catchUp();
  }

  async catchUp(): Promise<void> {
    const version = await readModelVersion(this.#db);
    if (version !== this.#version) {
      this.#version = version;
      this.#delivered = this.#delivered.catch(() => {}).then(() => this.#deliver(version));
    }
    await this.#delivered;
  }

  onChange(listener: ModelChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #deliver(version: number): Promise<void> {
    try {
      for (const listener of this.#listeners) await listener(version);
    } catch (error) {
      // Not delivered: the next look delivers it again.
      if (this.#version === version) this.#version = -1;
      throw error;
    }
  }
}
