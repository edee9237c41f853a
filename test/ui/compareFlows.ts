// Issue 17, Compare: "Compare with…" from the palette opens VS Code's diff view over the two groups'
// rules as canonical text; the screenshot (compare-diff.png) shows both sides whole.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { dismissNotifications, parkMouse, retry, runCommand, screenshot } from './workbench';

type Answer = (p: Page, step: RegExp, text: string) => Promise<void>;

export async function compareDiff(p: Page, answer: Answer): Promise<void> {
  await dismissNotifications(p);
  await runCommand(p, 'Aurora SG: Compare with…');
  await answer(p, /Compare security groups/, 'dbsrv1');
  await answer(p, /Compare dbsrv1 with/, 'pgsrv1');
  const diff = p.locator('.monaco-diff-editor').first();
  await retry("the diff editor with both groups' rules", async () => {
    assert.ok(await diff.isVisible(), 'no diff editor');
    const original = (await diff.locator('.editor.original .view-lines').textContent()) ?? '';
    const modified = (await diff.locator('.editor.modified .view-lines').textContent()) ?? '';
    assert.match(original.replace(/\u00a0/g, ' '), /tcp 3306\s+from group appsrv1/);
    assert.match(modified.replace(/\u00a0/g, ' '), /tcp 5432\s+from 198\.51\.100\.0\/24\s+"BI tools"/);
  });
  const tab = p.locator('.tabs-container .tab.active').first();
  assert.match((await tab.textContent()) ?? '', /dbsrv1 .*↔ pgsrv1/);
  await parkMouse(p);
  await screenshot(p, 'compare-diff');
}
