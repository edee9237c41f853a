// auroraSg.addInboundRule / addOutboundRule / editRule / removeRule.
import { canonicalCidr } from '../domain/cidr';
import { buildRule, findDuplicate, ruleQuotaError, worldOpenDatabasePort, type RuleDraft, type SourceInput } from '../domain/changes';
import type { RegionIndex, SecurityGroupRule } from '../domain/model';
import { peerLabel, portLabel, ruleLabel } from '../domain/rules';
import { parsePortRange, validateCidrInput, validatePrefixListId, validateRuleDescription } from '../domain/validation';
import type { Ext } from '../ext';
import type { Node } from '../tree/nodes';
import { BackError, runSteps, type PickItem } from '../ui/prompter';
import { attemptsOf, mayHaveApplied, translateError } from '../aws/errors';
import { guarded, indexFor, isNode, pickRegion, progress, requireString, say, UserError } from './common';

export interface AddRuleArgs {
  region?: string;
  groupId?: string;
  protocol?: string;
  fromPort?: number;
  toPort?: number;
  source?: SourceInput;
  description?: string;
}

interface Preset {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  custom?: boolean;
}

function presets(clusterPort: number | undefined): PickItem<Preset>[] {
  const items: PickItem<Preset>[] = [];
  if (clusterPort && clusterPort !== 3306 && clusterPort !== 5432)
    items.push({ label: `$(database) The cluster's port ${clusterPort}`, description: 'tcp', value: { protocol: 'tcp', fromPort: clusterPort, toPort: clusterPort } });
  items.push(
    { label: '$(database) Aurora MySQL / MySQL', description: 'tcp 3306', value: { protocol: 'tcp', fromPort: 3306, toPort: 3306 } },
    { label: '$(database) Aurora PostgreSQL / PostgreSQL', description: 'tcp 5432', value: { protocol: 'tcp', fromPort: 5432, toPort: 5432 } },
    { label: '$(lock) HTTPS', description: 'tcp 443', value: { protocol: 'tcp', fromPort: 443, toPort: 443 } },
    { label: '$(terminal) SSH', description: 'tcp 22', value: { protocol: 'tcp', fromPort: 22, toPort: 22 } },
    { label: '$(symbol-number) Custom TCP port or range…', description: 'tcp', value: { protocol: 'tcp', custom: true } },
    { label: '$(symbol-number) Custom UDP port or range…', description: 'udp', value: { protocol: 'udp', custom: true } },
    { label: '$(pulse) ICMP (all types)', description: 'icmp', value: { protocol: 'icmp', fromPort: -1, toPort: -1 } },
    { label: '$(warning) All traffic', description: 'all protocols, all ports', value: { protocol: '-1' } },
  );
  return items;
}

function groupItems(idx: RegionIndex, exclude?: string): PickItem<string>[] {
  const vpcName = new Map(idx.snapshot.vpcs.map((v) => [v.vpcId, v.name ?? v.vpcId]));
  return [...idx.snapshot.groups]
    .filter((g) => g.groupId !== exclude)
    .sort((a, b) => a.groupName.localeCompare(b.groupName))
    .map((g) => ({ label: g.groupName, description: `${g.groupId} · ${vpcName.get(g.vpcId ?? '') ?? 'no VPC'}`, detail: g.description, value: g.groupId }));
}

function groupIdOf(node: Node | undefined): string | undefined {
  return node && (node.kind === 'group' || node.kind === 'direction' || node.kind === 'rule') ? node.groupId : undefined;
}

