/** `purser identity …` implementations: each is one call to the management API. */
import { callApi } from '../../api-client.ts';
import type { GlobalOptions } from '../../options.ts';
import { type CommandResult, note, table } from '../../output.ts';

export interface SourceOptions extends GlobalOptions {
  readonly source?: string;
}

interface SourceView {
  name: string;
  kind: string;
  up: boolean;
  reason: string;
  users: number;
}

interface CheckView {
  name: string;
  kind: string;
  ok: boolean;
  detail: string;
  latencyMs: number;
}

interface SyncReport {
  source: string;
  updated: string[];
  unchanged: string[];
  disabled: string[];
  revoked: string[];
  skipped: { name: string; reason: string }[];
  note?: string;
}

/** Exit status of UNAVAILABLE (docs/errors.md): a source did not answer. */
const UNAVAILABLE_EXIT = 7;

export async function list(options: GlobalOptions): Promise<CommandResult<SourceView[]>> {
  const { sources } = await callApi<{ sources: SourceView[] }>(options, {
    method: 'GET',
    path: '/api/v1/identity/sources',
  });
  if (sources.length === 0)
    return {
      data: sources,
      blocks: [note('no identity sources are configured (identity.sources in purser.yaml)')],
    };
  return {
    data: sources,
    blocks: [
      table(
        ['NAME', 'KIND', 'STATE', 'USERS'],
        sources.map((s) => [s.name, s.kind, s.up ? 'up' : `down: ${s.reason}`, String(s.users)]),
      ),
    ],
  };
}

export async function check(options: SourceOptions): Promise<CommandResult<CheckView[]>> {
  const { checks } = await callApi<{ checks: CheckView[] }>(options, {
    method: 'POST',
    path: '/api/v1/identity/check',
    body: options.source === undefined ? {} : { source: options.source },
  });
  const down = checks.filter((c) => !c.ok).map((c) => c.name);
  return {
    data: checks,
    blocks: [
      table(
        ['NAME', 'KIND', 'HEALTH', 'MS', 'DETAIL'],
        checks.map((c) => [c.name, c.kind, c.ok ? 'ok' : 'DOWN', String(c.latencyMs), c.detail]),
      ),
    ],
    ...(down.length > 0
      ? { exit: { code: UNAVAILABLE_EXIT, message: `identity source ${down.join(', ')} did not answer` } }
      : {}),
  };
}

export async function sync(options: SourceOptions): Promise<CommandResult<SyncReport[]>> {
  const { reports } = await callApi<{ reports: SyncReport[] }>(options, {
    method: 'POST',
    path: '/api/v1/identity/sync',
    body: options.source === undefined ? {} : { source: options.source },
  });
  const rows = reports.flatMap((r) => [
    ...r.updated.map((name) => [r.source, name, 'updated']),
    ...r.disabled.map((name) => [r.source, name, 'disabled (no longer in the source)']),
    ...r.revoked.map((name) => [
      r.source,
      name,
      'CLI secret revoked (no mapped group, or refused by the provider)',
    ]),
    ...r.skipped.map((s) => [r.source, s.name, `skipped: ${s.reason}`]),
  ]);
  const unchanged = reports.reduce((n, r) => n + r.unchanged.length, 0);
  return {
    data: reports,
    blocks: [
      ...(rows.length > 0 ? [table(['SOURCE', 'USER', 'RESULT'], rows)] : []),
      ...reports.flatMap((r) => (r.note ? [note(r.note)] : [])),
      note(`${rows.length} changed or skipped, ${unchanged} unchanged`),
    ],
  };
}
