// Adding, editing and removing security group rules: the checks against the loaded Region, the
// confirmations (a database port opened to the world, a change of what a rule allows, a removal),
// the writes inside a cancellable progress with the lost-answer protocol, and the tree refreshed.
import { attemptsOf, isStaleError, translateError } from '../aws/errors';
import { CancelledError } from '../ui/prompter';
import { prefixListWeights } from '../domain/quotas';
import { buildRule, findDuplicate, sourceOf, ruleQuotaError, worldOpenDatabasePort, type RuleDraft, type SourceInput } from '../domain/changes';
import type { RegionIndex, RulePeer, RuleSpec, SecurityGroup, SecurityGroupRule } from '../domain/model';
import { accessLostBy, lostAccessText, narrowerReplacements, type Replacement } from '../domain/analysis';
import { unreachableGroupError } from '../domain/peering';
import { countOf, peerLabel, portLabel, ruleLabel } from '../domain/rules';
import { driftWarning, groupExport, managedBy, ruleChange } from '../domain/code';
import type { CodeOffer } from '../ui/prompter';
import type { OpsContext } from './context';
import type { Done } from './groups';
import { UserError, AlreadyAllowedError, isUserError } from './userError';
import { errorSentence, writeThenVerify, type Verified, type WriteOutcome } from './writeThenVerify';
import { withChange, type ChangeRecorder } from './activity';

/** A rule as an activity entry keeps it (what it allows, its description; no Region, no id). */
const ruleRecord = (r: RuleSpec) => ({
  groupId: r.groupId,
  isEgress: r.isEgress,
  protocol: r.protocol,
  fromPort: r.fromPort,
  toPort: r.toPort,
  peer: r.peer,
  ...(r.description ? { description: r.description } : {}),
});

const lookupIn = (idx: RegionIndex) => (id: string) => idx.groupsById.get(id);
const direction = (isEgress: boolean) => (isEgress ? 'outbound' : 'inbound');
const fromTo = (isEgress: boolean) => (isEgress ? 'to' : 'from');

/** The drift warnings of the groups a tool manages among these ('' when none), for a confirmation without a code offer. */
function driftOf(ctx: OpsContext, idx: RegionIndex, groupIds: readonly string[]): string {
  const warnings = [...new Set(groupIds)].flatMap((id) => {
    const g = idx.groupsById.get(id);
    const w = g ? driftWarning(`${g.groupName} (${id})`, managedBy(g.tags, ctx.settings.managedByTags), false) : '';
    return w ? [w] : [];
  });
  return warnings.length ? `\n\n${warnings.join('\n\n')}` : '';
}

/**
 * For a change of one group's rules (edit, replace, remove) when a tool manages the group: its drift
 * warning naming the code button, and "Copy as Code Instead" with the group as it would be after the
 * change (every rule kept, the edited one changed, the removed ones gone): what its source should say.
 * Undefined when nothing manages it.
 */
function managedAfter(
  ctx: OpsContext,
  region: string,
  idx: RegionIndex,
  groupId: string,
  after: (rules: readonly SecurityGroupRule[]) => readonly SecurityGroupRule[],
  added: readonly RuleSpec[] = [],
): { drift: string; code: CodeOffer } | undefined {
  const g = idx.groupsById.get(groupId);
  const managed = g && managedBy(g.tags, ctx.settings.managedByTags);
  if (!g || !managed) return undefined;
  return {
    drift: `\n\n${driftWarning(`${g.groupName} (${g.groupId})`, managed)} The code is the group as it would be after this change.`,
    code: {
      title: `${g.groupName} (${g.groupId}) as it would be after this change: put this in its source`,
      region,
      changes: () => [...groupExport(g, after(idx.rulesOf(groupId))), ...added.map((d) => ruleChange(d, idx))],
      instead: true,
    },
  };
}

/** The ports of the Region's clusters, beyond the usual database ports. */
const clusterPorts = (idx: RegionIndex) => idx.snapshot.clusters.map((c) => c.port).filter((p): p is number => !!p);

/** The refusal of a new rule that an existing rule already allows (AWS would answer InvalidPermission.Duplicate), or undefined. */
export function duplicateError(idx: RegionIndex, d: RuleDraft): AlreadyAllowedError | undefined {
  const dup = findDuplicate(idx.rulesOf(d.groupId), d);
  return dup
    ? new AlreadyAllowedError(`This access is already allowed by rule ${dup.ruleId} (${ruleLabel(dup, lookupIn(idx))}); nothing was changed.`, dup.ruleId)
    : undefined;
}

/** The checks of a new rule that need the loaded data: the group and a source group exist, no rule already allows it, the quota. */
export function checkNewRule(region: string, idx: RegionIndex, d: RuleDraft): SecurityGroup {
  const g = idx.groupsById.get(d.groupId);
  if (!g) throw new UserError(`Security group ${d.groupId} is not in ${region}. Refresh the tree or check the id.`);
  if (d.peer.kind === 'group' && !d.peer.userId && !idx.groupsById.has(d.peer.groupId))
    throw new UserError(`The source group ${d.peer.groupId} is not in ${region}. A group of another account needs its account id (userId).`);
  const unreachable = unreachableGroupError(idx, d.groupId, d.peer);
  if (unreachable) throw new UserError(unreachable);
  const dup = duplicateError(idx, d);
  if (dup) throw dup;
  const existing = idx.rulesOf(d.groupId);
  const quota = ruleQuotaError(existing, d, idx.snapshot.limits, prefixListWeights(idx.snapshot));
  if (quota) throw new UserError(quota);
  return g;
}

