// The Find query language (auroraSg.find, and the tree's filter): what a user learns from the
// input's placeholder. Terms are separated by spaces and all must hold (AND):
//   10.20.3.7, 10.0.0.0/8, 2001:db8::/32   rules whose source contains or overlaps it (inbound; out:… outbound)
//   port:5432, 5432/tcp, 53/udp, 1000-2000 rules that allow the port (or any port of the range); all traffic counts
//   proto:udp                              rules of the protocol (tcp, udp, icmp, icmpv6, all or a number)
//   sg-0abc…, group:appsrv1                a group by id (or the start of one) or name: the group, and rules that reference it
//   tag:env=prod, tag:env                  groups (and databases) with the tag
//   world                                  rules open to 0.0.0.0/0 or ::/0
//   inbound / outbound (ingress / egress)  the direction of every rule term
//   any other word, or "quoted text"       text in names, ids and descriptions (case ignored)
// Anything typed gives a query or one specific message saying what is wrong; parsing never throws.
import { type Cidr, formatCidr, parseCidr } from '../cidr';
import { normaliseProtocol, parsePortRange } from '../validation';

export type Direction = 'in' | 'out';

export type Term =
  /** A source (or, outbound, a destination) address or range. */
  | { readonly kind: 'address'; readonly cidr: Cidr; readonly text: string; readonly direction?: Direction }
  /** 0.0.0.0/0 or ::/0. */
  | { readonly kind: 'world'; readonly direction?: Direction }
  /** A port or a range of ports; `protocol` tcp or udp, or undefined for either. */
  | { readonly kind: 'port'; readonly fromPort: number; readonly toPort: number; readonly protocol?: 'tcp' | 'udp' }
  /** A protocol as the model holds it (normaliseIpProtocol): 'tcp', 'udp', 'icmp', 'icmpv6', '-1' or a number. */
  | { readonly kind: 'protocol'; readonly protocol: string }
  /** A group id (or the start of one, lower-cased), or a group name (`group:`, lower-cased, exact). */
  | { readonly kind: 'group'; readonly id?: string; readonly name?: string }
  /** A tag; `value` undefined: any value. The key is exact (AWS tag keys are case-sensitive), the value too. */
  | { readonly kind: 'tag'; readonly key: string; readonly value?: string }
  /** Text, lower-cased. */
  | { readonly kind: 'text'; readonly text: string };

export interface Query {
  /** What was typed, trimmed. */
  readonly text: string;
  readonly terms: readonly Term[];
  /** Set by inbound / outbound (ingress / egress): every rule term is about that direction only. */
  readonly direction?: Direction;
}

export type ParsedQuery = Query | { readonly error: string };

/** The input's placeholder: the syntax by example. */
export const QUERY_PLACEHOLDER = '10.20.3.7 port:5432 · 10.0.0.0/8 · 5432/tcp · sg-0abc… · tag:env=prod · world · out:10.0.0.0/8 · text';

/** The input's prompt: the rest of the syntax in one line. */
export const QUERY_PROMPT =
  'An address or CIDR (inbound; out: for outbound), port:N, N/tcp, N-M/udp, proto:udp, sg-… or group:NAME, tag:Key=Value, world, or text. Terms combine with AND.';

const QUALIFIERS = ['in:', 'out:', 'port:', 'proto:', 'group:', 'sg:', 'tag:'];
const SG_ID = /^sg-[0-9a-f]{1,17}$/i;

interface Token {
  readonly text: string;
  /** The whole token was in quotes: always text. */
  readonly quoted: boolean;
}

/** Splits at spaces outside double quotes; the quotes are removed. */
function tokens(input: string): Token[] | { error: string } {
  const out: Token[] = [];
  let cur = '';
  let inQuote = false;
  let started = false;
  let allQuoted = true;
  let quotedPart = false;
  const flush = () => {
    if (started) out.push({ text: cur, quoted: allQuoted && quotedPart });
    cur = '';
    started = false;
    allQuoted = true;
    quotedPart = false;
  };
  for (const ch of input) {
    if (ch === '"') {
      inQuote = !inQuote;
      started = true;
      quotedPart = true;
      continue;
    }
    if (!inQuote && /\s/.test(ch)) {
      flush();
      continue;
    }
    if (!inQuote) allQuoted = false;
    cur += ch;
    started = true;
  }
  if (inQuote) return { error: 'A quote (") is not closed: put text with spaces between two quotes, like "orders db".' };
  flush();
  return out;
}

function addressTerm(text: string, direction: Direction | undefined): Term | { error: string } {
  const c = parseCidr(text);
  if ('error' in c) return { error: c.error };
  return { kind: 'address', cidr: c, text: formatCidr(c), ...(direction ? { direction } : {}) };
}

/** Looks like an address or CIDR someone meant to type (digits and dots, or hex and colons, with an optional /n). */
function looksLikeAddress(t: string): boolean {
  return /^[0-9][0-9.]*(\/[0-9]*)?$/.test(t) || (t.includes(':') && /^[0-9a-f:.]+(\/[0-9]*)?$/i.test(t));
}

