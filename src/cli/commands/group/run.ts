/** `purser group …` implementations. */
import { callApi } from '../../api-client.ts';
import { groupName } from '../../field-rules.ts';
import type { GlobalOptions } from '../../options.ts';
import { positiveInteger } from '../../options.ts';
import { type CommandResult, note, table } from '../../output.ts';
import type { GroupView } from '../../views.ts';

export interface AddOptions extends GlobalOptions {
  readonly id?: string;
}

export async function add(name: string, options: AddOptions): Promise<CommandResult<GroupView>> {
  const id = positiveInteger('--id', options.id);
  const group = await callApi<GroupView>(options, {
    method: 'POST',
    path: '/api/v1/groups',
    body: { name, ...(id !== undefined ? { id } : {}) },
    fields: { 'body.name': { flag: 'NAME', rule: groupName } },
  });
  return { data: group, blocks: [note(`created group ${group.name} (id ${group.id})`)] };
}

export async function list(options: GlobalOptions): Promise<CommandResult<GroupView[]>> {
  const { groups } = await callApi<{ groups: GroupView[] }>(options, {
    method: 'GET',
    path: '/api/v1/groups',
  });
  return {
    data: groups,
    blocks: [
      table(
        ['NAME', 'ID', 'MEMBERS'],
        groups.map((g) => [g.name, String(g.id), g.members.join(',') || '-']),
      ),
    ],
  };
}

export async function remove(name: string, options: GlobalOptions): Promise<CommandResult> {
  await callApi(options, { method: 'DELETE', path: `/api/v1/groups/${encodeURIComponent(name)}` });
  return { blocks: [note(`deleted group ${name}`)] };
}
