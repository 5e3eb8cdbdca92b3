/** `purser registry sync SERVICE`: in-process on the data directory, or streamed from a server. */
import cliProgress from 'cli-progress';
import { selfTokens } from '../../../catalog/catalog-services.ts';
import { type SyncProgress, type SyncReport, syncRegistry } from '../../../catalog/discovery.ts';
import { requireRegistry } from '../../../catalog/registry-lookup.ts';
import { prepareDataDir, resolveDataLocation } from '../../../config/data-dir.ts';
import { loadConfigFile } from '../../../config/load.ts';
import { AuthorityError, Unavailable } from '../../../domain/errors.ts';
import { ExitError, printJson } from '../../output.ts';

type Options = Record<string, unknown>;

export async function sync(service: string, options: Options): Promise<void> {
  const progress = progressReporter(service, options.output !== 'json');
  let report: SyncReport;
  try {
    const server = (options.server as string | undefined) ?? process.env.PURSER_URL;
    report = server
      ? await remoteSync(server, service, options, progress.update)
      : await localSync(service, options, progress.update);
  } finally {
    progress.stop();
  }
  if (options.output === 'json') return printJson(report);
  process.stdout.write(
    `${report.service}: ${report.repositories} repositories (${report.newRepositories} new, ${report.changedRepositories} changed, ` +
      `${report.emptied} now empty), ${report.tagsAdded} tags added, ${report.tagsRemoved} removed, in ${(report.durationMs / 1000).toFixed(1)} s\n`,
  );
  if (!report.catalogComplete)
    process.stdout.write(
      'the catalog could not be read completely: repositories it did not list were left as they were\n',
    );
  if (report.failures > 0) {
    process.stdout.write(`${report.failures} fetches failed (those repositories were left as they were):\n`);
    for (const error of report.errors.slice(0, 10)) process.stdout.write(`  ${error}\n`);
    throw new ExitError(7);
  }
}

async function localSync(
  service: string,
  options: Options,
  onProgress: (p: SyncProgress) => void,
): Promise<SyncReport> {
  const location = resolveDataLocation({ config: options.config as string | undefined });
  const config = location.configFile ? loadConfigFile(location.configFile) : undefined;
  prepareDataDir(location);
  const { openRuntime } = await import('../../../server/runtime.ts');
  const runtime = await openRuntime({
    dataDir: location.dataDir,
    databaseUrl: location.databaseUrl,
    publicUrl: config?.publicUrl ?? 'http://127.0.0.1:5001',
    mode: config?.mode ?? 'private',
    issuer: config?.token.issuer ?? 'purser',
    lifetime: config?.token.lifetime ?? 300,
  });
  try {
    const registry = await requireRegistry(runtime.ctx.db, service);
    return await syncRegistry(runtime.ctx.db, registry, selfTokens(runtime.ctx, service), { onProgress });
  } finally {
    await runtime.close();
  }
}

async function remoteSync(
  server: string,
  service: string,
  _options: Options,
  onProgress: (p: SyncProgress) => void,
): Promise<SyncReport> {
  const headers: Record<string, string> = { accept: 'application/x-ndjson' };
  if (process.env.PURSER_TOKEN) headers.authorization = `Bearer ${process.env.PURSER_TOKEN}`;
  else if (process.env.PURSER_USERNAME) {
    headers.authorization = `Basic ${Buffer.from(`${process.env.PURSER_USERNAME}:${process.env.PURSER_PASSWORD ?? ''}`).toString('base64')}`;
  }
  const url = new URL(
    `api/v1/registries/${encodeURIComponent(service)}/sync?stream=ndjson`,
    server.endsWith('/') ? server : `${server}/`,
  );
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers });
  } catch (error) {
    throw new Unavailable(`cannot reach ${server}: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => undefined)) as
      | { errors?: { code?: string; message?: string }[] }
      | undefined;
    const first = body?.errors?.[0];
    throw new AuthorityError(
      response.status === 404
        ? 'NOT_FOUND'
        : response.status === 403
          ? 'DENIED'
          : response.status === 401
            ? 'UNAUTHORIZED'
            : 'UNAVAILABLE',
      first?.message ?? `the server answered ${response.status}`,
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

/** A cli-progress bar on a terminal; otherwise a line per 10 % (on stderr, so stdout stays clean). */
function progressReporter(
  service: string,
  enabled: boolean,
): { update: (p: SyncProgress) => void; stop: () => void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${service} {phase} [{bar}] {value}/{total}, {failures} failed`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        if (!started) {
          bar.start(Math.max(p.total, 1), p.done, { phase: p.phase, failures: p.failures });
          started = true;
        }
        bar.setTotal(Math.max(p.total, 1));
        bar.update(p.done, { phase: p.phase, failures: p.failures });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let lastDecile = -1;
  let lastPhase = '';
  let catalogSaid = false;
  return {
    update: (p) => {
      if (p.phase === 'catalog') {
        if (!catalogSaid) process.stderr.write(`${service}: reading the catalog\n`);
        catalogSaid = true;
        return;
      }
      if ((p.phase !== 'tags' && p.phase !== 'digests') || p.total === 0) return;
      const decile = Math.floor((p.done / p.total) * 10);
      if (decile === lastDecile && p.phase === lastPhase) return;
      lastDecile = decile;
      lastPhase = p.phase;
      const what = p.phase === 'tags' ? 'repositories' : 'tag digests';
      process.stderr.write(
        `${service}: ${p.done}/${p.total} ${what}${p.failures ? `, ${p.failures} failed` : ''}\n`,
      );
    },
    stop: () => {},
  };
}
