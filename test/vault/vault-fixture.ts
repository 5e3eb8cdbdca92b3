/**
 * Shared set-up for vault tests: a data directory, a PATH directory holding a
 * `docker-credential-purser` that runs the helper from sources, and the environment that ties
 * them together (PURSER_DATA, PATH).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunResult, run } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

export const HELPER_ENTRY = fileURLToPath(new URL('../../src/cli/credential-helper.cts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface VaultFixture {
  readonly root: string;
  readonly dataDir: string;
  readonly binDir: string;
  /** PURSER_DATA and a PATH with docker-credential-purser first. */
  readonly env: Record<string, string>;
  cli(args: readonly string[], input?: string): Promise<RunResult>;
  helper(action: string, input?: string, env?: Record<string, string | undefined>): Promise<RunResult>;
}

export function vaultFixture(): VaultFixture {
  const root = tempDir('purser-vault-');
  const dataDir = join(root, 'data');
  const binDir = join(root, 'bin');
  mkdirSync(binDir, { recursive: true });
  const script = join(binDir, 'docker-credential-purser');
  writeFileSync(script, `#!/bin/sh\nexec "${process.execPath}" --import "${TSX}" "${HELPER_ENTRY}" "$@"\n`);
  chmodSync(script, 0o755);
  const env = { PURSER_DATA: dataDir, PATH: `${binDir}:${process.env.PATH ?? ''}` };
  return {
    root,
    dataDir,
    binDir,
    env,
    cli: (args, input) => purserCli(args, { env, ...(input === undefined ? {} : { input }) }),
    helper: (action, input, extra = {}) =>
      run(script, [action], { env: { ...env, ...extra }, ...(input === undefined ? {} : { input }) }),
  };
}
