/**
 * Proves the end-to-end harness against real software: Debian's docker-registry with htpasswd
 * auth, skopeo, containerd (ctr), podman and the daemonless docker CLI, plus a no-auth registry
 * that keeps its data across a restart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireBinaries, requireBinary } from '../support/binaries.ts';
import { startContainerd } from '../support/containerd.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { describeResult } from '../support/proc.ts';
import { type Registry, startRegistry, writeHtpasswd } from '../support/registry.ts';
import {
  createPodmanStore,
  docker,
  dockerConfigDir,
  podman,
  skopeo,
  tempAuthFile,
} from '../support/skopeo.ts';
import { tempDir } from '../support/temp.ts';
import { selfSignedCertificate } from '../support/tls.ts';

interface Inspect {
  Digest: string;
  Layers: string[];
}

test('htpasswd registry: push with skopeo, inspect, reject a wrong password, pull with containerd', async (t) => {
  if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
  const dir = tempDir();
  const htpasswd = join(dir, 'htpasswd');
  writeHtpasswd(htpasswd, { alice: 'correct horse', bob: 'battery staple' });
  assert.match(readFileSync(htpasswd, 'utf8'), /^alice:\$2y\$06\$.{53}\nbob:\$2y\$/);
  const registry = await startRegistry({ auth: { htpasswd: { path: htpasswd } } });
  t.after(() => registry.stop());
  assert.match(registry.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await fetch(`${registry.url}/v2/`)).status, 401, 'htpasswd registry must challenge');

  const image = await makeOciImage(join(dir, 'oci'), 'v1', 'harness htpasswd');
  const target = `docker://${registry.host}/purser/harness:v1`;

  const push = await skopeo(['copy', '--dest-creds', 'alice:correct horse', image.ref, target]);
  assert.equal(push.code, 0, describeResult(push));

  const inspect = await skopeo(['inspect', '--creds', 'alice:correct horse', target]);
  assert.equal(inspect.code, 0, describeResult(inspect));
  const info = JSON.parse(inspect.stdout) as Inspect;
  assert.equal(info.Digest, image.manifestDigest);
  assert.deepEqual(info.Layers, [image.layerDigest]);

  await t.test('a wrong password or no credentials is refused', async () => {
    const wrong = await skopeo(['inspect', '--creds', 'alice:wrong', target]);
    assert.notEqual(wrong.code, 0, describeResult(wrong));
    assert.match(wrong.stderr, /unauthorized|authentication required|invalid username\/password/i);
    const anonymous = await skopeo(['inspect', target]);
    assert.notEqual(anonymous.code, 0, describeResult(anonymous));
    const wrongPush = await skopeo(['copy', '--dest-creds', 'bob:correct horse', image.ref, target]);
    assert.notEqual(wrongPush.code, 0, describeResult(wrongPush));
  });

  await t.test('skopeo login writes only the temporary auth file', async () => {
    const authfile = tempAuthFile();
    const login = await skopeo(['login', '--username', 'bob', '--password-stdin', registry.host], {
      authfile,
      input: 'battery staple\n',
    });
    assert.equal(login.code, 0, describeResult(login));
    const auths = (JSON.parse(readFileSync(authfile, 'utf8')) as { auths: Record<string, { auth: string }> })
      .auths;
    assert.equal(Buffer.from(auths[registry.host]?.auth ?? '', 'base64').toString(), 'bob:battery staple');
    const tags = await skopeo(['list-tags', `docker://${registry.host}/purser/harness`], { authfile });
    assert.equal(tags.code, 0, describeResult(tags));
    assert.deepEqual((JSON.parse(tags.stdout) as { Tags: string[] }).Tags, ['v1']);
  });

  await t.test('containerd pulls it with --user', async (t) => {
    if (!requireBinaries(t, ['containerd', 'ctr'])) return;
    const containerd = await startContainerd();
    t.after(() => containerd.stop());
    const ref = `${registry.host}/purser/harness:v1`;
    const denied = await containerd.ctr(['images', 'pull', '--plain-http', '--user', 'alice:nope', ref]);
    assert.notEqual(denied.code, 0, describeResult(denied));
    const pull = await containerd.ctr([
      'images',
      'pull',
      '--plain-http',
      '--user',
      'alice:correct horse',
      ref,
    ]);
    assert.equal(pull.code, 0, describeResult(pull));
    const list = await containerd.ctr(['images', 'ls']);
    assert.equal(list.code, 0, describeResult(list));
    const row = list.stdout.split('\n').find((line) => line.startsWith(`${ref} `));
    assert.ok(row, `image not listed:\n${list.stdout}`);
    assert.ok(row.includes(image.manifestDigest), row);
  });

  await t.test('podman pulls it after podman login', async (t) => {
    if (!requireBinary(t, 'podman')) return;
    const store = createPodmanStore();
    t.after(() => store.cleanup());
    const login = await podman(['login', '--username', 'alice', '--password-stdin', registry.host], {
      store,
      input: 'correct horse\n',
    });
    assert.equal(login.code, 0, describeResult(login));
    const pull = await podman(['pull', '--quiet', `${registry.host}/purser/harness:v1`], { store });
    assert.equal(pull.code, 0, describeResult(pull));
    const digests = await podman(['images', '--format', '{{.Digest}}'], { store });
    assert.equal(digests.code, 0, describeResult(digests));
    assert.equal(digests.stdout.trim(), image.manifestDigest);
  });

  await t.test('docker login without a daemon stores credentials in the temp config file', async (t) => {
    if (!requireBinary(t, 'docker')) return;
    const configDir = dockerConfigDir();
    const login = await docker(['login', '-u', 'bob', '--password-stdin', registry.host], {
      configDir,
      input: 'battery staple',
    });
    assert.equal(login.code, 0, describeResult(login));
    assert.match(login.stdout, /Login Succeeded/);
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as {
      auths: Record<string, { auth?: string }>;
      credsStore?: string;
    };
    assert.equal(config.credsStore, undefined);
    assert.equal(
      Buffer.from(config.auths[registry.host]?.auth ?? '', 'base64').toString(),
      'bob:battery staple',
    );
    const bad = await docker(['login', '-u', 'bob', '--password-stdin', registry.host], { input: 'nope' });
    assert.notEqual(bad.code, 0, describeResult(bad));
  });
});

test('no-auth registry keeps its data and port across a restart', async (t) => {
  if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
  const registry: Registry = await startRegistry();
  t.after(() => registry.stop());
  assert.equal((await fetch(`${registry.url}/v2/`)).status, 200);
  const dir = tempDir();
  const first = await makeOciImage(join(dir, 'oci'), 'one', 'restart one');
  const second = await makeOciImage(join(dir, 'oci'), 'two', 'restart two');
  assert.notEqual(first.manifestDigest, second.manifestDigest);
  for (const image of [first, second]) {
    const tag = image.ref.split(':').pop();
    const copy = await skopeo(['copy', image.ref, `docker://${registry.host}/purser/restart:${tag}`]);
    assert.equal(copy.code, 0, describeResult(copy));
  }
  const { port } = registry;
  await registry.restart();
  assert.equal(registry.port, port);
  const inspect = await skopeo(['inspect', `docker://${registry.host}/purser/restart:two`]);
  assert.equal(inspect.code, 0, describeResult(inspect));
  assert.equal((JSON.parse(inspect.stdout) as Inspect).Digest, second.manifestDigest);

  // Deletion is enabled by default.
  const del = await skopeo(['delete', `docker://${registry.host}/purser/restart:one`]);
  assert.equal(del.code, 0, describeResult(del));
  const tags = await fetch(`${registry.url}/v2/purser/restart/tags/list`);
  assert.deepEqual(((await tags.json()) as { tags: string[] }).tags, ['two']);
  assert.match(readFileSync(registry.logFile, 'utf8'), /listening on 127\.0\.0\.1:\d+/);
});

test('token-auth registry challenges with the configured realm and sends notifications', async (t) => {
  if (!requireBinaries(t, ['docker-registry', 'skopeo', 'openssl'])) return;
  const dir = tempDir();
  const { certFile: cert } = await selfSignedCertificate(dir, {
    commonName: 'purser-harness',
    days: 1,
    name: 'root',
  });

  const events: {
    action: string;
    target: { repository: string; tag?: string; digest: string; references?: { digest: string }[] };
  }[] = [];
  const authorizations: (string | undefined)[] = [];
  const sink = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      authorizations.push(req.headers.authorization);
      events.push(...(JSON.parse(body) as { events: typeof events }).events);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => sink.close(resolve)));
  const sinkPort = (sink.address() as AddressInfo).port;

  const realm = 'http://127.0.0.1:9/token';
  const secured = await startRegistry({
    auth: {
      token: {
        realm,
        service: 'purser-harness',
        issuer: 'purser-test',
        rootCertBundle: readFileSync(cert, 'utf8'),
      },
    },
  });
  t.after(() => secured.stop());
  const challenge = await fetch(`${secured.url}/v2/`);
  assert.equal(challenge.status, 401);
  assert.equal(challenge.headers.get('www-authenticate'), `Bearer realm="${realm}",service="purser-harness"`);

  const plain = await startRegistry({
    notifications: {
      url: `http://127.0.0.1:${sinkPort}/notify`,
      headers: { Authorization: ['Bearer harness'] },
    },
  });
  t.after(() => plain.stop());
  const image = await makeOciImage(join(dir, 'oci'), 'v1', 'notified');
  const copy = await skopeo(['copy', image.ref, `docker://${plain.host}/purser/events:v1`]);
  assert.equal(copy.code, 0, describeResult(copy));
  const deadline = Date.now() + 10_000;
  const isManifestPush = (e: (typeof events)[number]) => e.action === 'push' && e.target.tag === 'v1';
  while (!events.some(isManifestPush) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const push = events.find(isManifestPush);
  assert.ok(push, `no manifest push event; got ${JSON.stringify(events.map((e) => e.action))}`);
  assert.equal(push.target.repository, 'purser/events');
  assert.equal(push.target.digest, image.manifestDigest);
  assert.deepEqual(
    push.target.references?.map((r) => r.digest),
    [image.configDigest, image.layerDigest],
    'events.includereferences must be on',
  );
  assert.ok(authorizations.every((a) => a === 'Bearer harness'));
});
