/**
 * A real Docker registry (Debian's docker-registry 2.8.2, i.e. distribution) for end-to-end tests:
 * loopback only, a random free port, filesystem storage in a temporary workdir, debug log to a file.
 * Auth is token (pointing at Purser or a stub), htpasswd, or none.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse, stringify } from 'yaml';
import { nodeFetch } from '../../src/registry-client/node-fetch.ts';
import { findBinary } from './binaries.ts';
import { freePort } from './ports.ts';
import { type LoggedProcess, spawnLogged } from './proc.ts';

export interface TokenAuthOptions {
  /** Token endpoint the registry sends clients to, e.g. http://127.0.0.1:PORT/token. */
  realm: string;
  /** The `service` (JWT `aud`) the registry expects. */
  service: string;
  /** The JWT `iss` the registry expects. */
  issuer: string;
  /** Path of a PEM file with the signing certificate(s), or the PEM text itself. */
  rootCertBundle: string;
}

export type RegistryAuth = { token: TokenAuthOptions } | { htpasswd: { path: string; realm?: string } };

export interface NotificationOptions {
  url: string;
  /** Static headers sent with every event POST, e.g. {Authorization: ['Bearer s3cret']}. */
  headers?: Record<string, string[]>;
  /** Failures before the endpoint backs off. Default 3. */
  threshold?: number;
  /** Go duration between retries once backed off. Default '1s'. */
  backoff?: string;
  /** Go duration for each POST. Default '2s'. */
  timeout?: string;
}

export interface RegistryOptions {
  auth?: RegistryAuth;
  notifications?: NotificationOptions;
  /** storage.delete.enabled; default true. */
  deleteEnabled?: boolean;
  /** Deep-merged over the generated config (object, or YAML text). */
  extraYaml?: Record<string, unknown> | string;
  /** Fixed port; by default a free one is chosen (and re-chosen if taken meanwhile). */
  port?: number;
  /** Keep the workdir after stop() (also when PURSER_TEST_KEEP is set), to read logs by hand. */
  keepWorkdir?: boolean;
  /** How long to wait for readiness. Default 30 s. */
  startTimeoutMs?: number;
  /** Serve HTTPS with this certificate and key (PEM files); the URL is then https://. */
  tls?: { certificate: string; key: string };
}

export interface Registry {
  /** http://127.0.0.1:PORT (https:// with `tls`) */
  url: string;
  /** 127.0.0.1:PORT, as image references use it. */
  host: string;
  port: number;
  workdir: string;
  configFile: string;
  logFile: string;
  /** The registry's output since the last (re)start. */
  logs(): string;
  /** Stops the registry and removes the workdir (unless kept). Safe to call twice. */
  stop(): Promise<void>;
  /** Stops and starts again with the same config, storage and port. */
  restart(): Promise<void>;
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const binary = findBinary('docker-registry');
  if (!binary) throw new Error('docker-registry is not installed: run scripts/install-test-deps.sh');
  const workdir = mkdtempSync(join(tmpdir(), 'purser-registry-'));
  const configFile = join(workdir, 'config.yml');
  const logFile = join(workdir, 'registry.log');
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let port = options.port ?? (await freePort());
  let proc: LoggedProcess | undefined;
  let stopped = false;
  const scheme = options.tls ? 'https' : 'http';

  const launch = async (): Promise<void> => {
    writeFileSync(configFile, stringify(buildConfig(options, workdir, port)));
    writeFileSync(logFile, `--- start ${new Date().toISOString()} on 127.0.0.1:${port}\n`, { flag: 'a' });
    const started = spawnLogged(binary, ['serve', configFile], { logFile, env: registryEnv() });
    proc = started;
    try {
      await started.waitForLog(/listening on 127\.0\.0\.1:(\d+)/, { timeoutMs });
      await waitForV2(`${scheme}://127.0.0.1:${port}`, started, timeoutMs);
    } catch (error) {
      await started.stop('SIGKILL');
      throw error;
    }
  };

  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await launch();
        break;
      } catch (error) {
        const inUse = proc?.logs().includes('address already in use') ?? false;
        if (!inUse || options.port !== undefined || attempt >= 5) throw error;
        port = await freePort();
      }
    }
  } catch (error) {
    if (!keep(options)) rmSync(workdir, { recursive: true, force: true });
    throw new Error(`docker-registry did not start (config ${configFile}): ${(error as Error).message}`);
  }

  const host = `127.0.0.1:${port}`;
  return {
    url: `${scheme}://${host}`,
    host,
    port,
    workdir,
    configFile,
    logFile,
    logs: () => proc?.logs() ?? '',
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc?.stop('SIGTERM', 10_000);
      if (!keep(options)) rmSync(workdir, { recursive: true, force: true });
    },
    async restart() {
      if (stopped) throw new Error('registry was stopped; cannot restart');
      await proc?.stop('SIGTERM', 10_000);
      await launch();
    },
  };
}

