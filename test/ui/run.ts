// The UI-level test layer: a real VS Code (code-server) in headless Chromium, with the extension
// loaded as a development extension (no tests path), driven like a person: open the activity-bar
// view, expand tree rows, use the command palette, take screenshots.
// Run: node esbuild.mjs && npx tsc -p tsconfig.test.json && node out/test/ui/run.js
// Prints "  N passing" / "  N failing" (scripts/test.mjs reads those lines) and exits non-zero on failure.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openWorkbench, remoteUri, startCodeServer, vscodeBuild, workbenchUrl, type CodeServer } from '../harness/codeServer';
import { seedScenarioStart, seedTestAccount, type TestAccountIds } from '../harness/seed';
import { associatePicker, badges, explainPathInEditor, groupHover, worldOpenConfirmation } from './fixedFlows';
import { activityAfterReload, activityLog, exportAsTerraform, reachDiagramAclBlocked, STAND_IN_ADDRESS, temporaryRule } from './traceFlows';
import { walkthroughUiCheck } from './walkthrough';
import { twoAccountTree } from './accountFlows';
import { compareDiff } from './compareFlows';
import { findResult, treeFilter, treeFilterAfterReload } from './findFlows';
import { prepareTestEnvironment, REPO_ROOT, TEST_REGION, type TestEnvironment } from '../harness/testEnv';
import {
  closeQuickInput,
  dismissNotifications,
  expandRow,
  notificationTexts,
  openCommandPalette,
  openView,
  parkMouse,
  quickInput,
  quickInputItems,
  recordNotifications,
  seenNotifications,
  retry,
  rowDescription,
  runCommand,
  screenshot,
  screenshotDir,
  setSideBarWidth,
  sideBar,
  sideBarTitle,
  treeRow,
  visibleRows,
  waitForNoHover,
  waitForRow,
  waitForWorkbench,
  webviewFrame,
} from './workbench';

const VIEW_TITLE = 'Aurora Security Groups';
const FIRST_ROWS_TIMEOUT = 60_000;

interface Check {
  readonly name: string;
  readonly run: () => Promise<void>;
}

interface Context {
  page?: Page;
  ids?: TestAccountIds;
  motoUrl?: string;
  /** The shared config and credentials files of the extension host (test/harness/moto.ts motoEnv). */
  awsFiles?: { config: string; credentials: string };
}

