// An AWS-like replay server for the benchmark. It records moto's answers to the list actions a
// Region's load sends once, then serves them from memory the way AWS does: in pages of AWS's sizes
// with opaque tokens (EC2: MaxResults 5-1000, 1,000 when absent, NextToken; RDS: MaxRecords 20-100,
// 100 when absent, Marker), honouring the filters the load sends (group-id, vpc-id; GroupId.N), with
// a per-call latency, answering calls concurrently, and with AWS's throttling answer above a request
// rate (EC2 RequestLimitExceeded, RDS Throttling, both HTTP 400). DescribeStaleSecurityGroups is
// answered with an empty set (nothing is stale in a seeded Region). Anything else it did not record
// (Service Quotas, another filter) is forwarded to moto after the latency (only that call is emulator-bound).
//
// What it models: page sizes and tokens (EC2 API Reference, "Pagination"; RDS API Reference,
// DescribeDBClusters MaxRecords/Marker), a fixed round trip, a token bucket per service (EC2 API
// Reference, "Request throttling": non-mutating actions share a bucket of 100 with a refill of 20
// a second). What it cannot model: real AWS's variable latency and its tail, the server-side cost of
// filtering and of large pages, per-account buckets shared with other tools and per-action buckets,
// TLS set-up and regional distance, and answers that change between pages.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsErrorBody } from './faultProxy';

/** The list actions recorded, with the element holding the list and the element holding the token. */
interface ListAction {
  readonly service: 'ec2' | 'rds';
  readonly list: string;
}
export const REPLAYED: Readonly<Record<string, ListAction>> = {
  DescribeVpcs: { service: 'ec2', list: 'vpcSet' },
  DescribeSecurityGroups: { service: 'ec2', list: 'securityGroupInfo' },
  DescribeSecurityGroupRules: { service: 'ec2', list: 'securityGroupRuleSet' },
  DescribeVpcPeeringConnections: { service: 'ec2', list: 'vpcPeeringConnectionSet' },
  DescribeNetworkInterfaces: { service: 'ec2', list: 'networkInterfaceSet' },
  DescribeAccountAttributes: { service: 'ec2', list: 'accountAttributeSet' },
  DescribeDBSubnetGroups: { service: 'rds', list: 'DBSubnetGroups' },
  DescribeDBClusters: { service: 'rds', list: 'DBClusters' },
  DescribeDBInstances: { service: 'rds', list: 'DBInstances' },
};
const VERSIONS = { ec2: '2016-11-15', rds: '2014-10-31' } as const;
/** Filters served here, by the item's own (top-level) field they compare (EC2; RDS DescribeDBInstances' db-cluster-id). */
const FILTER_FIELDS: Readonly<Record<string, string>> = { 'group-id': 'groupId', 'vpc-id': 'vpcId', 'db-cluster-id': 'DBClusterIdentifier' };

export interface Recorded {
  readonly head: string;
  readonly tail: string;
  readonly items: readonly string[];
  /** Each item's top-level text fields (groupId, vpcId, ...), for the filters. */
  readonly fields: readonly Readonly<Record<string, string>>[];
}

export interface ReplayOptions {
  /** Added before every answer (a round trip); default 0. */
  latencyMs?: number;
  /** Requests a second per service above which AWS's throttling answer comes (token bucket); 0 or absent: never. */
  ratePerSecond?: number;
  /** The bucket's size (a burst); default 100 (EC2's non-mutating bucket). */
  burst?: number;
}

export interface ReplayServer {
  readonly url: string;
  /** Calls answered, by action (a throttled call counts under `throttled`). */
  readonly calls: Record<string, number>;
  readonly throttled: { count: number };
  /** The largest number of calls in flight at once. */
  readonly peakConcurrency: { value: number };
  /** Changes latency and throttling for the calls to come. */
  configure(o: ReplayOptions): void;
  /** Items recorded for an action. */
  size(action: string): number;
  close(): Promise<void>;
}

