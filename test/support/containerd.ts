/**
 * A private containerd (Debian's 1.6) for pull tests: its own root, state and socket under a temp
 * dir, CRI and unneeded snapshotters disabled, no TCP listeners. Needs root (the CI machine runs
 * tests as root). `ctr images pull --plain-http --user u:p 127.0.0.1:PORT/repo:tag` works against
 * the loopback registries from startRegistry, including through Purser's token auth.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './binaries.ts';
import { type LoggedProcess, type RunResult, run, spawnLogged } from './proc.ts';
import { removeTempDir, tempDir } from './temp.ts';

export interface ContainerdOptions {
  /** Snapshotter ctr uses to unpack ('native' works on any filesystem; 'overlayfs' also works here). */
  snapshotter?: 'native' | 'overlayfs';
  startTimeoutMs?: number;
}

export interface Containerd {
  /** The unix socket path (ctr --address). */
  address: string;
  dir: string;
  logFile: string;
  logs(): string;
  /** Runs `ctr --address SOCK ...args` (namespace `default` unless args say otherwise). */
  ctr(
    args: readonly string[],
    options?: { timeoutMs?: number; env?: Record<string, string | undefined> },
  ): Promise<RunResult>;
  stop(): Promise<void>;
}

const DISABLED_PLUGINS = [
  'io.containerd.grpc.v1.cri',
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.tracing.processor.v1.otlp',
  'io.containerd.internal.v1.tracing',
];

export async function startContainerd(options: ContainerdOptions = {}): Promise<Containerd> {
  const binary = findBinary('containerd');
  if (!binary) throw new Error('containerd is not installed: run scripts/install-test-deps.sh');
  if (process.getuid?.() !== 0) throw new Error('startContainerd needs root');
  const snapshotter = options.snapshotter ?? 'native';
  const dir = tempDir('purser-containerd-');
  const address = join(dir, 'containerd.sock');
  const configFile = join(dir, 'config.toml');
  const logFile = join(dir, 'containerd.log');
  writeFileSync(configFile, configToml(dir, address));
  const proc: LoggedProcess = spawnLogged(binary, ['--config', configFile, '--log-level', 'info'], {
    logFile,
    env: { CONTAINERD_ADDRESS: undefined, CONTAINERD_NAMESPACE: undefined },
  });
  const ctrEnv = {
    CONTAINERD_ADDRESS: undefined,
    CONTAINERD_NAMESPACE: 'default',
    CONTAINERD_SNAPSHOTTER: snapshotter,
  };
  const ctr: Containerd['ctr'] = (args, opts = {}) =>
    run('ctr', ['--address', address, ...args], {
      timeoutMs: opts.timeoutMs ?? 120_000,
      env: { ...ctrEnv, ...opts.env },
    });
  try {
    await proc.waitForLog(/containerd successfully booted/, { timeoutMs: options.startTimeoutMs ?? 30_000 });
    if (!existsSync(address)) throw new Error(`containerd booted but ${address} does not exist`);
    const version = await ctr(['version'], { timeoutMs: 10_000 });
    if (version.code !== 0) throw new Error(`ctr version failed: ${version.stderr}`);
  } catch (error) {
    await proc.stop('SIGKILL');
    throw new Error(`containerd did not start (log ${logFile}): ${(error as Error).message}`);
  }
  let stopped = false;
  return {
    address,
    dir,
    logFile,
    logs: () => proc.logs(),
    ctr,
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc.stop('SIGTERM', 10_000);
      await unmountUnder(dir);
      removeTempDir(dir);
    },
  };
}

function configToml(dir: string, address: string): string {
  const q = (s: string) => JSON.stringify(s); // TOML basic strings accept JSON string escapes
  return `version = 2
root = ${q(join(dir, 'root'))}
state = ${q(join(dir, 'state'))}
plugin_dir = ""
disabled_plugins = [${DISABLED_PLUGINS.map(q).join(', ')}]

[grpc]
  address = ${q(address)}
  tcp_address = ""

[ttrpc]
  address = ${q(`${address}.ttrpc`)}

[debug]
  address = ""

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${q(join(dir, 'opt'))}
`;
}

/** Unmounts anything a snapshotter left mounted under dir (none after plain pulls). */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = await run('findmnt', ['-rn', '-o', 'TARGET'], { timeoutMs: 10_000 }).catch(() => undefined);
  if (mounts?.code !== 0) return;
  const targets = mounts.stdout
    .split('\n')
    .filter((target) => target.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const target of targets) await run('umount', ['-l', target], { timeoutMs: 10_000 });
}
