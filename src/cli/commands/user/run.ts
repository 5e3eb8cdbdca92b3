/** `purser user …` implementations: each is one call to the management API. */
import fs from 'node:fs';
import readline from 'node:readline';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { ExitError, printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;

interface UserView {
  id: number;
  name: string;
  groups: string[];
  privileges: string[];
  admin: boolean;
  disabled: boolean;
  password: string;
}

const path = (name: string) => `/api/v1/users/${encodeURIComponent(name)}`;
const short = (privilege: string) => privilege.replace(/^DockerRegistries/, '').toLowerCase();

export async function add(name: string, options: Options): Promise<void> {
  const password = await readPassword(options, false);
  const id = options.id === undefined ? undefined : Number(options.id);
  if (id !== undefined && (!Number.isInteger(id) || id < 1))
    throw new BadRequest(`--id must be a positive integer, got "${String(options.id)}"`);
  const user = (await callApi(options, {
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
  })) as UserView;
  process.stderr.write(`created user ${user.name} (id ${user.id})\n`);
  if (password === undefined)
    process.stderr.write(
      `note: ${user.name} has no password yet; set one with "purser user passwd ${user.name}"\n`,
    );
}

export async function list(options: Options): Promise<void> {
  const { users } = (await callApi(options, { method: 'GET', path: '/api/v1/users' })) as {
    users: UserView[];
  };
  if (options.json) return printJson(users);
  printTable(
    ['NAME', 'ID', 'GROUPS', 'PRIVILEGES', 'ADMIN', 'STATE', 'PASSWORD'],
    users.map((u) => [
      u.name,
      String(u.id),
      u.groups.join(',') || '-',
      u.privileges.map(short).join(',') || '-',
      u.admin ? 'yes' : 'no',
      u.disabled ? 'disabled' : 'enabled',
      u.password,
    ]),
  );
}

export async function show(name: string, options: Options): Promise<void> {
  const user = (await callApi(options, { method: 'GET', path: path(name) })) as UserView;
  if (options.json) return printJson(user);
  process.stdout.write(
    [
      `name:       ${user.name}`,
      `id:         ${user.id}`,
      `groups:     ${user.groups.join(', ') || '(none)'}${user.groups.length > 0 ? ` (primary: ${user.groups[0]})` : ''}`,
      `privileges: ${user.privileges.join(', ') || '(none)'}`,
      `admin:      ${user.admin ? 'yes' : 'no'}`,
      `state:      ${user.disabled ? 'disabled' : 'enabled'}`,
      `password:   ${user.password}`,
      '',
    ].join('\n'),
  );
}

export async function update(name: string, own: Options, options: Options): Promise<void> {
  const body: Record<string, unknown> = {};
  if (own.group !== undefined) body.groups = own.group;
  if (own.privilege !== undefined) body.privileges = own.privilege;
  else if (own.privileges === false) body.privileges = [];
  if (own.admin !== undefined) body.admin = own.admin;
  if (Object.keys(body).length === 0)
    throw new BadRequest(
      'nothing to change: give --group, --privilege, --no-privileges, --admin or --no-admin',
    );
  await callApi(options, { method: 'PATCH', path: path(name), body });
  process.stderr.write(`updated user ${name}\n`);
}

export async function remove(name: string, options: Options): Promise<void> {
  await callApi(options, { method: 'DELETE', path: path(name) });
  process.stderr.write(`deleted user ${name}\n`);
}

export async function passwd(name: string, options: Options): Promise<void> {
  const password = await readPassword(options, true);
  await callApi(options, { method: 'PUT', path: `${path(name)}/password`, body: { password } });
  process.stderr.write(`password of ${name} changed\n`);
}

export async function setDisabled(name: string, disabled: boolean, options: Options): Promise<void> {
  await callApi(options, { method: 'PATCH', path: path(name), body: { disabled } });
  process.stderr.write(`${disabled ? 'disabled' : 'enabled'} user ${name}\n`);
}

export async function importHtpasswd(file: string, options: Options): Promise<void> {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadRequest(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const report = (await callApi(options, {
    method: 'POST',
    path: '/api/v1/users/import-htpasswd',
    body: { content, update: options.update === true, groups: options.group, privileges: options.privilege },
  })) as {
    created: string[];
    updated: string[];
    skipped: { name: string; reason: string }[];
    problems: string[];
  };
  if (options.json) printJson(report);
  else {
    process.stdout.write(
      `created ${report.created.length}, updated ${report.updated.length}, skipped ${report.skipped.length}, problems ${report.problems.length}\n`,
    );
    for (const name of report.created) process.stdout.write(`  created  ${name}\n`);
    for (const name of report.updated) process.stdout.write(`  updated  ${name}\n`);
    for (const s of report.skipped) process.stdout.write(`  skipped  ${s.name}: ${s.reason}\n`);
    for (const problem of report.problems) process.stderr.write(`purser: ${file}: ${problem}\n`);
  }
  if (report.problems.length > 0) throw new ExitError(2);
}

/** --password-stdin, else a hidden prompt in a terminal; `required` refuses going without. */
async function readPassword(options: Options, required: boolean): Promise<string | undefined> {
  if (options.passwordStdin) {
    if (process.stdin.isTTY)
      throw new BadRequest(
        '--password-stdin needs the password on standard input (e.g. echo "$PASSWORD" | purser …)',
      );
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks).toString('utf8').replace(/\n$/, '').replace(/\r$/, '');
    if (password === '') throw new BadRequest('the password on standard input is empty');
    return password;
  }
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const first = await promptHidden('Password: ');
    const second = await promptHidden('Repeat password: ');
    if (first !== second) throw new BadRequest('the passwords do not match');
    if (first === '') throw new BadRequest('empty password');
    return first;
  }
  if (required)
    throw new BadRequest(
      'give the password with --password-stdin (or run in a terminal to be asked); it is never accepted as an argument',
    );
  return undefined;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (text: string) => void };
    let asked = false;
    output._writeToOutput = (text: string) => {
      if (!asked) {
        asked = true;
        process.stderr.write(text);
      }
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new ExitError(130, 'cancelled'));
    });
  });
}
