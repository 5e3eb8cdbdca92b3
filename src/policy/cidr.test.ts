import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CidrSet, cidrProblem, parseAddress, parseCidr } from './cidr.ts';

test('IPv4, IPv6 and IPv4-mapped addresses', () => {
  const set = new CidrSet(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', 'fe80::/10', '172.16.0.0/12']);
  const table: [string, boolean][] = [
    ['10.0.0.1', true],
    ['10.255.255.255', true],
    ['11.0.0.1', false],
    ['::ffff:10.1.2.3', true],
    ['::ffff:a01:203', true],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['172.31.255.255', true],
    ['172.32.0.0', false],
    ['2001:db8:1::1', true],
    ['2001:0db8:0000::1', true],
    ['2001:db9::1', false],
    ['fe80::1%eth0', true],
    ['febf::1', true],
    ['fec0::1', false],
    ['::1', false],
    ['garbage', false],
    ['', false],
  ];
  for (const [address, expected] of table) assert.equal(set.contains(address), expected, address);
});

test('prefix lengths are checked per family', () => {
  assert.equal(cidrProblem('10.0.0.0/32'), undefined);
  assert.equal(cidrProblem('10.0.0.0/0'), undefined);
  assert.match(cidrProblem('10.0.0.0/33') ?? '', /not a valid/);
  assert.equal(cidrProblem('::/0'), undefined);
  assert.equal(cidrProblem('::/128'), undefined);
  assert.match(cidrProblem('::/129') ?? '', /not a valid/);
  assert.match(cidrProblem('10.0.0.0/') ?? '', /not a valid/);
  assert.match(cidrProblem('10.0.0.0/-1') ?? '', /not a valid/);
  assert.match(cidrProblem('10.0.0/8') ?? '', /not a valid/);
  assert.match(cidrProblem('fe80::1%eth0/64') ?? '', /not a valid/);
  assert.match(cidrProblem(7) ?? '', /must be a CIDR string/);
  assert.equal(parseCidr('10.1.2.3/8')?.prefix, 104);
  assert.equal(new CidrSet(['0.0.0.0/0']).contains('::1'), false);
  assert.equal(new CidrSet(['0.0.0.0/0']).contains('8.8.8.8'), true);
  assert.equal(new CidrSet(['::/0']).contains('8.8.8.8'), true);
});

test('parseAddress normalizes to 16 bytes', () => {
  assert.deepEqual(parseAddress('1.2.3.4'), parseAddress('::ffff:1.2.3.4'));
  assert.deepEqual(
    [...(parseAddress('1:2:3:4:5:6:7:8') ?? [])],
    [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8],
  );
  assert.deepEqual([...(parseAddress('::') ?? [])], new Array(16).fill(0));
  assert.equal(parseAddress('1.2.3.256'), undefined);
});
