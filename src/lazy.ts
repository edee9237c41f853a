// Lazily loaded parts of the extension: each is its own bundle next to dist/extension.js.
type Features = typeof import('./features');
let features: Features | undefined;

/** The command implementations and the analysis (dist/features.js), loaded on first use. */
export function loadFeatures(): Features {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (features ??= require('./features') as Features);
}

export const isFeaturesLoaded = (): boolean => features !== undefined;
