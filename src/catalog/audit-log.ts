/**
 * One audit log for registry events and the authority's own entries (logins, tokens issued,
 * changes). Implements AuditSink. Queries filter by principal, repository, digest, action,
 * service and time range with paging; exports are CSV or JSON; `usage` answers "who pulled
 * this image" (users, services and robots, when, and from which address).
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { AuditEntry, AuditSink } from '../domain/audit.ts';
import type { AuditLogTable } from '../store/catalog-tables.ts';
import { kyselyRowWriter, type RowWriter } from '../store/database.ts';
import type { Database } from '../store/schema.ts';

export interface AuditQuery {
  /** Actor name (`alice`, `ci+builder`, `node1.example.com`, `anonymous`). */
  readonly principal?: string;
  readonly actorKind?: AuditLogTable['actor_kind'];
  readonly repository?: string;
  readonly tag?: string;
  readonly digest?: string;
  /** Exact action (`pull`, `token.issue`) or a prefix ending in `.` (`user.`). */
  readonly action?: string;
  readonly service?: string;
  /** Restricts to these services (non-administrators: the registries they are responsible for). */
  readonly services?: readonly string[];
  readonly source?: 'registry' | 'authority';
  readonly outcome?: AuditLogTable['outcome'];
  /** Epoch ms, inclusive. */
  readonly since?: number;
  /** Epoch ms, exclusive. */
  readonly until?: number;
}

export interface AuditPage {
  readonly entries: AuditRecord[];
  readonly total: number;
  readonly page: number;
  readonly perPage: number;
}

/** An entry as the API and CLI show it. */
export interface AuditRecord {
  id: number;
  time: string;
  source: string;
  action: string;
  actor: string;
  actor_kind: string;
  outcome: string;
  target: string | null;
  service: string | null;
  repository: string | null;
  tag: string | null;
  digest: string | null;
  media_type: string | null;
  size: number | null;
  source_address: string | null;
  user_agent: string | null;
  event_id: string | null;
  details: unknown;
}

export const AUDIT_COLUMNS: readonly (keyof AuditRecord)[] = [
  'id',
  'time',
  'source',
  'action',
  'actor',
  'actor_kind',
  'outcome',
  'target',
  'service',
  'repository',
  'tag',
  'digest',
  'media_type',
  'size',
  'source_address',
  'user_agent',
  'event_id',
  'details',
];

export interface ImageUser {
  readonly actor: string;
  readonly actorKind: string;
  readonly pulls: number;
  readonly firstPull: string;
  readonly lastPull: string;
  readonly addresses: readonly string[];
  readonly digests: readonly string[];
}

export interface AuditLogOptions {
  /** Called when recording an authority entry fails (the caller's operation still succeeds). */
  onError?: (error: unknown, entry: AuditEntry) => void;
  /** The store's bulk row writer (DatabaseHandle.rows); default: multi-row Kysely inserts. */
  rows?: RowWriter;
}

type Row = AuditLogTable & { id: number };

export class AuditLog implements AuditSink {
  readonly #db: Kysely<Database>;
  readonly #onError: ((error: unknown, entry: AuditEntry) => void) | undefined;
  readonly #rows: RowWriter;

  constructor(db: Kysely<Database>, options: AuditLogOptions = {}) {
    this.#db = db;
    this.#onError = options.onError;
    this.#rows = options.rows ?? kyselyRowWriter(db);
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.recordMany([entry]);
  }

  /** Writes a batch in one statement (BufferedAudit calls this). */
  async recordMany(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.#rows.insertRows('audit_log', entries.map(authorityRow));
    } catch (error) {
      if (this.#onError) for (const entry of entries) this.#onError(error, entry);
      else throw error;
    }
  }

