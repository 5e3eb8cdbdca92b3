/**
 * Throwaway self-signed certificates for tests (a P-256 key and certificate made by openssl;
 * callers check `requireBinary(t, 'openssl')` first).
 */
import { join } from 'node:path';
import { describeResult, run } from './proc.ts';

export interface SelfSigned {
  readonly keyFile: string;
  readonly certFile: string;
}

export async function selfSignedCertificate(
  dir: string,
  options: { commonName: string; subjectAltName?: string; days?: number; name?: string },
): Promise<SelfSigned> {
  const name = options.name ?? 'cert';
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  const result = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    String(options.days ?? 2),
    '-subj',
    `/CN=${options.commonName}`,
    ...(options.subjectAltName ? ['-addext', `subjectAltName=${options.subjectAltName}`] : []),
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  if (result.code !== 0) throw new Error(`openssl could not make a certificate: ${describeResult(result)}`);
  return { keyFile, certFile };
}