/**
 * The write of a new rule (AuthorizeSecurityGroupIngress/Egress) with the lost-answer protocol;
 * authorizeRule and the replace of an edit share it. `onUnknown` is told when neither the call nor
 * the re-read could say whether the rule was added.
 */
export function addRuleWrite(
  ctx: OpsContext,
  region: string,
  g: SecurityGroup,
  d: RuleDraft,
  text: string,
  signal: AbortSignal | undefined,
  onUnknown?: () => void,
): Promise<WriteOutcome<SecurityGroupRule[]>> {
  const refresh = () => ctx.store.refreshGroups(region, [d.groupId]).catch(() => undefined);
  return writeThenVerify<SecurityGroupRule[]>(ctx, {
    action: `add ${text} to ${g.groupName}`,
    region,
    signal,
    call: async () => {
      try {
        return await ctx.gateway().authorizeRule(region, {
          groupId: d.groupId,
          isEgress: d.isEgress,
          protocol: d.protocol,
          fromPort: d.fromPort,
          toPort: d.toPort,
          peer: d.peer,
          description: d.description,
        });
      } catch (e) {
        // On the first and only attempt: someone else added the same access since the tree was loaded.
        if ((e as Error)?.name !== 'InvalidPermission.Duplicate' || attemptsOf(e) > 1) throw e;
        await refresh();
        const other = ctx.store.index(region) && findDuplicate(ctx.store.index(region)!.rulesOf(d.groupId), d);
        throw new AlreadyAllowedError(
          `This access is already allowed by ${other ? `rule ${other.ruleId}` : 'an existing rule'}, added since the tree was loaded (the tree has been refreshed); nothing was changed.`,
          other ? other.ruleId : undefined,
        );
      }
    },
    // After a retry, Duplicate means the first attempt went through.
    classify: (e) => ((e as Error)?.name === 'InvalidPermission.Duplicate' ? 'verify' : undefined),
    verify: async () => {
      const rule = findDuplicate(await ctx.gateway().readRules(region, [d.groupId]), d);
      if (rule) return { applied: true, value: [rule] };
      await refresh();
      return { applied: false };
    },
    notApplied: () => 'Nothing was added: the group, read again, does not have the rule.',
    unknown: (e) => {
      onUnknown?.();
      return `Could not tell whether ${text} was added to ${g.groupName}: ${errorSentence(e)} Refresh the tree to check before trying again.`;
    },
    recovered: (e) =>
      attemptsOf(e) > 1 ? "AWS's first answer was lost; the retry found the rule in place" : "AWS's answer was lost; the group, read again, has the rule",
  });
}

/**
 * AuthorizeSecurityGroupIngress/Egress for one rule, after the checks that need the loaded data
 * (the group and a source group exist, no rule already allows it, the quota) and, for a database
 * port open to the whole internet, a confirmation. Undefined when that confirmation is declined.
 */
export async function authorizeRule(ctx: OpsContext, region: string, idx: RegionIndex, d: RuleDraft): Promise<Done<string[]> | undefined> {
  const g = checkNewRule(region, idx, d);
  const text = `${portLabel(d)} ${fromTo(d.isEgress)} ${peerLabel(d.peer, lookupIn(idx))}`;
  // A group a tool manages (a CloudFormation stack, Terraform) is confirmed, and the change offered as code instead.
  const managed = managedBy(g.tags, ctx.settings.managedByTags);
  const drift = driftWarning(`${g.groupName} (${g.groupId})`, managed);
  const code: CodeOffer = {
    title: `Add ${direction(d.isEgress)} rule ${text} to ${g.groupName} (${g.groupId})`,
    region,
    changes: () => [ruleChange(d, idx)],
    instead: !!managed,
  };
  if (worldOpenDatabasePort(d, clusterPorts(idx))) {
    const ok = await ctx.ui.confirm(
      `Open ${text} to the whole internet?`,
      `${g.groupName} (${g.groupId}) would accept database connections from any address. Prefer the app servers' security group or a narrow CIDR range.${drift ? `\n\n${drift}` : ''}`,
      'Allow from anywhere',
      { exposes: true, code },
    );
    if (!ok) return undefined;
  } else if (managed) {
    const ok = await ctx.ui.confirm(`Add ${text} to ${g.groupName}, managed by ${managed.source}?`, drift, 'Add Rule', { code });
    if (!ok) return undefined;
  }
  const meta = { region, target: `${g.groupName} (${g.groupId})`, what: `add ${direction(d.isEgress)} rule ${text} to ${g.groupName}`, account: g.ownerId };
  const { ids, recovered } = await withChange(ctx, meta, async (ctx, rec) => {
    const { value: created, recovered } = await ctx.ui.progress(`Adding ${direction(d.isEgress)} rule ${text} to ${g.groupName}…`, (signal) =>
      addRuleWrite(ctx, region, g, d, text, signal),
    );
    await ctx.store.refreshGroups(region, [d.groupId]);
    let ids = created.map((r) => r.ruleId);
    if (!ids.length) {
      // Some endpoints do not return the created rules: find it in the re-read group.
      const fresh = ctx.store.index(region) ? findDuplicate(ctx.store.index(region)!.rulesOf(d.groupId), d) : undefined;
      ids = fresh ? [fresh.ruleId] : [];
    }
    rec.change = { kind: 'ruleAdded', groupId: d.groupId, rules: ids.map((ruleId) => ({ ...ruleRecord(d), ruleId })) };
    return { ids, recovered };
  });
  const canonical = d.canonicalisedFrom ? `; AWS stores ${d.canonicalisedFrom} as ${peerLabel(d.peer)}` : '';
  return {
    value: ids,
    message: `Added ${text} to ${g.groupName} (${ids.join(', ') || 'rule'})${canonical}${recovered ? ` (${recovered}; it was applied once)` : ''}.`,
  };
}

