/**
 * A few reusable LDAP connections for one directory (4 by default), each kept bound as the
 * service account between uses: one service bind per connection, not one per login. A login
 * waits for a free connection at most the source's timeout; a connection in doubt is destroyed,
 * never handed to the next login.
 */
import { LdapConnection, type LdapConnectionOptions } from './ldap-connection.ts';

export class LdapConnectionPool {
  readonly #options: LdapConnectionOptions;
  readonly #size: number;
  readonly #idle: LdapConnection[] = [];
  readonly #waiters: Array<(connection: LdapConnection) => void> = [];
  #open = 0;
  #closed = false;

  constructor(options: LdapConnectionOptions, size = 4) {
    this.#options = options;
    this.#size = size;
  }

  /**
   * Runs `work` on a connection. A reused connection the server closed while idle shows as its
   * first operation failing at the transport level (not by a timeout): the work is retried once,
   * on a new connection.
   */
  async use<T>(work: (connection: LdapConnection) => Promise<T>): Promise<T> {
    const connection = await this.#acquire();
    const reused = connection.used;
    connection.checkOut();
    try {
      connection.used = true;
      return await work(connection);
    } catch (error) {
      const stale =
        reused &&
        connection.broken &&
        connection.operations <= 1 &&
        !(error instanceof Error && /timed out|no answer/.test(error.message));
      if (!stale || this.#closed) throw error;
    } finally {
      this.#release(connection);
    }
    const fresh = await this.#acquire(true);
    fresh.checkOut();
    try {
      fresh.used = true;
      return await work(fresh);
    } finally {
      this.#release(fresh);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const idle = this.#idle.splice(0);
    await Promise.allSettled(idle.map((c) => c.close()));
  }

  #acquire(fresh = false): Promise<LdapConnection> {
    if (this.#closed) return Promise.reject(new Error('the directory source is closed'));
    if (!fresh) {
      const idle = this.#idle.pop();
      if (idle) return Promise.resolve(idle);
    }
    if (this.#open < this.#size) {
      this.#open += 1;
      return Promise.resolve(new LdapConnection(this.#options));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(handOver);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`all ${this.#size} directory connections stayed busy`));
      }, this.#options.timeoutMs);
      const handOver = (connection: LdapConnection) => {
        clearTimeout(timer);
        resolve(connection);
      };
      this.#waiters.push(handOver);
    });
  }

  #release(connection: LdapConnection): void {
    if (connection.broken || this.#closed) {
      connection.destroy();
      this.#open -= 1;
      const waiter = this.#waiters.shift();
      if (waiter) {
        this.#open += 1;
        waiter(new LdapConnection(this.#options));
      }
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter(connection);
    else this.#idle.push(connection);
  }
}
