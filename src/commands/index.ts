// Every command of the extension, in one table: its id, what it does (the action of its error
// messages: "Could not <action>: ..."), and its handler. registerCommands() registers them all
// in one loop, each through runCommand (src/commands/run.ts), which applies the one error and
// cancel policy. The command bodies that are not needed at activation live in dist/features.js
// and load on first use (src/bundles.ts).
import * as vscode from 'vscode';
import { isFeaturesLoaded, loadFeatures } from '../bundles';
import type { Ext } from '../ext';
import type { AnalysisState } from '../state/analysisState';
import type { FindingsProvider, ReachTreeProvider } from '../tree/analysisViews';
import type { FindResultsProvider } from '../tree/findView';
import type { TreeFilterControl } from '../tree/treeFilterControl';
import type { Node } from '../tree/nodes';
import type { AnalysisDeps } from './analysisArgs';
import { exportActivity, showActivityEntry } from './activity';
import { goTo } from './goTo';
import { configure, selectProfile, selectProfiles, selectRegions, setEndpoint } from './connection';
import { signIn } from './signIn';
import { cancelLoading, copyArn, copyId, openInConsole, refresh, refreshFindings, revealGroup } from './navigate';
import { regionOf, runCommand } from './run';

/** What the handlers work with: the extension's services and its views. */
export interface Services {
  readonly ext: Ext;
  readonly context: vscode.ExtensionContext;
  readonly view: vscode.TreeView<Node>;
  readonly analysis: AnalysisState;
  readonly reachView: ReachTreeProvider;
  readonly findings: FindingsProvider;
  /** The Find Results view (auroraSg.find) and the Access tree's filter (auroraSg.filterTree). */
  readonly findResults: FindResultsProvider;
  readonly treeFilter: TreeFilterControl;
}

export interface CommandEntry {
  /** What the command does, as its error messages say it. */
  readonly action: string;
  /** The handler: throws (UserError, cancel, AWS errors); runCommand turns that into what the user sees. */
  readonly run: (s: Services, arg?: unknown, selected?: unknown) => unknown;
}

const analysisDeps = (s: Services): AnalysisDeps => ({ ext: s.ext, analysis: s.analysis, reachView: s.reachView, extensionUri: s.context.extensionUri });

