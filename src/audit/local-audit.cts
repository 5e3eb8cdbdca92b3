/**
 * Audit sink for commands that run without the server (CLI local mode, the credential helper):
 * one JSON line per entry appended to `<data>/audit/vault.jsonl` (0600). Failing to write (a
 * read-only data directory) never blocks the command. CommonJS: the helper's `get` writes its
 * read here on every pull.
 */
import fs = require('node:fs');
import path = require('node:path');

import type { AuditEntry, AuditSink } from './audit-entry.ts';

export function localAuditFile(dataDir: string, name = 'vault.jsonl'): string {
  return path.join(dataDir, 'audit', name);
}

/** `name`: `vault.jsonl` (local commands and the credential helper). */
export function appendAuditLine(dataDir: string, entry: AuditEntry, name = 'vault.jsonl'): void {
  try {
    const file = localAuditFile(dataDir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.appendFileSync(file, `${JSON.stringify({ ...entry, time: entry.time ?? Date.now() })}\n`, {
      mode: 0o600,
    });
  } catch {
    // nowhere to write: reads still work
  }
}

export function localAuditSink(dataDir: string): AuditSink {
  return { record: (entry) => appendAuditLine(dataDir, entry) };
}
