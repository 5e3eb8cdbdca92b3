/**
 * Repository search in the format `docker search` and `podman search` read (`/v1/search`), and
 * a richer variant (`/v2/search`). Results hold only repositories the caller may pull; empty
 * repositories (every tag deleted) are left out. Matching is a case-insensitive substring of the
 * name or the description; results are sorted by name.
 */
import type { Principal, Registry } from '../domain/model.ts';
import type { AccessModel } from '../policy/access-model.ts';
import type { IndexedRepository, SearchIndex } from './search-index.ts';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface SearchRequest {
  readonly query: string;
  /** Page size (`n`), 1..100; default 25. */
  readonly pageSize?: number;
  /** 1-based page. */
  readonly page?: number;
  readonly principal: Principal;
  readonly sourceAddress?: string;
  /** Include repositories without tags. Default false. */
  readonly includeEmpty?: boolean;
}

export interface SearchHit {
  readonly registry: Registry;
  readonly repository: IndexedRepository;
}

export interface SearchOutcome {
  readonly query: string;
  readonly numResults: number;
  readonly page: number;
  readonly numPages: number;
  readonly pageSize: number;
  readonly hits: readonly SearchHit[];
}

/** The v1 result entry docker and podman read. */
export interface V1SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export function clampPageSize(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || value < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.floor(value), MAX_PAGE_SIZE);
}

export function clampPage(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || value < 1) return 1;
  return Math.floor(value);
}

/**
 * Searches the given registries (in order; a name already found in an earlier registry is not
 * repeated). Cost: one pass over the matching repositories with a cached visibility mask.
 */
export async function searchRepositories(
  index: SearchIndex,
  model: AccessModel,
  registries: readonly Registry[],
  request: SearchRequest,
): Promise<SearchOutcome> {
  const pageSize = clampPageSize(request.pageSize);
  const page = clampPage(request.page);
  const needle = request.query.trim().toLowerCase();
  const start = (page - 1) * pageSize;
  const includeEmpty = request.includeEmpty === true;
  if (registries.length === 1) {
    const registry = registries[0]!;
    const slice = await index.slice(registry.id);
    const visible = index.visibility(model, request.principal, registry, slice, request.sourceAddress);
    const positions = index.visibleMatches(slice, visible, slice.matching(needle), includeEmpty);
    // The count is the list's length and the page is a slice of it.
    const hits: SearchHit[] = [];
    for (let m = start; m < positions.length && hits.length < pageSize; m++) {
      hits.push({ registry, repository: slice.repository(positions[m]!) });
    }
    return outcome(request.query, positions.length, page, pageSize, hits);
  }
  // Several registries: a name found in an earlier registry is not repeated; sorted by name.
  const merged = new Map<string, SearchHit>();
  for (const registry of registries) {
    const slice = await index.slice(registry.id);
    const visible = index.visibility(model, request.principal, registry, slice, request.sourceAddress);
    const positions = index.visibleMatches(slice, visible, slice.matching(needle), includeEmpty);
    for (let m = 0; m < positions.length; m++) {
      const position = positions[m]!;
      const name = slice.nameAt(position);
      if (!merged.has(name)) merged.set(name, { registry, repository: slice.repository(position) });
    }
  }
  const all = [...merged.values()].sort((a, b) => compareNames(a.repository.name, b.repository.name));
  return outcome(request.query, all.length, page, pageSize, all.slice(start, start + pageSize));
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function outcome(
  query: string,
  count: number,
  page: number,
  pageSize: number,
  hits: SearchHit[],
): SearchOutcome {
  return { query, numResults: count, page, numPages: Math.ceil(count / pageSize), pageSize, hits };
}

export function v1Result(hit: SearchHit): V1SearchResult {
  const r = hit.repository;
  return {
    name: r.name,
    description: r.description,
    star_count: r.starCount,
    is_official: r.official,
    is_automated: r.automated,
  };
}

/** The `/v1/search` body. */
/** The `docker search` reply body (v1). */
export interface V1SearchBody {
  num_results: number;
  query: string;
  page: number;
  num_pages: number;
  page_size: number;
  results: V1SearchResult[];
}

export function v1Body(outcome: SearchOutcome): V1SearchBody {
  return {
    num_results: outcome.numResults,
    query: outcome.query,
    page: outcome.page,
    num_pages: outcome.numPages,
    page_size: outcome.pageSize,
    results: outcome.hits.map(v1Result),
  };
}
