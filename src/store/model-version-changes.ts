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

  readonly #announce: () => Promise<void>;

  /** `announce`: tells the other processes after this one committed (change-feed.ts). */
  constructor(db: Kysely<Database>, options: { readonly announce?: () => Promise<void> } = {}) {
    this.#db = db;
    this.#announce = options.announce ?? (async () => {});
  }

  get version(): number {
    return this.#version;
  }

  async notify(): Promise<void> {
    // Told even when delivery here fails: the others have the committed change to read.
    await Promise.allSettled([this.#announce()]);
    await this.catchUp();
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
