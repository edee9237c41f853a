import * as assert from 'node:assert/strict';
import {
  isDatabasePort,
  normaliseProtocol,
  parsePortRange,
  PeerKind,
  validateCidrInput,
  validateGroupDescription,
  validateGroupId,
  validateGroupName,
  validatePorts,
  validatePrefixListId,
  validateRuleDescription,
  validateVpcId,
} from '../../src/domain/validation';

function expectError(result: string | undefined, pattern: RegExp): void {
  assert.equal(typeof result, 'string', `expected an error matching ${pattern}, got undefined`);
  assert.match(result as string, pattern);
}

function expectErrorObject(result: unknown, pattern: RegExp): void {
  assert.ok(result !== null && typeof result === 'object' && 'error' in result, `expected { error } matching ${pattern}, got ${JSON.stringify(result)}`);
  assert.match((result as { error: string }).error, pattern);
}

const ALL_PUNCTUATION = '._-:/()#,@[]+=&;{}!$*';

describe('validation: validateGroupName', () => {
  const existing = ['web-servers', 'Aurora Access', 'default'];
  const good = [
    'db-access',
    'a',
    'x'.repeat(255),
    `All punctuation ${ALL_PUNCTUATION}`,
    'Web-Servers-2', // differs from web-servers
    'my sg-thing', // sg- only matters at the start
    'sgroup',
    'SG_underscore',
  ];
  for (const name of good) {
    it(`accepts '${name.length > 40 ? `${name.slice(0, 20)}… (${name.length} chars)` : name}'`, () => {
      assert.equal(validateGroupName(name, existing), undefined);
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['', /name is required/],
    ['   ', /name is required/],
    ['x'.repeat(256), /256 characters long; AWS allows at most 255/],
    ['sg-database', /starts with 'sg-': AWS reserves the 'sg-' prefix for security group ids/],
    ['SG-Database', /starts with 'SG-': AWS reserves the 'sg-' prefix for security group ids/],
    ['Sg-1', /reserves the 'sg-' prefix/],
    ['db?access', /contains '\?', which AWS does not allow/],
    ['db access%', /contains '%'/],
    ['a~b^c', /contains '~'/],
    ['tab\there', /contains a tab character \(U\+0009\)/],
    ['line\nbreak', /contains a line break/],
    ['bell\u0007', /contains a control character \(U\+0007\)/],
    ['café', /contains 'é' \(U\+00E9\)/],
    ['rocket🚀', /contains '🚀' \(U\+1F680\)/],
    ['quote"d', /contains '"'/],
    ["apos'", /contains '''/],
    ['back\\slash', /contains '\\'/],
    ['less<than', /contains '<'/],
    ['WEB-SERVERS', /clashes with the existing group 'web-servers'.*ignoring upper and lower case/],
    ['aurora access', /clashes with the existing group 'Aurora Access'/],
    ['default', /A security group named 'default' already exists in this VPC/],
  ];
  for (const [name, pattern] of bad) {
    it(`rejects '${name.length > 40 ? `${name.slice(0, 20)}… (${name.length} chars)` : name}' saying ${pattern}`, () => {
      expectError(validateGroupName(name, existing), pattern);
    });
  }

  it('names the first bad character, not a later one', () => {
    expectError(validateGroupName('a%b?c', []), /contains '%'/);
  });

  it('lists the allowed characters', () => {
    expectError(validateGroupName('a|b', []), /Allowed: letters a-z and A-Z, digits 0-9, spaces and \._-:\/\(\)#,@\[\]\+=&;\{\}!\$\*/);
  });
});

describe('validation: validateGroupDescription', () => {
  for (const d of ['Aurora access from the VPN', `p ${ALL_PUNCTUATION}`, 'x'.repeat(255), 'sg-starts-are-fine']) {
    it(`accepts '${d.slice(0, 40)}'`, () => assert.equal(validateGroupDescription(d), undefined));
  }
  const bad: Array<[string, RegExp]> = [
    ['', /description is required/],
    [' ', /description is required/],
    ['y'.repeat(256), /256 characters long; AWS allows at most 255/],
    ['50% of traffic', /contains '%', which AWS does not allow/],
    ['naïve', /contains 'ï' \(U\+00EF\)/],
    ['who?', /contains '\?'/],
  ];
  for (const [d, pattern] of bad) {
    it(`rejects '${d.slice(0, 40)}' saying ${pattern}`, () => expectError(validateGroupDescription(d), pattern));
  }
});

describe('validation: validateRuleDescription', () => {
  const good: Array<[string, PeerKind]> = [
    ['', 'group'],
    ['', 'cidr4'],
    ['Office VPN', 'cidr4'],
    ['R&D office', 'cidr4'],
    ['R&D office v6', 'cidr6'],
    ['App tier (ECS)', 'group'],
    ['S3 endpoint', 'prefixList'],
    [`p ${ALL_PUNCTUATION}`, 'cidr6'],
    [`p ${ALL_PUNCTUATION.replace('&', '')}`, 'group'],
    ['z'.repeat(255), 'prefixList'],
  ];
  for (const [d, kind] of good) {
    it(`accepts '${d.slice(0, 30)}' for ${kind}`, () => assert.equal(validateRuleDescription(d, kind), undefined));
  }
  const bad: Array<[string, PeerKind, RegExp]> = [
    ['R&D', 'group', /contains '&', which AWS does not allow when the peer is a security group/],
    ['R&D', 'prefixList', /contains '&', which AWS does not allow when the peer is a prefix list/],
    ['z'.repeat(256), 'cidr4', /256 characters long; AWS allows at most 255/],
    ['100% ok', 'cidr4', /contains '%'/],
    ['über', 'group', /contains 'ü' \(U\+00FC\)/],
    ['why?', 'cidr6', /contains '\?'/],
  ];
  for (const [d, kind, pattern] of bad) {
    it(`rejects '${d.slice(0, 30)}' for ${kind} saying ${pattern}`, () => {
      expectError(validateRuleDescription(d, kind), pattern);
    });
  }
  it('does not list & as allowed for group peers', () => {
    const msg = validateRuleDescription('a|b', 'group');
    expectError(msg, /contains '\|'/);
    assert.doesNotMatch(msg as string, /&/);
  });
});

describe('validation: normaliseProtocol', () => {
  const good: Array<[string, string]> = [
    ['tcp', 'tcp'],
    ['TCP', 'tcp'],
    [' Udp ', 'udp'],
    ['icmp', 'icmp'],
    ['ICMPv6', 'icmpv6'],
    ['-1', '-1'],
    ['all', '-1'],
    ['ALL', '-1'],
    ['6', 'tcp'],
    ['17', 'udp'],
    ['1', 'icmp'],
    ['58', 'icmpv6'],
    ['006', 'tcp'],
    ['0', '0'],
    ['47', '47'],
    ['50', '50'],
    ['255', '255'],
    ['132', '132'],
  ];
  for (const [input, expected] of good) {
    it(`'${input}' -> '${expected}'`, () => assert.equal(normaliseProtocol(input), expected));
  }
  const bad: Array<[string, RegExp]> = [
    ['', /protocol is required/],
    ['256', /Protocol number 256 is out of range/],
    ['99999', /Protocol number 99999 is out of range/],
    ['-2', /Protocol number -2 is not allowed: only -1/],
    ['ftp', /'ftp' is not a protocol: use tcp, udp, icmp, icmpv6, all \(-1\) or a protocol number from 0 to 255/],
    ['6.5', /'6\.5' is not a protocol/],
    ['tcp/udp', /'tcp\/udp' is not a protocol/],
  ];
  for (const [input, pattern] of bad) {
    it(`rejects '${input}' saying ${pattern}`, () => expectErrorObject(normaliseProtocol(input), pattern));
  }
});

describe('validation: validatePorts', () => {
  const good: Array<[string, number | undefined, number | undefined, number, number]> = [
    ['tcp', 3306, 3306, 3306, 3306],
    ['tcp', 3306, undefined, 3306, 3306],
    ['udp', 0, 65535, 0, 65535],
    ['tcp', 1024, 2048, 1024, 2048],
    ['icmp', undefined, undefined, -1, -1],
    ['icmp', 8, undefined, 8, -1],
    ['icmp', 3, 4, 3, 4],
    ['icmp', -1, -1, -1, -1],
    ['icmpv6', 128, 0, 128, 0],
    ['icmpv6', 255, 255, 255, 255],
    ['-1', undefined, undefined, -1, -1],
    ['-1', 22, 80, -1, -1],
    ['50', undefined, undefined, -1, -1],
    ['47', 1, 2, -1, -1],
  ];
  for (const [protocol, from, to, ef, et] of good) {
    it(`${protocol} ${from}..${to} -> ${ef}..${et}`, () => {
      assert.deepEqual(validatePorts(protocol, from, to), { fromPort: ef, toPort: et });
    });
  }
  const bad: Array<[string, number | undefined, number | undefined, RegExp]> = [
    ['tcp', undefined, undefined, /port or port range is required for tcp rules/],
    ['udp', undefined, 53, /required for udp rules/],
    ['tcp', -1, -1, /From port -1 is out of range: tcp ports must be 0 to 65535/],
    ['tcp', 70000, undefined, /From port 70000 is out of range/],
    ['udp', 1, 65536, /To port 65536 is out of range: udp ports/],
    ['tcp', 200, 100, /From port 200 is greater than to port 100/],
    ['tcp', 1.5, 2, /From port 1\.5 is not a whole number/],
    ['tcp', NaN, 2, /From port NaN is not a whole number/],
    ['icmp', 256, undefined, /ICMP type 256 is out of range for icmp: use 0 to 255, or -1 for all/],
    ['icmp', 3, -2, /ICMP code -2 is out of range/],
    ['icmpv6', -1, 0, /ICMP code 0 needs a specific ICMP type: with type -1 \(all types\) the code must be -1/],
    ['icmp', undefined, 4, /ICMP code 4 needs a specific ICMP type/],
    ['icmp', 0.5, 0, /ICMP type 0\.5 is not a whole number/],
    ['bogus', 1, 2, /'bogus' is not a protocol/],
  ];
  for (const [protocol, from, to, pattern] of bad) {
    it(`rejects ${protocol} ${from}..${to} saying ${pattern}`, () => {
      expectErrorObject(validatePorts(protocol, from, to), pattern);
    });
  }
});

describe('validation: parsePortRange', () => {
  const good: Array<[string, number, number]> = [
    ['3306', 3306, 3306],
    ['1024-2048', 1024, 2048],
    [' 80 ', 80, 80],
    ['0', 0, 0],
    ['65535', 65535, 65535],
    ['0-65535', 0, 65535],
    ['80 - 90', 80, 90],
    ['5432-5432', 5432, 5432],
    ['8000\u20138080', 8000, 8080], // en dash from a pasted document
  ];
  for (const [text, from, to] of good) {
    it(`'${text}' -> ${from}..${to}`, () => assert.deepEqual(parsePortRange(text), { fromPort: from, toPort: to }));
  }
  const bad: Array<[string, RegExp]> = [
    ['', /A port is required/],
    ['   ', /A port is required/],
    ['80-', /'80-' is missing the end port after '-'/],
    ['-80', /Port -80 is negative/],
    [' -80-90', /'-80-90' is missing the start port before '-'/],
    ['-', /'-' is not a port range/],
    ['abc', /'abc' is not a port: 'abc' is not a whole number/],
    ['70000', /Port 70000 is out of range: ports are 0 to 65535/],
    ['80-70000', /Port 70000 is out of range/],
    ['200-100', /start port 200 is greater than the end port 100/],
    ['1-2-3', /'1-2-3' has more than one '-'/],
    ['80,443', /'80,443' is not a port: '80,443' is not a whole number/],
    ['80.5', /'80\.5' is not a whole number/],
    ['http', /'http' is not a port/],
    ['99999999999999999999999', /Port 99999999999999999999999 is out of range/],
  ];
  for (const [text, pattern] of bad) {
    it(`rejects '${text}' saying ${pattern}`, () => expectErrorObject(parsePortRange(text), pattern));
  }
});

describe('validation: resource ids', () => {
  const cases: Array<[string, (id: string) => string | undefined, string[], Array<[string, RegExp]>]> = [
    [
      'validateGroupId',
      validateGroupId,
      ['sg-12345678', 'sg-0123456789abcdef0', ' sg-0123456789abcdef0 '],
      [
        ['', /security group id is required, like sg-/],
        ['vpc-12345678', /it must start with 'sg-'/],
        ['12345678', /it must start with 'sg-'/],
        ['sg-1234', /has 4 hex digits after 'sg-', but needs 8 or 17/],
        ['sg-0123456789abcdef', /has 16 hex digits after 'sg-', but needs 8 or 17/],
        ['sg-0123456789abcdef01', /has 18 hex digits/],
        ['sg-1234567g', /'g' is not a hexadecimal digit/],
        ['sg-', /has 0 hex digits/],
        ['SG-0123456789ABCDEF0', /AWS ids are lowercase \(sg-0123456789abcdef0\)/],
        ['sg-12 345678', /' ' is not a hexadecimal digit/],
      ],
    ],
    [
      'validatePrefixListId',
      validatePrefixListId,
      ['pl-63a5400a', 'pl-0123456789abcdef0'],
      [
        ['', /prefix list id is required/],
        ['sg-63a5400a', /it must start with 'pl-'/],
        ['pl-63a540', /has 6 hex digits after 'pl-'/],
        ['pl-xyz', /'x' is not a hexadecimal digit/],
      ],
    ],
    [
      'validateVpcId',
      validateVpcId,
      ['vpc-1a2b3c4d', 'vpc-0123456789abcdef0'],
      [
        ['', /VPC id is required/],
        ['vpc1a2b3c4d', /it must start with 'vpc-'/],
        ['vpc-1a2b3c4', /has 7 hex digits after 'vpc-'/],
        ['vpc-1a2b3c4d_', /'_' is not a hexadecimal digit/],
      ],
    ],
  ];
  for (const [name, fn, good, bad] of cases) {
    for (const id of good) it(`${name} accepts '${id}'`, () => assert.equal(fn(id), undefined));
    for (const [id, pattern] of bad) {
      it(`${name} rejects '${id}' saying ${pattern}`, () => expectError(fn(id), pattern));
    }
  }
});

describe('validation: validateCidrInput', () => {
  for (const text of ['10.0.0.0/16', '100.68.0.18/18', '2001:db8::/32', '::/0', '203.0.113.5', ' 10.0.0.0/8 ']) {
    it(`accepts '${text}'`, () => assert.equal(validateCidrInput(text), undefined));
  }
  const bad: Array<[string, RegExp]> = [
    ['', /CIDR range is required/],
    ['10.0.0.300/24', /300 is more than 255/],
    ['010.0.0.1/32', /leading zero/],
    ['10.0.0.0/33', /prefix length 33 is more than 32/],
    ['2001:db8::g/64', /'g' is not a group of 1 to 4 hex digits/],
    ['my office', /contains a space/],
    ['office', /is not a CIDR range/],
  ];
  for (const [text, pattern] of bad) {
    it(`rejects '${text}' saying ${pattern}`, () => expectError(validateCidrInput(text), pattern));
  }
});

describe('validation: isDatabasePort', () => {
  for (const port of [3306, 5432, 1433, 1521, 27017, 6379, 5439]) {
    it(`${port} is a database port`, () => assert.equal(isDatabasePort(port), true));
  }
  for (const port of [22, 80, 443, 0, -1, 3307]) {
    it(`${port} is not a database port`, () => assert.equal(isDatabasePort(port), false));
  }
  it('accepts extra ports', () => {
    assert.equal(isDatabasePort(3307, [3307, 9999]), true);
    assert.equal(isDatabasePort(3308, [3307]), false);
    assert.equal(isDatabasePort(3306, []), true);
  });
});