/** Checks that need the loaded data, then the call. Returns the created rule ids. */
async function applyRule(ext: Ext, region: string, idx: RegionIndex, d: RuleDraft, clusterPorts: number[]): Promise<string[] | undefined> {
  const g = idx.groupsById.get(d.groupId);
  if (!g) throw new UserError(`Security group ${d.groupId} is not in ${region}. Refresh the tree or check the id.`);
  if (d.peer.kind === 'group' && !d.peer.userId && !idx.groupsById.has(d.peer.groupId))
    throw new UserError(`The source group ${d.peer.groupId} is not in ${region}. A group of another account needs its account id (userId).`);
  const existing = idx.rulesOf(d.groupId);
  const dup = findDuplicate(existing, d);
  if (dup) throw new UserError(`This access is already allowed by rule ${dup.ruleId} (${ruleLabel(dup, (id) => idx.groupsById.get(id))}); nothing was changed.`);
  const quota = ruleQuotaError(existing, d);
  if (quota) throw new UserError(quota);
  const lookup = (id: string) => idx.groupsById.get(id);
  const text = `${portLabel(d)} ${d.isEgress ? 'to' : 'from'} ${peerLabel(d.peer, lookup)}`;
  if (worldOpenDatabasePort(d, clusterPorts)) {
    const ok = await ext.ui.confirm(
      `Open ${text} to the whole internet?`,
      `${g.groupName} (${g.groupId}) would accept database connections from any address. Prefer the app servers' security group or a narrow CIDR range.`,
      'Allow from anywhere',
    );
    if (!ok) return undefined;
  }
  let created: SecurityGroupRule[];
  let recovered: string | undefined;
  try {
    created = await progress(`Adding ${d.isEgress ? 'outbound' : 'inbound'} rule ${text} to ${g.groupName}…`, () =>
      ext.gateway().authorizeRule(region, { groupId: d.groupId, isEgress: d.isEgress, protocol: d.protocol, fromPort: d.fromPort, toPort: d.toPort, peer: d.peer, description: d.description }),
    );
  } catch (e) {
    // The call may have been applied though it failed (an answer lost, then a retry that found the
    // rule in place: InvalidPermission.Duplicate). Re-read the group and say what is true.
    const duplicate = (e as Error)?.name === 'InvalidPermission.Duplicate';
    if (duplicate && attemptsOf(e) <= 1) {
      // Someone else added the same access since the tree was loaded.
      await ext.store.refreshGroups(region, [d.groupId]).catch(() => undefined);
      const other = ext.store.index(region) && findDuplicate(ext.store.index(region)!.rulesOf(d.groupId), d);
      throw new UserError(`This access is already allowed by ${other ? `rule ${other.ruleId}` : 'an existing rule'}, added since the tree was loaded (the tree has been refreshed); nothing was changed.`);
    }
    if (!duplicate && !mayHaveApplied(e)) throw e;
    const rule = await findAfterFailure(ext, region, d);
    if (rule === 'unknown') throw new UserError(`Could not tell whether ${text} was added to ${g.groupName}: ${errorText(e)} Refresh the tree to check before trying again.`);
    if (!rule) {
      await ext.store.refreshGroups(region, [d.groupId]).catch(() => undefined);
      const t = translateError(e, { action: `add ${text} to ${g.groupName}`, region, profile: ext.settings.profile, endpoint: ext.settings.endpoint });
      ext.log.error(`Authorize ${text} on ${d.groupId} failed: ${t.code}: ${t.detail ?? ''}`);
      throw new UserError(`${t.message} Nothing was added: the group, read again, does not have the rule.`);
    }
    ext.log.info(`Authorize ${text} on ${d.groupId}: the call failed (${(e as Error)?.name}, ${attemptsOf(e)} attempt(s)), but the rule is in place: ${rule.ruleId}`);
    created = [rule];
    recovered = attemptsOf(e) > 1 ? 'AWS\'s first answer was lost; the retry found the rule in place' : 'AWS\'s answer was lost; the group, read again, has the rule';
  }
  await ext.store.refreshGroups(region, [d.groupId]);
  let ids = created.map((r) => r.ruleId);
  if (!ids.length) {
    // Some endpoints do not return the created rules: find it in the re-read group.
    const fresh = ext.store.index(region) ? findDuplicate(ext.store.index(region)!.rulesOf(d.groupId), d) : undefined;
    ids = fresh ? [fresh.ruleId] : [];
  }
  say(ext).info(
    `Added ${text} to ${g.groupName} (${ids.join(', ') || 'rule'})${d.canonicalisedFrom ? `; AWS stores ${d.canonicalisedFrom} as ${peerLabel(d.peer)}` : ''}${recovered ? ` (${recovered}; it was applied once)` : ''}.`,
  );
  return ids;
}

const errorText = (e: unknown) => {
  const m = translateError(e).message.split('\n')[0].trim();
  return m.endsWith('.') ? m : `${m}.`;
};

