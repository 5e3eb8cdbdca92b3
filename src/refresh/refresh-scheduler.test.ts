/** The refresher's schedule on a hand-moved clock, and the `refresh:` config section. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../cloud/manual-clock.test-support.ts';
import type { ExportCredential } from '../formats/registry.ts';
import { DockerConfigTarget, K8sSecretFileTarget } from './file-targets.ts';
import { K8sSecretApiTarget } from './k8s-secret-api-target.ts';
import { buildRefreshTarget, parseRefreshConfig } from './refresh-config.ts';
import { type RefreshReport, RefreshScheduler } from './refresh-scheduler.ts';
import type { RefreshCredential, RefreshTarget } from './refresh-target.ts';

class RecordingTarget implements RefreshTarget {
  readonly name = 'recording';
  readonly writes: string[][] = [];
  failing = false;
  async write(credentials: readonly ExportCredential[]): Promise<string> {
    if (this.failing) throw new Error('disk full');
    this.writes.push(credentials.map((c) => c.secret));
    return `wrote ${credentials.length}`;
  }
}

const credential = (secret: string): ExportCredential => ({
  address: 'reg.test',
  username: 'u',
  secret,
  kind: 'basic',
});

function setup(resolve: (clock: ManualClock) => RefreshCredential[]) {
  const clock = new ManualClock();
  const target = new RecordingTarget();
  const reports: RefreshReport[] = [];
  const scheduler = new RefreshScheduler([{ target, resolve: async () => resolve(clock) }], {
    clock,
    onReport: (r) => reports.push(r),
    staticIntervalSeconds: 600,
  });
  return { clock, target, reports, scheduler };
}

describe('RefreshScheduler', () => {
  test('watch: written now, then again at the token’s half-life, each write reported', async () => {
    let n = 0;
    const { clock, target, reports, scheduler } = setup((c) => {
      n++;
      return [{ credential: credential(`t${n}`), expiresAt: c.now() / 1000 + 100 }];
    });
    scheduler.start();
    await clock.advance(0);
    assert.deepEqual(target.writes, [['t1']]);
    assert.equal(reports[0]?.nextAt, clock.now() / 1000 + 50);
    await clock.advance(49_000);
    assert.equal(target.writes.length, 1);
    await clock.advance(1_000);
    assert.deepEqual(target.writes, [['t1'], ['t2']]);
    scheduler.stop();
    await clock.advance(100_000);
    assert.equal(target.writes.length, 2, 'stopped');
    assert.ok(reports.every((r) => r.outcome === 'written' && !JSON.stringify(r).includes('t1')));
  });

  test('an expired token is never written: the target is refused and keeps what it had', async () => {
    const { clock, target, scheduler } = setup((c) => [
      { credential: credential('fresh'), expiresAt: c.now() / 1000 + 100 },
      { credential: { ...credential('old'), address: 'other.test' }, expiresAt: c.now() / 1000 - 1 },
    ]);
    const promise = scheduler.runOnce();
    await clock.advance(10_000);
    const [report] = await promise;
    assert.equal(report?.outcome, 'refused');
    assert.match(report?.message ?? '', /other\.test has expired/);
    assert.equal(target.writes.length, 0);
  });

  test('a failed write is retried with backoff: three attempts in --once, until success in --watch', async () => {
    const { clock, target, reports, scheduler } = setup(() => [{ credential: credential('s') }]);
    target.failing = true;
    const once = scheduler.runOnce();
    await clock.advance(10_000);
    const [last] = await once;
    assert.equal(last?.outcome, 'failed');
    assert.equal(last?.attempt, 3);
    assert.deepEqual(
      reports.map((r) => r.at - reports[0]!.at),
      [0, 1, 3],
      'retried after 1 s, then 2 s',
    );
    reports.length = 0;
    scheduler.start();
    await clock.advance(0);
    await clock.advance(7_000); // attempts at 0, 1, 3, 7 s
    assert.equal(reports.length, 4);
    target.failing = false;
    await clock.advance(8_000); // next attempt at 15 s succeeds
    assert.equal(reports.at(-1)?.outcome, 'written');
    // Static credentials only: rewritten every staticIntervalSeconds.
    assert.equal(reports.at(-1)?.nextAt, clock.now() / 1000 + 600);
    scheduler.stop();
  });

  test('a token past its half-life (its renewal failed) is rewritten with backoff, not in a loop', async () => {
    const { clock, target, scheduler } = setup((c) => [
      { credential: credential('stale'), expiresAt: c.now() / 1000 + 30, refreshAt: c.now() / 1000 - 10 },
    ]);
    scheduler.start();
    await clock.advance(3_500);
    assert.equal(target.writes.length, 3, 'at 0, 1 and 3 s');
    scheduler.stop();
  });
});

describe('refresh: configuration', () => {
  test('each target type builds its target', () => {
    const config = parseRefreshConfig({
      interval: 600,
      targets: [
        { type: 'docker-config', path: '/root/.docker/config.json', registries: ['gcr.io'] },
        {
          type: 'k8s-secret-file',
          path: '/m/s.yaml',
          name: 'regcred',
          namespace: 'ci',
          registries: ['gcr.io'],
        },
        {
          type: 'k8s-secret',
          kubeconfig: '/k',
          name: 'regcred',
          registries: ['gcr.io'],
          environment: 'prod',
        },
      ],
    });
    const targets = config.targets.map(buildRefreshTarget);
    assert.ok(targets[0] instanceof DockerConfigTarget);
    assert.ok(targets[1] instanceof K8sSecretFileTarget);
    assert.ok(targets[2] instanceof K8sSecretApiTarget);
    assert.equal(targets[2]?.name, 'k8s-secret regcred');
  });

  test('problems are listed as refresh.path: message', () => {
    assert.throws(
      () =>
        parseRefreshConfig({
          interval: 5,
          targets: [
            { type: 'ftp', path: '/x', registries: ['a'] },
            { type: 'docker-config', registries: [] },
          ],
          extra: true,
        }),
      (error: Error & { problems?: string[] }) => {
        const text = (error.problems ?? []).join('\n');
        assert.match(text, /refresh\.interval: /);
        assert.match(text, /refresh\.targets\[0\]\.type: must be docker-config/);
        assert.match(text, /refresh\.targets\[1\]/);
        return true;
      },
    );
  });
});