/** The rule to edit, from the loaded data; a stale tree node (`treeGroupId`: its group) refreshes its group and says so. */
export async function ruleToEdit(ctx: OpsContext, region: string, idx: RegionIndex, ruleId: string, treeGroupId?: string): Promise<SecurityGroupRule> {
  const rule = idx.snapshot.rules.find((r) => r.ruleId === ruleId);
  if (rule) return rule;
  if (treeGroupId) await ctx.store.refreshGroups(region, [treeGroupId]).catch(() => undefined);
  throw new UserError(
    treeGroupId !== undefined
      ? `Rule ${ruleId} no longer exists (someone removed it); the tree has been refreshed. Nothing was changed.`
      : `Rule ${ruleId} is not in the loaded data of ${region} (someone may have removed it). Refresh the tree.`,
  );
}

/** What an edit changes; anything left out keeps the rule's current value. */
export interface RuleEdit {
  readonly protocol?: string | number;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly source?: SourceInput;
  readonly description?: string;
}

/** The rule as the edit would leave it, validated like a new rule. */
export function editedRule(rule: SecurityGroupRule, e: RuleEdit): RuleDraft {
  const merged = buildRule({
    groupId: rule.groupId,
    isEgress: rule.isEgress,
    protocol: (e.protocol ?? rule.protocol) as string,
    fromPort: e.fromPort ?? (rule.fromPort === -1 && (rule.protocol === 'tcp' || rule.protocol === 'udp') ? undefined : rule.fromPort),
    toPort: e.toPort ?? (e.fromPort !== undefined ? e.fromPort : rule.toPort),
    source: e.source ?? sourceOf(rule.peer),
    description: e.description !== undefined ? e.description : rule.description,
  });
  if (!merged.ok) throw new UserError(merged.error);
  return merged.value;
}

/**
 * Whether ModifySecurityGroupRules can make `rule` into `d`: only within one kind of source (CIDR of
 * one IP family, group, prefix list). AWS refuses the others: "When you modify a rule, you cannot
 * change the rule type. For example, if the rule uses an IPv4 address range, you must use an IPv4
 * address range" (EC2 API reference, SecurityGroupRuleRequest). moto accepts and changes nothing.
 */
export function canModifyInPlace(rule: SecurityGroupRule, d: RuleDraft): boolean {
  return rule.peer.kind === d.peer.kind;
}

/**
 * Edits a rule. What the rule allows stays the same and only the description changes:
 * UpdateSecurityGroupRuleDescriptionsIngress/Egress, nothing asked. The same kind of source (see
 * canModifyInPlace): ModifySecurityGroupRules in place (the rule keeps its id). Another kind:
 * AWS cannot change it, so the rule is replaced (replaceRule). An edit that changes what the rule
 * allows is confirmed first, whoever asked for it; a database port newly open to the whole internet
 * gets that stronger confirmation instead. Undefined when declined; the value is the rule's id (the
 * new rule's after a replace).
 */
