/** `purser registry …` implementations. */
import fs from 'node:fs';
import path from 'node:path';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi, callApiText } from '../../api-client.ts';
import type { FieldFlags } from '../../api-fields.ts';
import { groupName, registryService } from '../../field-rules.ts';
import type { GlobalOptions } from '../../options.ts';
import { seconds } from '../../options.ts';
import { type CommandResult, fields, note, table, text } from '../../output.ts';
import type { RegistryView } from '../../views.ts';

export interface AddOptions extends GlobalOptions {
  readonly url: string;
  readonly restricted?: boolean;
  readonly insecure?: boolean;
  readonly publication: string[];
  readonly responsible: string[];
  readonly syncInterval?: string;
}

export interface UpdateOptions extends GlobalOptions {
  readonly url?: string;
  readonly restricted?: boolean;
  readonly insecure?: boolean;
  readonly publication?: string[];
  readonly responsible?: string[];
  readonly syncInterval?: string;
}

export interface ConfigOptions extends GlobalOptions {
  readonly format: string;
  readonly rootcertbundle?: string;
  readonly bundleOut?: string;
  readonly rotateNotifySecret?: boolean;
  readonly listen?: string;
  readonly serverName?: string;
  readonly tlsCertificate?: string;
  readonly tlsKey?: string;
}

/** Where `auth.token.rootcertbundle` points when neither --rootcertbundle nor --bundle-out says. */
export const DEFAULT_ROOTCERTBUNDLE = '/etc/docker/registry/purser-bundle.pem';

const FORMATS = ['distribution', 'bundle', 'jwks', 'nginx'];
const apiPath = (service: string) => `/api/v1/registries/${encodeURIComponent(service)}`;
const FIELDS: FieldFlags = {
  'body.service': { flag: 'SERVICE', rule: registryService },
  'body.url': '--url',
  'body.publications': { flag: '--publication', rule: groupName },
  'body.responsibles': { flag: '--responsible', rule: groupName },
  'body.sync_interval': '--sync-interval',
};

export async function add(service: string, options: AddOptions): Promise<CommandResult<RegistryView>> {
  refuseUrlAsService(service);
  const interval = seconds('--sync-interval', options.syncInterval);
  const created = await callApi<RegistryView>(options, {
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
    fields: FIELDS,
  });
  return {
    data: created,
    blocks: [
      note(
        `added registry ${created.service} (${created.url})\nnext: purser registry config ${created.service} --bundle-out <bundle path>`,
      ),
    ],
  };
}

/** `registry add https://…` is the commonest slip: say what SERVICE is instead of quoting a pattern. */
function refuseUrlAsService(service: string): void {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(service);
  if (!scheme) return;
  throw new BadRequest(
    `SERVICE "${service}" is a URL; expected the registry's token service name (its REGISTRY_AUTH_TOKEN_SERVICE, for example ${scheme[1] || 'registry.example.com'}), with the URL given as --url`,
  );
}

export async function list(options: GlobalOptions): Promise<CommandResult<RegistryView[]>> {
  const { registries } = await callApi<{ registries: RegistryView[] }>(options, {
    method: 'GET',
    path: '/api/v1/registries',
  });
  return {
    data: registries,
    blocks: [
      table(
        ['SERVICE', 'URL', 'RESTRICTED', 'INSECURE', 'PUBLICATIONS', 'RESPONSIBLES'],
        registries.map((r) => [
          r.service,
          r.url,
          r.restricted ? 'yes' : 'no',
          r.insecure ? 'yes' : 'no',
          r.publications.join(',') || '-',
          r.responsibles.join(',') || '-',
        ]),
      ),
    ],
  };
}

export async function show(service: string, options: GlobalOptions): Promise<CommandResult<RegistryView>> {
  const r = await callApi<RegistryView>(options, { method: 'GET', path: apiPath(service) });
  return {
    data: r,
    blocks: [
      fields(
        [
          ['service', r.service],
          ['url', r.url],
          ['insecure', r.insecure ? 'yes' : 'no'],
          ['restricted', r.restricted ? 'yes (push needs a responsible group)' : 'no'],
          ['publications', r.publications.join(', ') || '(none)'],
          ['responsibles', r.responsibles.join(', ') || '(none)'],
          ['sync interval', r.sync_interval === null ? 'default' : `${r.sync_interval} s`],
        ],
        15,
      ),
    ],
  };
}

export async function update(service: string, options: UpdateOptions): Promise<CommandResult> {
  const interval = seconds('--sync-interval', options.syncInterval);
  const body: Record<string, unknown> = {};
  if (options.url !== undefined) body.url = options.url;
  if (options.restricted !== undefined) body.restricted = options.restricted;
  if (options.insecure !== undefined) body.insecure = options.insecure;
  if (options.publication !== undefined) body.publications = options.publication;
  if (options.responsible !== undefined) body.responsibles = options.responsible;
  if (interval !== undefined) body.sync_interval = interval;
  if (Object.keys(body).length === 0)
    throw new BadRequest(
      'nothing to change: give --url, --restricted, --insecure, --publication, --responsible or --sync-interval',
    );
  await callApi(options, { method: 'PATCH', path: apiPath(service), body, fields: FIELDS });
  return { blocks: [note(`updated registry ${service}`)] };
}

export async function remove(service: string, options: GlobalOptions): Promise<CommandResult> {
  await callApi(options, { method: 'DELETE', path: apiPath(service) });
  return { blocks: [note(`deleted registry ${service}`)] };
}

export async function config(service: string, options: ConfigOptions): Promise<CommandResult> {
  const format = options.format;
  if (!FORMATS.includes(format))
    throw new BadRequest(`--format must be distribution, bundle, jwks or nginx, got "${format}"`);
  if (options.bundleOut !== undefined && format !== 'distribution')
    throw new BadRequest('--bundle-out goes with --format distribution');
  if (options.rotateNotifySecret && format !== 'distribution')
    throw new BadRequest('--rotate-notify-secret goes with --format distribution');
  // The bundle written with --bundle-out is the one the registry reads, unless told otherwise.
  const rootcertbundle =
    options.rootcertbundle ??
    (options.bundleOut !== undefined ? path.resolve(options.bundleOut) : DEFAULT_ROOTCERTBUNDLE);
  const query =
    format === 'distribution'
      ? { format, rootcertbundle, ...(options.rotateNotifySecret ? { rotate_notify_secret: 'true' } : {}) }
      : format === 'nginx'
        ? {
            format,
            listen: options.listen,
            server_name: options.serverName,
            tls_certificate: options.tlsCertificate,
            tls_key: options.tlsKey,
          }
        : { format };
  const configText = await callApiText(options, {
    method: 'GET',
    path: `${apiPath(service)}/config`,
    query,
    fields: {
      'querystring.rootcertbundle': '--rootcertbundle',
      'querystring.listen': '--listen',
      'querystring.server_name': '--server-name',
      'querystring.tls_certificate': '--tls-certificate',
      'querystring.tls_key': '--tls-key',
    },
  });
  const blocks = [];
  if (options.bundleOut !== undefined) {
    const bundle = await callApiText(options, {
      method: 'GET',
      path: `${apiPath(service)}/config`,
      query: { format: 'bundle' },
    });
    writeFile(options.bundleOut, bundle);
    blocks.push(note(`wrote the certificate bundle to ${options.bundleOut}`));
  }
  blocks.push(text(configText));
  return { blocks };
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
