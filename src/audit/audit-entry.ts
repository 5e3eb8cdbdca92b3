/**
 * The authority's own audit trail (logins, tokens, changes, credential reads). Registry events
 * share the same log (audit-log.ts). Implementations must never store a secret.
 */
export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  /** e.g. `login`, `token.issue`, `user.create`, `user.update`, `credential.read`, `key.rotate`. */
  readonly action: string;
  /** Who did it: a principal name (`alice`, `ci+builder`, `node1.example.com`), `anonymous`, or `system`. */
  readonly actor: string;
  readonly actorKind: 'user' | 'service' | 'robot' | 'anonymous' | 'system';
  /** What it was done to: `user:bob`, `registry:registry.test`, `credential:default/quay.io`. */
  readonly target?: string;
  readonly outcome: AuditOutcome;
  /** Registry service (token audience) the entry concerns, when any. */
  readonly service?: string;
  readonly sourceAddress?: string;
  readonly userAgent?: string;
  /** Free-form JSON-able details (requested vs granted access, changed fields). Never secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Epoch ms; defaults to now. */
  readonly time?: number;
}

/**
 * What the store is handed: one entry, or `count` entries identical but for their time (repeated
 * token grants of one minute, compacted before they reach the store) from `time` to `lastTime`.
 */
export interface CountedEntry extends AuditEntry {
  readonly count?: number;
  readonly lastTime?: number;
}

export interface AuditSink {
  record(entry: AuditEntry): void | Promise<void>;
}

/** Drops entries; for commands that have nowhere to write them. */
export const NULL_AUDIT: AuditSink = { record: () => {} };
