// The tuned engine of the findings pass: reads every rule of a group once into typed arrays
// (protocol, ports, CIDR, peer) and finds the rules that another rule of the same group fully
// covers (shadowed rules), without comparing every pair. Behind one function, scanGroups; the
// plain pairwise definition it must agree with is test/unit/analysisProperties.test.ts.
//
// Why it is shaped like this: findings() runs over every rule of a Region (60,000 in the bench),
// and allocation, garbage collection and cache misses were most of its cost with one object per
// rule; the comments below say what each part saves.
import { fastIpv4, fastIpv6, fastRead, samePrefix6 } from '../cidr';
import type { RegionIndex, SecurityGroupRule } from '../model';
import { normaliseIpProtocol } from '../rules';
import { cidrOf } from './target';

// Protocols as numbers for the hot loops: -1 all, 6 tcp, 17 udp, 1 icmp, 58 icmpv6, the number
// for other numeric protocols, and codes from 1000 up for any other name.
function protoCode(protocol: string): number {
  const p = normaliseIpProtocol(protocol);
  switch (p) {
    case 'tcp':
      return 6;
    case '-1':
      return -1;
    case 'udp':
      return 17;
    case 'icmp':
      return 1;
    case 'icmpv6':
      return 58;
    default:
      return otherProtoCode(p);
  }
}

const OTHER_PROTO_CODES = new Map<string, number>();

function otherProtoCode(protocol: string): number {
  let c = OTHER_PROTO_CODES.get(protocol);
  if (c === undefined) {
    c = /^\d+$/.test(protocol) ? Number(protocol) : 1000 + OTHER_PROTO_CODES.size;
    OTHER_PROTO_CODES.set(protocol, c);
  }
  return c;
}

// GroupFacts.flags
export const EGRESS = 1;
export const MISSING_PEER = 2;
export const SELF_PEER = 4;

/**
 * What the findings pass reads of one group's rules, slot i being rules[i]. The arrays belong to
 * the scratch and hold the group's values only during scanGroups' callback for that group.
 */
export interface GroupFacts {
  /** EGRESS, MISSING_PEER (a group peer not in the snapshot), SELF_PEER (the group itself). */
  readonly flags: Uint8Array;
  /** The protocol as a number: -1 all, 6 tcp, 17 udp, 1 icmp, 58 icmpv6, else see protoCode. */
  readonly pc: Int32Array;
  /** tcp/udp: the port range (every port when AWS gives -1); icmp: type and code (-1 = all). */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** 0 when the peer is not a CIDR or does not parse, else 4 or 6; then its prefix length. */
  readonly ver: Uint8Array;
  readonly prefix: Uint8Array;
  /** IPv4 network as an unsigned number. */
  readonly n4: Uint32Array;
  /** Shadowed rules: `pairs` pairs (narrow, wide) of rule indexes in `found`, in bucket and then rule order. */
  readonly pairs: number;
  readonly found: Int32Array;
}

/**
 * Facts about the rules of one group, as parallel arrays reused from group to group, so the
 * pass over tens of thousands of rules allocates little: a sort view per CIDR bucket and the
 * findings themselves (allocation and the garbage collector were most of the cost with one
 * object per rule).
 */
