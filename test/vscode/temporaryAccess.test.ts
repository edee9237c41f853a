// Temporary access in the real VS Code against moto (issue 18): "Allow My IP for…" with a local
// stand-in for the address service, the tree's time left, the rule removed when the injected clock
// passes its expiry, an expired rule removed at the next load, and one left as a finding when
// auto-revoke is off.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { realClock } from '../../src/state/temporaryWatch';
import { manualClock, type ManualClock } from '../harness/manualClock';
import type { TestAccountIds } from '../harness/seed';
import { decodeTemporary, encodeTemporary, timeLeftText } from '../../src/domain/temporaryAccess';
import { VsCodePrompter } from '../../src/ui/vscodePrompter';
import { script } from './scripted';
import { api, aws, AWS_URL, descriptions, REGION, reseed, setSettings, walk } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);
// The injected clock starts at the real time: the tree's time left is computed on the real clock.
const T0 = Date.now();

async function dbRules(groupId: string) {
  const r = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (r.SecurityGroupRules ?? []).filter((x) => !x.IsEgress);
}

/** Resolves once the loaded data of the Region satisfies `ok` (waits on the store's change events). */
async function untilData(ok: () => boolean, what: string): Promise<void> {
  const a = await api();
  if (ok()) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, 30_000);
    const sub = a.ext.store.onChange(() => {
      if (!ok()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

describe('Temporary access: Allow My IP for… in a real VS Code', function () {
  this.timeout(120_000);
  let ids: TestAccountIds;
  let server: http.Server;
  let clock: ManualClock;

  before(async () => {
    ids = await reseed();
    server = http.createServer((_req, res) => res.end('198.51.100.23\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await setSettings({
      endpoint: AWS_URL,
      regions: [REGION],
      profile: '',
      'temporaryAccess.addressService': `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      'temporaryAccess.autoRevoke': true,
    });
    const a = await api();
    clock = manualClock(T0);
    a.ext.clock = clock;
    await a.ext.store.refreshAll([REGION]);
  });

  after(async () => {
    const a = await api();
    a.ext.ui = new VsCodePrompter();
    a.ext.clock = realClock;
    await setSettings({ 'temporaryAccess.addressService': undefined, 'temporaryAccess.autoRevoke': undefined });
    server?.close();
  });

  it('adds a /32 rule on the database port whose description records the expiry and the caller; the tree shows the time left', async () => {
    const p = await script('30 minutes', true);
    const added = await run<string[]>('auroraSg.allowMyIp', { region: REGION, clusterId: ids.mysqlClusterId });
    assert.deepEqual(p.errors, []);
    assert.equal(added?.length, 1);
    const rule = (await dbRules(ids.dbGroupId)).find((r) => r.SecurityGroupRuleId === added![0]);
    assert.equal(rule?.CidrIpv4, '198.51.100.23/32');
    assert.equal(rule?.FromPort, 3306);
    assert.equal(rule?.Description?.slice(0, 33), `temporary until ${new Date(Math.ceil((T0 + 30 * 60_000) / 60_000) * 60_000).toISOString().slice(0, 16)}Z`);
    assert.match(rule?.Description ?? '', / by arn:aws:(iam|sts)::123456789012:\S+$/);
    assert.match(p.confirms[0]!.message, /^Allow 198\.51\.100\.23\/32 to orders-mysql for 30 min\?$/);
    // The tree counts the time left on the real clock (the injected one drives only the expiry
    // watch): what it shows is the rule's expiry less the real time when the row was drawn, at most
    // a minute before this test read the tree.
    const expiresAt = decodeTemporary(rule?.Description)!.expiresAt;
    const minutesLeft = (t: string) => Number(/^(\d+) min left$/.exec(t)?.[1] ?? NaN);
    const early = minutesLeft(timeLeftText(expiresAt, Date.now() - 60_000));
    const inbound = await walk(REGION, 'VPCs', 'shop-vpc', 'dbsrv1', 'Inbound');
    const shown = await descriptions(inbound);
    const late = minutesLeft(timeLeftText(expiresAt, Date.now()));
    assert.ok(
      shown.some(
        (d) => d.startsWith('temporary · ') && minutesLeft(d.slice('temporary · '.length)) <= early && minutesLeft(d.slice('temporary · '.length)) >= late,
      ),
      `${shown.join(' | ')} (expected ${late} to ${early} min left)`,
    );
  });

  it('when the clock passes the expiry, the rule is removed without a question', async () => {
    const a = await api();
    await script();
    clock.advance(31 * 60_000);
    await untilData(() => !a.ext.store.index(REGION)?.snapshot.rules.some((r) => r.description?.startsWith('temporary until')), 'the expired rule to go');
    assert.ok(!(await dbRules(ids.dbGroupId)).some((r) => r.Description?.startsWith('temporary until')));
  });

  it('a rule that expired while VS Code was closed is removed at the next load; with auto-revoke off it is a finding instead', async () => {
    const a = await api();
    const expired = encodeTemporary(clock.now() - 3_600_000, 'arn:aws:iam::123456789012:user/someone');
    await setSettings({ 'temporaryAccess.autoRevoke': false });
    await aws().ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.dbGroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '192.0.2.44/32', Description: expired }] }],
      }),
    );
    await a.ext.store.refreshAll([REGION]);
    const idx = a.ext.store.index(REGION)!;
    assert.ok(
      idx.snapshot.rules.some((r) => r.description === expired),
      'auto-revoke off: kept',
    );
    const f = a.analysis.findingsOf(REGION, idx).filter((x) => x.kind === 'temporary-expired');
    assert.equal(f.length, 1, JSON.stringify(f));
    await setSettings({ 'temporaryAccess.autoRevoke': true });
    await a.ext.store.refreshAll([REGION]);
    await untilData(() => !a.ext.store.index(REGION)?.snapshot.rules.some((r) => r.description === expired), 'the expired rule to be removed after the load');
    assert.ok(!(await dbRules(ids.dbGroupId)).some((r) => r.Description === expired));
  });

  it('a bad answer of the address service is refused with what to check, and nothing is added', async () => {
    const bad = http.createServer((_req, res) => res.end('<html>captive portal</html>'));
    await new Promise<void>((r) => bad.listen(0, '127.0.0.1', r));
    try {
      await setSettings({ 'temporaryAccess.addressService': `http://127.0.0.1:${(bad.address() as AddressInfo).port}/` });
      const before = (await dbRules(ids.dbGroupId)).length;
      const p = await script();
      assert.equal(await run('auroraSg.allowMyIp', { region: REGION, clusterId: ids.mysqlClusterId, minutes: 30 }), undefined);
      assert.equal(p.errors.length, 1);
      assert.match(p.errors[0]!, /not an IP address\. Check the setting auroraSg\.temporaryAccess\.addressService/);
      assert.equal((await dbRules(ids.dbGroupId)).length, before);
    } finally {
      bad.close();
    }
  });

  it('Remove Temporary Rules Now lists every temporary rule (group, address, port) and removes exactly the chosen ones; with none left it says so', async () => {
    const a = await api();
    // The test before left the address service pointing at its closed stand-in.
    await setSettings({ 'temporaryAccess.addressService': `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
    const p0 = await script('1 hour', true);
    const mine = await run<string[]>('auroraSg.allowMyIp', { region: REGION, clusterId: ids.mysqlClusterId });
    assert.deepEqual(p0.errors, []);
    const theirs = encodeTemporary(clock.now() + 4 * 3_600_000, 'arn:aws:iam::123456789012:user/teammate');
    await aws().ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.dbGroupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '192.0.2.50/32', Description: theirs }] }],
      }),
    );
    await a.ext.store.refreshAll([REGION]);
    const p = await script([/192\.0\.2\.50\/32/], true);
    const removed = await run<string[]>('auroraSg.revokeTemporaryRules');
    assert.deepEqual(p.errors, []);
    assert.deepEqual([...p.pickItems[0]!].sort(), ['dbsrv1: 192.0.2.50/32 tcp 3306', 'dbsrv1: 198.51.100.23/32 tcp 3306']);
    assert.match(p.confirms[0]!.message, /^Remove this rule\?/);
    assert.equal(removed?.length, 1);
    const left = await dbRules(ids.dbGroupId);
    assert.ok(!left.some((r) => r.CidrIpv4 === '192.0.2.50/32'), 'the chosen rule is gone from AWS');
    assert.ok(
      left.some((r) => r.SecurityGroupRuleId === mine![0]),
      'the rule not chosen is kept',
    );
    // The rest, then nothing is left to list.
    await script([/198\.51\.100\.23\/32/], true);
    assert.deepEqual(await run<string[]>('auroraSg.revokeTemporaryRules'), mine);
    const none = await script();
    assert.equal(await run('auroraSg.revokeTemporaryRules'), undefined);
    assert.match(none.errors.join('\n') + none.infos.join('\n'), /There is no temporary rule in the loaded Regions\./);
    assert.ok(!(await dbRules(ids.dbGroupId)).some((r) => r.Description?.startsWith('temporary until')));
  });
});
