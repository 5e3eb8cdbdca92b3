/**
 * The query gate: a Kysely plugin that refuses every query at once while the store is away or
 * lost (StoreHealth), and before each write checks that the SQLite file is still the one opened
 * (a write into a deleted or replaced file would be acknowledged and then lost).
 */
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { StoreHealth } from './store-health.ts';

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

export class StoreGate implements KyselyPlugin {
  constructor(
    private readonly health: StoreHealth,
    /** Before a write: marks the store lost when the database file changed (SQLite). */
    private readonly beforeWrite: () => void = () => {},
  ) {}

  /** For writers that bypass Kysely's query builder (the SQLite bulk row writer). */
  assertWritable(): void {
    this.beforeWrite();
    this.health.assertAvailable();
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (WRITES.has(args.node.kind)) this.beforeWrite();
    this.health.assertAvailable();
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
