/**
 * A real OpenLDAP server (Debian's slapd 2.5) for identity-source tests: a throwaway slapd.conf,
 * an mdb database in a temp dir loaded with `slapadd`, loopback only, high ports, no root paths.
 * It can be stopped, started again, paused (SIGSTOP: accepts TCP, answers nothing), and changed
 * with `ldapmodify` as the rootdn while running. Logs at `stats` level, so tests can see binds.
 *
 * Directory (suffix dc=example,dc=org):
 *   cn=purser,ou=system         the service account (reads people and groups; anonymous may too)
 *   ou=people: alice, bob, carol (uid = name, password `<name>-pw`), "Smith, John" (uid jsmith),
 *              two entries with uid=dup (an ambiguous name)
 *   ou=groups: registry-devs {alice, bob, jsmith}, registry-pushers {alice}, ops {carol}
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './binaries.ts';
import { freePort, waitForPort } from './ports.ts';
import { describeResult, type LoggedProcess, run, spawnLogged } from './proc.ts';
import { tempDir } from './temp.ts';
import { selfSignedCertificate } from './tls.ts';

export const SUFFIX = 'dc=example,dc=org';
export const SERVICE_DN = `cn=purser,ou=system,${SUFFIX}`;
export const SERVICE_PASSWORD = 'svc-Bind-9f2c';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
const ROOT_PASSWORD = 'root-Pw-5e1a';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const GROUPS = `ou=groups,${SUFFIX}`;

export const SLAPD_BINARIES = ['slapd', 'slapadd', 'ldapmodify', 'openssl'] as const;

export interface SlapdOptions {
  /** Also listen on ldaps:// and allow StartTLS, with a self-signed certificate for 127.0.0.1. */
  readonly tls?: boolean;
  /** More entries (LDIF, below ou=people / ou=groups) loaded with the directory (the benchmarks' thousands of people). */
  readonly extraLdif?: string;
  /** slapd.conf `index` lines of the database, e.g. `uid eq` (default none). */
  readonly indexes?: readonly string[];
}

export interface Slapd {
  /** ldap://127.0.0.1:PORT */
  readonly url: string;
  /** ldaps://127.0.0.1:PORT (with `tls`). */
  readonly ldapsUrl: string | undefined;
  /** PEM file of the server certificate, which is its own CA (with `tls`). */
  readonly caFile: string | undefined;
  readonly dir: string;
  /** Everything slapd logged since it was (last) started. */
  logs(): string;
  stop(): Promise<void>;
  /** Starts it again on the same ports, with the same data. */
  start(): Promise<void>;
  /** SIGSTOP: the kernel still accepts connections, slapd answers nothing. */
  pause(): Promise<void>;
  resume(): void;
  /** Applies an LDIF change record as the rootdn. */
  modify(ldif: string): Promise<void>;
}

export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const slapd = findBinary('slapd');
  const slapadd = findBinary('slapadd');
  if (!slapd || !slapadd) throw new Error('slapd is not installed: run scripts/install-test-deps.sh');
  const dir = tempDir('purser-slapd-');
  mkdirSync(join(dir, 'db'));
  let tlsLines = '';
  let caFile: string | undefined;
  if (options.tls) {
    const cert = await selfSignedCertificate(dir, {
      commonName: '127.0.0.1',
      subjectAltName: 'IP:127.0.0.1,DNS:localhost',
    });
    caFile = cert.certFile;
    tlsLines = `TLSCertificateFile ${cert.certFile}\nTLSCertificateKeyFile ${cert.keyFile}\n`;
  }
  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, slapdConf(dir, tlsLines, options.indexes ?? []));
  writeFileSync(
    join(dir, 'data.ldif'),
    options.extraLdif ? `${DIRECTORY_LDIF}\n${options.extraLdif}` : DIRECTORY_LDIF,
  );
  const loaded = await run(slapadd, ['-f', conf, '-l', join(dir, 'data.ldif')]);
  if (loaded.code !== 0) throw new Error(`slapadd failed: ${describeResult(loaded)}`);

  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = tlsPort ? `ldaps://127.0.0.1:${tlsPort}` : undefined;
  const listen = [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' ');
  let proc: LoggedProcess | undefined;

  const start = async () => {
    // -d keeps slapd in the foreground; 256 (stats) logs connections, binds and searches.
    proc = spawnLogged(slapd, ['-f', conf, '-h', listen, '-d', '256']);
    await proc.waitForLog(/slapd starting/, { timeoutMs: 15_000 });
    // slapd logs "starting" before its listener thread calls listen().
    await waitForPort(port);
    if (tlsPort) await waitForPort(tlsPort);
  };
  await start();
  return {
    url,
    ldapsUrl,
    caFile,
    dir,
    logs: () => proc?.logs() ?? '',
    async stop() {
      proc?.child.kill('SIGCONT');
      await proc?.stop('SIGTERM', 5_000);
    },
    start,
    async pause() {
      if (!proc) return;
      proc.child.kill('SIGSTOP');
      // The signal is delivered asynchronously: wait until every thread of slapd is stopped.
      await waitUntilStopped(proc.pid);
    },
    resume: () => proc?.child.kill('SIGCONT'),
    async modify(ldif: string) {
      const result = await run('ldapmodify', ['-x', '-H', url, '-D', ROOT_DN, '-w', ROOT_PASSWORD], {
        input: ldif,
        timeoutMs: 10_000,
      });
      if (result.code !== 0) throw new Error(`ldapmodify failed: ${describeResult(result)}`);
    },
  };
}

