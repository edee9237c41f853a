// UI checks of issue 18's features, each with its screenshot: a temporary rule added by "Allow My
// IP for…" with its time left in the tree, the Activity view listing the change, and a group
// exported as Terraform in an editor. The address service is a local stand-in (run.ts sets
// auroraSg.temporaryAccess.addressService to it). Elements are found by ARIA role and name or by
// visible text, so the checks hold on both test VS Codes.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { activityBarItem, dismissNotifications, expandRow, parkMouse, retry, runCommand, screenshot, waitForNoHover, waitForRow } from './workbench';

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
