#!/usr/bin/env node
/**
 * `docker-credential-purser`: the Docker credential-helper protocol
 * (docker/docker-credential-helpers `credentials.Serve`), byte-compatible: `store`, `get`,
 * `erase`, `list`, `version`; JSON on stdout with a newline (Go's encoder, so `<token>` is
 * written `\u003ctoken\u003e`); any error is one line on **stdout** with exit 1; a miss is
 * `credentials not found in native keychain`. Identity tokens travel as username `<token>`.
 *
 * Local mode reads the vault in the data directory (found as every command finds it:
 * `app/locations.cts`; environment PURSER_ENV, default `default`); remote mode asks PURSER_URL with
 * PURSER_USERNAME / PURSER_PASSWORD (a service or robot). `get` runs on every pull, so this
 * file keeps its static imports tiny and loads better-sqlite3 only when needed.
 *
 * Over 300 lines on purpose: every CommonJS file `get` loads is one more to resolve and compile
 * at each start, so the protocol stays in one file.
 */
import fs = require('node:fs');

import { type DataDirSource, dataDirNotices, defaultDataDir, findConfigFile } from '../app/locations.cts';
import { dockerConfigKey, normalizeRegistryAddress } from '../domain/server-address.cts';
import { LocalHelperStore, NEEDS_MINT } from '../vault/helper-local.cts';

export const HELPER_NAME = 'docker-credential-purser';
export const HELPER_PACKAGE = 'purser';
export const HELPER_VERSION = '0.1.0';
export const ERR_NOT_FOUND = 'credentials not found in native keychain';
export const ERR_MISSING_SERVER_URL = 'no credentials server URL';
export const ERR_MISSING_USERNAME = 'no credentials username';
const TOKEN_USERNAME = '<token>';

export interface HelperIo {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
  write(text: string): void;
  /**
   * Runs this helper again in a child process with `env` and `input` on its standard input,
   * output passed through; returns its exit code. The shim moves NODE_EXTRA_CA_CERTS aside
   * (bin/docker-credential-purser), and a remote call needs it back at Node's start.
   */
  rerun?(env: NodeJS.ProcessEnv, input: string): number;
}

class HelperError extends Error {}

/** Go's json.Marshal escaping (json.Encoder escapes HTML characters by default). */
function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** bufio.Scanner lines concatenated (newlines dropped), then trimmed for get/erase. */
function scanLines(text: string): string {
  return text.split(/\r?\n/).join('');
}

interface Store {
  get(
    environment: string,
    address: string,
    server: string,
  ): Promise<{ username: string; secret: string } | undefined>;
  list(environment: string): Promise<Map<string, string>>;
  store(environment: string, address: string, username: string, secret: string): Promise<void>;
  erase(environment: string, address: string): Promise<boolean>;
  close(): Promise<void>;
}

