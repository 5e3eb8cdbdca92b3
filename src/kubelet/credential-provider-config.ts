/**
 * The kubelet's CredentialProviderConfig (kubelet.config.k8s.io/v1), the file
 * `--image-credential-provider-config` names, as `purser export kubelet-provider-config
 * --match GLOB...` writes it. Each provider's `name` must be the executable's name in
 * `--image-credential-provider-bin-dir`. The kubelet's own checks (pkg/credentialprovider/plugin
 * config.go) are applied here, so a written file is never refused at kubelet start.
 */
import YAML from 'yaml';
import { BadRequest } from '../domain/errors.ts';
import { PROVIDER_NAME } from './credential-provider.ts';
import {
  CREDENTIAL_PROVIDER_API_VERSIONS,
  type CredentialProviderApiVersion,
} from './credential-provider-protocol.ts';
import { BadPatternError, filepathMatch } from './filepath-match.ts';
import { parseGoDuration } from './go-duration.ts';
import { parseSchemelessUrl } from './image-match.ts';

export const CREDENTIAL_PROVIDER_CONFIG_API_VERSION = 'kubelet.config.k8s.io/v1';

export interface ProviderEnvVar {
  readonly name: string;
  readonly value: string;
}

export interface ProviderConfigInput {
  /** Default `purser-credential-provider`. */
  readonly name?: string;
  readonly matchImages: readonly string[];
  /** A Go duration; default 10m (answers for expiring tokens carry their own, shorter one). */
  readonly defaultCacheDuration?: string;
  readonly apiVersion?: CredentialProviderApiVersion;
  readonly args?: readonly string[];
  /** E.g. PURSER_ENV, PURSER_CONFIG or PURSER_URL for the plugin. */
  readonly env?: readonly ProviderEnvVar[];
}

export interface CredentialProviderEntry {
  name: string;
  matchImages: string[];
  defaultCacheDuration: string;
  apiVersion: CredentialProviderApiVersion;
  args?: string[];
  env?: ProviderEnvVar[];
}

export interface CredentialProviderConfig {
  apiVersion: typeof CREDENTIAL_PROVIDER_CONFIG_API_VERSION;
  kind: 'CredentialProviderConfig';
  providers: CredentialProviderEntry[];
}

/** Why the kubelet would refuse this `matchImages` entry, or undefined when it is fine. */
export function matchImageProblem(glob: string): string | undefined {
  const url = parseSchemelessUrl(glob);
  if (!url || url.hostname === '') return 'is not a host[:port][/path] the kubelet can parse';
  if (url.port !== '' && !/^\d{1,5}$/.test(url.port)) return 'has an invalid port';
  if (/[*?[\]\\]/.test(url.path)) return 'has a glob in its path (globs are allowed in host labels only)';
  try {
    for (const label of url.hostname.split('.')) filepathMatch(label, '');
  } catch (error) {
    if (error instanceof BadPatternError) return 'has a malformed glob (Go filepath.Match syntax)';
    throw error;
  }
  return undefined;
}

export function buildCredentialProviderConfig(
  inputs: readonly ProviderConfigInput[],
): CredentialProviderConfig {
  if (inputs.length === 0) throw new BadRequest('a CredentialProviderConfig needs at least one provider');
  const problems: string[] = [];
  const seen = new Set<string>();
  const providers = inputs.map((input, i): CredentialProviderEntry => {
    const name = input.name ?? PROVIDER_NAME;
    const where = `providers[${i}] (${name})`;
    if (name === '' || name === '.' || name === '..' || /[/\s]/.test(name))
      problems.push(`${where}: name must be the plugin's file name (no "/", no spaces, not "." or "..")`);
    if (seen.has(name)) problems.push(`${where}: duplicate provider name`);
    seen.add(name);
    if (input.matchImages.length === 0) problems.push(`${where}: give at least one --match image glob`);
    for (const glob of input.matchImages) {
      const problem = matchImageProblem(glob);
      if (problem) problems.push(`${where}: match "${glob}" ${problem}`);
    }
    const duration = input.defaultCacheDuration ?? '10m';
    try {
      if (parseGoDuration(duration) < 0) problems.push(`${where}: defaultCacheDuration must not be negative`);
    } catch {
      problems.push(`${where}: defaultCacheDuration "${duration}" is not a Go duration (e.g. 10m, 1h30m)`);
    }
    const apiVersion = input.apiVersion ?? CREDENTIAL_PROVIDER_API_VERSIONS[0];
    for (const variable of input.env ?? [])
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable.name))
        problems.push(`${where}: invalid env name "${variable.name}"`);
    return {
      name,
      matchImages: [...input.matchImages],
      defaultCacheDuration: duration,
      apiVersion,
      ...(input.args && input.args.length > 0 ? { args: [...input.args] } : {}),
      ...(input.env && input.env.length > 0
        ? { env: input.env.map((v) => ({ name: v.name, value: v.value })) }
        : {}),
    };
  });
  if (problems.length > 0) throw new BadRequest(problems.join('; '));
  return { apiVersion: CREDENTIAL_PROVIDER_CONFIG_API_VERSION, kind: 'CredentialProviderConfig', providers };
}

/** The YAML file, with a header saying where it goes. */
export function renderCredentialProviderConfig(inputs: readonly ProviderConfigInput[]): string {
  const config = buildCredentialProviderConfig(inputs);
  const names = config.providers.map((p) => p.name).join(', ');
  const header = [
    '# kubelet image credential provider configuration (kubelet.config.k8s.io/v1).',
    '# kubelet --image-credential-provider-config=<this file> --image-credential-provider-bin-dir=<dir>',
    `# where <dir> holds an executable named ${names} (npm installs purser-credential-provider).`,
    '',
  ].join('\n');
  return header + YAML.stringify(config, { lineWidth: 0 });
}
