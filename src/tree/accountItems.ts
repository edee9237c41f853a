// The account rows of the Access tree with several accounts (auroraSg.profiles): the profile, its
// account id and alias; an account whose sign-in is missing or expired says so and offers "Sign in".
import * as vscode from 'vscode';
import { accountDescription, accountLabel, isProductionName, type AccountInfo } from '../domain/accounts';
import { translateError } from '../aws/errors';
import { md } from './hovers';

/** The context values of an account row (package.json menus match them). */
export const ACCOUNT_CONTEXT = 'account';
export const ACCOUNT_SIGNED_OUT_CONTEXT = 'account.signedOut';

export function accountItem(info: AccountInfo, scopes: readonly string[], endpoint?: string): vscode.TreeItem {
  const item = new vscode.TreeItem(info.profile, vscode.TreeItemCollapsibleState.Expanded);
  const prod = isProductionName(info.profile, info.identity?.alias);
  item.description = [prod ? 'PRODUCTION' : undefined, accountDescription(info)].filter(Boolean).join(' · ');
  item.contextValue = info.signedOut ? ACCOUNT_SIGNED_OUT_CONTEXT : ACCOUNT_CONTEXT;
  item.iconPath = info.loading
    ? new vscode.ThemeIcon('loading~spin')
    : info.error
      ? new vscode.ThemeIcon(info.signedOut ? 'sign-in' : 'warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon('account', prod ? new vscode.ThemeColor('errorForeground') : undefined);
  const lines = [
    `**${prod ? 'PRODUCTION account' : 'Account'} ${md(accountLabel(info))}**`,
    `Profile \`${md(info.profile)}\` · Regions: ${scopes.map(md).join(', ') || 'none'}`,
  ];
  if (info.identity?.arn) lines.push(`Signed in as ${md(info.identity.arn)}`);
  if (info.error) {
    const t = translateError(info.error, { profile: info.profile, endpoint });
    lines.push(
      info.signedOut
        ? `$(sign-in) Signed out: ${md(t.message)}\n\nUse **Sign in** (runs \`aws sso login --profile ${md(info.profile)}\`).`
        : `$(warning) ${md(t.message)}`,
    );
  }
  item.tooltip = new vscode.MarkdownString(lines.join('\n\n'), true);
  return item;
}
