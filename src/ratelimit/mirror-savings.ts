/**
 * What a pull-through mirror saved of the upstream's pull quota, read from the counters a
 * Distribution 2.8 registry in proxy mode keeps since it started (expvar `registry.proxy` on
 * its debug server, `http.debug.addr`, path `/debug/vars`). For manifests, `Requests` counts
 * each manifest the mirror served to a client and `Misses` each one it had to fetch from the
 * upstream; Docker Hub counts a pull per manifest GET, so the difference is the pulls the
 * mirror kept off the quota. A tag is still checked upstream with a HEAD, which Docker Hub does
 * not count.
 */
import type { FetchLike } from '../registry-client/login.ts';
import { RateLimitError } from './docker-hub-rate.ts';

export interface ProxyCounters {
  readonly requests: number;
  readonly hits: number;
  readonly misses: number;
  readonly bytesPulled: number;
  readonly bytesPushed: number;
}

export interface MirrorSavings {
  /** The debug address asked, e.g. `http://127.0.0.1:5004`. */
  readonly url: string;
  readonly manifests: ProxyCounters;
  readonly blobs: ProxyCounters;
  /** Manifests served to clients since the mirror started. */
  readonly pullsServed: number;
  /** Manifests fetched from the upstream: what the upstream counted against the quota. */
  readonly pullsUpstream: number;
  /** pullsServed − pullsUpstream. */
  readonly pullsSaved: number;
}

export async function mirrorSavings(
  debugUrl: string,
  options: { fetch?: FetchLike; timeoutMs?: number } = {},
): Promise<MirrorSavings> {
  const base = debugUrl.replace(/\/+$/, '').replace(/\/debug\/vars$/, '');
  const url = `${base}/debug/vars`;
  const doFetch =
    options.fetch ??
    ((target: string) => fetch(target, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) }));
  let body: unknown;
  try {
    const answer = await doFetch(url);
    if (!answer.ok) throw new RateLimitError(`the mirror's ${url} answered HTTP ${answer.status}`);
    body = await answer.json();
  } catch (error) {
    if (error instanceof RateLimitError) throw error;
    throw new RateLimitError(
      `cannot read the mirror's counters at ${url} (its http.debug.addr, purser mirror config --debug-listen): ${(error as Error).message}`,
    );
  }
  const proxy = (body as { registry?: { proxy?: Record<string, unknown> } } | null)?.registry?.proxy;
  if (!proxy)
    throw new RateLimitError(
      `${url} has no registry.proxy counters: is it the debug address of a registry in proxy mode?`,
    );
  const manifests = counters(proxy.manifests);
  const blobs = counters(proxy.blobs);
  return {
    url: base,
    manifests,
    blobs,
    pullsServed: manifests.requests,
    pullsUpstream: manifests.misses,
    pullsSaved: Math.max(0, manifests.requests - manifests.misses),
  };
}

/** `mirror http://127.0.0.1:5004: 5 pulls served, 1 fetched upstream, 4 kept off the quota`. */
export function describeMirrorSavings(savings: MirrorSavings): string {
  const plural = (n: number) => (n === 1 ? '' : 's');
  return `mirror ${savings.url}: ${savings.pullsServed} pull${plural(savings.pullsServed)} served since it started, ${savings.pullsUpstream} fetched from the upstream (counted against the quota), ${savings.pullsSaved} kept off the quota`;
}

function counters(value: unknown): ProxyCounters {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const number = (key: string) => (typeof record[key] === 'number' ? (record[key] as number) : 0);
  return {
    requests: number('Requests'),
    hits: number('Hits'),
    misses: number('Misses'),
    bytesPulled: number('BytesPulled'),
    bytesPushed: number('BytesPushed'),
  };
}
