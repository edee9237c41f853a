// Changes as code: AWS CLI, CloudFormation YAML and Terraform from one change description (change.ts).
import type { CodeChange, CodeContext, CodeFormat } from './change';
import { toCli } from './cli';
import { toCloudFormation } from './cloudformation';
import { toTerraform } from './terraform';

export * from './change';
export { shellQuote } from './cli';
export { driftWarning, managedBy, DEFAULT_MANAGED_BY_TAGS, type ManagedBy } from './managed';

/** The changes in one format. */
export function renderCode(format: CodeFormat, changes: readonly CodeChange[], ctx: CodeContext): string {
  switch (format) {
    case 'cli':
      return toCli(changes, ctx);
    case 'cloudformation':
      return toCloudFormation(changes, ctx);
    case 'terraform':
      return toTerraform(changes, ctx);
  }
}
