/**
 * A real docker-registry for the benchmarks (test/support/registry.ts), quiet (no access log)
 * and moved to the client core with `taskset -p` once started, so it does not share the core of
 * the process being measured.
 */
import { spawnSync } from 'node:child_process';
import { type Registry, type RegistryOptions, startRegistry } from '../../test/support/registry.ts';
import { CLIENT_CORE, canPin } from './processes.ts';

export async function startBenchRegistry(
  options: RegistryOptions & { storage?: string; core?: number },
): Promise<Registry> {
  const { storage, core, ...rest } = options;
  const registry = await startRegistry({
    ...rest,
    extraYaml: {
      log: { level: 'info', accesslog: { disabled: true } },
      ...(storage ? { storage: { filesystem: { rootdirectory: storage } } } : {}),
    },
  });
  if (canPin()) {
    // The registry process is the one whose command line names this registry's config file.
    const found = spawnSync('pgrep', ['-f', registry.configFile], { encoding: 'utf8' });
    for (const pid of found.stdout.split('\n').filter(Boolean)) {
      spawnSync('taskset', ['-a', '-p', '-c', String(core ?? CLIENT_CORE), pid], { stdio: 'ignore' });
    }
  }
  return registry;
}
