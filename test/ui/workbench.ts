// Page-driving helpers for the UI-level checks: a real VS Code workbench (code-server) in headless
// Chromium, driven like a person with playwright-core locators. Every helper waits for what it needs
// to see (a selector, an attribute, a rendered row), never for a fixed time, because the workbench
// renders lazily and the extension loads its data from AWS (moto) on first show.
// The parts of the workbench are found by their ARIA roles and names (and the parts' element ids),
// never by class chains: the checks run on two VS Code versions (test/harness/codeServer.ts
// VSCODE_BUILDS) whose markup differs (1.139's activity-bar entries carry their name on the link
// inside, 1.99's on the entry itself; both are a role=tab named by the container's title).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { vscodeBuild } from '../harness/codeServer';

export const DEFAULT_TIMEOUT = 30_000;

/** A pause: only for the polling interval of `retry` (test/ui/walkthrough.ts still uses it; wait on a condition instead). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Retries `fn` until it resolves or `timeoutMs` passes; rethrows the last error. */
export async function retry<T>(what: string, fn: () => Promise<T>, timeoutMs = DEFAULT_TIMEOUT, intervalMs = 500): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) {
      const msg = last instanceof Error ? last.message.split('\n')[0] : String(last);
      throw new Error(`${what} (gave up after ${Math.round(timeoutMs / 1000)} s): ${msg}`);
    }
    await sleep(intervalMs);
  }
}

/** Waits for the workbench to be up (the editor area and the activity bar's first entry show). */
export async function waitForWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.getByRole('main').first().waitFor({ state: 'visible', timeout: timeoutMs });
  await activityBar(page).getByRole('tab').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The activity bar (the workbench part with this element id in every version). */
function activityBar(page: Page): Locator {
  return page.locator('[id="workbench.parts.activitybar"]');
}

/** The side bar: where an opened view container's views are. */
export function sideBar(page: Page): Locator {
  return page.locator('[id="workbench.parts.sidebar"]');
}

/** The side bar's title: the shown view container's name (its level-2 heading; the views' headers are level 3). */
export function sideBarTitle(page: Page): Locator {
  return sideBar(page).getByRole('heading', { level: 2 }).first();
}

/** The activity-bar entry (a tab) whose accessible name contains `title`. */
export function activityBarItem(page: Page, title: string): Locator {
  return activityBar(page).getByRole('tab', { name: title }).first();
}

/**
 * Opens a view container from the activity bar (e.g. 'Aurora Security Groups') like a person:
 * clicks its icon unless the side bar already shows it, and checks the side bar's title.
 */
export async function openView(page: Page, title: string, timeoutMs = DEFAULT_TIMEOUT): Promise<Locator> {
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  await retry(
    `open the view container '${title}'`,
    async () => {
      const titleText = (
        (await sideBarTitle(page)
          .textContent({ timeout: 1000 })
          .catch(() => '')) ?? ''
      ).toLowerCase();
      if (!(await sideBar(page).isVisible()) || !titleText.includes(title.toLowerCase())) {
        await item.click({ timeout: 5000 });
      }
      // The side bar shows the container once its title does.
      const shown = sideBar(page)
        .getByRole('heading', { level: 2, name: new RegExp(escapeRegExp(title), 'i') })
        .first();
      await shown.waitFor({ state: 'visible', timeout: 5000 }).catch(async () => {
        const now = ((await sideBarTitle(page).textContent({ timeout: 2000 })) ?? '').toLowerCase();
        throw new Error(`side bar title is '${now}'`);
      });
    },
    timeoutMs,
  );
  return sideBar(page);
}

export interface RowQuery {
  /** Only rows at this tree depth (aria-level, 1 = top). */
  readonly level?: number;
  /** Only rows whose description (the dimmer text after the label) matches. */
  readonly description?: string | RegExp;
  /** Where to look; the side bar by default. */
  readonly within?: Locator;
}

