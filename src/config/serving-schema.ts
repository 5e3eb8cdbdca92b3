/**
 * The keys about how `purser serve` runs in production (issue 13): TLS, the proxies it trusts,
 * the metrics address, graceful shutdown, worker processes and the log level. Kept apart from
 * the declared objects in schema.ts, which spreads these into the file's root.
 */
import { Type as T } from '@sinclair/typebox';
import { LOG_LEVELS } from './log-levels.ts';

const FILE = { minLength: 1, hint: 'a file path, relative to this file' } as const;

export const TlsSchema = T.Object(
  {
    cert_file: T.String({ ...FILE, description: 'PEM certificate chain served to clients' }),
    key_file: T.String({ ...FILE, description: 'PEM private key of the certificate (keep it 0600)' }),
    ca_file: T.Optional(
      T.String({ ...FILE, description: 'PEM intermediate CA certificates that complete the chain' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Serve HTTPS (HTTP/1.1 and HTTP/2); the files are read again on SIGHUP',
  },
);

export const MetricsSchema = T.Object(
  {
    listen: T.Optional(
      T.String({
        minLength: 1,
        hint: 'HOST:PORT, for example 127.0.0.1:9464',
        description: 'Serve /metrics on this address only (never on the token port then)',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'Prometheus metrics (/metrics)' },
);

/** Spread into the root of WrittenConfigSchema. */
export const SERVING_KEYS = {
  tls: T.Optional(TlsSchema),
  trust_proxy: T.Optional(
    T.Array(T.String({ minLength: 1 }), {
      description:
        'CIDRs of the reverse proxies whose X-Forwarded-For gives the client address (none by default)',
    }),
  ),
  metrics: T.Optional(MetricsSchema),
  shutdown_grace: T.Optional(
    T.Integer({
      minimum: 0,
      maximum: 3_600,
      default: 10,
      unit: 'seconds',
      description: 'On SIGTERM, how long requests in flight may take to finish',
    }),
  ),
  workers: T.Optional(
    T.Union([T.Integer({ minimum: 1, maximum: 256 }), T.Literal('auto')], {
      default: 1,
      hint: 'a number of processes, or auto',
      description: 'Server processes sharing the port (auto: one per CPU core); one runs the background jobs',
    }),
  ),
  log_level: T.Optional(
    T.Union(
      LOG_LEVELS.map((l) => T.Literal(l)),
      { description: 'Log level; the same as log.level (give one of them)' },
    ),
  ),
};
