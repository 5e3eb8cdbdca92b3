/**
 * What Gantry itself would pick for a service, reproduced from its shell code
 * (`src/lib-gantry.sh` at 89c30e6: `_get_auth_config_from_service_or_image`, `_get_host_from_image`,
 * `_login_registry`, `_get_with_registry_auth`), bugs included, so `purser resolve` can show where
 * its own answer differs and why. See ../shared/reference/client-anchors.md §1.4–1.5.
 */
import path from 'node:path';

export interface GantryLogin {
  /** `<configuration>` as written; empty = the default location. */
  readonly configuration: string;
  /** `<registry>` exactly as written (Gantry compares strings); empty = Docker Hub. */
  readonly host: string;
}

export interface GantrySelectionInput {
  /** The image Gantry inspects: the service image with its `@digest` removed. */
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly logins: readonly GantryLogin[];
  /** Absolute default configuration directory (`readlink -f ${DOCKER_CONFIG:-$HOME/.docker}`). */
  readonly defaultDir: string;
  readonly cwd: string;
  readonly realpath?: (p: string) => string;
}

export interface GantrySelection {
  /** Host Gantry derives from the image (undefined when it finds none). */
  readonly host: string | undefined;
  /** The `--config` value Gantry adds, as written (undefined = none). */
  readonly configuration: string | undefined;
  readonly dockerFlags: readonly string[];
  readonly updateFlags: readonly string[];
  readonly warnings: readonly string[];
}

export const GANTRY_LABEL = 'gantry.auth.config';

/** `_get_host_from_image`: the first `/` field, only when a third field exists. */
export function gantryHostFromImage(image: string): string | undefined {
  const fields = image.split('/');
  const third = fields[2];
  if (third === undefined || third === '') return undefined;
  return fields[0];
}

/** `_get_docker_config_static_var_from_host`. */
function staticKey(host: string): string {
  return host.replaceAll(':', '_');
}

export function gantrySelection(input: GantrySelectionInput): GantrySelection {
  const realpath = input.realpath ?? ((p: string) => p);
  const warnings: string[] = [];
  // _login_registry: STATIC_VAR_DOCKER_CONFIG_<HOST> only when both CONFIG and HOST are set;
  // STATIC_VAR_DOCKER_CONFIG_DEFAULT when CONFIG is empty or resolves to the default location.
  const byHost = new Map<string, string[]>();
  let defaultUsed = false;
  for (const login of input.logins) {
    if (login.configuration !== '' && login.host !== '') {
      const key = staticKey(login.host);
      const list = byHost.get(key) ?? [];
      if (!list.includes(login.configuration)) list.push(login.configuration);
      byHost.set(key, list);
    }
    const dir =
      login.configuration === '' ? input.defaultDir : realpath(path.resolve(input.cwd, login.configuration));
    if (dir === input.defaultDir) defaultUsed = true;
  }

  const host = gantryHostFromImage(input.image);
  let configuration: string | undefined = input.labels[GANTRY_LABEL] || undefined;
  if (configuration === undefined && host !== undefined) {
    const found = byHost.get(staticKey(host)) ?? [];
    if (found.length > 1) {
      warnings.push(
        `There are ${found.length} configuration(s) for ${host} set via GANTRY_REGISTRY_CONFIG or GANTRY_REGISTRY_CONFIGS_FILE. No "--config" will be added to Docker commands.`,
      );
    } else {
      configuration = found[0];
    }
  }
  const dockerFlags = configuration === undefined ? [] : ['--config', configuration];
  const updateFlags = configuration !== undefined || defaultUsed ? ['--with-registry-auth'] : [];
  return { host, configuration, dockerFlags, updateFlags, warnings };
}
