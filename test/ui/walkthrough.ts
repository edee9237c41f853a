// UI check of the access walkthrough in a real VS Code: opens the panel from the command palette,
// walks the six steps by clicking inside the webview (nested iframes), asserts what each step
// shows, and saves walkthrough-1.png … walkthrough-6.png.
// Expects: the workbench open with the extension loaded, moto seeded with seedScenarioStart
// (VPC app-vpc, EC2 app-server-1, Aurora MySQL cluster orders-db on 3306) and no walkthrough state.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { activityBarItem, closeQuickInput, DEFAULT_TIMEOUT, dismissNotifications, parkMouse, retry, runCommand, webviewFrame } from './workbench';

export const WALKTHROUGH_COMMAND_TITLE = 'Aurora SG: Open Access Walkthrough';
const CLIENT_CIDRS = '203.0.113.0/24';

/** The text of the webview's body (whitespace folded). */
async function bodyText(frame: Frame): Promise<string> {
  return ((await frame.locator('body').textContent({ timeout: 5000 })) ?? '').replace(/\s+/g, ' ');
}

async function expectText(frame: Frame, what: string | RegExp, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
  await retry(
    `the walkthrough to show ${what}`,
    async () => {
      const text = await bodyText(frame);
      const ok = typeof what === 'string' ? text.includes(what) : what.test(text);
      if (!ok) throw new Error(`it shows: ${text.slice(0, 600)}`);
    },
    timeoutMs,
    250,
  );
}

/** Waits for step `n`'s heading, and for no work in progress. */
async function atStep(frame: Frame, n: number, title: string): Promise<void> {
  await expectText(frame, `Step ${n} of 6`);
  await retry(`step ${n} (${title}) to be shown and idle`, async () => {
    // The heading is the step's title, then (in a span.where) the Region and account it works in.
    const h = (
      await frame
        .locator('#step-heading')
        .evaluate(
          (el) => Array.from(el.childNodes, (n) => (n instanceof Element && n.classList.contains('where') ? '' : (n.textContent ?? ''))).join(''),
          undefined,
          {
            timeout: 2000,
          },
        )
    ).trim();
    if (h !== title) throw new Error(`heading is '${h}'`);
    if ((await frame.locator('.wt.is-busy').count()) > 0) throw new Error('still busy');
    const current = ((await frame.locator('.step[aria-current="step"] .step-title').textContent({ timeout: 2000 })) ?? '').trim();
    if (current !== title) throw new Error(`the stepper marks '${current}'`);
  });
}

/** The primary button once its label matches (the plan is computed by the extension). */
async function primary(frame: Frame, label: RegExp): Promise<void> {
  await retry(`the primary button to read ${label}`, async () => {
    const b = frame.locator('button[data-action="primary"]');
    const text = ((await b.textContent({ timeout: 2000 })) ?? '').trim();
    if (!label.test(text)) throw new Error(`it reads '${text}'`);
    if (await b.isDisabled()) throw new Error(`'${text}' is disabled`);
  });
}

async function clickPrimary(frame: Frame, label: RegExp): Promise<void> {
  await primary(frame, label);
  await frame.locator('button[data-action="primary"]').click({ timeout: 10_000 });
}

/**
 * Saves walkthrough-n.png. With `section`, the webview is scrolled so that section starts a third
 * of the way down (the stepper and the Apply bar stay in view: they are sticky).
 */
async function shot(page: Page, frame: Frame, dir: string, n: number, section?: string): Promise<void> {
  // The progress notification of the step just applied closes by itself; any other toast is dismissed.
  const toast = page.locator('.notifications-toasts .notification-toast').first();
  for (let tries = 0; ; tries++) {
    await dismissNotifications(page);
    try {
      await toast.waitFor({ state: 'hidden', timeout: 8000 });
      break;
    } catch (e) {
      if (tries >= 2) throw e;
    }
  }
  await frame.evaluate((sel) => {
    const el = sel ? document.querySelector(sel) : null;
    window.scrollTo(0, el ? Math.max(0, el.getBoundingClientRect().top + window.scrollY - window.innerHeight / 3) : 0);
  }, section ?? null);
  await parkMouse(page);
  // The scroll and the hover state are painted by the next two animation frames.
  await frame.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `walkthrough-${n}.png`);
  await page.screenshot({ path: file });
  assert.ok(fs.statSync(file).size > 10_000, `${file} is suspiciously small`);
}

