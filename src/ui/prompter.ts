// Every question a command asks goes through a Prompter, so tests can replay scripted answers
// through the very same command code (the interactive path), and so Back works in every wizard.
import * as vscode from 'vscode';

export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}
export class BackError extends Error {
  constructor() {
    super('Back');
    this.name = 'BackError';
  }
}

export interface PickItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

export interface StepInfo {
  readonly title: string;
  readonly step?: number;
  readonly totalSteps?: number;
}

export interface PickOptions<T> extends StepInfo {
  readonly placeholder?: string;
  readonly items: readonly PickItem<T>[];
}

export interface InputOptions extends StepInfo {
  readonly prompt?: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly password?: false;
  /** Runs as the user types; a message blocks acceptance. */
  readonly validate?: (value: string) => string | undefined | Promise<string | undefined>;
}

export interface Prompter {
  pick<T>(o: PickOptions<T>): Promise<T>;
  pickMany<T>(o: PickOptions<T>): Promise<T[]>;
  input(o: InputOptions): Promise<string>;
  /** A modal confirmation; resolves true only for the action button. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** By name, not instanceof: the bundle and the tests each have their own copy of the classes. */
export const isBack = (e: unknown): boolean => (e as Error | undefined)?.name === 'BackError';
export const isCancel = (e: unknown): boolean => (e as Error | undefined)?.name === 'CancelledError';

/** Runs steps in order; a BackError from a step goes back one step. */
export async function runSteps(steps: readonly (() => Promise<void>)[]): Promise<void> {
  let i = 0;
  while (i < steps.length) {
    try {
      await steps[i]();
      i++;
    } catch (e) {
      if (isBack(e) && i > 0) i--;
      else throw e;
    }
  }
}

export class VsCodePrompter implements Prompter {
  pick<T>(o: PickOptions<T>): Promise<T> {
    return this.quickPick(o, false).then((v) => v[0]);
  }

  pickMany<T>(o: PickOptions<T>): Promise<T[]> {
    return this.quickPick(o, true);
  }

  private quickPick<T>(o: PickOptions<T>, many: boolean): Promise<T[]> {
    const qp = vscode.window.createQuickPick<PickItem<T>>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.items = o.items;
    qp.canSelectMany = many;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    if (many) qp.selectedItems = o.items.filter((i) => i.picked);
    qp.buttons = o.step && o.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    return new Promise<T[]>((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        f();
        qp.dispose();
      };
      qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(() => reject(new BackError())));
      qp.onDidAccept(() => {
        const chosen = many ? qp.selectedItems : qp.activeItems.slice(0, 1);
        if (!many && chosen.length === 0) return;
        finish(() => resolve(chosen.map((c) => c.value)));
      });
      qp.onDidHide(() => finish(() => reject(new CancelledError())));
      qp.show();
    });
  }

  input(o: InputOptions): Promise<string> {
    const box = vscode.window.createInputBox();
    box.title = o.title;
    box.step = o.step;
    box.totalSteps = o.totalSteps;
    box.prompt = o.prompt;
    box.value = o.value ?? '';
    box.placeholder = o.placeholder;
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
    return new Promise<string>((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        f();
        box.dispose();
      };
      box.onDidChangeValue((v) => void check(v));
      box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(() => reject(new BackError())));
      box.onDidAccept(async () => {
        const v = box.value;
        box.enabled = false;
        box.busy = true;
        const msg = await check(v);
        box.enabled = true;
        box.busy = false;
        if (!msg) finish(() => resolve(v));
      });
      box.onDidHide(() => finish(() => reject(new CancelledError())));
      box.show();
    });
  }

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }

  info(message: string): void {
    void vscode.window.showInformationMessage(message);
  }
  warn(message: string): void {
    void vscode.window.showWarningMessage(message);
  }
  error(message: string): void {
    void vscode.window.showErrorMessage(message);
  }
}
