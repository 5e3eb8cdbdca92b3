/**
 * Where the master key comes from: PURSER_MASTER_KEY (base64 or hex of 32 bytes), else the
 * file named by PURSER_MASTER_KEY_FILE, else `<data>/master.key`, generated on first use (0600).
 * A key file holds one key per line, current first; older lines open values sealed before a
 * rotation.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigInvalid } from '../domain/errors.ts';
import { SecretBox } from './secret-box.ts';

export interface MasterKeySource {
  readonly kind: 'env' | 'file' | 'generated';
  readonly file?: string;
}

export function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const buffer = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (buffer.length !== 32) {
    throw new ConfigInvalid([
      `${where}: the master key must be 32 bytes, written as base64 or 64 hex digits`,
    ]);
  }
  return buffer;
}

export function masterKeyFile(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.PURSER_MASTER_KEY_FILE ?? path.join(dataDir, 'master.key');
}

export function readKeyFile(file: string): Buffer[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, index) => decodeKey(line, `${file}:${index + 1}`));
}

/** Writes a key file atomically with mode 0600. */
export function writeKeyFile(file: string, keys: readonly Buffer[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${keys.map((k) => k.toString('base64')).join('\n')}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function loadSecretBox(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { box: SecretBox; source: MasterKeySource } {
  if (env.PURSER_MASTER_KEY) {
    const keys = env.PURSER_MASTER_KEY.split(',').map((k, i) => decodeKey(k, `PURSER_MASTER_KEY[${i}]`));
    return { box: new SecretBox(keys), source: { kind: 'env' } };
  }
  const file = masterKeyFile(dataDir, env);
  if (fs.existsSync(file)) {
    return { box: new SecretBox(readKeyFile(file), () => readKeyFile(file)), source: { kind: 'file', file } };
  }
  if (env.PURSER_MASTER_KEY_FILE) {
    throw new ConfigInvalid([`PURSER_MASTER_KEY_FILE: ${file} does not exist`]);
  }
  const key = crypto.randomBytes(32);
  writeKeyFile(file, [key]);
  return { box: new SecretBox([key], () => readKeyFile(file)), source: { kind: 'generated', file } };
}
