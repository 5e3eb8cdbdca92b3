/** Temporary directories for tests, removed when the test process exits (kept if PURSER_TEST_KEEP is set). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
let hookInstalled = false;

/** Creates `$TMPDIR/<prefix>XXXXXX`; it is deleted at process exit unless removed earlier. */
export function tempDir(prefix = 'purser-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', () => {
      if (process.env.PURSER_TEST_KEEP) return;
      for (const d of dirs) {
        try {
          // A daemon killed a moment ago may still be writing; retry, and never throw at exit.
          rmSync(d, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
        } catch {
          process.stderr.write(`# could not remove ${d}\n`);
        }
      }
    });
  }
  return dir;
}

/** Removes a directory made by tempDir now. */
export function removeTempDir(dir: string): void {
  dirs.delete(dir);
  if (!process.env.PURSER_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
}
