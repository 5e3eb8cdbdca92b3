/** `purser access …` implementations: one API call each, rendered as tables or JSON. */
import { BadRequest } from '../../../domain/errors.ts';
import { type AccessChange, changeBlocks, fetchDiff } from '../../access-diff.ts';
import { callApi, callApiText } from '../../api-client.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type CommandResult, note, table, text } from '../../output.ts';
import { readYamlFile } from '../../yaml-file.ts';

export interface WhoCanOptions extends GlobalOptions, JsonOption {
  readonly registry: string;
  readonly source?: string;
}
export interface WhatCanOptions extends GlobalOptions, JsonOption {
  readonly registry?: string;
  readonly kind?: string;
}
export interface DiffOptions extends GlobalOptions, JsonOption {
  readonly config?: string;
  readonly rules?: string;
}
export interface ReportOptions extends GlobalOptions {
  readonly registry: string;
  readonly format: string;
}

interface Entry {
  kind: string;
  name: string;
  actions: string[];
}
interface PrincipalAccess {
  kind: string;
  name: string;
  registries: {
    registry: string;
    namespaces: { namespace: string; actions: string[]; grants: { action: string; reason: string }[] }[];
  }[];
}
const list = (actions: readonly string[]) => (actions.length === 0 ? '-' : actions.join(','));

export async function whoCan(scope: string, options: WhoCanOptions): Promise<CommandResult<Entry[]>> {
  const { principals } = await callApi<{ principals: Entry[] }>(options, {
    method: 'GET',
    path: '/api/v1/access/who-can',
    query: { scope, registry: options.registry, source: options.source },
    fields: {
      'querystring.scope': 'SCOPE',
      'querystring.registry': '--registry',
      'querystring.source': '--source',
    },
  });
  return {
    data: principals,
    blocks:
      principals.length === 0
        ? [note(`no principal would get any of ${scope} on ${options.registry}`)]
        : [
            table(
              ['KIND', 'NAME', 'ACTIONS'],
              principals.map((p) => [p.kind, p.name, list(p.actions)]),
            ),
          ],
  };
}

export async function whatCan(
  principal: string,
  options: WhatCanOptions,
): Promise<CommandResult<PrincipalAccess>> {
  const kind = options.kind;
  if (kind !== undefined && !['user', 'service', 'robot', 'anonymous'].includes(kind))
    throw new BadRequest(`--kind must be user, service, robot or anonymous, got "${kind}"`);
  const access = await callApi<PrincipalAccess>(options, {
    method: 'GET',
    path: '/api/v1/access/what-can',
    query: { principal, kind, registry: options.registry },
    fields: {
      'querystring.principal': 'PRINCIPAL',
      'querystring.kind': '--kind',
      'querystring.registry': '--registry',
    },
  });
  const rows: string[][] = [];
  for (const r of access.registries)
    for (const ns of r.namespaces)
      for (const grant of ns.grants) rows.push([r.registry, ns.namespace, grant.action, grant.reason]);
  return {
    data: access,
    blocks:
      rows.length === 0
        ? [
            note(
              `${access.kind} ${access.name} may do nothing on ${access.registries.map((r) => r.registry).join(', ') || 'any registry'}`,
            ),
          ]
        : [table(['REGISTRY', 'NAMESPACE', 'ACTION', 'GRANTED BY'], rows)],
  };
}

export async function diff(options: DiffOptions): Promise<CommandResult<AccessChange[]>> {
  if ((options.config === undefined) === (options.rules === undefined))
    throw new BadRequest('give exactly one of --config FILE and --rules FILE');
  let changes: AccessChange[];
  if (options.config !== undefined) {
    const { text: source } = readYamlFile(options.config, '--config');
    changes = await fetchDiff(options, { config: source }, { 'body.config': '--config' });
  } else {
    let { value } = readYamlFile(options.rules!, '--rules');
    if (value === null || value === undefined) value = [];
    if (!Array.isArray(value) && typeof value === 'object' && value !== null && 'rules' in value)
      value = (value as { rules: unknown }).rules;
    if (!Array.isArray(value))
      throw new BadRequest(`--rules ${options.rules}: expected a YAML list of rules`);
    changes = await fetchDiff(options, { rules: value }, { 'body.rules': '--rules' });
  }
  return { data: changes, blocks: changeBlocks(changes) };
}

export async function report(options: ReportOptions): Promise<CommandResult> {
  if (!['csv', 'json', 'html'].includes(options.format))
    throw new BadRequest(`--format must be csv, json or html, got "${options.format}"`);
  const body = await callApiText(options, {
    method: 'GET',
    path: '/api/v1/access/report',
    query: { registry: options.registry, format: options.format },
    fields: { 'querystring.registry': '--registry', 'querystring.format': '--format' },
  });
  return { blocks: [text(body)] };
}
