/**
 * Data directories for the server scenarios: the synthetic organisation (fixture-model.ts)
 * written straight into a fresh SQLite store (bulk inserts; the schema is the store's), one
 * registry, and optionally N repositories in the catalog index. Built once per size and run,
 * then copied for each server so every scenario starts from the same state.
 */

import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { hashPassword } from '../../src/identity/password.ts';
import { bumpModelVersion } from '../../src/store/access-store.ts';
import { openDatabase } from '../../src/store/database.ts';
import { newPrincipalId } from '../../src/store/principal-id.ts';
import { RegistryWriter } from '../../src/store/writers/registry-writer.ts';
import { freePort } from '../../test/support/ports.ts';
import {
  benchApps,
  benchGroups,
  benchUsers,
  groupName,
  type OrgSize,
  PASSWORD,
  repositoryName,
  SERVICE,
} from './fixture-model.ts';
import { REPO_ROOT, SERVER_CORE, type ServerChild, startServerChild } from './processes.ts';

export interface DatasetSpec extends OrgSize {
  readonly repositories: number;
  /** Registry URL stored for `registry.bench` (discovery/skopeo point it at a real registry). */
  readonly registryUrl?: string;
  /**
   * A PostgreSQL database (empty) to hold the dataset instead of SQLite; its servers use it as
   * their `database:`. Only one server at a time may use it: copies share the database.
   */
  readonly databaseUrl?: string;
  /**
   * Users already bound to an identity source, as their first login leaves them: `prefix1` …
   * `prefixN`, no password, in group g1 with pull and push, external id `uid=<name>,<base>`.
   */
  readonly boundUsers?: {
    readonly source: string;
    readonly prefix: string;
    readonly count: number;
    readonly base: string;
  };
}

const built = new Map<string, Promise<string>>();
const temps: string[] = [];

/** A temp directory removed by `cleanupDatasets()`. */
export function benchTemp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `purser-bench-${prefix}-`));
  temps.push(dir);
  return dir;
}

export function cleanupDatasets(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  built.clear();
}

/** A data directory with the dataset (a private copy; the caller may write to it). */
export async function datasetCopy(spec: DatasetSpec, log: (line: string) => void): Promise<string> {
  const key = JSON.stringify(spec);
  let source = built.get(key);
  if (!source) {
    source = buildDataset(spec, log);
    built.set(key, source);
  }
  const dir = benchTemp('data');
  cpSync(await source, dir, { recursive: true });
  return dir;
}

