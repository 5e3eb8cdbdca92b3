/**
 * One LDAP connection of a source's pool, which remembers whether it is bound as the service
 * account (so it is bound once, not once per login).
 *
 * Safety rules this module owns:
 * - With StartTLS, no byte of a bind travels in clear: ldapts reconnects transparently when a
 *   socket closes, in plaintext and without StartTLS. Here the socket factory refuses to connect
 *   unless this module is establishing the connection, and every operation first checks that the
 *   connection it was prepared on is still the one open; a connection lost mid-login is an error.
 * - Every step is bounded: ldapts times out operations and TCP connects, and this module destroys
 *   the socket when a TLS handshake (which ldapts does not time out) takes longer than the timeout.
 */
import net from 'node:net';
import tls from 'node:tls';
import {
  Client,
  InappropriateAuthError,
  InvalidCredentialsError,
  type SearchOptions,
  type SearchResult,
} from 'ldapts';

export interface LdapConnectionOptions {
  readonly url: string;
  readonly startTls: boolean;
  /** CA and verification for ldaps:// or StartTLS; undefined for plain ldap://. */
  readonly tls: { readonly ca?: string; readonly rejectUnauthorized: boolean } | undefined;
  readonly timeoutMs: number;
  /** The service account; undefined searches anonymously. */
  readonly service: { readonly dn: string; readonly password: string } | undefined;
}

/** `service`: bound as the searching identity (the service account, or anonymous without one). */
type BindState = 'closed' | 'service' | 'other';

export class LdapConnection {
  readonly #options: LdapConnectionOptions;
  readonly #host: string;
  #client: Client;
  #state: BindState = 'closed';
  #socket: net.Socket | undefined;
  /**
   * Set when a socket of the current connection closes. ldapts misses the close of a connection
   * upgraded by StartTLS (it watches the plain socket it no longer holds), so this is the truth.
   */
  #lost = true;
  /** The sockets of the current client (plain, then TLS after StartTLS). */
  #sockets = new Set<net.Socket>();
  #connecting = false;
  #broken = false;
  #operations = 0;
  /** True once the connection has served a login: it may have been closed by the server since. */
  used = false;

  constructor(options: LdapConnectionOptions) {
    this.#options = options;
    this.#host = new URL(options.url).hostname.replace(/^\[|\]$/g, '');
    this.#client = this.#newClient();
  }

  #newClient(): Client {
    const options = this.#options;
    return new Client({
      url: options.url,
      timeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
      // For StartTLS the TLS options go to startTLS(): given here, ldapts would speak TLS at once.
      ...(options.url.startsWith('ldaps:') ? { tlsOptions: this.#tlsOptions() } : {}),
      createConnection: ((port: number, host: string) =>
        this.#open(() => net.connect(port, host))) as typeof net.connect,
      createSecureConnection: ((...args: Parameters<typeof tls.connect>) =>
        this.#open(() => tls.connect(...args))) as typeof tls.connect,
    });
  }

  get broken(): boolean {
    return this.#broken;
  }

  /** Connected (StartTLS done) and bound as the service account, reusing what is still valid. */
  async prepare(): Promise<void> {
    if (this.#lost || !this.#client.isConnected) {
      this.#state = 'closed';
      this.#socket?.destroy();
      this.#sockets = new Set();
      this.#client = this.#newClient();
      await this.#establish();
    }
    if (this.#state !== 'service') {
      this.#state = 'other';
      // Without a service account, an anonymous bind (RFC 4513 §5.1.1) drops the person's identity.
      const { dn, password } = this.#options.service ?? { dn: '', password: '' };
      await this.#guarded(() => this.#client.bind(dn, password));
      this.#state = 'service';
    }
  }

  /** Operations run since the pool handed the connection out: a failing first one may be stale. */
  get operations(): number {
    return this.#operations;
  }

  /** Called by the pool when it hands the connection out. */
  checkOut(): void {
    this.#operations = 0;
  }

  async search(base: string, options: SearchOptions): Promise<SearchResult> {
    if (this.#state !== 'service') throw new TypeError('search before prepare()');
    return this.#guarded(() => this.#client.search(base, options));
  }

  /** Binds as `dn`: true when the password is right, false when the directory refuses it. */
  async bind(dn: string, password: string): Promise<boolean> {
    if (password === '') throw new TypeError('an empty password is an unauthenticated bind');
    this.#state = 'other';
    try {
      await this.#guarded(() => this.#client.bind(dn, password));
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError || error instanceof InappropriateAuthError) return false;
      throw error;
    }
  }

  /** Drops the connection without waiting for the server. */
  destroy(): void {
    this.#broken = true;
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  async close(): Promise<void> {
    this.#broken = true;
    try {
      if (this.#client.isConnected) await withDeadline(this.#client.unbind(), 1_000, () => this.destroy());
    } catch {
      // the server may be gone already
    }
    this.destroy();
  }

  async #establish(): Promise<void> {
    this.#connecting = true;
    const bounded = <T>(work: Promise<T>) =>
      withDeadline(work, this.#options.timeoutMs, () => this.destroy());
    try {
      if (this.#options.startTls) {
        // startTLS connects, sends the StartTLS request and upgrades the socket in place.
        await bounded(
          this.#client.startTLS({
            ...this.#tlsOptions(),
            host: this.#host,
            ...(net.isIP(this.#host) ? {} : { servername: this.#host }),
          }),
        );
      } else if (this.#options.service) {
        // A bind connects first: connection and service bind in one step.
        const { dn, password } = this.#options.service;
        this.#state = 'other';
        await bounded(this.#client.bind(dn, password));
        this.#state = 'service';
      } else {
        // Any operation connects; a search of the root DSE is the cheapest one.
        await bounded(
          this.#client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }),
        );
        this.#state = 'service';
      }
    } finally {
      this.#connecting = false;
    }
  }

  /** Runs one ldapts call only if the connection it was prepared on is still open. */
  async #guarded<T>(operation: () => Promise<T>): Promise<T> {
    // Checked in the same tick as ldapts's own isConnected check, so no close can slip between.
    if (this.#lost || !this.#client.isConnected || this.#broken) {
      this.#broken = true;
      throw new Error('the directory closed the connection');
    }
    this.#operations += 1;
    try {
      return await operation();
    } catch (error) {
      if (this.#lost || !this.#client.isConnected) this.#broken = true;
      throw error;
    }
  }

  #open<T extends net.Socket>(connect: () => T): T {
    if (!this.#connecting) throw new Error('refusing to reconnect outside connection set-up');
    const socket = connect();
    this.#socket = socket;
    this.#lost = false;
    const sockets = this.#sockets;
    sockets.add(socket);
    // Only a socket of the current client counts: an old one may close after its replacement opened.
    socket.once('close', () => {
      if (sockets === this.#sockets) this.#lost = true;
    });
    return socket;
  }

  #tlsOptions(): tls.ConnectionOptions {
    const options = this.#options.tls;
    return {
      rejectUnauthorized: options?.rejectUnauthorized ?? true,
      ...(options?.ca ? { ca: options.ca } : {}),
      minVersion: 'TLSv1.2',
    };
  }
}

/** Settles with `work`; after `ms`, calls `onTimeout` (which must make `work` fail) and rejects. */
async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`no answer within ${ms / 1000} s`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    work.catch(() => {});
  }
}
