/**
 * The Containerfile, built for real with buildah (`bud --pull=never`) on a base image made from
 * this machine's Node (no registry to pull one from), then checked the only way this sandbox
 * allows (no container can be started): the image's metadata (user, volume, port, health check,
 * entrypoint), its contents (production dependencies only), and `purser --version` and a short
 * `purser serve` run under chroot as the image's user, with the root filesystem read-only and the
 * data volume the only writable place.
 *
 * The build context's node_modules/ (this checkout's, made by `npm ci` for the same Node) is
 * handed in with NODE_MODULES_FROM, so the build does not compile better-sqlite3 again.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requireBinary } from '../support/binaries.ts';
import { BuildahStorage, buildNodeBaseImage } from '../support/buildah.ts';
import { freePort } from '../support/ports.ts';
import { describeResult, run, spawnLogged } from '../support/proc.ts';
import { REPO_ROOT } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const IMAGE = 'localhost/purser-image-test';
const BASE = 'localhost/purser-image-test-base';
const IMAGE_UID = 10001;

interface ImageConfig {
  User?: string;
  ExposedPorts?: Record<string, unknown>;
  Volumes?: Record<string, unknown>;
  Entrypoint?: string[];
  Cmd?: string[];
  Healthcheck?: { Test?: string[] };
}

describe('the container image', { timeout: 600_000 }, () => {
  let storage: BuildahStorage | undefined;
  let root = '';
  let data = '';
  let skipped = '';

  before(async () => {
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      // Mounting an image's overlay and chroot need root (CI runs as root).
      skipped = 'not root: buildah mount and chroot need root';
      if (process.env.CI) throw new Error(`${skipped} (CI is set)`);
      return;
    }
    storage = new BuildahStorage(tempDir('purser-image-'));
    await buildNodeBaseImage(storage, BASE, {
      addons: [
        'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
        'node_modules/@node-rs/argon2-linux-x64-gnu/argon2.linux-x64-gnu.node',
      ].map((addon) => path.join(REPO_ROOT, addon)),
    });
    const commit = (await run('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT })).stdout.trim();
    const built = await storage.run(
      [
        'bud',
        '--pull=never',
        '--isolation=chroot',
        '--format=docker',
        '--build-arg',
        `BASE=${BASE}`,
        '--build-arg',
        'NODE_MODULES_FROM=node_modules',
        '--build-arg',
        `PURSER_COMMIT=${commit}`,
        '--tag',
        IMAGE,
        '--file',
        path.join(REPO_ROOT, 'Containerfile'),
        REPO_ROOT,
      ],
      { timeoutMs: 480_000 },
    );
    assert.equal(built.code, 0, describeResult(built));
    root = (await storage.mount(IMAGE)).root;
    data = tempDir('purser-image-data-');
    fs.chownSync(data, IMAGE_UID, IMAGE_UID);
  });

  after(async () => {
    await storage?.destroy();
  });

  test('metadata: non-root user, the data volume, port 5001, a health check on /healthz', async (t) => {
    if (!storage) return t.skip(skipped);
    const inspected = JSON.parse(await storage.ok(['inspect', '--type', 'image', IMAGE])) as {
      Docker: { config: ImageConfig };
    };
    const config = inspected.Docker.config;
    assert.equal(config.User, `${IMAGE_UID}:${IMAGE_UID}`);
    assert.deepEqual(Object.keys(config.Volumes ?? {}), ['/var/lib/purser']);
    assert.deepEqual(Object.keys(config.ExposedPorts ?? {}), ['5001/tcp']);
    assert.match((config.Healthcheck?.Test ?? []).join(' '), /^CMD node -e .*127\.0\.0\.1:5001\/healthz/);
    assert.deepEqual(config.Entrypoint, ['node', '/opt/purser/bin/purser.js']);
    assert.deepEqual(config.Cmd, ['serve']);
  });

  test('contents: the compiled build with production dependencies only', (t) => {
    if (!storage) return t.skip(skipped);
    const app = path.join(root, 'opt/purser');
    for (const file of [
      'dist/cli/main.js',
      'dist/build-info.json',
      'bin/docker-credential-purser',
      'LICENSE',
    ])
      assert.ok(fs.existsSync(path.join(app, file)), `${file} is in the image`);
    assert.ok(fs.existsSync(path.join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')));
    for (const dev of ['typescript', 'tsx', '@biomejs/biome', 'vite'])
      assert.equal(fs.existsSync(path.join(app, 'node_modules', dev)), false, `${dev} is not in the image`);
    assert.equal(fs.existsSync(path.join(root, 'build')), false, 'the build stage is not in the image');
    const volume = fs.statSync(path.join(root, 'var/lib/purser'));
    assert.equal(volume.uid, IMAGE_UID);
    assert.equal(volume.mode & 0o777, 0o700);
  });

  test('purser --version and purser serve under chroot, read-only root', async (t) => {
    if (!storage) return t.skip(skipped);
    if (!requireBinary(t, 'unshare') || !requireBinary(t, 'chroot')) return;
    const port = await freePort();
    // The image's own purser.yaml listens on 0.0.0.0:5001; tests stay on loopback.
    fs.writeFileSync(path.join(data, 'test.yaml'), `listen: 127.0.0.1:${port}\ndata: /var/lib/purser\n`);
    fs.chownSync(path.join(data, 'test.yaml'), IMAGE_UID, IMAGE_UID);
    // A private mount namespace: the image's root bound read-only over itself, the data directory
    // as the volume; the mounts vanish with the process.
    const inImage = (command: string) => [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `set -e; mount --bind "$ROOT" "$ROOT"; mount -o remount,bind,ro "$ROOT"; mount --bind "$DATA" "$ROOT/var/lib/purser"; mount -t proc proc "$ROOT/proc"; exec chroot --userspec=${IMAGE_UID}:${IMAGE_UID} "$ROOT" ${command}`,
    ];
    const env = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/var/lib/purser',
      ROOT: root,
      DATA: data,
    };
    const clean = Object.fromEntries(Object.keys(process.env).map((k) => [k, undefined]));

    const version = await run('unshare', inImage('purser --version'), { env: { ...clean, ...env } });
    assert.equal(version.code, 0, describeResult(version));
    assert.match(version.stdout, /^purser 0\.1\.0 \(commit [0-9a-f]{12}\)\n$/);

    const write = await run('unshare', inImage('sh -c "echo x > /opt/purser/x"'), {
      env: { ...clean, ...env },
    });
    assert.notEqual(write.code, 0, 'the root filesystem is read-only');
    assert.match(write.stderr, /Read-only file system/);

    const server = spawnLogged('unshare', inImage('node /opt/purser/bin/purser.js serve'), {
      env: {
        ...clean,
        ...env,
        PURSER_CONFIG: '/var/lib/purser/test.yaml',
        PURSER_ADMIN_PASSWORD: 'image-pw',
      },
    });
    try {
      await server.waitForLog(/purser listening on http:\/\/127\.0\.0\.1:\d+/, { timeoutMs: 30_000 });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      await server.stop('SIGTERM', 10_000);
      assert.equal(server.exitStatus()?.code, 0, server.logs());
    } finally {
      await server.stop('SIGKILL', 1_000);
    }
    const written = fs.readdirSync(data).sort();
    assert.ok(
      written.includes('purser.db') && written.includes('master.key'),
      `state in the volume: ${written}`,
    );
    assert.equal(fs.statSync(path.join(data, 'purser.db')).uid, IMAGE_UID, 'written as the image user');
  });
});
