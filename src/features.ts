// Everything commands need beyond activation, bundled as dist/features.js and loaded (src/bundles.ts)
// on the first command that needs it or on the first findings pass, which runs after a Region's
// data arrives: activation stays small (see esbuild.mjs).
// The domain's analysis (the findings pass runs after a load; the test API reaches both through here).
export { findings, whoCanReach as reachability } from './domain/analysis';
export { applyFindingFix } from './commands/applyFindingFix';
export { explainPath } from './commands/explainPath';
export { whoCanReach } from './commands/whoCanReach';
export { associateWithCluster, associateWithInstance } from './commands/associateGroups';
export { disassociateFromCluster, disassociateFromInstance } from './commands/disassociateGroup';
export { createSecurityGroup } from './commands/createSecurityGroup';
export { deleteSecurityGroup } from './commands/deleteSecurityGroup';
export { addInstanceToGroup, removeInstanceFromGroup } from './commands/instanceGroups';
export { addRule } from './commands/addRule';
export { allowMyIp, revokeTemporaryRules } from './commands/temporaryAccess';
export { revokeTemporary } from './ops/temporaryAccess';
export { editRule } from './commands/editRule';
export { removeRules } from './commands/removeRules';
export { undoActivity } from './commands/undoActivity';
export { exportSecurityGroup } from './commands/exportGroup';
export { compareGroups, copyRules } from './commands/compareCopy';
export { offerCode } from './ui/codeOffer';
export { ReachPanel } from './webview/reachPanel';
export { disposeWalkthrough, openWalkthrough, restoreWalkthrough } from './webview/walkthroughPanel';
export { readGroupUsage } from './ops/groups';
export { filterTree, findCommand } from './commands/find';
export { find } from './domain/find/match';
export { treeFilterOf } from './tree/treeFilter';
