/** Reading a secret the safe ways: standard input or a file, never the command line. */
import fs from 'node:fs';
import { BadRequest } from '../../../domain/errors.ts';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Like `docker login --password-stdin`: one trailing newline (and CR) removed. */
export function trimSecret(text: string): string {
  return text.replace(/\n$/, '').replace(/\r$/, '');
}

export async function readSecretOption(
  options: Record<string, unknown>,
  required: boolean,
): Promise<string | undefined> {
  if (options.passwordStdin && options.passwordFile)
    throw new BadRequest('use either --password-stdin or --password-file, not both');
  if (options.passwordStdin) {
    if (process.stdin.isTTY)
      throw new BadRequest(
        '--password-stdin needs the secret on standard input (e.g. `echo "$PASSWORD" | purser …`)',
      );
    return trimSecret(await readStdin());
  }
  if (typeof options.passwordFile === 'string') {
    try {
      return trimSecret(fs.readFileSync(options.passwordFile, 'utf8'));
    } catch (error) {
      throw new BadRequest(
        `cannot read ${options.passwordFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  if (required)
    throw new BadRequest(
      'give the secret with --password-stdin or --password-file (it is never accepted as an argument)',
    );
  return undefined;
}
