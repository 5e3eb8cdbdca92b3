/** The access diff as `purser access diff` and `purser config check` ask for it and show it. */

import { callApi } from './api-client.ts';
import type { GlobalOptions } from './options.ts';
import { type Block, note, table } from './output.ts';

export interface AccessChange {
  registry: string;
  kind: string;
  name: string;
  namespace: string;
  before: string[];
  after: string[];
}

const list = (actions: readonly string[]) => (actions.length === 0 ? '-' : actions.join(','));

/** The API call behind `access diff` and `config check`. */
export async function fetchDiff(
  options: GlobalOptions,
  body: { config: string } | { rules: unknown[] },
  fields: Record<string, string>,
): Promise<AccessChange[]> {
  const { changes } = await callApi<{ changes: AccessChange[] }>(options, {
    method: 'POST',
    path: '/api/v1/access/diff',
    body,
    fields,
  });
  return changes;
}

export function changeBlocks(changes: readonly AccessChange[]): Block[] {
  return changes.length === 0
    ? [note('no effective-access change')]
    : [
        table(
          ['REGISTRY', 'KIND', 'NAME', 'NAMESPACE', 'BEFORE', 'AFTER'],
          changes.map((c) => [c.registry, c.kind, c.name, c.namespace, list(c.before), list(c.after)]),
        ),
        note(`${changes.length} change${changes.length === 1 ? '' : 's'}; nothing was applied`),
      ];
}
