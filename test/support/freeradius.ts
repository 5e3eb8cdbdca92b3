/**
 * A real FreeRADIUS 3.2 (Debian's `freeradius`) for identity-source tests: started in the
 * foreground (`-f`, logging to stdout) with a configuration written to a temp dir (no root paths,
 * no user switch), one auth listener on 127.0.0.1 and a free UDP port, one client (127.0.0.1) that
 * must send Message-Authenticator, the `files` module reading a users file, and PAP.
 *
 * Users: alice (password alice-otp, Filter-Id radius-devs and radius-ops), bob (bob-otp, no
 * reply attribute). `reject_delay` is 0 so that rejects come at once.
 */
import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './binaries.ts';
import { type LoggedProcess, spawnLogged } from './proc.ts';
import { tempDir } from './temp.ts';

export const RADIUS_SECRET = 'radius-Shared-4c1d';

export interface FreeRadius {
  readonly host: string;
  readonly port: number;
  /** host:port, as the `address` key takes it. */
  readonly address: string;
  logs(): string;
  stop(): Promise<void>;
}

export async function startFreeRadius(): Promise<FreeRadius> {
  const binary = findBinary('freeradius');
  if (!binary) throw new Error('freeradius is not installed: run scripts/install-test-deps.sh');
  const dir = tempDir('purser-radius-');
  for (const sub of ['log', 'run', 'sites']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'users'), USERS);
  writeFileSync(join(dir, 'clients.conf'), clientsConf());
  const port = await freeUdpPort();
  writeFileSync(join(dir, 'sites', 'default'), siteConf(port));
  writeFileSync(join(dir, 'radiusd.conf'), radiusdConf(dir));
  // -f: foreground; -l stdout: log to stdout; -d: our config dir.
  const proc: LoggedProcess = spawnLogged(binary, ['-f', '-l', 'stdout', '-d', dir]);
  await proc.waitForLog(/Ready to process requests/, { timeoutMs: 20_000 });
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    logs: () => proc.logs(),
    stop: () => proc.stop('SIGTERM', 5_000),
  };
}

/** A UDP port nothing listens on now (for "server down" tests, and to start FreeRADIUS on). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

const USERS = `alice Cleartext-Password := "alice-otp"
      Filter-Id := "radius-devs",
      Filter-Id += "radius-ops"

bob Cleartext-Password := "bob-otp"
`;

function clientsConf(): string {
  return `client localhost {
  ipaddr = 127.0.0.1
  secret = ${RADIUS_SECRET}
  require_message_authenticator = yes
  nas_type = other
}
`;
}

function siteConf(port: number): string {
  return `server default {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = ${port}
  }
  authorize {
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
  }
  post-auth {
    Post-Auth-Type REJECT {
      ok
    }
  }
}
`;
}

function radiusdConf(dir: string): string {
  return `prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = ${dir}
sbindir = /usr/sbin
logdir = ${dir}/log
raddbdir = ${dir}
radacctdir = ${dir}/log
name = freeradius
confdir = ${dir}
modconfdir = /etc/freeradius/3.0/mods-config
run_dir = ${dir}/run
db_dir = ${dir}
libdir = /usr/lib/freeradius
pidfile = ${dir}/run/freeradius.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {
  destination = stdout
  colourise = no
  auth = yes
  auth_badpass = no
  auth_goodpass = no
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = yes
}
proxy_requests = no
thread pool {
  start_servers = 2
  max_servers = 4
  min_spare_servers = 1
  max_spare_servers = 2
  max_requests_per_server = 0
}
modules {
  files {
    filename = ${dir}/users
  }
  pap {
    normalise = yes
  }
  always ok {
    rcode = ok
  }
}
$INCLUDE ${dir}/clients.conf
$INCLUDE ${dir}/sites/
`;
}