/** The walkthrough panel's view type (also in src/webview/walkthroughPanel.ts, which loads only with dist/features.js). */
export const WALKTHROUGH_VIEW_TYPE = 'auroraSg.walkthrough';

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  // Browsing and connection (in dist/extension.js)
  'auroraSg.refresh': { action: 'refresh', run: (s, arg) => refresh(s.ext, s.analysis, arg) },
  'auroraSg.cancelLoading': { action: 'cancel loading', run: (s) => cancelLoading(s.ext) },
  'auroraSg.selectProfile': { action: 'select the AWS profile', run: (s, arg) => selectProfile(s.ext, arg) },
  'auroraSg.selectProfiles': { action: 'select the AWS profiles', run: (s, arg) => selectProfiles(s.ext, arg) },
  'auroraSg.signIn': { action: 'sign in', run: (s, arg) => signIn(s.ext, arg) },
  'auroraSg.selectRegions': { action: 'select the Regions', run: (s, arg) => selectRegions(s.ext, arg) },
  'auroraSg.setEndpoint': { action: 'set the endpoint override', run: (s, arg) => setEndpoint(s.ext, arg) },
  'auroraSg.configure': { action: 'change the connection', run: (s) => configure(s.ext) },
  'auroraSg.copyId': { action: 'copy the id', run: (_s, arg) => copyId(arg) },
  'auroraSg.copyArn': { action: 'copy the ARN', run: (s, arg) => copyArn(s.ext, arg) },
  'auroraSg.openInConsole': { action: 'open the AWS console', run: (_s, arg) => openInConsole(arg) },
  'auroraSg.revealGroup': { action: 'show the security group', run: (s, arg) => revealGroup(s.view, arg, s.treeFilter) },
  'auroraSg.goTo': { action: 'go to the security group or database', run: (s) => goTo(s.ext, s.view, s.treeFilter) },
  'auroraSg.showLog': { action: 'show the log', run: (s) => s.ext.log.show() },
  'auroraSg.refreshFindings': { action: 'refresh the findings', run: (s) => refreshFindings(s.analysis, s.findings) },
  // Find and the tree's filter (issue 17): the query language and the matching in dist/features.js
  'auroraSg.find': { action: 'find', run: (s, arg) => loadFeatures().findCommand({ ext: s.ext, analysis: s.analysis, results: s.findResults }, arg) },
  'auroraSg.clearFindResults': { action: 'clear the find results', run: (s) => s.findResults.clear() },
  'auroraSg.filterTree': { action: 'filter the tree', run: (s, arg) => loadFeatures().filterTree(s.ext, s.treeFilter, arg) },
  'auroraSg.clearTreeFilter': { action: 'clear the filter', run: (s) => s.treeFilter.apply(undefined) },
  // The activity log (issue 18): details and export in dist/extension.js, undo through ops (dist/features.js)
  'auroraSg.showActivityEntry': { action: 'show the activity entry', run: (s, arg) => showActivityEntry(s.ext, arg) },
  'auroraSg.exportActivity': { action: 'export the activity log', run: (s, arg) => exportActivity(s.ext, arg) },
  'auroraSg.undoActivity': { action: 'undo the change', run: (s, arg) => loadFeatures().undoActivity(s.ext, arg) },
  'auroraSg.redoActivity': { action: 'redo the change', run: (s, arg) => loadFeatures().undoActivity(s.ext, arg) },
  // Changes (dist/features.js)
  'auroraSg.createSecurityGroup': {
    action: 'create the security group',
    run: async (s, arg) => {
      const id = await loadFeatures().createSecurityGroup(s.ext, arg);
      if (id) await revealNewGroup(s, id);
      return id;
    },
  },
  'auroraSg.addInboundRule': { action: 'add the inbound rule', run: (s, arg) => loadFeatures().addRule(s.ext, false, arg) },
  'auroraSg.addOutboundRule': { action: 'add the outbound rule', run: (s, arg) => loadFeatures().addRule(s.ext, true, arg) },
  'auroraSg.editRule': { action: 'edit the rule', run: (s, arg) => loadFeatures().editRule(s.ext, arg) },
  'auroraSg.removeRule': { action: 'remove the rules', run: (s, arg, selected) => loadFeatures().removeRules(s.ext, arg, selected) },
  'auroraSg.deleteSecurityGroup': { action: 'delete the security group', run: (s, arg) => loadFeatures().deleteSecurityGroup(s.ext, arg) },
  'auroraSg.associateWithCluster': {
    action: 'associate the security groups with the DB cluster',
    run: (s, arg) => loadFeatures().associateWithCluster(s.ext, arg),
  },
  'auroraSg.disassociateFromCluster': {
    action: 'remove the security group from the DB cluster',
    run: (s, arg) => loadFeatures().disassociateFromCluster(s.ext, arg),
  },
  'auroraSg.associateWithInstance': {
    action: 'associate the security groups with the DB instance',
    run: (s, arg) => loadFeatures().associateWithInstance(s.ext, arg),
  },
  'auroraSg.disassociateFromInstance': {
    action: 'remove the security group from the DB instance',
    run: (s, arg) => loadFeatures().disassociateFromInstance(s.ext, arg),
  },
  'auroraSg.addInstanceToGroup': {
    action: 'add the EC2 instance to the security group',
    run: (s, arg) => loadFeatures().addInstanceToGroup(s.ext, s.analysis, arg),
  },
  'auroraSg.removeInstanceFromGroup': {
    action: 'remove the EC2 instance from the security group',
    run: (s, arg) => loadFeatures().removeInstanceFromGroup(s.ext, s.analysis, arg),
  },
  'auroraSg.allowMyIp': { action: 'allow your address temporarily', run: (s, arg) => loadFeatures().allowMyIp(s.ext, s.ext.temporaryDeps(), arg) },
  'auroraSg.revokeTemporaryRules': { action: 'remove the temporary rules', run: (s) => loadFeatures().revokeTemporaryRules(s.ext, s.ext.temporaryDeps()) },
  'auroraSg.exportSecurityGroup': { action: 'export the security group as code', run: (s, arg) => loadFeatures().exportSecurityGroup(s.ext, arg) },
  'auroraSg.compareGroups': { action: 'compare the security groups', run: (s, arg) => loadFeatures().compareGroups(s.ext, arg) },
  'auroraSg.copyRules': {
    action: 'copy the rules',
    run: async (s, arg) => {
      const done = await loadFeatures().copyRules(s.ext, arg);
      if (done) await revealIn(s, done.scope, done.groupId);
      return done;
    },
  },
  'auroraSg.openWalkthrough': { action: 'open the walkthrough', run: (s, arg) => loadFeatures().openWalkthrough(s.ext, s.context, arg) },
  // Analysis (dist/features.js)
  'auroraSg.whoCanReach': { action: 'work out who can reach the database', run: (s, arg) => loadFeatures().whoCanReach(analysisDeps(s), arg) },
  'auroraSg.explainPath': { action: 'explain the path', run: (s, arg) => loadFeatures().explainPath(analysisDeps(s), arg) },
  'auroraSg.applyFindingFix': { action: 'apply the fix', run: (s, arg) => loadFeatures().applyFindingFix(s.ext, arg) },
};

