/**
 * A RADIUS server (FreeRADIUS, an OTP appliance) as an identity source: one PAP Access-Request
 * per login over UDP, with Message-Authenticator, retransmitted (same identifier and
 * authenticator, as RFC 5080 §2.2.1 asks) until an authentic reply arrives or the timeout ends.
 *
 * - Access-Accept → accepted; the groups are the values of `groups_attribute` (e.g. Filter-Id,
 *   possibly several).
 * - Access-Reject → rejected. RADIUS cannot say "no such user", so a wrong password and an
 *   unknown name are the same answer at the same cost; in the chain, a RADIUS source ends the walk
 *   for every name it is asked about, so it belongs last.
 * - Access-Challenge (a second factor, a new PIN) → rejected: a registry login has no way to
 *   answer a challenge.
 * - No authentic reply within the timeout → unavailable. A wrong shared secret looks the same
 *   from here (the server drops the request), and the reason says so.
 *
 * Replies are only believed after verifyReply's checks. FreeRADIUS before 3.2.5 does not sign an
 * Access-Accept with Message-Authenticator; once a server has sent one, it is required from then
 * on (what FreeRADIUS calls `require_message_authenticator = auto`), against BlastRADIUS forgeries.
 */
import { createSocket, type Socket } from 'node:dgram';
import {
  accepted,
  describeFailure,
  type IdentitySource,
  REJECTED,
  type SourceHealth,
  type SourceResult,
  UNKNOWN,
  unavailable,
} from '../identity-source.ts';
import {
  accessRequest,
  attributeValues,
  type RadiusReply,
  type RadiusRequest,
  statusServer,
  verifyReply,
} from './radius-packet.ts';

export interface RadiusSourceOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  /** Reply attribute whose values name the person's groups. */
  readonly groupsAttribute?: string;
  readonly timeoutMs: number;
  /** Transmissions of one request within the timeout (default 3). */
  readonly attempts?: number;
  readonly nasIdentifier?: string;
}

/** RFC 2865 §5.1 and §5.2: User-Name of at least one octet, User-Password of at most 128. */
const MAX_NAME = 253;
const MAX_PASSWORD = 128;

export class RadiusSource implements IdentitySource {
  readonly kind = 'radius' as const;
  readonly name: string;
  readonly timeoutMs: number;
  readonly #options: RadiusSourceOptions;
  #serverSignsReplies = false;
  /** In-flight exchanges, each with the function that ends it. */
  readonly #inFlight = new Map<Socket, (error: Error) => void>();

  constructor(options: RadiusSourceOptions) {
    this.name = options.name;
    this.timeoutMs = options.timeoutMs;
    this.#options = options;
  }

  async authenticate(username: string, password: string): Promise<SourceResult> {
    if (username === '' || Buffer.byteLength(username) > MAX_NAME) return UNKNOWN;
    if (password === '' || Buffer.byteLength(password) > MAX_PASSWORD) return REJECTED;
    const request = accessRequest({
      username,
      password,
      secret: this.#options.secret,
      nasIdentifier: this.#nasIdentifier,
    });
    let reply: RadiusReply;
    try {
      reply = await this.#exchange(request);
    } catch (error) {
      return unavailable(describeFailure(error, [this.#options.secret, password]));
    }
    if (reply.code !== 'Access-Accept') return REJECTED;
    const attribute = this.#options.groupsAttribute;
    return accepted({
      username,
      source: this.name,
      externalId: username,
      groups: attribute ? [...new Set(attributeValues(reply, attribute))] : [],
    });
  }

  async health(): Promise<SourceHealth> {
    const started = performance.now();
    const request = statusServer({ secret: this.#options.secret, nasIdentifier: this.#nasIdentifier });
    try {
      const reply = await this.#exchange(request);
      return {
        ok: reply.code === 'Access-Accept',
        detail: `Status-Server answered ${reply.code}`,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const hint = ' (the server may not answer Status-Server: status_server = yes in FreeRADIUS)';
      return {
        ok: false,
        detail: `${describeFailure(error, [this.#options.secret])}${hint}`,
        latencyMs: Math.round(performance.now() - started),
      };
    }
  }

  async close(): Promise<void> {
    for (const end of [...this.#inFlight.values()]) end(new Error('the RADIUS source was closed'));
  }

  get #nasIdentifier(): string {
    return this.#options.nasIdentifier ?? 'purser';
  }

  /** Sends `request` until an authentic reply arrives; rejects when the timeout ends first. */
  #exchange(request: RadiusRequest): Promise<RadiusReply> {
    const { host, port, secret, timeoutMs } = this.#options;
    const attempts = Math.max(1, this.#options.attempts ?? 3);
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    return new Promise<RadiusReply>((resolve, reject) => {
      let sent = 0;
      let done = false;
      let retransmit: NodeJS.Timeout | undefined;
      const finish = (error: Error | undefined, reply?: RadiusReply) => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        clearTimeout(retransmit);
        this.#inFlight.delete(socket);
        closeQuietly(socket);
        if (error) reject(error);
        else resolve(reply!);
      };
      const deadline = setTimeout(() => {
        finish(
          new Error(
            `no authentic reply from ${host}:${port} within ${timeoutMs / 1000} s ` +
              `(${sent} transmissions; a wrong shared secret looks the same)`,
          ),
        );
      }, timeoutMs);
      const send = () => {
        if (done) return;
        sent += 1;
        socket.send(request.packet, (error) => {
          if (error) finish(error);
        });
        if (sent < attempts) retransmit = setTimeout(send, timeoutMs / attempts);
      };
      socket.on('message', (datagram) => {
        const reply = verifyReply(request, datagram, secret, {
          requireMessageAuthenticator: this.#serverSignsReplies,
        });
        // Anything that fails the checks is ignored, as RFC 2865 asks: a forger cannot end the wait.
        if (!reply) return;
        if (reply.hasMessageAuthenticator) this.#serverSignsReplies = true;
        finish(undefined, reply);
      });
      socket.on('error', (error) => finish(error));
      this.#inFlight.set(socket, (error) => finish(error));
      // A connected socket only receives datagrams from the server's address and port, and
      // learns at once (ICMP port unreachable) when nothing listens there.
      socket.connect(port, host, send);
    });
  }
}

function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // already closed
  }
}
