/**
 * Purser's Prometheus metrics: one prom-client Registry holding every metric, `purser_` names
 * in base units (seconds, counts), and one method per event the server observes. Label values
 * come from bounded sets (outcomes, results, registry services, identity sources), never from
 * user input such as account or repository names, so the series count stays small.
 *
 * The server serves `render()` on /metrics; in a cluster worker that is every worker's sum,
 * gathered by the primary (src/server/cluster-metrics.ts).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What a token request gave: all it asked for, part of it, or an empty grant. */
export type TokenOutcome = 'full' | 'partial' | 'empty';
/** How a token request ended, for the latency histogram. */
export type TokenResult = 'issued' | 'refused' | 'error';
export type LoginResult = 'success' | 'failure' | 'throttled' | 'error';
export type RefreshResult = 'redeemed' | 'invalid' | 'expired' | 'revoked';
export type NotificationResult = 'ingested' | 'rejected';
export type DiscoveryResult = 'complete' | 'partial' | 'failed';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const DISCOVERY_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

export interface PurserMetricsOptions {
  /** Also collect prom-client's standard process_* and nodejs_* metrics (their usual names). */
  readonly defaultMetrics?: boolean;
  /** The version and commit `purser_build_info` reports (the composition root reads them). */
  readonly build: { readonly version: string; readonly commit: string | undefined };
}

export class PurserMetrics {
  readonly registry = new Registry();

