/**
 * Distribution notifications: the envelope `{"events":[...]}` the registry POSTs, parsed into
 * plain records. Unknown fields are ignored; an event without an id, action or repository is
 * rejected (the whole envelope then gets 400 and the registry retries — but only a broken
 * registry sends those, so they are reported, not stored).
 */
import { isRepositoryName } from '../domain/access.ts';
import { BadRequest } from '../domain/errors.ts';

export const EVENTS_MEDIA_TYPES = [
  'application/vnd.docker.distribution.events.v1+json',
  'application/vnd.docker.distribution.events.v2+json',
] as const;

export type RegistryAction = 'push' | 'pull' | 'mount' | 'delete';

export interface RegistryEvent {
  readonly id: string;
  /** Epoch ms from the event's timestamp (receive time when missing). */
  readonly time: number;
  readonly action: string;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  readonly mediaType: string | undefined;
  readonly size: number | undefined;
  readonly fromRepository: string | undefined;
  /** The token `sub`; '' when the registry has no auth or the pull was anonymous. */
  readonly actor: string;
  /** Client address without the port. */
  readonly sourceAddress: string | undefined;
  readonly userAgent: string | undefined;
  readonly method: string | undefined;
  readonly requestId: string | undefined;
  readonly references: readonly { mediaType?: string; digest?: string; size?: number }[];
  readonly registryInstance: string | undefined;
}

export function parseEnvelope(body: unknown, receivedAt = Date.now()): RegistryEvent[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { events?: unknown }).events)) {
    throw new BadRequest('notification body must be {"events":[...]}');
  }
  return (body as { events: unknown[] }).events.map((event, i) => parseEvent(event, i, receivedAt));
}

/** The longest text each stored field takes (its column: varchar(255), tags varchar(128)). */
const COLUMN = 255;

function parseEvent(raw: unknown, index: number, receivedAt: number): RegistryEvent {
  if (typeof raw !== 'object' || raw === null) throw new BadRequest(`events[${index}] is not an object`);
  const e = raw as Record<string, unknown>;
  const target = obj(e.target);
  const request = obj(e.request);
  const actor = obj(e.actor);
  const source = obj(e.source);
  // Every stored field is checked against its column here, so one dialect cannot store what
  // the other refuses (SQLite ignores varchar lengths; PostgreSQL fails the whole envelope).
  const text = (value: unknown, field: string, max = COLUMN): string => {
    const t = str(value);
    if (t.length > max) throw new BadRequest(`events[${index}].${field} is longer than ${max} characters`);
    return t;
  };
  const id = text(e.id, 'id');
  const action = text(e.action, 'action', 100);
  const repository = str(target.repository);
  if (!id) throw new BadRequest(`events[${index}] has no id`);
  if (!action) throw new BadRequest(`events[${index}] has no action`);
  if (!repository) throw new BadRequest(`events[${index}] has no target.repository`);
  if (!isRepositoryName(repository) || repository.includes(':'))
    throw new BadRequest(`events[${index}].target.repository is not a repository name`);
  const tag = text(target.tag, 'target.tag', 128);
  const size =
    num(target.size, `events[${index}].target.size`) ?? num(target.length, `events[${index}].target.length`);
  return {
    id,
    time: parseTimestamp(str(e.timestamp)) ?? receivedAt,
    action,
    repository,
    tag: tag || undefined,
    digest: text(target.digest, 'target.digest') || undefined,
    mediaType: text(target.mediaType, 'target.mediaType') || undefined,
    size,
    fromRepository: text(target.fromRepository, 'target.fromRepository') || undefined,
    actor: text(actor.name, 'actor.name'),
    sourceAddress: stripPort(text(request.addr, 'request.addr')) || undefined,
    userAgent: text(request.useragent, 'request.useragent', 4096) || undefined,
    method: text(request.method, 'request.method', 16) || undefined,
    requestId: text(request.id, 'request.id') || undefined,
    references: Array.isArray(target.references)
      ? target.references.slice(0, 1000).map((r, j) => {
          const ref = obj(r);
          return {
            mediaType: text(ref.mediaType, `target.references[${j}].mediaType`) || undefined,
            digest: text(ref.digest, `target.references[${j}].digest`) || undefined,
            size: num(ref.size, `events[${index}].target.references[${j}].size`),
          } as {
            mediaType?: string;
            digest?: string;
            size?: number;
          };
        })
      : [],
    registryInstance: text(source.instanceID, 'source.instanceID') || undefined,
  };
}

/** Go's RFC 3339 with nanoseconds; JS Date wants at most milliseconds. */
export function parseTimestamp(text: string): number | undefined {
  if (!text) return undefined;
  const normalized = text.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `127.0.0.1:56290` → `127.0.0.1`, `[::1]:5000` → `::1`, `::1` stays. */
export function stripPort(addr: string): string {
  if (!addr) return '';
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(addr);
  if (bracket) return bracket[1]!;
  const colons = addr.split(':').length - 1;
  if (colons === 1) return addr.slice(0, addr.lastIndexOf(':'));
  return addr;
}

/** Manifests (Docker v2/list, OCI manifest/index, schema 1); not configs or layers. */
export function isManifestMediaType(mediaType: string | undefined): boolean {
  if (!mediaType) return false;
  return /manifest|image\.index|prettyjws/.test(mediaType);
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A size: ignored unless a number, then a whole number of bytes a bigint column holds. */
function num(value: unknown, field: string): number | undefined {
  if (typeof value !== 'number') return undefined;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new BadRequest(`${field} must be a whole number of bytes`);
  return value;
}
