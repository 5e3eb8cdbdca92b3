/**
 * Collects everything a component lets out (pino log lines, results, error messages and causes)
 * so a test can assert that no password or secret is among it.
 */
import assert from 'node:assert/strict';
import pino, { type Logger } from 'pino';

export interface SecretWitness {
  /** A real pino logger (level trace) whose lines are kept. */
  readonly logger: Logger;
  readonly lines: string[];
  /** Keeps a value (a result, an error with its cause chain) as the text it would print as. */
  see(value: unknown): void;
  /** Fails when any of `secrets` appears in anything seen or logged. */
  assertClean(secrets: readonly string[]): void;
}

export function secretWitness(): SecretWitness {
  const lines: string[] = [];
  const seen: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return {
    logger,
    lines,
    see(value) {
      seen.push(render(value));
    },
    assertClean(secrets) {
      const everything = [...lines, ...seen].join('\n');
      for (const secret of secrets) {
        assert.ok(
          !everything.includes(secret),
          `a secret leaked (${secret.length} chars) into:\n${everything}`,
        );
      }
    },
  };
}

function render(value: unknown, depth = 0): string {
  if (value instanceof Error) {
    const own = JSON.stringify({ ...value });
    const cause = depth < 5 && value.cause !== undefined ? `\ncause: ${render(value.cause, depth + 1)}` : '';
    return `${value.name}: ${value.message}\n${value.stack ?? ''}\n${own}${cause}`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
