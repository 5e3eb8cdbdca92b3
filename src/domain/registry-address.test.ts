import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dockerConfigKey,
  isLoopbackAddress,
  normalizeRegistryAddress,
  parseRegistryAddress,
} from './registry-address.ts';

test('every server form clients send folds to one address', () => {
  const cases: [string, string][] = [
    ['https://index.docker.io/v1/', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['https://registry-1.docker.io/v2/', 'docker.io'],
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['https://127.0.0.1:5000/', '127.0.0.1:5000'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['  Registry.Example.com:5000/v2/  ', 'registry.example.com:5000'],
    ['https://registry.example.com:443/x', 'registry.example.com'],
    ['https://registry.example.com/v1/?q=1', 'registry.example.com'],
    ['[::1]:5000', '[::1]:5000'],
    ['localhost:5000', 'localhost:5000'],
  ];
  for (const [input, want] of cases) assert.equal(normalizeRegistryAddress(input), want, input);
});

test('typed addresses: host or host:port only (Docker Hub legacy URL accepted)', () => {
  assert.equal(parseRegistryAddress('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(parseRegistryAddress('quay.io'), 'quay.io');
  assert.equal(parseRegistryAddress('[::1]:5000'), '[::1]:5000');
  assert.throws(
    () => parseRegistryAddress('https://quay.io'),
    /must be a host or host:port without a scheme \(write "quay\.io"\)/,
  );
  assert.throws(() => parseRegistryAddress('quay.io/org'), /without a path \(write "quay\.io"\)/);
  assert.throws(() => parseRegistryAddress('quay.io:99999'), /invalid port/);
  assert.throws(() => parseRegistryAddress('bad host'), /not a valid host/);
  assert.throws(() => parseRegistryAddress(''), /empty/);
});

test('config keys and loopback detection', () => {
  assert.equal(dockerConfigKey('docker.io'), 'https://index.docker.io/v1/');
  assert.equal(dockerConfigKey('quay.io'), 'quay.io');
  assert.ok(isLoopbackAddress('127.0.0.1:5000'));
  assert.ok(isLoopbackAddress('localhost'));
  assert.ok(isLoopbackAddress('[::1]:5000'));
  assert.ok(!isLoopbackAddress('registry.example.com:5000'));
});
