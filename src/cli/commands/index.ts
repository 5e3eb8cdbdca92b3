/**
 * The command registry: one `register` per command group, in help order.
 * Add a group by importing its `register` here. Commands never import one another: a
 * subcommand kept in its own folder (registry trust, registry sync) is attached here.
 */
import type { Command } from 'commander';
import { register as access } from './access/index.ts';
import { register as app } from './app/index.ts';
import { register as audit } from './audit/index.ts';
import { register as auditConfig } from './audit-config/index.ts';
import { register as backup } from './backup/index.ts';
import { register as configCommand } from './config/index.ts';
import { register as explain } from './explain/index.ts';
import { register as exportCommand } from './export/index.ts';
import { register as gantry } from './gantry/index.ts';
import { register as group } from './group/index.ts';
import { register as identity } from './identity/index.ts';
import { register as keys } from './keys/index.ts';
import { register as login } from './login/index.ts';
import { register as migrate } from './migrate/index.ts';
import { register as mirror } from './mirror/index.ts';
import { register as ratelimit } from './ratelimit/index.ts';
import { register as refresh } from './refresh/index.ts';
import { register as registryGroup } from './registry/index.ts';
import { registerRegistryIntegration } from './registry-integration/index.ts';
import { register as resolve } from './resolve/index.ts';
import { register as robot } from './robot/index.ts';
import { register as rules } from './rules/index.ts';
import { register as serve } from './serve/index.ts';
import { register as service } from './service/index.ts';
import { register as tag } from './tag/index.ts';
import { registerTrust } from './trust/index.ts';
import { register as user } from './user/index.ts';
import { register as vault } from './vault/index.ts';

export type RegisterCommand = (program: Command) => void;

function registry(program: Command): void {
  const group = registryGroup(program);
  registerTrust(group);
  registerRegistryIntegration(group);
}

export const COMMAND_GROUPS: readonly RegisterCommand[] = [
  serve,
  user,
  group,
  app,
  service,
  robot,
  identity,
  registry,
  keys,
  rules,
  explain,
  access,
  configCommand,
  vault,
  exportCommand,
  auditConfig,
  migrate,
  login,
  resolve,
  gantry,
  ratelimit,
  mirror,
  refresh,
  audit,
  tag,
  backup,
];
