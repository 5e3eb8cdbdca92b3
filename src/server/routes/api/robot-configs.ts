/**
 * Ready-made client configuration for a robot whose secret was just created (shown once, as
 * Quay's robot page does): Docker config.json, a Kubernetes Secret, podman auth.json, the Mesos
 * docker.tar.gz (base64) and rkt auth.d files, rendered by the same exporters as
 * `purser vault export` (src/formats/exporters.ts).
 */
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../../domain/errors.ts';
import { parseRegistryAddress } from '../../../domain/registry-address.ts';
import { EXPORT_DEFAULTS, EXPORTERS, type ExportOutput } from '../../../formats/exporters.ts';

export interface RobotConfigs {
  readonly registry: string;
  readonly docker: string;
  readonly kubernetes: string;
  readonly podman: string;
  /** docker.tar.gz for Marathon `uris`, base64. */
  readonly mesos: string;
  readonly rkt: readonly { readonly name: string; readonly content: string }[];
}

/** `?configs=` of robot creation and regeneration: the registry address to configure. */
export const CONFIGS_QUERY = Type.String({
  minLength: 1,
  maxLength: 255,
  description:
    'A registry address: the reply also carries `configs` for it (Docker, Kubernetes, podman, Mesos, rkt), with the new secret',
});

const kubernetesName = (robot: string) =>
  `${
    robot
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 200) || 'robot'
  }-pull-secret`;

export async function robotConfigs(
  registry: string,
  username: string,
  secret: string,
): Promise<RobotConfigs> {
  let address: string;
  try {
    address = parseRegistryAddress(registry);
  } catch {
    throw new BadRequest(`configs: "${registry}" is not a registry address (host or host:port)`);
  }
  const credentials = [{ address, username, secret, kind: 'password' as const }];
  const build = async (name: string, settings = EXPORT_DEFAULTS): Promise<ExportOutput['artifact']> => {
    const exporter = EXPORTERS.find((e) => e.name === name);
    if (!exporter) throw new TypeError(`no exporter ${name}`);
    return (await exporter.build(credentials, settings)).artifact;
  };
  const text = (artifact: ExportOutput['artifact']): string =>
    artifact.kind === 'document' ? artifact.text : '';
  const mesos = await build('mesos');
  const rkt = await build('rkt');
  return {
    registry: address,
    docker: text(await build('docker-config')),
    kubernetes: text(await build('k8s-secret', { ...EXPORT_DEFAULTS, name: kubernetesName(username) })),
    podman: text(await build('podman-auth')),
    mesos: mesos.kind === 'archive' ? mesos.bytes.toString('base64') : '',
    rkt: rkt.kind === 'files' ? rkt.files.map((f) => ({ name: f.name, content: f.content })) : [],
  };
}
