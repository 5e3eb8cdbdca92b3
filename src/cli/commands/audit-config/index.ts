/** `purser audit-config [PATH ...]`: find plaintext registry credentials. */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { AuditConfigOptions } from './run.ts';

export function register(program: Command): void {
  const command = program
    .command('audit-config [paths...]')
    .description(
      'list plaintext registry credentials in Docker/podman config files; exit 1 when any is found',
    )
    .addHelpText(
      'after',
      `
Without PATH, reads the usual locations: $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
~/.config/containers/auth.json, $DOCKER_CONFIG/config.json (~/.docker/config.json), ~/.dockercfg.
Reports registries and user names, never passwords. Fix what it finds with: purser migrate PATH`,
    );
  jsonOption(command, 'print the findings as JSON', true).action(
    async (paths: string[], _o: unknown, command: Command) =>
      present(command, async () =>
        (await import('./run.ts')).auditConfig(paths, optionsOf<AuditConfigOptions>(command)),
      ),
  );
}
