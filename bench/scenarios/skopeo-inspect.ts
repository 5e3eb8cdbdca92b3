/**
 * 50 `skopeo inspect` calls, one after another, through a real registry (docker-registry 2.8)
 * with Purser token auth; baseline: the same registry and storage with its own htpasswd (bcrypt,
 * cost 5 as `htpasswd -B` writes it) auth. Registry and Purser on the server core, skopeo on the
 * client core; rounds alternate between the two set-ups.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempAuthFile } from '../../test/support/containers-env.ts';
import { makeOciImage } from '../../test/support/oci-image.ts';
import { writeHtpasswd } from '../../test/support/registry.ts';
import { benchTemp, startBenchServer } from '../lib/dataset.ts';
import { PASSWORD, SERVICE } from '../lib/fixture-model.ts';
import { orgSpec } from '../lib/plan.ts';
import { CLIENT_CORE, hasBinary, pinned, placement, SERVER_CORE, track } from '../lib/processes.ts';
import { startBenchRegistry } from '../lib/registry-process.ts';
import { median, round } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const TARGET = '<= 1.1 x htpasswd registry';
const REPOSITORY = 'groups/g1/app';

/**
 * Runs skopeo on the client core. Asynchronous on purpose: the registries' output is piped
 * through this process, and a blocked event loop would let their pipes fill and stall them.
 */
function skopeo(args: readonly string[], authfile: string): Promise<void> {
  const [command, argv] = pinned(CLIENT_CORE, 'skopeo', ['--insecure-policy', ...args]);
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(command, argv, {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, REGISTRY_AUTH_FILE: authfile, DOCKER_CONFIG: path.dirname(authfile) },
      }),
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`skopeo ${args[0]} failed (${code ?? signal}): ${stderr.trim().slice(0, 400)}`));
    });
  });
}

/** Seconds for `count` sequential inspects of host/REPOSITORY:v1 as u1. */
async function inspectMany(host: string, count: number): Promise<number> {
  const authfile = tempAuthFile();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    await skopeo(
      [
        'inspect',
        '--tls-verify=false',
        '--authfile',
        authfile,
        '--creds',
        `u1:${PASSWORD}`,
        `docker://${host}/${REPOSITORY}:v1`,
      ],
      authfile,
    );
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export const skopeoInspect: Scenario = {
  name: 'skopeo-inspect',
  title: '50 `skopeo inspect` calls through a real registry with Purser token auth',
  target: TARGET,
  async run(options) {
    for (const binary of ['skopeo', 'docker-registry'])
      if (!hasBinary(binary)) throw new Error(`${binary} is not installed (scripts/install-test-deps.sh)`);
    const calls = options.quick ? 5 : 50;
    const rounds = options.quick ? 1 : 3;
    const work = benchTemp('skopeo');
    const storage = path.join(work, 'storage');
    const htpasswd = path.join(work, 'htpasswd');
    writeHtpasswd(htpasswd, { u1: PASSWORD }, 5);
    const image = path.join(work, 'image');
    await makeOciImage(image, 'v1', 'purser skopeo benchmark\n');

    const server = await startBenchServer(orgSpec(options.quick), options.log);
    const baselineRuns: number[] = [];
    const tokenRuns: number[] = [];
    try {
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
        keys: { x5c?: string[] }[];
      };
      const pem = jwks.keys
        .flatMap((k) => k.x5c?.slice(0, 1) ?? [])
        .map(
          (der) =>
            `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`,
        )
        .join('');
      if (!pem) throw new Error('Purser published no x5c certificate in /.well-known/jwks.json');
      const bundle = path.join(work, 'bundle.pem');
      writeFileSync(bundle, pem);
      const htpasswdRegistry = () =>
        startBenchRegistry({ storage, core: SERVER_CORE, auth: { htpasswd: { path: htpasswd } } });
      const tokenRegistry = () =>
        startBenchRegistry({
          storage,
          core: SERVER_CORE,
          auth: {
            token: {
              realm: `${server.url}/token`,
              service: SERVICE,
              issuer: 'purser-bench',
              rootCertBundle: bundle,
            },
          },
        });

      let registry = await htpasswdRegistry();
      try {
        const authfile = tempAuthFile();
        await skopeo(
          [
            'copy',
            '--dest-tls-verify=false',
            '--authfile',
            authfile,
            '--dest-creds',
            `u1:${PASSWORD}`,
            `oci:${image}:v1`,
            `docker://${registry.host}/${REPOSITORY}:v1`,
          ],
          authfile,
        );
      } finally {
        await registry.stop();
      }
      for (let round_ = 0; round_ < rounds; round_++) {
        registry = await htpasswdRegistry();
        try {
          await inspectMany(registry.host, 2); // warm-up
          baselineRuns.push(await inspectMany(registry.host, calls));
        } finally {
          await registry.stop();
        }
        registry = await tokenRegistry();
        try {
          await inspectMany(registry.host, 2);
          tokenRuns.push(await inspectMany(registry.host, calls));
        } finally {
          await registry.stop();
        }
        options.log(
          `    round ${round_ + 1}/${rounds}: htpasswd ${round(baselineRuns.at(-1)!)} s, Purser token ${round(tokenRuns.at(-1)!)} s`,
        );
      }
    } finally {
      await server.stop();
    }
    const measured = median(tokenRuns);
    const baseline = median(baselineRuns);
    const ratio = measured / baseline;
    const met = ratio <= 1.1;
    return {
      measured,
      baseline,
      baselineKind: 'measured',
      baselineLabel: 'the same registry and storage with htpasswd (bcrypt cost 5) auth',
      ratio,
      ratioMeaning: 'measured / baseline (lower is better)',
      unit: 's',
      target: TARGET,
      met,
      notes: [
        `${calls} sequential \`skopeo inspect --creds\` of one image, median of ${rounds} alternating rounds; registry + Purser on core ${SERVER_CORE}, skopeo on core ${CLIENT_CORE}; ${placement()}`,
        `per call: token ${round((measured / calls) * 1000)} ms, htpasswd ${round((baseline / calls) * 1000)} ms`,
        met ? '' : `MISSED: ${round(ratio)}x > 1.1x`,
      ]
        .filter(Boolean)
        .join('; '),
      details: { calls, tokenRuns: tokenRuns.map(round), htpasswdRuns: baselineRuns.map(round) },
    };
  },
};
