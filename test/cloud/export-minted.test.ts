/**
 * `purser export FORMAT` for every format with cloud credentials: ECR, GCP and ACR tokens minted
 * by the real SDKs against the local fakes. Each output, read the way its consumer reads it,
 * carries the minted token (never the long-lived AWS secret key, the service principal's secret
 * or the service-account key), all formats share one mint, and a cached token that has expired is
 * minted afresh before it is written.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import { ACR_REFRESH_TOKEN_USERNAME, GCP_ACCESS_TOKEN_USERNAME } from '../../src/cloud/cloud-token.ts';
import { EXPORT_FORMATS } from '../../src/formats/exporters.ts';
import { hasBinary } from '../support/binaries.ts';
import { type FakeAzure, startFakeAzure } from '../support/fake-azure.ts';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google.ts';
import { describeResult, run } from '../support/proc.ts';
import { tempDir } from '../support/temp.ts';
import { type VaultFixture, vaultFixture } from '../vault/vault-fixture.ts';

const AWS_SECRET = 'aws-secret-key-never-exported';
const CLIENT_SECRET = 'azure-client-secret-never-exported';
const GCP_ADDRESS = 'europe-docker.pkg.dev';

type Login = { username: string; password: string };
/** What one export handed out, per registry, and every byte it wrote (for the secret check). */
type Exported = { logins: Map<string, Login>; text: string };

const fromAuth = (auth: string): Login => {
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
};
const fromAuths = (config: { auths: Record<string, { auth: string }> }): Map<string, Login> =>
  new Map(Object.entries(config.auths).map(([host, entry]) => [host, fromAuth(entry.auth)]));

/** One reader per format, as its consumer reads the output. */
const READERS: Record<string, (vault: VaultFixture, registries: string[]) => Promise<Exported>> = {
  'docker-config': async (vault, registries) => {
    const text = await exported(vault, 'docker-config', registries);
    return { logins: fromAuths(JSON.parse(text)), text };
  },
  'podman-auth': async (vault, registries) => {
    const text = await exported(vault, 'podman-auth', registries);
    return { logins: fromAuths(JSON.parse(text)), text };
  },
  'k8s-secret': async (vault, registries) => {
    const text = await exported(vault, 'k8s-secret', registries);
    const secret = YAML.parse(text) as { type: string; data: Record<string, string> };
    assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
    const config = Buffer.from(secret.data['.dockerconfigjson'] ?? '', 'base64').toString('utf8');
    return { logins: fromAuths(JSON.parse(config)), text: `${text}\n${config}` };
  },
  rkt: async (vault, registries) => {
    const dir = join(tempDir('purser-rkt-minted-'), 'auth.d');
    await exported(vault, 'rkt', registries, ['--out', dir]);
    const bodies = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    const logins = new Map<string, Login>();
    for (const body of bodies) {
      const file = JSON.parse(body) as { domains: string[]; credentials: { user: string; password: string } };
      logins.set(file.domains[0] ?? '', {
        username: file.credentials.user,
        password: file.credentials.password,
      });
    }
    return { logins, text: bodies.join('\n') };
  },
  mesos: async (vault, registries) => {
    const out = join(tempDir('purser-mesos-minted-'), 'docker.tar.gz');
    await exported(vault, 'mesos', registries, ['--out', out]);
    const sandbox = tempDir('purser-mesos-sandbox-');
    const x = await run('tar', ['-xzf', out, '-C', sandbox]);
    assert.equal(x.code, 0, describeResult(x));
    const text = readFileSync(join(sandbox, '.docker', 'config.json'), 'utf8');
    return { logins: fromAuths(JSON.parse(text)), text };
  },
  butane: async (vault, registries) => {
    const text = await exported(vault, 'butane', registries);
    const doc = YAML.parse(text, { version: '1.1' }) as {
      storage: { files: { contents: { inline: string } }[] };
    };
    const inline = doc.storage.files[0]?.contents.inline ?? '';
    return { logins: fromAuths(JSON.parse(inline)), text };
  },
  gantry: async (vault, registries) => {
    const text = await exported(vault, 'gantry', registries, ['--configuration', '/cfg']);
    const logins = new Map<string, Login>();
    for (const line of text.split('\n')) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      const [, host, username, password] = line.trim().split(/\s+/);
      logins.set(host ?? '', { username: username ?? '', password: password ?? '' });
    }
    return { logins, text };
  },
  rke2: async (vault, registries) => {
    const text = await exported(vault, 'rke2', registries);
    const doc = YAML.parse(text) as { configs: Record<string, { auth: Login }> };
    return {
      logins: new Map(Object.entries(doc.configs).map(([host, c]) => [host, c.auth])),
      text,
    };
  },
};

async function exported(
  vault: VaultFixture,
  format: string,
  registries: string[],
  extra: string[] = [],
): Promise<string> {
  const r = await vault.cli(['export', format, ...registries.flatMap((a) => ['--registry', a]), ...extra]);
  assert.equal(r.code, 0, `${format}: ${describeResult(r)}`);
  return r.stdout;
}

