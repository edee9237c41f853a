// The account's security group quotas in a Region (domain/quotas.ts), read once per Region per session.
import { DescribeAccountAttributesCommand } from '@aws-sdk/client-ec2';
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import {
  defaultQuota,
  DEFAULT_GROUPS_PER_INTERFACE,
  DEFAULT_RULES_PER_DIRECTION,
  GROUPS_QUOTA_ACTION,
  RULES_QUOTA_ACTION,
  type AccountLimits,
  type QuotaValue,
} from '../domain/quotas';
import type { RegionClients } from './clients';

type ReadOptions = { readonly abortSignal?: AbortSignal };

/** Service Quotas codes (service code 'vpc'): "Inbound or outbound rules per security group", "Security groups per network interface". */
export const RULES_QUOTA_CODE = 'L-0EA8095F';
export const GROUPS_QUOTA_CODE = 'L-2AFB9258';
export const GROUPS_ATTRIBUTE = 'vpc-max-security-groups-per-interface';

/** The refusals that mean "use the default": the caller may not read the value. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException']);

function denied(e: unknown): boolean {
  return DENIED.has((e as Error)?.name ?? '');
}

/** The rules quota from Service Quotas (GetServiceQuota answers the account's applied value). */
async function readRulesQuota(c: RegionClients, o: ReadOptions): Promise<QuotaValue> {
  if (!c.serviceQuotas) return defaultQuota(DEFAULT_RULES_PER_DIRECTION, RULES_QUOTA_ACTION);
  try {
    const out = await c.serviceQuotas().send(new GetServiceQuotaCommand({ ServiceCode: 'vpc', QuotaCode: RULES_QUOTA_CODE }), { abortSignal: o.abortSignal });
    const v = out.Quota?.Value;
    if (typeof v === 'number' && v > 0) return { value: Math.floor(v), source: 'account' };
    return defaultQuota(DEFAULT_RULES_PER_DIRECTION, RULES_QUOTA_ACTION);
  } catch (e) {
    // Service Quotas API reference, GetServiceQuota: NoSuchResourceException when the quota has no
    // value for the account in the Region (AWS's default applies then).
    if ((e as Error)?.name === 'NoSuchResourceException')
      return { value: DEFAULT_RULES_PER_DIRECTION, source: 'default', note: 'Service Quotas holds no value of your account for it' };
    if (denied(e)) return defaultQuota(DEFAULT_RULES_PER_DIRECTION, RULES_QUOTA_ACTION);
    throw e;
  }
}

/** The groups-per-interface quota: EC2 DescribeAccountAttributes vpc-max-security-groups-per-interface. */
async function readGroupsQuota(c: RegionClients, o: ReadOptions): Promise<QuotaValue> {
  try {
    // The SDK's AttributeNames filter takes only 'default-vpc' and 'supported-platforms' (EC2 API
    // reference, DescribeAccountAttributes): read them all and pick the one.
    const out = await c.ec2.send(new DescribeAccountAttributesCommand({}), { abortSignal: o.abortSignal });
    const attr = out.AccountAttributes?.find((a) => a.AttributeName === GROUPS_ATTRIBUTE);
    const v = Number(attr?.AttributeValues?.[0]?.AttributeValue);
    if (Number.isInteger(v) && v > 0) return { value: v, source: 'account' };
    return defaultQuota(DEFAULT_GROUPS_PER_INTERFACE, GROUPS_QUOTA_ACTION);
  } catch (e) {
    if (denied(e)) return defaultQuota(DEFAULT_GROUPS_PER_INTERFACE, GROUPS_QUOTA_ACTION);
    throw e;
  }
}

const cache = new WeakMap<RegionClients, Promise<AccountLimits>>();

/**
 * The account's quotas in the Region of `c`. A refused read gives AWS's default with a note;
 * another error rejects (and is not cached, so the next load tries again). Cached per clients
 * object, that is per Region for the session (a credentials reset makes new clients).
 */
export function readLimits(c: RegionClients, o: ReadOptions = {}): Promise<AccountLimits> {
  let p = cache.get(c);
  if (!p) {
    p = Promise.all([readRulesQuota(c, o), readGroupsQuota(c, o)]).then(([rulesPerDirection, groupsPerInterface]) => ({
      rulesPerDirection,
      groupsPerInterface,
    }));
    cache.set(c, p);
    p.catch(() => cache.delete(c));
  }
  return p;
}
