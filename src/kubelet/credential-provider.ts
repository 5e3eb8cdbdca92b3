/**
 * `purser-credential-provider`: one kubelet exec-plugin call. The request comes on stdin, the
 * response goes to stdout, and any failure is one line on stderr with a non-zero exit (the
 * kubelet logs stderr and pulls without credentials). The answer is keyed by the image's
 * registry with `cacheKeyType: Registry`, and for an expiring credential `cacheDuration` is half
 * of its remaining lifetime (as the reference ECR plugin does) and never runs past the token's
 * half-life, so the kubelet asks again by the time a fresh token exists.
 */
import { ERROR_DESCRIPTORS, isAuthorityError, Unavailable } from '../domain/errors.ts';
import type { CredentialLookup } from './credential-lookup.ts';
import {
  buildCredentialProviderResponse,
  type CredentialProviderResponse,
  parseCredentialProviderRequest,
} from './credential-provider-protocol.ts';
import { registryOfImage } from './image-match.ts';

export const PROVIDER_NAME = 'purser-credential-provider';

export async function answerCredentialRequest(
  requestText: string,
  lookup: CredentialLookup,
  nowMs: number = Date.now(),
): Promise<CredentialProviderResponse> {
  const request = parseCredentialProviderRequest(requestText);
  const registry = registryOfImage(request.image);
  const found = await lookup.lookup(registry);
  let cacheSeconds: number | undefined;
  if (found?.expiresAt !== undefined) {
    const remaining = found.expiresAt - nowMs / 1000;
    if (remaining <= 0)
      throw new Unavailable(`the credential for ${registry} has expired and could not be renewed`);
    // Half the remaining lifetime (the reference ECR plugin's rule), and never past the point
    // where the source renews the token, so the kubelet picks up the renewed one.
    const untilRefresh = found.refreshAt === undefined ? remaining : found.refreshAt - nowMs / 1000;
    cacheSeconds = Math.max(0, Math.floor(Math.min(remaining / 2, untilRefresh)));
  }
  return buildCredentialProviderResponse({
    apiVersion: request.apiVersion,
    registry,
    credential: found && { username: found.username, password: found.password },
    cacheSeconds,
  });
}

export interface ProviderIo {
  readStdin(): Promise<string>;
  writeStdout(text: string): void;
  writeStderr(text: string): void;
}

/** Runs one call; returns the exit code (0, or the error's CLI exit code). */
export async function runCredentialProvider(
  io: ProviderIo,
  openLookup: () => Promise<CredentialLookup>,
): Promise<number> {
  let lookup: CredentialLookup | undefined;
  try {
    const input = await io.readStdin();
    lookup = await openLookup();
    const response = await answerCredentialRequest(input, lookup);
    io.writeStdout(`${JSON.stringify(response)}\n`);
    return 0;
  } catch (error) {
    // stderr goes to the kubelet's log, like the credential helper's one-line errors.
    const message = isAuthorityError(error) ? error.message : describeUnexpected(error);
    io.writeStderr(`${PROVIDER_NAME}: ${message.split('\n')[0]}\n`);
    return isAuthorityError(error) ? error.descriptor.exit : ERROR_DESCRIPTORS.INTERNAL.exit;
  } finally {
    await lookup?.close?.().catch(() => {});
  }
}

function describeUnexpected(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return `unexpected failure${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Standard streams of the real process. */
export function processProviderIo(): ProviderIo {
  return {
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    writeStdout: (text) => process.stdout.write(text),
    writeStderr: (text) => process.stderr.write(text),
  };
}