function portTerm(spec: string, whole: string): Term | { error: string } {
  if (spec === '') return { error: `'${whole}' needs a port after 'port:', like port:5432, port:1000-2000 or port:53/udp.` };
  const slash = spec.lastIndexOf('/');
  const range = slash < 0 ? spec : spec.slice(0, slash);
  const proto = slash < 0 ? undefined : spec.slice(slash + 1).toLowerCase();
  if (proto !== undefined && proto !== 'tcp' && proto !== 'udp')
    return { error: `In '${whole}' the protocol '${spec.slice(slash + 1)}' is not tcp or udp (ports belong to tcp and udp; use proto: for others).` };
  const r = parsePortRange(range);
  if ('error' in r) return { error: `'${whole}' is not a port: ${r.error}` };
  return { kind: 'port', fromPort: r.fromPort, toPort: r.toPort, ...(proto ? { protocol: proto } : {}) };
}

function term(tok: Token): Term | { error: string } | Direction {
  const t = tok.text;
  if (tok.quoted) return t.trim() === '' ? { error: 'Empty quotes ("") find nothing: put the text between them.' } : { kind: 'text', text: t.toLowerCase() };
  const lower = t.toLowerCase();
  if (lower === 'inbound' || lower === 'ingress') return 'in';
  if (lower === 'outbound' || lower === 'egress') return 'out';
  if (lower === 'world') return { kind: 'world' };
  const q = QUALIFIERS.find((p) => lower.startsWith(p));
  if (q) {
    const rest = t.slice(q.length);
    switch (q) {
      case 'in:':
      case 'out:': {
        const dir: Direction = q === 'in:' ? 'in' : 'out';
        if (rest.toLowerCase() === 'world') return { kind: 'world', direction: dir };
        if (rest === '') return { error: `'${t}' needs an address, a CIDR or world after '${q}', like ${q}10.0.0.0/8.` };
        return addressTerm(rest, dir);
      }
      case 'port:':
        return portTerm(rest, t);
      case 'proto:': {
        const p = normaliseProtocol(rest);
        return typeof p === 'string' ? { kind: 'protocol', protocol: p } : { error: `'${t}': ${p.error}` };
      }
      case 'group:':
      case 'sg:': {
        if (rest === '') return { error: `'${t}' needs a group name or id after '${q}', like ${q}appsrv1 or ${q}sg-0abc1234.` };
        return SG_ID.test(rest) ? { kind: 'group', id: rest.toLowerCase() } : { kind: 'group', name: rest.toLowerCase() };
      }
      case 'tag:': {
        const eq = rest.indexOf('=');
        const key = eq < 0 ? rest : rest.slice(0, eq);
        if (key === '') return { error: `'${t}' needs a tag key after 'tag:', like tag:env=prod or tag:env (any value).` };
        return eq < 0 ? { kind: 'tag', key } : { kind: 'tag', key, value: rest.slice(eq + 1) };
      }
    }
  }
  if (/^sg-/i.test(t)) {
    if (SG_ID.test(t)) return { kind: 'group', id: lower };
    return { error: `'${t}' is not a security group id: after 'sg-' come up to 17 hex digits (0-9, a-f), like sg-0abc1234.` };
  }
  const portWithProto = /^([0-9]+(?:-[0-9]+)?)\/([a-z]+)$/i.exec(t);
  if (portWithProto) return portTerm(t, t);
  if (/^[0-9]+-[0-9]+$/.test(t)) return portTerm(t, t);
  if (/^[0-9]+$/.test(t)) return portTerm(t, t);
  if (looksLikeAddress(t)) return addressTerm(t, undefined);
  const qualifier = /^([a-z][a-z0-9_-]*):/i.exec(t);
  if (qualifier)
    return {
      error: `'${qualifier[1]}:' is not something Find knows: use ${QUALIFIERS.join(', ')} (or put the text in quotes to find it as text).`,
    };
  return { kind: 'text', text: lower };
}

/** The query of `input`, or what is wrong with it. Never throws. */
export function parseQuery(input: string): ParsedQuery {
  const text = input.trim();
  if (text === '') return { error: `Type what to find: ${QUERY_PLACEHOLDER}.` };
  const toks = tokens(text);
  if ('error' in toks) return toks;
  const terms: Term[] = [];
  let direction: Direction | undefined;
  for (const tok of toks) {
    const r = term(tok);
    if (r === 'in' || r === 'out') {
      if (direction && direction !== r)
        return { error: 'The query asks for both inbound and outbound rules: keep one of the two words (with neither, an address means inbound).' };
      direction = r;
      continue;
    }
    if ('error' in r) return r;
    terms.push(r);
  }
  if (!terms.length)
    return { error: `'${text}' only says a direction: add what to find, like ${direction === 'out' ? 'outbound 10.0.0.0/8' : 'inbound port:5432'}.` };
  return { text, terms, ...(direction ? { direction } : {}) };
}

/** Whether a term is about rules (matched on each rule) rather than on groups or databases. */
export function isRuleTerm(t: Term): boolean {
  return t.kind === 'address' || t.kind === 'world' || t.kind === 'port' || t.kind === 'protocol';
}

/** The direction rule terms match: explicit on the term, else the query's, else inbound for an address or world; undefined: both. */
export function termDirection(q: Query, t: Term): Direction | undefined {
  if ((t.kind === 'address' || t.kind === 'world') && t.direction) return t.direction;
  if (q.direction) return q.direction;
  if (t.kind === 'address' || t.kind === 'world') return 'in';
  return undefined;
}
