/**
 * Walks the configured identity sources in order for a name that is not a local account.
 *
 * - A local name is never given to a source: `isLocalName` is checked first and such a name is
 *   `unknown` here, whatever a directory holds (a directory entry `alice` must not open the local
 *   account `alice`). The caller authenticates local accounts before asking the chain.
 * - The first source that knows the name decides: `accepted` or `rejected` ends the walk, `unknown`
 *   and `unavailable` go on to the next source. RADIUS answers Access-Reject for names it does not
 *   know, so a RADIUS source ends the walk for every name: put it last.
 * - `unavailable` is the answer only when no source accepted or rejected and at least one could not
 *   be asked: the name might belong to the source that is down.
 * - Every call is bounded by the source's `timeoutMs`; a source that does not answer in time is
 *   unavailable for that call (its own timers then release the connection).
 * - Each source's outage is logged once when it goes down and once when it answers again, not once
 *   a request.
 * - `replace` swaps the whole list at a configuration reload; the old sources are closed once the
 *   calls they were serving are over.
 */
import type { GroupMapping, MappedAccess } from './group-mapping.ts';
import { mapGroups } from './group-mapping.ts';
import {
  describeFailure,
  type ExternalIdentity,
  type IdentitySource,
  type SourceHealth,
  type SourceResult,
  unavailable,
} from './identity-source.ts';

export interface ChainEntry {
  readonly source: IdentitySource;
  readonly mapping: GroupMapping;
}

/** The subset of pino's Logger the chain uses. */
export interface ChainLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface SourceChainOptions {
  /** True for names of Purser's own users, services and robots. */
  readonly isLocalName: (username: string) => boolean;
  readonly logger: ChainLogger;
  readonly now?: () => number;
  /** Every observation of a source's health (a check, or a login that reached it): for metrics. */
  readonly onHealth?: (source: string, up: boolean) => void;
}

export type ChainResult =
  | {
      readonly outcome: 'accepted';
      readonly source: string;
      readonly identity: ExternalIdentity;
      readonly access: MappedAccess;
    }
  | { readonly outcome: 'rejected'; readonly source: string }
  | { readonly outcome: 'unknown' }
  | { readonly outcome: 'unavailable'; readonly sources: readonly string[]; readonly reason: string };

export interface SourceStatus {
  readonly name: string;
  readonly kind: IdentitySource['kind'];
  readonly up: boolean;
  /** Epoch milliseconds of the last change between up and down (0: never changed). */
  readonly since: number;
  /** Why the source is down (safe to log); empty while up. */
  readonly reason: string;
}

export interface SourceCheck extends SourceHealth {
  readonly name: string;
  readonly kind: IdentitySource['kind'];
}

interface State {
  up: boolean;
  since: number;
  reason: string;
}

export class SourceChain {
  #entries: readonly ChainEntry[];
  #states: Map<string, State>;
  readonly #retired = new Set<IdentitySource>();
  readonly #options: SourceChainOptions;
  readonly #now: () => number;

