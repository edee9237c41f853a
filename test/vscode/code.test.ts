// Changes as code in a real VS Code against moto: Copy as Code from the add-rule confirmation (the
// clipboard holds the change, nothing is changed), a CloudFormation-managed group (the tree says so,
// its confirmation warns of drift and offers Copy as Code Instead), and Export Security Group as Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateTagsCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { COPY_AS_CODE, COPY_AS_CODE_INSTEAD } from '../../src/ui/prompter';
import * as W from '../../src/domain/walkthrough';
import { WalkthroughController } from '../../src/webview/walkthroughController';
import { memoryStorage, watchWalkthrough } from '../harness/headlessWalkthrough';
import type { TestAccountIds } from '../harness/seed';
import { ScriptedPrompter, type Answer, script as scripted } from './scripted';
import { api, aws, AWS_URL, item, REGION, reseed, setSettings, walk } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

/** The shared script() (scripted.ts), its copies also put on the real clipboard, as the VS Code prompter writes it. */
async function script(...answers: Answer[]): Promise<ScriptedPrompter> {
  const p = await scripted(...answers);
  p.clipboard = (text) => vscode.env.clipboard.writeText(text);
  return p;
}

async function clusterGroups(clusterId: string): Promise<string[]> {
  const out = await aws().rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
  return (out.DBClusters?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!);
}

async function ruleIds(groupId: string): Promise<string[]> {
  const out = await aws().ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (out.SecurityGroupRules ?? []).map((r) => r.SecurityGroupRuleId!).sort();
}

