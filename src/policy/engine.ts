/**
 * The policy engine: `allowedBits` (the hot path, no strings), `decide` (with one reason per
 * action) and `explain` (a structured trace for `purser explain`).
 *
 * Order of evaluation for one request:
 *  1. a disabled principal, or a robot at or after its expiry, gets nothing (the domain's one
 *     rule, `standingRefusal` in domain/standing.ts; epoch milliseconds like the model);
 *  2. `registry:catalog` is granted (`*`) to administrators and to users holding
 *     DockerRegistriesManager who are responsible for R; no other registry resource exists;
 *  3. administrators get pull, push and delete on every repository; rules are not consulted;
 *  4. custom rules, first match per action (see rule.ts);
 *  5. the seed model (seed-policy.ts) for the actions no rule decided, then the derived
 *     clauses: pull is allowed where push is, delete follows push (not for robots).
 */
import { type Action, intersectActions } from '../domain/access.ts';
import { type Principal, principalName } from '../domain/model.ts';
import { standingRefusal } from '../domain/standing.ts';
import type { AccessModel } from './access-model.ts';
import { catalogSeed } from './catalog-policy.ts';
import type {
  ActionVerdict,
  Decision,
  DecisionRequest,
  Explanation,
  RuleRef,
  RuleTrace,
  SeedClause,
} from './decision.ts';
import { type Namespace, repositoryNamespace } from './namespace.ts';
import { CATALOG, type CompiledRule, DELETE, PULL, PUSH, REPOSITORY_BITS, ruleLabel } from './rule.ts';
import { describeFailure, RuleContext, ruleFailure } from './rule-matcher.ts';
import {
  anonymousSeed,
  DELETE_FOLLOWS_PUSH,
  robotSeed,
  type SeedInput,
  type SeedNotes,
  serviceSeed,
  userSeed,
} from './seed-policy.ts';

const REPOSITORY_ACTION_LIST = ['pull', 'push', 'delete'] as const;
const BIT_OF = { pull: PULL, push: PUSH, delete: DELETE } as const;

/** Shared immutable allowed-action sets, one per bit combination. */
const MASK_SETS: readonly ReadonlySet<Action>[] = Array.from({ length: 8 }, (_, mask) =>
  Object.freeze(new Set(REPOSITORY_ACTION_LIST.filter((action) => mask & BIT_OF[action]))),
);
const CATALOG_SET: ReadonlySet<Action> = Object.freeze(new Set(['*']));

export function allowedSet(bits: number): ReadonlySet<Action> {
  return bits & CATALOG ? CATALOG_SET : MASK_SETS[bits & REPOSITORY_BITS]!;
}

interface Verdict {
  allowed: boolean;
  clause: SeedClause | 'rule';
  text: string;
  rule?: CompiledRule;
}

/** Collects the why; present only for decide/explain. */
interface Trace {
  verdicts: Map<Action, Verdict>;
  rules: RuleTrace[];
  rulesSkipped?: string;
  namespace?: Namespace;
}

/** The allowed actions as bits (PULL, PUSH, DELETE, CATALOG); the fast path, no strings. */
export function allowedBits(model: AccessModel, request: DecisionRequest): number {
  return evaluate(model, request, undefined);
}

function evaluate(model: AccessModel, request: DecisionRequest, trace: Trace | undefined): number {
  const { principal, resource } = request;
  const refusal = standingRefusal(principal, request.now ?? Date.now());
  if (refusal) {
    if (trace) {
      trace.rulesSkipped = refusal.text;
      for (const action of actionsOf(resource.type))
        trace.verdicts.set(action, { allowed: false, ...refusal });
    }
    return 0;
  }
  if (resource.type === 'registry') {
    if (!trace) return catalogSeed(model, principal, request.registry, resource.name);
    trace.rulesSkipped = 'custom rules apply to repositories only';
    return catalogSeed(model, principal, request.registry, resource.name, (note, allowed) => {
      trace.verdicts.set('*', { allowed, clause: note.clause, text: note.text });
    });
  }
  const isAdmin = principal.kind === 'user' && principal.user.admin;
  if (isAdmin) {
    if (trace) {
      trace.rulesSkipped = `${principal.user.name} is an administrator`;
      for (const action of REPOSITORY_ACTION_LIST) {
        trace.verdicts.set(action, {
          allowed: true,
          clause: 'admin',
          text: `${principal.user.name} is an administrator`,
        });
      }
    }
    return REPOSITORY_BITS;
  }
  const registry = model.registryView(request.registry);
  const namespace = repositoryNamespace(resource.name);
  if (trace) trace.namespace = namespace;
  // 4. custom rules
  let decided = 0;
  let ruleAllowed = 0;
  const deciders: (CompiledRule | undefined)[] | undefined = trace ? [] : undefined;
  if (model.rules.length > 0) {
    const ctx = new RuleContext(model, request);
    for (const rule of model.rules) {
      const bits = rule.actionBits & ~decided;
      if (bits === 0 && !trace) continue;
      const failure = ruleFailure(rule, ctx);
      if (failure === 0) {
        decided |= bits;
        if (rule.effect === 'allow') ruleAllowed |= bits;
        if (deciders)
          for (const action of REPOSITORY_ACTION_LIST)
            if (bits & BIT_OF[action]) deciders[BIT_OF[action]] = rule;
      }
      if (trace) {
        trace.rules.push({
          rule: ruleRef(rule),
          matched: failure === 0,
          ...(failure === 0 ? {} : { mismatch: describeFailure(failure, rule, ctx) }),
          decided: failure === 0 ? REPOSITORY_ACTION_LIST.filter((action) => bits & BIT_OF[action]) : [],
        });
      }
      if (decided === REPOSITORY_BITS && !trace) break;
    }
  }
  if (decided === REPOSITORY_BITS && !trace) return ruleAllowed;
  // 5. seed model
  const notes: SeedNotes | undefined = trace ? {} : undefined;
  const input: SeedInput = { model, registry, repository: resource.name, namespace };
  const seed = seedBits(input, principal, notes);
  const push = decided & PUSH ? ruleAllowed & PUSH : seed & PUSH;
  const pull = decided & PULL ? ruleAllowed & PULL : seed & PULL || (push ? PULL : 0);
  const follows = (seed & DELETE_FOLLOWS_PUSH) !== 0;
  const del = decided & DELETE ? ruleAllowed & DELETE : seed & DELETE || (follows && push ? DELETE : 0);
  if (trace && notes) {
    const v = trace.verdicts;
    const fromRule = (bit: number): Verdict | undefined => {
      const rule = deciders?.[bit];
      if (!rule) return undefined;
      return { allowed: rule.effect === 'allow', clause: 'rule', text: `${ruleLabel(rule)} matched`, rule };
    };
    const fromSeed = (note: SeedNotes['pull'], allowed: boolean): Verdict =>
      note
        ? { allowed, clause: note.clause, text: note.text }
        : { allowed, clause: 'unknown-action', text: 'no clause allows it' };
    const pushVerdict = fromRule(PUSH) ?? fromSeed(notes.push, push !== 0);
    const pushWhy = `push is ${pushVerdict.allowed ? 'allowed' : 'denied'} (${pushVerdict.text})`;
    v.set(
      'pull',
      fromRule(PULL) ??
        (seed & PULL || !push
          ? fromSeed(notes.pull, pull !== 0)
          : {
              allowed: true,
              clause: 'push-implies-pull',
              text: `whoever may push may also pull, and ${pushWhy}`,
            }),
    );
    v.set('push', pushVerdict);
    v.set(
      'delete',
      fromRule(DELETE) ??
        (seed & DELETE || !follows
          ? fromSeed(notes.delete, del !== 0)
          : {
              allowed: del !== 0,
              clause: 'delete-follows-push',
              text: `delete follows push, and ${pushWhy}`,
            }),
    );
  }
  return pull | push | del;
}

