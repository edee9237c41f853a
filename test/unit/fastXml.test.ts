// The fast reader of the load's big EC2 answers (src/aws/fastXml.ts, wired in src/aws/clients.ts
// readAnswersFast) against the SDK's own parser: the same answer text through two real EC2Clients
// whose HTTP handler is a fake, one with the fast reader and one without; the outputs must be equal.
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import * as ec2 from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { fastAnswers, readAnswersFast } from '../../src/aws/clients';
import { FAST_ANSWERS, readFastAnswer } from '../../src/aws/fastXml';

type Command = DescribeSecurityGroupsCommand | DescribeSecurityGroupRulesCommand | DescribeVpcsCommand;

/** A client of either service whose HTTP handler answers `body` (with the fast reader or without). */
function fake<C extends EC2Client | RDSClient>(Client: new (config: never) => C, body: string, status: number, fast: boolean): C {
  const c = new Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    endpoint: 'http://127.0.0.1:1',
    maxAttempts: 1,
    requestHandler: {
      // Chunks cut at odd places, as a socket delivers them (a multi-byte character split too).
      handle: async () => {
        const bytes = Buffer.from(body, 'utf8');
        const chunks = [];
        for (let i = 0; i < bytes.length; i += 997) chunks.push(bytes.subarray(i, i + 997));
        return { response: { statusCode: status, headers: { 'x-amzn-requestid': 'req-1' }, body: Readable.from(chunks) } };
      },
    },
  } as never);
  if (fast) readAnswersFast(c);
  return c;
}
const client = (body: string, status: number, fast: boolean) => fake(EC2Client, body, status, fast);

async function both(make: () => Command, body: string, status = 200): Promise<{ sdk: unknown; fast: unknown; read: boolean }> {
  const run = async (fast: boolean) => {
    try {
      return { ok: await client(body, status, fast).send(make() as never) };
    } catch (e) {
      const err = e as Error & { $metadata?: unknown };
      return { error: { name: err.name, message: err.message, metadata: err.$metadata } };
    }
  };
  const before = fastAnswers.read;
  const sdk = await run(false);
  const fast = await run(true);
  return { sdk, fast, read: fastAnswers.read > before };
}

