/**
 * /metrics of `purser serve --workers 2`: token requests spread over both workers (one fresh
 * connection each, which the cluster hands out in turn), then every scrape, whichever worker
 * answers it, shows the cluster's whole count, and the build is reported once.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../support/ports.ts';
import { startPurser } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

/** One request on its own connection (no keep-alive), so the cluster picks a worker for each. */
function getFresh(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

/** The sum of a metric's samples whose labels include `labels`. */
function sampleSum(text: string, name: string, labels: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) || !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

test('--workers 2: every scrape of /metrics shows the whole cluster, whichever worker answers', async (t) => {
  const dir = tempDir('purser-cluster-metrics-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const port = await freePort();
  fs.writeFileSync(
    file,
    `listen: 127.0.0.1:${port}
data: ${path.join(dir, 'data')}
shutdown_grace: 2
registries:
  - { service: registry.test, url: "http://127.0.0.1:9", publications: [dev] }
`,
    { mode: 0o600 },
  );
  const server = await startPurser({
    configFile: file,
    args: ['--workers', '2'],
    env: { PURSER_ADMIN_PASSWORD: 'admin-pw' },
    startTimeoutMs: 60_000,
  });
  t.after(() => server.stop());
  await server.waitForLog(/2 workers listening/, { timeoutMs: 60_000 });

  const authorization = `Basic ${Buffer.from('admin:admin-pw').toString('base64')}`;
  const tokens = 10;
  for (let i = 0; i < tokens; i++) {
    const answer = await getFresh(
      `${server.url}/token?service=registry.test&scope=repository:team/web:pull`,
      {
        authorization,
      },
    );
    assert.equal(answer.status, 200, answer.body);
  }

  for (let scrape = 0; scrape < 6; scrape++) {
    const metrics = await getFresh(`${server.url}/metrics`);
    assert.equal(metrics.status, 200, metrics.body);
    assert.equal(
      sampleSum(metrics.body, 'purser_tokens_issued_total', 'registry="registry.test"'),
      tokens,
      `scrape ${scrape}: the tokens of both workers`,
    );
    const build = metrics.body.split('\n').filter((line) => line.startsWith('purser_build_info{'));
    assert.equal(build.length, 1, build.join('\n'));
    assert.match(build[0]!, / 1$/);
    assert.match(metrics.body, /^purser_audit_queue_depth \d+$/m);
  }
  await server.stop();
  assert.equal(server.exitStatus()?.code, 0, server.logs().slice(-2000));
});
