import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import fc from 'fast-check';
import {
  canonicalCidr,
  Cidr,
  cidrContains,
  cidrContainsAddress,
  cidrOverlaps,
  fastIpv4,
  fastIpv6,
  fastRead,
  formatCidr,
  IpVersion,
  mergeCidrs,
  parseCidr,
  samePrefix6,
} from '../../src/domain/cidr';
import {
  normaliseProtocol,
  parsePortRange,
  validateCidrInput,
  validateGroupDescription,
  validateGroupId,
  validateGroupName,
  validatePorts,
  validatePrefixListId,
  validateRuleDescription,
  validateVpcId,
} from '../../src/domain/validation';

const RUNS = { numRuns: 500 };

function mask(version: IpVersion, address: bigint, prefix: number): bigint {
  const bits = version === 4 ? 32 : 128;
  const host = (1n << BigInt(bits - prefix)) - 1n;
  return address & (((1n << BigInt(bits)) - 1n) ^ host);
}

function mustParse(text: string): Cidr {
  const c = parseCidr(text);
  if ('error' in c) throw new Error(c.error);
  return c;
}

/** Groups biased towards zero, so runs of zero groups (and '::') are common. */
const ipv6Groups = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
  minLength: 8,
  maxLength: 8,
});
function groupsToBigint(groups: number[]): bigint {
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

const ipv4Cidr: fc.Arbitrary<Cidr> = fc
  .record({
    address: fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
    prefix: fc.integer({ min: 0, max: 32 }),
  })
  .map(({ address, prefix }) => ({ version: 4 as const, network: mask(4, address, prefix), prefix }));

const ipv6Cidr: fc.Arbitrary<Cidr> = fc
  .record({
    groups: ipv6Groups,
    prefix: fc.integer({ min: 0, max: 128 }),
  })
  .map(({ groups, prefix }) => ({ version: 6 as const, network: mask(6, groupsToBigint(groups), prefix), prefix }));

/** The address of a URL host, as serialised by WHATWG URL (RFC 5952 compression, lowercase, hex only). */
function urlIpv6(text: string): string | undefined {
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

describe('properties: CIDR parse/format', () => {
  it('formatCidr(parseCidr(formatCidr(c))) round-trips for IPv4 networks', () => {
    fc.assert(
      fc.property(ipv4Cidr, (c) => {
        const text = formatCidr(c);
        assert.deepEqual(parseCidr(text), c);
        assert.equal(formatCidr(mustParse(text)), text);
      }),
      RUNS,
    );
  });

  it('formatCidr(parseCidr(formatCidr(c))) round-trips for IPv6 networks', () => {
    fc.assert(
      fc.property(ipv6Cidr, (c) => {
        const text = formatCidr(c);
        assert.deepEqual(parseCidr(text), c);
        assert.equal(formatCidr(mustParse(text)), text);
      }),
      RUNS,
    );
  });

  it('IPv6 text matches the WHATWG URL serialiser (RFC 5952 compression)', () => {
    fc.assert(
      fc.property(ipv6Groups, (groups) => {
        const c: Cidr = { version: 6, network: groupsToBigint(groups), prefix: 128 };
        const address = formatCidr(c).replace(/\/128$/, '');
        assert.equal(address, urlIpv6(address));
        assert.equal(address, address.toLowerCase());
        assert.doesNotMatch(address, /:0[0-9a-f]/, 'no leading zeros in groups');
      }),
      RUNS,
    );
  });

  it('parses the uncompressed, zero-padded, upper-case form of any IPv6 address', () => {
    fc.assert(
      fc.property(ipv6Groups, fc.integer({ min: 0, max: 128 }), (groups, prefix) => {
        const text = `${groups.map((g) => g.toString(16).toUpperCase().padStart(4, '0')).join(':')}/${prefix}`;
        assert.deepEqual(parseCidr(text), { version: 6, network: mask(6, groupsToBigint(groups), prefix), prefix });
      }),
      RUNS,
    );
  });

  it('accepts exactly the addresses node:net accepts, and reads them as WHATWG URL does', () => {
    const chars = [...'0123456789abcdefABCDEF:.', ':', ':', '.', '0'];
    const addressLike = fc.string({ unit: fc.constantFrom(...chars), maxLength: 24 });
    fc.assert(
      fc.property(addressLike, (s) => {
        const parsed = parseCidr(s);
        const nodeVersion = net.isIP(s);
        assert.equal(
          'error' in parsed,
          nodeVersion === 0,
          `'${s}': parseCidr ${JSON.stringify('error' in parsed ? parsed.error : 'ok')}, net.isIP ${nodeVersion}`,
        );
        if (!('error' in parsed)) {
          assert.equal(parsed.version, nodeVersion);
          if (parsed.version === 6) assert.equal(formatCidr(parsed), `${urlIpv6(s)}/128`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts exactly the structured IPv6 variants node:net accepts', () => {
    const group = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((g) => g.toString(16)),
      fc.constantFrom('', '0', '00000', '1.2.3.4', '01.2.3.4'),
    );
    const candidate = fc.array(group, { minLength: 1, maxLength: 10 }).map((gs) => gs.join(':'));
    fc.assert(
      fc.property(candidate, (s) => {
        const parsed = parseCidr(s);
        assert.equal('error' in parsed, net.isIP(s) === 0, `'${s}'`);
        if (!('error' in parsed) && parsed.version === 6) assert.equal(formatCidr(parsed), `${urlIpv6(s)}/128`);
      }),
      { numRuns: 3000 },
    );
  });
});

/** What a fast reader read, as a Cidr; undefined when it declined the text. */
function fastCidr(text: string): Cidr | undefined {
  let prefix = fastIpv4(text);
  if (prefix >= 0) return { version: 4, network: BigInt(fastRead.v4), prefix };
  prefix = fastIpv6(text);
  if (prefix < 0) return undefined;
  const network = [...fastRead.v6].reduce((acc, w) => (acc << 32n) | BigInt(w), 0n);
  return { version: 6, network, prefix };
}

describe('properties: the fast CIDR readers of the findings pass', () => {
  const variants = (c: Cidr): string[] => {
    const canonical = formatCidr(c);
    if (c.version === 4) return [canonical];
    const groups = Array.from({ length: 8 }, (_, k) => Number((c.network >> BigInt(112 - 16 * k)) & 0xffffn));
    return [
      canonical,
      `${groups.map((g) => g.toString(16).toUpperCase().padStart(4, '0')).join(':')}/${c.prefix}`,
      `${groups.map((g) => g.toString(16)).join(':')}/${c.prefix}`,
    ];
  };

  it('read every canonical and uncompressed text, exactly as parseCidr does', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Cidr, ipv6Cidr), (c) => {
        for (const text of variants(c)) assert.deepEqual(fastCidr(text), c, text);
      }),
      RUNS,
    );
  });

  it('clear the host bits of any address, as parseCidr does', () => {
    const v4 = fc.tuple(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.integer({ min: 0, max: 32 })).map(([a, p]) => ({
      text: `${formatCidr({ version: 4, network: a, prefix: 32 }).replace(/\/32$/, '')}/${p}`,
      c: { version: 4 as const, network: mask(4, a, p), prefix: p },
    }));
    const v6 = fc.tuple(ipv6Groups, fc.integer({ min: 0, max: 128 })).map(([g, p]) => ({
      text: `${g.map((x) => x.toString(16)).join(':')}/${p}`,
      c: { version: 6 as const, network: mask(6, groupsToBigint(g), p), prefix: p },
    }));
    fc.assert(
      fc.property(fc.oneof(v4, v6), ({ text, c }) => {
        assert.deepEqual(fastCidr(text), c, text);
        assert.deepEqual(parseCidr(text), c, text);
      }),
      { numRuns: 2000 },
    );
  });

  it('never read a text other than parseCidr reads it (they may decline and leave it to parseCidr)', () => {
    const chars = [...'0123456789abcdefABCDEF:./', ':', ':', '.', '/', '0', ' ', '%', 'g'];
    const cidrLike = fc.oneof(
      fc.string({ unit: fc.constantFrom(...chars), maxLength: 44 }),
      fc
        .oneof(ipv4Cidr, ipv6Cidr)
        .chain((c) => fc.constantFrom(...variants(c)))
        .chain((t) =>
          fc
            .tuple(fc.nat({ max: t.length }), fc.constantFrom('', ':', '.', '/', '0', '::', '1', ' ', '/0', '00'))
            .map(([at, ins]) => t.slice(0, at) + ins + t.slice(at)),
        ),
    );
    fc.assert(
      fc.property(cidrLike, (text) => {
        const fast = fastCidr(text);
        if (fast === undefined) return;
        const parsed = parseCidr(text);
        assert.ok(!('error' in parsed), `fast read '${text}', parseCidr refused it: ${'error' in parsed ? parsed.error : ''}`);
        assert.deepEqual(fast, parsed, text);
      }),
      { numRuns: 5000 },
    );
  });

  it('samePrefix6 answers what cidrContains answers for ranges of the same prefix', () => {
    fc.assert(
      fc.property(ipv6Cidr, ipv6Cidr, fc.integer({ min: 0, max: 128 }), (a, b, p) => {
        const words = new Uint32Array(8);
        for (const [at, c] of [
          [0, a],
          [4, b],
        ] as const)
          for (let k = 0; k < 4; k++) words[at + k] = Number((c.network >> BigInt(96 - 32 * k)) & 0xffffffffn);
        const outer: Cidr = { version: 6, network: mask(6, a.network, p), prefix: p };
        assert.equal(samePrefix6(words, 0, 4, p), cidrContains(outer, { ...b, prefix: 128 }));
      }),
      RUNS,
    );
  });
});

describe('properties: canonicalCidr', () => {
  /** CIDR texts with host bits set, upper case and zero padding: everything AWS would rewrite. */
  const messyText = fc.oneof(
    fc.record({ a: fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), p: fc.integer({ min: 0, max: 32 }), bare: fc.boolean() }).map(({ a, p, bare }) => {
      const dotted = [24n, 16n, 8n, 0n].map((s) => String((a >> s) & 0xffn)).join('.');
      return bare ? dotted : `${dotted}/${p}`;
    }),
    fc.record({ g: ipv6Groups, p: fc.integer({ min: 0, max: 128 }), upper: fc.boolean(), pad: fc.boolean() }).map(({ g, p, upper, pad }) => {
      const text = g.map((x) => (pad ? x.toString(16).padStart(4, '0') : x.toString(16))).join(':');
      return `${upper ? text.toUpperCase() : text}/${p}`;
    }),
  );

  it('is idempotent and reports changed exactly when the text differs', () => {
    fc.assert(
      fc.property(messyText, fc.constantFrom('', ' ', '\t'), (text, ws) => {
        const input = `${ws}${text}${ws}`;
        const once = canonicalCidr(input);
        assert.ok(!('error' in once), `'${input}' should be valid`);
        assert.equal(once.changed, once.cidr !== input);
        const twice = canonicalCidr(once.cidr);
        assert.deepEqual(twice, { cidr: once.cidr, changed: false, version: once.version });
      }),
      RUNS,
    );
  });

  it('keeps the addresses of the network: canonical range contains the original address', () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const canon = canonicalCidr(text);
        assert.ok(!('error' in canon));
        const parsed = mustParse(canon.cidr);
        const bare = mustParse(text.split('/')[0]!);
        assert.ok(cidrContainsAddress(parsed, bare.version, bare.network));
      }),
      RUNS,
    );
  });

  it('is idempotent on arbitrary strings that it accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdef:./ '), maxLength: 30 }), (s) => {
        const once = canonicalCidr(s);
        if ('error' in once) return;
        const twice = canonicalCidr(once.cidr);
        assert.deepEqual(twice, { cidr: once.cidr, changed: false, version: once.version });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('properties: mergeCidrs', () => {
  const v4Base = 0x0a000000n; // 10.0.0.0/24
  const v6Base = 0x20010db8n << 96n; // 2001:db8::/120
  const small = fc.oneof(
    fc
      .record({ offset: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 24, max: 32 }) })
      .map(({ offset, prefix }): Cidr => ({ version: 4, prefix, network: mask(4, v4Base + BigInt(offset), prefix) })),
    fc
      .record({ offset: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 120, max: 128 }) })
      .map(({ offset, prefix }): Cidr => ({ version: 6, prefix, network: mask(6, v6Base + BigInt(offset), prefix) })),
  );

  function covered(list: Cidr[], version: IpVersion, address: bigint): boolean {
    return list.some((c) => cidrContainsAddress(c, version, address));
  }

  function checkShape(merged: Cidr[], input: Cidr[]): void {
    // Sorted (IPv4 first, then by address), pairwise disjoint, no two mergeable halves, never longer than the input.
    for (let i = 1; i < merged.length; i++) {
      const a = merged[i - 1]!;
      const b = merged[i]!;
      assert.ok(a.version < b.version || (a.version === b.version && a.network < b.network), 'sorted');
    }
    for (let i = 0; i < merged.length; i++) {
      for (let j = i + 1; j < merged.length; j++) {
        const a = merged[i]!;
        const b = merged[j]!;
        assert.ok(!cidrOverlaps(a, b), `${formatCidr(a)} and ${formatCidr(b)} overlap`);
        if (a.version === b.version && a.prefix === b.prefix && a.prefix > 0) {
          const parent = mask(a.version, a.network, a.prefix - 1);
          assert.ok(parent !== mask(b.version, b.network, b.prefix - 1), `${formatCidr(a)} and ${formatCidr(b)} should merge`);
        }
      }
    }
    assert.ok(merged.length <= input.length, 'never more blocks than the input');
  }

  it('covers exactly the input addresses (exhaustive over small ranges)', () => {
    fc.assert(
      fc.property(fc.array(small, { maxLength: 10 }), (input) => {
        const merged = mergeCidrs(input);
        checkShape(merged, input);
        for (const [version, base] of [
          [4, v4Base],
          [6, v6Base],
        ] as const) {
          for (let off = -2n; off < 258n; off++) {
            const address = base + off;
            assert.equal(covered(merged, version, address), covered(input, version, address), `address offset ${off} (IPv${version})`);
          }
        }
      }),
      RUNS,
    );
  });

  it('covers exactly the input addresses (sampled over any ranges)', () => {
    const anyCidr = fc.oneof(ipv4Cidr, ipv6Cidr);
    fc.assert(
      fc.property(
        fc.array(anyCidr, { maxLength: 8 }),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), { maxLength: 20 }),
        (input, randomAddresses) => {
          const merged = mergeCidrs(input);
          checkShape(merged, input);
          const samples: Array<[IpVersion, bigint]> = [];
          for (const a of randomAddresses) samples.push([4, a & 0xffffffffn], [6, a]);
          for (const c of [...input, ...merged]) {
            const last = c.network | ((1n << BigInt((c.version === 4 ? 32 : 128) - c.prefix)) - 1n);
            const max = (1n << BigInt(c.version === 4 ? 32 : 128)) - 1n;
            for (const a of [c.network - 1n, c.network, last, last + 1n]) {
              if (a >= 0n && a <= max) samples.push([c.version, a]);
            }
          }
          for (const [version, address] of samples) {
            assert.equal(covered(merged, version, address), covered(input, version, address));
          }
          for (const c of input)
            assert.ok(
              merged.some((m) => cidrContains(m, c)),
              `${formatCidr(c)} is inside one output block`,
            );
        },
      ),
      RUNS,
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(small, { maxLength: 10 }), (input) => {
        const merged = mergeCidrs(input);
        assert.deepEqual(mergeCidrs(merged), merged);
      }),
      RUNS,
    );
  });
});