async function waitUntilStopped(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const states = readdirSync(`/proc/${pid}/task`).map((task) => {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    });
    if (states.every((state) => state === 'T')) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`slapd (pid ${pid}) did not stop on SIGSTOP`);
}

function slapdConf(dir: string, tlsLines: string, indexes: readonly string[]): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args
${tlsLines}
database mdb
maxsize 16777216
suffix "${SUFFIX}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PASSWORD}
directory ${dir}/db
${indexes.map((index) => `index ${index}`).join('\n')}
# People may only bind with their password. The service account reads people and groups, and so
# may anonymous clients (for the test of a source without bind_dn); ou=system is the service's.
access to attrs=userPassword
  by anonymous auth
  by * none
access to dn.subtree="${PEOPLE}"
  by dn.exact="${SERVICE_DN}" read
  by self read
  by anonymous read
  by * none
access to dn.subtree="${GROUPS}"
  by dn.exact="${SERVICE_DN}" read
  by anonymous read
  by * none
access to *
  by dn.exact="${SERVICE_DN}" read
  by self read
  by * none
`;
}

const DIRECTORY_LDIF = `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=system,${SUFFIX}
objectClass: organizationalUnit
ou: system

dn: ${SERVICE_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: purser
userPassword: ${SERVICE_PASSWORD}

dn: ${PEOPLE}
objectClass: organizationalUnit
ou: people

${person('alice', 'Alice Liddell')}
${person('bob', 'Bob Builder')}
${person('carol', 'Carol Danvers')}
dn: cn=Smith\\, John,${PEOPLE}
objectClass: inetOrgPerson
cn: Smith, John
sn: Smith
uid: jsmith
userPassword: jsmith-pw

dn: cn=dup one,${PEOPLE}
objectClass: inetOrgPerson
cn: dup one
sn: one
uid: dup
userPassword: dup-pw

dn: cn=dup two,${PEOPLE}
objectClass: inetOrgPerson
cn: dup two
sn: two
uid: dup
userPassword: dup-pw

dn: ${GROUPS}
objectClass: organizationalUnit
ou: groups

${group('registry-devs', ['uid=alice', 'uid=bob', 'cn=Smith\\, John'])}
${group('registry-pushers', ['uid=alice'])}
${group('ops', ['uid=carol'])}`;

function person(uid: string, name: string): string {
  return `dn: uid=${uid},${PEOPLE}
objectClass: inetOrgPerson
uid: ${uid}
cn: ${name}
sn: ${name.split(' ')[1]}
displayName: ${name}
mail: ${uid}@example.org
userPassword: ${uid}-pw
`;
}

function group(cn: string, members: string[]): string {
  return `dn: cn=${cn},${GROUPS}
objectClass: groupOfNames
cn: ${cn}
${members.map((m) => `member: ${m},${PEOPLE}`).join('\n')}
`;
}

/** The DN of a person in the test directory. */
export function personDn(uid: string): string {
  return `uid=${uid},${PEOPLE}`;
}

/** An LDIF change that adds (or deletes) a member of a group. */
export function membershipChange(groupCn: string, memberDn: string, change: 'add' | 'delete'): string {
  return `dn: cn=${groupCn},${GROUPS}
changetype: modify
${change}: member
member: ${memberDn}
`;
}
