// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${account} and ${group} are literal policy syntax here
/**
 * Which repositories the access review asks the decision code about. The policy never
 * enumerates repositories; a decision depends only on a name's namespace (`users/<u>/`,
 * `groups/<g>/`, `apps/<a>/`, anything else), on the custom rules' repository patterns and on
 * robots' patterns. So one repository per *namespace clause* and one per *rule or robot
 * pattern* stands for all the others (its witness, glob-witness.ts):
 *
 *  - for every principal: the user's own namespace, its groups' and related apps' namespaces,
 *    a service's app, a robot's patterns, and each rule pattern with `${account}`/`${group}`
 *    put in for it;
 *  - shared by all: each rule pattern without placeholders, and one name under no special
 *    namespace (`x`).
 *
 * Asked with a scope pattern, every witness is also a name the pattern matches. A namespace
 * no clause and no pattern names (another user's home, a group one is not in) can only be
 * reached by a rule, and that rule's own witness covers it.
 */
import type { Principal } from '../domain/model.ts';
import type { AccessModel } from './access-model.ts';
import { globWitness, hasWildcard, prefixesCompatible } from './glob-witness.ts';
import { matchGlob } from './matchers.ts';
import { appsOfUser } from './review-principals.ts';
import type { CompiledRule } from './rule.ts';

/** A namespace or pattern and the repository that stands for it. */
export interface Candidate {
  /** How a review shows it: `users/alice/*`, `groups/dev/*`, a rule's or robot's pattern, `*`. */
  readonly label: string;
  readonly source: 'users' | 'groups' | 'apps' | 'robot' | 'rule' | 'other';
  /** The glob the label stands for. */
  readonly pattern: string;
  /** A namespace's bare name (`users/alice`), in the namespace too but not under the glob. */
  readonly bare?: string;
  /** For a rule pattern: the rules that have it. */
  readonly rules?: readonly CompiledRule[];
}

/** What stands for "any other repository". */
export const OTHER: Candidate = Object.freeze({ label: '*', source: 'other', pattern: '**' });

const usesPlaceholder = (pattern: string) => pattern.includes('${account}') || pattern.includes('${group}');

export class WitnessPlanner {
  readonly #memo = new Map<string, string | null>();
  readonly #shared: Candidate[];
  readonly #placeholderRules: CompiledRule[];
  /** The plain rule patterns, and for each the ones of earlier rules (with a memo key each). */
  readonly #rulePatterns: string[] = [];
  readonly #earlier = new Map<string, { patterns: string[]; key: string }>();

  /** `scope`: the glob every witness must also match (absent: any repository). */
  constructor(
    readonly model: AccessModel,
    readonly scope?: string,
  ) {
    this.#shared = [OTHER];
    this.#placeholderRules = [];
    const seen = new Set<string>(['**']);
    for (const rule of model.rules) {
      const pattern = rule.rule.repository;
      if (pattern === undefined) continue;
      if (usesPlaceholder(pattern)) this.#placeholderRules.push(rule);
      else if (seen.has(pattern)) {
        (this.#shared.find((c) => c.pattern === pattern)?.rules as CompiledRule[] | undefined)?.push(rule);
      } else {
        seen.add(pattern);
        // A pattern that cannot meet the scope's prefix has no witness: not a candidate.
        if (scope === undefined || prefixesCompatible(scope, pattern))
          this.#shared.push({ label: pattern, source: 'rule', pattern, rules: [rule] });
        this.#earlier.set(pattern, {
          patterns: [...this.#rulePatterns],
          key: `E${this.#rulePatterns.length}`,
        });
        this.#rulePatterns.push(pattern);
      }
    }
  }

  /**
   * The shortest repository matching `pattern` (and the scope) and none of `avoid`, memoized;
   * undefined: none.
   */
  witness(pattern: string, avoid: readonly string[] = [], avoidKey?: string): string | undefined {
    const key = avoid.length === 0 ? pattern : `${pattern}\u0000${avoidKey ?? avoid.join('\u0000')}`;
    let found = this.#memo.get(key);
    if (found === undefined) {
      found = this.#compute(pattern, avoid) ?? null;
      this.#memo.set(key, found);
    }
    return found ?? undefined;
  }

