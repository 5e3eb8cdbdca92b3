/**
 * `tls:` serves HTTPS over HTTP/1.1 and HTTP/2, and a reload swaps the certificate for new
 * connections while an open HTTP/2 session keeps working; a broken certificate is refused and
 * the one in use stays. `trust_proxy:` makes request.ip (audit, throttling) the client behind
 * those proxies only.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import path from 'node:path';
import { test } from 'node:test';
import tls from 'node:tls';
import { parseConfig } from '../../src/config/load.ts';
import { ConfigInvalid } from '../../src/domain/errors.ts';
import { startServer } from '../../src/server/serve.ts';
import { requireBinary } from '../support/binaries.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';
import { selfSignedCertificate } from '../support/tls.ts';

const fingerprint = (pem: string) => new crypto.X509Certificate(pem).fingerprint256;

function peerFingerprint(port: number, ca: string[]): Promise<{ fingerprint: string; alpn: string | false }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      const cert = socket.getPeerCertificate();
      resolve({ fingerprint: cert.fingerprint256, alpn: socket.alpnProtocol ?? false });
      socket.end();
    });
    socket.once('error', reject);
  });
}

function h2Get(session: http2.ClientHttp2Session, pathname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = session.request({ ':path': pathname });
    request.once('response', (headers) => {
      request.resume();
      request.once('end', () => resolve(Number(headers[':status'])));
    });
    request.once('error', reject);
    request.end();
  });
}

test('HTTPS with HTTP/1.1 and HTTP/2; reload swaps the certificate without dropping a session', async (t) => {
  if (!requireBinary(t, 'openssl')) return;
  const dir = tempDir('purser-tls-');
  t.after(() => removeTempDir(dir));
  const first = await selfSignedCertificate(dir, {
    commonName: 'one',
    subjectAltName: 'IP:127.0.0.1',
    name: 'one',
  });
  const second = await selfSignedCertificate(dir, {
    commonName: 'two',
    subjectAltName: 'IP:127.0.0.1',
    name: 'two',
  });
  const certFile = path.join(dir, 'tls.pem');
  const keyFile = path.join(dir, 'tls.key');
  fs.copyFileSync(first.certFile, certFile);
  fs.copyFileSync(first.keyFile, keyFile);
  const file = path.join(dir, 'purser.yaml');
  const text = `listen: 127.0.0.1:0\ndata: ${dir}/data\ntls: { cert_file: tls.pem, key_file: tls.key }\n`;
  const config = () => parseConfig(text, file, { PURSER_ADMIN_PASSWORD: 'x' });
  const server = await startServer(config(), { announce: () => {} });
  t.after(() => server.close());
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const port = Number(new URL(server.url).port);
  const ca = [fs.readFileSync(first.certFile, 'utf8'), fs.readFileSync(second.certFile, 'utf8')];

  const viaHttp1 = await new Promise<{ status: number; alpn: string | false }>((resolve, reject) => {
    https
      .get(`${server.url}/healthz`, { ca }, (response) => {
        response.resume();
        resolve({
          status: response.statusCode ?? 0,
          alpn: (response.socket as tls.TLSSocket).alpnProtocol ?? false,
        });
      })
      .once('error', reject);
  });
  assert.equal(viaHttp1.status, 200);
  assert.notEqual(viaHttp1.alpn, 'h2');
  const session = http2.connect(server.url, { ca });
  t.after(() => session.close());
  assert.equal(await h2Get(session, '/healthz'), 200);
  assert.equal(session.alpnProtocol, 'h2');
  assert.deepEqual(await peerFingerprint(port, ca), { fingerprint: fingerprint(ca[0]!), alpn: 'h2' });

  fs.copyFileSync(second.certFile, certFile);
  fs.copyFileSync(second.keyFile, keyFile);
  await server.reload(config());
  assert.equal(
    (await peerFingerprint(port, ca)).fingerprint,
    fingerprint(ca[1]!),
    'new connections get the new one',
  );
  assert.equal(await h2Get(session, '/readyz'), 200, 'the open HTTP/2 session still works');

  // A key that does not match the certificate: refused, the certificate in use stays.
  fs.copyFileSync(first.keyFile, keyFile);
  await assert.rejects(server.reload(config()), (error: unknown) => {
    assert.ok(error instanceof ConfigInvalid);
    assert.match(error.problems[0] ?? '', /^tls: the certificate and key cannot be used: /);
    return true;
  });
  assert.equal((await peerFingerprint(port, ca)).fingerprint, fingerprint(ca[1]!));
});

test('trust_proxy: X-Forwarded-For gives the client address only from the listed proxies', async (t) => {
  const dir = tempDir('purser-proxy-');
  t.after(() => removeTempDir(dir));
  const sourceOfLogin = async (trustProxy: string) => {
    const config = parseConfig(
      `listen: 127.0.0.1:0\ndata: ${dir}/${trustProxy.replace(/\W/g, '')}\ntrust_proxy: [${trustProxy}]\nregistries:\n  - { service: registry.test, url: "http://127.0.0.1:9" }\n`,
      undefined,
      { PURSER_ADMIN_PASSWORD: 'x' },
    );
    const server = await startServer(config, { announce: () => {} });
    try {
      const response = await fetch(`${server.url}/token?service=registry.test`, {
        headers: {
          authorization: `Basic ${Buffer.from('nobody:wrong').toString('base64')}`,
          'x-forwarded-for': '203.0.113.9',
        },
      });
      assert.equal(response.status, 401);
      await server.runtime.audit.flush();
      const row = await server.runtime.db
        .selectFrom('audit_log')
        .select('source_address')
        .where('action', '=', 'login')
        .executeTakeFirstOrThrow();
      return row.source_address;
    } finally {
      await server.close();
    }
  };
  assert.equal(await sourceOfLogin('127.0.0.1/32'), '203.0.113.9', 'behind a trusted proxy: the client');
  assert.equal(
    await sourceOfLogin('10.0.0.0/8'),
    '127.0.0.1',
    'from anyone else: the peer, the header ignored',
  );
});
