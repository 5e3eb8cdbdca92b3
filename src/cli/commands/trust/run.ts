/** Implementation of `purser registry trust`. */
import fs from 'node:fs';
import path from 'node:path';
import { parseRegistryAddress } from '../../../domain/registry-address.ts';
import { writeFileAtomic } from '../../../formats/atomic-file.ts';
import { certsDirName, fetchCertificateChain, formatFingerprint } from '../../../vault/registry-trust.ts';
import type { GlobalOptions } from '../../options.ts';
import { type Block, type CommandResult, exitStatus, text } from '../../output.ts';

export interface TrustOptions extends GlobalOptions {
  readonly root: string;
  readonly fingerprint?: string;
  readonly dryRun?: boolean;
  readonly insecureSnippet?: boolean;
  readonly servername?: string;
}

export async function trust(hostArg: string, options: TrustOptions): Promise<CommandResult> {
  const address = parseRegistryAddress(hostArg);
  if (options.insecureSnippet) {
    return {
      blocks: [
        text(
          `Add to /etc/docker/daemon.json (then restart dockerd); TLS is then not verified at all:\n${JSON.stringify({ 'insecure-registries': [address] }, null, 2)}`,
        ),
        text(
          `For podman/skopeo/buildah, in /etc/containers/registries.conf:\n[[registry]]\nlocation = "${address}"\ninsecure = true`,
        ),
      ],
    };
  }
  const chain = await fetchCertificateChain(address, { servername: options.servername });
  const blocks: Block[] = [text(`${address} presented ${chain.certificates.length} certificate(s):`)];
  chain.certificates.forEach((c, i) => {
    blocks.push(
      text(
        `  [${i}] subject: ${c.subject}\n      issuer:  ${c.issuer}\n      valid:   ${c.validFrom} → ${c.validTo}\n      sha256:  ${formatFingerprint(c.fingerprint256)}`,
      ),
    );
  });
  const anchor = chain.certificates[chain.certificates.length - 1]!;
  blocks.push(
    text(
      `certificate to trust: [${chain.certificates.length - 1}] ${anchor.selfSigned ? '(self-signed)' : '(top of the presented chain; its issuer was not sent)'}\nSHA-256 fingerprint: ${formatFingerprint(anchor.fingerprint256)}`,
    ),
  );
  if (typeof options.fingerprint === 'string') {
    const want = options.fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
    if (want !== anchor.fingerprint256.replace(/[^0-9a-f]/gi, '').toUpperCase()) {
      return {
        blocks,
        exit: {
          code: exitStatus('DENIED'),
          message: `fingerprint mismatch: expected ${formatFingerprint(want)}, the server presented ${formatFingerprint(anchor.fingerprint256)}; nothing written`,
        },
      };
    }
  }
  if (options.dryRun) return { blocks };
  const root = path.resolve(options.root);
  if (!fs.existsSync(root)) return { blocks, exit: { code: 2, message: `--root ${root} does not exist` } };
  const dir = certsDirName(address);
  const written: string[] = [];
  for (const tool of ['docker', 'containers']) {
    const file = path.join(root, tool, 'certs.d', dir, 'ca.crt');
    writeFileAtomic(file, anchor.pem, { defaultMode: 0o644, dirMode: 0o755 });
    written.push(file);
  }
  blocks.push(text(`wrote ${written.join(' and ')}`));
  return { blocks };
}
