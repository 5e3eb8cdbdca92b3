/**
 * Latency client worker (pinned to the client core): sends requests one after another (a
 * closed loop, so latency is the server's, not a queue's) and reports percentiles.
 * Input (argv[2]): {url, requests: [{path, headers}], count, warmup}. The first `warmup`
 * requests (one pass over `requests` at least) are sent but not recorded.
 * Output: {p50, p99, max, mean, count, failures, firstPass: number[]}.
 */
import { percentile } from './stats.ts';

interface Input {
  url: string;
  requests: { path: string; headers?: Record<string, string> }[];
  count: number;
  warmup: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
let failures = 0;
let failure = '';

async function send(i: number): Promise<number> {
  const request = input.requests[i % input.requests.length]!;
  const started = performance.now();
  const response = await fetch(`${input.url}${request.path}`, { headers: request.headers ?? {} });
  const body = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200) {
    failures++;
    failure = `${request.path}: HTTP ${response.status} ${body.slice(0, 200)}`;
  }
  return elapsed;
}

const firstPass: number[] = [];
for (let i = 0; i < Math.max(input.warmup, input.requests.length); i++) {
  const ms = await send(i);
  if (i < input.requests.length) firstPass.push(ms);
}
const samples: number[] = [];
for (let i = 0; i < input.count; i++) samples.push(await send(i));
process.stdout.write(
  `${JSON.stringify({
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    count: samples.length,
    failures,
    failure,
    firstPassP50: percentile(firstPass, 50),
    firstPassMax: Math.max(...firstPass),
  })}\n`,
);
