import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PurserMetrics, secondsSince } from './purser-metrics.ts';

const BUILD = { version: '1.2.3', commit: '0123456789abcdef' };

/** The value of one series in the text exposition, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Purser metrics', () => {
  test('every metric the operations guide lists, purser_-prefixed, with help and type', async () => {
    const text = await new PurserMetrics({ build: BUILD }).render();
    const expected: [string, string][] = [
      ['purser_tokens_issued_total', 'counter'],
      ['purser_token_request_duration_seconds', 'histogram'],
      ['purser_logins_total', 'counter'],
      ['purser_throttled_requests_total', 'counter'],
      ['purser_refresh_token_redemptions_total', 'counter'],
      ['purser_notification_events_total', 'counter'],
      ['purser_discovery_runs_total', 'counter'],
      ['purser_discovery_duration_seconds', 'histogram'],
      ['purser_discovery_errors_total', 'counter'],
      ['purser_search_duration_seconds', 'histogram'],
      ['purser_vault_secret_reads_total', 'counter'],
      ['purser_identity_source_up', 'gauge'],
      ['purser_audit_queue_depth', 'gauge'],
      ['purser_audit_write_failures_total', 'counter'],
      ['purser_build_info', 'gauge'],
    ];
    for (const [name, type] of expected) {
      assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'), name);
      assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
    }
    const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(
      names.filter((n) => !n?.startsWith('purser_')),
      [],
      'only purser_ metrics by default',
    );
  });

  test('purser_build_info is 1 with the version, the commit and the Node version', async () => {
    const text = await new PurserMetrics({ build: BUILD }).render();
    assert.equal(
      sample(
        text,
        `purser_build_info{version="1.2.3",commit="0123456789abcdef",node="${process.versions.node}"}`,
      ),
      1,
    );
    const unknown = await new PurserMetrics({ build: { version: '1.2.3', commit: undefined } }).render();
    assert.match(unknown, /purser_build_info\{version="1\.2\.3",commit="unknown",/);
  });

  test('token requests: issued tokens by registry and outcome, every request in the histogram', async () => {
    const metrics = new PurserMetrics({ build: BUILD });
    metrics.tokenRequest({ result: 'issued', registry: 'registry.test', outcome: 'full', seconds: 0.004 });
    metrics.tokenRequest({ result: 'issued', registry: 'registry.test', outcome: 'full', seconds: 0.002 });
    metrics.tokenRequest({ result: 'issued', registry: 'registry.test', outcome: 'partial', seconds: 0.3 });
    metrics.tokenRequest({ result: 'refused', seconds: 0.001 });
    const text = await metrics.render();
    assert.equal(sample(text, 'purser_tokens_issued_total{registry="registry.test",outcome="full"}'), 2);
    assert.equal(sample(text, 'purser_tokens_issued_total{registry="registry.test",outcome="partial"}'), 1);
    assert.equal(sample(text, 'purser_token_request_duration_seconds_count{result="issued"}'), 3);
    assert.equal(sample(text, 'purser_token_request_duration_seconds_bucket{le="0.005",result="issued"}'), 2);
    assert.equal(sample(text, 'purser_token_request_duration_seconds_count{result="refused"}'), 1);
    assert.throws(() => metrics.tokenRequest({ result: 'issued', seconds: 0.1 }), TypeError);
  });

  test('logins, throttling, refresh tokens, notifications, search, vault, identity sources, audit', async () => {
    const metrics = new PurserMetrics({ build: BUILD });
    metrics.login('ldap', 'success');
    metrics.login('ldap', 'failure');
    metrics.login('ldap', 'failure');
    metrics.throttled('login');
    metrics.refreshRedemption('redeemed');
    metrics.notificationEvents('registry.test', 'ingested', 5);
    metrics.notificationEvents('registry.test', 'rejected');
    metrics.search(0.02);
    metrics.vaultRead('helper');
    metrics.identitySourceHealth('corp-ldap', true);
    metrics.identitySourceHealth('corp-ldap', false);
    metrics.auditQueueDepth(7);
    metrics.auditWriteFailures(3);
    const text = await metrics.render();
    assert.equal(sample(text, 'purser_logins_total{source="ldap",result="failure"}'), 2);
    assert.equal(sample(text, 'purser_logins_total{source="ldap",result="success"}'), 1);
    assert.equal(sample(text, 'purser_throttled_requests_total{limiter="login"}'), 1);
    assert.equal(sample(text, 'purser_refresh_token_redemptions_total{result="redeemed"}'), 1);
    assert.equal(
      sample(text, 'purser_notification_events_total{registry="registry.test",result="ingested"}'),
      5,
    );
    assert.equal(
      sample(text, 'purser_notification_events_total{registry="registry.test",result="rejected"}'),
      1,
    );
    assert.equal(sample(text, 'purser_search_duration_seconds_count'), 1);
    assert.equal(sample(text, 'purser_vault_secret_reads_total{channel="helper"}'), 1);
    assert.equal(sample(text, 'purser_identity_source_up{source="corp-ldap"}'), 0);
    assert.equal(sample(text, 'purser_audit_queue_depth'), 7);
    assert.equal(sample(text, 'purser_audit_write_failures_total'), 3);
  });

  test('discovery runs: count by result, duration, and an error series that exists at zero', async () => {
    const metrics = new PurserMetrics({ build: BUILD });
    metrics.discoveryRun({ registry: 'registry.test', result: 'complete', seconds: 12, errors: 0 });
    let text = await metrics.render();
    assert.equal(sample(text, 'purser_discovery_errors_total{registry="registry.test"}'), 0);
    metrics.discoveryRun({ registry: 'registry.test', result: 'partial', seconds: 40, errors: 2 });
    text = await metrics.render();
    assert.equal(sample(text, 'purser_discovery_runs_total{registry="registry.test",result="partial"}'), 1);
    assert.equal(sample(text, 'purser_discovery_errors_total{registry="registry.test"}'), 2);
    assert.equal(sample(text, 'purser_discovery_duration_seconds_sum{registry="registry.test"}'), 52);
  });

  test('label values are escaped in the exposition', async () => {
    const metrics = new PurserMetrics({ build: BUILD });
    metrics.vaultRead('a"b\\c\nd');
    assert.match(await metrics.render(), /purser_vault_secret_reads_total\{channel="a\\"b\\\\c\\nd"\} 1/);
  });

  test('default metrics on request, under their standard names', async () => {
    const text = await new PurserMetrics({ build: BUILD, defaultMetrics: true }).render();
    assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m);
    assert.match(text, /^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
  });

  test('secondsSince measures in seconds', () => {
    const start = process.hrtime.bigint() - 1_500_000_000n;
    const seconds = secondsSince(start);
    assert.ok(seconds >= 1.5 && seconds < 60, String(seconds));
  });
});
