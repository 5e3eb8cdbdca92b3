/**
 * `purser refresh`: the `refresh:` targets of the configuration file, written from the local
 * vault by the RefreshScheduler (src/refresh/). Cloud kinds come through the vault's minted-token
 * cache, so each target is rewritten by its tokens' half-life.
 */

import { resolveDataLocation } from '../../../app/data-dir.ts';
import { type LocalVault, openLocalVault } from '../../../app/local-vault.ts';
import { loadConfigFile } from '../../../config/load.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { buildRefreshTarget, type RefreshTargetConfig } from '../../../refresh/refresh-config.ts';
import { type RefreshJob, type RefreshReport, RefreshScheduler } from '../../../refresh/refresh-scheduler.ts';
import { localActor } from '../../../vault/actor.ts';
import type { GlobalOptions } from '../../options.ts';
import { type CommandResult, table } from '../../output.ts';

export interface RefreshOptions extends GlobalOptions {
  readonly watch?: boolean;
  readonly once?: boolean;
  readonly json?: boolean;
}

export async function refresh(options: RefreshOptions): Promise<CommandResult> {
  if (options.watch === options.once)
    throw new BadRequest('give --watch (keep targets fresh) or --once (write them once, for cron)');
  const location = resolveDataLocation({ config: options.config });
  if (!location.configFile)
    throw new BadRequest(
      'purser refresh reads the refresh: section of purser.yaml: give --config FILE (or PURSER_CONFIG)',
    );
  const config = loadConfigFile(location.configFile);
  const section = config.declared.refresh;
  if (!section)
    throw new BadRequest(`${location.configFile} has no refresh: section (see purser refresh --help)`);
  const local = await openLocalVault({ config: location.configFile, server: options.server });
  const jobs = section.targets.map((target) => jobOf(local, target));
  const print = (report: RefreshReport) =>
    process.stdout.write(`${options.json ? JSON.stringify(report) : describe(report)}\n`);
  const scheduler = new RefreshScheduler(jobs, {
    staticIntervalSeconds: section.interval ?? 3600,
    ...(options.watch ? { onReport: print } : {}),
  });
  if (options.once) {
    try {
      const reports = await scheduler.runOnce();
      const bad = reports.filter((r) => r.outcome !== 'written');
      return {
        data: reports,
        blocks: [
          table(
            ['TARGET', 'OUTCOME', 'DETAIL'],
            reports.map((r) => [r.target, r.outcome, r.message]),
          ),
        ],
        ...(bad.length > 0
          ? { exit: { code: 1, message: `${bad.length} of ${reports.length} targets were not written` } }
          : {}),
      };
    } finally {
      await local.close();
    }
  }
  scheduler.start();
  // The scheduler's timers are unref'd (they never keep a CLI alive); watch mode runs until a signal.
  const alive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(alive);
  scheduler.stop();
  await local.close();
  return { blocks: [] };
}

function jobOf(local: LocalVault, config: RefreshTargetConfig): RefreshJob {
  const target = buildRefreshTarget(config);
  const environment = config.environment ?? 'default';
  const actor = localActor('refresh');
  return {
    target,
    async resolve() {
      const revealed = await local.vault.revealForExport(environment, config.registries, actor, 'refresh');
      return revealed.map((credential) => ({
        credential,
        ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt / 1000 } : {}),
        ...(credential.refreshAt !== undefined ? { refreshAt: credential.refreshAt / 1000 } : {}),
      }));
    },
  };
}

/** One line per report: when, which target, what happened, and when it is due again. */
function describe(report: RefreshReport): string {
  const at = new Date(report.at * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const next =
    report.nextAt !== undefined
      ? ` (next ${new Date(report.nextAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')})`
      : '';
  return `${at} ${report.target}: ${report.outcome}: ${report.message}${next}`;
}