class GroupScratch implements GroupFacts {
  cap = 0;
  n = 0;
  /** The rules of the group being scanned (slot i is rules[i]). */
  private rules: readonly SecurityGroupRule[] = [];
  /** See protoCode. */
  pc = new Int32Array(0);
  /** tcp/udp: the port range (every port when AWS gives -1); icmp: type and code (-1 = all). */
  lo = new Int32Array(0);
  hi = new Int32Array(0);
  /** 0 when the peer is not a CIDR or does not parse, else 4 or 6. */
  ver = new Uint8Array(0);
  prefix = new Uint8Array(0);
  /** IPv4 network as an unsigned number. */
  n4 = new Uint32Array(0);
  /** IPv6 network as four 32-bit words at 4 * i. */
  w6 = new Uint32Array(0);
  /** Group peer id (for other group peers: its length, the id and the peering connection) or prefix list id; '' for CIDRs. */
  key: string[] = [];
  /** For a group peer in the snapshot without a peering connection: the group's ordinal (see begin); else -1. */
  ord = new Int32Array(0);
  /** EGRESS, MISSING_PEER (a group peer not in the snapshot), SELF_PEER (the group itself). */
  flags = new Uint8Array(0);
  // The group being filled, and what set() needs of the whole pass (see begin()).
  private groupId = '';
  private ordinal: ReadonlyMap<string, number> = new Map();
  private referenced: Uint8Array = new Uint8Array(0);
  /** Sum of what prefetch() read, kept so that the reads are not optimised away. */
  private touched = 0;
  /** direction * 4 + peer kind, and the rule indexes ordered by it. */
  bucket = new Uint8Array(0);
  order = new Int32Array(0);
  readonly start = new Int32Array(9);
  private readonly next = new Int32Array(8);
  /** Pairs (narrow, wide) of rule indexes found by shadowed(), and their number. */
  found = new Int32Array(0);
  pairs = 0;
  /** Per rule: the first rule found to shadow it, or -1. */
  private best = new Int32Array(0);
  // sameKey: the chains of equal keys (first and last member, next member); the chain heads by
  // group ordinal (valid where the stamp is the current one), else by key.
  private readonly heads = new Map<string, number>();
  private ordHead = new Int32Array(0);
  private ordStamp = new Int32Array(0);
  private stamp = 0;
  private first = new Int32Array(0);
  private last = new Int32Array(0);
  private link = new Int32Array(0);
  // sweepIpv4: the sort keys, the rule indexes in sorted order, and the stack of enclosing ranges.
  private keys = new Float64Array(0);
  private sortedIdx = new Int32Array(0);
  private readonly stkFrom = new Int32Array(34);
  private readonly stkTo = new Int32Array(34);
  private readonly stkEnd = new Float64Array(34);

  /** Reads one group's rules: the per-rule facts and the shadowed pairs (the quota counts: quotas.ts). */
  scan(groupId: string, rules: readonly SecurityGroupRule[]): void {
    const n = rules.length;
    this.reset(n);
    this.prefetch(rules);
    this.fill(groupId, rules);
    this.sortBuckets();
    this.pairs = n > 1 ? this.shadowed() : 0;
  }

  reset(n: number): void {
    if (n > this.cap) {
      const cap = Math.max(n, this.cap * 2, 64);
      this.cap = cap;
      this.pc = new Int32Array(cap);
      this.lo = new Int32Array(cap);
      this.hi = new Int32Array(cap);
      this.ver = new Uint8Array(cap);
      this.prefix = new Uint8Array(cap);
      this.n4 = new Uint32Array(cap);
      this.bucket = new Uint8Array(cap);
      this.order = new Int32Array(cap);
      this.found = new Int32Array(cap * 2);
      this.best = new Int32Array(cap);
      this.ord = new Int32Array(cap);
      this.flags = new Uint8Array(cap);
      this.first = new Int32Array(cap);
      this.last = new Int32Array(cap);
      this.link = new Int32Array(cap);
      this.keys = new Float64Array(cap);
      this.sortedIdx = new Int32Array(cap);
      this.w6 = new Uint32Array(cap * 4);
      // A plain array sized once and never shrunk, so the pass does not reallocate it per group.
      this.key = new Array<string>(cap).fill('');
    }
    this.n = n;
  }

  /**
   * Starts a pass: `ordinal` numbers the groups of the snapshot, and `referenced` (by ordinal)
   * gets a 1 for each group that another group's rule references.
   */
  begin(ordinal: ReadonlyMap<string, number>, referenced: Uint8Array): void {
    this.ordinal = ordinal;
    this.referenced = referenced;
    this.groupId = '';
    this.rules = [];
    this.key.fill('');
    this.heads.clear();
    const groups = referenced.length;
    if (groups > this.ordHead.length) {
      this.ordHead = new Int32Array(groups);
      this.ordStamp = new Int32Array(groups);
      this.stamp = 0;
    }
  }

  /**
   * Reads each rule, its peer and the peer's text in a tight loop before the real work. The
   * pass is bound by memory: the rule objects of a Region lie all over the heap, and the long
   * dependent work of set() waits for each miss in turn. This loop has no dependencies between
   * iterations, so the processor fetches many rules at once and set() then finds them in cache
   * (about a quarter off the pass in the bench).
   */
  prefetch(rules: readonly SecurityGroupRule[]): void {
    let t = 0;
    for (let i = 0; i < rules.length; i++) {
      const peer = rules[i]!.peer;
      const text = peer.kind === 'group' ? peer.groupId : peer.kind === 'cidr4' || peer.kind === 'cidr6' ? peer.cidr : undefined;
      if (typeof text === 'string') t += text.length;
    }
    this.touched = (this.touched + t) & 0xffff;
  }

