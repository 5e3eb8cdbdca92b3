import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequest } from '../domain/errors.ts';
import { isManifestMediaType, parseEnvelope, parseTimestamp, stripPort } from './registry-event.ts';

/** The shape distribution 2.8.2 sends (registry-protocol.md §6). */
export const PUSH_EVENT = {
  id: 'e2c9a1',
  timestamp: '2026-11-22T19:31:02.832634692Z',
  action: 'push',
  target: {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 401,
    digest: 'sha256:f6fd',
    length: 401,
    repository: 'purser/hello',
    url: 'http://127.0.0.1:5000/v2/purser/hello/manifests/sha256:f6fd',
    tag: 'v1',
    references: [{ mediaType: 'application/vnd.oci.image.config.v1+json', size: 366, digest: 'sha256:9172' }],
  },
  request: {
    id: 'bacb',
    addr: '127.0.0.1:56290',
    host: '127.0.0.1:5000',
    method: 'PUT',
    useragent: 'skopeo/1.9.3',
  },
  actor: { name: 'alice' },
  source: { addr: 'vm:5000', instanceID: '01ef' },
};

test('parses a manifest push event', () => {
  const [event] = parseEnvelope({ events: [PUSH_EVENT] });
  assert.ok(event);
  assert.equal(event.id, 'e2c9a1');
  assert.equal(event.action, 'push');
  assert.equal(event.repository, 'purser/hello');
  assert.equal(event.tag, 'v1');
  assert.equal(event.digest, 'sha256:f6fd');
  assert.equal(event.size, 401);
  assert.equal(event.actor, 'alice');
  assert.equal(event.sourceAddress, '127.0.0.1');
  assert.equal(event.userAgent, 'skopeo/1.9.3');
  assert.equal(event.time, Date.UTC(2026, 10, 22, 19, 31, 2, 832));
  assert.equal(event.references.length, 1);
});

test('delete events carry only digest or tag; anonymous actor is empty', () => {
  const events = parseEnvelope({
    events: [
      {
        id: 'd1',
        timestamp: '2026-11-22T19:31:03Z',
        action: 'delete',
        target: { digest: 'sha256:aa', repository: 'x' },
        actor: {},
      },
      {
        id: 'd2',
        timestamp: '2026-11-22T19:31:03Z',
        action: 'delete',
        target: { tag: 'v1', repository: 'x' },
      },
    ],
  });
  assert.equal(events[0]!.digest, 'sha256:aa');
  assert.equal(events[0]!.tag, undefined);
  assert.equal(events[0]!.actor, '');
  assert.equal(events[1]!.tag, 'v1');
  assert.equal(events[1]!.mediaType, undefined);
});

test('rejects envelopes and events that are not usable', () => {
  assert.throws(() => parseEnvelope(null), BadRequest);
  assert.throws(() => parseEnvelope({ events: 'x' }), BadRequest);
  assert.throws(() => parseEnvelope({ events: [{ action: 'push', target: { repository: 'x' } }] }), /no id/);
  assert.throws(() => parseEnvelope({ events: [{ id: '1', target: { repository: 'x' } }] }), /no action/);
  assert.throws(
    () => parseEnvelope({ events: [{ id: '1', action: 'pull', target: {} }] }),
    /no target.repository/,
  );
});

test('timestamps with nanoseconds, missing timestamps', () => {
  assert.equal(parseTimestamp('2026-01-02T03:04:05.123456789Z'), Date.UTC(2026, 0, 2, 3, 4, 5, 123));
  assert.equal(parseTimestamp('2026-01-02T03:04:05+02:00'), Date.UTC(2026, 0, 2, 1, 4, 5));
  assert.equal(parseTimestamp('nonsense'), undefined);
  const [event] = parseEnvelope({ events: [{ id: '1', action: 'pull', target: { repository: 'x' } }] }, 1234);
  assert.equal(event!.time, 1234);
});

test('addresses lose their port', () => {
  assert.equal(stripPort('10.0.0.1:5000'), '10.0.0.1');
  assert.equal(stripPort('[::1]:5000'), '::1');
  assert.equal(stripPort('::1'), '::1');
  assert.equal(stripPort('10.0.0.1'), '10.0.0.1');
});

test('manifest media types (Docker and OCI), not configs or layers', () => {
  for (const t of [
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ]) {
    assert.equal(isManifestMediaType(t), true, t);
  }
  for (const t of [
    'application/octet-stream',
    'application/vnd.oci.image.config.v1+json',
    'application/vnd.oci.image.layer.v1.tar+gzip',
    'application/vnd.docker.container.image.v1+json',
    undefined,
  ]) {
    assert.equal(isManifestMediaType(t), false, String(t));
  }
});
