#!/usr/bin/env node
// Compiles src/ into dist/ and records the build (dist/build-info.json: version and commit, for
// `purser --version` and purser_build_info; a tarball install has no git to ask).
// Usage: node scripts/build.mjs            (npm run build)
//        node scripts/build.mjs --prepare  (npm's prepare: without TypeScript, as after
//                                           `npm ci --omit=dev`, keep the dist/ that is there)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const prepare = process.argv.includes('--prepare');

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}

if (tsc === undefined) {
  if (prepare && existsSync(join(root, 'dist/cli/main.js'))) {
    console.error(
      'purser build: TypeScript is not installed (production install); using the dist/ already built',
    );
    process.exit(0);
  }
  console.error(
    'purser build: TypeScript is not installed and there is no dist/ to use: run `npm ci` (with dev dependencies) first',
  );
  process.exit(1);
}

const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);

buildConsole();

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(
  join(root, 'dist/build-info.json'),
  `${JSON.stringify({ version: pkg.version, commit: commit() }, null, 2)}\n`,
);

/**
 * The web console (web/, React + Vite) into dist/console/, served by `purser serve` at /console/.
 * `npm run build` type-checks it first against the server's reply types; npm's prepare only
 * bundles it (the test run type-checks). Without Vite (production install), the dist/console/
 * already built is kept.
 */
function buildConsole() {
  const require = createRequire(join(root, 'package.json'));
  let vite;
  try {
    vite = join(require.resolve('vite/package.json'), '../bin/vite.js');
  } catch {
    vite = undefined;
  }
  if (vite === undefined) {
    if (existsSync(join(root, 'dist/console/index.html'))) return;
    console.error('purser build: Vite is not installed and there is no dist/console/: run `npm ci` first');
    process.exit(1);
  }
  if (!prepare) {
    for (const project of ['tsconfig.api-types.json', 'web/tsconfig.json']) {
      const checked = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
      if (checked.status !== 0) process.exit(checked.status ?? 1);
    }
  }
  const bundled = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (bundled.status !== 0) process.exit(bundled.status ?? 1);
}

/** PURSER_COMMIT (a container build has no .git), else git, else null. */
function commit() {
  if (process.env.PURSER_COMMIT) return process.env.PURSER_COMMIT;
  if (!existsSync(join(root, '.git'))) return null;
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
    encoding: 'utf8',
  });
  return `${head.stdout.trim()}${dirty.status === 0 && dirty.stdout.trim() !== '' ? '-dirty' : ''}`;
}
