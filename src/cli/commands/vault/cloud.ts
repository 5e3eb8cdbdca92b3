/**
 * `purser vault add ADDRESS --kind ecr|gcp|acr`: the cloud material from the command's flags.
 * Secrets come from files (or standard input), never from the command line.
 */
import fs from 'node:fs';
import type { CloudMaterial } from '../../../cloud/cloud-credential.ts';
import type { CloudCredentialKind } from '../../../domain/cloud-kind.cts';
import { BadRequest } from '../../../domain/errors.ts';
import { readSecretOption, type SecretSourceOptions, trimSecret } from '../../secret-input.ts';

export interface CloudOptions extends SecretSourceOptions {
  readonly awsRegion?: string;
  readonly awsAccessKeyId?: string;
  readonly awsSecretAccessKeyFile?: string;
  readonly awsProfile?: string;
  readonly awsRoleArn?: string;
  readonly awsEndpoint?: string;
  readonly azureTenant?: string;
  readonly azureClientId?: string;
  readonly azureClientSecretFile?: string;
  readonly azureAuthority?: string;
}

const AWS_FLAGS = [
  ['awsRegion', '--aws-region'],
  ['awsAccessKeyId', '--aws-access-key-id'],
  ['awsSecretAccessKeyFile', '--aws-secret-access-key-file'],
  ['awsProfile', '--aws-profile'],
  ['awsRoleArn', '--aws-role-arn'],
  ['awsEndpoint', '--aws-endpoint'],
] as const;
const AZURE_FLAGS = [
  ['azureTenant', '--azure-tenant'],
  ['azureClientId', '--azure-client-id'],
  ['azureClientSecretFile', '--azure-client-secret-file'],
  ['azureAuthority', '--azure-authority'],
] as const;

/** The flags of the other kinds, refused so that a typo of --kind is not silently ignored. */
export function refuseCloudFlags(kind: string, options: CloudOptions, allowed: readonly string[] = []): void {
  for (const [key, flag] of [...AWS_FLAGS, ...AZURE_FLAGS])
    if (options[key] !== undefined && !allowed.includes(flag))
      throw new BadRequest(`${flag} does not apply to --kind ${kind}`);
}

export async function cloudMaterial(
  kind: CloudCredentialKind,
  options: CloudOptions,
): Promise<CloudMaterial> {
  if (kind === 'ecr') {
    refuseCloudFlags(
      kind,
      options,
      AWS_FLAGS.map(([, flag]) => flag),
    );
    if (options.passwordStdin || options.passwordFile)
      throw new BadRequest(
        '--kind ecr takes the secret access key with --aws-secret-access-key-file, not --password-stdin/--password-file',
      );
    if (!options.awsRegion) throw new BadRequest('--kind ecr needs --aws-region (e.g. eu-west-1)');
    if ((options.awsAccessKeyId === undefined) !== (options.awsSecretAccessKeyFile === undefined))
      throw new BadRequest('--aws-access-key-id and --aws-secret-access-key-file go together');
    if (options.awsAccessKeyId !== undefined && options.awsProfile !== undefined)
      throw new BadRequest(
        'give either --aws-access-key-id with --aws-secret-access-key-file, or --aws-profile',
      );
    return {
      kind,
      region: options.awsRegion,
      ...(options.awsAccessKeyId !== undefined
        ? {
            accessKeyId: options.awsAccessKeyId,
            secretAccessKey: readSecretFile(options.awsSecretAccessKeyFile!, '--aws-secret-access-key-file'),
          }
        : {}),
      ...(options.awsProfile !== undefined ? { profile: options.awsProfile } : {}),
      ...(options.awsRoleArn !== undefined ? { roleArn: options.awsRoleArn } : {}),
      ...(options.awsEndpoint !== undefined ? { endpoint: options.awsEndpoint } : {}),
    };
  }
  if (kind === 'gcp') {
    refuseCloudFlags(kind, options);
    const keyJson = await readSecretOption(options, false);
    if (keyJson === undefined)
      throw new BadRequest('--kind gcp needs the service-account JSON key: --password-file KEY.json');
    return { kind, keyJson };
  }
  refuseCloudFlags(
    kind,
    options,
    AZURE_FLAGS.map(([, flag]) => flag),
  );
  if (!options.azureTenant) throw new BadRequest('--kind acr needs --azure-tenant (the Entra ID tenant id)');
  if (!options.azureClientId)
    throw new BadRequest("--kind acr needs --azure-client-id (the service principal's application id)");
  const clientSecret =
    options.azureClientSecretFile !== undefined
      ? readSecretFile(options.azureClientSecretFile, '--azure-client-secret-file')
      : await readSecretOption(options, false);
  if (clientSecret === undefined)
    throw new BadRequest("--kind acr needs the service principal's secret: --azure-client-secret-file FILE");
  return {
    kind,
    tenantId: options.azureTenant,
    clientId: options.azureClientId,
    clientSecret,
    ...(options.azureAuthority !== undefined ? { authority: options.azureAuthority } : {}),
  };
}

function readSecretFile(file: string, flag: string): string {
  let text: string;
  try {
    text = trimSecret(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BadRequest(`${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (text === '') throw new BadRequest(`${flag}: ${file} is empty`);
  return text;
}
