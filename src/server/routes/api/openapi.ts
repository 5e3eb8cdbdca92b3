/**
 * The OpenAPI 3.1 document of /api/v1, generated from the routes as they are registered:
 * an `onRoute` hook records every /api/v1 route with its TypeBox schemas (params, querystring,
 * body) and its `summary`/`description`/`tags`, so the document cannot drift from the code.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

export const API_PREFIX = '/api/v1';

declare module 'fastify' {
  interface FastifySchema {
    /** OpenAPI operation summary; every /api/v1 route has one. */
    summary?: string;
    description?: string;
    tags?: string[];
    /** Success status when not 200. */
    'x-status'?: number;
    /** false: the route needs no authentication. */
    'x-auth'?: boolean;
  }
}

interface DocumentedSchema {
  summary?: string;
  description?: string;
  tags?: string[];
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** Success status (default 200). */
  'x-status'?: number;
  /** false: no authentication needed. */
  'x-auth'?: boolean;
}

type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };

export interface RecordedRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: DocumentedSchema;
}

/** Collects /api/v1 routes registered after it is installed (in any plugin context). */
export class RouteCatalog {
  readonly routes: RecordedRoute[] = [];

  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route: RouteOptions) => {
      if (!route.url.startsWith(API_PREFIX)) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD') continue;
        this.routes.push({ method, url: route.url, schema: (route.schema ?? {}) as DocumentedSchema });
      }
    });
  }

  document(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of [...this.routes].sort((a, b) => a.url.localeCompare(b.url))) {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][route.method.toLowerCase()] = operation(route);
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Purser management API',
        version,
        description:
          'Manage the access model of the Purser token authority: users, groups, apps, services, robots, registries, custom rules and signing keys. ' +
          'Authenticate with Basic credentials, or with a bearer token from `GET /token?service=<issuer>`. ' +
          'Errors are `{"errors":[{"code","message"}]}`.',
      },
      servers: [{ url: '/' }],
      security: [{ basic: [] }, { bearer: [] }],
      paths,
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
        schemas: {
          Errors: {
            type: 'object',
            required: ['errors'],
            properties: {
              errors: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['code', 'message'],
                  properties: { code: { type: 'string' }, message: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    };
  }
}

function operation(route: RecordedRoute): Record<string, unknown> {
  const { schema } = route;
  const parameters: unknown[] = [];
  for (const [location, part] of [
    ['path', schema.params],
    ['query', schema.querystring],
  ] as const) {
    for (const [name, property] of Object.entries(part?.properties ?? {})) {
      parameters.push({
        name,
        in: location,
        required: location === 'path' || (part?.required ?? []).includes(name),
        schema: plain(property),
      });
    }
  }
  // Path parameters the route has but its schema does not describe (routes without a params schema).
  for (const [, name] of route.url.matchAll(/:([A-Za-z0-9_]+)/g)) {
    if (
      !parameters.some(
        (p) => (p as { name: string; in: string }).name === name && (p as { in: string }).in === 'path',
      )
    ) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  if (route.url.endsWith('*')) {
    parameters.push({
      name: '*',
      in: 'path',
      required: true,
      description: 'repository name (may contain /), URL-encoded',
      schema: { type: 'string' },
    });
  }
  const status = String(schema['x-status'] ?? 200);
  const op: Record<string, unknown> = {
    operationId: `${route.method.toLowerCase()}${route.url
      .replace(API_PREFIX, '')
      .replace(/\*$/, 'Name')
      .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: schema.summary ?? `${route.method} ${route.url}`,
    ...(schema.description ? { description: schema.description } : {}),
    tags: schema.tags ?? [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(schema.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: plain(schema.body) } } } }
      : {}),
    responses: {
      [status]: { description: status === '204' ? 'Done (no content)' : 'Success' },
      default: {
        description: 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } },
      },
    },
  };
  if (schema['x-auth'] === false) op.security = [];
  return op;
}

/** A JSON copy without TypeBox's symbol keys. */
function plain(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema ?? {}));
}

export function openApiRoute(app: FastifyInstance, catalog: RouteCatalog, version: string): void {
  app.get(
    `${API_PREFIX}/openapi.json`,
    { schema: { summary: 'This document (OpenAPI 3.1)', tags: ['meta'], 'x-auth': false } },
    async () => catalog.document(version),
  );
}
