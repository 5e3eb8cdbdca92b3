/**
 * Shared TypeBox pieces of the management API. `hint` is the message shown when a value does
 * not match (TypeBox's own messages quote regular expressions).
 */
import { type TSchema, Type } from '@sinclair/typebox';

export const PERSON_NAME = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,254}$',
  hint: "use 1 to 255 letters, digits, '.', '_', '@' and '-', starting with a letter or digit",
  description: 'User, group or app name (not all digits)',
});
export const GROUP_NAME = PERSON_NAME;
export const SERVICE_NAME = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}$',
  hint: "use 1 to 255 letters, digits, '.', '_', ':', '@' and '-' (a host name, for example)",
  description: 'Service account name, usually the host name of the machine',
});
export const ROBOT_NAME = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,126}\\+[A-Za-z0-9][A-Za-z0-9._-]{0,126}$',
  hint: 'robot names have the form owner+name (for example ci+builder)',
  description: 'Robot name, owner+name',
});
export const REGISTRY_SERVICE = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$',
  hint: "the registry's REGISTRY_AUTH_TOKEN_SERVICE: letters, digits, '.', '_', ':' and '-'",
  description: "The registry's token service name (the token audience)",
});
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
