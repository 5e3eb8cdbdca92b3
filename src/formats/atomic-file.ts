/**
 * Replacing a file atomically the way docker/cli `ConfigFile.Save` does: write a temporary file
 * in the same directory, give it the old file's mode (and owner, when we may), then rename over
 * the target. Symlinks are followed, dangling ones included, so the link itself survives.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Mode for a file that does not exist yet; default 0600. */
  readonly defaultMode?: number;
  /** Mode for a directory that must be created; default 0700. */
  readonly dirMode?: number;
  /** Copy the existing file to `<file>.bak` (same mode) before replacing it. Returns its path. */
  readonly backup?: boolean;
}

/** The real path a write to `file` lands on (symlinks followed, even dangling ones). */
export function resolveWriteTarget(file: string): string {
  let target = path.resolve(file);
  for (let hops = 0; hops < 40; hops += 1) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(target);
    } catch {
      return target;
    }
    if (!stat.isSymbolicLink()) return target;
    target = path.resolve(path.dirname(target), fs.readlinkSync(target));
  }
  throw new Error(`too many levels of symbolic links: ${file}`);
}

/** Writes `content` to `file` atomically; returns the backup path when one was made. */
export function writeFileAtomic(
  file: string,
  content: string | Buffer,
  options: AtomicWriteOptions = {},
): string | undefined {
  const target = resolveWriteTarget(file);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  let existing: fs.Stats | undefined;
  try {
    existing = fs.statSync(target);
  } catch {
    existing = undefined;
  }
  const mode = existing ? existing.mode & 0o7777 : (options.defaultMode ?? 0o600);
  let backupPath: string | undefined;
  if (existing && options.backup) {
    backupPath = `${target}.bak`;
    fs.copyFileSync(target, backupPath);
    fs.chmodSync(backupPath, mode);
  }
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { mode, flag: 'wx' });
    fs.chmodSync(tmp, mode);
    if (existing) {
      try {
        fs.chownSync(tmp, existing.uid, existing.gid);
      } catch {
        // not permitted (not root): the file keeps our ownership, like docker/cli
      }
    }
    fs.renameSync(tmp, target);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  return backupPath;
}
