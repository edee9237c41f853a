// The only module that knows how the extension is bundled: dist/aws.js (the AWS layer and the SDK)
// and dist/features.js (the command bodies, the walkthrough and the analysis) are separate files,
// loaded on first use so activation pays for neither (see esbuild.mjs). Imported only by the
// composition root: src/extension.ts and the command table (src/commands/index.ts).
type AwsModule = typeof import('./aws/index');
export type Features = typeof import('./features');

let awsModule: AwsModule | undefined;
let features: Features | undefined;

export const isAwsLoaded = (): boolean => awsModule !== undefined;
export const isFeaturesLoaded = (): boolean => features !== undefined;

/** The AWS layer (dist/aws.js), loaded on the first AWS call. */
export function loadAws(): AwsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (awsModule ??= require('./aws/index') as AwsModule);
}

/** The commands and the analysis (dist/features.js), loaded on the first command or findings pass that needs them. */
export function loadFeatures(): Features {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (features ??= require('./features') as Features);
}
