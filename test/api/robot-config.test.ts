/**
 * `purser robot config NAME --format …`: the robot's credential in each runtime's format, for
 * the registries Purser serves; the secret only with --regenerate or --secret-stdin, and a
 * placeholder plus a warning otherwise.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const HOST = '127.0.0.1:5999';
const decode = (auth: string) => Buffer.from(auth, 'base64').toString();

describe('purser robot config', () => {
  const data = tempDir('purser-robot-config-');
  const cli = (args: string[], input?: string) =>
    purserCli(args, { env: { PURSER_DATA: data }, ...(input === undefined ? {} : { input }) });
  let secret: string;

  before(async () => {
    let r = await cli(['registry', 'add', 'registry.test', '--url', `http://${HOST}`]);
    assert.equal(r.code, 0, describeResult(r));
    r = await cli(['robot', 'add', 'ci+builder', '--repository', 'team/*', '--permission', 'read']);
    assert.equal(r.code, 0, describeResult(r));
    secret = r.stdout.trim();
  });

  test('without the secret: a placeholder, and it says so', async () => {
    const r = await cli(['robot', 'config', 'ci+builder', '--format', 'docker']);
    assert.equal(r.code, 0, describeResult(r));
    const config = JSON.parse(r.stdout) as { auths: Record<string, { auth: string }> };
    assert.equal(decode(config.auths[HOST]!.auth), 'ci+builder:ROBOT_SECRET_SHOWN_ONLY_AT_CREATION');
    assert.match(r.stderr, /shows a robot's secret only when it is created or regenerated/);
    assert.match(r.stderr, /--regenerate/);
  });

  test('--secret-stdin: a Kubernetes Secret holding the kept secret', async () => {
    const r = await cli(
      ['robot', 'config', 'ci+builder', '--format', 'k8s-secret', '-n', 'ci', '--secret-stdin'],
      `${secret}\n`,
    );
    assert.equal(r.code, 0, describeResult(r));
    const manifest = parse(r.stdout) as {
      type: string;
      metadata: { name: string; namespace: string };
      data: Record<string, string>;
    };
    assert.equal(manifest.type, 'kubernetes.io/dockerconfigjson');
    assert.equal(manifest.metadata.name, 'ci-builder-pull-secret');
    assert.equal(manifest.metadata.namespace, 'ci');
    const inner = JSON.parse(decode(manifest.data['.dockerconfigjson']!)) as {
      auths: Record<string, { auth: string }>;
    };
    assert.equal(decode(inner.auths[HOST]!.auth), `ci+builder:${secret}`);
    assert.equal(r.stderr, '');
  });

  test('--regenerate: podman and mesos with a new secret; an unknown registry is named', async () => {
    const out = join(tempDir('purser-robot-mesos-'), 'docker.tar.gz');
    let r = await cli(['robot', 'config', 'ci+builder', '--format', 'mesos', '--regenerate', '--out', out]);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stderr, /regenerated the secret of ci\+builder/);
    const archive = gunzipSync(readFileSync(out)).toString('latin1');
    const fresh = /ci\+builder:([A-Za-z0-9_-]{24,})/.exec(
      Buffer.from(/"auth":\s*"([^"]+)"/.exec(archive)?.[1] ?? '', 'base64').toString(),
    )?.[1];
    assert.ok(fresh, 'the archive holds the new secret');
    assert.notEqual(fresh, secret);

    r = await cli(['robot', 'config', 'ci+builder', '--format', 'podman', '--registry', 'nope.test']);
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stderr, /--registry nope.test: no such registry \(known: registry.test\)/);
  });
});