/** Decide one request, with one reason per action. */
export function decide(model: AccessModel, request: DecisionRequest): Decision {
  const trace: Trace = { verdicts: new Map(), rules: [] };
  const bits = evaluate(model, request, trace);
  const allowed = allowedSet(bits);
  const reasons: Record<Action, string> = {};
  for (const [action, verdict] of verdictsWithUnknown(trace, request)) {
    reasons[action] = `${action} ${verdict.allowed ? 'allowed' : 'denied'}: ${verdict.text}`;
  }
  return {
    allowed,
    granted: intersectActions(request.resource.actions, allowed),
    reasons: Object.freeze(reasons),
  };
}

/** Decide one request and say which rule or seed clause decided each action, and why. */
export function explain(model: AccessModel, request: DecisionRequest): Explanation {
  const trace: Trace = { verdicts: new Map(), rules: [] };
  const bits = evaluate(model, request, trace);
  const allowed = allowedSet(bits);
  const { principal, resource } = request;
  const actions: ActionVerdict[] = [];
  for (const [action, verdict] of verdictsWithUnknown(trace, request)) {
    actions.push({
      action,
      allowed: verdict.allowed,
      decidedBy: verdict.rule ? 'rule' : 'seed',
      clause: verdict.clause,
      ...(verdict.rule ? { rule: ruleRef(verdict.rule) } : {}),
      reason: `${action} ${verdict.allowed ? 'allowed' : 'denied'}: ${verdict.text}`,
    });
  }
  return {
    principal: { kind: principal.kind, name: principalName(principal) },
    registry: request.registry.service,
    resource: { type: resource.type, name: resource.name },
    ...(trace.namespace ? { namespace: trace.namespace } : {}),
    requested: [...resource.actions],
    allowed: [...allowed],
    granted: intersectActions(resource.actions, allowed),
    actions,
    rules: trace.rules,
    ...(trace.rulesSkipped === undefined ? {} : { rulesSkipped: trace.rulesSkipped }),
  };
}

function verdictsWithUnknown(trace: Trace, request: DecisionRequest): Map<Action, Verdict> {
  const all = new Map(trace.verdicts);
  for (const action of request.resource.actions) {
    if (action === '*' || all.has(action)) continue;
    const text =
      request.resource.type === 'registry'
        ? `registry:${request.resource.name} only knows the action *`
        : 'repositories only know pull, push and delete';
    all.set(action, { allowed: false, clause: 'unknown-action', text });
  }
  return all;
}

function seedBits(input: SeedInput, principal: Principal, notes: SeedNotes | undefined): number {
  switch (principal.kind) {
    case 'user':
      return userSeed(input, principal.user, notes);
    case 'service':
      return serviceSeed(input, principal.service, notes);
    case 'robot':
      return robotSeed(input, principal.robot, notes);
    case 'anonymous':
      return anonymousSeed(notes);
  }
}

function ruleRef(rule: CompiledRule): RuleRef {
  return {
    number: rule.number,
    effect: rule.effect,
    ...(rule.rule.id === undefined ? {} : { id: rule.rule.id }),
    ...(rule.rule.comment === undefined ? {} : { comment: rule.rule.comment }),
  };
}

function actionsOf(type: string): readonly Action[] {
  return type === 'registry' ? ['*'] : REPOSITORY_ACTION_LIST;
}
