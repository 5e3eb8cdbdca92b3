/** `purser registry …` implementations. */
import fs from 'node:fs';
import {
  AuthorityError,
  type AuthorityErrorCode,
  BadRequest,
  ERROR_DESCRIPTORS,
} from '../../../domain/errors.ts';
import { callApi, requestApi } from '../../api-client.ts';
import { printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;
interface RegistryView {
  id: number;
  service: string;
  url: string;
  insecure: boolean;
  restricted: boolean;
  publications: string[];
  responsibles: string[];
  sync_interval: number | null;
}

const FORMATS = ['distribution', 'bundle', 'jwks', 'nginx'];
const path = (service: string) => `/api/v1/registries/${encodeURIComponent(service)}`;

export async function add(service: string, options: Options): Promise<void> {
  const interval = options.syncInterval === undefined ? undefined : Number(options.syncInterval);
  if (interval !== undefined && !Number.isInteger(interval))
    throw new BadRequest(
      `--sync-interval must be a number of seconds, got "${String(options.syncInterval)}"`,
    );
  const created = (await callApi(options, {
    method: 'POST',
    path: '/api/v1/registries',
    body: {
      service,
      url: options.url,
      insecure: options.insecure === true,
      restricted: options.restricted === true,
      publications: options.publication,
      responsibles: options.responsible,
      ...(interval !== undefined ? { sync_interval: interval } : {}),
    },
  })) as RegistryView;
  process.stderr.write(
    `added registry ${created.service} (${created.url})\nnext: purser registry config ${created.service} --bundle-out <bundle path>\n`,
  );
}

export async function list(options: Options): Promise<void> {
  const { registries } = (await callApi(options, { method: 'GET', path: '/api/v1/registries' })) as {
    registries: RegistryView[];
  };
  if (options.json) return printJson(registries);
  printTable(
    ['SERVICE', 'URL', 'RESTRICTED', 'INSECURE', 'PUBLICATIONS', 'RESPONSIBLES'],
    registries.map((r) => [
      r.service,
      r.url,
      r.restricted ? 'yes' : 'no',
      r.insecure ? 'yes' : 'no',
      r.publications.join(',') || '-',
      r.responsibles.join(',') || '-',
    ]),
  );
}

export async function show(service: string, options: Options): Promise<void> {
  const r = (await callApi(options, { method: 'GET', path: path(service) })) as RegistryView;
  if (options.json) return printJson(r);
  process.stdout.write(
    [
      `service:       ${r.service}`,
      `url:           ${r.url}`,
      `insecure:      ${r.insecure ? 'yes' : 'no'}`,
      `restricted:    ${r.restricted ? 'yes (push needs a responsible group)' : 'no'}`,
      `publications:  ${r.publications.join(', ') || '(none)'}`,
      `responsibles:  ${r.responsibles.join(', ') || '(none)'}`,
      `sync interval: ${r.sync_interval === null ? 'default' : `${r.sync_interval} s`}`,
      '',
    ].join('\n'),
  );
}

export async function update(service: string, own: Options, options: Options): Promise<void> {
  const interval = own.syncInterval === undefined ? undefined : Number(own.syncInterval);
  if (interval !== undefined && !Number.isInteger(interval))
    throw new BadRequest(`--sync-interval must be a number of seconds, got "${String(own.syncInterval)}"`);
  const body: Record<string, unknown> = {};
  if (own.url !== undefined) body.url = own.url;
  if (own.restricted !== undefined) body.restricted = own.restricted;
  if (own.insecure !== undefined) body.insecure = own.insecure;
  if (own.publication !== undefined) body.publications = own.publication;
  if (own.responsible !== undefined) body.responsibles = own.responsible;
  if (interval !== undefined) body.sync_interval = interval;
  if (Object.keys(body).length === 0)
    throw new BadRequest(
      'nothing to change: give --url, --restricted, --insecure, --publication, --responsible or --sync-interval',
    );
  await callApi(options, { method: 'PATCH', path: path(service), body });
  process.stderr.write(`updated registry ${service}\n`);
}

export async function remove(service: string, options: Options): Promise<void> {
  await callApi(options, { method: 'DELETE', path: path(service) });
  process.stderr.write(`deleted registry ${service}\n`);
}

export async function config(service: string, options: Options): Promise<void> {
  const format = String(options.format ?? 'distribution');
  if (!FORMATS.includes(format))
    throw new BadRequest(`--format must be distribution, bundle, jwks or nginx, got "${format}"`);
  if (options.bundleOut !== undefined && format !== 'distribution')
    throw new BadRequest('--bundle-out goes with --format distribution');
  const query = new URLSearchParams({ format });
  if (format === 'distribution' && typeof options.rootcertbundle === 'string')
    query.set('rootcertbundle', options.rootcertbundle);
  if (format === 'nginx') {
    for (const [option, parameter] of [
      ['listen', 'listen'],
      ['serverName', 'server_name'],
      ['tlsCertificate', 'tls_certificate'],
      ['tlsKey', 'tls_key'],
    ] as const) {
      if (typeof options[option] === 'string') query.set(parameter, options[option]);
    }
  }
  const text = await fetchText(options, `${path(service)}/config?${query}`);
  if (typeof options.bundleOut === 'string') {
    const bundle = await fetchText(options, `${path(service)}/config?format=bundle`);
    writeFile(options.bundleOut, bundle);
    process.stderr.write(`wrote the certificate bundle to ${options.bundleOut}\n`);
  }
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

async function fetchText(options: Options, apiPath: string): Promise<string> {
  const response = await requestApi(options, { method: 'GET', path: apiPath });
  if (response.status >= 400) {
    const first = (response.body as { errors?: { code?: string; message?: string }[] } | undefined)
      ?.errors?.[0];
    const code =
      first?.code && first.code in ERROR_DESCRIPTORS ? (first.code as AuthorityErrorCode) : 'INTERNAL';
    throw new AuthorityError(code, first?.message ?? `the server answered ${response.status}`);
  }
  return response.text;
}

function writeFile(file: string, content: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, content, { mode: 0o644 });
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw new BadRequest(
      `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}
