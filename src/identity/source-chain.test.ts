import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileGroupMapping } from './group-mapping.ts';
import {
  accepted,
  type IdentitySource,
  REJECTED,
  type SourceResult,
  UNKNOWN,
  unavailable,
} from './identity-source.ts';
import { type ChainLogger, SourceChain } from './source-chain.ts';

/** A source whose answer the test sets, counting the calls it gets. */
class ScriptedSource implements IdentitySource {
  readonly kind = 'ldap' as const;
  calls = 0;
  answer: (username: string, password: string) => Promise<SourceResult>;
  constructor(
    readonly name: string,
    answer: SourceResult | ((username: string) => Promise<SourceResult>),
    readonly timeoutMs = 200,
  ) {
    this.answer = typeof answer === 'function' ? answer : async () => answer;
  }
  async authenticate(username: string, password: string): Promise<SourceResult> {
    this.calls += 1;
    return this.answer(username, password);
  }
  async health() {
    return { ok: true, detail: 'fine', latencyMs: 0 };
  }
  closed = false;
  async close() {
    this.closed = true;
  }
}

function recordingLogger(): ChainLogger & {
  lines: Array<{ level: string; object: object; message: string }>;
} {
  const lines: Array<{ level: string; object: object; message: string }> = [];
  return {
    lines,
    info: (object, message) => lines.push({ level: 'info', object, message }),
    warn: (object, message) => lines.push({ level: 'warn', object, message }),
  };
}

const mapping = compileGroupMapping(
  { groups: { devs: 'dev' }, privileges: { devs: ['puller'] } },
  { ignoreCase: true },
).mapping;

function identity(source: string, groups: string[] = ['Devs']) {
  return accepted({ username: 'alice', source, externalId: `uid=alice,${source}`, groups });
}

function chain(sources: IdentitySource[], isLocalName = (_: string) => false) {
  const logger = recordingLogger();
  return {
    logger,
    chain: new SourceChain(
      sources.map((source) => ({ source, mapping })),
      { isLocalName, logger },
    ),
  };
}

