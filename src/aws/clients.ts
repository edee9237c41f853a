// SDK clients, one pair per Region, with credentials from a profile or the default chain,
// an optional endpoint override (LocalStack, moto), and a middleware that logs every call.
import { Readable } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { IAMClient } from '@aws-sdk/client-iam';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { isLoopbackEndpoint } from '../domain/connectionSettings';
import { attachConnection, CREDENTIAL_CODES, redact, rememberSecrets } from './errors';
import type { LocalAnswers } from './warmUp';
import { getSmithyContext } from '@smithy/core/transport';
import { emptyAnswer, emptyQueryAnswer, readFastAnswer, readQueryAnswer } from './fastXml';

export interface ConnectionSettings {
  /** A profile of the shared config/credentials files; undefined = the SDK's default chain. */
  readonly profile?: string;
  /** Endpoint override for every service (e.g. http://127.0.0.1:5000 for moto). */
  readonly endpoint?: string;
  /** Attempts per call, retries included (SDK standard mode). */
  readonly maxAttempts?: number;
  /** A retry strategy instead of the SDK's standard one (tests use short delays). */
  readonly retryStrategy?: RetryStrategyV2;
  /** Give up on an attempt that has no complete answer after this long (it is then retried); 0 = never. */
  readonly requestTimeoutMs?: number;
  /** Give up connecting after this long; 0 = the system's limit. */
  readonly connectionTimeoutMs?: number;
  /**
   * With a loopback endpoint, fall back to fixed test keys when the profile has no credentials
   * (default true). Off for each profile of several (auroraSg.profiles): there a profile's own
   * credentials are what tell its account from the others, and a profile that cannot sign must
   * show as signed out, not as the emulator's default account under its name.
   */
  readonly testKeysFallback?: boolean;
  /**
   * The scope key a Region's clients are labelled with (RegionClients.region: the model objects,
   * the call log, the errors' connection and the prefix-list cache carry it); the SDK is given the
   * Region itself. Default: the Region (one connection).
   */
  readonly scopeOf?: (region: string) => string;
  /**
   * Every call answered in the process, never sent (the warm-up, src/aws/warmUp.ts): its request
   * handler and fake keys replace the network and the credentials; endpoint and profile are unused.
   */
  readonly local?: LocalAnswers;
}

/** Defaults: a hung connection must not leave the tree loading forever. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

export interface CallRecord {
  readonly service: string;
  readonly command: string;
  readonly region: string;
  readonly ms: number;
  readonly error?: string;
  /** The failed call's error message (for the log: "failed: Error" alone says nothing). */
  readonly errorMessage?: string;
  /** Attempts the SDK made, retries included. */
  readonly attempts?: number;
}

export type CallListener = (call: CallRecord, input: unknown) => void;

export interface RegionClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly rds: RDSClient;
  /** Service Quotas, created on first use (only the quota read needs it); absent in some test fakes. */
  readonly serviceQuotas?: () => ServiceQuotasClient;
  /** STS, created on first use (who the caller is, for a temporary rule's description). */
  readonly sts?: () => STSClient;
  /** IAM, created on first use (the account's alias, for the tree's account rows). */
  readonly iam?: () => IAMClient;
}

type Pooled = RegionClients & {
  quotasClient?: () => ServiceQuotasClient | undefined;
  stsClient?: () => STSClient | undefined;
  iamClient?: () => IAMClient | undefined;
};

/** Credentials for the connection. A local emulator accepts any: fall back to fixed test keys there. */
export function credentialProvider(settings: ConnectionSettings): AwsCredentialIdentityProvider {
  // Read the shared config and credentials files afresh (the SDK caches their text for the life of
  // the process): a profile added, or keys renewed, after a failure must be seen on the retry.
  const init = { ignoreCache: true };
  const chain = settings.profile ? fromIni({ profile: settings.profile, ...init }) : fromNodeProviderChain(init);
  // Whatever credentials are used, redact() scrubs them from any text shown or logged.
  const base: AwsCredentialIdentityProvider = (...args: Parameters<typeof chain>) =>
    chain(...args).then((id) => {
      rememberSecrets(id.accessKeyId, id.secretAccessKey, id.sessionToken);
      return id;
    });
  if (!isLoopbackEndpoint(settings.endpoint) || settings.testKeysFallback === false) return base;
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return () => (cached ??= base().catch(() => ({ accessKeyId: 'test', secretAccessKey: 'test' })));
}

