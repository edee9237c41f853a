// A fault-injecting HTTP proxy between the AWS SDK and moto. The SDK's endpoint is the proxy's
// URL; every request is forwarded to moto unless a rule says otherwise. Rules are keyed by the
// AWS action (the query protocol's `Action=` form field) and fail the first N matching calls
// with a fault: AWS throttling errors, HTTP 500/503, a slow answer, a reset connection, a
// truncated body, or any AWS error code. In "after" mode the call is forwarded first (moto
// applies it) and then the answer is lost: the write happened but the SDK does not know.
// Every request is recorded (action, status, fault) so tests can count attempts, and announced as
// it arrives (`onRequest`, `waitForRequest`) so tests wait for a call instead of sleeping.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkAwsRules, defaultAwsRules, isAnswer, type AwsRule } from './awsRules';

export type FaultKind =
  /** HTTP 400 with EC2's RequestLimitExceeded or RDS's Throttling. */
  | 'throttle'
  /** HTTP 500 InternalError / InternalFailure. */
  | 'http500'
  /** HTTP 503 Unavailable / ServiceUnavailable. */
  | 'http503'
  /** Wait `delayMs`, then forward (or, with `after`, forward and answer late). */
  | 'slow'
  /** Destroy the socket without an answer. */
  | 'reset'
  /** Forward, then send the headers and only half of moto's body, and close. */
  | 'truncate'
  /** An AWS error of your choice: `status`, `code`, `message`. */
  | 'error'
  /** No fault: forward, but run `before` first (to stage a race at an exact call). */
  | 'pass';

export interface FaultRule {
  /** The AWS action (e.g. 'DescribeVpcs'), or a pattern. */
  readonly action: string | RegExp;
  readonly service?: 'ec2' | 'rds';
  readonly region?: string;
  readonly kind: FaultKind;
  /** How many matching calls to fail (after `skip`); default 1; Infinity for all. */
  readonly times?: number;
  /** Let this many matching calls through untouched first. */
  readonly skip?: number;
  /** Forward to moto first, then fail the answer (the call is applied, the answer lost). */
  readonly after?: boolean;
  /** For 'slow'. */
  readonly delayMs?: number;
  /** For 'error'. */
  readonly status?: number;
  readonly code?: string;
  /** The error message; a function sees the request (e.g. to echo its headers back, as a careless server might). */
  readonly message?: string | ((req: RecordedRequest) => string);
  /** Runs when the rule fires, before anything is forwarded. */
  readonly before?: (req: RecordedRequest) => void | Promise<void>;
  /**
   * Also match the calls sent with DryRun=true (the extension's permission check before a change);
   * by default a rule sees only real calls, so a fault meant for the write is not spent on its dry run.
   */
  readonly dryRun?: boolean;
}

