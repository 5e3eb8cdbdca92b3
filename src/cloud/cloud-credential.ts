/**
 * A vault cloud credential's material: the long-lived part the vault seals as the credential's
 * secret (JSON), from which the providers mint short-lived registry tokens. `parseCloudMaterial`
 * checks it once when it is stored and again when it is opened; `providerFor` builds the
 * provider. The material holds secrets (an AWS secret key, a private key, a client secret): it
 * never leaves the vault except into a provider.
 */
import type { CloudCredentialKind } from '../domain/cloud-kind.cts';
import { BadRequest } from '../domain/errors.ts';
import { AcrTokenProvider } from './acr-token-provider.ts';
import {
  ACR_REFRESH_TOKEN_USERNAME,
  type CloudTokenProvider,
  ECR_USERNAME,
  GCP_ACCESS_TOKEN_USERNAME,
} from './cloud-token.ts';
import { EcrTokenProvider } from './ecr-token-provider.ts';
import { isLoopbackHost, requireSecureUrl } from './endpoint-url.ts';
import { GcpTokenProvider, parseServiceAccountKey } from './gcp-token-provider.ts';

export interface EcrMaterial {
  readonly kind: 'ecr';
  readonly region: string;
  /** With `secretAccessKey`; neither, with no profile, means the SDK's default chain. */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly profile?: string;
  readonly roleArn?: string;
  /** `--aws-endpoint`; absent: the SDK's AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL, else AWS. */
  readonly endpoint?: string;
}

export interface GcpMaterial {
  readonly kind: 'gcp';
  /** The service-account JSON key file's content. */
  readonly keyJson: string;
}

export interface AcrMaterial {
  readonly kind: 'acr';
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** `--azure-authority`; absent: the public cloud's. */
  readonly authority?: string;
}

export type CloudMaterial = EcrMaterial | GcpMaterial | AcrMaterial;

/** The user name a registry expects with each kind's minted token. */
export const CLOUD_USERNAMES: Readonly<Record<CloudCredentialKind, string>> = {
  ecr: ECR_USERNAME,
  gcp: GCP_ACCESS_TOKEN_USERNAME,
  acr: ACR_REFRESH_TOKEN_USERNAME,
};

/** Validates material (typed input or the opened secret); throws BadRequest naming the field. */
export function parseCloudMaterial(kind: CloudCredentialKind, value: unknown): CloudMaterial {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest(`the ${kind} credential material is not a JSON object`);
  const v = value as Record<string, unknown>;
  const text = (name: string, required: boolean): string | undefined => {
    const field = v[name];
    if (field === undefined || field === null || field === '') {
      if (required) throw new BadRequest(`the ${kind} credential needs ${name}`);
      return undefined;
    }
    if (typeof field !== 'string') throw new BadRequest(`the ${kind} credential's ${name} must be a string`);
    return field;
  };
  if (kind === 'ecr') {
    const region = text('region', true)!;
    const accessKeyId = text('accessKeyId', false);
    const secretAccessKey = text('secretAccessKey', false);
    const profile = text('profile', false);
    const roleArn = text('roleArn', false);
    const endpoint = text('endpoint', false);
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
      throw new BadRequest('an access key id and a secret access key go together');
    if (accessKeyId !== undefined && profile !== undefined)
      throw new BadRequest('give an access key or a profile, not both');
    if (endpoint !== undefined) requireSecureUrl(endpoint, 'the ECR endpoint');
    return {
      kind,
      region,
      ...(accessKeyId !== undefined ? { accessKeyId, secretAccessKey: secretAccessKey! } : {}),
      ...(profile !== undefined ? { profile } : {}),
      ...(roleArn !== undefined ? { roleArn } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
    };
  }
  if (kind === 'gcp') {
    const keyJson = text('keyJson', true)!;
    parseServiceAccountKey(keyJson);
    return { kind, keyJson };
  }
  const authority = text('authority', false);
  if (authority !== undefined) requireSecureUrl(authority, 'the Azure authority');
  return {
    kind,
    tenantId: text('tenantId', true)!,
    clientId: text('clientId', true)!,
    clientSecret: text('clientSecret', true)!,
    ...(authority !== undefined ? { authority } : {}),
  };
}

/** The material as the vault seals it. */
export function serializeCloudMaterial(material: CloudMaterial): string {
  return JSON.stringify(material);
}

/** The material from the opened secret (BadRequest when it is not valid material). */
export function openCloudMaterial(kind: CloudCredentialKind, secret: string): CloudMaterial {
  let value: unknown;
  try {
    value = JSON.parse(secret);
  } catch {
    throw new BadRequest(`the stored ${kind} credential is not valid material (add it again)`);
  }
  return parseCloudMaterial(kind, value);
}

/**
 * The provider minting tokens for the registry at `address` (`host[:port]`). An ACR registry
 * on loopback (a test or a local registry) is asked over http, any other over https.
 */
export function providerFor(address: string, material: CloudMaterial): CloudTokenProvider {
  if (material.kind === 'ecr') {
    const credentials =
      material.accessKeyId !== undefined
        ? { accessKeyId: material.accessKeyId, secretAccessKey: material.secretAccessKey! }
        : material.profile !== undefined
          ? { profile: material.profile }
          : { defaultChain: true as const };
    return new EcrTokenProvider({
      region: material.region,
      credentials,
      roleArn: material.roleArn,
      endpoint: material.endpoint,
    });
  }
  if (material.kind === 'gcp') return new GcpTokenProvider({ keyJson: material.keyJson });
  const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return new AcrTokenProvider({
    registry: address,
    tenantId: material.tenantId,
    clientId: material.clientId,
    clientSecret: material.clientSecret,
    authority: material.authority,
    registryUrl: `${isLoopbackHost(host) ? 'http' : 'https'}://${address}`,
  });
}