  #compute(pattern: string, avoid: readonly string[]): string | undefined {
    const scope = this.scope;
    const others = avoid.filter((a) => a !== pattern);
    if (scope === undefined) {
      if (!hasWildcard(pattern)) return others.some((a) => matchGlob(a, pattern)) ? undefined : pattern;
      return globWitness([pattern], others);
    }
    if (!prefixesCompatible(scope, pattern)) return undefined;
    return globWitness([scope, pattern], others);
  }

  /** Candidates every principal shares: `*` (other) and the rule patterns without placeholders. */
  shared(): readonly Candidate[] {
    return this.#shared;
  }

  /** The principal's own namespaces, its robot patterns and its placeholder rule patterns. */
  own(principal: Principal): Candidate[] {
    const model = this.model;
    const list: Candidate[] = [];
    const ns = (source: 'users' | 'groups' | 'apps', owner: string) =>
      list.push({
        label: `${source}/${owner}/*`,
        source,
        pattern: `${source}/${owner}/**`,
        bare: `${source}/${owner}`,
      });
    let account = '';
    let groupNames: string[] = [];
    switch (principal.kind) {
      case 'user': {
        const user = principal.user;
        account = user.name;
        groupNames = user.groups.map((id) => model.groupName(id));
        ns('users', user.name);
        for (const name of groupNames) ns('groups', name);
        for (const app of appsOfUser(model, user.groups)) ns('apps', app.name);
        break;
      }
      case 'service': {
        account = principal.service.name;
        const app =
          principal.service.appId === null ? undefined : model.apps.byId.get(principal.service.appId);
        if (app) ns('apps', app.name);
        break;
      }
      case 'robot':
        account = principal.robot.name;
        for (const pattern of principal.robot.repositories)
          list.push({ label: pattern, source: 'robot', pattern });
        break;
      case 'anonymous':
        return list;
    }
    for (const rule of this.#placeholderRules) {
      const template = rule.rule.repository!;
      const withAccount = template.split('${account}').join(account);
      const names = withAccount.includes('${group}') ? groupNames : [''];
      for (const group of names) {
        const pattern = withAccount.split('${group}').join(group);
        list.push({ label: pattern, source: 'rule', pattern, rules: [rule] });
      }
    }
    return list;
  }

  /**
   * Shared and own candidates, each label once, with the repositories standing for them:
   * `witness` is the one a review shows (a namespace or robot pattern outside every rule
   * pattern, a rule pattern outside the earlier rules' ones, when such a name exists), and
   * `witnesses` adds the shortest name of the pattern and one outside every other pattern, so
   * a rule that covers part of a namespace does not hide the rest of it.
   */
  candidates(principal: Principal, every = true): WitnessedCandidate[] {
    const result: WitnessedCandidate[] = [];
    const labels = new Set<string>();
    const all = [...this.own(principal), ...this.#shared];
    // Only own patterns that can meet the scope matter, and leaving the others out of the memo
    // key lets principals share the answers.
    const scope = this.scope;
    const own = all
      .filter((c) => c.source === 'rule' && !this.#earlier.has(c.pattern))
      .map((c) => c.pattern)
      .filter((p) => scope === undefined || prefixesCompatible(scope, p));
    const rulePatterns = [...this.#rulePatterns, ...own];
    const rulesKey = `S\u0000${own.join('\u0000')}`;
    for (const candidate of all) {
      if (labels.has(candidate.label)) continue;
      labels.add(candidate.label);
      const plain = this.witness(candidate.pattern);
      const bare = candidate.bare === undefined ? undefined : this.witness(candidate.bare);
      if (plain === undefined) {
        if (bare !== undefined) result.push({ candidate, witness: bare, witnesses: [bare] });
        continue;
      }
      const isRule = candidate.source === 'rule';
      // What a review shows of a rule pattern needs only the earlier rules; the rest is for who-can.
      const outside = isRule && !every ? undefined : this.witness(candidate.pattern, rulePatterns, rulesKey);
      const earlier = isRule ? this.#earlier.get(candidate.pattern) : undefined;
      const shown =
        (candidate.source === 'rule'
          ? earlier
            ? this.witness(candidate.pattern, earlier.patterns, earlier.key)
            : plain
          : outside) ?? plain;
      const witnesses = [
        ...new Set([shown, plain, ...[outside, bare].filter((w): w is string => w !== undefined)]),
      ];
      result.push({ candidate, witness: shown, witnesses });
    }
    return result;
  }
}

export interface WitnessedCandidate {
  readonly candidate: Candidate;
  /** The repository a review shows for the candidate. */
  readonly witness: string;
  /** Every repository asked about for it (`witness` first). */
  readonly witnesses: readonly string[];
}
