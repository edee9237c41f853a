// Commands for browsing: refresh, connection settings, copy ids/ARNs, console links, reveal.
import * as vscode from 'vscode';
import { consoleUrl, ec2Arn, type ConsoleTarget } from '../domain/console';
import type { Ext } from '../ext';
import { loadAws } from '../ext';
import type { Node } from '../tree/nodes';
import { AWS_REGIONS } from './regions';

export async function refresh(ext: Ext, node?: Node): Promise<void> {
  if (!node || node.kind === 'message' && !node.error) {
    await ext.store.refreshAll(await ext.regions());
    return;
  }
  switch (node.kind) {
    case 'group':
    case 'direction':
    case 'rule':
      if (ext.store.index(node.region)) return ext.store.refreshGroups(node.region, [node.groupId]);
      break;
    case 'cluster':
      if (ext.store.index(node.region)) {
        await ext.store.refreshCluster(node.region, node.clusterId);
        return;
      }
      break;
    case 'dbInstance':
      if (ext.store.index(node.region)) {
        await ext.store.refreshInstance(node.region, node.instanceId);
        return;
      }
      break;
  }
  await ext.store.load(node.region).catch(() => undefined);
}

export async function selectProfile(ext: Ext, profile?: string): Promise<string | undefined> {
  if (profile === undefined) {
    const profiles = await loadAws().listProfiles().catch((e: Error) => {
      ext.log.warn(`Could not read the AWS config files: ${e.message}`);
      return [];
    });
    const current = ext.settings.profile;
    const items: (vscode.QuickPickItem & { value: string })[] = [
      { label: '$(key) Default credential chain', description: 'environment, AWS_PROFILE, SSO, instance role', value: '', picked: !current },
      ...profiles.map((p) => ({
        label: `${p.name === current ? '$(check) ' : ''}${p.name}`,
        description: [p.kind === 'sso' ? 'SSO' : p.kind === 'role' ? 'assume role' : p.kind === 'process' ? 'credential process' : p.kind === 'keys' ? 'access keys' : undefined, p.region].filter(Boolean).join(' · '),
        detail: `from the shared ${p.source === 'both' ? 'config and credentials files' : `${p.source} file`}`,
        value: p.name,
      })),
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: 'AWS profile for Aurora Security Groups',
      placeHolder: profiles.length ? 'Choose a profile from ~/.aws/config and ~/.aws/credentials' : 'No profiles found in ~/.aws; the default chain will be used',
      matchOnDescription: true,
    });
    if (!pick) return undefined;
    profile = pick.value;
  }
  await vscode.workspace.getConfiguration('auroraSg').update('profile', profile, vscode.ConfigurationTarget.Global);
  return profile;
}

export async function selectRegions(ext: Ext, regions?: string[]): Promise<string[] | undefined> {
  if (!regions) {
    const current = new Set(ext.settings.regions.length ? ext.settings.regions : await ext.regions());
    const all = [...new Set([...current, ...AWS_REGIONS.map((r) => r.code)])];
    const names = new Map(AWS_REGIONS.map((r) => [r.code, r.name]));
    const picks = await vscode.window.showQuickPick(
      all.map((code) => ({ label: code, description: names.get(code), picked: current.has(code) })),
      { title: 'Regions to show', canPickMany: true, placeHolder: 'Choose one or more Regions' },
    );
    if (!picks) return undefined;
    regions = picks.map((p) => p.label);
  }
  const bad = regions.filter((r) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r));
  if (bad.length) {
    void vscode.window.showErrorMessage(`Not a Region code: ${bad.join(', ')}. Use codes such as us-east-1.`);
    return undefined;
  }
  await vscode.workspace.getConfiguration('auroraSg').update('regions', regions, vscode.ConfigurationTarget.Global);
  return regions;
}

export async function setEndpoint(ext: Ext, endpoint?: string): Promise<string | undefined> {
  if (endpoint === undefined) {
    endpoint = await vscode.window.showInputBox({
      title: 'Endpoint override (LocalStack, moto); empty for AWS',
      value: ext.settings.endpoint ?? '',
      placeHolder: 'http://127.0.0.1:5000',
      validateInput: (v) => (v.trim() === '' || /^https?:\/\/[^\s/]+(\/.*)?$/.test(v.trim()) ? undefined : 'Enter an http:// or https:// URL, or leave empty to use AWS.'),
    });
    if (endpoint === undefined) return undefined;
  }
  await vscode.workspace.getConfiguration('auroraSg').update('endpoint', endpoint.trim(), vscode.ConfigurationTarget.Global);
  return endpoint.trim();
}

