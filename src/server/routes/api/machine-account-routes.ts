/**
 * The routes services and robots share: regenerate the secret (returned once) and delete.
 * Both are machine identities with a generated secret stored as a salted hash.
 */
import type { FastifyInstance } from 'fastify';
import type { MachineAccounts } from '../../../app/machine-accounts.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { NameParams } from './schemas.ts';

export interface MachineAccountKind {
  /** Path segment under /api/v1: `services` or `robots`. */
  readonly plural: string;
  readonly label: string;
  readonly tags: string[];
  readonly accounts: MachineAccounts;
}

export function machineAccountRoutes(app: FastifyInstance, account: MachineAccountKind): void {
  const { plural, label, tags, accounts } = account;
  app.post<{ Params: { name: string } }>(
    `${API_PREFIX}/${plural}/:name/regenerate`,
    {
      schema: {
        summary: 'Replace the secret with a new generated one (returned once)',
        tags,
        params: NameParams,
      },
    },
    async (request) => accounts.regenerate(callerOf(request), request.params.name),
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