export interface RecordedRequest {
  readonly seq: number;
  readonly action: string;
  readonly service: string;
  readonly region?: string;
  readonly params: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** The status the SDK saw; 0 when the connection was reset before any answer. */
  status?: number;
  /** The fault injected, if any ('truncate' still carries moto's status). */
  fault?: FaultKind;
  /** The AWS rule (test/harness/awsRules.ts) that refused the call, if any. */
  refusedBy?: string;
  /** The AWS rule that answered the call itself, in AWS's shape (moto cannot), if any (a DryRun's DryRunOperation too). */
  answeredBy?: string;
  /** Sent with DryRun=true (EC2's permission check). */
  readonly dryRun: boolean;
  /** Whether moto received (and so applied) the call. */
  forwarded: boolean;
  ms?: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void;
  /** Removes every rule (the recorded requests stay). */
  clear(): void;
  /** Forgets the recorded requests. */
  reset(): void;
  /**
   * Calls `listener` with every request as it arrives, once its rule is chosen (`fault` is set),
   * before anything is forwarded or answered. Returns a function that unsubscribes.
   */
  onRequest(listener: (req: RecordedRequest) => void): () => void;
  /**
   * Resolves with the first request, already recorded or still to come, that `match` accepts (seen
   * as `onRequest` sees it); rejects after `timeoutMs` (default 30 s) saying what it waited for.
   */
  waitForRequest(match: (req: RecordedRequest) => boolean, o?: { timeoutMs?: number; what?: string }): Promise<RecordedRequest>;
  /** Requests (attempts) for an action, optionally only those that reached moto; dry runs only with `dryRun: true` (or only them with 'only'). */
  count(action: string, o?: { forwarded?: boolean; fault?: FaultKind | 'none'; dryRun?: boolean | 'only' }): number;
  /** Faults injected so far, by kind. */
  readonly injected: Readonly<Record<string, number>>;
  /**
   * Serve a list action in pages (moto never pages these); 0 turns it off. EC2 lists: pages of
   * `size` items with `NextToken`. DescribeDBClusters: pages as RDS makes them, of the request's
   * MaxRecords (100 when absent), at most `size`, with `Marker`.
   */
  paginate(action: string, size: number): void;
  /**
   * Refusals a test provokes on purpose, declared by the test (rulesAudit.ts accepts them). Tests
   * in another process (the extension host) declare theirs with a POST to `EXPECT_REFUSAL_PATH`
   * on this proxy's URL, body `{"action": "...", "rule": "..."}` (test/vscode/util.ts expectAwsRefusal).
   */
  readonly expectedRefusals: { action: string; rule?: string }[];
  close(): Promise<void>;
}

/** The proxy's own endpoint for declaring an expected refusal (never forwarded, never recorded). */
export const EXPECT_REFUSAL_PATH = '/__aws-rules/expect-refusal';

interface LiveRule {
  rule: FaultRule;
  seen: number;
  fired: number;
}

/** The list actions the proxy can page: the list's element, its items' element and the token's names. */
interface PagedList {
  readonly list: string;
  readonly item: string;
  /** The request's page-size and token parameters, and the answer's token element. */
  readonly max: string;
  readonly token: string;
  readonly tokenElement: string;
  /** RDS: the page is the request's MaxRecords (at most the configured size); EC2 here: the configured size. */
  readonly honoursMax: boolean;
}
const ec2List = (list: string): PagedList => ({ list, item: 'item', max: 'MaxResults', token: 'NextToken', tokenElement: 'nextToken', honoursMax: false });
const PAGED_LISTS: Record<string, PagedList> = {
  DescribeVpcs: ec2List('vpcSet'),
  DescribeSecurityGroups: ec2List('securityGroupInfo'),
  DescribeSecurityGroupRules: ec2List('securityGroupRuleSet'),
  DescribeInstances: ec2List('reservationSet'),
  // RDS API Reference, DescribeDBClusters: "MaxRecords: The maximum number of records to include
  // in the response. If more records exist than the specified MaxRecords value, a pagination
  // token called a marker is included in the response so you can retrieve the remaining results.
  // Default: 100. Constraints: Minimum 20, maximum 100." moto 5.2.1 ignores MaxRecords and Marker
  // on DescribeDBClusters and answers every cluster at once (its DescribeDBInstances does page).
  DescribeDBClusters: { list: 'DBClusters', item: 'DBCluster', max: 'MaxRecords', token: 'Marker', tokenElement: 'Marker', honoursMax: true },
};

function scopeOf(headers: http.IncomingHttpHeaders): { region?: string; service?: string } {
  const auth = String(headers.authorization ?? '');
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  return m ? { region: m[1], service: m[2] } : {};
}

function serviceOf(params: URLSearchParams, scope: { service?: string }): string {
  if (scope.service) return scope.service;
  const v = params.get('Version') ?? '';
  return v === '2014-10-31' ? 'rds' : 'ec2';
}