  constructor(entries: readonly ChainEntry[], options: SourceChainOptions) {
    this.#states = initialStates(entries);
    this.#entries = [...entries];
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Puts a new list of sources in place (a configuration reload). Calls already under way finish
   * with the sources they started with; those are closed once the longest of their timeouts has
   * passed (every call is bounded by it), or at `close()`.
   */
  replace(entries: readonly ChainEntry[]): void {
    const states = initialStates(entries);
    const old = this.#entries.map((e) => e.source);
    this.#entries = [...entries];
    this.#states = states;
    if (old.length === 0) return;
    for (const source of old) this.#retired.add(source);
    const grace = Math.max(...old.map((s) => s.timeoutMs));
    const timer = setTimeout(() => {
      for (const source of old) {
        this.#retired.delete(source);
        void source.close().catch(() => {});
      }
    }, grace);
    timer.unref();
  }

  /** The sources with their group mappings, in the order they are tried. */
  get entries(): readonly ChainEntry[] {
    return this.#entries;
  }

  get sources(): readonly IdentitySource[] {
    return this.#entries.map((e) => e.source);
  }

  /**
   * `only` restricts the walk to one source: a person already bound to a source is asked of that
   * source alone, so a namesake in another source cannot take the account over.
   */
  async authenticate(
    username: string,
    password: string,
    options: { only?: string } = {},
  ): Promise<ChainResult> {
    if (this.#options.isLocalName(username)) return { outcome: 'unknown' };
    const entries =
      options.only === undefined
        ? this.#entries
        : this.#entries.filter((e) => e.source.name === options.only);
    if (options.only !== undefined && entries.length === 0) {
      return {
        outcome: 'unavailable',
        sources: [options.only],
        reason: `no identity source named ${options.only}`,
      };
    }
    const down: string[] = [];
    const reasons: string[] = [];
    for (const entry of entries) {
      const { source } = entry;
      const result = await this.#call(source, username, password);
      switch (result.outcome) {
        case 'accepted':
          return {
            outcome: 'accepted',
            source: source.name,
            identity: result.identity,
            access: mapGroups(result.identity.groups, entry.mapping),
          };
        case 'rejected':
          return { outcome: 'rejected', source: source.name };
        case 'unknown':
          break;
        case 'unavailable':
          down.push(source.name);
          reasons.push(`${source.name}: ${result.reason}`);
          break;
      }
    }
    if (down.length > 0) return { outcome: 'unavailable', sources: down, reason: reasons.join('; ') };
    return { outcome: 'unknown' };
  }

  /** Runs every source's health check (each bounded by its timeout) and records the result. */
  async check(options: { only?: string } = {}): Promise<SourceCheck[]> {
    const entries =
      options.only === undefined
        ? this.#entries
        : this.#entries.filter((e) => e.source.name === options.only);
    return Promise.all(
      entries.map(async ({ source }) => {
        const started = this.#now();
        let health: SourceHealth;
        try {
          health = await bounded(source.health(), source.timeoutMs, () => ({
            ok: false,
            detail: `no answer within ${seconds(source.timeoutMs)}`,
            latencyMs: source.timeoutMs,
          }));
        } catch (error) {
          health = { ok: false, detail: describeFailure(error), latencyMs: this.#now() - started };
        }
        this.#record(source, health.ok, health.detail);
        return { name: source.name, kind: source.kind, ...health };
      }),
    );
  }

  status(): SourceStatus[] {
    return this.#entries.map(({ source }) => {
      const state = this.#states.get(source.name)!;
      return { name: source.name, kind: source.kind, ...state };
    });
  }

  async close(): Promise<void> {
    const retired = [...this.#retired];
    this.#retired.clear();
    await Promise.allSettled([...this.#entries.map((e) => e.source), ...retired].map((s) => s.close()));
  }

  async #call(source: IdentitySource, username: string, password: string): Promise<SourceResult> {
    let result: SourceResult;
    try {
      result = await bounded(source.authenticate(username, password), source.timeoutMs, () =>
        unavailable(`no answer within ${seconds(source.timeoutMs)}`),
      );
    } catch (error) {
      // A source is not supposed to throw; if it does, it is treated as an outage, not a 500.
      result = unavailable(describeFailure(error, [password]));
    }
    if (result.outcome === 'unavailable') this.#record(source, false, result.reason);
    else this.#record(source, true, '');
    return result;
  }

  #record(source: IdentitySource, up: boolean, reason: string): void {
    // A call that began before a reload reports on a source no longer in the chain.
    const state = this.#states.get(source.name);
    if (!state || !this.#entries.some((e) => e.source === source)) return;
    this.#options.onHealth?.(source.name, up);
    if (state.up === up) {
      if (!up) state.reason = reason;
      return;
    }
    const now = this.#now();
    const fields = { source: source.name, kind: source.kind };
    if (up) {
      this.#options.logger.info({ ...fields, downForMs: now - state.since }, 'identity source answers again');
    } else {
      this.#options.logger.warn({ ...fields, reason }, 'identity source unavailable');
    }
    state.up = up;
    state.since = now;
    state.reason = up ? '' : reason;
  }
}

function initialStates(entries: readonly ChainEntry[]): Map<string, State> {
  const states = new Map<string, State>();
  for (const { source } of entries) {
    if (states.has(source.name)) throw new TypeError(`two identity sources are named "${source.name}"`);
    const problems = source.unusable ?? [];
    states.set(source.name, { up: problems.length === 0, since: 0, reason: problems.join('; ') });
  }
  return states;
}

/** Settles with `work`, or with `onTimeout()` after `ms`; a late rejection of `work` is ignored. */
function bounded<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => resolve(onTimeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}
