// Several accounts at once in the real VS Code (issue 17): auroraSg.profiles with two moto accounts
// (dev: moto's default account; prod: another account, keys from moto's cross-account AssumeRole)
// and one signed-out SSO profile. The tree's root is the accounts; the signed-out one says so and
// blocks neither of the others; a command from a node of prod writes in prod only and its
// confirmation names the production account first; Sign in reloads that account.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeSecurityGroupRulesCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateAccountAliasCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Node } from '../../src/tree/nodes';
import { accountClients, accountKeys, DEFAULT_ACCOUNT, writeProfiles, type AccountKeys } from '../harness/accounts';
import type { Clients } from '../harness/seed';
import { script } from './scripted';
import { api, AWS_URL, children, item, labelOf, MOTO_URL, REGION, resetMoto, setSettings } from './util';

const PROD = '222222222222';
const LATER = '333333333333';
const files = () => ({ config: process.env.AWS_CONFIG_FILE!, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE! });

/** A group with one inbound rule (tcp 5432 from 10.9.0.0/24) in the account's default VPC. */
async function seedGroup(c: Clients, name: string): Promise<string> {
  const vpc = (await c.ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!;
  const g = await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpc.VpcId }));
  await c.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: g.GroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.9.0.0/24' }] }],
    }),
  );
  return g.GroupId!;
}

async function ingress(c: Clients, groupId: string): Promise<string[]> {
  const out = await c.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (out.SecurityGroupRules ?? []).filter((r) => !r.IsEgress).map((r) => `${r.IpProtocol} ${r.FromPort} ${r.CidrIpv4}`);
}

