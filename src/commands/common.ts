// What every changing command shares: a progress notification, the outcome, translated errors.
import * as vscode from 'vscode';
import { translateError } from '../aws/errors';
import type { RegionIndex } from '../domain/model';
import type { Ext } from '../ext';
import type { Node } from '../tree/nodes';
import { isBack, isCancel } from '../ui/prompter';

export function isNode(x: unknown): x is Node {
  return !!x && typeof x === 'object' && typeof (x as { kind?: unknown }).kind === 'string' && typeof (x as { region?: unknown }).region === 'string';
}

/** A problem found before any AWS call: shown, logged, nothing changed. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Runs a command body: cancellations end quietly, a UserError or an AWS error becomes one
 * clear notification (details in the log), and the command returns undefined.
 */
export async function guarded<T>(ext: Ext, action: string, region: string | undefined, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (e) {
    if (isCancel(e) || isBack(e)) return undefined;
    if (e instanceof UserError || (e as Error)?.name === 'UserError') {
      const message = (e as Error).message;
      ext.log.warn(`${action}: ${message}`);
      ext.ui.error(message);
      return undefined;
    }
    const t = translateError(e, { action, region, profile: ext.settings.profile, endpoint: ext.settings.endpoint });
    ext.log.error(`${action} failed: ${t.code}: ${t.detail ?? ''}${t.requestId ? ` (request ${t.requestId})` : ''}`);
    ext.ui.error(t.message);
    return undefined;
  }
}

export function progress<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, fn));
}

export async function indexFor(ext: Ext, region: string): Promise<RegionIndex> {
  try {
    return await ext.store.ensure(region);
  } catch (e) {
    throw new UserError(`The data of ${region} could not be loaded: ${translateError(e, { region, endpoint: ext.settings.endpoint }).message}`);
  }
}

/** The Region from a node, the arguments, or the only/one chosen configured Region. */
export async function pickRegion(ext: Ext, given: string | undefined, title: string): Promise<string> {
  const regions = await ext.regions();
  if (given) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(given)) throw new UserError(`"${given}" is not a Region code (such as us-east-1).`);
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
