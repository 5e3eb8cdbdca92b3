/**
 * The access review's matrix (principals × namespaces × actions, for `access report`) and the
 * difference between two models (`access diff`, `config check`): what each principal gains or
 * loses where. Both are built from what-can and from `allowedBits` on the same witnesses, so
 * they say what /token would decide, before and after.
 */
import type { Action } from '../domain/access.ts';
import type { Principal, PrincipalKind, Registry } from '../domain/model.ts';
import type { AccessModel } from './access-model.ts';
import type { DecisionRequest } from './decision.ts';
import { allowedBits, allowedSet } from './engine.ts';
import { repositoryNamespace } from './namespace.ts';
import { byKindThenName, reviewPrincipals } from './review-principals.ts';
import { type Candidate, WitnessPlanner } from './review-witnesses.ts';
import { ruleLabel } from './rule.ts';
import { namespacesOn } from './what-can.ts';
import type { ReviewOptions } from './who-can.ts';

export interface MatrixRow {
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly namespace: string;
  readonly actions: Action[];
  /** Per action, what grants it: `pull: registry-groups`, `push: rule #2 'ci' (allow)`. */
  readonly grantedBy: string[];
}

/** Every enabled principal's namespaces on one registry, sorted by kind, name, then as listed. */
export function accessMatrix(
  model: AccessModel,
  registry: Registry,
  options: ReviewOptions = {},
): MatrixRow[] {
  const now = options.now ?? Date.now();
  const planner = new WitnessPlanner(model);
  const rows: MatrixRow[] = [];
  const byNumber = new Map(model.rules.map((rule) => [rule.number, rule]));
  for (const { kind, name, principal } of [...reviewPrincipals(model, now)].sort(byKindThenName)) {
    for (const ns of namespacesOn(model, principal, registry, now, options.sourceAddress, planner)) {
      rows.push({
        kind,
        name,
        namespace: ns.namespace,
        actions: ns.actions,
        grantedBy: ns.grants.map((g) => {
          const rule = g.rule && byNumber.get(g.rule.number);
          return `${g.action}: ${rule ? ruleLabel(rule) : g.clause}`;
        }),
      });
    }
  }
  return rows;
}

export interface AccessChange {
  readonly registry: string;
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly namespace: string;
  readonly before: Action[];
  readonly after: Action[];
}

interface Side {
  readonly model: AccessModel;
  readonly planner: WitnessPlanner;
  readonly principals: Map<string, Principal>;
}

const CATALOG_LABEL = 'catalog';
const REPOSITORY_ACTIONS: readonly Action[] = ['pull', 'push', 'delete'];

/**
 * What changes from `before` to `after`, per registry (by service name), principal and
 * namespace, sorted by registry, kind, name, namespace. Nothing is applied.
 */
export function diffAccess(
  before: AccessModel,
  after: AccessModel,
  options: ReviewOptions = {},
): AccessChange[] {
  const now = options.now ?? Date.now();
  const side = (model: AccessModel): Side => ({
    model,
    planner: new WitnessPlanner(model),
    principals: new Map(reviewPrincipals(model, now).map((p) => [`${p.kind}\u0000${p.name}`, p.principal])),
  });
  const a = side(before);
  const b = side(after);
  const services = [...new Set([...before.registries(), ...after.registries()].map((r) => r.service))].sort();
  const keys = [...new Set([...a.principals.keys(), ...b.principals.keys()])];
  const changes: AccessChange[] = [];
  for (const service of services) {
    const ra = before.registryByService(service);
    const rb = after.registryByService(service);
    for (const key of keys) {
      const [kind, name] = key.split('\u0000') as [PrincipalKind, string];
      const pa = a.principals.get(key);
      const pb = b.principals.get(key);
      // The namespaces the report shows, on either side, each asked on the same repository
      // (the one the new model's report would show, else the old one's).
      const candidates = new Map<string, { candidate: Candidate; witness: string }>();
      for (const [p, s] of [
        [pb, b],
        [pa, a],
      ] as const) {
        if (!p) continue;
        for (const { candidate, witness } of s.planner.candidates(p, false))
          if (!candidates.has(candidate.label)) candidates.set(candidate.label, { candidate, witness });
      }
      const found = new Map<string, { before: Action[]; after: Action[] }>();
      for (const [label, { witness }] of candidates) {
        const resource = { type: 'repository' as const, name: witness, actions: REPOSITORY_ACTIONS };
        const x = actionsOf(a.model, pa, ra, resource, now, options.sourceAddress);
        const y = actionsOf(b.model, pb, rb, resource, now, options.sourceAddress);
        found.set(label, { before: x, after: y });
      }
      for (const [label, { before: x, after: y }] of found) {
        if (x.join() === y.join()) continue;
        const { candidate, witness } = candidates.get(label)!;
        if (candidate.source === 'rule' || candidate.source === 'robot') {
          // A pattern that changes exactly as its namespace does says nothing new.
          const home = found.get(namespaceLabel(witness));
          if (home && home.before.join() === x.join() && home.after.join() === y.join()) continue;
        }
        changes.push({ registry: service, kind, name, namespace: label, before: x, after: y });
      }
      const catalog = { type: 'registry' as const, name: 'catalog', actions: ['*'] };
      const x = actionsOf(a.model, pa, ra, catalog, now, options.sourceAddress);
      const y = actionsOf(b.model, pb, rb, catalog, now, options.sourceAddress);
      if (x.join() !== y.join())
        changes.push({ registry: service, kind, name, namespace: CATALOG_LABEL, before: x, after: y });
    }
  }
  return changes.sort(
    (p, q) =>
      (p.registry < q.registry ? -1 : p.registry > q.registry ? 1 : 0) ||
      byKindThenName(p, q) ||
      (p.namespace < q.namespace ? -1 : p.namespace > q.namespace ? 1 : 0),
  );
}

function actionsOf(
  model: AccessModel,
  principal: Principal | undefined,
  registry: Registry | undefined,
  resource: DecisionRequest['resource'],
  now: number,
  sourceAddress: string | undefined,
): Action[] {
  if (!principal || !registry) return [];
  const bits = allowedBits(model, {
    principal,
    registry,
    resource,
    now,
    ...(sourceAddress === undefined ? {} : { sourceAddress }),
  });
  return [...allowedSet(bits)];
}

/** The namespace label a repository falls in (`users/alice/*`, or `*` for any other). */
function namespaceLabel(repository: string): string {
  const ns = repositoryNamespace(repository);
  return ns.kind === 'other' ? '*' : `${ns.kind}/${ns.owner}/*`;
}