function checks(ctx: Context): Check[] {
  const page = () => {
    assert.ok(ctx.page, 'the workbench page is not open');
    return ctx.page;
  };
  const ids = () => {
    assert.ok(ctx.ids, 'the account was not seeded');
    return ctx.ids;
  };
  return [
    {
      name: 'the workbench loads',
      run: async () => {
        await waitForWorkbench(page());
      },
    },
    {
      name: `the activity bar opens the '${VIEW_TITLE}' view`,
      run: async () => {
        const bar = await openView(page(), VIEW_TITLE);
        const title = ((await sideBarTitle(page()).textContent()) ?? '').trim();
        // The container holds three views (Access, Reachability, Findings): its own title shows.
        assert.match(title, /aurora security groups/i, `side bar title '${title}'`);
        // Each view's header is a button named '<view> Section'.
        const panes = await bar.getByRole('button', { name: /Section$/ }).evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
        assert.ok(
          panes.some((x) => /access/i.test(x)) && panes.some((x) => /reachability/i.test(x)) && panes.some((x) => /findings/i.test(x)),
          `panes: ${panes.join(' | ')}`,
        );
      },
    },
    {
      name: `the tree shows the Region ${TEST_REGION} with what it loaded from AWS`,
      run: async () => {
        const p = page();
        const region = await waitForRow(p, TEST_REGION, { level: 1 }, FIRST_ROWS_TIMEOUT);
        // The description shows the counts as the parts arrive ("loading · …"), then without "loading"
        // once the whole load is in. (Looked up afresh each time: VS Code redraws rows on each refresh.)
        await p.waitForFunction(
          (label) =>
            Array.from(document.querySelectorAll('[role="treeitem"][aria-level="1"]')).some(
              (el) =>
                el.querySelector('.label-name')?.textContent?.trim() === label &&
                /^\d+ VPCs? · \d+ groups · \d+ clusters?$/.test((el.querySelector('.label-description')?.textContent ?? '').trim()),
            ),
          TEST_REGION,
          { timeout: FIRST_ROWS_TIMEOUT },
        );
        const d = await rowDescription(region);
        assert.match(d, /^\d+ VPCs · \d+ groups · 2 clusters$/, `Region description: '${d}'`);
        const rows = await visibleRows(p);
        const errors = rows.filter((r) => /^Failed to load/.test(r.label) || r.description === 'click to retry');
        assert.deepEqual(errors, [], `error rows: ${JSON.stringify(errors)}`);
        assert.ok(await treeRow(p, 'VPCs', { level: 2 }).isVisible(), "no 'VPCs' row");
        assert.ok(await treeRow(p, 'DB clusters', { level: 2 }).isVisible(), "no 'DB clusters' row");
      },
    },
    {
      name: "VPCs > shop-vpc lists the VPC's security groups",
      run: async () => {
        const p = page();
        const vpcs = await expandRow(p, 'VPCs', { level: 2 });
        assert.match(await rowDescription(vpcs), /^\d+$/);
        const vpc = await expandRow(p, 'shop-vpc', { level: 3 });
        const d = await rowDescription(vpc);
        assert.ok(d.includes(ids().vpcId), `shop-vpc description '${d}' lacks ${ids().vpcId}`);
        assert.ok(d.includes('10.20.0.0/16'), `shop-vpc description '${d}' lacks its CIDR`);
        assert.match(d, /5 groups/);
        for (const g of ['default', 'appsrv1', 'dbsrv1', 'legacy-db', 'pgsrv1']) await waitForRow(p, g, { level: 4 });
        const groups = (await visibleRows(p)).filter((r) => r.level === 4).map((r) => r.label);
        assert.deepEqual(groups.slice(0, 5), ['default', 'appsrv1', 'dbsrv1', 'legacy-db', 'pgsrv1'], `groups in order: ${groups}`);
        const db = treeRow(p, 'dbsrv1', { level: 4 });
        const dd = await rowDescription(db);
        assert.ok(dd.includes(ids().dbGroupId), `dbsrv1 description '${dd}'`);
        assert.match(dd, /1 in \/ 1 out/);
        assert.match(dd, /Aurora MySQL access/);
      },
    },
    {
      name: 'dbsrv1 > Inbound shows the rule tcp 3306 from appsrv1',
      run: async () => {
        const p = page();
        await expandRow(p, 'dbsrv1', { level: 4 });
        const inbound = await expandRow(p, 'Inbound', { level: 5 });
        assert.equal(await rowDescription(inbound), '1 rule');
        const rule = await waitForRow(p, /^tcp 3306 from appsrv1\b/, { level: 6 });
        const label = ((await rule.locator('.label-name').first().textContent()) ?? '').trim();
        assert.equal(label, `tcp 3306 from appsrv1 (${ids().appGroupId})`);
        // moto drops the Description of group-referencing rules in DescribeSecurityGroupRules
        // (see /work/shared/notes/aws-facts.md); AWS returns it.
        assert.match(await rowDescription(rule), /^(From app servers)?$/);
        const outbound = await waitForRow(p, 'Outbound', { level: 5 });
        assert.equal(await outbound.getAttribute('aria-expanded'), 'false');
        assert.equal(await rowDescription(outbound), '1 rule');
      },
    },
    {
      name: 'DB clusters > orders-mysql shows its writer, reader and attached group',
      run: async () => {
        const p = page();
        await expandRow(p, 'DB clusters', { level: 2 });
        await waitForRow(p, 'billing-pg', { level: 3 });
        const cluster = await expandRow(p, 'orders-mysql', { level: 3 });
        const cd = await rowDescription(cluster);
        assert.match(cd, /^Aurora MySQL · port 3306 · available$/, `orders-mysql description '${cd}'`);
        const writer = await waitForRow(p, 'orders-mysql-1', { level: 4 });
        const wd = await rowDescription(writer);
        assert.match(wd, /^writer\b/, `orders-mysql-1 description '${wd}'`);
        const reader = await waitForRow(p, 'orders-mysql-2', { level: 4 });
        assert.match(await rowDescription(reader), /^reader\b/);
        assert.equal(await writer.getAttribute('aria-expanded'), null, 'a cluster member should not be expandable');
        const link = await waitForRow(p, 'dbsrv1', { level: 4, description: ids().dbGroupId });
        // Two dbsrv1 rows now: the group under its VPC (level 4) and the link under the cluster (level 4 too);
        // the one after the cluster members is the link.
        const rows = await visibleRows(p);
        const at = rows.findIndex((r) => r.label === 'orders-mysql');
        const linkRow = rows.slice(at + 1).find((r) => r.label === 'dbsrv1');
        assert.ok(linkRow, `no dbsrv1 under orders-mysql; rows: ${rows.map((r) => r.label).join(', ')}`);
        assert.ok(linkRow.description.includes(ids().dbGroupId), `link description '${linkRow.description}'`);
        assert.ok(await link.isVisible());
      },
    },
    {
      name: 'a screenshot of the expanded tree is saved (tree.png, and tree-wide.png with a wider side bar)',
      run: async () => {
        const p = page();
        await dismissNotifications(p);
        await parkMouse(p);
        await waitForNoHover(p);
        const file = await screenshot(p, 'tree');
        assert.ok(fs.statSync(file).size > 10_000, `${file} is suspiciously small`);
        // At the default side-bar width the descriptions are cut; a wider side bar shows them whole
        // once the tree has laid its rows out again at the new width.
        await setSideBarWidth(p, 640);
        const label = treeRow(p, /^tcp 3306 from appsrv1\b/, { level: 6 })
          .locator('.monaco-icon-label-container')
          .first();
        const whole = await p
          .waitForFunction((el) => !!el && el.scrollWidth <= el.clientWidth + 1, await label.elementHandle(), { timeout: 10_000 })
          .then(
            () => true,
            () => false,
          );
        await waitForNoHover(p);
        const wide = await screenshot(p, 'tree-wide', sideBar(p));
        assert.ok(fs.statSync(wide).size > 10_000, `${wide} is suspiciously small`);
        assert.equal(whole, true, 'the rule label is still cut off at 640 px');
      },
    },
    {
      name: "the command palette lists 'Aurora SG: Select Regions…'",
      run: async () => {
        const p = page();
        const row = await openCommandPalette(p, 'Aurora SG: Select Regions');
        const text = ((await row.getAttribute('aria-label')) ?? (await row.textContent()) ?? '').trim();
        assert.match(text, /Aurora SG: Select Regions…/);
        const file = await screenshot(p, 'palette');
        assert.ok(fs.statSync(file).size > 10_000);
        await closeQuickInput(p);
        assert.equal(await quickInput(p).isVisible(), false, 'Escape did not close the command palette');
      },
    },
    {
      name: 'the add-rule flow: group, preset, custom port (validated), CIDR shown canonicalised, description; the tree shows the rule',
      run: async () => {
        const p = page();
        await dismissNotifications(p);
        await runCommand(p, 'Aurora SG: Add Inbound Rule');
        await answerQuickInput(p, /Security group to add the rule to/, 'pgsrv1');
        await waitForQuickInput(p, /Protocol and port/);
        const presets = await quickInputItems(p);
        assert.ok(presets.some((x) => /Aurora MySQL/.test(x)) && presets.some((x) => /Aurora PostgreSQL/.test(x)), presets.join(' | '));
        await screenshot(p, 'rule-add-1-presets');
        await answerQuickInput(p, /Protocol and port/, 'Custom TCP');
        await waitForQuickInput(p, /TCP port or range/);
        await quickInput(p).locator('.quick-input-box input').first().fill('70000');
        await quickInput(p).locator('.quick-input-message', { hasText: /65535/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
        await screenshot(p, 'rule-add-2-validation');
        await quickInput(p).locator('.quick-input-box input').first().fill('6543');
        // The box validates as you type: Enter once the error for 70000 is gone.
        await quickInput(p).locator('.quick-input-message', { hasText: /65535/ }).first().waitFor({ state: 'hidden', timeout: 10_000 });
        await p.keyboard.press('Enter');
        await answerQuickInput(p, /Source/, 'CIDR');
        await answerQuickInput(p, /CIDR range/, '10.20.3.7/24');
        const dialog = p.locator('.monaco-dialog-box').first();
        await dialog.waitFor({ state: 'visible', timeout: 10_000 });
        assert.match((await dialog.textContent()) ?? '', /10\.20\.3\.7\/24 as 10\.20\.3\.0\/24/);
        await screenshot(p, 'rule-add-3-canonical');
        await dialog.locator('a.monaco-button, button', { hasText: 'Use 10.20.3.0/24' }).first().click();
        await answerQuickInput(p, /Description/, 'UI check');
        await retry('the outcome notification', async () => {
          const texts = await notificationTexts(p);
          assert.ok(
            texts.some((x) => /Added tcp 6543 from 10\.20\.3\.0\/24 to pgsrv1/.test(x)),
            texts.join(' | '),
          );
        });
        await expandRow(p, 'pgsrv1', { level: 4 });
        await expandRow(p, 'Inbound', { level: 5 });
        await waitForRow(p, 'tcp 6543 from 10.20.3.0/24', { level: 6 });
        await parkMouse(p);
        await screenshot(p, 'rule-add-4-done');
      },
    },
    {
      name: "who can reach billing-pg: the diagram shows the CIDR, the app servers' group and the EC2 instance that carries it",
      run: async () => {
        const p = page();
        await dismissNotifications(p);
        await runCommand(p, 'Aurora SG: Who Can Reach This Database?');
        await answerQuickInput(p, /Database/, 'billing-pg');
        const frame = await webviewFrame(p, { titleContains: 'billing-pg', timeoutMs: 30_000 });
        await frame.locator('svg .node').first().waitFor({ state: 'visible', timeout: 20_000 });
        const labels = await frame.locator('svg .node-label').allTextContents();
        for (const want of ['billing-pg', 'pgsrv1', 'appsrv1', '198.51.100.0/24', 'app-server-1'])
          assert.ok(labels.includes(want), `diagram nodes: ${labels.join(', ')}`);
        const summary = (await frame.locator('#summary').textContent()) ?? '';
        assert.match(summary, /2 sources can open a connection on port 5432/);
        await waitForRow(p, 'billing-pg: port 5432', {}, 10_000);
        await parkMouse(p);
        await screenshot(p, 'reach-diagram');
      },
    },
    {
      name: 'who can reach billing-pg with a network ACL denying 5432: the ACL hop highlighted with its fix (reach-diagram-acl-blocked.png)',
      run: () => reachDiagramAclBlocked(page(), answerQuickInput, ctx.motoUrl!, ids()),
    },
    // The flows issue 14 fixed, each with its screenshot (test/ui/fixedFlows.ts).
    {
      name: 'the world-open confirmation opens with "Keep It Closed" focused; Enter declines (world-open-confirmation.png)',
      run: () => worldOpenConfirmation(page(), answerQuickInput),
    },
    { name: 'the associate picker highlights the group typed (associate-picker.png)', run: () => associatePicker(page(), answerQuickInput) },
    { name: 'the findings badge the activity bar and the database rows (badges.png)', run: () => badges(page()) },
    {
      name: 'Explain Path in the editor: every hop whole, the fix as a button (explain-path-editor.png)',
      run: () => explainPathInEditor(page(), answerQuickInput),
    },
    { name: "a group's hover shows its tags and what uses it (group-hover.png)", run: () => groupHover(page()) },
    // Issue 18: temporary access, the activity log, changes as code (test/ui/traceFlows.ts).
    { name: 'Allow My IP for… adds a temporary rule; the tree shows the time left (temporary-rule.png)', run: () => temporaryRule(page(), answerQuickInput) },
    { name: 'the Activity view lists the change (activity-log.png)', run: () => activityLog(page()) },
    { name: 'Export Security Group as Code… opens the Terraform in an editor (export-terraform.png)', run: () => exportAsTerraform(page(), answerQuickInput) },
    // Issue 17: two groups' rules side by side in VS Code's diff view (test/ui/compareFlows.ts).
    { name: "Compare with… opens the diff of two groups' rules (compare-diff.png)", run: () => compareDiff(page(), answerQuickInput) },
    // Issue 17: Find and the tree's filter (test/ui/findFlows.ts), on the account the checks above browse.
    {
      name: 'Find from the search button: the results, the database the address reaches, a result revealing its group; the filter (find-results.png, tree-filter.png)',
      run: async () => {
        await findResult(page(), answerQuickInput);
        await treeFilter(page(), answerQuickInput);
      },
    },
    {
      name: "the access walkthrough: six steps clicked through in the webview against the seed document's starting point (walkthrough-1..6.png)",
      run: async () => {
        const p = page();
        assert.ok(ctx.motoUrl, 'moto is not running');
        // The seed document's starting point beside the account the earlier checks used.
        await seedScenarioStart(ctx.motoUrl, TEST_REGION);
        await runCommand(p, 'Aurora SG: Refresh');
        await walkthroughUiCheck(p, screenshotDir());
      },
    },
    {
      name: 'no error notification was shown',
      run: async () => {
        const p = page();
        // The notification centre lists every notification of the session (a toast hides itself, and
        // VS Code 1.139 in headless Chromium shows none): open it so its rows are recorded.
        await dismissNotifications(p);
        await runCommand(p, 'Notifications: Show Notifications');
        // The check must be able to fail: the recorder saw the add-rule flow's notification as a
        // notification row (which carries the severity icon), not only as an aria alert.
        const seen = await retry('the notification centre lists the add-rule notification', async () => {
          const all = await seenNotifications(p);
          assert.ok(
            all.some((n) => n.from === 'toast' && /^Added tcp 6543 /.test(n.text)),
            `the notification recorder missed the add-rule notification: ${JSON.stringify(all)}`,
          );
          return all;
        });
        await p.keyboard.press('Escape');
        // A row is an error by its icon, or by the workbench's aria alert "Error: <its message>".
        // (Input boxes raise "Error: …" alerts for validation messages, e.g. the add-rule flow's 70000:
        // an alert alone is not a notification.)
        const alerted = new Set(seen.filter((n) => n.from === 'alert' && n.error).map((n) => n.text.replace(/^Error: /, '')));
        const errors = seen.filter((n) => n.from === 'toast' && (n.error || alerted.has(n.text))).map((n) => n.text);
        assert.deepEqual(errors, [], `error notifications: ${errors.join(' | ')}`);
      },
    },
    {
      name: 'the Activity view lists the change again after a window reload (activity-after-reload.png)',
      run: () => activityAfterReload(page()),
    },
    { name: "the tree's filter is still on after the window reload; its clear button shows everything", run: () => treeFilterAfterReload(page()) },
    {
      name: 'Select AWS Profiles… with two accounts and a signed-out one: the accounts are the root (accounts-tree.png)',
      run: () => twoAccountTree(page(), { motoUrl: ctx.motoUrl!, region: TEST_REGION, files: ctx.awsFiles! }),
    },
  ];
}

/** Waits until the quick input shows a step whose title, placeholder or prompt matches. */
async function waitForQuickInput(p: Page, what: RegExp): Promise<void> {
  await retry(`the quick input '${what}'`, async () => {
    const w = quickInput(p);
    assert.ok(await w.isVisible(), 'no quick input');
    const title =
      (await w
        .locator('.quick-input-title')
        .first()
        .textContent()
        .catch(() => '')) ?? '';
    const placeholder =
      (await w
        .locator('.quick-input-box input')
        .first()
        .getAttribute('placeholder')
        .catch(() => '')) ?? '';
    const message =
      (await w
        .locator('.quick-input-message')
        .first()
        .textContent()
        .catch(() => '')) ?? '';
    assert.ok(what.test(`${title} | ${placeholder} | ${message}`), `quick input shows '${title} | ${placeholder} | ${message}'`);
  });
}

/**
 * Types an answer into the quick input step matching `step` and presses Enter. In a quick pick, Enter
 * accepts the focused row: wait until the filter has focused one that shows the answer.
 */
async function answerQuickInput(p: Page, step: RegExp, text: string): Promise<void> {
  await waitForQuickInput(p, step);
  const w = quickInput(p);
  await w.locator('.quick-input-box input').first().fill(text);
  if (await w.getByRole('option').first().isVisible()) {
    const wanted = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    await w.locator('[role="option"].focused', { hasText: wanted }).first().waitFor({ state: 'visible', timeout: 10_000 });
  }
  await p.keyboard.press('Enter');
}

/** The end of the extension's output channel as the workbench wrote it (<user-data>/logs/…/Aurora Security Groups.log). */
function extensionLogTail(userDataDir: string, lines = 60): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (/Aurora Security Groups\.log$/.test(e.name)) found.push(f);
    }
  };
  try {
    walk(path.join(userDataDir, 'logs'));
  } catch {
    return '(no logs folder)';
  }
  if (!found.length) return '(no log of the extension found)';
  return found
    .map((f) => `${f}:\n${fs.readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n')
    .slice(-8000);
}

async function main(): Promise<number> {
  const started = Date.now();
  const logs: string[] = [];
  const ctx: Context = {};
  let t: TestEnvironment | undefined;
  let cs: CodeServer | undefined;
  let browser: Browser | undefined;
  let addressService: http.Server | undefined;
  let passing = 0;
  let failing = 0;
  let savedFailure = false;
  const saveFailure = async (name: string) => {
    if (!ctx.page) return;
    const shot = savedFailure ? `failure-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}` : 'failure';
    try {
      const file = await screenshot(ctx.page, shot);
      savedFailure = true;
      console.log(`    (screenshot: ${file})`);
    } catch (e) {
      console.log(`    (could not save a screenshot: ${e instanceof Error ? e.message : e})`);
    }
  };
  const build = vscodeBuild();
  console.log(`\n  UI: Aurora Security Groups in a real VS Code ${build.vscode} (code-server ${build.codeServer} + headless Chromium)\n`);
  try {
    try {
      t = await prepareTestEnvironment();
      ctx.ids = await seedTestAccount(t.moto.url);
      ctx.motoUrl = t.moto.url;
      ctx.awsFiles = { config: t.env.AWS_CONFIG_FILE, credentials: t.env.AWS_SHARED_CREDENTIALS_FILE };
      // A local stand-in for the address service of Allow My IP for… (never the internet in a test).
      addressService = http.createServer((_req, res) => res.end(`${STAND_IN_ADDRESS}\n`));
      await new Promise<void>((r) => addressService!.listen(0, '127.0.0.1', r));
      const settings = {
        ...t.settings,
        'auroraSg.temporaryAccess.addressService': `http://127.0.0.1:${(addressService.address() as AddressInfo).port}/`,
      };
      cs = await startCodeServer({ workspace: t.workspace, settings, env: t.env, scratchDir: t.scratchDir, log: (l) => logs.push(l) });
      browser = await launchBrowser();
      const payload: [string, string][] = [
        ['extensionDevelopmentPath', remoteUri(cs, REPO_ROOT)],
        ['skipWelcome', 'true'],
      ];
      ctx.page = await openWorkbench(browser, workbenchUrl(cs, t.workspace, payload), {
        onLog: (type, args) => logs.push(`[${type}] ${Array.isArray(args) ? args.join(' ') : String(args)}\n`),
        initScript: recordNotifications,
      });
      ctx.page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}\n`));
      console.log(`    (environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failing++;
      console.log(`  ✗ the test environment starts: ${err instanceof Error ? err.message : err}`);
      await saveFailure('setup');
    }
    if (failing === 0) {
      for (const c of checks(ctx)) {
        const t0 = Date.now();
        try {
          await c.run();
          passing++;
          console.log(`  ✔ ${c.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        } catch (err) {
          failing++;
          // Playwright's messages carry ANSI colours and a long call log: keep the gist.
          const msg = (err instanceof Error ? err.message : String(err))
            .replace(/\x1b\[[0-9;]*m/g, '')
            .split('\n')
            .slice(0, 8)
            .join('\n      ');
          console.log(`  ✗ ${c.name}: ${msg}`);
          await saveFailure(c.name);
        }
      }
    }
    if (failing && ctx.page) {
      const rows = await visibleRows(ctx.page).catch(() => []);
      if (rows.length)
        console.log(
          `    tree rows: ${rows.map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.label}${r.description ? ` [${r.description}]` : ''}`).join('\n               ')}`,
        );
      const toasts = await notificationTexts(ctx.page).catch(() => []);
      if (toasts.length) console.log(`    notifications: ${toasts.join(' | ')}`);
      const html = await ctx.page
        .evaluate(
          () =>
            (document.querySelector('.notifications-toasts')?.outerHTML ?? '(no .notifications-toasts)') +
            (document.querySelector('.notifications-center')?.outerHTML ?? ''),
        )
        .catch(() => '');
      console.log(`    notification toasts and centre DOM: ${html.slice(0, 3000)}`);
      console.log(`    last code-server output:\n${logs.join('').slice(-3000)}`);
      if (cs) console.log(`    the extension's log (last lines):\n${extensionLogTail(cs.userDataDir)}`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await cs?.stop().catch(() => undefined);
    addressService?.close();
    await t?.dispose().catch(() => undefined);
  }
  console.log(`\n    screenshots: ${path.resolve(screenshotDir())}`);
  console.log(`    took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  console.log(`  ${passing} passing`);
  if (failing) console.log(`  ${failing} failing`);
  return failing ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[ui] could not run the UI checks: ${err instanceof Error ? err.stack : err}`);
    console.log('  0 passing');
    console.log('  1 failing');
    process.exit(1);
  },
);
