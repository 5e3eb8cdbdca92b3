/** Implementation of `purser resolve`: gathers the inputs, calls the pure resolver, prints. */
import fs from 'node:fs';
import { BadRequest, isAuthorityError } from '../../../domain/errors.ts';
import { describeProblem } from '../../../gantry/gantry-credential.ts';
import { lenientRealpath, readGantryInputs } from '../../../gantry/gantry-inputs.ts';
import { readConfigEntry } from '../../../resolve/config-entry.ts';
import { openVaultIfPresent } from '../../../resolve/optional-vault.ts';
import {
  type KnownConfiguration,
  type Resolution,
  resolveCredential,
  type VaultCredentialSummary,
  type VaultView,
} from '../../../resolve/resolve-credential.ts';
import { parseServiceInspect } from '../../../resolve/service-inspect.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type Block, type CommandResult, text, warning } from '../../output.ts';

export interface ResolveOptions extends GlobalOptions, JsonOption {
  readonly label?: string[];
  readonly serviceInspect?: string;
  readonly env: string;
  readonly configsFile?: string;
}

interface Target {
  readonly service?: string;
  readonly image: string;
  readonly labels: Record<string, string>;
}

type Outcome = Resolution | { service?: string; image: string; error: string };

export async function runResolve(image: string | undefined, options: ResolveOptions): Promise<CommandResult> {
  const extraLabels = parseLabels(options.label ?? []);
  const targets: Target[] = [];
  if (typeof options.serviceInspect === 'string') {
    const file = options.serviceInspect;
    const text = file === '-' ? fs.readFileSync(0, 'utf8') : readText(file);
    for (const s of parseServiceInspect(text, file === '-' ? 'standard input' : file)) {
      targets.push({ service: s.name, image: s.image, labels: { ...s.labels, ...extraLabels } });
    }
  }
  if (image !== undefined) targets.push({ image, labels: extraLabels });
  if (targets.length === 0)
    throw new BadRequest('give an IMAGE or --service-inspect FILE (see purser resolve --help)');

  const cwd = process.cwd();
  const gantry = readGantryInputs({ env: process.env, cwd, configsFile: options.configsFile });
  const known: KnownConfiguration[] = gantry.credentials.map((c) => ({
    configuration: c.configuration,
    host: c.host,
    registry: c.registry,
    source: c.source,
  }));
  const inputWarnings = gantry.problems.map((p) => `Gantry input ignored: ${describeProblem(p)}`);

  const environment = parseEnvironmentName(options.env);
  const local = await openVaultIfPresent({ config: options.config });
  let vault: VaultView | undefined;
  try {
    if (local) {
      const settings = await local.vault.settings(environment);
      const records = await local.vault.list(environment);
      const byAddress = new Map<string, VaultCredentialSummary>(
        records.map((r) => [
          r.address,
          {
            username: r.username,
            state: r.state,
            kind: r.kind,
            updatedBy: r.updatedBy,
            updatedAt: r.updatedAt,
          },
        ]),
      );
      vault = {
        environment,
        defaultRegistry: settings.defaultRegistry,
        allowlist: settings.allowlist,
        credential: (registry) => byAddress.get(registry),
      };
    }
  } finally {
    await local?.close();
  }

  const resolveOne = (t: Target): Resolution =>
    resolveCredential({
      image: t.image,
      labels: t.labels,
      env: process.env,
      cwd,
      known,
      ...(vault ? { vault } : {}),
      configEntry: readConfigEntry,
      realpath: lenientRealpath,
      ...(t.service === undefined ? {} : { service: t.service }),
    });
  const single = typeof options.serviceInspect !== 'string' && targets.length === 1;
  const outcomes: Outcome[] = targets.map((t) => {
    if (single) return resolveOne(t);
    try {
      return resolveOne(t);
    } catch (error) {
      if (isAuthorityError(error) && error.expose) {
        return {
          ...(t.service === undefined ? {} : { service: t.service }),
          image: t.image,
          error: error.message,
        };
      }
      throw error;
    }
  });

  const withWarnings = outcomes.map((o) =>
    'error' in o ? o : { ...o, warnings: [...inputWarnings, ...o.warnings] },
  );
  const blocks: Block[] = inputWarnings.map(warning);
  outcomes.forEach((o, i) => {
    blocks.push(
      text(
        (i > 0 ? '\n' : '') +
          ('error' in o
            ? `${o.service ? `${o.service}: ` : ''}${o.image}\n  error: ${o.error}\n`
            : render(o)),
      ),
    );
  });
  const failed = outcomes.filter((o) => 'error' in o);
  return {
    data: single ? withWarnings[0] : withWarnings,
    blocks,
    ...(failed.length > 0
      ? { exit: { code: 2, message: `${failed.length} of ${outcomes.length} images could not be resolved` } }
      : {}),
  };
}

function render(r: Resolution): string {
  const rows: [string, string][] = [
    ['image', r.image === r.updateImage ? r.image : `${r.image} (updates ${r.updateImage})`],
    ['reference', r.reference.normalized],
    ['registry', r.registry],
    ['admitted', r.admitted ? 'yes' : 'NO (not in the allowlist)'],
    [
      'vault',
      r.vaultCredential
        ? `${r.vaultCredential.state} credential of ${r.vaultCredential.username} in environment ${r.vaultCredential.environment}`
        : 'no credential',
    ],
    ['configuration', `${r.configuration.dir} (${r.configuration.reason})`],
    ['credential', r.credentialSource],
    ['flags', [...r.dockerFlags, ...r.updateFlags].join(' ') || '(none)'],
    ['command', r.command],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  let out = r.service ? `service ${r.service}\n` : '';
  for (const [k, v] of rows) out += `  ${k.padEnd(width)}  ${v}\n`;
  out += '  how it was decided:\n';
  for (const s of r.steps) out += `    ${s.step.padEnd(13)} ${s.detail}\n`;
  const gantryFlags = [...r.gantry.dockerFlags, ...r.gantry.updateFlags].join(' ') || 'no flags';
  out += r.gantry.agrees
    ? `  gantry: agrees (${gantryFlags})\n`
    : `  gantry: its code would add ${gantryFlags}${r.gantry.host === undefined ? ` (it finds no registry in "${r.updateImage}": it needs three path parts)` : ` (registry read as "${r.gantry.host}", compared as a plain string)`}\n`;
  for (const w of r.warnings) out += `  warning: ${w}\n`;
  return out;
}

function parseLabels(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new BadRequest(`--label "${value}" must be KEY=VALUE`);
    labels[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return labels;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadRequest(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}
