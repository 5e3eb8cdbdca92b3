/** `purser user …` implementations: each is one call to the management API. */
import fs from 'node:fs';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { groupName, personName } from '../../field-rules.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { positiveInteger } from '../../options.ts';
import { type CommandResult, fields, note, secretOnce, table, text } from '../../output.ts';
import { readPassword } from '../../secret-input.ts';
import type { UserView } from '../../views.ts';

export interface AddOptions extends GlobalOptions {
  readonly passwordStdin?: boolean;
  readonly group: string[];
  readonly privilege: string[];
  readonly admin?: boolean;
  readonly id?: string;
}

export interface UpdateOptions extends GlobalOptions {
  readonly group?: string[];
  readonly privilege?: string[];
  /** `--no-privileges` makes this false. */
  readonly privileges?: boolean;
  readonly admin?: boolean;
}

export interface CliSecretOptions extends GlobalOptions {
  readonly regenerate?: boolean;
}

interface CliSecretStatus {
  user: string;
  source: string;
  exists: boolean;
  issuedAt: string | null;
}

export async function cliSecret(
  name: string,
  options: CliSecretOptions,
): Promise<CommandResult<CliSecretStatus | { user: string; secret: string }>> {
  const at = `${path(name)}/cli-secret`;
  if (options.regenerate) {
    const { secret } = await callApi<{ secret: string }>(options, { method: 'POST', path: at });
    return {
      data: { user: name, secret },
      blocks: [note(`issued a new CLI secret for ${name}`), ...secretOnce(secret)],
    };
  }
  const status = await callApi<CliSecretStatus>(options, { method: 'GET', path: at });
  return {
    data: status,
    blocks: [
      fields([
        ['user', status.user],
        ['source', status.source],
        [
          'cli secret',
          status.exists ? `issued ${status.issuedAt}` : 'none (purser login --sso, or --regenerate)',
        ],
      ]),
    ],
  };
}

export interface PasswdOptions extends GlobalOptions {
  readonly passwordStdin?: boolean;
}

export interface ImportOptions extends GlobalOptions, JsonOption {
  readonly group: string[];
  readonly privilege: string[];
  readonly update?: boolean;
}

export interface ImportReport {
  readonly created: string[];
  readonly updated: string[];
  readonly skipped: { name: string; reason: string }[];
  readonly problems: string[];
}

const path = (name: string) => `/api/v1/users/${encodeURIComponent(name)}`;
const short = (privilege: string) => privilege.replace(/^DockerRegistries/, '').toLowerCase();
const NAME = { flag: 'NAME', rule: personName };
const GROUPS = { flag: '--group', rule: groupName };
const PASSWORD = { flag: 'the password', secret: true };

export async function add(name: string, options: AddOptions): Promise<CommandResult<UserView>> {
  const password = await readPassword(options, false);
  const id = positiveInteger('--id', options.id);
  const user = await callApi<UserView>(options, {
    method: 'POST',
    path: '/api/v1/users',
    body: {
      name,
      ...(id !== undefined ? { id } : {}),
      ...(password !== undefined ? { password } : {}),
      groups: options.group,
      privileges: options.privilege,
      admin: options.admin === true,
    },
    fields: {
      'body.name': NAME,
      'body.password': PASSWORD,
      'body.groups': GROUPS,
      'body.privileges': '--privilege',
    },
  });
  return {
    data: user,
    blocks: [
      note(`created user ${user.name} (id ${user.id})`),
      ...(password === undefined
        ? [note(`note: ${user.name} has no password yet; set one with "purser user passwd ${user.name}"`)]
        : []),
    ],
  };
}

export async function list(options: GlobalOptions): Promise<CommandResult<UserView[]>> {
  const { users } = await callApi<{ users: UserView[] }>(options, { method: 'GET', path: '/api/v1/users' });
  return {
    data: users,
    blocks: [
      table(
        ['NAME', 'ID', 'GROUPS', 'PRIVILEGES', 'ADMIN', 'STATE', 'PASSWORD', 'SOURCE'],
        users.map((u) => [
          u.name,
          String(u.id),
          u.groups.join(',') || '-',
          u.privileges.map(short).join(',') || '-',
          u.admin ? 'yes' : 'no',
          u.disabled ? 'disabled' : 'enabled',
          u.password,
          u.source ?? 'local',
        ]),
      ),
    ],
  };
}

