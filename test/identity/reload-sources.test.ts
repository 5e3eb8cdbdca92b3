/**
 * SIGHUP rebuilds the identity sources of a running `purser serve` (a real process, a real
 * slapd): an LDAP source added to purser.yaml is used without a restart; a broken source (an
 * unreadable bind password file, a mapping to a Purser group that does not exist) is refused
 * with `path: message` lines, and the running sources stay; removing the source ends its logins.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { stringify } from 'yaml';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import { freePort } from '../support/ports.ts';
import { type PurserServer, startPurser } from '../support/purser.ts';
import {
  GROUPS,
  PEOPLE,
  SERVICE_DN,
  SERVICE_PASSWORD,
  SLAPD_BINARIES,
  type Slapd,
  startSlapd,
} from '../support/slapd.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const tokenStatus = async (url: string, user: string, password: string) => {
  const response = await fetch(`${url}/token?service=registry.test&scope=repository:team/web:pull`, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  await response.arrayBuffer();
  return response.status;
};

describe('SIGHUP rebuilds the identity sources (purser serve, OpenLDAP)', { concurrency: false }, () => {
  let slapd: Slapd | undefined;
  let server: PurserServer | undefined;
  let dir: string;
  let file: string;
  let base: Record<string, unknown>;
  const passwordFile = () => path.join(dir, 'ldap-password');

  const ldap = (overrides: Record<string, unknown> = {}) => ({
    name: 'corp',
    kind: 'ldap',
    url: slapd!.url,
    bind_dn: SERVICE_DN,
    bind_password_file: passwordFile(),
    user_base: PEOPLE,
    user_filter: '(&(objectClass=inetOrgPerson)(uid={username}))',
    group_base: GROUPS,
    group_filter: '(&(objectClass=groupOfNames)(member={dn}))',
    groups: { 'registry-devs': 'dev' },
    timeout: 2,
    ...overrides,
  });
  const write = (sources: unknown[] | undefined) =>
    fs.writeFileSync(file, stringify({ ...base, ...(sources ? { identity: { sources } } : {}) }), {
      mode: 0o600,
    });
  /** Sends SIGHUP and waits for the server's verdict; returns what it printed. */
  const reload = async (expect: RegExp): Promise<string> => {
    const from = server!.logs().length;
    process.kill(server!.pid(), 'SIGHUP');
    await server!.waitForLog(expect, { from, timeoutMs: 20_000 });
    return server!.logs().slice(from);
  };
  const ready = (t: TestContext) => requireBinaries(t, SLAPD_BINARIES) && server !== undefined;

  before(async () => {
    if (!SLAPD_BINARIES.every(hasBinary)) return;
    slapd = await startSlapd();
    dir = tempDir('purser-reload-sources-');
    file = path.join(dir, 'purser.yaml');
    fs.writeFileSync(passwordFile(), `${SERVICE_PASSWORD}\n`, { mode: 0o600 });
    base = {
      listen: `127.0.0.1:${await freePort()}`,
      data: path.join(dir, 'data'),
      groups: [{ name: 'dev' }],
      users: [{ name: 'local', password: 'local-pw', groups: ['dev'] }],
      registries: [{ service: 'registry.test', url: 'http://127.0.0.1:9', publications: ['dev'] }],
    };
    write(undefined);
    server = await startPurser({ configFile: file, env: { PURSER_ADMIN_PASSWORD: 'admin-pw' } });
  });
  after(async () => {
    await server?.stop();
    await slapd?.stop();
    if (dir) removeTempDir(dir);
  });

  test('an LDAP source added to the file is used after SIGHUP, without a restart', async (t) => {
    if (!ready(t)) return;
    assert.equal(await tokenStatus(server!.url, 'alice', 'alice-pw'), 401, 'no source yet');
    const pid = server!.pid();
    write([ldap()]);
    await reload(/purser: configuration reloaded/);
    assert.equal(server!.pid(), pid);
    assert.equal(await tokenStatus(server!.url, 'alice', 'alice-pw'), 200, 'a directory person logs in');
    assert.equal(await tokenStatus(server!.url, 'alice', 'wrong'), 401);
    assert.equal(await tokenStatus(server!.url, 'local', 'local-pw'), 200);
  });

  test('an unreadable secret file or an unknown mapped group is refused; the running sources stay', async (t) => {
    if (!ready(t)) return;
    write([ldap({ bind_password_file: path.join(dir, 'missing') })]);
    let printed = await reload(/reload refused, the running configuration stays/);
    assert.match(
      printed,
      /^ {2}identity\.sources\[0\]\.bind_password_file: cannot read the secret file \S+missing \(ENOENT\)$/m,
    );
    assert.doesNotMatch(printed, /\n\s+at /, 'no stack trace');
    // Bob has not logged in yet: this goes to the directory, through the source kept running.
    assert.equal(await tokenStatus(server!.url, 'bob', 'bob-pw'), 200, 'logins keep working');

    write([ldap({ groups: { 'registry-devs': 'nowhere' } })]);
    printed = await reload(/reload refused, the running configuration stays/);
    assert.match(
      printed,
      /^ {2}identity\.sources\[0\]\.groups\.registry-devs: the Purser group "nowhere" does not exist/m,
    );
    assert.equal(await tokenStatus(server!.url, 'jsmith', 'jsmith-pw'), 200, 'logins keep working');
    assert.ok(!server!.logs().includes(SERVICE_PASSWORD), 'no bind password in the output');
    assert.equal(server!.exitStatus(), undefined, 'still running');
  });

  test('a mapping to a group the same file declares is accepted', async (t) => {
    if (!ready(t)) return;
    base = { ...base, groups: [{ name: 'dev' }, { name: 'ops' }] };
    write([ldap({ groups: { 'registry-devs': 'dev', ops: 'ops' } })]);
    await reload(/purser: configuration reloaded/);
    assert.equal(await tokenStatus(server!.url, 'carol', 'carol-pw'), 200);
  });

  test('the source removed from the file: its people no longer log in, local accounts do', async (t) => {
    if (!ready(t)) return;
    write(undefined);
    await reload(/purser: configuration reloaded/);
    assert.notEqual(await tokenStatus(server!.url, 'alice', 'alice-pw'), 200);
    assert.equal(await tokenStatus(server!.url, 'local', 'local-pw'), 200);
  });
});
