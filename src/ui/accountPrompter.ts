// With several accounts (auroraSg.profiles), every confirmation names the account the change is
// made in, a production one first and in capitals. The scope of a command is what runCommand was
// given (the node's or the arguments' scope key) or what its Region picker chose since; a
// confirmation that offers code knows its own. One wrapper around the Prompter does it for every
// confirmation, so no command can forget.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Prompter } from './prompter';

/** The scope key the running command acts in (set by runCommand, updated by its Region picker). */
export interface CommandScope {
  scope?: string;
}

export const commandScope = new AsyncLocalStorage<CommandScope>();

/** Records the scope chosen by a picker for the command running now (no-op outside a command). */
export function noteScope(scope: string): void {
  const s = commandScope.getStore();
  if (s) s.scope = scope;
}

/**
 * The prompter whose confirmations start with the account line of their scope (`lineOf`, empty in
 * one-profile mode: the text is then exactly the base prompter's).
 */
export function accountPrompter(base: Prompter, lineOf: (scope: string | undefined) => string): Prompter {
  const lead = (detail: string, scope: string | undefined) => {
    const line = lineOf(scope ?? commandScope.getStore()?.scope);
    return line ? (detail ? `${line}\n\n${detail}` : line) : detail;
  };
  const p: Prompter = {
    pick: (o) => base.pick(o),
    pickMany: (o) => base.pickMany(o),
    // A typed confirmation (InputOptions.confirms) names the account in its title, the input box's most prominent line.
    input: (o) => {
      const line = o.confirms === undefined ? '' : lineOf(o.confirms || commandScope.getStore()?.scope);
      return base.input(line ? { ...o, title: `${o.title} in ${line.replace(/\.$/, '')}` } : o);
    },
    copy: (t) => base.copy(t),
    confirm: (message, detail, action, options) => base.confirm(message, lead(detail, options?.code?.region), action, options),
    choose: (message, detail, actions) => base.choose(message, lead(detail, undefined), actions),
    progress: (title, work) => base.progress(title, work),
    info: (m) => base.info(m),
    warn: (m) => base.warn(m),
    error: (m) => base.error(m),
  };
  if (base.session) p.session = (work) => base.session!(work);
  return p;
}
