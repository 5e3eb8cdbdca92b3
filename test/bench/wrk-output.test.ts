/**
 * The workers scenario reads wrk's own summary (bench/lib/wrk-load.ts): requests, non-2xx
 * responses, socket errors and the latency distribution of `--latency`, in wrk 4.1's format.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWrk } from '../../bench/lib/wrk-load.ts';

const OUTPUT = `Running 10s test @ http://127.0.0.1:41234
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.12ms    2.01ms  30.00ms   80.00%
    Req/Sec     4.00k   200.00     4.50k    70.00%
  Latency Distribution
     50%  850.00us
     75%   11.00ms
     90%   12.50ms
     99%    1.02s
  40012 requests in 10.00s, 50.00MB read
  Socket errors: connect 0, read 2, write 1, timeout 3
  Non-2xx or 3xx responses: 12
Requests/sec:   4001.20
Transfer/sec:      5.00MB
`;

test('wrk summary: 2xx per second, non-2xx, socket errors and percentiles in ms', () => {
  const result = parseWrk(OUTPUT, 10);
  assert.equal(result.requests, 40012);
  assert.equal(result.non2xx, 12);
  assert.equal(result.errors, 6);
  assert.equal(result.perSecond2xx, 4000);
  assert.equal(result.latencyP50Ms, 0.85);
  assert.equal(result.latencyP99Ms, 1020);
});

test('a run without errors or non-2xx lines counts none', () => {
  const clean = OUTPUT.split('\n')
    .filter((line) => !/Socket errors|Non-2xx/.test(line))
    .join('\n');
  const result = parseWrk(clean, 10);
  assert.equal(result.non2xx, 0);
  assert.equal(result.errors, 0);
  assert.equal(result.perSecond2xx, 4001.2);
});

test('output without a summary is an error, not a zero', () => {
  assert.throws(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused', 10), /no summary/);
});
