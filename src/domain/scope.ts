// Where a piece of data lives: one AWS Region of one account (a profile). The store, the tree's
// nodes, the activity log and the gateway key everything by a scope key, a string: the Region's
// name when one profile is configured (auroraSg.profile, as before), `${profile}/${region}` when
// several are (auroraSg.profiles). A Region's name never contains '/', so the key splits at its
// last '/' whatever the profile's name holds. Messages that name the key name the account too
// ("in prod/us-east-1"), which every confirmation must.

export interface Scope {
  /** The profile of the account; undefined in one-profile mode (the single profile or the default chain). */
  readonly profile?: string;
  /** The AWS Region's name (what the SDK is given). */
  readonly region: string;
}

export const SCOPE_SEPARATOR = '/';

/** The scope key of a Region of a profile's account (the bare Region without a profile). */
export function scopeKey(profile: string | undefined, region: string): string {
  return profile === undefined ? region : `${profile}${SCOPE_SEPARATOR}${region}`;
}

/** The profile and the Region of a scope key. */
export function parseScope(key: string): Scope {
  const i = key.lastIndexOf(SCOPE_SEPARATOR);
  return i < 0 ? { region: key } : { profile: key.slice(0, i), region: key.slice(i + 1) };
}

/** The AWS Region of a scope key (what the SDK, the console links and ARNs need). */
export function awsRegion(key: string): string {
  return parseScope(key).region;
}

/** The profile of a scope key; undefined in one-profile mode. */
export function profileOf(key: string): string | undefined {
  return parseScope(key).profile;
}
