// Helpers for the extension-host tests: the extension's API, moto, settings and the tree.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import type { Node } from '../../src/tree/nodes';
import { clientsFor, seedTestAccount, type Clients, type TestAccountIds } from '../harness/seed';

export const MOTO_URL = process.env.MOTO_URL ?? '';
/** The extension's endpoint: the AWS-rules layer in front of moto (test/harness/testEnv.ts). */
export const AWS_URL = process.env.AURORA_SG_AWS_URL ?? MOTO_URL;
export const REGION = process.env.AURORA_SG_TEST_REGION ?? 'us-east-1';
export const EXTENSION_ID = 'aurora-sg.aurora-sg';

/**
 * Declares a refusal of the AWS-rules layer this test provokes on purpose (by action, optionally
 * by rule name): the run's after-all audit (test/harness/rulesAudit.ts) accepts it and still fails
 * on every other refusal. The layer runs in the launcher's process, so this is a POST to it.
 */
export async function expectAwsRefusal(action: string, rule?: string): Promise<void> {
  assert.notEqual(AWS_URL, MOTO_URL, 'the extension is not behind the AWS-rules layer');
  const r = await fetch(new URL('/__aws-rules/expect-refusal', AWS_URL), { method: 'POST', body: JSON.stringify({ action, rule }) });
  assert.equal(r.status, 204, `the AWS-rules layer did not take the expected refusal: ${await r.text()}`);
}

/**
 * The extension's internals. activate() returns them only under the test harness, which sets
 * AURORA_SG_TEST_API=1 in the extension host (test/harness/testEnv.ts); other extensions get { apiVersion: 1 }.
 */
export async function api(): Promise<TestApi> {
  const ext = vscode.extensions.getExtension<TestApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  const returned = ext.isActive ? ext.exports : await ext.activate();
  assert.equal(returned.apiVersion, 1);
  assert.ok('ext' in returned, 'the extension returned no test API: the launcher must set AURORA_SG_TEST_API=1 in the extension host');
  return returned;
}

/** Everything the extension's output channel has written to its log file so far. */
export async function logText(): Promise<string> {
  const a = await api();
  const marker = `log-flush-marker-${Date.now()}`;
  a.ext.log.info(marker);
  const file = path.join(a.ext.context.logUri.fsPath, 'Aurora Security Groups.log');
  for (let i = 0; i < 50; i++) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (text.includes(marker)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the output channel's log file ${file} never showed the marker`);
}

export async function resetMoto(): Promise<void> {
  assert.ok(MOTO_URL, 'MOTO_URL is not set: the launcher must start moto');
  const r = await fetch(`${MOTO_URL}/moto-api/reset`, { method: 'POST' });
  assert.equal(r.status, 200);
}

export async function reseed(): Promise<TestAccountIds> {
  await resetMoto();
  return seedTestAccount(MOTO_URL, REGION);
}

export function aws(region = REGION): Clients {
  return clientsFor(MOTO_URL, region);
}

export async function setSettings(values: Record<string, unknown>): Promise<void> {
  const c = vscode.workspace.getConfiguration('auroraSg');
  for (const [k, v] of Object.entries(values)) await c.update(k, v, vscode.ConfigurationTarget.Global);
}

/**
 * Whether children() shows the tree mid-load. The tree fills in part by part as a Region's reads
 * answer (issue 16); by default the tests look at it once the loads in flight have ended, as a user
 * who waits does: children() of the root and of a Region first wait for them. progressive.test.ts
 * turns this on to see the rows while a read is held back.
 */
let live = false;
export function showTreeMidLoad(on: boolean): void {
  live = on;
}

/**
 * Waits until the tree's selection satisfies `ok` (after a reveal, a Go To or a Find result). It
 * looks at the selection itself, not at the selection event: the event can come before the
 * extension host knows the revealed row (it then carries no element) and none follows when it
 * does (see tree.test.ts).
 */
export async function selected(ok: (sel: readonly Node[]) => boolean): Promise<void> {
  const view = (await api()).view;
  const deadline = Date.now() + 10_000;
  while (!ok(view.selection)) {
    if (Date.now() > deadline) assert.fail(`the tree never selected what was picked or revealed (selection: ${JSON.stringify(view.selection)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function children(node?: Node): Promise<Node[]> {
  const a = await api();
  if (!live && (!node || node.kind === 'region')) {
    const regions = node ? [node.region] : await a.ext.regions();
    await Promise.allSettled(regions.map((r) => a.ext.store.ensure(r)));
  }
  return a.provider.getChildren(node);
}

export async function item(node: Node): Promise<vscode.TreeItem> {
  return (await api()).provider.getTreeItem(node);
}

export function labelOf(i: vscode.TreeItem): string {
  return typeof i.label === 'string' ? i.label : (i.label?.label ?? '');
}

/** Follow a path of labels from the root; each step matches a child's label (or its start). */
export async function walk(...labels: string[]): Promise<Node> {
  let node: Node | undefined;
  for (const want of labels) {
    const kids = await children(node);
    const items = await Promise.all(kids.map(async (k) => ({ k, label: labelOf(await item(k)) })));
    const hit = items.find((x) => x.label === want) ?? items.find((x) => x.label.startsWith(want));
    assert.ok(hit, `no child "${want}" under ${node ? JSON.stringify(node) : 'the root'}; children: ${items.map((x) => x.label).join(' | ')}`);
    node = hit.k;
  }
  return node!;
}

export async function childLabels(node?: Node): Promise<string[]> {
  const kids = await children(node);
  return Promise.all(kids.map(async (k) => labelOf(await item(k))));
}

export async function descriptions(node?: Node): Promise<string[]> {
  const kids = await children(node);
  return Promise.all(kids.map(async (k) => String((await item(k)).description ?? '')));
}
