/**
 * The resolution precedence as a table, including every case where Gantry's own code
 * (reproduced in gantry-selection.ts) picks differently. No I/O: every lookup is injected.
 * Over 300 lines on purpose: the case table is long, and one file per module under test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequest } from '../domain/errors.ts';
import { registryOf } from '../gantry/configs-file.ts';
import {
  type ConfigEntry,
  type KnownConfiguration,
  type Resolution,
  resolveCredential,
  stripDigestPin,
  type VaultCredentialSummary,
  type VaultView,
} from './resolve-credential.ts';

const HOME = { HOME: '/root' };
const DIGEST = `sha256:${'a'.repeat(64)}`;

function known(configuration: string, host: string, source = 'configs.txt line 1'): KnownConfiguration {
  const registry = registryOf(host);
  if (typeof registry !== 'string') throw new Error(registry.problem);
  return { configuration, host, registry, source };
}

function vault(
  settings: Partial<Omit<VaultView, 'credential'>> & { credentials?: Record<string, VaultCredentialSummary> },
): VaultView {
  return {
    environment: settings.environment ?? 'default',
    defaultRegistry: settings.defaultRegistry ?? null,
    allowlist: settings.allowlist ?? null,
    credential: (registry) => settings.credentials?.[registry],
  };
}

const active = (username: string): VaultCredentialSummary => ({
  username,
  state: 'active',
  kind: 'basic',
  updatedBy: 'local:ops',
});

interface Row {
  name: string;
  image: string;
  labels?: Record<string, string>;
  env?: Record<string, string>;
  known?: KnownConfiguration[];
  vault?: VaultView;
  entries?: Record<string, ConfigEntry>;
  expect: {
    registry: string;
    dir: string;
    selectedBy: Resolution['configuration']['selectedBy'];
    dockerFlags: string[];
    updateFlags: string[];
  };
  /** What Gantry's code does; `agrees` says whether Purser reaches the same directory and flags. */
  gantry: { dockerFlags: string[]; updateFlags: string[]; agrees: boolean };
  warning?: RegExp;
}

const WRA = ['--with-registry-auth'];