export async function configure(ext: Ext): Promise<void> {
  const s = ext.settings;
  const pick = await vscode.window.showQuickPick(
    [
      { label: '$(account) Select Profile…', description: s.profile ?? 'default chain', id: 'profile' },
      { label: '$(globe) Select Regions…', description: (await ext.regions()).join(', ') || 'none', id: 'regions' },
      { label: '$(plug) Set Endpoint…', description: s.endpoint ?? 'AWS', id: 'endpoint' },
      { label: '$(output) Show Log', id: 'log' },
    ],
    { title: 'Aurora Security Groups connection' },
  );
  if (pick?.id === 'profile') await selectProfile(ext);
  else if (pick?.id === 'regions') await selectRegions(ext);
  else if (pick?.id === 'endpoint') await setEndpoint(ext);
  else if (pick?.id === 'log') ext.log.show();
}

function targetOf(node: Node): ConsoleTarget | undefined {
  switch (node.kind) {
    case 'vpc':
      return { kind: 'vpc', region: node.region, vpcId: node.vpcId };
    case 'group':
    case 'direction':
      return { kind: 'group', region: node.region, groupId: node.groupId };
    case 'rule':
      return { kind: 'rule', region: node.region, groupId: node.groupId, ruleId: node.ruleId };
    case 'cluster':
      return { kind: 'cluster', region: node.region, clusterId: node.clusterId };
    case 'dbInstance':
      return { kind: 'dbInstance', region: node.region, instanceId: node.instanceId };
    default:
      return undefined;
  }
}

export function idOf(node: Node): string | undefined {
  switch (node.kind) {
    case 'vpc':
      return node.vpcId;
    case 'group':
    case 'direction':
      return node.groupId;
    case 'rule':
      return node.ruleId;
    case 'cluster':
      return node.clusterId;
    case 'dbInstance':
      return node.instanceId;
    case 'region':
      return node.region;
    default:
      return undefined;
  }
}

export function arnOf(ext: Ext, node: Node): string | undefined {
  const idx = ext.store.index(node.region);
  switch (node.kind) {
    case 'vpc':
      return ec2Arn(node.region, idx?.snapshot.vpcs.find((v) => v.vpcId === node.vpcId)?.ownerId, 'vpc', node.vpcId);
    case 'group':
    case 'direction':
      return ec2Arn(node.region, idx?.groupsById.get(node.groupId)?.ownerId, 'security-group', node.groupId);
    case 'rule':
      return ec2Arn(node.region, idx?.groupsById.get(node.groupId)?.ownerId, 'security-group-rule', node.ruleId);
    case 'cluster':
      return idx?.clustersById.get(node.clusterId)?.arn;
    case 'dbInstance':
      return idx?.instancesById.get(node.instanceId)?.arn;
    default:
      return undefined;
  }
}

export async function copyId(_ext: Ext, node?: Node): Promise<string | undefined> {
  const id = node && idOf(node);
  if (!id) return undefined;
  await vscode.env.clipboard.writeText(id);
  vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
  return id;
}

export async function copyArn(ext: Ext, node?: Node): Promise<string | undefined> {
  const arn = node && arnOf(ext, node);
  if (!arn) {
    void vscode.window.showWarningMessage('No ARN is known for this item (its owner account was not reported).');
    return undefined;
  }
  await vscode.env.clipboard.writeText(arn);
  vscode.window.setStatusBarMessage(`Copied ${arn}`, 3000);
  return arn;
}

export async function openInConsole(_ext: Ext, node?: Node): Promise<string | undefined> {
  const t = node && targetOf(node);
  if (!t) return undefined;
  const url = consoleUrl(t);
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
  return url;
}

export async function revealGroup(ext: Ext, view: vscode.TreeView<Node>, node?: Node): Promise<void> {
  if (!node || node.kind !== 'group') return;
  await view.reveal({ kind: 'group', region: node.region, groupId: node.groupId }, { select: true, focus: true, expand: true });
  void ext;
}
