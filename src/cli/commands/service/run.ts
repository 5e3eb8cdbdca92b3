/** `purser service …` implementations. Secrets go to stdout alone; messages to stderr. */
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;
interface ServiceView {
  id: number;
  name: string;
  app: string | null;
  disabled: boolean;
  secret?: string;
}

export async function add(name: string, options: Options): Promise<void> {
  const secret = options.secretStdin ? await readSecretStdin() : undefined;
  const created = (await callApi(options, {
    method: 'POST',
    path: '/api/v1/services',
    body: { name, app: options.app, ...(secret !== undefined ? { secret } : {}) },
  })) as ServiceView;
  process.stderr.write(`created service ${created.name} (app ${created.app ?? '-'})\n`);
  if (created.secret) {
    process.stderr.write('its secret (shown only now):\n');
    process.stdout.write(`${created.secret}\n`);
  }
}

export async function list(options: Options): Promise<void> {
  const { services } = (await callApi(options, { method: 'GET', path: '/api/v1/services' })) as {
    services: ServiceView[];
  };
  if (options.json) return printJson(services);
  printTable(
    ['NAME', 'APP', 'STATE'],
    services.map((s) => [s.name, s.app ?? '-', s.disabled ? 'disabled' : 'enabled']),
  );
}

export async function remove(name: string, options: Options): Promise<void> {
  await callApi(options, { method: 'DELETE', path: `/api/v1/services/${encodeURIComponent(name)}` });
  process.stderr.write(`deleted service ${name}\n`);
}

export async function regenerate(name: string, options: Options): Promise<void> {
  const { secret } = (await callApi(options, {
    method: 'POST',
    path: `/api/v1/services/${encodeURIComponent(name)}/regenerate`,
  })) as { secret: string };
  process.stdout.write(`${secret}\n`);
}

export async function readSecretStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new BadRequest('--secret-stdin needs the secret on standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\n$/, '').replace(/\r$/, '');
  if (secret === '') throw new BadRequest('the secret on standard input is empty');
  return secret;
}
