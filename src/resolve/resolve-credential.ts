/**
 * Which credential and which Docker client configuration a workload uses, explained step by step.
 * A pure function: labels, environment variables, the working directory, the known configurations
 * and every vault or file lookup are inputs, so the precedence table is testable without I/O.
 *
 * Precedence (as Gantry documents it, docs/authentication.md §2.3):
 *   1. service label `gantry.auth.config` (or `purser.auth.config`);
 *   2. a configuration found automatically: the only one known to hold a credential for the
 *      image's registry (which may be the default location);
 *   3. `DOCKER_CONFIG`;
 *   4. `${HOME}/.docker`.
 * Unlike Gantry's code, the registry comes from distribution/reference normalization (so
 * `registry.example.com/app:tag` has one) and Docker Hub's aliases are one registry.
 */
import path from 'node:path';
import { BadRequest } from '../domain/errors.ts';
import { DOCKER_HUB, normalizeRegistryAddress } from '../domain/registry-address.ts';
import { isAllowed } from '../vault/environment-settings.ts';
import { parseReference } from '../vault/image-reference.ts';
import { describeCredentialSource, describeVault } from './describe-resolution.ts';
import { GANTRY_LABEL, gantrySelection } from './gantry-selection.ts';
import type { Resolution, ResolveInput, ResolveStep } from './resolution.ts';

export type {
  ConfigEntry,
  KnownConfiguration,
  Resolution,
  ResolveInput,
  ResolveStep,
  SelectedBy,
  VaultCredentialSummary,
  VaultView,
} from './resolution.ts';

export const PURSER_LABEL = 'purser.auth.config';

/**
 * The image to update to: `name:tag@digest` → `name:tag` (the digest is the pin Swarm recorded);
 * a digest-only `name@digest` stays as it is, since dropping it would change the image.
 */
export function stripDigestPin(image: string): string {
  const at = image.lastIndexOf('@');
  if (at < 0) return image;
  const name = image.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash + 1).includes(':') ? name : image;
}