export class ClientPool {
  private readonly pool = new Map<string, RegionClients>();
  /** Clients replaced after a credentials error; closed with the pool (calls may still be in flight). */
  private readonly retired: RegionClients[] = [];
  private credentials: AwsCredentialIdentityProvider;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly onCall?: CallListener,
  ) {
    this.credentials = this.provider();
  }

  private provider(): AwsCredentialIdentityProvider {
    const local = this.settings.local;
    return local ? () => Promise.resolve(local.credentials) : credentialProvider(this.settings);
  }

  get(region: string): RegionClients {
    let c = this.pool.get(region);
    if (!c) {
      const requestTimeout = this.settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const connectionTimeout = this.settings.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
      const config = {
        region,
        credentials: this.credentials,
        maxAttempts: this.settings.maxAttempts ?? 3,
        ...(this.settings.retryStrategy ? { retryStrategy: this.settings.retryStrategy } : {}),
        requestHandler: this.settings.local?.requestHandler ?? {
          ...(requestTimeout > 0 ? { requestTimeout, throwOnRequestTimeout: true } : {}),
          ...(connectionTimeout > 0 ? { connectionTimeout } : {}),
        },
        ...(this.settings.endpoint && !this.settings.local ? { endpoint: this.settings.endpoint } : {}),
      };
      let quotas: ServiceQuotasClient | undefined;
      let sts: STSClient | undefined;
      let iam: IAMClient | undefined;
      const label = this.settings.scopeOf?.(region) ?? region;
      const clients: Pooled = {
        region: label,
        ec2: new EC2Client(config),
        rds: new RDSClient(config),
        serviceQuotas: () => {
          if (!quotas) {
            quotas = new ServiceQuotasClient(config);
            this.instrument(quotas, 'ServiceQuotas', region, (p) => p.quotasClient?.());
          }
          return quotas;
        },
        quotasClient: () => quotas,
        sts: () => {
          if (!sts) {
            sts = new STSClient(config);
            this.instrument(sts, 'STS', region, (p) => p.stsClient?.());
          }
          return sts;
        },
        stsClient: () => sts,
        iam: () => {
          if (!iam) {
            iam = new IAMClient(config);
            this.instrument(iam, 'IAM', region, (p) => p.iamClient?.());
          }
          return iam;
        },
        iamClient: () => iam,
      };
      c = clients;
      this.instrument(c.ec2, 'EC2', region, (p) => p.ec2);
      readAnswersFast(c.ec2);
      this.instrument(c.rds, 'RDS', region, (p) => p.rds);
      readAnswersFast(c.rds);
      this.pool.set(region, c);
    }
    return c;
  }

  /**
   * Forget the credentials (and the clients that cached them): after an expired or rejected
   * credential, the next call reads the profile or the environment again, so signing in again
   * and retrying is enough.
   */
  resetCredentials(): void {
    this.credentials = this.provider();
    this.retired.push(...this.pool.values());
    this.pool.clear();
  }

  destroy(): void {
    for (const c of [...this.pool.values(), ...this.retired]) {
      c.ec2.destroy();
      c.rds.destroy();
      (c as Pooled).quotasClient?.()?.destroy();
      (c as Pooled).stsClient?.()?.destroy();
      (c as Pooled).iamClient?.()?.destroy();
    }
    this.pool.clear();
    this.retired.length = 0;
  }

  private instrument(
    client: EC2Client | RDSClient | ServiceQuotasClient | STSClient | IAMClient,
    service: string,
    region: string,
    current: (pooled: Pooled) => unknown,
  ): void {
    const onCall = this.onCall;
    const label = this.settings.scopeOf?.(region) ?? region;
    // 'initialize' sees each logical call once, retries included, before signing: no secret is in reach.
    (client.middlewareStack as { add: (mw: unknown, opts: unknown) => void }).add(
      (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
        const started = Date.now();
        const command = (context.commandName ?? 'Call').replace(/Command$/, '');
        try {
          const out = await next(args);
          const attempts = (out as { output?: { $metadata?: { attempts?: number } } })?.output?.$metadata?.attempts;
          onCall?.({ service, command, region: label, ms: Date.now() - started, attempts }, args.input);
          return out;
        } catch (e) {
          const err = e as { name?: string; code?: string; message?: string; $metadata?: { attempts?: number } };
          // The IAM action is the service prefix and the API name (ec2:AuthorizeSecurityGroupIngress),
          // so a refused call can name the permission it needs.
          const operation = `${service.toLowerCase()}:${command}`;
          attachConnection(e, { region: label, profile: this.settings.profile, endpoint: this.settings.endpoint, operation });
          const pooled = this.pool.get(region);
          if (CREDENTIAL_CODES.has(err?.name ?? '') && pooled && current(pooled) === client) this.resetCredentials();
          onCall?.(
            {
              service,
              command,
              region: label,
              ms: Date.now() - started,
              error: (err?.name && err.name !== 'Error' ? err.name : err?.code) ?? 'Error',
              errorMessage: err?.message === undefined ? undefined : redact(err.message),
              attempts: err?.$metadata?.attempts,
            },
            args.input,
          );
          throw e;
        }
      },
      { step: 'initialize', name: 'auroraSgCallLog' },
    );
  }
}

