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
}

interface SdkLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const rid = (m: string) => /(sgr-[0-9a-f]+)/.exec(m)?.[1];

const SENTENCES: Record<string, (detail: string, ctx: ErrorContext) => string> = {
  'InvalidPermission.Duplicate': (d) => {
    const id = rid(d);
    return id ? `This access is already allowed by rule ${id}; nothing was changed.` : `This access is already allowed by an existing rule; nothing was changed.`;
  },
  'InvalidPermission.NotFound': () => 'The rule no longer exists (someone may have removed it). Refresh the tree to see the current rules.',
  'InvalidPermission.Malformed': (d) => `AWS rejected the rule as malformed: ${d}`,
  'InvalidGroup.NotFound': () => 'The security group no longer exists in this Region. Refresh the tree to see the current groups.',
  'InvalidGroup.Duplicate': () => 'A security group with this name already exists in this VPC. Choose another name, or reuse the existing group.',
  'InvalidGroupId.Malformed': (d) => `That is not a valid security group id (sg- followed by 8 or 17 hex digits). ${d}`,
  'InvalidGroup.InUse': () => 'The group is in use; detach it first.',
  RulesPerSecurityGroupLimitExceeded: () =>
    'The group has reached its rule limit (60 inbound and 60 outbound by default). Remove or merge rules, put the rule in another group, or request a higher quota.',
  SecurityGroupLimitExceeded: () => 'The Region has reached its security group limit (2,500 by default). Delete unused groups or request a higher quota.',
  DependencyViolation: () =>
    'The group is still in use: a network interface, instance or database carries it, or another group\'s rule references it. Detach it and remove those rules first.',
  CannotDelete: () => 'The default security group of a VPC cannot be deleted.',
  InvalidParameterValue: (d) => `AWS rejected a value: ${d}`,
  MissingParameter: (d) => `A required value is missing: ${d}`,
  InvalidVpcID: () => 'The VPC does not exist in this Region. Refresh the tree.',
  'InvalidVpcID.NotFound': () => 'The VPC does not exist in this Region. Refresh the tree.',
  'InvalidInstanceID.NotFound': () => 'The EC2 instance does not exist in this Region. Refresh and pick another instance.',
  UnauthorizedOperation: (_d, ctx) =>
    `Your credentials${ctx.profile ? ` (profile ${ctx.profile})` : ''} are not allowed to do this. Ask for the IAM permission it needs, or choose another profile.`,
  AccessDenied: (_d, ctx) =>
    `Access denied for your credentials${ctx.profile ? ` (profile ${ctx.profile})` : ''}. Ask for the IAM permission it needs, or choose another profile.`,
  AccessDeniedException: (_d, ctx) =>
    `Access denied for your credentials${ctx.profile ? ` (profile ${ctx.profile})` : ''}. Ask for the IAM permission it needs, or choose another profile.`,
  AuthFailure: () => 'AWS did not accept your credentials. Check the profile\'s keys, or sign in again.',
  ExpiredToken: () => 'Your session token has expired. Sign in again (for SSO: aws sso login) and refresh.',
  ExpiredTokenException: () => 'Your session token has expired. Sign in again (for SSO: aws sso login) and refresh.',
  RequestExpired: () => 'The request expired before AWS received it. Check this computer\'s clock and try again.',
  InvalidClientTokenId: () => 'AWS does not know these access keys. Check the profile\'s credentials.',
  SignatureDoesNotMatch: () => 'AWS could not verify the request signature. Check the profile\'s secret key.',
  OptInRequired: (_d, ctx) => `The Region ${ctx.region ?? ''} is not enabled for this account. Enable it in the account settings or remove it from auroraSg.regions.`,
  RequestLimitExceeded: () => 'AWS is throttling requests from this account. Wait a moment and try again.',
  Throttling: () => 'AWS is throttling requests from this account. Wait a moment and try again.',
  ThrottlingException: () => 'AWS is throttling requests from this account. Wait a moment and try again.',
  DryRunOperation: () => 'The check passed: this change would be allowed.',
  DBClusterNotFoundFault: () => 'The DB cluster no longer exists in this Region. Refresh the tree.',
  DBInstanceNotFound: () => 'The DB instance no longer exists in this Region. Refresh the tree.',
  DBInstanceNotFoundFault: () => 'The DB instance no longer exists in this Region. Refresh the tree.',
  InvalidDBClusterStateFault: () => 'The DB cluster is not in the available state (it may be modifying, stopped or backing up). Wait until it is available and try again.',
  InvalidDBInstanceState: () => 'The DB instance is not in the available state. Wait until it is available and try again.',
  InvalidDBInstanceStateFault: () => 'The DB instance is not in the available state. Wait until it is available and try again.',
  InvalidVPCNetworkStateFault: () => 'A security group is not in the database\'s VPC, or the VPC\'s subnets do not allow it. Choose groups of the database\'s own VPC.',
  InvalidParameterCombination: (d) =>
    /aurora|cluster/i.test(d)
      ? 'This instance belongs to an Aurora cluster: its security groups are the cluster\'s. Change the cluster\'s groups instead.'
      : `AWS rejected the combination of values: ${d}`,
  CredentialsProviderError: (d, ctx) =>
    `No AWS credentials were found${ctx.profile ? ` for profile ${ctx.profile}` : ''}. Choose a profile (AWS: Select Profile), sign in (aws sso login / aws configure), or set auroraSg.endpoint for a local emulator. (${d})`,
  TimeoutError: (_d, ctx) => `AWS did not answer in time${ctx.endpoint ? ` at ${ctx.endpoint}` : ''}. Check your network and try again.`,
  AbortError: () => 'Cancelled.',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export function translateError(err: unknown, ctx: ErrorContext = {}): TranslatedError {
  const e = (err ?? {}) as SdkLikeError;
  const name = e.name && e.name !== 'Error' ? e.name : e.code ?? 'Error';
  const detail = (e.message ?? String(err)).trim();
  const httpStatus = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const prefix = ctx.action ? `Could not ${ctx.action}: ` : '';
  const sentence = SENTENCES[name];
  if (sentence) return { code: name, message: prefix + sentence(detail, ctx), detail, requestId, httpStatus };
  const netCode = e.code ?? /\b(E[A-Z]{4,})\b/.exec(detail)?.[1];
  if (netCode && NETWORK_CODES.has(netCode)) {
    const where = ctx.endpoint ? `the endpoint ${ctx.endpoint}` : `AWS${ctx.region ? ` in ${ctx.region}` : ''}`;
    return {
      code: netCode,
      message: `${prefix}Could not connect to ${where} (${netCode}). Check the network${ctx.endpoint ? ' and the auroraSg.endpoint setting' : ''}, then retry.`,
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
  return { code: name, message: `${prefix}${detail || name}`, detail, requestId, httpStatus };
}
