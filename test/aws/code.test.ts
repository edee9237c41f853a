// Changes as code, run: the AWS CLI commands the extension generates (src/domain/code/cli.ts) are run
// by the real `aws` CLI against moto, through the AWS-rules layer, and the state they leave is compared
// with what the extension's own change (the gateway's write) leaves: one rule added to twin groups,
// one cluster's group list, one group re-created by its export script.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateManagedPrefixListCommand } from '@aws-sdk/client-ec2';
import { createGateway, type AwsGateway } from '../../src/aws/index';
import { databaseGroupsChange, groupExport, renderCode, ruleChange } from '../../src/domain/code';
import type { RuleSpec, SecurityGroupRule } from '../../src/domain/model';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { motoEnv, startMoto, type MotoServer } from '../harness/moto';
import { rulesAudit } from '../harness/rulesAudit';
import { clientsFor, createGroup, seedTestAccount, type TestAccountIds } from '../harness/seed';

const REGION = 'us-east-1';

/** Runs a generated script with `sh`, its `aws` pointed at the endpoint (--endpoint-url) with dummy credentials. */
function runScript(script: string, endpoint: string, dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(dir, `script-${Date.now()}-${Math.random().toString(16).slice(2)}.sh`);
  // The script is run as generated; only `aws` is wrapped, as a user's alias would be.
  writeFileSync(file, `aws() { command aws --endpoint-url "$AURORA_SG_TEST_ENDPOINT" "$@"; }\n${script}`);
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-e', file], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_CONFIG_FILE: path.join(dir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
        AURORA_SG_TEST_ENDPOINT: endpoint,
      },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += String(d)));
    p.stderr.on('data', (d) => (stderr += String(d)));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A rule as compared between the twins: what it allows, without its id and group. */
const shape = (r: SecurityGroupRule, self: string) => ({
  isEgress: r.isEgress,
  protocol: r.protocol,
  fromPort: r.fromPort,
  toPort: r.toPort,
  peer: r.peer.kind === 'group' && r.peer.groupId === self ? { kind: 'self' } : { ...r.peer, ...(r.peer.kind === 'group' ? { userId: undefined } : {}) },
  description: r.description ?? '',
});
const shapes = (rules: readonly SecurityGroupRule[], self: string) => rules.map((r) => JSON.stringify(shape(r, self))).sort();