export async function modifyRule(
  ctx: OpsContext,
  region: string,
  idx: RegionIndex,
  rule: SecurityGroupRule,
  edit: RuleEdit,
): Promise<Done<string> | undefined> {
  const d = editedRule(rule, edit);
  const other = findDuplicate(
    idx.rulesOf(rule.groupId).filter((r) => r.ruleId !== rule.ruleId),
    d,
  );
  if (other) throw new UserError(`Rule ${other.ruleId} already allows this; nothing was changed.`);
  // A new source group must be reachable as for a new rule (a replace checks it in checkNewRule).
  const newGroup = d.peer.kind === 'group' && (rule.peer.kind !== 'group' || rule.peer.groupId !== d.peer.groupId);
  const unreachable = newGroup ? unreachableGroupError(idx, rule.groupId, d.peer) : undefined;
  if (unreachable) throw new UserError(unreachable);
  const lookup = lookupIn(idx);
  const allows = (r: RuleDraft | SecurityGroupRule) => `${portLabel(r)} ${fromTo(r.isEgress)} ${peerLabel(r.peer, lookup)}`;
  const sameAccess = !!findDuplicate([rule], d);
  const g0 = idx.groupsById.get(rule.groupId);
  const meta = {
    region,
    target: `${g0?.groupName ?? rule.groupId} (${rule.groupId})`,
    what: `edit rule ${rule.ruleId}: ${allows(rule)} → ${allows(d)}`,
    account: g0?.ownerId,
  };
  /** The edit as an entry records it: the rule before, and after (under its new id after a replace). */
  const edited = (rec: ChangeRecorder, newId: string) =>
    (rec.change = {
      kind: 'ruleEdited',
      groupId: rule.groupId,
      before: { ...ruleRecord(rule), ruleId: rule.ruleId },
      after: { ...ruleRecord(d), ruleId: newId },
    });
  if (sameAccess) {
    if ((rule.description ?? '') === (d.description ?? ''))
      return { value: rule.ruleId, message: `Rule ${rule.ruleId} already reads so; nothing was changed.` };
    return withChange(ctx, { ...meta, what: `edit the description of rule ${rule.ruleId} (${allows(rule)})` }, async (ctx, rec) => {
      const done = await describeRule(ctx, region, rule, d.description, allows(d));
      edited(rec, rule.ruleId);
      return done;
    });
  }
  if (!canModifyInPlace(rule, d))
    return withChange(ctx, meta, async (ctx, rec) => {
      const done = await replaceRule(ctx, rec, region, idx, rule, d, allows);
      if (done) edited(rec, done.value);
      return done;
    });
  let ok: boolean;
  const changed = (r: SecurityGroupRule): SecurityGroupRule =>
    r.ruleId === rule.ruleId
      ? {
          ...r,
          protocol: d.protocol,
          fromPort: d.fromPort,
          toPort: d.toPort,
          peer: d.peer,
          ...(d.description ? { description: d.description } : { description: undefined }),
        }
      : r;
  const m = managedAfter(ctx, region, idx, rule.groupId, (rules) => rules.map(changed));
  if (worldOpenDatabasePort(d) && !worldOpenDatabasePort({ ...d, peer: rule.peer })) {
    ok = await ctx.ui.confirm(
      `Open ${portLabel(d)} to the whole internet?`,
      `The edited rule would accept database connections from any address.${m?.drift ?? ''}`,
      'Allow from anywhere',
      { exposes: true, ...(m ? { code: m.code } : {}) },
    );
  } else {
    const g = idx.groupsById.get(rule.groupId);
    ok = await ctx.ui.confirm(
      `Change what rule ${rule.ruleId} allows?`,
      `${g?.groupName ?? rule.groupId}, ${direction(rule.isEgress)}\nBefore: ${allows(rule)}\nAfter:  ${allows(d)}\n\nWhat only the old rule allowed stops at once.${m?.drift ?? ''}`,
      'Change Rule',
      m ? { code: m.code } : undefined,
    );
  }
  if (!ok) return undefined;
  await withChange(ctx, meta, (ctx, rec) =>
    ctx.ui.progress(`Editing rule ${rule.ruleId}…`, async (signal) => {
      await writeThenVerify(ctx, {
        action: `edit rule ${rule.ruleId}`,
        region,
        signal,
        call: () =>
          goneAsUserError(ctx, region, rule, () =>
            ctx.gateway().modifyRule(region, rule.groupId, rule.ruleId, {
              protocol: d.protocol,
              fromPort: d.fromPort,
              toPort: d.toPort,
              peer: d.peer,
              description: d.description,
            }),
          ),
        // ModifySecurityGroupRules sets the rule: find out whether it now reads as asked.
        verify: () => readsAs(ctx, region, rule, (now) => !!findDuplicate([now], d) && (now.description ?? '') === (d.description ?? '')),
        notApplied: (detail) => (detail === 'gone' ? 'The rule no longer exists.' : 'The rule, read again, is unchanged.'),
        unknown: (e) => `Could not tell whether rule ${rule.ruleId} was changed: ${errorSentence(e)} Refresh the tree to check.`,
      });
      edited(rec, rule.ruleId);
    }),
  );
  await ctx.store.refreshGroups(region, [rule.groupId]);
  return { value: rule.ruleId, message: `Rule ${rule.ruleId} is now ${allows(d)}.` };
}

const GONE = new Set(['InvalidSecurityGroupRuleId.NotFound', 'InvalidPermission.NotFound', 'InvalidGroup.NotFound']);

/** An edit's call: an answer that the rule went away becomes a UserError (the tree refreshed, nothing changed). */
async function goneAsUserError(ctx: OpsContext, region: string, rule: SecurityGroupRule, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (e) {
    // A group of an unpeered VPC ("different networks") is not a rule that went away.
    if (!GONE.has((e as Error)?.name) || !isStaleError(e)) throw e;
    await ctx.store.refreshGroups(region, [rule.groupId]).catch(() => undefined);
    throw new UserError(
      `Rule ${rule.ruleId} no longer exists (someone removed it since the tree was loaded); the tree has been refreshed. Nothing was changed.`,
    );
  }
}

/** The re-read of an edit: the rule, read again, is as asked (`ok`), unchanged, or gone. */
async function readsAs(ctx: OpsContext, region: string, rule: SecurityGroupRule, ok: (now: SecurityGroupRule) => boolean): Promise<Verified<undefined>> {
  const now = (await ctx.gateway().readRules(region, [rule.groupId])).find((r) => r.ruleId === rule.ruleId);
  await ctx.store.refreshGroups(region, [rule.groupId]).catch(() => undefined);
  return now && ok(now) ? { applied: true, value: undefined } : { applied: false, detail: now ? 'unchanged' : 'gone' };
}

