// The services the commands and views share. Built once in activate(); passed explicitly.
import * as vscode from 'vscode';
import type { AwsGateway } from './aws/index';
import { profileRegion } from './awsConfigFile';
import { SettleWatches } from './ops/settle';
import { RegionStore } from './state/store';
import type { Prompter } from './ui/prompter';
import { VsCodePrompter } from './ui/vscodePrompter';

export interface Settings {
  readonly profile?: string;
  readonly regions: readonly string[];
  readonly endpoint?: string;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('auroraSg');
  const profile = (c.get<string>('profile') ?? '').trim() || undefined;
  const endpoint = (c.get<string>('endpoint') ?? '').trim() || undefined;
  const regions = [...new Set((c.get<string[]>('regions') ?? []).map((r) => String(r).trim()).filter(Boolean))];
  return { profile, regions, endpoint };
}

/** The AWS layer's module; the composition root passes its loader (src/bundles.ts), so activation never pays for the SDK. */
export type AwsModule = typeof import('./aws/index');

export class Ext implements vscode.Disposable {
  readonly store: RegionStore;
  /** Waits for databases to settle after their groups changed; all stop on reset and dispose. */
  readonly settle: SettleWatches;
  /** Every question and notification goes through here; tests swap in scripted answers. */
  ui: Prompter = new VsCodePrompter();
  /** Every context key the extension has set, with its value (menus and welcome views read them; so do the tests). */
  readonly contextKeys = new Map<string, unknown>();
  private gw: AwsGateway | undefined;
  private settingsValue: Settings;
  /** The profile's Region from ~/.aws/config, read once per settings (the file is read synchronously). */
  private profileRegionValue: { readonly region: string | undefined } | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    /** Loads the AWS layer (dist/aws.js) on first use. */
    readonly loadAws: () => AwsModule,
  ) {
    this.settingsValue = readSettings();
    this.store = new RegionStore(async () => this.gateway(), this.settingsValue.regions);
    this.settle = new SettleWatches(this.store);
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  /** The gateway for the current settings, created (and the SDK loaded) on first use. */
  gateway(): AwsGateway {
    if (!this.gw) {
      const { profile, endpoint } = this.settingsValue;
      const aws = this.loadAws();
      this.log.info(`AWS layer ready: profile ${profile ?? '(default chain)'}${endpoint ? `, endpoint ${endpoint}` : ''}`);
      this.gw = aws.createGateway({ profile, endpoint }, (call, input) => {
        const summary = call.command.startsWith('Describe') ? '' : ` ${summarise(input)}`;
        const line = `${call.service} ${call.command} ${call.region} ${call.ms} ms${call.error ? ` failed: ${call.error}` : ''}${summary}`;
        if (call.error) this.log.warn(line);
        else this.log.info(line);
      });
    }
    return this.gw;
  }

  /** Regions to show: the setting, else AWS_REGION, else the profile's region (read without the SDK). */
  async regions(): Promise<readonly string[]> {
    if (this.settingsValue.regions.length) return this.settingsValue.regions;
    const r = process.env.AWS_REGION || (this.profileRegionValue ??= { region: profileRegion(this.settingsValue.profile) }).region;
    return r ? [r] : [];
  }

  /** Sets a context key (through VS Code's setContext) and records it in contextKeys. */
  setContext(key: string, value: unknown): void {
    this.contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  /** Settings changed: drop the gateway and the cached data. */
  reload(): void {
    this.settingsValue = readSettings();
    this.profileRegionValue = undefined;
    this.gw?.dispose();
    this.gw = undefined;
    this.store.reset(async () => this.gateway(), this.settingsValue.regions);
  }

  dispose(): void {
    this.settle.dispose();
    this.gw?.dispose();
  }
}

/** A short, secret-free summary of a write call's input for the log. */
export function summarise(input: unknown): string {
  try {
    const s = JSON.stringify(input, (k, v) => (/secret|token|password|credential/i.test(k) ? '***' : v));
    return s.length > 400 ? `${s.slice(0, 400)}…` : s;
  } catch {
    return '';
  }
}