describe('Several accounts (auroraSg.profiles): two moto accounts and a signed-out one', () => {
  let dev: Clients;
  let prod: Clients;
  let devKeys: AccountKeys;
  let prodKeys: AccountKeys;
  let devGroup: string;
  let prodGroup: string;
  let saved: { config?: string; credentials?: string };

  before(async () => {
    await resetMoto();
    devKeys = { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' };
    prodKeys = await accountKeys(MOTO_URL, PROD);
    dev = accountClients(MOTO_URL, REGION, devKeys);
    prod = accountClients(MOTO_URL, REGION, prodKeys);
    devGroup = await seedGroup(dev, 'orders-db');
    prodGroup = await seedGroup(prod, 'orders-db');
    const iam = new IAMClient({ endpoint: MOTO_URL, region: REGION, credentials: prodKeys });
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-live' }));
    iam.destroy();
    const f = files();
    saved = {
      config: fs.existsSync(f.config) ? fs.readFileSync(f.config, 'utf8') : undefined,
      credentials: fs.existsSync(f.credentials) ? fs.readFileSync(f.credentials, 'utf8') : undefined,
    };
    writeProfiles(f, { dev: devKeys, prod: prodKeys }, ['gone']);
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '', profiles: ['dev', 'prod', 'gone'] });
  });

  after(async () => {
    const a = await api();
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    a.ext.ui = new VsCodePrompter();
    await setSettings({ profiles: undefined });
    const f = files();
    for (const [file, text] of [
      [f.config, saved.config],
      [f.credentials, saved.credentials],
    ] as const)
      if (text === undefined) fs.rmSync(file, { force: true });
      else fs.writeFileSync(file, text);
    dev?.ec2.destroy();
    prod?.ec2.destroy();
  });

  async function accountRows(): Promise<{ node: Node; label: string; description: string; context?: string }[]> {
    const a = await api();
    const roots = await a.provider.getChildren();
    await Promise.all(a.ext.settings.profiles.map((p) => a.ext.accounts.ensure(p)));
    return Promise.all(
      roots.map(async (node) => {
        const i = await item(node);
        return { node, label: labelOf(i), description: String(i.description ?? ''), context: i.contextValue };
      }),
    );
  }

  it('the root is the accounts, each with its id and alias; the signed-out one says so and offers Sign in', async () => {
    const rows = await accountRows();
    assert.deepEqual(
      rows.map((r) => [r.node.kind, r.label, r.description, r.context]),
      [
        ['account', 'dev', DEFAULT_ACCOUNT, 'account'],
        ['account', 'prod', `PRODUCTION · ${PROD} · acme-live`, 'account'],
        ['account', 'gone', 'signed out: Sign in', 'account.signedOut'],
      ],
    );
    const a = await api();
    await a.statusBar.updated();
    assert.match(a.statusBar.item.text, /dev, PROD, gone · 3 Regions/);
  });

  it('each account loads its own Regions: dev and prod load, gone fails alone with what to do', async () => {
    const a = await api();
    const rows = await accountRows();
    const regionsOf = async (i: number) => children(rows[i].node);
    const [devRegions, prodRegions, goneRegions] = await Promise.all([regionsOf(0), regionsOf(1), regionsOf(2)]);
    assert.deepEqual(
      [...devRegions, ...prodRegions, ...goneRegions].map((n) => n.region),
      [`dev/${REGION}`, `prod/${REGION}`, `gone/${REGION}`],
    );
    const [, , gone] = await Promise.all([children(devRegions[0]), children(prodRegions[0]), children(goneRegions[0])]);
    assert.equal(gone[0].kind, 'message');
    assert.match(labelOf(await item(gone[0])), /^Failed to load gone\/us-east-1: .*aws sso login --profile gone/);
    // The others loaded in full, each with its own account's groups.
    const devIdx = a.ext.store.index(`dev/${REGION}`)!;
    const prodIdx = a.ext.store.index(`prod/${REGION}`)!;
    assert.ok(devIdx.groupsById.has(devGroup) && !devIdx.groupsById.has(prodGroup));
    assert.ok(prodIdx.groupsById.has(prodGroup) && !prodIdx.groupsById.has(devGroup));
    assert.equal(prodIdx.groupsById.get(prodGroup)?.ownerId, PROD);
    // A Region's row is under its account (reveal finds it).
    assert.deepEqual(a.provider.getParent(prodRegions[0]), { kind: 'account', profile: 'prod', region: '' });
  });

  it('Remove Rule from a rule node of prod removes it in prod only; the confirmation names the production account first', async () => {
    const a = await api();
    const idx = a.ext.store.index(`prod/${REGION}`)!;
    const rule = idx.rulesOf(prodGroup, false).find((r) => r.peer.kind === 'cidr4' && r.peer.cidr === '10.9.0.0/24')!;
    const node: Node = { kind: 'rule', region: `prod/${REGION}`, groupId: prodGroup, ruleId: rule.ruleId, egress: false };
    const p = await script(true);
    await vscode.commands.executeCommand('auroraSg.removeRule', node);
    assert.equal(p.confirms.length, 1);
    assert.match(p.confirms[0].detail, new RegExp(`^PRODUCTION account prod \\(${PROD}, alias acme-live\\), Region ${REGION}\\.`));
    assert.deepEqual(await ingress(prod, prodGroup), []);
    assert.deepEqual(await ingress(dev, devGroup), ['tcp 5432 10.9.0.0/24']);
    // The activity log keeps the scope.
    assert.equal(a.ext.activity.list()[0]?.region, `prod/${REGION}`);
  });

  it('Sign in runs the sign-in of that profile and, when it ends with exit code 0, loads the account', async () => {
    const a = await api();
    const later = await accountKeys(MOTO_URL, LATER);
    const asked: string[] = [];
    const original = a.ext.signInRunner;
    a.ext.signInRunner = async (profile) => {
      asked.push(profile);
      // What aws sso login leaves behind: credentials the profile resolves to.
      writeProfiles(files(), { dev: devKeys, prod: prodKeys, gone: later });
      return 0;
    };
    try {
      const rows = await accountRows();
      await vscode.commands.executeCommand('auroraSg.signIn', rows[2].node);
      assert.deepEqual(asked, ['gone']);
      assert.equal(a.ext.accounts.info('gone').identity?.accountId, LATER);
      assert.ok(a.ext.store.index(`gone/${REGION}`), 'the signed-in account loaded');
      assert.equal((await accountRows())[2].context, 'account');
    } finally {
      a.ext.signInRunner = original;
    }
  });
});
