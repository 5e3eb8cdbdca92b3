/**
 * Reading passwords and secrets the safe ways: standard input, a file, or a hidden prompt in a
 * terminal; never the command line, where `ps` and shell history would keep them.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { BadRequest } from '../domain/errors.ts';
import { ExitError } from './output.ts';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Like `docker login --password-stdin`: one trailing newline (and CR) removed. */
export function trimSecret(text: string): string {
  return text.replace(/\n$/, '').replace(/\r$/, '');
}

export interface SecretSourceOptions {
  readonly passwordStdin?: boolean | undefined;
  readonly passwordFile?: string | undefined;
}

/** `--password-stdin` or `--password-file FILE` (vault credentials, `purser login`). */
export async function readSecretOption(
  options: SecretSourceOptions,
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

/** `--secret-stdin` of services and robots. */
export async function readSecretStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new BadRequest('--secret-stdin needs the secret on standard input');
  const secret = trimSecret(await readStdin());
  if (secret === '') throw new BadRequest('the secret on standard input is empty');
  return secret;
}

/** A user's password: `--password-stdin`, else a hidden prompt in a terminal; `required` refuses going without. */
export async function readPassword(
  options: { readonly passwordStdin?: boolean | undefined },
  required: boolean,
): Promise<string | undefined> {
  if (options.passwordStdin) {
    if (process.stdin.isTTY)
      throw new BadRequest(
        '--password-stdin needs the password on standard input (e.g. echo "$PASSWORD" | purser …)',
      );
    const password = trimSecret(await readStdin());
    if (password === '') throw new BadRequest('the password on standard input is empty');
    return password;
  }
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const first = await promptHidden('Password: ');
    const second = await promptHidden('Repeat password: ');
    if (first !== second) throw new BadRequest('the passwords do not match');
    if (first === '') throw new BadRequest('empty password');
    return first;
  }
  if (required)
    throw new BadRequest(
      'give the password with --password-stdin (or run in a terminal to be asked); it is never accepted as an argument',
    );
  return undefined;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // readline echoes what is typed through _writeToOutput: show the question only.
    const output = rl as unknown as { _writeToOutput: (text: string) => void };
    let asked = false;
    output._writeToOutput = (text: string) => {
      if (!asked) {
        asked = true;
        process.stderr.write(text);
      }
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      reject(new ExitError(130, 'cancelled'));
    });
  });
}
