// The lost-answer protocol, once: send a write; when it fails in a way that may still have been
// applied (no answer, a 5xx, an error only after a retry: mayHaveApplied), read AWS again and
// decide applied / not applied / unknown; log it; phrase it for the user. Every change goes
// through here (create / delete group, add / edit / remove rules, database group lists).
import { attemptsOf, mayHaveApplied, translateError, type TranslatedError } from '../aws/errors';
import { countOf } from '../domain/rules';
import { CancelledError } from '../ui/prompter';
import { isUserError, UserError } from './userError';
import type { OpsContext } from './context';

/** What a re-read after a failed write found. */
export type Verified<T> = { readonly applied: true; readonly value: T } | { readonly applied: false; readonly detail?: string };

export interface WriteSpec<T> {
  /** What the write does, as a phrase for messages and the log: "add tcp 3306 from appsrv1 to dbsrv1". */
  readonly action: string;
  readonly region: string;
  /** The write itself. A UserError it throws (a refusal it has already phrased) passes through as it is. */
  readonly call: () => Promise<T>;
  /**
   * After a failure that may have been applied: read AWS again and say whether the change is in
   * place (and its result). Throwing means the re-read failed too: the outcome is unknown; throwing
   * a UserError says what the re-read found instead (its message follows the translated error).
   */
  readonly verify: (error: unknown) => Promise<Verified<T>>;
  /**
   * Errors, beyond mayHaveApplied, that can mean "already applied" when they come after a retry
   * (InvalidPermission.Duplicate, InvalidGroup.Duplicate, InvalidGroup.NotFound for a delete).
   * Returning a UserError instead refuses with that message (e.g. "added elsewhere meanwhile").
   */
  readonly classify?: (error: unknown) => 'verify' | UserError | undefined;
  /** Said when the re-read shows nothing was applied; default "Nothing was changed." */
  readonly notApplied?: (detail: string | undefined) => string;
  /** The whole message when the re-read failed too; default: the translated error and "Could not tell…". */
  readonly unknown?: (error: unknown, translated: TranslatedError) => string;
  /** The phrase for a success after a lost answer; default "AWS's answer was lost; read again, it is in place". */
  readonly recovered?: (error: unknown) => string;
  /** The tree is refreshed before the message is shown (a stale node): the translated error says so. */
  readonly refreshed?: boolean;
  /** Aborted (the user cancelled the progress) before the call: nothing is sent, CancelledError. */
  readonly signal?: AbortSignal;
}

export interface WriteOutcome<T> {
  readonly value: T;
  /** Set when the answer was lost but the change is in place: a phrase for the success message. */
  readonly recovered?: string;
}

export async function writeThenVerify<T>(ctx: OpsContext, spec: WriteSpec<T>): Promise<WriteOutcome<T>> {
  // A cancel that came before the write was sent: nothing is changed, and nothing is said.
  if (spec.signal?.aborted) throw new CancelledError();
  try {
    return { value: await spec.call() };
  } catch (e) {
    if (isUserError(e)) throw e;
    const c = spec.classify?.(e);
    if (c instanceof UserError) throw c;
    if (c !== 'verify' && !mayHaveApplied(e)) throw e;
    const t = translateError(e, {
      action: spec.action,
      region: spec.region,
      profile: ctx.settings.profile,
      endpoint: ctx.settings.endpoint,
      refreshed: spec.refreshed,
    });
    ctx.log.error(`${spec.action} failed: ${t.code}: ${t.detail ?? ''} (${countOf(attemptsOf(e), 'attempt')})`);
    let found: Verified<T>;
    try {
      found = await spec.verify(e);
    } catch (v) {
      // A UserError from verify is its own verdict (e.g. "the list now differs from both").
      if (isUserError(v)) throw new UserError(`${t.message} ${(v as Error).message}`);
      if (ctx.change) ctx.change.unknown = true;
      if (spec.unknown) throw new UserError(spec.unknown(e, t));
      throw new UserError(`${t.message} Could not tell whether that was applied: reading AWS again failed too. Refresh the tree to check before trying again.`);
    }
    if (!found.applied) throw new UserError(`${t.message} ${spec.notApplied?.(found.detail) ?? 'Nothing was changed.'}`);
    const recovered =
      spec.recovered?.(e) ??
      (attemptsOf(e) > 1 ? "AWS's first answer was lost; the retry found it in place" : "AWS's answer was lost; read again, it is in place");
    if (ctx.change) ctx.change.recovered = recovered;
    ctx.log.info(`${spec.action}: the call failed (${(e as Error)?.name}, ${countOf(attemptsOf(e), 'attempt')}), but it was applied (${recovered}).`);
    return { value: found.value, recovered };
  }
}

/** The first line of an AWS error in plain words, ending with a full stop (for "Could not tell whether …: <why>"). */
export function errorSentence(e: unknown): string {
  const m = translateError(e).message.split('\n')[0].trim();
  return m.endsWith('.') ? m : `${m}.`;
}
