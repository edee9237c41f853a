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
//
// The RDS answers of a load (DescribeDBClusters, DescribeDBInstances: 2 KB a cluster, 3 KB an
// instance) are read the same way, but their shapes are not written out here: they are compiled
// from the SDK's own schema of the command (the one its deserializer walks), so the reader knows
// every member the SDK knows, under the same XML names, and reads them as the SDK's awsQuery
// deserializer does (@aws-sdk/core XmlShapeDeserializer: an empty list `[]`, an empty structure
// `{}`, numbers with Number(), timestamps with the SDK's RFC 3339 parser). What the compiler does
// not know (maps, unions, blobs, flattened lists, media types) makes the command's answers the
// SDK's. test/unit/fastXml.test.ts compares the two on moto's answers and on random ones.
import { NormalizedSchema } from '@smithy/core/schema';
import { _parseRfc3339DateTimeWithOffset as parseRfc3339DateTimeWithOffset } from '@smithy/core/serde';

/** A text member: string, integer (EC2's ports), any decimal number (Number()), boolean, RFC 3339 timestamp. */
type Leaf = 's' | 'n' | 'f' | 'b' | 't';
interface Struct {
  /** By XML element name: the SDK member name and what it holds. */
  readonly fields: Map<string, Field>;
  /** `<name/>` (or an element with no members) is `{}`, as the SDK's schema reader makes it; else not this reader's. */
  readonly emptyIsObject?: boolean;
}
type Field =
  | { readonly name: string; readonly kind: Leaf }
  | { readonly name: string; readonly kind: 'struct'; readonly of: Struct }
  | { readonly name: string; readonly kind: 'list'; readonly of: Struct | Leaf; readonly item: string }
  | { readonly name: string; readonly kind: 'ignore' };

const struct = (fields: Record<string, Field>): Struct => ({ fields: new Map(Object.entries(fields)) });
const s = (name: string): Field => ({ name, kind: 's' });
const n = (name: string): Field => ({ name, kind: 'n' });
const b = (name: string): Field => ({ name, kind: 'b' });
const list = (name: string, of: Struct): Field => ({ name, kind: 'list', of, item: 'item' });

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

/** A decimal number as the SDK reads it (Number(text)), when it is plainly one; else not this reader's. */
function readDecimal(t: string): number {
  if (!/^-?\d{1,15}(?:\.\d{1,15})?$/.test(t)) notMine();
  return Number(t);
}

