// What every changing command shares: a progress notification, the outcome, translated errors.
import * as vscode from 'vscode';
import { STALE_CODES, translateError } from '../aws/errors';
import type { RegionIndex } from '../domain/model';
import type { Ext } from '../ext';
import type { Node } from '../tree/nodes';
import { isBack, isCancel } from '../ui/prompter';

export function isNode(x: unknown): x is Node {
  return !!x && typeof x === 'object' && typeof (x as { kind?: unknown }).kind === 'string' && typeof (x as { region?: unknown }).region === 'string';
}

import { UserError } from '../ops/userError';
export { UserError };

/**
 * Text for a notification: VS Code turns `[text](command:…)` in a notification into a link that
 * runs a command, and names, descriptions and tags come from AWS, where `[`, `]`, `(`, `)` and
 * `:` are allowed. A zero-width space after `]` keeps the text as it reads and never a link.
 */
export function plainText(text: string): string {
  return text.replace(/\]\(/g, ']\u200b(');
}

/** Notifications with AWS text in them, never as links. */
export function say(ext: Ext): { info(m: string): void; warn(m: string): void; error(m: string): void } {
  return {
    info: (m) => ext.ui.info(plainText(m)),
    warn: (m) => ext.ui.warn(plainText(m)),
    error: (m) => ext.ui.error(plainText(m)),
  };
}

/** A JavaScript error (a bug or hostile arguments that slipped through), not a message for the user. */
const INTERNAL = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/**
 * Runs a command body: cancellations end quietly, a UserError or an AWS error becomes one
 * clear notification (details in the log), and the command returns undefined. When AWS says
 * the thing is gone (a stale tree node), the Region is reloaded so the tree stops showing it.
 */
export async function guarded<T>(ext: Ext, action: string, region: string | undefined, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (e) {
    if (isCancel(e) || isBack(e)) return undefined;
    if (e instanceof UserError || (e as Error)?.name === 'UserError') {
      const message = (e as Error).message;
      ext.log.warn(`${action}: ${message}`);
      say(ext).error(message);
      return undefined;
    }
    if (INTERNAL.has((e as Error)?.name) && !(e as { $metadata?: unknown }).$metadata) {
      ext.log.error(`${action}: internal error: ${(e as Error).stack ?? String(e)}`);
      say(ext).error(`Could not ${action}: an internal error occurred (${(e as Error).name}); nothing more was done. Details are in the Aurora Security Groups log.`);
      return undefined;
    }
    const code = (e as { name?: string })?.name ?? '';
    const stale = !!region && STALE_CODES.has(code) && !!ext.store.index(region);
    if (stale) await ext.store.load(region!).catch(() => undefined);
    const t = translateError(e, { action, region, profile: ext.settings.profile, endpoint: ext.settings.endpoint, refreshed: stale });
    ext.log.error(`${action} failed: ${t.code}: ${t.detail ?? ''}${t.requestId ? ` (request ${t.requestId})` : ''}`);
    say(ext).error(t.message);
    return undefined;
  }
}

export function progress<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, fn));
}

export async function indexFor(ext: Ext, region: string): Promise<RegionIndex> {
  try {
    return await ext.store.ensure(region, { retryFailed: true });
  } catch (e) {
    throw new UserError(`The data of ${region} could not be loaded: ${translateError(e, { region, endpoint: ext.settings.endpoint }).message}`);
  }
}

/** The Region from a node, the arguments, or the only/one chosen configured Region. */
export async function pickRegion(ext: Ext, given: string | undefined, title: string): Promise<string> {
  const regions = await ext.regions();
  if (given !== undefined && given !== null && given !== '') {
    if (typeof given !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(given)) throw new UserError(`"${given}" is not a Region code (such as us-east-1).`);
    return given;
  }
  if (regions.length === 0) throw new UserError('No Region is selected. Run "Aurora SG: Select Regions" first.');
  if (regions.length === 1) return regions[0];
  return ext.ui.pick({ title, placeholder: 'Region', items: regions.map((r) => ({ label: r, value: r })) });
}

export function requireString(v: unknown, name: string): string {
  if (typeof v !== 'string' || !v.trim()) throw new UserError(`The argument "${name}" is required.`);
  return v.trim();
}
