/**
 * From a source's group names to Purser group names and privileges, through the `groups` and
 * `privileges` mappings of a source entry. Pure: the only input is the mapping and the names.
 *
 * A directory group that no mapping lists gives nothing, so a new group in the directory never
 * grants anything by itself. The result is ordered by the mapping as written (the first Purser
 * group is the user's primary group) and has no duplicates.
 */
import { PRIVILEGE_ALIASES, PRIVILEGES, type Privilege } from '../domain/model.ts';

export interface WrittenGroupMapping {
  /** Source group → Purser group (or groups). */
  readonly groups?: Readonly<Record<string, string | readonly string[]>>;
  /** Source group → privileges (names or the aliases puller, pusher, manager). */
  readonly privileges?: Readonly<Record<string, readonly string[]>>;
}

export interface GroupMapping {
  readonly ignoreCase: boolean;
  /** In the order written; keys normalized (lower-cased when ignoreCase). */
  readonly groups: ReadonlyArray<readonly [string, readonly string[]]>;
  readonly privileges: ReadonlyArray<readonly [string, readonly Privilege[]]>;
}

export interface MappedAccess {
  readonly groups: readonly string[];
  readonly privileges: readonly Privilege[];
}

export interface CompileOptions {
  /** Directory group names compare case-insensitively (LDAP `cn`); claim values do not. */
  readonly ignoreCase: boolean;
  /** Prefix for problem paths, e.g. `identity.sources[0]`. */
  readonly at?: string;
}

export function compileGroupMapping(
  written: WrittenGroupMapping,
  options: CompileOptions,
): { mapping: GroupMapping; problems: string[] } {
  const problems: string[] = [];
  const at = options.at ? `${options.at}.` : '';
  const key = (name: string) => (options.ignoreCase ? name.toLowerCase() : name);
  const groups: Array<readonly [string, readonly string[]]> = [];
  for (const [sourceGroup, target] of Object.entries(written.groups ?? {})) {
    const names = typeof target === 'string' ? [target] : [...target];
    names.forEach((name, i) => {
      if (name.trim() === '' || /^[0-9]+$/.test(name)) {
        const where = typeof target === 'string' ? '' : `[${i}]`;
        problems.push(`${at}groups.${sourceGroup}${where}: a Purser group name, not empty or all digits`);
      }
    });
    groups.push([key(sourceGroup), names]);
  }
  const privileges: Array<readonly [string, readonly Privilege[]]> = [];
  for (const [sourceGroup, list] of Object.entries(written.privileges ?? {})) {
    const resolved: Privilege[] = [];
    list.forEach((name, i) => {
      const privilege = normalizePrivilege(name);
      if (privilege) resolved.push(privilege);
      else
        problems.push(
          `${at}privileges.${sourceGroup}[${i}]: unknown privilege "${name}" (use ${PRIVILEGES.join(', ')})`,
        );
    });
    privileges.push([key(sourceGroup), resolved]);
  }
  return { mapping: Object.freeze({ ignoreCase: options.ignoreCase, groups, privileges }), problems };
}

export function mapGroups(sourceGroups: readonly string[], mapping: GroupMapping): MappedAccess {
  const held = new Set(sourceGroups.map((g) => (mapping.ignoreCase ? g.toLowerCase() : g)));
  const groups = new Set<string>();
  for (const [sourceGroup, names] of mapping.groups) {
    if (held.has(sourceGroup)) for (const name of names) groups.add(name);
  }
  const privileges = new Set<Privilege>();
  for (const [sourceGroup, list] of mapping.privileges) {
    if (held.has(sourceGroup)) for (const privilege of list) privileges.add(privilege);
  }
  return Object.freeze({
    groups: Object.freeze([...groups]),
    // In the model's order, whatever order the mapping lists them in.
    privileges: Object.freeze(PRIVILEGES.filter((p) => privileges.has(p))),
  });
}

/** Every Purser group a mapping can give, so the caller can check at start that each exists. */
export function mappedPurserGroups(mapping: GroupMapping): string[] {
  return [...new Set(mapping.groups.flatMap(([, names]) => names))];
}

function normalizePrivilege(name: string): Privilege | undefined {
  if ((PRIVILEGES as readonly string[]).includes(name)) return name as Privilege;
  const alias = name.toLowerCase();
  return Object.hasOwn(PRIVILEGE_ALIASES, alias) ? PRIVILEGE_ALIASES[alias] : undefined;
}
