// UI checks of issue 18's features, each with its screenshot: a temporary rule added by "Allow My
// IP for…" with its time left in the tree, the Activity view listing the change, and a group
// exported as Terraform in an editor. The address service is a local stand-in (run.ts sets
// auroraSg.temporaryAccess.addressService to it). Elements are found by ARIA role and name or by
// visible text, so the checks hold on both test VS Codes.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  activityBarItem,
  dismissNotifications,
  expandRow,
  parkMouse,
  retry,
  runCommand,
  screenshot,
  waitForNoHover,
  waitForRow,
  webviewFrame,
} from './workbench';

type Answer = (p: Page, step: RegExp, text: string) => Promise<void>;

/** The modal dialog box showing `text` (role dialog alone also matches a notification toast, and a quick input). */
const dialog = (p: Page, text: string | RegExp) => p.locator('.monaco-dialog-box').filter({ hasText: text }).first();

/** The address the local stand-in of the address service answers (run.ts). */
export const STAND_IN_ADDRESS = '198.51.100.77';

/** Allow My IP for… from the palette: the group, the duration, the confirmation; the tree shows the time left. */
export async function temporaryRule(p: Page, answer: Answer): Promise<void> {
  await dismissNotifications(p);
  await runCommand(p, 'Aurora SG: Allow My IP for…');
  await answer(p, /Security group/, 'dbsrv1');
  await answer(p, /For how long/, '1 hour');
  const d = dialog(p, new RegExp(`Allow ${STAND_IN_ADDRESS.replace(/\./g, '\\.')}/32 to dbsrv1`));
  await d.waitFor({ state: 'visible', timeout: 15_000 });
  await d.getByRole('button', { name: 'Allow Temporarily' }).click();
  await d.waitFor({ state: 'hidden', timeout: 10_000 });
  // dbsrv1 > Inbound is usually open already (an earlier check opened it); the group's rows are
  // redrawn as its re-read answers, so an expansion may see them mid-redraw: the row is what counts.
  await expandRow(p, 'dbsrv1', { level: 4 }).catch(() => undefined);
  await expandRow(p, 'Inbound', { level: 5 }).catch(() => undefined);
  const row = await waitForRow(p, `tcp 3306 from ${STAND_IN_ADDRESS}/32`, { level: 6 }, 30_000);
  await retry('the time left on the rule', async () => assert.match((await row.textContent()) ?? '', /temporary · (59 min|1 h|1 h 1 min) left/));
  await parkMouse(p);
  await waitForNoHover(p);
  await screenshot(p, 'temporary-rule');
}

/** The Activity view's tree (its rows only, not the Access tree's). */
const activityTree = (p: Page) => p.getByRole('tree', { name: /Activity/ }).first();

/** Collapses the sections above the Activity view so its rows have room (a header is left alone when not found). */
async function roomForActivity(p: Page): Promise<void> {
  for (const name of ['Access', 'Reachability']) {
    const header = p
      .locator('.pane-header[aria-expanded="true"]')
      .filter({ hasText: new RegExp(`^\\s*${name}`, 'i') })
      .first();
    if (await header.isVisible().catch(() => false)) await header.click();
  }
}

/** The Activity view lists the change just made, with its outcome. */
export async function activityLog(p: Page): Promise<void> {
  await dismissNotifications(p);
  await runCommand(p, 'Aurora Security Groups: Focus on Activity View');
  await roomForActivity(p);
  const entry = activityTree(p).getByRole('treeitem').filter({ hasText: STAND_IN_ADDRESS }).first();
  await entry.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match((await entry.textContent()) ?? '', /dbsrv1|198\.51\.100\.77/i);
  await parkMouse(p);
  await waitForNoHover(p);
  await screenshot(p, 'activity-log');
}

/** Export Security Group as Code… as Terraform: an editor with the group, its rules and import blocks. */
export async function exportAsTerraform(p: Page, answer: Answer): Promise<void> {
  await dismissNotifications(p);
  await runCommand(p, 'Aurora SG: Export Security Group as Code…');
  await answer(p, /Security group/, 'dbsrv1');
  await answer(p, /Format/, 'Terraform');
  const editor = p.locator('.editor-instance .view-lines').first();
  await retry('the exported Terraform in an editor', async () => {
    const text = (await editor.textContent()) ?? '';
    assert.match(text, /aws_security_group/);
    assert.match(text, /aws_vpc_security_group_ingress_rule/);
    assert.match(text, /import/);
  });
  await parkMouse(p);
  await screenshot(p, 'export-terraform');
}