async function openStore(env: NodeJS.ProcessEnv): Promise<Store> {
  if (env.PURSER_URL) {
    const { RemoteHelperStore } = await import('../vault/helper-remote.ts');
    const remote = new RemoteHelperStore(env.PURSER_URL, env.PURSER_USERNAME, env.PURSER_PASSWORD);
    return {
      get: (e, _a, server) => remote.get(e, server),
      list: (e) => remote.list(e),
      store: (e, a, u, s) => remote.store(e, a, u, s, u === TOKEN_USERNAME ? 'identity-token' : 'basic'),
      erase: (e, a) => remote.erase(e, a),
      close: async () => {},
    };
  }
  const location = await dataLocation(env);
  let fast: LocalHelperStore | undefined;
  const local = async () => {
    if (location.databaseUrl) return undefined;
    if (!fast) {
      // Only a deprecated location is worth a word here (store and erase open the full vault,
      // which says it too): docker discards the helper's stderr, a person running it sees it.
      if (location.source === 'legacy')
        for (const line of dataDirNotices(location, true)) fs.writeSync(2, `${line}\n`);
      fast = new LocalHelperStore(location.dataDir, env);
    }
    return fast;
  };
  const full = async <T,>(fn: (v: import('../app/local-vault.ts').LocalVault) => Promise<T>): Promise<T> => {
    const { openLocalVault } = await import('../app/local-vault.ts');
    const opened = await openLocalVault(location.configFile ? { config: location.configFile } : {}, env);
    try {
      return await fn(opened);
    } finally {
      await opened.close();
    }
  };
  const actor = async () => (await import('../vault/actor.ts')).localActor('docker-credential-purser');
  return {
    async get(e, address) {
      const store = await local();
      if (store) {
        const found = await store.get(e, address);
        // A cloud credential's token is minted (or read from the cache) by the full vault.
        if (found !== NEEDS_MINT) {
          if (found) store.audit(e, address);
          return found;
        }
      }
      return full(async ({ vault }) => {
        try {
          return await vault.reveal(e, address, await actor(), 'helper');
        } catch (error) {
          if ((error as { code?: string }).code === 'NOT_FOUND') return undefined;
          throw error;
        }
      });
    },
    async list(e) {
      const store = await local();
      if (store) return store.list(e);
      return full(async ({ vault }) => {
        const settings = await vault.settings(e);
        const out = new Map<string, string>();
        for (const r of await vault.list(e))
          if (r.state === 'active' && (settings.allowlist === null || settings.allowlist.includes(r.address)))
            out.set(r.address, r.username);
        return out;
      });
    },
    store: (e, a, u, s) =>
      full(async ({ vault }) => {
        await vault.add(
          {
            environment: e,
            address: a,
            username: u,
            secret: s,
            kind: u === TOKEN_USERNAME ? 'identity-token' : 'basic',
          },
          await actor(),
        );
      }),
    erase: (e, a) =>
      full(async ({ vault }) => {
        const records = await vault.list(e);
        if (!records.some((r) => r.address === a)) return false;
        await vault.remove(e, a, await actor());
        return true;
      }),
    close: async () => fast?.close(),
  };
}

/**
 * The same search as every other command (`app/locations.cts`), without loading YAML unless a
 * configuration file is in force: docker runs the helper from the user's working directory.
 */
async function dataLocation(env: NodeJS.ProcessEnv): Promise<{
  dataDir: string;
  source: DataDirSource;
  databaseUrl: string | undefined;
  configFile: string | undefined;
}> {
  if (findConfigFile(undefined, env)) {
    const { resolveDataLocation } = await import('../app/data-dir.ts');
    return resolveDataLocation({}, env);
  }
  const choice = defaultDataDir(env);
  return { dataDir: choice.dataDir, source: choice.source, databaseUrl: undefined, configFile: undefined };
}

function usage(): string {
  return `Usage: ${HELPER_NAME} <store|get|erase|list|version>`;
}

