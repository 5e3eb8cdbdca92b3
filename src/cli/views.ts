/**
 * The shapes the management API answers with, taken from the server's own views (type-only: the
 * CLI never loads the server for them), so a field renamed there is a type error here.
 */

import type { ModelView } from '../app/views.ts';
import type { AuditRecord } from '../audit/audit-log.ts';

export type { RegistryView, UserView } from '../app/views.ts';
export type GroupView = ReturnType<ModelView['group']>;
export type AppView = ReturnType<ModelView['app']>;
/** A service; `secret` only in the reply that generated it. */
export type ServiceView = ReturnType<ModelView['service']> & { secret?: string };
/** A robot; `secret` only in the reply that generated it. */
export type RobotView = ReturnType<ModelView['robot']> & { secret?: string };
export type AuditEntryView = AuditRecord;

/**
 * A signing key as `GET /api/v1/keys` lists it. The route builds it in a local function
 * (server/routes/api/keys.ts `keyView`), not in views.ts, so it is written out here.
 */
export interface KeyView {
  readonly kid: string;
  readonly state: string;
  readonly signing: boolean;
  readonly created: string;
  readonly notAfter: string;
}
