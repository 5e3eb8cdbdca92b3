/** `purser app …` implementations. */
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;
interface AppView {
  id: number;
  name: string;
  publications: string[];
  responsibles: string[];
  services: string[];
}

export async function add(name: string, options: Options): Promise<void> {
  const id = options.id === undefined ? undefined : Number(options.id);
  if (id !== undefined && (!Number.isInteger(id) || id < 1))
    throw new BadRequest(`--id must be a positive integer, got "${String(options.id)}"`);
  const app = (await callApi(options, {
    method: 'POST',
    path: '/api/v1/apps',
    body: {
      name,
      ...(id !== undefined ? { id } : {}),
      publications: options.publication,
      responsibles: options.responsible,
    },
  })) as AppView;
  process.stderr.write(`created app ${app.name} (id ${app.id})\n`);
}

export async function list(options: Options): Promise<void> {
  const { apps } = (await callApi(options, { method: 'GET', path: '/api/v1/apps' })) as { apps: AppView[] };
  if (options.json) return printJson(apps);
  printTable(
    ['NAME', 'ID', 'PUBLICATIONS', 'RESPONSIBLES', 'SERVICES'],
    apps.map((a) => [
      a.name,
      String(a.id),
      a.publications.join(',') || '-',
      a.responsibles.join(',') || '-',
      a.services.join(',') || '-',
    ]),
  );
}

export async function remove(name: string, options: Options): Promise<void> {
  await callApi(options, { method: 'DELETE', path: `/api/v1/apps/${encodeURIComponent(name)}` });
  process.stderr.write(`deleted app ${name}\n`);
}
