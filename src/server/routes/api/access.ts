/**
 * /api/v1/access (administrators and the registry's responsible managers): the access
 * review. Parse, call the access review service (src/app/access-review-service.ts), render.
 * A configuration file for the diff is parsed and validated here with the loader `purser serve`
 * uses, so the diff sees exactly what a start or a reload would declare.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  REPORT_FORMATS,
  REPORT_MEDIA_TYPES,
  type ReportFormat,
  renderReport,
} from '../../../app/access-report.ts';
import type { ProposedChange } from '../../../app/access-review-service.ts';
import { parseConfig } from '../../../config/load.ts';
import { BadRequest } from '../../../domain/errors.ts';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { strictObject } from './schemas.ts';

const tags = ['access'];
const REGISTRY = Type.String({ minLength: 1, maxLength: 255, description: "The registry's token service" });
const KIND = Type.Union(
  [Type.Literal('user'), Type.Literal('service'), Type.Literal('robot'), Type.Literal('anonymous')],
  { hint: 'kind is user, service, robot or anonymous' },
);

const WhoCanQuery = strictObject({
  scope: Type.String({
    minLength: 1,
    maxLength: 1024,
    description:
      'A token scope; `*` in the repository means some repository under the prefix (repository:apps/shop/*:push)',
  }),
  registry: REGISTRY,
  source: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Client address, for rules with sources' }),
  ),
});
const WhatCanQuery = strictObject({
  principal: Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'A user, service or robot name, or anonymous',
  }),
  kind: Type.Optional(KIND),
  registry: Type.Optional(REGISTRY),
});
const DiffBody = strictObject(
  {
    config: Type.Optional(
      Type.String({ minLength: 1, maxLength: 10_000_000, description: 'A configuration file (YAML text)' }),
    ),
    rules: Type.Optional(
      Type.Array(Type.Unknown(), {
        maxItems: 10_000,
        description: 'A new rule list (replacing the current one)',
      }),
    ),
  },
  'Exactly one of config and rules',
);
const ReportQuery = strictObject({
  registry: REGISTRY,
  format: Type.Optional(
    Type.Union(
      REPORT_FORMATS.map((f) => Type.Literal(f)),
      { hint: 'format is csv, json or html', description: 'json (default), csv or html' },
    ),
  ),
});

export async function accessRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const review = ctx.services.accessReview;

  app.get<{ Querystring: { scope: string; registry: string; source?: string } }>(
    `${API_PREFIX}/access/who-can`,
    {
      schema: {
        summary: 'Who can do something on a registry',
        description:
          "Every enabled principal that would get at least one of the scope's actions, `principals: [{kind, name, actions}]` sorted by kind then name, decided by the code /token uses.",
        tags,
        querystring: WhoCanQuery,
      },
    },
    async (request) => review.whoCan(callerOf(request), request.query),
  );

  app.get<{
    Querystring: { principal: string; kind?: 'user' | 'service' | 'robot' | 'anonymous'; registry?: string };
  }>(
    `${API_PREFIX}/access/what-can`,
    {
      schema: {
        summary: 'What a principal can do',
        description:
          'Per registry (the one given, or every one the caller manages), the namespaces where the principal may pull, push or delete, with the seed clause or rule granting each action.',
        tags,
        querystring: WhatCanQuery,
      },
    },
    async (request) => review.whatCan(callerOf(request), request.query),
  );

  app.post<{ Body: { config?: string; rules?: unknown[] } }>(
    `${API_PREFIX}/access/diff`,
    {
      schema: {
        summary: 'What a change would alter',
        description:
          'The effective-access changes a configuration file or a new rule list would make (`changes: [{registry, kind, name, namespace, before, after}]`), on the registries the caller manages. Nothing is applied.',
        tags,
        body: DiffBody,
      },
    },
    async (request) => {
      const { config, rules } = request.body;
      if ((config === undefined) === (rules === undefined))
        throw new BadRequest(
          'body: give exactly one of config (a configuration file) and rules (a rule list)',
        );
      let proposal: ProposedChange;
      if (rules !== undefined) proposal = { rules };
      else {
        const parsed = parseConfig(config!, 'config', {});
        proposal = { declared: parsed.declared, mode: parsed.mode };
      }
      return review.diff(callerOf(request), proposal);
    },
  );

  app.get<{ Querystring: { registry: string; format?: ReportFormat } }>(
    `${API_PREFIX}/access/report`,
    {
      schema: {
        summary: 'The access report of a registry',
        description:
          'The matrix of principals × namespaces × actions, dated, with the configuration digest and the signing key ids; `format=csv` or `format=html` (a self-contained page with per-group summaries) instead of JSON.',
        tags,
        querystring: ReportQuery,
      },
    },
    async (request, reply) => {
      const report = await review.report(callerOf(request), { registry: request.query.registry });
      const format = request.query.format ?? 'json';
      if (format === 'json') return report;
      return reply.type(REPORT_MEDIA_TYPES[format]).send(renderReport(report, format));
    },
  );
}
