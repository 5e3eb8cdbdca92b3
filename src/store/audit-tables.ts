/**
 * The audit journal's marks: per journal segment (`<start>-<pid>.jsonl` under
 * `<data>/audit/journal/`), the highest sequence number whose entry is in `audit_log`.
 * Owned by the audit pipeline (src/audit).
 */
export interface AuditJournalMarksTable {
  journal: string;
  seq: number;
  updated_at: number;
}

export interface AuditTables {
  audit_journal_marks: AuditJournalMarksTable;
}