type Handler = (args: unknown) => Promise<{ response?: unknown; output?: Record<string, unknown> }>;
const FAST_OUTPUT = Symbol('auroraSg.fastOutput');
/** Answers read by fastXml.ts, and answers of its commands it left to the SDK (for the tests and the bench). */
export const fastAnswers = { read: 0, declined: 0 };

/** The RDS answers read by fastXml.ts's schema-compiled reader (the big list answers of a load). */
const FAST_QUERY_COMMANDS: ReadonlySet<string> = new Set(['DescribeDBClustersCommand', 'DescribeDBInstancesCommand']);
/** RDS's answers' namespace (API version 2014-10-31), for the empty answer handed to the SDK. */
const RDS_XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';

/**
 * The big list answers of a load read by fastXml.ts instead of the SDK's generic parser: on EC2
 * DescribeSecurityGroups and DescribeSecurityGroupRules, on RDS DescribeDBClusters and
 * DescribeDBInstances (read with the command's own SDK schema). One middleware sits between the
 * SDK's deserializer and the HTTP handler: it takes a successful answer's text and, when fastXml
 * reads it, hands the deserializer an answer with no members; a second, outside the deserializer,
 * puts the members read into the output. Anything else (an error answer, another command, an answer
 * fastXml does not read) goes to the SDK untouched. Retries and signing are the SDK's as before.
 * The first middleware is also where holdRequests holds a call back (signed, not yet sent) and
 * holdAnswers an answer.
 */
export function readAnswersFast(client: EC2Client | RDSClient): void {
  const rds = client instanceof RDSClient;
  const stack = client.middlewareStack as unknown as { add: (mw: unknown, opts: unknown) => void };
  stack.add(
    (next: Handler, context: { commandName?: string; [FAST_OUTPUT]?: Record<string, unknown> }) => async (args: unknown) => {
      const out = await next(args);
      const members = context[FAST_OUTPUT];
      return members && out.output ? { ...out, output: { ...out.output, ...members } } : out;
    },
    { step: 'initialize', priority: 'low', name: 'auroraSgFastAnswersOut' },
  );
  stack.add(
    (next: Handler, context: { commandName?: string; [FAST_OUTPUT]?: Record<string, unknown> }) => async (args: unknown) => {
      const name = context.commandName ?? '';
      await heldRequest(client, name);
      const out = await next(args);
      const response = out.response as { statusCode?: number; body?: unknown } | undefined;
      await heldAnswer(client, name, response);
      const schema = rds && FAST_QUERY_COMMANDS.has(name) ? getSmithyContext(context as never).operationSchema : undefined;
      const empty = rds ? (schema ? emptyQueryAnswer(name, schema, RDS_XMLNS) : undefined) : emptyAnswer(name);
      if (!empty || !response || response.statusCode !== 200 || response.body === undefined) return out;
      const bytes = await bodyBytes(response.body);
      const text = bytes.toString('utf8');
      const members = rds ? readQueryAnswer(name, schema, text) : readFastAnswer(name, text);
      if (members) {
        fastAnswers.read++;
        context[FAST_OUTPUT] = members;
        response.body = Buffer.from(empty, 'utf8');
      } else {
        fastAnswers.declined++;
        response.body = bytes;
      }
      return out;
    },
    // Inside the deserializer (same step, lower priority): it sees the raw answer.
    { step: 'deserialize', priority: 'low', name: 'auroraSgFastAnswers' },
  );
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c));
  return Buffer.concat(chunks);
}