  async query(filter: AuditQuery, page = 1, perPage = 50): Promise<AuditPage> {
    const p = Math.max(1, Math.floor(page));
    const n = Math.min(Math.max(1, Math.floor(perPage)), 1000);
    const base = applyFilter(this.#db.selectFrom('audit_log'), filter);
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('time', 'desc')
        .orderBy('id', 'desc')
        .limit(n)
        .offset((p - 1) * n)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    ]);
    return {
      entries: rows.map((r) => toRecord(r as Row)),
      total: Number(count?.n ?? 0),
      page: p,
      perPage: n,
    };
  }

  /** Every matching entry, oldest first, in chunks (for exports of any size). */
  async *iterate(filter: AuditQuery, chunk = 1000): AsyncGenerator<AuditRecord> {
    let after = 0;
    for (;;) {
      const rows = await applyFilter(this.#db.selectFrom('audit_log'), filter)
        .selectAll()
        .where('id', '>', after)
        .orderBy('id')
        .limit(chunk)
        .execute();
      for (const row of rows) yield toRecord(row as Row);
      if (rows.length < chunk) return;
      after = Number(rows[rows.length - 1]!.id);
    }
  }

  async *exportCsv(filter: AuditQuery): AsyncGenerator<string> {
    yield `${AUDIT_COLUMNS.join(',')}\n`;
    for await (const record of this.iterate(filter)) yield `${csvLine(record)}\n`;
  }

  /** JSON array text, streamed. */
  async *exportJson(filter: AuditQuery): AsyncGenerator<string> {
    yield '[';
    let first = true;
    for await (const record of this.iterate(filter)) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(record)}`;
      first = false;
    }
    yield first ? ']\n' : '\n]\n';
  }

  /**
   * Who pulled an image: pull events of the manifest `digests` (or of `tag`) in `repository`
   * (any repository when undefined) on `service`, grouped by principal.
   */
  async usage(input: {
    service?: string;
    repository?: string;
    tag?: string;
    digests?: readonly string[];
    since?: number;
  }): Promise<ImageUser[]> {
    const digests = input.digests ?? [];
    if (digests.length === 0 && input.tag === undefined) return [];
    let q = this.#db
      .selectFrom('audit_log')
      .select(['actor', 'actor_kind', 'time', 'source_address', 'digest'])
      .where('source', '=', 'registry')
      .where('action', '=', 'pull')
      // Purser's own reads (discovery HEADs, tag deletion) are not uses of the image.
      .where('actor_kind', '!=', 'system');
    if (input.service !== undefined) q = q.where('service', '=', input.service);
    if (input.repository !== undefined) q = q.where('repository', '=', input.repository);
    if (input.since !== undefined) q = q.where('time', '>=', input.since);
    const tag = input.tag;
    q = q.where((eb) => {
      const ors = [];
      if (digests.length > 0) ors.push(eb('digest', 'in', [...digests]));
      if (tag !== undefined) ors.push(eb('tag', '=', tag));
      return eb.or(ors);
    });
    const rows = await q.orderBy('time').execute();
    const users = new Map<
      string,
      {
        actor: string;
        actorKind: string;
        pulls: number;
        first: number;
        last: number;
        addresses: Set<string>;
        digests: Set<string>;
      }
    >();
    for (const row of rows) {
      const key = `${row.actor_kind}:${row.actor}`;
      let user = users.get(key);
      if (!user) {
        user = {
          actor: row.actor,
          actorKind: row.actor_kind,
          pulls: 0,
          first: Number(row.time),
          last: Number(row.time),
          addresses: new Set(),
          digests: new Set(),
        };
        users.set(key, user);
      }
      user.pulls++;
      user.first = Math.min(user.first, Number(row.time));
      user.last = Math.max(user.last, Number(row.time));
      if (row.source_address) user.addresses.add(row.source_address);
      if (row.digest) user.digests.add(row.digest);
    }
    return [...users.values()]
      .sort((a, b) => b.last - a.last)
      .map((u) => ({
        actor: u.actor,
        actorKind: u.actorKind,
        pulls: u.pulls,
        firstPull: new Date(u.first).toISOString(),
        lastPull: new Date(u.last).toISOString(),
        addresses: [...u.addresses].sort(),
        digests: [...u.digests].sort(),
      }));
  }
}

function applyFilter<O>(
  query: SelectQueryBuilder<Database, 'audit_log', O>,
  f: AuditQuery,
): SelectQueryBuilder<Database, 'audit_log', O> {
  let q = query;
  if (f.principal !== undefined) q = q.where('actor', '=', f.principal);
  if (f.actorKind !== undefined) q = q.where('actor_kind', '=', f.actorKind);
  if (f.repository !== undefined) q = q.where('repository', '=', f.repository);
  if (f.tag !== undefined) q = q.where('tag', '=', f.tag);
  if (f.digest !== undefined) q = q.where('digest', '=', f.digest);
  if (f.action !== undefined) {
    const action = f.action;
    q = action.endsWith('.')
      ? q.where('action', 'like', `${action.replace(/[%_\\]/g, '')}%`)
      : q.where('action', '=', action);
  }
  if (f.service !== undefined) q = q.where('service', '=', f.service);
  if (f.services !== undefined) {
    const services = [...f.services];
    q = services.length === 0 ? q.where((eb) => eb.val(1), '=', 0) : q.where('service', 'in', services);
  }
  if (f.source !== undefined) q = q.where('source', '=', f.source);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
  if (f.since !== undefined) q = q.where('time', '>=', f.since);
  if (f.until !== undefined) q = q.where('time', '<', f.until);
  return q;
}

function toRecord(row: Row): AuditRecord {
  let details: unknown = null;
  if (row.details) {
    try {
      details = JSON.parse(row.details);
    } catch {
      details = row.details;
    }
  }
  return {
    id: Number(row.id),
    time: new Date(Number(row.time)).toISOString(),
    source: row.source,
    action: row.action,
    actor: row.actor,
    actor_kind: row.actor_kind,
    outcome: row.outcome,
    target: row.target,
    service: row.service,
    repository: row.repository,
    tag: row.tag,
    digest: row.digest,
    media_type: row.media_type,
    size: row.size === null ? null : Number(row.size),
    source_address: row.source_address,
    user_agent: row.user_agent,
    event_id: row.event_id,
    details,
  };
}

export function csvLine(record: AuditRecord): string {
  return AUDIT_COLUMNS.map((column) => {
    const value = record[column];
    if (value === null || value === undefined) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    // Neutralise spreadsheet formulas and quote what needs quoting.
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  }).join(',');
}

function authorityRow(entry: AuditEntry): Omit<AuditLogTable, 'id'> {
  return {
    time: entry.time ?? Date.now(),
    source: 'authority',
    event_id: null,
    action: entry.action,
    actor: entry.actor || 'anonymous',
    actor_kind: entry.actorKind,
    outcome: entry.outcome,
    target: entry.target ?? null,
    service: entry.service ?? null,
    repository: null,
    tag: null,
    digest: null,
    media_type: null,
    size: null,
    source_address: entry.sourceAddress ?? null,
    user_agent: entry.userAgent ?? null,
    details: entry.details === undefined ? null : JSON.stringify(entry.details),
  };
}
