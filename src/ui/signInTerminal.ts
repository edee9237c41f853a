// The terminal of a sign-in: `aws sso login --profile NAME` (src/commands/signIn.ts).
import * as vscode from 'vscode';

/** Runs `aws sso login --profile NAME` in a terminal; resolves its exit code when it closes. */
export function ssoLoginInTerminal(profile: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const terminal = vscode.window.createTerminal({ name: `AWS sign-in: ${profile}`, shellPath: 'aws', shellArgs: ['sso', 'login', '--profile', profile] });
    const sub = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      sub.dispose();
      resolve(t.exitStatus?.code);
    });
    terminal.show();
  });
}
