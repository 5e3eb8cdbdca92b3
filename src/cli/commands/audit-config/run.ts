/** Implementation of `purser audit-config`. */
import { auditConfigs, type ConfigAudit } from '../../../vault/config-audit.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type Block, type CommandResult, table, text } from '../../output.ts';

export interface AuditConfigOptions extends GlobalOptions, JsonOption {}

export async function auditConfig(
  paths: readonly string[],
  _options: AuditConfigOptions,
): Promise<CommandResult<ConfigAudit>> {
  const audit = auditConfigs(paths);
  const read = audit.files.filter((f) => f.status === 'read').map((f) => f.file);
  const blocks: Block[] = [text(`files read: ${read.length === 0 ? '(none)' : read.join(', ')}`)];
  if (audit.plaintext.length > 0) {
    blocks.push(
      text('\nplaintext credentials:'),
      table(
        ['FILE', 'REGISTRY', 'USER', 'KIND'],
        audit.plaintext.map((p) => [p.file, p.key, p.user || '-', p.kind]),
      ),
    );
  } else {
    blocks.push(text('\nno plaintext credentials'));
  }
  if (audit.helpers.length > 0) {
    blocks.push(
      text('\ncredential helpers:'),
      table(
        ['FILE', 'REGISTRY', 'HELPER', 'INSTALLED'],
        audit.helpers.map((h) => [h.file, h.registry, h.helper, h.installed ? 'yes' : 'NO']),
      ),
    );
  }
  if (audit.problems.length > 0)
    blocks.push(text(['\nproblems:', ...audit.problems.map((p) => `  - ${p}`)].join('\n')));
  return {
    data: audit,
    blocks,
    ...(audit.plaintext.length > 0
      ? {
          exit: {
            code: 1,
            message: `${audit.plaintext.length} plaintext credential(s) found; move them into the vault with: purser migrate PATH`,
          },
        }
      : {}),
  };
}
