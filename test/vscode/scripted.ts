// A Prompter that replays scripted answers, so tests drive the commands' interactive path.
// An answer picks exactly: the item's label without its codicons, or its value; a RegExp answer
// matches labels explicitly. A test fails when an answer is left unused, when a question finds no
// answer, or when an answer matches no choice (the commands would turn those into messages a
// test could mistake for the behaviour under test): see the root hook at the end.
import type { ConfirmOptions, InputOptions, PickItem, PickOptions, Prompter } from '../../src/ui/prompter';
import { BackError, CancelledError, codeButton } from '../../src/ui/prompter';
import { offerCode } from '../../src/ui/codeOffer';

export const BACK = Symbol('back');
export const CANCEL = Symbol('cancel');
export type Choice = string | RegExp;
export type Answer = Choice | Choice[] | boolean | typeof BACK | typeof CANCEL;

const plain = (s: string | undefined) => (s ?? '').replace(/\$\([^)]+\)\s*/g, '').trim();
const shown = (a: Answer) => (typeof a === 'symbol' ? (a.description ?? 'symbol') : a instanceof RegExp ? String(a) : JSON.stringify(a));

/** Every prompter made since the last check (by the root hook below). */
const made: ScriptedPrompter[] = [];

export class ScriptedPrompter implements Prompter {
  readonly asked: string[] = [];
  readonly validations: string[] = [];
  readonly confirms: { message: string; detail: string; action?: string; exposes?: boolean; code?: string; actions?: readonly string[] }[] = [];
  /** What was put on the clipboard, in order; `clipboard`, when set, receives it too (the real one in the extension host). */
  readonly copied: string[] = [];
  clipboard?: (text: string) => Thenable<void>;
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly pickItems: string[][] = [];
  /** "title step/total" of every numbered question, in order. */
  readonly steps: string[] = [];
  /** What went wrong with the script itself: no answer left, or an answer that matched nothing. */
  readonly scriptErrors: string[] = [];

  constructor(private readonly answers: Answer[] = []) {
    made.push(this);
  }

  get remaining(): number {
    return this.answers.length;
  }

  /** Asserts that every answer was used and the script matched every question it met. */
  done(): void {
    const problems = [
      ...this.scriptErrors,
      ...(this.answers.length ? [`${this.answers.length} scripted answer(s) left unused: ${this.answers.map(shown).join(', ')}`] : []),
    ];
    if (problems.length) throw new Error(`${problems.join('; ')} (questions asked: ${this.asked.join(' → ') || 'none'})`);
  }

  readonly progressTitles: string[] = [];

  /** Runs the work at once; the signal never aborts unless a test calls cancelProgress(). */
  private readonly progressAbort = new AbortController();
  cancelProgress(): void {
    this.progressAbort.abort();
  }

