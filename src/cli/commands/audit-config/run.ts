/** Implementation of `purser audit-config`. */
import { auditConfigs } from '../../../vault/config-audit.ts';
import { ExitError, printJson, printTable } from '../../output.ts';

export async function auditConfig(paths: readonly string[], options: Record<string, unknown>): Promise<void> {
  const audit = auditConfigs(paths);
  if (options.output === 'json') {
    printJson(audit);
  } else {
    const read = audit.files.filter((f) => f.status === 'read').map((f) => f.file);
    process.stdout.write(`files read: ${read.length === 0 ? '(none)' : read.join(', ')}\n`);
    if (audit.plaintext.length > 0) {
      process.stdout.write('\nplaintext credentials:\n');
      printTable(
        ['FILE', 'REGISTRY', 'USER', 'KIND'],
        audit.plaintext.map((p) => [p.file, p.key, p.user || '-', p.kind]),
      );
    } else {
      process.stdout.write('\nno plaintext credentials\n');
    }
    if (audit.helpers.length > 0) {
      process.stdout.write('\ncredential helpers:\n');
      printTable(
        ['FILE', 'REGISTRY', 'HELPER', 'INSTALLED'],
        audit.helpers.map((h) => [h.file, h.registry, h.helper, h.installed ? 'yes' : 'NO']),
      );
    }
    if (audit.problems.length > 0) {
      process.stdout.write('\nproblems:\n');
      for (const p of audit.problems) process.stdout.write(`  - ${p}\n`);
    }
  }
  if (audit.plaintext.length > 0) {
    throw new ExitError(
      1,
      `${audit.plaintext.length} plaintext credential(s) found; move them into the vault with: purser migrate PATH`,
    );
  }
}
