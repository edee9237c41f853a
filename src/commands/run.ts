// The one wrapper every command runs through (src/commands/index.ts registers them all with it):
// the error and cancel policy in one place, so a command body only throws.
import { isStaleError, translateError } from '../aws/errors';
import type { Ext } from '../ext';
import { UserError } from '../ops/userError';
import { commandScope } from '../ui/accountPrompter';
import { isBack, isCancel } from '../ui/prompter';

/**
 * Text for a notification: VS Code turns `[text](command:…)` in a notification into a link that
 * runs a command, and names, descriptions and tags come from AWS, where `[`, `]`, `(`, `)` and
 * `:` are allowed. A zero-width space after `]` keeps the text as it reads and never a link.
 */
export function plainText(text: string): string {
  return text.replace(/\]\(/g, ']\u200b(');
}

/** Notifications with AWS text in them, never as links. */
export function say(ext: Pick<Ext, 'ui'>): { info(m: string): void; warn(m: string): void; error(m: string): void } {
  return {
    info: (m) => ext.ui.info(plainText(m)),
    warn: (m) => ext.ui.warn(plainText(m)),
    error: (m) => ext.ui.error(plainText(m)),
  };
}

/** A JavaScript error (a bug or hostile arguments that slipped through), not a message for the user. */
const INTERNAL = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/** The Region a command's argument names (a tree node or `{ region }`), for reloading it when AWS says a thing is gone. */
export function regionOf(arg: unknown): string | undefined {
  const r = arg && typeof arg === 'object' ? (arg as { region?: unknown }).region : undefined;
  return typeof r === 'string' && r ? r : undefined;
}

/**
 * Runs a command body: cancel and Back end quietly; a UserError is its message (logged as a
 * warning); a JavaScript error is logged once with its stack and shown as an internal error; an
 * AWS error is translated (details in the log). The command then returns undefined. When AWS
 * says the thing is gone (a stale tree node), the Region is reloaded so the tree stops showing it.
 */
export async function runCommand<T>(ext: Ext, action: string, region: string | undefined, body: () => T | Promise<T>): Promise<T | undefined> {
  try {
    // The scope the command acts in, for its confirmations' account line (src/ui/accountPrompter.ts).
    return await commandScope.run({ scope: region }, body);
  } catch (e) {
    if (isCancel(e) || isBack(e)) return undefined;
    if (e instanceof UserError || (e as Error)?.name === 'UserError') {
      const message = (e as Error).message;
      ext.log.warn(`${action}: ${message}`);
      say(ext).error(message);
      return undefined;
    }
    if (INTERNAL.has((e as Error)?.name) && !(e as { $metadata?: unknown }).$metadata) {
      ext.log.error(`${action}: internal error: ${(e as Error).stack ?? String(e)}`);
      say(ext).error(
        `Could not ${action}: an internal error occurred (${(e as Error).name}); nothing more was done. Details are in the Aurora Security Groups log.`,
      );
      return undefined;
    }
    // A "different networks" InvalidGroup.NotFound names a group that exists: no reload (isStaleError).
    const stale = !!region && isStaleError(e) && !!ext.store.index(region);
    if (stale) await ext.store.load(region!).catch(() => undefined);
    const t = translateError(e, { action, region, profile: ext.settings.profile, endpoint: ext.settings.endpoint, refreshed: stale });
    ext.log.error(`${action} failed: ${t.code}: ${t.detail ?? ''}${t.requestId ? ` (request ${t.requestId})` : ''}`);
    say(ext).error(t.message);
    return undefined;
  }
}
