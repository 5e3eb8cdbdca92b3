/** `purser robot …` implementations. Secrets go to stdout alone; messages to stderr. */
import { BadRequest } from '../../../domain/errors.ts';
import { parseExpiry, pastExpiryProblem } from '../../../domain/expiry.ts';
import { callApi } from '../../api-client.ts';
import { robotName } from '../../field-rules.ts';
import type { GlobalOptions } from '../../options.ts';
import { type CommandResult, note, secretOnce, table, text } from '../../output.ts';
import { readSecretStdin } from '../../secret-input.ts';
import type { RobotView } from '../../views.ts';

export interface AddOptions extends GlobalOptions {
  readonly repository: string[];
  readonly permission: string;
  readonly expires?: string;
  readonly secretStdin?: boolean;
}

const PERMISSIONS = ['read', 'write', 'admin'];

export async function add(name: string, options: AddOptions): Promise<CommandResult> {
  const permission = options.permission;
  if (!PERMISSIONS.includes(permission))
    throw new BadRequest(`--permission must be read, write or admin, got "${permission}"`);
  if (options.repository.length === 0) throw new BadRequest('give at least one --repository NAME_OR_GLOB');
  const expiresAt = options.expires === undefined ? undefined : parseExpiry(options.expires);
  const past = pastExpiryProblem(expiresAt);
  if (past) throw new BadRequest(`--expires "${options.expires}": ${past}`);
  const secret = options.secretStdin ? await readSecretStdin() : undefined;
  const created = await callApi<RobotView>(options, {
    method: 'POST',
    path: '/api/v1/robots',
    body: {
      name,
      repositories: options.repository,
      permission,
      ...(options.expires !== undefined ? { expires: options.expires } : {}),
      ...(secret !== undefined ? { secret } : {}),
    },
    fields: {
      'body.name': { flag: 'NAME', rule: robotName },
      'body.repositories': '--repository',
      'body.expires': '--expires',
      'body.secret': { flag: 'the secret on standard input', secret: true },
    },
  });
  return {
    blocks: [
      note(`created robot ${created.name} (${created.permission} on ${created.repositories.join(', ')})`),
      ...secretOnce(created.secret),
    ],
  };
}

export async function list(options: GlobalOptions): Promise<CommandResult<RobotView[]>> {
  const { robots } = await callApi<{ robots: RobotView[] }>(options, {
    method: 'GET',
    path: '/api/v1/robots',
  });
  return {
    data: robots,
    blocks: [
      table(
        ['NAME', 'PERMISSION', 'REPOSITORIES', 'EXPIRES', 'STATE'],
        robots.map((r) => [
          r.name,
          r.permission,
          r.repositories.join(','),
          r.expires ? r.expires.slice(0, 10) : 'never',
          r.disabled ? 'disabled' : r.expired ? 'expired' : 'enabled',
        ]),
      ),
    ],
  };
}

export async function remove(name: string, options: GlobalOptions): Promise<CommandResult> {
  await callApi(options, { method: 'DELETE', path: `/api/v1/robots/${encodeURIComponent(name)}` });
  return { blocks: [note(`deleted robot ${name}`)] };
}

export async function regenerate(name: string, options: GlobalOptions): Promise<CommandResult> {
  const { secret } = await callApi<{ secret: string }>(options, {
    method: 'POST',
    path: `/api/v1/robots/${encodeURIComponent(name)}/regenerate`,
  });
  return { blocks: [text(secret)] };
}