/** The answer headers passed through: the content type and the request id (the SDK reads it into $metadata.requestId). */
function passedHeaders(h: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { 'content-type': h['content-type'] ?? 'text/xml' };
  for (const k of ['x-amzn-requestid', 'x-amz-request-id']) if (h[k] !== undefined) out[k] = h[k];
  return out;
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** An AWS query-protocol error body, as EC2 or RDS would send it. */
export function awsErrorBody(service: string, code: string, message: string, requestId: string): string {
  if (service === 'ec2') {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>${code === 'Throttling' ? 'Sender' : 'Receiver'}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function faultAnswer(rule: FaultRule, service: string, rec: RecordedRequest): { status: number; code: string; message: string } {
  switch (rule.kind) {
    case 'throttle':
      return service === 'ec2'
        ? { status: 400, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' }
        : { status: 400, code: 'Throttling', message: 'Rate exceeded' };
    case 'http500':
      return { status: 500, code: service === 'ec2' ? 'InternalError' : 'InternalFailure', message: 'An internal error has occurred.' };
    case 'http503':
      return { status: 503, code: service === 'ec2' ? 'Unavailable' : 'ServiceUnavailable', message: 'The service is unavailable. Try again shortly.' };
    default:
      return {
        status: rule.status ?? 400,
        code: rule.code ?? 'InvalidParameterValue',
        message: typeof rule.message === 'function' ? rule.message(rec) : (rule.message ?? 'Injected error.'),
      };
  }
}

/** The top-level `<item>` (or `itemTag`) elements of `<tag>…</tag>` in an answer, found by depth (EC2's items nest). */
export function splitItems(xml: string, tag: string, itemTag = 'item'): { head: string; items: string[]; tail: string } | undefined {
  const open = xml.indexOf(`<${tag}>`);
  const close = xml.lastIndexOf(`</${tag}>`);
  if (open < 0 || close < 0) {
    const empty = xml.indexOf(`<${tag}/>`);
    return empty < 0 ? undefined : { head: `${xml.slice(0, empty)}<${tag}>`, items: [], tail: `</${tag}>${xml.slice(empty + tag.length + 3)}` };
  }
  const bodyStart = open + tag.length + 2;
  const body = xml.slice(bodyStart, close);
  const items: string[] = [];
  const re = new RegExp(`<(\\/?)${itemTag}(\\s[^>]*)?(\\/?)>`, 'g');
  let depth = 0;
  let start = -1;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (m[3] === '/') {
      if (depth === 0) items.push(m[0]);
      continue;
    }
    if (m[1] === '') {
      if (depth === 0) start = m.index;
      depth++;
    } else {
      depth--;
      if (depth === 0) items.push(body.slice(start, m.index + m[0].length));
    }
  }
  return { head: xml.slice(0, bodyStart), items, tail: xml.slice(close) };
}

export interface FaultProxyOptions {
  /**
   * The AWS-rules layer (test/harness/awsRules.ts): on by default. Opting out is explicit:
   * `awsRules: false` (moto's lenient behaviour, only for a test that says why).
   */
  readonly awsRules?: readonly AwsRule[] | false;
}

export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const awsRules = options.awsRules === false ? [] : (options.awsRules ?? defaultAwsRules());
  const upstream = new URL(target);
  const rules: LiveRule[] = [];
  const requests: RecordedRequest[] = [];
  const expectedRefusals: { action: string; rule?: string }[] = [];
  const injected: Record<string, number> = {};
  const pageSizes = new Map<string, number>();
  const pageCache = new Map<string, { head: string; items: string[]; tail: string }>();
  const sockets = new Set<import('node:net').Socket>();
  const listeners = new Set<(req: RecordedRequest) => void>();
  let seq = 0;
  let tokens = 0;

  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
    overrideBody?: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const sent = overrideBody ?? body;
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(sent.length) };
      const up = http.request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(sent);
    });

  const send = (res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | string) => {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers, 'content-length': String(b.length), connection: 'close' });
    res.end(b);
  };

  /** Every rule counts the calls it matches (for `skip`); the first rule still due fires. */
  const matching = (rec: RecordedRequest): LiveRule | undefined => {
    let chosen: LiveRule | undefined;
    for (const r of rules) {
      const a = r.rule.action;
      const hit = typeof a === 'string' ? a === rec.action : a.test(rec.action);
      if (!hit) continue;
      if (r.rule.service && r.rule.service !== rec.service) continue;
      if (r.rule.region && r.rule.region !== rec.region) continue;
      if (rec.dryRun && !r.rule.dryRun) continue;
      r.seen++;
      if (chosen || r.seen <= (r.rule.skip ?? 0) || r.fired >= (r.rule.times ?? 1)) continue;
      chosen = r;
    }
    if (chosen) chosen.fired++;
    return chosen;
  };

  /** Forward, paging the answer when the action is paginated here. */
  const forwardPaged = async (req: http.IncomingMessage, body: Buffer, rec: RecordedRequest) => {
    const most = pageSizes.get(rec.action) ?? 0;
    const list = PAGED_LISTS[rec.action];
    if (!(most > 0 && list)) {
      const out = await forward(req, body);
      rec.forwarded = true;
      return out;
    }
    const asked = Number(rec.params.get(list.max));
    const size = list.honoursMax && asked > 0 ? Math.min(asked, most) : most;
    const token = rec.params.get(list.token);
    const [key, offset] = (token ?? '').split(':');
    if (token && pageCache.has(key!)) {
      // A later page: served from the first page's full answer (moto has no pages to ask for).
      rec.forwarded = false;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(page(pageCache.get(key!)!, list, key!, Number(offset), size)) };
    }
    const params = new URLSearchParams(rec.params);
    params.delete(list.max);
    params.delete(list.token);
    const out = await forward(req, body, Buffer.from(params.toString()));
    rec.forwarded = true;
    if (out.status === 200) {
      const split = splitItems(out.body.toString('utf8'), list.list, list.item);
      if (split && split.items.length > size) {
        const k = `pg${++tokens}`;
        pageCache.set(k, split);
        return { ...out, body: Buffer.from(page(split, list, k, 0, size)) };
      }
    }
    return out;
  };

  const page = (all: { head: string; items: string[]; tail: string }, list: PagedList, key: string, offset: number, size: number): string => {
    const t = list.tokenElement;
    const next = offset + size < all.items.length ? `<${t}>${key}:${offset + size}</${t}>` : '';
    const tail = all.tail.replace(new RegExp(`<${t}>[^<]*</${t}>`), '');
    // The token goes right after the list's closing tag, where EC2 puts it (RDS's Marker is its sibling too).
    const closeTag = tail.indexOf('>') + 1;
    return all.head + all.items.slice(offset, offset + size).join('') + tail.slice(0, closeTag) + next + tail.slice(closeTag);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const started = Date.now();
        const body = Buffer.concat(chunks);
        if (req.method === 'POST' && req.url === EXPECT_REFUSAL_PATH) {
          try {
            const e = JSON.parse(body.toString('utf8')) as { action?: unknown; rule?: unknown };
            if (typeof e.action !== 'string') throw new Error('action missing');
            expectedRefusals.push({ action: e.action, ...(typeof e.rule === 'string' ? { rule: e.rule } : {}) });
            send(res, 204, {}, '');
          } catch (err) {
            send(res, 400, { 'content-type': 'text/plain' }, `bad expect-refusal body: ${(err as Error).message}`);
          }
          return;
        }
        const params = new URLSearchParams(body.toString('utf8'));
        const scope = scopeOf(req.headers);
        const service = serviceOf(params, scope);
        const rec: RecordedRequest = {
          seq: ++seq,
          action: params.get('Action') ?? `${req.method} ${req.url}`,
          service,
          region: scope.region,
          params,
          headers: req.headers,
          forwarded: false,
          dryRun: params.get('DryRun')?.toLowerCase() === 'true',
        };
        requests.push(rec);
        const live = matching(rec);
        const rule = live?.rule;
        const requestId = `fault-${rec.seq}`;
        if (rule && rule.kind !== 'pass') rec.fault = rule.kind;
        for (const l of [...listeners]) l(rec);
        try {
          if (rule?.before) await rule.before(rec);
          if (!rule || rule.kind === 'pass') {
            const refusal = await checkAwsRules(awsRules, target, rec);
            if (refusal && isAnswer(refusal)) {
              // moto cannot answer this call (HTTP 500); the layer answers as AWS does.
              rec.answeredBy = refusal.rule;
              rec.status = 200;
              send(res, 200, { 'content-type': 'text/xml' }, refusal.answer);
              return;
            }
            if (refusal) {
              if (refusal.expected) rec.answeredBy = refusal.rule;
              else rec.refusedBy = refusal.rule;
              rec.status = refusal.status ?? 400;
              send(res, rec.status, { 'content-type': 'text/xml' }, awsErrorBody(service, refusal.code, refusal.message, requestId));
              return;
            }
            const out = await forwardPaged(req, body, rec);
            rec.status = out.status;
            send(res, out.status, passedHeaders(out.headers), out.body);
            return;
          }
          injected[rule.kind] = (injected[rule.kind] ?? 0) + 1;
          if (rule.kind === 'slow') {
            if (!rule.after) await sleep(rule.delayMs ?? 1000);
            if (req.socket.destroyed) return;
            const out = await forwardPaged(req, body, rec);
            if (rule.after) await sleep(rule.delayMs ?? 1000);
            rec.status = out.status;
            if (!res.destroyed) send(res, out.status, passedHeaders(out.headers), out.body);
            return;
          }
          if (rule.kind === 'truncate') {
            const out = await forwardPaged(req, body, rec);
            rec.status = out.status;
            res.writeHead(out.status, { ...passedHeaders(out.headers), 'content-length': String(out.body.length) });
            res.write(out.body.subarray(0, Math.floor(out.body.length / 2)), () => res.socket?.destroy());
            return;
          }
          if (rule.after) {
            await forwardPaged(req, body, rec);
          }
          if (rule.kind === 'reset') {
            rec.status = 0;
            req.socket.destroy();
            return;
          }
          const a = faultAnswer(rule, service, rec);
          rec.status = a.status;
          send(res, a.status, { 'content-type': 'text/xml' }, awsErrorBody(service, a.code, a.message, requestId));
        } catch (e) {
          rec.status = 502;
          if (!res.headersSent) send(res, 502, { 'content-type': 'text/plain' }, `fault proxy: ${(e as Error).message}`);
          else res.destroy();
        } finally {
          rec.ms = Date.now() - started;
        }
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    injected,
    add(rule) {
      const live: LiveRule = { rule, seen: 0, fired: 0 };
      rules.push(live);
      return () => {
        const i = rules.indexOf(live);
        if (i >= 0) rules.splice(i, 1);
      };
    },
    clear() {
      rules.length = 0;
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitForRequest(match, o = {}) {
      const already = requests.find(match);
      if (already) return Promise.resolve(already);
      const timeoutMs = o.timeoutMs ?? 30_000;
      return new Promise<RecordedRequest>((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(
            new Error(
              `the fault proxy saw no ${o.what ?? 'matching request'} within ${timeoutMs} ms (${requests.length} requests; the last: ${
                requests
                  .slice(-20)
                  .map((r) => r.action)
                  .join(', ') || 'none'
              })`,
            ),
          );
        }, timeoutMs);
        const listener = (req: RecordedRequest) => {
          if (!match(req)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(req);
        };
        listeners.add(listener);
      });
    },
    reset() {
      requests.length = 0;
    },
    count(action, o = {}) {
      return requests.filter(
        (r) =>
          r.action === action &&
          (o.dryRun === 'only' ? r.dryRun : o.dryRun === true || !r.dryRun) &&
          (o.forwarded === undefined || r.forwarded === o.forwarded) &&
          (o.fault === undefined || (o.fault === 'none' ? !r.fault : r.fault === o.fault)),
      ).length;
    },
    paginate(action, size) {
      if (!PAGED_LISTS[action]) throw new Error(`The proxy pages only ${Object.keys(PAGED_LISTS).join(', ')}`);
      if (size > 0) pageSizes.set(action, size);
      else pageSizes.delete(action);
    },
    expectedRefusals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
