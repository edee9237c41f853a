// SDK clients, one pair per Region, with credentials from a profile or the default chain,
// an optional endpoint override (LocalStack, moto), and a middleware that logs every call.
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface ConnectionSettings {
  /** A profile of the shared config/credentials files; undefined = the SDK's default chain. */
  readonly profile?: string;
  /** Endpoint override for every service (e.g. http://127.0.0.1:5000 for moto). */
  readonly endpoint?: string;
  /** Attempts per call, retries included (SDK standard mode). */
  readonly maxAttempts?: number;
}

export interface CallRecord {
  readonly service: string;
  readonly command: string;
  readonly region: string;
  readonly ms: number;
  readonly error?: string;
}

export type CallListener = (call: CallRecord, input: unknown) => void;

export interface RegionClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly rds: RDSClient;
}

function isLoopback(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host) || host === 'localstack';
  } catch {
    return false;
  }
}

/** Credentials for the connection. A local emulator accepts any: fall back to fixed test keys there. */
export function credentialProvider(settings: ConnectionSettings): AwsCredentialIdentityProvider {
  const base = settings.profile ? fromIni({ profile: settings.profile }) : fromNodeProviderChain();
  if (!isLoopback(settings.endpoint)) return base;
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return () =>
    (cached ??= base().catch(() => ({ accessKeyId: 'test', secretAccessKey: 'test' })));
}

export class ClientPool {
  private readonly pool = new Map<string, RegionClients>();
  private readonly credentials: AwsCredentialIdentityProvider;

  constructor(private readonly settings: ConnectionSettings, private readonly onCall?: CallListener) {
    this.credentials = credentialProvider(settings);
  }

  get(region: string): RegionClients {
    let c = this.pool.get(region);
    if (!c) {
      const config = {
        region,
        credentials: this.credentials,
        maxAttempts: this.settings.maxAttempts ?? 3,
        ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
      };
      c = { region, ec2: new EC2Client(config), rds: new RDSClient(config) };
      this.instrument(c.ec2, 'EC2', region);
      this.instrument(c.rds, 'RDS', region);
      this.pool.set(region, c);
    }
    return c;
  }

  destroy(): void {
    for (const c of this.pool.values()) {
      c.ec2.destroy();
      c.rds.destroy();
    }
    this.pool.clear();
  }

  private instrument(client: EC2Client | RDSClient, service: string, region: string): void {
    const onCall = this.onCall;
    if (!onCall) return;
    // 'initialize' sees each logical call once, retries included, before signing: no secret is in reach.
    (client.middlewareStack as { add: (mw: unknown, opts: unknown) => void }).add(
      (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input: unknown }) => {
          const started = Date.now();
          const command = (context.commandName ?? 'Call').replace(/Command$/, '');
          try {
            const out = await next(args);
            onCall({ service, command, region, ms: Date.now() - started }, args.input);
            return out;
          } catch (e) {
            onCall({ service, command, region, ms: Date.now() - started, error: (e as Error)?.name ?? 'Error' }, args.input);
            throw e;
          }
        },
      { step: 'initialize', name: 'auroraSgCallLog' },
    );
  }
}
