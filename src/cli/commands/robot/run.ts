/** `purser robot …` implementations. Secrets go to stdout alone; messages to stderr. */
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;
interface RobotView {
  id: number;
  name: string;
  repositories: string[];
  permission: string;
  expires: string | null;
  expired: boolean;
  disabled: boolean;
  secret?: string;
}

const PERMISSIONS = ['read', 'write', 'admin'];

export async function add(name: string, options: Options): Promise<void> {
  const permission = String(options.permission);
  if (!PERMISSIONS.includes(permission))
    throw new BadRequest(`--permission must be read, write or admin, got "${permission}"`);
  if ((options.repository as string[]).length === 0)
    throw new BadRequest('give at least one --repository NAME_OR_GLOB');
  let secret: string | undefined;
  if (options.secretStdin) {
    const { readSecretStdin } = await import('../service/run.ts');
    secret = await readSecretStdin();
  }
  const created = (await callApi(options, {
    method: 'POST',
    path: '/api/v1/robots',
    body: {
      name,
      repositories: options.repository,
      permission,
      ...(options.expires !== undefined ? { expires: options.expires } : {}),
      ...(secret !== undefined ? { secret } : {}),
    },
  })) as RobotView;
  process.stderr.write(
    `created robot ${created.name} (${created.permission} on ${created.repositories.join(', ')})\n`,
  );
  if (created.secret) {
    process.stderr.write('its secret (shown only now):\n');
    process.stdout.write(`${created.secret}\n`);
  }
}

export async function list(options: Options): Promise<void> {
  const { robots } = (await callApi(options, { method: 'GET', path: '/api/v1/robots' })) as {
    robots: RobotView[];
  };
  if (options.json) return printJson(robots);
  printTable(
    ['NAME', 'PERMISSION', 'REPOSITORIES', 'EXPIRES', 'STATE'],
    robots.map((r) => [
      r.name,
      r.permission,
      r.repositories.join(','),
      r.expires ? r.expires.slice(0, 10) : 'never',
      r.disabled ? 'disabled' : r.expired ? 'expired' : 'enabled',
    ]),
  );
}

export async function remove(name: string, options: Options): Promise<void> {
  await callApi(options, { method: 'DELETE', path: `/api/v1/robots/${encodeURIComponent(name)}` });
  process.stderr.write(`deleted robot ${name}\n`);
}

export async function regenerate(name: string, options: Options): Promise<void> {
  const { secret } = (await callApi(options, {
    method: 'POST',
    path: `/api/v1/robots/${encodeURIComponent(name)}/regenerate`,
  })) as { secret: string };
  process.stdout.write(`${secret}\n`);
}