/** After a failed authorize: the rule as it now exists, undefined when it does not, 'unknown' when the re-read fails too. */
async function findAfterFailure(ext: Ext, region: string, d: RuleDraft): Promise<SecurityGroupRule | undefined | 'unknown'> {
  try {
    const rules = await ext.gateway().readRules(region, [d.groupId]);
    return findDuplicate(rules, d);
  } catch {
    return 'unknown';
  }
}

/** What a command accepts as arguments, checked: any extension can call it with anything. */
function checkRuleArgs(args: AddRuleArgs): void {
  const bad = (what: string, v: unknown) => new UserError(`The argument "${what}" must be ${v}.`);
  if (args.protocol !== undefined && typeof args.protocol !== 'string' && typeof args.protocol !== 'number') throw bad('protocol', 'text such as "tcp", or a protocol number');
  for (const k of ['fromPort', 'toPort'] as const) if (args[k] !== undefined && typeof args[k] !== 'number') throw bad(k, 'a number');
  if (args.description !== undefined && typeof args.description !== 'string') throw bad('description', 'text');
  const src = args.source as unknown;
  if (src !== undefined) {
    if (!src || typeof src !== 'object' || Array.isArray(src)) throw bad('source', '{ cidr }, { groupId } or { prefixListId }');
    const keys = ['cidr', 'groupId', 'prefixListId'].filter((k) => (src as Record<string, unknown>)[k] !== undefined);
    if (keys.length !== 1) throw bad('source', 'exactly one of { cidr }, { groupId } or { prefixListId }');
    if (typeof (src as Record<string, unknown>)[keys[0]] !== 'string') throw bad(`source.${keys[0]}`, 'text');
    const userId = (src as { userId?: unknown }).userId;
    if (userId !== undefined && (typeof userId !== 'string' || !/^\d{12}$/.test(userId))) throw bad('source.userId', 'a 12-digit AWS account id');
  }
}

