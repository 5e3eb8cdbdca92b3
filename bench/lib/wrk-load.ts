/**
 * HTTP load with wrk (Debian package `wrk`, C, lighter than autocannon): one thread, N
 * connections, a Lua script that sends the request, with `{n}` in the path replaced by a
 * counter so every request can differ. Parses wrk's own summary (requests, non-2xx, errors,
 * latency percentiles with --latency).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchTemp } from './dataset.ts';
import { pinned, track } from './processes.ts';

export interface WrkSpec {
  readonly url: string;
  /** Request path; `{n}` becomes a counter. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Core to pin wrk to; null (default) leaves it free. */
  readonly core?: number | null;
}

export interface WrkResult {
  readonly requests: number;
  /** 2xx responses per second of the run. */
  readonly perSecond2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

function luaString(text: string): string {
  return JSON.stringify(text); // a JSON string is a valid Lua string literal for ASCII text
}

function script(spec: WrkSpec): string {
  const [before, ...rest] = spec.path.split('{n}');
  const pieces = [luaString(before ?? ''), ...rest.map((p) => `counter .. ${luaString(p)}`)].join(' .. ');
  const headers = Object.entries(spec.headers ?? {})
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  return `${headers}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", ${pieces})
end
`;
}

/** "1.23ms", "850.00us", "1.02s" -> milliseconds. */
function milliseconds(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === 'us' ? n / 1000 : match[2] === 'ms' ? n : match[2] === 's' ? n * 1000 : n * 60_000;
}

export function parseWrk(output: string, durationSeconds: number): WrkResult {
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const percentile = (p: string) =>
    milliseconds(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '');
  if (!Number.isFinite(requests)) throw new Error(`wrk printed no summary: ${output.slice(-500)}`);
  return {
    requests,
    perSecond2xx: (requests - non2xx) / durationSeconds,
    non2xx,
    errors,
    latencyP50Ms: percentile('50'),
    latencyP99Ms: percentile('99'),
  };
}

export function wrk(spec: WrkSpec): Promise<WrkResult> {
  const file = path.join(benchTemp('wrk'), 'request.lua');
  writeFileSync(file, script(spec));
  const [command, args] = pinned(spec.core ?? null, 'wrk', [
    '-t1',
    `-c${spec.connections}`,
    `-d${spec.durationSeconds}s`,
    '--latency',
    '-s',
    file,
    spec.url,
  ]);
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`wrk exited with ${code}: ${output.slice(-1000)}`));
        return;
      }
      try {
        resolve(parseWrk(output, spec.durationSeconds));
      } catch (error) {
        reject(error);
      }
    });
  });
}
