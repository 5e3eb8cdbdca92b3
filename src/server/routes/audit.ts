/**
 * The audit log through the API (administrators: everything; a registry's responsible
 * managers: that registry's entries):
 *  - `GET /api/v1/audit?principal=&repository=&digest=&tag=&action=&service=&source=&outcome=
 *        &since=&until=&page=&per_page=`                          one page, newest first
 *  - `GET /api/v1/audit/export?format=csv|json&…same filters`      everything, oldest first
 *  - `GET /api/v1/audit/usage?service=&image=REPO:TAG|REPO@DIGEST|DIGEST`   who pulled it
 * Times are ISO 8601 or epoch milliseconds.
 */
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditQuery } from '../../audit/audit-query.ts';
import { BadRequest } from '../../domain/errors.ts';
import type { AppContext } from '../context.ts';
import { integerParam, MAX_PAGE, timeParam } from '../query-numbers.ts';
import { callerOf } from './api/caller.ts';

type Filters = Record<string, string | undefined>;

const text = (description: string) => Type.Optional(Type.String({ maxLength: 1000, description }));
/** The filters, documented (the handlers check the values: auditFilter). */
const FILTERS = {
  principal: text('actor name'),
  actor_kind: text('user, service, robot, anonymous or system'),
  repository: text('repository name'),
  tag: text('tag'),
  digest: text('manifest digest'),
  action: text('exact action, or a prefix ending in "."'),
  service: text('registry service'),
  source: text('registry or authority'),
  outcome: text('success, failure or denied'),
  since: text('ISO 8601 time or epoch milliseconds, inclusive'),
  until: text('ISO 8601 time or epoch milliseconds, exclusive'),
};
const AuditListQuery = Type.Object({
  ...FILTERS,
  page: text('page, from 1'),
  per_page: text('entries per page'),
});
const AuditExportQuery = Type.Object({ ...FILTERS, format: text('csv or json (default json)') });
const ActivityQuery = Type.Object({ ...FILTERS, bucket: text('day (default) or hour') });
const UsageQuery = Type.Object({
  image: text('REPOSITORY:TAG, REPOSITORY@DIGEST or DIGEST'),
  service: text('registry service'),
  since: text('ISO 8601 time or epoch milliseconds'),
});

const KINDS = new Set(['user', 'service', 'robot', 'anonymous', 'system']);
const SOURCES = new Set(['registry', 'authority']);
const OUTCOMES = new Set(['success', 'failure', 'denied']);

export function auditFilter(q: Filters): AuditQuery {
  const f: { -readonly [K in keyof AuditQuery]: AuditQuery[K] } = {};
  if (q.principal) f.principal = q.principal;
  if (q.actor_kind) {
    if (!KINDS.has(q.actor_kind))
      throw new BadRequest('actor_kind must be user, service, robot, anonymous or system');
    f.actorKind = q.actor_kind as AuditQuery['actorKind'];
  }
  if (q.repository) f.repository = q.repository;
  if (q.tag) f.tag = q.tag;
  if (q.digest) f.digest = q.digest;
  if (q.action) f.action = q.action;
  if (q.service) f.service = q.service;
  if (q.source) {
    if (!SOURCES.has(q.source)) throw new BadRequest('source must be registry or authority');
    f.source = q.source as 'registry' | 'authority';
  }
  if (q.outcome) {
    if (!OUTCOMES.has(q.outcome)) throw new BadRequest('outcome must be success, failure or denied');
    f.outcome = q.outcome as AuditQuery['outcome'];
  }
  const since = timeParam(q.since, 'since');
  const until = timeParam(q.until, 'until');
  if (since !== undefined) f.since = since;
  if (until !== undefined) f.until = until;
  return f;
}

export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const audit = ctx.services.audit;

  app.get<{ Querystring: Filters }>(
    '/api/v1/audit',
    { schema: { summary: 'Query the audit log with paging', tags: ['audit'], querystring: AuditListQuery } },
    async (request) => {
      const filter = auditFilter(request.query);
      const page = integerParam(request.query.page, 'page', { min: 1, max: MAX_PAGE }, 1);
      const perPage = integerParam(request.query.per_page, 'per_page', { min: 1, max: 1000 }, 50);
      return audit.query(callerOf(request), filter, page, perPage);
    },
  );

  app.get<{ Querystring: Filters }>(
    '/api/v1/audit/export',
    {
      schema: {
        summary: 'Export the audit log as CSV or JSON',
        tags: ['audit'],
        querystring: AuditExportQuery,
      },
    },
    async (request, reply) => {
      const filter = auditFilter(request.query);
      const format = request.query.format ?? 'json';
      if (format !== 'csv' && format !== 'json') throw new BadRequest('format must be csv or json');
      const chunks = audit.export(callerOf(request), filter, format);
      // The first chunk waits for the first query: a failure is an error reply, not a 200
      // followed by a truncated body and a reset connection.
      const head = await chunks.next();
      async function* body(): AsyncGenerator<string> {
        if (head.done) return;
        yield head.value;
        yield* chunks;
      }
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="purser-audit.${format}"`)
        .send(Readable.from(body()));
    },
  );

  app.get<{ Querystring: Filters }>(
    '/api/v1/audit/activity',
    {
      schema: {
        summary: 'Pulls and pushes over time per registry',
        description: 'Counts of registry pull and push events per registry and per hour or day, for charts.',
        tags: ['audit'],
        querystring: ActivityQuery,
      },
    },
    async (request) => {
      const bucket = request.query.bucket ?? 'day';
      if (bucket !== 'day' && bucket !== 'hour') throw new BadRequest('bucket must be day or hour');
      const filter = auditFilter(request.query);
      return audit.activity(callerOf(request), filter, bucket);
    },
  );

  app.get<{ Querystring: Filters }>(
    '/api/v1/audit/usage',
    {
      schema: {
        summary: 'Who pulled an image (by digest or repository:tag)',
        tags: ['audit'],
        querystring: UsageQuery,
      },
    },
    async (request) =>
      audit.usage(callerOf(request), {
        image: request.query.image,
        service: request.query.service,
        since: timeParam(request.query.since, 'since'),
      }),
  );
}
