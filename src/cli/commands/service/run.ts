/** `purser service …` implementations. Secrets go to stdout alone; messages to stderr. */
import { callApi } from '../../api-client.ts';
import { personName, serviceName } from '../../field-rules.ts';
import type { GlobalOptions } from '../../options.ts';
import { type CommandResult, note, secretOnce, table, text } from '../../output.ts';
import { readSecretStdin } from '../../secret-input.ts';
import type { ServiceView } from '../../views.ts';

export interface AddOptions extends GlobalOptions {
  readonly app: string;
  readonly secretStdin?: boolean;
}

export async function add(name: string, options: AddOptions): Promise<CommandResult> {
  const secret = options.secretStdin ? await readSecretStdin() : undefined;
  const created = await callApi<ServiceView>(options, {
    method: 'POST',
    path: '/api/v1/services',
    body: { name, app: options.app, ...(secret !== undefined ? { secret } : {}) },
    fields: {
      'body.name': { flag: 'NAME', rule: serviceName },
      'body.app': { flag: '--app', rule: personName },
      'body.secret': { flag: 'the secret on standard input', secret: true },
    },
  });
  return {
    blocks: [
      note(`created service ${created.name} (app ${created.app ?? '-'})`),
      ...secretOnce(created.secret),
    ],
  };
}

export async function list(options: GlobalOptions): Promise<CommandResult<ServiceView[]>> {
  const { services } = await callApi<{ services: ServiceView[] }>(options, {
    method: 'GET',
    path: '/api/v1/services',
  });
  return {
    data: services,
    blocks: [
      table(
        ['NAME', 'APP', 'STATE'],
        services.map((s) => [s.name, s.app ?? '-', s.disabled ? 'disabled' : 'enabled']),
      ),
    ],
  };
}

export async function remove(name: string, options: GlobalOptions): Promise<CommandResult> {
  await callApi(options, { method: 'DELETE', path: `/api/v1/services/${encodeURIComponent(name)}` });
  return { blocks: [note(`deleted service ${name}`)] };
}

export async function regenerate(name: string, options: GlobalOptions): Promise<CommandResult> {
  const { secret } = await callApi<{ secret: string }>(options, {
    method: 'POST',
    path: `/api/v1/services/${encodeURIComponent(name)}/regenerate`,
  });
  return { blocks: [text(secret)] };
}