/** An RFC 3339 date-time, as the SDK reads it (its own parser), else not this reader's. */
function readTimestamp(t: string): Date {
  try {
    return parseRfc3339DateTimeWithOffset(t) ?? notMine();
  } catch {
    return notMine();
  }
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

  leaf(kind: Leaf, name: string): string | number | boolean | Date {
    const t = this.text(name);
    if (kind === 's') return t;
    if (kind === 'n') return readInteger(t);
    if (kind === 'f') return readDecimal(t);
    if (kind === 't') return readTimestamp(t);
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
      } else if (f.kind === 'list') out[f.name] = empty ? [] : this.list(f.of, f.item, name);
      else if (f.kind === 'struct') out[f.name] = empty ? (f.of.emptyIsObject ? {} : notMine()) : this.struct(f.of, name);
      else out[f.name] = empty ? (f.kind === 's' ? '' : notMine()) : this.leaf(f.kind, name);
    }
    // An element with no members is a text node to the SDK (""): `{}` to its schema reader, else not this reader's.
    if (members === 0 && !spec.emptyIsObject) notMine();
    this.close(closeName);
    return out;
  }

  private list(of: Struct | Leaf, item: string, closeName: string): unknown[] {
    const out: unknown[] = [];
    while (!this.atClose()) {
      if (this.open() !== item) notMine();
      if (typeof of === 'string') out.push(this.empty ? (of === 's' ? '' : notMine()) : this.leaf(of, item));
      else if (this.empty) out.push(of.emptyIsObject ? {} : notMine());
      else out.push(this.struct(of, item));
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

/** A member or a whole answer the query compiler cannot read: the command is left to the SDK. */
class Unsupported extends Error {}

/** The reader's shape of one SDK schema (a structure, compiled once: the same object for each use). */
function compileStruct(ns: NormalizedSchema, seen: Map<string, Struct>): Struct {
  if (!ns.isStructSchema() || ns.isUnionSchema()) throw new Unsupported();
  const id = ns.getName(true) ?? '';
  const known = id ? seen.get(id) : undefined;
  if (known) return known;
  const out: Struct = { fields: new Map(), emptyIsObject: true };
  if (id) seen.set(id, out);
  for (const [memberName, member] of ns.structIterator()) {
    const traits = member.getMergedTraits() as Record<string, unknown>;
    if (traits.httpPayload || traits.xmlAttribute || traits.xmlFlattened) throw new Unsupported();
    const xmlName = (member.getMemberTraits() as { xmlName?: string }).xmlName ?? memberName;
    if (out.fields.has(xmlName)) throw new Unsupported();
    out.fields.set(xmlName, compileMember(memberName, member, seen));
  }
  return out;
}

function compileMember(name: string, ns: NormalizedSchema, seen: Map<string, Struct>): Field {
  if (ns.isStructSchema()) return { name, kind: 'struct', of: compileStruct(ns, seen) };
  if (ns.isListSchema()) {
    const value = ns.getValueSchema();
    const traits = value.getMergedTraits() as { xmlName?: string; xmlFlattened?: unknown };
    if (traits.xmlFlattened) throw new Unsupported();
    const of = value.isStructSchema() ? compileStruct(value, seen) : value.isListSchema() || value.isMapSchema() ? unsupported() : leafOf(value);
    return { name, kind: 'list', of, item: traits.xmlName ?? 'member' };
  }
  return { name, kind: leafOf(ns) };
}

const unsupported = (): never => {
  throw new Unsupported();
};

function leafOf(ns: NormalizedSchema): Leaf {
  if (ns.isStringSchema()) return (ns.getMergedTraits() as { mediaType?: unknown }).mediaType ? unsupported() : 's';
  if (ns.isBooleanSchema()) return 'b';
  if (ns.isNumericSchema()) return 'f';
  // The awsQuery deserializer's timestamps: date-time unless a trait says otherwise (4: none, 5: date-time).
  if (ns.isTimestampSchema()) return ns.getSchema() === 4 || ns.getSchema() === 5 ? 't' : unsupported();
  return unsupported();
}

/** An awsQuery command as this reader sees it: the answer's root, the result element and its compiled shape. */
interface QueryAnswer {
  readonly root: string;
  readonly body: Struct;
  readonly result: string;
}

const queryAnswers = new Map<string, QueryAnswer | null>();

/**
 * The compiled shape of an awsQuery command's answer (`<OpResponse><OpResult>…</OpResult>
 * <ResponseMetadata>…</ResponseMetadata></OpResponse>`), from the command's own schema; null when
 * the schema holds anything the compiler does not know. Compiled on the first answer, kept by name.
 */
function queryAnswer(commandName: string, schema: unknown): QueryAnswer | null {
  let a = queryAnswers.get(commandName);
  if (a !== undefined) return a;
  try {
    const op = schema as { name?: string; output?: unknown } | undefined;
    const opName =
      String(Array.isArray(schema) ? schema[2] : (op?.name ?? ''))
        .split('#')
        .pop() ?? '';
    const output = NormalizedSchema.of((Array.isArray(schema) ? schema[5] : op?.output) as never);
    if (!opName || !/^[A-Za-z][A-Za-z0-9]*$/.test(opName)) throw new Unsupported();
    const result = `${opName}Result`;
    const meta: Struct = { fields: new Map([['RequestId', REQUEST_ID]]) };
    const body: Struct = {
      fields: new Map<string, Field>([
        [result, { name: result, kind: 'struct', of: compileStruct(output, new Map()) }],
        ['ResponseMetadata', { name: 'ResponseMetadata', kind: 'struct', of: meta }],
      ]),
    };
    a = { root: `${opName}Response`, body, result };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    a = null;
  }
  queryAnswers.set(commandName, a);
  return a;
}

/**
 * The SDK's output members of an awsQuery command's answer (without `$metadata`), read with the
 * shape compiled from `schema` (the command's `schema`, an SDK operation schema); undefined when
 * the schema or the answer holds anything this reader was not written for.
 */
export function readQueryAnswer(commandName: string, schema: unknown, xml: string): Record<string, unknown> | undefined {
  const a = queryAnswer(commandName, schema);
  if (!a) return undefined;
  try {
    const doc = new Reader(xml).document(a.root, a.body);
    const out = doc[a.result];
    return out && typeof out === 'object' ? (out as Record<string, unknown>) : undefined;
  } catch (e) {
    if (e instanceof NotMine) return undefined;
    throw e;
  }
}

/** The answer with no members the SDK is given to parse instead of one read by readQueryAnswer. */
export function emptyQueryAnswer(commandName: string, schema: unknown, xmlns: string): string | undefined {
  const a = queryAnswer(commandName, schema);
  return a ? `<${a.root} xmlns="${xmlns}"><${a.result}></${a.result}></${a.root}>` : undefined;
}
