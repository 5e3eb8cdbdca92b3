/**
 * Micro-benchmark worker (runs pinned to the server core). Input (argv[2]):
 *  - {kind: 'es256-sign', seconds, runs}: raw node:crypto ES256 JWS signs/s, the same
 *    construction as src/token/issuer.ts (base64url header.payload, ieee-p1363 signature);
 *  - {kind: 'argon2-verify', seconds, runs, inFlight}: @node-rs/argon2 verifications/s of a
 *    correct password, with the parameters of src/identity/password.ts (hashPassword), kept
 *    `inFlight` deep like a server under load (the threadpool inherits the pin).
 * Output: {perSecond: number[]} (one figure per run).
 */
import { verify as argonVerify } from '@node-rs/argon2';
import { hashPassword } from '../../src/identity/password.ts';
import { es256TokenSigner } from './es256-jws.ts';

interface Input {
  kind: 'es256-sign' | 'argon2-verify';
  seconds: number;
  runs: number;
  inFlight?: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;

function es256Run(seconds: number): number {
  const sign = es256TokenSigner();
  if (Buffer.from(sign().split('.')[2]!, 'base64url').length !== 64)
    throw new Error('unexpected signature length (not raw r||s)');
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++) {
      sign();
      count++;
    }
  }
  return count / seconds;
}

async function argonRun(hash: string, seconds: number, inFlight: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      if (!(await argonVerify(hash, 'bench-password'))) throw new Error('argon2 verify failed');
      count++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return count / ((performance.now() - started) / 1000);
}

const perSecond: number[] = [];
if (input.kind === 'es256-sign') {
  es256Run(Math.min(0.5, input.seconds)); // warm-up
  for (let i = 0; i < input.runs; i++) perSecond.push(es256Run(input.seconds));
} else {
  const hash = await hashPassword('bench-password');
  await argonRun(hash, Math.min(1, input.seconds), input.inFlight ?? 4); // warm-up
  for (let i = 0; i < input.runs; i++)
    perSecond.push(await argonRun(hash, input.seconds, input.inFlight ?? 4));
}
process.stdout.write(`${JSON.stringify({ perSecond })}\n`);
