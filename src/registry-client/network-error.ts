/**
 * Why a request to a registry or token server failed, from the innermost cause (fetch only says
 * "fetch failed"), with a hint when the peer's certificate is not trusted.
 */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What went wrong below fetch's "fetch failed", with a hint when it is the certificate. */
export function networkReason(error: unknown): string {
  let innermost = error as { message?: string; code?: string; cause?: unknown } | undefined;
  while (innermost?.cause && typeof innermost.cause === 'object')
    innermost = innermost.cause as typeof innermost;
  const message = innermost?.message ?? String(error);
  const code = innermost?.code;
  if (code && CERTIFICATE_CODES.has(code))
    return `${message} (${code}): its certificate is not trusted; mark the registry insecure to skip verification, or trust its CA (NODE_EXTRA_CA_CERTS)`;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