async function buildDataset(spec: DatasetSpec, log: (line: string) => void): Promise<string> {
  const started = Date.now();
  const dir = benchTemp('dataset');
  const handle = await openDatabase({ dataDir: dir, url: spec.databaseUrl });
  try {
    const db = handle.db;
    const now = Date.now();
    const hash = await hashPassword(PASSWORD);
    const users = benchUsers(spec);
    await db.transaction().execute(async (trx) => {
      for (const chunk of chunks(benchGroups(spec), 500)) {
        await trx
          .insertInto('groups')
          .values(chunk.map((g) => ({ id: g.id, name: g.name, created_at: now })))
          .execute();
      }
      for (const chunk of chunks(users, 500)) {
        await trx
          .insertInto('users')
          .values(
            chunk.map((u) => ({
              id: u.id,
              name: u.name,
              password_hash: hash,
              privileges: JSON.stringify(u.privileges),
              admin: 0,
              disabled: 0,
              credential_version: 1,
              principal_id: newPrincipalId(),
              created_at: now,
              updated_at: now,
            })),
          )
          .execute();
      }
      const memberships = users.flatMap((u) =>
        u.groups.map((group_id, position) => ({ user_id: u.id, group_id, position })),
      );
      for (const chunk of chunks(memberships, 500))
        await trx.insertInto('user_groups').values(chunk).execute();
      const apps = benchApps(spec);
      for (const chunk of chunks(apps, 500)) {
        await trx
          .insertInto('apps')
          .values(chunk.map((a) => ({ id: a.id, name: a.name, created_at: now })))
          .execute();
      }
      const appGroups = apps.flatMap((a) => [
        ...a.publications.map((group_id) => ({ app_id: a.id, group_id, role: 'publication' as const })),
        ...a.responsibles.map((group_id) => ({ app_id: a.id, group_id, role: 'responsible' as const })),
      ]);
      for (const chunk of chunks(appGroups, 500)) await trx.insertInto('app_groups').values(chunk).execute();
      const bound = spec.boundUsers;
      if (bound) {
        const names = Array.from({ length: bound.count }, (_, i) => `${bound.prefix}${i + 1}`);
        const firstId = spec.users + 2;
        for (const [c, chunk] of chunks(names, 500).entries()) {
          const rows = chunk.map((name, k) => ({
            id: firstId + c * 500 + k,
            name,
            password_hash: null,
            privileges: JSON.stringify(['DockerRegistriesPuller', 'DockerRegistriesPusher']),
            admin: 0,
            disabled: 0,
            credential_version: 1,
            principal_id: newPrincipalId(),
            source: bound.source,
            external_id: `uid=${name},${bound.base}`,
            created_at: now,
            updated_at: now,
          }));
          await trx.insertInto('users').values(rows).execute();
          await trx
            .insertInto('user_groups')
            .values(rows.map((r) => ({ user_id: r.id, group_id: 1, position: 0 })))
            .execute();
        }
      }
      // An administrator exists, so the server does not create (and print) a bootstrap one.
      await trx
        .insertInto('users')
        .values({
          id: spec.users + 1,
          name: 'admin',
          password_hash: hash,
          privileges: '[]',
          admin: 1,
          disabled: 0,
          credential_version: 1,
          principal_id: newPrincipalId(),
          created_at: now,
          updated_at: now,
        })
        .execute();
      await bumpModelVersion(trx);
    });
    const publications = Array.from({ length: Math.min(spec.groups, 200) }, (_, i) => groupName(i + 1));
    await new RegistryWriter(db).upsert({
      service: SERVICE,
      url: spec.registryUrl ?? 'http://127.0.0.1:9',
      insecure: true,
      publications,
      responsibles: publications.slice(0, 5),
    });
    if (spec.repositories > 0) {
      const registry = await db
        .selectFrom('registries')
        .select('id')
        .where('service', '=', SERVICE)
        .executeTakeFirstOrThrow();
      const rows = Array.from({ length: spec.repositories }, (_, i) => ({
        registry_id: Number(registry.id),
        name: repositoryName(i, spec),
        description: `component number ${i}`,
        star_count: 0,
        official: 0,
        automated: 0,
        empty: 0,
        last_push_at: now,
        created_at: now,
        updated_at: now,
      }));
      await db.transaction().execute(async (trx) => {
        for (const chunk of chunks(rows, 500)) await trx.insertInto('repositories').values(chunk).execute();
        await trx
          .insertInto('meta')
          .values({ key: 'catalog_version', value: '1' })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: '1' }))
          .execute();
      });
    }
  } finally {
    await handle.close();
  }
  log(
    `  dataset: ${spec.users} users, ${spec.groups} groups, ${spec.apps} apps, ${spec.repositories} repositories in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return dir;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BenchServer extends ServerChild {
  readonly dataDir: string;
  readonly configFile: string;
}

/** The product itself, compiled: `purser serve` from `npm run build` (what `bin/purser.js` runs). */
const PURSER_BIN = path.join(REPO_ROOT, 'bin', 'purser.js');
const COMPILED_MAIN = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** What a scenario may change in how `purser serve` starts (all optional). */
export interface BenchServerOptions {
  /** Top-level keys added to (or replacing) the server's purser.yaml. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Extra `purser serve` arguments (e.g. `--workers 2`). */
  readonly args?: readonly string[];
  /** The core to pin the server to (default the server core); null leaves it unpinned. */
  readonly core?: number | null;
  /** The line that says the server is ready (first group: its URL). */
  readonly ready?: RegExp;
  /**
   * Another build of Purser to start instead (a directory with bin/ and dist/: the before of a
   * before/after comparison, bench/ab-token.ts).
   */
  readonly root?: string;
}

/** Starts `purser serve` (pinned to the server core) over a copy of the dataset. */
export async function startBenchServer(
  spec: DatasetSpec,
  log: (line: string) => void,
  extraEnv: NodeJS.ProcessEnv = {},
  serverOptions: BenchServerOptions = {},
): Promise<BenchServer> {
  const root = serverOptions.root;
  if (!existsSync(root ? path.join(root, 'dist', 'cli', 'main.js') : COMPILED_MAIN)) {
    throw new Error(
      'dist/cli/main.js is missing: run `npm run build` first (the benchmarks run the compiled server)',
    );
  }
  const dataDir = await datasetCopy(spec, log);
  const port = await freePort();
  const configFile = path.join(dataDir, 'purser-bench.yaml');
  writeFileSync(
    configFile,
    YAML.stringify({
      listen: `127.0.0.1:${port}`,
      data: dataDir,
      public_url: `http://127.0.0.1:${port}`,
      token: { issuer: 'purser-bench', lifetime: 300 },
      log: { level: 'warn' },
      ...(spec.databaseUrl ? { database: spec.databaseUrl } : {}),
      ...serverOptions.config,
    }),
  );
  // BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile there when it stops (where the time goes).
  const profileDir = process.env.BENCH_CPU_PROF;
  const bin = root ? path.join(root, 'bin', 'purser.js') : PURSER_BIN;
  const child = await startServerChild(
    bin,
    ['serve', '--config', configFile, ...(serverOptions.args ?? [])],
    {
      core: serverOptions.core === undefined ? SERVER_CORE : serverOptions.core,
      typescript: false,
      ready: serverOptions.ready ?? /purser listening on (\S+)/,
      nodeFlags: [
        ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : []),
        // BENCH_NODE_FLAGS="--trace-gc …": extra flags for diagnosis (output in the server's logs).
        ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ],
      env: { PURSER_CONFIG: undefined, PURSER_DATA: undefined, PURSER_URL: undefined, ...extraEnv },
    },
  );
  return { ...child, dataDir, configFile };
}

export function basicAuth(user: string, password = PASSWORD): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
