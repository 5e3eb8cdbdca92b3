import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigInvalid } from '../domain/errors.ts';
import { parseConfig } from './load.ts';

const problems = (text: string): readonly string[] => {
  try {
    parseConfig(text, undefined, {});
  } catch (error) {
    if (error instanceof ConfigInvalid) return error.problems;
    throw error;
  }
  return [];
};

test('serving keys: defaults, files relative to the configuration file, workers auto', () => {
  const quiet = parseConfig('', undefined, {});
  assert.deepEqual(quiet.serving, {
    tls: undefined,
    trustProxy: [],
    metricsListen: undefined,
    shutdownGraceMs: 10_000,
    workers: 1,
  });
  const file = path.join(os.tmpdir(), 'etc', 'purser.yaml');
  const set = parseConfig(
    `tls: { cert_file: tls/cert.pem, key_file: /k.pem, ca_file: ca.pem }
trust_proxy: [10.0.0.0/8, "fd00::/8"]
metrics: { listen: "127.0.0.1:9464" }
shutdown_grace: 3
workers: auto
log_level: debug
`,
    file,
    {},
  );
  assert.deepEqual(set.serving.tls, {
    certFile: path.join(os.tmpdir(), 'etc', 'tls', 'cert.pem'),
    keyFile: '/k.pem',
    caFile: path.join(os.tmpdir(), 'etc', 'ca.pem'),
  });
  assert.deepEqual(set.serving.trustProxy, ['10.0.0.0/8', 'fd00::/8']);
  assert.deepEqual(set.serving.metricsListen, { host: '127.0.0.1', port: 9464 });
  assert.equal(set.serving.shutdownGraceMs, 3_000);
  assert.equal(set.serving.workers, os.availableParallelism());
  assert.equal(set.logLevel, 'debug');
  assert.equal(parseConfig('log: { level: warn }', undefined, {}).logLevel, 'warn');
});

test('serving keys: every problem as path: message', () => {
  assert.deepEqual(
    problems(`trust_proxy: [10.0.0.0/33, proxy.lan]
metrics: { listen: nine }
log_level: debug
log: { level: warn }
`),
    [
      'trust_proxy[0]: "10.0.0.0/33" is not a valid IPv4 or IPv6 CIDR',
      'trust_proxy[1]: "proxy.lan" is not a valid IPv4 or IPv6 CIDR',
      'metrics.listen: expected HOST:PORT (for example 127.0.0.1:9464), got "nine"',
      'log_level: give log_level or log.level, not both',
    ],
  );
  assert.match(problems('workers: 0').join('\n'), /^workers: /);
  assert.match(problems('tls: { cert_file: c.pem }').join('\n'), /tls\.key_file: /);
  assert.match(problems('shutdown_grace: -1').join('\n'), /^shutdown_grace: /);
});
