// The Prompter of the real VS Code: quick picks, input boxes, modal confirmations, notifications.
// Inside a session (a multi-step input run by src/ui/steps.ts) the questions share one input: the
// box of the step just answered stays up, disabled and busy, while the next step loads (the prefix
// lists being listed, say), and the next question reuses it; a pick after a text input (or the other
// way round) replaces it, as quickinput-sample's multiStepInput.ts does.
// Every input keeps its place when the focus moves (ignoreFocusOut): the workbench gives the focus
// back to what had it before the command palette, and a webview (the results panel, the walkthrough)
// takes it back a moment later, after the first question showed. Without this, that late focus
// closed the question, and the command ended as if the user had cancelled it. Escape still cancels.
import * as vscode from 'vscode';
import {
  BackError,
  CancelledError,
  codeButton,
  KEEP_CLOSED,
  type CodeOffer,
  type ConfirmOptions,
  type InputOptions,
  type PickItem,
  type PickOptions,
  type Prompter,
} from './prompter';

type Item<T> = PickItem<T> & vscode.QuickPickItem;
type Input = vscode.QuickPick<Item<unknown>> | vscode.InputBox;

const SHOW_LOG = 'Show Log';

/** The input shared by the questions of one multi-step input. */
class Session {
  private current: Input | undefined;
  private watch: vscode.Disposable | undefined;
  /** A new input taken for the next question, shown once configured; then the one it replaces goes. */
  private pending: { next: Input; prev?: Input } | undefined;
  /** The user closed the input while no question was open (e.g. while the next step loaded). */
  private closed = false;

  /** The input for the next question: the current one when it is of the kind asked for, else a new one. */
  take<I extends Input>(isKind: (i: Input) => i is I, create: () => I): I {
    if (this.closed) throw new CancelledError();
    if (this.current && isKind(this.current)) {
      this.current.enabled = true;
      this.current.busy = false;
      return this.current;
    }
    const next = create();
    const prev = this.current;
    this.forget();
    this.current = next;
    // Its hiding counts only while it is the current input (not when the next one replaces it).
    this.watch = next.onDidHide(() => {
      if (this.current === next) this.closed = true;
    });
    this.pending = { next, prev };
    return next;
  }

  /** Shows the input taken last, once its question is set up, in place of the one before. */
  present(i: Input): void {
    if (this.pending?.next !== i) return;
    const { prev } = this.pending;
    this.pending = undefined;
    i.show();
    prev?.dispose();
  }

  /** Between questions: the input stays up, greyed out and busy, until the next question. */
  idle(i: Input): void {
    i.enabled = false;
    i.busy = true;
  }

  /** Before a modal dialog (it takes the focus and would close the input as if the user had), and at the end. */
  release(): void {
    const c = this.current;
    const p = this.pending;
    this.forget();
    this.pending = undefined;
    c?.dispose();
    p?.prev?.dispose();
  }

  private forget(): void {
    this.watch?.dispose();
    this.watch = undefined;
    this.current = undefined;
  }
}

const isPick = (i: Input): i is vscode.QuickPick<Item<unknown>> => 'items' in i;
const isBox = (i: Input): i is vscode.InputBox => !('items' in i);

/** The first item whose label, description or detail contains `typed` (case-insensitive), as the filter shows it first. */
function firstMatch<I extends vscode.QuickPickItem>(items: readonly I[], typed: string): I[] {
  const t = typed.toLowerCase();
  const hit = items.find((i) => [i.label, i.description, i.detail].some((x) => x?.toLowerCase().includes(t)));
  return hit ? [hit] : [];
}

export class VsCodePrompter implements Prompter {
  private active: Session | undefined;
  private readonly highlighted = new vscode.EventEmitter<string>();
  /**
   * Fires with an item's label when the workbench highlights it in an open pick: the pick is on
   * screen (tests wait for this before they press a key, instead of sleeping).
   */
  readonly onDidHighlight = this.highlighted.event;

  /**
   * Runs "Copy as Code…" (src/ui/codeOffer.ts). The composition root sets it to the one in
   * dist/features.js, so the code generators load on first use, not at activation.
   */
  codeOffer: (ui: Prompter, offer: CodeOffer) => Promise<unknown> = () => Promise.reject(new Error('Copy as Code is not available.'));

  async session<T>(work: () => Promise<T>): Promise<T> {
    if (this.active) return work();
    const s = (this.active = new Session());
    try {
      return await work();
    } finally {
      this.active = undefined;
      s.release();
    }
  }

  pick<T>(o: PickOptions<T>): Promise<T> {
    return this.quickPick(o, false).then((v) => v[0]);
  }

  pickMany<T>(o: PickOptions<T>): Promise<T[]> {
    return this.quickPick(o, true);
  }