export function resolveCredential(input: ResolveInput): Resolution {
  const realpath = input.realpath ?? ((p: string) => p);
  const labels = input.labels ?? {};
  const known = input.known ?? [];
  const steps: ResolveStep[] = [];
  const warnings: string[] = [];
  const updateImage = stripDigestPin(input.image.trim());
  if (updateImage === '') throw new BadRequest('the image is empty');

  // 1. reference
  const defaultRegistry = input.vault?.defaultRegistry ?? undefined;
  const reference = parseReference(updateImage, { defaultRegistry });
  const plain = parseReference(updateImage);
  const viaDefault = defaultRegistry !== undefined && plain.domain !== reference.domain;
  steps.push({
    step: 'reference',
    detail:
      `${input.image} → ${reference.normalized}` +
      (updateImage !== input.image
        ? ` (the @digest pin is dropped: ${updateImage} is what gets updated)`
        : '') +
      (viaDefault
        ? ` (no registry prefix: default registry ${defaultRegistry} of environment ${input.vault?.environment})`
        : ''),
  });

  // 2. registry
  const registry = normalizeRegistryAddress(reference.domain);
  steps.push({
    step: 'registry',
    detail:
      registry === DOCKER_HUB
        ? `${registry} (Docker Hub; docker.io, index.docker.io, registry-1.docker.io and https://index.docker.io/v1/ are one registry)`
        : registry,
  });

  // 3. allowlist and vault credential
  const vault = input.vault;
  let admitted = true;
  let vaultCredential: Resolution['vaultCredential'] = null;
  if (vault) {
    admitted = isAllowed(vault, registry);
    steps.push({
      step: 'allowlist',
      detail:
        vault.allowlist === null
          ? `environment ${vault.environment} has no allowlist: every registry is admitted`
          : admitted
            ? `admitted by the allowlist of environment ${vault.environment} (${vault.allowlist.join(', ')})`
            : `REFUSED: ${registry} is not in the allowlist of environment ${vault.environment} (${vault.allowlist.join(', ') || 'empty'})`,
    });
    if (!admitted)
      warnings.push(`registry ${registry} is not in the allowlist of environment ${vault.environment}`);
    const found = vault.credential(registry);
    if (found && found.state !== 'deleted') vaultCredential = { ...found, environment: vault.environment };
    steps.push({ step: 'vault', detail: describeVault(vault.environment, registry, found) });
    if (found?.state === 'deactivated')
      warnings.push(`registry ${registry} is deactivated in environment ${vault.environment}`);
  } else {
    steps.push({
      step: 'vault',
      detail: 'no vault consulted (no data directory): no allowlist, no stored credential',
    });
  }

  // 4. configuration directory
  const defaultDir = realpath(
    input.env.DOCKER_CONFIG
      ? path.resolve(input.cwd, input.env.DOCKER_CONFIG)
      : path.join(input.env.HOME ?? '/root', '.docker'),
  );
  const dirOf = (configuration: string) =>
    configuration === '' ? defaultDir : realpath(path.resolve(input.cwd, configuration));
  let selected: Resolution['configuration'] | undefined;
  const gantryLabel = labels[GANTRY_LABEL];
  const purserLabel = labels[PURSER_LABEL];
  if (gantryLabel && purserLabel && dirOf(gantryLabel) !== dirOf(purserLabel)) {
    warnings.push(
      `labels ${GANTRY_LABEL}=${gantryLabel} and ${PURSER_LABEL}=${purserLabel} disagree; ${GANTRY_LABEL} wins (Gantry reads it)`,
    );
  }
  const label = gantryLabel
    ? { key: GANTRY_LABEL, value: gantryLabel }
    : purserLabel
      ? { key: PURSER_LABEL, value: purserLabel }
      : undefined;
  if (label) {
    const dir = dirOf(label.value);
    selected = {
      dir,
      selectedBy: 'label',
      reason: `label ${label.key}=${label.value}`,
      isDefault: dir === defaultDir,
    };
    steps.push({ step: 'configuration', detail: `1. label ${label.key}=${label.value} → ${dir}` });
  } else {
    steps.push({ step: 'configuration', detail: `1. no ${GANTRY_LABEL} or ${PURSER_LABEL} label` });
    const matches = known.filter((k) => k.registry === registry);
    const dirs = [...new Set(matches.map((k) => dirOf(k.configuration)))];
    if (dirs.length === 1) {
      const dir = dirs[0]!;
      const sources = matches.map((k) => k.source).join(', ');
      selected = {
        dir,
        selectedBy: 'auto',
        reason: `the only configuration with a credential for ${registry} (${sources})`,
        isDefault: dir === defaultDir,
      };
      steps.push({
        step: 'configuration',
        detail: `2. found automatically: ${dir} is the only configuration with a credential for ${registry} (${sources})`,
      });
    } else if (dirs.length > 1) {
      warnings.push(
        `${dirs.length} configurations hold a credential for ${registry} (${dirs.join(', ')}); none is chosen: add the label ${GANTRY_LABEL}=<configuration> to select one`,
      );
      steps.push({
        step: 'configuration',
        detail: `2. ${dirs.length} configurations know ${registry}: ambiguous, none chosen automatically`,
      });
    } else {
      steps.push({
        step: 'configuration',
        detail: `2. no known configuration holds a credential for ${registry}`,
      });
    }
  }
  if (!selected) {
    if (input.env.DOCKER_CONFIG) {
      selected = {
        dir: defaultDir,
        selectedBy: 'DOCKER_CONFIG',
        reason: `DOCKER_CONFIG=${input.env.DOCKER_CONFIG}`,
        isDefault: true,
      };
      steps.push({
        step: 'configuration',
        detail: `3. DOCKER_CONFIG=${input.env.DOCKER_CONFIG} → ${defaultDir} (the default location)`,
      });
    } else {
      selected = {
        dir: defaultDir,
        selectedBy: 'HOME',
        reason: `HOME=${input.env.HOME ?? '/root'}`,
        isDefault: true,
      };
      steps.push({
        step: 'configuration',
        detail: `3. DOCKER_CONFIG is not set; 4. \${HOME}/.docker → ${defaultDir} (the default location)`,
      });
    }
  }

  // 5. credential the docker client will read
  const entry = input.configEntry?.(selected.dir, registry);
  const credentialSource = describeCredentialSource(selected.dir, registry, entry, vaultCredential);
  steps.push({ step: 'credential', detail: credentialSource });
  if (entry?.kind === 'no-directory' || entry?.kind === 'no-config-json') {
    if (selected.selectedBy === 'label' || selected.selectedBy === 'auto') {
      warnings.push(
        `${selected.dir} has no config.json: docker will pull ${reference.familiarName} anonymously (run purser gantry login, or purser export docker-config)`,
      );
    }
  }
  const defaultKnowsRegistry = known.some(
    (k) => k.registry === registry && dirOf(k.configuration) === defaultDir,
  );
  const credentialsExist =
    entry?.kind === 'auths' ||
    entry?.kind === 'helper' ||
    entry?.kind === 'store' ||
    vaultCredential?.state === 'active' ||
    defaultKnowsRegistry;

  // 6. flags
  const dockerFlags = selected.isDefault ? [] : ['--config', selected.dir];
  const chosen = selected.selectedBy === 'label' || selected.selectedBy === 'auto';
  const updateFlags = chosen || credentialsExist ? ['--with-registry-auth'] : [];
  steps.push({
    step: 'flags',
    detail:
      `${dockerFlags.length ? `--config ${selected.dir} (not the default location ${defaultDir})` : `no --config (${selected.dir} is the default location)`}; ` +
      `${updateFlags.length ? `--with-registry-auth (${chosen ? 'a configuration was selected' : 'credentials exist for this registry'})` : 'no --with-registry-auth (no credential for this registry: anonymous pull)'}`,
  });

  const gantry = gantrySelection({
    image: updateImage,
    labels,
    logins: known,
    defaultDir,
    cwd: input.cwd,
    realpath,
  });
  const gantryDir = gantry.configuration === undefined ? defaultDir : dirOf(gantry.configuration);
  const agrees = gantryDir === selected.dir && gantry.updateFlags.length === updateFlags.length;
  const command = [
    'docker',
    ...dockerFlags,
    'service',
    'update',
    ...updateFlags,
    `--image=${updateImage}`,
    input.service ?? 'SERVICE',
  ]
    .map(shellQuote)
    .join(' ');
  return {
    ...(input.service === undefined ? {} : { service: input.service }),
    image: input.image,
    updateImage,
    reference,
    registry,
    admitted,
    vaultCredential,
    configuration: selected,
    credentialSource,
    dockerFlags,
    updateFlags,
    command,
    steps,
    warnings,
    gantry: { ...gantry, agrees },
  };
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
