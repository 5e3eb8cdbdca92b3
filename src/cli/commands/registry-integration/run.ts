/** `purser registry sync SERVICE`: in-process on the data directory, or streamed from a server. */
import { type SyncProgress, type SyncReport, syncRegistry } from '../../../catalog/discovery.ts';
import { requireRegistry } from '../../../catalog/registry-lookup.ts';
import { Unavailable } from '../../../domain/errors.ts';
import { apiError, remoteAuthorization, serverOf } from '../../api-client.ts';
import { openLocalRuntime } from '../../local-runtime.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type CommandResult, exitStatus, text } from '../../output.ts';
import { syncProgressReporter } from '../../progress.ts';

export interface SyncOptions extends GlobalOptions, JsonOption {
  readonly deep?: boolean;
}

export async function sync(service: string, options: SyncOptions): Promise<CommandResult<SyncReport>> {
  const progress = syncProgressReporter(service, options.json !== true);
  let report: SyncReport;
  try {
    const server = serverOf(options);
    report = server
      ? await remoteSync(server, service, options, progress.update)
      : await localSync(service, options, progress.update);
  } finally {
    progress.stop();
  }
  const lines = [
    `${report.service}: ${report.repositories} repositories (${report.newRepositories} new, ${report.changedRepositories} changed, ` +
      `${report.emptied} now empty), ${report.tagsAdded} tags added, ${report.tagsRemoved} removed, in ${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  if (!report.catalogComplete)
    lines.push(
      'the catalog could not be read completely: repositories it did not list were left as they were',
    );
  if (report.failures > 0) {
    lines.push(`${report.failures} fetches failed (those repositories were left as they were):`);
    for (const error of report.errors.slice(0, 10)) lines.push(`  ${error}`);
  }
  return {
    data: report,
    blocks: [text(lines.join('\n'))],
    ...(report.failures > 0 ? { exit: { code: exitStatus('UNAVAILABLE') } } : {}),
  };
}

async function localSync(
  service: string,
  options: SyncOptions,
  onProgress: (p: SyncProgress) => void,
): Promise<SyncReport> {
  const { runtime } = await openLocalRuntime(options);
  try {
    const registry = await requireRegistry(runtime.db, service);
    return await syncRegistry(runtime.db, registry, runtime.catalog.tokens(service), {
      onProgress,
      deep: options.deep === true,
    });
  } finally {
    await runtime.close();
  }
}

async function remoteSync(
  server: string,
  service: string,
  options: SyncOptions,
  onProgress: (p: SyncProgress) => void,
): Promise<SyncReport> {
  const headers: Record<string, string> = { accept: 'application/x-ndjson' };
  const authorization = remoteAuthorization();
  if (authorization) headers.authorization = authorization;
  const path = `api/v1/registries/${encodeURIComponent(service)}/sync`;
  const query = `stream=ndjson${options.deep ? '&deep=true' : ''}`;
  const url = new URL(`${path}?${query}`, server.endsWith('/') ? server : `${server}/`);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers });
  } catch (error) {
    throw new Unavailable(`cannot reach ${server}: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    const body = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    throw apiError(
      options,
      { method: 'POST', path: `/${path}` },
      { status: response.status, body: parsed, text: body, headers: {} },
    );
  }
  const decoder = new TextDecoder();
  let buffer = '';
  let report: SyncReport | undefined;
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      if (line === '') continue;
      const message = JSON.parse(line) as { progress?: SyncProgress; report?: SyncReport; error?: string };
      if (message.progress) onProgress(message.progress);
      if (message.report) report = message.report;
      if (message.error) throw new Unavailable(`sync failed: ${message.error}`);
    }
  }
  if (!report) throw new Unavailable('the server ended the sync without a report');
  return report;
}
