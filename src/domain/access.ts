/**
 * The vocabulary of Docker token auth: Resource, Action, Access and the scope grammar
 * (distribution docs/spec/auth/scope.md).
 *
 *   scope         := resourcescope [ ' ' resourcescope ]*
 *   resourcescope := resourcetype ":" resourcename ":" action [ ',' action ]*
 *   resourcetype  := resourcetypevalue [ '(' resourcetypevalue ')' ]
 *
 * A resource name may carry a `host:port/` prefix, so a scope is split at its first and at
 * its last colon, never with a naive split. The resource class is deprecated and ignored.
 */
import { BadRequest } from './errors.ts';

export type ResourceType = 'repository' | 'registry';
export type Action = string;

export const REPOSITORY_ACTIONS = ['pull', 'push', 'delete'] as const;
export type RepositoryAction = (typeof REPOSITORY_ACTIONS)[number];

export interface Resource {
  readonly type: ResourceType;
  readonly name: string;
}

/** One requested or granted resource with its actions (the JWT `access` entry shape). */
export interface ResourceActions {
  readonly type: ResourceType;
  readonly name: string;
  readonly actions: readonly Action[];
}

const KNOWN_TYPES: ReadonlySet<string> = new Set<ResourceType>(['repository', 'registry']);
const TYPE_RE = /^([a-z0-9]+)(?:\(([a-z0-9]+)\))?$/;
const ACTION_RE = /^(?:\*|[a-z][a-z0-9_-]*)$/;
// distribution/reference: optional domain (with port), then path components.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const MAX_NAME = 255;

/**
 * The most resource scopes one token request may name (after merging duplicates): a pull or a
 * push with cross-repository mounts needs a handful; more is refused with BAD_REQUEST, so a
 * request cannot make a megabyte token and audit row.
 */
export const MAX_SCOPES_PER_REQUEST = 100;

export function isRepositoryName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME && NAME_RE.test(name);
}

const PATH_NAME_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
// distribution/reference: a tag is a word character, then up to 127 word characters, '.' or '-'.
const TAG_RE = /^[\w][\w.-]{0,127}$/;

/**
 * Throws BadRequest unless `name` is a repository name as a registry's own API carries it in a
 * path (distribution's grammar without a host prefix, at most 255 characters): what reaches a
 * registry, the index or a log is never a control character, a `%` or a megabyte.
 */
export function checkRepositoryName(name: string): void {
  if (name.length > 0 && name.length <= MAX_NAME && PATH_NAME_RE.test(name)) return;
  throw new BadRequest(
    `repository name ${JSON.stringify(truncate(name))} is not valid: use lowercase letters and digits in path components separated by '/', with '.', '_', '__' or '-' inside a component, at most ${MAX_NAME} characters`,
  );
}

/** Throws BadRequest unless `tag` follows distribution's tag grammar (at most 128 characters). */
export function checkTagName(tag: string): void {
  if (TAG_RE.test(tag)) return;
  throw new BadRequest(
    `tag ${JSON.stringify(truncate(tag))} is not valid: use 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
  );
}

/**
 * Parse one resource scope. Returns undefined for a well-formed scope of a resource type we
 * do not know (ignored, per spec); throws BadRequest for garbage.
 */
export function parseResourceScope(scope: string): ResourceActions | undefined {
  let parsed = parsedScopes.get(scope);
  if (parsed === undefined) {
    const fresh = parseUncached(scope);
    parsed = fresh ? Object.freeze({ ...fresh, actions: Object.freeze(fresh.actions) }) : null;
    if (parsedScopes.size >= PARSED_SCOPES_MAX) parsedScopes.clear();
    parsedScopes.set(scope, parsed);
  }
  return parsed ?? undefined;
}

/** Clients repeat the same few scopes on every token request: well-formed ones are remembered. */
const parsedScopes = new Map<string, ResourceActions | null>();
const PARSED_SCOPES_MAX = 4096;

function parseUncached(scope: string): ResourceActions | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) {
    throw new BadRequest(`invalid scope "${truncate(scope)}": expected type:name:actions`);
  }
  const typeMatch = TYPE_RE.exec(scope.slice(0, first));
  if (!typeMatch) throw new BadRequest(`invalid scope "${truncate(scope)}": bad resource type`);
  const type = typeMatch[1]!;
  const name = scope.slice(first + 1, last);
  const actionText = scope.slice(last + 1);
  const actions = actionText === '' ? [] : actionText.split(',');
  for (const action of actions) {
    if (!ACTION_RE.test(action))
      throw new BadRequest(`invalid scope "${truncate(scope)}": bad action "${truncate(action)}"`);
  }
  if (!KNOWN_TYPES.has(type)) return undefined;
  if (type === 'repository' && !isRepositoryName(name)) {
    throw new BadRequest(`invalid scope "${truncate(scope)}": bad repository name`);
  }
  if (type === 'registry' && !/^[a-z0-9]+$/.test(name)) {
    throw new BadRequest(`invalid scope "${truncate(scope)}": bad registry resource name`);
  }
  return { type: type as ResourceType, name, actions: unique(actions) };
}

/**
 * Parse every `scope` value a client sent (repeated parameters, each possibly holding several
 * space-separated scopes) and merge duplicates for the same resource, keeping first-seen order.
 */
export function parseScopes(values: readonly string[]): ResourceActions[] {
  const merged = new Map<string, { type: ResourceType; name: string; actions: Set<string> }>();
  for (const value of values) {
    for (const part of value.split(' ')) {
      if (part === '') continue;
      const parsed = parseResourceScope(part);
      if (!parsed) continue;
      const key = `${parsed.type}\u0000${parsed.name}`;
      let entry = merged.get(key);
      if (!entry) {
        if (merged.size === MAX_SCOPES_PER_REQUEST)
          throw new BadRequest(
            `a request may name at most ${MAX_SCOPES_PER_REQUEST} resources in its scopes`,
          );
        entry = { type: parsed.type, name: parsed.name, actions: new Set() };
        merged.set(key, entry);
      }
      for (const action of parsed.actions) entry.actions.add(action);
    }
  }
  return [...merged.values()].map((e) => ({ type: e.type, name: e.name, actions: [...e.actions] }));
}

export function formatScope(access: ResourceActions): string {
  return `${access.type}:${access.name}:${access.actions.join(',')}`;
}

export function formatScopes(accesses: readonly ResourceActions[]): string {
  return accesses.map(formatScope).join(' ');
}

/** Grant = intersect(requested, allowed); a requested `*` means every allowed action. */
export function intersectActions(requested: readonly Action[], allowed: ReadonlySet<Action>): Action[] {
  if (requested.includes('*')) {
    if (allowed.has('*')) return ['*'];
    return [...allowed];
  }
  return requested.filter((action) => allowed.has(action));
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