/** Runs one helper invocation; returns the exit code. */
export async function runHelper(io: HelperIo): Promise<number> {
  const args = io.argv.slice(2);
  if (args.length !== 1) {
    io.write(`${usage()}\n`);
    return 1;
  }
  const action = args[0]!;
  if (action === '--version' || action === '-v') {
    io.write(`${HELPER_NAME} (${HELPER_PACKAGE}) ${HELPER_VERSION}\n`);
    return 0;
  }
  if (action === '--help' || action === '-h') {
    io.write(`${usage()}\n`);
    return 0;
  }
  const environment = io.env.PURSER_ENV || 'default';
  const movedCa = io.env.PURSER_EXTRA_CA_CERTS;
  if (io.env.PURSER_URL && movedCa && !io.env.NODE_EXTRA_CA_CERTS && io.rerun) {
    const input = action === 'get' || action === 'store' || action === 'erase' ? await io.readStdin() : '';
    return io.rerun({ ...io.env, NODE_EXTRA_CA_CERTS: movedCa, PURSER_EXTRA_CA_CERTS: undefined }, input);
  }
  let store: Store | undefined;
  try {
    switch (action) {
      case 'store': {
        let creds: { ServerURL?: unknown; Username?: unknown; Secret?: unknown };
        try {
          creds = JSON.parse(scanLines(await io.readStdin())) as typeof creds;
        } catch (error) {
          throw new HelperError((error as Error).message);
        }
        if (typeof creds !== 'object' || creds === null)
          throw new HelperError('json: cannot unmarshal into Go value of type credentials.Credentials');
        const server = typeof creds.ServerURL === 'string' ? creds.ServerURL : '';
        const username = typeof creds.Username === 'string' ? creds.Username : '';
        const secret = typeof creds.Secret === 'string' ? creds.Secret : '';
        if (server === '') throw new HelperError(ERR_MISSING_SERVER_URL);
        if (username === '') throw new HelperError(ERR_MISSING_USERNAME);
        store = await openStore(io.env);
        await store.store(environment, normalizeRegistryAddress(server), username, secret);
        return 0;
      }
      case 'get': {
        const server = scanLines(await io.readStdin()).trim();
        if (server === '') throw new HelperError(ERR_MISSING_SERVER_URL);
        store = await openStore(io.env);
        const found = await store.get(environment, normalizeRegistryAddress(server), server);
        if (!found) throw new HelperError(ERR_NOT_FOUND);
        io.write(`${goJson({ ServerURL: server, Username: found.username, Secret: found.secret })}\n`);
        return 0;
      }
      case 'erase': {
        const server = scanLines(await io.readStdin()).trim();
        if (server === '') throw new HelperError(ERR_MISSING_SERVER_URL);
        store = await openStore(io.env);
        if (!(await store.erase(environment, normalizeRegistryAddress(server))))
          throw new HelperError(ERR_NOT_FOUND);
        return 0;
      }
      case 'list': {
        store = await openStore(io.env);
        const accounts: Record<string, string> = {};
        for (const [address, username] of await store.list(environment))
          accounts[dockerConfigKey(address)] = username;
        io.write(`${goJson(accounts)}\n`);
        return 0;
      }
      case 'version':
        io.write(`${HELPER_NAME} (${HELPER_PACKAGE}) ${HELPER_VERSION}\n`);
        return 0;
      default:
        throw new HelperError(`${HELPER_NAME}: unknown action: ${action}`);
    }
  } catch (error) {
    // One line on stdout, exit 1, as credentials.Serve does. Internal details stay out of it.
    const message = error instanceof Error ? error.message : String(error);
    io.write(`${message.split('\n')[0]}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

/**
 * The real process. Standard input and output go through file descriptors 0 and 1 directly:
 * creating `process.stdin`/`process.stdout` streams loads the net/tty/stream machinery, which
 * is a measurable part of a helper that runs on every pull.
 */
export function processIo(): HelperIo {
  return {
    argv: process.argv,
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      const buffer = Buffer.allocUnsafe(65536);
      for (;;) {
        let n: number;
        try {
          n = fs.readSync(0, buffer, 0, buffer.length, null);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') {
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          if (code === 'EOF') break;
          throw error;
        }
        if (n === 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, n)));
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    rerun: (env, input) => {
      const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
      const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
        env,
        input,
        stdio: ['pipe', 'inherit', 'inherit'],
      });
      return result.status ?? 1;
    },
    write: (text) => {
      const data = Buffer.from(text, 'utf8');
      let offset = 0;
      while (offset < data.length) {
        try {
          offset += fs.writeSync(1, data, offset);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        }
      }
    },
  };
}

const isEntry = process.argv[1] !== undefined && /credential-helper\.c?[jt]s$/.test(process.argv[1]);
if (isEntry) {
  runHelper(processIo()).then((code) => {
    process.exitCode = code;
  });
}
