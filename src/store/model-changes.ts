/**
 * How a process learns that the access model changed, whoever changed it: this process (an
 * application service after a write), the CLI on the same data directory, or another replica on
 * the same PostgreSQL. The application services call `notify()` after a write and `catchUp()`
 * before a read that must see other processes' changes; the authority listens with `onChange`
 * and reloads its snapshot.
 *
 * Today's implementation (model-version-changes.ts) reads the `model_version` counter every
 * writer bumps inside its transaction. A push-based one (PostgreSQL LISTEN/NOTIFY, a SQLite
 * change counter shared by workers) implements the same interface: listeners and callers do not
 * change.
 */
export type ModelChangeListener = (version: number) => Promise<void> | void;

export interface ModelChanges {
  /** The newest model version this process has seen (-1 before the first look). */
  readonly version: number;
  /**
   * This process committed a change (the writer bumped the version in its transaction).
   * Resolves once every listener has the change, so a reply can show the written state.
   */
  notify(): Promise<void>;
  /** Brings the listeners up to date with changes made elsewhere; resolves once they are. */
  catchUp(): Promise<void>;
  /** Calls `listener` with each new version, in order, one at a time; returns an unsubscribe. */
  onChange(listener: ModelChangeListener): () => void;
}
