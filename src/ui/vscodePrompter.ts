// The Prompter of the real VS Code: quick picks, input boxes, modal confirmations, notifications.
import * as vscode from 'vscode';
import { BackError, CancelledError, type InputOptions, type PickItem, type PickOptions, type Prompter } from './prompter';

export class VsCodePrompter implements Prompter {
  pick<T>(o: PickOptions<T>): Promise<T> {
    return this.quickPick(o, false).then((v) => v[0]);
  }

  pickMany<T>(o: PickOptions<T>): Promise<T[]> {
    return this.quickPick(o, true);
  }

  private quickPick<T>(o: PickOptions<T>, many: boolean): Promise<T[]> {
    const qp = vscode.window.createQuickPick<PickItem<T> & vscode.QuickPickItem>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.items = o.items as (PickItem<T> & vscode.QuickPickItem)[];
    qp.canSelectMany = many;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    if (many) qp.selectedItems = qp.items.filter((i) => i.picked);
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
  error(message: string): void {
    void vscode.window.showErrorMessage(message);
  }
}