/** A row label: a string matches the whole label exactly; a RegExp is tested against it. */
export type RowLabel = string | RegExp;

/** The tree row (role treeitem) whose label is exactly `label` (or matches it; first match). */
export function treeRow(page: Page, label: RowLabel, q: RowQuery = {}): Locator {
  const root = q.within ?? sideBar(page);
  let rows = root.locator(q.level ? `[role="treeitem"][aria-level="${q.level}"]` : '[role="treeitem"]');
  const re = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
  rows = rows.filter({ has: page.locator('.label-name', { hasText: re }) });
  if (q.description !== undefined) {
    const d = typeof q.description === 'string' ? new RegExp(escapeRegExp(q.description)) : q.description;
    rows = rows.filter({ has: page.locator('.label-description', { hasText: d }) });
  }
  return rows.first();
}

/** Label and description of every rendered row in the side bar, in order (for assertions and logs). */
export async function visibleRows(page: Page, within?: Locator): Promise<{ label: string; description: string; level: number; expanded: string | null }[]> {
  const root = within ?? sideBar(page);
  return root.locator('[role="treeitem"]').evaluateAll((els) =>
    els
      .map((el) => ({
        label: (el.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (el.querySelector('.label-description')?.textContent ?? '').trim(),
        level: Number(el.getAttribute('aria-level') ?? 0),
        expanded: el.getAttribute('aria-expanded'),
        top: (el as HTMLElement).offsetTop,
      }))
      .sort((a, b) => a.top - b.top)
      .map(({ top: _top, ...r }) => r),
  );
}

/** The description of a row ('' when it has none). */
export async function rowDescription(row: Locator): Promise<string> {
  const d = row.locator('.label-description');
  return (await d.count()) ? ((await d.first().textContent()) ?? '').trim() : '';
}

/** Waits until a row labelled `label` is rendered and returns it. */
export async function waitForRow(page: Page, label: RowLabel, q: RowQuery = {}, timeoutMs = DEFAULT_TIMEOUT): Promise<Locator> {
  const row = treeRow(page, label, q);
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  return row;
}

/**
 * Expands the collapsible row labelled `label` (no-op when already expanded): clicks the row, then
 * the twistie, until aria-expanded is "true", then waits until its first child is rendered (the
 * extension's getChildren is async). Rows with a command (links) should be expanded by their
 * twistie only, which is what the retry falls back to.
 */
export async function expandRow(page: Page, label: RowLabel, q: RowQuery = {}, timeoutMs = DEFAULT_TIMEOUT): Promise<Locator> {
  const row = await waitForRow(page, label, q, timeoutMs);
  let attempt = 0;
  await retry(
    `expand the row '${label}'`,
    async () => {
      const state = await row.getAttribute('aria-expanded', { timeout: 2000 });
      if (state === null) throw new Error(`the row '${label}' is not collapsible`);
      if (state === 'true') return;
      // (A click scrolls the row into view first.)
      if (attempt++ % 2 === 0) await row.click({ timeout: 3000 });
      else await row.locator('.monaco-tl-twistie').first().click({ timeout: 3000 });
      await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle({ timeout: 2000 }), { timeout: 2000 });
    },
    timeoutMs,
    300,
  );
  await waitForFirstChild(page, row, label, timeoutMs);
  return row;
}

/**
 * Waits until an expanded row's first child is rendered right below it (one level deeper), or the
 * row is at the bottom edge of the list, where its children are out of view and not rendered.
 */