/** A description-only edit: UpdateSecurityGroupRuleDescriptionsIngress/Egress, naming the rule as it is. */
async function describeRule(ctx: OpsContext, region: string, rule: SecurityGroupRule, description: string | undefined, text: string): Promise<Done<string>> {
  const want = description ?? '';
  await ctx.ui.progress(`Editing the description of rule ${rule.ruleId}…`, (signal) =>
    writeThenVerify(ctx, {
      action: `edit the description of rule ${rule.ruleId}`,
      region,
      signal,
      call: () =>
        goneAsUserError(ctx, region, rule, () =>
          ctx.gateway().updateRuleDescription(region, {
            groupId: rule.groupId,
            isEgress: rule.isEgress,
            protocol: rule.protocol,
            fromPort: rule.fromPort,
            toPort: rule.toPort,
            peer: rule.peer,
            description: want || undefined,
          }),
        ),
      verify: () => readsAs(ctx, region, rule, (now) => (now.description ?? '') === want),
      notApplied: (detail) => (detail === 'gone' ? 'The rule no longer exists.' : 'The rule, read again, is unchanged.'),
      unknown: (e) => `Could not tell whether rule ${rule.ruleId} was changed: ${errorSentence(e)} Refresh the tree to check.`,
    }),
  );
  await ctx.store.refreshGroups(region, [rule.groupId]);
  // The call names the rule by what it allows, not by id: moto answers success when no rule matches
  // (AWS answers InvalidPermission.NotFound), so the refreshed group must still have the rule.
  if (
    !ctx.store
      .index(region)
      ?.rulesOf(rule.groupId)
      .some((r) => r.ruleId === rule.ruleId)
  )
    throw new UserError(
      `Rule ${rule.ruleId} no longer exists (someone removed it since the tree was loaded); the tree has been refreshed. Nothing was changed.`,
    );
  return { value: rule.ruleId, message: `Rule ${rule.ruleId} is now ${text}${want ? ` ("${want}")` : ', with no description'}.` };
}

/**
 * An edit to another kind of source, which ModifySecurityGroupRules refuses (canModifyInPlace): after
 * a confirmation that says so, the new rule is added (authorizeRule's write), read back, and only
 * then the old one revoked. When a step fails the message says which rules exist: the old one alone
 * (nothing changed), or both (new added, old not removed), with their ids.
 */
async function replaceRule(
  ctx: OpsContext,
  rec: ChangeRecorder,
  region: string,
  idx: RegionIndex,
  rule: SecurityGroupRule,
  d: RuleDraft,
  allows: (r: RuleDraft | SecurityGroupRule) => string,
): Promise<Done<string> | undefined> {
  const g = checkNewRule(region, idx, d);
  const text = allows(d);
  const world = worldOpenDatabasePort(d, clusterPorts(idx)) && !worldOpenDatabasePort({ ...d, peer: rule.peer }, clusterPorts(idx));
  const m = managedAfter(ctx, region, idx, rule.groupId, (rules) => rules.filter((r) => r.ruleId !== rule.ruleId), [d]);
  const ok = await ctx.ui.confirm(
    world ? `Open ${portLabel(d)} to the whole internet?` : `Replace rule ${rule.ruleId}?`,
    `${REPLACE_NOTE}\n${g.groupName}, ${direction(rule.isEgress)}\nBefore: ${allows(rule)} (${rule.ruleId})\nAfter:  ${text}\n\n` +
      (world ? 'The new rule would accept database connections from any address. ' : '') +
      'What only the old rule allowed stops when it is removed.' +
      (m?.drift ?? ''),
    world ? 'Allow from anywhere' : 'Replace Rule',
    { exposes: world, ...(m ? { code: m.code } : {}) },
  );
  if (!ok) return undefined;
  const old = rule.ruleId;
  const refresh = () => ctx.store.refreshGroups(region, [rule.groupId]).catch(() => undefined);
  const done = await ctx.ui.progress(`Replacing rule ${old}…`, async (signal) => {
    // 0. The permission check of both calls (DryRun), before either is sent.
    await rec.check([
      ['authorizeRule', region, { ...d }],
      ['revokeRules', region, rule.groupId, rule.isEgress, [old]],
    ]);
    // 1. Add the new rule. Failing, the old rule is untouched.
    let added: WriteOutcome<SecurityGroupRule[]>;
    let unknown = false;
    try {
      added = await addRuleWrite(ctx, region, g, d, text, signal, () => (unknown = true));
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      await refresh();
      const said = isUserError(e)
        ? (e as Error).message
        : translateError(e, { action: `add ${text} to ${g.groupName}`, region, profile: ctx.settings.profile, endpoint: ctx.settings.endpoint }).message;
      throw new UserError(
        unknown ? `${said} The old rule ${old} was not removed and is still in place.` : `${said} The old rule ${old} was not removed: nothing was changed.`,
      );
    }
    // 2. Check it: the group, read again, has the new rule.
    let found: SecurityGroupRule | undefined;
    try {
      const now = await ctx.gateway().readRules(region, [rule.groupId]);
      found = now.find((r) => added.value.some((a) => a.ruleId === r.ruleId)) ?? findDuplicate(now, d);
    } catch (e) {
      await refresh();
      const id = added.value[0]?.ruleId ?? 'the new rule';
      throw new UserError(
        `Added ${text} to ${g.groupName} (${id}), but could not read the group again to check it: ${errorSentence(e)} The old rule ${old} was not removed: both are in place now. Refresh the tree, then remove ${old} to finish the replace.`,
      );
    }
    if (!found) {
      await refresh();
      throw new UserError(
        `AWS answered that ${text} was added to ${g.groupName}, but the group, read again, does not have it. The old rule ${old} was not removed and is still in place. Refresh the tree to check.`,
      );
    }
    const id = found.ruleId;
    const both = `Added the new rule ${id} (${text}); the old rule ${old} (${allows(rule)}) was not removed: both are in place now.`;
    if (signal.aborted) {
      await refresh();
      throw new UserError(`Cancelled part way: ${both} Remove ${old} to finish the replace.`);
    }
    // 3. Remove the old rule. Whatever the failure, read again and say what is true.
    await writeThenVerify(ctx, {
      action: `remove the old rule ${old}`,
      region,
      call: () => ctx.gateway().revokeRules(region, rule.groupId, rule.isEgress, [old]),
      classify: () => 'verify',
      verify: async () => {
        const now = await ctx.gateway().readRules(region, [rule.groupId]);
        await refresh();
        return now.some((r) => r.ruleId === old) ? { applied: false } : { applied: true, value: undefined };
      },
      notApplied: () => `${both} Remove ${old} to finish the replace.`,
      unknown: (_e, t) =>
        `${t.message} Added the new rule ${id} (${text}); could not read the group again to tell whether the old rule ${old} was removed. Refresh the tree: if ${old} is still there, remove it to finish the replace.`,
      recovered: () => 'the old rule, read again, is gone',
    });
    return { id, recovered: added.recovered };
  });
  await ctx.store.refreshGroups(region, [rule.groupId]);
  return {
    value: done.id,
    message: `Replaced rule ${old} with ${done.id}: ${text} (AWS cannot change a rule's kind: the new rule was added and checked, then the old one removed)${done.recovered ? ` (${done.recovered}; it was applied once)` : ''}.`,
  };
}

