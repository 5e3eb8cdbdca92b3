/**
 * Live progress of a long command on stderr (stdout stays the result): a cli-progress bar on a
 * terminal, otherwise a line per 10 % so logs stay short.
 */
import cliProgress from 'cli-progress';
import type { SyncProgress } from '../catalog/discovery.ts';

export interface ProgressReporter {
  update(progress: SyncProgress): void;
  stop(): void;
}

export function syncProgressReporter(service: string, enabled: boolean): ProgressReporter {
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