export function addRule(ext: Ext, isEgress: boolean, arg?: unknown): Promise<string[] | undefined> {
  const node = isNode(arg) ? arg : undefined;
  const args: AddRuleArgs = !node && arg && typeof arg === 'object' ? (arg as AddRuleArgs) : {};
  const scripted = !node && args.groupId !== undefined && (args.source !== undefined || args.protocol !== undefined);
  const action = `add the ${isEgress ? 'outbound' : 'inbound'} rule`;
  return guarded(ext, action, args.region ?? node?.region, async () => {
    const region = await pickRegion(ext, args.region ?? node?.region, 'Add rule: Region');
    const idx = await indexFor(ext, region);
    const clusterId = node?.kind === 'group' ? node.via?.clusterId : undefined;
    const clusterPort = clusterId ? idx.clustersById.get(clusterId)?.port : undefined;
    const clusterPorts = idx.snapshot.clusters.map((c) => c.port).filter((p): p is number => !!p);
    if (scripted) {
      const groupId = requireString(args.groupId, 'groupId');
      checkRuleArgs(args);
      const r = buildRule({ groupId, isEgress, protocol: String(args.protocol ?? ''), fromPort: args.fromPort, toPort: args.toPort, source: args.source!, description: args.description });
      if (!r.ok) throw new UserError(r.error);
      return applyRule(ext, region, idx, r.value, clusterPorts);
    }
    const title = `Add ${isEgress ? 'outbound' : 'inbound'} rule`;
    const st: { groupId?: string; preset?: Preset; ports?: { fromPort: number; toPort: number }; source?: SourceInput; description?: string } = {
      groupId: groupIdOf(node) ?? args.groupId,
    };
    const fixedGroup = !!st.groupId;
    const total = 5;
    await runSteps([
      async () => {
        if (fixedGroup) return;
        st.groupId = await ext.ui.pick({ title, step: 1, totalSteps: total, placeholder: 'Security group to add the rule to', items: groupItems(idx) });
      },
      async () => {
        st.preset = await ext.ui.pick({ title, step: 2, totalSteps: total, placeholder: 'Protocol and port', items: presets(clusterPort) });
        st.ports = undefined;
        if (st.preset.custom) {
          const text = await ext.ui.input({
            title,
            step: 2,
            totalSteps: total,
            prompt: `${st.preset.protocol.toUpperCase()} port or range (e.g. 8080 or 8000-8100)`,
            validate: (v) => {
              const p = parsePortRange(v);
              return 'error' in p ? p.error : undefined;
            },
          });
          st.ports = parsePortRange(text) as { fromPort: number; toPort: number };
        }
      },
      async () => {
        const kind = await ext.ui.pick<'cidr' | 'group' | 'prefixList'>({
          title,
          step: 3,
          totalSteps: total,
          placeholder: isEgress ? 'Destination' : 'Source',
          items: [
            { label: '$(shield) Another security group', description: 'everything that carries that group (e.g. the app servers)', value: 'group' },
            { label: '$(symbol-number) IPv4 or IPv6 CIDR range', description: 'e.g. 203.0.113.0/24 or 2001:db8::/32', value: 'cidr' },
            { label: '$(list-unordered) Prefix list', description: 'pl-…', value: 'prefixList' },
          ],
        });
        if (kind === 'group') {
          st.source = { groupId: await ext.ui.pick({ title, step: 3, totalSteps: total, placeholder: 'Security group (any VPC of the Region)', items: groupItems(idx, st.groupId) }) };
        } else if (kind === 'cidr') {
          const text = await ext.ui.input({
            title,
            step: 3,
            totalSteps: total,
            prompt: 'CIDR range; host bits are cleared as AWS does (shown here before anything is sent)',
            placeholder: '203.0.113.0/24',
            validate: (v) => {
              const e = validateCidrInput(v);
              if (e) return e;
              const c = canonicalCidr(v);
              return 'error' in c ? c.error : undefined;
            },
          });
          const c = canonicalCidr(text);
          if (!('error' in c) && c.changed && text.trim() !== c.cidr && text.includes('/')) {
            const ok = await ext.ui.confirm(`AWS will store ${text.trim()} as ${c.cidr}.`, 'The host bits of a CIDR range are cleared. Continue with this range?', `Use ${c.cidr}`);
            if (!ok) throw new BackError();
          }
          st.source = { cidr: text };
        } else {
          let lists: { label: string; description?: string; value: string }[] = [];
          try {
            lists = (await ext.gateway().listPrefixLists(region)).map((p) => ({ label: p.name ?? p.prefixListId, description: `${p.prefixListId}${p.maxEntries ? ` · counts as ${p.maxEntries} rules` : ''}`, value: p.prefixListId }));
          } catch (e) {
            ext.log.warn(`Could not list prefix lists: ${(e as Error).message}`);
          }
          st.source = {
            prefixListId: lists.length
              ? await ext.ui.pick({ title, step: 3, totalSteps: total, placeholder: 'Prefix list', items: lists })
              : await ext.ui.input({ title, step: 3, totalSteps: total, prompt: 'Prefix list id', placeholder: 'pl-0123456789abcdef0', validate: validatePrefixListId }),
          };
        }
      },
      async () => {
        const kind = st.source && 'cidr' in st.source ? 'cidr4' : st.source && 'groupId' in st.source ? 'group' : 'prefixList';
        st.description = await ext.ui.input({ title, step: 4, totalSteps: total, prompt: 'Description (optional)', placeholder: 'e.g. From app servers', validate: (v) => validateRuleDescription(v, kind) });
      },
    ]);
    const p = st.preset!;
    const r = buildRule({
      groupId: st.groupId!,
      isEgress,
      protocol: p.protocol,
      fromPort: st.ports?.fromPort ?? p.fromPort,
      toPort: st.ports?.toPort ?? p.toPort,
      source: st.source!,
      description: st.description,
    });
    if (!r.ok) throw new UserError(r.error);
    return applyRule(ext, region, idx, r.value, clusterPorts);
  });
}

export interface EditRuleArgs {
  region?: string;
  groupId?: string;
  ruleId?: string;
  protocol?: string;
  fromPort?: number;
  toPort?: number;
  source?: SourceInput;
  description?: string;
}