describe('properties: validators on arbitrary input', () => {
  const anyString = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: fc.constantFrom(...'sgplvc-0123456789abcdefABCDEF:./&% \t'), maxLength: 30 }),
  );

  function isStringOrUndefined(v: unknown): boolean {
    return v === undefined || (typeof v === 'string' && v.length > 0);
  }
  function isErrorOr(v: unknown, ok: (v: unknown) => boolean): boolean {
    if (v !== null && typeof v === 'object' && 'error' in v) {
      const e = (v as { error: unknown }).error;
      return typeof e === 'string' && e.length > 0;
    }
    return ok(v);
  }

  it('string validators never throw and return string | undefined', () => {
    fc.assert(
      fc.property(anyString, fc.array(anyString, { maxLength: 3 }), (s, existing) => {
        assert.ok(isStringOrUndefined(validateGroupName(s, existing)));
        assert.ok(isStringOrUndefined(validateGroupDescription(s)));
        for (const kind of ['cidr4', 'cidr6', 'prefixList', 'group'] as const) {
          assert.ok(isStringOrUndefined(validateRuleDescription(s, kind)));
        }
        assert.ok(isStringOrUndefined(validateGroupId(s)));
        assert.ok(isStringOrUndefined(validatePrefixListId(s)));
        assert.ok(isStringOrUndefined(validateVpcId(s)));
        assert.ok(isStringOrUndefined(validateCidrInput(s)));
      }),
      { numRuns: 1000 },
    );
  });

  it('parsers never throw and return a value or { error }', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        assert.ok(isErrorOr(normaliseProtocol(s), (v) => typeof v === 'string'));
        assert.ok(isErrorOr(parsePortRange(s), (v) => typeof v === 'object' && v !== null && 'fromPort' in v));
        assert.ok(isErrorOr(parseCidr(s), (v) => typeof v === 'object' && v !== null && 'network' in v));
        assert.ok(isErrorOr(canonicalCidr(s), (v) => typeof v === 'object' && v !== null && 'cidr' in v));
      }),
      { numRuns: 1000 },
    );
  });

  it('a group name that passes is at most 255 characters, has no sg- prefix and no clash', () => {
    const nameChars = fc.string({ unit: fc.constantFrom(...'sgSG-abc &%?'), maxLength: 8 });
    fc.assert(
      fc.property(nameChars, fc.array(nameChars, { maxLength: 3 }), (s, existing) => {
        if (validateGroupName(s, existing) !== undefined) return;
        assert.ok(!s.toLowerCase().startsWith('sg-'));
        assert.ok(!/[%?]/.test(s));
        assert.ok(!existing.some((e) => e.toLowerCase() === s.toLowerCase()));
      }),
      { numRuns: 1000 },
    );
  });

  it('parsePortRange never returns from > to, and stays within 0-65535', () => {
    const portish = fc.oneof(
      anyString,
      fc.string({ unit: fc.constantFrom(...'0123456789- '), maxLength: 14 }),
      fc.tuple(fc.integer({ min: -10, max: 70000 }), fc.integer({ min: -10, max: 70000 })).map(([a, b]) => `${a}-${b}`),
    );
    fc.assert(
      fc.property(portish, (s) => {
        const r = parsePortRange(s);
        if ('error' in r) return;
        assert.ok(Number.isInteger(r.fromPort) && Number.isInteger(r.toPort));
        assert.ok(r.fromPort <= r.toPort, `${s} -> ${r.fromPort}..${r.toPort}`);
        assert.ok(r.fromPort >= 0 && r.toPort <= 65535);
      }),
      { numRuns: 2000 },
    );
  });

  it('validatePorts answers AWS-valid pairs for every protocol', () => {
    const protocol = fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', '-1', '50', 'TCP', '6');
    const port = fc.option(fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.double()), { nil: undefined });
    fc.assert(
      fc.property(protocol, port, port, (p, from, to) => {
        const r = validatePorts(p, from, to);
        if ('error' in r) return;
        const normal = normaliseProtocol(p);
        if (normal === 'tcp' || normal === 'udp') {
          assert.ok(r.fromPort >= 0 && r.fromPort <= r.toPort && r.toPort <= 65535);
        } else if (normal === 'icmp' || normal === 'icmpv6') {
          assert.ok(r.fromPort >= -1 && r.fromPort <= 255 && r.toPort >= -1 && r.toPort <= 255);
          if (r.fromPort === -1) assert.equal(r.toPort, -1);
        } else {
          assert.deepEqual(r, { fromPort: -1, toPort: -1 });
        }
      }),
      { numRuns: 2000 },
    );
  });
});
