/**
 * GET /api/v1/registries/:service/config?format=distribution|bundle|jwks|nginx: what a
 * registry needs to trust Purser (src/app/registry-config-service.ts). Parse, call, render.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_ROOT_CERT_BUNDLE } from '../../../registry-config/distribution.ts';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
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
  rotate_notify_secret: Type.Optional(
    Type.Boolean({
      description: 'distribution: make a new notification secret (default: the current one is kept)',
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
  rotate_notify_secret?: boolean;
  listen?: string;
  server_name?: string;
  tls_certificate?: string;
  tls_key?: string;
}

export async function registryConfigRoute(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const configs = ctx.services.registryConfigs;
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
      const query = request.query;
      const document = await configs.render(callerOf(request), request.params.service, {
        format: query.format,
        rootCertBundle: query.rootcertbundle,
        rotateNotifySecret: query.rotate_notify_secret,
        listen: query.listen,
        serverName: query.server_name,
        tlsCertificate: query.tls_certificate,
        tlsKey: query.tls_key,
      });
      if (document.noStore) reply.header('cache-control', 'no-store');
      return reply.type(document.mediaType).send(document.body);
    },
  );
}
