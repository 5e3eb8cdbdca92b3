/**
 * The routes services and robots share: regenerate the secret (returned once) and delete.
 * Both are machine identities with a generated secret stored as a salted hash. A robot's new
 * secret can come with the same ready-made configurations as at its creation (`?configs=`).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { MachineAccounts } from '../../../app/machine-accounts.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { CONFIGS_QUERY, robotConfigs } from './robot-configs.ts';
import { NameParams } from './schemas.ts';

export interface MachineAccountKind {
  /** Path segment under /api/v1: `services` or `robots`. */
  readonly plural: string;
  readonly label: string;
  readonly tags: string[];
  readonly accounts: MachineAccounts;
  /** The regenerate reply may carry ready-made client configurations (robots). */
  readonly configs?: boolean;
}

export function machineAccountRoutes(app: FastifyInstance, account: MachineAccountKind): void {
  const { plural, label, tags, accounts } = account;
  app.post<{ Params: { name: string }; Querystring: { configs?: string } }>(
    `${API_PREFIX}/${plural}/:name/regenerate`,
    {
      schema: {
        summary: 'Replace the secret with a new generated one (returned once)',
        tags,
        params: NameParams,
        ...(account.configs ? { querystring: Type.Object({ configs: Type.Optional(CONFIGS_QUERY) }) } : {}),
      },
    },
    async (request) => {
      const regenerated = await accounts.regenerate(callerOf(request), request.params.name);
      const registry = account.configs ? request.query.configs : undefined;
      if (registry === undefined) return regenerated;
      return {
        ...regenerated,
        configs: await robotConfigs(registry, regenerated.name, regenerated.secret),
      };
    },
  );

  app.delete<{ Params: { name: string } }>(
    `${API_PREFIX}/${plural}/:name`,
    { schema: { summary: `Delete a ${label}`, tags, params: NameParams, 'x-status': 204 } },
    async (request, reply) => {
      await accounts.remove(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );
}
