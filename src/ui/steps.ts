// A runner for multi-step inputs, in the manner of quickinput-sample's multiStepInput.ts and
// AzureWizard: each step says whether it prompts in the current state (an answer given as an
// argument, or a choice that makes it moot, skips it), step numbers and totals count only the
// steps that prompt, Back returns to the previous step that prompted and clears what it and the
// later steps set, and the whole input runs as one prompter session (one reused input box).
// No `vscode` here: unit-tested with a fake prompter.
import { isBack, type Prompter, type StepInfo } from './prompter';

export interface Step<S> {
  /** Whether the step asks anything in this state; default: always. A step that does not is skipped, forwards and back. */
  readonly prompts?: (state: Readonly<S>) => boolean;
  /**
   * Asks its question(s) and sets its part of the state. `at` is the title and the computed step
   * number and total, for the prompter's options. A BackError from the prompter goes back a step.
   */
  readonly run: (state: S, at: StepInfo) => Promise<void>;
}

function restore<S extends object>(state: S, snapshot: S): void {
  for (const k of Object.keys(state) as (keyof S)[]) if (!(k in snapshot)) delete state[k];
  Object.assign(state, snapshot);
}

/**
 * Runs the steps in order on `state` (changed in place, and returned). The total is the steps that
 * prompted so far, this one, and the later ones that would prompt in the state as it is now: it
 * grows when an answer brings in a step (a custom port range after "Custom TCP…").
 */
export async function runSteps<S extends object>(
  ui: Prompter | { readonly session: NonNullable<Prompter['session']> },
  title: string,
  state: S,
  steps: readonly Step<S>[],
): Promise<S> {
  const prompts = (s: Step<S>) => !s.prompts || s.prompts(state);
  const work = async () => {
    /** The steps that prompted, with the state as it was before each. */
    const history: { index: number; before: S }[] = [];
    let i = 0;
    while (i < steps.length) {
      const step = steps[i];
      if (!prompts(step)) {
        i++;
        continue;
      }
      const before = { ...state };
      const n = history.length + 1;
      const totalSteps = n + steps.slice(i + 1).filter(prompts).length;
      try {
        await step.run(state, { title, step: n, totalSteps });
        history.push({ index: i, before });
        i++;
      } catch (e) {
        restore(state, before);
        const prev = isBack(e) ? history.pop() : undefined;
        if (!prev) throw e;
        restore(state, prev.before);
        i = prev.index;
      }
    }
    return state;
  };
  return ui.session ? ui.session(work) : work();
}
