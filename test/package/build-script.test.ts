/**
 * `prepare` (scripts/build.mjs --prepare) in a production install: `npm ci --omit=dev` has no
 * TypeScript, so a checkout that has dist/ keeps it, and one without dist/ says what to do.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { describeResult, run } from '../support/proc.ts';
import { REPO_ROOT } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

function checkoutWithoutTypeScript(): string {
  const dir = tempDir('purser-prepare-');
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.copyFileSync(path.join(REPO_ROOT, 'scripts/build.mjs'), path.join(dir, 'scripts/build.mjs'));
  fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
  return dir;
}

test('without TypeScript, prepare keeps an existing dist/ and exits 0', async () => {
  const dir = checkoutWithoutTypeScript();
  fs.mkdirSync(path.join(dir, 'dist/cli'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist/cli/main.js'), '');
  const prepared = await run(process.execPath, ['scripts/build.mjs', '--prepare'], { cwd: dir });
  assert.equal(prepared.code, 0, describeResult(prepared));
  assert.match(prepared.stderr, /TypeScript is not installed.*using the dist\/ already built/);
  const built = await run(process.execPath, ['scripts/build.mjs'], { cwd: dir });
  assert.equal(built.code, 1, 'an explicit build still needs TypeScript');
});

test('without TypeScript and without dist/, prepare fails and says what to run', async () => {
  const dir = checkoutWithoutTypeScript();
  const prepared = await run(process.execPath, ['scripts/build.mjs', '--prepare'], { cwd: dir });
  assert.equal(prepared.code, 1, describeResult(prepared));
  assert.match(prepared.stderr, /no dist\/ to use: run `npm ci` \(with dev dependencies\) first/);
});
