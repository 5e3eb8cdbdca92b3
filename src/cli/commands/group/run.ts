/** `purser group …` implementations. */
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;

export async function add(name: string, options: Options): Promise<void> {
  const id = options.id === undefined ? undefined : Number(options.id);
  if (id !== undefined && (!Number.isInteger(id) || id < 1))
    throw new BadRequest(`--id must be a positive integer, got "${String(options.id)}"`);
  const group = (await callApi(options, {
    method: 'POST',
    path: '/api/v1/groups',
    body: { name, ...(id !== undefined ? { id } : {}) },
  })) as { id: number; name: string };
  process.stderr.write(`created group ${group.name} (id ${group.id})\n`);
}

export async function list(options: Options): Promise<void> {
  const { groups } = (await callApi(options, { method: 'GET', path: '/api/v1/groups' })) as {
    groups: { id: number; name: string; members: string[] }[];
  };
  if (options.json) return printJson(groups);
  printTable(
    ['NAME', 'ID', 'MEMBERS'],
    groups.map((g) => [g.name, String(g.id), g.members.join(',') || '-']),
  );
}

export async function remove(name: string, options: Options): Promise<void> {
  await callApi(options, { method: 'DELETE', path: `/api/v1/groups/${encodeURIComponent(name)}` });
  process.stderr.write(`deleted group ${name}\n`);
}
