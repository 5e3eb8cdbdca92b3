/**
 * The scope an access review asks about: a token scope whose repository name may hold glob
 * wildcards, `repository:apps/shop/*:push` = "push to some repository under apps/shop/".
 *
 * The name is a glob in the syntax of rules (matchers.ts), with one convenience: a final `/*`
 * reaches every depth below the prefix (`apps/shop/*` = `apps/shop/**`), since "under this
 * prefix" is what the question means. Without a wildcard the scope is an ordinary token scope.
 */
import { type Action, isRepositoryName, parseResourceScope, REPOSITORY_ACTIONS } from '../domain/access.ts';
import { BadRequest } from '../domain/errors.ts';
import { globProblems } from './matchers.ts';

export interface ScopePattern {
  readonly type: 'repository' | 'registry';
  /** As written (`apps/shop/*`). */
  readonly name: string;
  /** The glob the review matches (`apps/shop/**`); equal to name without a wildcard. */
  readonly pattern: string;
  readonly wildcard: boolean;
  /** Requested actions; `*` = every action. */
  readonly actions: readonly Action[];
}

const ACTION_ORDER: readonly Action[] = [...REPOSITORY_ACTIONS, '*'];

/** Actions in the order pull, push, delete, `*` (then any other, alphabetically). */
export function sortActions(actions: Iterable<Action>): Action[] {
  const rank = (a: Action) => {
    const i = ACTION_ORDER.indexOf(a);
    return i < 0 ? ACTION_ORDER.length : i;
  };
  return [...new Set(actions)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Parses `type:name:actions`; throws BadRequest naming what is wrong. */
export function parseScopePattern(scope: string): ScopePattern {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first)
    throw new BadRequest(
      `invalid scope "${scope}": expected type:name:actions, e.g. repository:apps/shop/*:push`,
    );
  const name = scope.slice(first + 1, last);
  const wildcard = /[*?]/.test(name);
  if (!wildcard) {
    const parsed = parseResourceScope(scope);
    if (!parsed)
      throw new BadRequest(`invalid scope "${scope}": the resource type must be repository or registry`);
    if (parsed.actions.length === 0) throw new BadRequest(`invalid scope "${scope}": no action given`);
    return { type: parsed.type, name, pattern: name, wildcard, actions: sortActions(parsed.actions) };
  }
  const type = scope.slice(0, first);
  if (type !== 'repository')
    throw new BadRequest(`invalid scope "${scope}": wildcards are for repository names only`);
  // Validate the actions with the token grammar, on a stand-in name.
  const actions = parseResourceScope(`repository:x:${scope.slice(last + 1)}`)?.actions ?? [];
  if (actions.length === 0) throw new BadRequest(`invalid scope "${scope}": no action given`);
  const pattern = name.endsWith('/*') ? `${name}*` : name;
  const problems = globProblems(pattern);
  if (problems.length > 0)
    throw new BadRequest(`invalid scope "${scope}": the repository pattern ${problems[0]}`);
  const sample = name.replace(/\*+|\?/g, 'x');
  if (!isRepositoryName(sample))
    throw new BadRequest(`invalid scope "${scope}": bad repository name pattern`);
  return { type: 'repository', name, pattern, wildcard, actions: sortActions(actions) };
}