/** Said in the confirmation of a replace. */
export const REPLACE_NOTE = "AWS cannot change a rule's kind; the rule will be replaced: add the new rule, check it, then remove the old one.";

export interface RulesToRemove {
  readonly ruleIds: readonly string[];
  /** With arguments: every rule must belong to this group. */
  readonly groupId?: string;
  /** Rules selected in the tree: rule id → the group the tree showed it in ('' when unknown); a stale one refreshes it. */
  readonly fromTree?: ReadonlyMap<string, string>;
  /**
   * Removed without asking, for this reason (an expired temporary rule, whose description asked for
   * it): the removal is logged, not confirmed in a dialog.
   */
  readonly unattended?: string;
  /** Remove nothing if a rule's description changed since the loaded data (read again right before the call). */
  readonly unchangedDescriptions?: boolean;
}

/**
 * RevokeSecurityGroupIngress/Egress, one call per group and direction, after a confirmation that
 * lists every rule, and a re-read right before the first call (a rule removed elsewhere meanwhile
 * would fail its whole batch: refused instead, nothing removed). On a failure or a cancel part way,
 * the message says exactly which rules were removed and which were not. Undefined when declined.
 */
export async function revokeRules(ctx: OpsContext, region: string, idx: RegionIndex, what: RulesToRemove): Promise<Done<string[]> | undefined> {
  const ids = [...what.ruleIds];
  const rules: SecurityGroupRule[] = [];
  for (const id of ids) {
    const r = idx.snapshot.rules.find((x) => x.ruleId === id);
    if (!r) {
      const stale = what.fromTree?.get(id);
      if (stale) await ctx.store.refreshGroups(region, [stale]).catch(() => undefined);
      throw new UserError(
        stale !== undefined
          ? `Rule ${id} no longer exists (someone removed it); the tree has been refreshed. Nothing was removed.`
          : `Rule ${id} is not in the loaded data of ${region} (someone may have removed it already). Refresh the tree.`,
      );
    }
    if (what.groupId && r.groupId !== what.groupId) throw new UserError(`Rule ${id} belongs to ${r.groupId}, not ${what.groupId}.`);
    rules.push(r);
  }
  const lookup = lookupIn(idx);
  const lines = rules.map((r) => `• ${lookup(r.groupId)?.groupName ?? r.groupId}: ${direction(r.isEgress)} ${ruleLabel(r, lookup)} (${r.ruleId})`);
  const one = rules.length === 1;
  // Said before the change: who loses its only path to which database (the path engine, run on the
  // Region as it is and as it would be; the EC2 instances named when they can be read).
  let replace: readonly Replacement[] = [];
  if (what.unattended) ctx.log.info(`Removing ${lines.join('; ')}: ${what.unattended}.`);
  else {
    const ec2 = await ctx
      .gateway()
      .readEc2Instances(region)
      .catch(() => []);
    const change = { kind: 'revoke', ruleIds: rules.map((r) => r.ruleId) } as const;
    const lost = accessLostBy(idx, change, ec2);
    const cut = lost.length ? `\n\nThese lose their only path to the database:\n${lostAccessText(lost)}` : '';
    const title = one ? 'Remove this rule?' : `Remove these ${rules.length} rules?`;
    const removeLabel = one ? 'Remove Rule' : `Remove ${rules.length} Rules`;
    // Offered in the same step: the narrower rule that keeps an EC2 instance connected (issue 14 item 3).
    const replacements = narrowerReplacements(idx, change, lost, ec2);
    if (replacements.length) {
      const texts = replacements.map((x) => replacementText(idx, x));
      const replaceLabel = replacements.length === 1 ? `Replace with ${texts[0].short}` : `Replace with ${replacements.length} Narrower Rules`;
      const offer = texts.map((t) => `• ${t.long}`).join('\n');
      const choice = await ctx.ui.choose(
        title,
        `${lines.join('\n')}${cut}${driftOf(
          ctx,
          idx,
          rules.map((r) => r.groupId),
        )}\n\nReplace: the narrower rule${replacements.length === 1 ? '' : 's'} below ${replacements.length === 1 ? 'is' : 'are'} added and checked first, then the wide rule${one ? ' is' : 's are'} removed:\n${offer}\n\nRemove only: whatever ${one ? 'the rule allows' : 'these rules allow'} stops at once.`,
        [replaceLabel, removeLabel],
      );
      if (!choice) return undefined;
      if (choice === replaceLabel) replace = replacements;
    } else {
      // Rules of one group a tool manages: the group as it would be without them, as code instead.
      const groups = [...new Set(rules.map((r) => r.groupId))];
      const gone = new Set(rules.map((r) => r.ruleId));
      const m = groups.length === 1 ? managedAfter(ctx, region, idx, groups[0], (all) => all.filter((r) => !gone.has(r.ruleId))) : undefined;
      const ok = await ctx.ui.confirm(
        title,
        `${lines.join('\n')}${cut}\n\nWhatever these rules allow stops at once.${m ? m.drift : driftOf(ctx, idx, groups)}`,
        removeLabel,
        m ? { code: m.code } : undefined,
      );
      if (!ok) return undefined;
    }
  }
  const added: string[] = [];
  const wide = rules.map((r) => r.ruleId).join(', ');
  const notRemoved = `${wide} ${rules.length === 1 ? 'was' : 'were'} not removed.`;
  for (const x of replace) added.push(await addReplacement(ctx, region, x, { description: `Replaces ${wide}`, notRemoved }));
  const groupIds = [...new Set(rules.map((r) => r.groupId))];
  const batches = new Map<string, SecurityGroupRule[]>();
  for (const r of rules) batches.set(`${r.groupId}|${r.isEgress}`, [...(batches.get(`${r.groupId}|${r.isEgress}`) ?? []), r]);
  const done: string[] = [];
  const list = (xs: readonly string[]) => xs.join(', ') || 'none';
  const names = groupIds.map((g) => `${lookup(g)?.groupName ?? g} (${g})`).join(', ');
  const meta = {
    region,
    target: names,
    what: `remove ${countOf(rules.length, 'rule')}: ${rules.map((r) => `${ruleLabel(r, lookup)} (${r.ruleId})`).join('; ')}`,
    account: lookup(rules[0].groupId)?.ownerId,
  };
  await withChange(ctx, meta, (ctx, rec) =>
    ctx.ui.progress(`Removing ${countOf(rules.length, 'rule')}…`, async (signal) => {
      await ctx.store.refreshGroups(region, groupIds);
      const present = new Set(ctx.store.index(region)?.snapshot.rules.map((r) => r.ruleId) ?? []);
      const gone = ids.filter((i) => !present.has(i));
      if (gone.length) {
        throw new UserError(
          `${gone.join(', ')} no longer exist${gone.length === 1 ? 's' : ''} (removed since the tree was loaded); the tree has been refreshed. Nothing was removed: select the rules again.`,
        );
      }
      if (what.unchangedDescriptions) {
        const fresh = new Map(ctx.store.index(region)?.snapshot.rules.map((r) => [r.ruleId, r]) ?? []);
        const changed = rules.filter((r) => (fresh.get(r.ruleId)?.description ?? '') !== (r.description ?? ''));
        if (changed.length)
          throw new UserError(
            `${changed.map((r) => r.ruleId).join(', ')} ${changed.length === 1 ? 'was' : 'were'} changed since (the description now reads "${fresh.get(changed[0]!.ruleId)?.description ?? ''}"): nothing was removed.`,
          );
      }
      // The permission check (DryRun) of each kind of call (inbound, outbound), before the first is sent.
      await rec.check([...batches.values()].map((b) => ['revokeRules', region, b[0].groupId, b[0].isEgress, b.map((r) => r.ruleId)] as const));
      for (const batch of batches.values()) {
        if (signal.aborted && done.length) {
          // Cancelled between two calls: the ones sent are done, the others were never sent.
          await ctx.store.refreshGroups(region, groupIds).catch(() => undefined);
          throw new UserError(`Cancelled part way: removed ${list(done)}; not removed: ${list(ids.filter((i) => !done.includes(i)))}.`);
        }
        const batchIds = batch.map((r) => r.ruleId);
        await writeThenVerify(ctx, {
          action: 'remove the rules',
          region,
          signal: done.length ? undefined : signal,
          call: () => ctx.gateway().revokeRules(region, batch[0].groupId, batch[0].isEgress, batchIds),
          // Whatever the failure, the call may have done part of it: read again and say what is true.
          classify: () => 'verify',
          verify: async () => {
            await ctx.store.refreshGroups(region, groupIds);
            const remaining = new Set(
              ctx.store
                .index(region)
                ?.snapshot.rules.filter((r) => groupIds.includes(r.groupId))
                .map((r) => r.ruleId) ?? [],
            );
            if (batchIds.every((i) => !remaining.has(i))) return { applied: true, value: undefined };
            return {
              applied: false,
              detail: `Removed: ${list(ids.filter((i) => !remaining.has(i)))}; not removed: ${ids.filter((i) => remaining.has(i)).join(', ')}.`,
            };
          },
          notApplied: (detail) => detail!,
          unknown: (_e, t) =>
            `${t.message} Removed for sure: ${list(done)}; could not read the groups again to check ${ids.filter((i) => !done.includes(i)).join(', ')}. Refresh the tree to see what is left.`,
          recovered: () => 'every rule of the call is gone',
        });
        done.push(...batchIds);
      }
      rec.change = { kind: 'rulesRevoked', rules: rules.map((r) => ({ ...ruleRecord(r), ruleId: r.ruleId })) };
    }),
  );
  await ctx.store.refreshGroups(region, groupIds);
  const first = added.length ? `Added ${added.join('; ')} and checked ${added.length === 1 ? 'it' : 'them'}; then removed` : 'Removed';
  return { value: done, message: `${first} ${countOf(done.length, 'rule')}: ${done.join(', ')}.` };
}

