/**
 * The routes services and robots share: regenerate the secret (returned once) and delete.
 * Both are machine identities with a generated secret stored as a salted hash.
 */
import type { FastifyInstance } from 'fastify';
import { generateSecret, hashSecret } from '../../../identity/password.ts';
import type { ModelWriter } from '../../../store/model-writer.ts';
import type { AppContext } from '../../context.ts';
import { auditChange, requireAdmin } from './access-guard.ts';
import { API_PREFIX } from './openapi.ts';
import { NameParams } from './schemas.ts';

export interface MachineAccountKind {
  /** `service` or `robot`. */
  readonly kind: 'service' | 'robot';
  /** Path segment under /api/v1: `services` or `robots`. */
  readonly plural: string;
  readonly label: string;
  readonly tags: string[];
  /** Throws NotFound when the account does not exist. */
  readonly require: (name: string) => unknown;
  readonly setSecretHash: (writer: ModelWriter, name: string, secretHash: string) => Promise<unknown>;
  readonly remove: (writer: ModelWriter, name: string) => Promise<void>;
}

export function machineAccountRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  writer: ModelWriter,
  account: MachineAccountKind,
): void {
  const { kind, plural, label, tags } = account;
  app.post<{ Params: { name: string } }>(
    `${API_PREFIX}/${plural}/:name/regenerate`,
    {
      schema: {
        summary: 'Replace the secret with a new generated one (returned once)',
        tags,
        params: NameParams,
      },
    },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      account.require(request.params.name);
      const secret = generateSecret();
      await account.setSecretHash(writer, request.params.name, hashSecret(secret));
      await ctx.authority.refresh();
      auditChange(ctx, request, { action: `${kind}.regenerate`, target: `${kind}:${request.params.name}` });
      return { name: request.params.name, secret };
    },
  );

  app.delete<{ Params: { name: string } }>(
    `${API_PREFIX}/${plural}/:name`,
    { schema: { summary: `Delete a ${label}`, tags, params: NameParams, 'x-status': 204 } },
    async (request, reply) => {
      requireAdmin(request);
      await account.remove(writer, request.params.name);
      await ctx.authority.refresh();
      auditChange(ctx, request, { action: `${kind}.delete`, target: `${kind}:${request.params.name}` });
      return reply.code(204).send();
    },
  );
}
