/**
 * `purser export kubelet-provider-config --match GLOB...`: the kubelet's CredentialProviderConfig
 * for purser-credential-provider (src/kubelet/credential-provider-config.ts). No secret is read:
 * the file names the environment and where the provider finds the vault (this data directory,
 * or a running Purser with a service account whose password is in a file on the node).
 */
import { resolveDataLocation } from '../../../app/data-dir.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { writeFileAtomic } from '../../../formats/atomic-file.ts';
import {
  type ProviderEnvVar,
  renderCredentialProviderConfig,
} from '../../../kubelet/credential-provider-config.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import type { GlobalOptions } from '../../options.ts';
import { bytes, type CommandResult, note } from '../../output.ts';

export interface KubeletProviderConfigOptions extends GlobalOptions {
  readonly env?: string;
  readonly out?: string;
  readonly match?: string[];
  readonly purserUrl?: string;
  readonly purserUsername?: string;
  readonly purserPasswordFile?: string;
  readonly defaultCacheDuration?: string;
}

export async function kubeletProviderConfig(options: KubeletProviderConfigOptions): Promise<CommandResult> {
  if (!options.match || options.match.length === 0)
    throw new BadRequest(
      "kubelet-provider-config needs --match GLOB (e.g. --match '*.dkr.ecr.*.amazonaws.com' --match '*.azurecr.io')",
    );
  const env: ProviderEnvVar[] = [{ name: 'PURSER_ENV', value: parseEnvironmentName(options.env) }];
  if (options.purserUrl !== undefined) {
    if (!/^https?:\/\//.test(options.purserUrl))
      throw new BadRequest(`--purser-url must be an http(s) URL, got "${options.purserUrl}"`);
    if (!options.purserUsername || !options.purserPasswordFile)
      throw new BadRequest(
        '--purser-url needs --purser-username (a service account granted the environment) and --purser-password-file (its secret, in a file on the node)',
      );
    env.push(
      { name: 'PURSER_URL', value: options.purserUrl },
      { name: 'PURSER_USERNAME', value: options.purserUsername },
      { name: 'PURSER_PASSWORD_FILE', value: options.purserPasswordFile },
    );
  } else {
    if (options.purserUsername || options.purserPasswordFile)
      throw new BadRequest('--purser-username and --purser-password-file go with --purser-url');
    const location = resolveDataLocation({ config: options.config });
    env.push(
      location.configFile
        ? { name: 'PURSER_CONFIG', value: location.configFile }
        : { name: 'PURSER_DATA', value: location.dataDir },
    );
  }
  const text = renderCredentialProviderConfig([
    {
      matchImages: options.match,
      env,
      ...(options.defaultCacheDuration !== undefined
        ? { defaultCacheDuration: options.defaultCacheDuration }
        : {}),
    },
  ]);
  if (!options.out) return { blocks: [bytes(Buffer.from(text, 'utf8'))] };
  writeFileAtomic(options.out, text, { defaultMode: 0o644 });
  return { blocks: [note(`purser: wrote ${options.out}`)] };
}
