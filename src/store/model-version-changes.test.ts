import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bumpModelVersion } from './access-store.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { ModelVersionChanges } from './model-version-changes.ts';

describe('ModelVersionChanges', () => {
  let dir: string;
  let handle: DatabaseHandle;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-changes-'));
    handle = await openDatabase({ dataDir: dir });
  });
  after(async () => {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('listeners hear each new version once, whoever bumped it', async () => {
    const changes = new ModelVersionChanges(handle.db);
    const heard: number[] = [];
    changes.onChange((version) => {
      heard.push(version);
    });
    await changes.catchUp();
    await changes.catchUp();
    const first = changes.version;
    await bumpModelVersion(handle.db);
    await changes.notify();
    assert.deepEqual(heard, [first, first + 1]);
    assert.equal(changes.version, first + 1);
  });

  test('a caller that finds a version still being delivered waits for the delivery', async () => {
    const changes = new ModelVersionChanges(handle.db);
    await changes.catchUp();
    let release: () => void = () => {};
    let installed = changes.version;
    changes.onChange(async (version) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      installed = version;
    });
    await bumpModelVersion(handle.db);
    const first = changes.catchUp();
    while (changes.version === installed) await new Promise((resolve) => setImmediate(resolve));
    let secondDone = false;
    const second = changes.notify().then(() => {
      secondDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(secondDone, false, 'notify returned before the listener had the change');
    release();
    await Promise.all([first, second]);
    assert.equal(installed, changes.version);
  });

  test('a failed delivery is retried by the next look', async () => {
    const changes = new ModelVersionChanges(handle.db);
    let fail = true;
    const heard: number[] = [];
    changes.onChange((version) => {
      if (fail) throw new Error('store down');
      heard.push(version);
    });
    await assert.rejects(changes.catchUp(), /store down/);
    fail = false;
    await changes.catchUp();
    assert.equal(heard.length, 1);
  });
});
