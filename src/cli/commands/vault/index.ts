/**
 * `purser vault …`: the encrypted registry-credential vault, used locally (the data directory)
 * without a running server.
 */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import type { GrantOptions } from './access.ts';
import type { AllowOptions, CheckOptions, DefaultRegistryOptions } from './environment.ts';
import type { AddOptions, EditOptions, EnvOption, ListOptions } from './run.ts';

const ENV_HELP = 'environment (default "default")';

export function register(program: Command): void {
  const vault = program
    .command('vault')
    .description('encrypted registry credentials, grouped by environment')
    .addHelpText(
      'after',
      `
Examples:
  echo "$PASSWORD" | purser vault add registry.example.com:5000 --username ci --password-stdin
  purser vault add docker.io --username alice --password-stdin --env prod < token.txt
  purser vault list --env prod
  purser vault deactivate quay.io --env prod
  purser vault allow registry.example.com docker.io --env prod
  purser vault set-default-registry registry.example.com --env prod
  purser vault grant prod --service deployer
  purser vault rotate-key`,
    );
  const run = async () => import('./run.ts');
  const environment = async () => import('./environment.ts');
  const access = async () => import('./access.ts');

  vault
    .command('add <address>')
    .description('store a credential (replaces the one already stored for that address: the newest wins)')
    .option(
      '-u, --username <name>',
      'user name (required for basic; gcr-json-key: _json_key; identity-token: optional)',
    )
    .option('--password-stdin', 'read the password or token from standard input')
    .option('--password-file <file>', 'read the password, token or JSON key from a file')
    .option('--email <email>', 'e-mail address (kept for legacy dockercfg consumers)')
    .option('--kind <kind>', 'basic | identity-token | gcr-json-key | ecr | gcp | acr', 'basic')
    .option('--aws-region <region>', "ecr: the registry's AWS region (e.g. eu-west-1)")
    .option('--aws-access-key-id <id>', 'ecr: access key id (with --aws-secret-access-key-file)')
    .option('--aws-secret-access-key-file <file>', 'ecr: file holding the secret access key')
    .option('--aws-profile <name>', 'ecr: a profile of ~/.aws/config and ~/.aws/credentials')
    .option('--aws-role-arn <arn>', 'ecr: a role to assume (STS) before asking ECR')
    .option(
      '--aws-endpoint <url>',
      'ecr: the ECR endpoint (default AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL, else AWS)',
    )
    .option('--azure-tenant <id>', 'acr: the Entra ID tenant of the service principal')
    .option('--azure-client-id <id>', "acr: the service principal's application (client) id")
    .option('--azure-client-secret-file <file>', "acr: file holding the service principal's secret")
    .option(
      '--azure-authority <url>',
      'acr: the Entra ID authority (default https://login.microsoftonline.com)',
    )
    .option('-e, --env <name>', ENV_HELP)
    .addHelpText(
      'after',
      `
ADDRESS is host or host:port, without a scheme or path. Docker Hub is docker.io
(index.docker.io, registry-1.docker.io and https://index.docker.io/v1/ mean the same).
The secret is never accepted on the command line.

Cloud kinds store long-lived material, sealed; clients get short-lived tokens minted from it
(cached, refreshed at half their lifetime):
  ecr  --aws-region R [--aws-access-key-id ID --aws-secret-access-key-file F | --aws-profile P]
       [--aws-role-arn ARN] [--aws-endpoint URL]   (no key and no profile: the SDK's default
       chain: environment, IRSA web identity, ECS/EC2 instance credentials)
  gcp  --password-file KEY.json   (a service-account key; clients get oauth2accesstoken + token)
  acr  --azure-tenant T --azure-client-id C --azure-client-secret-file F [--azure-authority URL]

  purser vault add 123456789012.dkr.ecr.eu-west-1.amazonaws.com --kind ecr --aws-region eu-west-1 \\
    --aws-access-key-id AKIA... --aws-secret-access-key-file aws.secret
  purser vault add europe-docker.pkg.dev --kind gcp --password-file key.json
  purser vault add myregistry.azurecr.io --kind acr --azure-tenant T --azure-client-id C \\
    --azure-client-secret-file sp.secret`,
    )
    .action(async (address: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).add(address, optionsOf<AddOptions>(command))),
    );

  vault
    .command('edit <address>')
    .description('change the user name, e-mail or secret (the stored secret is never shown: enter a new one)')
    .option('-u, --username <name>', 'new user name')
    .option('--password-stdin', 'read a new password or token from standard input')
    .option('--password-file <file>', 'read a new password, token or JSON key from a file')
    .option('--email <email>', 'new e-mail address ("" to remove)')
    .option('-e, --env <name>', ENV_HELP)
    .action(async (address: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).edit(address, optionsOf<EditOptions>(command))),
    );

  jsonOption(
    vault
      .command('list')
      .alias('ls')
      .description('list credentials (never the secrets)')
      .option('-e, --env <name>', ENV_HELP)
      .option('-a, --all', 'include deleted credentials'),
    'print JSON',
    true,
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await run()).list(optionsOf<ListOptions>(command))),
  );

  jsonOption(
    vault
      .command('show <address>')
      .description('show one credential without its secret')
      .option('-e, --env <name>', ENV_HELP),
    'print JSON',
    true,
  ).action(async (address: string, _o: unknown, command: Command) =>
    present(command, async () => (await run()).show(address, optionsOf<EnvOption>(command))),
  );

  for (const [name, text] of [
    [
      'deactivate',
      'stop handing out a credential (pulls that need it fail with "registry X is deactivated")',
    ],
    ['activate', 'hand out a deactivated credential again'],
    ['rm', 'delete a credential (its secret is destroyed)'],
  ] as const) {
    vault
      .command(`${name} <address>`)
      .description(text)
      .option('-e, --env <name>', ENV_HELP)
      .action(async (address: string, _o: unknown, command: Command) =>
        present(command, async () => (await run()).changeState(name, address, optionsOf<EnvOption>(command))),
      );
  }

  vault
    .command('set-default-registry [address]')
    .description('make image names without a registry resolve to ADDRESS instead of Docker Hub')
    .option('-e, --env <name>', ENV_HELP)
    .option('--unset', 'go back to Docker Hub')
    .action(async (address: string | undefined, _o: unknown, command: Command) =>
      present(command, async () =>
        (await environment()).setDefaultRegistry(address, optionsOf<DefaultRegistryOptions>(command)),
      ),
    );

  vault
    .command('allow [addresses...]')
    .description(
      'add registries to the allowlist (once set, any other registry is refused; Docker Hub only when listed)',
    )
    .option('-e, --env <name>', ENV_HELP)
    .option('--remove', 'remove the given registries from the allowlist instead')
    .option('--clear', 'remove the allowlist: every registry is allowed again')
    .addHelpText('after', '\nWithout addresses, prints the allowlist.')
    .action(async (addresses: string[], _o: unknown, command: Command) =>
      present(command, async () => (await environment()).allow(addresses, optionsOf<AllowOptions>(command))),
    );

  jsonOption(
    vault
      .command('settings')
      .description('show the default registry and allowlist of environments')
      .option('-e, --env <name>', 'only this environment'),
    'print JSON',
    true,
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await environment()).settings(optionsOf<EnvOption>(command))),
  );

  vault
    .command('resolve <image>')
    .description('show how an image name resolves in an environment (default registry, allowlist)')
    .option('-e, --env <name>', ENV_HELP)
    .action(async (image: string, _o: unknown, command: Command) =>
      present(command, async () => (await environment()).resolve(image, optionsOf<EnvOption>(command))),
    );

  vault
    .command('check')
    .description('verify every active credential against its registry; exit 1 if any is invalid or expired')
    .option('-e, --env <name>', 'only this environment (default: all)')
    .option('--insecure', 'allow plain HTTP and unverified TLS for every registry')
    .option('--json', 'print the outcomes as JSON')
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await environment()).check(optionsOf<CheckOptions>(command))),
    );

  vault
    .command('grant <env>')
    .description('let a service or robot read the secrets of an environment')
    .option('--service <name>', 'service name')
    .option('--robot <name>', 'robot name')
    .action(async (env: string, _o: unknown, command: Command) =>
      present(command, async () => (await access()).grant(env, optionsOf<GrantOptions>(command), true)),
    );

  vault
    .command('revoke <env>')
    .description('take back a grant')
    .option('--service <name>', 'service name')
    .option('--robot <name>', 'robot name')
    .action(async (env: string, _o: unknown, command: Command) =>
      present(command, async () => (await access()).grant(env, optionsOf<GrantOptions>(command), false)),
    );

  jsonOption(vault.command('grants [env]').description('list environment grants')).action(
    async (env: string | undefined, _o: unknown, command: Command) =>
      present(command, async () => (await access()).grants(env, optionsOf<GlobalOptions>(command))),
  );

  vault
    .command('rotate-key')
    .description('re-encrypt every secret under a new master key (safe to interrupt and re-run)')
    .addHelpText(
      'after',
      `
With a key file (<data>/master.key or PURSER_MASTER_KEY_FILE): a new key is put first in the
file, every secret is re-sealed, then the old keys are dropped. Until the end, values sealed by
the old key stay readable, so servers keep working during the rotation.
With PURSER_MASTER_KEY: set it to "NEW,OLD", run rotate-key, then set it to "NEW".`,
    )
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await access()).rotateKey(optionsOf<GlobalOptions>(command))),
    );
}
