/**
 * Keeps audit writes off the request path: entries are queued and written in batches by the
 * underlying sink. `flush()` on shutdown writes what is left, so nothing queued is lost on a
 * graceful stop. The queue is bounded; on overflow the oldest entries are dropped and counted.
 *
 * Batches are small and frequent (a full batch is written right after the current I/O turn,
 * anything else within `intervalMs`): an entry that waits longer than a young-generation GC
 * cycle is promoted to the old generation, and under token load that turned into megabytes a
 * second of old-space growth and the long mark-compact pauses that set the p99.
 */
import type { AuditEntry, AuditSink } from './audit-entry.ts';

export interface BatchAuditSink extends AuditSink {
  recordMany?(entries: readonly AuditEntry[]): Promise<void>;
}

const SLICE = 250;

export class BufferedAudit implements AuditSink {
  #queue: AuditEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #soon = false;
  #flushing: Promise<void> = Promise.resolve();
  dropped = 0;

  constructor(
    private readonly sink: BatchAuditSink,
    private readonly options: {
      /** Longest wait of a queued entry, ms (default 50). */
      intervalMs?: number;
      /** Queue length that triggers a write after the current I/O turn (default 256). */
      batchSize?: number;
      maxQueue?: number;
      onError?: (error: unknown) => void;
    } = {},
  ) {}

  /** Entries queued and not yet handed to the sink. */
  get depth(): number {
    return this.#queue.length;
  }

  record(entry: AuditEntry): void {
    const stamped = entry.time === undefined ? { ...entry, time: Date.now() } : entry;
    this.#queue.push(stamped);
    if (this.#queue.length > (this.options.maxQueue ?? 50_000)) {
      this.#queue.shift();
      this.dropped++;
    }
    if (this.#queue.length >= (this.options.batchSize ?? 256)) {
      if (!this.#soon) {
        this.#soon = true;
        setImmediate(() => {
          this.#soon = false;
          void this.flush();
        });
      }
    } else this.#timer ??= setTimeout(() => void this.flush(), this.options.intervalMs ?? 50);
  }

  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    this.#flushing = this.#flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        if (this.sink.recordMany) {
          // In slices, yielding between them: a large batch never stalls requests for long.
          for (let i = 0; i < batch.length; i += SLICE) {
            if (i > 0) await new Promise((resolve) => setImmediate(resolve));
            await this.sink.recordMany(batch.length > SLICE ? batch.slice(i, i + SLICE) : batch);
          }
        } else for (const entry of batch) await this.sink.record(entry);
      } catch (error) {
        this.options.onError?.(error);
      }
    });
    return this.#flushing;
  }
}
