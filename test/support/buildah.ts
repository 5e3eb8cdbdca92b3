/**
 * Building and opening images with buildah in a storage of the test's own (its own --root and
 * --runroot, removed afterwards), for machines where no registry can be pulled from and no
 * container can be started: images are built with chroot isolation and checked by mounting them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeResult, type RunOptions, type RunResult, run } from './proc.ts';

export class BuildahStorage {
  readonly #args: string[];
  readonly #containers: string[] = [];

  constructor(readonly dir: string) {
    this.#args = [
      '--root',
      path.join(dir, 'root'),
      '--runroot',
      path.join(dir, 'run'),
      '--storage-driver',
      'overlay',
    ];
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run('buildah', [...this.#args, ...args], { timeoutMs: 300_000, ...options });
  }

  /** Runs buildah and returns its trimmed stdout; throws with the output when it fails. */
  async ok(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new Error(describeResult(result));
    return result.stdout.trim();
  }

  /** A working container from `image`, mounted: returns its id and the root of its filesystem. */
  async mount(image: string): Promise<{ container: string; root: string }> {
    const container = await this.ok(['from', '--pull=never', image]);
    this.#containers.push(container);
    return { container, root: await this.ok(['mount', container]) };
  }

  /** Unmounts and removes everything this storage holds, then the storage itself. */
  async destroy(): Promise<void> {
    await this.run(['umount', '--all']);
    await this.run(['rm', '--all']);
    await this.run(['rmi', '--all', '--force']);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The shell tools a Debian-based Node image has and the Containerfile's RUN steps use. */
const TOOLS = [
  'mkdir',
  'chown',
  'chmod',
  'ln',
  'rm',
  'cp',
  'mv',
  'cat',
  'ls',
  'readlink',
  'dirname',
  'id',
  'env',
];

/**
 * A base image made from this machine's Node runtime, as `FROM scratch` plus node, npm, a shell,
 * the tools above and the shared libraries they and the given native addons load: what the
 * Containerfile's BASE must offer.
 */
export async function buildNodeBaseImage(
  storage: BuildahStorage,
  name: string,
  options: { addons?: readonly string[] } = {},
): Promise<void> {
  const { container, root } = await storage.mount('scratch');
  // The addons' libraries too (librt for @node-rs/argon2): a Debian base has all of libc6.
  const binaries = [
    process.execPath,
    '/bin/sh',
    ...TOOLS.map((tool) => which(tool)),
    ...(options.addons ?? []),
  ];
  for (const dir of ['bin', 'usr/bin', 'usr/lib/node_modules', 'tmp', 'root', 'etc', 'proc', 'dev'])
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.copyFileSync(process.execPath, path.join(root, 'usr/bin/node'));
  fs.chmodSync(path.join(root, 'usr/bin/node'), 0o755);
  fs.copyFileSync(fs.realpathSync('/bin/sh'), path.join(root, 'bin/sh'));
  fs.chmodSync(path.join(root, 'bin/sh'), 0o755);
  for (const tool of TOOLS) {
    fs.copyFileSync(which(tool), path.join(root, 'bin', tool));
    fs.chmodSync(path.join(root, 'bin', tool), 0o755);
  }
  fs.symlinkSync('/bin/env', path.join(root, 'usr/bin/env')); // npm's `#!/usr/bin/env node`
  // npm tells glibc from musl by reading /usr/bin/ldd (optional packages with `libc` fields,
  // such as @node-rs/argon2's binding, are dropped when it cannot tell).
  fs.copyFileSync('/usr/bin/ldd', path.join(root, 'usr/bin/ldd'));
  for (const library of await sharedLibraries(binaries)) {
    const target = path.join(root, library);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!fs.existsSync(target)) fs.copyFileSync(library, target);
  }
  const npm = path.join(path.dirname(fs.realpathSync(which('npm'))), '..');
  fs.cpSync(npm, path.join(root, 'usr/lib/node_modules/npm'), { recursive: true });
  fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(root, 'usr/bin/npm'));
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await storage.ok(['umount', container]);
  await storage.ok(['commit', '--quiet', '--rm', container, name]);
}

function which(name: string): string {
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return fs.realpathSync(candidate);
  }
  throw new Error(`${name} not found`);
}

/** Every library `ldd` names for the binaries (absolute paths, the dynamic loader included). */
async function sharedLibraries(binaries: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const result = await run('ldd', binaries);
  for (const match of result.stdout.matchAll(/(\/[^\s:]+\.so[^\s:]*)/g)) {
    const file = match[1]!;
    if (fs.existsSync(file)) found.add(file);
  }
  if (found.size === 0) throw new Error(`ldd found no libraries: ${describeResult(result)}`);
  return found;
}
