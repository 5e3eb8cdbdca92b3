/**
 * The identity (device and inode) of the SQLite file a process opened. An unlinked file keeps
 * working for the process that has it open, so a deleted or replaced `purser.db` would take
 * writes that nobody will ever read; comparing the identity before writes and on readiness
 * detects it.
 */
import fs from 'node:fs';

export class DatabaseFile {
  readonly #dev: number;
  readonly #ino: number;

  constructor(readonly file: string) {
    const stat = fs.statSync(file);
    this.#dev = stat.dev;
    this.#ino = stat.ino;
  }

  /** Why the file is no longer the one opened, or undefined while it is. */
  change(): string | undefined {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT'
        ? `the database file ${this.file} was deleted while Purser was running; restart Purser`
        : `the database file ${this.file} cannot be examined (${code ?? 'error'})`;
    }
    if (stat.dev !== this.#dev || stat.ino !== this.#ino)
      return `the database file ${this.file} was replaced while Purser was running; restart Purser`;
    return undefined;
  }
}