/**
 * A window reload (the page reloaded: a new window and a new extension host): the Activity view
 * lists the change again, read back from the extension's global storage. Run last: the reload also
 * drops what the notification recorder saw.
 */
export async function activityAfterReload(p: Page): Promise<void> {
  await p.reload();
  await activityBarItem(p, 'Aurora Security Groups').waitFor({ state: 'visible', timeout: 90_000 });
  await runCommand(p, 'Aurora Security Groups: Focus on Activity View');
  await roomForActivity(p);
  const entry = activityTree(p).getByRole('treeitem').filter({ hasText: STAND_IN_ADDRESS }).first();
  await entry.waitFor({ state: 'visible', timeout: 30_000 });
  await parkMouse(p);
  await screenshot(p, 'activity-after-reload');
}

/**
 * Issue 15: the Who Can Reach diagram with a network ACL hop blocked. A network ACL on shop-vpc's
 * subnets (billing-pg's DB subnet group) denies tcp 5432 from the VPC's range first (#90): the app
 * servers' group is let in by pgsrv1, yet the diagram shows the ACL between them, highlighted, with
 * the entry to add; the ACL associations are put back afterwards.
 */
export async function reachDiagramAclBlocked(p: Page, answer: Answer, motoUrl: string, ids: { region: string; vpcId: string }): Promise<void> {
  const { clientsFor } = await import('../harness/seed');
  const { CreateNetworkAclCommand, CreateNetworkAclEntryCommand, DescribeNetworkAclsCommand, ReplaceNetworkAclAssociationCommand } =
    await import('@aws-sdk/client-ec2');
  const { ec2 } = clientsFor(motoUrl, ids.region);
  const before = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids.vpcId] }] }));
  const defaultAcl = before.NetworkAcls!.find((a) => a.IsDefault)!;
  const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: ids.vpcId }))).NetworkAcl!.NetworkAclId!;
  const entry = (n: number, egress: boolean, deny: boolean, ports?: number) =>
    ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: acl,
        RuleNumber: n,
        Egress: egress,
        Protocol: ports ? '6' : '-1',
        RuleAction: deny ? 'deny' : 'allow',
        CidrBlock: deny ? '10.20.0.0/16' : '0.0.0.0/0',
        ...(ports ? { PortRange: { From: ports, To: ports } } : {}),
      }),
    );
  await entry(90, false, true, 5432);
  await entry(100, false, false);
  await entry(100, true, false);
  const moved: string[] = [];
  for (const a of defaultAcl.Associations ?? []) {
    const r = await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: a.NetworkAclAssociationId!, NetworkAclId: acl }));
    moved.push(r.NewAssociationId!);
  }
  try {
    await dismissNotifications(p);
    await runCommand(p, 'Aurora SG: Refresh');
    await runCommand(p, 'Aurora SG: Who Can Reach This Database?');
    await answer(p, /Database/, 'billing-pg');
    const frame = await webviewFrame(p, { titleContains: 'billing-pg', timeoutMs: 30_000 });
    const blocked = frame.locator('svg .node.acl.blocks');
    await retry('the blocked network ACL in the diagram', async () => {
      assert.equal(await blocked.count(), 1);
      assert.equal(((await blocked.locator('.node-label').textContent()) ?? '').trim(), acl);
    });
    const stops = (await frame.locator('#stops').textContent()) ?? '';
    assert.match(stops, new RegExp(`To change: Add an inbound allow entry to ${acl}: tcp 5432 from 10\\.20\\.0\\.0/16, numbered below 90\\.`));
    assert.match((await frame.locator('#summary').textContent()) ?? '', /The network stops/);
    await parkMouse(p);
    await screenshot(p, 'reach-diagram-acl-blocked');
  } finally {
    for (const id of moved) await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: id, NetworkAclId: defaultAcl.NetworkAclId! }));
    await runCommand(p, 'Aurora SG: Refresh').catch(() => undefined);
  }
}
