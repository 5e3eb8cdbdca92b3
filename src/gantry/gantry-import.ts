/**
 * `purser gantry import`: Gantry's credential inputs into the vault. Each configuration directory
 * becomes a vault environment: the default location (empty `<configuration>`) goes to `default`,
 * any other to an environment named after the directory's last path component, lowercased, with
 * characters an environment name cannot hold replaced by `-` (`/etc/gantry/GHCR` → `ghcr`,
 * `./configs/team a` → `team-a`, `/root/.docker` → `docker`). `--env E` puts everything into one environment instead. Two
 * directories that would share a name are refused (name them apart, or use --env). Credentials are
 * verified against their registry first (unless told not to); strict and lenient mean what they
 * mean for `gantry login`.
 */
import path from 'node:path';
import { BadRequest } from '../domain/errors.ts';
import {
  type VerifyCredentialsOptions,
  type VerifyCredentialsResult,
  verifyCredentials,
} from '../registry-client/login.ts';
import type { Actor } from '../vault/actor.ts';
import { DEFAULT_ENVIRONMENT, parseEnvironmentName } from '../vault/environment-settings.ts';
import type { Vault } from '../vault/vault.ts';
import type { GantryCredential, InputProblem } from './gantry-credential.ts';
import type { GantryInputs } from './gantry-inputs.ts';
import { verificationTarget } from './verification-target.ts';

export interface ImportResult {
  readonly source: string;
  readonly configuration: string;
  readonly environment: string;
  readonly registry: string;
  readonly username: string;
  readonly status: 'imported' | 'invalid' | 'not-imported';
  readonly message?: string;
}

export interface GantryImportReport {
  readonly results: readonly ImportResult[];
  readonly problems: readonly InputProblem[];
  readonly warnings: readonly string[];
  readonly nothingImported: boolean;
  readonly ok: boolean;
}

export interface GantryImportOptions {
  readonly inputs: GantryInputs;
  readonly vault: Vault;
  readonly actor: Actor;
  readonly lenient?: boolean;
  /** Put every credential into this environment instead of one per configuration directory. */
  readonly environment?: string | undefined;
  /** Skip the registry check (default: verify). */
  readonly verify?: boolean;
  readonly insecure?: boolean;
  readonly verifier?: (options: VerifyCredentialsOptions) => Promise<VerifyCredentialsResult>;
}

/** The environment a configuration directory becomes. */
export function environmentForConfiguration(configuration: string): string {
  if (configuration === '') return DEFAULT_ENVIRONMENT;
  const base = path.basename(configuration.replace(/[\\/]+$/, ''));
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63);
  return slug === '' ? 'gantry' : parseEnvironmentName(slug);
}

export async function gantryImport(options: GantryImportOptions): Promise<GantryImportReport> {
  const { credentials, problems } = options.inputs;
  const lenient = options.lenient === true;
  const warnings: string[] = [];
  const fixed = options.environment === undefined ? undefined : parseEnvironmentName(options.environment);
  const envOf = (c: GantryCredential) => fixed ?? environmentForConfiguration(c.configuration);

  // Two different directories must not land in one environment by accident.
  if (fixed === undefined) {
    const owners = new Map<string, string>();
    for (const c of credentials) {
      const env = envOf(c);
      const dir = c.configuration === '' ? '(default location)' : path.normalize(c.configuration);
      const owner = owners.get(env);
      if (owner !== undefined && owner !== dir) {
        throw new BadRequest(
          `configurations ${owner} and ${dir} would both become environment "${env}"; rename one directory, or import them separately with --env`,
        );
      }
      owners.set(env, dir);
    }
  }

  if (problems.length > 0 && !lenient) {
    const results = credentials.map((c) =>
      result(c, envOf(c), 'not-imported', 'not attempted: fix the problems above, or use --lenient'),
    );
    return { results, problems, warnings, nothingImported: true, ok: false };
  }

  const verifier = options.verifier ?? verifyCredentials;
  const verdicts: VerifyCredentialsResult[] =
    options.verify === false
      ? credentials.map(() => ({ ok: true, scheme: 'none', endpoint: '(not verified)' }))
      : await Promise.all(
          credentials.map((c) =>
            verifier({
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
  const skip = anyInvalid && !lenient;

  const seen = new Map<string, GantryCredential>();
  const results: ImportResult[] = [];
  for (const [i, c] of credentials.entries()) {
    const verdict = verdicts[i]!;
    const env = envOf(c);
    if (!verdict.ok) {
      results.push(result(c, env, 'invalid', `the registry refused it: ${verdict.reason}`));
      continue;
    }
    if (skip) {
      results.push(
        result(
          c,
          env,
          'not-imported',
          'verified, but not imported because another credential failed (strict)',
        ),
      );
      continue;
    }
    const key = `${env}/${c.registry}`;
    const previous = seen.get(key);
    if (previous)
      warnings.push(
        `${c.source} replaces ${previous.source} for ${c.registry} in environment ${env} (the newest wins)`,
      );
    seen.set(key, c);
    await options.vault.add(
      { environment: env, address: c.registry, username: c.username, secret: c.password, kind: 'basic' },
      options.actor,
    );
    results.push(result(c, env, 'imported'));
  }
  const ok = results.every((r) => r.status === 'imported');
  return { results, problems, warnings, nothingImported: skip, ok };
}

function result(
  c: GantryCredential,
  environment: string,
  status: ImportResult['status'],
  message?: string,
): ImportResult {
  return {
    source: c.source,
    configuration: c.configuration,
    environment,
    registry: c.registry,
    username: c.username,
    status,
    ...(message === undefined ? {} : { message }),
  };
}
