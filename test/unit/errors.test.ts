import * as assert from 'node:assert/strict';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { ModifyDBClusterCommand } from '@aws-sdk/client-rds';
import { ClientPool } from '../../src/aws/clients';
import { attachConnection, isStaleError, STALE_CODES, translateError } from '../../src/aws/errors';
import { runCommand } from '../../src/commands/run';
import type { Ext } from '../../src/ext';

/** An object shaped like an AWS SDK v3 service error. */
function sdkError(name: string, message = `${name} happened`, httpStatusCode = 400, requestId = 'req-1234') {
  return { name, message, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode, requestId } };
}

const DUPLICATE_MESSAGE = 'the specified rule "peer: sg-1, TCP, from port: 3306, to port: 3306, ALLOW" already exists';

describe('errors: translateError for AWS error codes', () => {
  // [code, message AWS sent, what the sentence must say]
  const cases: Array<[string, string, RegExp]> = [
    ['InvalidPermission.Duplicate', DUPLICATE_MESSAGE, /already allowed by an existing rule; nothing was changed/],
    ['InvalidPermission.NotFound', 'The specified rule does not exist in this security group.', /no longer exists.*Refresh/],
    ['InvalidPermission.Malformed', 'Invalid IPv4 CIDR 10.0.0.300/8', /malformed: Invalid IPv4 CIDR 10\.0\.0\.300\/8/],
    ['InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist", /security group no longer exists.*Refresh/],
    ['InvalidGroup.Duplicate', "The security group 'appsrv1' already exists for VPC 'vpc-1'", /already exists in this VPC\. Choose another name/],
    ['InvalidGroupId.Malformed', 'Invalid id: "sg-xyz"', /not a valid security group id.*Invalid id: "sg-xyz"/],
    ['InvalidGroup.InUse', 'in use', /in use; detach it first/],
    [
      'RulesPerSecurityGroupLimitExceeded',
      'The maximum number of rules per security group has been reached.',
      /rule limit \(60 inbound and 60 outbound.*request a higher quota/,
    ],
    ['SecurityGroupLimitExceeded', 'limit', /security group limit \(2,500.*Delete unused groups/],
    ['DependencyViolation', 'resource sg-1 has a dependent object', /still in use.*Detach it and remove those rules first/],
    ['CannotDelete', 'the specified group: "sg-1" name: "default" cannot be deleted by a user', /default security group of a VPC cannot be deleted/],
    ['InvalidParameterValue', 'Value (sg-abc) for parameter groupName is invalid.', /rejected a value: Value \(sg-abc\) for parameter groupName is invalid\./],
    ['MissingParameter', 'The request must contain the parameter GroupId', /required value is missing: The request must contain the parameter GroupId/],
    ['InvalidVpcID', 'bad vpc', /VPC does not exist in this Region/],
    ['InvalidVpcID.NotFound', "The vpc ID 'vpc-1' does not exist", /VPC does not exist in this Region\. Refresh/],
    ['InvalidInstanceID.NotFound', "The instance ID 'i-1' does not exist", /EC2 instance does not exist.*pick another instance/],
    ['UnauthorizedOperation', 'You are not authorized to perform this operation.', /not allowed to do this\. Ask for the IAM permission/],
    ['AccessDenied', 'User is not authorized', /Access denied.*IAM permission/],
    ['AccessDeniedException', 'User is not authorized', /Access denied.*IAM permission/],
    ['AuthFailure', 'AWS was not able to validate the provided access credentials', /did not accept your credentials/],
    ['ExpiredToken', 'The security token included in the request is expired', /session token has expired.*aws sso login/],
    ['ExpiredTokenException', 'The security token included in the request is expired', /session token has expired/],
    ['RequestExpired', 'Request has expired.', /clock/],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.', /does not know these access keys/],
    ['SignatureDoesNotMatch', 'The request signature we calculated does not match', /signature.*secret key/],
    ['OptInRequired', 'You are not subscribed to this service.', /not enabled for this account.*auroraSg\.regions/],
    ['RequestLimitExceeded', 'Request limit exceeded.', /throttling.*try again/],
    ['Throttling', 'Rate exceeded', /throttling.*try again/],
    ['ThrottlingException', 'Rate exceeded', /throttling.*try again/],
    ['DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', /would be allowed/],
    ['DBClusterNotFoundFault', 'DBCluster orders-mysql not found.', /DB cluster no longer exists.*Refresh/],
    ['DBInstanceNotFound', 'DBInstance reports-mysql not found.', /DB instance no longer exists.*Refresh/],
    ['DBInstanceNotFoundFault', 'DBInstance reports-mysql not found.', /DB instance no longer exists.*Refresh/],
    ['InvalidDBClusterStateFault', 'DbCluster orders-mysql is not in available state', /not in the available state.*Wait until it is available/],
    ['InvalidDBInstanceState', 'Instance is not available', /not in the available state\. Wait/],
    ['InvalidDBInstanceStateFault', 'Instance is not available', /not in the available state\. Wait/],
    [
      // The RDS API Reference's description of the fault (botocore rds model).
      'InvalidVPCNetworkStateFault',
      "The DB subnet group doesn't cover all Availability Zones after it's created because of users' change.",
      /DB subnet group is not usable.*subnets.*security groups are not the cause/,
    ],
    [
      'CredentialsProviderError',
      'Could not load credentials from any providers',
      /No AWS credentials were found.*Select Profile.*aws sso login.*Could not load credentials/,
    ],
    ['TimeoutError', 'socket hang up', /did not answer in time/],
    ['AbortError', 'Request aborted', /^Cancelled\.$/],
  ];

  for (const [code, message, expected] of cases) {
    it(`${code}`, () => {
      const t = translateError(sdkError(code, message));
      assert.equal(t.code, code);
      assert.match(t.message, expected);
      assert.equal(t.detail, message);
      assert.equal(t.httpStatus, 400);
      assert.equal(t.requestId, 'req-1234');
    });
  }

  it('duplicate rule: names the existing rule when AWS gives its id', () => {
    const t = translateError(
      sdkError('InvalidPermission.Duplicate', 'the specified rule "peer: sg-1, TCP, from port: 3306, to port: 3306, ALLOW" already exists: sgr-0abc'),
    );
    assert.equal(t.message, 'This access is already allowed by rule sgr-0abc; nothing was changed.');
  });

  it('duplicate rule: a security group id (sg-) is not taken for a rule id', () => {
    const t = translateError(sdkError('InvalidPermission.Duplicate', DUPLICATE_MESSAGE));
    assert.doesNotMatch(t.message, /rule sg-/);
    assert.equal(t.message, 'This access is already allowed by an existing rule; nothing was changed.');
  });

  it('InvalidParameterCombination for an Aurora member says to change the cluster instead', () => {
    const t = translateError(
      sdkError('InvalidParameterCombination', 'The requested DB Instance will be a member of a DB Cluster. Set VPC security groups for the DB Cluster.'),
    );
    assert.match(t.message, /belongs to a DB cluster \(Aurora, or a Multi-AZ DB cluster\).*Change the cluster's groups instead/);
  });

  it('InvalidParameterCombination: the member-instance message of ModifyDBInstance says to change the cluster', () => {
    // crossplane-contrib/provider-aws#1799: AWS's words for VpcSecurityGroupIds on an Aurora member.
    const t = translateError(
      sdkError(
        'InvalidParameterCombination',
        'The specified DB Instance is a member of a cluster. Modify vpc security group for the DB Cluster using the ModifyDbCluster API',
      ),
    );
    assert.match(t.message, /belongs to a DB cluster.*Change the cluster's groups instead/);
  });

  it('InvalidParameterCombination: a cluster-level refusal is not blamed on cluster membership', () => {
    for (const m of [
      'The DB cluster is a Multi-AZ DB cluster and cannot use this option.',
      'Cannot modify the Aurora cluster while it has a pending maintenance action.',
    ]) {
      const t = translateError(sdkError('InvalidParameterCombination', m), { operation: 'rds:ModifyDBCluster' });
      assert.doesNotMatch(t.message, /belongs to|Change the cluster's groups/, m);
      assert.equal(t.message, `AWS rejected the combination of values: ${m}`);
    }
  });

  it("InvalidParameterCombination: a group of another VPC says the database takes only its own VPC's groups", () => {
    // terraform-aws-modules/terraform-aws-rds#451
    const m = 'The DB instance and EC2 security group are in different VPCs. The DB instance is in vpc-1 and the EC2 security group is in vpc-2';
    const t = translateError(sdkError('InvalidParameterCombination', m));
    assert.match(t.message, /^A security group is not in the database's VPC: a database can use only groups of its own VPC\./);
    assert.match(t.message, /vpc-1.*vpc-2/);
  });

  it('InvalidParameterCombination otherwise repeats what AWS said', () => {
    const t = translateError(sdkError('InvalidParameterCombination', 'Cannot specify both X and Y'));
    assert.equal(t.message, 'AWS rejected the combination of values: Cannot specify both X and Y');
  });

  it('names the profile for permission and credential errors', () => {
    assert.match(translateError(sdkError('UnauthorizedOperation'), { profile: 'dev' }).message, /\(profile dev\)/);
    assert.match(translateError(sdkError('AccessDenied'), { profile: 'dev' }).message, /\(profile dev\)/);
    assert.doesNotMatch(translateError(sdkError('UnauthorizedOperation')).message, /\(profile/);
    assert.match(translateError({ name: 'CredentialsProviderError', message: 'no creds' }, { profile: 'dev' }).message, /for profile dev/);
  });

  it('names the Region for OptInRequired and the endpoint for a timeout', () => {
    assert.match(translateError(sdkError('OptInRequired'), { region: 'me-south-1' }).message, /The Region me-south-1 is not enabled/);
    assert.match(
      translateError({ name: 'TimeoutError', message: 'timed out' }, { endpoint: 'http://127.0.0.1:5000' }).message,
      /at http:\/\/127\.0\.0\.1:5000/,
    );
  });

  it('keeps the HTTP status and request id', () => {
    const t = translateError(sdkError('InvalidGroup.NotFound', 'x', 400, 'abc-123'));
    assert.equal(t.httpStatus, 400);
    assert.equal(t.requestId, 'abc-123');
  });
});

describe('errors: network errors', () => {
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

  it('ECONNREFUSED with an endpoint override names the endpoint and the setting', () => {
    const t = translateError(refused(), { endpoint: 'http://127.0.0.1:9' });
    assert.equal(t.code, 'ECONNREFUSED');
    assert.equal(
      t.message,
      'Could not connect to the endpoint http://127.0.0.1:9 (ECONNREFUSED). Check the network and the auroraSg.endpoint setting, then retry.',
    );
    assert.equal(t.detail, 'connect ECONNREFUSED 127.0.0.1:9');
  });

  it('ECONNREFUSED without an endpoint names AWS and the Region', () => {
    const t = translateError(refused(), { region: 'eu-west-1' });
    assert.equal(t.code, 'ECONNREFUSED');
    assert.equal(t.message, 'Could not connect to AWS in eu-west-1 (ECONNREFUSED). Check the network, then retry.');
    assert.doesNotMatch(t.message, /auroraSg\.endpoint/);
  });

  it('ECONNREFUSED without any context', () => {
    assert.equal(translateError(refused()).message, 'Could not connect to AWS (ECONNREFUSED). Check the network, then retry.');
  });

  it('finds the code in the message when the error has no code (ENOTFOUND)', () => {
    const t = translateError(new Error('getaddrinfo ENOTFOUND ec2.xx-nowhere-1.amazonaws.com'));
    assert.equal(t.code, 'ENOTFOUND');
    assert.match(t.message, /^Could not connect to AWS \(ENOTFOUND\)/);
  });

  it('an AggregateError carrying a network code (happy eyeballs) is a connection failure too', () => {
    const e = Object.assign(new AggregateError([refused(), refused()], ''), { code: 'ECONNREFUSED' });
    const t = translateError(e, { endpoint: 'http://localhost:9' });
    assert.equal(t.code, 'ECONNREFUSED');
    assert.match(t.message, /^Could not connect to the endpoint http:\/\/localhost:9 \(ECONNREFUSED\)/);
  });

  for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']) {
    it(`${code} is a connection failure`, () => {
      const t = translateError(Object.assign(new Error(`socket ${code}`), { code }));
      assert.equal(t.code, code);
      assert.match(t.message, new RegExp(`^Could not connect to AWS \\(${code}\\)`));
    });
  }
});

describe('errors: SDK client-side errors', () => {
  it('"Region is missing" asks to choose Regions', () => {
    const t = translateError(new Error('Region is missing'));
    assert.equal(t.code, 'RegionMissing');
    assert.equal(t.message, 'No Region is set. Choose Regions with "Aurora SG: Select Regions".');
  });

  it('a credentials error without a name of its own is recognised by its message', () => {
    const t = translateError(new Error('Could not load credentials from any providers'));
    assert.equal(t.code, 'CredentialsProviderError');
    assert.match(t.message, /^No AWS credentials were found\. Choose a profile/);
  });

  it('a CredentialsProviderError (SSO token expired) names the profile', () => {
    const e = Object.assign(new Error('The SSO session associated with this profile has expired'), { name: 'CredentialsProviderError' });
    const t = translateError(e, { profile: 'sso-dev' });
    assert.equal(t.code, 'CredentialsProviderError');
    assert.match(t.message, /No AWS credentials were found for profile sso-dev/);
    assert.match(t.message, /SSO session associated with this profile has expired/);
  });
});

describe('errors: HTTP errors and fallbacks', () => {
  it('HTTP 500 is an internal error to retry', () => {
    const t = translateError(sdkError('InternalError', 'An internal error has occurred', 500, 'rid-500'));
    assert.equal(t.code, 'InternalError');
    assert.equal(t.message, 'AWS had an internal error (HTTP 500, InternalError). Try again in a moment.');
    assert.equal(t.httpStatus, 500);
    assert.equal(t.requestId, 'rid-500');
    assert.equal(t.detail, 'An internal error has occurred');
  });

  it('HTTP 503 too', () => {
    assert.match(translateError(sdkError('ServiceUnavailable', 'busy', 503)).message, /internal error \(HTTP 503, ServiceUnavailable\)/);
  });

  it("an unknown code falls back to AWS's message", () => {
    const t = translateError(sdkError('VcpuLimitExceeded', 'You have requested more vCPU capacity than your current limit.'));
    assert.equal(t.code, 'VcpuLimitExceeded');
    assert.equal(t.message, 'You have requested more vCPU capacity than your current limit.');
    assert.equal(t.httpStatus, 400);
  });

  it('an unknown code with no message falls back to the code', () => {
    const t = translateError({ name: 'SomethingOdd', message: '', $metadata: { httpStatusCode: 400 } });
    assert.equal(t.message, 'SomethingOdd');
  });

  it('a plain Error gives its message; a string is its own message', () => {
    assert.equal(translateError(new Error('plain failure')).message, 'plain failure');
    const s = translateError('boom');
    assert.equal(s.code, 'Error');
    assert.equal(s.message, 'boom');
  });
});

describe('errors: the action prefix', () => {
  const ctx = { action: 'add the rule to appsrv1 (sg-123)' };

  it('prefixes a known sentence', () => {
    const t = translateError(sdkError('InvalidPermission.Duplicate', 'already exists: sgr-0abc'), ctx);
    assert.equal(t.message, 'Could not add the rule to appsrv1 (sg-123): This access is already allowed by rule sgr-0abc; nothing was changed.');
  });

  it('prefixes network, Region, credential, HTTP 500 and fallback messages', () => {
    const p = /^Could not add the rule to appsrv1 \(sg-123\): /;
    assert.match(translateError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ctx).message, p);
    assert.match(translateError(new Error('Region is missing'), ctx).message, p);
    assert.match(translateError(new Error('Could not load credentials from any providers'), ctx).message, p);
    assert.match(translateError(sdkError('InternalError', 'x', 500), ctx).message, p);
    assert.equal(translateError(sdkError('NewCode', 'AWS said no.'), ctx).message, 'Could not add the rule to appsrv1 (sg-123): AWS said no.');
  });

  it('no prefix without an action', () => {
    assert.doesNotMatch(translateError(sdkError('InvalidGroup.NotFound')).message, /^Could not/);
  });
});

describe('errors: refused permissions name the action', () => {
  const ENCODED = 'You are not authorized to perform this operation. Encoded authorization failure message: 0oaZLrVVIxb8lmPCpj7S11qdDzu_uNi_mBsUZwMj5aWOq';

  it('UnauthorizedOperation names the action given in the context, and how to decode the encoded message', () => {
    const t = translateError(sdkError('UnauthorizedOperation', ENCODED, 403), { operation: 'ec2:AuthorizeSecurityGroupIngress', profile: 'dev' });
    assert.match(
      t.message,
      /\(profile dev\) are not allowed to call ec2:AuthorizeSecurityGroupIngress\. Ask for the IAM permission ec2:AuthorizeSecurityGroupIngress/,
    );
    assert.match(t.message, /aws sts decode-authorization-message --encoded-message <message> --profile dev/);
    assert.equal(t.detail, ENCODED, 'the encoded message stays in the detail (the log)');
  });

  it('no decode hint when the message has no encoded part; "do this" when the action is unknown', () => {
    const t = translateError(sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    assert.match(t.message, /are not allowed to do this\. Ask for the IAM permission it needs/);
    assert.doesNotMatch(t.message, /decode-authorization-message/);
  });

  it("AWS's own words name the refused action first (RDS AccessDenied, EC2's newer messages)", () => {
    const rds = translateError(
      sdkError(
        'AccessDenied',
        'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: rds:ModifyDBCluster on resource: arn:aws:rds:us-east-1:123456789012:cluster:orders because no identity-based policy allows the rds:ModifyDBCluster action',
        403,
      ),
      { operation: 'rds:ModifyDBCluster' },
    );
    assert.match(rds.message, /^Access denied: your credentials are not allowed to call rds:ModifyDBCluster\. Ask for the IAM permission rds:ModifyDBCluster/);
    const passRole = translateError(
      sdkError(
        'AccessDeniedException',
        'User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/z',
        400,
      ),
      { operation: 'rds:ModifyDBCluster' },
    );
    assert.match(passRole.message, /not allowed to call iam:PassRole/);
  });

  it('the operation the AWS layer attached to the error is used when the caller does not name one', () => {
    const e = sdkError('UnauthorizedOperation', ENCODED, 403);
    attachConnection(e, { region: 'eu-west-1', operation: 'ec2:ModifySecurityGroupRules' });
    assert.match(translateError(e).message, /not allowed to call ec2:ModifySecurityGroupRules.*decode-authorization-message/);
    assert.match(translateError(e, { operation: 'ec2:RevokeSecurityGroupIngress' }).message, /call ec2:RevokeSecurityGroupIngress/, 'the caller wins');
  });

  it("the client pool's call log attaches the IAM action (service prefix + API name) to every error", async () => {
    // A loopback endpoint (test keys, nothing leaves the machine); the answer is faked before sending.
    const pool = new ClientPool({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    try {
      const c = pool.get('us-east-1');
      const refuse = (name: string) => () => async () => {
        throw Object.assign(new Error(ENCODED), { name, $metadata: { httpStatusCode: 403 } });
      };
      c.ec2.middlewareStack.add(refuse('UnauthorizedOperation'), { step: 'build', name: 'refuse' });
      c.rds.middlewareStack.add(refuse('AccessDenied'), { step: 'build', name: 'refuse' });
      const ec2 = await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: 'sg-1' })).then(
        () => assert.fail('the call must fail'),
        (x: unknown) => x,
      );
      assert.match(translateError(ec2).message, /not allowed to call ec2:AuthorizeSecurityGroupIngress\./);
      const rds = await c.rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: 'orders' })).then(
        () => assert.fail('the call must fail'),
        (x: unknown) => x,
      );
      assert.match(translateError(rds).message, /not allowed to call rds:ModifyDBCluster\./);
    } finally {
      pool.destroy();
    }
  });
});

describe('errors: quotas, prefix lists, global databases', () => {
  // [code, message AWS sent, what the sentence must say]
  const cases: Array<[string, string, RegExp]> = [
    [
      'SecurityGroupsPerInstanceLimitExceeded',
      'The maximum number of security groups per instance has been reached.',
      /network interface has reached its security group limit \(5 per network interface by default; the quota can be raised to 16\)/,
    ],
    [
      'SecurityGroupsPerInterfaceLimitExceeded',
      'The maximum number of security groups per interface has been reached.',
      /^The network interface has reached its security group limit \(5 .*16\)\. Remove a group.*quota/,
    ],
    [
      'InvalidPrefixListID.NotFound',
      "The prefix list ID 'pl-0123456789abcdef0' does not exist",
      /prefix list does not exist in this Region.*different id in each Region/,
    ],
    ['InvalidPrefixListId.NotFound', "The prefix list ID 'pl-1' does not exist", /prefix list does not exist in this Region/],
    [
      'InvalidGlobalClusterStateFault',
      "The global cluster is in an invalid state and can't perform the requested operation.",
      /Aurora global database.*not in a state that allows the change.*Wait until the global database/,
    ],
  ];
  for (const [code, message, expected] of cases) {
    it(code, () => {
      const t = translateError(sdkError(code, message));
      assert.equal(t.code, code);
      assert.match(t.message, expected);
      assert.equal(t.detail, message);
    });
  }
});

describe('errors: a group in another network is not a group that is gone', () => {
  const NETWORKS = 'You have specified two resources that belong to different networks.';

  it('InvalidGroup.NotFound "different networks" on a rule: peering in the same Region, not "no longer exists"', () => {
    const t = translateError(sdkError('InvalidGroup.NotFound', NETWORKS), { operation: 'ec2:AuthorizeSecurityGroupIngress', refreshed: false });
    assert.doesNotMatch(t.message, /no longer exists|Refresh/);
    assert.match(t.message, /same VPC, or of a VPC peered with it by an active peering connection in the same Region/);
    assert.match(t.message, /another Region/);
  });

  it('on an instance or a network interface: the group must be of their own VPC', () => {
    const t = translateError(sdkError('InvalidGroup.NotFound', NETWORKS), { operation: 'ec2:ModifyNetworkInterfaceAttribute' });
    assert.match(t.message, /another VPC than the instance or network interface/);
    const p = translateError(sdkError('InvalidParameter', 'Security group sg-07cbbd1042f3c81b3 and subnet subnet-2c6ba676 belong to different networks.'));
    assert.match(p.message, /another VPC than the instance/);
    assert.equal(translateError(sdkError('InvalidParameter', 'Bad value')).message, 'AWS rejected a value: Bad value');
  });

  it('a plain InvalidGroup.NotFound still says the group is gone', () => {
    assert.match(translateError(sdkError('InvalidGroup.NotFound', "The security group 'sg-1' does not exist")).message, /no longer exists/);
  });

  it('isStaleError: the stale codes, except a "different networks" InvalidGroup.NotFound', () => {
    for (const code of STALE_CODES) assert.equal(isStaleError(sdkError(code, 'gone')), true, code);
    assert.equal(isStaleError(sdkError('InvalidGroup.NotFound', NETWORKS)), false);
    for (const x of [undefined, null, 'InvalidGroup.NotFound', {}, sdkError('InvalidPermission.Duplicate')]) assert.equal(isStaleError(x), false);
  });

  it('runCommand does not reload the Region nor say "no longer exists" for a "different networks" answer', async () => {
    const shown: string[] = [];
    const loads: string[] = [];
    const ext = {
      ui: { error: (m: string) => shown.push(m), info: () => undefined, warn: () => undefined },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      store: { index: () => ({}), load: async (r: string) => void loads.push(r) },
      settings: {},
    } as unknown as Ext;
    const e = Object.assign(new Error(NETWORKS), { name: 'InvalidGroup.NotFound', $metadata: { httpStatusCode: 400 } });
    await runCommand(ext, 'add the rule', 'eu-west-1', () => Promise.reject(e));
    assert.deepEqual(loads, []);
    assert.equal(shown.length, 1);
    assert.doesNotMatch(shown[0], /no longer exists|has been refreshed/);
    assert.match(shown[0], /^Could not add the rule: The referenced security group is in a VPC this group cannot reach/);
  });
});
