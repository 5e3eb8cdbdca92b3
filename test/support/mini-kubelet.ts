/**
 * A "mini-kubelet": the parts of the kubelet that talk to image credential provider plugins
 * (pkg/credentialprovider/plugin/{config,plugin}.go), since no kubelet runs here. It
 * - validates a CredentialProviderConfig strictly (unknown fields, names, globs, durations);
 * - picks the providers whose `matchImages` match an image (the kubelet's URLsMatch);
 * - runs `<binDir>/<name> args...` with the config's env over its own, the request on stdin,
 *   a 1-minute timeout, and a non-zero exit or a timeout meaning "no credentials";
 * - decodes the response strictly (unknown fields fail), checks apiVersion, kind and
 *   cacheKeyType, parses `cacheDuration` as a Go duration;
 * - caches answers by key type (image, then registry, then global) for their duration;
 * - returns the auth entries matching the image in the kubelet's order (reverse-sorted keys).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import YAML from 'yaml';
import { parseGoDuration } from '../../src/kubelet/go-duration.ts';
import { parseSchemelessUrl, urlsMatch } from '../../src/kubelet/image-match.ts';

const PLUGIN_API_VERSIONS = [
  'credentialprovider.kubelet.k8s.io/v1',
  'credentialprovider.kubelet.k8s.io/v1beta1',
  'credentialprovider.kubelet.k8s.io/v1alpha1',
];
const CONFIG_API_VERSIONS = [
  'kubelet.config.k8s.io/v1',
  'kubelet.config.k8s.io/v1beta1',
  'kubelet.config.k8s.io/v1alpha1',
];

interface ProviderConfig {
  readonly name: string;
  readonly matchImages: readonly string[];
  readonly defaultCacheMs: number;
  readonly apiVersion: string;
  readonly args: readonly string[];
  readonly env: readonly { name: string; value: string }[];
}

export interface PulledCredential {
  readonly key: string;
  readonly username: string;
  readonly password: string;
}

export interface Lookup {
  /** Matching auth entries, in the order the kubelet tries them. */
  readonly credentials: readonly PulledCredential[];
  /** Plugin failures (logged by the kubelet, which then pulls without these credentials). */
  readonly errors: readonly string[];
}

export interface MiniKubeletOptions {
  readonly binDir: string;
  /** The kubelet's own environment (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Default 60 s, the kubelet's hard-coded timeout. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface CacheEntry {
  readonly auth: Record<string, { username: string; password: string }>;
  readonly expiresAt: number;
}

export class MiniKubelet {
  readonly providers: readonly ProviderConfig[];
  readonly #options: MiniKubeletOptions;
  readonly #cache = new Map<string, Map<string, CacheEntry>>();
  /** Plugin executions per provider name. */
  readonly execs = new Map<string, number>();

  constructor(configText: string, options: MiniKubeletOptions) {
    this.providers = validateConfig(configText);
    this.#options = options;
  }

