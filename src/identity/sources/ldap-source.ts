/**
 * An LDAP directory (OpenLDAP, Active Directory) as an identity source, in the classic
 * search-then-bind way (docker_auth's and Harbor's):
 *
 * 1. bind as the service account (kept bound on pooled connections),
 * 2. search `user_base` with `user_filter` (the name RFC 4515-escaped): exactly one entry, or the
 *    name is unknown,
 * 3. bind as that entry with the password (an empty password is refused before any bind: LDAP
 *    treats a simple bind without a password as an unauthenticated bind, which "succeeds"),
 * 4. bind as the service account again and search `group_base` with `group_filter` (`{dn}` and
 *    `{username}` escaped), reading `group_name_attribute` of each group.
 *
 * A wrong password and an unknown name cost the same round trips: for a name with no single
 * entry, step 3 is a bind to a DN that cannot exist, with a random password. The directory's
 * own work differs slightly (no password hash to check for a missing entry), which is as close
 * as a client can get.
 */
import crypto from 'node:crypto';
import type { Entry } from 'ldapts';
import { ResultCodeError } from 'ldapts';
import {
  accepted,
  describeFailure,
  type IdentitySource,
  REJECTED,
  redact,
  type SourceHealth,
  type SourceResult,
  UNKNOWN,
  unavailable,
} from '../identity-source.ts';
import type { LdapConnection } from './ldap-connection.ts';
import { LdapConnectionPool } from './ldap-connection-pool.ts';
import { escapeDnValue, fillFilter } from './ldap-escape.ts';

export interface LdapSourceOptions {
  readonly name: string;
  readonly url: string;
  readonly startTls: boolean;
  /** PEM text of the CA that signs the directory's certificate (tls.ca_file, read by the caller). */
  readonly caCertificate?: string;
  readonly insecureSkipVerify: boolean;
  readonly bindDn?: string;
  readonly bindPassword?: string;
  readonly userBase: string;
  readonly userFilter: string;
  readonly groupBase?: string;
  readonly groupFilter: string;
  readonly groupNameAttribute: string;
  readonly timeoutMs: number;
  /** Connections kept to the directory (default 4). */
  readonly poolSize?: number;
}

/** Longest name sent to a directory; longer ones are unknown without asking. */
const MAX_NAME = 256;

export class LdapSource implements IdentitySource {
  readonly kind = 'ldap' as const;
  readonly name: string;
  readonly timeoutMs: number;
  readonly #options: LdapSourceOptions;
  readonly #pool: LdapConnectionPool;
  /** The attribute user_filter compares the name with, read back for the name's canonical case. */
  readonly #nameAttribute: string | undefined;
  readonly #secrets: readonly string[];

