/**
 * /metrics and /readyz through a real listening server: each metric the operations guide lists
 * is recorded at its event; `metrics.listen` moves /metrics off the token port; /readyz is 503
 * with the reason when the database is gone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureNotifySecret, NOTIFY_SECRET_HEADER } from '../../src/catalog/notify-secret.ts';
import { parseConfig } from '../../src/config/load.ts';
import { type RunningServer, startServer } from '../../src/server/serve.ts';
import { freePort } from '../support/ports.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const CONFIG = (dataDir: string, extra = '') => `
listen: 127.0.0.1:0
data: ${dataDir}
users:
  - { name: alice, password: alice-pw, groups: [dev], privileges: [puller] }
registries:
  - { service: registry.test, url: "http://127.0.0.1:9", publications: [dev] }
${extra}`;

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The value of one series (name with its labels, as exposed), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('/metrics on the token port', () => {
  let dataDir: string;
  let server: RunningServer;
  const metrics = async () => {
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  before(async () => {
    dataDir = tempDir('purser-metrics-');
    server = await startServer(
      parseConfig(CONFIG(dataDir), undefined, { PURSER_ADMIN_PASSWORD: 'admin-pw' }),
      {
        logger: undefined,
        announce: () => {},
      },
    );
  });
  after(async () => {
    await server?.close();
    removeTempDir(dataDir);
  });

  test('tokens by registry and outcome, their latency, logins by source and result', async () => {
    const get = (query: string, auth?: string) =>
      fetch(`${server.url}/token?service=registry.test&${query}`, {
        headers: auth ? { authorization: auth } : {},
      }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    const alice = basic('alice', 'alice-pw');
    assert.equal(await get('scope=repository:team/app:pull', alice), 200);
    assert.equal(await get('scope=repository:team/app:pull,push', alice), 200);
    assert.equal(await get('scope=repository:team/app:push', alice), 200);
    assert.equal(await get('scope=repository:team/app:pull', basic('alice', 'wrong')), 401);
    const text = await metrics();
    const issued = 'purser_tokens_issued_total{registry="registry.test",outcome=';
    assert.equal(sample(text, `${issued}"full"}`), 1);
    assert.equal(sample(text, `${issued}"partial"}`), 1);
    assert.equal(sample(text, `${issued}"empty"}`), 1);
    assert.equal(sample(text, 'purser_token_request_duration_seconds_count{result="issued"}'), 3);
    assert.equal(sample(text, 'purser_token_request_duration_seconds_count{result="refused"}'), 1);
    // The first check of a password is a login; the next ones hit the credential cache.
    assert.equal(sample(text, 'purser_logins_total{source="local",result="success"}'), 1);
    assert.equal(sample(text, 'purser_logins_total{source="local",result="failure"}'), 1);
    assert.match(
      text,
      /^purser_build_info\{version="0\.1\.0",commit="[0-9a-f]{40}(-dirty)?",node="[\d.]+"\} 1$/m,
    );
    assert.match(text, /^process_resident_memory_bytes \d+/m, "prom-client's process metrics");
    assert.ok((sample(text, 'purser_audit_queue_depth') ?? -1) >= 0, 'the audit queue depth is exposed');
    await server.runtime.audit.flush();
    assert.equal(sample(await metrics(), 'purser_audit_queue_depth'), 0, 'read at scrape time');
  });

  test('throttled requests, refresh-token redemptions', async () => {
    const form = (body: string) =>
      fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const login = await form(
      'grant_type=password&service=registry.test&username=alice&password=alice-pw&access_type=offline',
    );
    const { refresh_token } = (await login.json()) as { refresh_token: string };
    assert.equal(
      (await form(`grant_type=refresh_token&service=registry.test&refresh_token=${refresh_token}`)).status,
      200,
    );
    assert.equal(
      (await form('grant_type=refresh_token&service=registry.test&refresh_token=nope')).status,
      401,
    );
    let throttled = 0;
    for (let i = 0; i < 12 && throttled === 0; i++) {
      const r = await form('grant_type=password&service=registry.test&username=mallory&password=guess');
      await r.arrayBuffer();
      if (r.status === 429) throttled++;
    }
    assert.equal(throttled, 1, 'the failed-login throttle answered 429');
    const text = await metrics();
    assert.equal(sample(text, 'purser_refresh_token_redemptions_total{result="redeemed"}'), 1);
    assert.equal(sample(text, 'purser_refresh_token_redemptions_total{result="invalid"}'), 1);
    assert.equal(sample(text, 'purser_throttled_requests_total{limiter="/token"}'), 1);
    assert.equal(sample(text, 'purser_logins_total{source="local",result="throttled"}'), 1);
  });

  test('notifications rejected and ingested, discovery runs, search latency, vault reads', async () => {
    const wrong = await fetch(`${server.url}/notifications/registry.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-purser-notify-secret': 'wrong' },
      body: '{"events":[]}',
    });
    assert.equal(wrong.status, 401);
    const secret = await ensureNotifySecret(server.runtime.db, 'registry.test');
    const push = await fetch(`${server.url}/notifications/registry.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [NOTIFY_SECRET_HEADER]: secret },
      body: JSON.stringify({
        events: [
          {
            id: 'e1',
            action: 'push',
            timestamp: new Date().toISOString(),
            target: {
              repository: 'team/app',
              tag: 'v1',
              digest: 'sha256:a',
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              size: 5,
            },
            actor: { name: 'alice' },
            request: { addr: '10.0.0.1:1' },
          },
        ],
      }),
    });
    assert.equal(push.status, 200, await push.text());
    const search = await fetch(`${server.url}/v1/search?q=app`, {
      headers: { authorization: basic('alice', 'alice-pw') },
    });
    assert.equal(search.status, 200);
    const { runtime } = server;
    await runtime.vault.environments.ensure('default', { name: 'admin', kind: 'user' });
    await runtime.vault.credentials.add(
      { environment: 'default', address: 'registry.pkg.test', username: 'ci', secret: 'pkg-secret' },
      { name: 'admin', kind: 'user' },
    );
    await runtime.vault.reveal('default', 'registry.pkg.test', { name: 'admin', kind: 'user' }, 'api');
    // Discovery ran once at start against a closed port: a failed or partial run.
    const text = await until('a discovery run', async () => {
      const t = await metrics();
      return /^purser_discovery_runs_total\{registry="registry.test",result="(failed|partial)"\} 1$/m.test(t)
        ? t
        : undefined;
    });
    assert.equal(
      sample(text, 'purser_notification_events_total{registry="registry.test",result="rejected"}'),
      1,
    );
    assert.equal(sample(text, 'purser_search_duration_seconds_count'), 1);
    assert.equal(sample(text, 'purser_vault_secret_reads_total{channel="api"}'), 1);
    assert.equal(sample(text, 'purser_discovery_duration_seconds_count{registry="registry.test"}'), 1);
    assert.ok((sample(text, 'purser_discovery_errors_total{registry="registry.test"}') ?? 0) >= 1);
  });

  test('/readyz is ready; /healthz alive', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });
});

test('metrics.listen: /metrics there only, never on the token port; /readyz 503 with the reason', async (t) => {
  const dataDir = tempDir('purser-metrics-listen-');
  t.after(() => removeTempDir(dataDir));
  const port = await freePort();
  const server = await startServer(
    parseConfig(CONFIG(dataDir, `metrics: { listen: "127.0.0.1:${port}" }`), undefined, {
      PURSER_ADMIN_PASSWORD: 'x',
    }),
    { announce: () => {} },
  );
  let closed = false;
  t.after(async () => {
    if (!closed) await server.close().catch(() => {});
  });
  assert.equal(server.metricsUrl, `http://127.0.0.1:${port}`);
  const there = await fetch(`${server.metricsUrl}/metrics`);
  assert.equal(there.status, 200);
  assert.match(await there.text(), /^purser_build_info\{/m);
  const onTokenPort = await fetch(`${server.url}/metrics`);
  assert.equal(onTokenPort.status, 404);
  assert.equal(
    (await fetch(`${server.metricsUrl}/token`)).status,
    404,
    'nothing else on the metrics address',
  );
  // The database goes away: not ready, and why.
  await server.runtime.database.close();
  const notReady = await fetch(`${server.url}/readyz`);
  assert.equal(notReady.status, 503);
  const body = (await notReady.json()) as { errors: { code: string; message: string }[] };
  assert.equal(body.errors[0]?.code, 'UNAVAILABLE');
  assert.match(body.errors[0]?.message ?? '', /^not ready: the database is (away|lost) /);
  closed = true;
  await server.close().catch(() => {});
});