  async lookup(image: string): Promise<Lookup> {
    const merged: Record<string, { username: string; password: string }> = {};
    const errors: string[] = [];
    for (const provider of this.providers) {
      if (!provider.matchImages.some((glob) => urlsMatch(glob, image))) continue;
      let auth = this.#cached(provider.name, image);
      if (!auth) {
        try {
          auth = await this.#exec(provider, image);
        } catch (error) {
          errors.push(`${provider.name}: ${(error as Error).message}`);
          continue;
        }
      }
      // Earlier providers win on overlapping keys.
      for (const [key, value] of Object.entries(auth)) if (!(key in merged)) merged[key] = value;
    }
    const credentials = Object.keys(merged)
      .filter((key) => urlsMatch(key, image))
      .sort()
      .reverse()
      .map((key) => ({ key, ...merged[key]! }));
    return { credentials, errors };
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #cached(name: string, image: string): CacheEntry['auth'] | undefined {
    const cache = this.#cache.get(name);
    if (!cache) return undefined;
    for (const key of [`image:${imageKey(image)}`, `registry:${image.split('/')[0]}`, 'global']) {
      const entry = cache.get(key);
      if (entry && entry.expiresAt > this.#now()) return entry.auth;
    }
    return undefined;
  }

  async #exec(provider: ProviderConfig, image: string): Promise<CacheEntry['auth']> {
    this.execs.set(provider.name, (this.execs.get(provider.name) ?? 0) + 1);
    const request = JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: provider.apiVersion,
      image,
    });
    const env: NodeJS.ProcessEnv = { ...(this.#options.env ?? process.env) };
    for (const variable of provider.env) env[variable.name] = variable.value;
    const { code, stdout, stderr, timedOut } = await execPlugin(
      join(this.#options.binDir, provider.name),
      provider.args,
      env,
      request,
      this.#options.timeoutMs ?? 60_000,
    );
    if (timedOut) throw new Error('plugin timed out after the kubelet’s limit');
    if (code !== 0) throw new Error(`plugin exited ${code}: ${stderr.trim()}`);
    const response = decodeResponse(stdout, provider.apiVersion);
    const durationMs =
      response.cacheDuration === undefined
        ? provider.defaultCacheMs
        : parseGoDuration(response.cacheDuration);
    if (durationMs > 0) {
      const key =
        response.cacheKeyType === 'Image'
          ? `image:${imageKey(image)}`
          : response.cacheKeyType === 'Registry'
            ? `registry:${image.split('/')[0]}`
            : 'global';
      const cache = this.#cache.get(provider.name) ?? new Map<string, CacheEntry>();
      this.#cache.set(provider.name, cache);
      cache.set(key, { auth: response.auth, expiresAt: this.#now() + durationMs });
    }
    return response.auth;
  }
}

/** The image without tag or digest, as the kubelet keys Image-type answers. */
function imageKey(image: string): string {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

function strictKeys(where: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}: not an object`);
  for (const key of Object.keys(value))
    if (!allowed.includes(key)) throw new Error(`${where}: unknown field "${key}"`);
  return value as Record<string, unknown>;
}

function validateConfig(text: string): ProviderConfig[] {
  const config = strictKeys('config', YAML.parse(text), ['apiVersion', 'kind', 'providers']);
  if (!CONFIG_API_VERSIONS.includes(String(config.apiVersion)))
    throw new Error('config: unsupported apiVersion');
  if (config.kind !== 'CredentialProviderConfig')
    throw new Error('config: kind must be CredentialProviderConfig');
  if (!Array.isArray(config.providers) || config.providers.length === 0)
    throw new Error('config: no providers');
  const names = new Set<string>();
  return config.providers.map((raw, i) => {
    const where = `providers[${i}]`;
    const p = strictKeys(where, raw, [
      'name',
      'matchImages',
      'defaultCacheDuration',
      'apiVersion',
      'args',
      'env',
      'tokenAttributes',
    ]);
    const name = p.name;
    if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/ ]/.test(name))
      throw new Error(`${where}: invalid name`);
    if (names.has(name)) throw new Error(`${where}: duplicate name ${name}`);
    names.add(name);
    if (!Array.isArray(p.matchImages) || p.matchImages.length === 0)
      throw new Error(`${where}: matchImages is required`);
    for (const glob of p.matchImages)
      if (typeof glob !== 'string' || !parseSchemelessUrl(glob))
        throw new Error(`${where}: invalid match image ${glob}`);
    if (typeof p.defaultCacheDuration !== 'string')
      throw new Error(`${where}: defaultCacheDuration is required`);
    const defaultCacheMs = parseGoDuration(p.defaultCacheDuration);
    if (defaultCacheMs < 0) throw new Error(`${where}: negative defaultCacheDuration`);
    if (!PLUGIN_API_VERSIONS.includes(String(p.apiVersion)))
      throw new Error(`${where}: unsupported apiVersion`);
    const args = p.args ?? [];
    if (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))
      throw new Error(`${where}: args must be strings`);
    const env = (p.env ?? []) as unknown[];
    if (!Array.isArray(env)) throw new Error(`${where}: env must be a list`);
    return {
      name,
      matchImages: p.matchImages as string[],
      defaultCacheMs,
      apiVersion: String(p.apiVersion),
      args: args as string[],
      env: env.map((entry, j) => {
        const e = strictKeys(`${where}.env[${j}]`, entry, ['name', 'value']);
        if (typeof e.name !== 'string' || typeof e.value !== 'string')
          throw new Error(`${where}.env[${j}]: strings`);
        return { name: e.name, value: e.value };
      }),
    };
  });
}

interface DecodedResponse {
  readonly cacheKeyType: 'Image' | 'Registry' | 'Global';
  readonly cacheDuration: string | undefined;
  readonly auth: Record<string, { username: string; password: string }>;
}

/** Strict, like the kubelet's codec; messages stay generic so no secret reaches a log. */
function decodeResponse(stdout: string, expectedApiVersion: string): DecodedResponse {
  const fail = (why: string) =>
    new Error(`error decoding credential provider plugin response from stdout (${why})`);
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw fail('not JSON');
  }
  let r: Record<string, unknown>;
  try {
    r = strictKeys('response', value, [
      'kind',
      'apiVersion',
      'cacheKeyType',
      'cacheDuration',
      'auth',
      'serviceAccountTokenCacheType',
    ]);
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (r.apiVersion !== expectedApiVersion)
    throw new Error('apiVersion from credential plugin response did not match expected apiVersion');
  if (r.kind !== 'CredentialProviderResponse')
    throw new Error('kind from credential plugin response was not CredentialProviderResponse');
  if (r.cacheKeyType !== 'Image' && r.cacheKeyType !== 'Registry' && r.cacheKeyType !== 'Global')
    throw new Error(`invalid cacheKeyType ${String(r.cacheKeyType)}: the response will not be used`);
  if (r.cacheDuration !== undefined && r.cacheDuration !== null && typeof r.cacheDuration !== 'string')
    throw fail('cacheDuration');
  const auth: DecodedResponse['auth'] = {};
  if (r.auth !== undefined && r.auth !== null) {
    if (typeof r.auth !== 'object' || Array.isArray(r.auth)) throw fail('auth');
    for (const [key, entry] of Object.entries(r.auth)) {
      let e: Record<string, unknown>;
      try {
        e = strictKeys(`auth[${key}]`, entry, ['username', 'password']);
      } catch (error) {
        throw fail((error as Error).message);
      }
      if (typeof e.username !== 'string' || typeof e.password !== 'string')
        throw fail('auth entries need username and password');
      if (!parseSchemelessUrl(key)) throw fail('auth key');
      auth[key] = { username: e.username, password: e.password };
    }
  }
  return {
    cacheKeyType: r.cacheKeyType,
    cacheDuration: typeof r.cacheDuration === 'string' ? r.cacheDuration : undefined,
    auth,
  };
}

function execPlugin(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run plugin ${file}: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}