/** Registers every command of the table, each through runCommand; and what brings the walkthrough back after a reload. */
export function registerCommands(s: Services): void {
  const { ext, context } = s;
  for (const [id, c] of Object.entries(COMMANDS)) {
    const handler = async (arg?: unknown, selected?: unknown) => {
      // While a command runs (a prompt, a change), an automatic refresh waits (src/state/autoRefresh.ts).
      const done = ext.beginWork();
      try {
        return await runCommand(ext, c.action, regionOf(arg), () => c.run(s, arg, selected));
      } finally {
        done();
      }
    };
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(WALKTHROUGH_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        await runCommand(ext, 'restore the walkthrough', undefined, () => loadFeatures().restoreWalkthrough(ext, context, panel));
      },
    }),
    // The panels live in dist/features.js: closed on deactivation, if that was ever loaded.
    {
      dispose: () => {
        if (!isFeaturesLoaded()) return;
        loadFeatures().disposeWalkthrough();
        loadFeatures().ReachPanel.disposeOpen();
      },
    },
  );
}

/** A group changed by a command is shown selected in the Access tree, without taking the focus. */
async function revealIn(s: Services, scope: string, groupId: string): Promise<void> {
  await Promise.resolve(s.view.reveal({ kind: 'group', region: scope, groupId }, { select: true, focus: false, expand: false })).catch((e: unknown) =>
    s.ext.log.warn(`Could not show the group ${groupId} in the tree: ${(e as Error)?.message ?? String(e)}`),
  );
}

/** A group just created is shown selected in the Access tree (its VPC expanded), without taking the focus. */
async function revealNewGroup(s: Services, groupId: string): Promise<void> {
  for (const region of await s.ext.regions()) {
    if (!s.ext.store.index(region)?.groupsById.has(groupId)) continue;
    await Promise.resolve(s.view.reveal({ kind: 'group', region, groupId }, { select: true, focus: false, expand: false })).catch((e: unknown) =>
      s.ext.log.warn(`Could not show the new group ${groupId} in the tree: ${(e as Error)?.message ?? String(e)}`),
    );
    return;
  }
}
