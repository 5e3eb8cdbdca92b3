/** `purser explain` implementation. */
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type CommandResult, text } from '../../output.ts';

export interface ExplainOptions extends GlobalOptions, JsonOption {
  readonly account: string;
  readonly service: string;
  readonly scope: string[];
  readonly kind?: string;
  readonly source?: string;
}

export async function explain(options: ExplainOptions): Promise<CommandResult<unknown[]>> {
  const kind = options.kind;
  if (kind !== undefined && !['user', 'service', 'robot'].includes(kind))
    throw new BadRequest(`--kind must be user, service or robot, got "${kind}"`);
  const result = await callApi<{ explanations: unknown[]; text: string }>(options, {
    method: 'GET',
    path: '/api/v1/explain',
    query: {
      account: options.account,
      service: options.service,
      scope: options.scope,
      kind,
      source: options.source,
    },
    fields: {
      'querystring.account': '--account',
      'querystring.service': '--service',
      'querystring.scope': '--scope',
      'querystring.source': '--source',
    },
  });
  return { data: result.explanations, blocks: [text(result.text)] };
}
