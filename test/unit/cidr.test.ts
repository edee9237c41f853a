import * as assert from 'node:assert/strict';
import {
  canonicalCidr,
  Cidr,
  cidrContains,
  cidrOverlaps,
  cidrRange,
  cidrSize,
  formatCidr,
  isPrivateCidr,
  isWorld,
  mergeCidrs,
  parseCidr,
} from '../../src/domain/cidr';

function p(text: string): Cidr {
  const c = parseCidr(text);
  if ('error' in c) throw new Error(`test setup: ${c.error}`);
  return c;
}

function errorOf(text: string): string {
  const c = parseCidr(text);
  assert.ok('error' in c, `expected '${text}' to be rejected, got ${JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return c.error;
}

describe('cidr: parseCidr', () => {
  const good: Array<[string, IpV, bigint, number]> = [
    ['10.0.0.0/16', 4, 0x0a000000n, 16],
    ['0.0.0.0/0', 4, 0n, 0],
    ['255.255.255.255/32', 4, 0xffffffffn, 32],
    ['  192.168.1.7  ', 4, 0xc0a80107n, 32],
    ['192.168.1.7/24', 4, 0xc0a80100n, 24],
    ['0.0.0.0', 4, 0n, 32],
    ['::/0', 6, 0n, 0],
    ['::', 6, 0n, 128],
    ['::1', 6, 1n, 128],
    ['2001:db8::/32', 6, 0x20010db8n << 96n, 32],
    ['2001:DB8::/32', 6, 0x20010db8n << 96n, 32],
    ['2001:0db8:0000:0000:0000:0000:0000:0001/128', 6, (0x20010db8n << 96n) | 1n, 128],
    ['2001:db8:0:0:1:0:0:1', 6, (0x20010db8n << 96n) | (1n << 48n) | 1n, 128],
    ['1:2:3:4:5:6:7::', 6, 0x0001000200030004000500060007_0000n, 128],
    ['::2:3:4:5:6:7:8', 6, 0x0000000200030004000500060007_0008n, 128],
    ['::ffff:10.0.0.1/128', 6, 0xffff0a000001n, 128],
    ['1:2:3:4:5:6:1.2.3.4', 6, 0x000100020003000400050006_01020304n, 128],
    ['fe80::1/10', 6, 0xfe80n << 112n, 10],
  ];
  type IpV = 4 | 6;
  for (const [text, version, network, prefix] of good) {
    it(`accepts '${text}'`, () => {
      assert.deepEqual(parseCidr(text), { version, network, prefix });
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['', /required/],
    ['   ', /required/],
    ['10.0.0.300/24', /^'10\.0\.0\.300\/24' is not a valid IPv4 address: 300 is more than 255\.$/],
    ['256.0.0.0', /256 is more than 255/],
    ['1000.0.0.0', /1000 is more than 255/],
    ['010.0.0.1', /'010' has a leading zero/],
    ['10.00.0.0/8', /'00' has a leading zero/],
    ['10.0.0/8', /has 3 numbers separated by dots, but needs 4/],
    ['10.0.0.0.0', /has 5 numbers/],
    ['10', /single number/],
    ['10..0.0', /number 2 of 4 is missing/],
    ['10.0.0.a', /'a' is not a number/],
    ['10.0.0.-1', /'-1' is not a number/],
    ['10.0.0.0/33', /prefix length 33 is more than 32, the maximum for IPv4/],
    ['2001:db8::/129', /prefix length 129 is more than 128, the maximum for IPv6/],
    ['10.0.0.0/', /prefix length after '\/' is missing/],
    ['10.0.0.0/x', /prefix length 'x' is not a whole number/],
    ['10.0.0.0/-1', /prefix length '-1' is not a whole number/],
    ['10.0.0.0/08', /prefix length '08' has a leading zero/],
    ['10.0.0.0/8/8', /more than one '\/'/],
    ['/8', /address before '\/' is missing/],
    ['10.0.0.0 /8', /contains a space/],
    ['abc', /is not a CIDR range: expected an IPv4 or IPv6 range/],
    ['hello/24', /is not a CIDR range/],
    ['1::2::3', /'::' may appear only once/],
    [':::', /three colons in a row/],
    ['1:2:3:4:5:6:7:8:9', /has 9 groups of hex digits, but needs 8/],
    ['1:2:3:4:5:6:7', /has 7 groups of hex digits, but needs 8/],
    ['1:2:3:4:5:6:7:8::', /8 groups of hex digits plus '::'/],
    ['::1:2:3:4:5:6:7:8', /8 groups of hex digits plus '::'/],
    [':1:2:3:4:5:6:7', /starts with a single ':'/],
    ['1:2:3:4:5:6:7:', /ends with a single ':'/],
    ['2001:db8:12345::/48', /group '12345' has more than 4 hex digits/],
    ['2001:dg8::/32', /'dg8' is not a group of 1 to 4 hex digits/],
    ['fe80::1%eth0', /zone ids/],
    ['::ffff:10.0.0.256', /embedded IPv4 address '10\.0\.0\.256' is not valid: 256 is more than 255/],
    ['::ffff:010.0.0.1', /'010' has a leading zero/],
    ['1.2.3.4::', /embedded IPv4 address '1\.2\.3\.4' may only come at the end/],
    ['::1.2.3.4:5', /may only come at the end/],
    ['1:2:3:4:5:6:7:1.2.3.4', /9 groups|but needs 8/],
  ];
  for (const [text, pattern] of bad) {
    it(`rejects '${text}' saying ${pattern}`, () => {
      assert.match(errorOf(text), pattern);
    });
  }

  it('quotes the trimmed input in its messages', () => {
    assert.match(errorOf('  10.0.0.999/8 '), /^'10\.0\.0\.999\/8' /);
  });
});

describe('cidr: formatCidr (RFC 5952)', () => {
  const cases: Array<[string, string]> = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1/128'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'], // leftmost of two equal runs
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1/128'], // the longest run, not the first
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1/128'], // a single zero group stays
    ['2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff/128'],
    ['0:0:0:0:0:0:0:0', '::/128'],
    ['0:0:0:0:0:0:0:1', '::1/128'],
    ['1:0:0:0:0:0:0:0', '1::/128'],
    ['1:0:0:0:0:0:0:1', '1::1/128'],
    ['0:1:0:0:0:0:0:0', '0:1::/128'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1/128'],
    ['0:0:1:0:0:1:0:0', '::1:0:0:1:0:0/128'],
    ['::ffff:10.0.0.1', '::ffff:a00:1/128'],
    ['fe80:0:0:0:0:0:0:0/10', 'fe80::/10'],
    ['10.1.2.3/32', '10.1.2.3/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ];
  for (const [input, expected] of cases) {
    it(`'${input}' -> '${expected}'`, () => {
      assert.equal(formatCidr(p(input)), expected);
    });
  }
});

describe('cidr: canonicalCidr', () => {
  const cases: Array<[string, string, boolean, 4 | 6]> = [
    ['100.68.0.18/18', '100.68.0.0/18', true, 4],
    ['100.68.0.0/18', '100.68.0.0/18', false, 4],
    ['2001:DB8:0:0:1::1/64', '2001:db8::/64', true, 6],
    ['2001:db8::/64', '2001:db8::/64', false, 6],
    ['10.1.2.3', '10.1.2.3/32', true, 4],
    [' 10.0.0.0/8 ', '10.0.0.0/8', true, 4],
    ['10.255.255.255/8', '10.0.0.0/8', true, 4],
    ['1.2.3.4/0', '0.0.0.0/0', true, 4],
    ['::1', '::1/128', true, 6],
    ['2001:db8::ff/120', '2001:db8::/120', true, 6],
    ['2001:db8::1ff/120', '2001:db8::100/120', true, 6],
  ];
  for (const [input, cidr, changed, version] of cases) {
    it(`'${input}' -> '${cidr}' (changed: ${changed})`, () => {
      assert.deepEqual(canonicalCidr(input), { cidr, changed, version });
    });
  }
  it('passes errors through', () => {
    const r = canonicalCidr('10.0.0.300/24');
    assert.ok('error' in r);
    assert.match(r.error, /300 is more than 255/);
  });
});

describe('cidr: containment, overlap, size', () => {
  it('cidrContains', () => {
    assert.equal(cidrContains(p('10.0.0.0/8'), p('10.1.0.0/16')), true);
    assert.equal(cidrContains(p('10.0.0.0/8'), p('10.0.0.0/8')), true);
    assert.equal(cidrContains(p('10.1.0.0/16'), p('10.0.0.0/8')), false);
    assert.equal(cidrContains(p('10.0.0.0/8'), p('11.0.0.0/16')), false);
    assert.equal(cidrContains(p('0.0.0.0/0'), p('203.0.113.7')), true);
    assert.equal(cidrContains(p('::/0'), p('10.0.0.0/8')), false, 'IPv6 never contains IPv4');
    assert.equal(cidrContains(p('2001:db8::/32'), p('2001:db8:1::/48')), true);
    assert.equal(cidrContains(p('2001:db8::/32'), p('2001:db9::/48')), false);
  });

  const overlaps: Array<[string, string, boolean]> = [
    ['10.0.0.0/8', '10.20.0.0/16', true],
    ['10.20.0.0/16', '10.0.0.0/8', true],
    ['10.0.0.0/25', '10.0.0.128/25', false],
    ['10.0.0.0/24', '10.0.0.255/32', true],
    ['10.0.1.0/24', '10.0.0.255/32', false],
    ['0.0.0.0/0', '::/0', false],
    ['2001:db8::/32', '2001:db8:ffff::/48', true],
    ['2001:db8::/33', '2001:db8:8000::/33', false],
  ];
  for (const [a, b, expected] of overlaps) {
    it(`cidrOverlaps(${a}, ${b}) = ${expected}`, () => {
      assert.equal(cidrOverlaps(p(a), p(b)), expected);
      assert.equal(cidrOverlaps(p(b), p(a)), expected, 'symmetric');
    });
  }

  it('cidrSize', () => {
    assert.equal(cidrSize(p('10.0.0.0/24')), 256n);
    assert.equal(cidrSize(p('10.0.0.1')), 1n);
    assert.equal(cidrSize(p('0.0.0.0/0')), 1n << 32n);
    assert.equal(cidrSize(p('::/0')), 1n << 128n);
    assert.equal(cidrSize(p('2001:db8::/64')), 1n << 64n);
  });

  it('cidrRange', () => {
    assert.deepEqual(cidrRange(p('10.0.0.0/24')), { first: 0x0a000000n, last: 0x0a0000ffn });
  });

  it('isWorld', () => {
    assert.equal(isWorld(p('0.0.0.0/0')), true);
    assert.equal(isWorld(p('::/0')), true);
    assert.equal(isWorld(p('1.2.3.4/0')), true, 'masks to 0.0.0.0/0');
    assert.equal(isWorld(p('0.0.0.0/1')), false);
    assert.equal(isWorld(p('::/1')), false);
  });
});

describe('cidr: isPrivateCidr', () => {
  const cases: Array<[string, boolean]> = [
    ['10.0.0.0/8', true],
    ['10.1.2.3/32', true],
    ['172.16.0.0/12', true],
    ['172.31.255.0/24', true],
    ['172.32.0.0/16', false],
    ['172.0.0.0/8', false],
    ['192.168.0.0/16', true],
    ['192.169.0.0/16', false],
    ['100.64.0.0/10', true],
    ['100.128.0.0/10', false],
    ['127.0.0.1', true],
    ['169.254.169.254', true],
    ['8.8.8.8', false],
    ['0.0.0.0/0', false],
    ['10.0.0.0/7', false], // half of it is 11.0.0.0/8
    ['fc00::/7', true],
    ['fd12:3456::/48', true],
    ['fe80::/10', true],
    ['fe80::1', true],
    ['::1', true],
    ['::/0', false],
    ['2001:db8::/32', false],
    ['fc00::/6', false],
  ];
  for (const [text, expected] of cases) {
    it(`${text} -> ${expected}`, () => assert.equal(isPrivateCidr(p(text)), expected));
  }
});

describe('cidr: mergeCidrs', () => {
  const cases: Array<[string[], string[]]> = [
    [[], []],
    [['10.0.0.0/25', '10.0.0.128/25'], ['10.0.0.0/24']],
    [['10.0.0.128/25', '10.0.0.0/25'], ['10.0.0.0/24']],
    [['10.0.0.0/8', '10.1.0.0/16', '10.2.3.4/32'], ['10.0.0.0/8']],
    [['10.0.0.0/24', '10.0.0.0/24'], ['10.0.0.0/24']],
    [
      ['10.0.1.0/24', '10.0.2.0/24'],
      ['10.0.1.0/24', '10.0.2.0/24'],
    ], // adjacent but not aligned
    [['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24', '10.0.0.0/24'], ['10.0.0.0/22']],
    [
      ['10.0.0.1', '10.0.0.2'],
      ['10.0.0.1/32', '10.0.0.2/32'],
    ],
    [['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3'], ['10.0.0.0/30']],
    [
      ['192.168.0.0/24', '10.0.0.0/8'],
      ['10.0.0.0/8', '192.168.0.0/24'],
    ],
    [['0.0.0.0/1', '128.0.0.0/1'], ['0.0.0.0/0']],
    [['2001:db8::/33', '2001:db8:8000::/33'], ['2001:db8::/32']],
    [
      ['2001:db8::/32', '10.0.0.0/8', '::/0'],
      ['10.0.0.0/8', '::/0'],
    ],
    [
      ['::ffff:0:0/97', '::ffff:8000:0/97', '0.0.0.0/0'],
      ['0.0.0.0/0', '::ffff:0.0.0.0/96'],
    ],
  ];
  for (const [input, expected] of cases) {
    it(`[${input.join(', ')}] -> [${expected.join(', ')}]`, () => {
      assert.deepEqual(
        mergeCidrs(input.map(p)).map(formatCidr),
        expected.map((e) => formatCidr(p(e))),
      );
    });
  }

  it('masks a hand-built unmasked network instead of trusting it', () => {
    const merged = mergeCidrs([{ version: 4, network: 0x0a000005n, prefix: 24 }]);
    assert.deepEqual(merged.map(formatCidr), ['10.0.0.0/24']);
  });
});
