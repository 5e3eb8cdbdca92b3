/**
 * /api/v1/keys (administrators only): the token signing keys. `rotate` makes a new key the
 * signer (the previous one stays published so its tokens keep verifying); `rotate` with
 * `stage: true` publishes a new key first so registries can get the new bundle before it
 * signs; `retire` removes a published key from the JWKS and the bundle.
 */
import crypto from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { StoredKey } from '../../../token/key-store.ts';
import type { AppContext } from '../../context.ts';
import { auditChange, requireAdmin } from './access-guard.ts';
import { API_PREFIX } from './openapi.ts';
import { strictObject } from './schemas.ts';

const tags = ['keys'];
const Rotate = strictObject({
  stage: Type.Optional(Type.Boolean({ description: 'Publish the new key without signing with it yet' })),
});
const KidParams = strictObject({ kid: Type.String({ minLength: 1, maxLength: 128 }) });

function keyView(stored: StoredKey, signer: string) {
  const certificate = new crypto.X509Certificate(stored.key.certificatePem);
  return {
    kid: stored.key.kid,
    state: stored.state,
    signing: stored.key.kid === signer,
    created: new Date(stored.createdAt).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
  };
}

export async function keyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const list = async () => {
    await ctx.authority.refreshKeys();
    const signer = ctx.authority.ring.signer.kid;
    return (await ctx.authority.keys.list()).map((k) => keyView(k, signer));
  };

  app.get(
    `${API_PREFIX}/keys`,
    { schema: { summary: 'List signing keys (newest first)', tags } },
    async (request) => {
      requireAdmin(request);
      return { keys: await list() };
    },
  );

  app.post<{ Body: { stage?: boolean } }>(
    `${API_PREFIX}/keys/rotate`,
    { schema: { summary: 'Rotate the signing key', tags, body: Rotate } },
    async (request) => {
      requireAdmin(request);
      const stage = request.body.stage ?? false;
      const key = await ctx.authority.keys.rotate({ stage });
      await ctx.authority.refreshKeys();
      auditChange(ctx, request, { action: 'key.rotate', target: `key:${key.kid}`, details: { stage } });
      return { kid: key.kid, staged: stage, keys: await list() };
    },
  );

  app.post<{ Params: { kid: string } }>(
    `${API_PREFIX}/keys/:kid/retire`,
    { schema: { summary: 'Retire a published (not signing) key', tags, params: KidParams } },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.keys.retire(request.params.kid);
      await ctx.authority.refreshKeys();
      auditChange(ctx, request, { action: 'key.retire', target: `key:${request.params.kid}` });
      return { keys: await list() };
    },
  );
}
