/**
 * The shapes the management API answers with, taken from the server's own views (type-only: the
 * CLI never loads the server for them), so a field renamed there is a type error here.
 */

import type { AuditService } from '../app/audit-service.ts';
import type { TagService } from '../app/tag-service.ts';
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

/** A signing key as `GET /api/v1/keys` lists it. */
export type { KeyView } from '../app/key-service.ts';
/** One page of `GET /api/v1/audit`. */
export type AuditPageView = Awaited<ReturnType<AuditService['query']>>;
/** `GET /api/v1/audit/usage`: who pulled an image. */
export type UsageView = Awaited<ReturnType<AuditService['usage']>>;
/** `GET /api/v1/registries/:service/tags/:repository`. */
export type TagListView = Awaited<ReturnType<TagService['list']>>;
