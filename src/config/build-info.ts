/**
 * What this build is: the package version and the commit it was built from, recorded at build
 * time in dist/build-info.json (scripts/build.mjs), since an installed package has no git.
 * Running from the sources (tsx), the commit comes from the checkout's git.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  readonly version: string;
  /** The full commit hash, `-dirty` when built with uncommitted changes; undefined when unknown. */
  readonly commit: string | undefined;
}

/** dist/config/build-info.js → dist/build-info.json; src/config → src/build-info.json (absent). */
const RECORDED = new URL('../build-info.json', import.meta.url);
/** Two levels up from src/config or dist/config: the package root. */
const PACKAGE_ROOT = new URL('../../', import.meta.url);

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  cached ??= Object.freeze(recorded() ?? fromCheckout());
  return cached;
}

/** `purser 0.1.0 (commit 0123456789ab)`: what `purser --version` prints. */
export function versionLine(info: BuildInfo = buildInfo()): string {
  const commit = info.commit?.replace(/^([0-9a-f]{12})[0-9a-f]*/, '$1') ?? 'unknown';
  return `purser ${info.version} (commit ${commit})`;
}

function recorded(): BuildInfo | undefined {
  let text: string;
  try {
    text = fs.readFileSync(RECORDED, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as { version?: unknown; commit?: unknown };
  return {
    version: typeof parsed.version === 'string' ? parsed.version : packageVersion(),
    commit: typeof parsed.commit === 'string' ? parsed.commit : undefined,
  };
}

function fromCheckout(): BuildInfo {
  const root = fileURLToPath(PACKAGE_ROOT);
  let commit: string | undefined;
  if (fs.existsSync(new URL('.git', PACKAGE_ROOT))) {
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
    if (head.status === 0) commit = head.stdout.trim();
  }
  return { version: packageVersion(), commit };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
