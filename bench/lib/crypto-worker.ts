/**
 * Micro-benchmark worker (runs pinned to the server core). Input (argv[2]):
 *  - {kind: 'es256-sign', seconds, runs}: raw node:crypto ES256 JWS signs/s, the same
 *    construction as src/token/issuer.ts (base64url header.payload, ieee-p1363 signature);
 *  - {kind: 'argon2-verify', seconds, runs, inFlight}: @node-rs/argon2 verifications/s of a
 *    correct password, with the parameters of src/identity/password.ts (hashPassword), kept
 *    `inFlight` deep like a server under load (the threadpool inherits the pin).
 * Output: {perSecond: number[]} (one figure per run).
 */
import crypto from 'node:crypto';
import { verify as argonVerify } from '@node-rs/argon2';
import { hashPassword } from '../../src/identity/password.ts';

interface Input {
  kind: 'es256-sign' | 'argon2-verify';
  seconds: number;
  runs: number;
  inFlight?: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;

function es256Run(seconds: number): number {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const header = Buffer.from(
    JSON.stringify({
      alg: 'ES256',
      typ: 'JWT',
      kid: 'ABCD:EFGH:IJKL:MNOP:QRST:UVWX:YZ23:4567:ABCD:EFGH:IJKL:MNOP',
    }),
  ).toString('base64url');
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++) {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: 'purser-bench',
        sub: 'u1',
        aud: 'registry.bench',
        exp: now + 300,
        nbf: now - 1,
        iat: now,
        jti: crypto.randomBytes(16).toString('base64url'),
        access: [{ type: 'repository', name: 'groups/g1/app', actions: ['pull', 'push'] }],
      };
      const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      const signature = crypto.sign('sha256', Buffer.from(signingInput), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      if (signature.length !== 64) throw new Error('unexpected signature length');
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
