/** `purser ratelimit [--env E] [--json]`: Docker Hub pull quota left. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { RateLimitOptions } from './run.ts';

export function register(program: Command): void {
  program
    .command('ratelimit')
    .description(
      "show the Docker Hub pull quota left for an environment's Docker Hub credential (or anonymously)",
    )
    .option('-e, --env <name>', 'vault environment whose Docker Hub credential is used', 'default')
    .option('--anonymous', 'ignore the stored credential')
    .option(
      '--auth-url <url>',
      'token endpoint (also PURSER_DOCKERHUB_AUTH_URL; default https://auth.docker.io/token)',
    )
    .option(
      '--registry-url <url>',
      'registry (also PURSER_DOCKERHUB_REGISTRY_URL; default https://registry-1.docker.io)',
    )
    .option(
      '--mirror <url>',
      "a pull-through mirror's debug address (purser mirror config --debug-listen): report the pulls it served and those it fetched upstream",
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Asks Docker Hub the way Docker documents it: a token for repository:ratelimitpreview/test:pull
(with the environment's active Docker Hub credential, anonymous when there is none), then a HEAD
of that repository's manifest, which does not count as a pull. Reports the limit, what remains,
the window and the source the quota is counted against, from the response headers:
  ratelimit-limit: 100;w=21600
  ratelimit-remaining: 76;w=21600
  docker-ratelimit-source: 203.0.113.7
No ratelimit headers means no limit applies. Each check is remembered in the data directory, and
the next one says how many pulls were counted against the quota since: pulls that a
pull-through mirror (purser mirror config) serves from its cache are not counted, so this shows
what the mirror saves. With --mirror, the mirror's own counters (its /debug/vars, since it
started) say how many pulls it served and how many it fetched from the upstream: the
difference never reached the quota. Below 10% of the limit, a warning is printed
(purser vault check reports the same for every Docker Hub credential).

Exit status: 0, also when the quota is low; 7 when Docker Hub cannot be asked or refuses the
credential, or when --mirror's counters cannot be read.

Examples:
  purser ratelimit
  purser ratelimit --env prod --json
  purser ratelimit --env prod --mirror http://127.0.0.1:5004`,
    )
    .action(async (_o: unknown, command: Command) =>
      present(command, async () =>
        (await import('./run.ts')).runRateLimit(optionsOf<RateLimitOptions>(command)),
      ),
    );
}
