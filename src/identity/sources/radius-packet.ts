/**
 * RADIUS packets for the RADIUS source: an Access-Request (PAP, with Message-Authenticator) or a
 * Status-Server, and the checks a reply must pass before anything in it is believed.
 *
 * The `radius` package encodes requests and decodes attributes; the checks are done here with
 * node:crypto and timingSafeEqual, because the package compares digests as UTF-8 strings (which
 * folds distinct invalid byte sequences together) and not in constant time.
 *
 * Reply checks (RFC 2865 §3, RFC 3579 §3.2):
 * - same identifier, a length that fits the datagram,
 * - Response Authenticator = MD5(Code + Identifier + Length + Request Authenticator + Attributes
 *   + Secret),
 * - Message-Authenticator, when present (or when required), = HMAC-MD5(Secret, the reply with the
 *   Request Authenticator in place and the Message-Authenticator zeroed).
 */
import crypto from 'node:crypto';
import radius from 'radius';

const MESSAGE_AUTHENTICATOR = 80;
const HEADER = 20;

export interface RadiusRequest {
  readonly packet: Buffer;
  readonly identifier: number;
  /** The Request Authenticator (16 random octets). */
  readonly authenticator: Buffer;
}

export type ReplyCode = 'Access-Accept' | 'Access-Reject' | 'Access-Challenge';

export interface RadiusReply {
  readonly code: ReplyCode;
  /** Decoded attributes (a name with several values maps to an array). */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly hasMessageAuthenticator: boolean;
}

export function accessRequest(options: {
  username: string;
  password: string;
  secret: string;
  nasIdentifier: string;
}): RadiusRequest {
  return encodeRequest('Access-Request', options.secret, [
    ['User-Name', options.username],
    ['User-Password', options.password],
    ['NAS-Identifier', options.nasIdentifier],
    ['Service-Type', 'Authenticate-Only'],
  ]);
}

/** RFC 5997 Status-Server, answered by an Access-Accept when the server is up. */
export function statusServer(options: { secret: string; nasIdentifier: string }): RadiusRequest {
  return encodeRequest('Status-Server', options.secret, [['NAS-Identifier', options.nasIdentifier]]);
}

/**
 * The reply, if `datagram` is an authentic answer to `request`; undefined otherwise (a stray or
 * forged datagram, or one signed with another secret), which the caller ignores.
 */
export function verifyReply(
  request: RadiusRequest,
  datagram: Buffer,
  secret: string,
  options: { requireMessageAuthenticator?: boolean } = {},
): RadiusReply | undefined {
  if (datagram.length < HEADER || datagram[1] !== request.identifier) return undefined;
  const length = datagram.readUInt16BE(2);
  if (length < HEADER || length > datagram.length) return undefined;
  const reply = datagram.subarray(0, length);
  const code = CODES[reply[0]!];
  if (!code) return undefined;

  const expected = crypto
    .createHash('md5')
    .update(reply.subarray(0, 4))
    .update(request.authenticator)
    .update(reply.subarray(HEADER))
    .update(secret, 'utf8')
    .digest();
  if (!crypto.timingSafeEqual(expected, reply.subarray(4, HEADER))) return undefined;

  const offset = messageAuthenticatorOffset(reply);
  if (offset === null) return undefined; // malformed attributes
  if (offset === undefined) {
    if (options.requireMessageAuthenticator) return undefined;
  } else {
    const copy = Buffer.from(reply);
    request.authenticator.copy(copy, 4);
    copy.fill(0, offset, offset + 16);
    const mac = crypto.createHmac('md5', secret).update(copy).digest();
    if (!crypto.timingSafeEqual(mac, reply.subarray(offset, offset + 16))) return undefined;
  }

  let attributes: Record<string, unknown>;
  try {
    attributes = radius.decode({ packet: reply, secret }).attributes as Record<string, unknown>;
  } catch {
    return undefined;
  }
  return { code, attributes, hasMessageAuthenticator: offset !== undefined };
}

/** The values of one reply attribute as text (several when the attribute repeats). */
export function attributeValues(reply: RadiusReply, name: string): string[] {
  const raw = reply.attributes[name];
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list
    .map((value) => {
      // Tagged attributes decode as [tag, value].
      const plain = Array.isArray(value) ? value[1] : value;
      return Buffer.isBuffer(plain) ? plain.toString('utf8') : String(plain);
    })
    .filter((value) => value !== '');
}

/** The parts of the `radius` module its type declarations leave out. */
const dictionary = radius as unknown as {
  load_dictionaries(): void;
  attr_name_to_id(name: string): string | undefined;
};

/** True when the `radius` dictionaries (the RFC attributes, no vendor ones) know the name. */
export function isKnownAttribute(name: string): boolean {
  dictionary.load_dictionaries();
  return dictionary.attr_name_to_id(name) !== undefined;
}

const CODES: Readonly<Record<number, ReplyCode>> = {
  2: 'Access-Accept',
  3: 'Access-Reject',
  11: 'Access-Challenge',
};

function encodeRequest(code: string, secret: string, attributes: Array<[string, string]>): RadiusRequest {
  const packet = radius.encode({
    code,
    secret,
    identifier: crypto.randomInt(256),
    attributes,
    add_message_authenticator: true,
  });
  return { packet, identifier: packet[1]!, authenticator: Buffer.from(packet.subarray(4, HEADER)) };
}

/** Offset of the Message-Authenticator value; undefined if absent, null if attributes are malformed. */
function messageAuthenticatorOffset(reply: Buffer): number | undefined | null {
  let found: number | undefined;
  for (let at = HEADER; at < reply.length; ) {
    if (at + 2 > reply.length) return null;
    const type = reply[at]!;
    const length = reply[at + 1]!;
    if (length < 2 || at + length > reply.length) return null;
    if (type === MESSAGE_AUTHENTICATOR) {
      if (length !== 18 || found !== undefined) return null;
      found = at + 2;
    }
    at += length;
  }
  return found;
}
