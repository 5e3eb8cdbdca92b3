/**
 * Fetching the certificate chain a registry presents (trust on first use, shown to the user
 * with fingerprints) and naming its certs.d directory the way Docker and containers look it up:
 * `certs.d/HOST:PORT/`, or `certs.d/HOST/` for port 443.
 */
import crypto from 'node:crypto';
import tls from 'node:tls';
import { Unavailable } from '../domain/errors.ts';
import { hostOf } from '../domain/registry-address.ts';

export interface PresentedCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** Colon-separated upper-case hex of SHA-256(DER). */
  readonly fingerprint256: string;
  readonly selfSigned: boolean;
  readonly pem: string;
}

export interface CertificateChain {
  /** Leaf first. */
  readonly certificates: readonly PresentedCertificate[];
}

export function splitHostPort(address: string): { host: string; port: number } {
  const host = hostOf(address);
  const port = /:(\d+)$/.exec(
    address.startsWith('[') ? address.slice(address.indexOf(']') + 1) : address,
  )?.[1];
  return { host, port: port ? Number(port) : 443 };
}

export function certsDirName(address: string): string {
  const { port } = splitHostPort(address);
  return port === 443 ? address.replace(/:443$/, '') : address;
}

export function formatFingerprint(hex: string): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return clean.match(/.{2}/g)?.join(':') ?? clean;
}

function describe(name: tls.PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

export function fetchCertificateChain(
  address: string,
  options: { servername?: string | undefined; timeoutMs?: number } = {},
): Promise<CertificateChain> {
  const { host, port } = splitHostPort(address);
  const servername = options.servername ?? (/^[0-9.]+$|:/.test(host) ? undefined : host);
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host, port, rejectUnauthorized: false, ...(servername ? { servername } : {}) },
      () => {
        const leaf = socket.getPeerCertificate(true);
        socket.end();
        if (!leaf || !leaf.raw) {
          reject(new Unavailable(`${address} presented no certificate`));
          return;
        }
        const out: PresentedCertificate[] = [];
        const seen = new Set<string>();
        let current: tls.DetailedPeerCertificate | undefined = leaf;
        while (current?.raw && !seen.has(current.fingerprint256)) {
          seen.add(current.fingerprint256);
          const der = current.raw;
          const x509 = new crypto.X509Certificate(der);
          out.push({
            subject: describe(current.subject),
            issuer: describe(current.issuer),
            validFrom: current.valid_from,
            validTo: current.valid_to,
            fingerprint256: current.fingerprint256,
            selfSigned: x509.checkIssued(x509) && x509.verify(x509.publicKey),
            pem: x509.toString(),
          });
          current = current.issuerCertificate;
        }
        resolve({ certificates: out });
      },
    );
    socket.setTimeout(options.timeoutMs ?? 15_000, () => socket.destroy(new Error('timed out')));
    socket.on('error', (error) =>
      reject(new Unavailable(`cannot fetch the certificate of ${address}: ${error.message}`)),
    );
  });
}
