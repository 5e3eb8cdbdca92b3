/** `purser app …` implementations. */
import { callApi } from '../../api-client.ts';
import { groupName, personName } from '../../field-rules.ts';
import type { GlobalOptions } from '../../options.ts';
import { positiveInteger } from '../../options.ts';
import { type CommandResult, note, table } from '../../output.ts';
import type { AppView } from '../../views.ts';

export interface AddOptions extends GlobalOptions {
  readonly publication: string[];
  readonly responsible: string[];
  readonly id?: string;
}

export async function add(name: string, options: AddOptions): Promise<CommandResult<AppView>> {
  const id = positiveInteger('--id', options.id);
  const app = await callApi<AppView>(options, {
    method: 'POST',
    path: '/api/v1/apps',
    body: {
      name,
      ...(id !== undefined ? { id } : {}),
      publications: options.publication,
      responsibles: options.responsible,
    },
    fields: {
      'body.name': { flag: 'NAME', rule: personName },
      'body.publications': { flag: '--publication', rule: groupName },
      'body.responsibles': { flag: '--responsible', rule: groupName },
    },
  });
  return { data: app, blocks: [note(`created app ${app.name} (id ${app.id})`)] };
}

export async function list(options: GlobalOptions): Promise<CommandResult<AppView[]>> {
  const { apps } = await callApi<{ apps: AppView[] }>(options, { method: 'GET', path: '/api/v1/apps' });
  return {
    data: apps,
    blocks: [
      table(
        ['NAME', 'ID', 'PUBLICATIONS', 'RESPONSIBLES', 'SERVICES'],
        apps.map((a) => [
          a.name,
          String(a.id),
          a.publications.join(',') || '-',
          a.responsibles.join(',') || '-',
          a.services.join(',') || '-',
        ]),
      ),
    ],
  };
}

export async function remove(name: string, options: GlobalOptions): Promise<CommandResult> {
  await callApi(options, { method: 'DELETE', path: `/api/v1/apps/${encodeURIComponent(name)}` });
  return { blocks: [note(`deleted app ${name}`)] };
}