async function waitForFirstChild(page: Page, row: Locator, label: RowLabel, timeoutMs: number): Promise<void> {
  // The row is looked up again on every attempt: the tree re-renders its rows when its data changes
  // (a refresh, a findings badge), and a row element held across that is detached or reused for
  // another item, so it would never show the child it is waited for.
  await retry(
    `the row '${label}' was expanded but showed no child`,
    async () =>
      page.waitForFunction(
        (el) => {
          if (!el || !el.isConnected) return false;
          const level = Number(el.getAttribute('aria-level'));
          const box = el.getBoundingClientRect();
          const list = el.closest('[role="tree"]')?.getBoundingClientRect();
          if (list && box.bottom + 1 >= list.bottom) return true;
          return Array.from(el.parentElement?.querySelectorAll('[role="treeitem"]') ?? []).some(
            (r) => Number(r.getAttribute('aria-level')) === level + 1 && Math.abs(r.getBoundingClientRect().top - box.bottom) < 2,
          );
        },
        await row.elementHandle({ timeout: 2000 }),
        { timeout: 2000 },
      ),
    timeoutMs,
    200,
  );
}

/** Clicks the close button of every notification toast (they can cover the side bar's bottom). */
export async function dismissNotifications(page: Page): Promise<number> {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  let closed = 0;
  for (let i = 0; i < 10; i++) {
    const toast = toasts.first();
    if (!(await toast.isVisible())) break;
    const before = await toasts.count();
    // The toast's clear button may show only while the pointer is over it: hover first, then look.
    await toast.hover({ timeout: 2000 }).catch(() => undefined);
    const btn = toasts.locator('.codicon-notifications-clear').first();
    if (!(await btn.isVisible())) break;
    try {
      await btn.click({ timeout: 2000 });
    } catch (err) {
      // An information toast also hides by itself after a while: if it went while we aimed at it,
      // there is nothing left to close. Anything else is a real failure.
      if ((await toasts.count()) < before) continue;
      throw err;
    }
    closed++;
    await page.waitForFunction((n) => document.querySelectorAll('.notifications-toasts .notification-toast').length < n, before, { timeout: 5000 });
  }
  // Leave the mouse somewhere harmless so no hover shows in screenshots.
  await parkMouse(page);
  await waitForNoHover(page);
  return closed;
}

