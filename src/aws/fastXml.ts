// A fast reader for the two EC2 answers that make up most of a big Region's load:
// DescribeSecurityGroups (each group carries its rules again as IpPermissions: 2.5 MB a page of
// 1,000 groups) and DescribeSecurityGroupRules (0.3 MB a page of 1,000 rules). The SDK's generic
// XML parser and schema walk spend about 0.5 ms a group and 20 µs a rule (profiled: 90% of the
// load's CPU on 2,500 groups / 25,000 rules); this reader knows the two shapes and reads them in
// one pass with indexOf.
//
// It is all or nothing: it produces exactly what the SDK would (the same members, types, entity
// decoding; test/unit/fastXml.test.ts compares the two on moto's answers and on edge cases) or, on
// anything it was not written for (an element or attribute it does not know, CDATA, an unknown
// entity, a number or boolean it cannot read), nothing, and the SDK parses the answer as usual.
// Error answers are never touched. The shapes are the SDK's (SecurityGroup$, IpPermission$,
// SecurityGroupRule$ ... in @aws-sdk/client-ec2), which follow the EC2 API Reference's data types.

type Leaf = 's' | 'n' | 'b';
interface Struct {
  /** By XML element name: the SDK member name and what it holds. */
  readonly fields: ReadonlyMap<string, Field>;
}
type Field =
  | { readonly name: string; readonly kind: Leaf }
  | { readonly name: string; readonly kind: 'struct'; readonly of: Struct }
  | { readonly name: string; readonly kind: 'list'; readonly of: Struct }
  | { readonly name: string; readonly kind: 'ignore' };

const struct = (fields: Record<string, Field>): Struct => ({ fields: new Map(Object.entries(fields)) });
const s = (name: string): Field => ({ name, kind: 's' });
const n = (name: string): Field => ({ name, kind: 'n' });
const b = (name: string): Field => ({ name, kind: 'b' });
const list = (name: string, of: Struct): Field => ({ name, kind: 'list', of });

// EC2 API Reference, data types Tag, UserIdGroupPair, IpRange, Ipv6Range, PrefixListId, IpPermission,
// SecurityGroup, ReferencedSecurityGroup, SecurityGroupRule (XML names as EC2 sends them).
const TAG = struct({ key: s('Key'), value: s('Value') });
const USER_ID_GROUP_PAIR = struct({
  description: s('Description'),
  userId: s('UserId'),
  groupName: s('GroupName'),
  groupId: s('GroupId'),
  vpcId: s('VpcId'),
  vpcPeeringConnectionId: s('VpcPeeringConnectionId'),
  peeringStatus: s('PeeringStatus'),
});
const IP_RANGE = struct({ description: s('Description'), cidrIp: s('CidrIp') });
const IPV6_RANGE = struct({ description: s('Description'), cidrIpv6: s('CidrIpv6') });
const PREFIX_LIST_ID = struct({ description: s('Description'), prefixListId: s('PrefixListId') });
const IP_PERMISSION = struct({
  ipProtocol: s('IpProtocol'),
  fromPort: n('FromPort'),
  toPort: n('ToPort'),
  groups: list('UserIdGroupPairs', USER_ID_GROUP_PAIR),
  ipRanges: list('IpRanges', IP_RANGE),
  ipv6Ranges: list('Ipv6Ranges', IPV6_RANGE),
  prefixListIds: list('PrefixListIds', PREFIX_LIST_ID),
});
const SECURITY_GROUP = struct({
  groupId: s('GroupId'),
  ipPermissionsEgress: list('IpPermissionsEgress', IP_PERMISSION),
  tagSet: list('Tags', TAG),
  vpcId: s('VpcId'),
  securityGroupArn: s('SecurityGroupArn'),
  ownerId: s('OwnerId'),
  groupName: s('GroupName'),
  groupDescription: s('Description'),
  ipPermissions: list('IpPermissions', IP_PERMISSION),
});
const REFERENCED_GROUP = struct({
  groupId: s('GroupId'),
  peeringStatus: s('PeeringStatus'),
  userId: s('UserId'),
  vpcId: s('VpcId'),
  vpcPeeringConnectionId: s('VpcPeeringConnectionId'),
});
const SECURITY_GROUP_RULE = struct({
  securityGroupRuleId: s('SecurityGroupRuleId'),
  groupId: s('GroupId'),
  groupOwnerId: s('GroupOwnerId'),
  isEgress: b('IsEgress'),
  ipProtocol: s('IpProtocol'),
  fromPort: n('FromPort'),
  toPort: n('ToPort'),
  cidrIpv4: s('CidrIpv4'),
  cidrIpv6: s('CidrIpv6'),
  prefixListId: s('PrefixListId'),
  referencedGroupInfo: { name: 'ReferencedGroupInfo', kind: 'struct', of: REFERENCED_GROUP },
  description: s('Description'),
  tagSet: list('Tags', TAG),
  securityGroupRuleArn: s('SecurityGroupRuleArn'),
});
const REQUEST_ID: Field = { name: '', kind: 'ignore' };

