/**
 * `purser gantry login`: what Gantry does with `docker login` on every iteration, without a Docker
 * daemon or CLI. Each credential is verified against its registry (ping, challenge, token), then
 * written to `<configuration>/config.json` with an atomic merge that keeps the file's other
 * content. Strict (Gantry's code): one invalid input line, or any credential the registry refuses,
 * means nothing is written. Lenient (Gantry's documentation): bad lines are skipped and reported,
 * and every credential that verifies is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dockerConfigKey } from '../domain/registry-address.ts';
import {
  type DockerConfigObject,
  dockerAuthEntry,
  mergeDockerConfigFile,
  parseDockerConfig,
} from '../formats/docker-config.ts';
import type { ExportCredential } from '../formats/registry.ts';
import {
  type VerifyCredentialsOptions,
  type VerifyCredentialsResult,
  verifyCredentials,
} from '../registry-client/login.ts';
import type { GantryCredential, InputProblem } from './gantry-credential.ts';
import { configurationDir, type GantryInputs } from './gantry-inputs.ts';
import { verificationTarget } from './verification-target.ts';

export type LoginStatus = 'written' | 'verified' | 'invalid' | 'not-written' | 'write-failed';

export interface LoginResult {
  readonly source: string;
  readonly configuration: string;
  /** Absolute configuration directory. */
  readonly dir: string;
  readonly registry: string;
  readonly username: string;
  readonly status: LoginStatus;
  /** Why it failed, or a note (e.g. a credential helper that shadows the entry). */
  readonly message?: string;
}

export interface GantryLoginReport {
  readonly results: readonly LoginResult[];
  /** Input problems (bad lines, unreadable files), each with its source and line. */
  readonly problems: readonly InputProblem[];
  readonly warnings: readonly string[];
  /** Strict mode found a problem, so no configuration was changed. */
  readonly nothingWritten: boolean;
  /** True when every credential was written (lenient: bad lines do not count). */
  readonly ok: boolean;
}

export interface GantryLoginOptions {
  readonly inputs: GantryInputs;
  readonly lenient?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Allow plain HTTP / unverified TLS for every registry (loopback registries always are). */
  readonly insecure?: boolean;
  /** Verify only; write nothing. */
  readonly dryRun?: boolean;
  readonly verify?: (options: VerifyCredentialsOptions) => Promise<VerifyCredentialsResult>;
  readonly writeConfig?: (file: string, entries: readonly ExportCredential[]) => void;
  readonly realpath?: (p: string) => string;
}