  constructor(options: LdapSourceOptions) {
    if ((options.bindDn === undefined) !== (options.bindPassword === undefined)) {
      throw new TypeError('bindDn and bindPassword go together');
    }
    this.name = options.name;
    this.timeoutMs = options.timeoutMs;
    this.#options = options;
    this.#nameAttribute = nameAttributeOf(options.userFilter);
    this.#secrets = options.bindPassword ? [options.bindPassword] : [];
    const secure = options.startTls || options.url.startsWith('ldaps:');
    this.#pool = new LdapConnectionPool(
      {
        url: options.url,
        startTls: options.startTls,
        tls: secure
          ? {
              rejectUnauthorized: !options.insecureSkipVerify,
              ...(options.caCertificate ? { ca: options.caCertificate } : {}),
            }
          : undefined,
        timeoutMs: options.timeoutMs,
        service:
          options.bindDn !== undefined ? { dn: options.bindDn, password: options.bindPassword! } : undefined,
      },
      options.poolSize,
    );
  }

  async authenticate(username: string, password: string): Promise<SourceResult> {
    if (username === '' || username.length > MAX_NAME) return UNKNOWN;
    if (password === '') return REJECTED;
    try {
      return await this.#pool.use((connection) => this.#login(connection, username, password));
    } catch (error) {
      return unavailable(this.#describe(error, password));
    }
  }

  async health(): Promise<SourceHealth> {
    const started = performance.now();
    try {
      await this.#pool.use(async (connection) => {
        await connection.prepare();
        await connection.search(this.#options.userBase, { scope: 'base', attributes: ['1.1'] });
      });
      const who = this.#options.bindDn ? `bound as ${this.#options.bindDn}` : 'anonymous';
      return { ok: true, detail: `${who}; ${this.#options.userBase} is readable`, latencyMs: since(started) };
    } catch (error) {
      return { ok: false, detail: this.#describe(error), latencyMs: since(started) };
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  /**
   * What the directory says of a person now, without their password (for `identity sync`): the
   * entry and its groups, or unknown when the name has no single entry any more.
   */
  async lookup(username: string): Promise<SourceResult> {
    if (username === '' || username.length > MAX_NAME) return UNKNOWN;
    try {
      return await this.#pool.use(async (connection) => {
        await connection.prepare();
        const entry = await this.#entry(connection, username);
        return entry ? this.#identity(connection, entry, username) : UNKNOWN;
      });
    } catch (error) {
      return unavailable(this.#describe(error));
    }
  }

  async #login(connection: LdapConnection, username: string, password: string): Promise<SourceResult> {
    await connection.prepare();
    const entry = await this.#entry(connection, username);
    if (!entry) {
      try {
        await connection.bind(absentDn(this.#options.userBase), crypto.randomBytes(18).toString('base64url'));
      } catch {
        // Whatever the directory says to that bind, the name is unknown.
      }
      return UNKNOWN;
    }
    if (!(await connection.bind(entry.dn, password))) return REJECTED;
    return this.#identity(connection, entry, username);
  }

  /** The one entry user_filter selects for the name, or undefined (none, or ambiguous). */
  async #entry(connection: LdapConnection, username: string): Promise<Entry | undefined> {
    const attributes = [
      ...new Set([this.#nameAttribute, 'displayName', 'mail'].filter((a) => a !== undefined)),
    ];
    const { searchEntries } = await connection.search(this.#options.userBase, {
      scope: 'sub',
      filter: fillFilter(this.#options.userFilter, { username }),
      attributes,
      // Two are enough to know the name is ambiguous.
      sizeLimit: 2,
    });
    return searchEntries.length === 1 ? searchEntries[0] : undefined;
  }

  async #identity(connection: LdapConnection, entry: Entry, typed: string): Promise<SourceResult> {
    const canonical = this.#canonicalName(entry, typed);
    const groups = this.#options.groupBase ? await this.#groups(connection, entry.dn, canonical) : [];
    const displayName = firstValue(entry, 'displayName');
    const email = firstValue(entry, 'mail');
    return accepted({
      username: canonical,
      source: this.name,
      externalId: entry.dn,
      groups,
      ...(displayName ? { displayName } : {}),
      ...(email ? { email } : {}),
    });
  }

  async #groups(connection: LdapConnection, dn: string, username: string): Promise<string[]> {
    await connection.prepare();
    const attribute = this.#options.groupNameAttribute;
    const { searchEntries } = await connection.search(this.#options.groupBase!, {
      scope: 'sub',
      filter: fillFilter(this.#options.groupFilter, { dn, username }),
      attributes: [attribute],
      // Active Directory returns at most 1000 entries a page; paging reads them all.
      paged: { pageSize: 500 },
    });
    return [...new Set(searchEntries.flatMap((group) => values(group, attribute)))];
  }

  /** The entry's own spelling of the name (directories compare uid/sAMAccountName without case). */
  #canonicalName(entry: Entry, typed: string): string {
    if (!this.#nameAttribute) return typed;
    const match = values(entry, this.#nameAttribute).find((v) => v.toLowerCase() === typed.toLowerCase());
    return match ?? typed;
  }

  #describe(error: unknown, password?: string): string {
    const secrets = password ? [...this.#secrets, password] : this.#secrets;
    if (error instanceof ResultCodeError) {
      // ldapts's message is the server's diagnostic (often empty) and the code in hex.
      const what = error.name
        .replace(/Error$/, '')
        .replace(/(?<=[a-z])(?=[A-Z])/g, ' ')
        .toLowerCase();
      const diagnostic = redact(error.message.replace(/\s*Code: 0x[0-9a-f]+$/, '').trim(), secrets);
      return `the directory refused: ${what} (${error.code})${diagnostic ? `: ${diagnostic}` : ''}`;
    }
    return describeFailure(error, secrets);
  }
}

/** `(uid={username})` → `uid`; undefined when the filter compares the name in another way. */
export function nameAttributeOf(userFilter: string): string | undefined {
  return /\(([A-Za-z][A-Za-z0-9-]*)=\{username\}\)/.exec(userFilter)?.[1];
}

/** A DN under `base` that no directory holds: the target of the equal-cost bind for unknown names. */
function absentDn(base: string): string {
  return `cn=${escapeDnValue(`purser-absent-${crypto.randomBytes(12).toString('hex')}`)},${base}`;
}

function values(entry: Entry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  const key = Object.keys(entry).find((k) => k.toLowerCase() === wanted);
  const raw = key === undefined ? undefined : entry[key];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))).filter((v) => v !== '');
}

function firstValue(entry: Entry, attribute: string): string | undefined {
  return values(entry, attribute)[0];
}

function since(started: number): number {
  return Math.round(performance.now() - started);
}