/** Waits until no hover or tooltip is shown (after parking the mouse, before a screenshot). */
export async function waitForNoHover(page: Page, timeoutMs = 5000): Promise<void> {
  await page.locator('.monaco-hover:not(.hidden), .workbench-hover-container').first().waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** A notification the workbench showed during the session (see recordNotifications). */
export interface SeenNotification {
  /** 'toast': a row of the notifications list (toast or centre); 'alert': the aria alert VS Code raises for it. */
  readonly from: 'toast' | 'alert';
  readonly text: string;
  readonly error: boolean;
}

/**
 * Runs in the page (openWorkbench's initScript) before the workbench starts: records every notification
 * for the whole session, so one that hid itself before a check looked is still seen, on any VS Code version.
 * It reads what the workbench exposes to assistive technology rather than its CSS classes, which change
 * between versions: each notification is a list row with role "dialog" and the aria-label
 * "<message>, notification" (or "<message>, source: <extension>, notification"; 1.139 prefixes "Error: "/"Warning: "/"Info: "), and the workbench
 * raises an aria alert "Error: <message>" / "Warning: …" / "Info: …" for it.
 */
export function recordNotifications(): void {
  const w = window as unknown as { __auroraSgNotifications?: SeenNotification[] };
  if (w.__auroraSgNotifications) return;
  const seen: SeenNotification[] = [];
  w.__auroraSgNotifications = seen;
  const keys = new Set<string>();
  const add = (n: SeenNotification) => {
    const key = `${n.from}|${n.error}|${n.text}`;
    if (n.text && !keys.has(key)) {
      keys.add(key);
      seen.push(n);
    }
  };
  const scan = (el: Element) => {
    const rows = [...(el.matches('[role="dialog"][aria-label]') ? [el] : []), ...Array.from(el.querySelectorAll('[role="dialog"][aria-label]'))];
    for (const row of rows) {
      // 1.139 puts the severity first ("Error: …") and can append a hint on the accessible view (", notification, Inspect …").
      const m = /^(?:(Error|Warning|Info): )?([\s\S]*?)(?:, source: [^,]*)?, notification(?:, [\s\S]*)?$/.exec(row.getAttribute('aria-label') ?? '');
      if (m)
        add({
          from: 'toast',
          text: m[2].trim(),
          error: m[1] === 'Error' || !!row.querySelector('[class*="codicon-error"], [class*="codicon-notifications-error"]'),
        });
    }
    const live = el.closest('[role="alert"]');
    const text = (live?.textContent ?? '').trim();
    if (live && text) add({ from: 'alert', text, error: /^Error: /.test(text) });
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      const el = m.target.nodeType === Node.ELEMENT_NODE ? (m.target as Element) : m.target.parentElement;
      if (el) scan(el);
      for (const n of Array.from(m.addedNodes)) if (n.nodeType === Node.ELEMENT_NODE) scan(n as Element);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label', 'class'] });
}

/** Every notification recorded since the workbench opened (recordNotifications must be the page's initScript). */
export async function seenNotifications(page: Page): Promise<SeenNotification[]> {
  const seen = await page.evaluate(() => (window as unknown as { __auroraSgNotifications?: SeenNotification[] }).__auroraSgNotifications);
  if (!seen) throw new Error('notifications are not recorded: open the workbench with initScript: recordNotifications');
  return seen;
}

/** The texts of the notifications shown so far (each once), whichever way the workbench showed them. */
export async function notificationTexts(page: Page): Promise<string[]> {
  return [...new Set((await seenNotifications(page)).map((n) => n.text.replace(/^(Error|Warning|Info): /, '')))];
}

/** The quick-input widget (command palette, quick picks, input boxes). */
export function quickInput(page: Page): Locator {
  // Not one that is closing: VS Code 1.139 keeps a hidden quick input on screen, inert, for its close animation.
  return page.locator('.quick-input-widget:not(.quick-input-widget-closing)').first();
}

/** The rows the quick input lists now, as their visible labels (with the category, for commands). */
export async function quickInputItems(page: Page): Promise<string[]> {
  const rows = quickInput(page).getByRole('option');
  return (await rows.evaluateAll((els) => els.map((el) => (el.getAttribute('aria-label') ?? el.textContent ?? '').trim()))).filter(Boolean);
}

/**
 * Opens the command palette (F1) and types `text`; resolves with the matching row once it is listed
 * (the quick input stays open: press Enter to run it or Escape to close it).
 */
export async function openCommandPalette(page: Page, text: string, timeoutMs = DEFAULT_TIMEOUT): Promise<Locator> {
  const widget = quickInput(page);
  const input = widget.locator('.quick-input-box input').first();
  await retry(
    'open the command palette',
    async () => {
      if (!(await widget.isVisible())) {
        await page.locator('.monaco-workbench').first().focus();
        await page.keyboard.press('F1');
      }
      await widget.waitFor({ state: 'visible', timeout: 3000 });
    },
    timeoutMs,
  );
  const row = widget.getByRole('option').filter({ hasText: text }).first();
  // The palette lists the commands registered when it opened: one contributed a moment later (a
  // view's focus command right after a window reload) shows only in a palette opened again.
  await retry(
    `the command palette row '${text}'`,
    async () => {
      if (!(await widget.isVisible())) {
        await page.locator('.monaco-workbench').first().focus();
        await page.keyboard.press('F1');
        await widget.waitFor({ state: 'visible', timeout: 3000 });
      }
      // A short timeout, so a palette that closed under us (the workbench still settling after a
      // window reload takes the focus back) is opened again by the next try instead of waiting out
      // the whole budget on an input that is gone.
      await input.fill(`>${text}`, { timeout: 3000 });
      try {
        await row.waitFor({ state: 'visible', timeout: 5000 });
      } catch (e) {
        await page.keyboard.press('Escape');
        throw e;
      }
    },
    timeoutMs,
  );
  return row;
}

/** Runs a command from the command palette by its title (e.g. 'Aurora SG: Refresh'). */
export async function runCommand(page: Page, title: string, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
  const row = await openCommandPalette(page, title, timeoutMs);
  // Enter runs the focused (first) row; make sure that is ours.
  const first = quickInput(page).getByRole('option').first();
  const label = (await first.getAttribute('aria-label')) ?? (await first.textContent()) ?? '';
  if (!label.includes(title)) await row.click();
  else await page.keyboard.press('Enter');
}

/** Closes whatever quick input is open, and fails when it stays open. */
export async function closeQuickInput(page: Page): Promise<void> {
  if (await quickInput(page).isVisible()) await page.keyboard.press('Escape');
  await quickInput(page).waitFor({ state: 'hidden', timeout: 5000 });
}

/** Where the screenshots go: one folder per test VS Code (`<screenshots>/<VS Code version>`), so the runs on each version keep their own. */
export function screenshotDir(): string {
  return path.join(process.env.AURORA_SG_SCREENSHOTS ?? path.join('test-results', 'screenshots'), vscodeBuild().vscode);
}

/** Saves a screenshot of the page (or of one element) as `<screenshots>/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string, element?: Locator): Promise<string> {
  const dir = screenshotDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name.endsWith('.png') ? name : `${name}.png`);
  if (element) await element.screenshot({ path: file });
  else await page.screenshot({ path: file });
  return file;
}

/** Moves the mouse to an empty spot of the editor area so no hover or tooltip shows. */
export async function parkMouse(page: Page): Promise<void> {
  const vp = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(vp.width - 60, vp.height - 120);
}

/** Drags the sash between the side bar and the editor so the side bar is `width` pixels wide. */
export async function setSideBarWidth(page: Page, width: number): Promise<void> {
  const bar = await sideBar(page).boundingBox();
  if (!bar) throw new Error('the side bar is not visible');
  const edge = bar.x + bar.width;
  const sashes = page.locator('.monaco-sash.vertical');
  for (let i = 0; i < (await sashes.count()); i++) {
    const box = await sashes.nth(i).boundingBox();
    if (!box || box.width === 0 || Math.abs(box.x + box.width / 2 - edge) > 6) continue;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(bar.x + width, y, { steps: 8 });
    await page.mouse.up();
    await parkMouse(page);
    const now = await sideBar(page).boundingBox();
    if (!now || Math.abs(now.width - width) > 20) throw new Error(`the side bar is ${now?.width} px wide, not ${width}`);
    return;
  }
  throw new Error('no sash at the side bar edge');
}

/** A FrameLocator for the content of the active webview (the inner 'active-frame' of the webview iframe). */
export function webviewLocator(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
}

/**
 * The Frame holding a webview's content. VS Code nests it: the workbench's iframe (URL containing
 * 'webview', .../webview/browser/pre/index.html) hosts an inner iframe with id 'active-frame'.
 * With `titleContains`, only a webview whose document title contains it.
 */
export async function webviewFrame(page: Page, opts: { titleContains?: string; timeoutMs?: number } = {}): Promise<Frame> {
  return retry(
    'find the webview frame',
    async () => {
      for (const outer of page.frames()) {
        if (!outer.url().includes('webview')) continue;
        for (const inner of outer.childFrames()) {
          const el = await inner.frameElement().catch(() => undefined);
          const id = el ? await el.getAttribute('id') : inner.name();
          if (id !== 'active-frame') continue;
          if (opts.titleContains) {
            const title = await inner.title().catch(() => '');
            const body =
              (await inner
                .locator('body')
                .textContent({ timeout: 1000 })
                .catch(() => '')) ?? '';
            if (!title.includes(opts.titleContains) && !body.includes(opts.titleContains)) continue;
          }
          await inner.waitForLoadState('domcontentloaded');
          return inner;
        }
      }
      throw new Error(`no webview frame${opts.titleContains ? ` showing '${opts.titleContains}'` : ''} among ${page.frames().length} frames`);
    },
    opts.timeoutMs ?? DEFAULT_TIMEOUT,
  );
}
