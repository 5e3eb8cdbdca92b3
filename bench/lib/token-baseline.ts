/**
 * The token scenarios' same-run limit: a bare Fastify route's req/s (server on the server core,
 * autocannon on the client core, 50 connections) combined with raw node:crypto ES256 signs/s on
 * the server core, as 1/(1/a + 1/b). Its runs are interleaved with the measured runs (see
 * token-scenario.ts), so noise from other processes hits both alike.
 */
import { fileURLToPath } from 'node:url';
import { runJsonChild, SERVER_CORE, type ServerChild, startServerChild } from './processes.ts';

const BARE = fileURLToPath(new URL('./bare-fastify-entry.ts', import.meta.url));
const CRYPTO = fileURLToPath(new URL('./crypto-worker.ts', import.meta.url));

/** Fastify with one GET /json route, pinned to the server core. */
export function startBareFastify(): Promise<ServerChild> {
  return startServerChild(BARE, [], { core: SERVER_CORE });
}

/** Raw ES256 JWS signs/s on the server core, one figure per run. */
export async function es256Signs(seconds: number, runs: number): Promise<number[]> {
  const result = await runJsonChild<{ perSecond: number[] }>(
    CRYPTO,
    { kind: 'es256-sign', seconds, runs },
    { core: SERVER_CORE },
  );
  return result.perSecond;
}
