/**
 * The CLI as a Unix tool (issue 11, section 4): quiet on a closed pipe, usage errors exit 2,
 * `--json` everywhere, errors in the CLI's terms, no archive on a terminal. Embedded mode on a
 * temporary data directory; each case is one or two real `purser` processes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { requireBinary } from '../support/binaries.ts';
import { freePort } from '../support/ports.ts';
import { describeResult, run } from '../support/proc.ts';
import { CLI_ENTRY, purserCli } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const TSX = import.meta.resolve('tsx');

/** Starts purser with its stdout a pipe whose reading end is already closed, as `| head -1` leaves it. */
function spawnWithClosedStdout(args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', TSX, CLI_ENTRY, ...args], {
    env: { ...process.env, PURSER_CONFIG: '', PURSER_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  return child;
}

function withClosedStdout(args: readonly string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve, reject) => {
    const child = spawnWithClosedStdout(args, env);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('the CLI as a Unix tool', () => {
  const data = tempDir('purser-cli-unix-');
  const env = { PURSER_DATA: data };
  const cli = (args: string[], input?: string) =>
    purserCli(args, { env, ...(input === undefined ? {} : { input }) });

  test('a closed pipe ends a table or JSON listing quietly, with 0', async () => {
    let r = await cli(['user', 'add', 'alice']);
    assert.equal(r.code, 0, describeResult(r));
    for (const args of [
      ['user', 'list'],
      ['user', 'list', '--json'],
    ]) {
      const closed = await withClosedStdout(args, env);
      assert.equal(closed.stderr, '', `purser ${args.join(' ')} | head: nothing on stderr`);
      assert.equal(closed.code, 0, `purser ${args.join(' ')}: exit ${closed.code} (${closed.signal})`);
    }
    r = await cli(['user', 'list']);
    assert.match(r.stdout, /^NAME +ID/, 'the table itself is unchanged');
  });

  test('serve keeps serving when its stdout reader goes, and SIGTERM still stops it', async () => {
    const dir = tempDir('purser-serve-pipe-');
    const port = await freePort();
    const file = join(dir, 'purser.yaml');
    writeFileSync(file, `listen: 127.0.0.1:${port}\ndata: ${join(dir, 'data')}\n`, { mode: 0o600 });
    const child = spawnWithClosedStdout(['serve', '--config', file], {});
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      let status = 0;
      for (let i = 0; i < 300 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
      }
      assert.equal(status, 200, 'serving although every stdout write fails');
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 15_000))]);
      assert.equal(code, 0, 'stopped cleanly on SIGTERM');
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('usage errors exit 2, in subcommands too, and name the missing flag', async () => {
    for (const args of [
      ['user', 'frob'],
      ['user', 'add'],
      ['vault', 'list', '--bogus'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, describeResult(r));
      assert.match(r.stderr, /^error: /m);
    }
    const r = await cli(['explain', '--account', 'alice', '--service', 'registry.test']);
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stderr, /--scope/);
    assert.doesNotMatch(r.stderr, /querystring|union value/);
  });

  test('errors name the argument or flag, the value given and what is expected', async () => {
    let r = await cli(['registry', 'add', 'https://reg.example.com', '--url', 'https://reg.example.com']);
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stderr, /^purser: SERVICE "https:\/\/reg\.example\.com"/m);
    assert.match(r.stderr, /token service name/);
    assert.doesNotMatch(r.stderr, /body\.|invalid request/);

    r = await cli(['group', 'add', 'two words']);
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stderr, /^purser: NAME "two words": use 1 to 255 letters/m);

    // Checked by the API only: its answer is translated to the flag.
    r = await cli([
      'robot',
      'add',
      'ci+builder',
      '--repository',
      'team/web',
      '--permission',
      'read',
      '--expires',
      '2099',
    ]);
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stderr, /^purser: --expires "2099": /m);
    assert.doesNotMatch(r.stderr, /body\./);
  });

  test('--json everywhere; -o json still works, with a deprecation warning', async () => {
    let r = await cli(
      ['vault', 'add', 'registry.example.com', '--username', 'ci', '--password-stdin'],
      'pw\n',
    );
    assert.equal(r.code, 0, describeResult(r));
    r = await cli(['vault', 'list', '--json']);
    assert.equal(r.code, 0, describeResult(r));
    assert.deepEqual(
      (JSON.parse(r.stdout) as { address: string }[]).map((c) => c.address),
      ['registry.example.com'],
    );
    assert.equal(r.stderr, '');
    r = await cli(['vault', 'list', '-o', 'json']);
    assert.equal(r.code, 0, describeResult(r));
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 1);
    assert.match(r.stderr, /^purser: warning: -o\/--output json is deprecated: use --json$/m);
    r = await cli(['vault', 'grants', '--json']);
    assert.equal(r.code, 0, describeResult(r));
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  test('registry config --bundle-out points rootcertbundle at the bundle it wrote', async () => {
    let r = await cli(['registry', 'add', 'registry.test', '--url', 'http://127.0.0.1:5000']);
    assert.equal(r.code, 0, describeResult(r));
    const bundle = join(data, 'bundle.pem');
    r = await cli(['registry', 'config', 'registry.test', '--bundle-out', bundle]);
    assert.equal(r.code, 0, describeResult(r));
    const config = parse(r.stdout) as { auth: { token: { rootcertbundle: string } } };
    assert.equal(config.auth.token.rootcertbundle, bundle);
    assert.match(readFileSync(bundle, 'utf8'), /^-----BEGIN CERTIFICATE-----/);
  });

  test('export mesos refuses a terminal before reading any secret', async (t) => {
    if (!requireBinary(t, 'script')) return;
    const log = join(tempDir('purser-tty-'), 'typescript');
    writeFileSync(log, '');
    const command = [process.execPath, '--import', TSX, CLI_ENTRY, 'export', 'mesos']
      .map((part) => `'${part}'`)
      .join(' ');
    // script(1) gives the command a pseudo-terminal as stdin, stdout and stderr.
    const r = await run('script', ['-qec', command, log], { env: { ...env, PURSER_CONFIG: undefined } });
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stdout, /purser: mesos writes a gzip archive: give --out FILE/);
    assert.ok(!r.stdout.includes('\u001f'), 'no gzip bytes (1f 8b) on the terminal');
    const audit = await cli(['audit', 'ls', '--json']);
    const actions = (JSON.parse(audit.stdout) as { entries: { action: string }[] }).entries.map(
      (e) => e.action,
    );
    assert.ok(actions.length > 0, 'the vault audit is readable');
    assert.ok(!actions.includes('credential.read'), `no secret was read: ${actions.join(', ')}`);
  });
});
