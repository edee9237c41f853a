// auroraSg.signIn: an account whose sign-in is missing or expired (an SSO profile) signs in with
// `aws sso login --profile NAME` in a VS Code terminal; when the terminal closes with exit code 0
// the account and its Regions are read again.
import type { Ext } from '../ext';
import { UserError } from '../ops/userError';
import { profileOf } from '../domain/scope';

/** The profile an argument names: an account node, a node of one of its Regions, or the name itself. */
function profileArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const a = arg && typeof arg === 'object' ? (arg as { kind?: unknown; profile?: unknown; region?: unknown }) : undefined;
  if (typeof a?.profile === 'string') return a.profile;
  return typeof a?.region === 'string' ? profileOf(a.region) : undefined;
}

/** auroraSg.signIn [account node | profile]: returns the terminal's exit code. */
export async function signIn(ext: Ext, arg?: unknown): Promise<number | undefined> {
  const configured = ext.settings.profiles.length ? ext.settings.profiles : ext.settings.profile ? [ext.settings.profile] : [];
  let profile = profileArg(arg);
  if (profile === undefined) {
    if (!configured.length) throw new UserError('No profile is configured: choose one with "Aurora SG: Select AWS Profile" first.');
    const signedOut = configured.filter((p) => ext.accounts.info(p).signedOut);
    profile =
      configured.length === 1
        ? configured[0]
        : await ext.ui.pick({
            title: 'Sign in (aws sso login)',
            placeholder: 'Profile to sign in with',
            items: [...signedOut, ...configured.filter((p) => !signedOut.includes(p))].map((p) => ({
              label: p,
              description: signedOut.includes(p) ? 'signed out' : undefined,
              value: p,
            })),
          });
  }
  if (!configured.includes(profile)) throw new UserError(`"${profile}" is not a configured profile (${configured.join(', ') || 'none'}).`);
  ext.log.info(`Signing in: aws sso login --profile ${profile}`);
  const code = await ext.signInRunner(profile);
  if (code !== 0) {
    ext.ui.warn(
      `Signing in with profile ${profile} did not finish (aws sso login ended with ${code === undefined ? 'no exit code' : `exit code ${code}`}). Nothing was reloaded.`,
    );
    return code;
  }
  ext.log.info(`Signed in with profile ${profile}: reading its account again.`);
  if (ext.multi) await ext.reloadAccount(profile);
  else await ext.store.refreshAll(await ext.regions());
  return code;
}