  /** Fills slot i from the rule. */
  set(i: number, r: SecurityGroupRule): void {
    const pc = protoCode(r.protocol);
    this.pc[i] = pc;
    let lo = r.fromPort;
    let hi = r.toPort;
    if ((pc === 6 || pc === 17) && (lo < 0 || hi < 0)) {
      lo = 0;
      hi = 65535;
    }
    this.lo[i] = lo;
    this.hi[i] = hi;
    const peer = r.peer;
    const dir = r.isEgress ? 4 : 0;
    this.flags[i] = dir === 0 ? 0 : EGRESS;
    // key is read only for group and prefix list peers, n4 and w6 only for their version: no need to clear them.
    this.ver[i] = 0;
    this.ord[i] = -1;
    switch (peer.kind) {
      case 'cidr4':
      case 'cidr6': {
        this.bucket[i] = dir + (peer.kind === 'cidr4' ? 0 : 1);
        const text = peer.cidr;
        let p = fastIpv4(text);
        if (p >= 0) {
          this.ver[i] = 4;
          this.prefix[i] = p;
          this.n4[i] = fastRead.v4;
        } else if ((p = fastIpv6(text)) >= 0) {
          this.ver[i] = 6;
          this.prefix[i] = p;
          this.w6.set(fastRead.v6, i * 4);
        } else {
          const c = cidrOf(text);
          if (c) {
            this.ver[i] = c.version;
            this.prefix[i] = c.prefix;
            if (c.version === 4) this.n4[i] = Number(c.network);
            else for (let k = 0; k < 4; k++) this.w6[i * 4 + k] = Number((c.network >> BigInt(96 - 32 * k)) & 0xffffffffn);
          }
        }
        break;
      }
      case 'prefixList':
        this.bucket[i] = dir + 2;
        this.key[i] = peer.prefixListId;
        break;
      case 'group': {
        this.bucket[i] = dir + 3;
        const id = peer.groupId;
        const pcx = peer.peeringConnectionId;
        const self = id === this.groupId;
        if (self) this.flags[i] |= SELF_PEER;
        // One lookup answers "may be stale", marks the use and gives sameKey its number; only
        // the other group peers need a key string, and theirs cannot be mistaken for an id.
        const o = this.ordinal.get(id);
        if (o === undefined) this.flags[i] |= MISSING_PEER;
        else if (!self) this.referenced[o] = 1;
        if (o !== undefined && !pcx) {
          this.ord[i] = o;
          this.key[i] = id;
        } else {
          this.key[i] = pcx ? `${String(id).length}:${id}|${pcx}` : `${String(id).length}:${id}`;
        }
        break;
      }
      default:
        // Not a peer AWS gives: a key bucket with no key, so it neither covers nor is covered.
        this.bucket[i] = dir + 2;
        this.key[i] = '';
        break;
    }
  }

  /** Fills the slots from the rules of group `groupId` (after reset and prefetch). */
  fill(groupId: string, rules: readonly SecurityGroupRule[]): void {
    this.groupId = groupId;
    this.rules = rules;
    for (let i = 0; i < rules.length; i++) this.set(i, rules[i]!);
  }

  /** Orders the rule indexes by bucket (counting sort); bucket b is order[start[b]..start[b+1]). */
  sortBuckets(): void {
    const start = this.start;
    start.fill(0);
    for (let i = 0; i < this.n; i++) start[this.bucket[i]! + 1]!++;
    for (let b = 1; b <= 8; b++) start[b]! += start[b - 1]!;
    const next = this.next;
    for (let b = 0; b < 8; b++) next[b] = start[b]!;
    for (let i = 0; i < this.n; i++) this.order[next[this.bucket[i]!]!++] = i;
  }

  /** Whether rule w's protocol and ports include all of rule r's. */
  protoPortsCover(w: number, r: number): boolean {
    const pc = this.pc[w]!;
    if (pc === -1) return true;
    if (pc !== this.pc[r]) return false;
    if (pc === 6 || pc === 17) return this.lo[w]! <= this.lo[r]! && this.hi[r]! <= this.hi[w]!;
    if (pc === 1 || pc === 58) {
      // lo is the ICMP type and hi the code; -1 means all.
      const wt = this.lo[w]!;
      if (wt === -1) return true;
      const wc = this.hi[w]!;
      return wt === this.lo[r] && (wc === -1 || wc === this.hi[r]);
    }
    // Other protocols (gre, esp, ...) have no ports.
    return true;
  }