/** The answers read here, by the SDK's command name: the root element and its members. */
export const FAST_ANSWERS: Readonly<Record<string, { readonly root: string; readonly body: Struct }>> = {
  DescribeSecurityGroupsCommand: {
    root: 'DescribeSecurityGroupsResponse',
    body: struct({ requestId: REQUEST_ID, nextToken: s('NextToken'), securityGroupInfo: list('SecurityGroups', SECURITY_GROUP) }),
  },
  DescribeSecurityGroupRulesCommand: {
    root: 'DescribeSecurityGroupRulesResponse',
    body: struct({ requestId: REQUEST_ID, securityGroupRuleSet: list('SecurityGroupRules', SECURITY_GROUP_RULE), nextToken: s('NextToken') }),
  },
};

/** Thrown inside the reader for anything it was not written for: the SDK reads that answer. */
class NotMine extends Error {}
const notMine = (): never => {
  throw new NotMine();
};

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML text: the five predefined entities and character references; line ends normalised (XML 1.0, 2.11). */
function decodeText(t: string): string {
  const out = t.indexOf('\r') >= 0 ? t.replace(/\r\n?/g, '\n') : t;
  if (out.indexOf('&') < 0) return out;
  // An ampersand that is not one of these is an entity this reader does not know.
  if (out.replace(ENTITY, '').indexOf('&') >= 0) notMine();
  return out.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name]!;
    const code = hex ? parseInt(hex, 16) : Number(dec);
    // The SDK writes a character reference with String.fromCharCode: above U+FFFF it is left to the SDK.
    return code > 0xffff ? notMine() : String.fromCharCode(code);
  });
}

