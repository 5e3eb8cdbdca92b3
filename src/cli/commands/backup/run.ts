/** Implementation of `purser backup` and `purser restore`. */
import path from 'node:path';
import { backupDataDir, type DataBackupResult, restoreDataDir } from '../../../app/data-backup.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type Block, type CommandResult, note, text } from '../../output.ts';

export interface BackupOptions extends GlobalOptions, JsonOption {
  readonly out: string;
}

export type RestoreOptions = GlobalOptions & JsonOption;

export async function runBackup(options: BackupOptions): Promise<CommandResult> {
  const out = path.resolve(options.out);
  const result = await backupDataDir({ config: options.config, server: options.server, out });
  return rendered(result, `backed up ${result.dataDir} to ${out}`, { file: out });
}

export async function runRestore(file: string, options: RestoreOptions): Promise<CommandResult> {
  const result = await restoreDataDir({
    config: options.config,
    server: options.server,
    file: path.resolve(file),
  });
  return rendered(result, `restored ${path.resolve(file)} into ${result.dataDir}`, {
    file: path.resolve(file),
  });
}

function rendered(result: DataBackupResult, summary: string, extra: Record<string, string>): CommandResult {
  const { manifest } = result;
  const blocks: Block[] = [
    text(
      `${summary} (${manifest.dialect}; ${manifest.files.join(', ')}; schema ${manifest.migrations.at(-1) ?? '-'})`,
    ),
  ];
  if (manifest.master_key === 'environment')
    blocks.push(
      note(
        'purser: the master key comes from PURSER_MASTER_KEY and is not in the backup: keep it with the file',
      ),
    );
  if (result.advice) blocks.push(note(result.advice));
  return { data: { ...extra, dataDir: result.dataDir, manifest }, blocks };
}
