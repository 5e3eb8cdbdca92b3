/**
 * Purser's logger: pino, JSON lines on stdout in production (one format per stream), human
 * lines when stdout is a terminal. A key a log call passes that pino writes itself (level, time,
 * pid, hostname, msg) is renamed with a trailing `_`, so no line has a key twice.
 */
import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';

/** Fields whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  'secret',
  'token',
  'refresh_token',
  '*.password',
  '*.secret',
  '*.token',
  '*.refresh_token',
];

const PINO_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

export type LogFormat = 'json' | 'human';

/** Human lines for a terminal, JSON lines for everything else (journald, a collector, a file). */
export function logFormatFor(stream: { readonly isTTY?: boolean }): LogFormat {
  return stream.isTTY === true ? 'human' : 'json';
}

export function createLogger(
  level: string,
  options: { readonly format?: LogFormat; readonly destination?: NodeJS.WritableStream } = {},
): Logger {
  const out = options.destination ?? process.stdout;
  const format = options.format ?? logFormatFor(out as { isTTY?: boolean });
  const destination: DestinationStream =
    format === 'human' ? humanStream(out) : (out as unknown as DestinationStream);
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { log: renameReserved },
    },
    destination,
  );
}

function renameReserved(object: Record<string, unknown>): Record<string, unknown> {
  let renamed: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    if (!PINO_KEYS.has(key)) continue;
    renamed ??= { ...object };
    renamed[`${key}_`] = renamed[key];
    delete renamed[key];
  }
  return renamed ?? object;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** `12:34:56.789 INFO  purser listening url=http://127.0.0.1:5001 kid=ABCD`, from a JSON line. */
export function humanLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, pid: _pid, hostname: _hostname, ...rest } = entry;
  const when = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const name = (LEVEL_NAMES[level as number] ?? String(level)).padEnd(5);
  const fields = Object.entries(rest).map(([key, value]) => `${key}=${humanValue(value)}`);
  return [when, name, typeof msg === 'string' ? msg : '', ...fields].filter((p) => p !== '').join(' ');
}

function humanValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value && 'stack' in value) {
    const err = value as { type?: string; message?: string; stack?: string };
    return `${JSON.stringify(`${err.type ?? 'Error'}: ${err.message ?? ''}`)}\n${err.stack ?? ''}`;
  }
  return JSON.stringify(value);
}

function humanStream(out: NodeJS.WritableStream): DestinationStream {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        out.write(`${humanLine(pending.slice(0, newline))}\n`);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      callback();
    },
  }) as unknown as DestinationStream;
}
