// Turns AWS errors into what the user can do about them. No SDK import: works on the error's
// `name`, `message` and `$metadata`, so the UI can use it without loading the SDK.

export interface TranslatedError {
  /** The AWS error code (the SDK error's name), or a local code. */
  readonly code: string;
  /** One sentence: what happened and what to do. */
  readonly message: string;
  /** AWS's own words, for the output channel. */
  readonly detail?: string;
  readonly requestId?: string;
  readonly httpStatus?: number;
}

export interface ErrorContext {
  /** e.g. 'add the rule to appsrv1 (sg-123)'. */
  readonly action?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  /** The extension has already refreshed the tree after this error (a stale node): say so instead of asking. */
  readonly refreshed?: boolean;
  /**
   * The IAM action of the call that failed, e.g. 'ec2:AuthorizeSecurityGroupIngress'. The AWS
   * layer attaches it to every error it throws (see attachConnection); a caller may name it here.
   */
  readonly operation?: string;
}

interface SdkLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const rid = (m: string) => /(sgr-[0-9a-f]+)/.exec(m)?.[1];

/** What to do about data that changed under the tree: refresh it, or say it was refreshed. */
const refreshHint = (ctx: ErrorContext, what: string) =>
  ctx.refreshed ? `The tree has been refreshed to show the current ${what}.` : `Refresh the tree to see the current ${what}.`;
const refreshTree = (ctx: ErrorContext) => (ctx.refreshed ? 'The tree has been refreshed.' : 'Refresh the tree.');

/** How to fix credentials, naming the commands (the status-bar item opens the same choices). */
const PROFILE_FIX = 'choose another profile (click the ☁ status-bar item → Select Profile…, or run "Aurora SG: Select AWS Profile")';
const ssoLogin = (ctx: ErrorContext) => `aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}`;

/**
 * The credentials in use (key id, secret, session token), wherever they were resolved: both
 * bundles (the extension and the AWS layer) carry a copy of this module, so the set lives on a
 * global symbol. Only long values are kept (never a short word such as an emulator's "test").
 */
function knownSecrets(): Set<string> {
  const g = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  return (g[Symbol.for('auroraSg.knownSecrets')] ??= new Set<string>());
}

export function rememberSecrets(...values: (string | undefined)[]): void {
  const set = knownSecrets();
  for (const v of values) if (typeof v === 'string' && v.length >= 16) set.add(v);
}