/** A replacement as said in the button ("inbound tcp 3306 from appsrv1 (sg-…) (app-server-1's group)") and the detail (with its group). */
/** How a replacement reads in the question: its button's words, and its line in the detail. */
export function replacementText(idx: RegionIndex, x: Replacement): { short: string; long: string } {
  const lookup = lookupIn(idx);
  const src = x.rule.source;
  const peer: RulePeer = 'groupId' in src ? { kind: 'group', groupId: src.groupId } : { kind: src.cidr.includes(':') ? 'cidr6' : 'cidr4', cidr: src.cidr };
  const rule = `inbound ${portLabel(x.rule)} from ${peerLabel(peer, lookup)}`;
  const group = lookup(x.rule.groupId)?.groupName ?? x.rule.groupId;
  const also = x.alsoGuards?.length ? `; ${group} also guards ${x.alsoGuards.join(', ')}, which the rule lets it into too` : '';
  return {
    short: `${rule} (${x.why})`,
    long: `${group}: ${rule} (${x.why}), keeps ${x.keeps.join(', ')} connected to ${x.databases.join(', ')}${also}`,
  };
}

/**
 * Before a group is taken off a database: adds the replacements the user chose (each through the
 * normal add-rule checks and write, then read back), so the sources they keep are never cut off.
 * Any failure stops before the group is removed. Returns "rule-id (text) to group" for each.
 */
