/**
 * /metrics of a cluster (`purser serve --workers N`). A scrape reaches whichever worker the
 * cluster hands the connection to; that worker asks the primary, and the primary gathers every
 * worker's registry over IPC and aggregates them with prom-client's AggregatorRegistry (counters
 * and histograms summed; `purser_build_info` taken once, `purser_identity_source_up` as the
 * lowest any worker saw). So a counter does not jump between scrapes, whichever worker answers.
 * When the primary cannot gather them (a worker not answering within 5 s), the scrape fails
 * with 503 and the reason, rather than showing one worker's share as the whole.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { Unavailable } from '../domain/errors.ts';

const REQUEST = 'purser:cluster-metrics-request';
const RESPONSE = 'purser:cluster-metrics-response';
/** Longer than prom-client's own 5-second wait for the workers, so its reason arrives first. */
const WAIT_MS = 7_000;

interface MetricsRequest {
  readonly type: typeof REQUEST;
  readonly id: number;
}
interface MetricsResponse {
  readonly type: typeof RESPONSE;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

const isRequest = (message: unknown): message is MetricsRequest =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === REQUEST;
const isResponse = (message: unknown): message is MetricsResponse =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === RESPONSE;

/** In the primary: answers each worker's request with every worker's metrics aggregated. */
export function serveClusterMetrics(): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isRequest(message)) return;
    const reply = (response: Omit<MetricsResponse, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...response });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  };
  cluster.on('message', onMessage);
  return () => {
    cluster.off('message', onMessage);
  };
}

/** In a worker: answers the primary's gathering, and asks it for the cluster's metrics. */
export class ClusterMetricsClient {
  readonly #pending = new Map<
    number,
    { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  #nextId = 0;
  readonly #onMessage = (message: unknown) => {
    if (!isResponse(message)) return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.text !== undefined) pending.resolve(message.text);
    else pending.reject(gatheringFailed(message.error ?? 'no answer'));
  };

  constructor(registry: Registry) {
    if (!cluster.isWorker || !process.send) throw new TypeError('ClusterMetricsClient: not a cluster worker');
    AggregatorRegistry.setRegistries([registry]);
    // Constructing one installs prom-client's listener that sends this worker's metrics.
    new AggregatorRegistry();
    process.on('message', this.#onMessage);
  }

  /** The Prometheus text of every worker's metrics, aggregated by the primary. */
  render(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(gatheringFailed(`the primary did not answer within ${WAIT_MS / 1000} s`));
      }, WAIT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
    });
  }

  close(): void {
    process.off('message', this.#onMessage);
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(gatheringFailed('the worker is stopping'));
      this.#pending.delete(id);
    }
  }
}

function gatheringFailed(reason: string): Unavailable {
  return new Unavailable(`the workers' metrics could not be gathered: ${reason}`);
}