export async function show(name: string, options: GlobalOptions): Promise<CommandResult<UserView>> {
  const user = await callApi<UserView>(options, { method: 'GET', path: path(name) });
  return {
    data: user,
    blocks: [
      fields(
        [
          ['name', user.name],
          ['id', String(user.id)],
          [
            'groups',
            `${user.groups.join(', ') || '(none)'}${user.groups.length > 0 ? ` (primary: ${user.groups[0]})` : ''}`,
          ],
          ['privileges', user.privileges.join(', ') || '(none)'],
          ['admin', user.admin ? 'yes' : 'no'],
          ['state', user.disabled ? 'disabled' : 'enabled'],
          ['password', user.password],
        ],
        12,
      ),
    ],
  };
}

export async function update(name: string, options: UpdateOptions): Promise<CommandResult> {
  const body: Record<string, unknown> = {};
  if (options.group !== undefined) body.groups = options.group;
  if (options.privilege !== undefined) body.privileges = options.privilege;
  else if (options.privileges === false) body.privileges = [];
  if (options.admin !== undefined) body.admin = options.admin;
  if (Object.keys(body).length === 0)
    throw new BadRequest(
      'nothing to change: give --group, --privilege, --no-privileges, --admin or --no-admin',
    );
  await callApi(options, {
    method: 'PATCH',
    path: path(name),
    body,
    fields: { 'body.groups': GROUPS, 'body.privileges': '--privilege' },
  });
  return { blocks: [note(`updated user ${name}`)] };
}

export async function remove(name: string, options: GlobalOptions): Promise<CommandResult> {
  await callApi(options, { method: 'DELETE', path: path(name) });
  return { blocks: [note(`deleted user ${name}`)] };
}

export async function passwd(name: string, options: PasswdOptions): Promise<CommandResult> {
  const password = await readPassword(options, true);
  await callApi(options, {
    method: 'PUT',
    path: `${path(name)}/password`,
    body: { password },
    fields: { 'body.password': PASSWORD },
  });
  return { blocks: [note(`password of ${name} changed`)] };
}

export async function setDisabled(
  name: string,
  disabled: boolean,
  options: GlobalOptions,
): Promise<CommandResult> {
  await callApi(options, { method: 'PATCH', path: path(name), body: { disabled } });
  return { blocks: [note(`${disabled ? 'disabled' : 'enabled'} user ${name}`)] };
}

export async function unlock(name: string, options: GlobalOptions): Promise<CommandResult> {
  await callApi(options, { method: 'POST', path: `${path(name)}/unlock`, fields: { 'params.name': NAME } });
  return { blocks: [note(`unlocked user ${name}: failed logins from every address are forgotten`)] };
}

export async function importHtpasswd(
  file: string,
  options: ImportOptions,
): Promise<CommandResult<ImportReport>> {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadRequest(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const report = await callApi<ImportReport>(options, {
    method: 'POST',
    path: '/api/v1/users/import-htpasswd',
    body: { content, update: options.update === true, groups: options.group, privileges: options.privilege },
    fields: { 'body.groups': GROUPS, 'body.privileges': '--privilege' },
  });
  return {
    data: report,
    blocks: [
      text(
        [
          `created ${report.created.length}, updated ${report.updated.length}, skipped ${report.skipped.length}, problems ${report.problems.length}`,
          ...report.created.map((name) => `  created  ${name}`),
          ...report.updated.map((name) => `  updated  ${name}`),
          ...report.skipped.map((s) => `  skipped  ${s.name}: ${s.reason}`),
        ].join('\n'),
      ),
      ...report.problems.map((problem) => note(`purser: ${file}: ${problem}`)),
    ],
    ...(report.problems.length > 0 ? { exit: { code: 2 } } : {}),
  };
}
