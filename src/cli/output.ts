/**
 * The CLI's one renderer. Commands return a CommandResult (the data `--json` prints, the blocks
 * people read, an exit status); this module turns it into bytes on stdout and stderr, and is the
 * one place that turns errors into messages and exit codes (docs/errors.md).
 */
import { AuthorityError, type AuthorityErrorCode, ERROR_DESCRIPTORS } from '../domain/errors.ts';

/** Thrown by a command that has already said what went wrong and wants a given exit code. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

/** The exit status docs/errors.md gives an error code, for commands that end without throwing. */
export const exitStatus = (code: AuthorityErrorCode): number => ERROR_DESCRIPTORS[code].exit;

type Rows = readonly (readonly string[])[];

/** One piece of human output; `to: 'stderr'` for confirmations, notes and warnings. */
export type Block =
  | { readonly kind: 'text'; readonly text: string; readonly to?: 'stderr' }
  | {
      readonly kind: 'table';
      readonly headers: readonly string[];
      readonly rows: Rows;
      readonly to?: 'stderr';
    }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

export interface CommandResult<T = unknown> {
  /** What `--json` prints (pretty JSON on stdout); the blocks are then not printed. */
  readonly data?: T;
  /** What people read, in order. */
  readonly blocks?: readonly Block[];
  /** A non-zero exit status, with the reason printed as `purser: message` after the output. */
  readonly exit?: { readonly code: number; readonly message?: string };
}

/** Text as is (a final newline is added when missing; '' prints nothing). */
export const text = (value: string): Block => ({ kind: 'text', text: value });
/** A line on stderr: confirmations ("created user bob"), notes, progress. */
export const note = (value: string): Block => ({ kind: 'text', text: value, to: 'stderr' });
/** `purser: warning: …` on stderr. */
export const warning = (value: string): Block => note(`purser: warning: ${value}`);
export const table = (headers: readonly string[], rows: Rows): Block => ({ kind: 'table', headers, rows });
export const bytes = (value: Uint8Array): Block => ({ kind: 'bytes', bytes: value });
/** A generated secret: alone on stdout (for `| gh secret set`), its label on stderr. */
export const secretOnce = (secret: string | undefined): Block[] =>
  secret ? [note('its secret (shown only now):'), text(secret)] : [];
/** `key:   value` lines with the values aligned at `width` (default: longest key + 2). */
export function fields(pairs: readonly (readonly [string, string])[], width?: number): Block {
  const pad = width ?? Math.max(0, ...pairs.map(([k]) => k.length + 2));
  return text(pairs.map(([k, v]) => `${`${k}:`.padEnd(pad)}${v}`).join('\n'));
}

export interface RenderTarget {
  readonly stdout: { write(chunk: string | Uint8Array): unknown };
  readonly stderr: { write(chunk: string | Uint8Array): unknown };
}

/**
 * Prints a result: its JSON with `json`, its blocks otherwise (each block one write); then
 * throws ExitError for a non-zero exit so the entry point reports it.
 */
export function render(
  result: CommandResult,
  options: { json: boolean },
  target: RenderTarget = process,
): void {
  if (options.json && result.data !== undefined) {
    target.stdout.write(`${JSON.stringify(result.data, null, 2)}\n`);
  } else {
    for (const block of result.blocks ?? []) {
      if (block.kind === 'bytes') target.stdout.write(block.bytes);
      else (block.to === 'stderr' ? target.stderr : target.stdout).write(renderBlock(block));
    }
  }
  if (result.exit && result.exit.code !== 0) throw new ExitError(result.exit.code, result.exit.message);
}

function renderBlock(block: Exclude<Block, { kind: 'bytes' }>): string {
  if (block.kind === 'table') return renderTable(block.headers, block.rows);
  if (block.text === '') return '';
  return block.text.endsWith('\n') ? block.text : `${block.text}\n`;
}

/** Rows as an aligned table with a header; the last column is not padded. */
export function renderTable(headers: readonly string[], rows: Rows): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [headers, ...rows].map((cells) => `${line(cells)}\n`).join('');
}

/** The message and exit code of a failure (docs/errors.md); unexpected errors are exit 1. */
export function reportFailure(error: unknown, stderr: RenderTarget['stderr'] = process.stderr): number {
  if (error instanceof ExitError) {
    if (error.message) stderr.write(`purser: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof AuthorityError && (error.expose || error.code === 'UNAVAILABLE')) {
    stderr.write(`purser: ${error.message}\n`);
    return error.descriptor.exit;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`purser: unexpected error: ${message}\n`);
  if (process.env.PURSER_DEBUG) stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  return 1;
}

/** True for the error a write gets when the reader of a pipe has gone (`purser … | head -1`). */
export function isClosedPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}
