// Issue 17, Compare: "Compare with…" from the palette opens VS Code's diff view over the two groups'
// rules as canonical text; the screenshot (compare-diff.png) shows both sides whole.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { dismissNotifications, parkMouse, retry, runCommand, screenshot, setSideBarWidth } from './workbench';

type Answer = (p: Page, step: RegExp, text: string) => Promise<void>;

export async function compareDiff(p: Page, answer: Answer): Promise<void> {
  await dismissNotifications(p);
  await runCommand(p, 'Aurora SG: Compare with…');
  await answer(p, /Compare security groups/, 'dbsrv1');
  await answer(p, /Compare dbsrv1 with/, 'pgsrv1');
  // Side by side needs room: a narrower side bar for the screenshot (the width earlier checks set comes back after).
  await setSideBarWidth(p, 300);
  const diff = p.locator('.monaco-diff-editor').first();
  await retry("the diff editor with both groups' rules", async () => {
    assert.ok(await diff.isVisible(), 'no diff editor');
    assert.ok(await diff.locator('.editor.original').first().isVisible(), 'the diff is not side by side');
    const text = (await diff.locator('.view-lines').allTextContents()).join('\n').replace(/\u00a0/g, ' ');
    assert.match(text, /tcp 3306\s+from group appsrv1/);
    assert.match(text, /tcp 5432\s+from 198\.51\.100\.0\/24\s+"BI tools"/);
  });
  const tab = p.locator('.tabs-container .tab.active').first();
  assert.match((await tab.textContent()) ?? '', /dbsrv1 .*↔ pgsrv1/);
  await dismissNotifications(p);
  await parkMouse(p);
  await screenshot(p, 'compare-diff');
  await setSideBarWidth(p, 640);
}
