// Several accounts at once (auroraSg.profiles): how an account is named, which account a
// confirmation is about, and how the single auroraSg.profile migrates into the list. No vscode,
// no SDK: the identity itself is read by src/aws (STS GetCallerIdentity, IAM ListAccountAliases).
import { parseScope } from './scope';

/** Who a profile's credentials are: read once per account load. */
export interface AccountIdentity {
  readonly accountId: string;
  readonly arn?: string;
  /** The account alias (IAM ListAccountAliases); absent when there is none or it may not be read. */
  readonly alias?: string;
}

/** A profile's account as the extension knows it now. */
export interface AccountInfo {
  readonly profile: string;
  readonly identity?: AccountIdentity;
  readonly loading?: boolean;
  /** The identity read failed (the error as thrown; translated where it is shown). */
  readonly error?: unknown;
  /** The failure is a missing or expired sign-in (an SSO session, or credentials that cannot be resolved): "Sign in" helps. */
  readonly signedOut?: boolean;
}

/** A name that says production (prod, production, Prod-EU, …): shown prominently before any change. */
export function isProductionName(...names: (string | undefined)[]): boolean {
  return names.some((n) => !!n && /prod/i.test(n));
}

/** "prod (123456789012, alias acme-prod)", or the profile alone before the identity is known. */
export function accountLabel(a: Pick<AccountInfo, 'profile' | 'identity'>): string {
  const id = a.identity;
  if (!id) return a.profile;
  const alias = id.alias && id.alias !== a.profile ? `, alias ${id.alias}` : '';
  return `${a.profile} (${id.accountId}${alias})`;
}

/** The tree's account row: the profile as its label, the account id and alias beside it. */
export function accountDescription(a: AccountInfo): string {
  if (a.identity) return [a.identity.accountId, a.identity.alias].filter(Boolean).join(' · ');
  if (a.signedOut) return 'signed out: Sign in';
  if (a.error) return 'could not read the account';
  return a.loading ? 'reading the account…' : '';
}

/**
 * The line a confirmation starts with in multi-profile mode: which account (and Region) the change
 * is made in; a production account's name in capitals first. Empty in one-profile mode (a bare Region).
 */
export function accountLine(scope: string, info: AccountInfo | undefined): string {
  const { profile, region } = parseScope(scope);
  if (profile === undefined) return '';
  const label = accountLabel(info ?? { profile });
  const prod = isProductionName(profile, info?.identity?.alias);
  return `${prod ? 'PRODUCTION account' : 'Account'} ${label}, Region ${region}.`;
}

/**
 * auroraSg.profiles as used: the list's names (trimmed, no duplicates, no empty ones). An empty
 * list keeps one-profile mode (auroraSg.profile, bare Region keys); any other list is
 * multi-profile mode, the tree's root its accounts.
 */
export function profilesInUse(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return [
    ...new Set(
      list
        .filter((p): p is string => typeof p === 'string')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * What "Select Profiles…" writes: the chosen list, with the single auroraSg.profile first when it
 * is set and was kept, and whether auroraSg.profile is to be cleared (it moved into the list).
 * Choosing one profile writes auroraSg.profile alone and clears the list (one-profile mode).
 */
export function migrateProfiles(single: string | undefined, chosen: readonly string[]): { profile: string | undefined; profiles: string[] } {
  const list = profilesInUse(chosen);
  if (list.length <= 1) return { profile: list[0] ?? '', profiles: [] };
  const s = single?.trim();
  const ordered = s && list.includes(s) ? [s, ...list.filter((p) => p !== s)] : list;
  return { profile: '', profiles: ordered };
}
