/**
 * `npm start` (the README's second step) runs the compiled build and forwards signals: SIGTERM
 * to npm stops the server, and no process is left behind (npm signals its child; the script
 * `exec`s node, so no shell sits between them that would not pass the signal on).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../support/ports.ts';
import { spawnLogged } from '../support/proc.ts';
import { REPO_ROOT } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

/** Every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of children.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test(
  'npm start serves the compiled build and SIGTERM to npm leaves nothing behind',
  { timeout: 90_000 },
  async () => {
    const dir = tempDir('purser-npm-start-');
    const port = await freePort();
    const config = path.join(dir, 'purser.yaml');
    fs.writeFileSync(config, `listen: 127.0.0.1:${port}\ndata: ./data\n`);
    const npm = spawnLogged('npm', ['start'], {
      cwd: REPO_ROOT,
      env: { PURSER_CONFIG: config, PURSER_DATA: undefined, PURSER_ADMIN_PASSWORD: 'start-pw' },
    });
    try {
      await npm.waitForLog(/purser listening on http:\/\/127\.0\.0\.1:\d+/, { timeoutMs: 60_000 });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      const below = descendants(npm.pid);
      const commands = below.map((pid) =>
        fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '),
      );
      assert.deepEqual(
        commands.map((c) => c.trim()),
        ['node bin/purser.js serve'],
        'one process: the compiled CLI, no tsx and no shell in between',
      );
      assert.ok(fs.existsSync(path.join(dir, 'data', 'purser.db')), 'the data directory named by the config');

      process.kill(npm.pid, 'SIGTERM'); // npm alone, as a service manager or a terminal would
      const exit = await npm.waitForExit(20_000);
      assert.equal(exit.code, 0, npm.logs());
      assert.match(npm.logs(), /SIGTERM received, shutting down/);
      for (const pid of below)
        assert.equal(alive(pid), false, `process ${pid} (${commands.join(', ')}) still runs`);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the port is closed');
    } finally {
      await npm.stop('SIGKILL', 1_000);
    }
  },
);