const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const rulesDoc = (items: string, tail = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSecurityGroupRulesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">\n  <requestId>r-1</requestId>\n  <securityGroupRuleSet>${items}</securityGroupRuleSet>${tail}\n</DescribeSecurityGroupRulesResponse>`;
const groupsDoc = (items: string, tail = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">\n  <requestId>r-1</requestId>\n  <securityGroupInfo>${items}</securityGroupInfo>${tail}\n</DescribeSecurityGroupsResponse>`;

// Every member of each shape, as EC2 writes them (pretty-printed, as AWS answers).
const FULL_RULE = `
    <item>
        <securityGroupRuleId>sgr-0abc</securityGroupRuleId>
        <groupId>sg-1</groupId>
        <groupOwnerId>123456789012</groupOwnerId>
        <isEgress>false</isEgress>
        <ipProtocol>tcp</ipProtocol>
        <fromPort>5432</fromPort>
        <toPort>5432</toPort>
        <cidrIpv4>10.0.0.0/16</cidrIpv4>
        <cidrIpv6>2001:db8::/32</cidrIpv6>
        <prefixListId>pl-1</prefixListId>
        <referencedGroupInfo>
            <groupId>sg-2</groupId>
            <peeringStatus>active</peeringStatus>
            <userId>210987654321</userId>
            <vpcId>vpc-2</vpcId>
            <vpcPeeringConnectionId>pcx-1</vpcPeeringConnectionId>
        </referencedGroupInfo>
        <description>app &amp; batch &lt;prod&gt; &quot;x&apos; &#233;&#x263A; ünïcode  </description>
        <tagSet>
            <item><key>Name</key><value>a=b, c</value></item>
            <item><key>empty</key><value/></item>
        </tagSet>
        <securityGroupRuleArn>arn:aws:ec2:us-east-1:123456789012:security-group-rule/sgr-0abc</securityGroupRuleArn>
    </item>
    <item>
        <securityGroupRuleId>sgr-0def</securityGroupRuleId>
        <groupId>sg-1</groupId>
        <isEgress>true</isEgress>
        <ipProtocol>-1</ipProtocol>
        <fromPort>-1</fromPort>
        <toPort>-1</toPort>
        <cidrIpv4>0.0.0.0/0</cidrIpv4>
        <description></description>
        <tagSet/>
    </item>`;
const FULL_GROUP = `
    <item>
        <ownerId>123456789012</ownerId>
        <groupId>sg-1</groupId>
        <groupName>orders &amp; billing</groupName>
        <groupDescription>Aurora PostgreSQL — writers</groupDescription>
        <vpcId>vpc-1</vpcId>
        <securityGroupArn>arn:aws:ec2:us-east-1:123456789012:security-group/sg-1</securityGroupArn>
        <ipPermissions>
            <item>
                <ipProtocol>tcp</ipProtocol>
                <fromPort>5432</fromPort>
                <toPort>5432</toPort>
                <groups>
                    <item>
                        <description>from app</description>
                        <userId>123456789012</userId>
                        <groupName>app</groupName>
                        <groupId>sg-2</groupId>
                        <vpcId>vpc-2</vpcId>
                        <vpcPeeringConnectionId>pcx-1</vpcPeeringConnectionId>
                        <peeringStatus>active</peeringStatus>
                    </item>
                </groups>
                <ipRanges><item><cidrIp>10.0.0.0/16</cidrIp><description>office</description></item></ipRanges>
                <ipv6Ranges><item><cidrIpv6>2001:db8::/32</cidrIpv6></item></ipv6Ranges>
                <prefixListIds><item><prefixListId>pl-1</prefixListId><description>s3</description></item></prefixListIds>
            </item>
            <item><ipProtocol>icmp</ipProtocol><fromPort>8</fromPort><toPort>-1</toPort><groups/><ipRanges/><ipv6Ranges/><prefixListIds/></item>
        </ipPermissions>
        <ipPermissionsEgress>
            <item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>
        </ipPermissionsEgress>
        <tagSet><item><key>env</key><value>prod</value></item></tagSet>
    </item>
    <item><ownerId>1</ownerId><groupId>sg-3</groupId><groupName>bare</groupName><groupDescription/><vpcId>vpc-1</vpcId><ipPermissions/><ipPermissionsEgress/></item>`;

describe('fast reader of the big EC2 answers (fastXml.ts)', () => {
  it('reads every member of DescribeSecurityGroupRules exactly as the SDK does', async () => {
    const r = await both(() => new DescribeSecurityGroupRulesCommand({}), rulesDoc(FULL_RULE, '\n  <nextToken>tok+/=</nextToken>'));
    assert.ok(r.read, 'the fast reader read the answer');
    assert.deepEqual(r.fast, r.sdk);
    const rules = (r.fast as { ok: { SecurityGroupRules: { Description: string; FromPort: number }[]; NextToken: string } }).ok;
    assert.equal(rules.SecurityGroupRules[0]!.Description, 'app & batch <prod> "x\' é☺ ünïcode  ');
    assert.equal(rules.SecurityGroupRules[1]!.FromPort, -1);
    assert.equal(rules.NextToken, 'tok+/=');
  });

  it('reads every member of DescribeSecurityGroups, the nested rules included, exactly as the SDK does', async () => {
    const r = await both(() => new DescribeSecurityGroupsCommand({}), groupsDoc(FULL_GROUP));
    assert.ok(r.read);
    assert.deepEqual(r.fast, r.sdk);
  });

  it('reads an answer on one line (as moto writes it), an empty list and a self-closed list the same way', async () => {
    for (const doc of [
      rulesDoc(FULL_RULE.replace(/\n\s*/g, '')),
      rulesDoc(''),
      rulesDoc('').replace('<securityGroupRuleSet></securityGroupRuleSet>', '<securityGroupRuleSet/>'),
      groupsDoc(FULL_GROUP).replace(/\n/g, '\r\n'),
      rulesDoc('<item><securityGroupRuleId>sgr-1</securityGroupRuleId><description>\n   </description><tagSet>\n</tagSet></item>'),
    ]) {
      const cmd = doc.includes('Rules') ? () => new DescribeSecurityGroupRulesCommand({}) : () => new DescribeSecurityGroupsCommand({});
      const r = await both(cmd, doc);
      assert.deepEqual(r.fast, r.sdk, doc.slice(0, 200));
    }
  });

  it('leaves to the SDK what it was not written for, with the same result', async () => {
    const cases = [
      rulesDoc('<item><securityGroupRuleId>sgr-1</securityGroupRuleId><newMember>x</newMember></item>'), // a member added to the API later
      rulesDoc('<item><description><![CDATA[a<b]]></description></item>'),
      rulesDoc('<item><description>a &nbsp; b</description></item>'),
      rulesDoc('<item><fromPort>eighty</fromPort></item>'),
      rulesDoc('<item><fromPort>80.0</fromPort></item>'),
      rulesDoc('<item><isEgress>yes</isEgress></item>'),
      rulesDoc('<item><groupId kind="x">sg-1</groupId></item>'),
      rulesDoc('<item><!-- c --><groupId>sg-1</groupId></item>'),
      rulesDoc('<item><groupId>sg-1</groupId><groupId>sg-2</groupId></item>'),
      rulesDoc('<member><groupId>sg-1</groupId></member>'),
      rulesDoc('<item><referencedGroupInfo/></item>'),
      '\ufeff' + rulesDoc(''), // the SDK refuses a byte-order mark: so must the result
      rulesDoc('<item> <groupId>sg-1</groupId></item>'), // space without a line end: text to the SDK (an empty rule)
      rulesDoc('<item><description>&#x1F600;</description></item>'),
      rulesDoc('<item></item>'),
    ];
    for (const doc of cases) {
      const r = await both(() => new DescribeSecurityGroupRulesCommand({}), doc);
      assert.equal(r.read, false, `not read fast: ${doc.slice(170, 260)}`);
      assert.deepEqual(r.fast, r.sdk, doc);
    }
  });

  it('never touches an error answer: the same error, the same name and metadata', async () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>req-1</RequestID></Response>`;
    const r = await both(() => new DescribeSecurityGroupRulesCommand({}), body, 503);
    assert.equal(r.read, false);
    assert.deepEqual(r.fast, r.sdk);
    assert.equal((r.fast as { error: { name: string } }).error.name, 'RequestLimitExceeded');
  });

  it('reads only its two commands (another answer goes to the SDK)', async () => {
    const doc = `<?xml version="1.0"?><DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcSet><item><vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/16</cidrBlock></item></vpcSet></DescribeVpcsResponse>`;
    const r = await both(() => new DescribeVpcsCommand({}), doc);
    assert.equal(r.read, false);
    assert.deepEqual(r.fast, r.sdk);
    assert.equal(readFastAnswer('DescribeVpcsCommand', doc), undefined);
  });

  it('knows every member of the SDK shapes it reads (a member added in a later SDK fails here)', () => {
    type Shape = { fields: ReadonlyMap<string, unknown> };
    const shapes = ec2 as unknown as Record<string, [number, string, string, unknown, string[]]>;
    const members = (name: string) => [...shapes[`${name}$`]![4]].sort();
    const sub = (s: Shape, xmlName: string) => (s.fields.get(xmlName) as { of: Shape }).of;
    const names = (s: Shape) => [...s.fields.values()].map((f) => (f as { name: string }).name).sort();
    const rule = sub(FAST_ANSWERS.DescribeSecurityGroupRulesCommand!.body, 'securityGroupRuleSet');
    const group = sub(FAST_ANSWERS.DescribeSecurityGroupsCommand!.body, 'securityGroupInfo');
    assert.deepEqual(names(rule), members('SecurityGroupRule'));
    assert.deepEqual(names(sub(rule, 'referencedGroupInfo')), members('ReferencedSecurityGroup'));
    assert.deepEqual(names(sub(rule, 'tagSet')), members('Tag'));
    assert.deepEqual(names(group), members('SecurityGroup'));
    const perm = sub(group, 'ipPermissions');
    assert.equal(sub(group, 'ipPermissionsEgress'), perm);
    assert.deepEqual(names(perm), members('IpPermission'));
    for (const [xmlName, shape] of [
      ['groups', 'UserIdGroupPair'],
      ['ipRanges', 'IpRange'],
      ['ipv6Ranges', 'Ipv6Range'],
      ['prefixListIds', 'PrefixListId'],
    ] as const)
      assert.deepEqual(names(sub(perm, xmlName)), members(shape), shape);
  });

  it('equals the SDK on 300 random answers (odd names, entities, spacing, absent members)', async () => {
    const read0 = fastAnswers.read;
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const text = () => {
      const alphabet = ['a', 'Z', '0', ' ', '&', '<', '>', '"', "'", 'é', '☺', '-', '_', '.', ':', '/', '=', '+', '#', '@', '[', ']', '\t', '😀'];
      let s = '';
      for (let i = Math.floor(rand() * 12); i > 0; i--) s += pick(alphabet);
      return s;
    };
    // Mostly AWS's and moto's spacing; now and then a space without a line end (text to the SDK: left to it).
    const ws = () => (rand() < 0.01 ? ' ' : pick(['', '', '\n    ', '\n\t', ' \n']));
    const el = (name: string, value: string) =>
      rand() < 0.25 ? '' : value === '' && rand() < 0.5 ? `${ws()}<${name}/>` : `${ws()}<${name}>${x(value)}</${name}>`;
    const tags = () =>
      rand() < 0.3
        ? ''
        : `${ws()}<tagSet>${Array.from({ length: Math.floor(rand() * 3) }, () => `<item>${el('key', text())}${el('value', text())}</item>`).join('')}</tagSet>`;
    const port = () => String(pick([-1, 0, 22, 3306, 5432, 65535]));
    for (let k = 0; k < 150; k++) {
      const rules = Array.from(
        { length: Math.floor(rand() * 5) },
        () =>
          `${ws()}<item>${el('securityGroupRuleId', `sgr-${k}`)}${el('groupId', 'sg-1')}${el('isEgress', pick(['true', 'false']))}${el('ipProtocol', pick(['tcp', '-1', 'udp', '58']))}${el('fromPort', port())}${el('toPort', port())}${el('cidrIpv4', '10.0.0.0/8')}${rand() < 0.3 ? `<referencedGroupInfo>${el('groupId', 'sg-2')}${el('userId', '1')}</referencedGroupInfo>` : ''}${el('description', text())}${tags()}${ws()}</item>`,
      ).join('');
      const r1 = await both(() => new DescribeSecurityGroupRulesCommand({}), rulesDoc(rules, rand() < 0.5 ? `<nextToken>${x(text())}</nextToken>` : ''));
      assert.deepEqual(r1.fast, r1.sdk, rules);
      const perm = () =>
        `<item>${el('ipProtocol', 'tcp')}${el('fromPort', port())}${el('toPort', port())}<groups>${rand() < 0.5 ? `<item>${el('groupId', 'sg-2')}${el('description', text())}${el('userId', '1')}</item>` : ''}</groups><ipRanges>${rand() < 0.7 ? `<item>${el('cidrIp', '10.1.0.0/16')}${el('description', text())}</item>` : ''}</ipRanges>${ws()}</item>`;
      const groups = Array.from(
        { length: Math.floor(rand() * 4) },
        () =>
          `${ws()}<item>${el('ownerId', '1')}${el('groupId', `sg-${k}`)}${el('groupName', text())}${el('groupDescription', text())}${el('vpcId', 'vpc-1')}<ipPermissions>${Array.from({ length: Math.floor(rand() * 3) }, perm).join('')}</ipPermissions>${rand() < 0.5 ? `<ipPermissionsEgress>${perm()}</ipPermissionsEgress>` : ''}${tags()}</item>`,
      ).join('');
      const r2 = await both(() => new DescribeSecurityGroupsCommand({}), groupsDoc(groups));
      assert.deepEqual(r2.fast, r2.sdk, groups);
    }
    // Most of them read by the fast reader (not left to the SDK, which would compare the SDK with itself).
    assert.ok(fastAnswers.read - read0 > 200, `read fast: ${fastAnswers.read - read0} of 300`);
  });
});

// The RDS answers, read with the shape compiled from the command's own SDK schema.
const rdsClient = (body: string, fast: boolean) => fake(RDSClient, body, 200, fast);

async function bothRds(make: () => DescribeDBClustersCommand | DescribeDBInstancesCommand, body: string) {
  const before = fastAnswers.read;
  const sdk = await rdsClient(body, false).send(make() as never);
  const fast = await rdsClient(body, true).send(make() as never);
  return { sdk, fast, read: fastAnswers.read > before };
}

// One DB cluster and one DB instance as moto 5.2.1 answers them (every member moto writes).
const MOTO_CLUSTER = `<DBCluster><AllocatedStorage>1</AllocatedStorage><AvailabilityZones><AvailabilityZone>us-east-1a</AvailabilityZone><AvailabilityZone>us-east-1b</AvailabilityZone><AvailabilityZone>us-east-1c</AvailabilityZone></AvailabilityZones><BackupRetentionPeriod>1</BackupRetentionPeriod><DBClusterIdentifier>c1</DBClusterIdentifier><DBClusterParameterGroup>default.aurora8.0</DBClusterParameterGroup><DBSubnetGroup>default</DBSubnetGroup><Status>available</Status><EarliestRestorableTime>2026-12-05T13:55:50.577844Z</EarliestRestorableTime><Endpoint>c1.cluster-zv4f8uaft277.us-east-1.rds.amazonaws.com</Endpoint><ReaderEndpoint>c1.cluster-ro-zv4f8uaft277.us-east-1.rds.amazonaws.com</ReaderEndpoint><MultiAZ>false</MultiAZ><Engine>aurora-postgresql</Engine><EngineVersion>12.7</EngineVersion><LatestRestorableTime>2026-12-05T13:56:13.411657Z</LatestRestorableTime><Port>5432</Port><MasterUsername>u</MasterUsername><PreferredBackupWindow>01:37-02:07</PreferredBackupWindow><PreferredMaintenanceWindow>wed:02:40-wed:03:10</PreferredMaintenanceWindow><ReadReplicaIdentifiers/><DBClusterMembers/><VpcSecurityGroups/><HostedZoneId>N9363IBXF2M1B3</HostedZoneId><StorageEncrypted>false</StorageEncrypted><KmsKeyId>default_kms_key_id</KmsKeyId><DbClusterResourceId>cluster-LALXKET574UUGI3BHFXTXT311F</DbClusterResourceId><DBClusterArn>arn:aws:rds:us-east-1:123456789012:cluster:c1</DBClusterArn><AssociatedRoles/><IAMDatabaseAuthenticationEnabled>false</IAMDatabaseAuthenticationEnabled><ClusterCreateTime>2026-12-05T13:55:50.577656Z</ClusterCreateTime><BacktrackWindow>0</BacktrackWindow><EnabledCloudwatchLogsExports/><EngineMode>provisioned</EngineMode><ScalingConfigurationInfo/><StorageType>gp2</StorageType><PubliclyAccessible>false</PubliclyAccessible><AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade><DeletionProtection>false</DeletionProtection><HttpEndpointEnabled>false</HttpEndpointEnabled><CopyTagsToSnapshot>false</CopyTagsToSnapshot><CrossAccountClone>false</CrossAccountClone><DomainMemberships/><TagList/><GlobalWriteForwardingRequested>false</GlobalWriteForwardingRequested><NetworkType>IPV4</NetworkType></DBCluster>`;
const MOTO_INSTANCE = `<DBInstance><DBInstanceIdentifier>bench-cluster-0-1</DBInstanceIdentifier><DBInstanceClass>db.r6g.large</DBInstanceClass><Engine>aurora-mysql</Engine><DBInstanceStatus>available</DBInstanceStatus><MasterUsername>bench_admin</MasterUsername><Endpoint><Address>bench-cluster-0-1.aaaaaaaaaa.us-east-1.rds.amazonaws.com</Address><Port>3306</Port></Endpoint><AllocatedStorage>1</AllocatedStorage><InstanceCreateTime>2026-12-05T13:58:51.609921Z</InstanceCreateTime><PreferredBackupWindow>01:37-02:07</PreferredBackupWindow><BackupRetentionPeriod>1</BackupRetentionPeriod><DBSecurityGroups/><VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-8b39d73e6e22035d7</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups><DBParameterGroups><DBParameterGroup><DBParameterGroupName>default.aurora-mysql5.7.mysql_aurora.2.07</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus></DBParameterGroup></DBParameterGroups><AvailabilityZone>us-east-1a</AvailabilityZone><PreferredMaintenanceWindow>wed:06:38-wed:07:08</PreferredMaintenanceWindow><LatestRestorableTime>2026-12-05T13:59:35.267177Z</LatestRestorableTime><MultiAZ>false</MultiAZ><EngineVersion>5.7.mysql_aurora.2.07.2</EngineVersion><AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade><ReadReplicaDBInstanceIdentifiers/><LicenseModel>general-public-license</LicenseModel><OptionGroupMemberships><OptionGroupMembership><OptionGroupName>default:aurora-mysql-5-7</OptionGroupName><Status>in-sync</Status></OptionGroupMembership></OptionGroupMemberships><StorageType>aurora</StorageType><DbInstancePort>3306</DbInstancePort><DBClusterIdentifier>bench-cluster-0</DBClusterIdentifier><StorageEncrypted>false</StorageEncrypted><KmsKeyId>default_kms_key_id</KmsKeyId><DbiResourceId>db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U</DbiResourceId><CACertificateIdentifier>rds-ca-default</CACertificateIdentifier><DomainMemberships/><CopyTagsToSnapshot>false</CopyTagsToSnapshot><PromotionTier>1</PromotionTier><DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:bench-cluster-0-1</DBInstanceArn><IAMDatabaseAuthenticationEnabled>false</IAMDatabaseAuthenticationEnabled><EnabledCloudwatchLogsExports/><DeletionProtection>false</DeletionProtection><TagList/></DBInstance>`;
const rdsDoc = (op: string, list: string, items: string, tail = '') =>
  `<${op}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${op}Result><${list}>${items}</${list}>${tail}</${op}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${op}Response>`;

describe('fast reader: RDS answers (shape compiled from the SDK schema)', () => {
  it("equals the SDK on moto's DB clusters and DB instances (timestamps, numbers, empty lists and structures)", async () => {
    const c = await bothRds(
      () => new DescribeDBClustersCommand({}),
      rdsDoc('DescribeDBClusters', 'DBClusters', MOTO_CLUSTER.repeat(3), '<Marker>m-1</Marker>'),
    );
    assert.equal(c.read, true);
    assert.deepEqual(c.fast, c.sdk);
    assert.equal((c.fast as { DBClusters?: unknown[] }).DBClusters?.length, 3);
    const i = await bothRds(() => new DescribeDBInstancesCommand({}), rdsDoc('DescribeDBInstances', 'DBInstances', MOTO_INSTANCE.repeat(2)));
    assert.equal(i.read, true);
    assert.deepEqual(i.fast, i.sdk);
  });

  it('leaves to the SDK what it was not written for, and the outputs still agree', async () => {
    const odd = [
      MOTO_CLUSTER.replace('<Port>', '<NotAMember>x</NotAMember><Port>'), // a member newer than the SDK
      MOTO_CLUSTER.replace(/<Port>\d+<\/Port>/, '<Port>0x10</Port>'), // a number it cannot read plainly
      MOTO_CLUSTER.replace(/<MultiAZ>false<\/MultiAZ>/, '<MultiAZ>FALSE</MultiAZ>'),
      MOTO_CLUSTER.replace('<Engine>', '<Engine><![CDATA[x]]>'),
      MOTO_CLUSTER.replace(/<ClusterCreateTime>[^<]*<\/ClusterCreateTime>/, '<ClusterCreateTime>yesterday</ClusterCreateTime>'),
    ];
    for (const item of odd) {
      const doc = rdsDoc('DescribeDBClusters', 'DBClusters', item);
      let sdk: unknown;
      try {
        sdk = await rdsClient(doc, false).send(new DescribeDBClustersCommand({}));
      } catch (e) {
        sdk = { error: (e as Error).name };
      }
      let fast: unknown;
      try {
        fast = await rdsClient(doc, true).send(new DescribeDBClustersCommand({}));
      } catch (e) {
        fast = { error: (e as Error).name };
      }
      assert.deepEqual(fast, sdk, item.slice(0, 80));
    }
  });

  it('equals the SDK on 200 random DB cluster answers (entities, spacing, absent and empty members)', async () => {
    const read0 = fastAnswers.read;
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const text = () => Array.from({ length: Math.floor(rand() * 10) }, () => pick(['a', 'Z', '0', ' ', '&', '<', '>', '"', 'é', '☺', '-', ':', '/'])).join('');
    const ws = () => pick(['', '', '\n  ', '\n\t']);
    const el = (name: string, value: string) =>
      rand() < 0.3 ? '' : value === '' && rand() < 0.5 ? `${ws()}<${name}/>` : `${ws()}<${name}>${x(value)}</${name}>`;
    for (let k = 0; k < 200; k++) {
      const clusters = Array.from(
        { length: Math.floor(rand() * 4) },
        () =>
          `${ws()}<DBCluster>${el('DBClusterIdentifier', text())}${el('Engine', pick(['aurora-mysql', 'aurora-postgresql']))}${el('Port', String(pick([3306, 5432, 0])))}${el('MultiAZ', pick(['true', 'false']))}${rand() < 0.5 ? `<ServerlessV2ScalingConfiguration>${el('MinCapacity', pick(['0.5', '1', '128']))}${el('MaxCapacity', '16.5')}</ServerlessV2ScalingConfiguration>` : el('ServerlessV2ScalingConfiguration', '')}${el('ClusterCreateTime', pick(['2026-12-05T13:55:50.577844Z', '2026-01-01T00:00:00Z', '2026-06-30T23:59:59.9+02:00']))}<VpcSecurityGroups>${Array.from({ length: Math.floor(rand() * 3) }, () => `<VpcSecurityGroupMembership>${el('VpcSecurityGroupId', `sg-${k}`)}${el('Status', 'active')}</VpcSecurityGroupMembership>`).join('')}</VpcSecurityGroups><AvailabilityZones>${Array.from({ length: Math.floor(rand() * 3) }, () => `<AvailabilityZone>${x(text())}</AvailabilityZone>`).join('')}</AvailabilityZones><TagList>${rand() < 0.5 ? `<Tag>${el('Key', text())}${el('Value', text())}</Tag>` : ''}</TagList>${ws()}</DBCluster>`,
      ).join('');
      const doc = rdsDoc('DescribeDBClusters', 'DBClusters', clusters, rand() < 0.5 ? `<Marker>${x(text())}</Marker>` : '');
      const r = await bothRds(() => new DescribeDBClustersCommand({}), doc);
      assert.deepEqual(r.fast, r.sdk, clusters);
    }
    assert.ok(fastAnswers.read - read0 > 150, `read fast: ${fastAnswers.read - read0} of 200`);
  });
});
