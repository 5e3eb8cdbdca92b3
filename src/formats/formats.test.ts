/** Unit tests for every exporter (the e2e tests in test/vault run the consumers themselves). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import YAML from 'yaml';
import { buildButane } from './butane.ts';
import {
  buildDockerConfig,
  buildDockerHelperConfig,
  mergeDockerConfigFile,
  renderDockerConfig,
} from './docker-config.ts';
import { buildGantryConfigs } from './gantry.ts';
import { buildK8sSecret, renderK8sSecretJson } from './k8s-secret.ts';
import { buildMesosArchive } from './mesos.ts';
import { buildPodmanAuth } from './podman-auth.ts';
import type { ExportCredential } from './registry.ts';
import { buildRke2Registries } from './rke2.ts';
import { buildRktFiles } from './rkt.ts';

const reg: ExportCredential = {
  address: 'registry.example.com:5000',
  username: 'ci',
  secret: 'pa<&>ss',
  kind: 'basic',
  email: 'ci@example.com',
};
const hub: ExportCredential = { address: 'docker.io', username: 'alice', secret: 'hub', kind: 'basic' };
const token: ExportCredential = {
  address: 'tok.example',
  username: '<token>',
  secret: 'refresh-1',
  kind: 'identity-token',
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

test('docker-config: Hub key, tab indent, identity token with user: (no auth without a user)', () => {
  const config = buildDockerConfig([reg, hub, token]);
  assert.deepEqual(config.auths, {
    'registry.example.com:5000': { auth: b64('ci:pa<&>ss') },
    'https://index.docker.io/v1/': { auth: b64('alice:hub') },
    'tok.example': { identitytoken: 'refresh-1' },
  });
  assert.deepEqual(buildDockerConfig([{ ...token, username: 'bob' }]).auths?.['tok.example'], {
    auth: b64('bob:'),
    identitytoken: 'refresh-1',
  });
  assert.ok(renderDockerConfig(config).startsWith('{\n\t"auths": {\n\t\t"'));
  assert.deepEqual(buildDockerHelperConfig(['docker.io', 'quay.io']).credHelpers, {
    'https://index.docker.io/v1/': 'purser',
    'quay.io': 'purser',
  });
});

test('docker-config merge: atomic, keeps other keys, mode and symlinks; helper mode drops stale secrets', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-fmt-'));
  try {
    const real = path.join(dir, 'real.json');
    fs.writeFileSync(
      real,
      JSON.stringify({
        auths: { keep: { auth: 'eDp5' }, 'quay.io': { auth: 'c3RhbGU6eA==' } },
        proxies: { default: {} },
      }),
      { mode: 0o644 },
    );
    const link = path.join(dir, 'config.json');
    fs.symlinkSync(real, link);
    mergeDockerConfigFile(link, [reg]);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the symlink survives');
    let merged = JSON.parse(fs.readFileSync(real, 'utf8'));
    assert.equal(fs.statSync(real).mode & 0o777, 0o644);
    assert.deepEqual(merged.proxies, { default: {} });
    assert.equal(merged.auths.keep.auth, 'eDp5');
    assert.equal(merged.auths['registry.example.com:5000'].auth, b64('ci:pa<&>ss'));
    mergeDockerConfigFile(link, [{ ...reg, address: 'quay.io' }], { helper: 'purser' });
    merged = JSON.parse(fs.readFileSync(real, 'utf8'));
    assert.deepEqual(merged.auths['quay.io'], {});
    assert.equal(merged.credHelpers['quay.io'], 'purser');
    const fresh = path.join(dir, 'sub', 'new.json');
    mergeDockerConfigFile(fresh, [hub]);
    assert.equal(fs.statSync(fresh).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(fresh)).mode & 0o777, 0o700);
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      ['config.json', 'real.json', 'sub'],
      'no temporary files left',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('podman-auth keys Docker Hub as docker.io', () => {
  assert.deepEqual(Object.keys(buildPodmanAuth([hub, reg]).auths ?? {}), [
    'docker.io',
    'registry.example.com:5000',
  ]);
});

test('k8s-secret: kubectl byte layout, Go escaping, legacy dockercfg', () => {
  const secret = buildK8sSecret([reg], { name: 'regcred', namespace: 'apps' });
  const payload = Buffer.from(secret.data['.dockerconfigjson']!, 'base64').toString();
  assert.equal(
    payload,
    `{"auths":{"registry.example.com:5000":{"username":"ci","password":"pa\\u003c\\u0026\\u003ess","email":"ci@example.com","auth":"${b64('ci:pa<&>ss')}"}}}`,
  );
  assert.ok(
    renderK8sSecretJson(secret).startsWith(
      '{\n    "kind": "Secret",\n    "apiVersion": "v1",\n    "metadata": {\n        "name": "regcred",\n        "namespace": "apps",\n        "creationTimestamp": null',
    ),
  );
  const legacy = buildK8sSecret([hub], { name: 'x', legacy: true });
  assert.equal(legacy.type, 'kubernetes.io/dockercfg');
  assert.deepEqual(JSON.parse(Buffer.from(legacy.data['.dockercfg']!, 'base64').toString()), {
    'https://index.docker.io/v1/': { username: 'alice', password: 'hub', auth: b64('alice:hub') },
  });
  assert.throws(() => buildK8sSecret([reg], { name: 'Bad_Name' }), /invalid Secret name/);
  assert.throws(() => buildK8sSecret([token], { name: 'x' }), /identity token/);
});

test('rkt: auth with domains, or dockerAuth with registries; Hub is index.docker.io', () => {
  const [a, b] = buildRktFiles([reg, hub]);
  assert.equal(a!.name, 'registry.example.com_5000.json');
  assert.deepEqual(JSON.parse(a!.content), {
    rktKind: 'auth',
    rktVersion: 'v1',
    domains: ['registry.example.com:5000'],
    type: 'basic',
    credentials: { user: 'ci', password: 'pa<&>ss' },
  });
  assert.deepEqual(JSON.parse(b!.content).domains, ['index.docker.io']);
  assert.deepEqual(JSON.parse(buildRktFiles([hub], { dockerAuth: true })[0]!.content), {
    rktKind: 'dockerAuth',
    rktVersion: 'v1',
    registries: ['index.docker.io'],
    credentials: { user: 'alice', password: 'hub' },
  });
});

test('mesos: gzip ustar with .docker/ 0700 and .docker/config.json 0600, root owned', () => {
  const tar = zlib.gunzipSync(buildMesosArchive([reg], 1_700_000_000_000));
  const entry = (offset: number) => ({
    name: tar
      .subarray(offset, offset + 100)
      .toString()
      .replace(/\0.*$/s, ''),
    mode: Number.parseInt(tar.subarray(offset + 100, offset + 107).toString(), 8),
    size: Number.parseInt(tar.subarray(offset + 124, offset + 135).toString(), 8),
    type: tar.subarray(offset + 156, offset + 157).toString(),
    uname: tar
      .subarray(offset + 265, offset + 297)
      .toString()
      .replace(/\0.*$/s, ''),
  });
  const dir = entry(0);
  const file = entry(512);
  assert.deepEqual([dir.name, dir.mode, dir.type, dir.uname], ['.docker/', 0o700, '5', 'root']);
  assert.deepEqual([file.name, file.mode, file.type], ['.docker/config.json', 0o600, '0']);
  const content = JSON.parse(tar.subarray(1024, 1024 + file.size).toString());
  assert.equal(content.auths['registry.example.com:5000'].auth, b64('ci:pa<&>ss'));
  let sum = 0;
  const header = Buffer.from(tar.subarray(0, 512));
  header.fill(' ', 148, 156);
  for (const byte of header) sum += byte;
  assert.equal(Number.parseInt(tar.subarray(148, 154).toString(), 8), sum, 'header checksum');
});

test('butane: inline by default, remote source with sha512 of the content', () => {
  const inline = buildButane([hub]);
  const doc = YAML.parse(inline.config, { version: '1.1' });
  assert.equal(doc.storage.files[0].mode, 0o644);
  assert.equal(doc.storage.files[0].contents.inline, inline.content);
  const remote = buildButane([hub], {
    variant: 'fcos',
    source: 'https://x.example/c.json',
    mode: 0o600,
    path: '/root/.docker/config.json',
  });
  const rdoc = YAML.parse(remote.config, { version: '1.1' });
  assert.equal(rdoc.version, '1.6.0');
  assert.equal(
    rdoc.storage.files[0].contents.verification.hash,
    `sha512-${createHash('sha512').update(remote.content).digest('hex')}`,
  );
  assert.throws(() => buildButane([hub], { path: 'relative' }), /absolute/);
  assert.throws(() => buildButane([hub], { variant: 'rhcos' }), /variant/);
  assert.throws(() => buildButane([hub], { source: 'ftp://x' }), /http, https/);
});

test('gantry: one line per registry; whitespace refused with the reason', () => {
  assert.equal(
    buildGantryConfigs([reg, hub], { configuration: 'cfg' }).split('\n').slice(1).join('\n'),
    'cfg registry.example.com:5000 ci pa<&>ss\ncfg docker.io alice hub\n',
  );
  assert.throws(
    () => buildGantryConfigs([{ ...reg, secret: 'a b' }]),
    /password for registry\.example\.com:5000 contains whitespace: gantry splits each line on spaces and tabs/,
  );
  assert.throws(() => buildGantryConfigs([{ ...reg, secret: 'a\tb' }]), /whitespace/);
  assert.throws(() => buildGantryConfigs([reg], { configuration: 'my dir' }), /no whitespace/);
});

test('rke2: configs.<host>.auth; identity tokens as identity_token; Hub under its endpoint hosts', () => {
  const doc = buildRke2Registries([reg, hub, token]);
  assert.deepEqual(doc.configs['registry.example.com:5000'], {
    auth: { username: 'ci', password: 'pa<&>ss' },
  });
  assert.deepEqual(doc.configs['tok.example'], { auth: { identity_token: 'refresh-1' } });
  assert.deepEqual(
    Object.keys(doc.configs)
      .filter((k) => k.includes('docker.io'))
      .sort(),
    ['docker.io', 'index.docker.io', 'registry-1.docker.io'],
  );
});