/** auroraSg.editRule: ModifySecurityGroupRules in place (the rule keeps its id). */
export function editRule(ext: Ext, arg?: unknown): Promise<string | undefined> {
  const node = isNode(arg) && arg.kind === 'rule' ? arg : undefined;
  const args: EditRuleArgs = !isNode(arg) && arg && typeof arg === 'object' ? (arg as EditRuleArgs) : {};
  return guarded(ext, 'edit the rule', args.region ?? node?.region, async () => {
    const region = await pickRegion(ext, args.region ?? node?.region, 'Edit rule: Region');
    const idx = await indexFor(ext, region);
    const ruleId = node?.ruleId ?? requireString(args.ruleId, 'ruleId');
    const rule = idx.snapshot.rules.find((r) => r.ruleId === ruleId);
    if (!rule) {
      if (node) await ext.store.refreshGroups(region, [node.groupId]).catch(() => undefined);
      throw new UserError(
        node
          ? `Rule ${ruleId} no longer exists (someone removed it); the tree has been refreshed. Nothing was changed.`
          : `Rule ${ruleId} is not in the loaded data of ${region} (someone may have removed it). Refresh the tree.`,
      );
    }
    if (!node) checkRuleArgs(args);
    const st: EditRuleArgs = node ? {} : { ...args };
    if (node) {
      const what = await ext.ui.pick<'ports' | 'source' | 'description'>({
        title: `Edit ${ruleLabel(rule, (id) => idx.groupsById.get(id))}`,
        placeholder: 'What to change',
        items: [
          { label: 'Port or range', description: portLabel(rule), value: 'ports' },
          { label: rule.isEgress ? 'Destination' : 'Source', description: peerLabel(rule.peer, (id) => idx.groupsById.get(id)), value: 'source' },
          { label: 'Description', description: rule.description ?? '(none)', value: 'description' },
        ],
      });
      if (what === 'ports') {
        if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') throw new UserError(`A ${portLabel(rule)} rule has no port range to edit; remove it and add another.`);
        const text = await ext.ui.input({
          title: 'Edit rule: port or range',
          value: rule.fromPort === rule.toPort ? String(rule.fromPort) : `${rule.fromPort}-${rule.toPort}`,
          validate: (v) => {
            const p = parsePortRange(v);
            return 'error' in p ? p.error : undefined;
          },
        });
        Object.assign(st, parsePortRange(text));
      } else if (what === 'source') {
        const text = await ext.ui.input({
          title: 'Edit rule: CIDR range or security group id',
          value: rule.peer.kind === 'cidr4' || rule.peer.kind === 'cidr6' ? rule.peer.cidr : rule.peer.kind === 'group' ? rule.peer.groupId : rule.peer.prefixListId,
          validate: (v) => (/^sg-/.test(v.trim()) || /^pl-/.test(v.trim()) ? undefined : validateCidrInput(v)),
        });
        const t = text.trim();
        st.source = t.startsWith('sg-') ? { groupId: t } : t.startsWith('pl-') ? { prefixListId: t } : { cidr: t };
      } else {
        st.description = await ext.ui.input({
          title: 'Edit rule: description',
          value: rule.description ?? '',
          validate: (v) => validateRuleDescription(v, rule.peer.kind),
        });
      }
    }
    const source: SourceInput | undefined = st.source;
    const merged = buildRule({
      groupId: rule.groupId,
      isEgress: rule.isEgress,
      protocol: st.protocol ?? rule.protocol,
      fromPort: st.fromPort ?? (rule.fromPort === -1 && (rule.protocol === 'tcp' || rule.protocol === 'udp') ? undefined : rule.fromPort),
      toPort: st.toPort ?? (st.fromPort !== undefined ? st.fromPort : rule.toPort),
      source:
        source ??
        (rule.peer.kind === 'cidr4' || rule.peer.kind === 'cidr6'
          ? { cidr: rule.peer.cidr }
          : rule.peer.kind === 'group'
            ? { groupId: rule.peer.groupId, userId: rule.peer.userId }
            : { prefixListId: rule.peer.prefixListId }),
      description: st.description !== undefined ? st.description : rule.description,
    });
    if (!merged.ok) throw new UserError(merged.error);
    const d = merged.value;
    const other = findDuplicate(idx.rulesOf(rule.groupId).filter((r) => r.ruleId !== rule.ruleId), d);
    if (other) throw new UserError(`Rule ${other.ruleId} already allows this; nothing was changed.`);
    if (worldOpenDatabasePort(d) && !worldOpenDatabasePort({ ...d, peer: rule.peer })) {
      const ok = await ext.ui.confirm(`Open ${portLabel(d)} to the whole internet?`, 'The edited rule would accept database connections from any address.', 'Allow from anywhere');
      if (!ok) return undefined;
    }
    try {
      await progress(`Editing rule ${rule.ruleId}…`, () =>
        ext.gateway().modifyRule(region, rule.groupId, rule.ruleId, { protocol: d.protocol, fromPort: d.fromPort, toPort: d.toPort, peer: d.peer, description: d.description }),
      );
    } catch (e) {
      const name = (e as Error)?.name;
      if (name === 'InvalidSecurityGroupRuleId.NotFound' || name === 'InvalidPermission.NotFound' || name === 'InvalidGroup.NotFound') {
        await ext.store.refreshGroups(region, [rule.groupId]).catch(() => undefined);
        throw new UserError(`Rule ${rule.ruleId} no longer exists (someone removed it since the tree was loaded); the tree has been refreshed. Nothing was changed.`);
      }
      if (!mayHaveApplied(e)) throw e;
      // ModifySecurityGroupRules sets the rule: find out whether it now reads as asked.
      let now: SecurityGroupRule | undefined | 'unknown';
      try {
        now = (await ext.gateway().readRules(region, [rule.groupId])).find((r) => r.ruleId === rule.ruleId);
      } catch {
        now = 'unknown';
      }
      if (now === 'unknown') throw new UserError(`Could not tell whether rule ${rule.ruleId} was changed: ${errorText(e)} Refresh the tree to check.`);
      await ext.store.refreshGroups(region, [rule.groupId]).catch(() => undefined);
      const applied = now && findDuplicate([now], d) && (now.description ?? '') === (d.description ?? '');
      if (!applied) {
        const t = translateError(e, { action: `edit rule ${rule.ruleId}`, region, profile: ext.settings.profile, endpoint: ext.settings.endpoint });
        throw new UserError(`${t.message} ${now ? 'The rule, read again, is unchanged.' : 'The rule no longer exists.'}`);
      }
      ext.log.info(`Edit ${rule.ruleId}: the call failed (${name}, ${attemptsOf(e)} attempt(s)), but the rule reads as asked.`);
    }
    await ext.store.refreshGroups(region, [rule.groupId]);
    say(ext).info(`Rule ${rule.ruleId} is now ${portLabel(d)} ${d.isEgress ? 'to' : 'from'} ${peerLabel(d.peer, (id) => idx.groupsById.get(id))}.`);
    return rule.ruleId;
  });
}

