// The connection commands: which AWS profile, which Regions, which endpoint. Every question goes
// through ext.ui (the Prompter); the answers are written to the user settings.
import * as vscode from 'vscode';
import type { Ext } from '../ext';
import { isRegionCode } from '../domain/validation';
import { UserError } from '../ops/userError';
import type { PickItem } from '../ui/prompter';
import { AWS_REGIONS } from './regions';
import { migrateProfiles } from '../domain/accounts';
import { awsRegion } from '../domain/scope';

function write(key: 'profile' | 'profiles' | 'regions' | 'endpoint', value: unknown): Thenable<void> {
  return vscode.workspace.getConfiguration('auroraSg').update(key, value, vscode.ConfigurationTarget.Global);
}

function profileKind(kind: string): string | undefined {
  return ({ sso: 'SSO', role: 'assume role', process: 'credential process', keys: 'access keys' } as Record<string, string>)[kind];
}

/** The profiles of the shared config and credentials files (none, logged, when they cannot be read). */
function readProfiles(ext: Ext) {
  return ext
    .loadAws()
    .listProfiles()
    .catch((e: Error) => {
      ext.log.warn(`Could not read the AWS config files: ${e.message}`);
      return [];
    });
}

/** auroraSg.selectProfile [profile]: a profile name ('' for the default chain) skips the picker. */
export async function selectProfile(ext: Ext, arg?: unknown): Promise<string | undefined> {
  let profile = typeof arg === 'string' ? arg : undefined;
  if (profile === undefined) {
    const profiles = await readProfiles(ext);
    const current = ext.settings.profile;
    const items: PickItem<string>[] = [
      { label: '$(key) Default credential chain', description: 'environment, AWS_PROFILE, SSO, instance role', value: '', picked: !current },
      ...profiles.map((p) => ({
        label: `${p.name === current ? '$(check) ' : ''}${p.name}`,
        description: [profileKind(p.kind), p.region].filter(Boolean).join(' · '),
        detail: `from the shared ${p.source === 'both' ? 'config and credentials files' : `${p.source} file`}`,
        value: p.name,
      })),
    ];
    profile = await ext.ui.pick({
      title: 'AWS profile for Aurora Security Groups',
      placeholder: profiles.length
        ? 'Choose a profile from ~/.aws/config and ~/.aws/credentials'
        : 'No profiles found in ~/.aws; the default chain will be used',
      items,
    });
  }
  await write('profile', profile);
  return profile;
}

/**
 * auroraSg.selectProfiles [profiles]: several profiles at once (auroraSg.profiles), a list of
 * names skipping the picker. The single auroraSg.profile moves into the list (first); choosing
 * one profile goes back to one-profile mode (auroraSg.profile, the list cleared).
 */
export async function selectProfiles(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  let chosen = Array.isArray(arg) ? (arg as unknown[]) : undefined;
  if (chosen?.some((p) => typeof p !== 'string' || !p.trim())) throw new UserError('The profiles must be a list of profile names.');
  if (!chosen) {
    const profiles = await readProfiles(ext);
    if (!profiles.length) throw new UserError('No profiles were found in ~/.aws/config or ~/.aws/credentials: add one (aws configure sso) first.');
    const current = new Set(ext.settings.profiles.length ? ext.settings.profiles : ext.settings.profile ? [ext.settings.profile] : []);
    chosen = await ext.ui.pickMany({
      title: 'AWS profiles for Aurora Security Groups (one account each)',
      placeholder: 'Choose the profiles whose accounts to show side by side',
      items: profiles.map((p) => ({
        label: p.name,
        description: [profileKind(p.kind), p.region].filter(Boolean).join(' · '),
        picked: current.has(p.name),
        value: p.name,
      })),
    });
  }
  const m = migrateProfiles(ext.settings.profile, chosen as string[]);
  await write('profiles', m.profiles.length ? m.profiles : undefined);
  await write('profile', m.profile);
  return m.profiles.length ? m.profiles : m.profile ? [m.profile] : [];
}

/** auroraSg.selectRegions [regions]: a list of Region codes skips the picker. */
export async function selectRegions(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  let regions = Array.isArray(arg) ? (arg as unknown[]).map(String) : undefined;
  if (!regions) {
    // With several accounts the shown keys are profile/Region: the picker is of the Regions themselves.
    const current = new Set(ext.settings.regions.length ? ext.settings.regions : (await ext.regions()).map(awsRegion));
    const all = [...new Set([...current, ...AWS_REGIONS.map((r) => r.code)])];
    const names = new Map(AWS_REGIONS.map((r) => [r.code, r.name]));
    regions = await ext.ui.pickMany({
      title: 'Regions to show',
      placeholder: 'Choose one or more Regions',
      items: all.map((code) => ({ label: code, description: names.get(code), picked: current.has(code), value: code })),
    });
  }
  const bad = regions.filter((r) => !isRegionCode(r));
  if (bad.length) throw new UserError(`Not a Region code: ${bad.join(', ')}. Use codes such as us-east-1.`);
  await write('regions', regions);
  return regions;
}

const validEndpoint = (v: string) =>
  v.trim() === '' || /^https?:\/\/[^\s/]+(\/.*)?$/.test(v.trim()) ? undefined : 'Enter an http:// or https:// URL, or leave empty to use AWS.';

/** auroraSg.setEndpoint [url]: a URL ('' for AWS itself) skips the input box. */
export async function setEndpoint(ext: Ext, arg?: unknown): Promise<string | undefined> {
  let endpoint = typeof arg === 'string' ? arg : undefined;
  if (endpoint === undefined) {
    endpoint = await ext.ui.input({
      title: 'Endpoint override (LocalStack, moto); empty for AWS',
      value: ext.settings.endpoint ?? '',
      placeholder: 'http://127.0.0.1:5000',
      validate: validEndpoint,
    });
  }
  await write('endpoint', endpoint.trim());
  return endpoint.trim();
}

/** auroraSg.configure: the connection menu of the status bar item. */
export async function configure(ext: Ext): Promise<void> {
  const s = ext.settings;
  const pick = await ext.ui.pick<'profile' | 'profiles' | 'regions' | 'endpoint' | 'log'>({
    title: 'Aurora Security Groups connection',
    items: [
      { label: '$(account) Select Profile…', description: s.profiles.length ? 'several accounts' : (s.profile ?? 'default chain'), value: 'profile' },
      { label: '$(organization) Select Profiles…', description: s.profiles.join(', ') || 'several accounts at once', value: 'profiles' },
      { label: '$(globe) Select Regions…', description: (await ext.regions()).join(', ') || 'none', value: 'regions' },
      { label: '$(plug) Set Endpoint…', description: s.endpoint ?? 'AWS', value: 'endpoint' },
      { label: '$(output) Show Log', value: 'log' },
    ],
  });
  if (pick === 'profile') await selectProfile(ext);
  else if (pick === 'profiles') await selectProfiles(ext);
  else if (pick === 'regions') await selectRegions(ext);
  else if (pick === 'endpoint') await setEndpoint(ext);
  else ext.log.show();
}