  /** Whether rule w's peer includes all of rule r's; both are in the same bucket (same peer kind). */
  peerCovers(w: number, r: number): boolean {
    const v = this.ver[w]!;
    if (v === 0) {
      const k = this.key[w]!;
      return k !== '' && k === this.key[r];
    }
    const wp = this.prefix[w]!;
    if (this.ver[r] !== v || wp > this.prefix[r]!) return false;
    if (v === 6) return samePrefix6(this.w6, w * 4, r * 4, wp);
    return wp === 0 || (this.n4[w]! ^ this.n4[r]!) >>> (32 - wp) === 0;
  }

  covers(w: number, r: number): boolean {
    return this.protoPortsCover(w, r) && this.peerCovers(w, r);
  }

  /**
   * Finds each rule that another single rule of the same direction and peer kind fully covers,
   * with that wider rule (the first such rule in the group's order), as pairs (narrow, wide) of
   * indexes in `found`, in bucket and then rule order; answers the pair count. When two rules
   * cover each other (the same permission twice), only the one with the larger rule id is
   * reported, so exactly one of the pair is suggested for removal.
   *
   * Comparing every pair of a bucket was most of the cost of findings() (groups of 20-60 rules),
   * so candidates are found by peer first: rules of a group or prefix list peer meet only rules
   * with the same key (a hash chain); IPv4 ranges, which either nest or do not overlap, are
   * sorted by start and then width, and a sweep keeps the ranges that contain the current one on
   * a stack. Only those candidates get the protocol and port test. IPv6 (rare) is compared pairwise.
   */
  shadowed(): number {
    const { order, start } = this;
    let pairs = 0;
    for (let b = 0; b < 8; b++) {
      const s = start[b]!;
      const e = start[b + 1]!;
      if (e - s < 2) continue;
      for (let x = s; x < e; x++) this.best[order[x]!] = -1;
      if ((b & 3) < 2) {
        this.sweepIpv4(s, e);
        this.pairwiseIpv6(s, e);
      } else {
        this.sameKey(s, e);
      }
      for (let x = s; x < e; x++) {
        const r = order[x]!;
        const w = this.best[r]!;
        if (w < 0) continue;
        this.found[pairs * 2] = r;
        this.found[pairs * 2 + 1] = w;
        pairs++;
      }
    }
    return pairs;
  }

  /** Whether w shadows r, given that w's peer includes r's; records the first such w in best. */
  private consider(w: number, r: number): void {
    if (!this.protoPortsCover(w, r)) return;
    // The same permission twice: keep the rule with the smaller id.
    if (this.rules[r]!.ruleId < this.rules[w]!.ruleId && this.covers(r, w)) return;
    const cur = this.best[r]!;
    if (cur < 0 || w < cur) this.best[r] = w;
  }

