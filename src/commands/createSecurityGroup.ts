import type { Ext } from '../ext';
import { validateGroupDescription, validateGroupName } from '../domain/validation';
import { runSteps } from '../ui/prompter';
import { attemptsOf, mayHaveApplied, translateError } from '../aws/errors';
import { guarded, indexFor, isNode, pickRegion, progress, requireString, say, UserError } from './common';

export interface CreateGroupArgs {
  region?: string;
  vpcId?: string;
  groupName?: string;
  description?: string;
  tags?: Record<string, string>;
}

export function parseTags(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!key) return `"${part}" has no key; write key=value.`;
    if (key.length > 128) return `The tag key "${key.slice(0, 20)}…" is longer than 128 characters.`;
    if (value.length > 256) return `The value of tag ${key} is longer than 256 characters.`;
    if (/^aws:/i.test(key)) return `Tag keys starting with "aws:" are reserved by AWS.`;
    out[key] = value;
  }
  return out;
}

/** auroraSg.createSecurityGroup: returns the new group id. */
export function createSecurityGroup(ext: Ext, arg?: unknown): Promise<string | undefined> {
  const node = isNode(arg) ? arg : undefined;
  const args: CreateGroupArgs = !node && arg && typeof arg === 'object' ? (arg as CreateGroupArgs) : {};
  const scripted = !node && args.groupName !== undefined;
  return guarded(ext, 'create the security group', args.region ?? node?.region, async () => {
    const s: Required<Pick<CreateGroupArgs, 'region'>> & CreateGroupArgs = {
      ...args,
      region: await pickRegion(ext, args.region ?? node?.region, 'Create security group: Region'),
    };
    if (node?.kind === 'vpc') s.vpcId = node.vpcId;
    const idx = await indexFor(ext, s.region);
    const namesIn = (vpcId: string | undefined) => (idx.groupsByVpc.get(vpcId ?? '') ?? []).map((g) => g.groupName);

    if (scripted) {
      if (typeof s.groupName !== 'string') throw new UserError('The argument "groupName" must be text.');
      if (s.description !== undefined && typeof s.description !== 'string') throw new UserError('The argument "description" must be text.');
      if (s.tags !== undefined && (!s.tags || typeof s.tags !== 'object' || Array.isArray(s.tags) || Object.values(s.tags).some((v) => typeof v !== 'string')))
        throw new UserError('The argument "tags" must be an object of text values, such as { "team": "shop" }.');
      const vpcId = requireString(s.vpcId, 'vpcId');
      if (!idx.snapshot.vpcs.some((v) => v.vpcId === vpcId)) throw new UserError(`VPC ${vpcId} is not in ${s.region}. Refresh the tree or check the id.`);
      const e = validateGroupName(s.groupName ?? '', namesIn(vpcId)) ?? validateGroupDescription(s.description ?? '');
      if (e) throw new UserError(e);
      if (s.tags) {
        const bad = parseTags(Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(','));
        if (typeof bad === 'string') throw new UserError(bad);
      }
    } else {
      const total = 4;
      const title = 'Create security group';
      const steps = [
        async () => {
          if (node?.kind === 'vpc') return;
          const vpcs = [...idx.snapshot.vpcs].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
          if (!vpcs.length) throw new UserError(`There is no VPC in ${s.region} to create a group in.`);
          s.vpcId = await ext.ui.pick({
            title,
            step: 1,
            totalSteps: total,
            placeholder: 'VPC of the new group',
            items: vpcs.map((v) => ({ label: v.name ?? v.vpcId, description: [v.name ? v.vpcId : '', v.cidrBlocks.join(', '), v.isDefault ? 'default' : ''].filter(Boolean).join(' · '), value: v.vpcId })),
          });
        },
        async () => {
          s.groupName = await ext.ui.input({
            title,
            step: 2,
            totalSteps: total,
            prompt: 'Group name: up to 255 characters, not starting with "sg-", unique in the VPC',
            value: s.groupName,
            placeholder: 'e.g. appsrv1',
            validate: (v) => validateGroupName(v, namesIn(s.vpcId)),
          });
        },
        async () => {
          s.description = await ext.ui.input({
            title,
            step: 3,
            totalSteps: total,
            prompt: 'Description (required by AWS; it cannot be changed later)',
            value: s.description ?? `Access for ${s.groupName}`,
            validate: validateGroupDescription,
          });
        },
        async () => {
          const text = await ext.ui.input({
            title,
            step: 4,
            totalSteps: total,
            prompt: 'Tags (optional): key=value, separated by commas',
            placeholder: 'team=shop, env=prod',
            validate: (v) => {
              const t = parseTags(v);
              return typeof t === 'string' ? t : undefined;
            },
          });
          s.tags = parseTags(text) as Record<string, string>;
        },
      ];
      await runSteps(steps);
    }
    const vpcId = s.vpcId!;
    const groupName = s.groupName!.trim();
    const tags = { ...(s.tags ?? {}) };
    const description = s.description!.trim();
    let groupId: string;
    let recovered = '';
    try {
      groupId = await progress(`Creating security group ${groupName} in ${vpcId}…`, () =>
        ext.gateway().createSecurityGroup(s.region, { vpcId, groupName, description, tags }),
      );
    } catch (e) {
      // An answer lost after AWS created the group: the SDK's retry then fails with
      // InvalidGroup.Duplicate. Look the group up by name and report it as created, once.
      const retriedDuplicate = (e as Error)?.name === 'InvalidGroup.Duplicate' && attemptsOf(e) > 1;
      if (!retriedDuplicate && !mayHaveApplied(e)) throw e;
      let found: { groupId: string; description: string }[] | undefined;
      try {
        found = await ext.gateway().findGroupsByName(s.region, vpcId, groupName);
      } catch {
        found = undefined;
      }
      const t = translateError(e, { action: `create the security group ${groupName}`, region: s.region, profile: ext.settings.profile, endpoint: ext.settings.endpoint });
      ext.log.error(`create the security group ${groupName} failed: ${t.code}: ${t.detail ?? ''} (${attemptsOf(e)} attempt(s))`);
      if (!found) throw new UserError(`${t.message} Could not check whether ${groupName} was created; refresh the tree before trying again.`);
      const mine = found.find((g) => g.description === description);
      if (!mine) throw new UserError(`${t.message} ${groupName} does not exist in ${vpcId}: nothing was created.`);
      groupId = mine.groupId;
      recovered = ` (AWS's answer was lost; the group, looked up by name, was created once)`;
    }
    await ext.store.refreshGroups(s.region, [groupId]);
    ext.log.info(`Created security group ${groupName} (${groupId}) in ${vpcId}, ${s.region}${recovered}`);
    say(ext).info(`Created security group ${groupName} (${groupId})${recovered}. It has no inbound rules yet: add one to let something in.`);
    return groupId;
  });
}
