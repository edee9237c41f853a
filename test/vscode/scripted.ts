// A Prompter that replays scripted answers, so tests drive the commands' interactive path.
import type { InputOptions, PickItem, PickOptions, Prompter } from '../../src/ui/prompter';
import { BackError, CancelledError } from '../../src/ui/prompter';

export const BACK = Symbol('back');
export const CANCEL = Symbol('cancel');
export type Answer = string | string[] | boolean | typeof BACK | typeof CANCEL;

const plain = (s: string | undefined) => (s ?? '').replace(/\$\([^)]+\)\s*/g, '').trim();

export class ScriptedPrompter implements Prompter {
  readonly asked: string[] = [];
  readonly validations: string[] = [];
  readonly confirms: { message: string; detail: string }[] = [];
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly pickItems: string[][] = [];

  constructor(private readonly answers: Answer[] = []) {}

  get remaining(): number {
    return this.answers.length;
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

  private next(what: string): Answer {
    this.asked.push(what);
    if (!this.answers.length) throw new Error(`No scripted answer left for: ${what}`);
    const a = this.answers.shift()!;
    if (a === BACK) throw new BackError();
    if (a === CANCEL) throw new CancelledError();
    return a;
  }

  private find<T>(o: PickOptions<T>, want: string): PickItem<T> {
    const hit =
      o.items.find((i) => plain(i.label) === want || i.value === (want as unknown)) ??
      o.items.find((i) => plain(i.label).startsWith(want) || (i.description ?? '').includes(want));
    if (!hit) throw new Error(`"${want}" is not among the choices of "${o.title}": ${o.items.map((i) => plain(i.label)).join(' | ')}`);
    return hit;
  }

  async pick<T>(o: PickOptions<T>): Promise<T> {
    this.pickItems.push(o.items.map((i) => plain(i.label)));
    const a = this.next(`pick: ${o.title} / ${o.placeholder ?? ''}`);
    if (typeof a !== 'string') throw new Error(`pick expects a label, got ${String(a)}`);
    return this.find(o, a).value;
  }

  async pickMany<T>(o: PickOptions<T>): Promise<T[]> {
    this.pickItems.push(o.items.map((i) => plain(i.label)));
    const a = this.next(`pickMany: ${o.title}`);
    if (!Array.isArray(a)) throw new Error(`pickMany expects a list of labels, got ${String(a)}`);
    return a.map((w) => this.find(o, w).value);
  }

  async input(o: InputOptions): Promise<string> {
    // Like a person: a rejected value gets its validation message, and the next answer is typed.
    for (;;) {
      const a = this.next(`input: ${o.title} / ${o.prompt ?? ''}`);
      if (typeof a !== 'string') throw new Error(`input expects text, got ${String(a)}`);
      const msg = o.validate ? await o.validate(a) : undefined;
      if (!msg) return a;
      this.validations.push(msg);
    }
  }

  async confirm(message: string, detail: string): Promise<boolean> {
    this.confirms.push({ message, detail });
    const a = this.next(`confirm: ${message}`);
    if (typeof a !== 'boolean') throw new Error(`confirm expects true/false, got ${String(a)}`);
    return a;
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
