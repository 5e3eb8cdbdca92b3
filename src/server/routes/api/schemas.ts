/**
 * Shared TypeBox pieces of the management API. `hint` is the message shown when a value does
 * not match (TypeBox's own messages quote regular expressions).
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { type EntityKind, NAME_RULES } from '../../../domain/entity-names.ts';

/** A name schema from the one entity name rule set (the all-digits refusal is the services'). */
function entityName(kind: EntityKind) {
  const rule = NAME_RULES[kind];
  return Type.String({ pattern: rule.pattern, hint: rule.hint, description: rule.description });
}

export const USER_NAME = entityName('user');
export const GROUP_NAME = entityName('group');
export const APP_NAME = entityName('app');
export const SERVICE_NAME = entityName('service');
export const ROBOT_NAME = entityName('robot');
export const REGISTRY_SERVICE = entityName('registry');
export const PASSWORD = Type.String({
  minLength: 8,
  maxLength: 1024,
  hint: 'passwords have 8 to 1024 characters',
});
export const SECRET = Type.String({
  minLength: 16,
  maxLength: 1024,
  hint: 'secrets have at least 16 characters (they are checked with a fast hash, so they must be random); omit it to get a generated one',
});
export const GROUP_LIST = Type.Array(GROUP_NAME, {
  maxItems: 1000,
  description: 'Group names; missing groups are created',
});
export const PRIVILEGE_LIST = Type.Array(Type.String({ minLength: 1 }), {
  maxItems: 3,
  description:
    'DockerRegistriesPuller, DockerRegistriesPusher, DockerRegistriesManager (or puller, pusher, manager)',
});
export const PERMISSION = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')], {
  hint: 'permission is read, write or admin',
});
export const EXPIRES = Type.String({
  minLength: 10,
  maxLength: 40,
  description: 'YYYY-MM-DD (end of that day, UTC) or an ISO date-time',
});

export const NameParams = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);
export const ServiceParams = Type.Object(
  { service: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);

export function strictObject<T extends Record<string, TSchema>>(properties: T, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
}