/**
 * Writes an htpasswd file the registry accepts: distribution 2.8 verifies bcrypt only, so every
 * entry is `user:$2y$…`. `cost` defaults to 6 to keep tests fast (bcrypt's minimum is 4).
 */
export function writeHtpasswd(path: string, users: Record<string, string>, cost = 6): void {
  const lines = Object.entries(users).map(([user, password]) => {
    if (user.includes(':')) throw new TypeError(`htpasswd user names cannot contain ':' (${user})`);
    const hash = bcrypt.hashSync(password, cost).replace(/^\$2[abxy]\$/, '$2y$');
    return `${user}:${hash}`;
  });
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}

function buildConfig(options: RegistryOptions, workdir: string, port: number): Record<string, unknown> {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'debug', formatter: 'text', accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: join(workdir, 'storage') },
      delete: { enabled: options.deleteEnabled ?? true },
      maintenance: { uploadpurging: { enabled: false } },
      cache: { blobdescriptor: 'inmemory' },
    },
    http: {
      addr: `127.0.0.1:${port}`,
      secret: randomBytes(16).toString('hex'),
      headers: { 'X-Content-Type-Options': ['nosniff'] },
      ...(options.tls ? { tls: { certificate: options.tls.certificate, key: options.tls.key } } : {}),
    },
    health: { storagedriver: { enabled: false } },
  };
  const auth = options.auth;
  if (auth && 'token' in auth) {
    let bundle = auth.token.rootCertBundle;
    if (bundle.includes('-----BEGIN')) {
      const path = join(workdir, 'root-bundle.pem');
      writeFileSync(path, bundle);
      bundle = path;
    }
    config.auth = {
      token: {
        realm: auth.token.realm,
        service: auth.token.service,
        issuer: auth.token.issuer,
        rootcertbundle: bundle,
      },
    };
  } else if (auth && 'htpasswd' in auth) {
    config.auth = { htpasswd: { realm: auth.htpasswd.realm ?? 'purser-test', path: auth.htpasswd.path } };
  }
  const n = options.notifications;
  if (n) {
    config.notifications = {
      events: { includereferences: true },
      endpoints: [
        {
          name: 'purser-test',
          url: n.url,
          headers: n.headers ?? {},
          timeout: n.timeout ?? '2s',
          threshold: n.threshold ?? 3,
          backoff: n.backoff ?? '1s',
        },
      ],
    };
  }
  if (options.extraYaml !== undefined) {
    const extra =
      typeof options.extraYaml === 'string' ? parseYamlObject(options.extraYaml) : options.extraYaml;
    deepMerge(config, extra);
  }
  return config;
}

function parseYamlObject(text: string): Record<string, unknown> {
  const value: unknown = parse(text);
  if (!isPlainObject(value)) throw new TypeError('extraYaml must be a YAML mapping');
  return value;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) deepMerge(current, value);
    else target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * distribution maps REGISTRY_* variables onto its config (REGISTRY_AUTH_FILE, which skopeo tests
 * set, would become `auth.file` and break startup), so the registry gets none of them.
 */
function registryEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(process.env)) if (key.startsWith('REGISTRY_')) env[key] = undefined;
  return env;
}

async function waitForV2(url: string, proc: LoggedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!proc.running())
      throw new Error(`docker-registry exited during startup\n${proc.logs().slice(-3000)}`);
    try {
      // A test registry's certificate is self-signed: readiness does not verify it.
      const response = await nodeFetch({ rejectUnauthorized: false, timeoutMs: 2_000 })(`${url}/v2/`);
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`GET ${url}/v2/ never answered 200/401 (last: ${last})`);
}

function keep(options: RegistryOptions): boolean {
  return options.keepWorkdir === true || Boolean(process.env.PURSER_TEST_KEEP);
}
