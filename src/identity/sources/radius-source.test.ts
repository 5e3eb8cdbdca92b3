/**
 * Protocol details of the RADIUS source that a healthy FreeRADIUS never shows: retransmission,
 * forged or unsigned replies. The peer is a UDP socket in this process answering with packets
 * built by the `radius` package (the real-server tests are in test/identity/radius-source.test.ts).
 */
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterEach, describe, test } from 'node:test';
import radius from 'radius';
import { accessRequest, verifyReply } from './radius-packet.ts';
import { RadiusSource } from './radius-source.ts';

const SECRET = 'unit-Secret-31';

interface Peer {
  readonly port: number;
  readonly received: Buffer[];
  close(): void;
}

type Answer = (request: Buffer, index: number) => Buffer[] | undefined;

const peers: Peer[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
});

async function peer(answer: Answer): Promise<Peer> {
  const socket: Socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (datagram: Buffer, from: RemoteInfo) => {
    received.push(datagram);
    for (const reply of answer(datagram, received.length - 1) ?? [])
      socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const made = { port: socket.address().port, received, close: () => socket.close() };
  peers.push(made);
  return made;
}

function reply(
  request: Buffer,
  code: string,
  options: { secret?: string; sign?: boolean; groups?: string[] } = {},
) {
  const decoded = radius.decode({ packet: request, secret: SECRET });
  const args = {
    code,
    identifier: decoded.identifier,
    // Given the Request Authenticator, encode() computes the Response Authenticator over it.
    authenticator: request.subarray(4, 20),
    secret: options.secret ?? SECRET,
    attributes: (options.groups ?? []).map((g) => ['Filter-Id', g]),
    add_message_authenticator: options.sign ?? false,
  };
  return radius.encode(args);
}

const source = (port: number, timeoutMs = 600) =>
  new RadiusSource({
    name: 'otp',
    host: '127.0.0.1',
    port,
    secret: SECRET,
    groupsAttribute: 'Filter-Id',
    timeoutMs,
  });

describe('RADIUS source protocol', () => {
  test('retransmits the very same datagram until a reply comes', async () => {
    const server = await peer((request, index) =>
      index < 2 ? undefined : [reply(request, 'Access-Accept')],
    );
    const result = await source(server.port).authenticate('alice', 'pw-1');
    assert.equal(result.outcome, 'accepted');
    assert.equal(server.received.length, 3);
    assert.ok(
      server.received.every((d) => d.equals(server.received[0]!)),
      'same identifier and authenticator',
    );
  });

  test('a reply signed with another secret is ignored, the authentic one is taken', async () => {
    const server = await peer((request) => [
      reply(request, 'Access-Accept', { secret: 'forger', groups: ['admins'] }),
      reply(request, 'Access-Reject'),
    ]);
    assert.deepEqual(await source(server.port).authenticate('alice', 'pw-1'), { outcome: 'rejected' });
  });

  test('once a server signs its replies, an unsigned one is not believed', async () => {
    let sign = true;
    const server = await peer((request) => [reply(request, 'Access-Accept', { sign, groups: ['devs'] })]);
    const otp = source(server.port);
    const first = await otp.authenticate('alice', 'pw-1');
    assert.deepEqual(first.outcome === 'accepted' && first.identity.groups, ['devs']);
    sign = false;
    const second = await otp.authenticate('alice', 'pw-1');
    assert.equal(second.outcome, 'unavailable');
  });

  test('Access-Challenge is a rejection: a registry login cannot answer it', async () => {
    const server = await peer((request) => [reply(request, 'Access-Challenge')]);
    assert.deepEqual(await source(server.port).authenticate('alice', 'pw-1'), { outcome: 'rejected' });
  });

  test('close() ends a request in flight at once, as unavailable', async () => {
    const silent = await peer(() => undefined);
    const otp = source(silent.port, 900);
    const pending = otp.authenticate('alice', 'pw-1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await otp.close();
    const result = await pending;
    assert.equal(result.outcome, 'unavailable');
    assert.ok(performance.now() - started < 600, 'before the 900 ms deadline');
    // Past the first retransmission (at 300 ms): no timer may use the closed socket.
    await new Promise((resolve) => setTimeout(resolve, 400));
  });

  test('verifyReply refuses a wrong identifier, a changed attribute, a bad Message-Authenticator', () => {
    const request = accessRequest({
      username: 'alice',
      password: 'pw-1',
      secret: SECRET,
      nasIdentifier: 'purser',
    });
    const good = reply(request.packet, 'Access-Accept', { sign: true, groups: ['devs'] });
    assert.ok(verifyReply(request, good, SECRET));
    const otherId = Buffer.from(good);
    otherId[1] = (otherId[1]! + 1) % 256;
    assert.equal(verifyReply(request, otherId, SECRET), undefined);
    const changed = Buffer.from(good);
    changed.writeUInt8(changed.readUInt8(changed.length - 1) ^ 1, changed.length - 1);
    assert.equal(verifyReply(request, changed, SECRET), undefined);
    assert.equal(verifyReply(request, good.subarray(0, 19), SECRET), undefined);
    const unsigned = reply(request.packet, 'Access-Accept');
    assert.ok(verifyReply(request, unsigned, SECRET));
    assert.equal(verifyReply(request, unsigned, SECRET, { requireMessageAuthenticator: true }), undefined);
  });
});
