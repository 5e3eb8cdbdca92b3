/**
 * podman for tests, as root without a daemon: vfs storage, and root, runroot, tmpdir, volumes and
 * network config all under a temp dir, so tests never touch /var/lib/containers or each other.
 * `podman run` does not work on the CI machine kind (setrlimit not permitted); pull, push, login,
 * logout, search, images and rmi do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedEnv, tempAuthFile } from './containers-env.ts';
import { type RunResult, run } from './proc.ts';
import { removeTempDir, tempDir } from './temp.ts';

export interface PodmanStore {
  dir: string;
  root: string;
  runroot: string;
  /** The auth file podman reads and `podman login` writes (REGISTRY_AUTH_FILE). */
  authfile: string;
  /** The global flags that select this store. */
  globalArgs: readonly string[];
  /** Removes the store now (it is also removed at process exit). */
  cleanup(): void;
}

export interface PodmanOptions {
  /** Storage to use; default: one store shared by the whole test process. */
  store?: PodmanStore;
  /** Overrides the store's auth file. */
  authfile?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** Subcommands that talk to a registry and take `--tls-verify`. */
const TLS_SUBCOMMANDS = new Set(['pull', 'push', 'login', 'logout', 'search']);

export function createPodmanStore(): PodmanStore {
  const dir = tempDir('purser-podman-');
  const paths = {
    root: join(dir, 'root'),
    runroot: join(dir, 'runroot'),
    tmp: join(dir, 'tmp'),
    volumes: join(dir, 'volumes'),
    networks: join(dir, 'networks'),
  };
  for (const path of Object.values(paths)) mkdirSync(path, { recursive: true });
  const conf = join(dir, 'containers.conf');
  writeFileSync(conf, '');
  const authfile = tempAuthFile();
  return {
    dir,
    root: paths.root,
    runroot: paths.runroot,
    authfile,
    globalArgs: [
      '--storage-driver',
      'vfs',
      '--root',
      paths.root,
      '--runroot',
      paths.runroot,
      '--tmpdir',
      paths.tmp,
      '--volumepath',
      paths.volumes,
      '--network-config-dir',
      paths.networks,
      '--cgroup-manager',
      'cgroupfs',
      '--events-backend',
      'none',
    ],
    cleanup: () => removeTempDir(dir),
  };
}

let sharedStore: PodmanStore | undefined;

/** Runs `podman GLOBAL-STORE-FLAGS SUBCOMMAND [--tls-verify=false] ...rest`. */
export function podman(args: readonly string[], options: PodmanOptions = {}): Promise<RunResult> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) throw new TypeError('podman: missing subcommand');
  if (!options.store && !sharedStore) sharedStore = createPodmanStore();
  const store = options.store ?? sharedStore!;
  const authfile = options.authfile ?? store.authfile;
  const flags =
    TLS_SUBCOMMANDS.has(subcommand) && !rest.some((a) => a.startsWith('--tls-verify'))
      ? ['--tls-verify=false']
      : [];
  return run('podman', [...store.globalArgs, subcommand, ...flags, ...rest], {
    env: isolatedEnv(authfile, { CONTAINERS_CONF: join(store.dir, 'containers.conf'), ...options.env }),
    input: options.input,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
}