describe('Changes as code in a real VS Code', () => {
  let ids: TestAccountIds;

  before(async () => {
    ids = await reseed();
    await aws().ec2.send(new CreateTagsCommand({ Resources: [ids.pgGroupId], Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'billing-prod' }] }));
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '', managedByTags: undefined });
    await (await api()).ext.store.refreshAll([REGION]);
  });

  after(async () => {
    const { VsCodePrompter } = await import('../../src/ui/vscodePrompter');
    (await api()).ext.ui = new VsCodePrompter();
  });

  it('Copy as Code from the add-rule confirmation puts the rule as CloudFormation on the clipboard and changes nothing', async () => {
    const before = await ruleIds(ids.dbGroupId);
    await vscode.env.clipboard.writeText('');
    const p = await script(COPY_AS_CODE, 'CloudFormation YAML');
    const r = await run('auroraSg.addInboundRule', { region: REGION, groupId: ids.dbGroupId, protocol: 'tcp', fromPort: 3306, source: { cidr: '0.0.0.0/0' } });
    assert.equal(r, undefined);
    assert.deepEqual(await ruleIds(ids.dbGroupId), before, 'nothing was added');
    assert.equal(p.confirms.length, 1);
    assert.equal(p.confirms[0].code, COPY_AS_CODE);
    const text = await vscode.env.clipboard.readText();
    assert.equal(text, p.copied[0]);
    for (const line of [
      'AWSTemplateFormatVersion: "2010-09-09"',
      '    Type: AWS::EC2::SecurityGroupIngress',
      `      GroupId: "${ids.dbGroupId}"`,
      '      IpProtocol: "tcp"',
      '      FromPort: 3306',
      '      ToPort: 3306',
      '      CidrIp: "0.0.0.0/0"',
    ])
      assert.ok(text.split('\n').includes(line), `missing ${JSON.stringify(line)} in\n${text}`);
    assert.deepEqual(p.infos, ['Copied the change as CloudFormation YAML to the clipboard; nothing was changed.']);
  });

  it("Copy as Code from the association confirmation: the cluster's whole new list as Terraform, imported; the cluster unchanged", async () => {
    const before = await clusterGroups(ids.mysqlClusterId);
    const p = await script(COPY_AS_CODE, 'Terraform');
    assert.equal(await run('auroraSg.associateWithCluster', { region: REGION, clusterId: ids.mysqlClusterId, groupIds: [ids.appGroupId] }), undefined);
    assert.deepEqual(await clusterGroups(ids.mysqlClusterId), before);
    assert.equal(p.confirms[0].code, COPY_AS_CODE);
    const text = await vscode.env.clipboard.readText();
    assert.match(text, /^resource "aws_rds_cluster" "orders_mysql" \{$/m);
    assert.match(text, new RegExp(`^ {2}vpc_security_group_ids = \\["${before.join('", "')}", "${ids.appGroupId}"\\]$`, 'm'));
    assert.match(text, /^ {2}to = aws_rds_cluster\.orders_mysql$/m);
    assert.match(text, /^ {2}id = "orders-mysql"$/m);
    assert.doesNotMatch(text, /apply_immediately/);
  });

  it('a group tagged by CloudFormation shows "managed by" in the tree and hover', async () => {
    const node = await walk(REGION, 'VPCs', 'shop-vpc', 'pgsrv1');
    const i = await item(node);
    assert.match(String(i.description), /^managed by CloudFormation stack billing-prod · /);
    // A group's hover is made when it opens (resolveTreeItem), with its "Used by" part.
    const hover = await (await api()).provider.resolveTreeItem(i, node);
    assert.match((hover.tooltip as vscode.MarkdownString).value, /Managed by CloudFormation stack billing\\-prod/);
  });

  it('its add-rule confirmation warns the change will drift; Copy as Code Instead copies Terraform and changes nothing; confirming adds the rule', async () => {
    const before = await ruleIds(ids.pgGroupId);
    const args = { region: REGION, groupId: ids.pgGroupId, protocol: 'tcp', fromPort: 5432, source: { cidr: '10.20.9.0/24' }, description: 'Reporting' };
    const p = await script(COPY_AS_CODE_INSTEAD, 'Terraform');
    assert.equal(await run('auroraSg.addInboundRule', args), undefined);
    assert.deepEqual(await ruleIds(ids.pgGroupId), before);
    assert.equal(p.confirms[0].message, 'Add tcp 5432 from 10.20.9.0/24 to pgsrv1, managed by CloudFormation stack billing-prod?');
    assert.match(p.confirms[0].detail, /This change will drift from its source: the next deploy may revert it/);
    assert.equal(p.confirms[0].code, COPY_AS_CODE_INSTEAD);
    const text = await vscode.env.clipboard.readText();
    assert.match(text, /^resource "aws_vpc_security_group_ingress_rule" "pgsrv1_ingress_tcp_5432" \{$/m);
    assert.match(text, /^ {2}description += "Reporting"$/m);
    const yes = await script(true);
    const created = await run<string[]>('auroraSg.addInboundRule', args);
    assert.equal(created?.length, 1, yes.errors.join());
    assert.equal((await ruleIds(ids.pgGroupId)).length, before.length + 1);
  });

  it("the walkthrough's Copy as Terraform / CloudFormation: the groups still to create, referred to by resource", async () => {
    const { ext } = await api();
    const choices = {
      region: REGION,
      target: `cluster:${ids.mysqlClusterId}`,
      clientCidrs: '203.0.113.0/24',
      appGroupName: 'code-app',
      dbGroupName: 'code-db',
    };
    const c = new WalkthroughController(ext, memoryStorage(), W.initialState(choices));
    const seen = watchWalkthrough(c);
    await vscode.env.clipboard.writeText('');
    assert.equal(await c.handle({ type: 'copyCode', step: 'target', format: 'terraform' }), true);
    const tf = await vscode.env.clipboard.readText();
    assert.match(tf, /^resource "aws_security_group" "code_app" \{$/m);
    assert.match(tf, /^resource "aws_security_group" "code_db" \{$/m);
    assert.match(tf, /^ {2}security_group_id = aws_security_group\.code_app\.id$/m);
    assert.match(tf, /^ {2}cidr_ipv4 += "203\.0\.113\.0\/24"$/m);
    assert.match(seen.notices.at(-1)?.text ?? '', /^Copied the remaining steps as Terraform to the clipboard; nothing was changed\.$/);
    assert.equal(await c.handle({ type: 'copyCode', step: 'target', format: 'cloudformation' }), true);
    const cfn = await vscode.env.clipboard.readText();
    assert.match(cfn, /^ {6}GroupId: !GetAtt CodeAppSecurityGroup\.GroupId$/m);
    assert.equal(await c.handle({ type: 'copyCode', step: 'target', format: 'cli' }), false, "the CLI is the copy buttons' own");
  });

  it("the walkthrough's Copy as Terraform with existing groups: the database rule and the cluster's merged list, the cluster imported", async () => {
    const { ext } = await api();
    const choices = {
      region: REGION,
      target: `cluster:${ids.mysqlClusterId}`,
      clientCidrs: '203.0.113.0/24',
      appGroupId: ids.appGroupId,
      dbGroupId: ids.pgGroupId,
    };
    const c = new WalkthroughController(ext, memoryStorage(), W.initialState(choices));
    assert.equal(await c.handle({ type: 'copyCode', step: 'target', format: 'terraform' }), true);
    const tf = await vscode.env.clipboard.readText();
    assert.match(tf, new RegExp(`^ {2}referenced_security_group_id = "${ids.appGroupId}"$`, 'm'));
    assert.match(tf, /^resource "aws_rds_cluster" "orders_mysql" \{$/m);
    assert.match(tf, new RegExp(`^ {2}vpc_security_group_ids = \\["${ids.dbGroupId}", "${ids.pgGroupId}"\\]$`, 'm'));
    assert.match(tf, /^ {2}id = "orders-mysql"$/m);
  });

  it('Export Security Group as Code opens an editor with the group, its rules and their import blocks', async () => {
    await script();
    const r = await run<{ format: string; text: string; uri: string }>('auroraSg.exportSecurityGroup', {
      region: REGION,
      groupId: ids.pgGroupId,
      format: 'terraform',
    });
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc, 'an editor is open');
    assert.equal(doc.uri.toString(), r.uri);
    assert.equal(doc.isUntitled, true);
    assert.equal(doc.getText(), r.text);
    assert.match(r.text, /^resource "aws_security_group" "pgsrv1" \{$/m);
    assert.match(r.text, new RegExp(`^ {2}id = "${ids.pgGroupId}"$`, 'm'));
    for (const id of await ruleIds(ids.pgGroupId)) assert.match(r.text, new RegExp(`^ {2}id = "${id}"$`, 'm'), `import of ${id}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('from the palette: the group and the format are asked', async () => {
    const p = await script('pgsrv1', 'AWS CLI');
    const r = await run<{ format: string; text: string }>('auroraSg.exportSecurityGroup');
    assert.equal(r.format, 'cli', p.errors.join());
    assert.equal(vscode.window.activeTextEditor?.document.getText(), r.text);
    assert.match(r.text, /^PGSRV1_SG_ID=\$\(aws ec2 create-security-group /m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
