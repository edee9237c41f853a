// Everything commands need beyond activation, bundled as dist/features.js and loaded on the first
// command that needs it: activation stays small (see esbuild.mjs and src/lazy.ts).
export { findings } from './domain/analysis';
export { applyFindingFix, explainPath, whoCanReach } from './commands/analyze';
export { associateWithCluster, associateWithInstance } from './commands/associateGroups';
export { disassociateFromCluster, disassociateFromInstance } from './commands/disassociateGroup';
export { createSecurityGroup } from './commands/createSecurityGroup';
export { deleteSecurityGroup } from './commands/deleteSecurityGroup';
export { addRule, editRule, removeRules } from './commands/rules';
export { disposeWalkthrough, openWalkthrough, restoreWalkthrough } from './webview/walkthroughPanel';
