// Issue 17, several accounts at once: "Select AWS Profiles (Several Accounts)…" picks three profiles
// (dev: moto's default account, prod: a second moto account, gone: an SSO profile never signed in);
// the Access view's root becomes the accounts, each with its id and alias, the signed-out one saying
// so, each account's Regions below it (accounts-tree.png).
// NOT registered in test/ui/run.ts yet: it has not passed a full UI run (see the branch's report).
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { CreateSecurityGroupCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateAccountAliasCommand, IAMClient } from '@aws-sdk/client-iam';
import { accountClients, accountKeys, DEFAULT_ACCOUNT, writeProfiles } from '../harness/accounts';
import { dismissNotifications, openView, parkMouse, quickInput, retry, rowDescription, runCommand, screenshot, waitForRow } from './workbench';

const PROD = '222222222222';

export async function twoAccountTree(p: Page, o: { motoUrl: string; region: string; files: { config: string; credentials: string } }): Promise<void> {
  const prodKeys = await accountKeys(o.motoUrl, PROD);
  const prod = accountClients(o.motoUrl, o.region, prodKeys);
  try {
    const vpc = (await prod.ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!;
    await prod.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'orders-db', Description: 'orders-db', VpcId: vpc.VpcId }));
  } finally {
    prod.ec2.destroy();
    prod.rds.destroy();
  }
  const iam = new IAMClient({ endpoint: o.motoUrl, region: o.region, credentials: prodKeys });
  await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-live' }));
  iam.destroy();
  writeProfiles(o.files, { dev: { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' }, prod: prodKeys }, ['gone']);

  await dismissNotifications(p);
  const bar = await openView(p, 'Aurora Security Groups');
  // The window reload of the check before may leave the Access section collapsed.
  const access = bar.getByRole('button', { name: /^Access Section/ }).first();
  if ((await access.getAttribute('aria-expanded')) === 'false') await access.click();
  await runCommand(p, 'Aurora SG: Select AWS Profiles (Several Accounts)…');
  await retry('the profiles picker', async () => {
    // A multi-select pick's rows are options or checkboxes, by version: read the list rows' accessible names
    // (the widget's textContent runs each label into its description: "devaccess keys").
    const rows = quickInput(p).locator('.monaco-list-row');
    const items = (await rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') || el.textContent || ''))).join(' | ');
    for (const name of ['dev', 'gone', 'prod']) assert.match(items, new RegExp(`\\b${name}\\b`), items);
    // An sso-session section of the config file is no profile.
    assert.doesNotMatch(items, /sso-session/, items);
  });
  // Check every profile ("Toggle all checkboxes"), then OK.
  // VS Code 1.99 draws it as an input of class quick-input-check-all; 1.139 as a custom checkbox (.monaco-checkbox) in the header.
  // (whichever shows: the other may be in the DOM, hidden).
  await quickInput(p).locator('.quick-input-check-all:visible, .quick-input-header .monaco-checkbox:visible').first().click();
  await p.keyboard.press('Enter');
  await quickInput(p).waitFor({ state: 'hidden', timeout: 10_000 });

  const prodRow = await waitForRow(p, 'prod', { level: 1 }, 60_000);
  await retry('the account rows with ids', async () => {
    assert.equal(await rowDescription(prodRow), `PRODUCTION · ${PROD} · acme-live`);
    assert.equal(await rowDescription(await waitForRow(p, 'dev', { level: 1 })), DEFAULT_ACCOUNT);
    assert.equal(await rowDescription(await waitForRow(p, 'gone', { level: 1 })), 'signed out: Sign in');
  });
  for (const r of ['dev', 'prod', 'gone']) await waitForRow(p, `${r}/${o.region}`, { level: 2 }, 60_000);
  await waitForRow(p, /^Failed to load gone\/us-east-1: /, { level: 3 }, 60_000);
  await parkMouse(p);
  await screenshot(p, 'accounts-tree');
}
