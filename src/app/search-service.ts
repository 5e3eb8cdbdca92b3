/**
 * Search in the format `docker search` and `podman search` read, filtered by access: callers
 * see only what they may pull. One registry (by its token service), or every registry.
 */
import type { Kysely } from 'kysely';
import type { CatalogServices } from '../catalog/catalog-services.ts';
import { tagsFor } from '../catalog/repository-store.ts';
import { type SearchOutcome, searchRepositories } from '../catalog/search.ts';
import { NotFound } from '../domain/errors.ts';
import type { Registry } from '../domain/model.ts';
import { type PurserMetrics, secondsSince } from '../metrics/purser-metrics.ts';
import type { Database } from '../store/schema.ts';
import type { Caller } from './caller.ts';

export interface SearchQuery {
  readonly query: string;
  readonly pageSize?: number | undefined;
  readonly page?: number | undefined;
  /** One registry's token service; undefined: every registry. */
  readonly service?: string | undefined;
}

export class SearchService {
  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly catalog: Pick<CatalogServices, 'searchIndex' | 'model'>;
      readonly metrics?: PurserMetrics | undefined;
    },
  ) {}

  async search(caller: Caller, query: SearchQuery): Promise<SearchOutcome> {
    const started = process.hrtime.bigint();
    const model = this.deps.catalog.model();
    const outcome = await searchRepositories(
      this.deps.catalog.searchIndex,
      model,
      this.#registries(query.service),
      {
        query: query.query,
        pageSize: query.pageSize,
        page: query.page,
        principal: caller.principal,
        sourceAddress: caller.sourceAddress,
      },
    );
    this.deps.metrics?.search(secondsSince(started));
    return outcome;
  }

  /** The same, with the tags of each hit's repository by repository id (`/v2/search`). */
  async searchWithTags(
    caller: Caller,
    query: SearchQuery,
  ): Promise<{ outcome: SearchOutcome; tags: Map<number, string[]> }> {
    const outcome = await this.search(caller, query);
    const tags = await tagsFor(
      this.deps.db,
      outcome.hits.map((h) => h.repository.id),
    );
    return { outcome, tags };
  }

  #registries(service: string | undefined): Registry[] {
    const model = this.deps.catalog.model();
    if (service === undefined) return model.registries();
    const registry = model.registryByService(service);
    if (!registry) throw new NotFound(`no registry with service "${service}"`);
    return [registry];
  }
}
