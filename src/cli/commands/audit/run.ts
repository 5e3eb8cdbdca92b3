/** Implementations of `purser audit …` (through the management API). */
import fs from 'node:fs';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi, callApiText } from '../../api-client.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type CommandResult, note, table, text } from '../../output.ts';
import type { AuditPageView, UsageView } from '../../views.ts';

export interface FilterOptions extends GlobalOptions {
  readonly principal?: string;
  readonly kind?: string;
  readonly repository?: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly action?: string;
  readonly service?: string;
  readonly source?: string;
  readonly outcome?: string;
  readonly since?: string;
  readonly until?: string;
}

export interface ListOptions extends FilterOptions, JsonOption {
  readonly page: string;
  readonly perPage: string;
}

export interface ExportOptions extends FilterOptions {
  readonly format: string;
  /** The file to write (this command's --output is a path, not a format). */
  readonly output?: string;
}

export interface UsageOptions extends GlobalOptions, JsonOption {
  readonly service?: string;
  readonly since?: string;
}

/** Filter flag → query parameter. */
const FILTERS = {
  principal: 'principal',
  kind: 'actor_kind',
  repository: 'repository',
  tag: 'tag',
  digest: 'digest',
  action: 'action',
  service: 'service',
  source: 'source',
  outcome: 'outcome',
} as const satisfies Partial<Record<keyof FilterOptions, string>>;

/** `30m`, `24h`, `7d` ago → epoch ms; ISO and epoch ms pass through. */
export function timeOption(value: string, now = Date.now()): string {
  const match = /^(\d+)([smhd])$/.exec(value);
  if (!match) return value;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return String(now - Number(match[1]) * unit);
}

function filterQuery(options: FilterOptions): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [option, param] of Object.entries(FILTERS) as [keyof typeof FILTERS, string][]) {
    const value = options[option];
    if (value) query[param] = value;
  }
  if (options.since) query.since = timeOption(options.since);
  if (options.until) query.until = timeOption(options.until);
  return query;
}

const stamp = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

export async function list(options: ListOptions): Promise<CommandResult<AuditPageView>> {
  const body = await callApi<AuditPageView>(options, {
    method: 'GET',
    path: '/api/v1/audit',
    query: { ...filterQuery(options), page: options.page, per_page: options.perPage },
  });
  const pages = Math.max(1, Math.ceil(body.total / body.per_page));
  return {
    data: body,
    blocks: [
      table(
        // A compact row (repeated token grants of one minute): COUNT grants from TIME to LAST.
        ['TIME', 'LAST', 'COUNT', 'ACTION', 'PRINCIPAL', 'KIND', 'OUTCOME', 'SERVICE', 'TARGET', 'ADDRESS'],
        body.entries.map((e) => [
          stamp(e.time),
          e.last_time ? stamp(e.last_time) : '-',
          String(e.count ?? 1),
          e.action,
          e.actor,
          e.actor_kind,
          e.outcome,
          e.service ?? '-',
          e.repository
            ? `${e.repository}${e.tag ? `:${e.tag}` : ''}${e.digest ? `@${e.digest.slice(0, 19)}` : ''}`
            : (e.target ?? '-'),
          e.source_address ?? '-',
        ]),
      ),
      note(`page ${body.page} of ${pages} (${body.total} rows)`),
    ],
  };
}

export async function exportEntries(options: ExportOptions): Promise<CommandResult> {
  const format = options.format;
  if (format !== 'csv' && format !== 'json') throw new BadRequest('--format must be csv or json');
  const exported = await callApiText(options, {
    method: 'GET',
    path: '/api/v1/audit/export',
    query: { ...filterQuery(options), format },
  });
  if (options.output === undefined) return { blocks: [{ kind: 'bytes', bytes: Buffer.from(exported) }] };
  fs.writeFileSync(options.output, exported, { mode: 0o600 });
  return { blocks: [note(`wrote ${options.output}`)] };
}

export async function usage(image: string, options: UsageOptions): Promise<CommandResult<UsageView>> {
  const body = await callApi<UsageView>(options, {
    method: 'GET',
    path: '/api/v1/audit/usage',
    query: {
      image,
      service: options.service,
      since: options.since === undefined ? undefined : timeOption(options.since),
    },
  });
  if (body.users.length === 0) {
    return {
      data: body,
      blocks: [
        text(`nobody pulled ${image}${body.digests.length > 0 ? ` (${body.digests.join(', ')})` : ''}`),
      ],
    };
  }
  return {
    data: body,
    blocks: [
      table(
        ['PRINCIPAL', 'KIND', 'PULLS', 'FIRST', 'LAST', 'ADDRESSES'],
        body.users.map((u) => [
          u.principal,
          u.kind,
          String(u.pulls),
          stamp(u.first_pull),
          stamp(u.last_pull),
          u.addresses.join(',') || '-',
        ]),
      ),
    ],
  };
}

export interface PruneCommandOptions extends GlobalOptions, JsonOption {
  readonly retentionDays?: string;
  readonly maxRows?: string;
}

/**
 * `purser audit prune`: on the data directory (embedded mode), with `audit:` from the
 * configuration unless overridden; progress on stderr, the summary on stdout.
 */
export async function prune(options: PruneCommandOptions): Promise<CommandResult> {
  const { openLocalRuntime } = await import('../../local-runtime.ts');
  const { LOCAL_ADMINISTRATOR } = await import('../../../app/caller.ts');
  const retentionDays = positive(options.retentionDays, '--retention-days');
  const maxRows = positive(options.maxRows, '--max-rows');
  const { runtime, config } = await openLocalRuntime(options);
  try {
    const retention = {
      retentionDays: retentionDays ?? config.audit.retentionDays,
      maxRows: maxRows ?? config.audit.maxRows,
    };
    let last = '';
    const summary = await runtime.services.audit.prune({ principal: LOCAL_ADMINISTRATOR }, retention, {
      onProgress: (phase, done) => {
        const line = `purser: audit prune: ${phase}: ${done} rows`;
        if (options.json !== true && line !== last) process.stderr.write(`${line}\n`);
        last = line;
      },
    });
    return {
      data: { ...summary, retention_days: retention.retentionDays, max_rows: retention.maxRows },
      blocks: [
        text(
          `compacted ${summary.compacted} repeated token grant row(s), deleted ${summary.expired} older than ` +
            `${retention.retentionDays} days and ${summary.trimmed} beyond ${retention.maxRows} rows; ` +
            `${summary.remaining} row(s) remain`,
        ),
      ],
    };
  } finally {
    await runtime.close();
  }
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(value))
    throw new BadRequest(`${flag}: expected a positive whole number, got "${value}"`);
  return Number(value);
}