/** An integer as EC2 writes it (ports, ICMP codes: -1 to 65535), else not this reader's. */
function readInteger(t: string): number {
  const neg = t.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  if (i === t.length || t.length - i > 15) notMine();
  let v = 0;
  for (; i < t.length; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) notMine();
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

class Reader {
  private pos = 0;
  constructor(private readonly x: string) {}

  /** Space between elements. The SDK drops it only when it holds a line end (else it is text, and the element a text node): so must this. */
  private skipSpace(strict: boolean): void {
    const x = this.x;
    const start = this.pos;
    let p = start;
    let lineEnd = false;
    for (let c = x.charCodeAt(p); c === 32 || c === 10 || c === 13 || c === 9; c = x.charCodeAt(++p)) if (c === 10 || c === 13) lineEnd = true;
    if (strict && p > start && !lineEnd) notMine();
    this.pos = p;
  }

  /** Set by open(): whether the element just opened was `<name/>`. */
  private empty = false;

  /** `<name>` or `<name/>` at the current position (after space); attributes only when allowed (the root's xmlns). */
  private open(attributes = false): string {
    const x = this.x;
    let p = this.pos;
    if (x.charCodeAt(p) !== 60 /* < */) notMine();
    const start = ++p;
    let c = x.charCodeAt(p);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) notMine();
    while ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46) c = x.charCodeAt(++p);
    const name = x.slice(start, p);
    if (c === 62 /* > */) {
      this.pos = p + 1;
      this.empty = false;
    } else if (c === 47 /* / */ && x.charCodeAt(p + 1) === 62) {
      this.pos = p + 2;
      this.empty = true;
    } else if (attributes && (c === 32 || c === 10 || c === 13 || c === 9)) {
      const end = x.indexOf('>', p);
      if (end < 0 || x.slice(p, end).includes('<')) notMine();
      this.empty = x.charCodeAt(end - 1) === 47;
      this.pos = end + 1;
    } else notMine();
    return name;
  }

  private close(name: string): void {
    const x = this.x;
    const p = this.pos;
    if (x.charCodeAt(p) !== 60 || x.charCodeAt(p + 1) !== 47 || !x.startsWith(name, p + 2) || x.charCodeAt(p + 2 + name.length) !== 62) notMine();
    this.pos = p + 3 + name.length;
  }

  /** True when the next thing (after space) is the closing tag of the element being read. */
  private atClose(): boolean {
    this.skipSpace(true);
    return this.x.charCodeAt(this.pos) === 60 && this.x.charCodeAt(this.pos + 1) === 47; /* </ */
  }

  private text(name: string): string {
    const x = this.x;
    const lt = x.indexOf('<', this.pos);
    if (lt < 0) notMine();
    const raw = x.slice(this.pos, lt);
    this.pos = lt;
    this.close(name);
    const text = decodeText(raw);
    // As the SDK: a text of only space that holds a line end is empty.
    return text.length && text.trim() === '' && text.includes('\n') ? '' : text;
  }

  private leaf(kind: Leaf, name: string): string | number | boolean {
    const t = this.text(name);
    if (kind === 's') return t;
    if (kind === 'n') return readInteger(t);
    return t === 'true' ? true : t === 'false' ? false : notMine();
  }

  private skipElement(name: string): void {
    // Only a text element (requestId) is skipped.
    this.text(name);
  }

  struct(spec: Struct, closeName: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let members = 0;
    while (!this.atClose()) {
      members++;
      const name = this.open();
      const empty = this.empty;
      const f = spec.fields.get(name) ?? notMine();
      if (f.kind !== 'ignore' && f.name in out) notMine();
      if (f.kind === 'ignore') {
        if (!empty) this.skipElement(name);
      } else if (f.kind === 'list') out[f.name] = empty ? [] : this.list(f.of, name);
      else if (f.kind === 'struct') out[f.name] = empty ? notMine() : this.struct(f.of, name);
      else out[f.name] = empty ? (f.kind === 's' ? '' : notMine()) : this.leaf(f.kind, name);
    }
    // An element with no members is a text node to the SDK (""): not this reader's.
    if (members === 0) notMine();
    this.close(closeName);
    return out;
  }

  private list(of: Struct, closeName: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    while (!this.atClose()) {
      if (this.open() !== 'item' || this.empty) notMine();
      out.push(this.struct(of, 'item'));
    }
    this.close(closeName);
    return out;
  }

  document(root: string, body: Struct): Record<string, unknown> {
    const x = this.x;
    this.skipSpace(false);
    if (x.startsWith('<?xml', this.pos)) {
      const end = x.indexOf('?>', this.pos);
      if (end < 0) notMine();
      this.pos = end + 2;
    }
    this.skipSpace(false);
    if (this.open(true) !== root || this.empty) notMine();
    const out = this.struct(body, root);
    this.skipSpace(false);
    if (this.pos !== x.length) notMine();
    return out;
  }
}

/**
 * The SDK's output members of this command's answer (without `$metadata`), or undefined when the
 * command is not one read here or the answer holds anything this reader was not written for.
 */
export function readFastAnswer(commandName: string, xml: string): Record<string, unknown> | undefined {
  const a = FAST_ANSWERS[commandName];
  if (!a) return undefined;
  try {
    return new Reader(xml).document(a.root, a.body);
  } catch (e) {
    if (e instanceof NotMine) return undefined;
    throw e;
  }
}

/** An answer of the same action with no members: what the SDK is given to parse instead of the one read here. */
export function emptyAnswer(commandName: string): string | undefined {
  const a = FAST_ANSWERS[commandName];
  return a && `<?xml version="1.0" encoding="UTF-8"?><${a.root} xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"></${a.root}>`;
}
