// Where the connection settings may come from. auroraSg.endpoint decides which host receives every
// signed request (access key id, session token, signature) and auroraSg.profile which account is
// changed: a repository's .vscode/settings.json (or a .code-workspace file) must not set either.
// package.json makes both "machine"-scoped (VS Code then ignores workspace and folder values); this
// is the second line: only the user's own values (and a default that is empty or loopback) are used,
// and every workspace value that would have changed something is reported. auroraSg.profiles (a
// list of profiles, several accounts at once) follows the same rule.
import { profilesInUse } from './accounts';

export const ENDPOINT_SETTING = 'auroraSg.endpoint';

/** auroraSg.requestTimeoutSeconds when unset or not a number: the AWS layer's own default (30 s). */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

/**
 * auroraSg.requestTimeoutSeconds as milliseconds: how long one attempt of a call may wait for its
 * answer before it is given up (and retried). `0` = never; a negative, non-numeric or missing value
 * = the default, so a typo can never turn the guard off.
 */
export function requestTimeoutMs(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) return DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000;
  return Math.round(n * 1000);
}
export const PROFILE_SETTING = 'auroraSg.profile';
/** Several profiles at once (src/domain/accounts.ts): as machine-scoped as the single one, for the same reason. */
export const PROFILES_SETTING = 'auroraSg.profiles';
/**
 * Where Allow My IP finds your public address: the /32 it opens on a database port is what this
 * service answers, so a repository must not choose it either (machine-scoped; only the user's value).
 */
export const ADDRESS_SERVICE_SETTING = 'auroraSg.temporaryAccess.addressService';
export const DEFAULT_ADDRESS_SERVICE = 'https://checkip.amazonaws.com';
type ConnectionSetting = typeof ENDPOINT_SETTING | typeof PROFILE_SETTING | typeof PROFILES_SETTING | typeof ADDRESS_SERVICE_SETTING;

