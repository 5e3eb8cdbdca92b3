// Load-generator worker (runs pinned to the client core): one autocannon run, result as JSON on
// stdout. Plain JavaScript so it starts without the TypeScript loader. Input (argv[2]): a
// LoadSpec (see http-load.ts). A `{n}` in `body` or `path` is replaced by a counter starting at
// `counterStart`, so every request can carry a different value (e.g. a different user). A `{c}`
// cycles through `cycle.start` .. `cycle.start + cycle.length - 1` with the same counter (the
// same users again, while `{n}` keeps the scopes distinct). With `amount`, the run ends after
// that many requests instead of `durationSeconds`, and rates are per elapsed second. `basic`
// ({user, password}, templated the same way) sends a Basic Authorization header per request.
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2] ?? '{}');
let counter = spec.counterStart ?? 0;
const placeholders = (text) => text !== undefined && (text.includes('{n}') || text.includes('{c}'));
const templated = placeholders(spec.body) || placeholders(spec.path) || spec.basic !== undefined;
const fill = (text, n) => {
  const filled = text.replaceAll('{n}', String(n));
  return spec.cycle ? filled.replaceAll('{c}', String(spec.cycle.start + (n % spec.cycle.length))) : filled;
};

const request = { method: spec.method, path: spec.path, headers: spec.headers };
if (spec.body !== undefined) request.body = spec.body;
if (templated) {
  request.setupRequest = (req) => {
    const n = counter++;
    const next = { ...req, path: fill(spec.path, n) };
    if (spec.body !== undefined) next.body = fill(spec.body, n);
    if (spec.basic !== undefined) {
      const credentials = `${fill(spec.basic.user, n)}:${spec.basic.password}`;
      next.headers = {
        ...req.headers,
        authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
      };
    }
    return next;
  };
}

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationSeconds }),
  requests: [request],
});
// autocannon's `duration` in the result is the elapsed time in seconds.
const elapsedSeconds = spec.amount ? result.duration : spec.durationSeconds;

process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    total2xx: result['2xx'],
    perSecond2xx: result['2xx'] / elapsedSeconds,
    elapsedSeconds,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.average,
    counterEnd: counter,
  })}\n`,
);
