// Temporary access, through the one write path: "Allow My IP for…" adds a /32 (or /128) inbound
// rule whose description records its expiry and the caller (domain/temporaryAccess.ts), with the
// add-rule checks and its confirmation; expired rules are revoked through revokeRules, each only
// if its description, read again right before the call, is still the one that set the expiry.
import { buildRule } from '../domain/changes';
import { portLabel } from '../domain/rules';
import { DURATIONS, encodeTemporary, parseDuration, temporaryRules, timeLeftText, type TemporaryRule } from '../domain/temporaryAccess';
import type { RegionIndex } from '../domain/model';
import type { OpsContext } from './context';
import type { Done } from './groups';
import { UserError } from './userError';
import { authorizeRule, revokeRules } from './rules';

export interface TemporaryAccessDeps {
  /** The caller's public address, as the IP service answers it ("203.0.113.7" or an IPv6 address). */
  address(): Promise<{ cidr: string }>;
  /** Epoch milliseconds (injected in tests). */
  now(): number;
}

export interface AllowMyIpTarget {
  readonly groupId: string;
  readonly port: number;
  /** The duration, when given (an argument): otherwise asked. */
  readonly minutes?: number;
  /** What the rule opens, for the question ("orders-db"). */
  readonly what?: string;
}

/** Asks for the duration: the usual ones first, or one typed (parseDuration). */
async function askMinutes(ctx: OpsContext, title: string): Promise<number> {
  const custom = -1;
  const chosen = await ctx.ui.pick<number>({
    title,
    placeholder: 'For how long? The rule is removed when the time is up.',
    items: [...DURATIONS.map((d) => ({ label: d.label, value: d.minutes })), { label: 'Custom…', description: 'e.g. 45m, 2h, 1h30m, 1d', value: custom }],
  });
  if (chosen !== custom) return chosen;
  const typed = await ctx.ui.input({
    title,
    prompt: 'How long should the rule stay? It is removed when the time is up (at most 7 days).',
    placeholder: '2h',
    validate: (v) => {
      const d = parseDuration(v);
      return 'error' in d ? d.error : undefined;
    },
  });
  const d = parseDuration(typed);
  if ('error' in d) throw new UserError(d.error);
  return d.minutes;
}

/** Who adds the rule, for its description: the credentials' ARN, else the profile. */
async function callerOf(ctx: OpsContext, region: string): Promise<string> {
  try {
    return await ctx.gateway().callerArn(region);
  } catch (e) {
    ctx.log.warn(`Could not read who the credentials are (sts:GetCallerIdentity): ${(e as Error)?.message ?? e}`);
    return ctx.settings.profile ? `profile/${ctx.settings.profile}` : 'unknown-caller';
  }
}

/**
 * Adds an inbound rule on `target.port` for the caller's own address, expiring after the chosen
 * time. The usual add-rule checks apply (a rule that already allows the address is refused, the
 * quota); nothing is sent before the confirmation. Undefined when declined.
 */
export async function allowMyIp(
  ctx: OpsContext,
  region: string,
  idx: RegionIndex,
  target: AllowMyIpTarget,
  deps: TemporaryAccessDeps,
): Promise<Done<string[]> | undefined> {
  const g = idx.groupsById.get(target.groupId);
  if (!g) throw new UserError(`Security group ${target.groupId} is not in ${region}. Refresh the tree or check the id.`);
  const title = `Allow My IP to ${target.what ?? g.groupName} (tcp ${target.port})`;
  const { cidr } = await deps.address();
  if (target.minutes !== undefined) {
    const d = parseDuration(String(target.minutes));
    if ('error' in d) throw new UserError(d.error);
  }
  const minutes = target.minutes ?? (await askMinutes(ctx, title));
  const caller = await callerOf(ctx, region);
  const expiresAt = deps.now() + minutes * 60_000;
  const built = buildRule({
    groupId: g.groupId,
    isEgress: false,
    protocol: 'tcp',
    fromPort: target.port,
    toPort: target.port,
    source: { cidr },
    description: encodeTemporary(expiresAt, caller),
  });
  if (!built.ok) throw new UserError(built.error);
  const until = new Date(Math.ceil(expiresAt / 60_000) * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  const ok = await ctx.ui.confirm(
    `Allow ${cidr} to ${target.what ?? g.groupName} for ${timeLeftText(expiresAt, deps.now()).replace(/ left$/, '')}?`,
    `Inbound ${portLabel(built.value)} from ${cidr} (your address, as the IP service sees it) on ${g.groupName} (${g.groupId}), until ${until} UTC. The rule's description records the expiry and who added it; it is removed when the time is up (while VS Code is open, or at the next start).`,
    'Allow Temporarily',
  );
  if (!ok) return undefined;
  return authorizeRule(ctx, region, idx, built.value);
}

/**
 * Removes temporary rules of a loaded Region: the expired ones (`all`: every one, asked first).
 * Each expired rule is removed on its own, without a dialog, and only if its description is still
 * the one that set the expiry (a rule someone changed since is left alone, and said so).
 */
export async function revokeTemporary(
  ctx: OpsContext,
  region: string,
  idx: RegionIndex,
  deps: Pick<TemporaryAccessDeps, 'now'>,
  o: { all?: boolean; ruleIds?: readonly string[] } = {},
): Promise<Done<string[]>> {
  const now = deps.now();
  const due: TemporaryRule[] = temporaryRules(idx).filter((t) => (o.ruleIds ? o.ruleIds.includes(t.rule.ruleId) : o.all || t.mark.expiresAt <= now));
  if (!due.length) return { value: [], message: `No ${o.all || o.ruleIds ? '' : 'expired '}temporary rules in ${region}.` };
  if (o.all || o.ruleIds) {
    const r = await revokeRules(ctx, region, idx, { ruleIds: due.map((t) => t.rule.ruleId), unchangedDescriptions: true });
    return r ?? { value: [], message: 'Nothing was removed.' };
  }
  const removed: string[] = [];
  const left: string[] = [];
  for (const t of due) {
    try {
      // The rule as the expiry was read from it: revokeRules reads it again and compares the description.
      const r = await revokeRules(ctx, region, idx, {
        ruleIds: [t.rule.ruleId],
        unattended: `temporary access expired ${timeLeftText(t.mark.expiresAt, now).replace(/^expired /, '')} (${t.rule.description})`,
        unchangedDescriptions: true,
      });
      removed.push(...(r?.value ?? []));
    } catch (e) {
      left.push(`${t.rule.ruleId}: ${(e as Error)?.message ?? e}`);
      ctx.log.warn(`Expired temporary rule ${t.rule.ruleId} was not removed: ${(e as Error)?.message ?? e}`);
    }
  }
  const msg = `Removed ${removed.length} expired temporary rule${removed.length === 1 ? '' : 's'}${removed.length ? `: ${removed.join(', ')}` : ''}.`;
  return { value: removed, message: left.length ? `${msg} Not removed: ${left.join('; ')}` : msg };
}