/**
 * Removes anything that looks like a credential from text that may reach the log, a
 * notification or the tree: the credentials in use, access key ids, signatures, security
 * tokens, Authorization headers and signed-URL parameters. AWS's own messages never carry
 * them; a proxy, an emulator or a credential process might.
 */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets()) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out
    .replace(
      /(authorization)(["']?\s*[:=]\s*["']?)(?:AWS4-HMAC-SHA256\s+)?[^\s"'&,;]+(?:,?\s*(?:Credential|SignedHeaders|Signature)=[^\s,"'&]+)*/gi,
      '$1$2[redacted]',
    )
    .replace(
      /(x-amz-security-token|x-amz-signature|x-amz-credential|aws_secret_access_key|aws_session_token|aws_access_key_id|secretaccesskey|sessiontoken|accesskeyid)(["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi,
      '$1$2[redacted]',
    )
    .replace(/\b(Credential|Signature|SignedHeaders)=[^\s,"'&]+/g, '$1=[redacted]')
    .replace(/AWS4-HMAC-SHA256[^\n"']*/g, 'AWS4-HMAC-SHA256 [redacted]')
    .replace(/\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g, '$1[redacted]');
}

/**
 * The IAM action AWS refused: its own words when they name it ("User: arn:… is not authorized to
 * perform: rds:ModifyDBCluster on resource: …", which also catches a refused iam:PassRole or kms:
 * action behind the call), else the call that failed. EC2's UnauthorizedOperation often says only
 * "You are not authorized to perform this operation. Encoded authorization failure message: …".
 */
const refusedAction = (d: string, ctx: ErrorContext) => /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(d)?.[1] ?? ctx.operation;

/**
 * EC2 encodes why a request was refused ("Encoded authorization failure message: …"); only
 * sts:DecodeAuthorizationMessage reads it [STS API Reference, DecodeAuthorizationMessage].
 */
const decodeHint = (d: string, ctx: ErrorContext) =>
  /Encoded authorization failure message/i.test(d)
    ? ` To see which policy refused it, decode AWS's encoded message (in the full error text): aws sts decode-authorization-message --encoded-message <message>${ctx.profile ? ` --profile ${ctx.profile}` : ''} (this needs sts:DecodeAuthorizationMessage).`
    : '';

const whose = (ctx: ErrorContext) => (ctx.profile ? ` (profile ${ctx.profile})` : '');

/** "Ask for the IAM permission it needs" with the action named when it is known. */
const denied = (lead: string) => (d: string, ctx: ErrorContext) => {
  const a = refusedAction(d, ctx);
  const fix = a ? `Ask for the IAM permission ${a}` : 'Ask for the IAM permission it needs';
  return `${lead}${whose(ctx)} ${a ? `are not allowed to call ${a}` : 'are not allowed to do this'}. ${fix}, or ${PROFILE_FIX}.${decodeHint(d, ctx)}`;
};

/**
 * "You have specified two resources that belong to different networks": a rule that references
 * a group of a VPC that is neither this one nor peered with it (actively, in the same Region),
 * or a group put on an instance of another VPC. AWS answers InvalidGroup.NotFound for a rule
 * (ansible/ansible#45782) and InvalidParameter "Security group sg-… and subnet subnet-… belong to
 * different networks" for an instance. Rules: [VPC User Guide, security-group-rules: "the
 * security group of a peer VPC"]; "You cannot reference the security group of a peer VPC that's
 * in a different Region" [VPC Peering Guide, "Update your security groups to reference peer
 * security groups"]. The group still exists: this is not a stale tree (see isStaleError).
 */
const DIFFERENT_NETWORKS = /belong to different networks/i;
const differentNetworks = (ctx: ErrorContext, forInstance: boolean) =>
  forInstance || /ModifyInstanceAttribute|ModifyNetworkInterfaceAttribute|RunInstances|CreateNetworkInterface/.test(ctx.operation ?? '')
    ? 'The security group is in another VPC than the instance or network interface: those can use only groups of their own VPC. Choose a group of the same VPC.'
    : 'The referenced security group is in a VPC this group cannot reach: a rule can reference only a group of the same VPC, or of a VPC peered with it by an active peering connection in the same Region (not a group of another Region). Peer the VPCs first, or allow the other side by its CIDR or a prefix list.';

const SENTENCES: Record<string, (detail: string, ctx: ErrorContext) => string> = {
  'InvalidPermission.Duplicate': (d) => {
    const id = rid(d);
    return id
      ? `This access is already allowed by rule ${id}; nothing was changed.`
      : `This access is already allowed by an existing rule; nothing was changed.`;
  },
  'InvalidPermission.NotFound': (_d, ctx) => `The rule no longer exists (someone may have removed it). ${refreshHint(ctx, 'rules')}`,
  'InvalidSecurityGroupRuleId.NotFound': (_d, ctx) => `The rule no longer exists (someone may have removed it). ${refreshHint(ctx, 'rules')}`,
  'InvalidSecurityGroupRuleId.Malformed': (d) => `That is not a valid security group rule id (sgr- followed by 17 hex digits). ${d}`,
  'InvalidPermission.Malformed': (d) => `AWS rejected the rule as malformed: ${d}`,
  'InvalidGroup.NotFound': (d, ctx) =>
    DIFFERENT_NETWORKS.test(d) ? differentNetworks(ctx, false) : `The security group no longer exists in this Region. ${refreshHint(ctx, 'groups')}`,
  InvalidParameter: (d, ctx) => (DIFFERENT_NETWORKS.test(d) ? differentNetworks(ctx, /\bsubnet\b/i.test(d)) : `AWS rejected a value: ${d}`),
  'InvalidGroup.Duplicate': () => 'A security group with this name already exists in this VPC. Choose another name, or reuse the existing group.',
  'InvalidGroupId.Malformed': (d) => `That is not a valid security group id (sg- followed by 8 or 17 hex digits). ${d}`,
  'InvalidGroup.InUse': () => 'The group is in use; detach it first.',
  RulesPerSecurityGroupLimitExceeded: () =>
    'The group has reached its rule limit (60 inbound and 60 outbound by default). Remove or merge rules, put the rule in another group, or request a higher quota.',
  // "Security groups per network interface": 5 by default, adjustable up to 16 [VPC User Guide,
  // amazon-vpc-limits]; EC2 answers ...PerInstance... for an instance (RunInstances,
  // ModifyInstanceAttribute) and ...PerInterface... for a network interface (CreateNetworkInterface,
  // ModifyNetworkInterfaceAttribute) [EC2 API Reference, "Error codes for the Amazon EC2 API"].
  SecurityGroupsPerInstanceLimitExceeded: () =>
    'The instance\'s network interface has reached its security group limit (5 per network interface by default; the quota can be raised to 16). Remove a group from it first, or request a higher "Security groups per network interface" quota.',
  SecurityGroupsPerInterfaceLimitExceeded: () =>
    'The network interface has reached its security group limit (5 per network interface by default; the quota can be raised to 16). Remove a group from it first, or request a higher "Security groups per network interface" quota.',
  // Prefix lists are per Region; an AWS-managed list has another id in each Region [EC2 API
  // Reference, "Error codes for the Amazon EC2 API"; VPC User Guide, managed prefix lists]. Both
  // spellings occur.
  'InvalidPrefixListID.NotFound': () =>
    'The prefix list does not exist in this Region (prefix lists belong to one Region, and an AWS-managed list has a different id in each Region), or it is no longer shared with this account. Choose a prefix list of this Region.',
  'InvalidPrefixListId.NotFound': () =>
    'The prefix list does not exist in this Region (prefix lists belong to one Region, and an AWS-managed list has a different id in each Region), or it is no longer shared with this account. Choose a prefix list of this Region.',
  SecurityGroupLimitExceeded: () => 'The Region has reached its security group limit (2,500 by default). Delete unused groups or request a higher quota.',
  DependencyViolation: () =>
    "The group is still in use: a network interface, instance or database carries it, or another group's rule references it. Detach it and remove those rules first.",
  CannotDelete: () => 'The default security group of a VPC cannot be deleted.',
  InvalidParameterValue: (d) => `AWS rejected a value: ${d}`,
  MissingParameter: (d) => `A required value is missing: ${d}`,
  InvalidVpcID: (_d, ctx) => `The VPC does not exist in this Region. ${refreshTree(ctx)}`,
  'InvalidVpcID.NotFound': (_d, ctx) => `The VPC does not exist in this Region. ${refreshTree(ctx)}`,
  'InvalidInstanceID.NotFound': () => 'The EC2 instance does not exist in this Region. Refresh and pick another instance.',
  // EC2: UnauthorizedOperation, with an encoded message [EC2 API Reference, "Error codes for the
  // Amazon EC2 API"]; RDS: AccessDenied / AccessDeniedException naming the action.
  UnauthorizedOperation: denied('Your credentials'),
  AccessDenied: denied('Access denied: your credentials'),
  AccessDeniedException: denied('Access denied: your credentials'),
  AuthFailure: (_d, ctx) =>
    `AWS did not accept your credentials${ctx.profile ? ` (profile ${ctx.profile})` : ''}${ctx.region ? ` in ${ctx.region}` : ''}. ` +
    `If ${ctx.region ?? 'the Region'} is an opt-in Region, enable it for the account or remove it from auroraSg.regions; otherwise check the profile's keys, sign in again, or ${PROFILE_FIX}.`,
  ExpiredToken: (_d, ctx) => `Your session token has expired. Sign in again (for SSO: ${ssoLogin(ctx)}), or ${PROFILE_FIX}; then refresh.`,
  ExpiredTokenException: (_d, ctx) => `Your session token has expired. Sign in again (for SSO: ${ssoLogin(ctx)}), or ${PROFILE_FIX}; then refresh.`,
  RequestExpired: () => "The request expired before AWS received it. Check this computer's clock and try again.",
  InvalidClientTokenId: (_d, ctx) =>
    `AWS does not know these access keys${ctx.profile ? ` (profile ${ctx.profile})` : ''}${ctx.region ? ` in ${ctx.region}` : ''}. ` +
    `Check the profile's credentials, and that the Region is in the keys' partition (aws, aws-cn, aws-us-gov); or ${PROFILE_FIX}.`,
  UnrecognizedClientException: (_d, ctx) =>
    `AWS does not know these access keys${ctx.profile ? ` (profile ${ctx.profile})` : ''}. Check the profile's credentials, or ${PROFILE_FIX}.`,
  SignatureDoesNotMatch: () => `AWS could not verify the request signature. Check the profile's secret key, or ${PROFILE_FIX}.`,
  OptInRequired: (_d, ctx) =>
    `The Region ${ctx.region ?? ''} is not enabled for this account. Enable it in the account settings or remove it from auroraSg.regions.`,
  RequestLimitExceeded: () => 'AWS is throttling requests from this account. Wait a moment and try again.',
  Throttling: () => 'AWS is throttling requests from this account. Wait a moment and try again.',
  ThrottlingException: () => 'AWS is throttling requests from this account. Wait a moment and try again.',
  DryRunOperation: () => 'The check passed: this change would be allowed.',
  DBClusterNotFoundFault: (_d, ctx) => `The DB cluster no longer exists in this Region. ${refreshTree(ctx)}`,
  DBInstanceNotFound: (_d, ctx) => `The DB instance no longer exists in this Region. ${refreshTree(ctx)}`,
  DBInstanceNotFoundFault: (_d, ctx) => `The DB instance no longer exists in this Region. ${refreshTree(ctx)}`,
  InvalidDBClusterStateFault: () =>
    'The DB cluster is not in the available state (it may be modifying, stopped or backing up). Wait until it is available and try again.',
  InvalidDBInstanceState: () => 'The DB instance is not in the available state. Wait until it is available and try again.',
  InvalidDBInstanceStateFault: () => 'The DB instance is not in the available state. Wait until it is available and try again.',
  // "The DB subnet group doesn't cover all Availability Zones after it's created because of users'
  // change" [RDS API Reference (botocore rds model), InvalidVPCNetworkStateFault]: a subnet group
  // problem. A group of the wrong VPC is InvalidParameterCombination (below).
  InvalidVPCNetworkStateFault: () =>
    "The database's DB subnet group is not usable: its subnets or their VPC changed (a subnet deleted, or the subnets no longer cover the Availability Zones it needs). The security groups are not the cause: fix the DB subnet group, then try again.",
  // The global database is switching over, failing over, or adding or removing a Region
  // [RDS API Reference (botocore rds model), InvalidGlobalClusterStateFault: "The global cluster
  // is in an invalid state and can't perform the requested operation", ModifyDBCluster errors].
  InvalidGlobalClusterStateFault: () =>
    'The Aurora global database this cluster belongs to is not in a state that allows the change (it may be switching over, failing over, or adding or removing a cluster). Wait until the global database and its clusters are available, then try again.',
  // RDS uses this code for many refusals [RDS API Reference, ModifyDBInstance / ModifyDBCluster
  // errors]. A member of a DB cluster (Aurora, or a Multi-AZ DB cluster) takes its groups from the
  // cluster: "The specified DB Instance is a member of a cluster. Modify vpc security group for the
  // DB Cluster using the ModifyDbCluster API" (crossplane-contrib/provider-aws#1799); creating one:
  // "The requested DB Instance will be a member of a DB Cluster". A group of another VPC: "The DB
  // instance and EC2 security group are in different VPCs" (terraform-aws-modules/terraform-aws-rds#451).
  InvalidParameterCombination: (d) =>
    /\b(is|will be) a member of a (DB )?cluster/i.test(d)
      ? "This instance belongs to a DB cluster (Aurora, or a Multi-AZ DB cluster): its security groups are the cluster's. Change the cluster's groups instead."
      : /different VPCs/i.test(d)
        ? `A security group is not in the database's VPC: a database can use only groups of its own VPC. Choose groups of that VPC. (${d})`
        : `AWS rejected the combination of values: ${d}`,
  CredentialsProviderError: (d, ctx) =>
    /expired|refresh failed|token is invalid|sso session/i.test(d)
      ? `No AWS credentials were found${ctx.profile ? ` for profile ${ctx.profile}` : ''}: the sign-in has expired. Run "${ssoLogin(ctx)}" in a terminal, then refresh; or ${PROFILE_FIX}. (${d})`
      : `No AWS credentials were found${ctx.profile ? ` for profile ${ctx.profile}` : ''}. Choose a profile (click the ☁ status-bar item → Select Profile…, or run "Aurora SG: Select AWS Profile"), sign in (aws sso login / aws configure), or set auroraSg.endpoint for a local emulator. (${d})`,
  TimeoutError: (_d, ctx) =>
    `AWS did not answer in time${ctx.endpoint ? ` at ${ctx.endpoint}` : ''}. Check your network and try again; on a slow link, raise the auroraSg.requestTimeoutSeconds setting.`,
  AbortError: () => 'Cancelled.',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The connection an error happened on, attached by the AWS layer (so any caller can name the profile and Region). */
export interface ErrorConnection {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  /** The IAM action of the failed call, e.g. 'ec2:AuthorizeSecurityGroupIngress'. */
  readonly operation?: string;
}

export function attachConnection(err: unknown, conn: ErrorConnection): void {
  if (err && typeof err === 'object' && !Object.prototype.hasOwnProperty.call(err, '$connection')) {
    try {
      Object.defineProperty(err, '$connection', { value: conn, enumerable: false });
    } catch {
      // a frozen error: no context to add
    }
  }
}

export function translateError(err: unknown, context: ErrorContext = {}): TranslatedError {
  const conn = (err && typeof err === 'object' ? (err as { $connection?: ErrorConnection }).$connection : undefined) ?? {};
  // The profile the failing call used, when the caller did not say (the tree's error node does not know it).
  const ctx: ErrorContext = {
    ...context,
    region: context.region ?? conn.region,
    profile: context.profile ?? conn.profile,
    // The endpoint override the call went to: a failure there is named as the override's, not AWS's.
    endpoint: context.endpoint ?? conn.endpoint,
    operation: context.operation ?? conn.operation,
  };
  const t = translate(err, ctx);
  // Whatever reaches the log, a notification or the tree carries no credential.
  return { ...t, message: redact(t.message), detail: t.detail === undefined ? undefined : redact(t.detail) };
}

/** String(x) that never throws (an object without a usable toString, a revoked proxy). */
function text(x: unknown): string {
  try {
    return String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}

function translate(err: unknown, ctx: ErrorContext): TranslatedError {
  // Anything can be thrown: read only string fields, and never trust the shape.
  const raw = (err !== null && typeof err === 'object') || typeof err === 'function' ? (err as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const meta = raw.$metadata && typeof raw.$metadata === 'object' ? (raw.$metadata as Record<string, unknown>) : undefined;
  const e: SdkLikeError = {
    name: str(raw.name),
    message: str(raw.message),
    code: str(raw.code),
    $metadata: meta && { httpStatusCode: typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined, requestId: str(meta.requestId) },
  };
  let name = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  if (name === 'TokenProviderError') name = 'CredentialsProviderError';
  const detail = (e.message ?? text(err)).trim();
  const httpStatus = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const prefix = ctx.action ? `Could not ${ctx.action}: ` : '';
  // A reset connection (the SDK calls it a TimeoutError) is a network failure, not a slow answer.
  const sentence =
    (e.code === 'ECONNRESET' && (name === 'TimeoutError' || name === 'ECONNRESET')) || !Object.hasOwn(SENTENCES, name) ? undefined : SENTENCES[name];
  if (sentence) return { code: name, message: prefix + sentence(detail, ctx), detail, requestId, httpStatus };
  const netCode = e.code ?? /\b(E[A-Z]{4,})\b/.exec(detail)?.[1];
  if (netCode && NETWORK_CODES.has(netCode)) {
    const where = ctx.endpoint ? `the endpoint ${ctx.endpoint}` : `AWS${ctx.region ? ` in ${ctx.region}` : ''}`;
    const why =
      netCode === 'ECONNRESET'
        ? ': the connection was cut before the answer was complete'
        : netCode === 'ENOTFOUND' && !ctx.endpoint && ctx.region
          ? `: is ${ctx.region} a Region code? (Aurora SG: Select Regions…)`
          : '';
    return {
      code: netCode,
      message: `${prefix}Could not connect to ${where} (${netCode})${why}. Check the network${ctx.endpoint ? ' and the auroraSg.endpoint setting' : ''}, then retry.`,
      detail,
    };
  }
  if (/Region is missing/i.test(detail)) {
    return { code: 'RegionMissing', message: `${prefix}No Region is set. Choose Regions with "Aurora SG: Select Regions".`, detail };
  }
  if (/Could not load credentials|credential/i.test(detail) && !httpStatus) {
    return { code: 'CredentialsProviderError', message: prefix + SENTENCES.CredentialsProviderError(detail, ctx), detail };
  }
  if (httpStatus && httpStatus >= 500) {
    return { code: name, message: `${prefix}AWS had an internal error (HTTP ${httpStatus}, ${name}). Try again in a moment.`, detail, requestId, httpStatus };
  }
  if (/Deserialization error/i.test(detail)) {
    return {
      code: name,
      message: `${prefix}AWS's answer could not be read (it was cut off or malformed). Try again in a moment.`,
      detail,
      requestId,
      httpStatus,
    };
  }
  return { code: name, message: `${prefix}${detail || name}`, detail, requestId, httpStatus };
}

/** Codes that mean "the thing is gone": the tree is stale where it shows it. */
export const STALE_CODES: ReadonlySet<string> = new Set([
  'InvalidGroup.NotFound',
  'InvalidPermission.NotFound',
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidVpcID.NotFound',
  'DBClusterNotFoundFault',
  'DBInstanceNotFound',
  'DBInstanceNotFoundFault',
]);

/**
 * Whether the error says a thing shown in the tree is gone. An InvalidGroup.NotFound that says
 * "two resources that belong to different networks" names a group that exists (in an unpeered
 * VPC or another Region): reloading the Region would not change anything.
 */
export function isStaleError(err: unknown): boolean {
  const e = (err && typeof err === 'object' ? err : {}) as { name?: unknown; message?: unknown };
  if (typeof e.name !== 'string' || !STALE_CODES.has(e.name)) return false;
  return !(typeof e.message === 'string' && DIFFERENT_NETWORKS.test(e.message));
}

/** Codes that mean the credentials (not the request) are at fault: cached credentials must be read again. */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'CredentialsProviderError',
  'TokenProviderError',
]);

/**
 * Whether the error means the profile is not signed in: no credentials could be resolved (an SSO
 * profile without a cached token, an expired SSO session: the SDK's CredentialsProviderError /
 * TokenProviderError) or the session token has expired. "Sign in" (aws sso login) is the fix.
 */
export function isSignInError(err: unknown): boolean {
  const e = (err && typeof err === 'object' ? err : {}) as { name?: unknown; message?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  if (['CredentialsProviderError', 'TokenProviderError', 'ExpiredToken', 'ExpiredTokenException'].includes(name)) return true;
  return (
    typeof e.message === 'string' &&
    /could not load credentials|sso session|token.*(expired|not found|invalid)|expired.*token/i.test(e.message) &&
    !('$metadata' in e && (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode)
  );
}

/**
 * Whether a failed write may still have been applied: AWS answered with a 4xx error on the first
 * and only attempt means it was not; anything else (no answer, a 5xx, a cut or unreadable answer,
 * or an error only after a retry, whose earlier attempt may have gone through) needs a re-read.
 */
export function mayHaveApplied(err: unknown): boolean {
  const e = (err ?? {}) as SdkLikeError & { $metadata?: { attempts?: number } };
  if (e.name === 'UserError') return false;
  const attempts = e.$metadata?.attempts ?? 1;
  const status = e.$metadata?.httpStatusCode;
  if (attempts > 1) return true;
  // Failures before anything was sent: no credentials, no Region, no connection.
  if (CREDENTIAL_CODES.has(e.name ?? '') || /Region is missing/i.test(e.message ?? '')) return false;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(e.code ?? '')) return false;
  if (status === undefined || status >= 500) return true;
  return /Deserialization error/i.test(e.message ?? '');
}

/** How many attempts the SDK made before this error (1 when unknown). */
export function attemptsOf(err: unknown): number {
  return ((err ?? {}) as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
}
