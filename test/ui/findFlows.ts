// UI checks of issue 17's Find and the tree's filter, each with its screenshot: Find from the
// Access view's title (the search button), its results in the Find Results view, a result
// revealing its group in the Access tree; the filter, shown in the view's title, kept across a
// window reload. Elements are found by ARIA role and name or by visible text.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { parkMouse, retry, runCommand, screenshot, treeRow, waitForNoHover, waitForRow } from './workbench';

type Answer = (p: Page, step: RegExp, text: string) => Promise<void>;

const findTree = (p: Page) => p.getByRole('tree', { name: /Find Results/ }).first();
const accessTree = (p: Page) => p.getByRole('tree', { name: /^Access/ }).first();

/** Expands a view of the container when it is collapsed. */
async function expandPane(p: Page, name: RegExp): Promise<void> {
  const header = p.locator('.pane-header').filter({ hasText: name }).first();
  await header.waitFor({ state: 'visible', timeout: 10_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

/** Find 10.20.5.5 through the search button of the Access view: the results, the database it reaches, a result revealing its group. */
export async function findResult(p: Page, answer: Answer): Promise<void> {
  // The Access view open (an earlier check collapses it), the Activity view closed for room.
  await runCommand(p, 'Aurora Security Groups: Focus on Access View');
  await expandPane(p, /^\s*Access/);
  const activity = p
    .locator('.pane-header[aria-expanded="true"]')
    .filter({ hasText: /^\s*Activity/i })
    .first();
  if (await activity.isVisible().catch(() => false)) await activity.click();
  // The title's search button (its tooltip is the command's title); header actions show while the header is hovered.
  await p
    .locator('.pane-header')
    .filter({ hasText: /^\s*Access/ })
    .first()
    .hover();
  const button = p.getByRole('button', { name: /^Find \(Address, Port, Group, Tag, Text\)/ }).first();
  await button.click();
  await answer(p, /Find in every loaded account and Region/, '10.20.5.5');
  const tree = findTree(p);
  await tree.waitFor({ state: 'visible', timeout: 20_000 });
  const db = await waitForRow(p, 'reports-mysql', { within: tree }, 30_000);
  assert.match(((await db.textContent()) ?? '').trim(), /tcp 3306 · reachable/);
  await waitForRow(p, /^Databases 10\.20\.5\.5\/32 can reach/, { within: tree });
  const group = await waitForRow(p, 'legacy-db', { within: tree });
  await waitForRow(p, /^tcp 3306 from 0\.0\.0\.0\/0/, { within: tree });
  // The count in the view's header.
  await retry('the count in the Find Results header', async () => {
    const header = p
      .locator('.pane-header')
      .filter({ hasText: /Find Results/ })
      .first();
    assert.match((await header.textContent()) ?? '', /10\.20\.5\.5: 1 group, 1 rule, 1 database reachable/);
  });
  await parkMouse(p);
  await waitForNoHover(p);
  await screenshot(p, 'find-results');
  // A result reveals its node: the group is selected in the Access tree.
  await group.click();
  await retry('legacy-db selected in the Access tree', async () => {
    const row = treeRow(p, 'legacy-db', { within: accessTree(p) });
    assert.equal(await row.getAttribute('aria-selected'), 'true');
  });
}

/** Filter the Tree… from the palette: only what matches shows, the filter is named in the view's header. */
export async function treeFilter(p: Page, answer: Answer): Promise<void> {
  await runCommand(p, 'Aurora SG: Filter the Tree…');
  await answer(p, /Filter the Access tree/, 'legacy');
  const tree = accessTree(p);
  await waitForRow(p, 'legacy-db', { within: tree });
  await retry('the other groups hidden', async () => assert.equal(await treeRow(p, 'appsrv1', { within: tree }).count(), 0));
  await retry('the filter in the Access header', async () => {
    const header = p
      .locator('.pane-header')
      .filter({ hasText: /^\s*Access/ })
      .first();
    assert.match((await header.textContent()) ?? '', /filter: legacy/);
  });
  await parkMouse(p);
  await screenshot(p, 'tree-filter');
}

/** After a window reload (run after activityAfterReload): the filter is still on; then its clear button shows everything again. */
export async function treeFilterAfterReload(p: Page): Promise<void> {
  await runCommand(p, 'Aurora Security Groups: Focus on Access View');
  const header = p
    .locator('.pane-header')
    .filter({ hasText: /^\s*Access/ })
    .first();
  await expandPane(p, /^\s*Access/);
  await retry('the filter kept across the reload', async () => assert.match((await header.textContent()) ?? '', /filter: legacy/), 60_000);
  await header.hover();
  await p
    .getByRole('button', { name: /^Clear the Tree's Filter/ })
    .first()
    .click();
  await retry('the filter cleared', async () => assert.doesNotMatch((await header.textContent()) ?? '', /filter:/));
}