export async function addDetachReplacements(
  ctx: OpsContext,
  region: string,
  replacements: readonly Replacement[],
  database: string,
  groups: string,
): Promise<string[]> {
  const added: string[] = [];
  for (const x of replacements)
    added.push(
      await addReplacement(ctx, region, x, { description: `Replaces ${groups} on ${database}`, notRemoved: `${groups} was not removed from ${database}.` }),
    );
  return added;
}

/**
 * Adds a narrower replacement before the wide rules go: the normal add-rule checks and write (the
 * lost-answer protocol), then the group read again must have it; otherwise nothing is removed.
 * Returns "rule-id (text) to group".
 */
async function addReplacement(ctx: OpsContext, region: string, x: Replacement, what: { description: string; notRemoved: string }): Promise<string> {
  const built = buildRule({
    groupId: x.rule.groupId,
    isEgress: false,
    protocol: 'tcp',
    fromPort: x.rule.fromPort,
    toPort: x.rule.toPort,
    source: x.rule.source,
    description: what.description.slice(0, 255),
  });
  if (!built.ok) throw new UserError(`${built.error} Nothing was removed.`);
  const idx = ctx.store.index(region);
  if (!idx) throw new UserError(`${region} is not loaded. Refresh the tree; nothing was removed.`);
  const d = built.value;
  const text = `${portLabel(d)} from ${peerLabel(d.peer, lookupIn(idx))}`;
  const g = checkNewRule(region, idx, d);
  await ctx.ui.progress(`Adding the narrower rule ${text} to ${g.groupName}…`, (signal) => addRuleWrite(ctx, region, g, d, text, signal));
  // Checked before anything is removed: the group, read again, has it.
  let found: SecurityGroupRule | undefined;
  try {
    found = findDuplicate(await ctx.gateway().readRules(region, [d.groupId]), d);
  } catch (e) {
    throw new UserError(`Added ${text} to ${g.groupName}, but could not read the group again to check it: ${errorSentence(e)} ${what.notRemoved}`);
  } finally {
    await ctx.store.refreshGroups(region, [d.groupId]).catch(() => undefined);
  }
  if (!found) throw new UserError(`AWS answered that ${text} was added to ${g.groupName}, but the group, read again, does not have it. ${what.notRemoved}`);
  return `${found.ruleId} (${text}) to ${g.groupName}`;
}
