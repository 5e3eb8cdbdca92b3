/** `purser explain` implementation. */
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { printJson } from '../../output.ts';

export async function explain(options: Record<string, unknown>): Promise<void> {
  const kind = options.kind as string | undefined;
  if (kind !== undefined && !['user', 'service', 'robot'].includes(kind))
    throw new BadRequest(`--kind must be user, service or robot, got "${kind}"`);
  const query = new URLSearchParams({ account: String(options.account), service: String(options.service) });
  for (const scope of options.scope as string[]) query.append('scope', scope);
  if (kind) query.set('kind', kind);
  if (typeof options.source === 'string') query.set('source', options.source);
  const result = (await callApi(options, { method: 'GET', path: `/api/v1/explain?${query}` })) as {
    explanations: unknown[];
    text: string;
  };
  if (options.json) return printJson(result.explanations);
  process.stdout.write(`${result.text}\n`);
}
