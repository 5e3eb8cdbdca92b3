/** Implementations of `purser audit …` (through the management API). */
import fs from 'node:fs';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi, requestApi } from '../../api-client.ts';
import { printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;

const FILTERS: Record<string, string> = {
  principal: 'principal',
  kind: 'actor_kind',
  repository: 'repository',
  tag: 'tag',
  digest: 'digest',
  action: 'action',
  service: 'service',
  source: 'source',
  outcome: 'outcome',
};

/** `30m`, `24h`, `7d` ago → epoch ms; ISO and epoch ms pass through. */
export function timeOption(value: string, now = Date.now()): string {
  const match = /^(\d+)([smhd])$/.exec(value);
  if (!match) return value;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return String(now - Number(match[1]) * unit);
}

function query(options: Options, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [option, param] of Object.entries(FILTERS)) {
    const value = options[option];
    if (typeof value === 'string' && value !== '') params.set(param, value);
  }
  for (const key of ['since', 'until']) {
    const value = options[key];
    if (typeof value === 'string' && value !== '') params.set(key, timeOption(value));
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

interface Entry {
  time: string;
  action: string;
  actor: string;
  actor_kind: string;
  outcome: string;
  service: string | null;
  repository: string | null;
  tag: string | null;
  digest: string | null;
  target: string | null;
  source_address: string | null;
}

export async function list(options: Options): Promise<void> {
  const body = (await callApi(options, {
    method: 'GET',
    path: `/api/v1/audit${query(options, { page: String(options.page ?? 1), per_page: String(options.perPage ?? 50) })}`,
  })) as { total: number; page: number; per_page: number; entries: Entry[] };
  if (options.output === 'json') return printJson(body);
  printTable(
    ['TIME', 'ACTION', 'PRINCIPAL', 'KIND', 'OUTCOME', 'SERVICE', 'TARGET', 'ADDRESS'],
    body.entries.map((e) => [
      e.time.replace(/\.\d{3}Z$/, 'Z'),
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
  );
  const pages = Math.max(1, Math.ceil(body.total / body.per_page));
  process.stderr.write(`page ${body.page} of ${pages} (${body.total} entries)\n`);
}

export async function exportEntries(options: Options): Promise<void> {
  const format = String(options.format ?? 'csv');
  if (format !== 'csv' && format !== 'json') throw new BadRequest('--format must be csv or json');
  const response = await requestApi(options, {
    method: 'GET',
    path: `/api/v1/audit/export${query(options, { format })}`,
  });
  if (response.status >= 400) {
    const message =
      (response.body as { errors?: { message?: string }[] } | undefined)?.errors?.[0]?.message ??
      `the server answered ${response.status}`;
    throw new BadRequest(message);
  }
  if (typeof options.output === 'string') {
    fs.writeFileSync(options.output, response.text, { mode: 0o600 });
    process.stderr.write(`wrote ${options.output}\n`);
  } else {
    process.stdout.write(response.text);
  }
}

interface UsageBody {
  image: string;
  service: string | null;
  digests: string[];
  users: {
    principal: string;
    kind: string;
    pulls: number;
    first_pull: string;
    last_pull: string;
    addresses: string[];
  }[];
}

export async function usage(image: string, options: Options): Promise<void> {
  const params = new URLSearchParams({ image });
  if (typeof options.service === 'string') params.set('service', options.service);
  if (typeof options.since === 'string') params.set('since', timeOption(options.since));
  const body = (await callApi(options, {
    method: 'GET',
    path: `/api/v1/audit/usage?${params}`,
  })) as UsageBody;
  if (options.output === 'json') return printJson(body);
  if (body.users.length === 0) {
    process.stdout.write(
      `nobody pulled ${image}${body.digests.length > 0 ? ` (${body.digests.join(', ')})` : ''}\n`,
    );
    return;
  }
  printTable(
    ['PRINCIPAL', 'KIND', 'PULLS', 'FIRST', 'LAST', 'ADDRESSES'],
    body.users.map((u) => [
      u.principal,
      u.kind,
      String(u.pulls),
      u.first_pull.replace(/\.\d{3}Z$/, 'Z'),
      u.last_pull.replace(/\.\d{3}Z$/, 'Z'),
      u.addresses.join(',') || '-',
    ]),
  );
}