const precedence: Row[] = [
  {
    name: '1. label gantry.auth.config wins over an automatic match',
    image: 'ghcr.io/o/a:1',
    labels: { 'gantry.auth.config': '/cfg/label' },
    known: [known('/cfg/auto', 'ghcr.io')],
    expect: {
      registry: 'ghcr.io',
      dir: '/cfg/label',
      selectedBy: 'label',
      dockerFlags: ['--config', '/cfg/label'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: ['--config', '/cfg/label'], updateFlags: WRA, agrees: true },
  },
  {
    name: '1. label purser.auth.config is accepted too (relative to the working directory)',
    image: 'ghcr.io/o/a:1',
    labels: { 'purser.auth.config': 'cfg/b' },
    expect: {
      registry: 'ghcr.io',
      dir: '/work/cfg/b',
      selectedBy: 'label',
      dockerFlags: ['--config', '/work/cfg/b'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: '1. both labels: gantry.auth.config wins, with a warning',
    image: 'ghcr.io/o/a:1',
    labels: { 'gantry.auth.config': '/cfg/g', 'purser.auth.config': '/cfg/p' },
    expect: {
      registry: 'ghcr.io',
      dir: '/cfg/g',
      selectedBy: 'label',
      dockerFlags: ['--config', '/cfg/g'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: ['--config', '/cfg/g'], updateFlags: WRA, agrees: true },
    warning: /disagree; gantry\.auth\.config wins/,
  },
  {
    name: '1. a label naming the default location adds no --config',
    image: 'ghcr.io/o/a:1',
    labels: { 'gantry.auth.config': '/root/.docker' },
    expect: {
      registry: 'ghcr.io',
      dir: '/root/.docker',
      selectedBy: 'label',
      dockerFlags: [],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: ['--config', '/root/.docker'], updateFlags: WRA, agrees: true },
  },
  {
    name: '1. a label whose directory has no config.json is used, with a warning (like Gantry)',
    image: 'ghcr.io/o/a:1',
    labels: { 'gantry.auth.config': '/cfg/empty' },
    entries: { '/cfg/empty': { kind: 'no-config-json' } },
    expect: {
      registry: 'ghcr.io',
      dir: '/cfg/empty',
      selectedBy: 'label',
      dockerFlags: ['--config', '/cfg/empty'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: ['--config', '/cfg/empty'], updateFlags: WRA, agrees: true },
    warning: /has no config\.json/,
  },
  {
    name: '2. the only configuration known for the registry is found automatically',
    image: 'ghcr.io/o/a:1',
    known: [known('/cfg/ghcr', 'ghcr.io'), known('/cfg/quay', 'quay.io')],
    expect: {
      registry: 'ghcr.io',
      dir: '/cfg/ghcr',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/ghcr'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: ['--config', '/cfg/ghcr'], updateFlags: WRA, agrees: true },
  },
  {
    name: '2. the automatic match may be the default location: no --config, but --with-registry-auth',
    image: 'ghcr.io/o/a:1',
    known: [known('', 'ghcr.io', 'GANTRY_REGISTRY_* variables')],
    expect: {
      registry: 'ghcr.io',
      dir: '/root/.docker',
      selectedBy: 'auto',
      dockerFlags: [],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: WRA, agrees: true },
  },
  {
    name: '2. two configurations for one registry: none chosen, warning (like Gantry)',
    image: 'ghcr.io/o/a:1',
    known: [known('/cfg/a', 'ghcr.io'), known('/cfg/b', 'ghcr.io', 'configs.txt line 2')],
    expect: {
      registry: 'ghcr.io',
      dir: '/root/.docker',
      selectedBy: 'HOME',
      dockerFlags: [],
      updateFlags: [],
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: true },
    warning: /2 configurations hold a credential for ghcr\.io/,
  },
  {
    name: '3. DOCKER_CONFIG when nothing else applies',
    image: 'ghcr.io/o/a:1',
    env: { DOCKER_CONFIG: '/etc/docker-client', HOME: '/root' },
    entries: { '/etc/docker-client': { kind: 'none' } },
    expect: {
      registry: 'ghcr.io',
      dir: '/etc/docker-client',
      selectedBy: 'DOCKER_CONFIG',
      dockerFlags: [],
      updateFlags: [],
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: true },
  },
  {
    name: '4. HOME/.docker last',
    image: 'ghcr.io/o/a:1',
    entries: { '/root/.docker': { kind: 'no-config-json' } },
    expect: {
      registry: 'ghcr.io',
      dir: '/root/.docker',
      selectedBy: 'HOME',
      dockerFlags: [],
      updateFlags: [],
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: true },
  },
  {
    name: '4. credentials in the default config.json give --with-registry-auth',
    image: 'ghcr.io/o/a:1',
    entries: { '/root/.docker': { kind: 'auths', key: 'ghcr.io', username: 'bot' } },
    expect: {
      registry: 'ghcr.io',
      dir: '/root/.docker',
      selectedBy: 'HOME',
      dockerFlags: [],
      updateFlags: WRA,
    },
    // Gantry bug (issue #53 family): no login went through Gantry, so no --with-registry-auth
    // and Swarm records the image without a digest.
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'vault: an active credential for the registry gives --with-registry-auth',
    image: 'ghcr.io/o/a:1',
    vault: vault({ credentials: { 'ghcr.io': active('bot') } }),
    expect: {
      registry: 'ghcr.io',
      dir: '/root/.docker',
      selectedBy: 'HOME',
      dockerFlags: [],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'vault: a deactivated credential does not, and is reported',
    image: 'ghcr.io/o/a:1',
    vault: vault({ credentials: { 'ghcr.io': { ...active('bot'), state: 'deactivated' } } }),
    expect: {
      registry: 'ghcr.io',
      dir: '/root/.docker',
      selectedBy: 'HOME',
      dockerFlags: [],
      updateFlags: [],
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: true },
    warning: /registry ghcr\.io is deactivated/,
  },
  {
    name: 'vault: the default registry takes unqualified names, and its configuration is found',
    image: 'app:1',
    vault: vault({ defaultRegistry: 'registry.example.com' }),
    known: [known('/cfg/reg', 'registry.example.com')],
    expect: {
      registry: 'registry.example.com',
      dir: '/cfg/reg',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/reg'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'vault: a registry outside the allowlist is refused (and still explained)',
    image: 'quay.io/o/a:1',
    vault: vault({ allowlist: ['ghcr.io'] }),
    expect: {
      registry: 'quay.io',
      dir: '/root/.docker',
      selectedBy: 'HOME',
      dockerFlags: [],
      updateFlags: [],
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: true },
    warning: /not in the allowlist/,
  },
];

/** Each case where Gantry's code is wrong; Purser must find the configuration. */
const gantryBugs: Row[] = [
  {
    name: 'Gantry bug: registry.example.com/app:tag has a registry (Gantry needs three path parts)',
    image: 'registry.example.com/app:tag',
    known: [known('/cfg/reg', 'registry.example.com')],
    expect: {
      registry: 'registry.example.com',
      dir: '/cfg/reg',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/reg'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: localhost:5000/app:1 (two parts) has a registry',
    image: 'localhost:5000/app:1',
    known: [known('/cfg/local', 'localhost:5000')],
    expect: {
      registry: 'localhost:5000',
      dir: '/cfg/local',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/local'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: nginx is on Docker Hub (Gantry finds no host)',
    image: 'nginx:1.27',
    known: [known('/cfg/hub', 'docker.io')],
    expect: {
      registry: 'docker.io',
      dir: '/cfg/hub',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/hub'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: org/app is on Docker Hub',
    image: 'org/app:2',
    known: [known('/cfg/hub', 'docker.io')],
    expect: {
      registry: 'docker.io',
      dir: '/cfg/hub',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/hub'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: docker.io image, credential written as index.docker.io',
    image: 'docker.io/library/nginx:1.27',
    known: [known('/cfg/hub', 'index.docker.io')],
    expect: {
      registry: 'docker.io',
      dir: '/cfg/hub',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/hub'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: docker.io image, credential written as https://index.docker.io/v1/',
    image: 'docker.io/library/nginx:1.27',
    known: [known('/cfg/hub', 'https://index.docker.io/v1/')],
    expect: {
      registry: 'docker.io',
      dir: '/cfg/hub',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/hub'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: index.docker.io image, credential written as docker.io',
    image: 'index.docker.io/library/nginx:1.27',
    known: [known('/cfg/hub', 'docker.io')],
    expect: {
      registry: 'docker.io',
      dir: '/cfg/hub',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/hub'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: registry-1.docker.io image, credential written as docker.io',
    image: 'registry-1.docker.io/library/nginx:1.27',
    known: [known('/cfg/hub', 'docker.io')],
    expect: {
      registry: 'docker.io',
      dir: '/cfg/hub',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/hub'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: credential written with a scheme (https://ghcr.io) never matches',
    image: 'ghcr.io/o/a:1',
    known: [known('/cfg/ghcr', 'https://ghcr.io')],
    expect: {
      registry: 'ghcr.io',
      dir: '/cfg/ghcr',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/ghcr'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: registry names differ only in case',
    image: 'Registry.Example.com/team/app:1',
    known: [known('/cfg/reg', 'registry.example.com')],
    expect: {
      registry: 'registry.example.com',
      dir: '/cfg/reg',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/reg'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: GANTRY_REGISTRY_CONFIG with an empty HOST (Docker Hub) is never auto-selected',
    image: 'docker.io/library/nginx:1.27',
    known: [known('/cfg/hub', '', 'GANTRY_REGISTRY_* variables')],
    expect: {
      registry: 'docker.io',
      dir: '/cfg/hub',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/hub'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: [], updateFlags: [], agrees: false },
  },
  {
    name: 'Gantry bug: a default-location login for another registry adds --with-registry-auth everywhere',
    image: 'quay.io/o/a:1',
    known: [known('', 'ghcr.io', 'GANTRY_REGISTRY_* variables')],
    entries: { '/root/.docker': { kind: 'none' } },
    expect: {
      registry: 'quay.io',
      dir: '/root/.docker',
      selectedBy: 'HOME',
      dockerFlags: [],
      updateFlags: [],
    },
    gantry: { dockerFlags: [], updateFlags: WRA, agrees: false },
  },
  {
    name: 'digest pin: name:tag@digest resolves as name:tag (Gantry agrees)',
    image: `ghcr.io/o/a:1@${DIGEST}`,
    known: [known('/cfg/ghcr', 'ghcr.io')],
    expect: {
      registry: 'ghcr.io',
      dir: '/cfg/ghcr',
      selectedBy: 'auto',
      dockerFlags: ['--config', '/cfg/ghcr'],
      updateFlags: WRA,
    },
    gantry: { dockerFlags: ['--config', '/cfg/ghcr'], updateFlags: WRA, agrees: true },
  },
];

function check(row: Row): void {
  const result = resolveCredential({
    image: row.image,
    labels: row.labels ?? {},
    env: row.env ?? HOME,
    cwd: '/work',
    known: row.known ?? [],
    ...(row.vault ? { vault: row.vault } : {}),
    ...(row.entries ? { configEntry: (dir: string) => row.entries?.[dir] ?? { kind: 'none' } } : {}),
    service: 'web',
  });
  assert.equal(result.registry, row.expect.registry, 'registry');
  assert.equal(result.configuration.dir, row.expect.dir, 'configuration directory');
  assert.equal(result.configuration.selectedBy, row.expect.selectedBy, 'selected by');
  assert.deepEqual(result.dockerFlags, row.expect.dockerFlags, 'docker flags');
  assert.deepEqual(result.updateFlags, row.expect.updateFlags, 'service update flags');
  assert.deepEqual(result.gantry.dockerFlags, row.gantry.dockerFlags, 'what Gantry adds to docker');
  assert.deepEqual(result.gantry.updateFlags, row.gantry.updateFlags, 'what Gantry adds to service update');
  assert.equal(result.gantry.agrees, row.gantry.agrees, 'agreement with Gantry');
  if (row.warning)
    assert.ok(
      result.warnings.some((w) => row.warning!.test(w)),
      `warnings: ${result.warnings.join(' | ')}`,
    );
  assert.ok(result.steps.length >= 5, 'explains each step');
  assert.equal(
    result.command,
    [
      'docker',
      ...row.expect.dockerFlags,
      'service',
      'update',
      ...row.expect.updateFlags,
      `--image=${result.updateImage}`,
      'web',
    ].join(' '),
  );
}

describe('resolveCredential: precedence', () => {
  for (const row of precedence) it(row.name, () => check(row));
});

describe('resolveCredential: Gantry bug cases', () => {
  for (const row of gantryBugs) it(row.name, () => check(row));
});

describe('resolveCredential: details', () => {
  it('explains the allowlist refusal and the admitted flag', () => {
    const r = resolveCredential({
      image: 'quay.io/o/a',
      env: HOME,
      cwd: '/',
      vault: vault({ allowlist: [] }),
    });
    assert.equal(r.admitted, false);
    assert.match(r.steps.find((s) => s.step === 'allowlist')!.detail, /REFUSED/);
  });
  it('names the vault credential and where docker reads the secret', () => {
    const r = resolveCredential({
      image: 'ghcr.io/o/a',
      env: HOME,
      cwd: '/',
      vault: vault({ environment: 'prod', credentials: { 'ghcr.io': active('bot') } }),
      configEntry: () => ({ kind: 'helper', helper: 'purser', key: 'ghcr.io' }),
    });
    assert.equal(r.vaultCredential?.environment, 'prod');
    assert.match(
      r.credentialSource,
      /credHelpers\["ghcr\.io"\] → docker-credential-purser \(vault environment prod\)/,
    );
  });
  it('rejects an invalid image with a clear message', () => {
    assert.throws(() => resolveCredential({ image: 'Nginx', env: HOME, cwd: '/' }), BadRequest);
  });
  it('quotes directories with spaces in the command', () => {
    const r = resolveCredential({
      image: 'ghcr.io/o/a',
      labels: { 'gantry.auth.config': '/cfg/my dir' },
      env: HOME,
      cwd: '/',
    });
    assert.match(r.command, /^docker --config '\/cfg\/my dir' service update --with-registry-auth/);
  });
});

describe('stripDigestPin', () => {
  const cases: [string, string][] = [
    [`nginx:1.27@${DIGEST}`, 'nginx:1.27'],
    [`nginx@${DIGEST}`, `nginx@${DIGEST}`],
    [`localhost:5000/app@${DIGEST}`, `localhost:5000/app@${DIGEST}`],
    [`localhost:5000/app:2@${DIGEST}`, 'localhost:5000/app:2'],
    ['ghcr.io/o/a:1', 'ghcr.io/o/a:1'],
  ];
  for (const [input, expected] of cases)
    it(`${input.slice(0, 40)} → ${expected.slice(0, 40)}`, () =>
      assert.equal(stripDigestPin(input), expected));
});