export async function gantryLogin(options: GantryLoginOptions): Promise<GantryLoginReport> {
  const cwd = options.cwd ?? process.cwd();
  const lenient = options.lenient === true;
  const { credentials, problems } = options.inputs;
  const warnings: string[] = [];
  const dirOf = (c: GantryCredential) =>
    configurationDir(c.configuration, options.env, cwd, options.realpath);

  if (problems.length > 0 && !lenient) {
    const results = credentials.map((c) =>
      result(c, dirOf(c), 'not-written', 'not attempted: fix the problems above, or use --lenient'),
    );
    return { results, problems, warnings, nothingWritten: true, ok: false };
  }

  const verify = options.verify ?? verifyCredentials;
  const verdicts = await Promise.all(
    credentials.map((c) =>
      verify({
        registry: verificationTarget(c.registry),
        username: c.username,
        password: c.password,
        ...(options.insecure ? { insecure: true } : {}),
      }).catch(
        (error: unknown): VerifyCredentialsResult => ({ ok: false, reason: (error as Error).message }),
      ),
    ),
  );
  const anyInvalid = verdicts.some((v) => !v.ok);

  // The last credential for a (directory, registry) pair wins, as with repeated `docker login`.
  const byDir = new Map<string, Map<string, GantryCredential>>();
  credentials.forEach((c, i) => {
    if (!verdicts[i]!.ok) return;
    const dir = dirOf(c);
    const entries = byDir.get(dir) ?? new Map<string, GantryCredential>();
    const previous = entries.get(c.registry);
    if (previous) warnings.push(`${c.source} replaces ${previous.source} for ${c.registry} in ${dir}`);
    entries.set(c.registry, c);
    byDir.set(dir, entries);
  });

  const writeConfig = options.writeConfig ?? writeIfChanged;
  const writeErrors = new Map<string, string>();
  const skipWrites = options.dryRun === true || (anyInvalid && !lenient);
  for (const [dir, entries] of byDir) {
    const file = path.join(dir, 'config.json');
    warnings.push(...shadowWarnings(file, [...entries.keys()]));
    if (skipWrites) continue;
    try {
      writeConfig(
        file,
        [...entries.values()].map((c) => ({
          address: c.registry,
          username: c.username,
          secret: c.password,
          kind: 'basic',
        })),
      );
    } catch (error) {
      writeErrors.set(dir, describeWriteError(file, error));
    }
  }

  const results = credentials.map((c, i): LoginResult => {
    const verdict = verdicts[i]!;
    const dir = dirOf(c);
    if (!verdict.ok) return result(c, dir, 'invalid', `the registry refused it: ${verdict.reason}`);
    if (options.dryRun) return result(c, dir, 'verified');
    if (skipWrites)
      return result(
        c,
        dir,
        'not-written',
        'verified, but not written because another credential failed (strict)',
      );
    const failed = writeErrors.get(dir);
    if (failed) return result(c, dir, 'write-failed', failed);
    return result(c, dir, 'written');
  });
  const ok = results.every((r) => r.status === 'written' || r.status === 'verified');
  return { results, problems, warnings, nothingWritten: skipWrites && !options.dryRun, ok };
}

/**
 * mergeDockerConfigFile, skipped when config.json already holds exactly these entries: so a
 * config.json mounted read-only that is already up to date is not an error.
 */
function writeIfChanged(file: string, entries: readonly ExportCredential[]): void {
  let current: DockerConfigObject | undefined;
  try {
    current = parseDockerConfig(fs.readFileSync(file, 'utf8'), file);
  } catch {
    current = undefined;
  }
  const upToDate =
    current !== undefined &&
    entries.every((e) => {
      const existing = current.auths?.[dockerConfigKey(e.address)];
      const wanted = dockerAuthEntry(e);
      return (
        existing !== undefined &&
        existing.auth === wanted.auth &&
        existing.identitytoken === wanted.identitytoken
      );
    });
  if (!upToDate) mergeDockerConfigFile(file, entries);
}

function result(c: GantryCredential, dir: string, status: LoginStatus, message?: string): LoginResult {
  return {
    source: c.source,
    configuration: c.configuration,
    dir,
    registry: c.registry,
    username: c.username,
    status,
    ...(message === undefined ? {} : { message }),
  };
}

/** Entries in `auths` are ignored by docker when a credential store or helper claims the registry. */
function shadowWarnings(file: string, registries: readonly string[]): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  let config: ReturnType<typeof parseDockerConfig>;
  try {
    config = parseDockerConfig(text, file);
  } catch {
    return [];
  }
  const warnings: string[] = [];
  for (const registry of registries) {
    const key = dockerConfigKey(registry);
    const helper = config.credHelpers?.[key] ?? config.credHelpers?.[registry];
    if (helper) {
      warnings.push(
        `${file}: credHelpers sends ${key} to docker-credential-${helper}, so docker ignores the auths entry written for it`,
      );
    } else if (config.credsStore) {
      warnings.push(
        `${file}: credsStore "${config.credsStore}" is set, so docker reads ${key} from docker-credential-${config.credsStore}, not from auths`,
      );
    }
  }
  return warnings;
}

function describeWriteError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EBUSY') {
    return `cannot write ${file} (${code}): the configuration directory must be writable (docker buildx imagetools inspect writes under it too); mount the directory read-write, or see "purser gantry login --help" for mounting only config.json read-only`;
  }
  return `cannot write ${file}: ${(error as Error).message}`;
}
