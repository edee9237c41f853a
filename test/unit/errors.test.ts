import * as assert from 'node:assert/strict';
import { translateError } from '../../src/aws/errors';

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
      'InvalidVPCNetworkStateFault',
      'The DB instance and EC2 security group are in different VPCs.',
      /not in the database's VPC.*groups of the database's own VPC/,
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
    assert.match(t.message, /belongs to an Aurora cluster.*Change the cluster's groups instead/);
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
