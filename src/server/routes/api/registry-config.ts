/**
 * GET /api/v1/registries/:service/config?format=distribution|bundle|jwks|nginx: what a
 * registry needs to trust Purser. `distribution` also rotates the registry's notification
 * secret (the previous one keeps working until the registry uses the new one) and includes
 * the notifications block.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ensureNotifySecret } from '../../../catalog/notify-secret.ts';
import { BadRequest, NotFound } from '../../../domain/errors.ts';
import {
  DEFAULT_ROOT_CERT_BUNDLE,
  renderBundle,
  renderDistributionConfig,
  renderJwks,
} from '../../../registry-config/distribution.ts';
import { renderNginxServerBlock } from '../../../registry-config/nginx.ts';
import { notificationsFragment } from '../../../registry-config/notifications.ts';
import type { AppContext } from '../../context.ts';
import { requireRegistryManager, requireSomeRegistryManager } from './access-guard.ts';
import { API_PREFIX } from './openapi.ts';
import { ServiceParams, strictObject } from './schemas.ts';

const ConfigQuery = strictObject({
  format: Type.Union(
    [Type.Literal('distribution'), Type.Literal('bundle'), Type.Literal('jwks'), Type.Literal('nginx')],
    {
      hint: 'format is distribution, bundle, jwks or nginx',
    },
  ),
  rootcertbundle: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      description: `Path of the bundle on the registry host (default ${DEFAULT_ROOT_CERT_BUNDLE})`,
    }),
  ),
  listen: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'nginx: listen value' })),
  server_name: Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'nginx: server_name' }),
  ),
  tls_certificate: Type.Optional(
    Type.String({ minLength: 1, maxLength: 4096, description: 'nginx: certificate path' }),
  ),
  tls_key: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'nginx: key path' })),
});

interface ConfigQueryValue {
  format: 'distribution' | 'bundle' | 'jwks' | 'nginx';
  rootcertbundle?: string;
  listen?: string;
  server_name?: string;
  tls_certificate?: string;
  tls_key?: string;
}

export async function registryConfigRoute(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Params: { service: string }; Querystring: ConfigQueryValue }>(
    `${API_PREFIX}/registries/:service/config`,
    {
      schema: {
        summary:
          'Configuration for the registry (Distribution config.yml fragment, certificate bundle, JWKS or nginx block)',
        description: 'Text for distribution (YAML), bundle (PEM) and nginx; JSON for jwks.',
        tags: ['registries'],
        params: ServiceParams,
        querystring: ConfigQuery,
      },
    },
    async (request, reply) => {
      requireSomeRegistryManager(request, ctx);
      await ctx.authority.refresh();
      const registry = ctx.authority.registry(request.params.service);
      if (!registry) throw new NotFound(`no registry with service "${request.params.service}"`);
      requireRegistryManager(request, registry, ctx);
      const query = request.query;
      switch (query.format) {
        case 'bundle':
          return reply.type('application/x-pem-file').send(renderBundle(ctx.authority.ring));
        case 'jwks':
          return reply.type('application/json').send(renderJwks(ctx.authority.ring));
        case 'nginx': {
          if ((query.tls_certificate === undefined) !== (query.tls_key === undefined)) {
            throw new BadRequest('give both tls_certificate and tls_key, or neither');
          }
          const text = nginxBlock({
            service: registry.service,
            registryUrl: registry.url,
            purserUrl: ctx.publicUrl,
            ...(query.listen ? { listen: query.listen } : {}),
            ...(query.server_name ? { serverName: query.server_name } : {}),
            ...(query.tls_certificate
              ? { tlsCertificate: query.tls_certificate, tlsKey: query.tls_key! }
              : {}),
          });
          return reply.type('text/plain; charset=utf-8').send(text);
        }
        default: {
          const secret = await ensureNotifySecret(ctx.db, registry.service);
          const { notifications } = notificationsFragment({
            service: registry.service,
            publicUrl: ctx.publicUrl,
            secret,
          });
          const text = renderDistributionConfig({
            publicUrl: ctx.publicUrl,
            service: registry.service,
            issuer: ctx.issuer,
            rootCertBundle: query.rootcertbundle ?? DEFAULT_ROOT_CERT_BUNDLE,
            notifications,
          });
          reply.header('cache-control', 'no-store');
          return reply.type('application/yaml; charset=utf-8').send(text);
        }
      }
    },
  );
}

function nginxBlock(options: Parameters<typeof renderNginxServerBlock>[0]): string {
  try {
    return renderNginxServerBlock(options);
  } catch (error) {
    if (error instanceof TypeError)
      throw new BadRequest(error.message.replace(/^renderNginxServerBlock: /, ''));
    throw error;
  }
}
