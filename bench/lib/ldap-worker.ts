/**
 * The ldap-login scenario's same-run baseline (pinned to the server core): the directory part of
 * a login, done with raw `ldapts` the way src/identity/sources/ldap-source.ts does it, and
 * nothing else — on `connections` clients kept bound as the service account (Purser's pool
 * size): search `userBase` for the person (sizeLimit 2), bind as the entry with the password,
 * bind as the service account again, search `groupBase` for the person's groups. Every user of
 * the range logs in once. Input (argv[2]): Input below. Output: {perSecond, seconds, logins}.
 */
import { Client } from 'ldapts';

interface Input {
  url: string;
  serviceDn: string;
  servicePassword: string;
  userBase: string;
  groupBase: string;
  /** Users `${prefix}${start}` .. `${prefix}${start + count - 1}`, password `password`. */
  prefix: string;
  start: number;
  count: number;
  password: string;
  connections: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const clients = Array.from({ length: input.connections }, () => new Client({ url: input.url }));
await Promise.all(clients.map((client) => client.bind(input.serviceDn, input.servicePassword)));

async function login(client: Client, name: string): Promise<void> {
  const { searchEntries } = await client.search(input.userBase, {
    scope: 'sub',
    filter: `(&(objectClass=inetOrgPerson)(uid=${name}))`,
    attributes: ['uid', 'displayName', 'mail'],
    sizeLimit: 2,
  });
  if (searchEntries.length !== 1) throw new Error(`${name}: ${searchEntries.length} entries`);
  const dn = searchEntries[0]!.dn;
  await client.bind(dn, input.password);
  await client.bind(input.serviceDn, input.servicePassword);
  const groups = await client.search(input.groupBase, {
    scope: 'sub',
    filter: `(&(objectClass=groupOfNames)(member=${dn}))`,
    attributes: ['cn'],
    paged: { pageSize: 500 },
  });
  if (groups.searchEntries.length === 0) throw new Error(`${name}: in no group`);
}

let next = input.start;
const end = input.start + input.count;
const started = performance.now();
await Promise.all(
  clients.map(async (client) => {
    while (next < end) await login(client, `${input.prefix}${next++}`);
  }),
);
const seconds = (performance.now() - started) / 1000;
await Promise.all(clients.map((client) => client.unbind()));
process.stdout.write(
  `${JSON.stringify({ perSecond: input.count / seconds, seconds, logins: input.count })}\n`,
);
