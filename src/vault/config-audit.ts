/**
 * Finding plaintext registry credentials in Docker `config.json`, containers `auth.json` and
 * legacy `~/.dockercfg` files: every `auth` entry (registry and user, never the password),
 * identity tokens, the helpers in use, and problems (unreadable files, helpers that are not
 * installed, leftover plaintext entries next to a helper for the same registry).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PlaintextEntry {
  readonly file: string;
  /** The key as written in the file. */
  readonly key: string;
  readonly user: string;
  readonly kind: 'password' | 'identity-token';
}

export interface HelperUse {
  readonly file: string;
  /** `*` for `credsStore` (every registry). */
  readonly registry: string;
  readonly helper: string;
  readonly installed: boolean;
}

export interface ConfigAudit {
  readonly files: readonly { readonly file: string; readonly status: 'read' | 'missing' | 'unreadable' }[];
  readonly plaintext: readonly PlaintextEntry[];
  readonly helpers: readonly HelperUse[];
  readonly problems: readonly string[];
}

/** The usual Docker and containers locations, in the order the tools read them. */
export function defaultConfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? os.homedir();
  const paths: string[] = [];
  if (env.REGISTRY_AUTH_FILE) paths.push(env.REGISTRY_AUTH_FILE);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  paths.push(
    env.XDG_RUNTIME_DIR
      ? path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')
      : `/run/containers/${uid}/auth.json`,
  );
  paths.push(path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'containers', 'auth.json'));
  paths.push(path.join(env.DOCKER_CONFIG ?? path.join(home, '.docker'), 'config.json'));
  paths.push(path.join(home, '.dockercfg'));
  return [...new Set(paths)];
}

export function helperInstalled(helper: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, `docker-credential-${helper}`), fs.constants.X_OK);
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

interface RawEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

/** Decodes an `auth` value to its user name (never returning the password). */
export function decodeAuth(auth: string): { user: string; password: string } | undefined {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1).replace(/\0+$/, '') };
}

export function auditFile(
  file: string,
  explicit: boolean,
  env: NodeJS.ProcessEnv = process.env,
): ConfigAudit {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return {
        files: [{ file, status: 'missing' }],
        plaintext: [],
        helpers: [],
        problems: explicit ? [`${file}: does not exist`] : [],
      };
    }
    return {
      files: [{ file, status: 'unreadable' }],
      plaintext: [],
      helpers: [],
      problems: [`${file}: cannot read (${code ?? (error as Error).message})`],
    };
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return {
      files: [{ file, status: 'unreadable' }],
      plaintext: [],
      helpers: [],
      problems: [`${file}: not valid JSON (${(error as Error).message})`],
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      files: [{ file, status: 'unreadable' }],
      plaintext: [],
      helpers: [],
      problems: [`${file}: not a JSON object`],
    };
  }
  const root = parsed as Record<string, unknown>;
  const legacy = path.basename(file) === '.dockercfg' && root.auths === undefined;
  const auths = (legacy ? root : (root.auths ?? {})) as Record<string, RawEntry>;
  const credHelpers = (root.credHelpers ?? {}) as Record<string, unknown>;
  const credsStore = typeof root.credsStore === 'string' ? root.credsStore : undefined;
  const plaintext: PlaintextEntry[] = [];
  const helpers: HelperUse[] = [];
  const problems: string[] = [];
  if (credsStore)
    helpers.push({ file, registry: '*', helper: credsStore, installed: helperInstalled(credsStore, env) });
  for (const [registry, helper] of Object.entries(credHelpers)) {
    if (typeof helper === 'string')
      helpers.push({ file, registry, helper, installed: helperInstalled(helper, env) });
  }
  for (const h of helpers)
    if (!h.installed)
      problems.push(`${file}: helper docker-credential-${h.helper} (for ${h.registry}) is not installed`);
  for (const [key, entry] of Object.entries(auths)) {
    if (typeof entry !== 'object' || entry === null) continue;
    let user = typeof entry.username === 'string' ? entry.username : '';
    let hasPassword = typeof entry.password === 'string' && entry.password !== '';
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = decodeAuth(entry.auth);
      if (!decoded) {
        problems.push(
          `${file}: the auth entry for ${key} cannot be decoded (expected base64 of user:password)`,
        );
        continue;
      }
      user = decoded.user;
      hasPassword = decoded.password !== '';
    }
    const token = typeof entry.identitytoken === 'string' && entry.identitytoken !== '';
    if (token) plaintext.push({ file, key, user, kind: 'identity-token' });
    else if (hasPassword) plaintext.push({ file, key, user, kind: 'password' });
    else continue;
    const host = hostKey(key);
    const helper = Object.entries(credHelpers).find(([k]) => hostKey(k) === host)?.[1] ?? credsStore;
    if (typeof helper === 'string')
      problems.push(
        `${file}: stale plaintext entry for ${key} next to helper ${helper}: some tools use it instead of the helper (purser migrate removes it)`,
      );
  }
  return { files: [{ file, status: 'read' }], plaintext, helpers, problems };
}

function hostKey(key: string): string {
  return key
    .replace(/^https?:\/\//, '')
    .split('/')[0]!
    .toLowerCase()
    .replace(/^(index\.docker\.io|registry-1\.docker\.io)$/, 'docker.io');
}

export function auditConfigs(
  paths: readonly string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ConfigAudit {
  const explicit = paths !== undefined && paths.length > 0;
  const list = explicit ? paths : defaultConfigPaths(env);
  const results = list.map((p) => auditFile(path.resolve(p), explicit, env));
  return {
    files: results.flatMap((r) => r.files),
    plaintext: results.flatMap((r) => r.plaintext),
    helpers: results.flatMap((r) => r.helpers),
    problems: results.flatMap((r) => r.problems),
  };
}
