/**
 * Shared set-up for vault tests: a data directory, a PATH directory holding
 * `docker-credential-purser` as npm installs it (a symlink to bin/docker-credential-purser,
 * which runs dist/; `npm test` rebuilds dist/ first), and the environment that ties them
 * together (PURSER_DATA, PATH).
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunResult, run } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const HELPER_COMMAND = fileURLToPath(new URL('../../bin/docker-credential-purser', import.meta.url));
const HELPER_BUILD = fileURLToPath(new URL('../../dist/cli/credential-helper.cjs', import.meta.url));

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
  if (!existsSync(HELPER_BUILD))
    throw new Error(`${HELPER_BUILD} is missing: run npm run build (npm test does)`);
  const script = join(binDir, 'docker-credential-purser');
  symlinkSync(HELPER_COMMAND, script);
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