  /** Listens until one outcome; then the input is disposed, or left up and idle in a session. */
  private ask<R>(s: Session | undefined, input: Input, wire: (done: (result: R) => void) => vscode.Disposable[]): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const subs: vscode.Disposable[] = [];
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        for (const d of subs) d.dispose();
        if (s) s.idle(input);
        else input.dispose();
        f();
      };
      subs.push(
        ...wire((r) => finish(() => resolve(r))),
        input.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(() => reject(new BackError()))),
        input.onDidHide(() => finish(() => reject(new CancelledError()))),
      );
      if (s) s.present(input);
      else input.show();
    });
  }

  private quickPick<T>(o: PickOptions<T>, many: boolean): Promise<T[]> {
    const s = this.active;
    const create = () => vscode.window.createQuickPick<Item<unknown>>();
    const qp = (s ? s.take(isPick, create) : create()) as unknown as vscode.QuickPick<Item<T>>;
    qp.title = o.title;
    qp.ignoreFocusOut = true;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.value = '';
    qp.canSelectMany = many;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.items = o.items as Item<T>[];
    qp.selectedItems = many ? qp.items.filter((i) => i.picked) : [];
    // Something is always highlighted, in a multi-select pick too, so Enter has an item to take.
    if (qp.items[0]) qp.activeItems = [qp.items[0]];
    // Back only when a previous step prompted: the step runner numbers only those.
    qp.buttons = o.step && o.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    return this.ask<T[]>(s, qp as unknown as Input, (done) => [
      qp.onDidChangeActive((items) => items[0] && this.highlighted.fire(items[0].label)),
      qp.onDidAccept(() => {
        // In a multi-select pick, Enter with nothing checked takes the highlighted item (what a
        // keyboard user typed a name to find), never "nothing": an empty answer is never sent.
        let chosen = many && qp.selectedItems.length ? qp.selectedItems : qp.activeItems.slice(0, 1);
        // VS Code 1.139 highlights nothing in a multi-select pick once its filter changes: take the
        // first row the filter shows (the label, description or detail containing what was typed).
        if (chosen.length === 0 && qp.value.trim()) chosen = firstMatch(qp.items, qp.value.trim());
        if (chosen.length === 0) return;
        done(chosen.map((c) => c.value));
      }),
    ]);
  }

  input(o: InputOptions): Promise<string> {
    const s = this.active;
    const box = s ? s.take(isBox, () => vscode.window.createInputBox()) : vscode.window.createInputBox();
    box.title = o.title;
    box.ignoreFocusOut = true;
    box.step = o.step;
    box.totalSteps = o.totalSteps;
    box.prompt = o.prompt;
    box.value = o.value ?? '';
    box.placeholder = o.placeholder;
    box.validationMessage = undefined;
    box.buttons = o.step && o.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    let version = 0;
    const check = async (v: string) => {
      const mine = ++version;
      const msg = o.validate ? await o.validate(v) : undefined;
      if (mine === version) box.validationMessage = msg;
      return msg;
    };
    // An empty box shows the prompt, not an error: validation starts with the first keystroke.
    if (box.value) void check(box.value);
    return this.ask<string>(s, box, (done) => [
      box.onDidChangeValue((v) => void check(v)),
      box.onDidAccept(async () => {
        const v = box.value;
        box.enabled = false;
        box.busy = true;
        const msg = await check(v);
        box.enabled = true;
        box.busy = false;
        if (!msg) done(v);
      }),
    ]);
  }

  async confirm(message: string, detail: string, action: string, options: ConfirmOptions = {}): Promise<boolean> {
    this.active?.release();
    // A modal dialog focuses its first button, so Enter presses it: an exposing action comes
    // second, after the safe choice (which declines, as Cancel and Escape do).
    const buttons = options.exposes ? [KEEP_CLOSED, action] : [action];
    // Copying the change as code changes nothing: it comes after the action, never first.
    const code = options.code ? codeButton(options.code) : undefined;
    if (code) buttons.push(code);
    const chosen = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
    if (code && chosen === code) {
      await this.codeOffer(this, options.code!);
      return false;
    }
    return chosen === action;
  }

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }

  async choose(message: string, detail: string, actions: readonly string[]): Promise<string | undefined> {
    this.active?.release();
    const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
    return pick && actions.includes(pick) ? pick : undefined;
  }

  progress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (p, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        return work(ac.signal, (message) => p.report({ message })).finally(() => sub.dispose());
      }),
    );
  }

  info(message: string): void {
    void vscode.window.showInformationMessage(message);
  }
  warn(message: string): void {
    void vscode.window.showWarningMessage(message);
  }
  /** With a "Show Log" button: the details of an error are in the log. */
  error(message: string): void {
    void Promise.resolve(vscode.window.showErrorMessage(message, SHOW_LOG)).then(
      (c) => (c === SHOW_LOG ? vscode.commands.executeCommand('auroraSg.showLog') : undefined),
      () => undefined,
    );
  }
}
