/**
 * Finding the real programs that end-to-end tests drive (docker-registry, skopeo, containerd…).
 * A missing binary skips the test with a printed reason on a developer machine, and fails loudly
 * under CI, where scripts/install-test-deps.sh is expected to have installed everything.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';

/** Directories searched after PATH: sbin is often missing from a non-root PATH. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an executable named `name`, or undefined when it is not installed. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function hasBinary(name: string): boolean {
  return findBinary(name) !== undefined;
}

/**
 * Returns true when `name` is installed. Otherwise: under CI (process.env.CI set) throws, so the
 * test fails; elsewhere skips the test, prints why to stderr and returns false — the caller must
 * `return` at once: `if (!requireBinary(t, 'skopeo')) return;`.
 */
export function requireBinary(t: TestContext, name: string): boolean {
  if (hasBinary(name)) return true;
  if (process.env.CI) {
    throw new Error(
      `required binary "${name}" is not installed (CI is set, so this fails instead of skipping); ` +
        'scripts/install-test-deps.sh installs it',
    );
  }
  const reason = `${name} not installed: run scripts/install-test-deps.sh`;
  process.stderr.write(`# skip ${t.name}: ${reason}\n`);
  t.skip(reason);
  return false;
}

/** requireBinary for several binaries at once; skips (or throws) on the first missing one. */
export function requireBinaries(t: TestContext, names: readonly string[]): boolean {
  for (const name of names) if (!requireBinary(t, name)) return false;
  return true;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