/** The top-level child elements of `<tag>…</tag>`, found by depth (any element name). */
export function splitChildren(xml: string, tag: string): { head: string; items: string[]; tail: string } | undefined {
  const open = xml.indexOf(`<${tag}>`);
  if (open < 0) {
    const empty = xml.indexOf(`<${tag}/>`);
    return empty < 0 ? undefined : { head: `${xml.slice(0, empty)}<${tag}>`, items: [], tail: `</${tag}>${xml.slice(empty + tag.length + 3)}` };
  }
  const bodyStart = open + tag.length + 2;
  const close = xml.indexOf(`</${tag}>`, bodyStart);
  const body = xml.slice(bodyStart, close);
  const items: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:.-]*)(\s[^>]*)?(\/?)>/g;
  let depth = 0;
  let start = -1;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (m[4] === '/') {
      if (depth === 0) items.push(m[0]);
      continue;
    }
    if (m[1] === '') {
      if (depth === 0) start = m.index;
      depth++;
    } else if (--depth === 0) items.push(body.slice(start, m.index + m[0].length));
  }
  return { head: xml.slice(0, bodyStart), items, tail: xml.slice(close) };
}

/** An item's top-level simple fields: `<groupId>sg-1</groupId>` at depth 1. */
export function topFields(item: string): Record<string, string> {
  const out: Record<string, string> = {};
  const inner = item.slice(item.indexOf('>') + 1, item.lastIndexOf('<'));
  const re = /<(\/?)([A-Za-z][\w:.-]*)(\s[^>]*)?(\/?)>/g;
  let depth = 0;
  let open: { name: string; end: number } | undefined;
  for (let m = re.exec(inner); m; m = re.exec(inner)) {
    if (m[4] === '/') continue;
    if (m[1] === '') {
      if (depth === 0) open = { name: m[2], end: m.index + m[0].length };
      depth++;
    } else {
      depth--;
      if (depth === 0 && open && open.name === m[2] && !inner.slice(open.end, m.index).includes('<')) out[m[2]] = inner.slice(open.end, m.index);
    }
  }
  return out;
}

