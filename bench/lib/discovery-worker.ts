/**
 * Discovery worker (pinned to the server core): a fresh store with one registry row, then a
 * full sync of the registry and a resync with no change, timed. Input (argv[2]): {dataDir,
 * registryUrl, service}. Output: {fullSeconds, resyncSeconds, full: SyncReport, resync: SyncReport}.
 */
import { syncRegistry } from '../../src/catalog/discovery.ts';
import { openDatabase } from '../../src/store/database.ts';
import { RegistryWriter } from '../../src/store/writers/registry-writer.ts';

interface Input {
  dataDir: string;
  registryUrl: string;
  service: string;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const handle = await openDatabase({ dataDir: input.dataDir });
try {
  await new RegistryWriter(handle.db).upsert({
    service: input.service,
    url: input.registryUrl,
    insecure: true,
  });
  const row = await handle.db
    .selectFrom('registries')
    .select(['id', 'service', 'url'])
    .where('service', '=', input.service)
    .executeTakeFirstOrThrow();
  const registry = { id: Number(row.id), service: row.service, url: row.url };
  let started = performance.now();
  const full = await syncRegistry(handle.db, registry, undefined);
  const fullSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const resync = await syncRegistry(handle.db, registry, undefined);
  const resyncSeconds = (performance.now() - started) / 1000;
  const tags = await handle.db
    .selectFrom('repository_tags')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  process.stdout.write(
    `${JSON.stringify({ fullSeconds, resyncSeconds, full, resync, tagsInIndex: Number(tags.n) })}\n`,
  );
} finally {
  await handle.close();
}
