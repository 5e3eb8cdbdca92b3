/** Writes the ordered custom rules: one transaction replaces them all (see model-change.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { changeModel } from './model-change.ts';

export class RuleWriter {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores `rules` in order, as given (the caller validated them). */
  replace(rules: readonly unknown[]): Promise<void> {
    return changeModel(this.db, async (trx) => {
      await trx.deleteFrom('policy_rules').execute();
      if (rules.length === 0) return;
      const now = Date.now();
      await trx
        .insertInto('policy_rules')
        .values(rules.map((rule, position) => ({ position, body: JSON.stringify(rule), created_at: now })))
        .execute();
    });
  }
}
