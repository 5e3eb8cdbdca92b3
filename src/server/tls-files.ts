/**
 * The certificate and key of `tls:` read from their files, checked as a pair before use, so a
 * SIGHUP with a broken or mismatched file keeps the certificate in use instead of breaking
 * every new connection.
 */
import fs from 'node:fs';
import tls from 'node:tls';
import type { TlsFiles } from '../config/serving.ts';
import { ConfigInvalid } from '../domain/errors.ts';

export interface TlsMaterial {
  readonly key: Buffer;
  readonly cert: Buffer;
  readonly ca?: Buffer | undefined;
}

export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const problems: string[] = [];
  const read = (file: string, key: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (error) {
      problems.push(`${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return Buffer.alloc(0);
    }
  };
  const material = {
    cert: read(files.certFile, 'tls.cert_file'),
    key: read(files.keyFile, 'tls.key_file'),
    ca: files.caFile === undefined ? undefined : read(files.caFile, 'tls.ca_file'),
  };
  if (problems.length > 0) throw new ConfigInvalid(problems);
  try {
    tls.createSecureContext(material);
  } catch (error) {
    // OpenSSL's reason (key values mismatch, no start line): no secret in it.
    throw new ConfigInvalid([`tls: the certificate and key cannot be used: ${(error as Error).message}`]);
  }
  return material;
}