export interface RemoveRuleArgs {
  region?: string;
  groupId?: string;
  ruleIds?: string[];
}

/** auroraSg.removeRule: one or several selected rules, after a modal confirmation. */
export function removeRules(ext: Ext, arg?: unknown, selected?: unknown): Promise<string[] | undefined> {
  const nodes = (Array.isArray(selected) && selected.length ? selected : [arg]).filter((n): n is Extract<Node, { kind: 'rule' }> => isNode(n) && n.kind === 'rule');
  const args: RemoveRuleArgs = !isNode(arg) && arg && typeof arg === 'object' ? (arg as RemoveRuleArgs) : {};
  const region0 = nodes[0]?.region ?? args.region;
  return guarded(ext, 'remove the rules', region0, async () => {
    const region = await pickRegion(ext, region0, 'Remove rules: Region');
    if (nodes.some((n) => n.region !== region)) throw new UserError('Select rules of one Region at a time.');
    const idx = await indexFor(ext, region);
    const ids: unknown = nodes.length ? nodes.map((n) => n.ruleId) : args.ruleIds ?? [];
    if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string')) throw new UserError('The argument "ruleIds" must be a list of rule ids (sgr-…).');
    if (!ids.length) throw new UserError('No rule was given: select rules in the tree, or pass { region, groupId, ruleIds }.');
    if (args.groupId !== undefined && typeof args.groupId !== 'string') throw new UserError('The argument "groupId" must be a security group id.');
    const rules: SecurityGroupRule[] = [];
    for (const id of ids as string[]) {
      const r = idx.snapshot.rules.find((x) => x.ruleId === id);
      if (!r) {
        const stale = nodes.find((n) => n.ruleId === id);
        if (stale) await ext.store.refreshGroups(region, [stale.groupId]).catch(() => undefined);
        throw new UserError(
          stale
            ? `Rule ${id} no longer exists (someone removed it); the tree has been refreshed. Nothing was removed.`
            : `Rule ${id} is not in the loaded data of ${region} (someone may have removed it already). Refresh the tree.`,
        );
      }
      if (args.groupId && r.groupId !== args.groupId) throw new UserError(`Rule ${id} belongs to ${r.groupId}, not ${args.groupId}.`);
      rules.push(r);
    }
    const lookup = (id: string) => idx.groupsById.get(id);
    const lines = rules.map((r) => `• ${idx.groupsById.get(r.groupId)?.groupName ?? r.groupId}: ${r.isEgress ? 'outbound' : 'inbound'} ${ruleLabel(r, lookup)} (${r.ruleId})`);
    const ok = await ext.ui.confirm(
      rules.length === 1 ? 'Remove this rule?' : `Remove these ${rules.length} rules?`,
      `${lines.join('\n')}\n\nWhatever these rules allow stops at once.`,
      rules.length === 1 ? 'Remove Rule' : `Remove ${rules.length} Rules`,
    );
    if (!ok) return undefined;
    // Re-read right before the revoke: a rule removed elsewhere meanwhile would fail its whole
    // batch; refuse instead, with the tree refreshed, and remove nothing.
    const groupIds = [...new Set(rules.map((r) => r.groupId))];
    await ext.store.refreshGroups(region, groupIds);
    const present = new Set(ext.store.index(region)?.snapshot.rules.map((r) => r.ruleId) ?? []);
    const gone = (ids as string[]).filter((i) => !present.has(i));
    if (gone.length) {
      throw new UserError(
        `${gone.join(', ')} no longer exist${gone.length === 1 ? 's' : ''} (removed since the tree was loaded); the tree has been refreshed. Nothing was removed: select the rules again.`,
      );
    }
    // One call per group and direction; on a failure part way, say exactly what was removed.
    const batches = new Map<string, SecurityGroupRule[]>();
    for (const r of rules) {
      const key = `${r.groupId}|${r.isEgress}`;
      batches.set(key, [...(batches.get(key) ?? []), r]);
    }
    const done: string[] = [];
    let failure: unknown;
    try {
      await progress(`Removing ${rules.length} rule(s)…`, async () => {
        for (const batch of batches.values()) {
          await ext.gateway().revokeRules(region, batch[0].groupId, batch[0].isEgress, batch.map((r) => r.ruleId));
          done.push(...batch.map((r) => r.ruleId));
        }
      });
    } catch (e) {
      failure = e;
    }
    if (failure !== undefined) {
      // What is true now, whatever the failed call did (its answer may have been lost after it was applied).
      let remaining: Set<string> | undefined;
      try {
        await ext.store.refreshGroups(region, groupIds);
        remaining = new Set(ext.store.index(region)?.snapshot.rules.filter((r) => groupIds.includes(r.groupId)).map((r) => r.ruleId) ?? []);
      } catch {
        remaining = undefined;
      }
      const t = translateError(failure, { action: 'remove the rules', region, profile: ext.settings.profile, endpoint: ext.settings.endpoint });
      ext.log.error(`remove the rules failed: ${t.code}: ${t.detail ?? ''}`);
      if (!remaining) {
        throw new UserError(`${t.message} Removed for sure: ${done.join(', ') || 'none'}; could not read the groups again to check ${(ids as string[]).filter((i) => !done.includes(i)).join(', ')}. Refresh the tree to see what is left.`);
      }
      const removed = (ids as string[]).filter((i) => !remaining!.has(i));
      const kept = (ids as string[]).filter((i) => remaining!.has(i));
      if (kept.length) {
        throw new UserError(`${t.message} Removed: ${removed.join(', ') || 'none'}; not removed: ${kept.join(', ')}.`);
      }
      ext.log.info(`Revoke failed (${t.code}, ${attemptsOf(failure)} attempt(s)), but every selected rule is gone.`);
      done.splice(0, done.length, ...removed);
    }
    await ext.store.refreshGroups(region, groupIds);
    say(ext).info(`Removed ${done.length} rule(s): ${done.join(', ')}.`);
    return done;
  });
}
