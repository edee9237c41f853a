// Everything commands need beyond activation, bundled as dist/features.js and loaded on the first
// command that needs it: activation stays small (see esbuild.mjs and src/lazy.ts).
export { findings } from './domain/analysis';
export { applyFindingFix, explainPath, whoCanReach } from './commands/analyze';
export { associateWithCluster, associateWithInstance, disassociateFromCluster, disassociateFromInstance } from './commands/associate';
export { createSecurityGroup } from './commands/createSecurityGroup';
export { deleteSecurityGroup } from './commands/deleteSecurityGroup';
export { addRule } from './commands/addRule';
export { editRule } from './commands/editRule';
export { removeRules } from './commands/removeRules';
// INTERIM (issue 12): change.ts wraps the handlers with this until commands/index.ts's runCommand replaces it.
export { guarded } from './commands/common';
export { disposeWalkthrough, openWalkthrough, restoreWalkthrough } from './webview/walkthroughPanel';