  /** Group and prefix list peers: only rules with the same key can cover each other. */
  private sameKey(s: number, e: number): void {
    const { order, key, ord, first, link, last, ordHead, ordStamp } = this;
    if (this.stamp >= 0x3fffffff) {
      ordStamp.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    let mapUsed = false;
    let shared = false;
    for (let x = s; x < e; x++) {
      const r = order[x]!;
      link[r] = -1;
      const o = ord[r]!;
      let h: number | undefined;
      if (o >= 0) {
        if (ordStamp[o] === stamp) h = ordHead[o];
        else {
          ordStamp[o] = stamp;
          ordHead[o] = r;
        }
      } else {
        const k = key[r]!;
        if (k === '') {
          first[r] = -1;
          continue;
        }
        if (!mapUsed) {
          this.heads.clear();
          mapUsed = true;
        }
        h = this.heads.get(k);
        if (h === undefined) this.heads.set(k, r);
      }
      if (h === undefined) {
        first[r] = r;
        last[r] = r;
      } else {
        first[r] = h;
        link[last[h]!] = r;
        last[h] = r;
        shared = true;
      }
    }
    if (!shared) return;
    for (let x = s; x < e; x++) {
      const r = order[x]!;
      const h = first[r]!;
      if (h < 0 || (h === r && link[r] === -1)) continue;
      for (let w = h; w >= 0; w = link[w]!) if (w !== r) this.consider(w, r);
    }
  }

  /** IPv4 ranges of a CIDR bucket: sorted by (start, prefix), then a sweep with a stack of the enclosing ranges. */
  private sweepIpv4(s: number, e: number): void {
    const { order, ver, prefix, n4 } = this;
    const idx = this.sortedIdx;
    let m = 0;
    if (this.n <= 32768) {
      // start (32 bits), prefix (6 bits) and rule index (15 bits) in one exact double, sorted natively.
      const keys = this.keys;
      for (let x = s; x < e; x++) {
        const r = order[x]!;
        if (ver[r] === 4) keys[m++] = (n4[r]! * 64 + prefix[r]!) * 32768 + r;
      }
      if (m < 2) return;
      const sorted = keys.subarray(0, m).sort();
      for (let j = 0; j < m; j++) idx[j] = sorted[j]! % 32768;
    } else {
      // More rules than AWS allows in a group: the same order, with a comparison function.
      for (let x = s; x < e; x++) if (ver[order[x]!] === 4) idx[m++] = order[x]!;
      if (m < 2) return;
      idx.subarray(0, m).sort((a, b) => n4[a]! - n4[b]! || prefix[a]! - prefix[b]! || a - b);
    }
    const stkFrom = this.stkFrom;
    const stkTo = this.stkTo;
    const stkEnd = this.stkEnd;
    let depth = 0;
    let a = 0;
    while (a < m) {
      const ra = idx[a]!;
      const net = n4[ra]!;
      const p = prefix[ra]!;
      let z = a + 1;
      while (z < m && n4[idx[z]!] === net && prefix[idx[z]!] === p) z++;
      // Ranges that end before this one starts contain neither it nor anything after it.
      while (depth > 0 && stkEnd[depth - 1]! < net) depth--;
      for (let j = a; j < z; j++) {
        const r = idx[j]!;
        for (let d = 0; d < depth; d++) for (let q = stkFrom[d]!; q < stkTo[d]!; q++) this.consider(idx[q]!, r);
        for (let q = a; q < z; q++) if (q !== j) this.consider(idx[q]!, r);
      }
      stkFrom[depth] = a;
      stkTo[depth] = z;
      stkEnd[depth] = net + 2 ** (32 - p) - 1;
      depth++;
      a = z;
    }
  }

  /** Every pair of the bucket's IPv6 ranges (rare in rules). */
  private pairwiseIpv6(s: number, e: number): void {
    const { order, ver } = this;
    for (let x = s; x < e; x++) {
      const r = order[x]!;
      if (ver[r] !== 6) continue;
      for (let y = s; y < e; y++) {
        const w = order[y]!;
        if (y !== x && ver[w] === 6 && this.peerCovers(w, r)) this.consider(w, r);
      }
    }
  }
}

/**
 * One scratch for every findings() call (the pass is synchronous). Besides saving the buffers,
 * keeping an instance alive keeps its hidden class alive: when the last instance died, the next
 * garbage collection dropped the class and with it the optimised code of the whole pass, so
 * every later call ran unoptimised again.
 */
const SCRATCH = new GroupScratch();

const NO_ORDINALS: ReadonlyMap<string, number> = new Map();
const NO_MARKS = new Uint8Array(0);

/**
 * Scans every group's rules (in the index's order), handing each group's facts to `visit`, which
 * must not keep them: the next group overwrites them. Answers whether a group (of the snapshot)
 * is referenced by another group's rule. The scratch keeps no reference to this Region's objects
 * afterwards (only numbers in its buffers).
 */
export function scanGroups(
  idx: RegionIndex,
  visit: (groupId: string, rules: readonly SecurityGroupRule[], facts: GroupFacts) => void,
): (groupId: string) => boolean {
  const groups = idx.snapshot.groups;
  const ordinal = new Map<string, number>();
  for (let k = 0; k < groups.length; k++) ordinal.set(groups[k]!.groupId, k);
  const referenced = new Uint8Array(groups.length);
  SCRATCH.begin(ordinal, referenced);
  try {
    idx.rulesByGroup.forEach((rules, groupId) => {
      SCRATCH.scan(groupId, rules);
      visit(groupId, rules, SCRATCH);
    });
  } finally {
    SCRATCH.begin(NO_ORDINALS, NO_MARKS);
  }
  return (groupId) => {
    const o = ordinal.get(groupId);
    return o !== undefined && referenced[o] === 1;
  };
}
