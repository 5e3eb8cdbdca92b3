// Load-generator worker (runs pinned to the client core): one autocannon run, result as JSON on
// stdout. Plain JavaScript so it starts without the TypeScript loader. Input (argv[2]): a
// LoadSpec (see http-load.ts). A `{n}` in `body` or `path` is replaced by a counter starting at
// `counterStart`, so every request can carry a different value (e.g. a different user).
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2] ?? '{}');
let counter = spec.counterStart ?? 0;
const templated = (spec.body?.includes('{n}') ?? false) || spec.path.includes('{n}');

const request = { method: spec.method, path: spec.path, headers: spec.headers };
if (spec.body !== undefined) request.body = spec.body;
if (templated) {
  request.setupRequest = (req) => {
    const n = String(counter++);
    const next = { ...req, path: spec.path.replaceAll('{n}', n) };
    if (spec.body !== undefined) next.body = spec.body.replaceAll('{n}', n);
    return next;
  };
}

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  requests: [request],
});

process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    total2xx: result['2xx'],
    perSecond2xx: result['2xx'] / spec.durationSeconds,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.average,
    counterEnd: counter,
  })}\n`,
);