/** What holdRequests and holdAnswers hold back per client: the stage, the command names (or 'all'), and what they wait for. */
interface Hold {
  readonly stage: 'request' | 'answer';
  readonly commands: ReadonlySet<string> | 'all';
  readonly until: Promise<void>;
}
const holds = new WeakMap<object, Hold[]>();

/** Registers a hold on the client until `until` settles, when it is dropped. */
function hold(client: object, stage: Hold['stage'], commands: readonly string[] | 'all', until: Promise<void>): void {
  const list = holds.get(client) ?? [];
  const h: Hold = { stage, commands: commands === 'all' ? 'all' : new Set(commands), until };
  list.push(h);
  holds.set(client, list);
  void until.then(() => {
    const i = list.indexOf(h);
    if (i >= 0) list.splice(i, 1);
  });
}

/** What a call of this command waits for at this stage (none: an empty list, the common case, at once). */
function holdsOf(client: object, stage: Hold['stage'], name: string): Promise<void>[] {
  const list = holds.get(client);
  if (!list?.length) return [];
  return list.filter((h) => h.stage === stage && (h.commands === 'all' || h.commands.has(name))).map((h) => h.until);
}

/**
 * Until `until` settles, the answers of these commands (SDK command names, "DescribeSecurityGroupsCommand";
 * 'all': every command's) on this client are received but not parsed (nor handed to their caller):
 * readRegion holds the big answers back so the few the first rows of the tree need get the extension
 * host's CPU first.
 * `until` must never reject. The client must carry readAnswersFast's middleware.
 */
export function holdAnswers(client: EC2Client | RDSClient, commands: readonly string[] | 'all', until: Promise<void>): void {
  hold(client, 'answer', commands, until);
}

/**
 * Until `until` settles, calls of these commands (SDK command names) on this client wait, signed, before
 * they are sent (readRegion holds them 1.5 s at most; a SigV4 signature stays valid for minutes).
 * readRegion sends the big reads of a load only once the tree has taken its first rows, so that their
 * answers (megabytes, on a big Region) do not arrive, and take the extension host's and the machine's
 * CPU, while VS Code fetches and draws those rows. Measured in the real VS Code on the bench's large
 * Region (README, Performance; medians of 5 launches): first rows 248–276 → 226–235 ms (1.99.3) and
 * 335 → 235 ms (1.139.1) at 0 ms a call, 459 → 366 ms at 150 ms. Held in the SDK's initialize step
 * instead (before the endpoint, the credentials and the signature), the first rows came at 345 ms (not
 * traced further). The cost is that the load is whole later (README). `until` must never reject.
 * The client must carry readAnswersFast's middleware.
 */
export function holdRequests(client: EC2Client | RDSClient, commands: readonly string[], until: Promise<void>): void {
  hold(client, 'request', commands, until);
}

async function heldRequest(client: object, name: string): Promise<void> {
  const waits = holdsOf(client, 'request', name);
  if (waits.length) await Promise.all(waits);
}

async function heldAnswer(client: object, name: string, response: { body?: unknown } | undefined): Promise<void> {
  const waits = holdsOf(client, 'answer', name);
  if (!waits.length) return;
  // The answer is read in whole first, and only its parsing waits: a body left unread while held
  // could be cut meanwhile with nobody listening, and its reader would then wait for ever. A body
  // that fails to read is handed on at once, failing the same way for the SDK's reader.
  if (response && response.body !== undefined) {
    try {
      response.body = await bodyBytes(response.body);
    } catch (e) {
      response.body = Readable.from(
        (async function* () {
          yield* [];
          throw e;
        })(),
      );
      return;
    }
  }
  await Promise.all(waits);
  // Released answers are parsed one a turn of the event loop, not all in one run: what else waits
  // meanwhile (the tree's answers to VS Code, written on a timer) goes out between two of them.
  await parseTurn();
}

/** The last turn given out by parseTurn (each waits for the one before it and for a turn of the event loop). */
let lastTurn: Promise<void> = Promise.resolve();

function parseTurn(): Promise<void> {
  const turn = lastTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  lastTurn = turn;
  return turn;
}