  readonly #tokensIssued = new Counter({
    name: 'purser_tokens_issued_total',
    help: 'Registry tokens issued, by registry (service) and outcome: full, partial or empty grant.',
    labelNames: ['registry', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #tokenDuration = new Histogram({
    name: 'purser_token_request_duration_seconds',
    help: 'Time to answer a token request, by result: issued, refused (authentication) or error.',
    labelNames: ['result'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #logins = new Counter({
    name: 'purser_logins_total',
    help: 'Authentication attempts, by identity source and result.',
    labelNames: ['source', 'result'] as const,
    registers: [this.registry],
  });
  readonly #throttled = new Counter({
    name: 'purser_throttled_requests_total',
    help: 'Requests refused by a rate limit or the failed-login throttle, by limiter.',
    labelNames: ['limiter'] as const,
    registers: [this.registry],
  });
  readonly #refreshRedemptions = new Counter({
    name: 'purser_refresh_token_redemptions_total',
    help: 'Refresh tokens presented, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly #notificationEvents = new Counter({
    name: 'purser_notification_events_total',
    help: 'Registry notification events received, by registry and result: ingested or rejected.',
    labelNames: ['registry', 'result'] as const,
    registers: [this.registry],
  });
  readonly #discoveryRuns = new Counter({
    name: 'purser_discovery_runs_total',
    help: 'Catalog discovery runs, by registry and result: complete, partial or failed.',
    labelNames: ['registry', 'result'] as const,
    registers: [this.registry],
  });
  readonly #discoveryDuration = new Histogram({
    name: 'purser_discovery_duration_seconds',
    help: 'Duration of catalog discovery runs, by registry.',
    labelNames: ['registry'] as const,
    buckets: DISCOVERY_BUCKETS,
    registers: [this.registry],
  });
  readonly #discoveryErrors = new Counter({
    name: 'purser_discovery_errors_total',
    help: 'Failed registry requests during catalog discovery, by registry.',
    labelNames: ['registry'] as const,
    registers: [this.registry],
  });
  readonly #searchDuration = new Histogram({
    name: 'purser_search_duration_seconds',
    help: 'Time to answer a search (docker search, the API).',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #vaultReads = new Counter({
    name: 'purser_vault_secret_reads_total',
    help: 'Vault secrets revealed, by channel (api, helper, cli, export).',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly #cloudTokenMints = new Counter({
    name: 'purser_cloud_token_mints_total',
    help: 'Short-lived cloud registry tokens (ECR, GCP, ACR) minted, by credential kind and result (minted, failed).',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly #identitySourceUp = new Gauge({
    name: 'purser_identity_source_up',
    help: 'Whether an identity source (LDAP, OIDC, RADIUS...) answered its last check: 1 or 0.',
    labelNames: ['source'] as const,
    registers: [this.registry],
    // Across a cluster's workers: a source is up when every worker saw it answer.
    aggregator: 'min',
  });
  #auditQueue: (() => number) | undefined;
  readonly #auditQueueDepth: Gauge = new Gauge({
    name: 'purser_audit_queue_depth',
    help: 'Audit entries waiting to be written to the store.',
    registers: [this.registry],
    collect: () => {
      if (this.#auditQueue) this.#auditQueueDepth.set(this.#auditQueue());
    },
  });
  #exposition: (() => Promise<string>) | undefined;
  readonly #auditWriteFailures = new Counter({
    name: 'purser_audit_write_failures_total',
    help: 'Audit batches the store refused (the entries wait in <data>/audit/journal/ and are written when it accepts).',
    registers: [this.registry],
  });

  constructor(options: PurserMetricsOptions) {
    const build = options.build;
    new Gauge({
      name: 'purser_build_info',
      help: 'Always 1; the labels say which build runs: version, commit and Node version.',
      labelNames: ['version', 'commit', 'node'] as const,
      registers: [this.registry],
      aggregator: 'first',
    }).set({ version: build.version, commit: build.commit ?? 'unknown', node: process.versions.node }, 1);
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A token request answered: counted when issued, its duration always observed. */
  tokenRequest(event: {
    readonly result: TokenResult;
    readonly seconds: number;
    readonly registry?: string;
    readonly outcome?: TokenOutcome;
  }): void {
    this.#tokenDuration.observe({ result: event.result }, event.seconds);
    if (event.result !== 'issued') return;
    if (event.registry === undefined || event.outcome === undefined)
      throw new TypeError('tokenRequest: an issued token needs its registry and outcome');
    this.#tokensIssued.inc({ registry: event.registry, outcome: event.outcome });
  }

  login(source: string, result: LoginResult): void {
    this.#logins.inc({ source, result });
  }

  throttled(limiter: string): void {
    this.#throttled.inc({ limiter });
  }

  refreshRedemption(result: RefreshResult): void {
    this.#refreshRedemptions.inc({ result });
  }

  notificationEvents(registry: string, result: NotificationResult, count = 1): void {
    if (count > 0) this.#notificationEvents.inc({ registry, result }, count);
  }

  discoveryRun(event: {
    readonly registry: string;
    readonly result: DiscoveryResult;
    readonly seconds: number;
    readonly errors: number;
  }): void {
    this.#discoveryRuns.inc({ registry: event.registry, result: event.result });
    this.#discoveryDuration.observe({ registry: event.registry }, event.seconds);
    // Touched even at zero, so the series exists before the first error (rate() needs it).
    this.#discoveryErrors.inc({ registry: event.registry }, event.errors);
  }

  search(seconds: number): void {
    this.#searchDuration.observe(seconds);
  }

  vaultRead(channel: string): void {
    this.#vaultReads.inc({ channel });
  }

  /** A mint of a cloud token; a failed refresh keeps serving the still-valid token. */
  cloudTokenMint(kind: string, result: 'minted' | 'failed'): void {
    this.#cloudTokenMints.inc({ kind, result });
  }

  identitySourceHealth(source: string, up: boolean): void {
    this.#identitySourceUp.set({ source }, up ? 1 : 0);
  }

  auditQueueDepth(depth: number): void {
    this.#auditQueueDepth.set(depth);
  }

  /** The audit queue's depth, read at each scrape (also when the primary gathers a cluster's). */
  watchAuditQueue(depth: () => number): void {
    this.#auditQueue = depth;
  }

  /** In a cluster worker: /metrics shows every worker's metrics, gathered by the primary. */
  exposeThrough(render: () => Promise<string>): void {
    this.#exposition = render;
  }

  auditWriteFailures(count = 1): void {
    this.#auditWriteFailures.inc(count);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.#exposition ? this.#exposition() : this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Seconds since `start` (from process.hrtime.bigint()), for the duration methods. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
