/**
 * An ES256 (P-256) signing key with its self-signed certificate. Registries trust it through
 * the certificate in their `rootcertbundle` (x5c route, Distribution 2.8 and 3.x) or through the
 * JWKS / RFC 7638 thumbprint (`kid`, Distribution 3.x).
 */
import crypto, { type KeyObject } from 'node:crypto';

export const SIGNING_ALG = 'ES256';
const CERT_YEARS = 10;

export interface PublicJwk {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: 'sig';
  readonly x5c: readonly string[];
}

export class SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly certificatePem: string;
  /** DER certificate in standard base64 (x5c form). */
  readonly certificateBase64: string;
  readonly jwk: PublicJwk;

  constructor(privateKeyPem: string, certificatePem: string) {
    this.privateKey = crypto.createPrivateKey(privateKeyPem);
    if (
      this.privateKey.asymmetricKeyType !== 'ec' ||
      this.privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
    ) {
      throw new TypeError('signing keys must be EC P-256');
    }
    this.publicKey = crypto.createPublicKey(this.privateKey);
    this.certificatePem = certificatePem.trim();
    const certificate = new crypto.X509Certificate(this.certificatePem);
    if (!certificate.publicKey.equals(this.publicKey))
      throw new TypeError('certificate does not match the signing key');
    this.certificateBase64 = certificate.raw.toString('base64');
    this.kid = thumbprint(this.publicKey);
    const { kty, crv, x, y } = this.publicKey.export({ format: 'jwk' });
    this.jwk = Object.freeze({
      kty: kty!,
      crv: crv!,
      x: x!,
      y: y!,
      kid: this.kid,
      alg: SIGNING_ALG,
      use: 'sig',
      x5c: [this.certificateBase64],
    });
  }

  get privateKeyPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  static async generate(commonName = 'Purser token signer', now = new Date()): Promise<SigningKey> {
    const x509 = await loadX509();
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const spki = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const subtle = crypto.webcrypto.subtle;
    const keys = {
      privateKey: await subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']),
      publicKey: await subtle.importKey('spki', spki, algorithm, true, ['verify']),
    };
    const notAfter = new Date(now);
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERT_YEARS);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: crypto
        .randomBytes(16)
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      name: `CN=${commonName.replace(/[,=+<>#;"\\]/g, ' ')}`,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter,
      keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
          true,
        ),
      ],
    });
    return new SigningKey(
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      certificate.toString('pem'),
    );
  }
}

/** The certificate library is loaded only to make a key (it needs a reflect polyfill). */
async function loadX509(): Promise<typeof import('@peculiar/x509')> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(crypto.webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC public key. */
export function thumbprint(publicKey: KeyObject): string {
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ crv, kty, x, y });
  return crypto.createHash('sha256').update(canonical).digest('base64url');
}