  async progress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
    this.progressTitles.push(title);
    return work(this.progressAbort.signal, () => undefined);
  }

  private fail(message: string): never {
    this.scriptErrors.push(message);
    throw new Error(message);
  }

  private next(what: string, o?: { title: string; step?: number; totalSteps?: number }): Answer {
    this.asked.push(what);
    if (o?.step !== undefined) this.steps.push(`${o.title} ${o.step}/${o.totalSteps ?? '?'}`);
    if (!this.answers.length) this.fail(`No scripted answer left for: ${what}`);
    const a = this.answers.shift()!;
    if (a === BACK) throw new BackError();
    if (a === CANCEL) throw new CancelledError();
    return a;
  }

  private find<T>(o: PickOptions<T>, want: Choice): PickItem<T> {
    const hit =
      want instanceof RegExp ? o.items.find((i) => want.test(plain(i.label))) : o.items.find((i) => plain(i.label) === want || i.value === (want as unknown));
    if (!hit) this.fail(`${shown(want)} is not among the choices of "${o.title}": ${o.items.map((i) => plain(i.label)).join(' | ')}`);
    return hit;
  }

  async pick<T>(o: PickOptions<T>): Promise<T> {
    this.pickItems.push(o.items.map((i) => plain(i.label)));
    const a = this.next(`pick: ${o.title} / ${o.placeholder ?? ''}`, o);
    if (typeof a !== 'string' && !(a instanceof RegExp)) this.fail(`pick "${o.title}" expects a label, got ${shown(a)}`);
    return this.find(o, a).value;
  }

  async pickMany<T>(o: PickOptions<T>): Promise<T[]> {
    this.pickItems.push(o.items.map((i) => plain(i.label)));
    const a = this.next(`pickMany: ${o.title}`, o);
    if (!Array.isArray(a)) this.fail(`pickMany "${o.title}" expects a list of labels, got ${shown(a)}`);
    return a.map((w) => this.find(o, w).value);
  }

  async input(o: InputOptions): Promise<string> {
    // Like a person: a rejected value gets its validation message, and the next answer is typed.
    for (;;) {
      const a = this.next(`input: ${o.title} / ${o.prompt ?? ''}`, o);
      if (typeof a !== 'string') this.fail(`input "${o.title}" expects text, got ${shown(a)}`);
      const msg = o.validate ? await o.validate(a) : undefined;
      if (!msg) return a;
      this.validations.push(msg);
    }
  }

  /** A confirmation takes true (the action), false (cancel), or the label of its code button ("Copy as Code…"). */
  async confirm(message: string, detail: string, action?: string, options?: ConfirmOptions): Promise<boolean> {
    const code = options?.code ? codeButton(options.code) : undefined;
    this.confirms.push({ message, detail, action, exposes: options?.exposes === true, ...(code ? { code } : {}) });
    const a = this.next(`confirm: ${message}`);
    if (code && a === code) {
      await offerCode(this, options!.code!);
      return false;
    }
    if (typeof a !== 'boolean') this.fail(`confirm "${message}" expects true/false${code ? ` or ${JSON.stringify(code)}` : ''}, got ${shown(a)}`);
    return a;
  }

  async copy(text: string): Promise<void> {
    this.copied.push(text);
    await this.clipboard?.(text);
  }

  /** Answered with the label of one of the actions (exactly, or a RegExp), or false for Cancel. */
  async choose(message: string, detail: string, actions: readonly string[]): Promise<string | undefined> {
    this.confirms.push({ message, detail, actions });
    const a = this.next(`choose: ${message}`);
    if (a === false) return undefined;
    if (typeof a !== 'string' && !(a instanceof RegExp)) this.fail(`choose "${message}" expects an action's label or false, got ${shown(a)}`);
    const hit = actions.find((x) => (a instanceof RegExp ? a.test(x) : x === a));
    if (!hit) this.fail(`${shown(a)} is not among the actions of "${message}": ${actions.join(' | ')}`);
    return hit;
  }

  info(m: string): void {
    this.infos.push(m);
  }
  warn(m: string): void {
    this.warnings.push(m);
  }
  error(m: string): void {
    this.errors.push(m);
  }
}

/**
 * A prompter replaying `answers`, set as the extension's ext.ui (the extension-host suites' usual
 * first line). The extension's API is imported when called, so the unit tests that use the
 * prompter alone never load the vscode module.
 */
export async function script(...answers: Answer[]): Promise<ScriptedPrompter> {
  const p = new ScriptedPrompter(answers);
  const { api } = await import('./util');
  (await api()).ext.ui = p;
  return p;
}

/**
 * The root hook: after every test (in whatever file, as long as it imports this module), each
 * ScriptedPrompter made since the previous test, in the test or in a hook before it, must have used
 * every answer and matched every question. It wraps each test's function rather than being an
 * afterEach hook, so that the failure is the test's own: a failing root afterEach hook would stop
 * the whole run. (A prompter made in a `before` hook is checked after the first test.)
 */
if (typeof beforeEach === 'function') {
  beforeEach(function () {
    const test = this.currentTest;
    const fn = test?.fn;
    if (!test || !fn || fn.length > 0) return; // a test with a done callback is not wrapped
    test.fn = async function (this: Mocha.Context) {
      let passed = false;
      try {
        await (fn as (this: Mocha.Context) => unknown).call(this);
        passed = true;
      } finally {
        const mine = made.splice(0);
        // When the test failed on its own, that failure says more.
        if (passed) for (const p of mine) p.done();
      }
    };
  });
}
