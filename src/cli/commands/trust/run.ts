/** Implementation of `purser registry trust`. */
import fs from 'node:fs';
import path from 'node:path';
import { BadRequest } from '../../../domain/errors.ts';
import { parseRegistryAddress } from '../../../domain/registry-address.ts';
import { writeFileAtomic } from '../../../formats/atomic-file.ts';
import { certsDirName, fetchCertificateChain, formatFingerprint } from '../../../vault/registry-trust.ts';
import { ExitError } from '../../output.ts';

export async function trust(hostArg: string, options: Record<string, unknown>): Promise<void> {
  const address = parseRegistryAddress(hostArg);
  if (options.insecureSnippet) {
    process.stdout.write(
      `Add to /etc/docker/daemon.json (then restart dockerd); TLS is then not verified at all:\n${JSON.stringify({ 'insecure-registries': [address] }, null, 2)}\n`,
    );
    process.stdout.write(
      `For podman/skopeo/buildah, in /etc/containers/registries.conf:\n[[registry]]\nlocation = "${address}"\ninsecure = true\n`,
    );
    return;
  }
  const chain = await fetchCertificateChain(address, {
    servername: options.servername as string | undefined,
  });
  process.stdout.write(`${address} presented ${chain.certificates.length} certificate(s):\n`);
  chain.certificates.forEach((c, i) => {
    process.stdout.write(
      `  [${i}] subject: ${c.subject}\n      issuer:  ${c.issuer}\n      valid:   ${c.validFrom} → ${c.validTo}\n      sha256:  ${formatFingerprint(c.fingerprint256)}\n`,
    );
  });
  const anchor = chain.certificates[chain.certificates.length - 1]!;
  process.stdout.write(
    `certificate to trust: [${chain.certificates.length - 1}] ${anchor.selfSigned ? '(self-signed)' : '(top of the presented chain; its issuer was not sent)'}\nSHA-256 fingerprint: ${formatFingerprint(anchor.fingerprint256)}\n`,
  );
  if (typeof options.fingerprint === 'string') {
    const want = options.fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
    if (want !== anchor.fingerprint256.replace(/[^0-9a-f]/gi, '').toUpperCase()) {
      throw new ExitError(
        4,
        `fingerprint mismatch: expected ${formatFingerprint(want)}, the server presented ${formatFingerprint(anchor.fingerprint256)}; nothing written`,
      );
    }
  }
  if (options.dryRun) return;
  const root = path.resolve(String(options.root ?? '/etc'));
  if (!fs.existsSync(root)) throw new BadRequest(`--root ${root} does not exist`);
  const dir = certsDirName(address);
  const written: string[] = [];
  for (const tool of ['docker', 'containers']) {
    const file = path.join(root, tool, 'certs.d', dir, 'ca.crt');
    writeFileAtomic(file, anchor.pem, { defaultMode: 0o644, dirMode: 0o755 });
    written.push(file);
  }
  process.stdout.write(`wrote ${written.join(' and ')}\n`);
}
