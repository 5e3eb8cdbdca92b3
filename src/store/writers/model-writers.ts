/** One writer per aggregate of the access model, over one store. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { AppWriter } from './app-writer.ts';
import { GroupWriter } from './group-writer.ts';
import { RegistryWriter } from './registry-writer.ts';
import { RobotWriter } from './robot-writer.ts';
import { RuleWriter } from './rule-writer.ts';
import { ServiceWriter } from './service-writer.ts';
import { UserWriter } from './user-writer.ts';

export interface ModelWriters {
  readonly users: UserWriter;
  readonly groups: GroupWriter;
  readonly apps: AppWriter;
  readonly services: ServiceWriter;
  readonly robots: RobotWriter;
  readonly registries: RegistryWriter;
  readonly rules: RuleWriter;
}

export function modelWriters(db: Kysely<Database>): ModelWriters {
  return {
    users: new UserWriter(db),
    groups: new GroupWriter(db),
    apps: new AppWriter(db),
    services: new ServiceWriter(db),
    robots: new RobotWriter(db),
    registries: new RegistryWriter(db),
    rules: new RuleWriter(db),
  };
}
