import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the token server, management API and registry integration')
    .option('-c, --config <file>', 'configuration file (also PURSER_CONFIG)')
    .option(
      '-w, --workers <n>',
      'server processes sharing the port, or auto (one per core); config key workers',
    )
    .option(
      '--init',
      'create a new database although the data directory has been used (keys or an audit journal, no database)',
    )
    .addHelpText(
      'after',
      `
Defaults: listen 127.0.0.1:5001, issuer "purser", token lifetime 300 s. The configuration is
--config / PURSER_CONFIG, else /etc/purser/purser.yaml when it exists (unless PURSER_DATA is
set); the data directory (SQLite) is its "data" key, else PURSER_DATA, else
~/.local/share/purser ($XDG_DATA_HOME/purser; /var/lib/purser for root when it exists).
The first start creates the data directory (0700) and says so, the database, an
ES256 signing key with a 10-year self-signed certificate, and the administrator "admin"
(password from PURSER_ADMIN_PASSWORD, or generated and printed once).

A data directory that has signing keys or an audit journal but no database (purser.db deleted
or moved, or an empty PostgreSQL database) is refused with exit code 2: restore the database,
or pass --init to create a new one (with a new signing key; the journal is replayed into it).

An invalid configuration is reported as "path: message" lines (every problem at once) and
exits with code 2. Valid but unsafe settings (mode: public, a plain-http public_url, …) are
printed as warnings with a code; docs/config.md lists every key and warning.

Signals: SIGTERM/SIGINT stop gracefully (requests in flight get shutdown_grace, 10 s by
default; the audit queue is flushed; exit 0). SIGHUP re-reads the configuration: a valid file
is applied without a restart (objects, registries, TLS certificates, log level); an invalid one
is refused with the same "path: message" lines and the running configuration stays.

With --workers N (or workers: N), N processes share the port and one runs the background
jobs; a worker that dies is restarted. Health: /healthz (alive), /readyz (database, signing
key, migrations; 503 with the reason). Metrics: /metrics, or on metrics.listen only.

Examples:
  purser serve
  purser serve --workers auto
  purser serve --config /etc/purser/purser.yaml
  PURSER_ADMIN_PASSWORD=change-me purser serve`,
    )
    .action(async (options: { config?: string; workers?: string; init?: boolean }, command: Command) => {
      const { runServe } = await import('./run.ts');
      const globals = command.optsWithGlobals<{ config?: string }>();
      await runServe(
        options.config ?? globals.config ?? process.env.PURSER_CONFIG,
        options.workers,
        options.init === true,
      );
    });
}
