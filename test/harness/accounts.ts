// Several moto accounts for the multi-account tests (issue 17). moto takes the account of a request
// from its access key (moto/core/responses.py get_current_account: MOTO_ACCOUNT_ID, else the
// x-moto-account-id header, else the account the key belongs to, else 123456789012), and its STS
// AssumeRole hands out keys of the account the role ARN names ("The ARN can point to another
// account, providing an opportunity to switch accounts", moto/sts/models.py): a profile with those
// keys is that account. The keys live until moto is reset.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { Clients } from './seed';

/** moto's default account (any unknown key, e.g. the fixed test keys). */
export const DEFAULT_ACCOUNT = '123456789012';

export interface AccountKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Keys of `accountId` from moto's STS (AssumeRole of a role in that account, which need not exist). */
export async function accountKeys(motoUrl: string, accountId: string): Promise<AccountKeys> {
  const sts = new STSClient({ endpoint: motoUrl, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/aurora-sg-test`, RoleSessionName: 'aurora-sg-test' }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  } finally {
    sts.destroy();
  }
}

/** EC2 and RDS clients of an account (its keys) on moto. */
export function accountClients(motoUrl: string, region: string, keys: AccountKeys): Clients {
  const config = { endpoint: motoUrl, region, credentials: keys, maxAttempts: 2 };
  return { ec2: new EC2Client(config), rds: new RDSClient(config) };
}

/**
 * Writes the shared config and credentials files: a profile per entry of `keys` (its keys in the
 * credentials file, its Region in the config file), and `signedOut` SSO profiles whose token was
 * never cached (the SDK's SSO provider fails: a missing sign-in, as after `aws sso logout`).
 */
export function writeProfiles(
  files: { config: string; credentials: string },
  keys: Readonly<Record<string, AccountKeys>>,
  signedOut: readonly string[] = [],
  region = 'us-east-1',
): void {
  fs.mkdirSync(path.dirname(files.config), { recursive: true });
  fs.mkdirSync(path.dirname(files.credentials), { recursive: true });
  const config = [
    ...Object.keys(keys).flatMap((p) => [`[profile ${p}]`, `region = ${region}`, '']),
    ...signedOut.flatMap((p) => [
      `[profile ${p}]`,
      `sso_session = aurora-sg-test-${p}`,
      'sso_account_id = 444455556666',
      'sso_role_name = ReadOnly',
      `region = ${region}`,
      '',
      `[sso-session aurora-sg-test-${p}]`,
      // A start URL no one has signed in to on this machine: no cached token.
      `sso_start_url = https://aurora-sg-test-${p}-${process.pid}.awsapps.com/start`,
      'sso_region = us-east-1',
      'sso_registration_scopes = sso:account:access',
      '',
    ]),
  ];
  const credentials = Object.entries(keys).flatMap(([p, k]) => [
    `[${p}]`,
    `aws_access_key_id = ${k.accessKeyId}`,
    `aws_secret_access_key = ${k.secretAccessKey}`,
    `aws_session_token = ${k.sessionToken}`,
    '',
  ]);
  fs.writeFileSync(files.config, config.join('\n'));
  fs.writeFileSync(files.credentials, credentials.join('\n'));
}
