/**
 * Which namespace a repository name falls in, by its first path component:
 * `users/<user id or name>/...`, `groups/<group id or name>/...`, `apps/<app id or name>/...`,
 * or `other` for everything else.
 *
 * `users/<x>` itself (two components) is in `<x>`'s namespace too, so no one outside the
 * namespace can claim the bare name. A name whose first component is a host (it contains
 * `.` or `:`, e.g. `registry.test/users/alice/web`) is just a name: its first component is not
 * `users`, `groups` or `apps`, so it is `other`.
 */

export type NamespaceKind = 'users' | 'groups' | 'apps' | 'other';

export interface Namespace {
  readonly kind: NamespaceKind;
  /** The `<x>` of `users/<x>/...` (an id or a name); empty for `other`. */
  readonly owner: string;
}

const OTHER: Namespace = Object.freeze({ kind: 'other', owner: '' });

export function repositoryNamespace(name: string): Namespace {
  const slash = name.indexOf('/');
  if (slash < 0) return OTHER;
  const first = name.slice(0, slash);
  if (first !== 'users' && first !== 'groups' && first !== 'apps') return OTHER;
  const next = name.indexOf('/', slash + 1);
  const owner = next < 0 ? name.slice(slash + 1) : name.slice(slash + 1, next);
  if (owner === '') return OTHER;
  return { kind: first, owner };
}
