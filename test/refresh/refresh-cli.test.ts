/**
 * `purser refresh` over the `refresh:` section of purser.yaml, with an ECR credential in the
 * vault minted by a fake ECR: `--once` writes a Docker config.json (merged) and a Secret
 * manifest with the minted token; `--watch`, with 6-second tokens, rewrites the file with the
 * next token before the first one's expiry and reports each write.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { describeResult, spawnLogged } from '../support/proc.ts';
import { CLI_ENTRY, purserCli } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const TSX = import.meta.resolve('tsx');

describe('purser refresh', { timeout: 90_000 }, () => {
  let ecr: FakeEcr;
  let root: string;
  let configFile: string;
  let issued = 0;

  before(async () => {
    ecr = await startFakeEcr({
      accessKeyId: 'AKIDPURSERTEST',
      region: 'eu-west-1',
      lifetimeSeconds: 6,
      password: () => `refresh-token-${++issued}`,
    });
    root = tempDir('purser-refresh-cli-');
    writeFileSync(join(root, 'aws.secret'), 'x');
    writeFileSync(
      join(root, 'config.json'),
      JSON.stringify({ auths: { 'other.example': { auth: 'eDp5' } } }),
    );
    configFile = join(root, 'purser.yaml');
    writeFileSync(
      configFile,
      [
        'data: ./data',
        'refresh:',
        '  targets:',
        `    - { type: docker-config, path: ${join(root, 'config.json')}, registries: [${ecr.registryHost}] }`,
        `    - { type: k8s-secret-file, path: ${join(root, 'regcred.yaml')}, name: regcred, namespace: ci, registries: [${ecr.registryHost}] }`,
        '',
      ].join('\n'),
    );
    const added = await purserCli(
      [
        'vault',
        'add',
        ecr.registryHost,
        '--kind',
        'ecr',
        '--aws-region',
        'eu-west-1',
        '--aws-access-key-id',
        'AKIDPURSERTEST',
        '--aws-secret-access-key-file',
        join(root, 'aws.secret'),
        '--aws-endpoint',
        ecr.url,
      ],
      { env: { PURSER_CONFIG: configFile } },
    );
    assert.equal(added.code, 0, describeResult(added));
  });

  after(async () => {
    await ecr?.close();
  });

  const dockerAuth = () => {
    const config = JSON.parse(readFileSync(join(root, 'config.json'), 'utf8')) as {
      auths: Record<string, { auth: string }>;
    };
    assert.equal(config.auths['other.example']?.auth, 'eDp5', 'other entries stay');
    return Buffer.from(config.auths[ecr.registryHost]?.auth ?? '', 'base64').toString();
  };

  test('--once writes every target with the minted token and reports each', async () => {
    const r = await purserCli(['refresh', '--once'], { env: { PURSER_CONFIG: configFile } });
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /docker-config .*written/);
    assert.match(r.stdout, /k8s-secret.*written/);
    assert.doesNotMatch(r.stdout, /refresh-token-/, 'no token in the report');
    assert.equal(dockerAuth(), 'AWS:refresh-token-1');
    const secret = parse(readFileSync(join(root, 'regcred.yaml'), 'utf8')) as {
      metadata: { name: string; namespace: string };
      data: Record<string, string>;
    };
    assert.equal(secret.metadata.name, 'regcred');
    assert.equal(secret.metadata.namespace, 'ci');
    assert.match(Buffer.from(secret.data['.dockerconfigjson']!, 'base64').toString(), /auth/);
    assert.equal(ecr.mints, 1, 'both targets from one mint');
  });

  test('--watch rewrites the file before the token expires, reporting each write', async () => {
    const watcher = spawnLogged(
      process.execPath,
      ['--import', TSX, CLI_ENTRY, 'refresh', '--watch', '--json'],
      {
        env: { PURSER_CONFIG: configFile, PURSER_DATA: undefined, PURSER_URL: undefined },
      },
    );
    try {
      await watcher.waitForLog(/"outcome":"written"[\s\S]*"outcome":"written"/, { timeoutMs: 30_000 });
      const first = dockerAuth();
      const firstExpiry = Date.now() + 6_000;
      // The next write comes by the token's half-life (3 s), with a fresh token.
      let second = first;
      while (second === first && Date.now() < firstExpiry + 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        second = dockerAuth();
      }
      assert.notEqual(second, first, `rewritten with the next token: ${watcher.logs()}`);
      assert.ok(Date.now() < firstExpiry, 'before the first token expired');
      assert.match(second, /^AWS:refresh-token-\d+$/);
      assert.doesNotMatch(watcher.logs(), /refresh-token-/, 'no token in the reports');
    } finally {
      await watcher.stop('SIGTERM', 5_000);
    }
  });
});
