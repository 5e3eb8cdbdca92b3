/**
 * The ordered custom allow/deny rules evaluated before the seed access model (administrators
 * only; see src/policy/rule.ts for the precedence). Nothing changes unless every rule is valid.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import { BadRequest } from '../domain/errors.ts';
import { validateRules } from '../policy/index.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { RuleWriter } from '../store/writers/rule-writer.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';

export interface RuleServiceDeps {
  readonly authority: Authority;
  readonly writer: RuleWriter;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
}

export class RuleService {
  constructor(private readonly deps: RuleServiceDeps) {}

  async list(caller: Caller): Promise<readonly unknown[]> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    return this.deps.authority.snapshot.rules;
  }

  /** Every problem is reported as `rules[i].field: message`. */
  async replace(caller: Caller, rules: readonly unknown[]): Promise<readonly unknown[]> {
    requireAdmin(caller);
    const problems = validateRules(rules);
    if (problems.length > 0) throw new BadRequest(`invalid rules: ${problems.join('; ')}`);
    await this.deps.writer.replace(rules);
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'rules.replace',
      target: 'rules',
      details: { count: rules.length },
    });
    return this.deps.authority.snapshot.rules;
  }

  /** The rules the configuration file declares, validated at load (not audited). */
  declare(rules: readonly unknown[]): Promise<void> {
    return this.deps.writer.replace(rules);
  }
}
