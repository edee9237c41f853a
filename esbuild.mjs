// Three bundles: dist/extension.js (activation: no AWS SDK code, no command bodies), dist/aws.js
// (the AWS layer, loaded on the first AWS call), dist/features.js (the command bodies, the walkthrough
// and the analysis, loaded on the first command or findings pass). src/bundles.ts is the only module
// that require()s the other two. `--main-fields=module,main` lets esbuild tree-shake the SDK's ES modules.
// Why features.js stays a separate file (measured 2026-12, --production, plain Node with a stubbed
// vscode, medians of 60 fresh processes): it is 148 KiB minified; module load + activate() is 10 ms
// with it separate, 17 ms with it folded into extension.js behind esbuild's lazy wrappers, and 27-29 ms
// folded with plain imports. Loading it later costs about 16 ms, once.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** The AWS layer and the features are reached only through `require('./aws/index')` / `require('./features')` (src/bundles.ts): keep them separate files. */
const awsExternal = {
  name: 'aws-layer-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/(.*\/)?aws\/index$/ }, () => ({ path: './aws.js', external: true }));
    build.onResolve({ filter: /^\.\.?\/features$/ }, () => ({ path: './features.js', external: true }));
  },
};

/**
 * The SDK's schema modules (client-ec2's describes every EC2 shape: 1.3 MB) write their traits as
 * `{ [_xN]: _sGRI }`, computed keys naming module constants. esbuild must keep any statement whose
 * computed key it cannot prove pure, so every shape stayed in the bundle, used or not. Writing the
 * constants' strings into those keys (`{ ["xmlName"]: _sGRI }`) changes nothing at run time and lets
 * the unused shapes go.
 */
const pureSchemaKeys = {
  name: 'pure-schema-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[\w-]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      const constants = new Map();
      for (const m of text.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(m[1], m[2]);
      const contents = text.replace(/\[(_\w+)\]:/g, (whole, name) => (constants.has(name) ? `[${constants.get(name)}]:` : whole));
      return { contents, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};

const contexts = [
  await esbuild.context({
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    plugins: [awsExternal],
    // Mark when the bundle starts and ends loading, so activation time includes module evaluation.
    banner: { js: 'var __auroraSgLoadStart = typeof performance !== "undefined" ? performance.now() : undefined;' },
    footer: { js: 'var __auroraSgLoadEnd = typeof performance !== "undefined" ? performance.now() : undefined;' },
  }),
  await esbuild.context({ ...common, entryPoints: { aws: 'src/aws/index.ts' }, outdir: 'dist', plugins: [pureSchemaKeys] }),
  await esbuild.context({ ...common, entryPoints: { features: 'src/features.ts' }, outdir: 'dist', plugins: [awsExternal] }),
  // Webview scripts run in the browser: one IIFE each, written under media/dist/ (localResourceRoots).
  await esbuild.context({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: production,
    sourcemap: false,
    logLevel: 'warning',
    metafile: true,
    entryPoints: { reach: 'src/webview/reach/main.ts', walkthrough: 'src/webview/walkthrough/main.ts' },
    outdir: 'media/dist',
  }),
];
// The codicon font for the webviews, from @vscode/codicons.
fs.mkdirSync('media/dist', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `media/dist/${f}`);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  for (const c of contexts) {
    const r = await c.rebuild();
    const name = Object.keys(r.metafile.outputs).find((f) => f.endsWith('.js'));
    fs.writeFileSync(name.replace(/\.js$/, '.meta.json'), JSON.stringify(r.metafile));
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`[build] ${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
    }
    await c.dispose();
  }
}