/** The parts of `WorkspaceConfiguration.inspect()` this reads (user values include remote-machine ones). */
export interface ScopedValue {
  readonly defaultValue?: unknown;
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/** A value a workspace file sets, found by reading the file (VS Code hides machine-scoped ones from inspect()). */
export interface WorkspaceValue {
  readonly setting: ConnectionSetting;
  readonly value: unknown;
  /** Where it was found, for the message: "the workspace settings", ".vscode/settings.json of app". */
  readonly source: string;
}

export interface IgnoredValue {
  readonly setting: ConnectionSetting;
  readonly value: string;
  readonly source: string;
}

export interface ConnectionSettings {
  readonly endpoint?: string;
  readonly profile?: string;
  /** auroraSg.profiles (the user's own list): several accounts at once; empty in one-profile mode. */
  readonly profiles: readonly string[];
  /** auroraSg.temporaryAccess.addressService: the user's value, else the default service. */
  readonly addressService: string;
  /** Workspace values that differ from what is used, so were ignored: the user is told once. */
  readonly ignored: readonly IgnoredValue[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
/** A list of profile names as one comparable text ("a, b"); undefined for anything that is not a list. */
const listText = (v: unknown): string | undefined => (Array.isArray(v) ? profilesInUse(v).join(', ') : undefined);

/** localhost, 127.0.0.0/8 (not a name such as 127.0.0.1.example.com), ::1, and the `localstack` host name of a compose network: where an emulator runs. */
export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === 'localstack';
  } catch {
    return false;
  }
}

/**
 * The endpoint and profile to use: the user's value, else the default. A default that names a
 * non-loopback host (another extension's `configurationDefaults`) is not used either. Workspace and
 * folder values are never used; those that differ from the result are listed in `ignored`.
 */
export function resolveConnectionSettings(
  endpoint: ScopedValue | undefined,
  profile: ScopedValue | undefined,
  found: readonly WorkspaceValue[] = [],
  profilesValue?: ScopedValue,
  addressServiceValue?: ScopedValue,
): ConnectionSettings {
  const userEndpoint = text(endpoint?.globalValue);
  const defaultEndpoint = text(endpoint?.defaultValue);
  const e = userEndpoint ?? (defaultEndpoint && isLoopbackEndpoint(defaultEndpoint) ? defaultEndpoint : '');
  const p = text(profile?.globalValue) ?? text(profile?.defaultValue) ?? '';
  const profiles = profilesInUse(Array.isArray(profilesValue?.globalValue) ? profilesValue.globalValue : profilesValue?.defaultValue);
  const addressService = text(addressServiceValue?.globalValue) || DEFAULT_ADDRESS_SERVICE;
  const used = { [ENDPOINT_SETTING]: e, [PROFILE_SETTING]: p, [PROFILES_SETTING]: profiles.join(', '), [ADDRESS_SERVICE_SETTING]: addressService };
  const candidates: WorkspaceValue[] = [
    { setting: ENDPOINT_SETTING, value: endpoint?.workspaceValue, source: 'the workspace settings' },
    { setting: ENDPOINT_SETTING, value: endpoint?.workspaceFolderValue, source: 'the folder settings' },
    { setting: PROFILE_SETTING, value: profile?.workspaceValue, source: 'the workspace settings' },
    { setting: PROFILE_SETTING, value: profile?.workspaceFolderValue, source: 'the folder settings' },
    { setting: PROFILES_SETTING, value: profilesValue?.workspaceValue, source: 'the workspace settings' },
    { setting: PROFILES_SETTING, value: profilesValue?.workspaceFolderValue, source: 'the folder settings' },
    { setting: ADDRESS_SERVICE_SETTING, value: addressServiceValue?.workspaceValue, source: 'the workspace settings' },
    { setting: ADDRESS_SERVICE_SETTING, value: addressServiceValue?.workspaceFolderValue, source: 'the folder settings' },
    ...found,
  ];
  const ignored: IgnoredValue[] = [];
  const fromFiles = new Set<WorkspaceValue>(found);
  // The entries VS Code's configuration named (not a scanned file yet).
  const fromConfig = new Set<number>();
  for (const c of candidates) {
    const v = c.setting === PROFILES_SETTING ? listText(c.value) : text(c.value);
    if (v === undefined || v === used[c.setting]) continue;
    const seen = ignored.findIndex((i) => i.setting === c.setting && i.value === v);
    if (seen < 0) {
      if (!fromFiles.has(c)) fromConfig.add(ignored.length);
      ignored.push({ setting: c.setting, value: v, source: c.source });
    } else if (fromConfig.has(seen) && fromFiles.has(c)) {
      // A value both VS Code's configuration and a scanned file hold is named by the (first) file: the
      // message then does not depend on which of the two saw the file's change first.
      ignored[seen] = { ...ignored[seen]!, source: c.source };
      fromConfig.delete(seen);
    }
  }
  return { endpoint: e || undefined, profile: p || undefined, profiles, addressService, ignored };
}

/** The message for ignored workspace values (one notification, one log line). */
export function ignoredMessage(ignored: readonly IgnoredValue[]): string {
  const list = ignored.map((i) => `${i.setting} "${i.value}" (from ${i.source})`).join(', ');
  return (
    `Ignored ${list}: a workspace cannot choose the endpoint that receives your signed AWS requests, the profiles whose credentials are used, or the service that tells Allow My IP which address to let in. ` +
    `Set them in your user settings (Preferences: Open User Settings) if you mean to use them.`
  );
}

/**
 * auroraSg.endpoint / auroraSg.profile / auroraSg.profiles / auroraSg.temporaryAccess.addressService as a settings file sets them. The file is JSON with comments
 * and trailing commas (VS Code's settings format); a file that does not parse yields nothing.
 * Accepts the flat form ("auroraSg.endpoint": ...) and, for a .code-workspace file, its "settings" object.
 */
export function settingsFileValues(fileText: string, source: string, key?: 'settings'): WorkspaceValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonc(fileText));
  } catch {
    return [];
  }
  let obj = parsed as Record<string, unknown> | null;
  if (key) obj = obj && typeof obj === 'object' ? (obj[key] as Record<string, unknown> | null) : null;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return [];
  const out: WorkspaceValue[] = [];
  const group = obj.auroraSg && typeof obj.auroraSg === 'object' ? (obj.auroraSg as Record<string, unknown>) : undefined;
  const temporary = group?.temporaryAccess && typeof group.temporaryAccess === 'object' ? (group.temporaryAccess as Record<string, unknown>) : undefined;
  for (const setting of [ENDPOINT_SETTING, PROFILE_SETTING, PROFILES_SETTING, ADDRESS_SERVICE_SETTING] as const) {
    const key = setting.slice('auroraSg.'.length);
    // Nested forms: "auroraSg": { "endpoint": ... }, and for the address service also "auroraSg": { "temporaryAccess": { "addressService": ... } }.
    const nested = [group?.[key], setting === ADDRESS_SERVICE_SETTING ? temporary?.addressService : undefined];
    for (const value of [obj[setting], ...nested])
      if (setting === PROFILES_SETTING ? Array.isArray(value) : typeof value === 'string') out.push({ setting, value, source });
  }
  return out;
}

/** Removes // and /* comments (outside strings) and trailing commas. */
function stripJsonc(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j;
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 1;
      out += ' ';
    } else if (c === ',' && /^\s*[}\]]/.test(s.slice(i + 1, i + 200))) {
      // a trailing comma: dropped
    } else out += c;
  }
  return out;
}