export async function walkthroughUiCheck(page: Page, screenshotsDir: string): Promise<void> {
  await dismissNotifications(page);
  // The palette lists the extension's commands once its contributions are registered: retry until it does.
  await activityBarItem(page, 'Aurora Security Groups').waitFor({ state: 'visible', timeout: 90_000 });
  await retry(
    `run '${WALKTHROUGH_COMMAND_TITLE}' from the command palette`,
    async () => {
      try {
        await runCommand(page, WALKTHROUGH_COMMAND_TITLE, 5000);
      } catch (e) {
        await closeQuickInput(page);
        throw e;
      }
    },
    90_000,
    1000,
  );
  await page
    .locator('.tab', { hasText: /Access/ })
    .first()
    .waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT });
  const frame = await webviewFrame(page, { titleContains: 'Aurora access walkthrough', timeoutMs: 60_000 });

  // 1. The database: Region, VPC and cluster filled from the account; the port comes from the cluster.
  await atStep(frame, 1, 'Database');
  // With other databases in the Region (a richer seed), choose the scenario's VPC and cluster.
  if ((await frame.locator('#field-target').inputValue()) !== 'cluster:orders-db') {
    const vpc = frame.locator('#field-vpcId');
    const label = (await vpc.locator('option').allTextContents()).find((l) => l.startsWith('app-vpc'));
    assert.ok(label, 'no VPC app-vpc: seed the account with seedScenarioStart');
    await vpc.selectOption({ label });
    await retry('orders-db among the databases', async () => {
      if (!(await frame.locator('#field-target option[value="cluster:orders-db"]').count())) throw new Error('not listed yet');
    });
    await frame.locator('#field-target').selectOption('cluster:orders-db');
  }
  await retry('orders-db to be chosen', async () => {
    const v = await frame.locator('#field-target').inputValue({ timeout: 2000 });
    if (v !== 'cluster:orders-db') throw new Error(`the database field is '${v}'`);
  });
  await expectText(frame, 'Database port: 3306 (from orders-db)');
  await expectText(frame, /app-vpc/);
  await primary(frame, /^Continue$/);
  await shot(page, frame, screenshotsDir, 1);
  await clickPrimary(frame, /^Continue$/);

  // 2. The app-server group: appsrv1 (not sg-appsrv1), a rule from the client range on 443.
  await atStep(frame, 2, 'App-server group');
  await expectText(frame, /AWS refuses group names that start with "sg-"/);
  const cidrs = frame.locator('#field-clientCidrs');
  await cidrs.click();
  await cidrs.fill(CLIENT_CIDRS);
  await cidrs.press('Tab');
  await primary(frame, /^Apply 2 changes$/);
  await expectText(frame, 'Create the security group appsrv1 in app-vpc');
  await expectText(frame, `Allow tcp 443 from ${CLIENT_CIDRS} into appsrv1 (new)`);
  await expectText(frame, 'aws ec2 create-security-group --region us-east-1');
  await expectText(frame, '--group-id "$APP_SG_ID"');
  // The API call's input opens on demand.
  await frame.locator('details.call summary').first().click();
  await expectText(frame, '"GroupName": "appsrv1"');
  await shot(page, frame, screenshotsDir, 2, '.plan');
  await clickPrimary(frame, /^Apply 2 changes$/);

  // 3. The app server: app-server-1 gets appsrv1 beside its default group.
  await atStep(frame, 3, 'App server');
  await expectText(frame, /Step 2 \(App-server group\) applied.*Created appsrv1 \(sg-[0-9a-f]+\)/);
  const ec2 = frame.locator('#field-ec2InstanceId');
  const option = await retry('app-server-1 among the EC2 instances', async () => {
    const labels = await ec2.locator('option').allTextContents();
    const hit = labels.find((l) => l.startsWith('app-server-1'));
    if (!hit) throw new Error(`options: ${labels.join(' | ')}`);
    return hit;
  });
  await ec2.selectOption({ label: option });
  await primary(frame, /^Apply 1 change$/);
  await expectText(frame, /Add appsrv1 to app-server-1 \(i-[0-9a-f]+\)'s primary network interface eni-[0-9a-f]+, keeping its 1 current group/);
  await expectText(frame, 'aws ec2 modify-network-interface-attribute');
  await shot(page, frame, screenshotsDir, 3, '.plan');
  await clickPrimary(frame, /^Apply 1 change$/);

  // 4. The database group: dbsrv1 with a rule from appsrv1 on the cluster's port.
  await atStep(frame, 4, 'Database group');
  await primary(frame, /^Apply 2 changes$/);
  await expectText(frame, 'Create the security group dbsrv1 in app-vpc');
  await expectText(frame, /Allow tcp 3306 from appsrv1 \(sg-[0-9a-f]+\) into dbsrv1 \(new\)/);
  await expectText(frame, '"UserIdGroupPairs"');
  await shot(page, frame, screenshotsDir, 4, '.plan');
  await clickPrimary(frame, /^Apply 2 changes$/);

  // 5. Associate: the merged list goes to ModifyDBCluster.
  await atStep(frame, 5, 'Associate');
  await primary(frame, /^Apply 1 change$/);
  await expectText(frame, 'Associate dbsrv1 with orders-db, keeping default.');
  await expectText(frame, /aws rds modify-db-cluster --region us-east-1 --db-cluster-identifier orders-db --vpc-security-group-ids sg-[0-9a-f]+ sg-[0-9a-f]+/);
  await expectText(frame, 'before default; after default, dbsrv1');
  await shot(page, frame, screenshotsDir, 5, '.plan');
  // By keyboard: from Back, Tab reaches the primary button, Enter applies.
  await frame.locator('button[data-action="back"]').focus();
  await page.keyboard.press('Tab');
  const focused = await frame.evaluate(() => document.activeElement?.getAttribute('data-action') ?? document.activeElement?.tagName ?? '');
  assert.equal(focused, 'primary', 'Tab from Back does not reach the Apply button');
  await page.keyboard.press('Enter');

  // 6. Verify: every hop open, and what else can reach the database.
  await atStep(frame, 6, 'Verify');
  await expectText(frame, 'The path is open', 60_000);
  await expectText(frame, `Clients → appsrv1 on tcp 443`);
  await expectText(frame, /app-server-1 \(i-[0-9a-f]+\) carries appsrv1/);
  await expectText(frame, 'appsrv1 → dbsrv1 on tcp 3306');
  await expectText(frame, 'dbsrv1 guards orders-db');
  await expectText(frame, 'Anything else that can reach the database on tcp 3306');
  const failedHops = await frame.locator('.hop-bad').count();
  assert.equal(failedHops, 0, 'a hop of the path is closed');
  const stepStates = await frame.locator('.step').evaluateAll((els) => els.map((e) => e.className));
  assert.equal(stepStates.filter((c) => c.includes('step-done')).length, 6, `stepper: ${stepStates.join(' | ')}`);
  await shot(page, frame, screenshotsDir, 6, '.verification');
}
