/** /api/v1/keys (administrators only): parse, call the key service (src/app/key-service.ts), render. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { strictObject } from './schemas.ts';

const tags = ['keys'];
const Rotate = strictObject({
  stage: Type.Optional(Type.Boolean({ description: 'Publish the new key without signing with it yet' })),
});
const KidParams = strictObject({ kid: Type.String({ minLength: 1, maxLength: 128 }) });

export async function keyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const keys = ctx.services.keys;

  app.get(
    `${API_PREFIX}/keys`,
    { schema: { summary: 'List signing keys (newest first)', tags } },
    async (request) => ({ keys: await keys.list(callerOf(request)) }),
  );

  app.post<{ Body: { stage?: boolean } }>(
    `${API_PREFIX}/keys/rotate`,
    { schema: { summary: 'Rotate the signing key', tags, body: Rotate } },
    async (request) => keys.rotate(callerOf(request), request.body.stage ?? false),
  );

  app.post<{ Params: { kid: string } }>(
    `${API_PREFIX}/keys/:kid/retire`,
    { schema: { summary: 'Retire a published (not signing) key', tags, params: KidParams } },
    async (request) => ({ keys: await keys.retire(callerOf(request), request.params.kid) }),
  );
}