const post = (url: string, body: string, headers: http.OutgoingHttpHeaders): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
  new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      { hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

/** moto's whole answer to one list action, following its own tokens if it pages. */
async function recordAction(upstream: string, region: string, action: string, a: ListAction): Promise<Recorded> {
  const tokenParam = a.service === 'ec2' ? 'NextToken' : 'Marker';
  const tokenTag = a.service === 'ec2' ? 'nextToken' : 'Marker';
  const all: string[] = [];
  let first: { head: string; tail: string } | undefined;
  let token: string | undefined;
  do {
    const params = new URLSearchParams({ Action: action, Version: VERSIONS[a.service] });
    if (token) params.set(tokenParam, token);
    // moto reads the Region (and the service) from the signature's scope.
    const auth = `AWS4-HMAC-SHA256 Credential=replay/20260101/${region}/${a.service}/aws4_request, SignedHeaders=host, Signature=0`;
    const out = await post(upstream, params.toString(), { 'content-type': 'application/x-www-form-urlencoded', authorization: auth });
    const xml = out.body.toString('utf8');
    if (out.status !== 200) throw new Error(`replay: moto answered ${out.status} to ${action}: ${xml.slice(0, 300)}`);
    const split = splitChildren(xml, a.list);
    if (!split) throw new Error(`replay: no <${a.list}> in moto's answer to ${action}`);
    all.push(...split.items);
    // moto's own token may stand before the list (RDS: <Marker> ahead of <DBInstances>) or after it.
    const tokenRe = new RegExp(`<${tokenTag}>([^<]*)</${tokenTag}>`);
    first ??= { head: split.head.replace(tokenRe, ''), tail: split.tail.replace(tokenRe, '') };
    token = tokenRe.exec(split.head)?.[1] || tokenRe.exec(split.tail)?.[1] || undefined;
  } while (token);
  return { ...first!, items: all, fields: all.map(topFields) };
}

/** The filters of a query-protocol request (EC2's or RDS's shape), and GroupId.N (as a group-id filter). */
function filtersOf(p: URLSearchParams): { name: string; values: Set<string> }[] {
  const byIndex = new Map<string, { name: string; values: Set<string> }>();
  for (const [k, v] of p) {
    // EC2: Filter.N.Name, Filter.N.Value.M; RDS: Filters.Filter.N.Name, Filters.Filter.N.Values.Value.M.
    const m = /^(?:Filters\.)?Filter\.(\d+)\.(Name|Values?\.(?:Value\.)?\d+)$/.exec(k);
    if (!m) continue;
    const f = byIndex.get(m[1]) ?? { name: '', values: new Set<string>() };
    if (m[2] === 'Name') f.name = v;
    else f.values.add(v);
    byIndex.set(m[1], f);
  }
  const out = [...byIndex.values()];
  const ids = [...p].filter(([k]) => /^GroupId\.\d+$/.test(k)).map(([, v]) => v);
  if (ids.length) out.push({ name: 'group-id', values: new Set(ids) });
  return out;
}

/**
 * RDS DescribeAccountAttributes as AWS answers it: the account's quotas with their use; DBInstances'
 * Used is the Region's instances (RDS API Reference, DescribeAccountAttributes, AccountQuota).
 * moto does not implement the action (HTTP 500).
 */
function rdsAccountAttributes(instances: number, id: string): string {
  const quota = (name: string, used: number, max: number) =>
    `<AccountQuota><AccountQuotaName>${name}</AccountQuotaName><Used>${used}</Used><Max>${max}</Max></AccountQuota>`;
  return `<DescribeAccountAttributesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeAccountAttributesResult><AccountQuotas>${quota('DBInstances', instances, Math.max(40, instances))}${quota('DBClusters', 0, 40)}</AccountQuotas></DescribeAccountAttributesResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></DescribeAccountAttributesResponse>`;
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startReplayServer(upstream: string, region: string, options: ReplayOptions = {}): Promise<ReplayServer> {
  const recorded = new Map<string, Recorded>();
  for (const [action, a] of Object.entries(REPLAYED)) recorded.set(action, await recordAction(upstream, region, action, a));
  let opts: ReplayOptions = { ...options };
  const calls: Record<string, number> = {};
  const throttled = { count: 0 };
  const peakConcurrency = { value: 0 };
  let inFlight = 0;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let seq = 0;

  /** One token from the service's bucket, or false (throttled). */
  const take = (service: string): boolean => {
    const rate = opts.ratePerSecond ?? 0;
    if (rate <= 0) return true;
    const burst = opts.burst ?? 100;
    const now = performance.now();
    const b = buckets.get(service) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    buckets.set(service, b);
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  };

  /** A page of the recorded answer, or undefined when the request asks what was not recorded. */
  const answer = (action: string, p: URLSearchParams): { status: number; body: string } | undefined => {
    const a = REPLAYED[action];
    const rec = recorded.get(action);
    if (!a || !rec) return undefined;
    const filters = filtersOf(p);
    if (filters.some((f) => !FILTER_FIELDS[f.name])) return undefined;
    if (a.service === 'ec2' && action === 'DescribeAccountAttributes' && [...p.keys()].some((k) => k.startsWith('AttributeName'))) return undefined;
    if (a.service === 'rds' && [...p.keys()].some((k) => /Identifier/.test(k))) return undefined;
    if (a.service === 'rds' && filters.length && action !== 'DescribeDBInstances') return undefined;
    const ec2 = a.service === 'ec2';
    const [min, max] = ec2 ? [5, 1000] : [20, 100];
    const asked = p.get(ec2 ? 'MaxResults' : 'MaxRecords');
    const size = asked === null ? max : Number(asked);
    if (!Number.isInteger(size) || size < min || size > max) {
      return {
        status: 400,
        body: awsErrorBody(a.service, 'InvalidParameterValue', `${ec2 ? 'MaxResults' : 'MaxRecords'} must be between ${min} and ${max}.`, `replay-${seq}`),
      };
    }
    const signature = JSON.stringify(filters.map((f) => [f.name, [...f.values].sort()]));
    const token = p.get(ec2 ? 'NextToken' : 'Marker');
    let offset = 0;
    if (token) {
      const [sig, off] = Buffer.from(token, 'base64url').toString('utf8').split('\n');
      if (sig !== signature || !/^\d+$/.test(off ?? '')) {
        return { status: 400, body: awsErrorBody(a.service, 'InvalidParameterValue', 'The token is not valid for this request.', `replay-${seq}`) };
      }
      offset = Number(off);
    }
    const idx: number[] = [];
    for (let i = 0; i < rec.items.length; i++) {
      if (filters.every((f) => f.values.has(rec.fields[i]![FILTER_FIELDS[f.name]!] ?? ''))) idx.push(i);
    }
    // DescribeAccountAttributes does not page.
    const pageSize = action === 'DescribeAccountAttributes' ? idx.length : size;
    const slice = idx.slice(offset, offset + pageSize).map((i) => rec.items[i]);
    const more = offset + pageSize < idx.length;
    const next = more ? Buffer.from(`${signature}\n${offset + pageSize}`).toString('base64url') : '';
    const closeAt = rec.tail.indexOf('>') + 1;
    const tokenXml = more ? (ec2 ? `<nextToken>${xmlEscape(next)}</nextToken>` : `<Marker>${xmlEscape(next)}</Marker>`) : '';
    return { status: 200, body: rec.head + slice.join('') + rec.tail.slice(0, closeAt) + tokenXml + rec.tail.slice(closeAt) };
  };

  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        inFlight++;
        peakConcurrency.value = Math.max(peakConcurrency.value, inFlight);
        try {
          const body = Buffer.concat(chunks);
          const p = new URLSearchParams(body.toString('utf8'));
          const action = p.get('Action') ?? '';
          const service = p.get('Version') === VERSIONS.rds ? 'rds' : (REPLAYED[action]?.service ?? 'ec2');
          const id = `replay-${++seq}`;
          if ((opts.latencyMs ?? 0) > 0) await new Promise((r) => setTimeout(r, opts.latencyMs));
          // Throttling for the query-protocol calls (Service Quotas, a JSON protocol, is only forwarded).
          if (action && !take(service)) {
            throttled.count++;
            const [code, message] = service === 'ec2' ? ['RequestLimitExceeded', 'Request limit exceeded.'] : ['Throttling', 'Rate exceeded'];
            const b = awsErrorBody(service, code, message, id);
            res.writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': id, 'content-length': Buffer.byteLength(b) });
            res.end(b);
            return;
          }
          // No group of the bench's Region is deleted, so none is stale: AWS answers an empty set (moto
          // cannot answer this action at all: an HTTP 500).
          const a =
            action === 'DescribeAccountAttributes' && service === 'rds'
              ? { status: 200, body: rdsAccountAttributes(recorded.get('DescribeDBInstances')?.items.length ?? 0, id) }
              : action === 'DescribeStaleSecurityGroups'
                ? {
                    status: 200,
                    body: `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeStaleSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${id}</requestId><staleSecurityGroupSet/></DescribeStaleSecurityGroupsResponse>`,
                  }
                : answer(action, p);
          if (a) {
            calls[action] = (calls[action] ?? 0) + 1;
            res.writeHead(a.status, { 'content-type': 'text/xml', 'x-amzn-requestid': id, 'content-length': Buffer.byteLength(a.body) });
            res.end(a.body);
            return;
          }
          calls[`forwarded ${action || req.url}`] = (calls[`forwarded ${action || req.url}`] ?? 0) + 1;
          const out = await post(upstream + (req.url ?? '/'), body.toString('utf8'), { ...req.headers, host: new URL(upstream).host });
          res.writeHead(out.status, { 'content-type': out.headers['content-type'] ?? 'text/xml', 'content-length': out.body.length });
          res.end(out.body);
        } catch (e) {
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`replay server: ${(e as Error).message}`);
        } finally {
          inFlight--;
        }
      })();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    throttled,
    peakConcurrency,
    configure(o) {
      opts = { ...opts, ...o };
      buckets.clear();
    },
    size: (action) => recorded.get(action)?.items.length ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