describe('purser export: every format hands out minted cloud tokens', { timeout: 180_000 }, () => {
  let vault: VaultFixture;
  let ecr: FakeEcr;
  let shortEcr: FakeEcr;
  let google: FakeGoogle;
  let azure: FakeAzure;
  let gcpTokens = 0;
  let acrTokens = 0;
  let shortTokens = 0;

  before(async () => {
    vault = vaultFixture();
    ecr = await startFakeEcr({
      accessKeyId: 'AKIDEXPORT',
      region: 'eu-west-1',
      password: () => 'ecr-token-1',
    });
    shortEcr = await startFakeEcr({
      accessKeyId: 'AKIDEXPORT',
      region: 'eu-west-1',
      accountId: '444455556666',
      lifetimeSeconds: 3,
      password: () => `short-token-${++shortTokens}`,
    });
    google = await startFakeGoogle({ token: () => `gcp-token-${++gcpTokens}` });
    azure = await startFakeAzure({
      tenantId: 't1',
      clientId: 'c1',
      clientSecret: CLIENT_SECRET,
      registry: '',
      refreshToken: () => `acr-refresh-${++acrTokens}`,
    });
    azure.registry = new URL(azure.url).host;
    writeFileSync(join(vault.root, 'aws.secret'), `${AWS_SECRET}\n`);
    writeFileSync(join(vault.root, 'sp.secret'), `${CLIENT_SECRET}\n`);
    writeFileSync(join(vault.root, 'key.json'), google.serviceAccount.json);
    const ecrFlags = (fake: FakeEcr) => [
      '--kind',
      'ecr',
      '--aws-region',
      'eu-west-1',
      '--aws-access-key-id',
      'AKIDEXPORT',
      '--aws-secret-access-key-file',
      join(vault.root, 'aws.secret'),
      '--aws-endpoint',
      fake.url,
    ];
    for (const args of [
      ['vault', 'add', ecr.registryHost, ...ecrFlags(ecr)],
      ['vault', 'add', shortEcr.registryHost, ...ecrFlags(shortEcr)],
      ['vault', 'add', GCP_ADDRESS, '--kind', 'gcp', '--password-file', join(vault.root, 'key.json')],
      [
        'vault',
        'add',
        azure.registry,
        '--kind',
        'acr',
        '--azure-tenant',
        't1',
        '--azure-client-id',
        'c1',
        '--azure-client-secret-file',
        join(vault.root, 'sp.secret'),
        '--azure-authority',
        azure.authority,
      ],
    ]) {
      const added = await vault.cli(args);
      assert.equal(added.code, 0, describeResult(added));
    }
  });

  after(async () => {
    await Promise.all([ecr?.close(), shortEcr?.close(), google?.close(), azure?.close()]);
  });

  const formats = () => {
    assert.deepEqual(
      [...EXPORT_FORMATS].sort(),
      Object.keys(READERS).sort(),
      'a reader for each format purser export lists',
    );
    return hasBinary('tar') ? [...EXPORT_FORMATS] : EXPORT_FORMATS.filter((f) => f !== 'mesos');
  };

  test('each format carries the ECR, GCP and ACR tokens, minted once for all of them', async () => {
    const registries = [ecr.registryHost, GCP_ADDRESS, azure.registry];
    const serviceAccountKey = (JSON.parse(google.serviceAccount.json) as { private_key: string }).private_key;
    const keyLine = serviceAccountKey.split('\n')[1] ?? '';
    for (const format of formats()) {
      const { logins, text } = await READERS[format]!(vault, registries);
      assert.deepEqual(
        logins.get(ecr.registryHost),
        { username: 'AWS', password: 'ecr-token-1' },
        `${format}: ECR`,
      );
      assert.deepEqual(
        logins.get(GCP_ADDRESS),
        { username: GCP_ACCESS_TOKEN_USERNAME, password: 'gcp-token-1' },
        `${format}: GCP`,
      );
      assert.deepEqual(
        logins.get(azure.registry),
        { username: ACR_REFRESH_TOKEN_USERNAME, password: 'acr-refresh-1' },
        `${format}: ACR`,
      );
      for (const secret of [AWS_SECRET, 'AKIDEXPORT', CLIENT_SECRET, keyLine])
        assert.ok(!text.includes(secret), `${format} holds no long-lived secret`);
    }
    assert.deepEqual([ecr.mints, google.mints, azure.exchanges], [1, 1, 1], 'one mint per credential');
  });

  test('an expired cached token is minted afresh before each format is written', async () => {
    const host = shortEcr.registryHost;
    const first = await READERS['docker-config']!(vault, [host]);
    const expired = first.logins.get(host)?.password;
    assert.equal(expired, 'short-token-1');
    await sleep(3_500); // the 3-second token has expired in the store
    for (const [n, format] of formats().entries()) {
      const before = shortEcr.mints;
      const { logins } = await READERS[format]!(vault, [host]);
      const token = logins.get(host)?.password ?? '';
      assert.notEqual(token, expired, `${format} does not carry the expired token`);
      // With a 1.5-second half-life most exports refresh again; a slow refresh may leave the
      // previous, still-valid token in use, so only its being newer than the expired one counts.
      assert.match(token, /^short-token-\d+$/);
      assert.ok(Number(token.split('-')[2]) > 1 && Number(token.split('-')[2]) <= shortEcr.mints, format);
      if (n === 0) assert.equal(shortEcr.mints, before + 1, 'the first export after expiry minted');
    }
  });
});