describe('SourceChain', () => {
  test('replace: new sources answer at once; a call under way finishes; old ones close after it', async () => {
    let release: (() => void) | undefined;
    const old = new ScriptedSource(
      'corp',
      () =>
        new Promise<SourceResult>((resolve) => {
          release = () => resolve(identity('corp'));
        }),
      50,
    );
    const next = new ScriptedSource('corp', REJECTED);
    const { chain: c } = chain([old]);
    const underWay = c.authenticate('alice', 'pw');
    c.replace([{ source: next, mapping }]);
    assert.deepEqual(c.sources, [next]);
    assert.deepEqual(await c.authenticate('alice', 'pw'), { outcome: 'rejected', source: 'corp' });
    release?.();
    assert.equal((await underWay).outcome, 'accepted', 'the call that began before finishes');
    assert.equal(old.closed, false, 'not closed while its calls may still run');
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(old.closed, true, 'closed once its timeout has passed');
    assert.equal(next.closed, false);
    assert.throws(
      () =>
        c.replace([
          { source: next, mapping },
          { source: new ScriptedSource('corp', UNKNOWN), mapping },
        ]),
      /two identity sources are named "corp"/,
    );
    assert.deepEqual(c.sources, [next], 'a refused list changes nothing');
  });

  test('the first source that knows the name decides; later sources are not asked', async () => {
    const a = new ScriptedSource('a', UNKNOWN);
    const b = new ScriptedSource('b', REJECTED);
    const c = new ScriptedSource('c', identity('c'));
    const { chain: walk } = chain([a, b, c]);
    assert.deepEqual(await walk.authenticate('alice', 'pw'), { outcome: 'rejected', source: 'b' });
    assert.deepEqual([a.calls, b.calls, c.calls], [1, 1, 0]);
  });

  test('accepted carries the mapped groups and privileges', async () => {
    const { chain: walk } = chain([new ScriptedSource('a', UNKNOWN), new ScriptedSource('b', identity('b'))]);
    const result = await walk.authenticate('alice', 'pw');
    assert.equal(result.outcome, 'accepted');
    assert.equal(result.outcome === 'accepted' && result.source, 'b');
    assert.deepEqual(result.outcome === 'accepted' && result.access, {
      groups: ['dev'],
      privileges: ['DockerRegistriesPuller'],
    });
  });

  test('a local name is never given to a source', async () => {
    const a = new ScriptedSource('a', identity('a'));
    const { chain: walk } = chain([a], (name) => name === 'alice');
    assert.deepEqual(await walk.authenticate('alice', 'pw'), { outcome: 'unknown' });
    assert.equal(a.calls, 0);
  });

  test('a name no source knows is unknown; unavailable only when no source accepted or rejected', async () => {
    const down = new ScriptedSource('down', unavailable('connection refused'));
    const { chain: walk } = chain([down, new ScriptedSource('b', UNKNOWN)]);
    const result = await walk.authenticate('alice', 'pw');
    assert.deepEqual(result, {
      outcome: 'unavailable',
      sources: ['down'],
      reason: 'down: connection refused',
    });
    const other = chain([down, new ScriptedSource('b', REJECTED)]).chain;
    assert.deepEqual(await other.authenticate('alice', 'pw'), { outcome: 'rejected', source: 'b' });
    const none = chain([new ScriptedSource('a', UNKNOWN)]).chain;
    assert.deepEqual(await none.authenticate('alice', 'pw'), { outcome: 'unknown' });
  });

  test('only asks the one source a person is bound to', async () => {
    const a = new ScriptedSource('a', identity('a'));
    const b = new ScriptedSource('b', identity('b'));
    const { chain: walk } = chain([a, b]);
    const result = await walk.authenticate('alice', 'pw', { only: 'b' });
    assert.equal(result.outcome === 'accepted' && result.source, 'b');
    assert.equal(a.calls, 0);
    const missing = await walk.authenticate('alice', 'pw', { only: 'gone' });
    assert.equal(missing.outcome, 'unavailable');
  });

  test('a source that never answers is unavailable after its timeout, not a hang', async () => {
    const hung = new ScriptedSource('hung', () => new Promise<SourceResult>(() => {}), 50);
    const { chain: walk } = chain([hung, new ScriptedSource('b', UNKNOWN)]);
    const result = await walk.authenticate('alice', 'pw');
    assert.equal(result.outcome, 'unavailable');
    assert.match(result.outcome === 'unavailable' ? result.reason : '', /hung: no answer within 0.05 s/);
  });

  test('a source that throws is an outage, and the password never reaches the reason', async () => {
    const thrower = new ScriptedSource('t', async (username) => {
      throw new Error(`library said: bad bind for ${username} with s3cret-pw`);
    });
    const { chain: walk, logger } = chain([thrower]);
    const result = await walk.authenticate('alice', 's3cret-pw');
    assert.equal(result.outcome, 'unavailable');
    const everything = JSON.stringify([result, logger.lines]);
    assert.ok(!everything.includes('s3cret-pw'), everything);
    assert.match(everything, /\[redacted\]/);
  });

  test('an outage is logged once going down and once coming back, not once a request', async () => {
    let up = false;
    const flaky = new ScriptedSource('corp', async () =>
      up ? UNKNOWN : unavailable('connect ECONNREFUSED'),
    );
    const { chain: walk, logger } = chain([flaky]);
    for (let i = 0; i < 5; i++) await walk.authenticate(`user${i}`, 'pw');
    assert.equal(walk.status()[0]?.up, false);
    up = true;
    for (let i = 0; i < 3; i++) await walk.authenticate(`user${i}`, 'pw');
    up = false;
    await walk.authenticate('x', 'pw');
    assert.deepEqual(
      logger.lines.map((l) => `${l.level} ${l.message}`),
      [
        'warn identity source unavailable',
        'info identity source answers again',
        'warn identity source unavailable',
      ],
    );
    assert.deepEqual(logger.lines[0]?.object, {
      source: 'corp',
      kind: 'ldap',
      reason: 'connect ECONNREFUSED',
    });
  });

  test('check runs health and records it; a hung health check is bounded', async () => {
    const hung = new ScriptedSource('hung', UNKNOWN, 50);
    hung.health = () => new Promise(() => {});
    const fine = new ScriptedSource('fine', UNKNOWN);
    const { chain: walk, logger } = chain([hung, fine]);
    const checks = await walk.check();
    assert.deepEqual(
      checks.map((c) => [c.name, c.ok]),
      [
        ['hung', false],
        ['fine', true],
      ],
    );
    assert.equal(logger.lines.length, 1);
  });

  test('every health observation reaches onHealth (the purser_identity_source_up gauge)', async () => {
    const hung = new ScriptedSource('hung', UNKNOWN, 50);
    hung.health = () => new Promise(() => {});
    const seen: [string, boolean][] = [];
    const walk = new SourceChain(
      [hung, new ScriptedSource('fine', UNKNOWN)].map((source) => ({ source, mapping })),
      { isLocalName: () => false, logger: recordingLogger(), onHealth: (name, up) => seen.push([name, up]) },
    );
    await walk.check();
    assert.deepEqual(seen.sort(), [
      ['fine', true],
      ['hung', false],
    ]);
  });

  test('two sources with one name are a programming error', () => {
    assert.throws(
      () => chain([new ScriptedSource('a', UNKNOWN), new ScriptedSource('a', UNKNOWN)]),
      TypeError,
    );
  });
});
