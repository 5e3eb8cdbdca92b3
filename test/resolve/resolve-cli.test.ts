/**
 * `purser resolve` end to end through the CLI: the vault's default registry, allowlist and stored
 * credential, Gantry's inputs from the environment, labels, and a `docker service inspect` file
 * (digest pins, several services) — scriptable with --json.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;

describe('purser resolve', () => {
  let work: string;
  let env: Record<string, string | undefined>;

  before(async () => {
    work = tempDir('purser-resolve-');
    env = {
      PURSER_DATA: path.join(work, 'data'),
      HOME: path.join(work, 'home'),
      DOCKER_CONFIG: undefined,
      GANTRY_REGISTRY_USER: undefined,
      GANTRY_REGISTRY_PASSWORD: undefined,
      GANTRY_REGISTRY_HOST: undefined,
      GANTRY_REGISTRY_CONFIG: undefined,
      GANTRY_REGISTRY_CONFIGS_FILE: path.join(work, 'registries.txt'),
    };
    fs.writeFileSync(
      path.join(work, 'registries.txt'),
      [
        '/cfg/internal registry.internal:5000 deploy pw',
        '/cfg/hub index.docker.io alice pw',
        '/cfg/ghcr-a ghcr.io a pw',
        '/cfg/ghcr-b ghcr.io b pw',
      ].join('\n'),
    );
    for (const args of [
      ['vault', 'set-default-registry', 'registry.internal:5000', '--env', 'prod'],
      ['vault', 'allow', 'registry.internal:5000', 'docker.io', 'ghcr.io', '--env', 'prod'],
    ]) {
      const r = await purserCli(args, { env, cwd: work });
      assert.equal(r.code, 0, describeResult(r));
    }
    const add = await purserCli(
      ['vault', 'add', 'registry.internal:5000', '--username', 'deploy', '--password-stdin', '--env', 'prod'],
      { env, cwd: work, input: 'pw\n' },
    );
    assert.equal(add.code, 0, describeResult(add));
    const off = await purserCli(
      ['vault', 'add', 'ghcr.io', '--username', 'old', '--password-stdin', '--env', 'prod'],
      { env, cwd: work, input: 'pw\n' },
    );
    assert.equal(off.code, 0, describeResult(off));
    const deactivate = await purserCli(['vault', 'deactivate', 'ghcr.io', '--env', 'prod'], {
      env,
      cwd: work,
    });
    assert.equal(deactivate.code, 0, describeResult(deactivate));
  });

  test('an unqualified image goes to the default registry and its only configuration', async () => {
    const r = await purserCli(['resolve', 'api:3', '--env', 'prod', '--json'], { env, cwd: work });
    assert.equal(r.code, 0, describeResult(r));
    const out = JSON.parse(r.stdout);
    assert.equal(out.reference.normalized, 'registry.internal:5000/api:3');
    assert.equal(out.registry, 'registry.internal:5000');
    assert.equal(out.admitted, true);
    assert.equal(out.vaultCredential.username, 'deploy');
    assert.equal(out.vaultCredential.state, 'active');
    assert.equal(out.configuration.dir, '/cfg/internal');
    assert.equal(
      out.command,
      'docker --config /cfg/internal service update --with-registry-auth --image=api:3 SERVICE',
    );
  });

  test('human output explains each step', async () => {
    const r = await purserCli(['resolve', 'quay.io/o/a:1', '--env', 'prod'], { env, cwd: work });
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /admitted +NO \(not in the allowlist\)/);
    assert.match(r.stdout, /allowlist +REFUSED: quay\.io is not in the allowlist of environment prod/);
    assert.match(r.stdout, /configuration 1\. no gantry\.auth\.config or purser\.auth\.config label/);
    assert.match(r.stdout, /configuration 3\. DOCKER_CONFIG is not set; 4\. \$\{HOME\}\/\.docker/);
    assert.match(r.stdout, /warning: registry quay\.io is not in the allowlist/);
  });

  test('--service-inspect resolves every service of a swarm, labels and digest pins included', async () => {
    const services = [
      {
        ID: '1',
        Spec: {
          Name: 'web',
          Labels: {},
          TaskTemplate: { ContainerSpec: { Image: `docker.io/library/nginx:1.27@${DIGEST}` } },
        },
      },
      {
        ID: '2',
        Spec: {
          Name: 'tool',
          Labels: { 'gantry.auth.config': '/cfg/ghcr-b' },
          TaskTemplate: { ContainerSpec: { Image: `ghcr.io/o/tool:2@${DIGEST}` } },
        },
      },
      {
        ID: '3',
        Spec: { Name: 'unlabelled', TaskTemplate: { ContainerSpec: { Image: 'ghcr.io/o/other:1' } } },
      },
    ];
    fs.writeFileSync(path.join(work, 'services.json'), JSON.stringify(services));
    const r = await purserCli(['resolve', '--service-inspect', 'services.json', '--env', 'prod', '--json'], {
      env,
      cwd: work,
    });
    assert.equal(r.code, 0, describeResult(r));
    const out = JSON.parse(r.stdout) as {
      service: string;
      command: string;
      warnings: string[];
      gantry: { agrees: boolean };
    }[];
    assert.deepEqual(
      out.map((o) => o.command),
      [
        'docker --config /cfg/hub service update --with-registry-auth --image=docker.io/library/nginx:1.27 web',
        'docker --config /cfg/ghcr-b service update --with-registry-auth --image=ghcr.io/o/tool:2 tool',
        'docker service update --image=ghcr.io/o/other:1 unlabelled',
      ],
    );
    // Gantry compares "docker.io" with the configs file's "index.docker.io" as plain strings.
    assert.deepEqual(
      out.map((o) => o.gantry.agrees),
      [false, true, true],
    );
    assert.ok(out[2]!.warnings.some((w) => /2 configurations hold a credential for ghcr\.io/.test(w)));
    assert.ok(out[2]!.warnings.some((w) => /registry ghcr\.io is deactivated in environment prod/.test(w)));
  });

  test('reads docker service inspect from standard input', async () => {
    const one = [
      { Spec: { Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'registry.internal:5000/x:1' } } } },
    ];
    const r = await purserCli(['resolve', '--service-inspect', '-', '--env', 'prod', '--json'], {
      env,
      cwd: work,
      input: JSON.stringify(one),
    });
    assert.equal(r.code, 0, describeResult(r));
    assert.equal(JSON.parse(r.stdout)[0].configuration.dir, '/cfg/internal');
  });

  test('bad input is one clear line', async () => {
    const bad = await purserCli(['resolve', 'Ubuntu'], { env, cwd: work });
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr,
      'purser: invalid image reference "Ubuntu": repository name (library/Ubuntu) must be lowercase\n',
    );
    const label = await purserCli(['resolve', 'nginx', '--label', 'nolabel'], { env, cwd: work });
    assert.equal(label.code, 2);
    assert.match(label.stderr, /^purser: --label "nolabel" must be KEY=VALUE\n$/);
    fs.writeFileSync(path.join(work, 'not.json'), 'nope');
    const file = await purserCli(['resolve', '--service-inspect', 'not.json'], { env, cwd: work });
    assert.equal(file.code, 2);
    assert.match(file.stderr, /not JSON \(expected the output of docker service inspect\)/);
  });

  test('works without a data directory (no vault)', async () => {
    const r = await purserCli(['resolve', 'ghcr.io/o/a', '--json'], {
      env: { ...env, PURSER_DATA: path.join(work, 'absent') },
      cwd: work,
    });
    assert.equal(r.code, 0, describeResult(r));
    assert.equal(JSON.parse(r.stdout).vaultCredential, null);
    assert.equal(fs.existsSync(path.join(work, 'absent')), false, 'no data directory is created');
  });
});