describe('Changes as code: the generated AWS CLI against moto', function () {
  this.timeout(300_000);
  let moto: MotoServer;
  let rules: FaultProxy;
  let audit: ReturnType<typeof rulesAudit>;
  let gw: AwsGateway;
  let ids: TestAccountIds;
  let dir: string;
  let prefixListId: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-sg-code-'));
    moto = await startMoto();
    ids = await seedTestAccount(moto.url, REGION);
    const c = clientsFor(moto.url, REGION);
    const pl = await c.ec2.send(
      new CreateManagedPrefixListCommand({ PrefixListName: 'office-ranges', AddressFamily: 'IPv4', MaxEntries: 2, Entries: [{ Cidr: '192.0.2.0/24' }] }),
    );
    prefixListId = pl.PrefixList!.PrefixListId!;
    c.ec2.destroy();
    c.rds.destroy();
    rules = await startFaultProxy(moto.url);
    audit = rulesAudit(rules);
    for (const [k, v] of Object.entries(motoEnv(moto.url, dir))) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    gw = createGateway({ endpoint: rules.url }, () => undefined);
  });

  const saved: Record<string, string | undefined> = {};
  after(async () => {
    gw?.dispose();
    await rules?.close();
    await moto?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    audit?.check();
  });

  /** Twin groups in the shop VPC: the extension changes one, the CLI the other. */
  async function twins(name: string): Promise<[string, string]> {
    const c = clientsFor(moto.url, REGION);
    try {
      return [await createGroup(c, ids.vpcId, `${name}-ext`, 'twin'), await createGroup(c, ids.vpcId, `${name}-cli`, 'twin')];
    } finally {
      c.ec2.destroy();
      c.rds.destroy();
    }
  }

  /** A rule of group `g`: tcp 5432 from 10.20.0.0/16 inbound unless `over` says otherwise. */
  const rule = (g: string, over: Partial<RuleSpec>): RuleSpec => ({
    groupId: g,
    isEgress: false,
    protocol: 'tcp',
    fromPort: 5432,
    toPort: 5432,
    peer: { kind: 'cidr4', cidr: '10.20.0.0/16' },
    ...over,
  });
  const kinds: { name: string; spec: (group: string) => RuleSpec }[] = [
    // Every punctuation character AWS allows in a description ($, !, *, & and ; matter to a shell).
    { name: 'IPv4 CIDR with a description of every character AWS allows', spec: (g) => rule(g, { description: 'App tier (v2) #1, a@b [x] +=&;{}!$* ._-:/' }) },
    { name: 'IPv6 CIDR', spec: (g) => rule(g, { fromPort: 3306, toPort: 3306, peer: { kind: 'cidr6', cidr: '2001:db8::/32' } }) },
    { name: 'another group as the source', spec: (g) => rule(g, { peer: { kind: 'group', groupId: ids.appGroupId }, description: 'From app' }) },
    { name: 'a prefix list', spec: (g) => rule(g, { fromPort: 443, toPort: 443, peer: { kind: 'prefixList', prefixListId } }) },
    {
      name: 'a UDP port range, outbound',
      spec: (g) => rule(g, { isEgress: true, protocol: 'udp', fromPort: 8000, toPort: 8100, peer: { kind: 'cidr4', cidr: '10.30.0.0/16' } }),
    },
    { name: 'all traffic', spec: (g) => rule(g, { protocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'cidr4', cidr: '10.20.1.0/24' } }) },
    { name: 'ICMP echo request', spec: (g) => rule(g, { protocol: 'icmp', fromPort: 8, toPort: -1, peer: { kind: 'cidr4', cidr: '10.20.2.0/24' } }) },
  ];

  kinds.forEach((k, i) => {
    it(`one new rule, ${k.name}: the CLI leaves the group as the extension's change does`, async () => {
      const [ext, cli] = await twins(`rule${i}`);
      await gw.authorizeRule(REGION, k.spec(ext));
      const script = renderCode('cli', [ruleChange(k.spec(cli))], { region: REGION, title: k.name });
      const run = await runScript(script, rules.url, dir);
      assert.equal(run.code, 0, `${script}\n${run.stderr}`);
      const [a, b] = [await gw.readRules(REGION, [ext]), await gw.readRules(REGION, [cli])];
      assert.ok(a.length >= 2, 'the default outbound rule and the new one');
      assert.deepEqual(shapes(b, cli), shapes(a, ext));
    });
  });

  it("a cluster's group list: modify-db-cluster leaves the list the extension's setClusterGroups leaves (no --apply-immediately)", async () => {
    const list = [ids.dbGroupId, ids.appGroupId];
    await gw.setClusterGroups(REGION, ids.mysqlClusterId, list);
    const afterExt = (await gw.loadRegion(REGION)).clusters.find((c) => c.clusterId === ids.mysqlClusterId)!.securityGroups.map((g) => g.groupId);
    const list2 = [ids.pgGroupId, ids.appGroupId];
    const script = renderCode('cli', [databaseGroupsChange('cluster', undefined, ids.pgClusterId, list2)], { region: REGION, title: 'associate' });
    const run = await runScript(script, rules.url, dir);
    assert.equal(run.code, 0, `${script}\n${run.stderr}`);
    const afterCli = (await gw.loadRegion(REGION)).clusters.find((c) => c.clusterId === ids.pgClusterId)!.securityGroups.map((g) => g.groupId);
    assert.deepEqual(afterExt, list);
    assert.deepEqual(afterCli, list2);
    const modify = rules.requests.filter((r) => r.action === 'ModifyDBCluster');
    assert.equal(modify.length, 2);
    for (const r of modify) assert.ok(!r.params.get('ApplyImmediately'), `#${r.seq} carries ApplyImmediately`);
  });

  it('an exported group, re-created by its script in another VPC, has the same rules (a self-reference pointing at the new group)', async () => {
    const [g] = await twins('export');
    await gw.authorizeRule(REGION, kinds[0].spec(g));
    await gw.authorizeRule(REGION, {
      groupId: g,
      isEgress: false,
      protocol: 'tcp',
      fromPort: 5432,
      toPort: 5432,
      peer: { kind: 'group', groupId: g },
      description: 'self',
    });
    await gw.authorizeRule(REGION, kinds[1].spec(g));
    const snap = await gw.loadRegion(REGION);
    const group = snap.groups.find((x) => x.groupId === g)!;
    const before = snap.rules.filter((r) => r.groupId === g);
    const script = renderCode('cli', groupExport(group, before), { region: REGION, title: 'export', file: true }).replace(
      /^VPC_ID=.*$/m,
      `VPC_ID=${ids.otherVpcId}`,
    );
    const run = await runScript(script, rules.url, dir);
    assert.equal(run.code, 0, `${script}\n${run.stderr}`);
    const copy = (await gw.loadRegion(REGION)).groups.find((x) => x.vpcId === ids.otherVpcId && x.groupName === group.groupName)!;
    assert.ok(copy, 'the group was re-created in the other VPC');
    assert.equal(copy.description, group.description);
    assert.deepEqual(shapes(await gw.readRules(REGION, [copy.groupId]), copy.groupId), shapes(before, g));
  });
});
